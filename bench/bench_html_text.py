#!/usr/bin/env python3
"""Main text on trafilatura_eval (990 pages) and article_extraction_benchmark (181 pages), plus ingest throughput.

Usage: .venv/bin/python bench/bench_html_text.py [--bench traf,aeb] [--out DIR]

Both sets are development data for issue 3. In one process, on the same pages, this runs:

* ``trafilatura``: plain ``trafilatura.extract`` with the options of ../shared/eval/anchors/extraction/run_text.py
  (traf: raw bytes, include_comments=False, include_tables=True, include_formatting=False; aeb: UTF-8 text,
  include_comments=False);
* ``storyline-page``: ``storyline.html.extract_page(...).text`` (trafilatura's text, before our cleaning);
* ``storyline``: ``storyline.ingest.from_html(...).text``, the article text ``storyline ingest`` stores (our
  boilerplate rules, dateline, agencies, dates and language detection included; its time is ingest throughput).

Scored with ../shared/eval/text_score.py (traf: with/without segments; aeb: 4-gram shingles). Timings cover
extraction only, not reading files. The last line is the headline.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

SHARED = Path(__file__).resolve().parents[1].parent / "shared"
sys.path.insert(0, str(SHARED / "eval"))
sys.path.insert(0, str(SHARED / "eval" / "anchors" / "extraction"))


def systems(bench: str) -> dict[str, Callable[[str, Any], str | None]]:
    from trafilatura import extract

    from storyline.html import extract_page
    from storyline.ingest import from_html

    base = (
        {"include_comments": False, "include_tables": True, "include_formatting": False}
        if bench == "traf"
        else {"include_comments": False}
    )

    def ours(key: str, html: Any) -> str | None:
        try:
            return from_html(html, "page.html", url=key if bench == "traf" else None).text
        except ValueError:  # rejected: no article text
            return None

    return {
        "trafilatura": lambda key, html: extract(html, **base),
        "storyline-page": lambda key, html: extract_page(html, key if bench == "traf" else None).text,
        "storyline": ours,
    }


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--bench", default="traf,aeb")
    ap.add_argument("--out", default="/tmp/storyline-bench")
    args = ap.parse_args()
    if not (SHARED / "datasets" / "trafilatura_eval").is_dir():
        print("../shared/datasets/trafilatura_eval not found", file=sys.stderr)
        return 2
    import text_score
    from run_text import aeb_docs, traf_docs

    out_dir = Path(args.out)
    out_dir.mkdir(parents=True, exist_ok=True)
    summary: dict[str, dict[str, tuple[float, float]]] = {}
    for bench in args.bench.split(","):
        docs = traf_docs() if bench == "traf" else aeb_docs()
        for name, fn in systems(bench).items():
            fn(
                "http://example.org/",
                "<html><body><article><p>warm up text here, long enough.</p></article></body></html>",
            )
            out: dict[str, str | None] = {}
            spent = 0.0
            errors = 0
            for key, html in docs.items():
                t = time.perf_counter()
                try:
                    out[key] = fn(key, html)
                except Exception:  # a crash counts as no text, as in run_text.py
                    out[key] = None
                    errors += 1
                spent += time.perf_counter() - t
            (out_dir / f"text_{bench}_{name}.json").write_text(json.dumps(out, ensure_ascii=False), encoding="utf-8")
            if bench == "traf":
                r = text_score.traf_evaluate(out, text_score.load_traf_gold())
                line = text_score.traf_headline(r)
            else:
                r = text_score.aeb_evaluate(out, text_score.load_aeb_gold(), n_bootstrap=200)
                line = text_score.aeb_headline(r)
            summary.setdefault(bench, {})[name] = (r["f1"], len(docs) / spent)
            print(
                f"{bench} {name:15s} {line}  {spent:.1f}s ({len(docs) / spent:.1f} pages/s), errors {errors}",
                flush=True,
            )
    parts = []
    for bench, res in summary.items():
        parts.append(
            f"{bench}: storyline F1 {res['storyline'][0]:.3f} vs trafilatura {res['trafilatura'][0]:.3f}, "
            f"{res['storyline'][1]:.1f} vs {res['trafilatura'][1]:.1f} pages/s"
        )
    print("main text: " + "; ".join(parts))
    return 0


if __name__ == "__main__":
    sys.exit(main())
