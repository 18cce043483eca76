"""The SQLite store: round trips, idempotent adds, transactions, migrations."""

from __future__ import annotations

import sqlite3
from pathlib import Path
from typing import Any

import pytest

from storyline.errors import StoreError
from storyline.records import (
    Analysis,
    Article,
    Citation,
    Dateline,
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
from storyline.store import SQLiteStore, Store, open_store
from storyline.store.migrations import MIGRATIONS


def _article(i: int, **kw: object) -> Article:
    base: dict[str, object] = dict(
        id=f"a-{i:016x}",
        source=f"f{i}.txt",
        text=f"Body number {i} with words.",
        title=f"T{i}",
        published="2023-09-14",
        published_from="header",
        wire_agencies=("TASS",),
        cited_agencies=("KCNA",),
        dateline=Dateline("TOKYO, September 14. /TASS/.", "Tokyo", 9, 14, None),
        language="en",
        content_hash=f"h{i}",
    )
    base.update(kw)
    return Article(**base)  # type: ignore[arg-type]


def test_articles_round_trip(any_store: Store) -> None:
    store = any_store
    a = _article(1)
    assert store.add_articles([a]) == [a.id]
    assert store.articles() == [a]


def test_add_is_idempotent(any_store: Store) -> None:
    store = any_store
    assert store.add_articles([_article(1), _article(2)]) == ["a-0000000000000001", "a-0000000000000002"]
    assert store.add_articles([_article(2), _article(1)]) == []
    assert store.article_ids() == ["a-0000000000000001", "a-0000000000000002"]


def test_failed_batch_stores_nothing_and_keeps_earlier(any_store: Store) -> None:
    store = any_store
    store.add_articles([_article(1)])
    with pytest.raises(RuntimeError), store.atomic():
        store.add_articles([_article(2)])
        store.add_rejections([Rejection("x", "bad")])
        raise RuntimeError("boom")
    assert [a.id for a in store.articles()] == ["a-0000000000000001"]
    assert store.rejections() == []


def test_nested_atomic_rolls_back_only_inner(any_store: Store) -> None:
    store = any_store
    with store.atomic():
        store.add_articles([_article(1)])
        with pytest.raises(ValueError), store.atomic():
            store.add_articles([_article(2)])
            raise ValueError("inner")
    assert store.article_ids() == ["a-0000000000000001"]


def test_derived_records_round_trip(any_store: Store) -> None:
    store = any_store
    a = _article(1)
    store.add_articles([a])
    d = DateMention(a.id, "on Wednesday", 3, 15, "2023-09-13", "day")
    m = Mention(a.id, "Kim Jong Un", 20, 31, "PERSON")
    q = Quote(a.id, "KCNA", "said", "text", True, 40, 44, ("Yonhap",), None)
    store.set_analyses([Analysis(a.id, (d,), (m,), (q,))])
    store.set_analyses([Analysis(a.id, (d,), (m,), (q,))])  # replacing, not doubling
    assert store.date_mentions() == [d] and store.mentions() == [m] and store.quotes() == [q]
    assert store.analysed_ids() == {a.id}
    e = Entity("n-1", "Kim Jong Un", "PERSON", ("Kim",), (a.id,))
    store.set_entities([e])
    assert store.entities() == [e]
    p = Passage("p-1", "shared", (a.id, "a-2"), a.id, "KCNA")
    store.set_passages([p])
    assert store.passages() == [p]
    dup = Duplicate("a-2", a.id, "near", 0.9)
    store.set_duplicates([dup])
    assert store.duplicates() == [dup]
    ev = Event("e-1", "s-1", "2023-09-13", "Summit", (a.id,))
    store.set_clusters([ev], [Story("s-1", "Story", (), ())])
    assert store.events() == [ev]
    assert store.stories() == [Story("s-1", "Story", ("e-1",), (a.id,))]
    t = TimelineEntry("s-1", "2023-09-13", "Summary.", (Citation(a.id, 0, 8),), 2, "e-1")
    store.set_timeline("s-1", [t])
    assert store.timeline("s-1") == [t]


def test_file_store_uses_wal_and_migrates_once(db_path: Path) -> None:
    s = SQLiteStore(db_path)
    s.add_articles([_article(1)])
    s.close()
    s2 = open_store(f"sqlite:///{db_path}")
    assert s2.article_ids() == [_article(1).id]
    assert isinstance(s2, SQLiteStore) and s2.migrate() == []
    s2.close()
    con = sqlite3.connect(db_path)
    assert con.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert con.execute("SELECT COUNT(*) FROM schema_migrations").fetchone()[0] == len(MIGRATIONS) + len(
        SQLiteStore.backend_migrations
    )


def test_not_a_database_is_a_clear_error(tmp_path: Path) -> None:
    bad = tmp_path / "bad.db"
    bad.write_bytes(b"this is not sqlite" * 100)
    with pytest.raises(StoreError, match=r"bad\.db"):
        SQLiteStore(bad)


def test_missing_folder_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(StoreError, match="does not exist"):
        SQLiteStore(tmp_path / "nope" / "x.db")


def test_articles_by_id_in_chunks_keep_storage_order(any_store: Store) -> None:
    store = any_store
    arts = [_article(i) for i in range(1, 1203)]
    store.add_articles(arts)
    wanted = [a.id for a in reversed(arts[::2])] + ["a-missing"]
    got = store.articles(wanted)
    assert [a.id for a in got] == [a.id for a in arts[::2]]  # more ids than one query's chunk, storage order
    store.set_analyses(
        [Analysis(a.id, dates=(DateMention(a.id, "Monday", 0, 6, "2023-09-11", "day"),)) for a in arts[:3]]
    )
    assert [d.article for d in store.date_mentions([arts[2].id, arts[0].id])] == [arts[0].id, arts[2].id]


def test_set_entities_replaces_writing_only_changes(any_store: Store) -> None:
    a = Entity("n-a", "Ana Costa", "PERSON", ("Costa",), ("a-1",))
    b = Entity("n-b", "Lisbon", "GPE", (), ("a-1",))
    any_store.set_entities([a, b])
    b2 = Entity("n-b", "Lisbon", "GPE", ("Lisboa",), ("a-1", "a-2"))
    c = Entity("n-c", "Porto", "GPE", (), ("a-2",))
    any_store.set_entities([b2, c])
    assert any_store.entities() == [b2, c]
    any_store.set_entities([b2, c])  # unchanged input writes nothing and changes nothing
    assert any_store.entities() == [b2, c]


def test_migration_8_indexes_the_passages_an_older_database_holds(db_path: Path) -> None:
    con = sqlite3.connect(db_path)  # a database as the store left it before migration 8
    con.execute(
        "CREATE TABLE schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied TEXT NOT NULL)"
    )
    for version, name, statements in sorted([*MIGRATIONS, *SQLiteStore.backend_migrations]):
        if version >= 8 and version not in (101, 102):  # what the store applied before migration 8
            continue
        for statement in statements:
            con.execute(statement)
        con.execute("INSERT INTO schema_migrations VALUES (?, ?, '2026-01-01')", (version, name))
    con.execute("INSERT INTO passages VALUES ('p-1', 'words', 'a-1', NULL, '[\"a-1\", \"a-2\"]')")
    con.commit()
    con.close()
    s = SQLiteStore(db_path)
    assert s.passages(["a-2"]) == [Passage("p-1", "words", ("a-1", "a-2"), "a-1", None)]
    assert s.passages(["a-3"]) == []
    s.close()


def test_unanalysed_ids_are_the_articles_after_the_watermark_not_analysed(any_store: Any) -> None:
    """What the extract step reads: the stored articles without an analysis, found after the analysed articles'
    watermark (an add reads a range of ``articles_seq``, not every id), in ingest order."""
    arts = [Article(id=f"a-{i}", source=f"s{i}", text=f"Article number {i} says something.") for i in range(7)]
    any_store.add_articles(arts[:5])
    assert not any_store.has_analyses()
    assert any_store.unanalysed_ids() == [a.id for a in arts[:5]]  # no watermark yet: checked whole
    any_store.set_analyses([Analysis(a.id) for a in (arts[0], arts[1], arts[3])])
    assert any_store.has_analyses()
    any_store.advance_analysed_watermark()  # the prefix analysed whole ends at the second article
    assert any_store.unanalysed_ids() == ["a-2", "a-4"]  # one behind the watermark's gap is still found
    any_store.set_analyses([Analysis("a-2"), Analysis("a-4")])
    any_store.advance_analysed_watermark()
    assert any_store.unanalysed_ids() == []
    any_store.add_articles(arts[5:])
    assert any_store.unanalysed_ids() == ["a-5", "a-6"]


def test_articles_dates_are_read_from_a_covering_index(tmp_path: Path) -> None:
    """The dedupe update reads thousands of articles' dates by id: from the covering index, not from each article's
    row beside its text (a cold page per article in a large store)."""
    store = SQLiteStore(tmp_path / "s.db")
    store.add_articles([Article(id="a-1", source="s", text="Some words here.", published="2024-01-02", outlet="o")])
    assert store.article_dates(["a-1", "a-2"]) == {"a-1": "2024-01-02"}
    assert store.dedupe_index().article_dates(["a-1"]) == {"a-1": ("2024-01-02", "o")}
    plan = store.conn.execute(
        f"EXPLAIN QUERY PLAN SELECT id, published FROM {store._dates_from} WHERE id IN (?)", ["a-1"]
    )
    assert "COVERING INDEX articles_dates" in " ".join(str(r) for r in plan.fetchall())


def test_a_timeline_state_that_is_not_json_is_none(tmp_path: Path) -> None:
    """A chronology's stored update state that does not parse is read as none (the next update builds it whole),
    not an error that stops every analyse."""
    store = SQLiteStore(tmp_path / "s.db")
    store.set_timeline("s-1", [], "digest", 1, {"days": {"2024-01-02": "k"}})
    store.set_timeline("s-2", [], "digest", 1, {"days": {}})
    assert store.timeline_days(["s-1", "s-2"]) == {"s-1": {"days": {"2024-01-02": "k"}}, "s-2": {"days": {}}}
    store.conn.execute("UPDATE timeline_digests SET days = '{not json' WHERE story = 's-1'")
    assert store.timeline_days(["s-1", "s-2"]) == {"s-2": {"days": {}}}
