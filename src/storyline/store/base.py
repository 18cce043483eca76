"""The one storage interface every backend implements (SQLite now; PostgreSQL later).

Stages never touch SQL: they receive records from a ``Store`` and hand records back.
Writes of one batch happen inside ``atomic()`` so a failure stores nothing of that batch.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from contextlib import AbstractContextManager
from typing import Protocol, runtime_checkable

from storyline.records import Change
from storyline.records import (
    Analysis,
    Article,
    DateMention,
    DedupeDelta,
    Duplicate,
    Entity,
    Event,
    Mention,
    Passage,
    Quote,
    Rejection,
    SearchHit,
    SpanRow,
    Story,
    TimelineEntry,
)


@runtime_checkable
class Store(Protocol):
    """Persistent home of articles and everything derived from them."""

    url: str

    def atomic(self) -> AbstractContextManager[None]:
        """A transaction; nested calls become savepoints."""
        ...

    def close(self) -> None: ...

    # articles -----------------------------------------------------------------
    def add_articles(self, articles: Iterable[Article]) -> list[str]:
        """Store articles not yet stored (by id); returns the ids that were new."""
        ...

    def articles(self, ids: Sequence[str] | None = None) -> list[Article]:
        """Articles in ingest order (all, or those with the given ids)."""
        ...

    def article_ids(self) -> list[str]: ...

    def count(self, table: str) -> int: ...

    def add_rejections(self, rejections: Iterable[Rejection]) -> None: ...

    def rejections(self) -> list[Rejection]: ...

    def fetch_validators(self) -> dict[str, tuple[str | None, str | None]]:
        """URL -> (ETag, Last-Modified) of its last response, for conditional GET."""
        ...

    def set_fetch_validators(self, validators: dict[str, tuple[str | None, str | None]]) -> None: ...

    # dedupe --------------------------------------------------------------------
    def set_duplicates(self, duplicates: Iterable[Duplicate]) -> None:
        """Replace the duplicate marks."""
        ...

    def duplicates(self) -> list[Duplicate]: ...

    def set_passages(self, passages: Iterable[Passage]) -> None:
        """Replace the reused passages."""
        ...

    def passages(self) -> list[Passage]: ...

    # the incremental dedupe index (``dedupe_update``) -----------------------------
    def dedupe_indexed(self) -> int:
        """How many articles the dedupe index holds."""
        ...

    def dedupe_groups(self, article_ids: Iterable[str] | None = None) -> dict[str, str]:
        """Indexed article -> its duplicate group's canonical article (itself when it copies nothing)."""
        ...

    def dedupe_group_members(self, groups: Iterable[str]) -> dict[str, str]:
        """Every indexed article of the given groups -> its group."""
        ...

    def dedupe_articles_with_keys(self, keys: Iterable[int]) -> set[str]:
        """Indexed articles that have any of ``keys`` (``dedupe.index_keys``)."""
        ...

    def dedupe_key_carriers(self, keys: Iterable[int]) -> list[tuple[int, str]]:
        """(key, article) for every indexed article holding one of ``keys``."""
        ...

    def article_dates(self, ids: Iterable[str]) -> dict[str, tuple[str | None, str | None]]:
        """Article id -> (published date or None, outlet or None), without reading texts."""
        ...

    def dedupe_spans(self, ids: Iterable[str]) -> dict[str, SpanRow]:
        """The stored found spans among ``ids``, with their carriers."""
        ...

    def dedupe_spans_anchored(self, anchors: Iterable[int]) -> dict[str, SpanRow]:
        """The stored found spans whose anchor key is one of ``anchors``."""
        ...

    def dedupe_spans_produced_by(self, articles: Iterable[str]) -> dict[str, set[str]]:
        """Spans any of ``articles`` found (as the later article of a pair) -> every article that found them."""
        ...

    def dedupe_spans_carried_by(self, articles: Iterable[str]) -> dict[str, SpanRow]:
        """The stored found spans any of ``articles`` carries."""
        ...

    def passage_ids(self, ids: Iterable[str]) -> set[str]:
        """Which of ``ids`` are stored passages."""
        ...

    def lock_writes(self) -> None:
        """Inside ``atomic``: hold the store's writer lock until the transaction ends, so concurrent writers that
        read before they write (the dedupe update) take turns."""
        ...

    def apply_dedupe(self, delta: DedupeDelta) -> None:
        """Write one incremental dedupe update (see ``DedupeDelta``) in one transaction."""
        ...

    # extraction ------------------------------------------------------------------
    def set_analyses(self, analyses: Iterable[Analysis]) -> None:
        """Store (replacing) what extraction found in each article."""
        ...

    def analysed_ids(self) -> set[str]: ...

    def date_mentions(self, article_ids: Sequence[str] | None = None) -> list[DateMention]: ...

    def mentions(self) -> list[Mention]: ...

    def quotes(self) -> list[Quote]: ...

    def set_entities(self, entities: Iterable[Entity]) -> None: ...

    def entities(self) -> list[Entity]: ...

    # clustering ------------------------------------------------------------------
    def set_clusters(self, events: Iterable[Event], stories: Iterable[Story]) -> None:
        """Replace events and stories (with their article memberships)."""
        ...

    def events(self) -> list[Event]: ...

    def stories(self) -> list[Story]: ...

    def log(self, kind: str, detail: str) -> None:
        """Append to the audit trail (merges, splits, re-clustering)."""
        ...

    def audit(self) -> Iterator[tuple[str, str, str]]: ...

    def add_changes(self, changes: Iterable[Change]) -> None:
        """Append re-clustering changes (moves, splits, merges, relinks) to the cluster audit trail."""
        ...

    def changes(self, cluster: str | None = None) -> list[tuple[str, Change]]:
        """(time, change) in order; only those naming ``cluster`` (an event or story id) when given."""
        ...

    def cluster_state(self) -> tuple[int, str, bytes] | None:
        """The clusterer's saved state as (format version, options it was built with, bytes), or None."""
        ...

    def set_cluster_state(self, state: tuple[int, str, bytes] | None) -> None:
        """Replace the saved clusterer state (None: forget it); write it in the transaction of ``set_clusters``."""
        ...

    # timelines -------------------------------------------------------------------
    def set_timeline(self, story: str, entries: Iterable[TimelineEntry], digest: str | None = None) -> None:
        """Replace a story's timeline; ``digest`` names the inputs it was built from (None: unknown, rebuild next time)."""
        ...

    def timeline_digests(self) -> dict[str, str]:
        """Story -> digest of the inputs its stored timeline was built from."""
        ...

    def timeline_stories(self) -> set[str]:
        """Stories with a stored timeline (entries or a digest)."""
        ...

    def drop_timelines(self, stories: Iterable[str]) -> None:
        """Forget the timelines (entries and digests) of ``stories``."""
        ...

    def timeline(self, story: str) -> list[TimelineEntry]: ...

    # search -----------------------------------------------------------------------
    def search(self, query: str, kinds: Sequence[str] = ("article", "quote", "entity"), limit: int = 20) -> list[SearchHit]:
        """Full-text search over article titles and texts, quotes (speaker and words) and entity names and aliases.

        Words are matched after stemming and folding accents; ``"a phrase"`` in double quotes must match in order.
        At most ``limit`` hits per kind, best first. Raises ``BadQuery`` for a query with no searchable word.
        """
        ...
