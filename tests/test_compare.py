"""Cross-source comparison: shared claims, unique claims, tensions, who reported first."""

from __future__ import annotations

from pathlib import Path

import pytest

from storyline.compare import compare, tension
from storyline.pipeline import PipelineOptions, run
from storyline.records import Article, Event
from storyline.store import SQLiteStore

SEEDS = Path(__file__).resolve().parent.parent.parent / "shared" / "seeds"

A = (
    "Harbour workers in Portvale walked out on Monday over pay. "
    "The union said 400 workers joined the strike at the Eastquay terminal. "
    "The port authority said ferries would keep running."
)
B = (
    "About 400 workers joined the strike at Portvale's Eastquay terminal, the union said. "
    "The port authority denied that ferries had been cancelled at Eastquay. "
    "Talks with the Portvale port authority are set for Thursday."
)
C = "The strike at the Eastquay terminal drew 250 workers, police in Portvale said, far fewer than organisers claimed."


def _arts() -> dict[str, Article]:
    return {
        "a-1": Article(id="a-1", source="1", text=A, published="2024-03-04", outlet="Harbour Gazette"),
        "a-2": Article(id="a-2", source="2", text=B, published="2024-03-05", outlet="Coast Herald"),
        "a-3": Article(id="a-3", source="3", text=C, published="2024-03-05", outlet="Ledger"),
        "a-4": Article(id="a-4", source="4", text=A, published="2024-03-06", outlet="Reprint"),
    }


def test_shared_unique_and_first() -> None:
    comp = compare(Event("e-1", "s-1", "2024-03-04", "Strike", ("a-1", "a-2", "a-3", "a-4")), _arts(), {"a-4": "a-1"})
    assert comp.first == ("a-1",)
    shared = [s for s in comp.shared if "400 workers" in s.first.text]
    assert len(shared) == 1 and shared[0].sources == 2 and shared[0].first.article == "a-1"
    # the reprint is folded into its original: never a second witness, never cited
    assert all(c.article != "a-4" for s in comp.shared for c in s.claims)
    assert all(c.article != "a-4" for c in comp.unique)
    assert any("Talks with" in c.text for c in comp.unique)
    for s in comp.shared:
        for c in s.claims:
            assert _arts()[c.article].text[c.start : c.end] == c.text


def test_tensions_number_and_denial() -> None:
    comp = compare(Event("e-1", "s-1", "2024-03-04", "Strike", ("a-1", "a-2", "a-3")), _arts(), {})
    kinds = {t.kind for t in comp.tensions}
    assert "number" in kinds  # 400 workers vs 250 workers
    assert tension("The union said 400 workers joined the strike at the Eastquay terminal.", C) == "number"
    assert tension("Veyra blamed Drannia for shelling the customs post.", "Drannia denied shelling the post.") == "denial"
    assert tension("Veyra blamed Drannia for shelling the post.", "Veyra recalled its ambassador.") is None


def test_export_shape_matches_contract() -> None:
    comp = compare(Event("e-1", "s-1", "2024-03-04", "Strike", ("a-1", "a-2", "a-3")), _arts(), {})
    d = comp.as_dict()
    assert d["event"] == "e-1"
    assert {"claim", "articles"} <= set(d["shared"][0])  # type: ignore[index]
    assert {"claim", "article"} <= set(d["unique"][0])  # type: ignore[index]
    assert {"a", "b"} <= set(d["tensions"][0])  # type: ignore[index]


def test_peskov_remark_and_accepted_invitation_are_in_tension(tmp_path: Path) -> None:
    if not SEEDS.is_dir():
        pytest.skip(f"../shared/seeds not found: {SEEDS}")
    store = SQLiteStore(tmp_path / "seeds.db")
    run(store, [str(SEEDS)], PipelineOptions(use_nlp=False))
    arts = {a.id: a for a in store.articles()}
    dup = {d.article: d.duplicate_of for d in store.duplicates()}
    found = False
    for story in store.stories():
        comp = compare(Event(story.id, story.id, None, story.title, story.articles), arts, dup)
        for t in comp.tensions:
            texts = (t.a.text, t.b.text)
            if any("Peskov" in x and "not yet planned" in x for x in texts) and any(
                "accepted the invitation" in x for x in texts
            ):
                found = True
    assert found
