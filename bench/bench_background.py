"""Background entries (issue 17, item 2): how many of the happenings a story's timeline recalls are happenings.

Usage: .venv/bin/python bench/bench_background.py [--per-story 8]

Each Timeline17 topic is taken as one story (its articles as ingest reads them from T17's JSONL, the T17 benchmarks'
input), their date mentions found by the extract stage's resolver, and ``timeline.background_entries`` asked for up
to ``--per-story`` entries per story. Each entry is looked up in bench/data/background_t17_labels.json (article id,
characters and date: no Timeline17 text is kept), judged by hand: ``happening`` (the sentence states a past happening
that the date dates) and ``on_story`` (one that belongs to the story's history). Precision is over the labelled
entries given; entries the labels do not hold (new since they were made) are counted and listed, never guessed.
The labels were made on the entries of 2026-12-06 before that day's two rules (first person, clock times), which
were chosen looking at them: a development figure, not a held-out one.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
from collections import defaultdict
from pathlib import Path

from bench_tls_common import write_jsonl

from storyline.extract.dates import find_dates
from storyline.ingest import read
from storyline.records import Article
from storyline.timeline import background_entries

LABELS = Path(__file__).resolve().parent / "data" / "background_t17_labels.json"


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--per-story", type=int, default=8)
    args = ap.parse_args()
    labels = {(e["article"], e["start"], e["end"], e["date"]): e for e in json.loads(LABELS.read_text())["entries"]}
    by_topic: dict[str, list[Article]] = defaultdict(list)
    with tempfile.TemporaryDirectory() as tmp:
        write_jsonl(Path(tmp))
        for a in read([tmp]):
            if isinstance(a, Article):
                by_topic[(a.url or a.source).split("_", 1)[0]].append(a)
    mentions = {a.id: list(find_dates(a.text, a.published, a.id)) for arts in by_topic.values() for a in arts}
    given = labelled = happening = on_story = 0
    unknown = []
    for topic, arts in sorted(by_topic.items()):
        for e in background_entries(topic, arts, mentions, {}, {}, args.per_story):
            c = e.citations[0]
            given += 1
            lab = labels.get((c.article, c.start, c.end, e.date))
            if lab is None:
                unknown.append(f"{topic} {e.date} {c.article} {c.start}-{c.end}")
                continue
            labelled += 1
            happening += lab["happening"]
            on_story += lab["on_story"]
    for u in unknown:
        print("not labelled:", u)
    if not labelled:
        print("no labelled entry given")
        return 1
    print(
        f"T17, 9 topics as stories, up to {args.per_story} each: {given} background entries, {labelled} labelled; "
        f"happening precision {happening / labelled:.3f} ({happening}/{labelled}), on the story's history "
        f"{on_story / labelled:.3f} ({on_story}/{labelled}); {len(unknown)} not labelled"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
