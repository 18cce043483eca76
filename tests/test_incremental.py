"""Incremental analyse: the clusterer resumes from its saved state, timelines are rebuilt only where their inputs changed.

The references are (1) a clusterer that never stopped, fed the same batches (resuming must continue it exactly), and
(2) the replay path, which rebuilds the clusterer from the stored assignments (what every ingest did before the state
was saved, and still does when the state is missing or unusable).
"""

from __future__ import annotations

import logging
import re
from collections import defaultdict
from dataclasses import replace
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
    with_embeddings,
)
from storyline.cluster.state import ROW_VERSION, LazyMap, Meta, resume
from storyline.ingest import read
from storyline.pipeline import PipelineOptions, analyse
from storyline.query import export
from storyline.records import Article, DateMention
from storyline.store import SQLiteStore, Store
from storyline.timeline import story_timeline

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


def ingest(store: Store, batch: list[Article], options: PipelineOptions = OPTIONS) -> None:
    """What ``storyline ingest`` does with one batch: store it, then analyse."""
    with store.atomic():
        store.add_articles(batch)
    analyse(store, options)


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
    body = store.cluster_meta()
    assert body is not None and store.cluster_state() is None  # the rows, not a blob
    meta = Meta.load(body)
    assert meta.version == ROW_VERSION and meta.options == options_key(OPTIONS.cluster)
    members = [a for e in store.events() for a in e.articles]
    assert meta.arrivals == len(members) == 10
    assert set(store.cluster_rows("arrival", [a.id for a in sample])) == set(members)
    arrival = {a: int(body) for a, (_, body) in store.cluster_rows("arrival", members).items()}
    assert store.cluster_window() == sorted(members, key=arrival.__getitem__)  # all in the window, oldest first


# -- the pipeline ---------------------------------------------------------------------------------------------------


def feed(
    ref: Clusterer,
    store: Store,
    batch: list[Article],
    mentions: dict[str, list[DateMention]],
    embedder: Any = None,
) -> None:
    """What the pipeline does with a stored batch, on an in-memory clusterer: add in stream order, re-cluster."""
    for m in store.date_mentions([a.id for a in batch]):
        mentions[m.article].append(m)
    duplicate_of = {d.article: d.duplicate_of for d in store.duplicates()}
    ordered = stream_order(batch)
    dense = embedder.embed(ordered) if embedder is not None else [None] * len(ordered)
    for art, vec in zip(ordered, dense):
        ref.add(
            art,
            terms(art),
            article_event_date(art, mentions[art.id], ref.options),
            duplicate_of=duplicate_of.get(art.id),
            dense=vec,
        )
    ref.recluster()


@pytest.mark.parametrize("n", [4, 9])
def test_resumed_ingests_equal_one_clusterer_fed_the_same_batches(
    sample: list[Article], any_store: Any, n: int
) -> None:
    """The reference is a single in-memory clusterer: each batch added in stream order, then one re-clustering pass.
    Every ingest after the first resumes from the state rows, loaded lazily, on both backends."""
    store = any_store
    ref = Clusterer(OPTIONS.cluster)
    for batch in batches(sample, n):
        ingest(store, batch)
        feed(ref, store, batch, defaultdict(list))
        titles = {a.id: a.title or "" for a in sample}
        events, stories = ref.result(titles)
        assert [(e.id, e.story, e.date, e.title, e.articles) for e in store.events()] == [
            (e.id, e.story, e.date, e.title, e.articles) for e in events
        ]
        assert [(s.id, s.title, s.events) for s in store.stories()] == [(s.id, s.title, s.events) for s in stories]


def test_resumed_ingests_with_embeddings_equal_one_clusterer_fed_the_same_batches(
    sample: list[Article], any_store: Any
) -> None:
    """The same with article embeddings weighed in (``--embed``): the stream's mean embedding, which centres each
    new one, is part of the stored state, so a resumed ingest centres as a clusterer that never stopped."""
    pytest.importorskip("wordllama", reason="the embed extra is not installed")
    from storyline.embed import Embedder

    options = replace(OPTIONS, embed=True, cluster=with_embeddings())
    store, ref, embedder = any_store, Clusterer(options.cluster), Embedder()
    for batch in batches(sample, 4):
        ingest(store, batch, options)
        feed(ref, store, batch, defaultdict(list), embedder)
        events, stories = ref.result({a.id: a.title or "" for a in sample})
        assert [(e.id, e.story, e.articles) for e in store.events()] == [(e.id, e.story, e.articles) for e in events]
        assert [(s.id, s.events) for s in store.stories()] == [(s.id, s.events) for s in stories]
    meta = Meta.load(store.cluster_meta() or "")
    assert meta.dense_n == ref.dense_n == len({a.id for a in sample}) and meta.dense_sum == ref.dense_sum


def test_a_resumed_pass_skips_small_stories_nothing_changed_for_and_looks_again_when_their_candidates_change(
    any_store: Any, caplog: pytest.LogCaptureFixture
) -> None:
    """The second chance of small stories (``recluster._attach_small_stories``) skips, in a resumed ingest, a story
    whose test reads nothing that changed since the last pass. Here: an aftermath article opens a story of its own
    next to a one-article flood story (too small to join); an unrelated article arrives, and the aftermath is not
    looked at again; then the flood story grows, and the aftermath is looked at again and joins it, as it does in a
    clusterer that never stopped and looks at every small story at every pass."""
    from test_cluster import CHESS, FIRE, FLOOD, art

    later = "Months after the Varna river flood, Ostrel village families still wait for rebuilt roofs and a new levee."
    options = replace(
        OPTIONS,
        cluster=ClusterOptions(
            story_threshold=1.01, story_ratio=0.0, story_merge_ratio=9.0, story_merge_threshold=9.0, attach_size=3
        ),
    )
    first = [art(0, FLOOD[0], "2024-03-04"), art(1, FIRE[0], "2024-03-05"), art(2, FIRE[1], "2024-03-05")]
    first.append(art(3, later, "2024-09-01"))
    batches_ = [first, [art(4, CHESS, "2024-09-02")], [art(5, FLOOD[1], "2024-03-04"), art(6, FLOOD[2], "2024-03-05")]]
    ref = Clusterer(options.cluster)
    looked = []
    for batch in batches_:
        with caplog.at_level(logging.INFO, logger="storyline.pipeline"):
            caplog.clear()
            ingest(any_store, batch, options)
        line = next(r.getMessage() for r in caplog.records if "small stories looked at" in r.getMessage())
        found = re.search(r"(\d+) of (\d+) small stories looked at", line)
        assert found is not None, line
        looked.append((int(found[1]), int(found[2])))
        feed(ref, any_store, batch, defaultdict(list))
        events, stories = ref.result({a.id: "" for b in batches_ for a in b})
        assert [(s.id, s.events) for s in any_store.stories()] == [(s.id, s.events) for s in stories]
        assert [(e.id, e.story, e.articles) for e in any_store.events()] == [
            (e.id, e.story, e.articles) for e in events
        ]
    story_of = {a: s.id for s in any_store.stories() for a in s.articles}
    assert story_of["a-3"] == story_of["a-0"] == story_of["a-5"]  # the aftermath joined the flood story
    assert story_of["a-4"] != story_of["a-0"]
    # the first ingest starts from no state and looks at every small story; the chess article changes nothing the
    # others' tests read, so only its own story is looked at; the flood story's growth brings the aftermath back
    assert looked[0][0] == looked[0][1] >= 3
    assert looked[1][0] == 1 < looked[1][1]
    assert looked[2][0] >= 1


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
    assert any_store.cluster_meta() is not None
    assert partition(any_store) == partition(other_store)
    resumed, replayed = export(any_store), export(other_store)
    for doc in (resumed, replayed):
        for e in doc["events"]:
            e["articles"] = sorted(e["articles"])
        for s in doc["stories"]:
            s["articles"] = sorted(s["articles"])
    assert resumed == replayed


@pytest.mark.parametrize(
    "damage",
    ["garbage", "old-version", "other-options", "missing", "blob-garbage", "blob-truncated", "blob-old-version"],
)
def test_an_unusable_state_falls_back_to_replay_with_the_same_result(
    sample: list[Article], any_store: Any, other_store: Any, damage: str, caplog: pytest.LogCaptureFixture
) -> None:
    *head, last = batches(sample, 3)
    for s in (any_store, other_store):
        for batch in head:
            ingest(s, batch)
    body = any_store.cluster_meta()
    assert body is not None
    meta = Meta.load(body)
    old = Clusterer(OPTIONS.cluster)  # the blob the code before the rows saved
    for art in stream_order([a for batch in head for a in batch]):
        old.add(art, terms(art), art.published)
    blob = old.save_state()
    if damage == "garbage":
        any_store.write_cluster_state([], [], "{not json")
    elif damage in ("old-version", "other-options"):
        meta.version -= damage == "old-version"
        meta.options = options_key(ClusterOptions(event_threshold=0.5)) if damage == "other-options" else meta.options
        any_store.write_cluster_state([], [], meta.dump())
    elif damage == "missing":
        any_store.set_cluster_state(None)
    else:
        any_store.set_cluster_state(
            {
                "blob-garbage": (STATE_VERSION, options_key(OPTIONS.cluster), b"\x00not a pickle"),
                "blob-truncated": (STATE_VERSION, options_key(OPTIONS.cluster), blob[: len(blob) // 3]),
                "blob-old-version": (STATE_VERSION - 1, options_key(OPTIONS.cluster), blob),
            }[damage]
        )
    other_store.set_cluster_state(None)  # the reference: replay
    with caplog.at_level(logging.INFO, logger="storyline.pipeline"):
        ingest(any_store, last)
    assert "replaying" in caplog.text
    ingest(other_store, last)
    assert export(any_store) == export(other_store)
    assert any_store.cluster_meta() == other_store.cluster_meta()  # the fallback saves a fresh state
    assert any_store.cluster_window() == other_store.cluster_window()


def test_a_state_out_of_step_with_the_stored_clusters_is_not_resumed(
    sample: list[Article], store: SQLiteStore, caplog: pytest.LogCaptureFixture
) -> None:
    first, second = batches(sample, 2)
    old = Clusterer(OPTIONS.cluster)  # a blob saved by the code before the rows, after the first batch only
    for art in stream_order(first):
        old.add(art, terms(art), art.published)
    ingest(store, first)
    ingest(store, second)
    store.set_cluster_state((STATE_VERSION, options_key(OPTIONS.cluster), old.save_state()))  # fewer than clustered
    with caplog.at_level(logging.INFO, logger="storyline.pipeline"):
        analyse(store, OPTIONS)
    assert "replaying" in caplog.text
    body = store.cluster_meta()
    assert body is not None and Meta.load(body).arrivals == len(sample)


def test_rerunning_with_nothing_new_changes_nothing(
    sample: list[Article], any_store: Any, caplog: pytest.LogCaptureFixture
) -> None:
    for batch in batches(sample, 3):
        ingest(any_store, batch)
    before = export(any_store)
    state, digests = any_store.cluster_meta(), any_store.timeline_digests()

    def written(store: Store) -> tuple[Any, ...]:  # what a run with nothing new must leave as it was
        return (store.changes(), store.entities(), {s: store.timeline(s) for s in store.timeline_stories()})

    kept = written(any_store)
    with caplog.at_level(logging.INFO, logger="storyline.pipeline"):
        analyse(any_store, OPTIONS)
    assert export(any_store) == before
    assert any_store.cluster_meta() == state
    assert any_store.timeline_digests() == digests
    assert written(any_store) == kept
    assert "replaying" not in caplog.text
    # nothing changed: no story is even looked at, no group of sources read (issue 15)
    assert "timelines (0 of 0 rebuilt, 0 dropped, 0 articles' sources read)" in caplog.text


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
        out[story.id] = story_timeline(story, events, articles, mentions, duplicate_of, source_of, OPTIONS.timeline)
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


# -- the state as rows (issue 15) -----------------------------------------------------------------------------------


def test_a_blob_saved_before_the_rows_is_converted_and_continues_exactly(
    sample: list[Article], any_store: Any, caplog: pytest.LogCaptureFixture
) -> None:
    """A store saved by the code before the rows (one pickled blob) resumes from the blob, writes it as rows, and
    from then on resumes from the rows: the same clusters as a clusterer that never stopped."""
    first, second, third = batches(sample, 3)
    ingest(any_store, first)
    old = Clusterer(OPTIONS.cluster)  # what the older code saved after the first batch
    mentions: dict[str, list[DateMention]] = defaultdict(list)
    for m in any_store.date_mentions([a.id for a in sample[: len(first)]]):
        mentions[m.article].append(m)
    for art in stream_order(first):
        old.add(art, terms(art), article_event_date(art, mentions[art.id], OPTIONS.cluster))
    old.recluster()
    assert [(e.id, e.articles) for e in any_store.events()] == [
        (e.id, e.articles) for e in old.result({})[0]
    ]  # the rows' first ingest equals it
    any_store.set_cluster_state((STATE_VERSION, options_key(OPTIONS.cluster), old.save_state()))
    assert any_store.cluster_meta() is None
    ref = Clusterer.load_state(old.save_state(), OPTIONS.cluster)
    for batch in (second, third):
        with caplog.at_level(logging.INFO, logger="storyline.pipeline"):
            ingest(any_store, batch)
        feed(ref, any_store, batch, mentions)
    assert "converting the saved state" in caplog.text and "replaying" not in caplog.text
    assert any_store.cluster_state() is None and any_store.cluster_meta() is not None
    events, stories = ref.result({})
    assert [(e.id, e.story, e.date, e.articles) for e in any_store.events()] == [
        (e.id, e.story, e.date, e.articles) for e in events
    ]
    assert [(s.id, s.events) for s in any_store.stories()] == [(s.id, s.events) for s in stories]


def test_one_new_article_reads_and_writes_a_few_rows(
    sample: list[Article], store: SQLiteStore, caplog: pytest.LogCaptureFixture
) -> None:
    """Adding an article reads the rows its terms, candidates and the window touch, and writes those that changed:
    far fewer than the state holds (the rows of other stories' events are neither read nor written)."""
    ingest(store, sample[:-1])
    total = sum(len(store.cluster_rows(k, _all_keys(store, k))) for k in ("event", "story", "df", "posting:e"))
    with caplog.at_level(logging.INFO, logger="storyline.pipeline"):
        ingest(store, sample[-1:])
    line = next(r.getMessage() for r in caplog.records if "state rows read" in r.getMessage())
    found = re.search(
        r"(\d+) state rows read in (\d+) queries, (\d+) written .*; (\d+) events and (\d+) stories rewritten", line
    )
    assert found is not None, line
    read_, queries, written, events, stories = (int(x) for x in found.groups())
    assert 0 < written < read_ < total, line
    assert 0 < queries < read_, line  # rows are read many at a time
    assert 0 < events < len(store.events()) and 0 < stories < len(store.stories()), line


def _all_keys(store: Any, kind: str) -> list[str]:
    """Every key of one kind of state row (the test reads the whole state to compare with what an ingest read)."""
    return [r[0] for r in store._all(f"SELECT key FROM cluster_rows WHERE kind = '{kind}'")]


def test_state_rows_read_back_as_written_and_refuse_what_json_refuses() -> None:
    """The rows are written by msgspec for speed: they must read back to the values written and be written again
    as the same text, and a NaN or an infinity must still be refused."""
    import json
    import random

    from storyline.cluster.state import _dumps, _loads

    rng = random.Random(5)
    words = ["kim", "null", "Ḱyiv", "séoul", "naïve", "\u2028", '"q"', "back\\slash", "1e5", "", "日本"]
    values: list[Any] = [
        [None, 0.1, 1e-05, 1e16, 1.0, -0.0, 3, True, "x"],
        {"null": None},
        ["s-1", [1000, 0.30000000000000004, {"a": 1e-300}], ["a1", "a2"], {"2019-01-02": 2}, 7],
    ]
    for _ in range(300):
        vec = {rng.choice(words) + str(rng.randint(0, 50)): rng.random() * 10 ** rng.randint(-8, 8) for _ in range(8)}
        values.append([rng.choice(words), [rng.randint(1, 9), sum(vec.values()), vec], rng.random() < 0.5])
    for v in values:
        body = _dumps(v)
        assert _loads(body) == v and json.loads(body) == v, v
        # a row read and written again is the same text: ``LazyMap.changes`` tells what changed by comparing them
        assert _dumps(_loads(body)) == body and _dumps(json.loads(body)) == body
    for bad in (float("nan"), float("inf"), -float("inf")):
        with pytest.raises(ValueError):
            _dumps(["e-1", [1, 2.0, {"a": bad}]])


def test_event_and_story_rows_decoded_to_their_types_give_what_the_generic_decoder_gives(
    sample: list[Article], store: SQLiteStore
) -> None:
    """``load_event`` and ``load_story`` decode a body straight to its types: the values (and their types, and the
    order of a centroid's terms) are those the generic decoder and a conversion give; a body that does not fit
    the typed shape (a whole-number size written as a float) is still read."""
    from storyline.cluster.state import _load_centroid, _loads, load_event, load_story

    ingest(store, sample)
    for kind, load in (("event", load_event), ("story", load_story)):
        rows = store.cluster_rows(kind, _all_keys(store, kind))
        assert len(rows) >= 3
        for key, (_, body) in rows.items():
            got = load(key, body)
            raw = _loads(body)
            centroids = (
                [(got.centroid, raw[1]), (got.scentroid, raw[2])] if kind == "event" else [(got.centroid, raw[0])]
            )
            for c, r in centroids:
                want = _load_centroid(r)
                assert (c.limit, c.sq, list(c.vec.items())) == (want.limit, want.sq, list(want.vec.items()))
                assert type(c.sq) is float and all(type(w) is float for w in c.vec.values())
            if kind == "event":
                assert (got.story, got.members, got.dates, got.recent) == (raw[0], raw[3], raw[4], raw[5])
            else:
                assert (list(got.events), got.size) == (raw[1], raw[2])
    odd = load_story("s-x", '[[5, 2.0, {"a": 1, "b": 1}], ["e-1"], 2.0]')
    assert odd.size == 2 and type(odd.size) is int and odd.centroid.vec == {"a": 1.0, "b": 1.0}


def test_peeking_at_a_field_of_stored_rows_reads_what_loading_them_gives_and_keeps_nothing(
    sample: list[Article], any_store: Any
) -> None:
    """The re-clustering pass reads the story of each window event (from the readable events) and the size of each
    of their stories from the rows, without loading them (``LazyMap.peek``): the same values as loading, after
    ingests that re-clustered, on both backends; nothing to compare or write afterwards; a value changed or
    dropped in memory is seen as it is now, not as stored."""
    store = any_store
    for batch in batches(sample, 3):
        ingest(store, batch)
    options = OPTIONS.cluster
    meta = Meta.load(store.cluster_meta() or "")
    peeking = resume(options, meta, store.cluster_rows, store.cluster_window())
    loading = resume(options, meta, store.cluster_rows, store.cluster_window())
    event_ids = _all_keys(store, "event")
    story_ids = _all_keys(store, "story")
    assert len(event_ids) > 3 and len(story_ids) > 1
    stories = peeking.events.peek(event_ids, "story")
    sizes = peeking.stories.peek(story_ids, "size")
    assert stories == {e: loading.events[e].story for e in event_ids}
    assert sizes == {s: loading.stories[s].size for s in story_ids}
    assert sum(sizes.values()) == len(sample)
    assert isinstance(peeking.events, LazyMap) and isinstance(peeking.stories, LazyMap)
    assert peeking.events.touched() == [] and peeking.stories.touched() == []
    # in memory, a story that grew and one that is gone
    grown, gone = story_ids[0], story_ids[1]
    peeking.stories[grown].size += 5
    del peeking.stories[gone]
    # an event whose readable row is missing (both are written together, so only a damaged store) is read from its
    # state row instead
    lacking = resume(
        options,
        meta,
        lambda kind, keys: {} if kind == "event-story" else store.cluster_rows(kind, keys),
        store.cluster_window(),
    )
    assert lacking.events.peek(event_ids, "story") == stories
    now = peeking.stories.peek(story_ids, "size")
    assert now[grown] == sizes[grown] + 5 and gone not in now
    assert peeking.events.peek(["e-none"], "story") == {}
