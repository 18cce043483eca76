"""``find_mentions``: the entity mentions of one article, from spaCy NER or the rule-based finder,
with speaking places typed as organisations and titles ("the North Korean leader") as persons."""

from __future__ import annotations

import logging

from storyline.extract.entities.nlp import NlpUnavailable, load_nlp, nlp_spans
from storyline.extract.entities.places import place_spans
from storyline.extract.entities.rules import rule_spans
from storyline.extract.entities.titles import speaks, title_spans
from storyline.records import Mention

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
    spans = place_spans(text, spans)
    spans = [(s, e, "ORG" if t == "GPE" and speaks(text, s, e) else t) for s, e, t in spans]
    for s, e in title_spans(text):
        inside = [sp for sp in spans if s < sp[1] and sp[0] < e]
        # "the [North Korean] leader": the nationality inside a title gives way to it
        if all(s <= a and b <= e and t in ("NORP", "GPE") for a, b, t in inside):
            spans = [sp for sp in spans if sp not in inside] + [(s, e, "PERSON")]
    spans.sort()
    return [Mention(article_id, text[s:e], s, e, t) for s, e, t in spans]
