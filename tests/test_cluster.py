"""Online event and story clustering on hand-written articles."""

from __future__ import annotations

from storyline.cluster import ClusterOptions, Clusterer, article_event_date, cosine, stream_order, terms
from storyline.records import Article, DateMention


def art(i: int, text: str, published: str | None) -> Article:
    return Article(id=f"a-{i}", source=f"{i}.txt", text=text, title=None, published=published)


DAM_1 = "Engineers at the Lorvik dam opened the spillway gates on Monday after heavy rain raised the reservoir."
DAM_2 = "The Lorvik dam spillway gates were opened by engineers as rain swelled the reservoir, officials said."
DAM_3 = "Months later the Lorvik dam reservoir engineers faced an inquiry into the spillway gates decision."
CHESS = "The grandmaster Petra Quill won the Halden chess open with a bold queen sacrifice in the final round."


def run(articles: list[Article]) -> dict[str, str]:
    c = Clusterer(ClusterOptions())
    for a in stream_order(articles):
        c.add(a, terms(a), a.published)
    events, stories = c.result({})
    story_of_event = {e.id: e.story for e in events}
    return {a: story_of_event[c.event_of[a]] + "|" + c.event_of[a] for a in c.event_of}


def test_same_happening_same_day_is_one_event() -> None:
    got = run([art(1, DAM_1, "2024-03-04"), art(2, DAM_2, "2024-03-04")])
    assert got["a-1"] == got["a-2"]


def test_months_apart_is_another_event_of_the_same_story() -> None:
    got = run([art(1, DAM_1, "2024-03-04"), art(3, DAM_3, "2024-09-20")])
    ev1, ev3 = got["a-1"].split("|")[1], got["a-3"].split("|")[1]
    assert ev1 != ev3
    assert got["a-1"].split("|")[0] == got["a-3"].split("|")[0]


def test_unrelated_article_is_another_story() -> None:
    got = run([art(1, DAM_1, "2024-03-04"), art(4, CHESS, "2024-03-04")])
    assert got["a-1"].split("|")[0] != got["a-4"].split("|")[0]


def test_ids_do_not_change_when_unrelated_articles_arrive() -> None:
    before = run([art(1, DAM_1, "2024-03-04"), art(2, DAM_2, "2024-03-04")])
    after = run([art(1, DAM_1, "2024-03-04"), art(4, CHESS, "2024-03-05"), art(2, DAM_2, "2024-03-04")])
    assert before["a-1"] == after["a-1"] and before["a-2"] == after["a-2"]


def test_duplicate_joins_its_original_event() -> None:
    c = Clusterer()
    a1, a4 = art(1, DAM_1, "2024-03-04"), art(4, CHESS, "2024-03-04")
    c.add(a1, terms(a1), a1.published)
    ev = c.add(a4, terms(a4), a4.published, duplicate_of="a-1")
    assert ev == c.event_of["a-1"]


def test_event_date_comes_from_mentions_not_publication() -> None:
    a = art(1, "Leaders met on Wednesday at the port. More talks followed.", "2023-09-14")
    mentions = [DateMention("a-1", "on Wednesday", 15, 27, "2023-09-13", "day")]
    assert article_event_date(a, mentions) == "2023-09-13"
    assert article_event_date(a, []) == "2023-09-14"
    old = [DateMention("a-1", "in 2019", 15, 22, "2019-04-24", "day")]
    assert article_event_date(a, old) == "2023-09-14"  # too far back to be the news


def test_cosine_is_symmetric_and_bounded() -> None:
    a = {"x": 0.6, "y": 0.8}
    b = {"x": 1.0}
    assert abs(cosine(a, b) - cosine(b, a)) < 1e-12
    assert 0.0 <= cosine(a, b) <= 1.0
