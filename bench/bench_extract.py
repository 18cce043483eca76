"""Extraction throughput: dates + entities + quotes per article, fast (rule-based) and full (spaCy) mode.

Usage (from the repository root, with ../shared present):
    .venv/bin/python bench/bench_extract.py [--repeat N]

Texts: PolNeAR's dev split (84 US political news articles) and the five seeds. Prints, for
each mode, articles/s and words/s of ``pipeline.extract`` (the whole extract stage), and
beside them spaCy's NER alone (``load_nlp()`` on the same texts), so the cost of our own
rules over spaCy's shows. The last line holds the headline figures.
"""

from __future__ import annotations

import argparse
import glob
import os
import sys
import time

from storyline.extract.entities import load_nlp
from storyline.pipeline import extract
from storyline.records import Article

HERE = os.path.dirname(os.path.abspath(__file__))
SHARED = os.path.join(HERE, "..", "..", "shared")


def _texts() -> list[str]:
    paths = sorted(glob.glob(os.path.join(SHARED, "datasets", "polnear", "data", "dev", "text", "*.txt")))
    paths += sorted(glob.glob(os.path.join(SHARED, "seeds", "*.txt")))
    out = []
    for p in paths:
        with open(p, encoding="utf-8") as f:
            out.append(f.read())
    return out


def _time(fn: object, repeat: int) -> float:
    best = float("inf")
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn()  # type: ignore[operator]
        best = min(best, time.perf_counter() - t0)
    return best


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--repeat", type=int, default=3, help="runs per mode; the fastest counts")
    args = ap.parse_args()
    texts = _texts()
    if not texts:
        print(f"no texts under {SHARED}", file=sys.stderr)
        return 2
    arts = [Article(id=f"a{i}", source=f"a{i}", text=t, published="2016-06-01") for i, t in enumerate(texts)]
    words = sum(len(t.split()) for t in texts)
    nlp = load_nlp()
    nlp("Warm up, said Kim Jong Un on Friday.")
    rows = {
        "fast (no spaCy)": _time(lambda: [extract(a, use_nlp=False) for a in arts], args.repeat),
        "full (spaCy NER)": _time(lambda: [extract(a, use_nlp=True) for a in arts], args.repeat),
        "spaCy NER alone": _time(lambda: [nlp(t) for t in texts], args.repeat),
    }
    print(f"{len(texts)} articles, {words:,} words; best of {args.repeat}")
    for name, spent in rows.items():
        print(f"  {name:<18} {len(texts) / spent:8.1f} articles/s  {words / spent:10,.0f} words/s")
    fast, full, ner = (len(texts) / rows[k] for k in rows)
    print(f"extract full={full:.1f} articles/s, spaCy NER alone={ner:.1f} articles/s, fast={fast:.1f} articles/s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
