"""Date arithmetic for resolving a mention against the publication date: the closest month-day or
weekday in a tense's direction, month shifts, ISO weeks, weekends."""

from __future__ import annotations

from datetime import date, timedelta

from storyline.calendar_words import MONTHS
from storyline.extract.dates.context import PAST

# A year-less month-day on the side of publication its sentence's tense argues against must be
# this many times closer than the alternative to win. With 3, a date in a past-tense sentence is
# read as upcoming only when it lies within 365 / (3 + 1) ~ 91 days ahead ("was postponed to
# Dec. 12" in a September article is this December; "on March 3" is last March).
# Judgement, not calibration: there is no labelled data yet.
_AGAINST_TENSE_PENALTY = 3


# ---------------------------------------------------------------------------------------------
# Resolution helpers


# Publication dates outside these years anchor nothing: resolving "last week" or "next year" against
# 0001-01-01 or 9999-12-31 would step outside the calendar ``datetime.date`` can hold.
_PUB_YEARS = range(2, 9998)


def parse_published(published: str | None) -> date | None:
    if not published:
        return None
    try:
        pub = date.fromisoformat(published[:10])
    except ValueError:
        return None
    return pub if pub.year in _PUB_YEARS else None


def month_of(word: str) -> int:
    return MONTHS[word.rstrip(".").lower()]


def safe_date(y: int, m: int, d: int) -> date | None:
    try:
        return date(y, m, d)
    except ValueError:
        return None


def add_days(d: date, days: int) -> date | None:
    """``d`` plus ``days``, or None past the calendar's ends ("1,000,000 days ago")."""
    try:
        return d + timedelta(days=days)
    except OverflowError:
        return None


def iso_week(d: date) -> str:
    y, w, _ = d.isocalendar()
    return f"{y}-W{w:02d}"


def shift_month(y: int, m: int, delta: int) -> tuple[int, int]:
    n = y * 12 + (m - 1) + delta
    return n // 12, n % 12 + 1


def closest_day(pub: date, month: int, day: int, tense: str, weekday: int | None) -> date | None:
    """The month-day in the year nearest to publication, leaning towards the sentence's tense."""
    cands = [d for y in (pub.year - 1, pub.year, pub.year + 1) if (d := safe_date(y, month, day))]
    if weekday is not None:
        # "Wednesday, September 13" names its year by the weekday.
        matching = [d for d in cands if d.weekday() == weekday]
        cands = matching or cands
    if not cands:
        return None

    def cost(d: date) -> int:
        delta = (d - pub).days
        against = delta > 0 if tense == PAST else delta < 0
        return abs(delta) * (_AGAINST_TENSE_PENALTY if against else 1)

    return min(cands, key=cost)


def weekday_date(pub: date, weekday: int, mode: str) -> date:
    """Resolve a weekday: mode is on_or_before, before, on_or_after, after or this_week."""
    back = (pub.weekday() - weekday) % 7
    ahead = (weekday - pub.weekday()) % 7
    if mode == "on_or_before":
        return pub - timedelta(days=back)
    if mode == "before":
        return pub - timedelta(days=back or 7)
    if mode == "on_or_after":
        return pub + timedelta(days=ahead)
    if mode == "after":
        return pub + timedelta(days=ahead or 7)
    return pub - timedelta(days=pub.weekday()) + timedelta(days=weekday)  # this_week


def day_value(d: date | None) -> str | None:
    return d.isoformat() if d else None


def weekend(saturday: date) -> str:
    return f"{saturday.isoformat()}/{(saturday + timedelta(days=1)).isoformat()}"
