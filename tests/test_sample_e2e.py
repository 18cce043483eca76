"""End to end on the bundled sample corpus: `storyline run examples/sample`, compared with tests/gold/sample.json."""

from __future__ import annotations

import json
from collections import defaultdict
from pathlib import Path
from typing import Any

import pytest

from conftest import GOLD, SAMPLE
from storyline.pipeline import PipelineOptions, run
from storyline.query import export
from storyline.store import SQLiteStore


@pytest.fixture(scope="module")
def gold() -> dict[str, Any]:
    return json.loads((GOLD / "sample.json").read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def doc(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    store = SQLiteStore(tmp_path_factory.mktemp("sample") / "sample.db")
    report = run(store, [str(SAMPLE)], PipelineOptions(use_nlp=False))
    assert report.rejected == [] and report.new > 30
    return export(store)


def by_source(doc: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {a["source"]: a for a in doc["articles"]}


def partition(groups: list[list[str]]) -> set[frozenset[str]]:
    return {frozenset(g) for g in groups}


def test_every_article_is_read_with_gold_metadata(doc: dict[str, Any], gold: dict[str, Any]) -> None:
    arts = by_source(doc)
    assert set(arts) == set(gold["articles"])
    wrong = []
    for source, want in gold["articles"].items():
        got = arts[source]
        place = (got["dateline"] or {}).get("place")
        checks = {
            "published": (got["published"], want["published"]),
            "title": (got["title"], want["title"]),
            "outlet": (got["outlet"], want["outlet"]),
            "wire": (got["wire_agencies"], want["wire"]),
            "dateline_place": (place, want["dateline_place"]),
        }
        wrong += [f"{source} {k}: got {g!r}, want {w!r}" for k, (g, w) in checks.items() if g != w]
    assert not wrong, "\n".join(wrong)


def test_boilerplate_lines_are_gone(doc: dict[str, Any], gold: dict[str, Any]) -> None:
    arts = by_source(doc)
    leaked = [f"{b['article']}: {b['line']}" for b in gold["boilerplate"] if b["line"] in arts[b["article"]]["text"]]
    assert not leaked, "\n".join(leaked)


def test_duplicates(doc: dict[str, Any], gold: dict[str, Any]) -> None:
    arts = by_source(doc)
    src = {a["id"]: a["source"] for a in doc["articles"]}
    got = {(s, src[a["duplicate_of"]]) for s, a in arts.items() if a["duplicate_of"]}
    assert got == {(d["article"], d["duplicate_of"]) for d in gold["duplicates"]}


def test_passages_with_origin(doc: dict[str, Any], gold: dict[str, Any]) -> None:
    src = {a["id"]: a["source"] for a in doc["articles"]}
    for want in gold["passages"]:
        found = [p for p in doc["passages"] if want["contains"].lower() in p["text"].lower()]
        assert found, f"no passage contains {want['contains']!r}"
        p = found[0]
        assert set(want["articles"]) <= {src[a] for a in p["articles"]}
        assert p["origin"]["agency"] == want["origin_agency"]


def test_stories_match_gold(doc: dict[str, Any], gold: dict[str, Any]) -> None:
    src = {a["id"]: a["source"] for a in doc["articles"]}
    got = partition([[src[a] for a in s["articles"]] for s in doc["stories"]])
    assert got == partition([s["articles"] for s in gold["stories"]])


def test_events_match_gold(doc: dict[str, Any], gold: dict[str, Any]) -> None:
    src = {a["id"]: a["source"] for a in doc["articles"]}
    got = {frozenset(src[a] for a in e["articles"]): e["date"] for e in doc["events"]}
    want = {frozenset(e["articles"]): e["date"] for e in gold["events"]}
    assert set(got) == set(want)
    assert got == want


def test_dates_resolved(doc: dict[str, Any], gold: dict[str, Any]) -> None:
    src = {a["id"]: a["source"] for a in doc["articles"]}
    found: dict[tuple[str, str], set[str | None]] = defaultdict(set)
    for d in doc["dates"]:
        found[(src[d["article"]], d["text"].lower())].add(d["value"])
    missing = []
    for want in gold["dates"]:
        phrase = want["text"].lower()
        # the extractor may leave a preposition out of the span ("in July" -> "July")
        values = set().union(
            *(v for (s, t), v in found.items() if s == want["article"] and (phrase in t or t in phrase))
        )
        if want["value"] not in values:
            missing.append(f"{want['article']}: {want['text']!r} want {want['value']}, got {sorted(map(str, values))}")
    # every gold phrase must be found and resolved
    assert not missing, "\n".join(missing)


def test_entities_merged(doc: dict[str, Any], gold: dict[str, Any]) -> None:
    for want in gold["entities"]:
        spellings = {want["name"], *want["aliases"]}
        hits = [e for e in doc["entities"] if spellings <= {e["name"], *e["aliases"]}]
        assert hits, f"no entity merges {sorted(spellings)}"


def test_quotes_attributed(doc: dict[str, Any], gold: dict[str, Any]) -> None:
    src = {a["id"]: a["source"] for a in doc["articles"]}
    misses = []
    for want in gold["quotes"]:
        cands = [
            q for q in doc["quotes"] if src[q["article"]] == want["article"] and want["text_contains"] in q["text"]
        ]
        if not any(want["speaker_contains"].lower() in (q["speaker"] or "").lower() for q in cands):
            misses.append(
                f"{want['article']}: {want['text_contains']!r} by {want['speaker_contains']}: {[q['speaker'] for q in cands]}"
            )
    assert not misses, "\n".join(misses)


def test_timelines_have_gold_dates_and_exact_citations(doc: dict[str, Any], gold: dict[str, Any]) -> None:
    src = {a["id"]: a["source"] for a in doc["articles"]}
    texts = {a["id"]: a["text"] for a in doc["articles"]}
    gold_story = {src_: s["name"] for s in gold["stories"] for src_ in s["articles"]}
    story_name = {}
    for s in doc["stories"]:
        names = {gold_story[src[a]] for a in s["articles"]}
        story_name[s["id"]] = names.pop() if len(names) == 1 else None
    want = {t["story"]: t["dates"] for t in gold["timeline"]}
    for tl in doc["timelines"]:
        name = story_name[tl["story"]]
        assert name is not None
        # the gold lists the story's own days; background entries (recalled from before it began) come before them
        assert [e["date"] for e in tl["entries"] if not e["background"]] == want[name]
        assert all(e["date"] < want[name][0] for e in tl["entries"] if e["background"])
        for e in tl["entries"]:
            assert e["citations"]
            for c in e["citations"]:
                assert texts[c["article"]][c["start"] : c["end"]] in e["summary"]


def test_reingest_changes_nothing(tmp_path: Path) -> None:
    store = SQLiteStore(tmp_path / "again.db")
    opts = PipelineOptions(use_nlp=False)
    run(store, [str(SAMPLE)], opts)
    first = export(store)
    report = run(store, [str(SAMPLE)], opts)
    assert report.new == 0 and report.seen == first["articles"].__len__()
    assert export(store) == first
