"""The storyline pipeline: the stages, in order, and the one place that runs them against a ``Store``.

1. **ingest** (``ingest.read``): find files and URLs, read text / HTML / JSONL / feeds / WARC, clean boilerplate (``clean``), read
   title, date, dateline and agencies (``metadata``); each item becomes an ``Article`` or a ``Rejection``.
2. **store** (``Store.add_articles``): one transaction per batch; ids are content hashes, so re-ingest is a no-op.
3. **dedupe** (``dedupe``): exact and near-duplicate articles (MinHash LSH) and passages reused across
   outlets, each traced to its origin.
4. **extract** (``extract.dates``, ``extract.entities``, ``extract.quotes``): date expressions resolved
   against the article's date, entity mentions merged across spellings, quotes with speaker and channel.
5. **cluster** (``cluster``): articles into events online, events into stories; the clusterer's saved state is
   resumed (without one, stored assignments are replayed: ids never move), then a re-clustering pass over recent
   articles may correct them, each change in the audit trail.
6. **timeline** (``timeline``): per story, dated entries with cited summary sentences; rebuilt when the story's
   inputs changed.

Every stage function is pure (records in, records out); only this module talks to the store.
"""

from __future__ import annotations

import functools
import hashlib
import logging
import multiprocessing
import os
import sys
import time
from concurrent.futures import ProcessPoolExecutor
from functools import partial
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import IO, TypeVar

from storyline import dedupe, dedupe_update
from storyline import text as text_module
from storyline import timeline as timeline_module
from storyline.cluster import (
    STATE_VERSION, ClusterOptions, Clusterer, StateError, article_event_date, options_key, stream_order, terms,
)
from storyline.dedupe import DedupeOptions
from storyline.extract import dates as date_extract
from storyline.extract import entities as entity_extract
from storyline.extract import quotes as quote_extract
from storyline.fetch import FetchOptions
from storyline.ingest import read
from storyline.records import Analysis, Article, DateMention, Event, Rejection, Story, TimelineEntry
from storyline.store import Store
from storyline.timeline import TimelineOptions, build_timeline, day_support

log = logging.getLogger(__name__)
T = TypeVar("T")
R = TypeVar("R")


@dataclass(frozen=True, slots=True, kw_only=True)
class PipelineOptions:
    """Options of every stage, passed down explicitly."""

    use_nlp: bool | None = None  # None: spaCy NER when installed, else the rule-based fallback
    batch_size: int = 200
    dedupe: DedupeOptions = field(default_factory=DedupeOptions)
    cluster: ClusterOptions = field(default_factory=ClusterOptions)
    timeline: TimelineOptions = field(default_factory=TimelineOptions)
    allow_private: bool = False  # fetch URLs on private, loopback and link-local addresses (tests, intranets)
    workers: int | None = None  # extraction processes; None: one per core
    parallel_min: int = 64  # fewer new articles than this are extracted in-process (a pool costs ~0.2 s to start)


@dataclass(slots=True)
class IngestReport:
    """What one ingest did."""

    new: int = 0
    seen: int = 0
    rejected: list[Rejection] = field(default_factory=list)


def _batches(items: Iterable[T], size: int) -> Iterator[list[T]]:
    batch: list[T] = []
    for it in items:
        batch.append(it)
        if len(batch) >= size:
            yield batch
            batch = []
    if batch:
        yield batch


def ingest(
    store: Store,
    paths: Sequence[str],
    options: PipelineOptions = PipelineOptions(),
    *,
    stdin: IO[str] | None = None,
    progress: Callable[[int], None] | None = None,
) -> IngestReport:
    """Stages 1-2: read every input and store new articles, one transaction per batch."""
    report = IngestReport()
    # conditional GET: validators of earlier fetches come from the store and go back to it after each batch
    fetch_options = FetchOptions(allow_private=options.allow_private, validators=store.fetch_validators())
    workers = options.workers or os.cpu_count() or 1
    items = read(paths, stdin=stdin, fetch_options=fetch_options, workers=workers)
    for batch in _batches(items, options.batch_size):
        articles = [a for a in batch if isinstance(a, Article)]
        rejections = [r for r in batch if isinstance(r, Rejection)]
        with store.atomic():
            new = store.add_articles(articles)
            store.add_rejections(rejections)
            store.set_fetch_validators(dict(fetch_options.validators))
        report.new += len(new)
        report.seen += len(articles) - len(new)
        report.rejected.extend(rejections)
        if progress:
            progress(len(batch))
    log.info("ingest: %d new, %d already stored, %d rejected", report.new, report.seen, len(report.rejected))
    return report


def nlp_available() -> bool:
    try:
        entity_extract.load_nlp()
    except ImportError:
        return False
    return True


def analyse(store: Store, options: PipelineOptions = PipelineOptions()) -> None:
    """Stages 3-6 over everything stored: dedupe, extract what is new, cluster new articles, rebuild changed timelines.

    The clusterer resumes from its saved state (``Store.cluster_state``), so an ingest of k articles costs the k
    articles plus the windowed re-clustering pass, not a replay of the corpus; without a usable state the stored
    assignments are replayed as before. Timelines are rebuilt only for stories whose inputs changed.
    """
    clock = _Clock()
    articles = store.articles()
    by_id = {a.id: a for a in articles}
    clock.lap("load")

    # 3. dedupe: only what the new articles can change is re-derived (dedupe_update)
    update_dedupe(store, articles, options.dedupe)
    duplicates, passages = store.duplicates(), store.passages()
    clock.lap("dedupe")

    # 4. extract what has not been analysed yet. The entity merge is corpus-wide (its rules look at every spelling
    # in the corpus), so it runs only when there are new mentions, in their transaction: unchanged input, same output
    use_nlp = nlp_available() if options.use_nlp is None else options.use_nlp
    done = store.analysed_ids()
    analyses = extract_all([a for a in articles if a.id not in done], use_nlp=use_nlp, options=options)
    clock.lap("extract")
    if analyses or not done:
        with store.atomic():
            store.set_analyses(analyses)
            store.set_entities(entity_extract.merge_entities(store.mentions(), {a.id: a.text for a in articles}))
    clock.lap("entities")

    # 5. cluster: resume the saved clusterer (or replay stored assignments), then add the new articles in stream order
    duplicate_of = {d.article: d.duplicate_of for d in duplicates}
    mentions = _MentionCache(store)
    clusterer = _resume(store, options.cluster)
    replay: list[Article] = []
    if clusterer is None:
        clusterer = Clusterer(options.cluster)
        known = {a: (ev.id, ev.story) for ev in store.events() for a in ev.articles}
        replay = [by_id[a] for a in _stored_order(store) if a in by_id]
        mentions.load([a.id for a in replay])
    else:
        known = {}
    fresh = stream_order(a for a in articles if a.id not in known and a.id not in clusterer.event_of)
    mentions.load([a.id for a in fresh])
    ordered = replay + fresh
    changes = []
    every = options.cluster.recluster_every
    for k, (art, counts) in enumerate(zip(ordered, _map(terms, ordered, options))):
        clusterer.add(
            art,
            _interned(counts),
            article_event_date(art, mentions.get(art.id), options.cluster),
            duplicate_of=duplicate_of.get(art.id),
            known=known.get(art.id),
        )
        added = k + 1 - len(replay)  # new articles so far; a large ingest is corrected as it streams
        if every and added > 0 and added % every == 0 and added < len(fresh):
            changes += clusterer.recluster()
    clock.lap(f"cluster add ({len(replay)} replayed, {len(fresh)} new)")
    # re-cluster only when something arrived, so re-running on the same input changes nothing
    changes += clusterer.recluster() if fresh else []
    clock.lap("recluster")
    titles = {a.id: a.title or _first_sentence(a.text) for a in articles}
    events, stories = clusterer.result(titles)
    saved = 0
    if fresh or replay:  # resumed with nothing new: the stored clusters and state are already these
        state = (STATE_VERSION, options_key(options.cluster), clusterer.save_state())
        saved = len(state[2])
        with store.atomic():
            store.set_clusters(events, stories)
            store.set_cluster_state(state)  # same transaction: the state always describes the stored clusters
            store.add_changes(changes)
            if fresh:
                store.log(
                    "cluster",
                    f"{len(fresh)} new articles assigned; {len(changes)} re-clustering changes; "
                    f"{len(events)} events, {len(stories)} stories",
                )
    clock.lap(f"store clusters ({saved} state bytes)")

    # 6. timelines of the stories whose inputs changed; an entry's independent sources also fold wire copy
    source_of = dedupe.source_roots(duplicates, passages)
    story_events: dict[str, list[Event]] = defaultdict(list)
    for ev in events:
        story_events[ev.story].append(ev)
    stored = store.timeline_digests()
    todo: list[tuple[Story, str]] = []
    for story in stories:
        digest = _timeline_digest(story, story_events[story.id], duplicate_of, source_of, options.timeline)
        if stored.get(story.id) != digest:
            todo.append((story, digest))
    live = {s.id for s in stories}
    gone = sorted(s for s in store.timeline_stories() if s not in live)
    mentions.load([a for story, _ in todo for a in story.articles])
    with store.atomic():
        store.drop_timelines(gone)
        for story, digest in todo:
            entries = story_timeline(
                story, story_events[story.id], by_id, mentions, duplicate_of, source_of, options.timeline
            )
            store.set_timeline(story.id, entries, digest)
    clock.lap(f"timelines ({len(todo)} of {len(stories)} rebuilt, {len(gone)} dropped)")
    log.info("analyse: %s", clock)


def _resume(store: Store, options: ClusterOptions) -> Clusterer | None:
    """The clusterer saved with the stored clusters, or None (logged) when there is none usable: replay then."""
    saved = store.cluster_state()
    clustered = store.count("event_articles")
    if saved is None:
        if clustered:
            log.info("cluster: no saved clusterer state; replaying %d stored assignments", clustered)
        return None
    version, key, blob = saved
    if version != STATE_VERSION:
        log.info("cluster: saved state has format %d, not %d; replaying %d stored assignments",
                 version, STATE_VERSION, clustered)
        return None
    if key != options_key(options):
        log.info("cluster: saved state was built with other cluster options; replaying %d stored assignments", clustered)
        return None
    try:
        clusterer = Clusterer.load_state(blob, options)
    except StateError as exc:
        log.warning("cluster: %s; replaying %d stored assignments", exc, clustered)
        return None
    if len(clusterer.event_of) != clustered:
        log.warning("cluster: saved state knows %d articles, the store %d; replaying the stored assignments",
                    len(clusterer.event_of), clustered)
        return None
    return clusterer


class _MentionCache(dict[str, list[DateMention]]):
    """Date mentions of the articles asked for so far, loaded from the store in one query per ``load``."""

    def __init__(self, store: Store) -> None:
        super().__init__()
        self._store = store

    def load(self, ids: Iterable[str]) -> None:
        missing = [a for a in dict.fromkeys(ids) if a not in self]
        if not missing:
            return
        for a in missing:
            self[a] = []
        for m in self._store.date_mentions(missing):
            self[m.article].append(m)

    def get(self, key: str, default: Sequence[DateMention] = ()) -> Sequence[DateMention]:  # type: ignore[override]
        return super().get(key, default)


@functools.lru_cache(maxsize=1)
def _timeline_code() -> str:
    """A digest of the code that builds timelines: a stored timeline built by other code is rebuilt."""
    h = hashlib.sha256()
    for module in (timeline_module, text_module, sys.modules[__name__]):
        h.update(Path(module.__file__ or "").read_bytes())
    return h.hexdigest()


def _timeline_digest(
    story: Story,
    events: Sequence[Event],
    duplicate_of: Mapping[str, str],
    source_of: Mapping[str, str],
    options: TimelineOptions,
) -> str:
    """What a story's timeline is built from, as a digest: the same digest, the same timeline.

    A timeline is a pure function of the story and its events, its articles with their date mentions, their
    duplicate marks and wire-copy roots, the options and the code. Articles and their mentions never change
    once stored (ids are content hashes; extraction runs once per article), so the ids stand for them.
    """
    ids = list(dict.fromkeys([*story.articles, *(a for e in events for a in e.articles)]))
    inputs = (
        _timeline_code(), repr(options), repr(story), repr(list(events)),
        repr([(a, duplicate_of.get(a), source_of.get(a)) for a in ids]),
    )
    return hashlib.sha256("\x1f".join(inputs).encode("utf-8")).hexdigest()


class _Clock:
    """Wall time per stage, for the ``analyse:`` log line."""

    def __init__(self) -> None:
        self._last = time.perf_counter()
        self._laps: list[tuple[str, float]] = []

    def lap(self, name: str) -> None:
        now = time.perf_counter()
        self._laps.append((name, now - self._last))
        self._last = now

    def __str__(self) -> str:
        total = sum(t for _, t in self._laps)
        return f"{total:.2f} s: " + ", ".join(f"{n} {t:.2f} s" for n, t in self._laps)


def update_dedupe(store: Store, articles: Sequence[Article], options: DedupeOptions = DedupeOptions()) -> list[str]:
    """Stage 3, incrementally: index the articles the dedupe index does not hold yet (``dedupe_update``).

    Only what the new articles can change is re-derived (their duplicate groups, the articles next to them in
    the index's key lists, the spans they carry), and the stored result equals ``dedupe.dedupe`` over the whole
    corpus. Returns the ids whose found spans were re-derived.
    """
    return dedupe_update.update(store, articles, options)


def story_timeline(
    story: Story,
    events: Sequence[Event],
    articles: Mapping[str, Article],
    mentions: Mapping[str, Sequence[DateMention]],
    duplicate_of: Mapping[str, str],
    source_of: Mapping[str, str],
    options: TimelineOptions = TimelineOptions(),
) -> list[TimelineEntry]:
    """The story's timeline as stored and as printed: ``build_timeline``, then wire copy folded in ``sources``
    (``source_of`` from ``dedupe.source_roots``)."""
    entries = build_timeline(story, events, articles, mentions, duplicate_of, options)
    return _fold_wire_copy(story, entries, articles, mentions, source_of)


def _fold_wire_copy(
    story: Story,
    entries: Sequence[TimelineEntry],
    articles: Mapping[str, Article],
    mentions: Mapping[str, Sequence[DateMention]],
    source_of: Mapping[str, str],
) -> list[TimelineEntry]:
    """Entries whose ``sources`` count articles sharing wire copy (``dedupe.source_roots``) once."""
    arts = [articles[a] for a in story.articles if a in articles]
    support = day_support(arts, mentions, source_of)
    return [
        replace(e, sources=max(1, min(e.sources, len(support[e.date].sources)))) if e.date in support else e
        for e in entries
    ]


def _stored_order(store: Store) -> list[str]:
    """Articles already clustered, in the order they were first assigned."""
    return [a for ev in store.events() for a in ev.articles]


def _first_sentence(text: str) -> str:
    first = text.strip().split("\n", 1)[0]
    return first[:120]


def extract_all(articles: Sequence[Article], *, use_nlp: bool, options: PipelineOptions) -> list[Analysis]:
    """Stage 4 for many articles, spread over processes when there are enough of them (results in input order)."""
    workers = options.workers or os.cpu_count() or 1
    if workers < 2 or len(articles) < options.parallel_min:
        return [extract(a, use_nlp=use_nlp) for a in articles]
    chunk = max(1, min(64, len(articles) // (workers * 4)))
    with ProcessPoolExecutor(max_workers=workers, mp_context=multiprocessing.get_context("fork")) as pool:
        return list(pool.map(partial(extract, use_nlp=use_nlp), articles, chunksize=chunk))


def _interned(counts: Counter[str]) -> Counter[str]:
    """Terms from another process are copies: intern them again, one string per term (memory at 1M articles)."""
    return Counter({sys.intern(t): c for t, c in counts.items()})


def _map(fn: Callable[[Article], R], articles: Sequence[Article], options: PipelineOptions) -> list[R]:
    """``fn`` over ``articles`` (pure, per article), spread over processes when there are enough (input order)."""
    workers = options.workers or os.cpu_count() or 1
    if workers < 2 or len(articles) < options.parallel_min:
        return [fn(a) for a in articles]
    chunk = max(1, min(64, len(articles) // (workers * 4)))
    with ProcessPoolExecutor(max_workers=workers, mp_context=multiprocessing.get_context("fork")) as pool:
        return list(pool.map(fn, articles, chunksize=chunk))


def extract(article: Article, *, use_nlp: bool) -> Analysis:
    """Stage 4 for one article: dates, entity mentions and quotes."""
    dates = date_extract.find_dates(article.text, article.published, article.id)
    try:
        mentions = entity_extract.find_mentions(article.text, article.id, use_nlp=use_nlp)
    except ImportError:
        mentions = entity_extract.find_mentions(article.text, article.id, use_nlp=False)
    quotes = quote_extract.find_quotes(article.text, article.id, mentions)
    return Analysis(article.id, tuple(dates), tuple(mentions), tuple(quotes))


def run(
    store: Store,
    paths: Sequence[str],
    options: PipelineOptions = PipelineOptions(),
    *,
    stdin: IO[str] | None = None,
    progress: Callable[[int], None] | None = None,
) -> IngestReport:
    """The main job: ingest ``paths``, then analyse everything stored."""
    report = ingest(store, paths, options, stdin=stdin, progress=progress)
    analyse(store, options)
    return report
