"""Names that need no context to type (countries, capitals and major cities, a few organisations,
nationalities, the news agencies of ``storyline.agencies``), and ``name_key``, the spelling-independent key."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from functools import lru_cache

from storyline.agencies import AGENCIES

# --------------------------------------------------------------------------- gazetteer

COUNTRIES = """Afghanistan|Albania|Algeria|Andorra|Angola|Argentina|Armenia|Australia|Austria|
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


def split_names(block: str) -> frozenset[str]:
    return frozenset(n.strip() for n in block.replace("\n", "").split("|") if n.strip())


@lru_cache(maxsize=1 << 16)  # called for the last word of every capitalised run
def norm_token(token: str) -> str:
    return unicodedata.normalize("NFKD", token).encode("ascii", "ignore").decode().lower()


@lru_cache(maxsize=1)
def gazetteer_types() -> dict[str, str]:
    """Normalised name -> type for every gazetteer entry (agencies first win)."""
    table: dict[str, str] = {}
    for names, typ in (
        (split_names(COUNTRIES), "GPE"),
        (split_names(_CITIES), "GPE"),
        (split_names(_ORGS), "ORG"),
        (split_names(_NORPS), "NORP"),
    ):
        for name in names:
            table.setdefault(name_key(name), typ)
    for agency in AGENCIES:
        # Codes that are also ordinary words or names ("Bloomberg", "Sputnik") are left to context.
        for spelling in (*agency.names, *(c for c in agency.codes if not c.istitle())):
            table[name_key(spelling)] = "ORG"
    return table


def city_names() -> frozenset[str]:
    """The capitals and major cities of the hand-kept gazetteer."""
    return split_names(_CITIES)


def _alternation(names: Iterable[str]) -> str:
    # Longest first so "Yonhap News Agency" wins over "Yonhap".
    return "|".join(re.escape(n) for n in sorted(set(names), key=lambda n: (-len(n), n)))


@lru_cache(maxsize=1)
def gpe_regex() -> re.Pattern[str]:
    names = split_names(COUNTRIES) | split_names(_CITIES)
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
