"""Time `storyline export` (the storyline/1 document: timelines with quotes, comparisons of every event) on a store.

    .venv/bin/python bench/bench_export.py /tmp/t17full.db

Build the store first with `bench/bench_tls.py --full-analyse --db /tmp/t17full.db`. The last line is the headline.
"""

from __future__ import annotations

import sys
import time

from storyline.query import export
from storyline.store import open_store


def main() -> None:
    if len(sys.argv) != 2:
        sys.exit(__doc__)
    store = open_store(sys.argv[1])
    t0 = time.perf_counter()
    doc = export(store)
    took = time.perf_counter() - t0
    sizes = {k: len(v) for k, v in doc.items() if isinstance(v, list)}
    print(", ".join(f"{k} {v}" for k, v in sizes.items()))
    print(f"export: {took:.1f} s for {sizes['articles']} articles, {sizes['comparisons']} comparisons")


if __name__ == "__main__":
    main()
