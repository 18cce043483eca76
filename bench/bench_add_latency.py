"""Add latency: the whole ``ingest`` of 1 or 100 new articles into a big store, per article and per step.

    .venv/bin/python bench/scale_corpus.py 10000 > /tmp/s10k.jsonl
    .venv/bin/storyline ingest /tmp/s10k.jsonl --fast --db /tmp/s10k.db          # the store (once)
    .venv/bin/python bench/bench_add_latency.py --db /tmp/s10k.db --start 10000 --k 1 --reps 20
    .venv/bin/python bench/bench_add_latency.py --db /tmp/s10k.db --start 10000 --k 100 --reps 3
    .venv/bin/python bench/bench_add_latency.py --db postgresql://... --in-place --k 1 --reps 20

New articles are numbers N, N+1, ... of ``bench/scale_corpus.py``'s generator (N = articles stored; later "eras"),
so the store must have been built from the same
generator (its first N; give ``--start N`` when some of them were rejected). Each add writes k of them to a JSON-lines file and runs what ``storyline ingest`` runs, in
one process with the store open: ``pipeline.ingest`` (read, parse, store) then ``pipeline.analyse`` (every step,
store writes and commits included). Printed: p50/p95 of the whole add and per article, p50/p95 per step (from
the ``analyse:`` timings the pipeline logs with ``-v``), and each counted add's re-clustering changes and the events
and stories it rewrote (its ``cluster:`` line). ``--whole-timelines`` builds changed chronologies whole
(the anchor of the day-by-day update; the first add, not counted with ``--warm 1``, rebuilds them all). A SQLite store is copied first (the original is never
written) unless ``--in-place``; a PostgreSQL store is always written in place. Fast mode unless ``--full``.

An era's dates move 37 days on, but Timeline17 spans years, so a new article's date falls among the stored
articles' (without ``--feed`` the bench prints how many of them are dated later): it lands inside its keys'
lists, and the stored articles after it there are derived again.
``--feed`` dates each add one day after everything stored instead, as a live feed brings articles (the text is the
same).
"""

from __future__ import annotations

import argparse
import cProfile
import datetime
import json
import logging
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections import defaultdict
from dataclasses import replace
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from scale_corpus import articles

from storyline import pipeline
from storyline.pipeline import PipelineOptions
from storyline.store import open_store

# "dedupe (1 new, 0 re-derived) 0.12 s": a step's name, what it did in parentheses, its seconds
_LAP = re.compile(r"([a-z][a-z ]*?)(?: \([^)]*\))? (\d+(?:\.\d+)?) s(?:,|$)")
# "cluster: 1 new articles assigned; 7 re-clustering changes; ...; 8 events and 3 stories rewritten"
_CLUSTER = re.compile(r"(\d+) re-clustering changes;.*; (\d+) events and (\d+) stories rewritten")
# "...; 2 of 278 small stories looked at again; ...": the re-clustering pass's second chance (absent before it said so)
_SMALL = re.compile(r"(\d+) of (\d+) small stories looked at")
# "...; 812 state rows read in 40 queries, ...": what the re-clustering state read from the store (absent before)
_READ = re.compile(r"(\d+) state rows read in (\d+) queries")


class _Laps(logging.Handler):
    """Keeps the step timings of each ``analyse:`` log line."""

    def __init__(self) -> None:
        super().__init__(logging.INFO)
        self.runs: list[dict[str, float]] = []
        self.last = ""  # the last add's ``analyse:`` line (what each step did)
        self.clusters: list[tuple[int, int, int]] = []  # each add's re-clustering changes, events, stories rewritten
        self.small: list[str] = []  # each add's small stories looked at again, of those in the window
        self.read: list[str] = []  # each add's clusterer state rows read, and the queries that read them
        self.totals: list[float] = []  # each add's whole ``analyse`` seconds

    def emit(self, record: logging.LogRecord) -> None:
        self.take(record.getMessage())

    def take(self, msg: str) -> None:
        """One log message (of this process, or a line an ``ingest`` process wrote with ``-v``, its prefix cut)."""
        found = _CLUSTER.search(msg) if msg.startswith("cluster: ") else None
        if found is not None:
            self.clusters.append((int(found[1]), int(found[2]), int(found[3])))
            small = _SMALL.search(msg)
            self.small.append(f"{small[1]}/{small[2]}" if small else "-")
            read = _READ.search(msg)
            self.read.append(f"{read[1]}/{read[2]}" if read else "-")
        if msg.startswith("analyse: "):
            self.last = msg
            self.totals.append(float(msg.split()[1]))
            steps = msg.split(" s: ", 1)[1] if " s: " in msg else ""
            laps: dict[str, float] = defaultdict(float)
            for name, seconds in _LAP.findall(steps):
                laps[name.strip()] += float(seconds)
            self.runs.append(dict(laps))


def _pct(values: list[float], q: float) -> float:
    if len(values) == 1:
        return values[0]
    return statistics.quantiles(values, n=100, method="inclusive")[int(q) - 1]


# "INFO storyline.pipeline.jobs: analyse: ...": a line of ``storyline -v``'s log, and its message
_LOG_LINE = re.compile(r"[A-Z]+ [\w.]+: (.*)")


def _add_in_process(url: str, path: Path, full: bool, laps: _Laps) -> float:
    """Wall seconds of one ``storyline -v ingest PATH --db URL`` process; its log lines go to ``laps``."""
    command = [sys.executable, "-c", "from storyline.cli import main; main()", "-v", "ingest", str(path), "--db", url]
    began = time.perf_counter()
    done = subprocess.run(command + ([] if full else ["--fast"]), capture_output=True, text=True, check=False)
    seconds = time.perf_counter() - began
    if done.returncode not in (0, 1):  # 1: some item rejected (reported); anything else failed
        raise SystemExit(f"storyline ingest {path} exited with {done.returncode}:\n{done.stderr[-2000:]}")
    for line in done.stderr.splitlines():
        found = _LOG_LINE.match(line)
        if found is not None:
            laps.take(found[1])
    return seconds


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--db", required=True, help="a SQLite file or a postgresql:// URL built from scale_corpus")
    ap.add_argument("--k", type=int, default=1, help="articles per add")
    ap.add_argument("--reps", type=int, default=10, help="adds")
    ap.add_argument("--warm", type=int, default=1, help="adds run first and not counted (caches, first imports)")
    ap.add_argument("--start", type=int, help="the generator's N the store was built from (default: articles stored)")
    ap.add_argument("--in-place", action="store_true", help="write the SQLite store itself, not a copy")
    ap.add_argument("--full", action="store_true", help="full mode (spaCy NER) instead of fast mode")
    ap.add_argument(
        "--whole-timelines",
        action="store_true",
        help="build a changed story's chronology whole, each day weighed against the whole timeline (as before "
        "the day-by-day update: chronology_context_days None); the first add then rebuilds every stored one",
    )
    ap.add_argument(
        "--feed",
        action="store_true",
        help="date each add's articles one day after the generator's first START articles (all a store built "
        "from them holds) and after the add before (a live feed, published in order), instead of their era's "
        "dates, which fall among the stored ones; articles an earlier --feed run added in place are not counted",
    )
    ap.add_argument(
        "--profile",
        metavar="FILE",
        help="profile the counted adds (cProfile) and write the stats to FILE (read with python -m pstats FILE)",
    )
    ap.add_argument(
        "--process",
        action="store_true",
        help="run each add as its own `storyline -v ingest FILE --db DB` process, as a feed poller calling the command "
        "line does: the whole add then includes the process's start-up (imports, the gazetteer tables built on "
        "first use), reported as its own line",
    )
    args = ap.parse_args()

    url, copy = args.db, None
    if not url.startswith("postgresql") and not args.in_place:
        fd, copy = tempfile.mkstemp(suffix=".db", dir=os.path.dirname(os.path.abspath(url)))
        os.close(fd)
        shutil.copyfile(url, copy)
        url = copy
    laps = _Laps()
    logging.getLogger("storyline.pipeline").addHandler(laps)
    logging.getLogger("storyline.pipeline").setLevel(logging.INFO)
    options = PipelineOptions(use_nlp=bool(args.full), workers=1)
    if args.whole_timelines:
        options = replace(options, timeline=replace(options.timeline, chronology_context_days=None))
    store = open_store(url)
    try:
        stored = len(store.article_ids())
        start = args.start if args.start is not None else stored
        total = args.warm + args.reps
        made = list(articles(start + args.k * total))
        new = made[start:]
        if args.feed:
            latest = datetime.date.fromisoformat(max(r["published"][:10] for r in made[:start]))
            for i, r in enumerate(new):
                r["published"] = (latest + datetime.timedelta(days=1 + i // args.k)).isoformat()
        else:
            first = new[0]["published"][:10]
            later = sum(r["published"][:10] > first for r in made[:start])
            print(f"the first new article is dated {first}; {later:,} of the generator's first {start:,} are later")
        print(f"store: {stored:,} articles ({args.db}); adding {args.k} x {total} ({args.warm} not counted)")
        whole: list[float] = []
        cpu: list[float] = []  # this process's CPU time per add: steadier than the wall clock on a shared machine
        profiler = cProfile.Profile() if args.profile else None
        with tempfile.TemporaryDirectory() as tmp:
            for rep in range(total):
                path = Path(tmp) / f"add{rep}.jsonl"
                batch = new[rep * args.k : (rep + 1) * args.k]
                path.write_text("".join(json.dumps(r) + "\n" for r in batch), encoding="utf-8")
                if profiler is not None and rep >= args.warm:
                    profiler.enable()
                began, began_cpu = time.perf_counter(), time.process_time()
                if args.process:
                    seconds = _add_in_process(url, path, args.full, laps)
                    laps.runs[-1]["start-up+read+store"] = seconds - laps.totals[-1]
                else:
                    report = pipeline.ingest(store, [str(path)], options)
                    read = time.perf_counter() - began
                    pipeline.analyse(store, options)
                    seconds = time.perf_counter() - began
                    laps.runs[-1]["read+store"] = read
                    if report.new != len(batch):
                        print(f"  add {rep}: {report.new} of {len(batch)} stored ({len(report.rejected)} rejected)")
                if profiler is not None:
                    profiler.disable()
                if rep >= args.warm:
                    whole.append(seconds)
                    cpu.append(time.process_time() - began_cpu)
        if profiler is not None:
            profiler.dump_stats(args.profile)
        runs = laps.runs[args.warm :]
        print(
            f"whole add of {args.k}: p50 {_pct(whole, 50) * 1000:,.0f} ms, p95 {_pct(whole, 95) * 1000:,.0f} ms; "
            f"per article p50 {_pct(whole, 50) / args.k * 1000:,.1f} ms, p95 {_pct(whole, 95) / args.k * 1000:,.1f} ms"
        )
        if not args.process:
            print(f"  CPU of the whole add p50 {_pct(cpu, 50) * 1000:,.0f} ms, p95 {_pct(cpu, 95) * 1000:,.0f} ms")
        for name in dict.fromkeys(n for run in runs for n in run):
            values = [run.get(name, 0.0) for run in runs]
            print(f"  {name:<20} p50 {_pct(values, 50) * 1000:9,.1f} ms   p95 {_pct(values, 95) * 1000:9,.1f} ms")
        counted = laps.clusters[args.warm :]
        print(
            "re-clustering changes, events and stories rewritten, per add: "
            + ", ".join(f"{c} / {e} / {st}" for c, e, st in counted)
        )
        print("small stories looked at again by the re-clustering pass, per add: " + ", ".join(laps.small[args.warm :]))
        print(
            "clusterer state rows read, and the queries that read them, per add: " + ", ".join(laps.read[args.warm :])
        )
        print(f"last add: {laps.last}")
    finally:
        store.close()
        if copy:
            for suffix in ("", "-wal", "-shm"):
                if os.path.exists(copy + suffix):
                    os.remove(copy + suffix)


if __name__ == "__main__":
    main()
