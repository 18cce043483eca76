"""Batch mode: the pipeline's per-article stages as tasks of a distributed engine (Spark), writing the store that
``storyline timeline``, ``search``, ``export`` and ``serve`` read.

``run_batch`` runs in three steps:

1. **discover** (driver): the inputs are expanded into files (``ingest.discover``: folders, globs, JSONL, WARC);
   URLs and stdin are for ``storyline ingest``. Only paths are held here, never contents.
2. **read and extract** (tasks): each task reads a group of files with the ingest readers and extracts every
   article with ``stages.extract`` (``partition``), then the results are stored: by each task on PostgreSQL, by
   the driver on SQLite (``spark``). Articles are stored with their analyses, so nothing is extracted twice.
3. **the corpus-wide steps** (driver): ``pipeline.analyse``: dedupe, entity linking, clustering, timelines and
   comparisons. Its extraction step finds nothing left to do; its per-item steps (cluster terms, each story's
   timeline, each event's comparison) go to the engine through ``SparkRunner`` when they are many, and its dedupe
   step's duplicate search from scratch to Spark tasks (``neardup``, below). A story's timeline task gets the
   story's articles, date mentions, duplicate marks and groups of one source from the driver, which reads them
   from the store for the stories to rebuild.

What gathers to the driver, and how large it gets:

- step 2, on SQLite only: two waves of tasks' results at most (the one being written and the next one arriving;
  a wave is articles and analyses of about ``spark.WAVE_TASKS`` x cores x ``partition.SPLIT_BYTES`` of input,
  about 3x that in memory); on PostgreSQL only counts and rejections;
- step 3, all of it: ``pipeline.analyse`` needs what ``storyline run`` needs on the driver for the same store. Its
  dedupe step (duplicates, reused passages and the persistent index) holds the index of up to
  ``jobs.DEDUPE_CHUNK`` articles at once (about 1.7 GiB per 10,000 articles of Timeline17 size, texts and tokens);
  the entity merge one tally row per name key (with the articles naming it) and every quote of the articles new to
  it; the clusterer the state rows it touches (BENCHMARKS.md, "Streaming at scale"). Each grows with the corpus
  (the dedupe index up to its chunk).

The entity merge's input is keyed in the tasks: ``partition.process_file`` makes each article's
``link_incremental.ArticleTally`` (its spellings by name key, counted, and its text's title observations),
``partition.store_results`` sums those of the articles it stored, and ``SparkBatch.tally`` the writes' sums;
``analyse`` takes it (``tally=``) in place of reading the mentions and texts back when it covers exactly the
articles its link step adds (tests/test_batch_spark.py). The merge rules run on the driver over the distinct keys.

``neardup.near_duplicates`` is the duplicate search of the dedupe step in Spark tasks, with the groups
``dedupe.find_duplicates`` makes (tests/test_batch_neardup.py): tokens, MinHash band keys and the exact Jaccard run
in tasks; the driver holds only the pairs that pass and a union-find over the articles in them (Timeline17: 43
duplicates). ``analyse`` is given it (``SparkBatch.duplicates``) for the dedupe step's update from scratch (a store
empty before the batch, or a batch large against it; the first chunk past ``jobs.DEDUPE_CHUNK``), which takes its
records in place of its own search. ``passages.span_rows`` is that update's passage search in Spark tasks, with the
rows ``dedupe.passages.Passages`` finds itself (tests/test_batch_passages.py): postings grouped by winnowed key and
paired, pairs grouped by article pair and grown into maximal spans; ``analyse`` is given it too
(``SparkBatch.spans``), and the corpus's ``Passages`` takes its rows in place of its own pairing and growing. The
index, postings, each span's carriers (``locate``), ``prune`` and the ``Passage`` records are still computed on the
driver, and what gathers there is in ``neardup``'s and ``passages``' docstrings.
"""

from __future__ import annotations

from collections.abc import Sequence

from storyline.errors import StorylineError
from storyline.fetch import is_url
from storyline.ingest import InputFile, discover
from storyline.pipeline import IngestReport, PipelineOptions, analyse
from storyline.progress import Progress
from storyline.records import Rejection
from storyline.store import Store

__all__ = ["ENGINES", "UnknownEngine", "run_batch"]

ENGINES = ("spark",)


class UnknownEngine(StorylineError):
    """A batch engine storyline does not have; names the ones it has."""

    status = 400

    def __init__(self, engine: str) -> None:
        self.engine = engine
        super().__init__(f"unknown batch engine {engine!r}: choose one of {', '.join(ENGINES)}")


def run_batch(
    store: Store,
    paths: Sequence[str],
    options: PipelineOptions = PipelineOptions(),
    *,
    engine: str = "spark",
    master: str | None = None,
    progress: Progress | None = None,
) -> IngestReport:
    """Ingest and analyse ``paths`` into ``store`` with the per-article stages on ``engine``; the result is what
    ``pipeline.run(store, paths, options)`` stores.

    Args:
        store: where to write; a PostgreSQL store is written by the tasks (each opens it from ``store.url``), a
            SQLite one by this process.
        paths: files, folders (recursive) and globs, as for ``storyline ingest``; a URL or ``-`` is rejected.
        options: the pipeline's options; ``use_nlp`` None means spaCy wherever the tasks run has it.
        engine: one of ``ENGINES``.
        master: the engine's cluster (Spark: ``local[2]``, ``spark://host:7077``, ``yarn``; default ``local[*]``,
            or the active session's).
        progress: where the steps report counts (default: the log).

    Returns:
        New and already stored articles, and every rejection (reading, extraction, the later stages).

    Raises:
        UnknownEngine: ``engine`` is not one of ``ENGINES``.
        MissingExtra: the engine's extra is not installed (``storyline[spark]``).
        EngineError: the engine could not start (no Java, say).
    """
    if engine not in ENGINES:
        raise UnknownEngine(engine)
    from storyline.batch import spark

    files, rejected = _inputs(paths)
    with spark.session(master) as session:
        job = spark.SparkBatch(session)
        with store.atomic():
            store.add_rejections(rejected)
        report = job.stage(store, files, options, progress)
        report.rejected[:0] = rejected
        # the dedupe step's duplicate and passage searches, when it indexes from scratch, run in tasks (``neardup``,
        # ``passages``); the link step takes the merge tally the tasks keyed
        report.rejected.extend(
            analyse(
                store,
                options,
                runner=job.runner,
                progress=progress,
                search=job.duplicates,
                spans=job.spans,
                tally=job.tally,
            )
        )
    return report


def _inputs(paths: Sequence[str]) -> tuple[list[InputFile], list[Rejection]]:
    """The files under ``paths`` in ``ingest.read``'s order, and the rejections of what is not one."""
    files: list[InputFile] = []
    rejected: list[Rejection] = []
    for raw in paths:
        if is_url(raw) or raw == "-":
            rejected.append(Rejection(raw, "batch mode reads files: ingest URLs and stdin with `storyline ingest`"))
    for item in discover(p for p in paths if not is_url(p) and p != "-"):
        if isinstance(item, Rejection):
            rejected.append(item)
        else:
            files.append(item)
    return files, rejected
