"""The calendar expressions the date finders match: month-day, day-month, month-year, ranges, weekdays,
relative days and periods, "ago"; month and weekday names come from ``storyline.calendar_words``."""

from __future__ import annotations

import re

from storyline.calendar_words import MONTH_ABBREVIATIONS, MONTH_NAMES, WEEKDAY_NAMES
from storyline.extract.anchors import AnchorGroup

# ---------------------------------------------------------------------------------------------
# Vocabulary

NUMBERS: dict[str, int] = {
    "a": 1,
    "an": 1,
    "one": 1,
    "two": 2,
    "three": 3,
    "four": 4,
    "five": 5,
    "six": 6,
    "seven": 7,
    "eight": 8,
    "nine": 9,
    "ten": 10,
    "eleven": 11,
    "twelve": 12,
}

# Month names are case-sensitive on purpose: "may" and "march" in lower case are verbs.
MONTH_ALTERNATION = "|".join(MONTH_NAMES)
# the longer abbreviation of a month first ("Sept" before "Sep"), so the alternation reads it whole
_ABBR = "|".join(sorted(MONTH_ABBREVIATIONS, key=lambda a: (MONTH_ABBREVIATIONS[a], -len(a))))
WEEKDAY_ALTERNATION = "|".join(WEEKDAY_NAMES)


def _mon(name: str) -> str:
    """Any month spelling, abbreviations included (only used where a day or year follows)."""
    return rf"(?P<{name}>(?:{MONTH_ALTERNATION})\b|(?:{_ABBR})\b\.?)"


def _mon_full(name: str) -> str:
    """A full month name, or an abbreviation with its full stop ("Jan" alone is often a name)."""
    return rf"(?P<{name}>(?:{MONTH_ALTERNATION})\b|(?:{_ABBR})\.)"


def _day(name: str) -> str:
    # Not "4.5", "4:30" or "1,000".
    return rf"(?P<{name}>3[01]|[12]\d|0?[1-9])(?:st|nd|rd|th)?\b(?![.:,]\d)"


def _year(name: str) -> str:
    return rf"(?P<{name}>[12]\d{{3}})\b(?![.,]\d)"


_DASH = r"(?:\s*[-–—]\s*|\s+(?P<conn>through|thru|to|until|till|and)\s+)"
_WD_PREFIX = rf"(?:(?P<wd>{WEEKDAY_ALTERNATION}),?\s+)?"
# Units that show a four-digit number is a count, not a year ("in 2000 troops"), and time zones and "hrs" that
# show it is a clock time ("(2000 GMT)", "1800 hrs").
NOT_YEAR = (
    r"(?!\s*(?:%|percent\b|per\s+cent\b)|\s+(?:people|troops|soldiers|votes|points|km|kilometres|"
    r"kilometers|miles|metres|meters|tonnes|tons|dollars|euros|yuan|won|roubles|rubles|units|"
    r"cases|deaths|members|workers|jobs|homes|hours|hrs|minutes|times|"
    r"GMT|UTC|EST|EDT|CST|CDT|PST|PDT|BST|CET|CEST|KST|JST|MSK)\b)"
)

ISO = re.compile(
    r"(?<![\d/-])(?P<y>[12]\d{3})(?P<sep>[-/])(?P<m>0[1-9]|1[0-2])(?P=sep)"
    r"(?P<d>0[1-9]|[12]\d|3[01])(?!\d)"
)
# "April 24 through 26, 2019", "April 24-26", "April 28 to May 2, 2019"
MD_RANGE = re.compile(rf"\b{_mon('m1')}\s+{_day('d1')}{_DASH}(?:{_mon('m2')}\s+)?{_day('d2')}(?:,?\s+{_year('y')})?")
# "24-26 April 2019", "28 April to 2 May"
DM_RANGE = re.compile(
    rf"(?<![\d,.$£€])\b{_day('d1')}(?:\s+{_mon('m1')})?{_DASH}{_day('d2')}\s+{_mon('m2')}"
    rf"(?:,?\s+{_year('y')})?"
)
# "Sept 4", "Sep 4, 2025", "Wednesday, September 13", "September 14th 2023"
MDY = re.compile(rf"\b{_WD_PREFIX}{_mon('m')}\s+{_day('d')}(?:,?\s+{_year('y')})?")
# "14 September 2023", "the 14th of September", "Thursday 14 September"
DMY = re.compile(
    rf"(?:\b(?P<wd>{WEEKDAY_ALTERNATION}),?\s+(?:the\s+)?)?(?<![\d,.$£€])\b{_day('d')}(?:\s+of)?\s+{_mon('m')}"
    rf"(?:,?\s+{_year('y')})?"
)
# "September 2023", "early September 2023", "mid-May 2019"
_MOD = r"(?P<mod>(?:[Ee]arly|[Ll]ate)\s+|[Mm]id-?\s*)?"
MY = re.compile(rf"\b{_MOD}{_mon('m')},?\s+(?:of\s+)?{_year('y')}")
# "October last year", "early March this year"
MON_REL_YEAR = re.compile(rf"\b{_MOD}{_mon_full('m')},?\s+(?:of\s+)?(?P<rel>last|this|next)\s+year\b")
# "last October", "next March", "this past June"
REL_MON = re.compile(rf"\b(?P<rel>[Ll]ast|[Nn]ext|[Tt]his(?:\s+(?:past|coming))?)\s+{_mon_full('m')}(?!-)")
# "in July", "since March", "mid-July", "early June": a month name only counts as a date
# after one of these words.
CUE_MON = re.compile(
    rf"\b(?:(?P<cue>[Ii]n|[Ss]ince|[Uu]ntil|[Tt]ill|[Bb]y|[Ff]rom|[Dd]uring|[Tt]hrough|"
    rf"[Tt]hroughout|[Bb]efore|[Aa]fter|of)\s+)?(?P<span>{_MOD}{_mon_full('m')})(?!-)"
)
# "Theresa May": after these cues "May" is too often the politician.
MAY_CUES = frozenset({"in", "since", "until", "till", "during", "through", "throughout"})
# "in 2019", "since 2019", "by 2030", "early 2024", "in the 2018 election"
CUE_YEAR = re.compile(
    rf"\b(?:(?P<cue>[Ii]n|[Ss]ince|[Uu]ntil|[Tt]ill|[Bb]y|[Ff]rom|[Dd]uring|[Tt]hrough|"
    rf"[Tt]hroughout|[Bb]efore|[Aa]fter|of|year)\s+(?:the\s+)?|(?P<mod>(?:[Ee]arly|[Ll]ate)\s+|"
    rf"[Mm]id-?\s*))(?P<y>(?:19|20)\d\d)\b(?![.,]\d|['’]?s\b){NOT_YEAR}"
)
# "from 2019 to 2021", "between 2019 and 2021": two year mentions.
YEAR_RANGE = re.compile(
    r"\b(?:[Ff]rom|[Bb]etween)\s+(?P<y1>(?:19|20)\d\d)\s+(?:to|until|till|through|and)\s+"
    r"(?P<y2>(?:19|20)\d\d)\b(?![.,]\d)"
)
# "last Wednesday", "Wednesday", "Wednesday last week"
WEEKDAY = re.compile(
    rf"\b(?:(?P<mod>[Ll]ast|[Nn]ext|[Tt]his(?:\s+(?:past|coming))?|[Pp]ast|[Cc]oming)\s+)?"
    rf"(?P<wd>{WEEKDAY_ALTERNATION})\b(?:\s+(?:of\s+)?(?P<week>last|this|next)\s+week\b)?"
)
# Proper names built on a weekday ("Black Friday", "Sheffield Wednesday", "Sunday Times").
WD_NAME_BEFORE = re.compile(
    r"(?:Black|Good|Super|Bloody|Ash|Easter|Palm|Cyber|Holy|Maundy|Giving|Shrove|Whit|Sheffield|"
    r"Mail\s+on|Independent\s+on|Observer\s+on)\s+$"
)
WD_NAME_AFTER = re.compile(
    r"['’]?s?\s+(?:Times|Telegraph|Express|Mirror|Post|Herald|Star|Mail|Sport|People|Independent|"
    r"Night\s+Live|Morning\s+Herald|Business\s+Post|Tribune)\b"
)
REL_DAY_OFFSETS: dict[str, int] = {
    "the day before yesterday": -2,
    "the day after tomorrow": 2,
    "earlier today": 0,
    "later today": 0,
    "today": 0,
    "tonight": 0,
    "yesterday": -1,
    "tomorrow": 1,
    "this morning": 0,
    "this afternoon": 0,
    "this evening": 0,
    "last night": -1,
}
REL_DAY = re.compile(
    r"\b(?:the\s+day\s+before\s+yesterday|the\s+day\s+after\s+tomorrow|(?:earlier|later)\s+today|"
    r"today|tonight|yesterday|tomorrow|this\s+(?:morning|afternoon|evening)|last\s+night)\b",
    re.IGNORECASE,
)
# "the previous day", "the day before": resolved against publication (see find_dates).
ANAPHOR_DAY = re.compile(
    r"\b[Tt]he\s+(?:(?P<rel>previous|preceding|next|following)\s+day|day\s+(?P<ba>before|after))\b"
)
# "the day before the summit" is anchored to the summit, not to publication.
ANCHORED_AFTER = re.compile(r"\s+(?:(?:the|a|an|his|her|their|its|our|this|that)\b|[A-Z]|\d)")
# "last week", "earlier this month", "next year", "this weekend"
REL_PERIOD = re.compile(
    r"\b(?:(?P<pre>[Ee]arlier|[Ll]ater|[Ee]arly|[Ll]ate|[Mm]id-?)\s*)?(?P<rel>[Ll]ast|[Tt]his|[Nn]ext|[Pp]ast)\s+"
    r"(?:(?:fiscal|financial|calendar)\s+)?(?P<u>week|month|year|weekend)\b"
)
# "over the weekend", "at the weekend"
THE_WEEKEND = re.compile(r"\b(?:[Oo]ver|[Aa]t|[Oo]n|[Dd]uring)\s+(?P<span>the\s+weekend)\b")
# "two days ago", "a year ago", "3 weeks ago"
AGO = re.compile(
    r"\b(?P<n>an?|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|\d{1,3})\s+"
    r"(?P<u>day|week|month|year|decade)s?\s+ago\b",
    re.IGNORECASE,
)
DURATION_BEFORE = re.compile(
    r"\b(?:for|over|during|within|throughout)\s+(?:the\s+)?$|\b(?:for|over)\s+$", re.IGNORECASE
)
THE_BEFORE = re.compile(r"\b[Tt]he\s+$")


# ---------------------------------------------------------------------------------------------
# TimeML-only expressions: durations, sets, times of day, quarters, seasons, decades, references.
# find_timexes reports them all; find_dates keeps those that name a point in the calendar.

UNIT_CODE = {
    "second": "S",
    "minute": "M",
    "hour": "H",
    "day": "D",
    "week": "W",
    "month": "M",
    "quarter": "Q",
    "year": "Y",
    "decade": "DE",
    "century": "CE",
    "weekend": "WE",
}
PARTS_OF_DAY = {"morning": "MO", "afternoon": "AF", "evening": "EV", "night": "NI"}


# ---------------------------------------------------------------------------------------------
# Where each pattern can begin (``storyline.extract.anchors``): the runs of letters or digits its
# matches start at. An alternative ending in \Z names the whole run; one without names a prefix
# (a word the pattern lets letters follow, as "mid" in "midsummer"). A frequent opening word ("the",
# "in") is a ``lead``: the pattern is tried there only when the next word is one ``then`` names.
# Checked against the plain scan in tests/test_fast_paths.py.

DATE_ANCHORS = AnchorGroup()  # read over an article's text by the date finders
MONTH_FIRST = rf"(?:{MONTH_ALTERNATION}|{_ABBR})\Z"
WEEKDAY_FIRST = rf"(?:{WEEKDAY_ALTERNATION})\Z"
MOD_FIRST = r"(?:[Ee]arly|[Ll]ate)\Z|[Mm]id"  # _MOD: "mid" may run into the month ("midJuly")
CUE_FIRST = (
    r"(?:[Ii]n|[Ss]ince|[Uu]ntil|[Tt]ill|[Bb]y|[Ff]rom|[Dd]uring|[Tt]hrough|[Tt]hroughout|[Bb]efore|[Aa]fter|of)\Z"
)
DAY_FIRST = r"\d\d?\Z"
NOWHERE = r"(?!)"  # a pattern that begins only at a lead word (``lead``/``then``)

ISO_AT = DATE_ANCHORS.add(ISO, r"\d{4}\Z")
MD_RANGE_AT = DATE_ANCHORS.add(MD_RANGE, MONTH_FIRST)
DM_RANGE_AT = DATE_ANCHORS.add(DM_RANGE, DAY_FIRST)
MDY_AT = DATE_ANCHORS.add(MDY, f"{WEEKDAY_FIRST}|{MONTH_FIRST}")
DMY_AT = DATE_ANCHORS.add(DMY, f"{WEEKDAY_FIRST}|{DAY_FIRST}")
MY_AT = DATE_ANCHORS.add(MY, f"{MOD_FIRST}|{MONTH_FIRST}")
MON_REL_YEAR_AT = DATE_ANCHORS.add(MON_REL_YEAR, f"{MOD_FIRST}|{MONTH_FIRST}")
REL_MON_AT = DATE_ANCHORS.add(REL_MON, r"(?:[Ll]ast|[Nn]ext|[Tt]his)\Z")
CUE_MON_AT = DATE_ANCHORS.add(CUE_MON, f"{MOD_FIRST}|{MONTH_FIRST}", lead=CUE_FIRST, then=f"{MOD_FIRST}|{MONTH_FIRST}")
CUE_YEAR_AT = DATE_ANCHORS.add(CUE_YEAR, MOD_FIRST, lead=rf"{CUE_FIRST}|year\Z", then=r"the\Z|(?:19|20)\d\d\Z")
YEAR_RANGE_AT = DATE_ANCHORS.add(YEAR_RANGE, r"(?:[Ff]rom|[Bb]etween)\Z")
WEEKDAY_AT = DATE_ANCHORS.add(WEEKDAY, rf"(?:[Ll]ast|[Nn]ext|[Tt]his|[Pp]ast|[Cc]oming)\Z|{WEEKDAY_FIRST}")
REL_DAY_AT = DATE_ANCHORS.add(
    REL_DAY,
    r"(?i:(?:earlier|later|today|tonight|yesterday|tomorrow|this|last)\Z)",
    lead=r"(?i:the\Z)",
    then=r"(?i:day\Z)",
)
ANAPHOR_DAY_AT = DATE_ANCHORS.add(
    ANAPHOR_DAY, NOWHERE, lead=r"[Tt]he\Z", then=r"(?:previous|preceding|next|following|day)\Z"
)
REL_PERIOD_AT = DATE_ANCHORS.add(REL_PERIOD, r"[Ee]arl|[Ll]at|[Mm]id|(?:[Ll]ast|[Tt]his|[Nn]ext|[Pp]ast)\Z")
THE_WEEKEND_AT = DATE_ANCHORS.add(THE_WEEKEND, NOWHERE, lead=r"(?:[Oo]ver|[Aa]t|[Oo]n|[Dd]uring)\Z", then=r"the\Z")
AGO_AT = DATE_ANCHORS.add(
    AGO,
    NOWHERE,
    lead=r"(?i:(?:an?|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|\d{1,3})\Z)",
    then=r"(?i:(?:day|week|month|year|decade)s?\Z)",
)
