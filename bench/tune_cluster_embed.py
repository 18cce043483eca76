"""Tune the clusterer with article embeddings (``[embed]``), held out by topic on ECB+ and on Timeline17.

Usage: .venv/bin/python bench/tune_cluster_embed.py [--orders 3]
       .venv/bin/python bench/tune_cluster_embed.py --model minilm --grid weights   # MiniLM (the [minilm] extra)

A grid over the story-space embedding weight and the story-level thresholds whose scale it changes (GRID), after
two reference trials: the words-only defaults (no embedding given) and ``with_embeddings()`` as shipped. Each trial clusters ECB+ topics 1-35 in ``--orders`` shuffled stream orders
(re-clustering every 200 articles and at the end, as bench/bench_cluster.py) and the whole Timeline17 stream in
date order (re-clustering every 1,000), keeping every document's B-cubed precision and recall.

Held-out figures (no topic's gold labels choose the setting it is scored with):
* **ECB+ 1-35 cross-validated by topic**: five folds of seven topics; for each fold the trial with the best
  objective (the lower of event and topic B3-F1) on the other 28 topics is chosen, and its documents' precision
  and recall are kept for the fold's topics. The figure is the F1 of the kept values over all documents.
* **Timeline17 leave-one-topic-out**: for each of the 9 topics, the trial with the best story B3-F1 on the other
  8 (among trials whose ECB+ objective is within 0.005 of the best trial's: ECB+ is the constraint, as in
  tune_cluster.py --t17-loto) is chosen and scored on the held-out topic's documents.
Clustering is unsupervised, so each trial's stream holds every topic, unlabelled, as a live feed would.
The last lines print the in-sample best (for the defaults) and the two held-out figures.

``--model minilm`` embeds with all-MiniLM-L6-v2 (``Embedder(model="minilm")``, torch on at most two threads) in
place of wordllama; ``--grid weights`` tries the embedding weights alone (WEIGHTS: story space 0.1 / 0.2 / 0.3,
event space 0.1 / 0.3), the other settings at their defaults. Each trial prints its T17 clustering time (date
order, same run as the words-only trial).
"""

from __future__ import annotations

import argparse
import itertools
import statistics
import sys
import time
from collections.abc import Sequence
from dataclasses import asdict, replace
from typing import Any

from bench_cluster import add_embeddings, load_ecb, load_t17_data, shuffled, stream, torch_threads
from tune_cluster import _f1, per_doc_b3

from storyline.cluster import ClusterOptions, with_embeddings
from storyline.embed import Embedder

GRID: dict[str, Sequence[Any]] = {
    "story_dense_weight": [0.1, 0.2, 0.3],
    "story_threshold": [0.2, 0.25, 0.3],
    "story_merge_ratio": [0.45, 0.55],
}


# --grid weights: the embedding's weight in one space at a time, the other settings at their defaults
WEIGHTS: list[dict[str, float]] = [
    {"story_dense_weight": 0.1},
    {"story_dense_weight": 0.2},
    {"story_dense_weight": 0.3},
    {"dense_weight": 0.1},
    {"dense_weight": 0.3},
]

Docs = dict[str, tuple[float, float]]


def run_trial(ecb: Any, t17: Any, opts: ClusterOptions, orders: int) -> tuple[Docs, Docs, Docs, float]:
    """Per-document (P, R): ECB+ events and topics (mean over the orders), T17 stories; T17 clustering seconds."""
    ev: dict[str, list[tuple[float, float]]] = {}
    tp: dict[str, list[tuple[float, float]]] = {}
    for s in range(orders):
        run = stream(shuffled(ecb.items, s), opts, recluster_every=200)
        for d, pr in per_doc_b3(run.event_of, ecb.gold_event).items():
            ev.setdefault(d, []).append(pr)
        for d, pr in per_doc_b3(run.story_of, ecb.gold_story).items():
            tp.setdefault(d, []).append(pr)

    def mean(m: dict[str, list[tuple[float, float]]]) -> Docs:
        return {d: (statistics.mean(x[0] for x in v), statistics.mean(x[1] for x in v)) for d, v in m.items()}

    run = stream(t17.items, opts, recluster_every=1000)
    return mean(ev), mean(tp), per_doc_b3(run.story_of, t17.gold_story), run.seconds


def objective(ev: Docs, tp: Docs, docs: Sequence[str]) -> float:
    return min(_f1([ev[d] for d in docs]), _f1([tp[d] for d in docs]))


def main(argv: Sequence[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--orders", type=int, default=3)
    ap.add_argument("--model", choices=["wordllama", "minilm"], default="wordllama", help="the embedding model")
    ap.add_argument("--grid", choices=["thresholds", "weights"], default="thresholds", help="GRID or WEIGHTS")
    args = ap.parse_args(argv)
    if args.model == "minilm":
        torch_threads()
    embedder = Embedder(model=args.model)
    ecb, t17 = load_ecb(), load_t17_data()
    t0 = time.perf_counter()
    add_embeddings(ecb, embedder)
    add_embeddings(t17, embedder)
    secs = time.perf_counter() - t0
    n_texts = len(ecb.items) + len(t17.items)
    print(f"{args.model}: {n_texts} texts embedded in {secs:.1f} s ({n_texts / secs:.1f} texts/s)", flush=True)
    if args.grid == "weights":
        settings = [ClusterOptions()] + [replace(ClusterOptions(), **w) for w in WEIGHTS]
    else:
        settings = [ClusterOptions(), with_embeddings()]
        settings += [
            replace(ClusterOptions(), **dict(zip(GRID, values))) for values in itertools.product(*GRID.values())
        ]
    trials: list[tuple[ClusterOptions, Docs, Docs, Docs]] = []
    shown = [*GRID, "dense_weight"]
    all_ecb = list(ecb.gold_event)
    for n, opts in enumerate(settings):
        if n == 0:  # words only: the embeddings are not given
            saved = [it.dense for it in ecb.items + t17.items]
            for it in ecb.items + t17.items:
                it.dense = None
            ev, tp, st, t17_secs = run_trial(ecb, t17, opts, args.orders)
            for it, d in zip(ecb.items + t17.items, saved):
                it.dense = d
        else:
            ev, tp, st, t17_secs = run_trial(ecb, t17, opts, args.orders)
        trials.append((opts, ev, tp, st))
        chosen = {k: v for k, v in asdict(opts).items() if k in shown}
        print(
            f"trial {n}: ECB+ event {_f1(list(ev.values())):.4f} topic {_f1(list(tp.values())):.4f}; "
            f"T17 story {_f1(list(st.values())):.4f} ({t17_secs:.1f} s clustering); {chosen}",
            flush=True,
        )
    # ECB+ cross-validated by topic
    topic_of = ecb.gold_story
    topics = sorted(set(topic_of.values()))
    held_ev: list[tuple[float, float]] = []
    held_tp: list[tuple[float, float]] = []
    for fold in range(5):
        test_topics = set(topics[fold::5])
        train = [d for d in all_ecb if topic_of[d] not in test_topics]
        test = [d for d in all_ecb if topic_of[d] in test_topics]
        opts, ev, tp, _ = max(trials, key=lambda t: objective(t[1], t[2], train))
        held_ev += [ev[d] for d in test]
        held_tp += [tp[d] for d in test]
        print(f"ECB+ fold {fold} ({len(test_topics)} topics held out): chose trial {trials.index((opts, ev, tp, _))}")
    # T17 leave-one-topic-out, ECB+ as a constraint
    best_ecb = max(objective(t[1], t[2], all_ecb) for t in trials)
    admissible = [t for t in trials if objective(t[1], t[2], all_ecb) >= best_ecb - 0.005]
    held_st: list[tuple[float, float]] = []
    for topic in sorted(set(t17.gold_story.values())):
        train = [d for d, g in t17.gold_story.items() if g != topic]
        test = [d for d, g in t17.gold_story.items() if g == topic]
        t = max(admissible, key=lambda t: _f1([t[3][d] for d in train]))
        held_st += [t[3][d] for d in test]
    best = max(trials, key=lambda t: objective(t[1], t[2], all_ecb) + _f1(list(t[3].values())))
    print(f"in-sample best (ECB+ objective + T17): {asdict(best[0])}")
    print(
        f"in-sample: ECB+ event {_f1(list(best[1].values())):.4f} topic {_f1(list(best[2].values())):.4f}, "
        f"T17 {_f1(list(best[3].values())):.4f}"
    )
    print(f"ECB+ 1-35 cross-validated by topic (5 folds): event B3-F1 {_f1(held_ev):.4f}, topic {_f1(held_tp):.4f}")
    print(f"T17 leave-one-topic-out story B3-F1 {_f1(held_st):.4f} ({len(admissible)} admissible trials)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
