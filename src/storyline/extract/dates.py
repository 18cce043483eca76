"""Temporal expressions in news text, resolved against the article's publication date.

A hand-written regex finder decides the spans (dateparser's ``search_dates`` over-matches
"We", "may", "$27" and is far too slow for batch runs); ``datetime`` arithmetic resolves them.
Every finder below yields candidates; overlapping candidates are settled longest-first, so
"October last year" beats "last year" and "the day before yesterday" beats "the day before".

News conventions encoded here:

* A bare weekday is the closest such day: on or before publication in past-tense sentences,
  on or after it in future-tense ones ("said Thursday" in a Thursday article is that Thursday).
* A month-day without a year takes the year that puts it closest to publication, leaning
  towards the tense of its sentence.
* Prepositions ("in", "since", "on") are not part of a span; modifiers that change the
  meaning ("last", "next", "early", "mid-") are.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Callable, Iterator
from datetime import date, timedelta
from dataclasses import dataclass
from typing import NamedTuple

from storyline.records import DateMention
from storyline.text import sentence_spans

__all__ = ["Timex", "find_dates", "find_timexes"]

PAST = "past"
FUTURE = "future"

# A year-less month-day on the side of publication its sentence's tense argues against must be
# this many times closer than the alternative to win. With 3, a date in a past-tense sentence is
# read as upcoming only when it lies within 365 / (3 + 1) ~ 91 days ahead ("was postponed to
# Dec. 12" in a September article is this December; "on March 3" is last March).
# Judgement, not calibration: there is no labelled data yet.
_AGAINST_TENSE_PENALTY = 3

# How far from a mention (in words, within its sentence) a tense cue still counts as its own.
# Judgement: a verb phrase like "is expected to visit the Russian cities on" spans about 7 words.
_CUE_WINDOW_BEFORE = 8
_CUE_WINDOW_AFTER = 3
# The tense heuristic reads at most this many characters either side of a mention, so text
# without sentence breaks stays linear. A long news sentence is about 40 words, ~250 characters.
_SENTENCE_REACH = 300


class _Candidate(NamedTuple):
    start: int
    end: int
    value: str | None  # the DateMention value (ISO at its granularity)
    granularity: str
    # TIMEX3 view (TimeML): type DATE|TIME|DURATION|SET and its value ("P3Y", "PRESENT_REF",
    # "2009-Q3", "2013-03-22TAF"); None means "same as value". ``dated`` is False for
    # expressions that name no point in the calendar (durations, sets, "now"): find_dates drops them.
    timex: str | None = None
    ttype: str = "DATE"
    dated: bool = True


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
# Vocabulary

_MONTHS: dict[str, int] = {
    "january": 1, "february": 2, "march": 3, "april": 4, "may": 5, "june": 6, "july": 7,
    "august": 8, "september": 9, "october": 10, "november": 11, "december": 12,
    "jan": 1, "feb": 2, "mar": 3, "apr": 4, "jun": 6, "jul": 7, "aug": 8, "sep": 9,
    "sept": 9, "oct": 10, "nov": 11, "dec": 12,
}
_WEEKDAYS: dict[str, int] = {
    "monday": 0, "tuesday": 1, "wednesday": 2, "thursday": 3, "friday": 4, "saturday": 5,
    "sunday": 6,
}
_NUMBERS: dict[str, int] = {
    "a": 1, "an": 1, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6,
    "seven": 7, "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12,
}

# Month names are case-sensitive on purpose: "may" and "march" in lower case are verbs.
_FULL = "January|February|March|April|May|June|July|August|September|October|November|December"
_ABBR = "Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sept|Sep|Oct|Nov|Dec"
_WD = "Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday"


def _mon(name: str) -> str:
    """Any month spelling, abbreviations included (only used where a day or year follows)."""
    return rf"(?P<{name}>(?:{_FULL})\b|(?:{_ABBR})\b\.?)"


def _mon_full(name: str) -> str:
    """A full month name, or an abbreviation with its full stop ("Jan" alone is often a name)."""
    return rf"(?P<{name}>(?:{_FULL})\b|(?:{_ABBR})\.)"


def _day(name: str) -> str:
    # Not "4.5", "4:30" or "1,000".
    return rf"(?P<{name}>3[01]|[12]\d|0?[1-9])(?:st|nd|rd|th)?\b(?![.:,]\d)"


def _year(name: str) -> str:
    return rf"(?P<{name}>[12]\d{{3}})\b(?![.,]\d)"


_DASH = r"(?:\s*[-–—]\s*|\s+(?P<conn>through|thru|to|until|till|and)\s+)"
_WD_PREFIX = rf"(?:(?P<wd>{_WD}),?\s+)?"
# Units that show a four-digit number is a count, not a year ("in 2000 troops").
_NOT_YEAR = (
    r"(?!\s*(?:%|percent\b|per\s+cent\b)|\s+(?:people|troops|soldiers|votes|points|km|kilometres|"
    r"kilometers|miles|metres|meters|tonnes|tons|dollars|euros|yuan|won|roubles|rubles|units|"
    r"cases|deaths|members|workers|jobs|homes|hours|minutes|times)\b)"
)

_ISO = re.compile(
    r"(?<![\d/-])(?P<y>[12]\d{3})(?P<sep>[-/])(?P<m>0[1-9]|1[0-2])(?P=sep)"
    r"(?P<d>0[1-9]|[12]\d|3[01])(?!\d)"
)
# "April 24 through 26, 2019", "April 24-26", "April 28 to May 2, 2019"
_MD_RANGE = re.compile(
    rf"\b{_mon('m1')}\s+{_day('d1')}{_DASH}(?:{_mon('m2')}\s+)?{_day('d2')}(?:,?\s+{_year('y')})?"
)
# "24-26 April 2019", "28 April to 2 May"
_DM_RANGE = re.compile(
    rf"(?<![\d,.$£€])\b{_day('d1')}(?:\s+{_mon('m1')})?{_DASH}{_day('d2')}\s+{_mon('m2')}"
    rf"(?:,?\s+{_year('y')})?"
)
# "Sept 4", "Sep 4, 2025", "Wednesday, September 13", "September 14th 2023"
_MDY = re.compile(rf"\b{_WD_PREFIX}{_mon('m')}\s+{_day('d')}(?:,?\s+{_year('y')})?")
# "14 September 2023", "the 14th of September", "Thursday 14 September"
_DMY = re.compile(
    rf"(?:\b(?P<wd>{_WD}),?\s+(?:the\s+)?)?(?<![\d,.$£€])\b{_day('d')}(?:\s+of)?\s+{_mon('m')}"
    rf"(?:,?\s+{_year('y')})?"
)
# "September 2023", "early September 2023", "mid-May 2019"
_MOD = r"(?P<mod>(?:[Ee]arly|[Ll]ate)\s+|[Mm]id-?\s*)?"
_MY = re.compile(rf"\b{_MOD}{_mon('m')},?\s+(?:of\s+)?{_year('y')}")
# "October last year", "early March this year"
_MON_REL_YEAR = re.compile(
    rf"\b{_MOD}{_mon_full('m')},?\s+(?:of\s+)?(?P<rel>last|this|next)\s+year\b"
)
# "last October", "next March", "this past June"
_REL_MON = re.compile(
    rf"\b(?P<rel>[Ll]ast|[Nn]ext|[Tt]his(?:\s+(?:past|coming))?)\s+{_mon_full('m')}(?!-)"
)
# "in July", "since March", "mid-July", "early June": a month name only counts as a date
# after one of these words.
_CUE_MON = re.compile(
    rf"\b(?:(?P<cue>[Ii]n|[Ss]ince|[Uu]ntil|[Tt]ill|[Bb]y|[Ff]rom|[Dd]uring|[Tt]hrough|"
    rf"[Tt]hroughout|[Bb]efore|[Aa]fter|of)\s+)?(?P<span>{_MOD}{_mon_full('m')})(?!-)"
)
# "Theresa May": after these cues "May" is too often the politician.
_MAY_CUES = frozenset({"in", "since", "until", "till", "during", "through", "throughout"})
# "in 2019", "since 2019", "by 2030", "early 2024", "in the 2018 election"
_CUE_YEAR = re.compile(
    rf"\b(?:(?P<cue>[Ii]n|[Ss]ince|[Uu]ntil|[Tt]ill|[Bb]y|[Ff]rom|[Dd]uring|[Tt]hrough|"
    rf"[Tt]hroughout|[Bb]efore|[Aa]fter|of|year)\s+(?:the\s+)?|(?P<mod>(?:[Ee]arly|[Ll]ate)\s+|"
    rf"[Mm]id-?\s*))(?P<y>(?:19|20)\d\d)\b(?![.,]\d|['’]?s\b){_NOT_YEAR}"
)
# "from 2019 to 2021", "between 2019 and 2021": two year mentions.
_YEAR_RANGE = re.compile(
    r"\b(?:[Ff]rom|[Bb]etween)\s+(?P<y1>(?:19|20)\d\d)\s+(?:to|until|till|through|and)\s+"
    r"(?P<y2>(?:19|20)\d\d)\b(?![.,]\d)"
)
# "last Wednesday", "Wednesday", "Wednesday last week"
_WEEKDAY = re.compile(
    rf"\b(?:(?P<mod>[Ll]ast|[Nn]ext|[Tt]his(?:\s+(?:past|coming))?|[Pp]ast|[Cc]oming)\s+)?"
    rf"(?P<wd>{_WD})\b(?:\s+(?:of\s+)?(?P<week>last|this|next)\s+week\b)?"
)
# Proper names built on a weekday ("Black Friday", "Sheffield Wednesday", "Sunday Times").
_WD_NAME_BEFORE = re.compile(
    r"(?:Black|Good|Super|Bloody|Ash|Easter|Palm|Cyber|Holy|Maundy|Giving|Shrove|Whit|Sheffield|"
    r"Mail\s+on|Independent\s+on|Observer\s+on)\s+$"
)
_WD_NAME_AFTER = re.compile(
    r"['’]?s?\s+(?:Times|Telegraph|Express|Mirror|Post|Herald|Star|Mail|Sport|People|Independent|"
    r"Night\s+Live|Morning\s+Herald|Business\s+Post|Tribune)\b"
)
_REL_DAY_OFFSETS: dict[str, int] = {
    "the day before yesterday": -2, "the day after tomorrow": 2, "earlier today": 0,
    "later today": 0, "today": 0, "tonight": 0, "yesterday": -1, "tomorrow": 1,
    "this morning": 0, "this afternoon": 0, "this evening": 0, "last night": -1,
}
_REL_DAY = re.compile(
    r"\b(?:the\s+day\s+before\s+yesterday|the\s+day\s+after\s+tomorrow|(?:earlier|later)\s+today|"
    r"today|tonight|yesterday|tomorrow|this\s+(?:morning|afternoon|evening)|last\s+night)\b",
    re.IGNORECASE,
)
# "the previous day", "the day before": resolved against publication (see find_dates).
_ANAPHOR_DAY = re.compile(
    r"\b[Tt]he\s+(?:(?P<rel>previous|preceding|next|following)\s+day|day\s+(?P<ba>before|after))\b"
)
# "the day before the summit" is anchored to the summit, not to publication.
_ANCHORED_AFTER = re.compile(
    r"\s+(?:(?:the|a|an|his|her|their|its|our|this|that)\b|[A-Z]|\d)"
)
# "last week", "earlier this month", "next year", "this weekend"
_REL_PERIOD = re.compile(
    r"\b(?:(?P<pre>[Ee]arlier|[Ll]ater|[Ee]arly|[Ll]ate|[Mm]id-?)\s*)?(?P<rel>[Ll]ast|[Tt]his|[Nn]ext|[Pp]ast)\s+"
    r"(?:(?:fiscal|financial|calendar)\s+)?(?P<u>week|month|year|weekend)\b"
)
# "over the weekend", "at the weekend"
_THE_WEEKEND = re.compile(r"\b(?:[Oo]ver|[Aa]t|[Oo]n|[Dd]uring)\s+(?P<span>the\s+weekend)\b")
# "two days ago", "a year ago", "3 weeks ago"
_AGO = re.compile(
    r"\b(?P<n>an?|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|\d{1,3})\s+"
    r"(?P<u>day|week|month|year|decade)s?\s+ago\b",
    re.IGNORECASE,
)
_DURATION_BEFORE = re.compile(
    r"\b(?:for|over|during|within|throughout)\s+(?:the\s+)?$|\b(?:for|over)\s+$", re.IGNORECASE
)
_THE_BEFORE = re.compile(r"\b[Tt]he\s+$")


# ---------------------------------------------------------------------------------------------
# Tense of the sentence around a mention

_TOKEN = re.compile(r"[A-Za-z]+(?:['’][a-z]+)?")
_FUTURE_CUES = frozenset({
    "will", "won't", "won’t", "shall", "would", "expected", "due", "scheduled", "planned",
    "plans", "plan", "planning", "upcoming", "slated", "intends", "intend", "aims",
})
# Too often an adjective ("his next destination") to decide a nearby mention on its own;
# counts only when nothing closer to the mention does.
_WEAK_FUTURE_CUES = frozenset({"next"})
# "is to", "set to", "going to": future only with "to" after them.
_FUTURE_BEFORE_TO = frozenset({"is", "are", "set", "going", "was", "were", "hopes", "wants"})
_PAST_CUES = frozenset({
    "said", "told", "met", "held", "was", "were", "had", "did", "took", "made", "went",
    "came", "began", "left", "saw", "gave", "spoke", "wrote", "led", "won", "lost", "fell",
    "rose", "sent", "got", "paid", "found", "brought", "struck", "flew", "ran", "fought",
    "became", "kept", "chose", "shot", "drew", "knew", "thought", "heard", "sold", "bought",
    "built", "caught", "ago", "earlier", "previously", "last",
})
_NOT_PAST_ED = frozenset({"hundred", "need", "speed", "seed", "feed", "bed", "red", "united"})


def _word_tense(words: list[str], i: int, weak: bool = False) -> str | None:
    """The tense a single word signals, or None; ``weak`` admits the weak future cues."""
    w = words[i].lower()
    if w in _FUTURE_CUES or (weak and w in _WEAK_FUTURE_CUES) or w.endswith(("'ll", "’ll")):
        return FUTURE
    if w == "to" and i > 0 and words[i - 1].lower() in _FUTURE_BEFORE_TO:
        return FUTURE
    if w in _PAST_CUES:
        return PAST
    # Regular past forms; capitalised words are names ("United", "Ahmed").
    if len(w) > 3 and w.endswith("ed") and not w.endswith("eed") and w not in _NOT_PAST_ED:
        if words[i][0].islower():
            return PAST
    return None


class _Context:
    """Lazily computed sentence spans of one text, for the tense heuristic."""

    def __init__(self, text: str) -> None:
        self.text = text
        self._starts: list[int] | None = None
        self._spans: list[tuple[int, int]] = []

    def sentence(self, pos: int) -> tuple[int, int]:
        if self._starts is None:
            self._spans = sentence_spans(self.text)
            self._starts = [s for s, _ in self._spans]
        i = bisect.bisect_right(self._starts, pos) - 1
        if i < 0:
            return 0, len(self.text)
        return self._spans[i]

    def tense(self, start: int, end: int) -> str:
        """PAST or FUTURE for a mention, from cue words nearest to it in its sentence.

        The nearest cue before the mention wins ("said Thursday it will" is past for
        Thursday; "will visit on Friday" is future), then the nearest just after it; failing
        both, any future cue in the sentence; news defaults to the past.
        """
        s_start, s_end = self.sentence(start)
        s_start, s_end = max(s_start, start - _SENTENCE_REACH), min(s_end, end + _SENTENCE_REACH)
        before = _TOKEN.findall(self.text, s_start, start)
        for i in range(len(before) - 1, max(-1, len(before) - 1 - _CUE_WINDOW_BEFORE), -1):
            t = _word_tense(before, i)
            if t is not None:
                return t
        after = _TOKEN.findall(self.text, end, max(end, s_end))
        for i in range(min(len(after), _CUE_WINDOW_AFTER)):
            t = _word_tense(after, i)
            if t is not None:
                return t
        for words in (before, after):
            for i in range(len(words)):
                if _word_tense(words, i, weak=True) == FUTURE:
                    return FUTURE
        return PAST


# ---------------------------------------------------------------------------------------------
# Resolution helpers


def _parse_published(published: str | None) -> date | None:
    if not published:
        return None
    try:
        return date.fromisoformat(published[:10])
    except ValueError:
        return None


def _month_of(word: str) -> int:
    return _MONTHS[word.rstrip(".").lower()]


def _safe_date(y: int, m: int, d: int) -> date | None:
    try:
        return date(y, m, d)
    except ValueError:
        return None


def _iso_week(d: date) -> str:
    y, w, _ = d.isocalendar()
    return f"{y}-W{w:02d}"


def _shift_month(y: int, m: int, delta: int) -> tuple[int, int]:
    n = y * 12 + (m - 1) + delta
    return n // 12, n % 12 + 1


def _closest_day(pub: date, month: int, day: int, tense: str, weekday: int | None) -> date | None:
    """The month-day in the year nearest to publication, leaning towards the sentence's tense."""
    cands = [d for y in (pub.year - 1, pub.year, pub.year + 1) if (d := _safe_date(y, month, day))]
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


def _weekday_date(pub: date, weekday: int, mode: str) -> date:
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


def _day_value(d: date | None) -> str | None:
    return d.isoformat() if d else None


def _weekend(saturday: date) -> str:
    return f"{saturday.isoformat()}/{(saturday + timedelta(days=1)).isoformat()}"


# ---------------------------------------------------------------------------------------------
# Finders: each yields candidates for one family of expressions

_Finder = Callable[[str, "date | None", _Context], Iterator[_Candidate]]


def _find_iso(text: str, pub: date | None, ctx: _Context) -> Iterator[_Candidate]:
    for m in _ISO.finditer(text):
        d = _safe_date(int(m["y"]), int(m["m"]), int(m["d"]))
        yield _Candidate(m.start(), m.end(), _day_value(d), "day")


def _range_value(
    pub: date | None, ctx: _Context, start: int, end: int,
    m1: int, d1: int, m2: int, d2: int, year: str | None,
) -> str | None:
    if year:
        first = _safe_date(int(year), m1, d1)
        y2 = int(year)
        if first is not None and (m2, d2) < (m1, d1):
            # "December 30 to January 2, 2020": the year belongs to the end.
            first = _safe_date(int(year) - 1, m1, d1)
    elif pub is not None:
        first = _closest_day(pub, m1, d1, ctx.tense(start, end), None)
        y2 = first.year if first else pub.year
        if (m2, d2) < (m1, d1):
            y2 += 1
    else:
        return None
    last = _safe_date(y2, m2, d2)
    if first is None or last is None or last < first:
        return None
    return f"{first.isoformat()}/{last.isoformat()}"


def _between_before(text: str, pos: int) -> bool:
    return text[max(0, pos - 9) : pos].rstrip().lower().endswith("between")


def _find_ranges(text: str, pub: date | None, ctx: _Context) -> Iterator[_Candidate]:
    for rx in (_MD_RANGE, _DM_RANGE):
        for m in rx.finditer(text):
            if m["conn"] == "and" and not _between_before(text, m.start()):
                continue  # "April 24 and 26" may be two separate days
            m1 = _month_of(m["m1"] or m["m2"])
            m2 = _month_of(m["m2"] or m["m1"])
            d1, d2 = int(m["d1"]), int(m["d2"])
            if m1 == m2 and d2 <= d1:
                continue  # "May 5-2" is a score, not a range
            value = _range_value(pub, ctx, m.start(), m.end(), m1, d1, m2, d2, m["y"])
            yield _Candidate(m.start(), m.end(), value, "range")


def _find_month_day(text: str, pub: date | None, ctx: _Context) -> Iterator[_Candidate]:
    for rx in (_MDY, _DMY):
        for m in rx.finditer(text):
            month, day = _month_of(m["m"]), int(m["d"])
            weekday = _WEEKDAYS[m["wd"].lower()] if m["wd"] else None
            if m["y"]:
                d = _safe_date(int(m["y"]), month, day)
            elif pub is not None:
                d = _closest_day(pub, month, day, ctx.tense(m.start(), m.end()), weekday)
            else:
                d = None
            yield _Candidate(m.start(), m.end(), _day_value(d), "day")


def _month_for_cue(pub: date, month: int, tense: str) -> str:
    """ "in July": the latest July not after publication (past) or the next one (future)."""
    if tense == PAST:
        year = pub.year if month <= pub.month else pub.year - 1
    else:
        year = pub.year if month >= pub.month else pub.year + 1
    return f"{year}-{month:02d}"


def _find_months(text: str, pub: date | None, ctx: _Context) -> Iterator[_Candidate]:
    for m in _MY.finditer(text):
        yield _Candidate(m.start(), m.end(), f"{m['y']}-{_month_of(m['m']):02d}", "month")
    for m in _MON_REL_YEAR.finditer(text):
        value = None
        if pub is not None:
            year = pub.year + {"last": -1, "this": 0, "next": 1}[m["rel"]]
            value = f"{year}-{_month_of(m['m']):02d}"
        yield _Candidate(m.start(), m.end(), value, "month")
    for m in _REL_MON.finditer(text):
        value = None
        month = _month_of(m["m"])
        if pub is not None:
            rel = m["rel"].lower()
            if rel.startswith("last") or rel == "this past":
                year = pub.year if month < pub.month else pub.year - 1
            elif rel.startswith("next") or rel == "this coming":
                year = pub.year if month > pub.month else pub.year + 1
            else:
                year = pub.year
            value = f"{year}-{month:02d}"
        yield _Candidate(m.start(), m.end(), value, "month")
    for m in _CUE_MON.finditer(text):
        cue = (m["cue"] or "").lower()
        if not cue and not m["mod"]:
            continue  # a bare month name may be a verb, a name or a headline word
        if m["m"] == "May" and (cue not in _MAY_CUES or text.startswith(("'s", "’s"), m.end())):
            continue
        value = _month_for_cue(pub, _month_of(m["m"]), ctx.tense(m.start("span"), m.end())) if pub else None
        yield _Candidate(m.start("span"), m.end(), value, "month")


def _find_years(text: str, pub: date | None, ctx: _Context) -> Iterator[_Candidate]:
    for m in _CUE_YEAR.finditer(text):
        start = m.start("mod") if m["mod"] else m.start("y")
        yield _Candidate(start, m.end(), m["y"], "year")
    for m in _YEAR_RANGE.finditer(text):
        yield _Candidate(m.start("y1"), m.end("y1"), m["y1"], "year")
        yield _Candidate(m.start("y2"), m.end("y2"), m["y2"], "year")


def _find_weekdays(text: str, pub: date | None, ctx: _Context) -> Iterator[_Candidate]:
    for m in _WEEKDAY.finditer(text):
        if not m["mod"] and (
            _WD_NAME_BEFORE.search(text, max(0, m.start() - 25), m.start())
            or _WD_NAME_AFTER.match(text, m.end())
        ):
            continue
        value = None
        if pub is not None:
            weekday = _WEEKDAYS[m["wd"].lower()]
            mod = (m["mod"] or "").lower()
            if m["week"]:
                # "Wednesday last week": that weekday within the named week.
                shift = {"last": -7, "this": 0, "next": 7}[m["week"]]
                d = _weekday_date(pub + timedelta(days=shift), weekday, "this_week")
            elif mod in ("last", "past", "this past"):
                d = _weekday_date(pub, weekday, "before")
            elif mod in ("next", "coming", "this coming"):
                d = _weekday_date(pub, weekday, "after")
            elif mod == "this":
                d = _weekday_date(pub, weekday, "this_week")
            elif ctx.tense(m.start(), m.end()) == FUTURE:
                d = _weekday_date(pub, weekday, "on_or_after")
            else:
                d = _weekday_date(pub, weekday, "on_or_before")
            value = d.isoformat()
        yield _Candidate(m.start(), m.end(), value, "day")


def _find_relative_days(text: str, pub: date | None, ctx: _Context) -> Iterator[_Candidate]:
    for m in _REL_DAY.finditer(text):
        phrase = " ".join(m.group(0).lower().split())
        if phrase == "today" and text[max(0, m.start() - 4) : m.start()] == "USA ":
            continue
        offset = _REL_DAY_OFFSETS[phrase]
        value = (pub + timedelta(days=offset)).isoformat() if pub else None
        part = next((code for word, code in _PARTS_OF_DAY.items() if phrase.endswith(word)), None)
        if phrase == "tonight":
            part = "NI"
        if part and value:
            yield _Candidate(m.start(), m.end(), value, "day", f"{value}T{part}", "TIME")
        else:
            yield _Candidate(m.start(), m.end(), value, "day")
    for m in _ANAPHOR_DAY.finditer(text):
        if m["ba"] and _ANCHORED_AFTER.match(text, m.end()):
            # "the day before the summit" points at the summit; we cannot resolve it.
            yield _Candidate(m.start(), m.end(), None, "unknown")
            continue
        # Kept simple (brief): "the previous day" counts from publication, which is right for
        # the usual "X said Thursday ... the previous day" construction.
        back = m["rel"] in ("previous", "preceding") or m["ba"] == "before"
        value = (pub + timedelta(days=-1 if back else 1)).isoformat() if pub else None
        yield _Candidate(m.start(), m.end(), value, "day")


def _find_relative_periods(text: str, pub: date | None, ctx: _Context) -> Iterator[_Candidate]:
    for m in _REL_PERIOD.finditer(text):
        rel, unit = m["rel"].lower(), m["u"]
        if rel == "past" and not _THE_BEFORE.search(text, max(0, m.start() - 5), m.start()):
            continue  # "past week" needs its article: "the past week"
        if not m["pre"] and unit != "weekend" and _DURATION_BEFORE.search(text, max(0, m.start() - 9), m.start()):
            # "for the last year", "over the next week" are durations (TimeML: P1Y, P1W)
            yield _Candidate(m.start(), m.end(), None, "unknown", f"P1{_UNIT_CODE[unit]}", "DURATION", False)
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
                value = _iso_week(base + timedelta(days=7 * shift))
            elif unit == "month":
                y, mo = _shift_month(pub.year, pub.month, shift)
                value = f"{y}-{mo:02d}"
            elif unit == "year":
                value = str(pub.year + shift)
            else:
                saturday = _weekday_date(pub, 5, "this_week")
                if rel == "last" and saturday + timedelta(days=1) >= pub:
                    saturday -= timedelta(days=7)
                saturday += timedelta(days=7 * shift if rel == "next" else 0)
                value = _weekend(saturday)
                timex = f"{_iso_week(saturday)}-WE"
        yield _Candidate(m.start(), m.end(), value, granularity, timex)
    for m in _THE_WEEKEND.finditer(text):
        value = None
        if pub is not None:
            if ctx.tense(m.start("span"), m.end()) == FUTURE:
                saturday = _weekday_date(pub, 5, "on_or_after")
            else:
                saturday = _weekday_date(pub, 5, "on_or_before")
            value = _weekend(saturday)
        yield _Candidate(m.start("span"), m.end(), value, "range")


def _find_ago(text: str, pub: date | None, ctx: _Context) -> Iterator[_Candidate]:
    for m in _AGO.finditer(text):
        raw = m["n"].lower()
        n = int(raw) if raw.isdigit() else _NUMBERS[raw]
        unit = m["u"].lower()
        value: str | None = None
        granularity = "year" if unit == "decade" else unit
        if pub is not None:
            if unit == "day":
                value = (pub - timedelta(days=n)).isoformat()
            elif unit == "week":
                value = _iso_week(pub - timedelta(weeks=n))
            elif unit == "month":
                y, mo = _shift_month(pub.year, pub.month, -n)
                value = f"{y}-{mo:02d}"
            else:
                value = str(pub.year - n * (10 if unit == "decade" else 1))
        yield _Candidate(m.start(), m.end(), value, granularity)


# ---------------------------------------------------------------------------------------------
# TimeML-only expressions: durations, sets, times of day, quarters, seasons, decades, references.
# find_timexes reports them all; find_dates keeps those that name a point in the calendar.

_UNIT_CODE = {
    "second": "S", "minute": "M", "hour": "H", "day": "D", "week": "W", "month": "M",
    "quarter": "Q", "year": "Y", "decade": "DE", "century": "CE", "weekend": "WE",
}
_TIME_UNITS = frozenset({"second", "minute", "hour"})
_BIG_NUMBERS: dict[str, int] = {
    **_NUMBERS, "thirteen": 13, "fourteen": 14, "fifteen": 15, "sixteen": 16, "seventeen": 17,
    "eighteen": 18, "nineteen": 19, "twenty": 20, "thirty": 30, "forty": 40, "fifty": 50,
    "sixty": 60, "seventy": 70, "eighty": 80, "ninety": 90, "hundred": 100,
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
_SET_WORD_VALUE = {"annual": "P1Y", "annually": "P1Y", "yearly": "P1Y", "weekly": "P1W",
                   "monthly": "P1M", "quarterly": "P1Q"}
_RATE_BEFORE = re.compile(r"(?:\d[\d,.]*|\bonce|\btwice|\btimes)\s+$")
# "every day", "each week", "every morning"
_SET_EVERY = re.compile(
    r"\b(?:[Ee]very|[Ee]ach)\s+(?P<u>day|week|month|year|morning|afternoon|evening|night|season)\b"
)
_PARTS_OF_DAY = {"morning": "MO", "afternoon": "AF", "evening": "EV", "night": "NI"}
# Words TimeML annotates as references to the present, past or future.
_REF = re.compile(
    r"\b(?P<w>[Nn]ow|[Cc]urrently|[Rr]ecently|[Tt]he\s+past|[Tt]he\s+future|[Aa]t\s+the\s+time|"
    r"(?:[Vv]ery\s+)?[Ss]oon|[Tt]he\s+(?:near|short|long)\s+term|[Nn]owadays|[Tt]hese\s+days|"
    r"[Ff]ormerly|[Tt]he\s+time\s+being)\b(?!\s*[-–]|\s+(?:that|than|past|two|three|four|five|six|"
    r"several|few|year|month|week|day|decade|\d))"
)
_REF_VALUE = {
    "now": "PRESENT_REF", "currently": "PRESENT_REF", "nowadays": "PRESENT_REF",
    "these days": "PRESENT_REF", "the time being": "PRESENT_REF", "recently": "PAST_REF",
    "the past": "PAST_REF", "at the time": "PAST_REF", "formerly": "PAST_REF",
    "the future": "FUTURE_REF", "soon": "FUTURE_REF", "very soon": "FUTURE_REF",
    "the near term": "FUTURE_REF", "the short term": "FUTURE_REF", "the long term": "FUTURE_REF",
}
# "15:00 GMT", "6:40 p.m.", "8 PM", "0800 UTC", optionally "... Saturday" / "... today"
_TZ = r"(?:\s*\(?(?P<tz>UTC|GMT|EST|EDT|CST|CDT|PST|PDT|BST|CET|CEST|KST|JST|MSK)(?:\s*[+-]\s*\d{1,2})?\)?)"
_AMPM = r"(?:\s*(?P<ampm>[AaPp]\.?\s?[Mm]\b\.?))"
_CLOCK_TAIL = rf"(?:,?\s+(?:on\s+)?(?P<wd>{_WD}|today|yesterday|tomorrow)\b)?"
_CLOCKS = (
    re.compile(rf"\b(?P<h>[01]?\d|2[0-3])[:.](?P<mi>[0-5]\d)(?![:.]?\d){_AMPM}{_TZ}?{_CLOCK_TAIL}"),
    re.compile(rf"\b(?P<h>[01]?\d|2[0-3])[:.](?P<mi>[0-5]\d)(?![:.]?\d){_TZ}{_CLOCK_TAIL}"),
    re.compile(rf"\b(?P<h>1[0-2]|0?[1-9]){_AMPM}{_TZ}?{_CLOCK_TAIL}"),
    re.compile(rf"\b(?P<h>[01]\d|2[0-3])(?P<mi>[0-5]\d){_TZ}{_CLOCK_TAIL}"),
)
# "Friday afternoon", "Sunday night"
_WD_PART = re.compile(rf"\b(?P<wd>{_WD})\s+(?P<part>morning|afternoon|evening|night)\b")
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
_SEASON_CODE = {"spring": ("SP", 3), "summer": ("SU", 6), "autumn": ("FA", 9), "fall": ("FA", 9),
                "winter": ("WI", 12)}
# "the 1990s", "the '70s", "the 20th century"
_DECADE = re.compile(r"\b(?:(?P<c>1[89]|20)|(?<=['’]))(?P<d>\d)0['’]?s\b")
_CENTURY = re.compile(r"\b(?P<n>1[5-9]|2[01])(?:st|nd|rd|th)[\s-]+[Cc]entury\b")
# A four-digit year standing alone ("elected in 1953", "the 2009-2010 season").
_BARE_YEAR = re.compile(rf"(?<![\w$£€#@/.,:-])(?P<y>1[89]\d\d|20\d\d)(?![\w%/:]|[.,]\d|['’]?s\b){_NOT_YEAR}")
_YEAR_PAIR = re.compile(r"(?<![\w$£€#@/.,-])(?P<y1>(?:1[89]|20)\d\d)[-–/](?P<y2>(?:1[89]|20)?\d\d)(?![\w%/-])")
_SHORT_YEAR = re.compile(r"(?<![\w'’])['’](?P<yy>\d\d)\b(?!['’]?s\b)")
# Numbers after these words are identifiers, not years ("Flight 2013", "Resolution 1718").
_ID_BEFORE = re.compile(
    r"(?:\b(?:[Nn]o\.?|[Nn]umber|[Ff]light|[Rr]oute|[Hh]ighway|[Aa]rticle|[Rr]esolution|[Mm]odel|"
    r"[Rr]oom|[Pp]age|[Bb]us|[Uu]nit|[Ss]ection|[Cc]hapter|[Vv]ersion|[Ll]ot|[Bb]lock|[Ee]xit)\s+|#)$"
)
# A bare month name needs company: "the deal signed in August" (cue) is handled by _CUE_MON;
# alone it must not sit in a name ("April Ryan", "Theresa May") or open a speech ("June said").
_BARE_MON = re.compile(rf"\b(?P<m>(?:{_FULL.replace('May|', '')}))\b(?![-'’])")
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
_THE_DAY = re.compile(
    r"\b(?:[Tt]he\s+(?:same\s+)?|[Tt]hat\s+)day\b(?!['’]s|\s+(?:before|after|of|when|that|which|"
    r"he|she|they|it|we|I|you|the|a|an|his|her|its|their|our|to|in|and|or)\b)"
)


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
    return f"{prefix}{n}{_UNIT_CODE[unit]}"


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


def _find_durations(text: str, pub: date | None, ctx: _Context) -> Iterator[_Candidate]:
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
        yield _Candidate(m.start(), m.end(), None, "unknown", _duration_value(n, m["u"]), "DURATION", False)
    for m in (m for lo, hi in windows for m in _DURATION_ADJ.finditer(text, lo, hi)):
        n = _n_value(m["n"])
        if n != "0":
            yield _Candidate(m.start(), m.end(), None, "unknown", _duration_value(n, m["u"]), "DURATION", False)
    for m in (m for lo, hi in windows for m in _DURATION_BARE.finditer(text, lo, hi)):
        start = m.start("adj") if m["adj"] else m.start("u")
        yield _Candidate(start, m.end(), None, "unknown", _duration_value("X", m["u"]), "DURATION", False)
    for m in _SET_RATE.finditer(text):
        yield _Candidate(m.start("span"), m.end(), None, "unknown", f"P1{_UNIT_CODE[m['u']]}", "SET", False)
    for m in _SET_WORD.finditer(text):
        yield _Candidate(m.start(), m.end(), None, "unknown", _SET_WORD_VALUE[m["w"]], "SET", False)
    for m in _SET_EVERY.finditer(text):
        u = m["u"]
        tv = f"XXXX-XX-XXT{_PARTS_OF_DAY[u]}" if u in _PARTS_OF_DAY else "XXXX-WI" if u == "season" else (
            f"P1{_UNIT_CODE[u]}"
        )
        yield _Candidate(m.start(), m.end(), None, "unknown", tv, "SET", False)


def _find_refs(text: str, pub: date | None, ctx: _Context) -> Iterator[_Candidate]:
    for m in _REF.finditer(text):
        key = " ".join(m["w"].lower().split())
        yield _Candidate(m.start(), m.end(), None, "unknown", _REF_VALUE[key], "DATE", False)


def _day_before(ctx: _Context, pos: int, pub: date | None) -> date | None:
    """The last day-granularity date written before ``pos`` in the same sentence, else publication."""
    s_start, _ = ctx.sentence(pos)
    last: date | None = None
    for m in _ISO.finditer(ctx.text, s_start, pos):
        last = _safe_date(int(m["y"]), int(m["m"]), int(m["d"])) or last
    return last or pub


def _find_times(text: str, pub: date | None, ctx: _Context) -> Iterator[_Candidate]:
    for m in (m for rx in _CLOCKS for m in rx.finditer(text)):
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
            if wd in _WEEKDAYS:
                mode = "on_or_after" if ctx.tense(m.start(), m.end()) == FUTURE else "on_or_before"
                day = _weekday_date(pub, _WEEKDAYS[wd], mode)
            elif wd in ("yesterday", "tomorrow"):
                day = pub + timedelta(days=-1 if wd == "yesterday" else 1)
            else:
                day = _day_before(ctx, m.start(), pub)
        zone = "Z" if groups.get("tz") in ("UTC", "GMT") else ""
        tv = f"{day.isoformat()}T{hour:02d}:{minute:02d}{zone}" if day else None
        yield _Candidate(m.start(), m.end(), _day_value(day), "day", tv, "TIME")
    for m in _WD_PART.finditer(text):
        day = None
        if pub is not None:
            mode = "on_or_after" if ctx.tense(m.start(), m.end()) == FUTURE else "on_or_before"
            day = _weekday_date(pub, _WEEKDAYS[m["wd"].lower()], mode)
        tv = f"{day.isoformat()}T{_PARTS_OF_DAY[m['part']]}" if day else None
        yield _Candidate(m.start(), m.end(), _day_value(day), "day", tv, "TIME")


def _quarter_range(year: int, q: int) -> str:
    first = date(year, 3 * q - 2, 1)
    last = date(year + (q == 4), (3 * q) % 12 + 1, 1) - timedelta(days=1)
    return f"{first.isoformat()}/{last.isoformat()}"


def _find_quarters(text: str, pub: date | None, ctx: _Context) -> Iterator[_Candidate]:
    for m in _QUARTER.finditer(text):
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
        yield _Candidate(m.start(), m.end(), value, "range", f"{year}-Q{q}" if year else None)


def _find_seasons(text: str, pub: date | None, ctx: _Context) -> Iterator[_Candidate]:
    for m in _SEASON.finditer(text):
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
            ly, lm = _shift_month(year, start_month, months)
            value = f"{first.isoformat()}/{(date(ly, lm, 1) - timedelta(days=1)).isoformat()}"
        yield _Candidate(span_start, m.end(), value, "range", f"{year}-{code}" if year else None)


def _find_decades(text: str, pub: date | None, ctx: _Context) -> Iterator[_Candidate]:
    for m in _DECADE.finditer(text):
        century = m["c"] or "19"
        first = int(f"{century}{m['d']}0")
        start = m.start() - 1 if not m["c"] else m.start()
        yield _Candidate(start, m.end(), f"{first}-01-01/{first + 9}-12-31", "range", f"{century}{m['d']}")
    for m in _CENTURY.finditer(text):
        n = int(m["n"])
        first = (n - 1) * 100
        yield _Candidate(m.start(), m.end(), f"{first:04d}-01-01/{first + 99:04d}-12-31", "range", f"{n - 1:02d}")


def _find_bare_years(text: str, pub: date | None, ctx: _Context) -> Iterator[_Candidate]:
    for m in _BARE_YEAR.finditer(text):
        if _ID_BEFORE.search(text, max(0, m.start() - 12), m.start()):
            continue
        yield _Candidate(m.start(), m.end(), m["y"], "year")
    for m in _YEAR_PAIR.finditer(text):
        y1 = int(m["y1"])
        y2 = int(m["y2"]) if len(m["y2"]) == 4 else y1 // 100 * 100 + int(m["y2"])
        if y2 <= y1:
            continue  # "2009-05" is a month, "2019/20" a season: only a rising pair is two years
        yield _Candidate(m.start("y1"), m.end("y1"), str(y1), "year")
        yield _Candidate(m.start("y2"), m.end("y2"), str(y2), "year")
    for m in _SHORT_YEAR.finditer(text):
        yy = int(m["yy"])
        this = pub.year % 100 if pub else 30
        year = 2000 + yy if yy <= this else 1900 + yy
        yield _Candidate(m.start(), m.end(), str(year), "year")


def _find_bare_months(text: str, pub: date | None, ctx: _Context) -> Iterator[_Candidate]:
    for m in _BARE_MON.finditer(text):
        before = text[max(0, m.start() - 30) : m.start()]
        if re.search(r"(?:[A-Z][\w.'’-]*|\b[Tt]he)\s+$", before) and not re.search(
            rf"(?:{_WD}),?\s+$", before
        ):
            continue  # "Theresa May", "the March rally"
        if re.match(r"\s+(?:[A-Z]|\d)", text[m.end() : m.end() + 3]) or _SPEECH_VERB_AFTER.match(text, m.end()):
            continue  # "April Ryan", "June said"; "June 3" is found by the day finders
        if _sentence_initial(text, m.start()) and m["m"] in ("March", "April", "June", "August"):
            continue  # a name or the verb at a sentence start
        value = _month_for_cue(pub, _month_of(m["m"]), ctx.tense(m.start(), m.end())) if pub else None
        yield _Candidate(m.start(), m.end(), value, "month")


def _sentence_initial(text: str, pos: int) -> bool:
    i = pos - 1
    while i >= 0 and text[i] in " \t\"'“‘(":
        i -= 1
    return i < 0 or text[i] in ".!?\n"


def _find_year_edges(text: str, pub: date | None, ctx: _Context) -> Iterator[_Candidate]:
    for m in _YEAR_EDGE.finditer(text):
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
        yield _Candidate(m.start(), m.end(), str(year) if year else None, "year")
    for m in _ANAPHOR_PERIOD.finditer(text):
        if _DURATION_BEFORE.search(text, max(0, m.start() - 20), m.start()):
            continue  # "over the next week" is a duration
        unit = m["u"] or m["u2"]
        word = (m["rel"] or m["ba"] or "").lower()
        shift = -1 if word in ("previous", "preceding", "prior", "before", "earlier") else 1
        value = None
        if pub is not None:
            if unit == "year":
                value = str(pub.year + shift)
            elif unit == "month":
                y, mo = _shift_month(pub.year, pub.month, shift)
                value = f"{y}-{mo:02d}"
            else:
                value = _iso_week(pub + timedelta(days=7 * shift))
        yield _Candidate(m.start(), m.end(), value, unit)


def _find_the_day(text: str, pub: date | None, ctx: _Context) -> Iterator[_Candidate]:
    for m in _THE_DAY.finditer(text):
        if re.match(r"\s+(?:before|after)\b", text[m.end() : m.end() + 8]):
            continue
        yield _Candidate(m.start(), m.end(), None, "day", None, "DATE", True)


_FINDERS: tuple[_Finder, ...] = (
    _find_iso, _find_ranges, _find_month_day, _find_months, _find_years, _find_weekdays,
    _find_relative_days, _find_relative_periods, _find_ago, _find_durations, _find_refs,
    _find_times, _find_quarters, _find_seasons, _find_decades, _find_bare_years,
    _find_bare_months, _find_year_edges, _find_the_day,
)


# ---------------------------------------------------------------------------------------------
# Public API


# The calendar view (find_dates) leaves out what names no calendar point and the clock-time
# finders: "Saturday morning" is the day "Saturday" there, and a duration never hides a date.
_DATE_FINDERS = tuple(f for f in _FINDERS if f not in (_find_durations, _find_refs, _find_times))


def _resolve(text: str, published: str | None, finders: tuple[_Finder, ...] = _FINDERS) -> list[_Candidate]:
    """Every candidate of every finder, overlaps settled longest-first, in text order."""
    pub = _parse_published(published)
    ctx = _Context(text)
    candidates = [c for finder in finders for c in finder(text, pub, ctx)]
    # Longest first, then leftmost, then the finder listed first: "October last year" beats
    # "last year"; at equal spans a date beats a duration reading of the same words.
    order = {id(c): i for i, c in enumerate(candidates)}
    candidates.sort(key=lambda c: (c.start - c.end, c.start, not c.dated, order[id(c)]))
    taken: list[_Candidate] = []
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
    out: list[_Candidate] = []
    for c in taken:
        if c.granularity == "day" and c.value is None and c.dated and c.timex is None and _THE_DAY.fullmatch(
            text, c.start, c.end
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
            article=article_id, text=text[c.start : c.end], start=c.start, end=c.end,
            value=c.value, granularity=c.granularity,
        )
        for c in _resolve(text, published, _DATE_FINDERS)
        if c.dated
    ]
