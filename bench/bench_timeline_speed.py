"""CPU time of building the timelines of a store's largest stories (``timeline.story_timeline``, what the timeline
step runs per story), with a digest of what they hold, to compare two versions of the code on the same input.

    .venv/bin/python bench/bench_timeline_speed.py --db S.db [--stories 3] [--repeat 3] [--kept]
    git archive REV src | tar -x -C OLD && PYTHONPATH=OLD/src .venv/bin/python bench/bench_timeline_speed.py --db S.db

S.db is an analysed store, e.g. the one ``storyline ingest`` of ``bench/scale_corpus.py 10000`` writes (its
largest story holds ~2,500 articles and ~1,200 events: the story an add to that store rebuilds most often). The
stories' inputs are read as the pipeline reads them (articles, date mentions, duplicate marks, groups of one
source) before the clock starts; the best of ``--repeat`` rounds is printed, in CPU seconds of this process (the
machine is shared: CPU time is steadier than wall time). Run the two versions one after the other, alternating;
equal digests say they built the same timelines. ``--kept``: each build is given the sentences a first build split
and checked (``timeline.Sentences``, as the store keeps them between analyses): what a rebuild after an add costs.
"""

from __future__ import annotations

import argparse
import hashlib
import time
from collections import defaultdict
from typing import Any

from storyline.pipeline import PipelineOptions, sources
from storyline.records import DateMention
from storyline.store import open_store
from storyline.timeline import Sentences, story_timeline


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--db", required=True, help="an analysed store")
    ap.add_argument("--stories", type=int, default=3, help="how many of the largest stories")
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--kept", action="store_true", help="give each build the sentences a first build split and checked")
    args = ap.parse_args()
    store = open_store(args.db)
    options = PipelineOptions(use_nlp=False).timeline
    inputs: list[tuple[Any, ...]] = []
    for story in sorted(store.stories(), key=lambda s: (-len(s.articles), s.id))[: args.stories]:
        events = store.events(list(story.events))
        held = list(dict.fromkeys([*story.articles, *(a for e in events for a in e.articles)]))
        articles = {a.id: a for a in store.articles(held)}
        mentions: dict[str, list[DateMention]] = defaultdict(list)
        for m in store.date_mentions(held):
            mentions[m.article].append(m)
        duplicate_of = {d.article: d.duplicate_of for d in store.duplicates(held)}
        source_of = sources.representatives(store.source_groups(held))
        inputs.append((story, events, articles, dict(mentions), duplicate_of, source_of, options))
        print(f"story {story.id}: {len(story.articles)} articles, {len(events)} events", flush=True)
    kept: list[dict[str, bytes]] = [{} for _ in inputs]
    if args.kept:  # the rows a first build leaves, as the store keeps them
        for x, rows in zip(inputs, kept):
            first = Sentences()
            story_timeline(*x, first)
            rows.update(first.rows())
    best, digest = float("inf"), ""
    for _ in range(args.repeat):
        t0 = time.process_time()
        built = [story_timeline(*x, Sentences(rows)) for x, rows in zip(inputs, kept)]
        best = min(best, time.process_time() - t0)
        digest = hashlib.sha256(repr(built).encode()).hexdigest()[:16]
    entries = sum(len(b) for b in built)
    said = ", sentences kept from a first build" if args.kept else ""
    print(
        f"timelines of {len(inputs)} stories{said}: {best:.3f} s CPU (best of {args.repeat}); {entries} entries, "
        f"digest {digest}"
    )


if __name__ == "__main__":
    main()
