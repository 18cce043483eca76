"""T17 timelines through the commands a user runs: `storyline ingest` per topic, then `storyline timeline --everything`.

Protocol (news-tls, as tls_score.py documents it, the same as bench/bench_tls.py): one task per gold timeline; the
topic's articles published within the gold date range; N = gold dates, K = round(mean gold sentences per date);
sentences PTB-tokenised before scoring, as the gold is. Statistical NER off (`--no-nlp`).

For each topic a SQLite store is filled by `storyline ingest TOPIC.jsonl --no-nlp` (a subprocess: ingest and the
whole analyse); then for each of the topic's gold timelines

    storyline timeline --everything --since START --until END --dates N --per-date K --format json --db TOPIC.db

is run and its entries scored: each citation's characters, read from the store, are one predicted sentence.

    .venv/bin/python bench/bench_tls_cli.py [--reuse DIR] [--out pred.json] [--topics bpoil,MJ]

``--reuse DIR`` keeps the stores in DIR and skips the ingest of a topic whose store already holds articles.
The last line is the headline: AR1-F, AR2-F, Date-F1 and the timings.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

import bench_tls_common as _t17

from storyline.store import open_store

# the console script installed next to this interpreter: the command a user runs
STORYLINE = [str(Path(sys.executable).parent / "storyline")]


def topic_of(key: str) -> str:
    """A T17 task key ("bpoil_bbc/bbc.txt") -> its topic ("bpoil"), the name of the JSONL file write_jsonl writes."""
    return key.split("/", 1)[0].split("_", 1)[0]


def ingest(jsonl: Path, db: Path) -> float:
    t0 = time.perf_counter()
    done = subprocess.run(
        [*STORYLINE, "ingest", str(jsonl), "--db", str(db), "--no-nlp"], capture_output=True, text=True
    )
    if done.returncode not in (0, 1):  # 1: some input rejected (T17 has an empty article), the rest stored
        raise SystemExit(f"storyline ingest {jsonl.name} failed ({done.returncode}): {done.stderr[-2000:]}")
    print(f"{jsonl.stem}: {done.stderr.strip().splitlines()[-1] if done.stderr.strip() else ''}", file=sys.stderr)
    return time.perf_counter() - t0


def timeline(db: Path, spec: dict[str, Any]) -> tuple[dict[str, Any], float]:
    t0 = time.perf_counter()
    args = ["--since", spec["start"], "--until", spec["end"], "--dates", str(spec["l"]), "--per-date", str(spec["k"])]
    cmd = [*STORYLINE, "timeline", "--everything", *args, "--format", "json", "--db", str(db)]
    done = subprocess.run(cmd, capture_output=True, text=True)
    if done.returncode != 0:
        raise SystemExit(f"{' '.join(cmd)} failed ({done.returncode}): {done.stderr[-2000:]}")
    (tl,) = json.loads(done.stdout)["timelines"]
    return tl, time.perf_counter() - t0


def predictions(db: Path, tl: dict[str, Any]) -> list[dict[str, Any]]:
    """The command's entries as tls_score reads them: one PTB-tokenised sentence per citation."""
    store = open_store(str(db))
    try:
        cited = sorted({c["article"] for e in tl["entries"] for c in e["citations"]})
        texts = {a.id: a.text for a in store.articles(cited)} if cited else {}
    finally:
        store.close()
    return [
        {
            "date": e["date"],
            "sentences": [_t17.ptb(texts[c["article"]][c["start"] : c["end"]]) for c in e["citations"]],
            "citations": e["citations"],
            "sources": e["sources"],
        }
        for e in tl["entries"]
    ]


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--reuse", default=None, metavar="DIR", help="keep the per-topic stores here (reused when filled)")
    ap.add_argument("--out", default=None, help="write predictions (tls_score.py JSON) here")
    ap.add_argument("--topics", default=None, help="only these topics, comma-separated (a quick check)")
    args = ap.parse_args()
    tmp = tempfile.TemporaryDirectory()
    stores = Path(args.reuse or tmp.name)
    stores.mkdir(parents=True, exist_ok=True)
    specs = _t17.tasks()
    if args.topics:
        keep = set(args.topics.split(","))
        specs = {k: s for k, s in specs.items() if topic_of(k) in keep}
    topics = sorted({topic_of(k) for k in specs})
    times = {"ingest": 0.0, "timelines": 0.0}
    t_all = time.perf_counter()
    articles = 0
    with tempfile.TemporaryDirectory() as jl:
        wanted = [t for t in topics if not _filled(stores / f"{t}.db")]
        if wanted:
            _t17.write_jsonl(Path(jl))
        for topic in wanted:
            times["ingest"] += ingest(Path(jl) / f"{topic}.jsonl", stores / f"{topic}.db")
    preds = {}
    for key, spec in specs.items():
        db = stores / f"{topic_of(key)}.db"
        tl, took = timeline(db, spec)
        times["timelines"] += took
        preds[key] = predictions(db, tl)
    for topic in topics:
        store = open_store(str(stores / f"{topic}.db"))
        articles += len(store.article_ids())
        store.close()
    times["total"] = time.perf_counter() - t_all
    if args.out:
        Path(args.out).write_text(json.dumps(preds, indent=1))
    _t17.report(
        preds,
        specs,
        times,
        f"timelines={times['timelines']:.1f}s ({len(specs)} commands) total={times['total']:.1f}s articles={articles}",
    )
    return 0


def _filled(db: Path) -> bool:
    if not db.exists():
        return False
    store = open_store(str(db))
    try:
        return bool(store.article_ids())
    finally:
        store.close()


if __name__ == "__main__":
    os.environ.setdefault("PYTHONHASHSEED", "0")  # the commands' runs are repeatable (set order never leaks out)
    sys.exit(main())
