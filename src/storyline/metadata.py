"""Stage 1c, metadata: headline, publication date, dateline and news agencies of one article.

Nothing here guesses. ``published`` comes from an explicit header (`` date 2023-09-14``), else from the
dateline (``TOKYO, September 14, 2023``); a dateline without a year gets one only when the text itself
pins it down (``infer_year``); otherwise it is ``None``.

Agencies are split in two: *wire* agencies supplied the copy (dateline credit ``/TASS/``, ``(Yonhap)``,
an opening ``KYODO -``, ``By Reuters``, ``© AFP``, a closing ``- Reuters``); *cited* agencies are only named as a
source in the body (``KCNA said``, ``according to Tass``) or contributed to the outlet's own copy (``Additional
reporting by Reuters``). A credit line of people (``Reporting by A; Editing by B``) names no agency. Photo credits in captions are neither. Which names are agencies is ``storyline.agencies``' business:
its table, plus agencies the article defines itself (an unknown code in a dateline credit, ``PORTVALE,
May 2 (NNS) -``, or in "the state news agency MPA"), which then count wherever the article names them.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from storyline.agencies import AgencySpan, agency_spans, canonical_agency, local_agencies, paragraphs_naming
from storyline.calendar_words import WEEKDAY_NAMES
from storyline.clean import (
    ALL_RULES,
    DATELINE_RE,
    MONTHS,
    is_boilerplate,
    is_caption,
    is_chrome,
    is_credit,
    match_dateline,
    split_credits,
)
from storyline.records import Dateline

__all__ = ["ParsedText", "detect_agencies", "find_dateline", "infer_year", "parse_body", "parse_plain"]


@dataclass(frozen=True, slots=True)
class ParsedText:
    """What a plain-text article says about itself, with its cleaned body."""

    title: str | None
    text: str  # clean body: no header line, no boilerplate; a dateline stays at the start of its paragraph
    published: str | None  # ISO date, or None when the text does not say
    published_from: str  # header|dateline|text|none (text: month and day from the dateline, year inferred)
    dateline: Dateline | None
    wire_agencies: tuple[str, ...]
    cited_agencies: tuple[str, ...]


# --- agencies ---------------------------------------------------------------------------------------

_CREDIT_SEP = re.compile(r"^\s*(?:--|[-–—:|])")
_CREDIT_CUE = re.compile(
    r"(?:reporting|writing|editing|compiled|written|produced)\s+by|with\s+(?:additional\s+)?(?:agency\s+)?"
    r"(?:inputs?|files?|reporting|contributions?|material|information|wires)\s+(?:from|by)|^\(?\s*with\s|"
    r"^\(?\s*source\s*:|©|copyright|^\s*by\s",
    re.I,
)


# A short, unpunctuated place or date before a parenthesised credit that opens one of the first paragraphs:
# "New York (AFP) –", "Dec 29 (Reuters) -", "Hempstead, N.Y. (AP) —". Six words covers "RIO DE JANEIRO, Brazil"
# and "Sept. 4"; a sentence that merely cites an agency in parentheses is longer or is not followed by a dash.
_OPENING_CREDIT = re.compile(r"\s*(?:[\w.’'\-]+,?\s+){0,6}\(\s*")
# "Additional reporting by Reuters": the agency helped the outlet's own reporters; the copy is not the agency's, so
# the agency is cited (a contributor), not the wire origin. Likewise a credit line of people ("Reporting by A;
# Editing by B") names no origin at all, whatever house style it follows.
_CONTRIBUTION = re.compile(r"\badditional\s+reporting\s+by\b", re.I)
# The dateline or opening credit sits in one of the first paragraphs (a headline or standfirst may precede it).
_OPENING_PARAGRAPHS = 3


def _is_wire(para: str, mention: AgencySpan, *, last: bool, opening: bool = False) -> bool:
    """Whether this mention credits the paragraph's copy to the agency rather than citing it."""
    dl = match_dateline(para)
    if dl is not None and mention.end <= dl.end("core"):
        return True  # "TOKYO, September 14. /TASS/.", "SEOUL, Sept 4 (Yonhap) --", "WASHINGTON (AP) —"
    head = para[: mention.start]
    if opening and _OPENING_CREDIT.fullmatch(head) and _CREDIT_SEP.match(para[mention.end :].lstrip(" )/")):
        return True  # a dateline the dateline patterns miss: "New York (AFP) –", "Dec 29 (Reuters) -"
    if re.fullmatch(r"\s*(?:by\s+)?[(/]?\s*", head, re.I) and (
        _CREDIT_SEP.match(para[mention.end :].lstrip(")/")) or re.match(r"\s*by\s", head, re.I)
    ):
        return True  # "KYODO - North Korea said ...", "(AP) — ...", "By Reuters"
    if is_credit(para) and _CREDIT_CUE.search(para):
        return not _CONTRIBUTION.search(para)  # "© AFP 2023", "(With inputs from PTI)"; not a contribution
    rest = para[mention.end :]
    if re.fullmatch(r"[\W_]*", head) and re.fullmatch(r"[\W_]*", rest):
        return True  # a paragraph that is only the agency: "- Reuters", "(Yonhap)", "--IANS", "/TASS/"
    # a closing credit on the last paragraph: "... he said. - Reuters", "... on Friday. (Yonhap)"
    return (
        last and re.fullmatch(r"[)\]/.\s]*", rest) is not None and re.search(r"(?:--|[-–—(\[/])\s*$", head) is not None
    )


def detect_agencies(text: str) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """The news agencies behind an article: ``(wire, cited)``, each in order of first appearance.

    Wire agencies supplied the copy (a credit in the dateline or opening a paragraph, a credit line, a
    closing ``- Reuters``); cited agencies are only named in the body as a source, or contributed to the outlet's
    own copy (``Additional reporting by Reuters``). An agency that is wire is
    not also cited. Photo captions and site chrome are skipped, so a photo credit such as
    ``(KCNA via REUTERS)`` counts for neither. Names are normalised (``Korean Central News Agency`` →
    ``KCNA``, ``/TASS/`` → ``TASS``).

    Args:
        text: article text, one paragraph per line; may include the credit lines removed by cleaning.

    Returns:
        ``(wire_agencies, cited_agencies)``.

    Example:
        >>> detect_agencies("KYODO - Pyongyang said on Monday it tested a missile, KCNA reported.")
        (('Kyodo',), ('KCNA',))
    """
    paras = [p.strip() for p in text.split("\n") if p.strip()]
    if paras and (header := _HEADER_RE.match(paras[0])) is not None:
        paras[0] = header.group(2)  # a plain-text header line: " date 2023-09-14 TOKYO, September 14. /TASS/. ..."
    # Agencies the article defines itself ("PORTVALE, May 2 (NNS) -", "the state news agency MPA") count in
    # every paragraph, like table agencies.
    local = local_agencies("\n".join(p for p in paras if not is_caption(p) or is_credit(p)))
    wire: dict[str, None] = {}
    cited: dict[str, None] = {}
    naming = paragraphs_naming(paras, local)
    for n, para in enumerate(paras):
        if n not in naming:
            continue  # agency_spans would find nothing in it
        spans = agency_spans(para, local)
        if not spans:
            continue  # most paragraphs name no agency: the checks below cannot matter
        if is_caption(para) and not is_credit(para):
            continue
        if len(para.split()) > 3 and is_boilerplate(para) and not is_credit(para):
            continue  # chrome; short lines stay so that a lone "- Reuters" can count
        for mention in spans:
            if _is_wire(para, mention, last=n == len(paras) - 1, opening=n < _OPENING_PARAGRAPHS):
                wire[mention.name] = None
            else:
                cited[mention.name] = None
    return tuple(wire), tuple(k for k in cited if k not in wire)


# --- dateline ---------------------------------------------------------------------------------------

# A dateline opens one of the first paragraphs; a standfirst or a credit line may come before it.
_DATELINE_SCAN_PARAGRAPHS = 3
_SMALL_WORDS = {"on", "upon", "de", "del", "la", "am", "sur", "the", "of"}


def _title_place(place: str) -> str:
    """ "TOKYO" -> "Tokyo", "NEW DELHI" -> "New Delhi", "KOMSOMOLSK-ON-AMUR" -> "Komsomolsk-on-Amur"."""
    if place != place.upper():
        return place

    def word(w: str, first: bool) -> str:
        parts = w.split("-")
        out = []
        for j, p in enumerate(parts):
            low = p.lower()
            out.append(low if (j > 0 or not first) and low in _SMALL_WORDS else low.capitalize())
        return "-".join(out)

    return " ".join(word(w, i == 0) for i, w in enumerate(place.split()))


def find_dateline(text: str) -> Dateline | None:
    """The dateline opening the article, if any: place, month, day and year as printed.

    Recognises ``TOKYO, September 14. /TASS/.``, ``Seoul, Sep 4``, ``SEOUL, Sept. 4 (Yonhap) --``,
    ``MOSCOW, 14 September 2023`` and undated ``WASHINGTON (AP) —``, at the start of one of the first
    three paragraphs. An agency credit alone (``KYODO -``) is not a dateline.

    Args:
        text: the article body, one paragraph per line.

    Returns:
        A ``Dateline`` (``place`` title-cased if printed in capitals; ``year`` only if printed) or ``None``.

    Example:
        >>> find_dateline("TOKYO, September 14. /TASS/. Kim met Putin.")
        Dateline(text='TOKYO, September 14. /TASS/.', place='Tokyo', month=9, day=14, year=None)
    """
    paras = [p.strip() for p in text.split("\n") if p.strip()]
    for para in paras[:_DATELINE_SCAN_PARAGRAPHS]:
        m = match_dateline(para)
        if m is None:
            continue
        place = _title_place(m.group("place").strip())
        if canonical_agency(place) is not None:
            continue  # "KYODO - ..." is a credit, not a place
        core = m.group("core").strip()
        if m.re is not DATELINE_RE:
            return Dateline(text=core, place=place)
        month = MONTHS[(m.group("month") or m.group("month2")).lower()]
        day = int(m.group("day") or m.group("day2"))
        year_s = m.group("year") or m.group("year2")
        year = int(year_s) if year_s else None
        if not _valid_day(year or 2000, month, day):  # 2000 is a leap year: Feb 29 stays possible
            continue
        return Dateline(text=core, place=place, month=month, day=day, year=year)
    return None


def _valid_day(year: int, month: int, day: int) -> bool:
    try:
        dt.date(year, month, day)
    except ValueError:
        return False
    return True


# --- year inference ---------------------------------------------------------------------------------

_WEEKDAYS = WEEKDAY_NAMES
_WEEKDAY_RE = re.compile(r"\b(" + "|".join(_WEEKDAYS) + r")\b")

# Events whose anniversaries news copy dates itself by. Small on purpose: each entry must name one year
# unambiguously ("the Korean War" alone could be 1950 or 1953, so it is not here).
_EVENTS: tuple[tuple[re.Pattern[str], int], ...] = tuple(
    (re.compile(p, re.I), year)
    for p, year in (
        (
            r"end\s+of\s+(?:the\s+)?(?:World\s+War\s+(?:II|Two|2)|Second\s+World\s+War|WWII)|victory\s+(?:against|over)\s+Japan|"
            r"V-?J\s+Day|Japan'?s?\s+surrender|(?:Korea'?s?\s+)?liberation\s+(?:of\s+Korea\s+)?from\s+(?:Japanese\s+)?colonial\s+rule|"
            r"victory\s+(?:over|against)\s+(?:Nazi|fascist)\s+Germany|V-?E\s+Day|victory\s+in\s+(?:the\s+)?Great\s+Patriotic\s+War|"
            r"(?:atomic|nuclear)\s+bombings?\s+of\s+(?:Hiroshima|Nagasaki)",
            1945,
        ),
        (
            r"Korean\s+War\s+armistice|armistice\s+(?:agreement\s+)?(?:that|which)\s+(?:ended|halted)\s+the\s+(?:1950-53\s+)?Korean\s+War|"
            r"end\s+of\s+the\s+Korean\s+War|victory\s+in\s+the\s+Fatherland\s+Liberation\s+War",
            1953,
        ),
        (r"(?:outbreak|start|beginning)\s+of\s+the\s+Korean\s+War", 1950),
        (r"founding\s+of\s+(?:the\s+)?(?:People'?s\s+Republic\s+of\s+China|PRC|new\s+China)", 1949),
        (r"founding\s+of\s+(?:the\s+)?(?:DPRK|Democratic\s+People'?s\s+Republic\s+of\s+Korea)", 1948),
        (r"founding\s+of\s+the\s+(?:Workers'?\s+Party\s+of\s+Korea|WPK)", 1945),
        (r"founding\s+of\s+the\s+(?:Communist\s+Party\s+of\s+China|Chinese\s+Communist\s+Party|CPC)", 1921),
        (r"(?:September\s+11|9/11)\s+attacks", 2001),
        (r"fall\s+of\s+the\s+Berlin\s+Wall", 1989),
        (r"Chernobyl\s+(?:nuclear\s+)?disaster", 1986),
        (r"(?:Normandy\s+landings|D-Day\s+landings)", 1944),
        (r"fall\s+of\s+Saigon|end\s+of\s+the\s+Vietnam\s+War", 1975),
        (r"full-scale\s+invasion\s+of\s+Ukraine", 2022),
    )
)
# "80th anniversary of ...", "marking 80 years since ...": the event must be named within this many
# characters (one clause; the seeds' longest gap, "of what it describes as victory against Japan", is 45).
# "80th anniversary of ...", "marking 80 years since ...": the event must be named within this many
# characters of it (one clause; the seeds' longest gap, "of what it describes as victory against Japan", is 45).
_ANNIVERSARY_RE = re.compile(r"\b(\d{1,3})(?:st|nd|rd|th)\s+anniversary\s+of\b|\b(\d{1,3})\s+years\s+since\b", re.I)
_ANNIVERSARY_SPAN = 160
_CLAUSE_END = re.compile(r"[.;\n]")
# A sentence that puts the anniversary in the past ("last year's 70th anniversary") says nothing about today.
_PAST_MARK = re.compile(r"\blast\s+year|\ba\s+year\s+ago|\bprevious\s+year|\bin\s+(?:19|20)\d\d\b", re.I)
# "2025," ends a clause ("on January 20, 2025, it ...") and is a year; "2025,000" is part of a number.
_YEAR_RE = re.compile(r"(?<![\d,.$£€¥#/-])((?:18|19|20)\d\d)(?!\d|,\d|s\b)")
# A four-digit number is a year when it reads like one: after a preposition or a date ("in 2019",
# "April 26, 2019"), or followed by punctuation ("2019.", "2019's"). "plans 2000 homes" is a quantity.
_YEAR_BEFORE = re.compile(
    r"(?:\b(?:in|since|from|of|to|until|till|during|between|and|through|year|early|late|mid|the|by|before|after|around|"
    + "|".join(MONTHS)
    + r")\.?|\d,|mid-)\s*$",
    re.I,
)
_YEAR_AFTER = re.compile(r"^(?:[.,;:)\]'’\-–—]|\s*$)")
_FUTURE_MARK = re.compile(r"(?:\bby|\buntil|\btill|\bahead\s+of|\bbefore|\bthrough)\s+$", re.I)


def infer_year(month: int, day: int, text: str) -> int | None:
    """The year of a ``month``/``day`` dateline, when the article's own text determines it; else ``None``.

    Evidence, strongest first:

    1. An anniversary of a well-known event ("the 80th anniversary of ... the end of World War II" → 1945 + 80),
       checked against the weekdays the text mentions, if any (the dateline day must be one of them).
       Several anniversaries must agree; a year printed in the text after the anniversary year is a conflict.
    2. Explicit years: the latest year the text mentions (not a "by 2030" target) or the year after it,
       kept only if the text mentions weekdays and exactly one candidate puts the dateline day on one of them.

    Anything ambiguous or conflicting gives ``None``: the year is never guessed.

    Args:
        month: dateline month, 1-12.
        day: dateline day of the month.
        text: the article body.

    Returns:
        The year, or ``None``.

    Example:
        >>> infer_year(9, 4, "Seoul said on Thursday ... the 80th anniversary of the end of World War II.")
        2025
    """
    weekdays = {_WEEKDAYS.index(m.group(1)) for m in _WEEKDAY_RE.finditer(text)}

    def fits(year: int) -> bool:
        if not _valid_day(year, month, day):
            return False
        return not weekdays or dt.date(year, month, day).weekday() in weekdays

    years = _explicit_years(text)
    anniversary = _anniversary_years(text)
    if anniversary:
        if len(anniversary) != 1:
            return None
        (year,) = anniversary
        if years and max(years) > year:
            return None  # the text talks about a later year than the anniversary's
        return year if fits(year) else None
    if not years or not weekdays:
        return None
    latest = max(years)
    candidates = [y for y in (latest, latest + 1) if fits(y)]
    return candidates[0] if len(candidates) == 1 else None


def _anniversary_years(text: str) -> set[int]:
    found: set[int] = set()
    for m in _ANNIVERSARY_RE.finditer(text):
        n = int(m.group(1) or m.group(2))
        phrase = text[m.end() : m.end() + _ANNIVERSARY_SPAN]
        stop = [x.start() for x in (_CLAUSE_END.search(phrase), _ANNIVERSARY_RE.search(phrase)) if x is not None]
        phrase = phrase[: min(stop)] if stop else phrase
        sentence_start = max(text.rfind(".", 0, m.start()), text.rfind("\n", 0, m.start())) + 1
        if _PAST_MARK.search(text[sentence_start : m.start()]):
            continue
        located = sorted((hit.start(), year) for ev, year in _EVENTS if (hit := ev.search(phrase)) is not None)
        if located:
            found.add(located[0][1] + n)
    return found


def _explicit_years(text: str) -> list[int]:
    years = []
    for m in _YEAR_RE.finditer(text):
        before = text[max(0, m.start() - 15) : m.start()]
        if _FUTURE_MARK.search(before):
            continue  # "by 2030" is a target, not the present
        if _YEAR_BEFORE.search(before) or _YEAR_AFTER.match(text[m.end() :]):
            years.append(int(m.group(1)))
    return years


# --- plain-text articles ----------------------------------------------------------------------------

_HEADER_RE = re.compile(r"^\s*date\s+(\d{4}-\d{2}-\d{2})\b[ \t]*(.*)$")
# A headline is at most this many words; the header line's remainder beyond it is body copy.
# 30 is well above English news headlines (typically 8-15 words) and below a lead paragraph (30-60).
_MAX_TITLE_WORDS = 30


def _looks_like_title(line: str) -> bool:
    n = len(line.split())
    return (
        3 <= n <= _MAX_TITLE_WORDS
        and line[-1] not in ".,;:"
        and match_dateline(line) is None
        and not is_credit(line)
        and not is_caption(line)
    )


def parse_plain(raw: str) -> ParsedText:
    """Read a plain-text article: optional `` date YYYY-MM-DD`` header, headline, body.

    Layout: an optional first line `` date YYYY-MM-DD <rest>``. If ``<rest>`` opens with a dateline or is
    longer than a headline, it is the first body paragraph and the article has no headline (``title`` is
    ``None``: a lead sentence is not a headline, and inventing one would be a guess). Otherwise ``<rest>``
    is the headline; without ``<rest>`` (or without a header) the first line that is not site chrome is the
    headline if it is shaped like one (3-30 words, no final full stop, not a dateline). The rest is the body,
    cleaned by ``clean.split_credits``.

    Args:
        raw: the file's text.

    Returns:
        A ``ParsedText``; see ``parse_body`` for how date and agencies are read.

    Example:
        >>> parse_plain(" date 2023-09-14 Kim meets Putin\\nKim met Putin on Wednesday.").title
        'Kim meets Putin'
    """
    lines = raw.replace("\r\n", "\n").replace("\r", "\n").lstrip("\ufeff").split("\n")
    published: str | None = None
    title: str | None = None
    i = 0
    while i < len(lines) and not lines[i].strip():
        i += 1
    header = _HEADER_RE.match(lines[i]) if i < len(lines) else None
    header_rest = header.group(2).strip() if header is not None else ""
    if header is not None and _iso(header.group(1)):
        published = header.group(1)
    if header is not None:
        if header_rest and _looks_like_title(header_rest):
            title = re.sub(r"\s+", " ", header_rest)
            i += 1
        elif header_rest:
            lines[i] = header_rest  # the header runs straight into the body
        else:
            i += 1
    if title is None and not header_rest:
        # the first line that is not chrome is the headline if it is shaped like one
        j = i
        while j < len(lines) and (not lines[j].strip() or _is_top_chrome(lines[j])):
            j += 1
        if j < len(lines) and _looks_like_title(lines[j].strip()) and any(ln.strip() for ln in lines[j + 1 :]):
            title = re.sub(r"\s+", " ", lines[j]).strip()
            i = j + 1
    return parse_body("\n".join(lines[i:]), title=title, published=published, published_from="header")


def _is_top_chrome(line: str) -> bool:
    """Chrome above the headline. Stricter than ``is_boilerplate``: "Kim meets Putin" is a headline."""
    text = line.strip()
    if not is_boilerplate(text):
        return False
    return len(text.split()) < 3 or is_caption(text) or is_credit(text) or is_chrome(text)


def _iso(value: str) -> bool:
    try:
        dt.date.fromisoformat(value)
    except ValueError:
        return False
    return True


def parse_body(
    body: str,
    *,
    title: str | None = None,
    published: str | None = None,
    published_from: str = "header",
    rules: frozenset[str] = ALL_RULES,
) -> ParsedText:
    """Clean an article body and read its dateline, publication date and agencies.

    Use this for text from any source (HTML extraction, JSONL): credit lines are removed from ``text``
    but still count for the wire agencies.

    Args:
        body: the body, one paragraph per line or per blank-line-separated block (no header line).
        title: the headline if known (repeats of it are dropped from the text).
        published: an ISO date the caller already knows (header, HTML metadata); it wins over the dateline.
        published_from: where ``published`` came from, reported as is when ``published`` is given.
        rules: the boilerplate rule groups to apply (``clean.ALL_RULES``; HTML text uses fewer).

    Returns:
        A ``ParsedText``. Without ``published``, the date comes from the dateline: with its printed year
        (``published_from="dateline"``), or with a year ``infer_year`` finds in the text
        (``published_from="text"``); otherwise ``None`` (``"none"``).
    """
    text, credits = split_credits(body, title=title, rules=rules)
    dateline = find_dateline(text)
    date_from = published_from if published else "none"
    if published is None and dateline is not None and dateline.month and dateline.day:
        year, date_from = dateline.year, "dateline"
        if year is None:
            year, date_from = infer_year(dateline.month, dateline.day, text), "text"
        if year is not None and _valid_day(year, dateline.month, dateline.day):
            published = dt.date(year, dateline.month, dateline.day).isoformat()
        else:
            date_from = "none"
    wire, cited = detect_agencies("\n".join([text, *credits]))
    return ParsedText(
        title=title,
        text=text,
        published=published,
        published_from=date_from,
        dateline=dateline,
        wire_agencies=wire,
        cited_agencies=cited,
    )
