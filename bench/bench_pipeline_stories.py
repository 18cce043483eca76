"""Story-level B-cubed F1 of what the *pipeline* stored for Timeline17 (not the bare Clusterer of bench_cluster.py).

    .venv/bin/python bench/bench_pipeline_stories.py /tmp/t17full.db

Build the store with `bench/bench_tls.py --full-analyse --db /tmp/t17full.db` (one ingest of all of T17). Articles
are matched to the gold by their source (the T17 document id); gold story = the topic prefix, as in bench_cluster.py.
Scored with ../shared/eval/cluster_score.py. The last line is the headline.
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench_cluster import b3, load_t17_data

from storyline.store import open_store


def main() -> None:
    if len(sys.argv) != 2:
        sys.exit(__doc__)
    store = open_store(sys.argv[1])
    source = {a.id: a.source for a in store.articles()}
    gold = load_t17_data(with_dates=False).gold_story
    pred = {source[a]: s.id for s in store.stories() for a in s.articles if source.get(a) in gold}
    gold = {k: v for k, v in gold.items() if k in pred}
    singles = sum(1 for s in store.stories() if len(s.articles) == 1)
    print(
        f"{len(pred)} articles matched; {len(store.stories())} stories ({singles} of one article) for "
        f"{len(set(gold.values()))} gold"
    )
    print(f"pipeline story B3-F1 {b3(pred, gold):.3f}")


if __name__ == "__main__":
    main()
