"""The seam a duplicate search done elsewhere enters dedupe through (issue 16): ``Corpus(duplicates=...)`` and the
``search`` that ``dedupe.update`` and ``jobs.dedupe_pending`` call when they index from scratch.

Given the records ``find_duplicates`` computes, a corpus is the one that searches itself, to the last array; the
store the pipeline's dedupe step writes is the same, row for row, on a SQLite file and on PostgreSQL; the search is
asked for exactly the articles an update from scratch indexes, and never by an incremental update. No Spark here:
tests/test_batch_spark.py runs the search in Spark tasks through ``storyline batch``.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from conftest import SAMPLE, dedupe_rows, pg_database
from storyline.dedupe import DedupeOptions, find_duplicates, update
from storyline.dedupe.index import Corpus
from storyline.dedupe.passages import Passages
from storyline.ingest import read
from storyline.pipeline.jobs import dedupe_pending
from storyline.records import Article, Duplicate
from storyline.store import SQLiteStore
from test_dedupe_incremental import generate


def _sample() -> list[Article]:
    return [a for a in read([str(SAMPLE)]) if isinstance(a, Article)]


def _corpora() -> dict[str, list[Article]]:
    return {"sample": _sample(), "generated": generate(2).articles}


def _same_corpus(got: Corpus, want: Corpus) -> None:
    assert got.duplicates == want.duplicates
    assert got.group == want.group
    assert [a.id for a in got.articles] == [a.id for a in want.articles]
    for name in ("hashes", "counts", "bands", "post_keys", "post_pos", "post_doc", "post_quoted"):
        assert np.array_equal(getattr(got, name), getattr(want, name)), name
    assert got.duplicate_keys() == want.duplicate_keys()
    for g, w in zip(got.keys().flat(), want.keys().flat()):
        assert np.array_equal(g, w)
    assert got.token_rows() == want.token_rows()
    pg, pw = Passages(got), Passages(want)
    assert pg.found() == pw.found()
    assert np.array_equal(pg.crowded, pw.crowded)


@pytest.mark.parametrize("corpus", ["sample", "generated"])
@pytest.mark.parametrize("options", [DedupeOptions(), DedupeOptions(near_threshold=0.5, lsh_margin=0.2)])
def test_a_corpus_given_find_duplicates_records_is_the_corpus_that_searches(corpus: str, options: Any) -> None:
    articles = _corpora()[corpus]
    want = Corpus(articles, options)
    records = find_duplicates(articles, options)
    assert {d.kind for d in records} == {"exact", "near"}, "the corpus should hold exact and near copies"
    _same_corpus(Corpus(articles, options, duplicates=records), want)
    # the records in another order are the same groups
    _same_corpus(Corpus(articles, options, duplicates=records[::-1]), want)


def test_the_given_records_are_the_groups_and_a_malformed_one_is_refused() -> None:
    articles = generate(2).articles
    searched = Corpus(articles, DedupeOptions())
    assert searched.duplicates and searched.group != list(range(len(articles)))
    # the records are taken, not searched again: none given, no groups (and so other passages)
    alone = Corpus(articles, DedupeOptions(), duplicates=[])
    assert alone.duplicates == [] and alone.group == list(range(len(articles)))
    assert Passages(alone).found() != Passages(searched).found()
    # the band keys are computed all the same: the index's duplicate keys do not depend on the groups
    assert alone.duplicate_keys() == searched.duplicate_keys()
    first, second, third = sorted(articles, key=lambda a: (a.published is None, a.published or "", a.id))[:3]
    bad: list[tuple[list[Duplicate], str]] = [
        ([Duplicate("nobody", first.id, "near", 0.8)], "not in the corpus"),
        ([Duplicate(first.id, second.id, "near", 0.8)], "not a copy of an earlier article"),
        ([Duplicate(second.id, first.id, "near", 0.8), Duplicate(third.id, second.id, "near", 0.8)], "no chains"),
    ]
    for records, message in bad:
        with pytest.raises(ValueError, match=message):
            Corpus(articles, DedupeOptions(), duplicates=records)
    with pytest.raises(ValueError, match="not both"):
        Corpus(articles, DedupeOptions(), groups={}, duplicates=[])


class _Searches:
    """A duplicate search that is ``find_duplicates``, keeping the ids of the articles each call was given."""

    def __init__(self) -> None:
        self.calls: list[list[str]] = []

    def __call__(self, articles: Sequence[Article], options: DedupeOptions) -> list[Duplicate]:
        self.calls.append(sorted(a.id for a in articles))
        return find_duplicates(articles, options)


class _SpanSearches:
    """A passage search that is ``Passages``'s own pairing and growing (its rows handed back reversed: any order
    will do), keeping the ids of the articles of each corpus it was given."""

    def __init__(self) -> None:
        self.calls: list[list[str]] = []

    def __call__(self, corpus: Corpus) -> tuple[Any, Any, Any]:
        self.calls.append(sorted(a.id for a in corpus.articles))
        p = Passages(corpus)
        rows = p._rows()
        return tuple(r[::-1] for r in rows), p.crowded, p.crowded_last


@pytest.fixture(params=["sqlite-file", "postgres"])
def two_stores(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[tuple[Any, Any]]:
    """Two empty stores of one backend: a SQLite file each, or a PostgreSQL database each."""
    if request.param == "sqlite-file":
        a, b = SQLiteStore(tmp_path / "searched.db"), SQLiteStore(tmp_path / "reference.db")
        yield a, b
        a.close()
        b.close()
        return
    pg_url = request.getfixturevalue("pg_url")
    with pg_database(pg_url) as a, pg_database(pg_url) as b:
        yield a, b


def _earliest(articles: Sequence[Article], n: int) -> list[str]:
    return sorted(a.id for a in sorted(articles, key=lambda a: (a.published is None, a.published or "", a.id))[:n])


@pytest.mark.parametrize("chunk", [10_000, 25], ids=["one-update", "chunks-of-25"])
def test_dedupe_pending_hands_its_first_update_from_scratch_to_the_search(
    two_stores: tuple[Any, Any], chunk: int
) -> None:
    searched, reference = two_stores
    articles = generate(2).articles
    assert len(articles) > 2 * 25
    for store in two_stores:
        store.add_articles(articles)
    search, spans = _Searches(), _SpanSearches()
    dedupe_pending(searched, chunk=chunk, search=search, spans=spans)
    dedupe_pending(reference, chunk=chunk)
    # asked once, for exactly the articles of the first update (all of them, or the earliest chunk); the later
    # chunks were incremental
    assert search.calls == [_earliest(articles, chunk)]
    assert spans.calls == search.calls
    rows = dedupe_rows(searched)
    assert rows["duplicates"] and rows["passages"] and rows["keys"]
    assert rows == dedupe_rows(reference)
    # one more article is an incremental update: not searched, and still the same store
    extra = generate(3).articles[0]
    for store in two_stores:
        store.add_articles([extra])
        dedupe_pending(store, chunk=chunk, search=search, spans=spans)
    assert len(search.calls) == 1 and len(spans.calls) == 1
    assert dedupe_rows(searched) == dedupe_rows(reference)


def test_an_update_rebuilding_the_index_searches_every_article_it_indexes(tmp_path: Path) -> None:
    articles = generate(2).articles
    store = SQLiteStore(tmp_path / "s.db")
    store.add_articles(articles[:40])
    with store.atomic():
        delta = update(store.dedupe_index(), articles[:40])
        assert delta is not None
        store.apply_dedupe(delta)
    store.add_articles(articles[40:])
    search, spans = _Searches(), _SpanSearches()
    # the batch is large against the index: everything stored is indexed again, and searched
    delta = update(store.dedupe_index(), articles[40:], search=search, spans=spans)
    assert delta is not None and delta.reset
    assert search.calls == spans.calls == [sorted(a.id for a in articles)]
    again = update(store.dedupe_index(), articles[40:])
    assert again is not None and tuple(again.duplicates) == tuple(delta.duplicates) and again.passages == delta.passages
    assert dict(again.keys) == dict(delta.keys) and again.groups == delta.groups
    assert again.spans_added == delta.spans_added and again.producers == delta.producers
    store.close()
