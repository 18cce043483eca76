"""A timeline of any selection (query.selection_timeline, `storyline timeline --query/--entity/--everything`) over
real stores filled by the pipeline from the bundled sample: the search selection on both backends."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from conftest import SAMPLE
from storyline import query
from storyline.cli import cli
from storyline.errors import BadQuery, NotFound
from storyline.pipeline import PipelineOptions, run
from storyline.store import SQLiteStore
from storyline.text import sentence_spans
from storyline.timeline import TimelineOptions

OPTIONS = PipelineOptions(use_nlp=False, workers=1)


@pytest.fixture(scope="module")
def db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("selection") / "sample.db"
    store = SQLiteStore(path)
    run(store, [str(SAMPLE)], OPTIONS)
    store.close()
    return path


@pytest.fixture(scope="module")
def sample(db: Path) -> Iterator[SQLiteStore]:
    store = SQLiteStore(db)
    yield store
    store.close()


@pytest.fixture(scope="module")
def pg_sample(request: pytest.FixtureRequest) -> Iterator[Any]:
    from conftest import pg_database

    with pg_database(request.getfixturevalue("pg_url")) as store:
        run(store, [str(SAMPLE)], OPTIONS)
        yield store


@pytest.fixture(params=["sqlite", "postgres"])
def both(request: pytest.FixtureRequest) -> Any:
    return request.getfixturevalue("sample" if request.param == "sqlite" else "pg_sample")


def naming(store: Any, word: str) -> set[str]:
    """Articles whose title or text has ``word`` (a name: no stemming to mind), found without the index."""
    pat = re.compile(rf"\b{re.escape(word)}\b", re.I)
    return {a.id for a in store.articles() if pat.search(f"{a.title or ''}\n{a.text}")}


def check_entries(view: query.TimelineView) -> None:
    """Oldest first, one entry per day, each citing whole sentences of selected articles, none a copy of another."""
    dates = [e.date for e in view.entries]
    assert dates == sorted(dates) and len(set(dates)) == len(dates)
    for e in view.entries:
        assert e.story == view.story.id and e.sources >= 1 and e.event is None
        for c in e.citations:
            assert c.article in view.articles, "cites an article outside the selection"
            text = view.articles[c.article].text
            assert (c.start, c.end) in set(sentence_spans(text)) or text[c.start : c.end] in e.summary
    for i, qs in view.quotes.items():
        assert 0 <= i < len(view.entries)
        assert all(q.article in view.articles for q in qs)


def test_search_selection_is_every_match_not_a_top_k(both: Any) -> None:
    expected = naming(both, "Hollin")
    assert len(expected) > 3
    assert len(query.search(both, "Hollin", ("article",), limit=3)) == 3  # search caps; the selection does not
    assert set(both.matching_articles("Hollin")) == expected
    view = query.selection_timeline(both, query="Hollin")
    assert view.story.id == "q:Hollin" and "Hollin" in view.story.title
    assert set(view.articles) == expected == set(view.story.articles)
    assert view.entries and not view.events
    check_entries(view)
    assert view.summary.articles == len(expected)
    assert 1 <= view.summary.sources <= len(expected)
    assert (view.summary.first, view.summary.last) == (view.entries[0].date, view.entries[-1].date)


def test_search_selection_same_on_both_backends(sample: SQLiteStore, pg_sample: Any) -> None:
    options = TimelineOptions(dates=4, per_date=1)
    lite = query.selection_timeline(sample, query='"Hollin Pass" ceasefire', options=options)
    pg = query.selection_timeline(pg_sample, query='"Hollin Pass" ceasefire', options=options)
    assert lite.entries and lite.entries == pg.entries
    assert sample.matching_articles("Hollin") == pg_sample.matching_articles("Hollin")  # ingest order on both


def test_search_selection_errors(both: Any) -> None:
    with pytest.raises(NotFound, match="no article matches the search 'zzyzx'"):
        query.selection_timeline(both, query="zzyzx")
    with pytest.raises(BadQuery, match="no words"):
        query.selection_timeline(both, query="!!")


def test_exactly_one_selection(sample: SQLiteStore) -> None:
    with pytest.raises(BadQuery, match="choose one selection"):
        query.selection_timeline(sample)
    with pytest.raises(BadQuery, match="choose one selection"):
        query.selection_timeline(sample, query="Hollin", everything=True)
    with pytest.raises(BadQuery, match="choose one selection"):
        query.selection_timeline(sample, query="Hollin", entity="Velkova")


def test_entity_selection_by_name_any_case(sample: SQLiteStore) -> None:
    entity = max(sample.entities(), key=lambda e: len(e.articles))
    view = query.selection_timeline(sample, entity=entity.name.upper())
    assert view.story.id == f"entity:{entity.id}" and entity.name in view.story.title
    assert set(view.articles) == set(entity.articles)
    check_entries(view)
    assert query.selection_timeline(sample, entity=entity.id).entries == view.entries  # by id too
    with pytest.raises(NotFound, match="no entity matches"):
        query.selection_timeline(sample, entity="Nobody Atall")


def test_everything_within_a_range_keeps_what_was_published_in_it(sample: SQLiteStore) -> None:
    days = sorted({a.published[:10] for a in sample.articles() if a.published})
    since, until = days[len(days) // 4], days[3 * len(days) // 4]
    inside = {a.id for a in sample.articles() if a.published and since <= a.published[:10] <= until}
    assert 0 < len(inside) < len(sample.articles())
    view = query.selection_timeline(sample, everything=True, options=TimelineOptions(since=since, until=until))
    assert view.story.id == "all" and set(view.articles) == inside
    assert view.entries and all(since <= e.date <= until for e in view.entries)
    check_entries(view)
    whole = query.selection_timeline(sample, everything=True)
    assert set(whole.articles) == set(sample.article_ids())
    assert len(whole.entries) > len(view.entries)
    with pytest.raises(NotFound, match="was published on or after 2099-01-01"):
        query.selection_timeline(sample, everything=True, options=TimelineOptions(since="2099-01-01"))


def test_dates_and_per_date_shape_the_selection(sample: SQLiteStore) -> None:
    view = query.selection_timeline(sample, everything=True, options=TimelineOptions(dates=3, per_date=2))
    assert len(view.entries) == 3
    assert all(1 <= len(e.citations) <= 2 for e in view.entries)
    assert any(len(e.citations) == 2 for e in view.entries)
    check_entries(view)
    # the three dates are the best-supported of the ones the unlimited timeline shows
    whole = query.selection_timeline(sample, everything=True, options=TimelineOptions(dates=50))
    assert {e.date for e in view.entries} <= {e.date for e in whole.entries}


def test_copies_are_folded(sample: SQLiteStore) -> None:
    dup = {d.article: d.duplicate_of for d in sample.duplicates()}
    assert dup, "the sample holds copies"
    view = query.selection_timeline(sample, everything=True, options=TimelineOptions(dates=50))
    cited = {c.article for e in view.entries for c in e.citations}
    assert not {a for a in cited if dup.get(a) in view.articles}, "a copy is cited while its original is selected"
    for e in view.entries:
        roots = {dup.get(a, a) for a in view.articles}
        assert e.sources <= len(roots)


def test_quote_limit(sample: SQLiteStore) -> None:
    view = query.selection_timeline(sample, query="Velkova", quote_limit=1)
    assert view.quotes and all(len(qs) == 1 for qs in view.quotes.values())
    two = query.selection_timeline(sample, query="Velkova", quote_limit=2)
    assert two.entries == view.entries and any(len(qs) == 2 for qs in two.quotes.values())


# --------------------------------------------------------------------------- the command


def invoke(db: Path, *args: str) -> Any:
    return CliRunner().invoke(cli, ["timeline", "--db", str(db), *args])


def test_cli_everything_as_json(db: Path) -> None:
    out = invoke(db, "--everything", "--dates", "3", "--per-date", "1", "--format", "json")
    assert out.exit_code == 0, out.output
    doc = json.loads(out.output)
    (tl,) = doc["timelines"]
    assert tl["story"] == "all" and len(tl["entries"]) == 3
    assert all(len(e["citations"]) == 1 for e in tl["entries"])


def test_cli_query_range_text_and_md(db: Path, sample: SQLiteStore) -> None:
    out = invoke(db, "--query", "Hollin", "--since", "2025-03-01", "--until", "2025-04-30")
    assert out.exit_code == 0, out.output
    assert out.output.startswith("== Search: Hollin ==") and "story q:Hollin" in out.output
    assert "Feb. 5, 2025" not in out.output and "March" in out.output
    md = invoke(db, "--query", "Hollin", "--format", "md")
    assert md.exit_code == 0 and md.output.startswith("## Search: Hollin")


def test_cli_entity(db: Path, sample: SQLiteStore) -> None:
    entity = max(sample.entities(), key=lambda e: len(e.articles))
    out = invoke(db, "--entity", entity.name.lower(), "--format", "json")
    assert out.exit_code == 0, out.output
    assert json.loads(out.output)["timelines"][0]["story"] == f"entity:{entity.id}"


def test_cli_usage_errors_and_empty_selection(db: Path, sample: SQLiteStore) -> None:
    story = sample.stories()[0].id
    for args in (
        ["--query", "Hollin", story],
        ["--everything", "--all"],
        ["--query", "Hollin", "--entity", "Velkova"],
        ["--query", "!!"],
    ):
        out = invoke(db, *args)
        assert out.exit_code == 2, (args, out.output)
    out = invoke(db, "--query", "zzyzx")
    assert out.exit_code == 2 and "no article matches the search 'zzyzx'" in out.output  # not found: exit 2
    out = invoke(db, story)  # a story's timeline is unchanged
    assert out.exit_code == 0 and f"story {story}" in out.output
