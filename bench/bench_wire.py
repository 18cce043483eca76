#!/usr/bin/env python3
"""Wire agency accuracy on PolNeAR train+dev (development data for issue 3).

Usage: .venv/bin/python bench/bench_wire.py [--errors N]

Gold: the ``wire`` column of ../shared/datasets/polnear/data/metadata.tsv for the ``train`` and ``dev``
rows (924 articles). ``None`` means no wire agency; ``NA`` (all 132 West Journal rows) means the annotators
did not record it. Each text (polnear/data/{train,dev}/text/<filename>.txt, headline on the first line) goes
through ``storyline.ingest.from_plain``, exactly as ``storyline ingest`` reads a .txt file; the prediction is
the first wire agency (or none). Scored by this script: accuracy = share of articles whose predicted agency
equals the gold one (case-insensitive), on the 792 rows with a recorded value, and with NA read as "none".
The last line is the headline.
"""

from __future__ import annotations

import argparse
import csv
import sys
import time
from pathlib import Path

from storyline.ingest import from_plain

DATA = Path(__file__).resolve().parents[1].parent / "shared" / "datasets" / "polnear" / "data"


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--errors", type=int, default=0, help="print up to N misses")
    args = ap.parse_args()
    meta = DATA / "metadata.tsv"
    if not meta.is_file():
        print(f"{meta} not found: PolNeAR lives in ../shared/datasets beside the repository", file=sys.stderr)
        return 2
    rows = [
        r for r in csv.DictReader(meta.open(encoding="utf-8"), delimiter="\t") if r["compartment"] in ("train", "dev")
    ]
    right = right_na = recorded = 0
    misses: list[str] = []
    t0 = time.perf_counter()
    for r in rows:
        raw = (DATA / r["compartment"] / "text" / f"{r['filename']}.txt").read_text(encoding="utf-8")
        art = from_plain(raw, r["filename"])
        pred = art.wire_agencies[0].lower() if art.wire_agencies else "none"
        gold = r["wire"].lower()
        if gold == "na":
            right_na += pred == "none"
            continue
        recorded += 1
        ok = pred == gold
        right += ok
        right_na += ok
        if not ok:
            misses.append(
                f"{r['filename']}\tgold={gold}\tpred={pred}\twire={art.wire_agencies} cited={art.cited_agencies}"
            )
    spent = time.perf_counter() - t0
    for m in misses[: args.errors]:
        print(m)
    print(f"{len(rows)} articles in {spent:.1f}s; NA read as none: {right_na / len(rows):.3f}")
    print(f"wire agency accuracy (PolNeAR train+dev, {recorded} rows with a recorded value): {right / recorded:.3f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
