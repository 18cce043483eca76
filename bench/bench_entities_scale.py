"""The entity merge at scale (issue 15): adding 1 and 100 articles to a merge state of N, against merging all N again.

Reads an analysed store (for example one built by ``storyline ingest`` of ``bench/scale_corpus.py`` output), holds
out the last articles, builds ``MergeState`` from the rest, then adds the held-out ones one at a time and in
batches of 100, timing each ``add``. The state here is in memory: the figures are the merge's own work, not store
reads and writes. Also times the corpus-wide ``merge_entities`` over everything (what the link step ran before the
merge state was stored).

With ``--link NEW.jsonl`` it times the pipeline's link step instead, on STORE (give it a copy: it is written): the
first link builds the stored merge state (a store from before migration 15), then articles of NEW.jsonl are stored
and extracted one at a time (``--singles``) and 100 at a time (``--batches``), and ``_Analyse.link`` is timed on
each, with the rows it read and wrote; for the first ``--before`` adds of each size the link step as it was (every
text, mention and quote read, everything merged again, in a transaction rolled back) is timed on the same store.

    .venv/bin/python bench/bench_entities_scale.py STORE [--singles 100] [--batches 3]
    .venv/bin/python bench/bench_entities_scale.py COPY.db --link NEW.jsonl [--singles 20] [--batches 3] [--before 3]
"""

from __future__ import annotations

import argparse
import statistics
import time
from typing import Any

from storyline.ingest import read
from storyline.link import merge_entities
from storyline.link_incremental import MergeState
from storyline.pipeline import PipelineOptions, stages
from storyline.pipeline.jobs import _Analyse
from storyline.pipeline.runners import InlineRunner
from storyline.progress import steps
from storyline.records import Article, Mention
from storyline.store import Store, open_store


def _pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("store")
    ap.add_argument("--singles", type=int, default=100)
    ap.add_argument("--batches", type=int, default=3)
    ap.add_argument("--link", metavar="NEW.jsonl", help="time the pipeline's link step on STORE (written to)")
    ap.add_argument("--before", type=int, default=3, help="with --link: adds of each size also timed the old way")
    args = ap.parse_args()
    if args.link:
        link_mode(args)
        return
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


class _Counting:
    """The store, counting the merge state's rows read and the rows the link step writes."""

    READS = ("merge_keys", "merge_members", "merge_pairs", "entities")

    def __init__(self, store: Store) -> None:
        self._store = store
        self.read = 0
        self.entities_written = 0
        self.state_written = 0
        self.links_written = 0

    def __getattr__(self, name: str) -> Any:
        attr = getattr(self._store, name)
        if name in self.READS:

            def counted(*a: Any, **k: Any) -> Any:
                rows = attr(*a, **k)
                self.read += len(rows)
                return rows

            return counted
        if name == "write_entities":

            def entities(ents: Any, dropped: Any) -> None:
                ents, dropped = list(ents), list(dropped)
                self.entities_written += len(ents) + len(dropped)
                attr(ents, dropped)

            return entities
        if name == "write_merge_state":

            def state(keys: Any, added: Any, removed: Any, *a: Any, **k: Any) -> None:
                keys, added, removed = list(keys), list(added), list(removed)
                self.state_written += len(keys) + len(added) + len(removed)
                attr(keys, added, removed, *a, **k)

            return state
        if name == "set_quote_speakers":

            def speakers(links: Any) -> None:
                links = list(links)
                self.links_written += len(links)
                attr(links)

            return speakers
        return attr


class _Undo(Exception):
    pass


def _old_link(store: Store) -> float:
    """The link step as it was before the stored merge state: everything read and merged again (rolled back)."""
    t = time.perf_counter()
    try:
        with store.atomic():
            texts = {a.id: a.text for a in store.articles()}
            entities, quotes = stages.link(store.mentions(), texts, store.quotes())
            store.set_entities(entities)
            store.set_quote_speakers((q.article, q.start, q.end, q.speaker_entity) for q in quotes)
            t = time.perf_counter() - t
            raise _Undo
    except _Undo:
        pass
    return t


def link_mode(args: argparse.Namespace) -> None:
    store = open_store(args.store, create=False)
    options = PipelineOptions(use_nlp=False, workers=1)
    new = [a for a in read([args.link]) if isinstance(a, Article)]
    need = args.singles + 100 * args.batches
    if len(new) < need:
        raise SystemExit(f"{args.link} has {len(new)} articles; --singles and --batches need {need}")

    def job(s: Any) -> _Analyse:
        return _Analyse(s, options, InlineRunner(), steps(None))

    t = time.perf_counter()
    job(store).link()
    print(f"first link (builds the merge state when the store has none): {time.perf_counter() - t:.1f} s")

    def add(batch: list[Article], before: bool) -> tuple[float, float | None, _Counting]:
        with store.atomic():
            store.add_articles(batch)
        job(store).extract()
        old = _old_link(store) if before else None
        counting = _Counting(store)
        t = time.perf_counter()
        job(counting).link()
        return time.perf_counter() - t, old, counting

    for size, runs in ((1, args.singles), (100, args.batches)):
        start = 0 if size == 1 else args.singles
        after: list[float] = []
        before: list[float] = []
        counts: list[_Counting] = []
        for i in range(runs):
            at = start + i * size
            took, old, c = add(new[at : at + size], i < args.before)
            after.append(took)
            counts.append(c)
            if old is not None:
                before.append(old)
        print(
            f"link step, {size} new article(s), {runs} adds: after p50 {statistics.median(after) * 1000:.0f} ms, "
            f"p95 {_pct(after, 0.95) * 1000:.0f} ms"
            + (
                f"; before ({len(before)} adds) p50 {statistics.median(before):.1f} s, max {max(before):.1f} s"
                if before
                else ""
            )
        )
        for label, values in (
            ("state rows read", [c.read for c in counts]),
            ("entity rows written or dropped", [c.entities_written for c in counts]),
            ("state rows and pairs written", [c.state_written for c in counts]),
            ("speaker links written", [c.links_written for c in counts]),
        ):
            print(f"  {label}: p50 {statistics.median(values):.0f}, max {max(values)}")


if __name__ == "__main__":
    main()
