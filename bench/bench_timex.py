"""Time-expression benchmark: storyline's date finder on TempEval-3 platinum and MEANTIME (English).

Usage (from the repository root, with ../shared present):
    .venv/bin/python bench/bench_timex.py [--corpus te3|meantime|all] [--out DIR] [--errors N]

Writes DIR/timex_storyline.json in the scorer's prediction format (``find_timexes`` gives TIMEX3
values: durations ``P3Y``, ``PRESENT_REF``, quarters ``2009-Q3`` ...), then runs
../shared/eval/timex_score.py on it; the scorer's headline is the last line printed.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time

from storyline.extract.dates import find_timexes

HERE = os.path.dirname(os.path.abspath(__file__))
SCORER = os.path.join(HERE, "..", "..", "shared", "eval", "timex_score.py")


MEANTIME_LINES = 6  # title + five sentences


def _line_offset(text: str, n: int) -> int:
    """Offset where line ``n`` (0-based) starts, or the text's length."""
    pos = 0
    for _ in range(n):
        nl = text.find("\n", pos)
        if nl < 0:
            return len(text)
        pos = nl + 1
    return pos


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--corpus", choices=["te3", "meantime", "all"], default="all")
    ap.add_argument("--out", default=tempfile.gettempdir())
    ap.add_argument("--errors", type=int, default=0)
    ap.add_argument(
        "--meantime-all-lines",
        action="store_true",
        help="keep predictions past MEANTIME's annotated part (title + first five sentences)",
    )
    args = ap.parse_args()
    if not os.path.exists(SCORER):
        print(f"scorer not found: {SCORER} (needs ../shared)", file=sys.stderr)
        return 2
    os.makedirs(args.out, exist_ok=True)
    docs_path = os.path.join(args.out, "timex_docs.json")
    subprocess.run([sys.executable, SCORER, "--dump-docs", docs_path, "--corpus", args.corpus], check=True)
    with open(docs_path, encoding="utf-8") as f:
        docs = json.load(f)
    t0 = time.perf_counter()
    pred = {
        doc_id: [
            {"text": t.text, "start": t.start, "end": t.end, "value": t.value, "type": t.type}
            for t in find_timexes(doc["text"], doc["dct"])
        ]
        for doc_id, doc in docs.items()
    }
    spent = time.perf_counter() - t0
    if not args.meantime_all_lines:
        # MEANTIME annotates only each article's title and first five sentences (one per line in
        # the scorer's text; every gold mention sits on lines 0-5), so a mention found further
        # down can only count as spurious. Score the annotated part, as its annotators did.
        for doc_id, doc in docs.items():
            if doc["corpus"] == "meantime":
                cut = _line_offset(doc["text"], MEANTIME_LINES)
                pred[doc_id] = [p for p in pred[doc_id] if p["start"] < cut]
    words = sum(len(d["text"].split()) for d in docs.values())
    pred_path = os.path.join(args.out, "timex_storyline.json")
    with open(pred_path, "w", encoding="utf-8") as f:
        json.dump(pred, f, ensure_ascii=False, indent=0)
    print(f"{len(docs)} docs, {words} words in {spent:.2f}s ({words / spent:,.0f} words/s)")
    cmd = [sys.executable, SCORER, pred_path, "--corpus", args.corpus, "--errors", str(args.errors)]
    return subprocess.run(cmd, check=False).returncode


if __name__ == "__main__":
    sys.exit(main())
