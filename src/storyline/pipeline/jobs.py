"""The two jobs, ingest and analyse, step by step: each step reads what it needs from the store, hands records to
a stage function (through the runner when it is per item) and writes what the stage returned, in one transaction.

Only this module talks to the store; stages (``stages``, ``dedupe``, ``timeline``, ``compare``, ``cluster``) never
do. ``analyse`` keeps nothing of the corpus in memory that a step does not need: extraction reads the articles
not analysed yet, in batches; timelines and comparisons read the articles of what they rebuild.
"""

from __future__ import annotations

import functools
import logging
import os
import sys
import time
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from functools import cached_property, partial
from typing import IO, TypeVar

from storyline import link_state, tablecache, timeline_update
from storyline.budget import ARTICLE_SECONDS, MAX_CHARS, over_chars
from storyline.cluster import (
    STATE_VERSION,
    Clusterer,
    ClusterOptions,
    StateError,
    article_event_date,
    options_key,
    stream_order,
    with_embeddings,
)
from storyline.cluster import state as cluster_state
from storyline.compare import (
    COMPARE_VERSION,
    CompareOptions,
    comparison_digest,
    event_wire,
    is_compared,
    wire_carried,
)
from storyline.config import Settings
from storyline.dedupe import DedupeOptions, DuplicateSearch, SpanSearch, is_wire_copy
from storyline.dedupe import update as dedupe_update
from storyline.embed import Embedder
from storyline.fetch import FetchOptions
from storyline.ingest import Limits, read
from storyline.link_incremental import MergeTally, tally
from storyline.pipeline import sources, stages
from storyline.pipeline.policy import Failure, Guarded
from storyline.pipeline.runners import InlineRunner, ProcessRunner, Runner
from storyline.progress import Progress, steps
from storyline.records import Analysis, Article, DateMention, DedupeDelta, Duplicate, Event, Passage, Rejection, Story
from storyline.store import Store
from storyline.timeline import TIMELINE_VERSION, TimelineOptions, sentences_key, timeline_digest, timeline_shape

log = logging.getLogger(__name__)
_PREFETCH = 1000  # articles whose terms' document frequencies the cluster step reads in one query
T = TypeVar("T")


# While the index and the new articles together are at most this many, one update indexes them (from scratch when
# they are many against the index: fastest); beyond it they go in chunks of this many, incrementally. Measured on
# 10k T17-derived articles (bench/bench_dedupe_scale.py bulk, 2026-12-05): from scratch 68.6 s, peak RSS 1.66 GiB;
# in chunks of 2,000, 245 s and 2.42 GiB (each chunk re-reads, re-prunes and rewrites the passages its articles
# join), so chunks are a bound on the corpus held at once (20k: ~3.3 GiB from scratch, under issue 15's 4 GiB goal),
# not a speed-up. 100,000 at once: 370 s and 13.4 GiB for the whole analyse's peak (BENCHMARKS.md, 2026-12-07).
DEDUPE_CHUNK = 20_000  # ``PipelineOptions.dedupe_chunk``, ``$STORYLINE_DEDUPE_CHUNK``


@dataclass(frozen=True, slots=True, kw_only=True)
class PipelineOptions:
    """Options of every stage, passed down explicitly."""

    use_nlp: bool | None = None  # None: spaCy NER when installed, else the rule-based fallback
    embed: bool = False  # article embeddings into the clusterer (``storyline.embed``, the [embed] extra)
    batch_size: int = 200  # articles stored per ingest transaction
    extract_batch: int = 2000  # articles extracted and stored per analyse transaction (bounds memory)
    dedupe: DedupeOptions = field(default_factory=DedupeOptions)
    dedupe_chunk: int = DEDUPE_CHUNK  # articles the dedupe step indexes at once (``dedupe_pending``)
    cluster: ClusterOptions = field(default_factory=ClusterOptions)
    timeline: TimelineOptions = field(default_factory=TimelineOptions)
    allow_private: bool = False  # fetch URLs on private, loopback and link-local addresses (tests, intranets)
    fetch: bool = False  # fetch the links of local feed files; URL inputs are fetched regardless
    workers: int | None = None  # worker processes; None: one per core
    parallel_min: int = 64  # fewer items than this run in-process (a pool costs ~0.2 s to start)
    start_method: str | None = None  # multiprocessing start method; None: forkserver where available, else spawn
    on_error: str = "skip"  # skip: a failing article becomes a rejection row, the rest goes on; raise: stop
    # per-article budget (storyline.budget): longer articles are rejected before they are read or analysed, and
    # a stage (reading one article too) that runs longer on one is interrupted and the article rejected
    max_chars: int | None = MAX_CHARS
    article_seconds: float | None = ARTICLE_SECONDS
    # where the tables derived from the gazetteers are kept between processes (``storyline.tablecache``); None:
    # each process builds them
    cache_dir: str | None = None

    @classmethod
    def from_settings(cls, settings: Settings, *, dates: int | None = None, per_date: int = 1) -> PipelineOptions:
        """The options a shell's ``Settings`` ask for; ``dates``/``per_date`` shape the stored timelines."""
        return cls(
            use_nlp=settings.use_nlp,
            embed=settings.embed,
            cluster=with_embeddings() if settings.embed else ClusterOptions(),
            workers=settings.workers,
            dedupe_chunk=DEDUPE_CHUNK if settings.dedupe_chunk is None else settings.dedupe_chunk,
            allow_private=settings.allow_private,
            fetch=settings.fetch,
            timeline=TimelineOptions(dates=dates, per_date=per_date),
            cache_dir=settings.cache_dir,
        )


@dataclass(slots=True)
class IngestReport:
    """What one ingest did."""

    new: int = 0
    seen: int = 0
    rejected: list[Rejection] = field(default_factory=list)


def make_runner(options: PipelineOptions) -> Runner:
    """The runner the options ask for: a process pool unless one worker is asked for."""
    workers = options.workers
    if workers == 1:
        return InlineRunner()
    return ProcessRunner(workers, start_method=options.start_method, min_items=options.parallel_min)


def _batches(items: Iterable[T], size: int) -> Iterator[list[T]]:
    batch: list[T] = []
    for it in items:
        batch.append(it)
        if len(batch) >= size:
            yield batch
            batch = []
    if batch:
        yield batch


# --------------------------------------------------------------------------- ingest


def ingest(
    store: Store,
    paths: Sequence[str],
    options: PipelineOptions = PipelineOptions(),
    *,
    stdin: IO[str] | None = None,
    progress: Progress | None = None,
) -> IngestReport:
    """Read every input and store new articles, one transaction per batch (``progress``: articles read)."""
    tablecache.use_dir(options.cache_dir)  # the language model is read from there (forked readers inherit it)
    report = IngestReport()
    # conditional GET: validators of earlier fetches come from the store and go back to it after each batch
    fetch_options = FetchOptions(
        allow_private=options.allow_private, fetch_links=options.fetch, validators=store.fetch_validators()
    )
    workers = options.workers or os.cpu_count() or 1
    limits = Limits(options.max_chars, options.article_seconds, strict=options.on_error == "raise")
    items = read(paths, stdin=stdin, fetch_options=fetch_options, workers=workers, limits=limits)
    with steps(progress).task("read") as task:
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
            task.advance(len(batch))
    log.info("ingest: %d new, %d already stored, %d rejected", report.new, report.seen, len(report.rejected))
    return report


def run(
    store: Store,
    paths: Sequence[str],
    options: PipelineOptions = PipelineOptions(),
    *,
    stdin: IO[str] | None = None,
    progress: Progress | None = None,
    runner: Runner | None = None,
) -> IngestReport:
    """The main job: ingest ``paths``, then analyse everything stored."""
    report = ingest(store, paths, options, stdin=stdin, progress=progress)
    report.rejected.extend(analyse(store, options, runner=runner, progress=progress))
    return report


# --------------------------------------------------------------------------- analyse


def analyse(
    store: Store,
    options: PipelineOptions = PipelineOptions(),
    *,
    runner: Runner | None = None,
    progress: Progress | None = None,
    search: DuplicateSearch | None = None,
    spans: SpanSearch | None = None,
    tally: MergeTally | None = None,
) -> list[Rejection]:
    """Dedupe, extract what is new, link entities and speakers, cluster new articles, rebuild what changed.

    Steps in order; each is one or a few transactions, so a crash loses at most the step it was in and a re-run
    resumes (every step is idempotent: unchanged input, same output). Returns the articles a stage failed on,
    as rejections (also stored); with ``on_error="raise"`` the first failure stops the run instead. ``search`` is
    the dedupe step's duplicate search when it indexes from scratch (``dedupe_pending``; the batch's in Spark tasks),
    ``spans`` its passage search then. ``tally`` is the entity merge's tally of the articles new to it, counted where
    they were extracted (the batch's tasks): the link step takes it in place of their mentions and texts when it
    covers exactly the articles that step adds, and reads them from the store otherwise.
    """
    tablecache.use_dir(options.cache_dir)  # before any worker starts: they read the tables from the same place
    own = runner is None
    runner = runner if runner is not None else make_runner(options)
    job = _Analyse(store, options, runner, steps(progress), search, spans, tally)
    try:
        job.dedupe()
        job.extract()
        job.link()
        job.cluster()
        job.timelines()
        job.comparisons()
    finally:
        if own:
            runner.close()
    log.info("analyse: %s", job.clock)
    memory = job.clock.memory()
    if memory:
        log.info("analyse peak memory (RSS, this process) after each step: %s", memory)
    return job.rejected


def update_dedupe(store: Store, articles: Sequence[Article], options: DedupeOptions = DedupeOptions()) -> list[str]:
    """The dedupe step alone: index the ``articles`` the dedupe index does not hold yet, in one transaction
    holding the writer lock; returns the ids whose found spans were re-derived."""
    return _dedupe_transaction(store, articles, options, DedupeChanges())


@dataclass(slots=True)
class DedupeChanges:
    """What a dedupe step changed, for the steps after it: they read the duplicates and passages of the articles
    they rebuild (``store.duplicates(ids)``, ``store.passages(ids)``), never all of them.

    ``touched``: articles whose duplicate mark or carried passages may differ from before the step (None: any
    may, the index was built again from scratch); ``marked``: those whose duplicate mark was rewritten; ``wire``:
    those that carried or carry a wire copy the step rewrote or dropped (a passage flagged wire before or after it:
    the comparisons read only those); ``regrouped``: those whose group of one source (``sources``) changed, while
    the stored groups were followed."""

    new: int = 0
    rederived: int = 0
    touched: set[str] | None = field(default_factory=set)
    marked: set[str] = field(default_factory=set)
    wire: set[str] = field(default_factory=set)
    regrouped: set[str] = field(default_factory=set)

    def touch(self, ids: Iterable[str] | None) -> None:
        if ids is None:
            self.touched = None
        elif self.touched is not None:
            self.touched.update(ids)


def _dedupe_transaction(
    store: Store,
    articles: Sequence[Article],
    options: DedupeOptions,
    changes: DedupeChanges,
    *,
    whole_store: bool = True,
    search: DuplicateSearch | None = None,
    spans: SpanSearch | None = None,
) -> list[str]:
    """One dedupe update written in one transaction holding the writer lock; ``changes`` records what it touched;
    ``search`` finds the duplicates and ``spans`` the passages' spans if the update indexes from scratch
    (``dedupe.update``)."""
    with store.atomic():
        store.lock_writes()  # concurrent ingests take turns: the update reads what it is about to change
        delta = dedupe_update(
            store.dedupe_index(), articles, options, whole_store=whole_store, search=search, spans=spans
        )
        if delta is None:
            return []
        write_dedupe(store, delta, changes)
        changes.new += len(delta.keys)  # keys are written for the articles joining the index
        changes.rederived += len(delta.rederived)
        return list(delta.rederived)


def write_dedupe(store: Store, delta: DedupeDelta, changes: DedupeChanges) -> None:
    """Write one dedupe update (one transaction, or the caller's), its passages' wire flags and the groups of one source
    it changes; ``changes`` records what it touched."""
    with store.atomic():
        # the stored groups of one source follow the update when they were current before it (else analyse
        # writes them again from scratch: a reset, or a store from before them)
        follow = not delta.reset and sources.current(store)
        before_wire: dict[str, tuple[str, ...]] = {}
        before_marks: list[tuple[str, str]] = []
        if delta.reset:
            changes.touch(None)
        else:
            # carriers before (passages rewritten or dropped) and after, and every article whose mark was rewritten
            before = store.passage_carriers({*delta.passages_removed, *(p.id for p in delta.passages)})
            changes.touch(a for carriers in before.values() for a in carriers)
            changes.touch(a for p in delta.passages for a in p.articles)
            changes.touch(delta.duplicates_of)
            flags = store.wire_flags(before)
            # a stored passage not flagged yet may be a wire copy: its carriers count as the wire copy's
            changes.wire.update(a for p, carriers in before.items() if flags.get(p) is not False for a in carriers)
            if follow:
                before_wire = {p: tuple(c) for p, c in before.items() if flags.get(p)}
                marked = set(delta.duplicates_of)
                before_marks = [
                    (d.duplicate_of, d.article) for d in store.duplicates(sorted(marked)) if d.article in marked
                ]
        changes.marked.update(delta.duplicates_of)
        changes.marked.update(d.article for d in delta.duplicates)
        store.apply_dedupe(delta)
        # the wire flag is a function of the passage alone: set with it, so no later read looks for unflagged ones
        wire = {p.id: is_wire_copy(p) for p in delta.passages}
        store.set_passage_wire(wire)
        if not delta.reset:
            changes.wire.update(a for p in delta.passages if wire[p.id] for a in p.articles)
        if follow:
            after_wire = {p.id: p.articles for p in delta.passages if wire[p.id]}
            after_marks = [(d.duplicate_of, d.article) for d in delta.duplicates]
            added, removed = sources.changed_links(before_marks, after_marks, before_wire, after_wire)
            changes.regrouped |= sources.update(store, added, removed)


def dedupe_pending(
    store: Store,
    options: DedupeOptions = DedupeOptions(),
    *,
    chunk: int = DEDUPE_CHUNK,
    progress: Progress | None = None,
    search: DuplicateSearch | None = None,
    spans: SpanSearch | None = None,
) -> DedupeChanges:
    """Index every stored article the dedupe index does not hold yet, reading only those and their neighbours.

    The new articles are found after the index's watermark (``store.undeduped_ids``), not by reading every id.
    A few (the index and they within one ``chunk``) are one update; more are indexed ``chunk`` at a time, earliest
    published first (later chunks then mostly append to the key lists, so they re-derive little of the earlier
    ones), one transaction each: memory follows the chunk, and a crash loses at most the chunk it was in. Every
    update is exact, so the result equals ``dedupe.dedupe`` of the whole store whatever the chunking
    (tests/test_dedupe_incremental.py).

    ``search`` (a ``dedupe.DuplicateSearch``: the batch's, in Spark tasks) finds the duplicates of the first update
    when it indexes from scratch (an empty index, or one update large against it), given exactly its articles; the
    later chunks are incremental and search the stored band keys themselves. ``spans`` (a ``dedupe.SpanSearch``)
    likewise pairs and grows the passages' spans of that first update."""
    changes = DedupeChanges()
    ids = store.undeduped_ids()
    if ids:
        index = store.dedupe_index()
        known = index.article_dates(ids)  # (published, outlet) of each: small rows, no texts
        ids = sorted(ids, key=lambda a: (known[a][0] is None, known[a][0] or "", a))
        small = index.size() + len(ids) <= chunk
        with steps(progress).task("dedupe", len(ids)) as task:
            for n, part in enumerate(_batches(ids, len(ids) if small else chunk)):
                first, first_spans = (search, spans) if n == 0 else (None, None)
                _dedupe_transaction(
                    store, store.articles(part), options, changes, whole_store=small, search=first, spans=first_spans
                )
                task.advance(len(part))
    store.advance_dedupe_watermark()
    return changes


class _Analyse:
    """One analyse run: the steps share the store, the options, the runner and what earlier steps found."""

    def __init__(
        self,
        store: Store,
        options: PipelineOptions,
        runner: Runner,
        progress: Progress,
        search: DuplicateSearch | None = None,
        spans: SpanSearch | None = None,
        tally: MergeTally | None = None,
    ) -> None:
        self.store = store
        self.search = search  # the dedupe step's duplicate search from scratch (None: dedupe's own)
        self.spans = spans  # and its passage search (None: dedupe's own)
        self.tally = tally  # the link step's tally of new articles (None: read from the store)
        self.options = options
        self.runner = runner
        self.progress = progress
        self.clock = _Clock()
        self.rejected: list[Rejection] = []
        self.dedupe_changes = DedupeChanges()
        self.sources_rebuilt = False  # the groups of one source were written again from scratch by this run
        self.extracted = 0  # articles extracted by this run
        self.first_analysis = False  # nothing was analysed before this run
        self.mentions = _MentionCache(store)
        # what every stored timeline and comparison was last checked against (read before any step writes: a write
        # of their inputs forgets it, so this run follows what its own steps changed, or checks them all)
        self.derived_keys = {k: store.derived_key(k) for k in ("timelines", "comparisons")}
        self.cluster_full = True  # the cluster step wrote every event and story (or did not run)
        self.changed_events: set[str] = set()
        self.changed_stories: set[str] = set()
        self.dropped_events: set[str] = set()
        self.dropped_stories: set[str] = set()

    def _guard(self, fn: Callable[[T], object], stage: str) -> Guarded[T, object]:
        return Guarded(fn, stage, self.options.on_error, self.options.article_seconds)

    def _failed(self, failures: Sequence[Failure]) -> None:
        rows = [f.rejection() for f in failures]
        self.rejected += rows
        with self.store.atomic():
            self.store.add_rejections(rows)

    def dedupe(self) -> None:
        """Index the articles the dedupe index does not hold: only they and what they can change are read.

        ``self.dedupe_changes`` says which articles' duplicates and passages changed; ``self.duplicates`` and
        ``self.passages`` (every one stored) are read only if a later step asks for them."""
        self.dedupe_changes = dedupe_pending(
            self.store,
            self.options.dedupe,
            chunk=self.options.dedupe_chunk,
            progress=self.progress,
            search=self.search,
            spans=self.spans,
        )
        unflagged = self.store.unflagged_passages()  # a store from before the flag, or passages written elsewhere
        if unflagged:
            with self.store.atomic():
                self.store.set_passage_wire({p.id: is_wire_copy(p) for p in self.passages if p.id in unflagged})
        if unflagged or not sources.current(self.store):
            sources.rebuild(self.store)  # the stored groups of one source did not follow every update: all again
            self.sources_rebuilt = True
        c = self.dedupe_changes
        self.clock.lap(f"dedupe ({c.new} new, {c.rederived} re-derived)")

    @cached_property
    def duplicates(self) -> list[Duplicate]:
        """Every stored duplicate mark (read on first use: steps that can should read their articles' instead)."""
        return self.store.duplicates()

    @cached_property
    def passages(self) -> list[Passage]:
        """Every stored passage (read on first use: steps that can should read their articles' instead)."""
        return self.store.passages()

    def extract(self) -> None:
        """Dates, entity mentions and quotes of the articles not analysed yet, stored a batch at a time."""
        todo = self.store.unanalysed_ids()  # those after the watermark, not every stored id
        self.first_analysis = not self.store.has_analyses()
        self.extracted = 0
        if not todo:
            self.store.advance_analysed_watermark()  # a store from before the watermark gets one
            self.clock.lap("extract (nothing new)")
            return
        use_nlp = stages.nlp_available() if self.options.use_nlp is None else self.options.use_nlp
        fn = self._guard(partial(stages.extract, use_nlp=use_nlp), "extract")
        with self.progress.task("extract", len(todo)) as task:
            for ids in _batches(todo, self.options.extract_batch):
                self._extract_batch(ids, fn)
                task.advance(len(ids))
        self.store.advance_analysed_watermark()
        self.clock.lap(f"extract ({self.extracted} articles)")

    def _extract_batch(self, ids: list[str], fn: Guarded[Article, object]) -> None:
        """One batch of ``extract``: its analyses stored in one transaction, its failures as rejections."""
        arts = self.store.articles(ids)
        # over the size budget (stored before the budget, or under a larger one): rejected, not analysed
        over = {a.id: reason for a in arts if (reason := over_chars(len(a.text), self.options.max_chars))}
        fit = [a for a in arts if a.id not in over]
        done = dict(zip([a.id for a in fit], self.runner.map(fn, fit)))
        results = [done[a.id] if a.id in done else Failure(a.id, a.source, "extract", over[a.id]) for a in arts]
        failures = [r for r in results if isinstance(r, Failure)]
        # a failed article is stored with nothing found, so it is not tried again at every run
        analyses = [r if isinstance(r, Analysis) else Analysis(a.id) for a, r in zip(arts, results)]
        with self.store.atomic():
            self.store.set_analyses(analyses)
        if failures:
            self._failed(failures)
        self.extracted += len(analyses)

    def link(self) -> None:
        """Entities merged across the corpus and quotes' speakers linked to them, for the articles the merge does
        not hold yet: their mentions are added to the stored merge state (link_state.py), which reads and writes
        only the rows their spellings touch; only the entities and speaker links that change are written.

        A store without the state (first analyse, or one from before migration 15) builds it once from every
        stored mention, replacing every entity and speaker link. Unchanged input, same output."""
        store = self.store
        with store.atomic():
            store.lock_writes()  # concurrent analyses take turns: the state is read, then written
            version = store.merge_version()
            if version != link_state.VERSION:
                analysed = store.analysed_ids()
                ids = [a for a in store.article_ids() if a in analysed]
                log.info(
                    "link: no entity merge state%s; building it from the %d analysed articles",
                    "" if version is None else f" of version {link_state.VERSION} (found {version})",
                    len(ids),
                )
                delta = link_state.link_all(self._tally(ids, lambda: _texts(store, ids)), store.quotes(ids))
                store.set_entities(delta.entities)
            else:
                ids = store.unmerged_ids()
                if not ids:
                    self.clock.lap("link (nothing new)")
                    return
                delta = link_state.link_new(
                    store, self._tally(ids, lambda: (a.text for a in store.articles(ids))), store.quotes(ids)
                )
                store.write_entities(delta.entities, delta.dropped)
            store.set_quote_speakers(delta.speakers)
            store.write_merge_state(delta.keys, delta.added, delta.removed, ids, link_state.VERSION, full=delta.full)
        log.info(
            "link: %d articles; %d state reads; %d entities written, %d dropped; %d state rows and %d pairs written, "
            "%d pairs removed; %d speaker links",
            len(ids),
            delta.reads,
            len(delta.entities),
            len(delta.dropped),
            len(delta.keys),
            len(delta.added),
            len(delta.removed),
            len(delta.speakers),
        )
        self.clock.lap(f"link ({len(ids)} articles, {len(delta.entities)} entities written, {delta.reads} state reads)")

    def _tally(self, ids: Sequence[str], texts: Callable[[], Iterable[str]]) -> MergeTally:
        """The merge tally of ``ids``: the one given (a batch's tasks counted it) when it covers exactly them, else
        counted here from their stored mentions and ``texts()``."""
        if self.tally is not None and self.tally.ids == set(ids):
            log.info("link: the tally counted in the batch's tasks (%d keys)", len(self.tally.keys))
            return self.tally
        return tally(self.store.mentions(ids), texts())

    def cluster(self) -> None:
        """Resume the stored clusterer (its rows, loaded lazily; or replay stored assignments), add the new articles
        in stream order, re-cluster when something arrived; write the state rows, events, stories and memberships
        that changed and the audit trail together. For the later steps, ``self.changed_events`` /
        ``self.changed_stories`` name those whose rows were written or dropped, ``self.dropped_*`` those dropped,
        ``self.cluster_full`` whether every one was written (a replay or a converted blob)."""
        store, options = self.store, self.options.cluster
        clusterer, meta = _resume(store, options)
        replay: list[Article] = []
        known: dict[str, tuple[str, str]] = {}
        full = meta is None  # a replay or a converted blob: every row is written
        if clusterer is None:
            clusterer = Clusterer(options)
            stored_events = store.events()
            known = {a: (ev.id, ev.story) for ev in stored_events for a in ev.articles}
            order = [a for ev in stored_events for a in ev.articles]  # first-assignment order
            by_id = {a.id: a for a in store.articles(order)} if order else {}
            replay = [by_id[a] for a in order if a in by_id]
        after = meta.watermark if meta is not None else -1
        pending = store.unclustered_ids(after)  # ingest order after the watermark: not every stored id
        watermark = max([after, *(q for q, _ in pending)])
        fresh_ids = [a for _, a in pending if a not in known and (not full or a not in clusterer.event_of)]
        fresh = stream_order(store.articles(fresh_ids)) if fresh_ids else []
        ids = {a.id for a in fresh}
        duplicate_of = {d.article: d.duplicate_of for d in store.duplicates(fresh_ids) if d.article in ids}
        self.mentions.load([a.id for a in replay])
        self.mentions.load([a.id for a in fresh])
        ordered = replay + fresh
        changes = []
        every = options.recluster_every
        results = self.runner.map(self._guard(stages.cluster_terms, "cluster"), ordered)
        failures = [r for r in results if isinstance(r, Failure)]
        counted = [_interned(r) if isinstance(r, Counter) else Counter() for r in results]  # failed: no terms
        dense = _embeddings(ordered) if self.options.embed else [None] * len(ordered)
        for k, (art, terms) in enumerate(zip(ordered, counted)):
            if k % _PREFETCH == 0:  # document frequencies of the next articles' terms in one read
                cluster_state.prefetch_terms(clusterer, counted[k : k + _PREFETCH])
            clusterer.add(
                art,
                terms,
                article_event_date(art, self.mentions.get(art.id), options),
                duplicate_of=duplicate_of.get(art.id),
                known=known.get(art.id),
                dense=dense[k],
            )
            added = k + 1 - len(replay)  # new articles so far; a large ingest is corrected as it streams
            if every and added > 0 and added % every == 0 and added < len(fresh):
                changes += clusterer.recluster(settle=False)  # the ingest's last pass settles
        if failures:
            self._failed(failures)
        self.clock.lap(f"cluster add ({len(replay)} replayed, {len(fresh)} new)")
        # re-cluster only when something arrived, so re-running on the same input changes nothing
        changes += clusterer.recluster() if fresh else []
        self.clock.lap("recluster")
        self.cluster_full = full
        self.changed_events = set()
        self.changed_stories = set()
        written = 0
        if fresh or full:  # resumed with nothing new: the stored clusters and state are already these
            if meta is None:
                delta = cluster_state.rows(clusterer, watermark)
            else:
                delta = cluster_state.delta(clusterer, meta, watermark)
            events, stories, dropped_events, dropped_stories = _cluster_rows(store, clusterer, delta)
            with store.atomic():
                store.write_clusters(events, stories, dropped_events, dropped_stories, full=delta.full)
                # same transaction: the state always describes the stored clusters
                store.write_cluster_state(
                    delta.upserts,
                    delta.deletes,
                    delta.meta.dump(),
                    full=delta.full,
                )
                store.add_changes(changes)
            written = len(delta.upserts) + len(delta.deletes)
            self.changed_events = {e.id for _, e in events} | set(dropped_events)
            self.changed_stories = {s for _, s, _ in stories} | set(dropped_stories)
            self.dropped_events = set(dropped_events) - {e.id for _, e in events}
            self.dropped_stories = set(dropped_stories) - {s for _, s, _ in stories}
            log.info(
                "cluster: %d new articles assigned; %d re-clustering changes; %d of %d small stories looked at "
                "again; %d state rows read in %d queries, %d written (%d bytes); %d events and %d stories rewritten",
                len(fresh),
                len(changes),
                *clusterer.small_looked,
                *cluster_state.loaded_rows(clusterer),
                written,
                sum(len(b) for *_, b in delta.upserts),
                len(self.changed_events),
                len(self.changed_stories),
            )
        self.clock.lap(f"store clusters ({written} state rows)")

    def _incremental(self, kind: str, key: str) -> bool:
        """Whether ``kind``'s step may look only at what this run changed: the last analyse checked every stored
        row against ``key``, nothing else wrote them or their inputs since, and this run's dedupe and cluster steps
        say what they changed (not rebuilt from scratch)."""
        return (
            self.derived_keys.get(kind) == key
            and self.dedupe_changes.touched is not None
            and not self.cluster_full
            and not self.first_analysis
        )

    def timelines(self) -> None:
        """Timelines of the stories whose inputs changed; an entry's independent sources also fold wire copy.

        Those looked at: the stories the cluster step changed and those holding an article of a group of one source
        (``dedupe.source_roots``) that the dedupe step touched, their groups read link by link from the store; each
        is rebuilt when its digest differs. A run that cannot follow what changed checks every stored story."""
        store, options = self.store, self.options.timeline
        key = f"timeline/{TIMELINE_VERSION}/{options!r}"
        changes = self.dedupe_changes
        if changes.touched is None or self.sources_rebuilt or not self._incremental("timelines", key):
            stories = store.stories()
            events = store.events()
            duplicate_of = {d.article: d.duplicate_of for d in self.duplicates}
            source_of = sources.representatives(store.source_groups())
            live = {s.id for s in stories}
            gone = sorted(s for s in store.timeline_stories() if s not in live)
            self._write_timelines(stories, events, duplicate_of, source_of, store.timeline_digests(), gone, key)
            return
        # a timeline reads its articles' duplicate marks and groups of one source: only those the step rewrote
        # can change one that the cluster step did not
        near = sorted(changes.marked | changes.regrouped)
        held = {s for _, s in store.clusters_of(near).values()} if near else set()
        look = (self.changed_stories - self.dropped_stories) | held
        stories = store.stories(sorted(look)) if look else []
        events = store.events([e for s in stories for e in s.events]) if stories else []
        if stories:
            # a story the cluster step rewrote with the same title, articles and events, none of whose articles'
            # marks or groups changed, keeps its timeline: its digest would not change, so its articles' marks and
            # groups need not be read
            shapes = store.timeline_shapes([s.id for s in stories if s.id not in held])
            mine: dict[str, list[Event]] = defaultdict(list)
            for ev in events:
                mine[ev.story].append(ev)
            same = {s.id for s in stories if shapes.get(s.id) == timeline_shape(s, mine[s.id])}
            stories = [s for s in stories if s.id not in same]
            events = [e for e in events if e.story not in same]
        ids = sorted({a for s in stories for a in s.articles} | {a for e in events for a in e.articles})
        duplicate_of = {d.article: d.duplicate_of for d in store.duplicates(ids)} if ids else {}
        source_of = sources.representatives(store.source_groups(ids)) if ids else {}
        stored = store.timeline_digests([s.id for s in stories]) if stories else {}
        gone = sorted(self.dropped_stories)
        self._write_timelines(stories, events, duplicate_of, source_of, stored, gone, key, len(ids))

    def _write_timelines(
        self,
        stories: Sequence[Story],
        events: Sequence[Event],
        duplicate_of: Mapping[str, str],
        source_of: Mapping[str, str],
        stored: Mapping[str, str],
        gone: Sequence[str],
        key: str,
        read: int | None = None,
    ) -> None:
        """Rebuild the timelines of ``stories`` whose digest differs from ``stored``, drop those of ``gone``, and
        record ``key``: every stored timeline is now checked (``read``: the articles read for them, when not all)."""
        store, options = self.store, self.options.timeline
        story_events: dict[str, list[Event]] = defaultdict(list)
        for ev in events:
            story_events[ev.story].append(ev)
        shapes = {s.id: timeline_shape(s, story_events[s.id]) for s in stories}
        had = store.timeline_shapes(list(shapes)) if shapes else {}
        todo: list[tuple[Story, str]] = []
        for story in stories:
            digest = timeline_digest(story, story_events[story.id], duplicate_of, source_of, options)
            if stored.get(story.id) != digest:
                todo.append((story, digest))
        # each story's articles and those of its events
        held = {
            s.id: list(dict.fromkeys([*s.articles, *(a for e in story_events[s.id] for a in e.articles)]))
            for s, _ in todo
        }
        ids = list(dict.fromkeys(a for h in held.values() for a in h))
        self.mentions.load(ids)
        dup_of = {s.id: {a: duplicate_of[a] for a in held[s.id] if a in duplicate_of} for s, _ in todo}
        src_of = {s.id: {a: source_of[a] for a in held[s.id] if a in source_of} for s, _ in todo}
        plans: dict[str, timeline_update.Plan] = {}
        texts = ids
        if timeline_update.applies(options) and ids:
            plans, by_id = self._plan_timelines([s for s, _ in todo], story_events, dup_of, src_of, ids)
            texts = sorted(set().union(*(p.update.read for p in plans.values())))
            by_id.update({a.id: a for a in store.articles(texts)} if texts else {})
        else:
            by_id = {a.id: a for a in store.articles(ids)} if ids else {}
        # each article's sentences as the last build split and checked them (valid for this code and options)
        sentence_key = sentences_key(options)
        kept = store.timeline_sentences(texts, sentence_key) if texts else {}
        items = [
            stages.TimelineItem(
                story,
                story_events[story.id],
                {a: by_id[a] for a in held[story.id] if a in by_id},
                {a: self.mentions.get(a) for a in held[story.id]},
                dup_of[story.id],
                src_of[story.id],
                options,
                digest,
                {a: kept[a] for a in held[story.id] if a in kept},
                plans.get(story.id),
            )
            for story, digest in todo
        ]
        # the error policy, but no per-article time budget: a story of thousands of articles takes seconds
        guarded = Guarded(stages.story_timeline, "timeline", self.options.on_error, None)
        results = self.runner.map(guarded, items)
        failures = [r for r in results if isinstance(r, Failure)]
        built = [
            (item.story.id, r.entries, item.digest, r.state)
            for item, r in zip(items, results)
            if isinstance(r, stages.TimelineBuilt)
        ]
        sentences = {a: d for r in results if isinstance(r, stages.TimelineBuilt) for a, d in r.sentences.items()}
        counted = {s.id: len({source_of.get(a, a) for a in s.articles}) for s in stories}
        rebuilt = {story_id for story_id, *_ in built}
        # a store from before the count was kept: its unchanged timelines get their count alone (a full check only:
        # such a store has no key, so its first analyse checks every story)
        uncounted = {}
        if read is None:
            uncounted = {s: counted[s] for s, n in store.story_sources().items() if n is None and s in counted}
        with store.atomic():
            store.drop_timelines(gone)
            for story_id, entries, digest, state in built:
                store.set_timeline(story_id, entries, digest, counted[story_id], state)
            # every story looked at whose timeline is now current: the shape it was checked against
            failed = {item.story.id for item, r in zip(items, results) if isinstance(r, Failure)}
            store.set_timeline_shapes(
                {s: shape for s, shape in shapes.items() if s not in failed and shape != had.get(s)}
            )
            store.set_timeline_sentences(sentences, sentence_key)
            store.set_story_sources({s: n for s, n in uncounted.items() if s not in rebuilt})
            if not failures:  # a failed story keeps no timeline: the next run checks every one again
                store.set_derived_key("timelines", key)
        if failures:
            self._failed(failures)
        said = "" if read is None else f", {read} articles' sources read"
        if plans:
            redone = sum(len(p.update.days) for p in plans.values())
            shown = sum(len(p.days) for p in plans.values())
            recounted = sum(len(p.update.recount) for p in plans.values())
            recalled = sum(len(p.periods) for p in plans.values())
            said += (
                f"; {redone} of {shown} days picked again, {recounted} of {recalled} recalled periods found again, "
                f"{len(texts)} articles' texts read"
            )
        self.clock.lap(f"timelines ({len(todo)} of {len(stories)} rebuilt, {len(gone)} dropped{said})")

    def _plan_timelines(
        self,
        stories: Sequence[Story],
        story_events: Mapping[str, Sequence[Event]],
        dup_of: Mapping[str, Mapping[str, str]],
        src_of: Mapping[str, Mapping[str, str]],
        ids: Sequence[str],
    ) -> tuple[dict[str, timeline_update.Plan], dict[str, Article]]:
        """What to redo of each story's stored chronology (``timeline_update.plan``: the days whose inputs changed,
        picked again from their windows' articles; the others kept), and the stories' articles without their texts
        (``ids``: every article of theirs; the texts a plan reads are the caller's to add)."""
        store = self.store
        by_id = {a: Article(id=a, source="", text="", published=p) for a, p in store.article_dates(ids).items()}
        stored = store.timeline_days([s.id for s in stories])
        plans = {}
        for story in stories:
            state = stored.get(story.id, {})
            plans[story.id] = timeline_update.plan(
                story,
                story_events[story.id],
                by_id,
                self.mentions,
                dup_of[story.id],
                src_of[story.id],
                self.options.timeline,
                state,
                store.timeline(story.id) if state else [],
            )
        return plans, by_id

    def comparisons(self) -> None:
        """The side-by-side of every event two or more independent sources report, rebuilt when its inputs
        changed (its articles, their copies, the wire copy they carry).

        Those looked at: the events the cluster step changed and those holding an article whose duplicate mark or
        wire copy the dedupe step touched, or the copy or original of one (``compare.event_wire`` reads the wire
        copy of an article's original and of its copies). A run that cannot follow what changed checks them all."""
        store = self.store
        key = f"compare/{COMPARE_VERSION}/{CompareOptions()!r}"
        touched = self.dedupe_changes.touched
        if touched is None or not self._incremental("comparisons", key):
            events = store.events()
            duplicate_of = {d.article: d.duplicate_of for d in self.duplicates}
            carried = wire_carried(self.passages, duplicate_of)
            self._write_comparisons(events, duplicate_of, carried, store.comparison_digests(), set(), key)
            return
        # a comparison reads its articles' duplicate marks and the wire copy they, their originals and their copies
        # carry: only articles whose mark or wire copy the step rewrote can change one the cluster step did not
        near = self.dedupe_changes.marked | self.dedupe_changes.wire
        near |= {d.duplicate_of for d in store.duplicates(sorted(near))} if near else set()
        near |= {d.article for d in store.duplicates(sorted(near))} if near else set()
        held = {e for e, _ in store.clusters_of(sorted(near)).values()} if near else set()
        look = (self.changed_events - self.dropped_events) | held
        events = store.events(sorted(look)) if look else []
        arts = sorted({a for ev in events for a in ev.articles})
        marks = store.duplicates(arts) if arts else []
        duplicate_of = {d.article: d.duplicate_of for d in marks}
        originals = sorted({duplicate_of.get(a, a) for a in arts} - set(arts))
        marks += store.duplicates(originals) if originals else []
        duplicate_of.update((d.article, d.duplicate_of) for d in marks)
        origin = {*arts, *originals}
        carriers = sorted(origin | {d.article for d in marks if d.duplicate_of in origin})
        wire = store.passages(carriers, wire_only=True) if carriers else []  # the dedupe step flagged them all
        carried = wire_carried(wire, duplicate_of)
        stored = store.comparison_digests([e.id for e in events]) if events else {}
        self._write_comparisons(events, duplicate_of, carried, stored, self.dropped_events, key)

    def _write_comparisons(
        self,
        events: Sequence[Event],
        duplicate_of: Mapping[str, str],
        carried: Mapping[str, Sequence[Passage]],
        stored: Mapping[str, str],
        dropped: set[str],
        key: str,
    ) -> None:
        """Compare the ``events`` whose digest differs from ``stored``, drop the stored comparisons of those no
        longer compared and of ``dropped``, and record ``key``: every stored comparison is now checked."""
        store = self.store
        todo: list[tuple[Event, list[Passage], str]] = []
        live = set()
        for ev in events:
            if not is_compared(ev, duplicate_of):
                continue
            live.add(ev.id)
            wire = event_wire(ev, carried, duplicate_of)
            digest = comparison_digest(ev, duplicate_of, wire)
            if stored.get(ev.id) != digest:
                todo.append((ev, wire, digest))
        gone = sorted({e for e in stored if e not in live} | (dropped - live))
        ids = list(dict.fromkeys(a for ev, _, _ in todo for a in ev.articles))
        by_id = {a.id: a for a in store.articles(ids)} if ids else {}
        items = [
            stages.CompareItem(
                ev,
                {a: by_id[a] for a in ev.articles if a in by_id},
                {a: duplicate_of[a] for a in ev.articles if a in duplicate_of},
                wire,
                digest,
            )
            for ev, wire, digest in todo
        ]
        results = self.runner.map(self._guard(stages.compare_event, "compare"), items)
        failures = [r for r in results if isinstance(r, Failure)]
        with store.atomic():
            store.drop_comparisons(gone)
            store.set_comparisons(
                (item.event.id, item.digest, r) for item, r in zip(items, results) if isinstance(r, dict)
            )
            if not failures:  # a failed event has no stored comparison: the next run checks every one again
                store.set_derived_key("comparisons", key)
        if failures:
            self._failed(failures)
        self.clock.lap(f"comparisons ({len(todo)} of {len(live)} rebuilt, {len(gone)} dropped)")


def _resume(store: Store, options: ClusterOptions) -> tuple[Clusterer | None, cluster_state.Meta | None]:
    """The stored clusterer and its meta row: over its rows, loaded lazily; or, from a store saved before the rows,
    the older blob loaded whole (meta None: the caller writes it as rows); or (None, None), logged: replay then."""
    body = store.cluster_meta()
    if body is None:
        return _resume_blob(store, options), None
    try:
        meta = cluster_state.Meta.load(body)
    except ValueError as exc:
        log.warning("cluster: %s; replaying the stored assignments", exc)
        return None, None
    if meta.version != cluster_state.ROW_VERSION:
        log.info(
            "cluster: saved state has format %d, not %d; replaying the stored assignments",
            meta.version,
            cluster_state.ROW_VERSION,
        )
        return None, None
    if meta.options != options_key(options):
        log.info("cluster: saved state was built with other cluster options; replaying the stored assignments")
        return None, None
    return cluster_state.resume(options, meta, store.cluster_rows, store.cluster_window()), meta


def _cluster_rows(
    store: Store, c: Clusterer, delta: cluster_state.Delta
) -> tuple[list[tuple[int, Event]], list[tuple[int, str, str]], list[str], list[str]]:
    """The readable rows of the events and stories ``delta`` changed: (order, event) and (order, story, title) to
    write, events and stories to drop (retired, or left without articles). Titles are read for these alone."""
    live_events = [c.events[e] for e in delta.events if c.events[e].members]
    dropped_events = [*delta.dropped_events, *(e for e in delta.events if not c.events[e].members)]
    changed = {e.id for e in live_events} | set(dropped_events)
    # a changed story's title is the first article of its largest live event: sizes of its unchanged events from
    # their stored rows, of changed ones from the clusterer
    heads: dict[str, tuple[int, str]] = {e.id: (len(e.members), e.members[0]) for e in live_events}
    stories = [c.stories[s] for s in delta.stories]
    unchanged = [e for s in stories for e in s.events if e not in changed]
    if unchanged and not delta.full:
        heads.update(store.event_heads(unchanged))
    firsts: dict[str, str] = {}
    dropped_stories = list(delta.dropped_stories)
    for s in stories:
        evs = [heads[e] for e in s.events if e in heads]
        if not evs:
            dropped_stories.append(s.id)
            continue
        biggest = max(range(len(evs)), key=lambda i: (evs[i][0], -i))
        firsts[s.id] = evs[biggest][1]
    wanted = [e.members[0] for e in live_events] + list(firsts.values())
    titles = (
        {a: title or _first_line(head) for a, (title, head) in store.article_heads(wanted).items()} if wanted else {}
    )
    events = [
        (delta.seqs[e.id], Event(e.id, e.story, e.date, titles.get(e.members[0], ""), tuple(e.members)))
        for e in live_events
    ]
    story_rows = [(delta.seqs[s], s, titles.get(a, "")) for s, a in firsts.items()]
    return events, story_rows, dropped_events, dropped_stories


def _resume_blob(store: Store, options: ClusterOptions) -> Clusterer | None:
    """The clusterer saved whole (one blob, before its state was rows), or None (logged) when there is none
    usable: replay then. Either way the caller writes the state as rows (logged as converted)."""
    saved = store.cluster_state()
    clustered = store.clustered_count()
    if saved is None:
        if clustered:
            log.info("cluster: no saved clusterer state; replaying %d stored assignments", clustered)
        return None
    version, key, blob = saved
    if version != STATE_VERSION:
        log.info(
            "cluster: saved state has format %d, not %d; replaying %d stored assignments",
            version,
            STATE_VERSION,
            clustered,
        )
        return None
    if key != options_key(options):
        log.info(
            "cluster: saved state was built with other cluster options; replaying %d stored assignments", clustered
        )
        return None
    try:
        clusterer = Clusterer.load_state(blob, options)
    except StateError as exc:
        log.warning("cluster: %s; replaying %d stored assignments", exc, clustered)
        return None
    if len(clusterer.event_of) != clustered:
        log.warning(
            "cluster: saved state knows %d articles, the store %d; replaying the stored assignments",
            len(clusterer.event_of),
            clustered,
        )
        return None
    log.info("cluster: converting the saved state (one blob) to rows")
    return clusterer


def _texts(store: Store, ids: Sequence[str], batch: int = 2000) -> Iterator[str]:
    """The texts of ``ids``, read ``batch`` articles at a time (building the merge state reads every text once)."""
    for part in _batches(ids, batch):
        for a in store.articles(part):
            yield a.text


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


class _Clock:
    """Wall time per step, for the ``analyse:`` log line, and the process's peak memory after each step."""

    def __init__(self) -> None:
        self._last = time.perf_counter()
        self._laps: list[tuple[str, float]] = []
        self._peaks: list[float | None] = []

    def lap(self, name: str) -> None:
        now = time.perf_counter()
        self._laps.append((name, now - self._last))
        self._peaks.append(_peak_rss_gib())
        self._last = now

    def __str__(self) -> str:
        total = sum(t for _, t in self._laps)
        return f"{total:.2f} s: " + ", ".join(f"{n} {t:.3f} s" for n, t in self._laps)

    def memory(self) -> str | None:
        """The peak resident memory so far after each step ("dedupe 1.20 GiB, extract 1.21 GiB, ..."): a step that
        raises it is the one that needed it. None where the platform does not say."""
        if not self._peaks or self._peaks[-1] is None:
            return None
        return ", ".join(f"{n.split(' (', 1)[0]} {p:.2f} GiB" for (n, _), p in zip(self._laps, self._peaks) if p)


def _peak_rss_gib() -> float | None:
    """This process's peak resident memory so far, in GiB (worker processes not counted); None without ``resource``."""
    try:
        import resource
    except ImportError:  # Windows
        return None
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss  # KiB on Linux, bytes on macOS
    return peak / (1 << 30 if sys.platform == "darwin" else 1 << 20)


def _first_line(text: str) -> str:
    """An untitled article's label: its first line, at most 120 characters."""
    return text.strip().split("\n", 1)[0][:120]


@functools.cache
def _embedder() -> Embedder:
    """One embedding model per process (loading it takes a fraction of a second, but every ingest would)."""
    return Embedder()


def _embeddings(articles: Sequence[Article]) -> list[Sequence[float] | None]:
    """Each article's embedding for the clusterer; raises ``MissingExtra`` (with the pip line) without [embed]."""
    return list(_embedder().embed(articles))


def _interned(counts: Counter[str]) -> Counter[str]:
    """Terms from another process are copies: intern them again, one string per term (memory at 1M articles)."""
    return Counter({sys.intern(t): c for t, c in counts.items()})
