"""Incremental analyse: the clusterer resumes from its saved state, timelines are rebuilt only where their inputs changed.

The references are (1) a clusterer that never stopped, fed the same batches (resuming must continue it exactly), and
(2) the replay path, which rebuilds the clusterer from the stored assignments (what every ingest did before the state
was saved, and still does when the state is missing or unusable).
"""

from __future__ import annotations

import logging
from collections import defaultdict
from collections.abc import Iterator
from typing import Any

import pytest

from conftest import SAMPLE
from storyline import dedupe
from storyline.cluster import (
    STATE_VERSION,
    Clusterer,
    ClusterOptions,
    StateError,
    article_event_date,
    options_key,
    stream_order,
    terms,
)
from storyline.ingest import read
from storyline.pipeline import PipelineOptions, analyse
from storyline.query import export
from storyline.records import Article, DateMention
from storyline.store import SQLiteStore, Store
from storyline.timeline import build_timeline, fold_wire_copy

OPTIONS = PipelineOptions(use_nlp=False, workers=1)


@pytest.fixture(scope="module")
def sample() -> list[Article]:
    """The bundled sample's articles, in the order ``storyline ingest examples/sample`` reads them."""
    arts = [a for a in read([str(SAMPLE)]) if isinstance(a, Article)]
    assert len(arts) > 30
    return arts


def batches(articles: list[Article], n: int) -> list[list[Article]]:
    size = -(-len(articles) // n)
    return [articles[i : i + size] for i in range(0, len(articles), size)]


def ingest(store: Store, batch: list[Article]) -> None:
    """What ``storyline ingest`` does with one batch: store it, then analyse."""
    with store.atomic():
        store.add_articles(batch)
    analyse(store, OPTIONS)


@pytest.fixture
def other_store(request: pytest.FixtureRequest, any_store: Any) -> Iterator[Any]:
    """A second, empty store of the same backend as ``any_store`` (for the replay reference)."""
    if isinstance(any_store, SQLiteStore):
        s = SQLiteStore(":memory:")
        yield s
        s.close()
        return
    from conftest import pg_database

    with pg_database(request.getfixturevalue("pg_url")) as store:
        yield store


def partition(store: Store) -> tuple[set[frozenset[str]], set[frozenset[str]], set[str], set[str]]:
    """Events and stories as sets of article sets, and their ids (member order aside)."""
    events, stories = store.events(), store.stories()
    return (
        {frozenset(e.articles) for e in events},
        {frozenset(s.articles) for s in stories},
        {e.id for e in events},
        {s.id for s in stories},
    )


# -- the saved state ------------------------------------------------------------------------------------------------


def test_saved_state_continues_exactly_like_a_clusterer_that_never_stopped(sample: list[Article]) -> None:
    first, second = sample[:20], sample[20:]
    options = ClusterOptions()
    a = Clusterer(options)
    for art in stream_order(first):
        a.add(art, terms(art), art.published)
    a.recluster()
    b = Clusterer.load_state(a.save_state(), options)
    for c in (a, b):
        for art in stream_order(second):
            c.add(art, terms(art), art.published)
    changes_a, changes_b = a.recluster(), b.recluster()
    titles = {x.id: x.title or "" for x in sample}
    assert a.result(titles) == b.result(titles)
    assert changes_a == changes_b
    assert snapshot(a) == snapshot(b)


def snapshot(c: Clusterer) -> tuple[Any, ...]:
    """What a clusterer knows, as comparable values (pickled bytes differ in how shared strings are written)."""
    return (
        c.event_of,
        c.merged_into,
        c.idf.df,
        c.idf.n,
        c.dirty,
        c.arrival,
        {k: (v.vec, v.svec, v.date, v.counts_for_date) for k, v in c.seen.items()},
        {
            k: (e.story, e.members, e.dates, e.recent, e.centroid.vec, e.centroid.sq, e.scentroid.vec)
            for k, e in c.events.items()
        },
        {k: (s.events, s.size, s.centroid.vec, s.centroid.sq) for k, s in c.stories.items()},
        c.events_index.postings,
        c.stories_index.postings,
    )


def test_a_damaged_state_or_other_options_cannot_be_loaded(sample: list[Article]) -> None:
    c = Clusterer()
    for art in sample[:5]:
        c.add(art, terms(art), art.published)
    blob = c.save_state()
    with pytest.raises(StateError):
        Clusterer.load_state(blob[: len(blob) // 2], ClusterOptions())
    with pytest.raises(StateError):
        Clusterer.load_state(b"not a state", ClusterOptions())
    with pytest.raises(StateError, match="other cluster options"):
        Clusterer.load_state(blob, ClusterOptions(event_threshold=0.3))
    assert Clusterer.load_state(blob, ClusterOptions()).event_of == c.event_of


def test_store_keeps_the_state_and_new_clusters_without_one_forget_it(any_store: Any) -> None:
    assert any_store.cluster_state() is None
    blob = bytes(range(256)) * 3  # every byte value survives the round trip
    any_store.set_cluster_state((STATE_VERSION, "{}", blob))
    assert any_store.cluster_state() == (STATE_VERSION, "{}", blob)
    any_store.set_clusters([], [])
    assert any_store.cluster_state() is None
    any_store.set_cluster_state((STATE_VERSION, "{}", blob))
    any_store.set_cluster_state(None)
    assert any_store.cluster_state() is None


def test_state_is_written_with_the_clusters_it_describes(sample: list[Article], store: SQLiteStore) -> None:
    with pytest.raises(RuntimeError), store.atomic():
        store.set_clusters([], [])
        store.set_cluster_state((STATE_VERSION, "{}", b"x"))
        raise RuntimeError("failure after the clusters were written")
    assert store.cluster_state() is None
    ingest(store, sample[:10])
    saved = store.cluster_state()
    assert saved is not None and saved[0] == STATE_VERSION and saved[1] == options_key(OPTIONS.cluster)
    assert set(Clusterer.load_state(saved[2], OPTIONS.cluster).event_of) == {
        a for e in store.events() for a in e.articles
    }


# -- the pipeline ---------------------------------------------------------------------------------------------------


def test_resumed_ingests_equal_one_clusterer_fed_the_same_batches(sample: list[Article], store: SQLiteStore) -> None:
    """The reference is a single in-memory clusterer: each batch added in stream order, then one re-clustering pass."""
    ref = Clusterer(OPTIONS.cluster)
    for batch in batches(sample, 4):
        ingest(store, batch)
        mentions: dict[str, list[DateMention]] = defaultdict(list)
        for m in store.date_mentions([a.id for a in batch]):
            mentions[m.article].append(m)
        duplicate_of = {d.article: d.duplicate_of for d in store.duplicates()}
        for art in stream_order(batch):
            ref.add(
                art,
                terms(art),
                article_event_date(art, mentions[art.id], OPTIONS.cluster),
                duplicate_of=duplicate_of.get(art.id),
            )
        ref.recluster()
        titles = {a.id: a.title or "" for a in sample}
        events, stories = ref.result(titles)
        assert [(e.id, e.story, e.date, e.articles) for e in store.events()] == [
            (e.id, e.story, e.date, e.articles) for e in events
        ]
        assert [(s.id, s.events) for s in store.stories()] == [(s.id, s.events) for s in stories]


@pytest.mark.parametrize("n", [3, 4])
def test_resumed_and_replayed_sequences_end_in_the_same_clusters_on_the_sample(
    sample: list[Article], any_store: Any, other_store: Any, n: int
) -> None:
    """The same ingests with the state kept (resumed) and removed before each ingest (replayed).

    On the sample both paths end in the same events and stories, ids included, and the same export apart from the
    order of an event's members (4 batches: the replay pass re-examines every event in the window at every ingest
    and moves a stray article one ingest earlier than the resumed pass, which looks at changed events only). This is
    not guaranteed in general: replay also rebuilds the vectors of stored articles with the document frequencies of
    the replay order (BENCHMARKS.md, issue 5, "Incremental ingest", measures the difference on Timeline17).
    """
    for batch in batches(sample, n):
        ingest(any_store, batch)
        other_store.set_cluster_state(None)
        with other_store.atomic():
            other_store.add_articles(batch)
        analyse(other_store, OPTIONS)
    assert any_store.cluster_state() is not None
    assert partition(any_store) == partition(other_store)
    resumed, replayed = export(any_store), export(other_store)
    for doc in (resumed, replayed):
        for e in doc["events"]:
            e["articles"] = sorted(e["articles"])
        for s in doc["stories"]:
            s["articles"] = sorted(s["articles"])
    assert resumed == replayed


@pytest.mark.parametrize("damage", ["garbage", "truncated", "old-version", "other-options", "missing"])
def test_an_unusable_state_falls_back_to_replay_with_the_same_result(
    sample: list[Article], any_store: Any, other_store: Any, damage: str, caplog: pytest.LogCaptureFixture
) -> None:
    *head, last = batches(sample, 3)
    for s in (any_store, other_store):
        for batch in head:
            ingest(s, batch)
    saved = any_store.cluster_state()
    assert saved is not None
    version, key, blob = saved
    bad = {
        "garbage": (version, key, b"\x00not a pickle"),
        "truncated": (version, key, blob[: len(blob) // 3]),
        "old-version": (version - 1, key, blob),
        "other-options": (version, options_key(ClusterOptions(event_threshold=0.5)), blob),
        "missing": None,
    }[damage]
    any_store.set_cluster_state(bad)
    other_store.set_cluster_state(None)  # the reference: replay
    with caplog.at_level(logging.INFO, logger="storyline.pipeline"):
        ingest(any_store, last)
    assert "replaying" in caplog.text
    ingest(other_store, last)
    assert export(any_store) == export(other_store)
    assert any_store.cluster_state() == other_store.cluster_state()  # the fallback saves a fresh state


def test_a_state_out_of_step_with_the_stored_clusters_is_not_resumed(
    sample: list[Article], store: SQLiteStore, caplog: pytest.LogCaptureFixture
) -> None:
    first, second = batches(sample, 2)
    ingest(store, first)
    stale = store.cluster_state()
    ingest(store, second)
    store.set_cluster_state(stale)  # describes fewer articles than are clustered now
    with caplog.at_level(logging.INFO, logger="storyline.pipeline"):
        analyse(store, OPTIONS)
    assert "replaying" in caplog.text
    saved = store.cluster_state()
    assert saved is not None and len(Clusterer.load_state(saved[2], OPTIONS.cluster).event_of) == len(sample)


def test_rerunning_with_nothing_new_changes_nothing(
    sample: list[Article], any_store: Any, caplog: pytest.LogCaptureFixture
) -> None:
    for batch in batches(sample, 3):
        ingest(any_store, batch)
    before = export(any_store)
    state, digests = any_store.cluster_state(), any_store.timeline_digests()

    def written(store: Store) -> tuple[Any, ...]:  # what a run with nothing new must leave as it was
        return (store.changes(), store.entities(), {s: store.timeline(s) for s in store.timeline_stories()})

    kept = written(any_store)
    with caplog.at_level(logging.INFO, logger="storyline.pipeline"):
        analyse(any_store, OPTIONS)
    assert export(any_store) == before
    assert any_store.cluster_state() == state
    assert any_store.timeline_digests() == digests
    assert written(any_store) == kept
    assert "replaying" not in caplog.text
    assert f"timelines (0 of {len(before['stories'])} rebuilt, 0 dropped)" in caplog.text


def full_timelines(store: Store) -> dict[str, list[Any]]:
    """Every story's timeline built from scratch from the stored records (what analyse did before digests)."""
    articles = {a.id: a for a in store.articles()}
    mentions: dict[str, list[DateMention]] = defaultdict(list)
    for m in store.date_mentions():
        mentions[m.article].append(m)
    duplicates, passages = store.duplicates(), store.passages()
    duplicate_of = {d.article: d.duplicate_of for d in duplicates}
    source_of = dedupe.source_roots(duplicates, passages)
    events = store.events()
    out = {}
    for story in store.stories():
        entries = build_timeline(story, events, articles, mentions, duplicate_of, OPTIONS.timeline)
        out[story.id] = fold_wire_copy(story, entries, articles, mentions, source_of)
    return out


def test_timelines_rebuilt_only_where_changed_equal_a_full_rebuild(
    sample: list[Article], any_store: Any, caplog: pytest.LogCaptureFixture
) -> None:
    rebuilt = []
    for batch in batches(sample, 4):
        caplog.clear()
        with caplog.at_level(logging.INFO, logger="storyline.pipeline"):
            ingest(any_store, batch)
        line = next(r.getMessage() for r in caplog.records if r.getMessage().startswith("analyse:"))
        rebuilt.append(line.split("timelines (", 1)[1].split(" rebuilt")[0])
        stories = {s.id for s in any_store.stories()}
        assert any_store.timeline_stories() == stories  # stories that disappeared lost their timelines
        full = full_timelines(any_store)
        assert {s: any_store.timeline(s) for s in stories} == full
    # some ingest left a story's timeline alone (otherwise nothing here is incremental)
    assert any(int(r.split(" of ")[0]) < int(r.split(" of ")[1]) for r in rebuilt), rebuilt


def test_a_timeline_built_by_other_code_or_options_is_rebuilt(sample: list[Article], store: SQLiteStore) -> None:
    ingest(store, sample)
    stories = [s.id for s in store.stories()]
    with store.atomic():
        store.set_timeline(stories[0], [], "a digest of other code")
        store.set_timeline(stories[1], [])  # no digest: unknown inputs
    analyse(store, OPTIONS)
    assert {s: store.timeline(s) for s in stories} == full_timelines(store)
    assert store.timeline(stories[0]) and store.timeline(stories[1])
