"""``find_mentions``: the entity mentions of one article, from spaCy NER or the rule-based finder,
with speaking places typed as organisations and titles ("the North Korean leader") as persons."""

from __future__ import annotations

import logging

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
    spans = [(s, e, "ORG" if t == "GPE" and speaks(text, s, e) else t) for s, e, t in spans]
    for s, e in title_spans(text):
        inside = [sp for sp in spans if s < sp[1] and sp[0] < e]
        # "the [North Korean] leader": the nationality inside a title gives way to it
        if all(s <= a and b <= e and t in ("NORP", "GPE") for a, b, t in inside):
            spans = [sp for sp in spans if sp not in inside] + [(s, e, "PERSON")]
    spans.sort()
    return [Mention(article_id, text[s:e], s, e, t) for s, e, t in spans]


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
