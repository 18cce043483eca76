"""Titles and metonymy: capitals that speak for their governments ("Moscow said"), titles that stand
for a person ("the North Korean leader") and titles that name their holder ("Russian Defense Minister Sergei Shoigu")."""

from __future__ import annotations

import re
from collections.abc import Iterator
from functools import lru_cache

from storyline.extract.entities.gazetteer import COUNTRIES, gazetteer_types, name_key, split_names
from storyline.extract.entities.places import capital_country, country_name

# --------------------------------------------------------------------------- titles, metonymy

# Capitals that stand for their governments when they speak ("Moscow said", "Beijing warned") come from the
# gazetteer (``places.capital_country``); these are the spellings it does not give.
_CAPITAL_OF = {
    "kiev": "Ukraine",
    "tel aviv": "Israel",
}
# A place directly followed by one of these verbs is speaking: its government.
_SPEAKS_AFTER = re.compile(
    r"(?:['’]s\s+(?:government|foreign\s+ministry|embassy)\b)|\s+(?:has\s+|have\s+|had\s+|also\s+|"
    r"later\s+|on\s+\w+\s+)?(?:said|says|told|warned|warns|accused|accuses|denied|denies|insisted|"
    r"insists|announced|announces|claimed|claims|stated|declared|condemned|condemns|rejected|"
    r"rejects|called\s+on|urged|urges|responded|vowed|pledged|protested|demanded|demands)\b"
)


# "officials in South Korea said": after a preposition the place is where the speaker is, not the speaker
_PLACE_BEFORE = re.compile(r"\b(?:in|from|at|near|across|inside|outside)\s+(?:the\s+)?$")


def speaks(text: str, start: int, end: int) -> bool:
    return bool(_SPEAKS_AFTER.match(text, end)) and not _PLACE_BEFORE.search(text, max(0, start - 12), start)


def government_of(name: str) -> str | None:
    """``"Government of Russia"`` for a capital or country used as a speaker ("Moscow said"); else None."""
    key = name_key(name)
    country = _CAPITAL_OF.get(key) or capital_country(key) or country_name(name)
    if country is None and gazetteer_types().get(key) == "GPE" and key in _country_keys():
        country = name.strip()  # "Kosovo", "Scotland": listed as countries here, not in ISO 3166
    return f"Government of {country}" if country else None


@lru_cache(maxsize=1)
def _country_keys() -> frozenset[str]:
    return frozenset(name_key(n) for n in split_names(COUNTRIES))


# Role words of a title ("the North Korean leader", "Russia's defence chief"); the last is its head.
_ROLE_HEADS = (
    r"leader|president|premier|chancellor|king|queen|emperor|minister|chief|head|secretary|"
    "spokesman|spokeswoman|spokesperson|envoy|ambassador|commander|general|dictator|ruler|"
    r"strongman|supremo|monarch|prince|foreign\s+minister|defen[cs]e\s+minister"
)
_ROLE_MODS = r"(?:(?:prime|vice|deputy|foreign|defen[cs]e|interior|finance|top|supreme|former|state|military)\s+)*"
_PLACE_WORD = r"(?:(?:North|South|East|West)\s+)?[A-Z][a-z]+(?:['’]s)?"
# "the North Korean leader" (not followed by a name: "the Russian president Vladimir Putin" is
# an ordinary name mention with a title in front)
TITLE = re.compile(
    rf"\b[Tt]he\s+(?P<place>{_PLACE_WORD})\s+(?P<role>{_ROLE_MODS}(?:{_ROLE_HEADS}))\b(?![ \u00a0]+[A-Z])"
    rf"|\b(?P<place2>(?:North|South)?\s?[A-Z][a-z]+['’]s)\s+(?P<role2>{_ROLE_MODS}(?:{_ROLE_HEADS}))\b(?![ \u00a0]+[A-Z])"
)
# "North Korean leader Kim Jong Un", "Russian Defense Minister Sergei Shoigu": a title that names
# its holder, which teaches merge_entities who "the North Korean leader" is.
_TITLED_NAME = re.compile(
    rf"\b(?P<place>{_PLACE_WORD})\s+(?P<role>{_ROLE_MODS}(?:{_ROLE_HEADS}))[ \u00a0]+(?P<name>[A-Z][\w'’-]*(?:[ \u00a0]+[A-Z][\w'’-]*){{0,3}})",
    re.IGNORECASE,
)


# Characters no part of _TITLED_NAME can match (every one it matches is a word character, whitespace, an
# apostrophe or a hyphen): a match never spans one, so the text can be searched one run between them at a time.
_NOT_IN_TITLED_NAME = re.compile(r"[^\w\s'’-]")
# Characters that match an ASCII letter under re.IGNORECASE but do not lower-case to it (checked over every
# code point with re.match(letter, char, re.I); "İ" lower-cases to two characters and is handled apart).
_ASCII_FOLDS = (("ſ", "s"), ("ı", "i"))


@lru_cache(maxsize=1)
def _role_head_words() -> tuple[str, ...] | None:
    """The last word of every role head, lower case: each _TITLED_NAME match has one before its name."""
    words = {re.split(r"\\s\+", alt)[-1] for alt in _ROLE_HEADS.split("|")}
    return tuple(sorted(words)) if all(re.fullmatch("[a-z]+", w) for w in words) else None


def titled_names(text: str) -> Iterator[re.Match[str]]:
    """``_TITLED_NAME.finditer(text)``, found in a fraction of the time.

    The case-blind regex tries every word of the text (~4 s on 30 MB of news); a match needs a role
    head word ("leader", "minister") after whitespace and before a (no-break) space, which ``str.find`` on
    the lower-cased text spots quickly. Only the runs of characters the regex can match that hold
    such a word are searched. A match lies inside one run and the search of a run starts at its
    beginning, so the matches are exactly those of one search over the whole text.
    """
    heads = _role_head_words()
    low = text.lower()
    if heads is None or len(low) != len(text):  # "İ" lower-cases to two characters: offsets would shift
        yield from _TITLED_NAME.finditer(text)
        return
    if not low.isascii():
        for char, ascii_char in _ASCII_FOLDS:
            low = low.replace(char, ascii_char)
    backwards = text[::-1]
    size = len(text)
    runs: set[tuple[int, int]] = set()
    for head in heads:
        i = low.find(head)
        while i >= 0:
            j = i + len(head)
            if i > 0 and low[i - 1].isspace() and j < size and low[j] in " \u00a0":
                before = _NOT_IN_TITLED_NAME.search(backwards, size - i)
                after = _NOT_IN_TITLED_NAME.search(text, j)
                runs.add((size - before.start() if before else 0, after.start() if after else size))
            i = low.find(head, i + 1)
    for start, end in sorted(runs):
        yield from _TITLED_NAME.finditer(text, start, end)


def _title_matches(text: str) -> Iterator[re.Match[str]]:
    """``TITLE.finditer(text)``, searched only in the stretches that hold a role head's last word.

    TITLE is case-sensitive and ends with a lower-case role head, whose last word (``_role_head_words``) its match
    holds as it is written. Its characters are letters, spaces and apostrophes, none of which
    ``_NOT_IN_TITLED_NAME`` matches, so a match lies in a stretch between two characters that it matches; those
    are no word characters, so ``\b`` and the look-ahead read at a stretch's end what they read in the whole text
    (and at its start re reads the character before). The stretches are searched in text order, each from its
    beginning: the matches of one search over the whole text."""
    heads = _role_head_words()
    if heads is None:
        yield from TITLE.finditer(text)
        return
    size = len(text)
    backwards = ""
    stretches: set[tuple[int, int]] = set()
    for head in heads:
        i = text.find(head)
        while i >= 0:
            backwards = backwards or text[::-1]
            before = _NOT_IN_TITLED_NAME.search(backwards, size - i)
            after = _NOT_IN_TITLED_NAME.search(text, i + len(head))
            stretches.add((size - before.start() if before else 0, after.start() if after else size))
            i = text.find(head, i + 1)
    for start, end in sorted(stretches):
        yield from TITLE.finditer(text, start, end)


def title_spans(text: str) -> list[tuple[int, int]]:
    out = []
    for m in _title_matches(text):
        place = m["place"] or m["place2"]
        if _place_key(place) is None:
            continue  # "the Trump administration", "the party leader"
        out.append((m.start(), m.end()))
    return out


_DEMONYM_COUNTRY = {
    "american": "united states",
    "russian": "russia",
    "chinese": "china",
    "british": "united kingdom",
    "french": "france",
    "german": "germany",
    "japanese": "japan",
    "korean": "korea",
    "north korean": "north korea",
    "south korean": "south korea",
    "ukrainian": "ukraine",
    "iranian": "iran",
    "israeli": "israel",
    "turkish": "turkey",
    "indian": "india",
    "pakistani": "pakistan",
    "syrian": "syria",
    "iraqi": "iraq",
    "saudi": "saudi arabia",
    "egyptian": "egypt",
    "belarusian": "belarus",
    "taiwanese": "taiwan",
    "vietnamese": "vietnam",
    "cuban": "cuba",
    "venezuelan": "venezuela",
    "afghan": "afghanistan",
    "canadian": "canada",
    "australian": "australia",
    "italian": "italy",
    "spanish": "spain",
    "polish": "poland",
    "mexican": "mexico",
    "brazilian": "brazil",
    "palestinian": "palestine",
    "qatari": "qatar",
    "emirati": "united arab emirates",
    "filipino": "philippines",
    "philippine": "philippines",
}


def _place_key(place: str) -> str | None:
    """The country a title's place word names ("Russian", "Russia's" -> "russia"), or None."""
    key = name_key(place)
    if key in _DEMONYM_COUNTRY:
        return _DEMONYM_COUNTRY[key]
    country = country_name(place)
    if country is not None:
        return name_key(country)
    if key in _country_keys():
        return key
    return None


def role_key(place: str, role: str) -> tuple[str, str] | None:
    """("russia", "defence") for "Russia's defence chief" and "Russian Defense Minister"."""
    country = _place_key(place)
    if country is None:
        return None
    words = role.lower().replace("defense", "defence").split()
    generic = {"minister", "chief", "head", "secretary", "former", "top"}
    domain = [w for w in words if w not in generic]
    return country, " ".join(domain) or "minister"
