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
    assert (
        tension("Veyra blamed Drannia for shelling the customs post.", "Drannia denied shelling the post.") == "denial"
    )
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


# Invented pairs (written for this test, not taken from the sample or the seeds), so the tension rule is
# checked on news patterns beyond the development set: a denial of an accusation, different counts, "not
# yet" against done; and sentences that only mention the same people or things.
IN_TENSION = [
    (
        "Prosecutors accused Marlow Freight of bribing customs officers in Tessin.",
        "Marlow Freight denied bribing any customs officers.",
        "denial",
    ),
    (
        "Floods in the Varna district killed 14 people, the governor said.",
        "The floods in the Varna district killed 9 people, according to the Red Crescent.",
        "number",
    ),
    (
        "The Calder bridge has not yet reopened to traffic, the council said on Sunday.",
        "The Calder bridge reopened to traffic on Monday morning after repairs.",
        "negation",
    ),
    (
        "Ostby resigned on Friday after the audit, the ministry said.",
        "Ostby has not resigned and remains in office, his spokeswoman said.",
        "negation",
    ),
]
NOT_IN_TENSION = [
    # only mentions the same man and the word "visit"
    (
        "A visit to Orsk by Premier Dalen is not yet planned, his office said.",
        "Premier Dalen praised the Orsk harbour workers in a speech on Tuesday.",
    ),
    # the visit is someone else's
    (
        "A visit to Orsk by Premier Dalen is not yet planned, his office said.",
        "Dalen met Mayor Lind during Lind's visit to the capital in May.",
    ),
    # "not only ... but" adds, it does not negate
    (
        "The inquiry into the Brenn mine will examine not only the collapse but the warnings before it.",
        "The Brenn mine inquiry opened hearings into the collapse on Tuesday.",
    ),
    # a denial against a sentence that never says who did it
    (
        "Calder Rail denied cutting the night service.",
        "Passengers in Calder waited for hours on Friday, and the night service was crowded.",
    ),
    # a source's silence is not a contradiction
    ("Orsk state media did not report on the talks.", "Dalen held talks in Orsk with the state media chief on Monday."),
]


@pytest.mark.parametrize(("a", "b", "kind"), IN_TENSION)
def test_invented_tensions_found(a: str, b: str, kind: str) -> None:
    assert tension(a, b) == kind
    assert tension(b, a) == kind


@pytest.mark.parametrize(("a", "b"), NOT_IN_TENSION)
def test_invented_mentions_are_not_tensions(a: str, b: str) -> None:
    assert tension(a, b) is None
    assert tension(b, a) is None


def test_outlets_carrying_one_agency_passage_are_one_source_for_its_claim() -> None:
    from storyline.dedupe import dedupe

    wire = (
        "The Meridian Press Agency said the harbour authority of Portvale would close the Eastquay terminal "
        "for three weeks of repairs starting on Monday. The authority said cargo would be diverted to the "
        "northern docks while the cranes were replaced."
    )
    arts = {
        "w-1": Article(
            id="w-1",
            source="1",
            text="Shipping firms in Portvale learned of the plan from a notice pinned to the gate. "
            + wire
            + " Two of them told the Gazette they had not been consulted and would ask the council for help.",
            published="2024-03-04",
            outlet="Harbour Gazette",
        ),
        "w-2": Article(
            id="w-2",
            source="2",
            text="Fishermen on the old quay fear a month without income as the dock closes. "
            + wire
            + " A spokeswoman for their cooperative called the timing the worst of the whole season.",
            published="2024-03-05",
            outlet="Coast Herald",
        ),
        "w-3": Article(
            id="w-3",
            source="3",
            published="2024-03-05",
            outlet="Ledger",
            text="Police in Portvale said the Eastquay terminal would close for three weeks of repairs on Monday.",
        ),
    }
    dups, passages = dedupe(list(arts.values()))
    assert dups == []
    assert any({"w-1", "w-2"} <= set(p.articles) and "northern docks" in p.text for p in passages)
    event = Event("e-9", "s-9", "2024-03-04", "Closure", ("w-1", "w-2", "w-3"))
    cargo = [s for s in compare(event, arts, {}).shared if "northern docks" in s.first.text]
    assert len(cargo) == 1 and cargo[0].sources == 2  # without passages: two outlets, two sources
    folded = compare(event, arts, {}, passages=passages)
    cargo = [s for s in folded.shared if "northern docks" in s.first.text]
    assert len(cargo) == 1 and cargo[0].sources == 1  # the same agency copy twice is one source
    assert {c.article for c in cargo[0].claims} == {"w-1", "w-2"}
    closure = [s for s in folded.shared if "three weeks" in s.first.text]
    assert closure and max(s.sources for s in closure) == 2  # police in w-3 are a second, independent source
