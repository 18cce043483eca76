"""The one storage interface every backend implements (SQLite now; PostgreSQL later).

Stages never touch SQL: they receive records from a ``Store`` and hand records back.
Writes of one batch happen inside ``atomic()`` so a failure stores nothing of that batch.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from contextlib import AbstractContextManager
from typing import Protocol, runtime_checkable

from storyline.records import (
    Analysis,
    Article,
    DateMention,
    Duplicate,
    Entity,
    Event,
    Mention,
    Passage,
    Quote,
    Rejection,
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

    # dedupe --------------------------------------------------------------------
    def set_duplicates(self, duplicates: Iterable[Duplicate]) -> None:
        """Replace the duplicate marks."""
        ...

    def duplicates(self) -> list[Duplicate]: ...

    def set_passages(self, passages: Iterable[Passage]) -> None:
        """Replace the reused passages."""
        ...

    def passages(self) -> list[Passage]: ...

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

    # timelines -------------------------------------------------------------------
    def set_timeline(self, story: str, entries: Iterable[TimelineEntry]) -> None: ...

    def timeline(self, story: str) -> list[TimelineEntry]: ...
