"""Articles' dates by id, from the covering index or from each article's row, cold and warm (SQLite).

    .venv/bin/python bench/bench_dates_index.py --db S100k.db [--n 30000]

The dedupe update reads the published date and outlet of every carrier of a new article's keys (thousands per
add), and the timelines step the dates of a changed story's articles. Read by the primary key, each date costs a
page of the articles table, where rows sit beside their texts: in a large store most are not cached. Read from
``articles_dates`` (id, published, outlet; sqlite migration 105) they come from a small index. Printed: the seconds
for ``--n`` random ids each way, read in the store's chunks of 500, first with the page cache dropped (when run as
root on Linux; else says it could not), then again warm.
"""

from __future__ import annotations

import argparse
import random
import sqlite3
import time
from pathlib import Path

WAYS = {
    "each article's row (primary key)": "articles INDEXED BY sqlite_autoindex_articles_1",
    "covering index articles_dates": "articles INDEXED BY articles_dates",
}


def _drop_cache() -> bool:
    try:
        Path("/proc/sys/vm/drop_caches").write_text("3\n")
    except OSError:
        return False
    return True


def _read(conn: sqlite3.Connection, source: str, ids: list[str]) -> float:
    began = time.perf_counter()
    for i in range(0, len(ids), 500):
        part = ids[i : i + 500]
        marks = ",".join("?" * len(part))
        conn.execute(f"SELECT id, published, outlet FROM {source} WHERE id IN ({marks})", part).fetchall()
    return time.perf_counter() - began


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--db", required=True, help="a storyline SQLite store (opened read-only)")
    ap.add_argument("--n", type=int, default=30_000, help="random article ids to read")
    args = ap.parse_args()
    conn = sqlite3.connect(f"file:{args.db}?mode=ro", uri=True)
    ids = [r[0] for r in conn.execute("SELECT id FROM articles")]
    pick = random.Random(1).sample(ids, min(args.n, len(ids)))
    print(f"store: {len(ids):,} articles; reading the dates of {len(pick):,}")
    for name, source in WAYS.items():
        cold = _drop_cache()
        first = _read(conn, source, pick)
        warm = _read(conn, source, pick)
        said = "cache dropped" if cold else "cache NOT dropped (not root?)"
        print(f"  {name:<36} first {first:6.3f} s ({said}), again {warm:6.3f} s")


if __name__ == "__main__":
    main()
