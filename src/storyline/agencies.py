"""News agencies: the one table of known agencies, and the rules that find agencies in text, known or not.

Every stage that cares about agencies (``metadata`` for wire and cited agencies, ``dedupe`` for a passage's
origin, ``extract.entities`` and ``extract.quotes`` for names and channels) reads them from here.

Two kinds of evidence:

* **The table** (``AGENCIES``): well-known agencies with their canonical short name, the spellings that name
  them wherever they appear ("Korean Central News Agency", "ITAR-TASS"), and short codes that are an agency
  only in an attribution context ("AFP" is also the Australian Federal Police, "AP" Andhra Pradesh).
* **The document itself** (``local_agencies``): news is full of agencies no table lists, and copy defines them
  as it goes. A dateline credit (``PORTVALE, May 2 (NNS) -``, ``TOKYO, September 14. /TASS/.``), a phrase such
  as "the state news agency MPA" or "MPA news agency", and a name with its acronym ("Meridian Press Agency
  (MPA)") each make a name an agency for the rest of that document, so a later "MPA said" is a citation.
"""

from __future__ import annotations

import bisect
import itertools
import re
import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import lru_cache
from itertools import islice
from typing import NamedTuple

from storyline.calendar_words import MONTH_NAMES, WEEKDAY_NAMES
from storyline.clean import match_dateline
from storyline.records import Article
from storyline.text import ascii_folded

__all__ = [
    "AGENCIES",
    "Agency",
    "AgencySpan",
    "agency_context",
    "agency_in",
    "agency_spans",
    "attributions",
    "canonical_agency",
    "dateline_credit",
    "local_agencies",
    "local_agencies_quick",
    "paragraphs_naming",
    "wire_credit",
]


@dataclass(frozen=True, slots=True)
class Agency:
    """A news agency: canonical short name, unambiguous spellings, and ambiguous short codes."""

    name: str
    # Spellings that name the agency wherever they appear; matched case-sensitively (plus an ALL-CAPS form of
    # those longer than three letters, as printed in datelines: "KYODO -", "(KCNA via REUTERS)").
    names: tuple[str, ...]
    # Short forms that are this agency only in an attribution context ("told AFP", "(AP)", "UPI reported").
    codes: tuple[str, ...] = ()


# Merged from the tables metadata, dedupe and entities used to keep; a spelling that is also a common word,
# place, person or thing is a code, not a name.
AGENCIES: tuple[Agency, ...] = (
    Agency("KCNA", ("Korean Central News Agency", "KCNA")),
    Agency("KCTV", ("Korean Central Television", "Korean Central TV", "KCTV")),
    Agency("TASS", ("ITAR-TASS", "ITAR-Tass", "Itar-Tass", "TASS", "Tass")),
    Agency("Kyodo", ("Kyodo News Agency", "Kyodo News", "Kyodo")),
    Agency("Reuters", ("Thomson Reuters", "Reuters")),
    Agency("AFP", ("Agence France-Presse", "Agence France Presse"), ("AFP",)),
    Agency("AP", ("Associated Press",), ("AP",)),
    Agency("Yonhap", ("Yonhap News Agency", "Yonhap News", "Yonhap")),
    Agency("Xinhua", ("Xinhua News Agency", "Xinhua")),
    Agency("IANS", ("Indo-Asian News Service", "IANS")),
    Agency("PTI", ("Press Trust of India",), ("PTI",)),
    Agency("ANI", ("Asian News International",), ("ANI",)),
    Agency("UPI", ("United Press International",), ("UPI",)),
    Agency("dpa", ("Deutsche Presse-Agentur",), ("dpa", "DPA")),
    Agency("EFE", ("Agencia EFE", "EFE")),
    Agency("ANSA", ("ANSA",)),
    Agency("Bloomberg", ("Bloomberg News",), ("Bloomberg",)),
    Agency("RIA Novosti", ("RIA Novosti", "RIA-Novosti"), ("RIA",)),
    Agency("Interfax", ("Interfax",)),
    Agency("Anadolu", ("Anadolu Agency", "Anadolu Ajansi", "Anadolu")),
    Agency("Bernama", ("Bernama",)),
    Agency("CNA", ("Central News Agency",), ("CNA",)),
    Agency("Sputnik", ("Sputnik News", "Sputnik news agency"), ("Sputnik",)),
    Agency("Jiji", ("Jiji Press", "Jiji")),
    Agency("Antara", ("Antara News Agency", "Antara")),
    Agency("IRNA", ("Islamic Republic News Agency", "IRNA")),
    Agency("Ukrinform", ("Ukrinform",)),
    Agency("PA Media", ("PA Media", "Press Association")),
    Agency("China News Service", ("China News Service",)),
)

# Codes written with "the" when they are the agency: "the AP reported". Other codes go without it, so
# "the AFP said" is the Australian Federal Police.
_CODES_WITH_THE = frozenset({"AP"})

_EDGE_L = r"(?<![\w-])"
_EDGE_R = r"(?![\w-])"


class AgencySpan(NamedTuple):
    """An agency named in a text: offsets of the spelling and the canonical name."""

    start: int
    end: int
    name: str


# --------------------------------------------------------------------------- the table


@lru_cache(maxsize=1 << 16)  # called per entity mention when merging (~300k calls on T17); names recur
def _key(name: str) -> str:
    """Lookup key: no diacritics, case, hyphens, possessive or leading article."""
    text = unicodedata.normalize("NFKD", name)
    text = "".join(c for c in text if not unicodedata.combining(c)).strip()
    text = re.sub(r"['’]s$", "", text)
    text = re.sub(r"^the\s+", "", text, flags=re.I)
    return " ".join(text.replace("-", " ").lower().split())


def _spellings(agency: Agency) -> tuple[str, ...]:
    out = dict.fromkeys(agency.names)
    for n in agency.names:
        if len(n) > 3:
            out.setdefault(n.upper())
    return tuple(out)


@lru_cache(maxsize=1)
def _table() -> dict[str, str]:
    """Lookup key of every spelling and code -> canonical name."""
    table: dict[str, str] = {}
    for agency in AGENCIES:
        for spelling in (agency.name, *agency.names, *agency.codes):
            table.setdefault(_key(spelling), agency.name)
    return table


def _alternation(names: Iterable[str]) -> str:
    # Longest first, so "Yonhap News Agency" wins over "Yonhap" at the same position.
    return "|".join(re.escape(n) for n in sorted(set(names), key=lambda n: (-len(n), n)))


def _edged(names: Iterable[str]) -> re.Pattern[str]:
    """The names as whole words: ``{_EDGE_L}(?:{_alternation(names)}){_EDGE_R}``, matching what it matches.

    Each name's look-behind stands after its first character (``K(?<![\\w-]K)CNA``: the character before the K is
    no letter, digit or hyphen): a pattern opening with a look-behind is tried at every character of the text, one
    opening with characters only where they stand (re scans for them), 2-3 times faster over an article.

    The names are grouped by their first character, each group once (``K(?<![\\w-]K)(?:orean Central News
    Agency|CNA|...)``), their order kept: at a capital letter re tries the twenty-odd groups' first characters, not
    every name's (twice as fast over an article). A match opens with its name's first character, so only that
    group's names can match where it starts, in the order the plain alternation tries them."""
    ordered = sorted(set(names), key=lambda n: (-len(n), n))
    if "" in ordered:  # an empty name matches between two non-words: no first character to look behind
        return re.compile(rf"{_EDGE_L}(?:{_alternation(ordered)}){_EDGE_R}")
    groups: dict[str, list[str]] = {}
    for n in ordered:
        groups.setdefault(n[0], []).append(re.escape(n[1:]))
    alts = (f"{re.escape(c)}(?<![\\w-]{re.escape(c)})(?:{'|'.join(rests)})" for c, rests in groups.items())
    return re.compile(f"(?:{'|'.join(alts)}){_EDGE_R}")


@lru_cache(maxsize=1)
def _table_regex() -> tuple[re.Pattern[str], dict[str, tuple[str, bool]]]:
    """One regex over every table spelling, and spelling -> (canonical name, is an ambiguous code)."""
    what: dict[str, tuple[str, bool]] = {}
    for agency in AGENCIES:
        for s in _spellings(agency):
            what.setdefault(s, (agency.name, False))
        for c in agency.codes:
            what.setdefault(c, (agency.name, True))
    return _edged(what), what


def canonical_agency(name: str, local: Mapping[str, str] | None = None) -> str | None:
    """The canonical name of the news agency spelled ``name``, else ``None``.

    Args:
        name: a spelling, with or without a leading "the" ("Tass", "the Korean Central News Agency").
        local: agencies the document defines itself (``local_agencies``); they win over the table.

    Example:
        >>> canonical_agency("ITAR-TASS"), canonical_agency("Moscow")
        ('TASS', None)
    """
    key = _key(name)
    if local:
        for spelling, canon in local.items():
            if _key(spelling) == key:
                return canon
    return _table().get(key)


# --------------------------------------------------------------------------- context

# What makes an ambiguous code an agency: "(AFP)", "/AP/", "told AFP", "AFP reported".
_WEAK_BEFORE = re.compile(
    r"(?:[(/]|(?:told|according\s+to|quoting|citing|cited\s+by|quoted\s+by|©|copyright|by)\s+(?:the\s+)?)$", re.I
)
_WEAK_AFTER = re.compile(
    r"^(?:[)/]|\s+(?:news\s+agency|News|reported|reports|said|says|quoted|cited|journalists?|correspondents?|"
    r"reporters?|photographers?|tally|count|has\s+learned|learned|understands|reporting)\b)"
)
_CREDIT_SEP = re.compile(r"^\s*(?:--|[-–—:|])")
# Context windows: "according to the " is 17 characters; "has learned" plus spaces fits in 30.
_BEFORE_CHARS = 20
_AFTER_CHARS = 30


def agency_context(text: str, start: int, end: int) -> bool:
    """Whether the short code at ``text[start:end]`` stands where only an agency would.

    True for a credit ("(AFP)", "/AP/", a paragraph opening "AFP -"), after "told", "according to", "quoting",
    "by", "©", and before "said", "reported", "news agency", "journalists" and the like. "the" before a code
    other than "AP" means something else ("the AFP said" is the Australian Federal Police).

    Example:
        >>> agency_context("Officials told AFP the talks failed.", 15, 18)
        True
    """
    code = text[start:end]
    before = text[max(0, start - _BEFORE_CHARS) : start]
    after = text[end : end + _AFTER_CHARS]
    opening = not text[:start].strip(" \t(/") and _CREDIT_SEP.match(after.lstrip(")/")) is not None
    if not (opening or _WEAK_BEFORE.search(before) or _WEAK_AFTER.match(after)):
        return False
    return code in _CODES_WITH_THE or re.search(r"\bthe\s+$", before, re.I) is None


# --------------------------------------------------------------------------- agencies a document defines

# An agency code: two to six capital letters ("NNS", "MPA"). Labels that take the same slot are not agencies.
_CODE = r"[A-Z]{2,6}"
_NOT_CODES = frozenset(
    """UPDATE URGENT LEAD FILE PHOTO PHOTOS VIDEO AUDIO LIVE FLASH CORR REFILE WRAPUP NEWS NOTE EDS
    GMT UTC BST CET CEST EST EDT PST PDT KST JST IST AM PM US USA UK EU UN UAE PRC ROK DPRK""".split()
)
# Words that open a capitalised run without being part of an agency's name ("On Monday Ghana News Agency").
_NAME_STOP = frozenset(
    """The A An On In At By For From To Of And But As With According It Its He His She Her They Their This
    That""".split()
) | frozenset(WEEKDAY_NAMES + MONTH_NAMES)
_CAP_WORD = r"[A-Z][\w’'&.\-]*"
# "Meridian Press Agency", "Northwind News Service", "Jewish Telegraphic Agency": a capitalised name whose
# head says it is an agency. "Wire" names count only when they define an acronym ("Harbour Wire (HW)").
# "Press Service" is left out: the "Kremlin Press Service" is a government office, not an agency.
_AGENCY_HEAD = r"News\s+(?:Agency|Service)|Press\s+Agency|Telegraph(?:ic)?\s+Agency"
# The first capital word with its look-behind after its capital (no word character, apostrophe, "&", "." or "-"
# before the capital): a pattern opening with a look-behind is tried at every character, one opening with a class
# only where the class matches. ``(?<!X)(?:{_CAP_WORD}\s+){1,4}`` becomes ``_FIRST_CAP(?:{_CAP_WORD}\s+){0,3}``,
# which matches the same, tried in the same order (tests/test_fast_paths.py holds the two forms against each other).
_FIRST_CAP = r"[A-Z](?<![\w’'&.-][A-Z])[\w’'&.\-]*\s+"
_NAMED = re.compile(rf"({_FIRST_CAP}(?:{_CAP_WORD}\s+){{0,3}}(?:{_AGENCY_HEAD}))(?![\w-])")
_NAMED_WITH_CODE = re.compile(
    rf"({_FIRST_CAP}(?:{_CAP_WORD}\s+){{0,3}}(?:{_AGENCY_HEAD}|Wire|Newswire))\s*\(\s*({_CODE})\s*\)"
)
_NEWS_NOUN = r"(?:news\s+(?:agency|service)|press\s+agency|wire\s+service|newswire)"
# "the state news agency MPA", "news agency Prensa Nueva said": the name right after the noun.
# A code may follow a comma ("the state news agency, SANA, said"); a name may not ("the news agency, Reuters
# and AFP" reads as a list).
_NOUN_THEN_NAME = re.compile(rf"(?i:\b{_NEWS_NOUN})(?:,?\s+({_CODE})|\s+([A-Z][a-z]+(?:\s+[A-Z][a-z]+)?))(?![\w-])")
# "MPA news agency": only a code may stand before the noun ("the Japanese news agency" is a nationality).
_CODE_THEN_NOUN = re.compile(rf"([A-Z](?<![\w-][A-Z])[A-Z]{{1,5}})\s+(?i:{_NEWS_NOUN})\b")  # as _FIRST_CAP


def dateline_credit(paragraph: str) -> AgencySpan | None:
    """The agency credited in the dateline opening ``paragraph`` (``SEOUL, Sept 4 (Yonhap) --``), if any.

    A known agency gives its canonical name; an unknown two-to-six-letter capital code in the credit slot
    (``PORTVALE, May 2 (NNS) -``, ``TOKYO, Sep 14. /TASS/.``) is a wire agency too and stands for itself.
    A paragraph that opens with a bare credit (``(NNS) - ...``) counts as well.

    Example:
        >>> dateline_credit("PORTVALE, May 2 (NNS) - Pilots ended a strike.")
        AgencySpan(start=17, end=20, name='NNS')
    """
    m = match_dateline(paragraph)
    if m is not None:
        group = "slash" if m.group("slash") else "paren" if m.group("paren") else None
        if group is None:
            return None
        start, end = m.start(group), m.end(group)
    else:
        bare = re.match(r"\s*[(/]\s*([A-Za-z][A-Za-z\- ]{1,24}?)\s*[)/]\s*(?:--|[-–—:])", paragraph)
        if bare is None:
            return None
        start, end = bare.start(1), bare.end(1)
    credit = paragraph[start:end]
    known = canonical_agency(credit) or agency_in(credit, {})  # "(Reuters Breakingviews)" -> Reuters
    if known is not None:
        return AgencySpan(start, end, known)
    if re.fullmatch(_CODE, credit) and credit not in _NOT_CODES:
        return AgencySpan(start, end, credit)
    return None


def _trim_name(name: str) -> str | None:
    """Drop sentence openers and dates from the front of a capitalised run; None if only the head is left."""
    words = name.split()
    while words and words[0] in _NAME_STOP:
        words.pop(0)
    head = 2  # "News Agency", "News Service", "Telegraphic Agency"
    if len(words) <= head or any(w.endswith(("'s", "’s")) for w in words):
        return None
    return " ".join(words)


def _news_noun_in(folded: str) -> bool:
    """Whether ``folded`` (``ascii_folded`` of a text) may hold a news noun (``_NEWS_NOUN``): "newswire", or
    "agency" or "service" after whitespace after "news", "press" or "wire". False only where no case-blind match of
    the noun is in the text (a quarter of articles say "service" or "agency", few a news noun)."""
    if "newswire" in folded:
        return True
    for noun in ("agency", "service"):
        at = folded.find(noun)
        while at >= 0:
            before = folded[:at]
            spaced = before.rstrip()  # str.rstrip() strips what \s matches
            if len(spaced) < len(before) and spaced.endswith(("news", "press", "wire")):
                return True
            at = folded.find(noun, at + 1)
    return False


# The head words of _AGENCY_HEAD, each with the words that may stand before it (whitespace between).
_AGENCY_HEAD_WORDS = (("Agency", ("News", "Press", "Telegraph", "Telegraphic")), ("Service", ("News",)))


def _agency_head_in(text: str) -> bool:
    """Whether ``_AGENCY_HEAD`` matches somewhere in ``text``, told by finding its head words: "Agency" after
    whitespace after "News", "Press", "Telegraph" or "Telegraphic", or "Service" after whitespace after "News"
    (case-sensitive, as the pattern). A quarter of articles say "Agency" or "Service" ("Secret Service"), few a
    head; the named patterns, tried at every capital, cost more than these tests."""
    for head, words in _AGENCY_HEAD_WORDS:
        at = text.find(head)
        while at >= 0:
            before = text[:at]
            spaced = before.rstrip()  # str.rstrip() strips what \s matches
            if len(spaced) < len(before) and spaced.endswith(words):
                return True
            at = text.find(head, at + 1)
    return False


def local_agencies(text: str) -> dict[str, str]:
    """Agencies ``text`` itself shows to be agencies: spelling -> canonical name, in order of discovery.

    Evidence, any of:

    * a dateline credit opening a paragraph (``dateline_credit``): ``(NNS)``, ``/MPA/``;
    * a news noun next to a name: "the state news agency MPA", "news agency Prensa Nueva said", "MPA news agency";
    * a capitalised name with an agency head ("News Agency", "Press Agency", "News Service", "Telegraph Agency"),
      or ending in "Wire", followed by an acronym in parentheses: "Meridian Press Agency (MPA)" makes both
      spellings stand for "MPA";
    * such a name alone: "Ghana News Agency" stands for itself.

    A spelling of a table agency maps to the table's canonical name ("Korean Central News Agency (KCNA)" ->
    "KCNA"). Use the result as ``local=`` for the other helpers on the same document.

    Example:
        >>> local_agencies("PORTVALE, May 2 (NNS) - Talks ended, the Meridian Press Agency (MPA) said.")
        {'NNS': 'NNS', 'Meridian Press Agency': 'MPA', 'MPA': 'MPA'}
    """
    found: dict[str, str] = {}

    def add(spelling: str, canon: str) -> None:
        known = canonical_agency(spelling) or canonical_agency(canon)
        found.setdefault(spelling, known or canon)

    # Each pattern is read only over a text holding what every match of it holds (a regex scan of a 7,000-character
    # article costs ~0.6 ms, a word test some microseconds): a dateline credit its bracket or slash; the named
    # patterns (case-sensitive) their head's last word ("Agency", "Service", "Wire", "Newswire") and the code's
    # bracket; the news-noun patterns (case-blind) a news noun (``_news_noun_in``).
    if "(" in text or "/" in text:
        for para in text.split("\n"):
            if "(" not in para and "/" not in para:
                continue
            para = para.strip()
            credit = dateline_credit(para)
            if credit is not None:
                add(para[credit.start : credit.end], credit.name)
    headed = _agency_head_in(text)
    wired = "(" in text and (headed or "Wire" in text or "Newswire" in text)
    for m in _NAMED_WITH_CODE.finditer(text) if wired else ():
        name = _trim_name(m.group(1))
        code = m.group(2)
        if code in _NOT_CODES:
            continue
        canon = canonical_agency(code) or (canonical_agency(name) if name else None) or code
        if name:
            add(name, canon)
        add(code, canon)
    nouns = _news_noun_in(ascii_folded(text))
    for m in _NOUN_THEN_NAME.finditer(text) if nouns else ():
        name = m.group(1) or m.group(2)
        if name in _NOT_CODES or name.split()[0] in _NAME_STOP:
            continue
        add(name, name)
    for m in _CODE_THEN_NOUN.finditer(text) if nouns else ():
        if m.group(1) not in _NOT_CODES:
            add(m.group(1), m.group(1))
    for m in _NAMED.finditer(text) if headed else ():
        name = _trim_name(m.group(1))
        if name and canonical_agency(name) is None:
            # "Tass News Agency", "Yonhap News Agency" are table agencies found by the table itself
            inner = _table_regex()[0].search(name)
            add(name, _table_regex()[1][inner.group(0)][0] if inner else name)
    return found


# --------------------------------------------------------------------------- finding agencies


@lru_cache(maxsize=256)  # one document's names, asked for each of its paragraphs
def _edged_local(names: tuple[str, ...]) -> re.Pattern[str]:
    return _edged(names)


def agency_spans(text: str, local: Mapping[str, str] | None = None, *, context: bool = True) -> list[AgencySpan]:
    """Every news agency named in ``text``, in order: ``(start, end, canonical name)``.

    Table spellings count everywhere; a table code ("AFP", "AP") only where ``agency_context`` holds, unless
    ``context=False`` (for a phrase already known to name a speaker or source); a spelling the document
    defines (``local``, by default ``local_agencies(text)``) counts everywhere in it.

    Example:
        >>> [s.name for s in agency_spans("MPA news agency said so. Officials told MPA and the AFP.")]
        ['MPA', 'MPA']
    """
    if local is None:
        local = local_agencies(text)
    pattern, what = _table_regex()
    spans: list[AgencySpan] = []
    taken: list[tuple[int, int]] = []
    if local:
        local_re = _edged_local(tuple(local))
        for m in local_re.finditer(text):
            spans.append(AgencySpan(m.start(), m.end(), local[m.group(0)]))
            taken.append((m.start(), m.end()))
    for m in pattern.finditer(text):
        if any(s < m.end() and m.start() < e for s, e in taken):
            continue  # a defined name takes precedence ("Korean Central News Agency (KCNA)" is found once each)
        name, is_code = what[m.group(0)]
        if is_code and context and not agency_context(text, m.start(), m.end()):
            continue
        spans.append(AgencySpan(m.start(), m.end(), name))
    spans.sort()
    return spans


def paragraphs_naming(paras: list[str], local: Mapping[str, str]) -> set[int]:
    """The indices of the paragraphs (stripped lines, none holding a line break) in which ``agency_spans(para,
    local)`` may find an agency: every one where it does, told by one scan of their text instead of one per
    paragraph (most name no agency; the calls cost more than the scan).

    A table spelling holds no line break and the table pattern looks at the character either side of a spelling
    only to ask whether it is a word character or a hyphen, which a line break, a space and the text's end are
    not: so the table matches inside a paragraph of the paragraphs joined by line breaks are those the paragraph
    alone has. A local spelling matches only where it stands as written."""
    joined = "\n".join(paras)
    ends = list(itertools.accumulate(len(p) + 1 for p in paras))  # paragraph i ends before ends[i]
    found = {bisect.bisect_right(ends, m.start()) for m in _table_regex()[0].finditer(joined)}
    if local:
        found.update(i for i, p in enumerate(paras) if any(name in p for name in local))
    return found


def agency_in(text: str, local: Mapping[str, str] | None = None) -> str | None:
    """The canonical name of the first news agency named inside a name or speaker phrase, else ``None``.

    Codes need no context here: the caller already knows the phrase names a source.

    Example:
        >>> agency_in("according to Russia's Tass news agency")
        'TASS'
    """
    spans = agency_spans(text, local, context=False)
    return spans[0].name if spans else None


# --------------------------------------------------------------------------- attribution around a passage
# (dedupe: which agency the text around a reused passage credits, and which wire supplied an article)

_AFTER = re.compile(
    r"\s*(?:\([^()]{1,40}\)\s*)?(?:news agency\s*)?,?\s*(?:has\s+|had\s+)?"
    r"(?:said|says|reported|reports|stated|states|quoted|quotes|cited|described|added|announced|wrote|noted)\b",
    re.I,
)
# "reports Yonhap, quoting KCNA": the agency being quoted is the deeper origin, so it outranks.
_BEFORE_QUOTING = re.compile(r"\b(?:quoting|citing|cited by|quoted by)\s+(?:[\w'’-]+\s+){0,3}$", re.I)
_BEFORE = re.compile(
    r"(?:\baccording to\s+(?:[\w'’-]+\s+){0,3}|\b(?:reports|reported|said|says|by)\s+(?:the\s+)?(?:official\s+|state(?:-run)?\s+)?)$",
    re.I,
)
_HEADLINE = re.compile(r"[:\-–—]\s*$")
# A dateline opens one of an article's first paragraphs (a standfirst may come first), as in metadata.
_WIRE_CREDIT_PARAGRAPHS = 3


def attributions(context: str, local: Mapping[str, str]) -> dict[str, int]:
    """Agencies ``context`` attributes its words to: 2 for "quoting X", 1 for "X said" and the like.

    ``local`` are the agencies the article defines itself (``local_agencies``), so "MPA said"
    counts in an article that elsewhere calls MPA a news agency or carries its dateline credit.

    Example:
        >>> attributions("Pyongyang, quoting KCNA, reported", {})
        {'KCNA': 2}
    """
    found: dict[str, int] = {}
    for start, end, name in agency_spans(context, local):
        before = context[max(0, start - 60) : start]
        if _BEFORE_QUOTING.search(before):
            strength = 2
        elif (
            _AFTER.match(context, end)
            or _BEFORE.search(before)
            or (_HEADLINE.search(before) and not context[end:].strip())
        ):
            strength = 1
        else:
            continue
        found[name] = max(found.get(name, 0), strength)
    return found


# Every pattern by which ``local_agencies`` recognises an agency outside a dateline needs one of
# these words (its news nouns and name heads: "news agency", "News Service", "Harbour Wire (HW)").
_AGENCY_WORDS = ("agency", "service", "wire")


def _find_all(text: str, needles: Iterable[str]) -> list[int]:
    """Every offset of every needle in ``text`` (str.find: far faster than a case-blind regex)."""
    out: list[int] = []
    for needle in needles:
        at = text.find(needle)
        while at >= 0:
            out.append(at)
            at = text.find(needle, at + 1)
    return out


def local_agencies_quick(text: str) -> dict[str, str]:
    """``local_agencies(text)``, reading only the paragraphs that can change the answer.

    A dateline credit ("(NNS)", "/MPA/") needs a parenthesis or a slash in its paragraph; every other
    pattern needs an agency word, with at most four name words before it and two after (``_NAMED``,
    ``_NOUN_THEN_NAME``), which line breaks do not stop. So the paragraphs kept are those with a bracket
    or slash, and those within four non-empty paragraphs before and two after an agency word; runs of
    kept paragraphs are joined with a "." line between them, which no pattern reads across. (T17
    articles run to 60 one-sentence paragraphs, and scanning all of them was most of dedupe's time.)
    """
    low = ascii_folded(text)  # the noun patterns are case-blind: "news ſervice" is a match
    if len(low) != len(text):  # lower() lengthened a character: offsets would not line up
        return local_agencies(text)
    brackets = _find_all(text, ("(", "/"))
    words = _find_all(low, _AGENCY_WORDS)
    if not brackets and not words:
        return {}
    paras = [p for p in text.split("\n") if p.strip()]
    joined = "\n".join(paras)
    if len(joined) != len(text):  # blank lines or padding dropped: find the hits again in the joined text
        brackets = _find_all(joined, ("(", "/"))
        words = _find_all(ascii_folded(joined), _AGENCY_WORDS)
    ends = list(itertools.accumulate(len(p) + 1 for p in paras))  # paragraph i ends before ends[i]
    keep = [False] * len(paras)
    for at in brackets:
        keep[bisect.bisect_right(ends, at)] = True
    for at in words:
        i = bisect.bisect_right(ends, at)
        for j in range(max(0, i - 4), min(len(paras), i + 3)):
            keep[j] = True
    if not any(keep):
        return {}
    parts: list[str] = []
    for i, p in enumerate(paras):
        if keep[i]:
            if parts and not keep[i - 1]:
                parts.append(".")
            parts.append(p)
    return local_agencies("\n".join(parts))


def wire_credit(article: Article) -> str | None:
    """The agency that supplied the article's copy: its ``wire_agencies``, else a dateline credit in its text."""
    if article.wire_agencies:
        return article.wire_agencies[0]
    paras = (p.strip() for p in article.text.split("\n") if p.strip())
    for para in islice(paras, _WIRE_CREDIT_PARAGRAPHS):
        credit = dateline_credit(para)
        if credit is not None:
            return credit.name
    return None
