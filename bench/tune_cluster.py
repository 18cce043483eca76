"""Tune the clusterer's thresholds on ECB+ topics 1-35 (train + dev; the test topics 36-45 are never read).

Usage: .venv/bin/python bench/tune_cluster.py [--trials 150] [--orders 3] [--seed 0]
       .venv/bin/python bench/tune_cluster.py --t17-loto   # story consolidation: leave-one-topic-out on T17

Random search around the current defaults of ``ClusterOptions``; each setting is scored on ``--orders`` shuffled
stream orders of ECB+ 1-35 (re-clustering every 200 articles and at the end, as bench_cluster.py does). The objective
is the lower of the mean event-level and mean topic-level B-cubed F1 (the issue wants both high at once).
Prints the best settings; the last line is the best setting as ClusterOptions keyword arguments.

``--t17-loto`` tunes the story-consolidation settings (LOTO_GRID) with Timeline17 under a leave-one-topic-out
protocol. Every grid setting must first keep ECB+ 1-35 at the defaults' level (objective at most 0.005 below);
each admissible setting clusters the whole T17 stream once (date order, as bench_cluster.py). For each of the 9
topics, the setting with the best B-cubed F1 over the documents of the *other* 8 topics is chosen, and that
setting's per-document B-cubed precision and recall are kept for the held-out topic's documents only. The held-out
figure is the F1 of those kept precisions and recalls over all documents: no topic's gold labels chose the setting
it is scored with. (The held-out topic's articles were in the stream while choosing, unlabelled: clustering is
unsupervised and a live feed holds every story at once.) Last line: the held-out B-cubed F1.
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
from collections.abc import Sequence
from dataclasses import asdict, replace
from typing import Any

from bench_cluster import b3, load_ecb, shuffled, stream

from storyline.cluster import ClusterOptions

SPACE: dict[str, Sequence[Any]] = {
    # above 0.25 the bundled sample corpus (tests/test_sample_e2e.py, the contract with users) splits its events:
    # its few short articles give a young stream low similarities (bench/bench_cluster_contract.py checks it)
    "event_threshold": [0.18, 0.2, 0.22, 0.24, 0.25],
    "story_threshold": [0.1, 0.12, 0.15, 0.18, 0.2, 0.22, 0.25, 0.3],
    "name_weight": [1.0, 1.5, 2.0, 2.5, 3.0, 4.0],
    "story_name_weight": [0.0, 0.25, 0.5, 0.75, 1.0, 1.5],
    "merge_threshold": [0.35, 0.4, 0.45, 0.5, 0.55, 0.6, 0.7],
    "story_merge_threshold": [0.25, 0.3, 0.35, 0.4, 0.45, 0.5, 0.6],
    "move_margin": [0.0, 0.02, 0.05, 0.1],
    "vector_terms": [50, 100, 200],
    "split_threshold": [0.2, 0.25, 0.3, 0.35, 0.4, 0.45, 0.5],
    "split_min": [3, 4, 6],
    "story_vector_terms": [30, 60, 100],
    "story_ratio": [0.0, 0.3, 0.4, 0.5, 0.6, 0.8],
    "story_floor": [0.03, 0.05, 0.08, 0.12],
}


# story consolidation: settings searched under the T17 leave-one-topic-out protocol
LOTO_GRID: dict[str, Sequence[Any]] = {
    "attach_ratio": [0.2, 0.3, 0.4],
    "attach_margin": [1.2, 1.5, 2.0],
    "attach_size": [3, 10],
    "story_merge_ratio": [0.45, 0.55],
}


def per_doc_b3(pred: dict[str, str], gold: dict[str, str]) -> dict[str, tuple[float, float]]:
    """Each document's B-cubed precision and recall (their means give cluster_score's b3_p and b3_r)."""
    from collections import Counter

    both = Counter((pred[d], gold[d]) for d in gold)
    psize, gsize = Counter(pred[d] for d in gold), Counter(gold.values())
    return {d: (both[pred[d], gold[d]] / psize[pred[d]], both[pred[d], gold[d]] / gsize[gold[d]]) for d in gold}


def _f1(pr: Sequence[tuple[float, float]]) -> float:
    p = statistics.mean(x[0] for x in pr)
    r = statistics.mean(x[1] for x in pr)
    return 2 * p * r / (p + r) if p + r else 0.0


def t17_loto(orders: int) -> int:
    import itertools

    from bench_cluster import load_t17_data

    ecb = load_ecb()
    base = evaluate(ecb, ClusterOptions(), orders)[0]
    print(f"ECB+ objective with the defaults: {base:.4f}", flush=True)
    t17 = load_t17_data()
    names = list(LOTO_GRID)
    runs: list[tuple[dict[str, Any], dict[str, tuple[float, float]]]] = []
    for values in itertools.product(*LOTO_GRID.values()):
        setting = dict(zip(names, values))
        opts = replace(ClusterOptions(), **setting)
        sc = evaluate(ecb, opts, orders)
        if sc[0] < base - 0.005:
            print(f"{setting}: ECB+ {sc[0]:.4f} (event {sc[1]:.4f}, topic {sc[2]:.4f}) not admissible", flush=True)
            continue
        run = stream(t17.items, opts, recluster_every=1000)
        docs = per_doc_b3(run.story_of, t17.gold_story)
        runs.append((setting, docs))
        print(
            f"{setting}: ECB+ {sc[0]:.4f} (event {sc[1]:.4f}, topic {sc[2]:.4f}); "
            f"T17 all topics {_f1(list(docs.values())):.4f}",
            flush=True,
        )
    topics = sorted(set(t17.gold_story.values()))
    held: list[tuple[float, float]] = []
    for topic in topics:
        train = [d for d, g in t17.gold_story.items() if g != topic]
        test = [d for d, g in t17.gold_story.items() if g == topic]
        setting, docs = max(runs, key=lambda r: _f1([r[1][d] for d in train]))
        held += [docs[d] for d in test]
        print(
            f"held out {topic} ({len(test)} docs): chose {setting} (F1 {_f1([docs[d] for d in train]):.4f} on the "
            f"other 8); its documents' mean P {statistics.mean(docs[d][0] for d in test):.3f} "
            f"R {statistics.mean(docs[d][1] for d in test):.3f}",
            flush=True,
        )
    best = max(runs, key=lambda r: _f1(list(r[1].values())))
    print(f"chosen on all 9 topics (in-sample, for the defaults): {best[0]} F1 {_f1(list(best[1].values())):.4f}")
    print(
        f"T17 leave-one-topic-out story B3-F1 {_f1(held):.4f} "
        f"(P {statistics.mean(x[0] for x in held):.3f}, R {statistics.mean(x[1] for x in held):.3f})"
    )
    return 0


def evaluate(data: Any, opts: ClusterOptions, orders: int) -> tuple[float, float, float]:
    ev, st = [], []
    for s in range(orders):
        run = stream(shuffled(data.items, s), opts, recluster_every=200)
        ev.append(b3(run.event_of, data.gold_event))
        st.append(b3(run.story_of, data.gold_story))
    e, t = statistics.mean(ev), statistics.mean(st)
    return min(e, t), e, t


def main(argv: Sequence[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--trials", type=int, default=150)
    ap.add_argument("--orders", type=int, default=3)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument(
        "--local", action="store_true", help="coordinate descent from the defaults instead of random search"
    )
    ap.add_argument("--t17-loto", action="store_true", help="tune story consolidation, leave-one-topic-out on T17")
    args = ap.parse_args(argv)
    if args.t17_loto:
        return t17_loto(args.orders)
    data = load_ecb()
    rng = random.Random(args.seed)
    best = ClusterOptions()
    best_score = evaluate(data, best, args.orders)
    print(f"defaults: objective {best_score[0]:.4f} (event {best_score[1]:.4f}, topic {best_score[2]:.4f})", flush=True)
    if args.local:
        improved = True
        while improved:
            improved = False
            for name, values in SPACE.items():
                for v in values:
                    cand = replace(best, **{name: v})
                    sc = evaluate(data, cand, args.orders)
                    if sc[0] > best_score[0] + 1e-4:
                        best, best_score, improved = cand, sc, True
                        print(f"{name}={v}: objective {sc[0]:.4f} (event {sc[1]:.4f}, topic {sc[2]:.4f})", flush=True)
    else:
        for trial in range(args.trials):
            # half the trials start from the best so far and change two settings; half draw everything
            if trial % 2:
                changes = {k: rng.choice(SPACE[k]) for k in rng.sample(sorted(SPACE), 2)}
                cand = replace(best, **changes)
            else:
                cand = replace(ClusterOptions(), **{k: rng.choice(v) for k, v in SPACE.items()})
            sc = evaluate(data, cand, args.orders)
            if sc[0] > best_score[0]:
                best, best_score = cand, sc
                print(f"trial {trial}: objective {sc[0]:.4f} (event {sc[1]:.4f}, topic {sc[2]:.4f})", flush=True)
    chosen = {k: v for k, v in asdict(best).items() if k in SPACE}
    print(f"best: objective {best_score[0]:.4f} (event {best_score[1]:.4f}, topic {best_score[2]:.4f})")
    print(", ".join(f"{k}={v}" for k, v in chosen.items()))
    return 0


if __name__ == "__main__":
    sys.exit(main())
