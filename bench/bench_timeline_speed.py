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
``--update``: what the timeline step does when a story's latest article arrives (a feed add): each story's chronology
is first built without that article (``timeline_update.plan`` from nothing, kept sentences), then the clock times the
plan and the day-by-day build with it (the plan's article records hold dates only, as the pipeline's do). It also
prints a digest of the first plans' day and period keys: two versions printing the same one key days alike, so the
states one stored are valid for the other.
"""

from __future__ import annotations

import argparse
import hashlib
import time
from collections import defaultdict
from dataclasses import replace
from typing import Any

from storyline import timeline_update
from storyline.pipeline import PipelineOptions, sources
from storyline.records import Article, DateMention
from storyline.store import open_store
from storyline.timeline import Recall, Sentences, story_timeline


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--db", required=True, help="an analysed store")
    ap.add_argument("--stories", type=int, default=3, help="how many of the largest stories")
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--kept", action="store_true", help="give each build the sentences a first build split and checked")
    ap.add_argument("--update", action="store_true", help="time the plan and day-by-day build of a feed add")
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
    if args.update:
        _updates(inputs, args.repeat)
        return
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


def _updates(inputs: list[tuple[Any, ...]], repeat: int) -> None:
    """Time ``plan`` + ``story_timeline`` with its update, for each story gaining its latest article."""
    prepared = []
    # the first plans' day and period keys: equal digests, equal keys (stored states stay valid)
    keys = hashlib.sha256()
    for story, events, articles, mentions, duplicate_of, source_of, options in inputs:
        last = max(story.articles, key=lambda a: (articles[a].published or "", a))
        before = replace(story, articles=tuple(a for a in story.articles if a != last))
        old_events = [
            replace(e, articles=tuple(a for a in e.articles if a != last)) for e in events if e.articles != (last,)
        ]
        dated = {a: Article(id=a, source="", text="", published=x.published) for a, x in articles.items()}
        common = (mentions, duplicate_of, source_of, options)
        first = timeline_update.plan(before, old_events, dated, *common, {}, [])
        keys.update(repr((sorted(first.days.items()), sorted(first.periods.items()))).encode())
        recalled: dict[str, Recall] = {}
        sentences = Sentences()
        kept = story_timeline(before, old_events, articles, *common, sentences, first.update, recalled)
        prepared.append((story, events, dated, articles, common, first.state(recalled), kept, sentences.rows()))
    best, digest = float("inf"), ""
    for _ in range(repeat):
        t0 = time.process_time()
        built = []
        for story, events, dated, articles, common, state, kept, rows in prepared:
            plan = timeline_update.plan(story, events, dated, *common, state, kept)
            # the articles the plan reads get their texts, as the pipeline gives them
            given = {**dated, **{a: articles[a] for a in plan.update.read}}
            built.append(story_timeline(story, events, given, *common, Sentences(rows), plan.update, {}))
        best = min(best, time.process_time() - t0)
        digest = hashlib.sha256(repr(built).encode()).hexdigest()[:16]
    print(
        f"feed add to {len(prepared)} stories (plan and day-by-day build): {best:.3f} s CPU (best of {repeat}); "
        f"{sum(len(b) for b in built)} entries, digest {digest}; keys of the first plans {keys.hexdigest()[:16]}"
    )


if __name__ == "__main__":
    main()
