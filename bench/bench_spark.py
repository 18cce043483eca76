"""Batch mode on Spark against one process: Timeline17 ingested and analysed into SQLite, wall time, articles/s and
peak memory; and the duplicate search in Spark tasks against the driver's dedupe step.

    SPARK_LOCAL_IP=127.0.0.1 .venv/bin/python bench/bench_spark.py [DATASET] [--masters local[1] local[2]] [--nlp]
    SPARK_LOCAL_IP=127.0.0.1 .venv/bin/python bench/bench_spark.py --dedupe-only [--masters ...]
    SPARK_LOCAL_IP=127.0.0.1 .venv/bin/python bench/bench_spark.py --dedupe-step [--masters ...]
    SPARK_LOCAL_IP=127.0.0.1 .venv/bin/python bench/bench_spark.py --passages [--masters ...]
    SPARK_LOCAL_IP=127.0.0.1 .venv/bin/python bench/bench_spark.py --timelines [--masters ...]
    SPARK_LOCAL_IP=127.0.0.1 .venv/bin/python bench/bench_spark.py --scale 50000 --stage-only [--masters ...] [--keep DIR]
    SPARK_LOCAL_IP=127.0.0.1 .venv/bin/python bench/bench_spark.py --corpus-steps DIR/local[2].db [--dedupe-chunk N]

DATASET defaults to ../shared/datasets/timeline17/Timeline17, read at run time (via ../shared/eval/datasets_to_text.py)
and written to a temporary folder as one JSONL file per topic (as bench_tls_common.py does): 17 files, each a task.
Nothing of it enters the repository. Modes: `run` in one process (workers=1), then `storyline batch` on each
master; each into a fresh SQLite file, each in a fresh Python process (so each driver's peak RSS is its own). A batch
run's time excludes starting Spark (printed apart). Each store's export must equal the single process's (printed).
Fast mode unless --nlp. ``--scale N`` reads N articles of ``bench/scale_corpus.py`` (Timeline17 perturbed at run
time) instead, written as JSONL files of ``SCALE_FILE`` articles. ``--stage-only`` times only the per-article stages
(read, parse, fast-mode extraction, rows stored): ``ingest`` and the analyse job's extraction step in one process,
``SparkBatch.stage`` on each master; no dedupe or later step (their driver figures are elsewhere in BENCHMARKS.md);
the stored articles and analyses must be the same (a digest over them).

Memory: the driver's peak RSS (``getrusage``); on Spark also the largest peak RSS of a Python worker and of the JVM
(``VmHWM`` of the driver's descendant processes, read before the session stops: in local mode the JVM is the
executor too). Each mode also times its dedupe step apart (``dedupe_pending``, as ``analyse`` runs it first: the
duplicate search, passages and the index) and the single process ``dedupe.find_duplicates`` alone; a batch run's
dedupe step takes its duplicates and passages' spans from the searches in Spark tasks (``SparkBatch.duplicates``,
``batch.neardup``; ``SparkBatch.spans``, ``batch.passages``), as ``run_batch`` does, and the duplicate search is
timed inside it. ``--dedupe-only`` times the duplicate search alone: ``find_duplicates`` in this process against
the search in Spark tasks on each master, over articles held in tasks. ``--dedupe-step`` times the dedupe step alone
on a store of the dataset ingested once (no extraction): from scratch in this process, then on each master with the
duplicate and passage searches in Spark tasks (twice: the first also starts the Python workers), each on a fresh
copy of the store; the duplicates and passages stored must be the same.
``--passages`` times the passage search alone on the dataset's articles: in this process ``Passages``'s own pairing
and growing (``_rows``, the part ``batch.passages`` distributes) and the whole ``run``; on each master the search in
Spark tasks (``span_search``, twice) and ``run`` given its rows; the passages must be the same.
``--keep DIR`` keeps each mode's store (named after the mode). ``--corpus-steps DB`` times a batch's corpus-wide
steps alone (the dedupe step with both searches in Spark tasks, then the rest of ``analyse`` with the Spark runner)
on a copy of DB, a store whose per-article stages are done (``--stage-only --keep``), on each master.
``--timelines`` times the timeline step alone (every story's timeline built, ``stages.story_timeline`` per story
through the runner) on copies of one analysed store whose timelines were dropped: in this process, over a pool of
2 local processes, and on each master (twice); the wall time is the step's lap of the ``analyse:`` log line
(reading the stories' articles and date mentions on the driver included), and the timelines must be the same.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import logging
import os
import re
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from functools import partial
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared"
sys.path.insert(0, str(SHARED / "eval"))

from pyspark import StorageLevel  # noqa: E402

from storyline.batch.neardup import near_duplicates  # noqa: E402
from storyline.batch.partition import read_articles, split  # noqa: E402
from storyline.batch.passages import span_search  # noqa: E402
from storyline.batch.spark import SparkBatch, session  # noqa: E402
from storyline.dedupe import DedupeOptions, DuplicateSearch, SpanSearch, find_duplicates  # noqa: E402
from storyline.dedupe.index import Corpus  # noqa: E402
from storyline.dedupe.passages import Passages  # noqa: E402
from storyline.ingest import InputFile, discover  # noqa: E402
from storyline.pipeline import InlineRunner, PipelineOptions, ProcessRunner, Runner, analyse, ingest  # noqa: E402
from storyline.pipeline.jobs import DEDUPE_CHUNK, dedupe_pending  # noqa: E402
from storyline.query import export  # noqa: E402
from storyline.records import Article, Duplicate  # noqa: E402
from storyline.store import SQLiteStore  # noqa: E402


def write_jsonl(dataset: Path, folder: Path) -> int:
    """The dataset's non-empty articles as one JSONL file per topic (published = the InputDocs date folder)."""
    try:
        from datasets_to_text import load_t17  # type: ignore[import-not-found]
    except ImportError:
        sys.exit(f"{SHARED}/eval/datasets_to_text.py not found")
    docs = load_t17(dataset)
    lines: dict[str, list[str]] = {}
    for d in docs:
        rec = {"text": d.text, "url": d.doc_id, "published": d.date, "outlet": d.source}
        lines.setdefault(d.story, []).append(json.dumps(rec, ensure_ascii=False))
    for story, rows in lines.items():
        (folder / f"{story}.jsonl").write_text("\n".join(rows) + "\n", encoding="utf-8")
    return len(docs)


SCALE_FILE = 2_500  # articles per JSONL file with --scale: tasks take whole files


def write_scaled(n: int, folder: Path) -> int:
    """``n`` articles of ``bench/scale_corpus.py`` as JSONL files of ``SCALE_FILE`` articles."""
    sys.path.insert(0, str(ROOT / "bench"))
    import scale_corpus  # type: ignore[import-not-found]

    out = None
    for k, rec in enumerate(scale_corpus.articles(n)):
        if k % SCALE_FILE == 0:
            if out is not None:
                out.close()
            out = (folder / f"s{k // SCALE_FILE:04d}.jsonl").open("w", encoding="utf-8")
        out.write(json.dumps(rec, ensure_ascii=False) + "\n")
    if out is not None:
        out.close()
    return n


def stored_digest(db: Path) -> str:
    """A digest of the stored articles and their analyses (date mentions, mentions, quotes), in id order."""
    store = SQLiteStore(db)
    ids = sorted(store.article_ids())
    h = hashlib.sha256()
    for at in range(0, len(ids), 2_000):
        chunk = ids[at : at + 2_000]
        for part in (store.articles(chunk), store.date_mentions(chunk), store.mentions(chunk), store.quotes(chunk)):
            h.update(repr(sorted(map(repr, part))).encode())
    store.close()
    return h.hexdigest()[:16]


def whole_digest(db: Path) -> str:
    """``stored_digest`` and digests of the duplicates, passages, events and stories a whole run stored."""
    store = SQLiteStore(db)
    parts = {
        "duplicates": sorted((d.article, d.duplicate_of) for d in store.duplicates()),
        "passages": sorted((p.id, p.articles) for p in store.passages()),
        "events": sorted(tuple(sorted(e.articles)) for e in store.events()),
        "stories": sorted(tuple(sorted(s.events)) for s in store.stories()),
    }
    store.close()
    out = [f"articles {stored_digest(db)}"]
    for name, rows in parts.items():
        out.append(f"{name} {len(rows):,} {hashlib.sha256(repr(rows).encode()).hexdigest()[:16]}")
    return "; ".join(out)


def single_stage(folder: Path, db: Path, options: PipelineOptions) -> dict[str, Any]:
    """Read, store and extract in one process: ``ingest``, then the analyse job's extraction step alone."""
    from storyline.pipeline.jobs import _Analyse
    from storyline.progress import steps

    store = SQLiteStore(db)
    t0 = time.perf_counter()
    report = ingest(store, [str(folder)], options)
    t1 = time.perf_counter()
    _Analyse(store, options, InlineRunner(), steps(None), None, None).extract()
    t2 = time.perf_counter()
    store.close()
    times = {"read and store": t1 - t0, "extract": t2 - t1, "total": t2 - t0}
    return {"n": report.new, "times": times, "driver": _peak_self()}


def batch_stage(folder: Path, db: Path, options: PipelineOptions, master: str) -> dict[str, Any]:
    """The per-article stages as Spark tasks (``SparkBatch.stage``), results stored by the driver (SQLite)."""
    t0 = time.perf_counter()
    with session(master) as spark:
        t1 = time.perf_counter()
        store = SQLiteStore(db)
        files = [f for f in discover([str(folder)]) if isinstance(f, InputFile)]
        report = SparkBatch(spark).stage(store, files, options)
        t2 = time.perf_counter()
        workers, jvm = _peak_descendants()
        store.close()
    times = {"spark start": t1 - t0, "tasks (read, extract, write)": t2 - t1, "total": t2 - t1}
    return {"n": report.new, "times": times, "driver": _peak_self(), "worker": workers, "jvm": jvm}


def single(folder: Path, db: Path, options: PipelineOptions) -> dict[str, Any]:
    store = SQLiteStore(db)
    t0 = time.perf_counter()
    report = ingest(store, [str(folder)], options)
    t1 = time.perf_counter()
    dedupe_pending(store, options.dedupe, chunk=options.dedupe_chunk)
    t2 = time.perf_counter()
    analyse(store, options)
    t3 = time.perf_counter()
    articles = store.articles(store.article_ids())
    t4 = time.perf_counter()
    find_duplicates(articles, options.dedupe)
    t5 = time.perf_counter()
    store.close()
    times = {"read": t1 - t0, "dedupe step": t2 - t1, "rest of analyse": t3 - t2, "total": t3 - t0}
    return {"n": report.new, "times": times, "find_duplicates": t5 - t4, "driver": _peak_self()}


def batch(folder: Path, db: Path, options: PipelineOptions, master: str) -> dict[str, Any]:
    """A whole batch: the per-article stages as Spark tasks, then its corpus-wide steps (``_corpus_wide``)."""
    t0 = time.perf_counter()
    with session(master) as spark:
        t1 = time.perf_counter()
        store = SQLiteStore(db)
        job = SparkBatch(spark)
        files = [f for f in discover([str(folder)]) if isinstance(f, InputFile)]
        report = job.stage(store, files, options)
        t2 = time.perf_counter()
        steps = _corpus_wide(store, job, options)
        store.close()
    times = {"spark start": t1 - t0, "tasks (read, extract, write)": t2 - t1, **steps.pop("times")}
    times["total"] = time.perf_counter() - t1
    return {"n": report.new, "times": times, **steps}


def corpus_steps(db: Path, options: PipelineOptions, master: str) -> dict[str, Any]:
    """A batch's corpus-wide steps alone (``_corpus_wide``), on a store whose articles are stored and extracted
    (``--stage-only --keep``)."""
    t0 = time.perf_counter()
    with session(master) as spark:
        t1 = time.perf_counter()
        store = SQLiteStore(db)
        steps = _corpus_wide(store, SparkBatch(spark), options)
        n = len(store.article_ids())
        store.close()
    times = {"spark start": t1 - t0, **steps.pop("times")}
    times["total"] = time.perf_counter() - t1
    return {"n": n, "times": times, **steps}


def _corpus_wide(store: SQLiteStore, job: SparkBatch, options: PipelineOptions) -> dict[str, Any]:
    """What ``run_batch`` runs after its tasks: the dedupe step with both searches in Spark tasks (each timed),
    then the rest of ``analyse`` with the Spark runner; the peak memory of the workers and the JVM."""
    search, searched = timed(job.duplicates)
    spans, paired = timed_spans(job.spans)
    t0 = time.perf_counter()
    dedupe_pending(store, options.dedupe, chunk=options.dedupe_chunk, search=search, spans=spans)
    t1 = time.perf_counter()
    analyse(store, options, runner=job.runner)
    t2 = time.perf_counter()
    workers, jvm = _peak_descendants()
    return {
        "times": {"dedupe step": t1 - t0, "rest of analyse": t2 - t1},
        "neardup": sum(searched),
        "passage search": sum(paired),
        "driver": _peak_self(),
        "worker": workers,
        "jvm": jvm,
    }


def timed(search: DuplicateSearch) -> tuple[DuplicateSearch, list[float]]:
    """``search``, and the list its calls' wall times go to."""
    took: list[float] = []

    def run(articles: Sequence[Article], options: DedupeOptions) -> list[Duplicate]:
        t0 = time.perf_counter()
        found = search(articles, options)
        took.append(time.perf_counter() - t0)
        return found

    return run, took


def timed_spans(search: SpanSearch) -> tuple[SpanSearch, list[float]]:
    """``search``, and the list its calls' wall times go to."""
    took: list[float] = []

    def run(corpus: Corpus) -> Any:
        t0 = time.perf_counter()
        found = search(corpus)
        took.append(time.perf_counter() - t0)
        return found

    return run, took


def dedupe_step(folder: Path, masters: list[str], options: PipelineOptions, tmp: Path) -> None:
    """The dedupe step from scratch on copies of one ingested store: in this process, then with the duplicate
    search in Spark tasks on each master (twice)."""
    base = tmp / "ingested.db"
    store = SQLiteStore(base)
    n = ingest(store, [str(folder)], options).new
    store.close()

    def step(search: DuplicateSearch | None, spans: SpanSearch | None = None) -> tuple[float, Any]:
        db = tmp / "step.db"
        shutil.copy(base, db)
        store = SQLiteStore(db)
        t0 = time.perf_counter()
        dedupe_pending(store, options.dedupe, search=search, spans=spans)
        took = time.perf_counter() - t0
        stored = (store.duplicates(), store.passages())
        store.close()
        db.unlink()
        return took, stored

    took, want = step(None)
    store = SQLiteStore(base)
    articles = store.articles()
    store.close()
    t0 = time.perf_counter()
    find_duplicates(articles, options.dedupe)
    alone = time.perf_counter() - t0
    print(
        f"one process      dedupe step {took:.1f} s ({n} articles, {len(want[0])} duplicates, {len(want[1])} "
        f"passages); find_duplicates alone {alone:.1f} s",
        flush=True,
    )
    for master in masters:
        with session(master) as spark:
            job = SparkBatch(spark)
            for run in range(2):  # the first run also starts the Python workers
                search, searched = timed(job.duplicates)
                spans, paired = timed_spans(job.spans)
                took, got = step(search, spans)
                print(
                    f"batch {master:<10} dedupe step {took:.1f} s, of which the duplicate search in Spark tasks "
                    f"{sum(searched):.1f} s and the passage search {sum(paired):.1f} s (run {run + 1}; same "
                    f"duplicates and passages: {got == want})",
                    flush=True,
                )


class _Lines(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.INFO)
        self.lines: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.lines.append(record.getMessage())


_TIMELINE_LAP = re.compile(r"timelines \((\d+) of (\d+) rebuilt[^)]*\) ([\d.]+) s")


def timelines_step(folder: Path, masters: list[str], options: PipelineOptions, tmp: Path) -> None:
    """The timeline step alone on copies of one analysed store with its timelines dropped: in this process, over a
    pool of local processes, then on each master (twice)."""
    base = tmp / "analysed.db"
    store = SQLiteStore(base)
    ingest(store, [str(folder)], options)
    analyse(store, options)
    want = {s: store.timeline(s) for s in sorted(store.timeline_stories())}
    store.close()
    lines = _Lines()
    logging.getLogger("storyline.pipeline").addHandler(lines)
    logging.getLogger("storyline.pipeline").setLevel(logging.INFO)

    def step(runner: Runner) -> tuple[str, bool]:
        db = tmp / "step.db"
        shutil.copy(base, db)
        store = SQLiteStore(db)
        store.drop_timelines(store.timeline_stories())
        lines.lines.clear()
        analyse(store, options, runner=runner)
        got = {s: store.timeline(s) for s in sorted(store.timeline_stories())}
        store.close()
        db.unlink()
        lap = next(m for m in map(_TIMELINE_LAP.search, lines.lines) if m)
        return f"{float(lap[3]):.1f} s ({lap[1]} of {lap[2]} stories rebuilt)", got == want

    took, same = step(InlineRunner())
    print(f"one process      timeline step {took}; same timelines: {same}", flush=True)
    with ProcessRunner(2, min_items=1) as pool:
        for run in range(2):
            took, same = step(pool)
            print(f"2 processes      timeline step {took} (run {run + 1}); same timelines: {same}", flush=True)
    for master in masters:
        with session(master) as spark:
            runner = SparkBatch(spark).runner
            for run in range(2):  # the first run also starts the Python workers
                took, same = step(runner)
                print(f"batch {master:<10} timeline step {took} (run {run + 1}); same timelines: {same}", flush=True)


def dedupe_only(folder: Path, masters: list[str], options: PipelineOptions) -> None:
    """``find_duplicates`` here, then ``near_duplicates`` on each master over the articles read and held in tasks."""
    files = [f for f in discover([str(folder)]) if isinstance(f, InputFile)]
    held = list(read_articles(files, options))
    t0 = time.perf_counter()
    want = find_duplicates(held, options.dedupe)
    print(f"one process      find_duplicates {time.perf_counter() - t0:.1f} s ({len(want)} duplicates)", flush=True)
    for master in masters:
        with session(master) as spark:
            context = spark.sparkContext
            groups = split(files, context.defaultParallelism)
            articles = context.parallelize(groups, len(groups)).flatMap(partial(read_articles, options=options))
            articles = articles.persist(StorageLevel.MEMORY_AND_DISK)
            articles.count()
            times = []
            for _ in range(2):  # the first run also starts the Python workers
                t0 = time.perf_counter()
                found = near_duplicates(articles, options.dedupe)
                times.append(time.perf_counter() - t0)
            runs = ", ".join(f"{t:.1f} s" for t in times)
            print(f"batch {master:<10} near_duplicates {runs} (same: {found == want})", flush=True)


def passages(folder: Path, masters: list[str], options: PipelineOptions) -> None:
    """``Passages`` of the articles in this process, then with its pairing and growing in Spark tasks on each master."""
    files = [f for f in discover([str(folder)]) if isinstance(f, InputFile)]
    corpus = Corpus(list(read_articles(files, options)), options.dedupe)
    t0 = time.perf_counter()
    rows = Passages(corpus)._rows()
    t1 = time.perf_counter()
    want = Passages(corpus).run()
    t2 = time.perf_counter()
    print(
        f"one process      pairing and growing {t1 - t0:.1f} s ({rows[0].size} spans); whole run {t2 - t1:.1f} s "
        f"({len(corpus.articles)} articles, {len(want)} passages)",
        flush=True,
    )
    for master in masters:
        with session(master) as spark:
            context = spark.sparkContext
            slices = max(1, context.defaultParallelism * 4)
            times = []
            for _ in range(2):  # the first run also starts the Python workers
                t0 = time.perf_counter()
                found = span_search(context, slices)(corpus)
                times.append(time.perf_counter() - t0)
            t0 = time.perf_counter()
            got = Passages(corpus, search=partial(_given, found)).run()
            rest = time.perf_counter() - t0
            runs = ", ".join(f"{t:.1f} s" for t in times)
            print(
                f"batch {master:<10} search in Spark tasks {runs}; run given its rows {rest:.1f} s "
                f"(same passages: {got == want})",
                flush=True,
            )


def _given(found: Any, _corpus: Corpus) -> Any:
    """A passage search that is rows found already."""
    return found


def _peak_self() -> int:
    """This process's peak resident set, bytes (Linux reports KiB)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024


def _peak_descendants() -> tuple[int, int]:
    """The largest peak resident set (bytes) of a Python worker among this process's descendants, and of a JVM."""
    children: dict[int, list[int]] = {}
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                stat = Path(f"/proc/{entry}/stat").read_text()
            except OSError:
                continue
            ppid = int(stat.rsplit(")", 1)[1].split()[1])
            children.setdefault(ppid, []).append(int(entry))
    todo, seen = [os.getpid()], []
    while todo:
        pid = todo.pop()
        for c in children.get(pid, []):
            seen.append(c)
            todo.append(c)
    worker = jvm = 0
    for pid in seen:
        try:
            cmd = Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ")
            status = Path(f"/proc/{pid}/status").read_text()
        except OSError:
            continue
        hwm = next((int(line.split()[1]) * 1024 for line in status.splitlines() if line.startswith("VmHWM")), 0)
        program = Path(cmd.split(b" ", 1)[0].decode(errors="replace")).name
        if program == "java":
            jvm = max(jvm, hwm)
        elif b"pyspark.daemon" in cmd or b"pyspark.worker" in cmd:
            worker = max(worker, hwm)
    return worker, jvm


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("dataset", nargs="?", type=Path, default=SHARED / "datasets" / "timeline17" / "Timeline17")
    parser.add_argument("--masters", nargs="+", default=["local[1]", "local[2]"])
    parser.add_argument("--nlp", action="store_true", help="spaCy NER (default: fast mode)")
    parser.add_argument("--dedupe-only", action="store_true", help="time the duplicate search alone")
    parser.add_argument("--dedupe-step", action="store_true", help="time the dedupe step alone, from scratch")
    parser.add_argument("--passages", action="store_true", help="time the passage search alone")
    parser.add_argument("--timelines", action="store_true", help="time the timeline step alone")
    parser.add_argument("--scale", type=int, help="N articles of bench/scale_corpus.py instead of the dataset")
    parser.add_argument("--stage-only", action="store_true", help="time the per-article stages alone")
    parser.add_argument(
        "--no-single", action="store_true", help="skip the one-process run (the first master is the reference)"
    )
    parser.add_argument(
        "--dedupe-chunk", type=int, default=DEDUPE_CHUNK, help="articles the dedupe step indexes at once (whole runs)"
    )
    parser.add_argument(
        "--keep", type=Path, help="keep each mode's store in this folder (named after the mode), not deleted"
    )
    parser.add_argument(
        "--corpus-steps",
        type=Path,
        metavar="DB",
        help="time a batch's corpus-wide steps alone on a copy of DB, a store of --stage-only --keep",
    )
    parser.add_argument("--child", nargs=3, metavar=("MODE", "FOLDER", "DB"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    options = PipelineOptions(use_nlp=args.nlp, workers=1, dedupe_chunk=args.dedupe_chunk)
    if args.child:  # one mode in this process: its figures as one JSON line
        mode, folder, db = args.child
        if args.scale and not args.stage_only:  # a long run: its steps' log lines as they end
            logging.basicConfig(level=logging.INFO, format="%(asctime)s %(message)s", stream=sys.stderr)
        if args.corpus_steps:
            out = corpus_steps(Path(db), options, mode)
        elif args.stage_only:
            out = (
                single_stage(Path(folder), Path(db), options)
                if mode == "single"
                else batch_stage(Path(folder), Path(db), options, mode)
            )
        else:
            out = (
                single(Path(folder), Path(db), options)
                if mode == "single"
                else batch(Path(folder), Path(db), options, mode)
            )
        print(json.dumps(out), flush=True)
        return
    if args.corpus_steps:
        for mode in args.masters:
            with tempfile.TemporaryDirectory(dir=args.corpus_steps.parent) as tmp:
                db = Path(tmp) / "steps.db"
                shutil.copyfile(args.corpus_steps, db)
                flags = [f"--dedupe-chunk={args.dedupe_chunk}", f"--corpus-steps={args.corpus_steps}"]
                if args.scale:
                    flags.append(f"--scale={args.scale}")
                cmd = [sys.executable, __file__, *flags, "--child", mode, tmp, str(db)]
                line = subprocess.run(cmd, check=True, stdout=subprocess.PIPE, text=True).stdout.strip()
                print(f"stored rows of {mode}: {whole_digest(db)}", flush=True)
                _row(f"batch {mode}", json.loads(line.splitlines()[-1]), None)  # its digests are printed above
        return
    if not args.dataset.is_dir():
        sys.exit(f"{args.dataset} not found")
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp) / "in"
        folder.mkdir()
        docs = write_scaled(args.scale, folder) if args.scale else write_jsonl(args.dataset, folder)
        print(f"{docs} articles in {len(list(folder.iterdir()))} JSONL files; {'nlp' if args.nlp else 'fast'} mode")
        if args.dedupe_only:
            dedupe_only(folder, args.masters, options)
            return
        if args.passages:
            passages(folder, args.masters, options)
            return
        if args.dedupe_step:
            dedupe_step(folder, args.masters, options, Path(tmp))
            return
        if args.timelines:
            timelines_step(folder, args.masters, options, Path(tmp))
            return
        want = ""
        for mode in [*([] if args.no_single else ["single"]), *args.masters]:
            db = Path(tmp) / f"{mode}.db"
            flags = ["--nlp"] if args.nlp else []
            flags += ["--stage-only"] if args.stage_only else []
            flags += [f"--dedupe-chunk={args.dedupe_chunk}"]
            flags += [f"--scale={args.scale}"] if args.scale else []
            cmd = [sys.executable, __file__, *flags, "--child", mode, str(folder), str(db)]
            line = subprocess.run(cmd, check=True, stdout=subprocess.PIPE, text=True).stdout.strip().splitlines()[-1]
            if args.stage_only or args.scale:  # a scaled store's export is too large to hold: digests and counts
                got = stored_digest(db) if args.stage_only else whole_digest(db)
                print(f"stored rows of {mode}: {got}", flush=True)
            else:
                got = json.dumps(export(SQLiteStore(db)), sort_keys=True)
            if args.keep:
                args.keep.mkdir(parents=True, exist_ok=True)
                shutil.move(db, args.keep / db.name)
            else:
                db.unlink()  # a large store is not kept beside the next one
            want = want or got
            _row("one process" if mode == "single" else f"batch {mode}", json.loads(line), got == want)


def _row(name: str, r: dict[str, Any], same: bool | None) -> None:
    """One mode's figures; ``same``: whether its store equals the reference's (None: nothing compared)."""
    n, times = r["n"], r["times"]
    parts = ", ".join(f"{k} {v:.1f} s" for k, v in times.items())
    compared = "" if same is None else f"; same export: {same}"
    print(f"{name:<16} {n} articles, {n / times['total']:.1f} articles/s; {parts}{compared}", flush=True)
    mem = f"driver {_mib(r['driver'])}"
    if "worker" in r:
        mem += f", Python worker {_mib(r['worker'])}, JVM {_mib(r['jvm'])}"
    if "neardup" in r:
        mem += f"; of the dedupe step, the duplicate search in Spark tasks {r['neardup']:.1f} s"
    if "passage search" in r:
        mem += f", the passage search {r['passage search']:.1f} s"
    elif "find_duplicates" in r:
        mem += f"; find_duplicates alone {r['find_duplicates']:.1f} s"
    print(f"{'':<16} peak RSS: {mem}", flush=True)


def _mib(b: int) -> str:
    return f"{b / 2**20:.0f} MiB"


if __name__ == "__main__":
    main()
