"""Online event and story clustering on hand-written articles."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from storyline.cli import cli
from storyline.cluster import Clusterer, ClusterOptions, article_event_date, stream_order, terms
from storyline.records import Article, Change, DateMention, content_id
from storyline.store import SQLiteStore
from storyline.vectors import cosine


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
    events, _ = c.result({})
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


# -- re-clustering and the audit trail -------------------------------------------------------------------------

FLOOD = [
    "Floodwater from the Varna river swept through Ostrel village, and rescuers in boats pulled families from roofs.",
    "Rescuers in boats pulled families from roofs in Ostrel village after the Varna river flooded overnight.",
    "The Varna river flooded Ostrel village; families on roofs were pulled into rescue boats by rescuers.",
    "Ostrel village families waited on roofs for rescuers in boats as the Varna river flood water rose.",
]
FIRE = [
    "A wildfire near Tamsin ridge forced firefighters to evacuate the Halberg pine plantation and nearby farms.",
    "Firefighters evacuated farms near the Halberg pine plantation as the Tamsin ridge wildfire spread.",
    "The Tamsin ridge wildfire spread toward the Halberg pine plantation; farms were evacuated by firefighters.",
    "Farms near Tamsin ridge were evacuated while firefighters fought the wildfire at the Halberg pine plantation.",
]


def feed(c: Clusterer, texts: list[str], start: int = 0) -> list[Article]:
    arts = [art(start + i, t, None) for i, t in enumerate(texts)]
    for a in arts:
        c.add(a, terms(a), None)
    return arts


def test_recluster_splits_an_event_that_holds_two_happenings() -> None:
    # a stored assignment (replayed with known=) glued two happenings into one event; re-clustering pulls them apart
    c = Clusterer()
    for i, t in enumerate([FLOOD[0], FIRE[0], FLOOD[1], FIRE[1], FLOOD[2], FIRE[2]]):
        a = art(i, t, None)
        c.add(a, terms(a), None, known=("e-glued", "s-glued"))
    changes = c.recluster()
    flood, fire = {c.event_of[f"a-{i}"] for i in (0, 2, 4)}, {c.event_of[f"a-{i}"] for i in (1, 3, 5)}
    assert len(flood) == 1 and len(fire) == 1 and flood != fire
    assert flood == {"e-glued"}  # the side with the founding article keeps the id
    assert any(ch.kind == "split" for ch in changes)


def test_recluster_merges_events_opened_apart_and_keeps_the_older_id() -> None:
    # online, a threshold above 1 opens one event per article; re-clustering merges the copies of one happening
    c = Clusterer(ClusterOptions(event_threshold=1.01, merge_threshold=0.3, split_threshold=0.0))
    feed(c, FLOOD[:3])
    assert len(set(c.event_of.values())) == 3
    changes = c.recluster()
    assert {c.event_of[f"a-{i}"] for i in range(3)} == {content_id("e", "a-0")}
    assert changes and all(ch.target == content_id("e", "a-0") for ch in changes if ch.kind == "merge")
    assert all(ch.reason for ch in changes)


def test_recluster_after_nothing_new_changes_nothing() -> None:
    c = Clusterer()
    feed(c, FLOOD + FIRE)
    c.recluster()
    assert c.recluster() == []


def test_order_does_not_change_a_clear_partition() -> None:
    texts = FLOOD + FIRE

    def partition(order: list[int]) -> set[frozenset[int]]:
        c = Clusterer()
        for i in order:
            a = art(i, texts[i], None)
            c.add(a, terms(a), None)
        c.recluster()
        groups: dict[str, set[int]] = {}
        for i in order:
            groups.setdefault(c.event_of[f"a-{i}"], set()).add(i)
        return {frozenset(g) for g in groups.values()}

    one = partition(list(range(8)))
    assert one == partition([7, 0, 6, 1, 5, 2, 4, 3])
    assert one == {frozenset(range(4)), frozenset(range(4, 8))}


def test_changes_round_trip_through_the_store_and_history_shows_them(tmp_path: Path) -> None:
    store = SQLiteStore(tmp_path / "h.db")
    moved = Change("merge", "e-2", "e-2", "e-1", "s-2", "s-1", "event centroids at cosine 0.900 >= 0.7")
    store.add_changes([moved, Change("relink", "e-3", "s-1", "s-3", "s-1", "s-3", "fits s-3")])
    assert [c for _, c in store.changes("s-2")] == [moved]
    assert len(store.changes("s-1")) == 2 and len(store.changes()) == 2
    store.close()
    out = CliRunner().invoke(cli, ["history", "s-2", "--db", str(tmp_path / "h.db")])
    assert out.exit_code == 0, out.output
    assert "merge" in out.output and "e-2 -> e-1" in out.output and "cosine 0.900" in out.output
    missing = CliRunner().invoke(cli, ["history", "s-9", "--db", str(tmp_path / "h.db")])
    assert missing.exit_code != 0


def test_small_story_gets_a_second_chance_to_join_the_story_it_belongs_to() -> None:
    # online joins to a story are switched off (threshold above 1) and so are story merges: only the second-chance
    # attach of small stories acts. The aftermath article joins the flood story, the chess article joins nothing.
    later = "Months after the Varna river flood, Ostrel village families still wait for rebuilt roofs and a new levee."
    stream_ = [
        (FLOOD[0], "2024-03-04"),
        (FLOOD[1], "2024-03-04"),
        (FIRE[0], "2024-03-05"),
        (FLOOD[2], "2024-03-05"),
        (FIRE[1], "2024-03-05"),
        (later, "2024-09-01"),
        (CHESS, "2024-09-01"),
    ]

    def stories(attach_size: int) -> tuple[dict[str, str], list[Change]]:
        c = Clusterer(
            ClusterOptions(
                story_threshold=1.01,
                story_ratio=0.0,
                story_merge_ratio=9.0,
                story_merge_threshold=9.0,
                attach_size=attach_size,
            )
        )
        for i, (text, day) in enumerate(stream_):
            a = art(i, text, day)
            c.add(a, terms(a), day)
        changes = c.recluster()
        return {a: c.events[e].story for a, e in c.event_of.items()}, changes

    without, _ = stories(0)
    assert without["a-5"] != without["a-0"]  # online, the aftermath opened a story of its own
    got, changes = stories(3)
    assert got["a-5"] == got["a-0"] == got["a-1"] == got["a-3"]
    assert got["a-0"] == without["a-0"]  # the larger story keeps its id: readers already follow it
    assert got["a-6"] not in {got["a-0"], got["a-2"]} and got["a-2"] != got["a-0"]
    joined = [ch for ch in changes if ch.kind == "story-merge"]
    assert [(ch.source, ch.target) for ch in joined] == [(without["a-5"], without["a-0"])]
    assert "runner-up" in joined[0].reason


def test_saved_state_cannot_smuggle_code(tmp_path: Path) -> None:
    """A tampered state blob is refused before anything it names runs (it would have created the file)."""
    import pickle
    import zlib

    import pytest

    from storyline.cluster import Clusterer, ClusterOptions, StateError

    marker = tmp_path / "ran"

    class Evil:
        def __reduce__(self) -> tuple[object, tuple[str]]:
            return (Path.touch, (str(marker),))

    blob = zlib.compress(pickle.dumps(Evil()))
    with pytest.raises(StateError, match="pathlib"):
        Clusterer.load_state(blob, ClusterOptions())
    assert not marker.exists()
    good = Clusterer(ClusterOptions())
    assert isinstance(Clusterer.load_state(good.save_state(), ClusterOptions()), Clusterer)


# A state saved by the single-module ``storyline/cluster.py`` (STATE_VERSION 1, before the package split): DAM_1 and
# CHESS on 2024-03-04, DAM_2 on 2024-03-05, then one ``recluster()``. Its pickle names ``storyline.cluster._Event``,
# ``Clusterer._seen`` and the like.
STATE_BEFORE_SPLIT = (
    "eAHVVmtrFFcYzmadbHZTlGq83+MtURNz2TUXlQmmYRrGJEWhFUSW2Z0zOUN3dzYzO/GG0Au1Kqe06Ahtwd6kSAu2TaFF+lmwYv1ghTbFfKgURF"
    "paSqGXL4W+75lzdjb6B+qw7PPMO2fmnOe9nfOCcmF6fh2/2JNexXGPFewS6cgXfK9C3IAlh0IG/HzQ9mJwMmhlCadcsZ2SF9A6Nl88HxcmPuhw"
    "0Kqp11N7ype+T2nqjbfweltT/wnn0dQHkgiLHtNTuqmbmvqjfPJR+NLo9tjorKIvgKcpPTX6IK6p9y1+aersN3jdqiHB8XvaJ80nqp/RG0ZPL9"
    "Jb9XodlnGnh1/VZZAci9umhSLiI4BVefVww5ryTqFA8qFOlhhy/BL64zx3QJKUJsBLxPUCvZ41FBx3yn4eaWIw4nHTKPLHTpmUiIm00SvbhcIR"
    "4xjeKBNGhfAPKJQYU2CLsXmuYZf4S0A8fCnGki7xiDvl2C4+aJpwjZJZNHh04KlSJhXXwHENg1WqTPowT2is0vgRBz4N46hRMAmnicGIK3lKPF"
    "gOLAIXzEnOKfAlwPdIaEp6Rt61LTtPcIBi2SWDz6O44CA+NuEdIeC5cOmOBUNto4Df9V8J9gcsBl+O+znWQKZIqeJxdy4k7TnLJJnu/pyVy/Va"
    "pLMfo9KQHcYxYWDGMPHqbTOgGabwPA3YQq/d3NmXJ2mD5A3TMnusvoA15uEd18GRdSyZHZJ3PLz8K/Epksd5abOm3rux4/1Piy10cUSXaOrPV6"
    "67r274nC6NrMsiujyiKyK6UlO/Hdl4Dn50VWRdHVnXRNYOTf3uqw9T2SvDdEeV+qzemwy0wScu37f6k28ypWAX7UoAFeCfCnIs6UXCVChElEL3"
    "Chk/LZoc+/NuB8qQFGTMXmz7q/z1NZQhrSBDUpAhKciQFGTcmd61aHpXM8qQVpAhrSBDWkHGzPDHv/17UkcZgvr0KdDQeq6paTJNh+XqE0VSzG"
    "G9HIYwxo32rgD/uwPCFJOXAV0IUliqu7M73d7Z096ZxvyKbjPVBGpwCToCaoG7BXKnj/Tk8pZhdPX39Zi5dG9Ae6V/BuhBugvzJN25s7crk97Z"
    "lclAdvXCmD10rhfXauqt193G+1c76LqIrofwbLtw6kqqhbZE1g2RdWNk3RTRzdGALZEVmqKcoi2iWyO6LaLbI9pepehb9fewRVZ9S7VHldze93"
    "L30vGXUImkoOTGH9dutvy9F5VIKyiRVlAiraBEUlAiB4ASaQUlkoISSUGJpKBEUlAiKSgRtEZJLFKy7zBPi3Rg0GcwIeh+PeZh26DPQv+AKvBZ"
    "Amvfhr6Jmb+bd4kDuGtFXYIOgP3h6EKpy6z9/9XIrILaaA8Izox5bJ5nH4f2yvObHqLFKJkPPaILslY693GJdY3ag2Me9WVkG/mOkHUsHtoxmq"
    "EEqnecZnzWVCTuBDGzdqniwFOmZD3cjzAFxiAFlOwBvK12+GpblA0ZQi4ptMW7xS/xh21RWqEtSgptUVJoi5LO7e7SOre7C6sPAazZYWTfhDVI"
    "Cmu4dWbm4pmZd3AN0gprkBTWICmsQdK5rVla57ZmYYU1YFuFAmIL8nh08bKW42a57TRPNkJPybzim8jj0f7OYsgfj5xndD99LfT1+EO+hlS4PT"
    "IwvfiLaQqp8MOvM8n33jiLqSCtEH9JIf6SQoJICu1MUtilJa05VsAuLa01JwzK/YfV4F8+O3DiaZz+5mcnxp+7+guvBmHFEhAUS0BQrBFBYXpJ"
    "YXpJa44DML201p4MGD0gfOLD6c603coxLOfGrOG69hScJHlF63WU6DE6Dh2QpbLhOTFrHw2PhCMlkxwNSx0Gs3jeKAe6yRrLjlexSxPhvrAk7K"
    "S0WeBigUsFLhO4XOAKgSsFrhK4WuAagesBsWdtELhZ4FqB6wS2CNwocJPALQJbBbYJ3Cpwm8DtAtsFdgDCzkB3hOjD+bkpKzZC7pl3oZbRdx/o"
    "Jr2EBJXvhjdQOSIqR0TliKgcEZUjonJEVI6IyhFROSJ6FBGVHgJEpYioFBGVIqJSRFSKiEoRUSkiKkVEpYioFBGVIqKHEdHDiOhhRPQAzo8eAA"
    "QP+LmO/wABeK7V"
)


def test_a_state_saved_before_the_package_split_resumes_exactly() -> None:
    import base64

    old = Clusterer.load_state(base64.b64decode(STATE_BEFORE_SPLIT), ClusterOptions())
    new = Clusterer(ClusterOptions())
    for a in (art(1, DAM_1, "2024-03-04"), art(4, CHESS, "2024-03-04"), art(2, DAM_2, "2024-03-05")):
        new.add(a, terms(a), a.published)
    new.recluster()
    assert sorted(vars(old)) == sorted(vars(new))  # attributes under today's names
    assert old.seen.keys() == new.seen.keys() and old.arrival == new.arrival
    for c in (old, new):
        later = art(3, DAM_3, "2024-09-20")
        c.add(later, terms(later), later.published)
    assert old.recluster() == new.recluster()
    assert old.result({}) == new.result({})


T17 = Path(__file__).resolve().parents[2] / "shared" / "datasets" / "timeline17"


def _t17_stream(n: int) -> Clusterer:
    """A clusterer fed the first ``n`` Timeline17 articles in publication order, not re-clustered yet."""
    if not T17.is_dir():
        pytest.skip("../shared/datasets/timeline17 not found: Timeline17 lives beside the repository")
    sys.path.insert(0, str(T17.parents[1] / "eval"))
    try:
        from datasets_to_text import load_t17
    finally:
        sys.path.remove(str(T17.parents[1] / "eval"))
    docs = sorted(load_t17(T17), key=lambda d: (d.date or "", d.doc_id))[:n]
    c = Clusterer()
    for d in docs:
        a = Article(id=d.doc_id, source=d.path, text=d.text, published=d.date)
        c.add(a, terms(a), a.published)
    return c


def test_recluster_reaches_a_fixed_point_on_real_news() -> None:
    """Passes with nothing new settle: no split the moves would undo on the next pass (which then splits again,
    every pass, rewriting the same events on every ingest). 1,500 Timeline17 articles in publication order."""
    c = _t17_stream(1500)
    counts = [len(c.recluster()) for _ in range(12)]
    assert counts[0] > 0, "the stream left something to correct"
    assert counts[-1] == 0, f"changes per pass never settle: {counts}"


def test_a_pass_leaves_nothing_for_the_next_pass_without_new_articles() -> None:
    """What the last pass of an ingest changed in its last round is not looked at again until new articles arrive:
    the next pass (the next ingest's, for a feed) re-examines only the events they join. Carried over, a chain that
    did not settle went on at every ingest, rewriting the same events under new ids. A pass within a large ingest
    (``settle=False``) carries them to the ingest's next pass."""
    within = _t17_stream(1500)
    assert within.recluster(settle=False) and within.dirty, "a pass within an ingest carries its last moves on"
    c = _t17_stream(1500)
    first = c.recluster()
    assert len({ch.subject for ch in first if ch.kind == "move"}) > 1, "the stream left something to correct"
    assert c.dirty == {}
    # only the second chance of small stories looks at the whole window again (a join there grows its target)
    again = c.recluster()
    assert [ch for ch in again if not ch.reason.startswith("small story joins")] == []
    # a new article makes its own event worth a look again, and only that one
    a = Article(id="late", source="late", text="Late news about nothing the stream has seen. " * 5)
    event = c.add(a, terms(a), "2012-01-01")
    assert list(c.dirty) == [event]
