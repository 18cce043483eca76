"""Fast-mode throughput of the per-item stages: extraction (dates, entities, quotes), cluster terms, comparisons.

    .venv/bin/python bench/bench_extract_speed.py [--n 2000] [--store S.db] [--events 300] [--check OUT.pkl]

Articles are made at run time from Timeline17 (``bench/scale_corpus.py``: T17-derived, ~8.7k characters each) and
parsed as ``storyline ingest`` parses a JSON line. Prints articles/s of ``stages.extract(a, use_nlp=False)`` and of
its three parts, and of ``stages.cluster_terms``. With ``--store`` (an analysed store, e.g. one ``storyline ingest``
of ``scale_corpus.py 10000`` wrote), it also times ``stages.compare_event`` on the store's compared events, built as
the pipeline builds them. ``--check OUT.pkl`` pickles every output the first time and, when the file exists,
compares this run's outputs with it (run once with the old code, once with the new: outputs must be equal).
One process, one core; the last line holds the headline figures.
"""

from __future__ import annotations

import argparse
import os
import pickle
import sys
import time
from collections.abc import Callable, Sequence
from typing import Any

from storyline.ingest import from_record
from storyline.pipeline import stages
from storyline.records import Article

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))


def _articles(n: int) -> list[Article]:
    from scale_corpus import articles  # type: ignore[import-not-found]

    return [from_record(rec, f"scale:{k}") for k, rec in enumerate(articles(n))]


def _compare_items(path: str, limit: int) -> list[stages.CompareItem]:
    """The store's compared events with what ``compare_event`` needs, as the pipeline's comparisons step builds them."""
    from storyline.compare import comparison_digest, event_wire, is_compared, wire_carried
    from storyline.store import SQLiteStore

    store = SQLiteStore(path)
    duplicate_of = {d.article: d.duplicate_of for d in store.duplicates()}
    carried = wire_carried(store.passages(), duplicate_of)
    events = [ev for ev in store.events() if is_compared(ev, duplicate_of)][:limit]
    by_id = {a.id: a for a in store.articles(list(dict.fromkeys(a for ev in events for a in ev.articles)))}
    items = []
    for ev in events:
        wire = event_wire(ev, carried, duplicate_of)
        items.append(
            stages.CompareItem(
                ev,
                {a: by_id[a] for a in ev.articles if a in by_id},
                {a: duplicate_of[a] for a in ev.articles if a in duplicate_of},
                wire,
                comparison_digest(ev, duplicate_of, wire),
            )
        )
    return items


def _timed(fn: Callable[[Any], Any], items: Sequence[Any]) -> tuple[float, list[Any]]:
    t0 = time.perf_counter()
    out = [fn(x) for x in items]
    return time.perf_counter() - t0, out


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--n", type=int, default=2000, help="articles made from Timeline17")
    ap.add_argument("--store", help="an analysed store whose events are compared")
    ap.add_argument("--events", type=int, default=300, help="compared events timed (with --store)")
    ap.add_argument("--check", help="pickle of the outputs: written when absent, compared with when present")
    args = ap.parse_args()
    from storyline.extract import dates, entities, quotes

    arts = _articles(args.n)
    chars = sum(len(a.text) for a in arts) / max(1, len(arts))
    print(f"{len(arts)} articles, {chars:,.0f} characters each on average")
    t_dates, _ = _timed(lambda a: dates.find_dates(a.text, a.published, a.id), arts)
    t_ents, found = _timed(lambda a: entities.find_mentions(a.text, a.id, use_nlp=False), arts)
    mentions = dict(zip((a.id for a in arts), found))
    t_quotes, _ = _timed(lambda a: quotes.find_quotes(a.text, a.id, mentions[a.id]), arts)
    t_extract, extracted = _timed(lambda a: stages.extract(a, use_nlp=False), arts)
    t_terms, terms = _timed(stages.cluster_terms, arts)
    n = len(arts)
    for name, t in (("dates", t_dates), ("entities", t_ents), ("quotes", t_quotes)):
        print(f"  {name:<9} {n / t:8.1f} articles/s  ({1000 * t / n:.2f} ms each)")
    print(f"extract (fast mode)  {n / t_extract:8.1f} articles/s  ({1000 * t_extract / n:.2f} ms each)")
    print(f"cluster_terms        {n / t_terms:8.1f} articles/s  ({1000 * t_terms / n:.2f} ms each)")
    compared: list[dict[str, Any]] = []
    ms_event = float("nan")
    if args.store:
        items = _compare_items(args.store, args.events)
        t_compare, compared = _timed(stages.compare_event, items)
        ms_event = 1000 * t_compare / max(1, len(items))
        claims = sum(len(i.articles) for i in items)
        print(f"compare_event        {ms_event:8.1f} ms per event ({len(items)} events, {claims} articles)")
    if args.check:
        outputs = (extracted, terms, compared)
        if os.path.exists(args.check):
            with open(args.check, "rb") as f:
                before = pickle.load(f)
            # terms in their order too: the clusterer sums weights in it
            same = [
                before[0] == outputs[0],
                [list(c.items()) for c in before[1]] == [list(c.items()) for c in outputs[1]],
                before[2] == outputs[2],
            ]
            print(f"outputs equal to {args.check}: extract {same[0]}, terms {same[1]}, compare {same[2]}")
            if not all(same):
                return 1
        else:
            with open(args.check, "wb") as f:
                pickle.dump(outputs, f)
            print(f"outputs written to {args.check}")
    print(
        f"fast extract {n / t_extract:.0f} articles/s; cluster_terms {n / t_terms:.0f} articles/s; "
        f"compare {ms_event:.1f} ms/event"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
