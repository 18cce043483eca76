"""Membership of many 64-bit keys in a sorted set: the binary search alone against ``dedupe.tokens.Members`` (a
table of the set's low bits first), on random keys, the sizes the dedupe update meets (a window's grams against the
keys an update covers).

    .venv/bin/python bench/bench_members.py [--rounds 20]

Prints, per size, the mean wall time of one call each way over ``--rounds`` calls, and checks both give
``np.isin``'s answer. One in ten values is a key.
"""

from __future__ import annotations

import argparse
import time

import numpy as np

from storyline.dedupe.tokens import Members, _searched

SIZES = [(300_000, 20_000), (300_000, 100_000), (5_000, 20_000), (200_000, 900_000)]


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--rounds", type=int, default=20)
    args = ap.parse_args()
    rng = np.random.default_rng(0)
    print("| values against keys | search alone | with the table first (built per call) |")
    print("|---|---|---|")
    for n, m in SIZES:
        keys = np.sort(rng.integers(0, 2**63, m, dtype=np.int64).view(np.uint64))
        values = rng.integers(0, 2**63, n, dtype=np.int64).view(np.uint64)
        values[: n // 10] = rng.choice(keys, n // 10)
        want = np.isin(values, keys)
        assert np.array_equal(_searched(values, keys), want) and np.array_equal(Members(keys)(values), want)
        t0 = time.perf_counter()
        for _ in range(args.rounds):
            _searched(values, keys)
        t1 = time.perf_counter()
        for _ in range(args.rounds):
            Members(keys)(values)
        t2 = time.perf_counter()
        search, table = (t1 - t0) / args.rounds * 1e3, (t2 - t1) / args.rounds * 1e3
        print(f"| {n:,} against {m:,} | {search:.2f} ms | {table:.2f} ms |")


if __name__ == "__main__":
    main()
