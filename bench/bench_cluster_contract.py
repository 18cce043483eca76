"""Check a clustering setting against the user contract: the sample corpus and seeds e2e expectations.

Usage: .venv/bin/python bench/bench_cluster_contract.py '{"event_threshold": 0.25}'
Prints, for the sample corpus (tests/gold/sample.json), whether events and stories match the gold partition,
and for ../shared/seeds whether the expected three events in one story come out. Last line: ok / FAIL.
"""

from __future__ import annotations

import json
import sys
import tempfile
from dataclasses import replace
from pathlib import Path

from storyline.cluster import ClusterOptions
from storyline.pipeline import PipelineOptions, run
from storyline.query import export
from storyline.store import SQLiteStore

ROOT = Path(__file__).resolve().parents[1]


def check(options: ClusterOptions) -> tuple[bool, bool, list[str]]:
    gold = json.loads((ROOT / "tests" / "gold" / "sample.json").read_text(encoding="utf-8"))
    with tempfile.TemporaryDirectory() as tmp:
        store = SQLiteStore(Path(tmp) / "s.db")
        run(store, [str(ROOT / "examples" / "sample")], PipelineOptions(use_nlp=False, cluster=options))
        doc = export(store)
        store.close()
    src = {a["id"]: a["source"] for a in doc["articles"]}
    got_ev = {frozenset(src[a] for a in e["articles"]) for e in doc["events"]}
    want_ev = {frozenset(e["articles"]) for e in gold["events"]}
    got_st = {frozenset(src[a] for a in s["articles"]) for s in doc["stories"]}
    want_st = {frozenset(s["articles"]) for s in gold["stories"]}
    notes = [f"event wrong: {sorted(x)}" for x in got_ev - want_ev]
    notes += [f"story wrong: {sorted(x)}" for x in got_st - want_st]
    return got_ev == want_ev, got_st == want_st, notes


def main() -> int:
    kw = json.loads(sys.argv[1]) if len(sys.argv) > 1 else {}
    ev, st, notes = check(replace(ClusterOptions(), **kw))
    print("\n".join(notes))
    print(f"sample events {'ok' if ev else 'FAIL'}, stories {'ok' if st else 'FAIL'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
