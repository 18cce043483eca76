"""End to end on the five real articles in ../shared/seeds (skipped where ../shared is absent)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from storyline.pipeline import PipelineOptions, run
from storyline.query import export
from storyline.store import SQLiteStore


@pytest.fixture(scope="module")
def doc(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    from conftest import SEEDS

    if not SEEDS.is_dir():
        pytest.skip(f"{SEEDS} not found: the seed articles live in ../shared/seeds beside the repository")
    store = SQLiteStore(tmp_path_factory.mktemp("seeds") / "seeds.db")
    run(store, [str(SEEDS)], PipelineOptions(use_nlp=False))
    return export(store)


def ids(doc: dict[str, Any]) -> dict[str, str]:
    """Seed number ('000') -> article id."""
    return {Path(a["source"]).name[:3]: a["id"] for a in doc["articles"]}


def test_events_and_one_story(doc: dict[str, Any]) -> None:
    i = ids(doc)
    event = {a["id"]: a["event"] for a in doc["articles"]}
    assert event[i["000"]] == event[i["001"]] == event[i["003"]]
    assert len({event[i["000"]], event[i["002"]], event[i["004"]]}) == 3
    assert len(doc["stories"]) == 1 and len(doc["stories"][0]["articles"]) == 5


def test_004_date_is_2025_09_04(doc: dict[str, Any]) -> None:
    a = next(a for a in doc["articles"] if a["id"] == ids(doc)["004"])
    assert a["published"] == "2025-09-04"  # read from the text ("Sep 4" in the dateline, the year from its context)


def test_wednesday_in_000_resolves(doc: dict[str, Any]) -> None:
    i = ids(doc)
    values = {d["value"] for d in doc["dates"] if d["article"] == i["000"] and "wednesday" in d["text"].lower()}
    assert values == {"2023-09-13"}


def test_kim_spellings_are_one_entity(doc: dict[str, Any]) -> None:
    assert any({"Kim Jong Un", "Kim Jong-un"} <= {e["name"], *e["aliases"]} for e in doc["entities"])


def test_kcna_passage_shared_by_000_and_001(doc: dict[str, Any]) -> None:
    i = ids(doc)
    hits = [p for p in doc["passages"] if {i["000"], i["001"]} <= set(p["articles"]) and "imperialists" in p["text"]]
    assert len(hits) == 1
    assert hits[0]["origin"]["agency"] == "KCNA"


def test_timeline_has_the_three_event_dates(doc: dict[str, Any]) -> None:
    dates = {e["date"] for t in doc["timelines"] for e in t["entries"]}
    assert {"2023-09-13", "2023-09-16", "2025-09-03"} <= dates
