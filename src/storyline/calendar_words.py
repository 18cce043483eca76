"""Month and weekday names: the one calendar vocabulary the date finder, the page and dateline readers,
the quote and entity rules, the comparer and the renderer derive their tables from.

Each user builds the form it needs (a regex alternation, a lower-case set, a lookup) from these names, so a
spelling added here (say, a new abbreviation) reaches every one of them.
"""

from __future__ import annotations

__all__ = [
    "AP_MONTHS",
    "MONTHS",
    "MONTH_ABBREVIATIONS",
    "MONTH_NAMES",
    "WEEKDAYS",
    "WEEKDAY_NAMES",
    "month_abbreviations",
]

MONTH_NAMES = (
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)
WEEKDAY_NAMES = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")

# The short forms news copy writes without a full stop (the stop is optional in every pattern), with
# their month numbers. May has none; September has two ("Sep", and "Sept" in AP style).
MONTH_ABBREVIATIONS: dict[str, int] = {
    "Jan": 1,
    "Feb": 2,
    "Mar": 3,
    "Apr": 4,
    "Jun": 6,
    "Jul": 7,
    "Aug": 8,
    "Sep": 9,
    "Sept": 9,
    "Oct": 10,
    "Nov": 11,
    "Dec": 12,
}

# Lower-case spelling (full names, then abbreviations) -> month number 1-12.
MONTHS: dict[str, int] = {
    **{name.lower(): n for n, name in enumerate(MONTH_NAMES, 1)},
    **{abbr.lower(): n for abbr, n in MONTH_ABBREVIATIONS.items()},
}
# Lower-case weekday name -> ``date.weekday()`` (Monday is 0).
WEEKDAYS: dict[str, int] = {name.lower(): i for i, name in enumerate(WEEKDAY_NAMES)}

# How AP style prints a month beside a day ("Sept. 13, 2023"): names of five letters or fewer spelled
# out, the rest cut to their usual abbreviation with a full stop.
AP_MONTHS = tuple(
    name if len(name) <= 5 else ("Sept" if name == "September" else name[:3]) + "." for name in MONTH_NAMES
)


def month_abbreviations(month: int) -> tuple[str, ...]:
    """The abbreviations of month ``month`` (1-12), shortest first: ``("Sep", "Sept")`` for 9, ``()`` for May."""
    return tuple(sorted((a for a, n in MONTH_ABBREVIATIONS.items() if n == month), key=len))
