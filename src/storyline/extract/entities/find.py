"""``find_mentions``: the entity mentions of one article, from spaCy NER or the rule-based finder,
with speaking places typed as organisations and titles ("the North Korean leader") as persons."""

from __future__ import annotations

import logging
import re

from storyline.agencies import canonical_agency
from storyline.extract.entities.gazetteer import gazetteer_types, name_key
from storyline.extract.entities.nlp import NlpUnavailable, load_nlp, nlp_spans
from storyline.extract.entities.places import place_spans
from storyline.extract.entities.rules import rule_spans
from storyline.extract.entities.titles import speaks, title_spans
from storyline.records import Mention
from storyline.text import sentence_initial

LOGGER = logging.getLogger(__name__)

ENTITY_TYPES = ("PERSON", "ORG", "GPE", "LOC", "FAC", "NORP", "EVENT")


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
            spans = nlp_spans(nlp, text)
    if spans is None:
        spans = rule_spans(text)
    spans = [sp for sp in place_spans(text, spans) if not _positional_common_noun(text, *sp)]
    spans = _places_by_use(text, spans)
    spans = [(s, e, "ORG" if t == "GPE" and speaks(text, s, e) else t) for s, e, t in spans]
    for s, e in title_spans(text):
        inside = [sp for sp in spans if s < sp[1] and sp[0] < e]
        # "the [North Korean] leader": the nationality inside a title gives way to it
        if all(s <= a and b <= e and t in ("NORP", "GPE") for a, b, t in inside):
            spans = [sp for sp in spans if sp not in inside] + [(s, e, "PERSON")]
    spans.sort()
    return [Mention(article_id, text[s:e], s, e, t) for s, e, t in spans]


# A place noun right after a name, with at most one word of what kind ("the Karsk Hollow copper mine", "the Tessby
# refinery"): the name is the place's. "town hall", "field office" and the like are a person's events and offices
# ("a Trump town hall"), not places; a determiner after the noun makes it a verb ("Holt mines the data").
_PLACE_NOUN_AFTER = re.compile(
    r"[ \u00a0]+(?:(?:copper|gold|coal|iron|silver|zinc|nickel|lithium|uranium|diamond|salt|tin|potash|oil|gas|"
    r"power|nuclear|chemical|steel|water|mining|fishing|border|military|naval|army|air|rail|ferry)[ \u00a0-]+)?"
    r"(?:mine|mines|colliery|quarry|smelter|refinery|plant|site|oilfield|gasfield|field|village|town|valley|"
    r"reservoir|harbour|harbor|crossing|checkpoint|terminal|depot|shipyard|dockyard)\b"
    r"(?![ \u00a0-]+(?:hall|halls|meeting|meetings|office|offices|organi[sz]ers?|staff|team|trip|visit|"
    r"the|a|an|his|her|their|its)\b)"
)
# A title or honorific right before a name: a person, whatever else the article does with the name.
_TITLE_BEFORE = re.compile(
    r"\b(?:Mr|Mrs|Ms|Miss|Dr|Sir|Dame|Lord|Lady|President|Minister|Senator|Sen|Gov|Governor|Mayor|Judge)\.?[ \u00a0]+$"
)


def _places_by_use(text: str, spans: list[tuple[int, int, str]]) -> list[tuple[int, int, str]]:
    """A name typed PERSON that the article also writes before a place noun ("at the Karsk Hollow mine") is a place
    (LOC) everywhere in the article: a person does not have a copper mine or a village named after them in the same
    breath. A name with a title before it anywhere, or a word of another person's full name ("Ortega" with "Lina
    Ortega"), stays a person."""
    people: dict[str, list[int]] = {}
    for i, (s, e, t) in enumerate(spans):
        if t == "PERSON":
            people.setdefault(name_key(text[s:e]), []).append(i)
    if not people:
        return spans
    name_words = {w for key in people if " " in key for w in (key.split()[0], key.split()[-1])}
    places: set[str] = set()
    for key, idx in people.items():
        if key in name_words:
            continue
        if any(_TITLE_BEFORE.search(text, max(0, spans[i][0] - 12), spans[i][0]) for i in idx):
            continue
        if any(_PLACE_NOUN_AFTER.match(text, spans[i][1]) for i in idx):
            places.add(key)
    if not places:
        return spans
    return [(s, e, "LOC" if t == "PERSON" and name_key(text[s:e]) in places else t) for s, e, t in spans]


def _positional_common_noun(text: str, start: int, end: int, typ: str) -> bool:
    """A lone word capitalised only for where it stands (opening a sentence or following a dateline's dash) that the
    article also writes in lower case ("Hearings are expected ..."), or that is not a person and ends like a plural
    noun for people ("PORTVALE, April 20 /NNS/ - Fishermen and residents ...")."""
    word = text[start:end]
    if not word.isalpha() or not word[0].isupper() or word.isupper():
        return False  # also every name of more than one word
    if not (sentence_initial(text, start) or _after_dateline_dash(text, start)):
        return False
    if name_key(word) in gazetteer_types() or canonical_agency(word) is not None:
        return False
    if typ != "PERSON" and word.endswith(_PEOPLE_PLURALS):
        return True
    low = word.lower()
    i = text.find(low)
    while i >= 0:
        j = i + len(low)
        if (i == 0 or not _word_char(text[i - 1])) and (j == len(text) or not _word_char(text[j])):
            return True
        i = text.find(low, j)
    return False


_PEOPLE_PLURALS = ("men", "ers", "ents", "ists")


def _word_char(char: str) -> bool:
    return char.isalnum() or char in "_-"


def _after_dateline_dash(text: str, start: int) -> bool:
    """Whether a dateline's dash stands before ``start``: "PORTVALE, April 20 /NNS/ - Fishermen" (a spaced dash on
    the first 120 characters of a line)."""
    i = start - 1
    while i >= 0 and text[i] in " \u00a0":
        i -= 1
    if i < 1 or text[i] not in "-–—":
        return False
    while i >= 0 and text[i] in "-–—":
        i -= 1
    return i >= 0 and text[i] in " \u00a0" and start - (text.rfind("\n", 0, i) + 1) <= 130
