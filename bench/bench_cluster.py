"""Events and stories (issue 5): score the online clusterer on ECB+ (events and topics) and Timeline17 (stories).

Usage (from the repository root, with ../shared present):
  .venv/bin/python bench/bench_cluster.py            # ECB+ 1-35 over 5 stream orders, T17 in date order, order sensitivity
  .venv/bin/python bench/bench_cluster.py --only ecb  # or --only t17
  .venv/bin/python bench/bench_cluster.py --embed     # with article embeddings (the [embed] extra, --embed)
  .venv/bin/python bench/bench_cluster.py --embed --embed-dims 64 --orders 3   # their first 64 dimensions only
  .venv/bin/python bench/bench_cluster.py --embed --embed-model minilm --story-dense-weight 0.2   # MiniLM ([minilm])

Articles go straight into ``storyline.cluster.Clusterer`` (the code the pipeline runs), one at a time, with the
document frequencies of the stream so far; a re-clustering pass runs every ``--recluster-every`` articles and at
the end of the stream (the pipeline runs it at the end of each ingest). ECB+ has no dates: the clusterer runs on
text alone. T17 gets event dates from the extract stage's date resolver (not timed: it is stage 4, not clustering).
Scores: B-cubed F1 from ../shared/eval/cluster_score.py. The last line is the headline.
"""

from __future__ import annotations

import argparse
import random
import re
import statistics
import sys
import time
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from storyline.cluster import Clusterer, ClusterOptions, article_event_date, terms, with_embeddings
from storyline.records import Article, Change

SHARED = Path(__file__).resolve().parents[1].parent / "shared"
sys.path.insert(0, str(SHARED / "eval"))

from cluster_score import score  # noqa: E402
from datasets_to_text import load_ecbplus, load_t17  # noqa: E402

ECB_TUNE_TOPICS = range(1, 36)  # train + dev of the common split; 36-45 are held out (and absent here)


@dataclass
class Item:
    article: Article
    counts: Any
    event_date: str | None
    dense: Any = None  # the article's sentence embedding, when the run weighs embeddings in


@dataclass
class Data:
    name: str
    items: list[Item]
    gold_event: dict[str, str]
    gold_story: dict[str, str]


_URL_LINE = re.compile(r"\A\s*(?:https?\s*:|www\s*\.)[^\n]*\n")


def load_ecb(topics: Sequence[int] = ECB_TUNE_TOPICS, *, url_line: bool = True) -> Data:
    """ECB+ documents; ``url_line=False`` drops the source URL that ECB+'s added documents (and not ECB's) open
    with: that split is each topic's two events, so the URL alone tells them apart."""
    docs = load_ecbplus(SHARED / "datasets" / "ecbplus", topics=topics)
    items = []
    for d in docs:
        text = d.text if url_line else _URL_LINE.sub("", d.text, count=1)
        a = Article(id=d.doc_id, source=d.path, text=text)
        items.append(Item(a, terms(a), None))
    return Data("ecb", items, {d.doc_id: d.event for d in docs}, {d.doc_id: d.story for d in docs})


def load_t17_data(with_dates: bool = True) -> Data:
    from storyline.extract.dates import find_dates

    docs = load_t17(SHARED / "datasets" / "timeline17")
    items = []
    for d in docs:
        a = Article(id=d.doc_id, source=d.path, text=d.text, published=d.date)
        ed = article_event_date(a, find_dates(a.text, a.published, a.id)) if with_dates else a.published
        items.append(Item(a, None, ed))
    return Data("t17", items, {}, {d.doc_id: d.story for d in docs})


@dataclass
class Run:
    event_of: dict[str, str]
    story_of: dict[str, str]
    seconds: float
    changes: list[Change]
    latencies: list[float]


def stream(
    items: Sequence[Item],
    options: ClusterOptions,
    *,
    recluster_every: int = 0,
    final_recluster: bool = True,
    time_terms: bool = False,
) -> Run:
    """Feed the items in the given order; optionally re-cluster every N articles and at the end."""
    c = Clusterer(options)
    changes: list[Change] = []
    lat = []
    t0 = time.perf_counter()
    for i, it in enumerate(items, 1):
        t = time.perf_counter()
        counts = it.counts if it.counts is not None and not time_terms else terms(it.article)
        c.add(it.article, counts, it.event_date, dense=it.dense)
        if recluster_every and i % recluster_every == 0:
            changes += c.recluster(settle=False)  # as within one large ingest; the last pass settles
        lat.append(time.perf_counter() - t)
    if final_recluster:
        changes += c.recluster()
    secs = time.perf_counter() - t0
    ev = dict(c.event_of)
    return Run(ev, {a: c.events[e].story for a, e in ev.items()}, secs, changes, lat)


def add_embeddings(data: Data, embedder: Any) -> None:
    """Each item's embedding (``storyline.embed``, one batch), or nothing without an embedder."""
    if embedder is not None:
        for it, vec in zip(data.items, embedder.embed([it.article for it in data.items])):
            it.dense = vec


def shuffled(items: Sequence[Item], seed: int) -> list[Item]:
    out = list(items)
    random.Random(seed).shuffle(out)
    return out


def b3(pred: dict[str, str], gold: dict[str, str]) -> float:
    return float(score(pred, gold)["b3_f1"])


def agreement(runs: Sequence[Run], level: str) -> list[float]:
    """B-cubed F1 of every run against every other (symmetric: F1 does not care which is gold)."""
    maps = [r.event_of if level == "event" else r.story_of for r in runs]
    return [b3(maps[i], maps[j]) for i in range(len(maps)) for j in range(i + 1, len(maps))]


def torch_threads(limit: int = 2) -> None:
    """At most ``limit`` threads for torch (MiniLM): the machine's cores are shared with the other runs."""
    import torch  # type: ignore[import-not-found]

    torch.set_num_threads(min(limit, torch.get_num_threads()))


def main(argv: Sequence[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--only", choices=["ecb", "t17"])
    ap.add_argument("--orders", type=int, default=5)
    ap.add_argument("--recluster-every", type=int, default=200)
    ap.add_argument(
        "--no-url-line", action="store_true", help="ECB+ without the URL line its added documents open with"
    )
    ap.add_argument("--embed", action="store_true", help="weigh article embeddings in, as `storyline --embed` does")
    ap.add_argument("--embed-dims", type=int, default=None, help="with --embed: the embeddings' first N dimensions")
    ap.add_argument("--embed-model", choices=["wordllama", "minilm"], default="wordllama", help="with --embed")
    ap.add_argument("--dense-weight", type=float, default=None, help="with --embed: the event space's weight")
    ap.add_argument("--story-dense-weight", type=float, default=None, help="with --embed: the story space's weight")
    args = ap.parse_args(argv)
    opts = with_embeddings() if args.embed else ClusterOptions()
    weights = {"dense_weight": args.dense_weight, "story_dense_weight": args.story_dense_weight}
    opts = replace(opts, **{k: v for k, v in weights.items() if v is not None})
    embedder = None
    if args.embed:
        from storyline.embed import DIM, Embedder

        if args.embed_model == "minilm":
            torch_threads()
        embedder = Embedder(args.embed_dims or DIM, model=args.embed_model)
    head = []
    if args.only in (None, "ecb"):
        data = load_ecb(url_line=not args.no_url_line)
        add_embeddings(data, embedder)
        runs = [stream(shuffled(data.items, s), opts, recluster_every=args.recluster_every) for s in range(args.orders)]
        online = [stream(shuffled(data.items, s), opts, final_recluster=False) for s in range(args.orders)]
        for label, rs in (("online + re-clustering", runs), ("online only", online)):
            ev = [b3(r.event_of, data.gold_event) for r in rs]
            st = [b3(r.story_of, data.gold_story) for r in rs]
            print(
                f"ECB+ 1-35 ({len(data.items)} docs) {label}: event B3-F1 {statistics.mean(ev):.3f} "
                f"(min {min(ev):.3f}), topic B3-F1 {statistics.mean(st):.3f} (min {min(st):.3f}) over {len(rs)} orders; "
                f"events {statistics.mean(len(set(r.event_of.values())) for r in rs):.0f}/66, "
                f"stories {statistics.mean(len(set(r.story_of.values())) for r in rs):.0f}/33, "
                f"changes {statistics.mean(len(r.changes) for r in rs):.0f}"
            )
        ag_e, ag_s = agreement(runs, "event"), agreement(runs, "story")
        print(
            f"ECB+ order agreement (B3-F1 between {len(runs)} orders): event {statistics.mean(ag_e):.3f} "
            f"(min {min(ag_e):.3f}), topic {statistics.mean(ag_s):.3f} (min {min(ag_s):.3f})"
        )
        head.append(
            f"ECB+ event {statistics.mean(b3(r.event_of, data.gold_event) for r in runs):.3f} "
            f"topic {statistics.mean(b3(r.story_of, data.gold_story) for r in runs):.3f}"
        )
    if args.only in (None, "t17"):
        data = load_t17_data()
        add_embeddings(data, embedder)
        run = stream(data.items, opts, recluster_every=args.recluster_every * 5, time_terms=True)
        f1 = b3(run.story_of, data.gold_story)
        sc = score(run.story_of, data.gold_story)
        sizes = Counter(run.story_of.values())
        print(
            f"T17 ({len(data.items)} docs) date order: story B3-F1 {f1:.3f} (P {sc['b3_p']:.3f}, R {sc['b3_r']:.3f}), "
            f"{len(sizes)} stories ({sum(1 for n in sizes.values() if n == 1)} of one article), "
            f"{len(set(run.event_of.values()))} events, {run.seconds:.1f} s clustering (terms + add + re-clustering), "
            f"{len(run.changes)} changes"
        )
        orders = [run] + [
            stream(shuffled(data.items, s), opts, recluster_every=args.recluster_every * 5)
            for s in range(1, args.orders)
        ]
        fs = [b3(r.story_of, data.gold_story) for r in orders]
        ag = agreement(orders, "story")
        print(
            f"T17 {len(orders)} orders (date order + {len(orders) - 1} shuffles): story B3-F1 {statistics.mean(fs):.3f} "
            f"(min {min(fs):.3f}); agreement {statistics.mean(ag):.3f} (min {min(ag):.3f})"
        )
        head.append(f"T17 story {f1:.3f} in {run.seconds:.1f} s")
    print("; ".join(head))
    return 0


if __name__ == "__main__":
    sys.exit(main())
