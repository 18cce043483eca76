"""Batch mode on Spark against one process: Timeline17 ingested and analysed into SQLite, wall time and articles/s.

    SPARK_LOCAL_IP=127.0.0.1 .venv/bin/python bench/bench_spark.py [DATASET] [--masters local[1] local[2]] [--nlp]

DATASET defaults to ../shared/datasets/timeline17/Timeline17, read at run time (via ../shared/eval/datasets_to_text.py)
and written to a temporary folder as one JSONL file per topic (as bench_tls_common.py does): 17 files, each a task.
Nothing of it enters the repository. Modes: `run` in one process (workers=1), then `storyline batch` on each
master; each into a fresh SQLite file. A batch run's time excludes starting Spark (printed apart). Each store's
export must equal the single process's (printed). Fast mode unless --nlp.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared"
sys.path.insert(0, str(SHARED / "eval"))

from storyline.batch.spark import SparkBatch, session  # noqa: E402
from storyline.ingest import InputFile, discover  # noqa: E402
from storyline.pipeline import PipelineOptions, analyse, ingest  # noqa: E402
from storyline.query import export  # noqa: E402
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


def single(folder: Path, db: Path, options: PipelineOptions) -> tuple[int, dict[str, float]]:
    store = SQLiteStore(db)
    t0 = time.perf_counter()
    report = ingest(store, [str(folder)], options)
    t1 = time.perf_counter()
    analyse(store, options)
    t2 = time.perf_counter()
    store.close()
    return report.new, {"read": t1 - t0, "analyse (extract and corpus-wide)": t2 - t1, "total": t2 - t0}


def batch(folder: Path, db: Path, options: PipelineOptions, master: str) -> tuple[int, dict[str, float]]:
    t0 = time.perf_counter()
    with session(master) as spark:
        t1 = time.perf_counter()
        store = SQLiteStore(db)
        job = SparkBatch(spark)
        files = [f for f in discover([str(folder)]) if isinstance(f, InputFile)]
        report = job.stage(store, files, options)
        t2 = time.perf_counter()
        analyse(store, options, runner=job.runner)
        t3 = time.perf_counter()
        store.close()
    timings = {"spark start": t1 - t0, "tasks (read, extract, write)": t2 - t1, "driver (analyse)": t3 - t2}
    return report.new, {**timings, "total": t3 - t1}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("dataset", nargs="?", type=Path, default=SHARED / "datasets" / "timeline17" / "Timeline17")
    parser.add_argument("--masters", nargs="+", default=["local[1]", "local[2]"])
    parser.add_argument("--nlp", action="store_true", help="spaCy NER (default: fast mode)")
    args = parser.parse_args()
    if not args.dataset.is_dir():
        sys.exit(f"{args.dataset} not found")
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp) / "in"
        folder.mkdir()
        docs = write_jsonl(args.dataset, folder)
        print(f"{docs} articles in {len(list(folder.iterdir()))} JSONL files; {'nlp' if args.nlp else 'fast'} mode")
        options = PipelineOptions(use_nlp=args.nlp, workers=1)
        n, times = single(folder, Path(tmp) / "single.db", options)
        want = json.dumps(export(SQLiteStore(Path(tmp) / "single.db")), sort_keys=True)
        _row("one process", n, times, True)
        for master in args.masters:
            db = Path(tmp) / f"{master}.db"
            n, times = batch(folder, db, options, master)
            _row(f"batch {master}", n, times, json.dumps(export(SQLiteStore(db)), sort_keys=True) == want)


def _row(name: str, n: int, times: dict[str, float], same: bool) -> None:
    parts = ", ".join(f"{k} {v:.1f} s" for k, v in times.items())
    print(f"{name:<16} {n} articles, {n / times['total']:.1f} articles/s; {parts}; same export: {same}", flush=True)


if __name__ == "__main__":
    main()
