"""The default store: one SQLite file in WAL mode, a connection per thread (or ``:memory:`` for tests, one connection)."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Sequence
from pathlib import Path

from storyline.errors import StoreError
from storyline.records import SearchHit
from storyline.store.sql import SEARCH_KINDS, SQLStore, check_kinds, entity_line, query_terms

# Full-text search: FTS5 tables over the stored rows ("external content"), kept in step by triggers, so every
# write path (ingest, re-analysis, entity merge) updates the index inside its own transaction.
# Porter stemming + accent folding: "meets" finds "meeting", "Shoigu" finds "Shoígu".
_TOKENIZE = "tokenize='porter unicode61 remove_diacritics 2'"
_FTS = {
    # fts table: (content table, indexed columns, SQL for each column from a row alias)
    "articles_fts": ("articles", ("title", "text"), ("coalesce({r}.title, '')", "{r}.text")),
    "quotes_fts": ("quotes", ("speaker", "text"), ("coalesce({r}.speaker, '')", "{r}.text")),
    "entities_fts": ("entities", ("name", "aliases"), ("{r}.name", "{r}.aliases")),
}


def _fts_statements() -> list[str]:
    out = []
    for fts, (table, cols, exprs) in _FTS.items():
        names = ", ".join(cols)
        new = ", ".join(e.format(r="new") for e in exprs)
        old = ", ".join(e.format(r="old") for e in exprs)
        out += [
            f"CREATE VIRTUAL TABLE {fts} USING fts5({names}, content='{table}', content_rowid='rowid', {_TOKENIZE})",
            f"CREATE TRIGGER {fts}_ai AFTER INSERT ON {table} BEGIN "
            f"INSERT INTO {fts}(rowid, {names}) VALUES (new.rowid, {new}); END",
            f"CREATE TRIGGER {fts}_ad AFTER DELETE ON {table} BEGIN "
            f"INSERT INTO {fts}({fts}, rowid, {names}) VALUES ('delete', old.rowid, {old}); END",
            f"CREATE TRIGGER {fts}_au AFTER UPDATE ON {table} BEGIN "
            f"INSERT INTO {fts}({fts}, rowid, {names}) VALUES ('delete', old.rowid, {old}); "
            f"INSERT INTO {fts}(rowid, {names}) VALUES (new.rowid, {new}); END",
            f"INSERT INTO {fts}({fts}) VALUES ('rebuild')",  # index what an older database already holds
        ]
    return out


def _carrier_statements() -> list[str]:
    """passage_articles follows passages.articles (a JSON list) on every insert, update and delete."""
    fill = "INSERT OR IGNORE INTO passage_articles (passage, article) SELECT {r}.id, j.value FROM {src}json_each({r}.articles) j"
    return [
        f"CREATE TRIGGER passages_carriers_ai AFTER INSERT ON passages BEGIN {fill.format(r='new', src='')}; END",
        "CREATE TRIGGER passages_carriers_ad AFTER DELETE ON passages BEGIN "
        "DELETE FROM passage_articles WHERE passage = old.id; END",
        "CREATE TRIGGER passages_carriers_au AFTER UPDATE ON passages BEGIN "
        f"DELETE FROM passage_articles WHERE passage = old.id; {fill.format(r='new', src='')}; END",
        fill.format(r="p", src="passages p, "),  # the passages an older database already holds
    ]


def _entity_name_statements() -> list[str]:
    """entity_names follows entities (name and aliases, a JSON list) on every insert, update and delete."""
    fill = (
        "INSERT OR IGNORE INTO entity_names (name, entity) SELECT {r}.name, {r}.id FROM {src}(SELECT 1) "
        "UNION SELECT j.value, {r}.id FROM {src}json_each({r}.aliases) j"
    )
    return [
        f"CREATE TRIGGER entities_names_ai AFTER INSERT ON entities BEGIN {fill.format(r='new', src='')}; END",
        "CREATE TRIGGER entities_names_ad AFTER DELETE ON entities BEGIN "
        "DELETE FROM entity_names WHERE entity = old.id; END",
        "CREATE TRIGGER entities_names_au AFTER UPDATE ON entities BEGIN "
        f"DELETE FROM entity_names WHERE entity = old.id; {fill.format(r='new', src='')}; END",
        fill.format(r="e", src="entities e, "),  # the entities an older database already holds
    ]


class SQLiteStore(SQLStore):
    """SQLite backend; ``SQLiteStore(":memory:")`` for a throwaway database."""

    param = "?"
    backend_migrations = (
        (101, "sqlite: full-text search over articles, quotes and entities (FTS5)", _fts_statements()),
        (
            102,
            "sqlite: the dedupe key index as one B-tree (WITHOUT ROWID), ~40% faster to fill than a table plus index",
            [
                "DROP TABLE dedupe_keys",
                "CREATE TABLE dedupe_keys (key INTEGER NOT NULL, doc INTEGER NOT NULL, PRIMARY KEY (key, doc)) WITHOUT ROWID",
            ],
        ),
        (103, "sqlite: passage_articles kept in step with passages by triggers", _carrier_statements()),
        (104, "sqlite: entity_names kept in step with entities by triggers", _entity_name_statements()),
        (
            105,
            "sqlite: articles' dates by id from a covering index (issue 15), not from rows stored beside their texts",
            ["CREATE INDEX articles_dates ON articles(id, published, outlet)"],
        ),
    )
    # SQLite's planner takes the primary key's index for ``id IN (...)`` and then reads every row from the table
    # (a cold page per article in a large store: 1.4 s for 30,000 ids at 100k, against 0.06 s from this index)
    _dates_from = "articles INDEXED BY articles_dates"

    def __init__(self, path: str | Path = ":memory:") -> None:
        self.path = str(path)
        self.url = f"sqlite:///{self.path}"
        if self.path != ":memory:":
            parent = Path(self.path).expanduser().resolve().parent
            if not parent.is_dir():
                raise StoreError(f"cannot create database {self.path}: folder {parent} does not exist")
        try:
            # ":memory:" is a database per connection, so there one connection serves every thread (taking turns);
            # a file gets a connection per thread, and WAL lets readers go on while one thread writes
            self._open(shared=self.path == ":memory:")
            if self.path != ":memory:":
                self.conn.execute("PRAGMA journal_mode=WAL")  # stored in the file: later connections inherit it
        except sqlite3.DatabaseError as exc:
            raise StoreError(f"cannot open database {self.path}: {exc}") from exc
        try:
            self.migrate()
        except sqlite3.DatabaseError as exc:
            raise StoreError(f"{self.path} is not a storyline database or is damaged: {exc}") from exc

    def _connect(self) -> sqlite3.Connection:
        # isolation_level=None: we issue BEGIN ourselves, so one batch is one transaction
        # timeout: a concurrent writer waits up to a minute for the lock (an analyse holds it through its dedupe update)
        # check_same_thread=False: close() closes every thread's connection, and ":memory:" shares one
        conn = sqlite3.connect(self.path, isolation_level=None, check_same_thread=False, timeout=60)
        conn.execute("PRAGMA synchronous=NORMAL")
        conn.execute("PRAGMA foreign_keys=ON")
        return conn

    def _begin(self) -> None:
        self.conn.execute("BEGIN IMMEDIATE")

    def search(self, query: str, kinds: Sequence[str] = SEARCH_KINDS, limit: int = 20) -> list[SearchHit]:
        check_kinds(kinds)
        # every word or phrase must match (AND); each is quoted so FTS5 operators in user text stay words
        match = " AND ".join('"' + " ".join(t) + '"' for t in query_terms(query))
        hits: list[SearchHit] = []
        if "article" in kinds:
            rows = self._all(
                "SELECT a.id, coalesce(a.title, ''), snippet(articles_fts, 1, '[', ']', '…', 16), "
                "bm25(articles_fts, 4.0, 1.0), a.published, d.duplicate_of "
                "FROM articles_fts JOIN articles a ON a.rowid = articles_fts.rowid "
                "LEFT JOIN duplicates d ON d.article = a.id "
                "WHERE articles_fts MATCH ? ORDER BY bm25(articles_fts, 4.0, 1.0) LIMIT ?",
                (match, limit),
            )
            hits += [SearchHit("article", i, t, sn, -b, p, dup) for i, t, sn, b, p, dup in rows]
        if "quote" in kinds:
            rows = self._all(
                "SELECT q.article, coalesce(q.speaker, ''), snippet(quotes_fts, 1, '[', ']', '…', 24), "
                "bm25(quotes_fts, 2.0, 1.0), a.published, q.start_, q.end_ "
                "FROM quotes_fts JOIN quotes q ON q.rowid = quotes_fts.rowid JOIN articles a ON a.id = q.article "
                "WHERE quotes_fts MATCH ? ORDER BY bm25(quotes_fts, 2.0, 1.0) LIMIT ?",
                (match, limit),
            )
            hits += [SearchHit("quote", i, sp, sn, -b, p, None, s, e) for i, sp, sn, b, p, s, e in rows]
        if "entity" in kinds:
            rows = self._all(
                "SELECT e.id, e.name, e.type, e.aliases, json_array_length(e.articles), bm25(entities_fts, 2.0, 1.0) "
                "FROM entities_fts JOIN entities e ON e.rowid = entities_fts.rowid "
                "WHERE entities_fts MATCH ? ORDER BY bm25(entities_fts, 2.0, 1.0) LIMIT ?",
                (match, limit),
            )
            hits += [SearchHit("entity", i, n, entity_line(ty, json.loads(al), k), -b) for i, n, ty, al, k, b in rows]
        return hits

    def matching_articles(self, query: str) -> list[str]:
        """Ids of every article ``query`` matches (as ``search`` matches articles, no cap), in ingest order."""
        match = " AND ".join('"' + " ".join(t) + '"' for t in query_terms(query))
        rows = self._all(
            "SELECT a.id FROM articles_fts JOIN articles a ON a.rowid = articles_fts.rowid "
            "WHERE articles_fts MATCH ? ORDER BY a.seq",
            (match,),
        )
        return [r[0] for r in rows]
