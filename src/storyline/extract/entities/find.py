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
    spans = [(s, e, "ORG" if t == "GPE" and speaks(text, s, e) else t) for s, e, t in spans]
    for s, e in title_spans(text):
        inside = [sp for sp in spans if s < sp[1] and sp[0] < e]
        # "the [North Korean] leader": the nationality inside a title gives way to it
        if all(s <= a and b <= e and t in ("NORP", "GPE") for a, b, t in inside):
            spans = [sp for sp in spans if sp not in inside] + [(s, e, "PERSON")]
    spans.sort()
    return [Mention(article_id, text[s:e], s, e, t) for s, e, t in spans]


# The dash of a dateline: "PORTVALE, April 20 /NNS/ - Fishermen and residents ..."
_DATELINE_DASH = re.compile(r"(?:^|\n)[^\n]{0,120}\s[-–—]{1,2}\s+$")


def _positional_common_noun(text: str, start: int, end: int, typ: str) -> bool:
    """A lone word capitalised only for where it stands (opening a sentence or following a dateline's dash) that the
    article also writes in lower case ("Hearings are expected ..."), or that is not a person and ends like a plural
    noun for people ("PORTVALE, April 20 /NNS/ - Fishermen and residents ...")."""
    word = text[start:end]
    if " " in word or not word.isalpha() or not word[0].isupper() or word.isupper():
        return False
    if not (sentence_initial(text, start) or _DATELINE_DASH.search(text, max(0, start - 130), start)):
        return False
    if name_key(word) in gazetteer_types() or canonical_agency(word) is not None:
        return False
    if typ != "PERSON" and word.endswith(_PEOPLE_PLURALS):
        return True
    return re.search(rf"(?<![\w-]){re.escape(word.lower())}(?![\w-])", text) is not None


_PEOPLE_PLURALS = ("men", "ers", "ents", "ists")
