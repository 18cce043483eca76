"""Real pages, not just articles: what ``page_meta`` changes on real pages, and its rules on a labelled set.

    .venv/bin/python bench/bench_page_meta.py [--limit N]

1. A labelled development set of invented titles and bylines (``bench/data/page_meta.tsv``: the raw value, the
   page's site name and address, and what the article should get), scored by exact match.
2. The 181 news articles of the Article Extraction Benchmark and the 990 pages of the trafilatura evaluation set
   (``../shared/datasets``), read with ``html.extract_page``: how many titles lose a site name or section, how many
   bylines are dropped or trimmed, and how many pages ``not_an_article`` rejects (each with its reason: on the AEB,
   all news articles, every one is a false rejection).
"""

from __future__ import annotations

import argparse
import gzip
import json
import sys
from pathlib import Path

from storyline.html import extract_page
from storyline.page_meta import clean_author, clean_title, not_an_article

ROOT = Path(__file__).resolve().parent
DATASETS = ROOT.parent.parent / "shared" / "datasets"


def labelled() -> None:
    right = {"title": [0, 0], "author": [0, 0]}
    for line in (ROOT / "data" / "page_meta.tsv").read_text(encoding="utf-8").splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        kind, raw, site, url, want = (line.split("\t") + [""] * 5)[:5]
        fn = clean_title if kind == "title" else clean_author
        got = fn(raw, site or None, url or None) or ""
        right[kind][0] += got == want
        right[kind][1] += 1
        if got != want:
            print(f"  miss ({kind}): {raw!r} -> {got!r}, wanted {want!r}")
    for kind, (ok, n) in right.items():
        print(f"labelled {kind}s: {ok}/{n} right ({ok / max(1, n):.1%})")


def pages(name: str, files: list[Path], urls: list[str | None]) -> None:
    titles = authors = 0
    rejected: list[str] = []
    for path, url in zip(files, urls):
        page = extract_page(gzip.decompress(path.read_bytes()), url)
        if not page.text.strip():
            continue
        titles += clean_title(page.title, page.sitename, url or page.url) != page.title
        authors += clean_author(page.author, page.sitename, url or page.url) != page.author
        if reason := not_an_article(page.text, page.title):
            rejected.append(f"{path.name}: {reason}")
    print(f"{name}: {len(files)} pages; titles changed {titles}, bylines changed {authors}, rejected {len(rejected)}")
    for r in rejected:
        print(f"  rejected {r}")


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--limit", type=int, default=None, help="at most this many pages of each set")
    args = ap.parse_args()
    labelled()
    aeb = sorted((DATASETS / "article_extraction_benchmark" / "html").glob("*.html.gz"))[: args.limit]
    pages("AEB (news articles)", aeb, [None] * len(aeb))
    root = DATASETS / "trafilatura_eval"
    data = json.loads((root / "evaldata.json").read_text(encoding="utf-8"))
    files, urls = [], []
    for url, d in list(data.items())[: args.limit]:
        for sub in ("cache", "eval"):
            if (p := root / sub / (d["file"] + ".gz")).exists():
                files.append(p)
                urls.append(url)
                break
    pages("trafilatura eval (web pages)", files, urls)
    return 0


if __name__ == "__main__":
    sys.exit(main())
