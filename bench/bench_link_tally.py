"""The link step from scratch on an analysed store, as the driver of a batch runs it, two ways: reading every
mention and text from the store and keying them here (what ``storyline run`` and ``ingest`` do), or adding up the
per-article tallies its tasks keyed (``link_incremental.article_tally``, what ``storyline batch`` does).

    .venv/bin/python bench/bench_link_tally.py --db S.db [--workers 2]
    git archive REV src | tar -x -C OLD && PYTHONPATH=OLD/src .venv/bin/python bench/bench_link_tally.py --db S.db --ways store

S.db is an analysed store, e.g. the one ``storyline ingest --fast`` of ``bench/scale_corpus.py 10000`` writes. Each
way runs in a fresh Python process, so each peak RSS (``getrusage``) is its own:

- ``store``: mentions and texts read from the store, keyed (``link_incremental.tally``), merged
  (``link_state.link_all``, quotes read too);
- ``tasks``: the per-article tallies computed by ``--workers`` worker processes (each reads its share of the
  articles' mentions and texts, as a task has its articles' analyses in hand) and sent to the driver process, which
  adds them up in input order and merges; its time and peak RSS are the driver's, the workers' CPU time apart.

Printed per way: the driver's wall time of the step (reads included), its peak RSS, the entities, and a digest
of the entities, state rows and pairs written; the two digests must be equal. Also the distinct name keys against
the mentions the ``store`` way read.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import resource
import subprocess
import sys
import time
from concurrent.futures import ProcessPoolExecutor
from typing import Any

from storyline.link_state import LinkDelta, link_all
from storyline.store import open_store

try:
    from storyline.link_incremental import ArticleTally, MergeTally, article_tally, tally
except ImportError:  # a tree from before the tallies (``--ways store`` only): link_all takes mentions and texts
    tally = None  # type: ignore[assignment]

CHUNK = 500  # articles per worker call


def _digest(d: LinkDelta) -> str:
    h = hashlib.sha256()
    for e in d.entities:
        h.update(repr(e).encode())
    for k in sorted(d.keys, key=lambda r: r[0]):
        # a tally's spellings are in first-seen order, which the order articles are read in sets
        h.update(repr((k[0], sorted(json.loads(k[1]).items()), sorted(json.loads(k[2]).items()), k[3:])).encode())
    h.update(repr(sorted(d.added)).encode())
    h.update(repr(sorted(d.speakers, key=repr)).encode())
    return h.hexdigest()[:16]


def _parts(db: str, ids: list[str]) -> tuple[list[ArticleTally], float]:
    """A worker: these articles' tallies (their mentions and texts read first, as a task holds them)."""
    store = open_store(db)
    by: dict[str, list[Any]] = {a: [] for a in ids}
    for m in store.mentions(ids):
        by[m.article].append(m)
    texts = {a.id: a.text for a in store.articles(ids)}
    t0 = time.process_time()
    out = [article_tally(a, by[a], texts[a]) for a in ids]
    return out, time.process_time() - t0


def run_way(db: str, way: str, workers: int) -> None:
    store = open_store(db)
    analysed = store.analysed_ids()
    ids = [a for a in store.article_ids() if a in analysed]
    worker_cpu = 0.0
    t0, c0 = time.perf_counter(), time.process_time()
    if way == "store" and tally is None:
        texts = (a.text for i in range(0, len(ids), 2000) for a in store.articles(ids[i : i + 2000]))
        t1 = c1 = 0.0
        delta = link_all(store.mentions(ids), texts, store.quotes(ids))  # type: ignore[call-arg,arg-type]
        t2 = time.perf_counter()
        _print(way, ids, t0, t1, t2, 0.0, 0.0, 0.0, delta, len(delta.keys))
        return
    mentions = 0
    if way == "store":
        texts = (a.text for i in range(0, len(ids), 2000) for a in store.articles(ids[i : i + 2000]))
        read = store.mentions(ids)
        mentions = len(read)
        tallied = tally(read, texts)
        del read
    else:
        tallied = MergeTally()
        chunks = [ids[i : i + CHUNK] for i in range(0, len(ids), CHUNK)]
        with ProcessPoolExecutor(workers) as pool:
            for parts, cpu in pool.map(_parts, [db] * len(chunks), chunks):
                worker_cpu += cpu
                task = MergeTally()  # a task adds its own articles up first (``store_results``)
                for p in parts:
                    task.add(p)
                tallied.add(task)
    t1, c1 = time.perf_counter(), time.process_time()
    delta = link_all(tallied, store.quotes(ids))
    t2 = time.perf_counter()
    _print(way, ids, t0, t1, t2, c0, c1, worker_cpu, delta, len(tallied.keys), mentions)


def _print(
    way: str,
    ids: list[str],
    t0: float,
    t1: float,
    t2: float,
    c0: float,
    c1: float,
    worker_cpu: float,
    delta: LinkDelta,
    keys: int,
    mentions: int = 0,
) -> None:
    """One way's figures as a JSON line (``t1`` 0: keying and merging were not timed apart)."""
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(
        json.dumps(
            {
                "way": way,
                "articles": len(ids),
                "tally_s": round(t1 - t0, 2) if t1 else None,
                "tally_cpu_s": round(c1 - c0, 2) if t1 else None,
                "merge_s": round(t2 - t1, 2) if t1 else None,
                "step_s": round(t2 - t0, 2),
                "worker_cpu_s": round(worker_cpu, 2),
                "peak_rss_mib": round(rss),
                "entities": len(delta.entities),
                "keys": keys,
                "mentions": mentions,
                "digest": _digest(delta),
            }
        )
    )


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--db", required=True, help="an analysed store (read only)")
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--ways", nargs="+", choices=["store", "tasks"], default=["store", "tasks"])
    ap.add_argument("--way", choices=["store", "tasks"], help=argparse.SUPPRESS)  # one way, in this process
    args = ap.parse_args()
    if args.way:
        run_way(args.db, args.way, args.workers)
        return
    rows = []
    for way in args.ways:
        cmd = [sys.executable, __file__, "--db", args.db, "--workers", str(args.workers), "--way", way]
        out = subprocess.run(cmd, check=True, capture_output=True, text=True).stdout
        rows.append(json.loads(out.strip().splitlines()[-1]))
    print(
        "| way | articles | keying (driver, wall / CPU) | merge (driver) | step (driver) | workers' CPU | "
        "driver peak RSS | entities |"
    )
    print("|---|---|---|---|---|---|---|---|")
    for r in rows:
        keying = f"{r['tally_s']} / {r['tally_cpu_s']} s" if r["tally_s"] is not None else "-"
        merge = f"{r['merge_s']} s" if r["merge_s"] is not None else "-"
        print(
            f"| {r['way']} | {r['articles']:,} | {keying} | {merge} | {r['step_s']} s | "
            f"{r['worker_cpu_s']} s | {r['peak_rss_mib']:,} MiB | {r['entities']:,} |"
        )
    read = [r for r in rows if r.get("mentions")]
    if read:
        print(f"name keys {read[0]['keys']:,} for {read[0]['mentions']:,} mentions read")
    print(
        "digests:",
        ", ".join(r["digest"] for r in rows),
        "(equal)" if len({r["digest"] for r in rows}) == 1 else "(DIFFER)",
    )


if __name__ == "__main__":
    main()
