"""Dedupe at scale: the bulk step in chunks (articles/s, peak RSS) and the latency of adding articles to a big store.

    .venv/bin/python bench/bench_dedupe_scale.py build --n 10000 --db /tmp/d10k.db     # store only, no dedupe
    .venv/bin/python bench/bench_dedupe_scale.py bulk --db /tmp/d10k.db [--chunk 2000] [--log | --steps]  # index them (timed)
    .venv/bin/python bench/bench_dedupe_scale.py add --db /tmp/d10k.db --k 1 --reps 20 [--steps]  # add k, reps times

Articles come from ``bench/scale_corpus.py`` (Timeline17 perturbed at run time; nothing of it is committed), or
from a JSON-lines file of the same shape (``--jsonl``). ``build`` stores the first N without indexing them, as an
ingest does. ``bulk`` runs ``pipeline.dedupe_pending`` (what ``storyline analyse`` runs first) on the store, copied
first unless ``--in-place``, and prints wall and CPU time, articles/s and the process's peak RSS (``build`` runs in
its own process, so the figure is the dedupe step's). ``add`` takes articles N, N+1, ... of the same generator (later
"eras": published after everything stored, as a feed brings them), adds them k at a time to a copy of the indexed
store through ``dedupe_pending`` (one transaction each, commit included) and prints p50/p95 per add and per
article, wall and CPU time of the process (on a shared machine CPU is the steadier figure), and whether the store
holds token hashes (migration 16: a store indexed before it re-tokenises its articles' texts); ``--steps`` adds the
update's own step timings and counts. ``--check`` (bulk) compares the store with ``dedupe.dedupe`` over every
article (memory: the whole corpus).
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import re
import resource
import shutil
import statistics
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from storyline.dedupe import DedupeOptions, dedupe, incremental, order_duplicates, order_passages
from storyline.pipeline.jobs import DEDUPE_CHUNK, dedupe_pending
from storyline.records import Article
from storyline.store import SQLiteStore
from storyline.text import text_hash


def _records(n: int, start: int, jsonl: str | None) -> Iterator[dict[str, str]]:
    if jsonl:
        with open(jsonl, encoding="utf-8") as f:
            for k, line in enumerate(f):
                if k >= start + n:
                    return
                if k >= start:
                    yield json.loads(line)
        return
    from scale_corpus import articles

    for k, rec in enumerate(articles(start + n)):
        if k >= start:
            yield rec


def _article(rec: dict[str, str]) -> Article:
    return Article(
        id=rec["id"],
        source=rec["id"],
        text=rec["text"],
        title=rec.get("title"),
        published=rec.get("published"),
        outlet=rec.get("outlet"),
        content_hash=text_hash(rec["text"]),
    )


def _peak_gib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 2**20  # Linux: KiB


def _copy(db: str) -> str:
    fd, path = tempfile.mkstemp(suffix=".db", dir=os.path.dirname(db) or ".")
    os.close(fd)
    shutil.copyfile(db, path)
    return path


def build(args: argparse.Namespace) -> None:
    store = SQLiteStore(args.db)
    batch: list[Article] = []
    for rec in _records(args.n, 0, args.jsonl):
        batch.append(_article(rec))
        if len(batch) >= 1000:
            store.add_articles(batch)
            batch = []
    if batch:
        store.add_articles(batch)
    print(f"stored {len(store.article_ids())} articles in {args.db}")


def _with_peak(record: logging.LogRecord) -> bool:
    record.msg = f"{record.msg} (peak RSS so far {_peak_gib():.2f} GiB)"
    return True


def bulk(args: argparse.Namespace) -> None:
    if args.targets_at_once:
        incremental.TARGETS_AT_ONCE = args.targets_at_once
    if args.log or args.steps:  # each chunk's update as it ends: counts, and the process's peak RSS so far
        logging.basicConfig(level=logging.INFO, format="%(asctime)s %(message)s", stream=sys.stderr)
        logging.getLogger("storyline.dedupe.incremental").addFilter(_with_peak)
    if args.steps:  # and each incremental update's step timings ("dedupe update: step 1 2.56 s, ...")
        logging.getLogger("storyline.dedupe.incremental").setLevel(logging.DEBUG)
    db = args.db if args.in_place else _copy(args.db)
    try:
        store = SQLiteStore(db)
        n = len(store.undeduped_ids())
        wall, cpu = time.perf_counter(), time.process_time()
        changes = dedupe_pending(store, DedupeOptions(), chunk=args.chunk)
        wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
        print(
            f"bulk dedupe, chunk {args.chunk}: {n} articles in {wall:.1f} s wall ({n / wall:.0f}/s), {cpu:.1f} s CPU "
            f"({n / cpu:.0f} per CPU-second); {changes.rederived} re-derived; peak RSS {_peak_gib():.2f} GiB; "
            f"{len(store.duplicates())} duplicates, {len(store.passages())} passages"
        )
        if args.check:
            everything = store.articles()
            by_id = {a.id: a for a in everything}
            dups, passages = dedupe(everything)
            same_d = order_duplicates(store.duplicates(), by_id) == dups
            same_p = order_passages(store.passages(), by_id) == passages
            print(f"equals dedupe() of all {len(everything)}: duplicates {same_d}, passages {same_p}")
            if not (same_d and same_p):
                sys.exit(1)
        store.close()
    finally:
        if not args.in_place:
            os.unlink(db)


def _pct(values: list[float], p: int) -> float:
    ordered = sorted(values)
    return ordered[max(0, -(-p * len(ordered) // 100) - 1)]


class _Steps(logging.Handler):
    """Collects the incremental update's step timings and counts (its debug and info lines), one dict per update."""

    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.updates: list[dict[str, float]] = []

    def emit(self, record: logging.LogRecord) -> None:
        msg = record.getMessage()
        if msg.startswith("dedupe update: "):
            self.updates.append({m[1]: float(m[2]) for m in re.finditer(r"(step \d) ([\d.]+) s", msg)})
        elif msg.startswith("dedupe: ") and "read for windows" in msg and self.updates:
            nums = [int(x) for x in re.findall(r"\d+", msg)]
            names = ("new", "re-derived", "window", "crowding changed", "keys crowding changed", "spans changed")
            self.updates[-1].update(zip((*names, "passages written"), nums))


def _print_steps(handler: _Steps) -> None:
    if not handler.updates:
        return
    names = list(dict.fromkeys(k for u in handler.updates for k in u))
    for name in names:
        values = [u.get(name, 0.0) for u in handler.updates]
        unit = " s" if name.startswith("step") else ""
        fmt = ".2f" if unit else ".0f"
        print(
            f"  {name}: p50 {statistics.median(values):{fmt}}{unit}, p95 {_pct(values, 95):{fmt}}{unit}, "
            f"max {max(values):{fmt}}{unit}"
        )


def add(args: argparse.Namespace) -> None:
    db = _copy(args.db)
    steps = _Steps()
    if args.steps:  # the update's own step timings (wall) and counts, per add
        lg = logging.getLogger("storyline.dedupe.incremental")
        lg.setLevel(logging.DEBUG)
        lg.addHandler(steps)
    try:
        store = SQLiteStore(db)
        size = store.dedupe_index().size()
        if store.undeduped_ids():
            sys.exit(f"{args.db} holds articles the dedupe index does not: run `bulk --in-place` first")
        fresh = [_article(r) for r in _records(args.k * args.reps, args.start or size, args.jsonl)]
        per_add: list[float] = []
        per_cpu: list[float] = []
        rederived: list[int] = []
        for r in range(args.reps):
            part = fresh[r * args.k : (r + 1) * args.k]
            store.add_articles(part)  # as an ingest does; not timed
            t, c = time.perf_counter(), time.process_time()
            changes = dedupe_pending(store, DedupeOptions())
            per_add.append(time.perf_counter() - t)
            per_cpu.append(time.process_time() - c)
            rederived.append(changes.rederived)
        ms = [t * 1000 for t in per_add]
        cpu = [t * 1000 for t in per_cpu]
        tokens = len(store.dedupe_index().tokens(store.article_ids()[:1000]))
        print(f"{args.db}: {tokens} of the first 1,000 stored articles have stored tokens (migration 16)")
        print(
            f"  CPU per add p50 {statistics.median(cpu):.0f} ms, p95 {_pct(cpu, 95):.0f} ms; per article p50 "
            f"{statistics.median(cpu) / args.k:.1f} ms"
        )
        print(
            f"add {args.k} article(s) to {size} indexed, {args.reps} times: per add p50 {statistics.median(ms):.0f} ms, "
            f"p95 {_pct(ms, 95):.0f} ms; per article p50 {statistics.median(ms) / args.k:.1f} ms, "
            f"p95 {_pct(ms, 95) / args.k:.1f} ms; re-derived median {statistics.median(rederived):.0f} "
            f"(max {max(rederived)}); peak RSS {_peak_gib():.2f} GiB"
        )
        _print_steps(steps)
        store.close()
    finally:
        os.unlink(db)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    sub = ap.add_subparsers(dest="cmd", required=True)
    b = sub.add_parser("build", help="store N generated articles (no dedupe)")
    b.add_argument("--n", type=int, required=True)
    b.add_argument("--db", required=True)
    b.add_argument("--jsonl", default=None, help="read articles from this JSON-lines file instead of generating")
    u = sub.add_parser("bulk", help="index every stored article the dedupe index lacks, in chunks (timed)")
    u.add_argument("--db", required=True)
    u.add_argument("--chunk", type=int, default=DEDUPE_CHUNK)
    u.add_argument("--in-place", action="store_true", help="index the store itself (default: a copy)")
    u.add_argument("--check", action="store_true", help="compare with dedupe() over every article")
    u.add_argument(
        "--targets-at-once", type=int, default=None, help="incremental.TARGETS_AT_ONCE for this run (default: its own)"
    )
    u.add_argument("--log", action="store_true", help="log each chunk's update with the peak RSS so far")
    u.add_argument("--steps", action="store_true", help="--log, and each incremental update's step timings")
    a = sub.add_parser("add", help="add k new articles at a time to a copy of an indexed store")
    a.add_argument("--db", required=True)
    a.add_argument("--k", type=int, default=1)
    a.add_argument("--reps", type=int, default=20)
    a.add_argument("--start", type=int, default=0, help="first generated article to add (default: the store's size)")
    a.add_argument("--jsonl", default=None)
    a.add_argument("--steps", action="store_true", help="also print the update's step timings and counts")
    args = ap.parse_args()
    {"build": build, "bulk": bulk, "add": add}[args.cmd](args)


if __name__ == "__main__":
    main()
