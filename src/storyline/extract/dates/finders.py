"""The calendar finders: each yields candidates for one family of expressions (ISO dates, ranges,
month-day, months, years, weekdays, relative days and periods, "ago")."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, timedelta

from storyline.calendar_words import WEEKDAYS
from storyline.extract.dates.arithmetic import (
    add_days,
    closest_day,
    day_value,
    iso_week,
    month_of,
    safe_date,
    shift_month,
    weekday_date,
    weekend,
)
from storyline.extract.dates.context import FUTURE, PAST, Candidate, Context
from storyline.extract.dates.vocabulary import (
    AGO_AT,
    ANAPHOR_DAY_AT,
    ANCHORED_AFTER,
    CUE_MON_AT,
    CUE_YEAR_AT,
    DM_RANGE_AT,
    DMY_AT,
    DURATION_BEFORE,
    ISO_AT,
    MAY_CUES,
    MD_RANGE_AT,
    MDY_AT,
    MON_REL_YEAR_AT,
    MY_AT,
    NUMBERS,
    PARTS_OF_DAY,
    REL_DAY_AT,
    REL_DAY_OFFSETS,
    REL_MON_AT,
    REL_PERIOD_AT,
    THE_BEFORE,
    THE_WEEKEND_AT,
    UNIT_CODE,
    WD_NAME_AFTER,
    WD_NAME_BEFORE,
    WEEKDAY_AT,
    YEAR_RANGE_AT,
)


def find_iso(text: str, pub: date | None, ctx: Context) -> Iterator[Candidate]:
    for m in ctx.finditer(ISO_AT):
        d = safe_date(int(m["y"]), int(m["m"]), int(m["d"]))
        yield Candidate(m.start(), m.end(), day_value(d), "day")


def _range_value(
    pub: date | None,
    ctx: Context,
    start: int,
    end: int,
    m1: int,
    d1: int,
    m2: int,
    d2: int,
    year: str | None,
) -> str | None:
    if year:
        first = safe_date(int(year), m1, d1)
        y2 = int(year)
        if first is not None and (m2, d2) < (m1, d1):
            # "December 30 to January 2, 2020": the year belongs to the end.
            first = safe_date(int(year) - 1, m1, d1)
    elif pub is not None:
        first = closest_day(pub, m1, d1, ctx.tense(start, end), None)
        y2 = first.year if first else pub.year
        if (m2, d2) < (m1, d1):
            y2 += 1
    else:
        return None
    last = safe_date(y2, m2, d2)
    if first is None or last is None or last < first:
        return None
    return f"{first.isoformat()}/{last.isoformat()}"


def _between_before(text: str, pos: int) -> bool:
    return text[max(0, pos - 9) : pos].rstrip().lower().endswith("between")


def find_ranges(text: str, pub: date | None, ctx: Context) -> Iterator[Candidate]:
    for rx in (MD_RANGE_AT, DM_RANGE_AT):
        for m in ctx.finditer(rx):
            if m["conn"] == "and" and not _between_before(text, m.start()):
                continue  # "April 24 and 26" may be two separate days
            m1 = month_of(m["m1"] or m["m2"])
            m2 = month_of(m["m2"] or m["m1"])
            d1, d2 = int(m["d1"]), int(m["d2"])
            if m1 == m2 and d2 <= d1:
                continue  # "May 5-2" is a score, not a range
            value = _range_value(pub, ctx, m.start(), m.end(), m1, d1, m2, d2, m["y"])
            yield Candidate(m.start(), m.end(), value, "range")


def find_month_day(text: str, pub: date | None, ctx: Context) -> Iterator[Candidate]:
    for rx in (MDY_AT, DMY_AT):
        for m in ctx.finditer(rx):
            month, day = month_of(m["m"]), int(m["d"])
            weekday = WEEKDAYS[m["wd"].lower()] if m["wd"] else None
            if m["y"]:
                d = safe_date(int(m["y"]), month, day)
            elif pub is not None:
                d = closest_day(pub, month, day, ctx.tense(m.start(), m.end()), weekday)
            else:
                d = None
            yield Candidate(m.start(), m.end(), day_value(d), "day")


def month_for_cue(pub: date, month: int, tense: str) -> str:
    """ "in July": the latest July not after publication (past) or the next one (future)."""
    if tense == PAST:
        year = pub.year if month <= pub.month else pub.year - 1
    else:
        year = pub.year if month >= pub.month else pub.year + 1
    return f"{year}-{month:02d}"


def find_months(text: str, pub: date | None, ctx: Context) -> Iterator[Candidate]:
    for m in ctx.finditer(MY_AT):
        yield Candidate(m.start(), m.end(), f"{m['y']}-{month_of(m['m']):02d}", "month")
    for m in ctx.finditer(MON_REL_YEAR_AT):
        value = None
        if pub is not None:
            year = pub.year + {"last": -1, "this": 0, "next": 1}[m["rel"]]
            value = f"{year}-{month_of(m['m']):02d}"
        yield Candidate(m.start(), m.end(), value, "month")
    for m in ctx.finditer(REL_MON_AT):
        value = None
        month = month_of(m["m"])
        if pub is not None:
            rel = m["rel"].lower()
            if rel.startswith("last") or rel == "this past":
                year = pub.year if month < pub.month else pub.year - 1
            elif rel.startswith("next") or rel == "this coming":
                year = pub.year if month > pub.month else pub.year + 1
            else:
                year = pub.year
            value = f"{year}-{month:02d}"
        yield Candidate(m.start(), m.end(), value, "month")
    for m in ctx.finditer(CUE_MON_AT):
        cue = (m["cue"] or "").lower()
        if not cue and not m["mod"]:
            continue  # a bare month name may be a verb, a name or a headline word
        if m["m"] == "May" and (cue not in MAY_CUES or text.startswith(("'s", "’s"), m.end())):
            continue
        value = month_for_cue(pub, month_of(m["m"]), ctx.tense(m.start("span"), m.end())) if pub else None
        yield Candidate(m.start("span"), m.end(), value, "month")


def find_years(text: str, pub: date | None, ctx: Context) -> Iterator[Candidate]:
    for m in ctx.finditer(CUE_YEAR_AT):
        start = m.start("mod") if m["mod"] else m.start("y")
        yield Candidate(start, m.end(), m["y"], "year")
    for m in ctx.finditer(YEAR_RANGE_AT):
        yield Candidate(m.start("y1"), m.end("y1"), m["y1"], "year")
        yield Candidate(m.start("y2"), m.end("y2"), m["y2"], "year")


def find_weekdays(text: str, pub: date | None, ctx: Context) -> Iterator[Candidate]:
    for m in ctx.finditer(WEEKDAY_AT):
        if not m["mod"] and (
            WD_NAME_BEFORE.search(text, max(0, m.start() - 25), m.start()) or WD_NAME_AFTER.match(text, m.end())
        ):
            continue
        value = None
        if pub is not None:
            weekday = WEEKDAYS[m["wd"].lower()]
            mod = (m["mod"] or "").lower()
            if m["week"]:
                # "Wednesday last week": that weekday within the named week.
                shift = {"last": -7, "this": 0, "next": 7}[m["week"]]
                d = weekday_date(pub + timedelta(days=shift), weekday, "this_week")
            elif mod in ("last", "past", "this past"):
                d = weekday_date(pub, weekday, "before")
            elif mod in ("next", "coming", "this coming"):
                d = weekday_date(pub, weekday, "after")
            elif mod == "this":
                d = weekday_date(pub, weekday, "this_week")
            elif ctx.tense(m.start(), m.end()) == FUTURE:
                d = weekday_date(pub, weekday, "on_or_after")
            else:
                d = weekday_date(pub, weekday, "on_or_before")
            value = d.isoformat()
        yield Candidate(m.start(), m.end(), value, "day")


def find_relative_days(text: str, pub: date | None, ctx: Context) -> Iterator[Candidate]:
    for m in ctx.finditer(REL_DAY_AT):
        phrase = " ".join(m.group(0).lower().split())
        if phrase == "today" and text[max(0, m.start() - 4) : m.start()] == "USA ":
            continue
        offset = REL_DAY_OFFSETS[phrase]
        value = (pub + timedelta(days=offset)).isoformat() if pub else None
        part = next((code for word, code in PARTS_OF_DAY.items() if phrase.endswith(word)), None)
        if phrase == "tonight":
            part = "NI"
        if part and value:
            yield Candidate(m.start(), m.end(), value, "day", f"{value}T{part}", "TIME")
        else:
            yield Candidate(m.start(), m.end(), value, "day")
    for m in ctx.finditer(ANAPHOR_DAY_AT):
        if m["ba"] and ANCHORED_AFTER.match(text, m.end()):
            # "the day before the summit" points at the summit; we cannot resolve it.
            yield Candidate(m.start(), m.end(), None, "unknown")
            continue
        # Kept simple (brief): "the previous day" counts from publication, which is right for
        # the usual "X said Thursday ... the previous day" construction.
        back = m["rel"] in ("previous", "preceding") or m["ba"] == "before"
        value = (pub + timedelta(days=-1 if back else 1)).isoformat() if pub else None
        yield Candidate(m.start(), m.end(), value, "day")


def find_relative_periods(text: str, pub: date | None, ctx: Context) -> Iterator[Candidate]:
    for m in ctx.finditer(REL_PERIOD_AT):
        rel, unit = m["rel"].lower(), m["u"]
        if rel == "past" and not THE_BEFORE.search(text, max(0, m.start() - 5), m.start()):
            continue  # "past week" needs its article: "the past week"
        if not m["pre"] and unit != "weekend" and DURATION_BEFORE.search(text, max(0, m.start() - 9), m.start()):
            # "for the last year", "over the next week" are durations (TimeML: P1Y, P1W)
            yield Candidate(m.start(), m.end(), None, "unknown", f"P1{UNIT_CODE[unit]}", "DURATION", False)
            continue
        if rel == "past":
            rel = "last"  # "the past week" is the week before this one
        shift = {"last": -1, "this": 0, "next": 1}[rel]
        value: str | None = None
        granularity = "range" if unit == "weekend" else unit
        timex: str | None = None
        if pub is not None:
            if unit == "week":
                base = pub
                if pub.weekday() == 6 and (rel == "last" or (rel == "this" and m["pre"] == "later")):
                    # Many outlets start weeks on Sunday: "last week" in a Sunday paper is the
                    # Monday-to-Saturday just gone, i.e. the current ISO week.
                    base = pub + timedelta(days=1)
                value = iso_week(base + timedelta(days=7 * shift))
            elif unit == "month":
                y, mo = shift_month(pub.year, pub.month, shift)
                value = f"{y}-{mo:02d}"
            elif unit == "year":
                value = str(pub.year + shift)
            else:
                saturday = weekday_date(pub, 5, "this_week")
                if rel == "last" and saturday + timedelta(days=1) >= pub:
                    saturday -= timedelta(days=7)
                saturday += timedelta(days=7 * shift if rel == "next" else 0)
                value = weekend(saturday)
                timex = f"{iso_week(saturday)}-WE"
        yield Candidate(m.start(), m.end(), value, granularity, timex)
    for m in ctx.finditer(THE_WEEKEND_AT):
        value = None
        if pub is not None:
            if ctx.tense(m.start("span"), m.end()) == FUTURE:
                saturday = weekday_date(pub, 5, "on_or_after")
            else:
                saturday = weekday_date(pub, 5, "on_or_before")
            value = weekend(saturday)
        yield Candidate(m.start("span"), m.end(), value, "range")


def find_ago(text: str, pub: date | None, ctx: Context) -> Iterator[Candidate]:
    for m in ctx.finditer(AGO_AT):
        raw = m["n"].lower()
        n = int(raw) if raw.isdigit() else NUMBERS[raw]
        unit = m["u"].lower()
        value: str | None = None
        granularity = "year" if unit == "decade" else unit
        if pub is not None:
            # "1,000,000 days ago" leaves the calendar: no value rather than a year below 1
            if unit == "day":
                value = day_value(add_days(pub, -n))
            elif unit == "week":
                day = add_days(pub, -7 * n)
                value = iso_week(day) if day else None
            elif unit == "month":
                y, mo = shift_month(pub.year, pub.month, -n)
                value = f"{y}-{mo:02d}" if y >= 1 else None
            else:
                year = pub.year - n * (10 if unit == "decade" else 1)
                value = str(year) if year >= 1 else None
        yield Candidate(m.start(), m.end(), value, granularity)
