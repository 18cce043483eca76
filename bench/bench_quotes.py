"""Quote and attribution benchmark: storyline's quote finder on PolNeAR (train or dev split).

Usage (from the repository root, with ../shared present):
    .venv/bin/python bench/bench_quotes.py [--split dev|train] [--nlp] [--out DIR] [--errors N]

Runs ``find_quotes`` on every article of the split (rule-based entity mentions unless --nlp,
which uses spaCy NER), writes DIR/quotes_<split>_storyline.json with content offsets, then
runs ../shared/eval/quote_score.py on it; the scorer's headline is the last line printed.
PolNeAR's train split is for developing, dev for tuning; the test split is held out and absent.
"""

from __future__ import annotations

import argparse
import glob
import json
import os
import subprocess
import sys
import tempfile
import time

from storyline.extract.entities import find_mentions
from storyline.extract.quotes import find_quotes

HERE = os.path.dirname(os.path.abspath(__file__))
SHARED = os.path.join(HERE, "..", "..", "shared")
SCORER = os.path.join(SHARED, "eval", "quote_score.py")


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--split", choices=["dev", "train"], default="dev")
    ap.add_argument("--nlp", action="store_true", help="speaker mentions from spaCy NER")
    ap.add_argument("--out", default=tempfile.gettempdir())
    ap.add_argument("--errors", type=int, default=0)
    args = ap.parse_args()
    text_dir = os.path.join(SHARED, "datasets", "polnear", "data", args.split, "text")
    paths = sorted(glob.glob(os.path.join(text_dir, "*.txt")))
    if not paths or not os.path.exists(SCORER):
        print(f"PolNeAR or its scorer not found under {SHARED}", file=sys.stderr)
        return 2
    texts = {}
    for path in paths:
        with open(path, encoding="utf-8") as f:
            texts[os.path.basename(path)[:-4]] = f.read()
    t0 = time.perf_counter()
    pred = {}
    for doc_id, text in texts.items():
        mentions = find_mentions(text, doc_id, use_nlp=args.nlp)
        pred[doc_id] = [
            {
                "source": q.speaker or "",
                "cue": q.cue or "",
                "content": q.text,
                "content_start": q.start,
                "content_end": q.end,
            }
            for q in find_quotes(text, doc_id, mentions)
        ]
    spent = time.perf_counter() - t0
    os.makedirs(args.out, exist_ok=True)
    pred_path = os.path.join(args.out, f"quotes_{args.split}_storyline.json")
    with open(pred_path, "w", encoding="utf-8") as f:
        json.dump(pred, f, ensure_ascii=False, indent=0)
    print(f"{args.split}: {len(texts)} articles in {spent:.2f}s ({len(texts) / spent:.1f} articles/s)")
    cmd = [sys.executable, SCORER, pred_path, "--split", args.split, "--errors", str(args.errors)]
    return subprocess.run(cmd, check=False).returncode


if __name__ == "__main__":
    sys.exit(main())
