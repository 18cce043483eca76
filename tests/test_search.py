"""Full-text search over articles, quotes and entities (SQLite FTS5), through the store and the CLI."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pytest
from click.testing import CliRunner

from storyline.cli import cli
from storyline.errors import BadQuery
from storyline.records import Analysis, Article, Duplicate, Entity, Quote
from storyline.store import SQLiteStore, Store

HARBOUR = (
    "Port officials said the new harbour at Valparaíso will open in May. "
    '"We are meeting every deadline," harbour director Lucía Pérez said on Tuesday.'
)
BRIDGE = "The city council voted to close the old bridge. Engineers had warned it meets no safety standard."


def _articles() -> list[Article]:
    return [
        Article(
            id="a-1",
            source="harbour.txt",
            text=HARBOUR,
            title="Harbour to open in May",
            published="2024-03-05",
            content_hash="h1",
        ),
        Article(
            id="a-2",
            source="bridge.txt",
            text=BRIDGE,
            title="Council closes bridge",
            published="2024-03-06",
            content_hash="h2",
        ),
        Article(
            id="a-3",
            source="copy.txt",
            text=HARBOUR + " ",
            title="Harbour opens in May (copy)",
            published="2024-03-07",
            content_hash="h3",
        ),
    ]


def _quote(article: str, text: str, speaker: str | None) -> Quote:
    start = HARBOUR.index(text)
    return Quote(article, speaker, "said", text, True, start, start + len(text))


@pytest.fixture
def filled(any_store: Store) -> Store:
    store = any_store
    store.add_articles(_articles())
    store.set_duplicates([Duplicate("a-3", "a-1", "near", 0.98)])
    store.set_analyses([Analysis("a-1", quotes=(_quote("a-1", "We are meeting every deadline", "Lucía Pérez"),))])
    store.set_entities([Entity("n-1", "Lucía Pérez", "PERSON", ("Lucia Perez", "Pérez"), ("a-1", "a-3"))])
    return store


def test_words_are_stemmed_and_accents_folded(filled: Store) -> None:
    hits = filled.search("meet", kinds=["article"])
    assert {h.id for h in hits} == {"a-1", "a-2", "a-3"}  # "meeting" and "meets" both stem to "meet"
    assert {h.id for h in filled.search("valparaiso", kinds=["article"])} == {"a-1", "a-3"}
    assert {h.id for h in filled.search("Valparaíso", kinds=["article"])} == {"a-1", "a-3"}


def test_all_words_must_match_and_phrases_keep_order(filled: Store) -> None:
    assert {h.id for h in filled.search("bridge safety", kinds=["article"])} == {"a-2"}
    assert filled.search('"deadline every"', kinds=["article"]) == []
    assert {h.id for h in filled.search('"every deadline"', kinds=["article"])} == {"a-1", "a-3"}


def test_title_matches_rank_above_body_matches(any_store: Store) -> None:
    s = any_store
    s.add_articles(
        [
            Article(
                id="a-b",
                source="b",
                text="A long report. " * 20 + "The harbour was mentioned once.",
                title="Budget",
                content_hash="b",
            ),
            Article(
                id="a-t",
                source="t",
                text="A long report. " * 20 + "The harbour was mentioned once.",
                title="Harbour",
                content_hash="t",
            ),
        ]
    )
    assert [h.id for h in s.search("harbour", kinds=["article"])] == ["a-t", "a-b"]


def test_copies_are_found_and_name_their_original(filled: Store) -> None:
    copy = next(h for h in filled.search("harbour", kinds=["article"]) if h.id == "a-3")
    assert copy.duplicate_of == "a-1"
    assert "[harbour]" in copy.snippet.lower()


def test_quotes_and_entities(filled: Store) -> None:
    quotes = filled.search("deadline", kinds=["quote"])
    assert [(q.id, q.title, q.start) for q in quotes] == [("a-1", "Lucía Pérez", HARBOUR.index("We are"))]
    assert [q.id for q in filled.search("perez", kinds=["quote"])] == ["a-1"]  # by speaker
    ents = filled.search("Lucia Perez", kinds=["entity"])
    assert [e.id for e in ents] == ["n-1"] and "2 articles" in ents[0].snippet


def test_index_follows_reanalysis_and_entity_merges(filled: Store) -> None:
    filled.set_analyses([Analysis("a-1", quotes=())])
    assert filled.search("deadline", kinds=["quote"]) == []
    filled.set_entities([Entity("n-2", "Port of Valparaíso", "FAC", (), ("a-1",))])
    assert filled.search("Perez", kinds=["entity"]) == []
    assert [e.id for e in filled.search("port", kinds=["entity"])] == ["n-2"]


def test_failed_batch_leaves_the_index_as_it_was(filled: Store) -> None:
    with pytest.raises(RuntimeError), filled.atomic():
        filled.add_articles([Article(id="a-9", source="x", text="A harbour strike.", content_hash="h9")])
        raise RuntimeError("boom")
    assert "a-9" not in {h.id for h in filled.search("strike")}


def test_bad_queries_say_why(filled: Store) -> None:
    with pytest.raises(BadQuery, match="no words"):
        filled.search('** "" ,')
    with pytest.raises(BadQuery, match="unknown search kind"):
        filled.search("harbour", kinds=["story"])
    # query-language operators in user text are plain words (or stop words), never syntax errors
    assert {h.id for h in filled.search("harbour AND OR NOT (", kinds=["article"])} <= {"a-1", "a-3"}
    assert {h.id for h in filled.search("harbour-director", kinds=["article"])} == {"a-1", "a-3"}


def test_an_older_database_gets_its_index_built(tmp_path: Path) -> None:
    path = tmp_path / "old.db"
    s = SQLiteStore(path)
    s.add_articles(_articles())
    s.close()
    con = sqlite3.connect(path)  # make it look like a database from before the search index existed
    for t in ("articles_fts", "quotes_fts", "entities_fts"):
        con.execute(f"DROP TABLE {t}")
        for suffix in ("ai", "ad", "au"):
            con.execute(f"DROP TRIGGER {t}_{suffix}")
    con.execute("DELETE FROM schema_migrations WHERE version = 101")
    con.commit()
    con.close()
    again = SQLiteStore(path)
    assert {h.id for h in again.search("bridge")} == {"a-2"}


def test_cli_search_text_json_and_usage_errors(tmp_path: Path) -> None:
    db = str(tmp_path / "s.db")
    s = SQLiteStore(db)
    s.add_articles(_articles())
    s.set_duplicates([Duplicate("a-3", "a-1", "near", 0.98)])
    s.close()
    runner = CliRunner()
    out = runner.invoke(cli, ["search", "harbour", "--db", db])
    assert out.exit_code == 0 and "ARTICLES (2)" in out.output and "(copy of a-1)" in out.output
    doc = json.loads(runner.invoke(cli, ["search", "bridge", "--db", db, "--format", "json"]).output)
    assert [h["id"] for h in doc["hits"]] == ["a-2"] and doc["hits"][0]["kind"] == "article"
    none = runner.invoke(cli, ["search", "volcano", "--db", db])
    assert none.exit_code == 0 and "no matches" in none.output
    bad = runner.invoke(cli, ["search", "--", "--", "--db", db])
    assert bad.exit_code == 2


def test_seeds_search_finds_shoigu_across_spellings(tmp_path: Path) -> None:
    from conftest import SEEDS

    if not SEEDS.is_dir():
        pytest.skip(f"{SEEDS} not found: the seed articles live in ../shared/seeds beside the repository")
    db = str(tmp_path / "seeds.db")
    runner = CliRunner()
    assert runner.invoke(cli, ["ingest", str(SEEDS), "--db", db]).exit_code == 0
    doc = json.loads(runner.invoke(cli, ["search", "Kim Jong-un", "--db", db, "--format", "json"]).output)
    kinds = {h["kind"] for h in doc["hits"]}
    assert {"article", "entity"} <= kinds
    assert len({h["id"] for h in doc["hits"] if h["kind"] == "article"}) >= 4  # "Kim Jong Un" and "Kim Jong-un"
