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
    summaries = query.stories(sample, newest_first=False)
    assert [s.id for s in summaries] == [s.id for s in sample.stories()]
    for info, story in zip(summaries, sample.stories()):
        events = sample.events(story=story.id)
        assert info.events == len(events) and info.articles == len(story.articles)
        dates = sorted(e.date for e in events if e.date)
        assert (info.first, info.last) == (dates[0], dates[-1])
    assert query.stories(sample, limit=1, newest_first=False) == summaries[:1]


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


def test_stories_newest_activity_first_filtered_and_paged(sample: SQLiteStore) -> None:
    every = query.stories(sample)
    assert [s.last for s in every] == sorted((s.last for s in every), reverse=True)
    assert sorted(s.id for s in every) == sorted(s.id for s in sample.stories())
    paged = [s.id for k in range(len(every)) for s in query.stories(sample, offset=k, limit=1)]
    assert paged == [s.id for s in every]
    outlet = every[0].outlets[0]
    with_outlet = query.stories(sample, outlet=outlet.upper())
    assert with_outlet and all(outlet in s.outlets for s in with_outlet)
    assert {s.id for s in with_outlet} == {s.id for s in every if outlet in s.outlets}
    last = every[0].last
    assert last is not None
    assert all((s.last or "") >= last for s in query.stories(sample, since=last))
    assert query.stories(sample, since="2999-01-01") == []
    assert {s.id for s in query.stories(sample, until="1900-01-01")} == set()


def test_story_sources_count_copies_once(sample: SQLiteStore) -> None:
    dup = {d.article: d.duplicate_of for d in sample.duplicates()}
    for s in query.stories(sample):
        story = sample.stories([s.id])[0]
        copies = sum(1 for a in story.articles if a in dup)
        assert 1 <= s.sources <= s.articles - copies


def test_outlets_count_articles(sample: SQLiteStore) -> None:
    counted = query.outlets(sample)
    assert sum(n for _, n in counted) == sum(1 for a in sample.articles() if query.outlet_of(a))
    assert [n for _, n in counted] == sorted((n for _, n in counted), reverse=True)


def test_entities_list_filter_and_view(sample: SQLiteStore) -> None:
    listed = query.entities(sample)
    assert [e.articles for e in listed] == sorted((e.articles for e in listed), reverse=True)
    top = listed[0]
    part = top.name[1:4].lower()
    found = query.entities(sample, q=part)
    assert any(e.id == top.id for e in found)
    assert all(any(part in n.lower() for n in (e.name, *e.aliases)) for e in found)
    assert all(e.type == top.type for e in query.entities(sample, type=top.type.lower()))
    view = query.entity_view(sample, top.name.upper())
    assert view.entity.id == top.id and len(view.articles) == top.articles
    assert all(a.text == "" for a in view.articles)  # labels only
    assert sum(n for _, n in view.by_day) >= 1
    assert query.entity_view(sample, top.id[:10]).entity.id == top.id
    spoken = [e for e in sample.entities() if any(q.speaker_entity == e.id for q in sample.quotes())]
    if spoken:
        v = query.entity_view(sample, spoken[0].id)
        assert v.quotes and all(q.speaker_entity == spoken[0].id or q.speaker in v.entity.aliases for q in v.quotes)
    with pytest.raises(NotFound):
        query.entity_view(sample, "nobody at all")


def test_copy_flows_name_origin_and_every_carrier(sample: SQLiteStore) -> None:
    shared = {p.id: p for p in sample.passages() if len(p.articles) > 1}
    seen = set()
    for s in sample.stories():
        flows = query.copy_flows(sample, s.id)
        for f in flows.flows:
            p = shared[f.passage]
            seen.add(f.passage)
            carried = {c.article for c in f.carriers} | ({f.origin_article.article} if f.origin_article else set())
            assert carried == set(p.articles) | ({p.origin_article} if p.origin_article else set())
            expected = p.origin_agency or (f.origin_article.outlet if f.origin_article else "unknown origin")
            assert f.origin == expected and f.origin_kind == ("agency" if p.origin_agency else "article")
        for c in flows.copies:
            assert c.copy.article in s.articles
        assert flows.as_dict()["story"] == s.id
    assert seen, "the sample shares passages between outlets"


def test_coverage_counts_each_dated_article_once(sample: SQLiteStore) -> None:
    story = sample.stories()[0]
    view = query.timeline(sample, story.id)
    cov = query.coverage(view)
    dated = [a for a in story.articles if view.articles[a].published]
    assert sum(n for _, _, n in cov) == len(dated)
    assert [(d, o) for d, o, _ in cov] == sorted((d, o) for d, o, _ in cov)


def test_story_list_sources_are_the_pipelines_count_with_wire_copy_folded(sample: SQLiteStore) -> None:
    from storyline.dedupe import is_wire_copy, source_roots

    everything = source_roots(sample.duplicates(), sample.passages())
    stored = sample.story_sources()
    assert stored and None not in stored.values()
    for s in query.stories(sample):
        story = sample.stories([s.id])[0]
        assert s.sources == stored[s.id] == len({everything.get(a, a) for a in story.articles})
    assert sample.unflagged_passages() == set()
    flags = dict(sample.passage_links(sample.article_ids()))
    assert {p.id: w for p, w in flags.items()} == {p.id: is_wire_copy(p) for p in sample.passages()}


def test_a_store_from_before_the_counts_reads_the_same_and_gets_them_on_its_next_analyse(
    tmp_path: Path,
) -> None:
    from storyline.pipeline import analyse

    store = SQLiteStore(tmp_path / "old.db")
    run(store, [str(SAMPLE)], PipelineOptions(use_nlp=False, workers=1))
    before = query.stories(store)
    with store.atomic():  # as migrations 10 and 11 leave an older store: nothing counted, nothing flagged
        store.conn.execute("UPDATE passages SET wire = NULL")
        store.conn.execute("UPDATE timeline_digests SET sources = NULL")
        store.conn.execute("DELETE FROM derived_keys")  # nor has it checked timelines with these keys (migration 17)
    assert query.stories(store) == before  # counted from the passages' words meanwhile
    analyse(store, PipelineOptions(use_nlp=False, workers=1))
    assert None not in store.story_sources().values() and store.unflagged_passages() == set()
    assert query.stories(store) == before


def test_iso_day_reads_years_months_and_days_for_every_shell() -> None:
    from storyline.errors import BadQuery

    assert query.iso_day("2024") == "2024-01-01" and query.iso_day("2024", end=True) == "2024-12-31"
    assert query.iso_day("2024-02", end=True) == "2024-02-29" and query.iso_day(" 2024-03-05 ") == "2024-03-05"
    for bad in ("2025-13-01", "2025-02-30", "March", "2024-3-5", ""):
        with pytest.raises(BadQuery, match="is not a date"):
            query.iso_day(bad)
    options = query.timeline_options(since="2024-03", until="2024-03")
    assert options is not None and (options.since, options.until) == ("2024-03-01", "2024-03-31")
