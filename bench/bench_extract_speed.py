"""Fast-mode throughput of the per-item stages: reading, extraction (dates, entities, quotes), cluster terms,
comparisons.

    .venv/bin/python bench/bench_extract_speed.py [--n 2000] [--before DIR] [--repeat 1] [--check OUT.pkl]
                                                  [--store S.db] [--events 300] [--largest]

Articles are made at run time from Timeline17 (``bench/scale_corpus.py``: T17-derived articles) and parsed as
``storyline ingest`` parses a JSON line. Prints articles/s of that reading (``ingest.from_record``: the record, its
cleaning, agencies, language and ids), of ``stages.extract(a, use_nlp=False)``, of its three parts and of
``stages.cluster_terms``. ``--before DIR`` also times an older copy of the package (DIR holds its
``storyline`` directory, e.g. a copy of ``src`` taken before a change) in the same process, stage by stage,
alternating the two ``--repeat`` times (best of the rounds is printed), and checks that both give equal outputs.
With ``--store`` (an analysed store, e.g. one ``storyline ingest`` of ``scale_corpus.py 10000`` wrote), it also
times ``stages.compare_event`` on the store's compared events, built as the pipeline builds them. ``--check
OUT.pkl`` pickles every output the first time and, when the file exists, compares this run's outputs with it.
One process, one core, CPU time of the process; the last line holds the headline figures.
"""

from __future__ import annotations

import argparse
import dataclasses
import importlib
import os
import pickle
import sys
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from types import ModuleType
from typing import Any

from storyline.ingest import from_record
from storyline.pipeline import stages
from storyline.records import Article

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

_STAGES = ("read", "dates", "entities", "quotes", "extract", "cluster_terms")


def _records(n: int) -> list[tuple[dict[str, Any], str]]:
    """The JSON records made from Timeline17, each with the source name ``storyline ingest`` would give it."""
    from scale_corpus import articles  # type: ignore[import-not-found]

    return [(rec, f"scale:{k}") for k, rec in enumerate(articles(n))]


def _compare_items(path: str, limit: int, largest: bool = False) -> list[stages.CompareItem]:
    """The store's compared events with what ``compare_event`` needs, as the pipeline's comparisons step builds them."""
    from storyline.compare import comparison_digest, event_wire, is_compared, wire_carried
    from storyline.store import SQLiteStore

    store = SQLiteStore(path)
    duplicate_of = {d.article: d.duplicate_of for d in store.duplicates()}
    carried = wire_carried(store.passages(), duplicate_of)
    events = [ev for ev in store.events() if is_compared(ev, duplicate_of)]
    if largest:
        events.sort(key=lambda ev: (-len(ev.articles), ev.id))
    events = events[:limit]
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
    """CPU seconds of this process (per core, as the goal is stated; wall time on a shared machine counts the
    other processes' turns too) and the outputs."""
    t0 = time.process_time()
    out = [fn(x) for x in items]
    return time.process_time() - t0, out


class _Version:
    """One copy of the package: its modules (swapped into ``sys.modules`` while it runs, so the stages' lazy
    imports find this copy) and its stage functions."""

    def __init__(self, name: str, modules: dict[str, ModuleType]) -> None:
        self.name = name
        self.modules = modules

    @contextmanager
    def active(self) -> Iterator[None]:
        saved = {k: m for k, m in sys.modules.items() if k == "storyline" or k.startswith("storyline.")}
        for k in saved:
            del sys.modules[k]
        sys.modules.update(self.modules)
        try:
            yield
        finally:
            for k in [k for k in sys.modules if k == "storyline" or k.startswith("storyline.")]:
                del sys.modules[k]
            sys.modules.update(saved)

    def functions(self) -> dict[str, Callable[[Article], Any]]:
        with self.active():
            dates = importlib.import_module("storyline.extract.dates")
            entities = importlib.import_module("storyline.extract.entities")
            quotes = importlib.import_module("storyline.extract.quotes")
            st = importlib.import_module("storyline.pipeline.stages")
            ingest = importlib.import_module("storyline.ingest")
        return {
            "read": lambda pair: ingest.from_record(*pair),
            "dates": lambda a: dates.find_dates(a.text, a.published, a.id),
            "entities": lambda a: entities.find_mentions(a.text, a.id, use_nlp=False),
            # the quotes alone: the mentions they are given are found outside the clock
            "quotes": lambda pair: quotes.find_quotes(pair[0].text, pair[0].id, pair[1]),
            "extract": lambda a: st.extract(a, use_nlp=False),
            "cluster_terms": st.cluster_terms,
        }


def _storyline_modules() -> dict[str, ModuleType]:
    return {k: m for k, m in sys.modules.items() if k == "storyline" or k.startswith("storyline.")}


def _load_before(path: str) -> _Version:
    """The package under ``path`` (its ``storyline`` directory), imported beside the current one."""
    current = _storyline_modules()
    for k in current:
        del sys.modules[k]
    sys.path.insert(0, path)
    try:
        for name in ("storyline.pipeline.stages", "storyline.extract.dates", "storyline.extract.entities"):
            importlib.import_module(name)
        importlib.import_module("storyline.extract.quotes")
        importlib.import_module("storyline.cluster")
        importlib.import_module("storyline.ingest")
        before = _Version("before", _storyline_modules())
    finally:
        sys.path.remove(path)
        for k in _storyline_modules():
            del sys.modules[k]
        sys.modules.update(current)
    if not before.modules["storyline"].__file__ or not before.modules["storyline"].__file__.startswith(
        os.path.abspath(path)
    ):
        raise SystemExit(f"--before {path}: no storyline package there")
    return before


def _plain(x: Any) -> Any:
    """A record as plain tuples, so copies of the package compare by value (their classes differ)."""
    if dataclasses.is_dataclass(x) and not isinstance(x, type):
        return dataclasses.astuple(x)
    if isinstance(x, dict):  # a Counter: its order too (the clusterer sums weights in it)
        return list(x.items())
    if isinstance(x, (list, tuple)):
        return [_plain(y) for y in x]
    return x


def _run(
    version: _Version, records: list[tuple[dict[str, Any], str]], arts: list[Article], mentions: list[Any]
) -> tuple[dict[str, float], dict[str, list[Any]]]:
    fns = version.functions()
    times: dict[str, float] = {}
    outs: dict[str, list[Any]] = {}
    with version.active():
        for stage in _STAGES:
            items: Sequence[Any] = list(zip(arts, mentions)) if stage == "quotes" else arts
            if stage == "read":
                items = records
            times[stage], outs[stage] = _timed(fns[stage], items)
    return times, outs


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--n", type=int, default=2000, help="articles made from Timeline17")
    ap.add_argument("--before", help="a directory holding an older storyline package, timed beside this one")
    ap.add_argument("--repeat", type=int, default=1, help="rounds (alternating the copies with --before)")
    ap.add_argument("--store", help="an analysed store whose events are compared")
    ap.add_argument("--events", type=int, default=300, help="compared events timed (with --store)")
    ap.add_argument("--largest", action="store_true", help="the largest compared events (default: store order)")
    ap.add_argument("--check", help="pickle of the outputs: written when absent, compared with when present")
    args = ap.parse_args()
    from storyline.extract import entities

    records = _records(args.n)
    arts = [from_record(rec, source) for rec, source in records]
    chars = sum(len(a.text) for a in arts) / max(1, len(arts))
    print(f"{len(arts)} articles, {chars:,.0f} characters each on average")
    mentions = [entities.find_mentions(a.text, a.id, use_nlp=False) for a in arts]
    versions = [_Version("after", _storyline_modules())]
    if args.before:
        versions.insert(0, _load_before(args.before))
    best: dict[str, dict[str, float]] = {v.name: {} for v in versions}
    outs: dict[str, dict[str, list[Any]]] = {}
    for _ in range(max(1, args.repeat)):
        for v in versions:
            times, outs[v.name] = _run(v, records, arts, mentions)
            for stage, t in times.items():
                best[v.name][stage] = min(t, best[v.name].get(stage, t))
    n = len(arts)
    print(f"{'stage':<14}" + "".join(f"{v.name:>26}" for v in versions) + ("     speed-up" if args.before else ""))
    for stage in _STAGES:
        cells = "".join(f"{n / best[v.name][stage]:10.1f}/s {1000 * best[v.name][stage] / n:8.2f} ms" for v in versions)
        ratio = f"{best['before'][stage] / best['after'][stage]:10.2f}x" if args.before else ""
        print(f"{stage:<14}{cells}{ratio}")
    failed = False
    if args.before:
        same = {s: _plain(outs["before"][s]) == _plain(outs["after"][s]) for s in _STAGES}
        print("outputs equal before/after: " + ", ".join(f"{s} {ok}" for s, ok in same.items()))
        failed = not all(same.values())
    extracted, terms = outs["after"]["extract"], outs["after"]["cluster_terms"]
    compared: list[dict[str, Any]] = []
    ms_event = float("nan")
    if args.store:
        items = _compare_items(args.store, args.events, args.largest)
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
            same_pickle = [
                before[0] == outputs[0],
                [list(c.items()) for c in before[1]] == [list(c.items()) for c in outputs[1]],
                before[2] == outputs[2] or not args.store,
            ]
            print(
                f"outputs equal to {args.check}: extract {same_pickle[0]}, terms {same_pickle[1]}, "
                f"compare {same_pickle[2]}"
            )
            failed = failed or not all(same_pickle)
        else:
            with open(args.check, "wb") as f:
                pickle.dump(outputs, f)
            print(f"outputs written to {args.check}")
    after = best["after"]
    per_article = after["read"] + after["extract"] + after["cluster_terms"]
    print(f"read {n / after['read']:.0f} articles/s; read, extract and cluster_terms {n / per_article:.0f} articles/s")
    print(
        f"fast extract {n / after['extract']:.0f} articles/s; cluster_terms {n / after['cluster_terms']:.0f} "
        f"articles/s; both {n / (after['extract'] + after['cluster_terms']):.0f} articles/s; "
        f"compare {ms_event:.1f} ms/event"
    )
    return 1 if failed else 0


if __name__ == "__main__":
    raise SystemExit(main())
