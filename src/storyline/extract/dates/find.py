"""``find_dates`` and ``find_timexes``: run the finders, settle overlapping candidates longest-first,
and give calendar mentions or TIMEX3 values."""

from __future__ import annotations

import bisect
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import date

from storyline.extract.dates.arithmetic import parse_published
from storyline.extract.dates.context import Candidate, Context
from storyline.extract.dates.finders import (
    find_ago,
    find_iso,
    find_month_day,
    find_months,
    find_ranges,
    find_relative_days,
    find_relative_periods,
    find_weekdays,
    find_years,
)
from storyline.extract.dates.timex import (
    THE_DAY,
    find_bare_months,
    find_bare_years,
    find_decades,
    find_durations,
    find_quarters,
    find_refs,
    find_seasons,
    find_the_day,
    find_times,
    find_year_edges,
)
from storyline.records import DateMention


@dataclass(frozen=True, slots=True)
class Timex:
    """A temporal expression in TimeML's terms (what TempEval and MEANTIME annotate).

    ``value`` is a TIMEX3 value: ``2013-03-22``, ``2013-W11``, ``2012-SU``, ``2009-Q3``,
    ``197`` (the 1970s), ``2013-03-22TAF`` (afternoon), ``P3Y`` (a duration), ``PRESENT_REF``;
    None when it cannot be resolved. ``type`` is DATE, TIME, DURATION or SET.
    """

    start: int
    end: int
    text: str
    value: str | None
    type: str


# ---------------------------------------------------------------------------------------------
# Finders: each yields candidates for one family of expressions

_Finder = Callable[[str, "date | None", Context], Iterator[Candidate]]


_FINDERS: tuple[_Finder, ...] = (
    find_iso,
    find_ranges,
    find_month_day,
    find_months,
    find_years,
    find_weekdays,
    find_relative_days,
    find_relative_periods,
    find_ago,
    find_durations,
    find_refs,
    find_times,
    find_quarters,
    find_seasons,
    find_decades,
    find_bare_years,
    find_bare_months,
    find_year_edges,
    find_the_day,
)


# ---------------------------------------------------------------------------------------------
# Public API


# The calendar view (find_dates) leaves out what names no calendar point and the clock-time
# finders: "Saturday morning" is the day "Saturday" there, and a duration never hides a date.
_DATE_FINDERS = tuple(f for f in _FINDERS if f not in (find_durations, find_refs, find_times))


# letters a case-insensitive pattern matches as an ASCII one ("yeſterday", the Kelvin sign) but whose ``lower()`` is
# not that letter: the vocabularies are looked up by the lower-cased word, so the matched word must fold to it
_FOLD = str.maketrans({"\u017f": "s", "\u212a": "K", "\u0131": "i", "\u0130": "I"})


def _resolve(
    text: str, published: str | None, finders: tuple[_Finder, ...] = _FINDERS, *, plain: bool = False
) -> list[Candidate]:
    """Every candidate of every finder, overlaps settled longest-first, in text order (``plain``: each pattern
    scans the whole text instead of trying only where it can begin; the same result, slower)."""
    pub = parse_published(published)
    text = text.translate(_FOLD)  # one letter for one: offsets stay
    ctx = Context(text, plain=plain)
    candidates = [c for finder in finders for c in finder(text, pub, ctx)]
    # Longest first, then leftmost, then the finder listed first: "October last year" beats
    # "last year"; at equal spans a date beats a duration reading of the same words.
    order = {id(c): i for i, c in enumerate(candidates)}
    candidates.sort(key=lambda c: (c.start - c.end, c.start, not c.dated, order[id(c)]))
    taken: list[Candidate] = []
    starts: list[int] = []
    for c in candidates:
        i = bisect.bisect_left(starts, c.start)
        if i > 0 and taken[i - 1].end > c.start:
            continue
        if i < len(taken) and taken[i].start < c.end:
            continue
        taken.insert(i, c)
        starts.insert(i, c.start)
    # "the day", "that day": the day named last before it (or publication day)
    last_day = pub.isoformat() if pub else None
    out: list[Candidate] = []
    for c in taken:
        if (
            c.granularity == "day"
            and c.value is None
            and c.dated
            and c.timex is None
            and THE_DAY.fullmatch(text, c.start, c.end)
        ):
            c = c._replace(value=last_day)
        if c.granularity == "day" and c.value:
            last_day = c.value
        out.append(c)
    return out


def find_timexes(text: str, published: str | None) -> list[Timex]:
    """Every temporal expression in TimeML's terms: dates, times, durations, sets, references.

    ``find_dates`` is the pipeline's view (calendar points only); this one is what TempEval-3
    and MEANTIME score, and keeps durations ("three years" = ``P3Y``) and references
    ("now" = ``PRESENT_REF``).

    Example:
        >>> [(t.text, t.value, t.type) for t in find_timexes("It ran for three years.", "2023-09-14")]
        [('three years', 'P3Y', 'DURATION')]
    """
    return [
        Timex(c.start, c.end, text[c.start : c.end], c.timex if c.timex is not None else c.value, c.ttype)
        for c in _resolve(text, published)
    ]


def find_dates(text: str, published: str | None, article_id: str = "") -> list[DateMention]:
    """Find the temporal expressions in ``text`` and resolve them against ``published``.

    Args:
        text: the article text; offsets in the result index into it.
        published: publication date, ISO ``YYYY-MM-DD`` (a longer ISO timestamp is cut to
            its date), or None. Mentions that carry their own year resolve without it;
            relative ones ("Wednesday", "last week", "Sept 4") get ``value=None``.
        article_id: copied into each record's ``article`` field.

    Returns:
        ``DateMention`` records sorted by ``start``, non-overlapping (the longest expression
        wins), with ``text[start:end] == mention.text``. ``value`` is ISO at the mention's
        granularity: day ``2023-09-13``, week ``2023-W37``, month ``2023-09``, year ``2023``,
        range ``2019-04-24/2019-04-26``.

    Example:
        >>> [(d.text, d.value) for d in find_dates("KCNA said on Wednesday.", "2023-09-14")]
        [('Wednesday', '2023-09-13')]
    """
    return [
        DateMention(
            article=article_id,
            text=text[c.start : c.end],
            start=c.start,
            end=c.end,
            value=c.value,
            granularity=c.granularity,
        )
        for c in _resolve(text, published, _DATE_FINDERS)
        if c.dated
    ]
