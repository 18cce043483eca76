"""The per-file work of a batch run and its one write, engine-agnostic: what a task does with its files.

A task reads each of its files with the ingest readers (``ingest.read_file``: parsing, cleaning, metadata) and
extracts each article with the stage the analyse job runs (``stages.extract`` under the same error policy and
budget as ``jobs._Analyse.extract``), so a batch run stores the records a ``run`` stores. ``store_results`` writes
what some files gave in one transaction through the ``Store`` interface; every write in it is keyed by content
ids (articles: do nothing on conflict; analyses: replaced by difference), so writing the same results again, as
a retried task does, changes nothing.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from functools import partial

from storyline.budget import over_chars
from storyline.fetch import FetchOptions
from storyline.ingest import InputFile, Limits, read_file
from storyline.link_incremental import ArticleTally, MergeTally, article_tally
from storyline.pipeline import PipelineOptions, stages
from storyline.pipeline.policy import Failure, Guarded
from storyline.records import Analysis, Article, Rejection
from storyline.store import Store, open_store

log = logging.getLogger(__name__)

# A task reads consecutive files adding up to about this many bytes (a larger file is a task alone): one JSONL or
# WARC file of a crawl, or a few hundred small article files, per task. Each task's records are held in memory
# until they are written (about 3x the input: article texts and their analyses).
SPLIT_BYTES = 16_000_000


@dataclass(frozen=True, slots=True)
class FileResult:
    """What one input file gave: its articles with their analyses and their parts of the entity merge's tally (in
    step), the items that could not be read, and the articles extraction failed on (stored with an empty analysis,
    as the analyse job does)."""

    source: str
    articles: tuple[Article, ...] = ()
    analyses: tuple[Analysis, ...] = ()
    rejections: tuple[Rejection, ...] = ()
    failures: tuple[Failure, ...] = ()
    tallies: tuple[ArticleTally, ...] = ()


@dataclass(frozen=True, slots=True)
class Written:
    """What one write stored: new articles, those already stored, the rejections it recorded (reading, and
    extraction of the new articles), and the entity merge's tally of the new articles."""

    new: int = 0
    seen: int = 0
    rejected: tuple[Rejection, ...] = ()
    failed: tuple[Rejection, ...] = ()
    tally: MergeTally | None = None


def split(files: Sequence[InputFile], tasks: int, split_bytes: int = SPLIT_BYTES) -> list[list[InputFile]]:
    """``files`` cut into groups of consecutive files, one per task, in order: about ``split_bytes`` each, or
    fewer bytes when that would make fewer than ``tasks`` groups (small inputs still spread over every core); a
    file larger than that is a group alone."""
    sizes = [_size(f) for f in files]
    target = max(1, min(split_bytes, sum(sizes) // max(1, tasks)))
    groups: list[list[InputFile]] = []
    held = 0
    for f, size in zip(files, sizes):
        if not groups or (held + size > target and groups[-1]):
            groups.append([])
            held = 0
        groups[-1].append(f)
        held += size
    return groups


def _size(f: InputFile) -> int:
    try:
        return os.path.getsize(f.path) if f.path is not None else 0
    except OSError:  # gone or unreadable: its task rejects it with the reason
        return 0


def process_files(files: Iterable[InputFile], options: PipelineOptions) -> Iterator[FileResult]:
    """Read and extract each file (a task's work); NER is resolved once per task and spaCy loads once per
    process (``entities.load_nlp`` is cached), so a worker process reused across tasks pays for it once."""
    use_nlp = stages.nlp_available() if options.use_nlp is None else options.use_nlp
    extract = Guarded(partial(stages.extract, use_nlp=use_nlp), "extract", options.on_error, options.article_seconds)
    for f in files:
        yield process_file(f, options, extract)


def process_file(f: InputFile, options: PipelineOptions, extract: Guarded[Article, Analysis]) -> FileResult:
    """One file: its items read (``ingest.read_file``), then each article extracted as ``jobs._extract_batch`` does."""
    limits = Limits(options.max_chars, options.article_seconds, strict=options.on_error == "raise")
    fetch = FetchOptions(allow_private=options.allow_private, fetch_links=options.fetch)
    articles: list[Article] = []
    rejections: list[Rejection] = []
    for item in _read(f, fetch, limits):
        if isinstance(item, Article):
            articles.append(item)
        else:
            rejections.append(item)
    analyses: list[Analysis] = []
    failures: list[Failure] = []
    for a in articles:
        # over the size budget: rejected, not analysed (as the analyse job does with stored articles)
        reason = over_chars(len(a.text), options.max_chars)
        result = Failure(a.id, a.source, "extract", reason) if reason else extract(a)
        if isinstance(result, Failure):
            failures.append(result)
        # a failed article is stored with nothing found, so the analyse job does not try it again
        analyses.append(result if isinstance(result, Analysis) else Analysis(a.id))
    # the entity merge's input keyed here, in the task: the driver only adds the parts up (``store_results``)
    tallies = tuple(article_tally(a.id, an.mentions, a.text) for a, an in zip(articles, analyses))
    return FileResult(f.source, tuple(articles), tuple(analyses), tuple(rejections), tuple(failures), tallies)


def read_articles(files: Iterable[InputFile], options: PipelineOptions) -> Iterator[Article]:
    """The articles of ``files`` as the ingest readers give them (a task's reading alone, without extraction):
    the articles a batch run stores from them, rejections left out."""
    limits = Limits(options.max_chars, options.article_seconds, strict=options.on_error == "raise")
    fetch = FetchOptions(allow_private=options.allow_private, fetch_links=options.fetch)
    for f in files:
        for item in _read(f, fetch, limits):
            if isinstance(item, Article):
                yield item


def _read(f: InputFile, fetch: FetchOptions, limits: Limits) -> Iterator[Article | Rejection]:
    """The items of one file; a failure that escapes its reader ends this file only (as ``ingest.read`` does)."""
    if f.path is None:  # stdin: the driver reads it with ``storyline ingest``, never a task
        yield Rejection(f.source, "batch mode reads files: ingest standard input with `storyline ingest -`")
        return
    try:
        yield from read_file(f.path, f.source, fetch, limits=limits)
    except (OSError, UnicodeDecodeError, ValueError) as exc:
        yield Rejection(f.source, f"cannot read: {exc}")
    except ImportError as exc:  # a missing extra (warc): say which one to install
        yield Rejection(f.source, str(exc))
    except Exception as exc:
        if limits.strict:
            raise
        log.error("reading %s failed: this is a bug, please report it", f.source, exc_info=exc)
        yield Rejection(f.source, f"internal error ({type(exc).__name__}: {exc}); this is a bug: please report it")


def store_results(store: Store, results: Sequence[FileResult]) -> Written:
    """Write what ``results`` hold in one transaction: the articles not stored yet, the analyses of those, and the
    rejections (of reading, and of extracting the new articles). Idempotent: a second write of the same results
    stores nothing more (articles already stored keep their analyses, whoever wrote them). The written record
    carries the merge tally of the articles it stored (each counted once)."""
    articles = [a for r in results for a in r.articles]
    with store.atomic():
        new = set(store.add_articles(articles))
        store.set_analyses(an for r in results for an in r.analyses if an.article in new)
        rejected = tuple(x for r in results for x in r.rejections)
        failed = tuple(f.rejection() for r in results for f in r.failures if f.item in new)
        store.add_rejections([*rejected, *failed])
    seen = len({a.id for a in articles}) - len(new)
    tally = MergeTally()
    for part in (t for r in results for t in r.tallies):
        if part.article in new and part.article not in tally.ids:
            tally.add(part)
    return Written(len(new), seen, rejected, failed, tally)


def write_partition(url: str, results: Iterable[FileResult]) -> Iterator[Written]:
    """A task's write (``mapPartitions``): open the store at ``url`` (the store class the URL names), write the
    task's results in one transaction, close it; yields what was written."""
    store = open_store(url)
    try:
        yield store_results(store, list(results))
    finally:
        store.close()
