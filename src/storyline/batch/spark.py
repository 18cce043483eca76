"""The Spark engine: a session, the per-file stage as Spark tasks, and a ``Runner`` over Spark.

pyspark is imported here only (the ``[spark]`` extra), so ``import storyline`` never needs it. Files go to tasks
in groups (``partition.split``), a wave of ``WAVE_TASKS`` tasks per core at a time; each task runs
``partition.process_files`` (reading and extraction, the pipeline's own functions). Where the results are
written depends on the store:

* PostgreSQL (many writers): each task's results stay on its executor (persisted), then each task writes its own
  in one transaction through a store it opens from the URL (``partition.write_partition``). The writes go task by
  task in input order (one short Spark job each), so articles get the ingest order a ``run`` gives them: the
  clusterer breaks ties of publication date by it, and the stored ids and titles of events follow.
* SQLite (one writer, a local file): the tasks return their results and the driver writes them in input order,
  ``PipelineOptions.batch_size`` articles per transaction, while the next wave's tasks run (two waves' results
  held at most).

Either way a retried task writes what its first attempt may have written, and that changes nothing (content ids;
``partition.store_results``).

``SparkBatch.duplicates`` is the analyse job's duplicate search when its dedupe step indexes from scratch (a
``dedupe.DuplicateSearch``): ``neardup.near_duplicates`` of the articles that step indexes, in tasks; and
``SparkBatch.spans`` its passage search then (a ``dedupe.SpanSearch``): ``passages.span_rows`` of its corpus.
"""

from __future__ import annotations

import logging
import os
import shutil
import sys
import time
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from functools import partial
from typing import TYPE_CHECKING, Any, TypeVar

from storyline.batch.neardup import near_duplicates
from storyline.batch.partition import FileResult, Written, process_files, split, store_results, write_partition
from storyline.batch.passages import span_search
from storyline.dedupe import DedupeOptions
from storyline.dedupe.index import Corpus
from storyline.dedupe.passages import SpanRows
from storyline.dedupe.tokens import I64, U64
from storyline.errors import MissingExtra, StorylineError
from storyline.ingest import InputFile
from storyline.link_incremental import MergeTally
from storyline.pipeline import IngestReport, PipelineOptions
from storyline.progress import Progress, steps
from storyline.records import Article, Duplicate
from storyline.store import SQLiteStore, Store

if TYPE_CHECKING:
    from pyspark import SparkContext
    from pyspark.sql import SparkSession

log = logging.getLogger(__name__)
T = TypeVar("T")
R = TypeVar("R")

DEFAULT_MASTER = "local[*]"
# Articles one task of the dedupe step's searches holds at most (its ``Corpus``, about 1.7 GiB per 10,000 news
# articles, and its share of the shuffled postings and tokens): past ``WAVE_TASKS`` slices per core, a large corpus is
# cut into more slices, so a task's memory follows this, not the corpus.
SEARCH_SLICE = 2_000
WAVE_TASKS = 4  # tasks per core in one wave: enough to even out uneven files; on SQLite two waves' results are held


class EngineError(StorylineError):
    """The batch engine cannot start (no Java, a bad master URL); says what to do."""

    status = 500


def _pyspark() -> Any:
    try:
        import pyspark
    except ImportError as exc:
        raise MissingExtra("storyline batch --engine spark", "spark", "pyspark") from exc
    return pyspark


@contextmanager
def session(master: str | None = None, *, app_name: str = "storyline batch") -> Iterator[SparkSession]:
    """The active Spark session, or a new one on ``master`` (default ``local[*]``) stopped on exit.

    On a local master the tasks run this Python (``PYSPARK_PYTHON``, unless set) and Spark binds the loopback
    address (``SPARK_LOCAL_IP``, unless set). On a cluster (``spark://``,
    ``yarn``) every executor needs storyline installed, with the extras the inputs need.

    Raises:
        MissingExtra: pyspark is not installed.
        EngineError: no Java to start Spark with, or Spark did not start.
    """
    _pyspark()
    from pyspark.sql import SparkSession

    active = SparkSession.getActiveSession()
    if active is not None:  # the caller's session (a notebook, the tests): used, never stopped here
        yield active
        return
    master = master or DEFAULT_MASTER
    if not os.environ.get("JAVA_HOME") and shutil.which("java") is None:
        raise EngineError(
            "Spark needs Java 17 or later and found none: install one (Debian: apt-get install "
            "openjdk-17-jre-headless) or set JAVA_HOME"
        )
    # storyline reports its own progress: no console bars from Spark over it
    builder = SparkSession.builder.master(master).appName(app_name).config("spark.ui.showConsoleProgress", "false")
    if master.startswith("local"):
        # the workers run this interpreter, where storyline is installed (pyspark's RDD API reads only the
        # variable, not the spark.pyspark.python setting), and Spark binds the loopback address
        os.environ.setdefault("PYSPARK_PYTHON", sys.executable)
        os.environ.setdefault("SPARK_LOCAL_IP", "127.0.0.1")
    try:
        spark = builder.getOrCreate()
    except Exception as exc:  # the JVM did not start or the master refused: no partial state to keep
        raise EngineError(f"Spark did not start on {master}: {' '.join(str(exc).split())[:300]}") from exc
    spark.sparkContext.setLogLevel("WARN")
    try:
        yield spark
    finally:
        spark.stop()


class SparkRunner:
    """A ``Runner`` over Spark: ``map`` ships the items to tasks (``parallelize(...).map(fn).collect()``) and
    returns the results in input order. Fewer than ``min_items`` items run in this process: a Spark job costs a
    tenth of a second or more to schedule, more than small batches take."""

    def __init__(self, context: SparkContext, *, min_items: int = 64) -> None:
        self.context = context
        self.min_items = min_items

    def map(self, fn: Callable[[T], R], items: Sequence[T]) -> list[R]:
        if len(items) < self.min_items:
            return [fn(x) for x in items]
        slices = min(len(items), self.context.defaultParallelism * WAVE_TASKS)
        return self.context.parallelize(list(items), slices).map(fn).collect()

    def close(self) -> None:
        return None  # the session belongs to whoever opened it


def search_slices(articles: int, cores: int) -> int:
    """How many tasks a dedupe search over ``articles`` runs in: ``WAVE_TASKS`` per core, or more so that none
    holds over ``SEARCH_SLICE`` articles; never more than the articles.

    Example:
        >>> search_slices(4_624, 2), search_slices(100_000, 2), search_slices(3, 2)
        (8, 50, 3)
    """
    return max(1, min(articles, max(max(1, cores) * WAVE_TASKS, -(-articles // SEARCH_SLICE))))


class SparkBatch:
    """The per-file stage of a batch run on one Spark session (``storyline.batch.run_batch`` drives it)."""

    def __init__(self, spark: SparkSession) -> None:
        self.context = spark.sparkContext
        self.runner = SparkRunner(self.context)
        # the entity merge's tally of the articles ``stage`` stored, keyed in its tasks (``analyse``'s link step
        # takes it in place of reading their mentions and texts back)
        self.tally = MergeTally()

    def stage(
        self, store: Store, files: Sequence[InputFile], options: PipelineOptions, progress: Progress | None = None
    ) -> IngestReport:
        """Read and extract ``files`` in Spark tasks and store the results (module docstring: who writes)."""
        report = IngestReport()
        wave = max(1, self.context.defaultParallelism) * WAVE_TASKS
        groups = split(files, wave)
        waves = [groups[at : at + wave] for at in range(0, len(groups), wave)]
        with steps(progress).task("batch", len(files), unit="files") as task:
            for part, written in self._waves(store, waves, options):
                for w in written:
                    report.new += w.new
                    report.seen += w.seen
                    report.rejected.extend([*w.rejected, *w.failed])
                    if w.tally is not None:
                        self.tally.add(w.tally)
                task.advance(sum(len(g) for g in part))
        log.info("batch: %d new, %d already stored, %d rejected", report.new, report.seen, len(report.rejected))
        return report

    def _waves(
        self, store: Store, waves: list[list[list[InputFile]]], options: PipelineOptions
    ) -> Iterator[tuple[list[list[InputFile]], list[Written]]]:
        """Each wave of groups with what storing it wrote, in input order. On SQLite the next wave's tasks run
        (a Spark job from a second thread) while this thread writes the wave before: the tasks' cores are not
        idle during the driver's writes, and at most two waves' records are held at once."""
        if not isinstance(store, SQLiteStore):
            for part in waves:
                yield part, self._task_writes(store, part, options)
            return
        with ThreadPoolExecutor(1, thread_name_prefix="storyline-wave") as pool:
            pending = pool.submit(self._collect, waves[0], options) if waves else None
            for k, part in enumerate(waves):
                assert pending is not None
                results = pending.result()
                pending = pool.submit(self._collect, waves[k + 1], options) if k + 1 < len(waves) else None
                yield part, _driver_writes(store, results, options)

    def _collect(self, groups: list[list[InputFile]], options: PipelineOptions) -> list[FileResult]:
        """SQLite: one wave of tasks, their results brought back in input order."""
        results: list[FileResult] = self._tasks(groups, options).collect()
        return results

    def duplicates(self, articles: Sequence[Article], options: DedupeOptions) -> list[Duplicate]:
        """The dedupe step's duplicate search from scratch (``dedupe.DuplicateSearch``) in Spark tasks: the records
        ``dedupe.find_duplicates`` gives for ``articles``, found by ``neardup.near_duplicates``. The articles go to
        the tasks from here (the dedupe step holds them for its index anyway), in ``search_slices``."""
        t0 = time.perf_counter()
        slices = search_slices(len(articles), self.context.defaultParallelism)
        found = near_duplicates(self.context.parallelize(list(articles), slices), options)
        log.info(
            "batch: duplicate search in Spark tasks: %d articles, %d duplicates, %.1f s, %d tasks",
            len(articles),
            len(found),
            time.perf_counter() - t0,
            slices,
        )
        return found

    def spans(self, corpus: Corpus) -> tuple[SpanRows, U64, I64]:
        """The dedupe step's passage search from scratch (``dedupe.SpanSearch``) in Spark tasks: the rows
        ``dedupe.passages.Passages`` pairs and grows itself, found by ``passages.span_rows`` over the corpus's
        articles (with their ranks and duplicate groups), in ``search_slices``."""
        t0 = time.perf_counter()
        slices = search_slices(len(corpus.articles), self.context.defaultParallelism)
        rows, crowded, lasts = span_search(self.context, slices)(corpus)
        log.info(
            "batch: passage search in Spark tasks: %d articles, %d spans, %.1f s, %d tasks",
            len(corpus.articles),
            rows[0].size,
            time.perf_counter() - t0,
            slices,
        )
        return rows, crowded, lasts

    def _tasks(self, groups: list[list[InputFile]], options: PipelineOptions) -> Any:
        """One task per group of files, each reading and extracting its files."""
        return self.context.parallelize(groups, len(groups)).mapPartitions(
            partial(_process_groups, options=options), preservesPartitioning=True
        )

    def _task_writes(self, store: Store, groups: list[list[InputFile]], options: PipelineOptions) -> list[Written]:
        """PostgreSQL: the tasks run in parallel and keep their results; then each writes its own, in input order."""
        from pyspark import StorageLevel

        rdd = self._tasks(groups, options).persist(StorageLevel.MEMORY_AND_DISK)
        try:
            rdd.count()  # every task's reading and extraction, in parallel
            writer = partial(write_partition, store.url)
            written: list[Written] = []
            for k in range(len(groups)):
                written += self.context.runJob(rdd, writer, [k])
        finally:
            rdd.unpersist()
        return written


def _driver_writes(store: Store, results: list[FileResult], options: PipelineOptions) -> list[Written]:
    """SQLite: a wave's results written here in input order, ``PipelineOptions.batch_size`` articles per
    transaction."""
    written = []
    batch: list[FileResult] = []
    held = 0
    for r in results:
        batch.append(r)
        held += len(r.articles)
        if held >= options.batch_size:
            written.append(store_results(store, batch))
            batch, held = [], 0
    if batch:
        written.append(store_results(store, batch))
    return written


def _process_groups(groups: Iterator[list[InputFile]], options: PipelineOptions) -> Iterator[FileResult]:
    """A task: the files of its groups, read and extracted."""
    for group in groups:
        yield from process_files(group, options)
