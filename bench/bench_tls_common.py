"""Shared helpers of the T17 benchmarks: load the data, ingest it through the pipeline, build and score timelines."""

from __future__ import annotations

import json
import re
import sys
import tempfile
import time
from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from storyline import pipeline
from storyline.records import Article, DateMention
from storyline.store import Store, open_store
from storyline.timeline import TimelineOptions, select_timeline

ROOT = Path(__file__).resolve().parent.parent
SHARED = ROOT.parent / "shared"
EVAL = SHARED / "eval"
DATASET = SHARED / "datasets" / "timeline17" / "Timeline17"
sys.path.insert(0, str(EVAL))

import tls_score  # noqa: E402
from datasets_to_text import load_t17  # noqa: E402


def write_jsonl(folder: Path) -> int:
    """T17's non-empty articles as one JSONL file per topic (published = the InputDocs date folder)."""
    docs = load_t17(DATASET)
    files: dict[str, Any] = {}
    for d in docs:
        if d.story not in files:
            files[d.story] = open(folder / f"{d.story}.jsonl", "w", encoding="utf-8")  # noqa: SIM115 (closed below)
        rec = {"text": d.text, "url": d.doc_id, "published": d.date, "outlet": d.source}
        files[d.story].write(json.dumps(rec, ensure_ascii=False) + "\n")
    for f in files.values():
        f.close()
    return len(docs)


def ingest(db: str, use_nlp: bool = False) -> dict[str, float]:
    """Ingest and analyse T17 into ``db`` through the real pipeline; returns the timings."""
    opts = pipeline.PipelineOptions(use_nlp=use_nlp)
    times: dict[str, float] = {}
    with tempfile.TemporaryDirectory() as tmp:
        t0 = time.perf_counter()
        n = write_jsonl(Path(tmp))
        times["write_jsonl"] = time.perf_counter() - t0
        store = open_store(db)
        t0 = time.perf_counter()
        report = pipeline.ingest(store, [tmp], opts)
        times["ingest"] = time.perf_counter() - t0
        times["articles"] = report.new + report.seen
        times["input_docs"] = n
        t0 = time.perf_counter()
        pipeline.analyse(store, opts)
        times["analyse"] = time.perf_counter() - t0
        store.close()
    return times


@dataclass
class Corpus:
    """What the timeline step reads from the store, grouped by T17 topic."""

    by_topic: dict[str, list[Article]]
    mentions: dict[str, list[DateMention]]
    duplicate_of: dict[str, str]


def load_corpus(store: Store) -> Corpus:
    by_topic: dict[str, list[Article]] = defaultdict(list)
    for a in store.articles():
        by_topic[(a.url or a.source).split("_", 1)[0]].append(a)
    mentions: dict[str, list[DateMention]] = defaultdict(list)
    for m in store.date_mentions():
        mentions[m.article].append(m)
    dup = {d.article: d.duplicate_of for d in store.duplicates()}
    return Corpus(dict(by_topic), dict(mentions), dup)


def corpus_found_again(store: Store) -> Corpus:
    """The corpus as ``bench_tls.py`` reads it, its duplicates and date mentions found again rather than read from
    the store (a store written before a change to either still measures the change)."""
    from storyline import dedupe
    from storyline.extract.dates import find_dates

    articles = store.articles()
    dups = dedupe.find_duplicates(articles, pipeline.PipelineOptions(use_nlp=False).dedupe)
    mentions = {a.id: find_dates(a.text, a.published, a.id) for a in articles}
    corpus = Corpus({}, mentions, {d.article: d.duplicate_of for d in dups})
    for a in articles:
        corpus.by_topic.setdefault((a.url or a.source).split("_", 1)[0], []).append(a)
    return corpus


def tasks() -> dict[str, dict[str, Any]]:
    gold = tls_score.load_gold(DATASET)
    return {k: {**tls_score.task_spec(tl), "gold": tl} for k, tl in gold.items()}


_PTB = [
    (re.compile(r'^"'), "`` "),
    (re.compile(r'(?<=[\s(\[{<])"'), " `` "),
    (re.compile(r'"'), " '' "),
    (re.compile(r"([,;:@#$%&?!()\[\]{}])"), r" \1 "),
    (re.compile(r"\.\.\."), " ... "),
    (re.compile(r"([^.])(\.)\s*$"), r"\1 \2 "),
    (re.compile(r"(?i)([a-z])(n't)\b"), r"\1 \2"),
    (re.compile(r"(?i)([a-z])('s|'re|'ve|'ll|'d|'m)\b"), r"\1 \2"),
]
_BRACKETS = {"(": "-LRB-", ")": "-RRB-", "[": "-LSB-", "]": "-RSB-", "{": "-LCB-", "}": "-RCB-"}


def ptb(text: str) -> str:
    """Penn-Treebank-style tokens, as the T17 gold is written (close enough for ROUGE)."""
    text = " ".join(text.split())
    for pat, rep in _PTB:
        text = pat.sub(rep, text)
    return " ".join(_BRACKETS.get(t, t) for t in text.split())


def predict(corpus: Corpus, spec: Mapping[str, Any], key: str, options: TimelineOptions) -> list[dict[str, Any]]:
    """One task: the topic's articles within the gold date range, l dates, k sentences per date."""
    topic = key.split("/", 1)[0].split("_", 1)[0]
    start, end = spec["start"], spec["end"]
    arts = [a for a in corpus.by_topic.get(topic, []) if a.published and start <= a.published[:10] <= end]
    opts = _with(options, dates=spec["l"], per_date=spec["k"], since=start, until=end)
    entries = select_timeline(arts, corpus.mentions, corpus.duplicate_of, opts, story=key)
    texts = {a.id: a.text for a in arts}
    out = []
    for e in entries:
        sents = [ptb(texts[c.article][c.start : c.end]) for c in e.citations]
        out.append(
            {"date": e.date, "sentences": sents, "citations": [c.as_dict() for c in e.citations], "sources": e.sources}
        )
    return out


def _with(options: TimelineOptions, **kw: Any) -> TimelineOptions:
    from dataclasses import replace

    return replace(options, **kw)


def score(
    preds: Mapping[str, Sequence[Mapping[str, Any]]], specs: Mapping[str, Mapping[str, Any]], rouge: Any = None
) -> dict[str, dict[str, Any]]:
    """Per-task scores with tls_score's own functions (python ROUGE-1.5.5 re-implementation)."""
    rouge = rouge or tls_score.Rouge155()
    out = {}
    for key, spec in specs.items():
        pred = tls_score._entries_to_timeline(list(preds.get(key, [])), key)
        out[key] = tls_score.score_task(pred, spec["gold"], rouge)
    return out


def average(results: Sequence[dict[str, Any]]) -> dict[str, Any]:
    return tls_score.average(list(results))


def report(
    preds: Mapping[str, Sequence[Mapping[str, Any]]],
    specs: Mapping[str, Mapping[str, Any]],
    times: Mapping[str, float],
    tail: str,
) -> None:
    """Score the predictions and print a line per task, the timings, and the headline (its last words ``tail``)."""
    res = score(preds, specs)
    for k, r in res.items():
        print(
            f"{k:60s} AR1-F {r['ar1']['f_score']:.4f} AR2-F {r['ar2']['f_score']:.4f} Date-F1 {r['date']['f_score']:.4f}"
        )
    avg = average(list(res.values()))
    print("timings (s): " + ", ".join(f"{k} {v:.1f}" for k, v in times.items()))
    print(
        f"AR1-F={avg['ar1']['f_score']:.4f} AR2-F={avg['ar2']['f_score']:.4f} Date-F1={avg['date']['f_score']:.4f} {tail}"
    )
