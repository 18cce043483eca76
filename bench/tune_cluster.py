"""Tune the clusterer's thresholds on ECB+ topics 1-35 (train + dev; the test topics 36-45 are never read).

Usage: .venv/bin/python bench/tune_cluster.py [--trials 150] [--orders 3] [--seed 0]

Random search around the current defaults of ``ClusterOptions``; each setting is scored on ``--orders`` shuffled
stream orders of ECB+ 1-35 (re-clustering every 200 articles and at the end, as bench_cluster.py does). The objective
is the lower of the mean event-level and mean topic-level B-cubed F1 (the issue wants both high at once).
Prints the best settings; the last line is the best setting as ClusterOptions keyword arguments.
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
    ap.add_argument("--local", action="store_true", help="coordinate descent from the defaults instead of random search")
    args = ap.parse_args(argv)
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
