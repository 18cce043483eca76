"""The read side (storyline.query) over a real store filled by the pipeline from the bundled sample."""

from __future__ import annotations

from pathlib import Path

import pytest

from conftest import SAMPLE
from storyline import query
from storyline.compare import compare
from storyline.errors import NotFound
from storyline.pipeline import PipelineOptions, run
from storyline.store import SQLiteStore
from storyline.timeline_quotes import QUOTES_PER_ENTRY


@pytest.fixture(scope="module")
def sample(tmp_path_factory: pytest.TempPathFactory) -> SQLiteStore:
    store = SQLiteStore(tmp_path_factory.mktemp("query") / "sample.db")
    run(store, [str(SAMPLE)], PipelineOptions(use_nlp=False, workers=1))
    return store


def test_resolve_exact_prefix_missing_and_ambiguous(sample: SQLiteStore) -> None:
    story = sample.stories()[0].id
    assert query.resolve(sample, story) == ("story", story)
    assert query.resolve(sample, story[:8]) == ("story", story)
    with pytest.raises(NotFound, match="no story matches 'zz'"):
        query.resolve(sample, "zz")
    with pytest.raises(query.Ambiguous) as caught:
        query.resolve(sample, "s-")  # every story id starts so
    assert sorted(caught.value.candidates) == sorted(s.id for s in sample.stories())
    event = sample.events()[0].id
    assert query.resolve(sample, event, ("event", "story")) == ("event", event)


def test_resolve_an_article_by_its_source_path(sample: SQLiteStore) -> None:
    art = sample.articles()[0]
    assert query.resolve(sample, art.source, ("article",)) == ("article", art.id)


def test_story_summaries_count_and_span(sample: SQLiteStore) -> None:
    summaries = query.stories(sample)
    assert [s.id for s in summaries] == [s.id for s in sample.stories()]
    for info, story in zip(summaries, sample.stories()):
        events = sample.events(story=story.id)
        assert info.events == len(events) and info.articles == len(story.articles)
        dates = sorted(e.date for e in events if e.date)
        assert (info.first, info.last) == (dates[0], dates[-1])
    assert query.stories(sample, limit=1) == summaries[:1]


def test_timeline_is_the_stored_one_with_one_quote_limit(sample: SQLiteStore) -> None:
    story = max(sample.stories(), key=lambda s: len(s.articles))
    view = query.timeline(sample, story.id[:10])
    assert list(view.entries) == sample.timeline(story.id)
    assert view.quotes, "the sample's timelines carry attributed quotes"
    assert all(1 <= len(qs) <= QUOTES_PER_ENTRY for qs in view.quotes.values())
    # every quote comes from an article the entry cites or from the entry's event
    events = {e.id: e for e in sample.events(story=story.id)}
    for i, qs in view.quotes.items():
        entry = view.entries[i]
        allowed = {c.article for c in entry.citations} | set(events[entry.event].articles if entry.event else ())
        assert {q.article for q in qs} <= allowed


def test_other_options_build_a_timeline_from_stored_records(sample: SQLiteStore) -> None:
    story = max(sample.stories(), key=lambda s: len(s.articles))
    stored = query.timeline(sample, story.id)
    two = query.timeline(sample, story.id, query.timeline_options(dates=2))
    assert len(two.entries) == 2 < len(stored.entries)
    assert {e.date for e in two.entries} <= {e.date for e in stored.entries}
    assert query.timeline_options() is None  # the defaults are the stored timelines


def test_stored_comparisons_equal_a_fresh_compare(sample: SQLiteStore) -> None:
    stored = sample.comparisons()
    assert stored, "the sample has events two outlets report"
    event_id = next(iter(stored))
    ((event, comp),) = query.comparisons(sample, event_id)
    assert event.id == event_id
    (ev,) = sample.events([event_id])
    articles = {a.id: a for a in sample.articles(list(ev.articles))}
    dup = {d.article: d.duplicate_of for d in sample.duplicates()}
    assert comp == compare(ev, articles, dup, passages=sample.passages())


def test_a_story_is_compared_event_by_event(sample: SQLiteStore) -> None:
    story = max(sample.stories(), key=lambda s: len(s.events))
    comps = query.comparisons(sample, story.id)
    assert [e.id for e, _ in comps] == [e.id for e in sample.events(story=story.id)]


def test_article_view_holds_its_spans_and_linked_speakers(sample: SQLiteStore) -> None:
    quoted = next(q.article for q in sample.quotes() if q.speaker_entity)
    view = query.article_view(sample, quoted)
    assert view.article.id == quoted
    assert all(d.article == quoted for d in view.dates) and all(m.article == quoted for m in view.mentions)
    assert any(q.speaker_entity for q in view.quotes), "speakers are linked at analyse time and stored"
    entity_ids = {e.id for e in sample.entities()}
    assert {q.speaker_entity for q in view.quotes if q.speaker_entity} <= entity_ids


def test_article_view_lists_copies_both_ways(sample: SQLiteStore) -> None:
    dup = sample.duplicates()[0]
    copy, original = query.article_view(sample, dup.article), query.article_view(sample, dup.duplicate_of)
    assert [(c.role, c.other) for c in copy.copies if c.other == dup.duplicate_of] == [("copy", dup.duplicate_of)]
    assert ("copied", dup.article) in [(c.role, c.other) for c in original.copies]


def test_history_of_a_missing_cluster_is_not_found(sample: SQLiteStore) -> None:
    with pytest.raises(NotFound):
        query.history(sample, "s-doesnotexist")
    story = sample.stories()[0].id
    assert query.history(sample, story).id == story


def test_export_data_of_one_story_keeps_only_its_articles(sample: SQLiteStore, tmp_path: Path) -> None:
    story = sample.stories()[0]
    data = query.export_data(sample, story.id)
    assert {a.id for a in data.articles} == set(story.articles)
    assert all(q.article in story.articles for q in data.quotes)
    with pytest.raises(NotFound):
        query.export_data(sample, "s-nope")
