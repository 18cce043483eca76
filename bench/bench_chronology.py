"""A story's chronology, each day weighed against the whole timeline or against the days around it only, on T17.

    .venv/bin/python bench/bench_tls.py --db /tmp/t17.db                 # the T17 store (once)
    .venv/bin/python bench/bench_chronology.py --db /tmp/t17.db [--windows 3,7,15,30]

A story's own chronology (``TimelineOptions.dates`` None: every day with ``min_sources`` independent sources, the
chronology's weights) picks each day's sentence by its likeness to the day's other candidates and to a topic. With
``context_days`` None the IDF table and the topic are those of the whole timeline, and a sentence may not repeat one
picked for a day ranked higher; with a number N they are those of the days within N days, and repeats are checked
within the day. The second makes a day's entry depend on nothing outside its window (what an update of the stored
chronology needs, issue 15). Printed per rule: ROUGE (AR1-F, AR2-F, Date-F1) against the T17 gold with its
protocol (the topic's articles within the gold range, K sentences per date; all days shown, not N), the entries
and the seconds. A row without a topic shows what the topic is worth.
"""

from __future__ import annotations

import argparse
import sys
import time
from dataclasses import replace
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

import bench_tls_common as _t17

from storyline.store import open_store
from storyline.timeline import TimelineOptions, chronology_options, select_timeline


def chronology(corpus: _t17.Corpus, spec: dict[str, Any], key: str, options: TimelineOptions) -> list[dict[str, Any]]:
    """One task as a story's chronology: every qualifying day of the gold range, K sentences each."""
    topic = key.split("/", 1)[0].split("_", 1)[0]
    start, end = spec["start"], spec["end"]
    arts = [a for a in corpus.by_topic.get(topic, []) if a.published and start <= a.published[:10] <= end]
    opts = replace(options, dates=None, per_date=spec["k"], since=start, until=end)
    entries = select_timeline(arts, corpus.mentions, corpus.duplicate_of, opts, story=key)
    texts = {a.id: a.text for a in arts}
    return [
        {"date": e.date, "sentences": [_t17.ptb(texts[c.article][c.start : c.end]) for c in e.citations]}
        for e in entries
    ]


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--db", required=True, help="a T17 store bench_tls.py wrote")
    ap.add_argument("--windows", default=None, help="comma-separated windows in days (default: the chronology's)")
    args = ap.parse_args()
    corpus = _t17.corpus_found_again(open_store(args.db))
    specs = _t17.tasks()
    base = TimelineOptions()
    chron = chronology_options(base)
    windows = [int(w) for w in args.windows.split(",")] if args.windows else [base.chronology_context_days or 0]
    runs: list[tuple[str, TimelineOptions]] = [
        ("whole timeline (context_days None)", replace(chron, context_days=None))
    ]
    runs += [(f"days within {w} (context_days {w})", replace(chron, context_days=w)) for w in windows]
    runs.append(("no topic (topic_weight 0, context_days 0)", replace(chron, context_days=0, topic_weight=0.0)))
    for name, options in runs:
        began = time.perf_counter()
        preds = {k: chronology(corpus, s, k, options) for k, s in specs.items()}
        seconds = time.perf_counter() - began
        avg = _t17.average(list(_t17.score(preds, specs).values()))
        entries = sum(len(p) for p in preds.values())
        print(
            f"T17 chronology, {name}: AR1-F {avg['ar1']['f_score']:.4f} AR2-F {avg['ar2']['f_score']:.4f} "
            f"Date-F1 {avg['date']['f_score']:.4f}; {entries} entries, {seconds:.1f} s"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
