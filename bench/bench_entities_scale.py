"""The entity merge at scale (issue 15): adding 1 and 100 articles to a merge state of N, against merging all N again.

Reads an analysed store (for example one built by ``storyline ingest`` of ``bench/scale_corpus.py`` output), holds
out the last articles, builds ``MergeState`` from the rest, then adds the held-out ones one at a time and in
batches of 100, timing each ``add``. The state here is in memory: the figures are the merge's own work, not store
reads and writes. Also times the corpus-wide ``merge_entities`` over everything (what the link step runs today).

    .venv/bin/python bench/bench_entities_scale.py STORE [--singles 100] [--batches 3]
"""

from __future__ import annotations

import argparse
import statistics
import time

from storyline.link import merge_entities
from storyline.link_incremental import MergeState
from storyline.records import Mention
from storyline.store import open_store


def _pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("store")
    ap.add_argument("--singles", type=int, default=100)
    ap.add_argument("--batches", type=int, default=3)
    args = ap.parse_args()
    store = open_store(args.store, create=False)
    articles = store.articles()
    texts = {a.id: a.text for a in articles}
    by: dict[str, list[Mention]] = {a.id: [] for a in articles}
    for m in store.mentions():
        by[m.article].append(m)
    ids = [a.id for a in articles]
    hold = args.singles + 100 * args.batches
    base, singles, rest = ids[:-hold], ids[-hold : -hold + args.singles], ids[-hold + args.singles :]

    t = time.perf_counter()
    merge_entities([m for ms in by.values() for m in ms], texts)
    full = time.perf_counter() - t
    print(f"merge_entities over all {len(ids)} articles: {full:.2f} s")

    state = MergeState()
    t = time.perf_counter()
    state.add([m for a in base for m in by[a]], {a: texts[a] for a in base})
    print(
        f"MergeState from scratch over {len(base)} articles: {time.perf_counter() - t:.2f} s, {len(state.entities)} entities"
    )

    one: list[float] = []
    rewritten: list[int] = []
    for a in singles:
        t = time.perf_counter()
        removed, written = state.add(by[a], {a: texts[a]})
        one.append(time.perf_counter() - t)
        rewritten.append(len(removed) + len(written))
    hundred: list[float] = []
    for i in range(args.batches):
        chunk = rest[100 * i : 100 * (i + 1)]
        t = time.perf_counter()
        state.add([m for a in chunk for m in by[a]], {a: texts[a] for a in chunk})
        hundred.append(time.perf_counter() - t)
    print(
        f"add 1 article ({len(one)} runs): p50 {statistics.median(one) * 1000:.1f} ms, p95 {_pct(one, 0.95) * 1000:.1f} ms; "
        f"entities rewritten p50 {statistics.median(rewritten):.0f}, max {max(rewritten)}"
    )
    print(
        f"add 100 articles ({len(hundred)} runs): p50 {statistics.median(hundred) * 1000:.0f} ms, max {max(hundred) * 1000:.0f} ms"
    )
    print(
        f"N={len(ids)}: add 1 p95 {_pct(one, 0.95) * 1000:.1f} ms, add 100 p50 {statistics.median(hundred) * 1000:.0f} ms, "
        f"merge everything {full:.1f} s"
    )


if __name__ == "__main__":
    main()
