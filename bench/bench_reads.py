"""How fast the read commands answer: ``--version``, ``--help``, ``stories``, ``timeline STORY``, ``export``.

Each command runs as a whole process (imports included, as a user waits for it), ``--runs`` times; the median is
reported. ``--vs SRC`` runs the same commands with another checkout's ``src/`` first on ``PYTHONPATH`` in the
same run and prints the ratio, so the comparison survives a noisy machine.

    .venv/bin/python bench/bench_reads.py --db /tmp/t17full.db [--vs OLD/src --vs-db OLD.db] [--runs 5]

``--vs-db``: the store the other checkout built (a store is migrated forward by newer code, so each checkout
reads its own); default ``--db``.

Build a T17-sized store first with ``bench/bench_tls.py --full-analyse --db /tmp/t17full.db``.
The last line is the headline.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import time

ENTRY = "import sys; from storyline.cli import main; sys.argv[0] = 'storyline'; main()"


def timed(args: list[str], src: str | None, runs: int) -> float:
    env = dict(os.environ)
    if src:
        env["PYTHONPATH"] = src
    took = []
    for _ in range(runs):
        t0 = time.perf_counter()
        subprocess.run([sys.executable, "-c", ENTRY, *args], env=env, check=True, stdout=subprocess.DEVNULL)
        took.append(time.perf_counter() - t0)
    return statistics.median(took)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--db", required=True)
    ap.add_argument("--vs", default=None, help="another checkout's src/ to time beside this one")
    ap.add_argument("--vs-db", default=None, help="the store the other checkout reads (default: --db)")
    ap.add_argument("--runs", type=int, default=5)
    args = ap.parse_args()
    listed = subprocess.run(
        [sys.executable, "-c", ENTRY, "stories", "--format", "json", "--db", args.db],
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    biggest = max(json.loads(listed), key=lambda s: s["articles"])["id"]
    commands = {
        "--version": ["--version"],
        "--help": ["--help"],
        "stories": ["stories", "--db", args.db],
        f"timeline (largest story, {biggest})": ["timeline", biggest, "--db", args.db],
        "export": ["export", "--db", args.db],
    }
    rows = []
    for name, cmd in commands.items():
        runs = 1 if name == "export" and args.vs else args.runs
        now = timed(cmd, None, runs)
        old = timed(cmd, args.vs, runs) if args.vs else None
        rows.append((name, now, old))
        ratio = f"  (before {old:.2f} s, x{old / now:.1f} faster)" if old else ""
        print(f"{name:<40} {now:6.2f} s{ratio}", flush=True)
    print("reads: " + ", ".join(f"{n.split(' ')[0]} {t:.2f} s" for n, t, _ in rows))


if __name__ == "__main__":
    main()
