"""The stage functions the pipeline runs: records in, records out; none touches the store or a shell.

Per-item stages (``extract``, ``cluster_terms``, ``compare_event``) are module-level so a runner can ship them
to worker processes; corpus-level stages (``link``) take everything they need as arguments.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from storyline.records import Analysis, Article, Entity, Event, Mention, Passage, Quote

__all__ = ["CompareItem", "cluster_terms", "compare_event", "extract", "link", "nlp_available"]


def embed_available() -> bool:
    """Whether the ``[embed]`` extra (article embeddings for clustering) is installed."""
    from storyline import embed

    return embed.available()


def nlp_available() -> bool:
    """Whether spaCy and its model (the ``[nlp]`` extra) can be loaded."""
    from storyline.extract import entities

    try:
        entities.load_nlp()
    except ImportError:
        return False
    return True


def extract(article: Article, *, use_nlp: bool) -> Analysis:
    """Per article: date mentions resolved against its date, entity mentions, quotes with speaker and channel."""
    from storyline.extract import dates, entities, quotes

    found_dates = dates.find_dates(article.text, article.published, article.id)
    try:
        mentions = entities.find_mentions(article.text, article.id, use_nlp=use_nlp)
    except ImportError:
        mentions = entities.find_mentions(article.text, article.id, use_nlp=False)
    found_quotes = quotes.find_quotes(article.text, article.id, mentions)
    return Analysis(article.id, tuple(found_dates), tuple(mentions), tuple(found_quotes))


def cluster_terms(article: Article) -> Counter[str]:
    """Per article: the weighted terms the clusterer compares."""
    from storyline.cluster import terms

    return terms(article)


def link(
    mentions: Sequence[Mention], texts: Mapping[str, str], quotes: Sequence[Quote]
) -> tuple[list[Entity], list[Quote]]:
    """Corpus level: mentions merged into entities across spellings, and each quote's speaker pointed at the
    merged entity it names."""
    from storyline.link import link_speakers, merge_entities

    entities = merge_entities(mentions, texts)
    return entities, link_speakers(quotes, entities)


@dataclass(frozen=True, slots=True)
class CompareItem:
    """What one event's comparison needs: the event, its articles, their duplicate marks and its wire copy."""

    event: Event
    articles: Mapping[str, Article]
    duplicate_of: Mapping[str, str]
    wire: Sequence[Passage]
    digest: str


def compare_event(item: CompareItem) -> dict[str, Any]:
    """Per event: the side-by-side of what each source reports, as a storable record."""
    from storyline.compare import compare

    return compare(item.event, item.articles, item.duplicate_of, passages=item.wire).to_record()
