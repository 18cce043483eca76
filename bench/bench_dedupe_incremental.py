"""Locality of incremental dedupe on Timeline17: how much one added article re-derives, and how long it takes.

    nice -n 5 .venv/bin/python bench/bench_dedupe_incremental.py [--k 20] [--seed 0] [--db PATH] [--n N] [--check]

Loads the T17 articles (``bench_dedupe.load``: ../shared/datasets/timeline17 at run time, nothing written to the
repository), holds K of them out (seeded random), indexes the rest into a fresh SQLite store with one
``pipeline.update_dedupe`` call (timed), then adds the K held-out articles one at a time and reports, for each,
how many article ids ``update_dedupe`` re-derived and the wall time. ``--check`` compares the final store with
``dedupe.dedupe`` over every article. ``--n`` keeps the first N articles only (for quick runs).
The last line is the headline.
"""

from __future__ import annotations

import argparse
import math
import os
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench_dedupe import load

from storyline.dedupe import REBUILD_FRACTION, dedupe, order_duplicates, order_passages, update
from storyline.pipeline import update_dedupe
from storyline.store import SQLiteStore


def _p95(values: list[float]) -> float:
    """The 95th percentile, nearest rank (with K = 20 adds: the second largest)."""
    ordered = sorted(values)
    return ordered[max(0, -(-95 * len(ordered) // 100) - 1)]


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--k", type=int, default=20, help="articles held out and added one at a time")
    ap.add_argument("--seed", type=int, default=0, help="seed for choosing the held-out articles")
    ap.add_argument("--db", default=None, help="SQLite file to create (default: one in a temporary directory)")
    ap.add_argument("--n", type=int, default=None, help="use only the first N T17 articles")
    ap.add_argument("--check", action="store_true", help="compare the final store with dedupe() over all articles")
    ap.add_argument(
        "--no-outlets",
        action="store_true",
        help="leave outlets unset (ingest sets them; without them no text counts as one outlet's furniture)",
    )
    ap.add_argument("--batch", action="store_true", help="add the K held-out articles in one batch, not one at a time")
    ap.add_argument(
        "--never-rebuild",
        action="store_true",
        help="keep a large batch on the incremental path (dedupe.update rebuild_fraction=inf)",
    )
    args = ap.parse_args()

    t0 = time.perf_counter()
    articles = load(outlets=not args.no_outlets)
    if args.n is not None:
        articles = articles[: args.n]
    if len(articles) <= args.k:
        sys.exit(f"only {len(articles)} articles: nothing left after holding out {args.k}")
    print(f"loaded {len(articles)} T17 articles in {time.perf_counter() - t0:.1f} s", flush=True)
    held = random.Random(args.seed).sample(articles, args.k)
    held_ids = {a.id for a in held}
    base = [a for a in articles if a.id not in held_ids]

    tmp = tempfile.TemporaryDirectory()
    db = args.db or os.path.join(tmp.name, "dedupe_incremental.db")
    if os.path.exists(db):
        sys.exit(f"{db} exists: give a new path (the benchmark builds its store from scratch)")
    store = SQLiteStore(db)
    try:
        store.add_articles(base)
        t0 = time.perf_counter()
        first = update_dedupe(store, base)
        t_base = time.perf_counter() - t0
        print(f"indexed {len(base)} articles at once in {t_base:.1f} s ({len(first)} derived)", flush=True)

        counts: list[int] = []
        times: list[float] = []
        if args.batch:
            store.add_articles(held)
            t0 = time.perf_counter()
            fraction = math.inf if args.never_rebuild else REBUILD_FRACTION
            with store.atomic():
                store.lock_writes()
                delta = update(store.dedupe_index(), held, rebuild_fraction=fraction)
                if delta is not None:
                    store.apply_dedupe(delta)
            rederived = list(delta.rederived) if delta is not None else []
            el = time.perf_counter() - t0
            counts.append(len(rederived))
            times.append(el)
            held = []
            print(
                f"batch of {args.k} ({'incremental path' if args.never_rebuild else 'default'}): "
                f"re-derived {len(rederived)} in {el:.1f} s",
                flush=True,
            )
        for n, a in enumerate(held, 1):
            store.add_articles([a])
            t0 = time.perf_counter()
            rederived = update_dedupe(store, [a])
            el = time.perf_counter() - t0
            counts.append(len(rederived))
            times.append(el)
            print(
                f"add {n:2d}/{args.k} {a.id[:60]:60s} published {a.published or '-':10s} "
                f"re-derived {len(rederived):5d}  {el:6.2f} s",
                flush=True,
            )

        if args.check:
            t0 = time.perf_counter()
            by_id = {a.id: a for a in store.articles()}
            got = (order_duplicates(store.duplicates(), by_id), order_passages(store.passages(), by_id))
            want = dedupe(articles)
            equal = got == want
            print(
                f"check: store {'EQUALS' if equal else 'DIFFERS FROM'} dedupe(all) "
                f"({len(want[0])} duplicates, {len(want[1])} passages; stored {len(got[0])}, {len(got[1])}) "
                f"in {time.perf_counter() - t0:.1f} s",
                flush=True,
            )
        size = len(store.article_ids())
    finally:
        store.close()
        tmp.cleanup()

    if args.batch:
        print(
            f"incremental dedupe on T17: one batch of {args.k} "
            f"({'incremental path' if args.never_rebuild else 'default: rebuilt when >= 5% of the index'}), "
            f"re-derived {counts[0]}, {times[0]:.1f} s (store of {size} articles; initial index of {len(base)} "
            f"in {t_base:.1f} s)"
        )
        return
    print(
        f"incremental dedupe on T17: K={args.k} adds, median re-derived {statistics.median(counts):g}, "
        f"max {max(counts)}, median time {statistics.median(times):.2f} s, p95 {_p95(times):.2f} s "
        f"(store of {size} articles; initial index of {len(base)} in {t_base:.1f} s)"
    )


if __name__ == "__main__":
    main()
