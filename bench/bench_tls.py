"""T17 timelines end to end: ingest through the pipeline into SQLite, the stages the timeline needs, 19 timelines, scores.

Protocol (news-tls, as tls_score.py documents it): one task per gold timeline; the topic's articles
published within the gold date range; N = gold dates, K = round(mean gold sentences per date).
Sentences are PTB-tokenised before scoring, as the gold is. Statistical NER is off (use_nlp=False).

    .venv/bin/python bench/bench_tls.py [--db /tmp/t17.db] [--reuse] [--full-analyse] [--out pred.json]

``--full-analyse`` runs ``pipeline.analyse`` (dedupe, dates, entities, quotes, clustering, timelines);
by default only the stages the T17 timeline reads are run: duplicates and date extraction.
The last line is the headline: AR1-F, AR2-F, Date-F1 and the timings.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import bench_tls_common as _t17

from storyline import dedupe, pipeline
from storyline.extract.dates import find_dates
from storyline.store import open_store
from storyline.timeline import TimelineOptions


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--db", default=None, help="SQLite file (default: a temporary one)")
    ap.add_argument("--reuse", action="store_true", help="skip ingest when --db already holds T17")
    ap.add_argument("--full-analyse", action="store_true", help="run the whole pipeline.analyse")
    ap.add_argument("--out", default=None, help="write predictions (tls_score.py JSON) here")
    args = ap.parse_args()
    tmp = tempfile.TemporaryDirectory()
    db = args.db or os.path.join(tmp.name, "t17.db")
    times: dict[str, float] = {}
    t_all = time.perf_counter()
    store = open_store(db)
    opts = pipeline.PipelineOptions(use_nlp=False)
    if not (args.reuse and store.article_ids()):
        with tempfile.TemporaryDirectory() as jl:
            t0 = time.perf_counter()
            _t17.write_jsonl(Path(jl))
            times["jsonl"] = time.perf_counter() - t0
            t0 = time.perf_counter()
            report = pipeline.ingest(store, [jl], opts)
            times["ingest"] = time.perf_counter() - t0
            print(f"ingested {report.new} new, {report.seen} seen, {len(report.rejected)} rejected", file=sys.stderr)
    articles = store.articles()
    if args.full_analyse:
        t0 = time.perf_counter()
        pipeline.analyse(store, opts)
        times["analyse"] = time.perf_counter() - t0
        corpus = _t17.load_corpus(store)
    else:
        t0 = time.perf_counter()
        dups = dedupe.find_duplicates(articles, opts.dedupe)
        times["duplicates"] = time.perf_counter() - t0
        t0 = time.perf_counter()
        mentions = {a.id: find_dates(a.text, a.published, a.id) for a in articles}
        times["dates"] = time.perf_counter() - t0
        corpus = _t17.Corpus({}, mentions, {d.article: d.duplicate_of for d in dups})
        for a in articles:
            corpus.by_topic.setdefault((a.url or a.source).split("_", 1)[0], []).append(a)
    specs = _t17.tasks()
    t0 = time.perf_counter()
    preds = {k: _t17.predict(corpus, s, k, TimelineOptions()) for k, s in specs.items()}
    times["timelines"] = time.perf_counter() - t0
    times["total"] = time.perf_counter() - t_all
    if args.out:
        Path(args.out).write_text(json.dumps(preds, indent=1))
    _t17.report(
        preds, specs, times, f"timelines={times['timelines']:.1f}s total={times['total']:.1f}s articles={len(articles)}"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
