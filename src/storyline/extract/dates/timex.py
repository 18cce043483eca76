"""TimeML-only expressions: durations, sets, times of day, quarters, seasons, decades, references to
the present, bare years and months, year edges ("early 2019") and "the day"."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import date, timedelta

from storyline.calendar_words import WEEKDAYS
from storyline.extract.anchors import AnchorGroup
from storyline.extract.dates.arithmetic import day_value, iso_week, month_of, safe_date, shift_month, weekday_date
from storyline.extract.dates.context import FUTURE, Candidate, Context
from storyline.extract.dates.finders import month_for_cue
from storyline.extract.dates.vocabulary import (
    DATE_ANCHORS,
    DURATION_BEFORE,
    ISO,
    MONTH_ALTERNATION,
    MONTH_FIRST,
    NOT_YEAR,
    NOWHERE,
    NUMBERS,
    PARTS_OF_DAY,
    UNIT_CODE,
    WEEKDAY_ALTERNATION,
    WEEKDAY_FIRST,
)
from storyline.text import sentence_initial

_TIME_UNITS = frozenset({"second", "minute", "hour"})
_BIG_NUMBERS: dict[str, int] = {
    **NUMBERS,
    "thirteen": 13,
    "fourteen": 14,
    "fifteen": 15,
    "sixteen": 16,
    "seventeen": 17,
    "eighteen": 18,
    "nineteen": 19,
    "twenty": 20,
    "thirty": 30,
    "forty": 40,
    "fifty": 50,
    "sixty": 60,
    "seventy": 70,
    "eighty": 80,
    "ninety": 90,
    "hundred": 100,
}
_NUM = (
    r"(?:(?:twenty|thirty|forty|fifty|sixty|seventy|eighty|ninety)(?:-(?:one|two|three|four|five|six|"
    r"seven|eight|nine))?|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|thirteen|"
    r"fourteen|fifteen|sixteen|seventeen|eighteen|nineteen|hundred|\d{1,3}(?:\.\d+)?)"
)
_UNIT = r"(?P<u>second|minute|hour|day|week|month|quarter|year|decade|century)"
# "three years", "the past two years", "almost two and a half years", "several days", "a month"
_DURATION = re.compile(
    rf"\b(?:(?:[Tt]he\s+)?(?P<rel>past|last|next|previous|coming|first|final|following|recent|"
    rf"preceding)\s+)?(?:(?:almost|nearly|about|around|roughly|some|over|more\s+than|less\s+than|"
    rf"at\s+least|only|just|a\s+mere)\s+)?(?P<n>(?<![\d,.]){_NUM}(?:\s+and\s+a\s+half)?|an?|several|"
    rf"a\s+few|few|many|a\s+couple\s+of|couple\s+of)\s+(?:(?:more|full|straight|consecutive|long|"
    rf"additional|extra|trading|business|working)\s+)?{_UNIT}(?P<pl>s)?\b(?!\s+(?:ago|old)\b)(?!-)",
    re.IGNORECASE,
)
# "a four-week strike", "the 12-year low", "a 20 year high": a duration used as an adjective.
_DURATION_ADJ = re.compile(rf"\b(?P<n>{_NUM})[- ]{_UNIT}(?:s['’])?(?=[- ](?:[a-z]))", re.IGNORECASE)
# "for years", "in recent weeks", "over the decades": an unquantified duration.
_DURATION_BARE = re.compile(
    r"\b(?:(?P<cue>[Ff]or|[Oo]ver\s+the|[Ff]or\s+the\s+past)\s+|(?P<adj>[Rr]ecent|[Cc]oming)\s+)"
    r"(?P<u>second|minute|hour|day|week|month|year|decade)s\b"
)
# "15 a year", "twice a week", "once a month": a frequency (TimeML SET)
_SET_RATE = re.compile(
    r"\b(?:\d[\d,.]*|once|twice|\w+\s+times)\s+(?P<span>(?:a|an|per|each)\s+(?P<u>day|week|month|year))\b"
)
_SET_WORD = re.compile(r"\b(?P<w>annual|annually|yearly|weekly|monthly|quarterly)\b")
_SET_WORD_VALUE = {
    "annual": "P1Y",
    "annually": "P1Y",
    "yearly": "P1Y",
    "weekly": "P1W",
    "monthly": "P1M",
    "quarterly": "P1Q",
}
_RATE_BEFORE = re.compile(r"(?:\d[\d,.]*|\bonce|\btwice|\btimes)\s+$")
# "every day", "each week", "every morning"
_SET_EVERY = re.compile(r"\b(?:[Ee]very|[Ee]ach)\s+(?P<u>day|week|month|year|morning|afternoon|evening|night|season)\b")
# Words TimeML annotates as references to the present, past or future.
_REF = re.compile(
    r"\b(?P<w>[Nn]ow|[Cc]urrently|[Rr]ecently|[Tt]he\s+past|[Tt]he\s+future|[Aa]t\s+the\s+time|"
    r"(?:[Vv]ery\s+)?[Ss]oon|[Tt]he\s+(?:near|short|long)\s+term|[Nn]owadays|[Tt]hese\s+days|"
    r"[Ff]ormerly|[Tt]he\s+time\s+being)\b(?!\s*[-–]|\s+(?:that|than|past|two|three|four|five|six|"
    r"several|few|year|month|week|day|decade|\d))"
)
_REF_VALUE = {
    "now": "PRESENT_REF",
    "currently": "PRESENT_REF",
    "nowadays": "PRESENT_REF",
    "these days": "PRESENT_REF",
    "the time being": "PRESENT_REF",
    "recently": "PAST_REF",
    "the past": "PAST_REF",
    "at the time": "PAST_REF",
    "formerly": "PAST_REF",
    "the future": "FUTURE_REF",
    "soon": "FUTURE_REF",
    "very soon": "FUTURE_REF",
    "the near term": "FUTURE_REF",
    "the short term": "FUTURE_REF",
    "the long term": "FUTURE_REF",
}
# "15:00 GMT", "6:40 p.m.", "8 PM", "0800 UTC", optionally "... Saturday" / "... today"
_TZ = r"(?:\s*\(?(?P<tz>UTC|GMT|EST|EDT|CST|CDT|PST|PDT|BST|CET|CEST|KST|JST|MSK)(?:\s*[+-]\s*\d{1,2})?\)?)"
_AMPM = r"(?:\s*(?P<ampm>[AaPp]\.?\s?[Mm]\b\.?))"
_CLOCK_TAIL = rf"(?:,?\s+(?:on\s+)?(?P<wd>{WEEKDAY_ALTERNATION}|today|yesterday|tomorrow)\b)?"
_CLOCKS = (
    re.compile(rf"\b(?P<h>[01]?\d|2[0-3])[:.](?P<mi>[0-5]\d)(?![:.]?\d){_AMPM}{_TZ}?{_CLOCK_TAIL}"),
    re.compile(rf"\b(?P<h>[01]?\d|2[0-3])[:.](?P<mi>[0-5]\d)(?![:.]?\d){_TZ}{_CLOCK_TAIL}"),
    re.compile(rf"\b(?P<h>1[0-2]|0?[1-9]){_AMPM}{_TZ}?{_CLOCK_TAIL}"),
    re.compile(rf"\b(?P<h>[01]\d|2[0-3])(?P<mi>[0-5]\d){_TZ}{_CLOCK_TAIL}"),
)
# "Friday afternoon", "Sunday night"
_WD_PART = re.compile(rf"\b(?P<wd>{WEEKDAY_ALTERNATION})\s+(?P<part>morning|afternoon|evening|night)\b")
# "the third quarter of 2009", "the fourth quarter", "third-quarter", "Q3 2009"
_QUARTER = re.compile(
    r"\b(?:(?:[Tt]he\s+)?(?P<ord>first|second|third|fourth|final|last|1st|2nd|3rd|4th)[\s-]+quarter"
    r"|Q(?P<q>[1-4]))\b(?:,?\s+(?:of\s+)?(?:(?P<y>[12]\d{3})\b|(?P<rel>this|last|next|the)\s+year\b))?"
)
_ORDINAL_Q = {"first": 1, "1st": 1, "second": 2, "2nd": 2, "third": 3, "3rd": 3, "fourth": 4, "4th": 4}
# "last summer", "in the spring of 2019", "autumn 2008", "this winter"
_SEASON = re.compile(
    r"\b(?:(?P<mod>[Ll]ast|[Tt]his|[Nn]ext|[Ee]arly|[Ll]ate|[Mm]id-?)\s*|(?P<cue>[Ii]n|[Dd]uring|"
    r"[Ss]ince|[Bb]y|[Uu]ntil|[Tt]hrough)\s+(?:the\s+)?)?(?P<s>[Ss]pring|[Ss]ummer|[Aa]utumn|[Ff]all|"
    r"[Ww]inter)\b(?:\s+(?:of\s+)?(?P<y>[12]\d{3})\b)?"
)
_SEASON_CODE = {"spring": ("SP", 3), "summer": ("SU", 6), "autumn": ("FA", 9), "fall": ("FA", 9), "winter": ("WI", 12)}
# "the 1990s", "the '70s", "the 20th century"
_DECADE = re.compile(r"\b(?:(?P<c>1[89]|20)|(?<=['’]))(?P<d>\d)0['’]?s\b")
_CENTURY = re.compile(r"\b(?P<n>1[5-9]|2[01])(?:st|nd|rd|th)[\s-]+[Cc]entury\b")
# A four-digit year standing alone ("elected in 1953", "the 2009-2010 season").
_BARE_YEAR = re.compile(rf"(?<![\w$£€#@/.,:-])(?P<y>1[89]\d\d|20\d\d)(?![\w%/:]|[.,]\d|['’]?s\b){NOT_YEAR}")
_YEAR_PAIR = re.compile(r"(?<![\w$£€#@/.,-])(?P<y1>(?:1[89]|20)\d\d)[-–/](?P<y2>(?:1[89]|20)?\d\d)(?![\w%/-])")
_SHORT_YEAR = re.compile(r"(?<![\w'’])['’](?P<yy>\d\d)\b(?!['’]?s\b)")
# Numbers after these words are identifiers, not years ("Flight 2013", "Resolution 1718").
_ID_BEFORE = re.compile(
    r"(?:\b(?:[Nn]o\.?|[Nn]umber|[Ff]light|[Rr]oute|[Hh]ighway|[Aa]rticle|[Rr]esolution|[Mm]odel|"
    r"[Rr]oom|[Pp]age|[Bb]us|[Uu]nit|[Ss]ection|[Cc]hapter|[Vv]ersion|[Ll]ot|[Bb]lock|[Ee]xit)\s+|#)$"
)
# A bare month name needs company: "the deal signed in August" (cue) is handled by CUE_MON;
# alone it must not sit in a name ("April Ryan", "Theresa May") or open a speech ("June said").
_BARE_MON = re.compile(rf"\b(?P<m>(?:{MONTH_ALTERNATION.replace('May|', '')}))\b(?![-'’])")
_SPEECH_VERB_AFTER = re.compile(r"\s+(?:said|says|told|added|wrote|asked|replied|announced)\b")
# "the end of the year", "the beginning of last year", "the start of 2009"
_YEAR_EDGE = re.compile(
    r"\b(?:[Tt]he\s+)?(?P<edge>end|beginning|start|middle|close|turn)\s+of\s+(?:the\s+)?"
    r"(?:(?P<rel>this|last|next|that|the\s+current|current)\s+)?(?:(?P<y>[12]\d{3})|year)\b"
)
# "the previous year", "the following month", "the year before"
_ANAPHOR_PERIOD = re.compile(
    r"\b[Tt]he\s+(?:(?P<rel>previous|preceding|following|next|prior)\s+(?P<u>week|month|year)"
    r"|(?P<u2>week|month|year)\s+(?P<ba>before|after|previous|earlier|later))\b"
)
# "the day", "that day", "the same day": the day last mentioned.
THE_DAY = re.compile(
    r"\b(?:[Tt]he\s+(?:same\s+)?|[Tt]hat\s+)day\b(?!['’]s|\s+(?:before|after|of|when|that|which|"
    r"he|she|they|it|we|I|you|the|a|an|his|her|its|their|our|to|in|and|or)\b)"
)


# Where each pattern can begin (see the same block in ``vocabulary``); the patterns only ``find_timexes`` reads
# are a group of their own, so ``find_dates`` does not look for where they begin.
TIMEX_ANCHORS = AnchorGroup()
_SET_WORD_AT = TIMEX_ANCHORS.add(_SET_WORD, r"(?:annual|annually|yearly|weekly|monthly|quarterly)\Z")
_SET_EVERY_AT = TIMEX_ANCHORS.add(_SET_EVERY, r"(?:[Ee]very|[Ee]ach)\Z")
_REF_AT = TIMEX_ANCHORS.add(
    _REF, r"(?:[Nn]ow|[Cc]urrently|[Rr]ecently|[Tt]he|[Aa]t|[Vv]ery|[Ss]oon|[Nn]owadays|[Tt]hese|[Ff]ormerly)\Z"
)
_CLOCKS_AT = tuple(TIMEX_ANCHORS.add(rx, r"\d") for rx in _CLOCKS)
_WD_PART_AT = TIMEX_ANCHORS.add(_WD_PART, WEEKDAY_FIRST)
_QUARTER_AT = DATE_ANCHORS.add(
    _QUARTER,
    r"(?:first|second|third|fourth|final|last|Q)\Z|[1-4]\Z",
    lead=r"[Tt]he\Z",
    then=r"(?:first|second|third|fourth|final|last)\Z|[1-4]\Z",
)
_SEASON_AT = DATE_ANCHORS.add(
    _SEASON,
    r"[Ll]ast|[Tt]his|[Nn]ext|[Ee]arly|[Ll]ate|[Mm]id|(?:[Ss]pring|[Ss]ummer|[Aa]utumn|[Ff]all|[Ww]inter)\Z",
    lead=r"(?:[Ii]n|[Dd]uring|[Ss]ince|[Bb]y|[Uu]ntil|[Tt]hrough)\Z",
    then=r"(?:the|[Ss]pring|[Ss]ummer|[Aa]utumn|[Ff]all|[Ww]inter)\Z",
)
_DECADE_AT = DATE_ANCHORS.add(_DECADE, r"(?:\d\d){1,2}\Z")
_CENTURY_AT = DATE_ANCHORS.add(_CENTURY, r"\d\d\Z")
_BARE_YEAR_AT = DATE_ANCHORS.add(_BARE_YEAR, r"\d{4}\Z")
_YEAR_PAIR_AT = DATE_ANCHORS.add(_YEAR_PAIR, r"\d{4}\Z")
_SHORT_YEAR_AT = DATE_ANCHORS.add(_SHORT_YEAR, r"['’]\Z")
_BARE_MON_AT = DATE_ANCHORS.add(_BARE_MON, MONTH_FIRST)
_YEAR_EDGE_AT = DATE_ANCHORS.add(
    _YEAR_EDGE,
    r"(?:end|beginning|start|middle|close|turn)\Z",
    lead=r"[Tt]he\Z",
    then=r"(?:end|beginning|start|middle|close|turn)\Z",
)
_ANAPHOR_PERIOD_AT = DATE_ANCHORS.add(
    _ANAPHOR_PERIOD, NOWHERE, lead=r"[Tt]he\Z", then=r"(?:previous|preceding|following|next|prior|week|month|year)\Z"
)
THE_DAY_AT = DATE_ANCHORS.add(THE_DAY, NOWHERE, lead=r"(?:[Tt]he|[Tt]hat)\Z", then=r"(?:same|day)\Z")


def _n_value(raw: str) -> str:
    """The number of a duration as TIMEX writes it: "2", "2.5", "X" for "several"."""
    low = " ".join(raw.lower().split())
    half = low.endswith(" and a half")
    if half:
        low = low[: -len(" and a half")]
    if low in ("several", "a few", "few", "many", "a couple of", "couple of"):
        return "X"
    if low in ("a", "an"):
        n: float = 1
    elif low.replace(".", "", 1).isdigit():
        n = float(low)
    elif "-" in low:
        tens, ones = low.split("-", 1)
        n = _BIG_NUMBERS.get(tens, 0) + _BIG_NUMBERS.get(ones, 0)
    else:
        n = _BIG_NUMBERS.get(low, 0)
    if half:
        n += 0.5
    return str(int(n)) if n == int(n) else str(n)


def _duration_value(n: str, unit: str) -> str:
    unit = unit.lower()
    if unit == "decade" and n != "X":
        # TimeBank and MEANTIME write decades as years ("a decade" = P10Y)
        return f"P{_fmt_num(float(n) * 10)}Y"
    if unit == "century" and n != "X":
        return f"P{_fmt_num(float(n) * 100)}Y"
    prefix = "PT" if unit in _TIME_UNITS else "P"
    return f"{prefix}{n}{UNIT_CODE[unit]}"


def _fmt_num(n: float) -> str:
    return str(int(n)) if n == int(n) else str(n)


# Durations are searched only near a unit word: the full pattern is slow to try at every word.
_UNIT_WORD = re.compile(r"(?i)\b(?:second|minute|hour|day|week|month|quarter|year|decade|centur)")
# How far before a unit word a duration may start ("the past almost two and a half years" is 38).
_DURATION_REACH = 60


def _unit_windows(text: str) -> list[tuple[int, int]]:
    windows: list[tuple[int, int]] = []
    for m in _UNIT_WORD.finditer(text):
        lo, hi = max(0, m.start() - _DURATION_REACH), m.end() + 12
        if windows and lo <= windows[-1][1]:
            windows[-1] = (windows[-1][0], hi)
        else:
            windows.append((lo, hi))
    return windows


def find_durations(text: str, pub: date | None, ctx: Context) -> Iterator[Candidate]:
    windows = _unit_windows(text)
    seen: set[tuple[int, int]] = set()
    for m in (m for lo, hi in windows for m in _DURATION.finditer(text, lo, hi)):
        if (m.start(), m.end()) in seen:
            continue
        seen.add((m.start(), m.end()))
        n_raw = m["n"]
        if n_raw.lower() in ("a", "an") and m["pl"]:
            continue  # "a years" is not English; "a day" is
        if n_raw.lower() in ("a", "an") and _RATE_BEFORE.search(text, max(0, m.start() - 16), m.start()):
            continue  # "15 a year" is a frequency (a SET, found below), not a duration
        n = _n_value(n_raw)
        if n == "0":
            continue
        yield Candidate(m.start(), m.end(), None, "unknown", _duration_value(n, m["u"]), "DURATION", False)
    for m in (m for lo, hi in windows for m in _DURATION_ADJ.finditer(text, lo, hi)):
        n = _n_value(m["n"])
        if n != "0":
            yield Candidate(m.start(), m.end(), None, "unknown", _duration_value(n, m["u"]), "DURATION", False)
    for m in (m for lo, hi in windows for m in _DURATION_BARE.finditer(text, lo, hi)):
        start = m.start("adj") if m["adj"] else m.start("u")
        yield Candidate(start, m.end(), None, "unknown", _duration_value("X", m["u"]), "DURATION", False)
    for m in _SET_RATE.finditer(text):
        yield Candidate(m.start("span"), m.end(), None, "unknown", f"P1{UNIT_CODE[m['u']]}", "SET", False)
    for m in ctx.finditer(_SET_WORD_AT):
        yield Candidate(m.start(), m.end(), None, "unknown", _SET_WORD_VALUE[m["w"]], "SET", False)
    for m in ctx.finditer(_SET_EVERY_AT):
        u = m["u"]
        tv = (
            f"XXXX-XX-XXT{PARTS_OF_DAY[u]}"
            if u in PARTS_OF_DAY
            else "XXXX-WI"
            if u == "season"
            else (f"P1{UNIT_CODE[u]}")
        )
        yield Candidate(m.start(), m.end(), None, "unknown", tv, "SET", False)


def find_refs(text: str, pub: date | None, ctx: Context) -> Iterator[Candidate]:
    for m in ctx.finditer(_REF_AT):
        key = " ".join(m["w"].lower().split())
        yield Candidate(m.start(), m.end(), None, "unknown", _REF_VALUE[key], "DATE", False)


def _day_before(ctx: Context, pos: int, pub: date | None) -> date | None:
    """The last day-granularity date written before ``pos`` in the same sentence, else publication."""
    s_start, _ = ctx.sentence(pos)
    last: date | None = None
    for m in ISO.finditer(ctx.text, s_start, pos):
        last = safe_date(int(m["y"]), int(m["m"]), int(m["d"])) or last
    return last or pub


def find_times(text: str, pub: date | None, ctx: Context) -> Iterator[Candidate]:
    for m in (m for rx in _CLOCKS_AT for m in ctx.finditer(rx)):
        groups = m.groupdict()
        hour = int(m["h"])
        minute = int(groups.get("mi") or 0)
        ampm = (groups.get("ampm") or "").lower().replace(".", "").replace(" ", "")
        if ampm == "pm" and hour < 12:
            hour += 12
        elif ampm == "am" and hour == 12:
            hour = 0
        day: date | None = None
        if pub is not None:
            wd = (m["wd"] or "").lower()
            if wd in WEEKDAYS:
                mode = "on_or_after" if ctx.tense(m.start(), m.end()) == FUTURE else "on_or_before"
                day = weekday_date(pub, WEEKDAYS[wd], mode)
            elif wd in ("yesterday", "tomorrow"):
                day = pub + timedelta(days=-1 if wd == "yesterday" else 1)
            else:
                day = _day_before(ctx, m.start(), pub)
        zone = "Z" if groups.get("tz") in ("UTC", "GMT") else ""
        tv = f"{day.isoformat()}T{hour:02d}:{minute:02d}{zone}" if day else None
        yield Candidate(m.start(), m.end(), day_value(day), "day", tv, "TIME")
    for m in ctx.finditer(_WD_PART_AT):
        day = None
        if pub is not None:
            mode = "on_or_after" if ctx.tense(m.start(), m.end()) == FUTURE else "on_or_before"
            day = weekday_date(pub, WEEKDAYS[m["wd"].lower()], mode)
        tv = f"{day.isoformat()}T{PARTS_OF_DAY[m['part']]}" if day else None
        yield Candidate(m.start(), m.end(), day_value(day), "day", tv, "TIME")


def _quarter_range(year: int, q: int) -> str | None:
    if not 1 <= year <= 9998:  # "Q4 9999" ends where ``datetime.date`` does
        return None
    first = date(year, 3 * q - 2, 1)
    last = date(year + (q == 4), (3 * q) % 12 + 1, 1) - timedelta(days=1)
    return f"{first.isoformat()}/{last.isoformat()}"


def find_quarters(text: str, pub: date | None, ctx: Context) -> Iterator[Candidate]:
    for m in ctx.finditer(_QUARTER_AT):
        ord_ = (m["ord"] or "").lower()
        q = int(m["q"]) if m["q"] else _ORDINAL_Q.get(ord_, 4)
        year: int | None = int(m["y"]) if m["y"] else None
        if year is None and pub is not None:
            current = (pub.month - 1) // 3 + 1
            rel = (m["rel"] or "").lower()
            if rel in ("this", "the"):
                year = pub.year
            elif rel in ("last", "next"):
                year = pub.year + (1 if rel == "next" else -1)
            elif ord_ == "last" and not m["rel"]:
                # "the last quarter": the one before this one
                q = current - 1 or 4
                year = pub.year - (current == 1)
            elif ctx.tense(m.start(), m.end()) == FUTURE:
                year = pub.year if q >= current else pub.year + 1
            else:
                year = pub.year if q < current else pub.year - 1
        value = _quarter_range(year, q) if year else None
        yield Candidate(m.start(), m.end(), value, "range", f"{year}-Q{q}" if year else None)


def find_seasons(text: str, pub: date | None, ctx: Context) -> Iterator[Candidate]:
    for m in ctx.finditer(_SEASON_AT):
        season = m["s"].lower()
        if not (m["mod"] or m["cue"] or m["y"]):
            continue  # "spring", "fall" alone are too often other words
        if season == "fall" and not (m["mod"] or m["y"]) and m["s"] == "fall":
            if not re.search(r"the\s+$", text[m.start() : m.start("s")]):
                continue  # "in fall" (but "in the fall") is rarely the season
        code, start_month = _SEASON_CODE[season]
        year: int | None = int(m["y"]) if m["y"] else None
        if year is None and pub is not None:
            mod = (m["mod"] or "").lower()
            started = pub.month >= start_month or (code == "WI" and pub.month <= 2)
            base = pub.year - (code == "WI" and pub.month <= 2)  # Jan-Feb belong to last year's winter
            if mod == "last":
                year = base - 1 if started else pub.year - 1
                if code != "WI" and not started:
                    year = pub.year - 1
                elif code != "WI":
                    year = pub.year if pub.month >= start_month + 3 else pub.year - 1
            elif mod == "next":
                year = pub.year + 1 if started else pub.year
            elif mod == "this" or ctx.tense(m.start(), m.end()) == FUTURE:
                year = base if code == "WI" else pub.year
            else:
                year = pub.year if started else pub.year - 1
        span_start = m.start("s") if m["cue"] else m.start()
        value = None
        if year is not None:
            months = 3
            first = date(year, start_month, 1)
            ly, lm = shift_month(year, start_month, months)
            value = f"{first.isoformat()}/{(date(ly, lm, 1) - timedelta(days=1)).isoformat()}"
        yield Candidate(span_start, m.end(), value, "range", f"{year}-{code}" if year else None)


def find_decades(text: str, pub: date | None, ctx: Context) -> Iterator[Candidate]:
    for m in ctx.finditer(_DECADE_AT):
        century = m["c"] or "19"
        first = int(f"{century}{m['d']}0")
        start = m.start() - 1 if not m["c"] else m.start()
        yield Candidate(start, m.end(), f"{first}-01-01/{first + 9}-12-31", "range", f"{century}{m['d']}")
    for m in ctx.finditer(_CENTURY_AT):
        n = int(m["n"])
        first = (n - 1) * 100
        yield Candidate(m.start(), m.end(), f"{first:04d}-01-01/{first + 99:04d}-12-31", "range", f"{n - 1:02d}")


def find_bare_years(text: str, pub: date | None, ctx: Context) -> Iterator[Candidate]:
    for m in ctx.finditer(_BARE_YEAR_AT):
        if _ID_BEFORE.search(text, max(0, m.start() - 12), m.start()):
            continue
        yield Candidate(m.start(), m.end(), m["y"], "year")
    for m in ctx.finditer(_YEAR_PAIR_AT):
        y1 = int(m["y1"])
        y2 = int(m["y2"]) if len(m["y2"]) == 4 else y1 // 100 * 100 + int(m["y2"])
        if y2 <= y1:
            continue  # "2009-05" is a month, "2019/20" a season: only a rising pair is two years
        yield Candidate(m.start("y1"), m.end("y1"), str(y1), "year")
        yield Candidate(m.start("y2"), m.end("y2"), str(y2), "year")
    for m in ctx.finditer(_SHORT_YEAR_AT):
        yy = int(m["yy"])
        this = pub.year % 100 if pub else 30
        year = 2000 + yy if yy <= this else 1900 + yy
        yield Candidate(m.start(), m.end(), str(year), "year")


def find_bare_months(text: str, pub: date | None, ctx: Context) -> Iterator[Candidate]:
    for m in ctx.finditer(_BARE_MON_AT):
        before = text[max(0, m.start() - 30) : m.start()]
        if re.search(r"(?:[A-Z][\w.'’-]*|\b[Tt]he)\s+$", before) and not re.search(
            rf"(?:{WEEKDAY_ALTERNATION}),?\s+$", before
        ):
            continue  # "Theresa May", "the March rally"
        if re.match(r"\s+(?:[A-Z]|\d)", text[m.end() : m.end() + 3]) or _SPEECH_VERB_AFTER.match(text, m.end()):
            continue  # "April Ryan", "June said"; "June 3" is found by the day finders
        if sentence_initial(text, m.start(), after_colon=False) and m["m"] in ("March", "April", "June", "August"):
            continue  # a name or the verb at a sentence start
        value = month_for_cue(pub, month_of(m["m"]), ctx.tense(m.start(), m.end())) if pub else None
        yield Candidate(m.start(), m.end(), value, "month")


def find_year_edges(text: str, pub: date | None, ctx: Context) -> Iterator[Candidate]:
    for m in ctx.finditer(_YEAR_EDGE_AT):
        year: int | None = int(m["y"]) if m["y"] else None
        rel = " ".join((m["rel"] or "").lower().split())
        if year is None and pub is not None:
            if rel == "last":
                year = pub.year - 1
            elif rel == "next":
                year = pub.year + 1
            elif rel in ("this", "current", "the current") or ctx.tense(m.start(), m.end()) == FUTURE:
                year = pub.year
            elif m["edge"] in ("end", "close", "turn") and pub.month <= 3:
                # "sales rose at the end of the year" in a first-quarter article: the year just gone
                year = pub.year - 1
            else:
                year = pub.year
        yield Candidate(m.start(), m.end(), str(year) if year else None, "year")
    for m in ctx.finditer(_ANAPHOR_PERIOD_AT):
        if DURATION_BEFORE.search(text, max(0, m.start() - 20), m.start()):
            continue  # "over the next week" is a duration
        unit = m["u"] or m["u2"]
        word = (m["rel"] or m["ba"] or "").lower()
        shift = -1 if word in ("previous", "preceding", "prior", "before", "earlier") else 1
        value = None
        if pub is not None:
            if unit == "year":
                value = str(pub.year + shift)
            elif unit == "month":
                y, mo = shift_month(pub.year, pub.month, shift)
                value = f"{y}-{mo:02d}"
            else:
                value = iso_week(pub + timedelta(days=7 * shift))
        yield Candidate(m.start(), m.end(), value, unit)


def find_the_day(text: str, pub: date | None, ctx: Context) -> Iterator[Candidate]:
    for m in ctx.finditer(THE_DAY_AT):
        if re.match(r"\s+(?:before|after)\b", text[m.end() : m.end() + 8]):
            continue
        yield Candidate(m.start(), m.end(), None, "day", None, "DATE", True)
