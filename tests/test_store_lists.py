"""Store reads the lists and pages of `storyline serve` rest on, on both backends: outlets without texts, story
aggregates, entities by name (kept in step with the entities by the database itself)."""

from __future__ import annotations

from typing import Any

from storyline.records import Article, Entity, Event, Story


def _fill(store: Any) -> None:
    store.add_articles(
        [
            Article("a1", "one.txt", "Text one.", outlet="Harbour Gazette", published="2024-03-01"),
            Article("a2", "two.txt", "Text two.", wire_agencies=("Reuters", "AP"), published="2024-03-02"),
            Article("a3", "three.txt", "Text three.", published="2024-03-05"),
        ]
    )
    store.set_clusters(
        [
            Event("e1", "s1", "2024-03-01", "first", ("a1", "a2")),
            Event("e2", "s1", "2024-03-04", "second", ("a3",)),
            Event("e3", "s2", None, "undated", ()),
        ],
        [Story("s1", "one story"), Story("s2", "another")],
    )


def test_article_outlets_name_the_outlet_else_the_wire_agency(any_store: Any) -> None:
    _fill(any_store)
    assert any_store.article_outlets() == {"a1": "Harbour Gazette", "a2": "Reuters", "a3": ""}
    assert any_store.article_outlets(["a2"]) == {"a2": "Reuters"}
    labels = any_store.article_labels(["a3", "a1"])
    assert [a.id for a in labels] == ["a1", "a3"] and all(a.text == "" for a in labels)
    assert labels[0].outlet == "Harbour Gazette" and labels[0].published == "2024-03-01"


def test_story_spans_aggregate_dates_events_and_articles(any_store: Any) -> None:
    _fill(any_store)
    spans = {sp[0]: sp[1:] for sp in any_store.story_spans()}
    assert spans["s1"] == ("2024-03-01", "2024-03-04", 2, 3)
    assert spans["s2"] == (None, None, 1, 0)
    assert [sp[0] for sp in any_store.story_spans()] == [s.id for s in any_store.stories()]


def test_entities_named_follow_every_write(any_store: Any) -> None:
    kim = Entity("n-1", "Kim Jong Un", "PERSON", ("Kim", "Kim Jong-un"), ("a1",))
    seoul = Entity("n-2", "Seoul", "GPE", (), ("a2",))
    any_store.set_entities([kim, seoul])
    assert any_store.entities_named(["Kim", "Seoul", "nobody"]) == [kim, seoul]
    assert any_store.entities_named(["kim"]) == []  # as written
    renamed = Entity("n-1", "Kim Jong Un", "PERSON", ("Kim Jong-un",), ("a1",))
    any_store.set_entities([renamed])  # an alias dropped, an entity gone
    assert any_store.entities_named(["Kim", "Seoul"]) == []
    assert any_store.entities_named(["Kim Jong-un"]) == [renamed]
    assert any_store.find_ids("entity", "n-") == ["n-1"]


def test_story_sources_are_kept_with_the_timeline(any_store: Any) -> None:
    _fill(any_store)
    any_store.set_timeline("s1", [], "digest", 3)
    any_store.set_timeline("s2", [], "digest")  # counted later
    assert any_store.story_sources() == {"s1": 3, "s2": None}
    any_store.set_story_sources({"s2": 1})
    assert any_store.story_sources(["s2"]) == {"s2": 1}
    any_store.set_timeline("s1", [])  # no digest: the count goes with it
    assert any_store.story_sources() == {"s2": 1}


def test_passage_wire_flags_are_unset_until_analyse_sets_them(any_store: Any) -> None:
    from storyline.records import Passage

    _fill(any_store)
    shared = Passage("p-1", "One sentence here. And a second one.", ("a1", "a2"), "a1", None)
    any_store.set_passages([shared])
    assert any_store.unflagged_passages() == {"p-1"}
    assert any_store.passage_links(["a2"]) == [(Passage("p-1", "", ("a1", "a2"), "a1", None), None)]
    any_store.set_passage_wire({"p-1": True})
    assert any_store.unflagged_passages() == set()
    assert any_store.passage_links(["a1"])[0][1] is True
    any_store.set_passages([shared])  # written again: unknown again
    assert any_store.unflagged_passages() == {"p-1"}
