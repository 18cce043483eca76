"""The one storage interface every backend implements (SQLite now; PostgreSQL later).

Stages never touch SQL: they receive records from a ``Store`` and hand records back.
Writes of one batch happen inside ``atomic()`` so a failure stores nothing of that batch.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from contextlib import AbstractContextManager
from typing import TYPE_CHECKING, Any, Protocol, runtime_checkable

from storyline.records import (
    Analysis,
    Article,
    Change,
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
    Story,
    TimelineEntry,
)

if TYPE_CHECKING:  # the dedupe stage's own storage protocol; not imported at run time
    from storyline.dedupe.storage import DedupeIndexReader
    from storyline.link_state import KeyRow


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

    def article(self, id: str) -> Article | None:
        """The stored article ``id``, or None."""
        ...

    def articles(self, ids: Sequence[str] | None = None, *, offset: int = 0, limit: int | None = None) -> list[Article]:
        """Articles in ingest order (all, or those with the given ids); ``offset``/``limit`` page through them."""
        ...

    def article_ids(self) -> list[str]: ...

    def article_labels(self, ids: Sequence[str] | None = None) -> list[Article]:
        """Articles (all, or these) in ingest order without their text (``text`` is ""): for lists and labels."""
        ...

    def article_outlets(self, ids: Sequence[str] | None = None) -> dict[str, str]:
        """Article id -> the outlet a list names for it: its own, else the first wire agency it carries, else ""."""
        ...

    def article_heads(self, ids: Sequence[str] | None = None) -> dict[str, tuple[str | None, str]]:
        """Article id -> (title, the first 200 characters of its text), in ingest order, without reading whole texts
        (all articles, or those with the given ids)."""
        ...

    def find_ids(self, kind: str, prefix: str, limit: int = 20) -> list[str]:
        """Ids of ``kind`` ("article", "event", "story") starting with ``prefix`` (case-sensitive), at most ``limit``:
        for articles first those whose source is ``prefix`` exactly (ingest order), then the prefix matches by id.
        Raises ``ValueError`` for another kind."""
        ...

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

    def duplicates(self, article_ids: Sequence[str] | None = None) -> list[Duplicate]:
        """The duplicate marks by article (all, or those where ``article`` or ``duplicate_of`` is one of the ids)."""
        ...

    def set_passages(self, passages: Iterable[Passage]) -> None:
        """Replace the reused passages."""
        ...

    def passages(self, article_ids: Sequence[str] | None = None, *, wire_only: bool = False) -> list[Passage]:
        """The reused passages by id (all, or those any of the ids carries; ``wire_only``: those whose ``wire`` flag
        is set, ``set_passage_wire``)."""
        ...

    # the incremental dedupe index (``dedupe.update`` reads it, the pipeline writes its delta) -----
    def passage_links(self, article_ids: Sequence[str]) -> list[tuple[Passage, bool | None]]:
        """The passages any of the ids carries, without their text, each with its ``wire`` flag (None: not set)."""
        ...

    def unflagged_passages(self) -> set[str]:
        """Ids of the passages whose ``wire`` flag is not set."""
        ...

    def set_passage_wire(self, flags: Mapping[str, bool]) -> None:
        """Set the ``wire`` flag of stored passages (passage id -> whether sharing it makes one source)."""
        ...

    def dedupe_index(self) -> DedupeIndexReader:
        """The reads ``dedupe.update`` makes over this store."""
        ...

    def lock_writes(self) -> None:
        """Inside ``atomic``: hold the store's writer lock until the transaction ends, so concurrent writers that
        read before they write (the dedupe update) take turns."""
        ...

    def apply_dedupe(self, delta: DedupeDelta) -> None:
        """Write one dedupe update (``dedupe.update``'s ``DedupeDelta``) in one transaction."""
        ...

    def undeduped_ids(self) -> list[str]:
        """Stored articles the dedupe index does not hold yet, in ingest order (those after its watermark)."""
        ...

    def advance_dedupe_watermark(self) -> None:
        """Move the dedupe index's watermark past every article it now holds (after a dedupe step)."""
        ...

    def passage_carriers(self, passage_ids: Iterable[str]) -> dict[str, list[str]]:
        """Stored passage id -> the articles carrying it (from ``passage_articles``), for the ids given."""
        ...

    # extraction ------------------------------------------------------------------
    def set_analyses(self, analyses: Iterable[Analysis]) -> None:
        """Store (replacing) what extraction found in each article; quotes keep ``speaker_entity`` as given."""
        ...

    def set_quote_speakers(self, links: Iterable[tuple[str, int, int, str | None]]) -> None:
        """Set ``speaker_entity`` of stored quotes, each link keyed (article, start, end)."""
        ...

    def analysed_ids(self) -> set[str]: ...

    def unanalysed_ids(self) -> list[str]:
        """Stored articles with no analysis yet, in ingest order."""
        ...

    def has_analyses(self) -> bool:
        """Whether any article is analysed (without reading them)."""
        ...

    def advance_analysed_watermark(self) -> None:
        """Move the analysed articles' watermark past every article analysed now (after an extract step)."""
        ...

    def date_mentions(self, article_ids: Sequence[str] | None = None) -> list[DateMention]:
        """Date mentions by article and span (all, or those of the given articles); so are ``mentions`` and ``quotes``."""
        ...

    def mentions(self, article_ids: Sequence[str] | None = None) -> list[Mention]: ...

    def quotes(self, article_ids: Sequence[str] | None = None) -> list[Quote]: ...

    def set_entities(self, entities: Iterable[Entity]) -> None: ...

    def write_entities(self, entities: Iterable[Entity], dropped: Iterable[str]) -> None:
        """Write the given entities (only rows that differ) and delete the ``dropped`` ids; other rows untouched."""
        ...

    # the entity merge's state (link_state.py: its reads are ``link_state.MergeStateReader``) ------------------
    def merge_keys(self, keys: Sequence[str]) -> list[KeyRow]:
        """The merge state's key rows of ``keys`` (those stored)."""
        ...

    def merge_members(self, entities: Sequence[str]) -> list[KeyRow]:
        """The merge state's key rows whose entity is one of ``entities``."""
        ...

    def merge_pairs(self, kind: str, values: Sequence[str], *, by_second: bool = False) -> list[tuple[str, str]]:
        """(a, b) of the merge state's pairs of ``kind`` whose a (``by_second``: b) is one of ``values``; raises
        ``ValueError`` for an unknown kind."""
        ...

    def merge_has_keys(self) -> bool:
        """Whether the merge state holds any key row."""
        ...

    def merge_version(self) -> int | None:
        """The stored merge state's version, or None when there is none."""
        ...

    def unmerged_ids(self) -> list[str]:
        """Analysed articles the merge state does not hold yet, in ingest order (those after its watermark)."""
        ...

    def write_merge_state(
        self,
        keys: Iterable[KeyRow],
        added: Iterable[tuple[str, str, str]],
        removed: Iterable[tuple[str, str, str]],
        merged: Sequence[str],
        version: int,
        *,
        full: bool = False,
    ) -> None:
        """Write merge state key rows, add and remove (kind, a, b) pairs, record the ``merged`` articles as held;
        ``full``: the rows given are the whole state (the stored ones go first)."""
        ...

    def entities_named(self, names: Sequence[str]) -> list[Entity]:
        """Merged entities whose name or an alias is one of ``names`` (exactly as written), by id."""
        ...

    def entities(self, ids: Sequence[str] | None = None) -> list[Entity]:
        """Merged entities by id (all, or those with the given ids)."""
        ...

    # clustering ------------------------------------------------------------------
    def set_clusters(self, events: Iterable[Event], stories: Iterable[Story]) -> None:
        """Replace events and stories (with their article memberships)."""
        ...

    def events(self, ids: Sequence[str] | None = None, *, story: str | None = None) -> list[Event]:
        """Events in cluster order (all, those with the given ids, and/or those of ``story``), with their articles."""
        ...

    def stories(self, ids: Sequence[str] | None = None, *, offset: int = 0, limit: int | None = None) -> list[Story]:
        """Stories in cluster order (all, or those with the given ids), a page at a time, with their events and articles."""
        ...

    def story_spans(self) -> list[tuple[str, str | None, str | None, int, int]]:
        """(story, first event date, last event date, events, articles) of every story, in cluster order."""
        ...

    def clustered_count(self) -> int:
        """How many articles belong to an event."""
        ...

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
        """Replace the saved clusterer state (None: forget it), its rows (``write_cluster_state``) included; write it
        in the transaction of ``set_clusters``. A blob is the format before the rows: the next analyse converts it."""
        ...

    def cluster_rows(self, kind: str, keys: Sequence[str]) -> dict[str, tuple[int, str]]:
        """key -> (seq, body) of the clusterer's stored state rows of ``kind`` among ``keys`` (cluster/state.py);
        kind "member": article -> (0, its event); kind "event-story": event -> (0, its story), both from the readable
        rows, which are written with the state rows they describe. Raises ``ValueError`` for an unknown kind."""
        ...

    def cluster_window(self) -> list[str]:
        """Article ids of the clusterer's re-clustering window (its ``seen`` rows), oldest first."""
        ...

    def cluster_meta(self) -> str | None:
        """The body of the clusterer's meta row, or None when its state is not stored as rows."""
        ...

    def unclustered_ids(self, after: int = -1) -> list[tuple[int, str]]:
        """(seq, id) of the articles after ingest number ``after`` that belong to no event, in ingest order."""
        ...

    def event_heads(self, ids: Sequence[str]) -> dict[str, tuple[int, str]]:
        """Event id -> (its number of articles, its first article) of the stored events among ``ids``."""
        ...

    def write_cluster_state(
        self,
        upserts: Iterable[tuple[str, str, int, str]],
        deletes: Iterable[tuple[str, str]],
        meta: str,
        *,
        full: bool = False,
    ) -> None:
        """Write the clusterer's state rows (kind, key, seq, body), delete (kind, key) ones, write the meta row;
        ``full``: the rows given are all of them. The older one-blob state (``cluster_state``) is dropped."""
        ...

    def write_clusters(
        self,
        events: Sequence[tuple[int, Event]],
        stories: Sequence[tuple[int, str, str]],
        dropped_events: Iterable[str],
        dropped_stories: Iterable[str],
        *,
        full: bool = False,
    ) -> None:
        """Write the rows of changed events ((cluster order, event with all its articles)) and stories ((cluster
        order, id, title)), drop those of ``dropped_*``; ``full``: the given ones are all of them."""
        ...

    # comparisons -----------------------------------------------------------------
    def set_comparisons(self, items: Iterable[tuple[str, str, dict[str, Any]]]) -> None:
        """Store (replacing) each event's comparison: (event id, digest of its inputs, the comparison as a
        JSON-ready dict, kept as JSON text in its own key order so it reads back equal, keys in the same order)."""
        ...

    def comparison_digests(self, event_ids: Sequence[str] | None = None) -> dict[str, str]:
        """Event -> digest of the inputs its stored comparison was computed from (all, or those of ``event_ids``)."""
        ...

    def comparisons(self, event_ids: Sequence[str] | None = None) -> dict[str, dict[str, Any]]:
        """Event -> its stored comparison: in the order of ``event_ids`` when given (those stored), else in the
        events' cluster order (comparisons of events no longer stored last, by id)."""
        ...

    def drop_comparisons(self, event_ids: Iterable[str]) -> None:
        """Forget the stored comparisons of ``event_ids``."""
        ...

    # timelines -------------------------------------------------------------------
    def story_sources(self, ids: Sequence[str] | None = None) -> dict[str, int | None]:
        """Story -> its independent sources as stored with its timeline (None: not counted yet)."""
        ...

    def set_story_sources(self, sources: Mapping[str, int]) -> None:
        """Set the independent sources of stories whose timeline is stored."""
        ...

    def set_timeline(
        self,
        story: str,
        entries: Iterable[TimelineEntry],
        digest: str | None = None,
        sources: int | None = None,
        days: Mapping[str, Any] | None = None,
    ) -> None:
        """Replace a story's timeline; ``digest`` names the inputs it was built from (None: unknown, rebuild next
        time); ``days``: what an update of the chronology needs (``timeline_update.Plan.state``: each day's and
        each recalled period's key, and what the periods came to; None: none, the next update builds it whole)."""
        ...

    def timeline_shapes(self, ids: Sequence[str]) -> dict[str, str]:
        """Story -> the shape (``timeline.timeline_shape``) its stored timeline was last checked against, for those
        of ``ids`` that have one."""
        ...

    def set_timeline_shapes(self, shapes: Mapping[str, str]) -> None:
        """Record the shape each stored timeline of ``shapes`` was checked against (stories with a digest)."""
        ...

    def timeline_days(self, ids: Sequence[str]) -> dict[str, dict[str, Any]]:
        """Story -> the update state stored with its chronology (``set_timeline``'s ``days``), for those of ``ids``
        that have one."""
        ...

    def article_dates(self, ids: Sequence[str]) -> dict[str, str | None]:
        """Article id -> its publication date as stored, for those of ``ids`` stored (no text read)."""
        ...

    def timeline_digests(self, ids: Sequence[str] | None = None) -> dict[str, str]:
        """Story -> digest of the inputs its stored timeline was built from (all stories, or those of ``ids``)."""
        ...

    def timeline_stories(self) -> set[str]:
        """Stories with a stored timeline (entries or a digest)."""
        ...

    def drop_timelines(self, stories: Iterable[str]) -> None:
        """Forget the timelines (entries and digests) of ``stories``."""
        ...

    def timeline(self, story: str) -> list[TimelineEntry]: ...

    def timeline_sentences(self, ids: Sequence[str], key: str) -> dict[str, bytes]:
        """Article -> its sentences as a timeline split and checked them (``timeline.Sentences`` rows), for those of
        ``ids`` stored under ``key`` (the timeline code and options)."""
        ...

    def set_timeline_sentences(self, rows: Mapping[str, bytes], key: str) -> None:
        """Keep articles' ``timeline.Sentences`` rows under ``key`` (replacing any under another key)."""
        ...

    # what analyse reads to rebuild only what changed -------------------------------------------------------------
    def derived_key(self, name: str) -> str | None:
        """The key of the code and options every stored row of ``name`` ("timelines", "comparisons") was last
        checked against by an analyse, or None: some write of those rows, of duplicates, passages or clusters came
        since (each forgets the key), or none was ever checked."""
        ...

    def set_derived_key(self, name: str, value: str) -> None:
        """Record that every stored row of ``name`` is up to date for ``value`` (in the transaction writing them)."""
        ...

    def wire_links(self, article_ids: Sequence[str] | None) -> list[tuple[str, tuple[str, ...]]]:
        """(id, carriers) of the passages flagged wire copy (``set_passage_wire``; all, or those any of the ids
        carries), by id, without their text: the links ``dedupe.source_roots`` folds."""
        ...

    def wire_flags(self, passage_ids: Iterable[str]) -> dict[str, bool | None]:
        """Passage id -> its ``wire`` flag (None: not set yet), for the stored ones among the ids."""
        ...

    # groups of one source (``pipeline.sources`` keeps them) ------------------------------------------------------
    def source_groups(self, article_ids: Sequence[str] | None = None) -> dict[str, int]:
        """Article -> its group number, for the articles (all, or those among the ids) folded with another."""
        ...

    def source_group_members(self, groups: Iterable[int]) -> dict[str, int]:
        """Article -> group number, for every member of the groups given."""
        ...

    def source_group_sizes(self, groups: Iterable[int]) -> dict[int, int]:
        """Group number -> its number of members, for the groups given."""
        ...

    def new_source_group(self) -> int:
        """A group number no stored group has (the next ones are free too)."""
        ...

    def set_source_groups(self, labels: Mapping[str, int | None]) -> None:
        """Set each article's group number (None: in no group any more)."""
        ...

    def reset_source_groups(self, labels: Mapping[str, int]) -> None:
        """Make the stored groups exactly ``labels`` (article -> group number)."""
        ...

    def clusters_of(self, article_ids: Sequence[str]) -> dict[str, tuple[str, str]]:
        """Article -> (its event, that event's story), for the clustered articles among ``article_ids``."""
        ...

    # search -----------------------------------------------------------------------
    def search(
        self, query: str, kinds: Sequence[str] = ("article", "quote", "entity"), limit: int = 20
    ) -> list[SearchHit]:
        """Full-text search over article titles and texts, quotes (speaker and words) and entity names and aliases.

        Words are matched after stemming and folding accents; ``"a phrase"`` in double quotes must match in order.
        At most ``limit`` hits per kind, best first. Raises ``BadQuery`` for a query with no searchable word.
        """
        ...

    def matching_articles(self, query: str) -> list[str]:
        """Ids of every article ``query`` matches as ``search`` matches articles, without its cap, in ingest order
        (a selection's timeline reads them all). Raises ``BadQuery`` for a query with no searchable word."""
        ...
