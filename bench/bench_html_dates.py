#!/usr/bin/env python3
"""Publication dates on ../shared/datasets/htmldate_eval (1,000 pages; development data for issue 3).

Usage: .venv/bin/python bench/bench_html_dates.py [--out DIR] [--errors N]

Runs, on the same decoded pages in one process: htmldate extensive as the anchors ran it (no URL), htmldate
extensive given the page URL, and ``storyline.html.page_dates`` given the page URL. Pages are decoded as in
../shared/eval/anchors/extraction/run_dates.py; only the date function is timed. Scored with
../shared/eval/date_score.py (htmldate's own metric); predictions go to --out as dates_<system>.json.
The last line is the headline.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections.abc import Callable
from pathlib import Path

SHARED = Path(__file__).resolve().parents[1].parent / "shared"
sys.path.insert(0, str(SHARED / "eval"))
sys.path.insert(0, str(SHARED / "eval" / "anchors" / "extraction"))


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--out", default="/tmp/storyline-bench")
    ap.add_argument("--errors", type=int, default=0)
    args = ap.parse_args()
    if not (SHARED / "datasets" / "htmldate_eval").is_dir():
        print("../shared/datasets/htmldate_eval not found", file=sys.stderr)
        return 2
    import date_score
    from htmldate import find_date
    from run_dates import load_document

    from storyline.html import page_dates

    gold = date_score.load_gold()
    docs = {url: load_document(item["file"]) for url, item in gold.items()}
    systems: dict[str, Callable[[str, object], str | None]] = {
        "htmldate_extensive": lambda u, h: find_date(h, original_date=True, extensive_search=True),
        "htmldate_extensive_url": lambda u, h: find_date(h, original_date=True, extensive_search=True, url=u),
        "storyline": lambda u, h: page_dates(h, u).published,  # type: ignore[arg-type]
    }
    out_dir = Path(args.out)
    out_dir.mkdir(parents=True, exist_ok=True)
    lines = []
    results = {}
    for name, fn in systems.items():
        fn(
            "http://example.org/",
            "<html><head><meta name='date' content='2020-01-01'></head><body><p>x</p></body></html>",
        )
        out: dict[str, str | None] = {}
        spent = 0.0
        for url, html in docs.items():
            t = time.perf_counter()
            try:
                out[url] = fn(url, html)
            except Exception:  # a crash counts as "no date", as in run_dates.py
                out[url] = None
            spent += time.perf_counter() - t
        (out_dir / f"dates_{name}.json").write_text(json.dumps(out, indent=0), encoding="utf-8")
        r = date_score.evaluate(out, gold)
        results[name] = (r, spent)
        lines.append(f"{name:24s} {date_score.headline(r)}  time {spent:.1f}s ({len(docs) / spent:.0f} pages/s)")
    if args.errors:
        pred = json.loads((out_dir / "dates_storyline.json").read_text())
        base = json.loads((out_dir / "dates_htmldate_extensive.json").read_text())
        for url, item in list(gold.items()):
            if pred.get(url) != base.get(url):
                print("diff", url, "gold", item["date"], "storyline", pred.get(url), "htmldate", base.get(url))
    for line in lines:
        print(line)
    r, spent = results["storyline"]
    base_r, base_spent = results["htmldate_extensive"]
    print(
        f"publication date, htmldate_eval: storyline F1 {r['f1']:.3f} Acc {r['accuracy']:.3f} in {spent:.1f}s; "
        f"htmldate extensive F1 {base_r['f1']:.3f} Acc {base_r['accuracy']:.3f} in {base_spent:.1f}s "
        f"({spent / base_spent:.2f}x its time)"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
