"""The stage functions the pipeline runs: records in, records out; none touches the store or a shell.

Per-item stages (``extract``, ``cluster_terms``, ``compare_event``, ``story_timeline`` per story) are module-level
so a runner can ship them to worker processes or Spark tasks; corpus-level stages (``link``) take everything they
need as arguments.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from storyline.records import (
    Analysis,
    Article,
    DateMention,
    Entity,
    Event,
    Mention,
    Passage,
    Quote,
    Story,
    TimelineEntry,
)

if TYPE_CHECKING:
    from storyline.timeline import TimelineOptions
    from storyline.timeline_update import Plan

__all__ = [
    "CompareItem",
    "TimelineBuilt",
    "TimelineItem",
    "cluster_terms",
    "compare_event",
    "extract",
    "link",
    "nlp_available",
    "story_timeline",
]


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


@dataclass(frozen=True, slots=True)
class TimelineItem:
    """What one story's timeline needs: the story, its events, its articles with their date mentions, their
    duplicate marks and groups of one source (``source_of``), and the options."""

    story: Story
    events: Sequence[Event]
    articles: Mapping[str, Article]
    mentions: Mapping[str, Sequence[DateMention]]
    duplicate_of: Mapping[str, str]
    source_of: Mapping[str, str]
    options: TimelineOptions
    digest: str
    sentences: Mapping[str, bytes] = field(default_factory=dict)  # articles' kept ``timeline.Sentences`` rows
    # what to keep of the stored chronology (``timeline_update.plan``; its articles outside ``plan.update.read``
    # come without their text); None: built whole
    plan: Plan | None = None

    kind = "story"  # for a failure's rejection row: "timeline: failed on story <id>"

    @property
    def id(self) -> str:
        return self.story.id

    @property
    def source(self) -> str:
        return f"story {self.story.id}"


@dataclass(frozen=True, slots=True)
class TimelineBuilt:
    """One story's timeline: its entries, and the ``timeline.Sentences`` rows of the articles it split or checked
    anew (for the store to keep)."""

    entries: list[TimelineEntry]
    sentences: dict[str, bytes]
    state: dict[str, Any] | None = None  # what to store with the chronology for its next update (when planned)


def story_timeline(item: TimelineItem) -> TimelineBuilt:
    """Per story: its dated entries, each citing the article and characters behind it."""
    from storyline import timeline

    sentences = timeline.Sentences(item.sentences)
    recalled: dict[str, timeline.Recall] = {}
    entries = timeline.story_timeline(
        item.story,
        item.events,
        item.articles,
        item.mentions,
        item.duplicate_of,
        item.source_of,
        item.options,
        sentences,
        None if item.plan is None else item.plan.update,
        recalled,
    )
    state = None if item.plan is None else item.plan.state(recalled)
    return TimelineBuilt(entries, sentences.rows(), state)
