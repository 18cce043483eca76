"""Targeted and paged reads, upserts and stored comparisons, on both stores (SQLite and PostgreSQL)."""

from __future__ import annotations

import pytest

from storyline.records import (
    Analysis,
    Article,
    Citation,
    DateMention,
    Duplicate,
    Entity,
    Event,
    Mention,
    Passage,
    Quote,
    Rejection,
    Story,
    TimelineEntry,
)
from storyline.store import Store


def _article(i: int, **kw: object) -> Article:
    base: dict[str, object] = dict(
        id=f"a-{i:04x}",
        source=f"feed/{i}.txt",
        text=f"Body number {i}. " + "More words follow here. " * 20,
        title=f"T{i}",
        published="2023-09-14",
        published_from="header",
        content_hash=f"h{i}",
    )
    base.update(kw)
    return Article(**base)  # type: ignore[arg-type]


def _clusters(store: Store) -> tuple[list[Event], list[Story]]:
    events = [
        Event("e-2", "s-b", "2023-09-14", "Second", ("a-0003", "a-0001")),
        Event("e-1", "s-a", "2023-09-13", "First", ("a-0002",)),
        Event("e-3", "s-b", None, "Third", ("a-0004",)),
    ]
    stories = [Story("s-b", "B", (), ()), Story("s-a", "A", (), ())]
    store.set_clusters(events, stories)
    return events, stories


def test_article_by_id_and_pages_in_ingest_order(any_store: Store) -> None:
    arts = [_article(i) for i in (5, 1, 3, 2)]
    any_store.add_articles(arts)
    assert any_store.article("a-0003") == arts[2]
    assert any_store.article("a-9999") is None
    assert any_store.articles(offset=1, limit=2) == arts[1:3]
    assert any_store.articles(offset=3) == arts[3:]
    assert any_store.articles(limit=0) == []
    assert any_store.articles(["a-0002", "a-0005", "a-0001"], offset=1, limit=1) == [arts[1]]
    assert any_store.articles() == arts  # old call sites: no arguments, everything
    with pytest.raises(ValueError, match="negative"):
        any_store.articles(offset=-1)


def test_add_articles_returns_new_ids_in_input_order_and_keeps_sequence(any_store: Store) -> None:
    assert any_store.add_articles([_article(2), _article(1), _article(2)]) == ["a-0002", "a-0001"]
    assert any_store.add_articles([_article(3), _article(1), _article(0)]) == ["a-0003", "a-0000"]
    assert any_store.article_ids() == ["a-0002", "a-0001", "a-0003", "a-0000"]
    changed = _article(1, title="Other")  # an id already stored keeps its first version
    assert any_store.add_articles([changed]) == []
    assert any_store.article("a-0001") == _article(1)


def test_article_heads_are_title_and_first_200_characters(any_store: Store) -> None:
    long = _article(1, text="É" + "x" * 300)
    short = _article(2, title=None, text="Short.")
    any_store.add_articles([long, short])
    assert any_store.article_heads() == {"a-0001": ("T1", long.text[:200]), "a-0002": (None, "Short.")}
    assert len(any_store.article_heads()["a-0001"][1]) == 200


def test_find_ids_by_prefix_and_source(any_store: Store) -> None:
    any_store.add_articles([_article(0x10), _article(0x11), _article(0x20), _article(1, id="a_x%1", source="a-00")])
    assert any_store.find_ids("article", "a-001") == ["a-0010", "a-0011"]
    assert any_store.find_ids("article", "a-001", limit=1) == ["a-0010"]
    assert any_store.find_ids("article", "A-001") == []  # case-sensitive, like str.startswith
    # "_" and "%" are literal characters, not wildcards
    assert any_store.find_ids("article", "a_") == ["a_x%1"]
    assert any_store.find_ids("article", "a_x%") == ["a_x%1"]
    assert any_store.find_ids("article", "a%") == []
    # the source equal to the text comes first, then the ids that start with it
    assert any_store.find_ids("article", "a-00") == ["a_x%1", "a-0010", "a-0011", "a-0020"]
    assert any_store.find_ids("article", "feed/32.txt") == ["a-0020"]
    _clusters(any_store)
    assert any_store.find_ids("event", "e-") == ["e-1", "e-2", "e-3"]
    assert any_store.find_ids("story", "s-a") == ["s-a"]
    assert any_store.find_ids("story", "") == ["s-a", "s-b"]
    with pytest.raises(ValueError, match="unknown kind"):
        any_store.find_ids("quote", "x")


def test_analysis_reads_by_article_and_unanalysed(any_store: Store) -> None:
    arts = [_article(i) for i in (3, 1, 2)]
    any_store.add_articles(arts)
    analyses = [
        Analysis(
            a.id,
            (
                DateMention(a.id, "Monday", 9, 15, "2023-09-11", "day"),
                DateMention(a.id, "May", 0, 3, "2023-05", "month"),
            ),
            (Mention(a.id, "Ana", 20, 23, "PERSON"),),
            (Quote(a.id, "Ana", "said", "words", True, 30, 35, (), None),),
        )
        for a in arts[:2]
    ]
    any_store.set_analyses(analyses)
    assert any_store.unanalysed_ids() == ["a-0002"]
    assert [(d.article, d.start) for d in any_store.date_mentions(["a-0003"])] == [("a-0003", 0), ("a-0003", 9)]
    assert [m.article for m in any_store.mentions(["a-0003", "a-0001"])] == ["a-0001", "a-0003"]
    assert [q.article for q in any_store.quotes(["a-0001", "a-missing"])] == ["a-0001"]
    assert [q.article for q in any_store.quotes()] == ["a-0001", "a-0003"]  # old call sites: everything
    assert any_store.mentions([]) == []


def test_set_analyses_replaces_by_difference_and_keeps_speaker_entity(any_store: Store) -> None:
    a = _article(1)
    any_store.add_articles([a])
    q1 = Quote(a.id, "Ana", "said", "one", True, 0, 3, ("Yonhap",), "n-ana")
    q2 = Quote(a.id, "Bo", "said", "two", True, 10, 13, (), None)
    any_store.set_analyses([Analysis(a.id, (), (Mention(a.id, "Ana", 20, 23, "PERSON"),), (q1, q2))])
    assert any_store.quotes() == [q1, q2]
    q2b = Quote(a.id, "Bo Li", "says", "two", False, 10, 13, (), None)
    any_store.set_analyses([Analysis(a.id, (), (), (q2b,))])  # q1 and the mention gone, q2 changed
    assert any_store.quotes() == [q2b] and any_store.mentions() == []
    assert any_store.analysed_ids() == {a.id}


def test_set_quote_speakers_links_stored_quotes(any_store: Store) -> None:
    a = _article(1)
    any_store.add_articles([a])
    q1 = Quote(a.id, "Ana", "said", "one", True, 0, 3, (), None)
    q2 = Quote(a.id, "Bo", "said", "two", True, 10, 13, (), "n-old")
    any_store.set_analyses([Analysis(a.id, (), (), (q1, q2))])
    any_store.set_quote_speakers([(a.id, 0, 3, "n-ana"), (a.id, 10, 13, None), (a.id, 50, 60, "n-none")])
    assert [q.speaker_entity for q in any_store.quotes()] == ["n-ana", None]


def test_duplicates_and_passages_by_article(any_store: Store) -> None:
    d1 = Duplicate("a-2", "a-1", "exact", 1.0)
    d2 = Duplicate("a-3", "a-9", "near", 0.9)
    d3 = Duplicate("a-4", "a-2", "near", 0.8)
    any_store.set_duplicates([d3, d1, d2])
    assert any_store.duplicates() == [d1, d2, d3]
    assert any_store.duplicates(["a-2"]) == [d1, d3]  # as the copy and as the original
    assert any_store.duplicates(["a-9", "a-5"]) == [d2]
    any_store.set_duplicates([d2, Duplicate("a-2", "a-1", "near", 0.95)])  # d3 gone, d1 changed
    assert any_store.duplicates() == [Duplicate("a-2", "a-1", "near", 0.95), d2]
    p1 = Passage("p-1", "shared words", ("a-1", "a-2"), "a-1", "AP")
    p2 = Passage("p-2", "other words", ("a-2", "a-3"), "a-2", None)
    any_store.set_passages([p2, p1])
    assert any_store.passages() == [p1, p2]
    assert any_store.passages(["a-3"]) == [p2]
    assert any_store.passages(["a-2", "a-7"]) == [p1, p2]
    p2b = Passage("p-2", "other words", ("a-3", "a-4"), "a-3", None)
    any_store.set_passages([p2b])  # p1 gone, p2's carriers changed
    assert any_store.passages(["a-1"]) == [] and any_store.passages(["a-2"]) == []
    assert any_store.passages(["a-4"]) == [p2b]


def test_events_and_stories_by_id_story_and_page(any_store: Store) -> None:
    events, _ = _clusters(any_store)
    s_b = Story("s-b", "B", ("e-2", "e-3"), ("a-0003", "a-0001", "a-0004"))
    s_a = Story("s-a", "A", ("e-1",), ("a-0002",))
    assert any_store.events() == events
    assert any_store.events(["e-3", "e-2", "e-x"]) == [events[0], events[2]]  # cluster order
    assert any_store.events(story="s-b") == [events[0], events[2]]
    assert any_store.events(["e-1", "e-3"], story="s-b") == [events[2]]
    assert any_store.stories() == [s_b, s_a]
    assert any_store.stories(offset=1) == [s_a]
    assert any_store.stories(limit=1) == [s_b]
    assert any_store.stories(["s-a", "s-b"], offset=1, limit=5) == [s_a]
    assert any_store.clustered_count() == 4
    # replaced by difference: e-3 and s-a gone, e-2 changed
    e2 = Event("e-2", "s-b", "2023-09-15", "Second", ("a-0001",))
    any_store.set_clusters([e2], [Story("s-b", "B", (), ())])
    assert any_store.events() == [e2]
    assert any_store.stories() == [Story("s-b", "B", ("e-2",), ("a-0001",))]
    assert any_store.clustered_count() == 1


def test_entities_by_id(any_store: Store) -> None:
    a = Entity("n-a", "Ana Costa", "PERSON", ("Costa",), ("a-1",))
    b = Entity("n-b", "Lisbon", "GPE", (), ("a-1",))
    any_store.set_entities([b, a])
    assert any_store.entities(["n-b", "n-x"]) == [b]
    assert any_store.entities() == [a, b]


def test_comparisons_round_trip_in_key_order(any_store: Store) -> None:
    _clusters(any_store)
    c1 = {"zeta": 1, "alpha": ["é", {"b": 2, "a": None}], "mid": "ü"}
    c2 = {"b": 1.5, "a": True}
    any_store.set_comparisons([("e-3", "d3", c1), ("e-2", "d2", c2), ("e-gone", "dx", {"k": 0})])
    got = any_store.comparisons()
    assert list(got) == ["e-2", "e-3", "e-gone"]  # the events' order, then events no longer stored
    assert got["e-3"] == c1 and list(got["e-3"]) == ["zeta", "alpha", "mid"]
    assert list(got["e-3"]["alpha"][1]) == ["b", "a"]
    assert list(any_store.comparisons(["e-3", "e-2", "e-x"])) == ["e-3", "e-2"]
    assert any_store.comparison_digests() == {"e-3": "d3", "e-2": "d2", "e-gone": "dx"}
    any_store.set_comparisons([("e-2", "d2b", {"new": 1})])
    assert any_store.comparisons(["e-2"]) == {"e-2": {"new": 1}}
    any_store.drop_comparisons(["e-gone", "e-3"])
    assert any_store.comparison_digests() == {"e-2": "d2b"}


def test_replacing_writes_keep_their_results(any_store: Store) -> None:
    any_store.add_rejections([Rejection("x.txt", "empty"), Rejection("a.txt", "b"), Rejection("a.txt", "a")])
    any_store.add_rejections([Rejection("x.txt", "empty")])
    assert any_store.rejections() == [Rejection("a.txt", "a"), Rejection("a.txt", "b"), Rejection("x.txt", "empty")]
    any_store.set_fetch_validators({"http://u/1": ("e1", None)})
    any_store.set_fetch_validators({"http://u/1": (None, "Mon"), "http://u/2": ("e2", "Tue")})
    assert any_store.fetch_validators() == {"http://u/1": (None, "Mon"), "http://u/2": ("e2", "Tue")}
    t = [TimelineEntry("s-1", f"2023-09-1{i}", f"S{i}.", (Citation("a-1", 0, i),), 1, None) for i in range(3)]
    any_store.set_timeline("s-1", t, "d1")
    any_store.set_timeline("s-2", t[:1], "d2")
    any_store.set_timeline("s-1", t[1:2])  # shorter, no digest: the rest and the digest go
    assert any_store.timeline("s-1") == [TimelineEntry("s-1", "2023-09-11", "S1.", (Citation("a-1", 0, 1),), 1, None)]
    assert any_store.timeline_digests() == {"s-2": "d2"} and any_store.timeline_stories() == {"s-1", "s-2"}
    any_store.set_cluster_state((1, "opts", b"\x00state"))
    any_store.set_cluster_state((2, "opts2", b"other"))
    assert any_store.cluster_state() == (2, "opts2", b"other")
    any_store.set_cluster_state(None)
    assert any_store.cluster_state() is None
