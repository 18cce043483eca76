"""Full-text search cost and speed on Timeline17: what the index adds to storing articles, and query latency.

    .venv/bin/python bench/bench_search.py [--limit 4625]

Stores T17's articles twice into fresh SQLite files (the real `add_articles`, one transaction per 500), once with
the FTS5 triggers and once with them dropped, and times 30 queries (names, phrases, common and rare words).
The last line is the headline.
"""

from __future__ import annotations

import argparse
import json
import sqlite3
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench_tls_common import write_jsonl

from storyline.records import Article, content_id
from storyline.store import SQLiteStore

QUERIES = [
    "Mubarak",
    "Gaddafi",
    "oil spill",
    '"oil spill"',
    "BP Hayward",
    "Michael Jackson",
    "swine flu",
    "H1N1 vaccine",
    "earthquake Haiti",
    "Assad",
    "Saleh Yemen",
    "Lehman",
    "protest",
    "government",
    "said",
    "Tahrir Square",
    '"Tahrir Square"',
    "Benghazi rebels",
    "Deepwater Horizon",
    "Conrad Murray",
    "propofol",
    "Port-au-Prince",
    "Homs",
    "Sanaa",
    "bailout",
    "Obama",
    "United Nations",
    "ceasefire",
    "vaccine shortage",
    "embargo",
]


def _articles(limit: int) -> list[Article]:
    out: list[Article] = []
    with tempfile.TemporaryDirectory() as tmp:
        write_jsonl(Path(tmp))
        for f in sorted(Path(tmp).glob("*.jsonl")):
            for line in f.read_text(encoding="utf-8").splitlines():
                item = json.loads(line)
                out.append(
                    Article(
                        id=content_id("a", item["text"]),
                        source=item["url"],
                        text=item["text"],
                        title=item.get("title"),
                        published=item.get("published"),
                        published_from="header",
                        content_hash=content_id("h", item["text"]),
                    )
                )
    first: dict[str, Article] = {}
    for a in out:
        first.setdefault(a.id, a)  # one article per text, the first copy
    return list(first.values())[:limit]


def _store(path: Path, articles: list[Article], index: bool) -> float:
    s = SQLiteStore(path)
    if not index:
        for t in ("articles_fts",):
            for suffix in ("ai", "ad", "au"):
                s.conn.execute(f"DROP TRIGGER {t}_{suffix}")
    t0 = time.perf_counter()
    for i in range(0, len(articles), 500):
        s.add_articles(articles[i : i + 500])
    took = time.perf_counter() - t0
    s.close()
    return took


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--limit", type=int, default=10_000)
    args = ap.parse_args()
    articles = _articles(args.limit)
    words = sum(len(a.text.split()) for a in articles)
    with tempfile.TemporaryDirectory() as tmp:
        plain = _store(Path(tmp) / "plain.db", articles, index=False)
        indexed = _store(Path(tmp) / "fts.db", articles, index=True)
        size_plain = (Path(tmp) / "plain.db").stat().st_size
        size_fts = (Path(tmp) / "fts.db").stat().st_size
        s = SQLiteStore(Path(tmp) / "fts.db")
        lat = []
        hits = 0
        for q in QUERIES * 3:
            t0 = time.perf_counter()
            hits += len(s.search(q, limit=10))
            lat.append((time.perf_counter() - t0) * 1000)
        con = sqlite3.connect(Path(tmp) / "fts.db")
        n = con.execute("SELECT COUNT(*) FROM articles_fts").fetchone()[0]
    lat.sort()
    print(f"{len(articles)} articles, {words / 1e6:.2f} M words; indexed rows {n}")
    print(
        f"store without index {plain:.1f} s, with index {indexed:.1f} s (+{indexed - plain:.1f} s, "
        f"{words / max(indexed - plain, 1e-9) / 1e6:.1f} M words/s); file {size_plain / 2**20:.0f} -> {size_fts / 2**20:.0f} MiB"
    )
    print(
        f"queries: {len(lat)}, {hits} hits; latency p50 {statistics.median(lat):.1f} ms, "
        f"p95 {lat[int(0.95 * len(lat)) - 1]:.1f} ms, max {lat[-1]:.1f} ms"
    )
    print(
        f"search: index adds {indexed - plain:.1f} s to storing {len(articles)} articles; "
        f"query p95 {lat[int(0.95 * len(lat)) - 1]:.1f} ms"
    )


if __name__ == "__main__":
    main()
