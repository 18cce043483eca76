"""A command's start: a whole `storyline ingest` process that finds nothing new (what a feed poll pays when its feed
brought nothing), timed over several runs, alternating with an older copy of the package when given.

    .venv/bin/python bench/bench_start.py [--runs 10] [--before DIR] [--inputs ../shared/seeds]

The inputs are ingested once into a new store (not timed); each timed run ingests them again into it, in fast mode,
with the default cache directory (the first run, not counted, fills it). ``--before DIR`` (DIR holds an older
``storyline`` package, e.g. a copy of ``src`` taken before a change) runs that code too, A B A B ..., and prints the
median of the pairs' ratios. Wall and CPU seconds (the child's user + system time) and peak RSS of each process.
"""

from __future__ import annotations

import argparse
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def _run(src: Path, inputs: str, db: str) -> tuple[float, float]:
    """(wall s, CPU s) of one ``storyline ingest`` process run with the package at ``src``."""
    env = dict(os.environ, PYTHONPATH=str(src))
    cmd = [sys.executable, "-c", "from storyline.cli import main; main()", "ingest", inputs, "--fast", "--db", db]
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    wall = time.perf_counter()
    subprocess.run(cmd, env=env, check=True, capture_output=True)
    wall = time.perf_counter() - wall
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return wall, cpu


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--runs", type=int, default=10, help="timed runs of each code")
    ap.add_argument("--before", default=None, help="a directory holding an older storyline package")
    ap.add_argument("--inputs", default=str(ROOT.parent / "shared" / "seeds"))
    args = ap.parse_args()
    codes = {"after": ROOT / "src"}
    if args.before:
        codes = {"before": Path(args.before).resolve(), **codes}
    with tempfile.TemporaryDirectory() as tmp:
        db = str(Path(tmp) / "start.db")
        _run(codes["after"], args.inputs, db)  # the store, and the cache directory's files (not timed)
        if args.before:
            _run(codes["before"], args.inputs, db)
        times: dict[str, list[tuple[float, float]]] = {name: [] for name in codes}
        for _ in range(args.runs):
            for name, src in codes.items():
                times[name].append(_run(src, args.inputs, db))
        for name, rows in times.items():
            wall = statistics.median(w for w, _ in rows)
            cpu = statistics.median(c for _, c in rows)
            print(f"{name}: wall median {wall:.2f} s (min {min(w for w, _ in rows):.2f}), CPU median {cpu:.2f} s")
        if args.before:
            pairs = list(zip(times["after"], times["before"], strict=True))
            wall_ratio = statistics.median(a[0] / b[0] for a, b in pairs)
            cpu_ratio = statistics.median(a[1] / b[1] for a, b in pairs)
            print(f"after / before, median of {len(pairs)} pairs: wall {wall_ratio:.2f}x, CPU {cpu_ratio:.2f}x")


if __name__ == "__main__":
    main()
