"""Store logic shared by the SQL backends, written against DB-API 2.

A backend supplies connections (``_connect``), its parameter placeholder and its transaction handling;
everything else (record <-> row mapping, migrations, replace semantics) lives here once.

Connections: each thread gets its own (``threading.local``), so readers in worker threads (the HTTP API) never
wait behind one another or behind a writer: SQLite in WAL mode and PostgreSQL both let readers see the last
committed state while a write transaction is open. Writes run in ``atomic()`` on the calling thread's connection.
A thread's connection stays open until ``close()`` (worker pools reuse their threads, so their number is bounded).
A backend that cannot share a database between connections (SQLite ``:memory:``) uses one connection for every
thread instead, and then every statement and transaction holds one lock, so readers wait for a writer to commit.
Reads that take several statements run in one read transaction (``_reading``), so they see one state.
"""

from __future__ import annotations

import base64
import json
import re
import threading
from collections.abc import Iterable, Iterator, Mapping, Sequence
from contextlib import AbstractContextManager, contextmanager, nullcontext
from datetime import UTC, datetime
from typing import Any

from storyline.errors import BadQuery
from storyline.records import (
    Analysis,
    Article,
    Change,
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
from storyline.store.dedupe_index import DedupeIndexSQL
from storyline.store.entity_merge import EntityMergeSQL
from storyline.store.migrations import MIGRATIONS

# find_ids: kind -> table
_ID_TABLES = {"article": "articles", "event": "events", "story": "stories", "entity": "entities"}
# LIMIT for "no limit" with an OFFSET (SQLite needs a LIMIT before OFFSET; PostgreSQL refuses a negative one)
_NO_LIMIT = 2**62
# kinds of the clusterer's state rows (cluster/state.py); each is written into SQL text, so only these are accepted
_STATE_KINDS = frozenset({"event", "story", "posting:e", "posting:s", "df", "seen", "arrival", "merged"})
DERIVED_KINDS = ("timelines", "comparisons")  # derived rows whose keys (derived_keys) a write of inputs forgets
HEAD_CHARS = 200  # article_heads: enough of a text for a one-line preview


def _dump(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, sort_keys=True)


def dump_comparison(value: dict[str, Any]) -> str:
    """A comparison as stored: its own key order kept (``sort_keys=False``), so a round trip gives the same dict."""
    return json.dumps(value, ensure_ascii=False, sort_keys=False)


class SQLStore(DedupeIndexSQL, EntityMergeSQL):
    """Common implementation; a backend's ``__init__`` calls ``_open`` and supplies ``_connect`` and ``_begin``."""

    url: str
    param = "?"
    # migrations only this backend runs (its own full-text index), numbered from 101 so they never meet the shared ones
    backend_migrations: tuple[tuple[int, str, list[str]], ...] = ()
    # how SQL says "these two values differ, NULLs included" (SQLite: IS NOT; PostgreSQL: IS DISTINCT FROM)
    _differs = "IS NOT"
    # where articles' dates are read by id (``article_dates``): a backend names its covering index here when its
    # planner would otherwise read each article's row from the table (thousands per dedupe update)
    _dates_from = "articles"
    _local: threading.local
    _lock: threading.RLock
    _guard: AbstractContextManager[Any]
    _shared: Any
    _conns: list[Any]
    _conns_lock: threading.Lock

    # connections -----------------------------------------------------------------
    def _connect(self) -> Any:
        """A new DB-API connection to this store's database (backend-specific)."""
        raise NotImplementedError

    def _open(self, *, shared: bool) -> None:
        """Set up the connections; ``shared``: one connection serves every thread (statements take turns)."""
        self._local = threading.local()
        self._lock = threading.RLock()
        self._conns = []
        self._conns_lock = threading.Lock()
        self._shared = None
        self._guard = self._lock if shared else nullcontext()
        if shared:
            self._shared = self._new_connection()

    def _new_connection(self) -> Any:
        conn = self._connect()
        with self._conns_lock:
            self._conns.append(conn)
        return conn

    @property
    def conn(self) -> Any:
        """The calling thread's connection (opened on first use)."""
        if self._shared is not None:
            return self._shared
        conn = getattr(self._local, "conn", None)
        if conn is None:
            conn = self._local.conn = self._new_connection()
        return conn

    @conn.setter
    def conn(self, value: Any) -> None:
        raise AttributeError("a store's connections are its own: each thread opens one on first use")

    def close(self) -> None:
        """Close every connection this store opened (in any thread)."""
        with self._conns_lock:
            conns, self._conns = self._conns, []
        self._local = threading.local()
        for conn in conns:
            conn.close()

    # plumbing --------------------------------------------------------------------
    def _q(self, sql: str) -> str:
        return sql if self.param == "?" else sql.replace("?", self.param)

    def _exec(self, sql: str, args: Sequence[Any] = ()) -> Any:
        cur = self.conn.cursor()
        cur.execute(self._q(sql), tuple(args))
        return cur

    def _many(self, sql: str, rows: Iterable[Sequence[Any]]) -> None:
        rows = [tuple(r) for r in rows]
        if rows:
            with self._guard:
                self.conn.cursor().executemany(self._q(sql), rows)

    def _all(self, sql: str, args: Sequence[Any] = ()) -> list[tuple[Any, ...]]:
        with self._guard:
            return list(self._exec(sql, args).fetchall())

    def _where_in(self, sql: str, values: Iterable[Any]) -> list[tuple[Any, ...]]:
        """Rows of ``sql`` (ending in ``... IN``) for every value, asked in chunks that stay under parameter limits."""
        rows: list[tuple[Any, ...]] = []
        with self._reading():
            for part in self._chunks(dict.fromkeys(values)):
                rows += self._all(f"{sql} ({', '.join('?' * len(part))})", part)
        return rows

    _CHUNK = 500  # parameters per IN (...) list; well under every driver's limit

    def _chunks(self, values: Iterable[Any]) -> Iterator[list[Any]]:
        items = list(values)
        for i in range(0, len(items), self._CHUNK):
            yield items[i : i + self._CHUNK]

    def _delete_keys(self, table: str, key: Sequence[str], values: Iterable[Sequence[Any]]) -> None:
        """Delete the rows of ``table`` whose ``key`` columns equal one of ``values``."""
        where = " AND ".join(f"{c} = ?" for c in key)
        self._many(f"DELETE FROM {table} WHERE {where}", values)

    def _upsert(self, table: str, columns: Sequence[str], key: Sequence[str], rows: Iterable[Sequence[Any]]) -> None:
        """Insert ``rows``; a row whose ``key`` is stored replaces it, and only where a value differs (no idle writes)."""
        rest = [c for c in columns if c not in key]
        if rest:
            sets = ", ".join(f"{c} = excluded.{c}" for c in rest)
            differs = " OR ".join(f"{table}.{c} {self._differs} excluded.{c}" for c in rest)
            conflict = f"DO UPDATE SET {sets} WHERE {differs}"
        else:
            conflict = "DO NOTHING"
        self._many(
            f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({', '.join('?' * len(columns))}) "
            f"ON CONFLICT ({', '.join(key)}) {conflict}",
            rows,
        )

    def _replace(
        self,
        table: str,
        columns: Sequence[str],
        key: Sequence[str],
        rows: Iterable[Sequence[Any]],
        where: str = "",
        args: Sequence[Any] = (),
    ) -> None:
        """Make ``table`` (or its rows matching ``where``) hold exactly ``rows``, by difference: rows no longer
        present are deleted, changed ones updated, new ones inserted; unchanged rows are not written."""
        rows = [tuple(r) for r in rows]
        at = [columns.index(c) for c in key]
        keep = {tuple(r[i] for i in at) for r in rows}
        cols = ", ".join(key)
        stored = self._all(f"SELECT {cols} FROM {table}" + (f" WHERE {where}" if where else ""), args)
        self._delete_keys(table, key, (tuple(k) for k in stored if tuple(k) not in keep))
        self._upsert(table, columns, key, rows)

    @staticmethod
    def _page(offset: int, limit: int | None) -> tuple[str, tuple[int, ...]]:
        """SQL and arguments for a page (``offset`` rows skipped, at most ``limit``)."""
        if offset < 0 or (limit is not None and limit < 0):
            raise ValueError(f"offset and limit must not be negative (got offset={offset}, limit={limit})")
        if offset == 0 and limit is None:
            return "", ()
        return " LIMIT ? OFFSET ?", (_NO_LIMIT if limit is None else limit, offset)

    def _prefix(self, column: str, prefix: str) -> tuple[str, tuple[str, ...]]:
        """A condition (index-backed) for ``column`` starting with ``prefix``, case-sensitive like ``str.startswith``.

        SQLite compares text as UTF-8 bytes, whose order is code-point order, so the strings starting with
        ``prefix`` are exactly those in [prefix, prefix with its last character's successor).
        """
        if not prefix:
            return "1 = 1", ()
        last = ord(prefix[-1])
        if last >= 0x10FFFF:
            return f"{column} >= ?", (prefix,)  # no successor: only an open range (no id has such a character)
        return f"{column} >= ? AND {column} < ?", (prefix, prefix[:-1] + chr(last + 1))

    # transactions ----------------------------------------------------------------
    def _depth(self) -> int:
        return int(getattr(self._local, "depth", 0))

    @contextmanager
    def atomic(self) -> Iterator[None]:
        """A transaction; nested calls use savepoints so an inner failure undoes only itself."""
        with self._guard:
            if getattr(self._local, "reading", False):
                raise RuntimeError("a write inside a read snapshot: open atomic() first")
            depth = self._depth() + 1
            self._local.depth = depth
            conn = self.conn
            name = f"sp{depth}"
            try:
                if depth == 1:
                    self._begin()
                else:
                    self._exec(f"SAVEPOINT {name}")
                yield
            except BaseException:
                if depth == 1:
                    conn.rollback()
                else:
                    self._exec(f"ROLLBACK TO SAVEPOINT {name}")
                    self._exec(f"RELEASE SAVEPOINT {name}")
                raise
            else:
                if depth == 1:
                    conn.commit()
                else:
                    self._exec(f"RELEASE SAVEPOINT {name}")
            finally:
                self._local.depth = depth - 1

    @contextmanager
    def _reading(self) -> Iterator[None]:
        """Several reads that see one committed state: a read-only transaction, unless one is already open."""
        with self._guard:
            if self._depth() or getattr(self._local, "reading", False):
                yield
                return
            self._local.reading = True
            try:
                self._begin_read()
                yield
            finally:
                self._local.reading = False
                self.conn.rollback()  # nothing was written: ending the snapshot is all

    def _begin(self) -> None:
        """Start a write transaction (backends whose driver does it implicitly do nothing)."""

    def _begin_read(self) -> None:
        """Start a read transaction that sees one snapshot until it ends."""
        self._exec("BEGIN")

    def lock_writes(self) -> None:
        """Inside ``atomic``: hold the store's one writer lock until the transaction ends (SQLite's
        ``BEGIN IMMEDIATE`` already does; PostgreSQL takes an advisory lock)."""

    def migrate(self) -> list[int]:
        """Apply the migrations not yet applied; returns their versions."""
        with self.atomic():
            self._exec(
                "CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied TEXT NOT NULL)"
            )
            done = {row[0] for row in self._all("SELECT version FROM schema_migrations")}
            applied = []
            for version, name, statements in sorted([*MIGRATIONS, *self.backend_migrations]):
                if version in done:
                    continue
                for statement in statements:
                    self._exec(statement)
                self._exec(
                    "INSERT INTO schema_migrations (version, name, applied) VALUES (?, ?, ?)",
                    (version, name, _now()),
                )
                applied.append(version)
        return applied

    def find_ids(self, kind: str, prefix: str, limit: int = 20) -> list[str]:
        """Ids of ``kind`` ("article", "event", "story", "entity") starting with ``prefix``, at most ``limit``: for articles
        first those whose source is ``prefix`` exactly (ingest order), then the prefix matches by id."""
        table = _ID_TABLES.get(kind)
        if table is None:
            raise ValueError(f"unknown kind {kind!r}; one of {', '.join(_ID_TABLES)}")
        found: list[str] = []
        if kind == "article":
            found += [
                r[0]
                for r in self._all("SELECT id FROM articles WHERE source = ? ORDER BY seq LIMIT ?", (prefix, limit))
            ]
        cond, args = self._prefix("id", prefix)
        found += [r[0] for r in self._all(f"SELECT id FROM {table} WHERE {cond} ORDER BY id LIMIT ?", (*args, limit))]
        return list(dict.fromkeys(found))[:limit]

    # articles --------------------------------------------------------------------
    _ARTICLE_COLS = (
        "id, source, url, title, published, published_from, updated, outlet, author, wire, cited, "
        "dateline, language, content_hash, text"
    )

    def add_articles(self, articles: Iterable[Article]) -> list[str]:
        batch: dict[str, Article] = {}
        for a in articles:
            batch.setdefault(a.id, a)
        with self.atomic():
            # one writer at a time: the ids found new and the sequence numbers stay right beside another writer
            self.lock_writes()
            known = {r[0] for r in self._where_in("SELECT id FROM articles WHERE id IN", batch)}
            new = [i for i in batch if i not in known]
            seq = int(self._all("SELECT COALESCE(MAX(seq) + 1, 0) FROM articles")[0][0])
            self._many(
                "INSERT INTO articles (id, seq, source, url, title, published, published_from, updated, outlet, "
                "author, wire, cited, dateline, language, content_hash, text) "
                "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (id) DO NOTHING",
                (
                    (
                        a.id,
                        seq + n,
                        a.source,
                        a.url,
                        a.title,
                        a.published,
                        a.published_from,
                        a.updated,
                        a.outlet,
                        a.author,
                        _dump(list(a.wire_agencies)),
                        _dump(list(a.cited_agencies)),
                        _dump(a.dateline.as_dict()) if a.dateline else None,
                        a.language,
                        a.content_hash,
                        a.text,
                    )
                    for n, a in enumerate(batch[i] for i in new)
                ),
            )
        return new

    def article(self, id: str) -> Article | None:
        """The stored article ``id``, or None."""
        rows = self._all(f"SELECT {self._ARTICLE_COLS} FROM articles WHERE id = ?", (id,))
        return _article(rows[0]) if rows else None

    def articles(self, ids: Sequence[str] | None = None, *, offset: int = 0, limit: int | None = None) -> list[Article]:
        """Articles in ingest order (all, or those with the given ids); ``offset``/``limit`` page through them."""
        page, args = self._page(offset, limit)
        if ids is None:
            return [
                _article(r) for r in self._all(f"SELECT {self._ARTICLE_COLS} FROM articles ORDER BY seq{page}", args)
            ]
        rows = sorted(
            self._where_in(f"SELECT seq, {self._ARTICLE_COLS} FROM articles WHERE id IN", ids), key=lambda r: int(r[0])
        )
        end = None if limit is None else offset + limit
        return [_article(r[1:]) for r in rows[offset:end]]

    def article_ids(self) -> list[str]:
        return [r[0] for r in self._all("SELECT id FROM articles ORDER BY seq")]

    def article_labels(self, ids: Sequence[str] | None = None) -> list[Article]:
        """Articles in ingest order with every field but their text (``text`` is empty): lists and labels."""
        cols = self._ARTICLE_COLS.replace(", text", ", ''")
        if ids is None:
            return [_article(r) for r in self._all(f"SELECT {cols} FROM articles ORDER BY seq")]
        rows = sorted(self._where_in(f"SELECT seq, {cols} FROM articles WHERE id IN", ids), key=lambda r: int(r[0]))
        return [_article(r[1:]) for r in rows]

    def article_outlets(self, ids: Sequence[str] | None = None) -> dict[str, str]:
        """Article id -> the outlet a list names for it: its own, else the first wire agency it carries, else ""."""
        sql = "SELECT id, outlet, wire FROM articles"
        rows = self._all(f"{sql} ORDER BY seq") if ids is None else self._where_in(f"{sql} WHERE id IN", ids)
        return {i: o or next(iter(json.loads(w)), "") for i, o, w in rows}

    def article_heads(self, ids: Sequence[str] | None = None) -> dict[str, tuple[str | None, str]]:
        """Article id -> (title, the first 200 characters of its text), in ingest order, without reading whole texts."""
        sql = f"SELECT id, title, substr(text, 1, {HEAD_CHARS}), seq FROM articles"
        rows = self._all(f"{sql} ORDER BY seq") if ids is None else self._where_in(f"{sql} WHERE id IN", ids)
        return {i: (t, h) for i, t, h, _ in sorted(rows, key=lambda r: int(r[3]))}

    def add_rejections(self, rejections: Iterable[Rejection]) -> None:
        with self.atomic():
            self._upsert(
                "rejections", ("source", "reason"), ("source", "reason"), ((r.source, r.reason) for r in rejections)
            )

    def rejections(self) -> list[Rejection]:
        return [Rejection(s, r) for s, r in self._all("SELECT source, reason FROM rejections ORDER BY source, reason")]

    def fetch_validators(self) -> dict[str, tuple[str | None, str | None]]:
        """URL -> (ETag, Last-Modified) of its last response, for conditional GET."""
        return {r[0]: (r[1], r[2]) for r in self._all("SELECT url, etag, last_modified FROM fetch_validators")}

    def set_fetch_validators(self, validators: dict[str, tuple[str | None, str | None]]) -> None:
        """Remember the validators of fetched URLs (replacing older ones for the same URL)."""
        now = _now()
        with self.atomic():
            self._upsert(
                "fetch_validators",
                ("url", "etag", "last_modified", "fetched"),
                ("url",),
                ((url, etag, modified, now) for url, (etag, modified) in validators.items()),
            )

    # dedupe ----------------------------------------------------------------------
    def set_duplicates(self, duplicates: Iterable[Duplicate]) -> None:
        with self.atomic():
            self._stale(*DERIVED_KINDS, "source_groups")
            self._replace(
                "duplicates",
                ("article", "duplicate_of", "kind", "similarity"),
                ("article",),
                ((d.article, d.duplicate_of, d.kind, d.similarity) for d in duplicates),
            )

    def duplicates(self, article_ids: Sequence[str] | None = None) -> list[Duplicate]:
        """The duplicate marks by article (all, or those where ``article`` or ``duplicate_of`` is one of the ids)."""
        cols = "SELECT article, duplicate_of, kind, similarity FROM duplicates"
        if article_ids is None:
            rows = self._all(f"{cols} ORDER BY article")
        else:
            with self._reading():
                rows = self._where_in(f"{cols} WHERE article IN", article_ids)
                rows += self._where_in(f"{cols} WHERE duplicate_of IN", article_ids)
            rows = sorted({r[0]: r for r in rows}.values(), key=lambda r: r[0])
        return [Duplicate(a, d, k, float(s)) for a, d, k, s in rows]

    def set_passages(self, passages: Iterable[Passage]) -> None:
        with self.atomic():
            self._stale(*DERIVED_KINDS, "source_groups")
            self._replace(
                "passages",
                ("id", "text", "origin_article", "origin_agency", "articles", "wire"),
                ("id",),
                ((p.id, p.text, p.origin_article, p.origin_agency, _dump(list(p.articles)), None) for p in passages),
            )

    def passage_links(self, article_ids: Sequence[str]) -> list[tuple[Passage, bool | None]]:
        """The passages any of the ids carries, without their text (``text`` is ""), each with its ``wire`` flag
        (None where no analyse has set it yet), by id: what counting independent sources needs."""
        with self._reading():
            ids = {r[0] for r in self._where_in("SELECT passage FROM passage_articles WHERE article IN", article_ids)}
            rows = self._where_in(
                "SELECT id, origin_article, origin_agency, articles, wire FROM passages WHERE id IN", ids
            )
        return [
            (Passage(i, "", tuple(json.loads(arts)), oa, ag), None if w is None else bool(w))
            for i, oa, ag, arts, w in sorted(rows, key=lambda r: r[0])
        ]

    def unflagged_passages(self) -> set[str]:
        """Ids of the passages whose ``wire`` flag is not set."""
        return {r[0] for r in self._all("SELECT id FROM passages WHERE wire IS NULL")}

    def set_passage_wire(self, flags: Mapping[str, bool]) -> None:
        """Set the ``wire`` flag of stored passages (passage id -> whether sharing it makes one source)."""
        with self.atomic():
            self._many("UPDATE passages SET wire = ? WHERE id = ?", ((int(w), i) for i, w in flags.items()))

    def passages(self, article_ids: Sequence[str] | None = None, *, wire_only: bool = False) -> list[Passage]:
        """The reused passages by id (all, or those any of the ids carries; ``wire_only``: those flagged wire copy)."""
        cols = "SELECT id, text, origin_article, origin_agency, articles FROM passages"
        flag = "wire = 1 AND " if wire_only else ""
        if article_ids is None:
            rows = self._all(f"{cols}{' WHERE wire = 1' if wire_only else ''} ORDER BY id")
        else:
            with self._reading():
                ids = {
                    r[0] for r in self._where_in("SELECT passage FROM passage_articles WHERE article IN", article_ids)
                }
                rows = sorted(self._where_in(f"{cols} WHERE {flag}id IN", ids), key=lambda r: r[0])
        return [Passage(i, t, tuple(json.loads(arts)), oa, ag) for i, t, oa, ag, arts in rows]

    # extraction ------------------------------------------------------------------
    _SPAN_KEY = ("article", "start_", "end_")
    _DATE_COLS = ("article", "start_", "end_", "text", "value", "granularity")
    _MENTION_COLS = ("article", "start_", "end_", "text", "type")
    _QUOTE_COLS = ("article", "start_", "end_", "text", "speaker", "speaker_entity", "cue", "via", "direct")

    def set_analyses(self, analyses: Iterable[Analysis]) -> None:
        """Store (replacing) what extraction found in each article; quotes keep ``speaker_entity`` as given."""
        with self.atomic():
            for an in analyses:
                self._upsert("analysed", ("article",), ("article",), [(an.article,)])
                tables = (
                    (
                        "date_mentions",
                        self._DATE_COLS,
                        [(d.article, d.start, d.end, d.text, d.value, d.granularity) for d in _unique_spans(an.dates)],
                    ),
                    (
                        "mentions",
                        self._MENTION_COLS,
                        [(m.article, m.start, m.end, m.text, m.type) for m in _unique_spans(an.mentions)],
                    ),
                    (
                        "quotes",
                        self._QUOTE_COLS,
                        [
                            (
                                q.article,
                                q.start,
                                q.end,
                                q.text,
                                q.speaker,
                                q.speaker_entity,
                                q.cue,
                                _dump(list(q.via)),
                                int(q.direct),
                            )
                            for q in _unique_spans(an.quotes)
                        ],
                    ),
                )
                for table, cols, rows in tables:
                    self._replace(table, cols, self._SPAN_KEY, rows, "article = ?", (an.article,))

    def set_quote_speakers(self, links: Iterable[tuple[str, int, int, str | None]]) -> None:
        """Set ``speaker_entity`` of stored quotes, each keyed (article, start, end)."""
        with self.atomic():
            self._many(
                "UPDATE quotes SET speaker_entity = ? WHERE article = ? AND start_ = ? AND end_ = ?",
                ((entity, article, start, end) for article, start, end, entity in links),
            )

    def analysed_ids(self) -> set[str]:
        return {r[0] for r in self._all("SELECT article FROM analysed")}

    def has_analyses(self) -> bool:
        return bool(self._all("SELECT 1 FROM analysed LIMIT 1"))

    _UNANALYSED = "NOT EXISTS (SELECT 1 FROM analysed n WHERE n.article = a.id)"

    def unanalysed_ids(self) -> list[str]:
        """Stored articles with no analysis yet, in ingest order: only those after the watermark are looked at (a
        range of ``articles_seq``), so an add of k articles to a store of N reads O(k log N) rows, not every id."""
        return self._after_watermark("analysed_watermark", self._UNANALYSED)

    def advance_analysed_watermark(self) -> None:
        """Move the watermark to the last article of the longest ingest-order prefix that is analysed whole."""
        self._advance_watermark("analysed_watermark", self._UNANALYSED)

    # ingest-order watermarks (the dedupe index's and the analysed articles'): one row, id 1, every article with
    # seq <= it is done; ``pending`` is the SQL condition on ``articles a`` of an article not done yet
    def _watermark_seq(self, table: str) -> int:
        rows = self._all(f"SELECT seq FROM {table} WHERE id = 1")
        return int(rows[0][0]) if rows else -1

    def _after_watermark(self, table: str, pending: str) -> list[str]:
        """The articles after ``table``'s watermark that are not done, in ingest order."""
        sql = f"SELECT a.id FROM articles a WHERE a.seq > ? AND {pending} ORDER BY a.seq"
        return [r[0] for r in self._all(sql, (self._watermark_seq(table),))]

    def _advance_watermark(self, table: str, pending: str) -> None:
        """Move ``table``'s watermark to the last article of the longest ingest-order prefix that is done whole."""
        with self.atomic():
            after = self._watermark_seq(table)
            gap = self._all(f"SELECT MIN(a.seq) FROM articles a WHERE a.seq > ? AND {pending}", (after,))
            if gap[0][0] is not None:
                top = int(gap[0][0]) - 1
            else:
                last = self._all("SELECT MAX(seq) FROM articles")[0][0]
                top = -1 if last is None else int(last)
            if top > after:
                self._exec(
                    f"INSERT INTO {table} (id, seq) VALUES (1, ?) ON CONFLICT (id) DO UPDATE SET seq = excluded.seq",
                    (top,),
                )

    def _by_article(self, cols: str, table: str, article_ids: Sequence[str] | None) -> list[tuple[Any, ...]]:
        """Rows (article, ..., start_, end_ last) of ``table`` by article and span, for all or some articles."""
        sql = f"SELECT {cols} FROM {table}"
        if article_ids is None:
            return self._all(f"{sql} ORDER BY article, start_, end_")
        return sorted(self._where_in(f"{sql} WHERE article IN", article_ids), key=lambda r: (r[0], r[-2], r[-1]))

    def date_mentions(self, article_ids: Sequence[str] | None = None) -> list[DateMention]:
        rows = self._by_article("article, text, value, granularity, start_, end_", "date_mentions", article_ids)
        return [DateMention(a, t, s, e, v, g) for a, t, v, g, s, e in rows]

    def mentions(self, article_ids: Sequence[str] | None = None) -> list[Mention]:
        rows = self._by_article("article, text, type, start_, end_", "mentions", article_ids)
        return [Mention(a, t, s, e, ty) for a, t, ty, s, e in rows]

    def quotes(self, article_ids: Sequence[str] | None = None) -> list[Quote]:
        rows = self._by_article(
            "article, speaker, cue, text, direct, via, speaker_entity, start_, end_", "quotes", article_ids
        )
        return [Quote(a, sp, cue, t, bool(d), s, e, tuple(json.loads(v)), se) for a, sp, cue, t, d, v, se, s, e in rows]

    def set_entities(self, entities: Iterable[Entity]) -> None:
        """Replace the merged entities; only rows that changed are written (an ingest changes a few of many)."""
        with self.atomic():
            self._replace(
                "entities",
                ("id", "name", "type", "aliases", "articles"),
                ("id",),
                ((e.id, e.name, e.type, _dump(list(e.aliases)), _dump(list(e.articles))) for e in entities),
            )

    def entities(self, ids: Sequence[str] | None = None) -> list[Entity]:
        """Merged entities by id (all, or those with the given ids)."""
        cols = "SELECT id, name, type, aliases, articles FROM entities"
        if ids is None:
            rows = self._all(f"{cols} ORDER BY id")
        else:
            rows = sorted(self._where_in(f"{cols} WHERE id IN", ids), key=lambda r: r[0])
        return [Entity(i, n, t, tuple(json.loads(al)), tuple(json.loads(ar))) for i, n, t, al, ar in rows]

    def entities_named(self, names: Sequence[str]) -> list[Entity]:
        """Merged entities whose name or an alias is one of ``names`` (exactly as written), by id."""
        ids = [r[0] for r in self._where_in("SELECT DISTINCT entity FROM entity_names WHERE name IN", names)]
        return self.entities(sorted(set(ids))) if ids else []

    # clustering ------------------------------------------------------------------
    def set_clusters(self, events: Iterable[Event], stories: Iterable[Story]) -> None:
        events = list(events)
        with self.atomic():
            self._stale(*DERIVED_KINDS)
            self._replace(
                "stories", ("id", "title", "seq"), ("id",), ((s.id, s.title, i) for i, s in enumerate(stories))
            )
            self._replace(
                "events",
                ("id", "story", "date", "title", "seq"),
                ("id",),
                ((e.id, e.story, e.date, e.title, i) for i, e in enumerate(events)),
            )
            self._replace(
                "event_articles",
                ("article", "event", "seq"),
                ("article",),
                ((a, e.id, i) for e in events for i, a in enumerate(e.articles)),
            )
            # a saved clusterer state describes the clusters it was saved with: new clusters without one invalidate it
            self._exec("DELETE FROM cluster_state")
            self._exec("DELETE FROM cluster_rows")

    _EVENT_COLS = "SELECT id, story, date, title, seq FROM events"

    def _with_members(self, rows: Sequence[tuple[Any, ...]], every: bool) -> list[Event]:
        """Events of ``rows`` (id, story, date, title, seq) in cluster order with their articles (``every``: all events)."""
        if every:
            pairs = self._all("SELECT article, event, seq FROM event_articles")
        else:
            pairs = self._where_in(
                "SELECT article, event, seq FROM event_articles WHERE event IN", [r[0] for r in rows]
            )
        members: dict[str, list[str]] = {}
        for article, event, _ in sorted(pairs, key=lambda p: (p[1], int(p[2]))):
            members.setdefault(event, []).append(article)
        return [Event(i, s, d, t, tuple(members.get(i, ()))) for i, s, d, t, _ in sorted(rows, key=lambda r: int(r[4]))]

    def events(self, ids: Sequence[str] | None = None, *, story: str | None = None) -> list[Event]:
        """Events in cluster order (all, those with the given ids, and/or those of ``story``), with their articles."""
        with self._reading():
            if ids is None:
                where, args = (" WHERE story = ?", (story,)) if story is not None else ("", ())
                rows = self._all(f"{self._EVENT_COLS}{where}", args)
            else:
                rows = [r for r in self._where_in(f"{self._EVENT_COLS} WHERE id IN", ids) if story in (None, r[1])]
            return self._with_members(rows, every=ids is None and story is None)

    def stories(self, ids: Sequence[str] | None = None, *, offset: int = 0, limit: int | None = None) -> list[Story]:
        """Stories in cluster order (all, or those with the given ids), a page at a time, with their events and articles."""
        page, page_args = self._page(offset, limit)
        with self._reading():
            if ids is None:
                rows = self._all(f"SELECT id, title, seq FROM stories ORDER BY seq{page}", page_args)
            else:
                end = None if limit is None else offset + limit
                rows = sorted(
                    self._where_in("SELECT id, title, seq FROM stories WHERE id IN", ids), key=lambda r: int(r[2])
                )
                rows = rows[offset:end]
            if ids is None and not page:
                events = self._with_members(self._all(self._EVENT_COLS), every=True)
            else:
                found = self._where_in(f"{self._EVENT_COLS} WHERE story IN", [r[0] for r in rows])
                events = self._with_members(found, every=False)
        by_story: dict[str, list[Event]] = {}
        for e in events:
            by_story.setdefault(e.story, []).append(e)
        out = []
        for sid, title, _ in rows:
            evs = by_story.get(sid, [])
            out.append(Story(sid, title, tuple(e.id for e in evs), tuple(a for e in evs for a in e.articles)))
        return out

    def story_spans(self) -> list[tuple[str, str | None, str | None, int, int]]:
        """(story, first event date, last event date, events, articles) of every story, in cluster order, from two
        aggregates: what a list sorts and filters on, without reading the members."""
        with self._reading():
            stories = self._all("SELECT id FROM stories ORDER BY seq")
            spans = {
                r[0]: r[1:]
                for r in self._all("SELECT story, MIN(date), MAX(date), COUNT(*) FROM events GROUP BY story")
            }
            sizes = dict(
                self._all(
                    "SELECT e.story, COUNT(*) FROM event_articles ea JOIN events e ON e.id = ea.event GROUP BY e.story"
                )
            )
        return [(sid, *spans.get(sid, (None, None, 0)), int(sizes.get(sid, 0))) for (sid,) in stories]

    def clustered_count(self) -> int:
        """How many articles belong to an event."""
        return int(self._all("SELECT COUNT(*) FROM event_articles")[0][0])

    def add_changes(self, changes: Iterable[Change]) -> None:
        with self.atomic():
            seq = int(self._all("SELECT COALESCE(MAX(seq) + 1, 0) FROM cluster_changes")[0][0])
            at = _now()
            self._many(
                "INSERT INTO cluster_changes (seq, at, kind, subject, source, target, source_story, target_story, reason)"
                " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (
                    (seq + i, at, c.kind, c.subject, c.source, c.target, c.source_story, c.target_story, c.reason)
                    for i, c in enumerate(changes)
                ),
            )

    def changes(self, cluster: str | None = None) -> list[tuple[str, Change]]:
        sql = "SELECT at, kind, subject, source, target, source_story, target_story, reason FROM cluster_changes"
        args: tuple[str, ...] = ()
        if cluster is not None:
            sql += " WHERE subject = ? OR source = ? OR target = ? OR source_story = ? OR target_story = ?"
            args = (cluster,) * 5
        return [(row[0], Change(*row[1:])) for row in self._all(sql + " ORDER BY seq", args)]

    def cluster_state(self) -> tuple[int, str, bytes] | None:
        rows = self._all("SELECT version, options, state FROM cluster_state WHERE id = 1")
        if not rows:
            return None
        version, options, state = rows[0]
        try:
            blob = base64.b64decode(state, validate=True)
        except (ValueError, TypeError):
            blob = b""  # damaged text: the caller sees a blob it cannot load and falls back
        return int(version), str(options), blob

    def set_cluster_state(self, state: tuple[int, str, bytes] | None) -> None:
        with self.atomic():
            self._exec("DELETE FROM cluster_rows")  # one saved state at a time: a blob (or none) replaces the rows
            if state is None:
                self._exec("DELETE FROM cluster_state")
                return
            version, options, blob = state
            self._upsert(
                "cluster_state",
                ("id", "version", "options", "state", "saved"),
                ("id",),
                [(1, version, options, base64.b64encode(blob).decode("ascii"), _now())],
            )

    # the clusterer's state as rows (cluster/state.py) -----------------------------
    def cluster_rows(self, kind: str, keys: Sequence[str]) -> dict[str, tuple[int, str]]:
        """key -> (seq, body) of the stored state rows of ``kind`` among ``keys``; kind "member": article -> event;
        kind "event-story": event -> story."""
        if kind == "member":
            return {
                a: (0, e) for a, e in self._where_in("SELECT article, event FROM event_articles WHERE article IN", keys)
            }
        if kind == "event-story":
            return {e: (0, s) for e, s in self._where_in("SELECT id, story FROM events WHERE id IN", keys)}
        if kind not in _STATE_KINDS:
            raise ValueError(f"no cluster state rows of kind {kind!r}")
        rows = self._where_in(f"SELECT key, seq, body FROM cluster_rows WHERE kind = '{kind}' AND key IN", keys)
        return {k: (int(q), b) for k, q, b in rows}

    def cluster_window(self) -> list[str]:
        """Keys of the ``seen`` rows (the re-clustering window), oldest first."""
        return [r[0] for r in self._all("SELECT key FROM cluster_rows WHERE kind = 'seen' ORDER BY seq")]

    def cluster_meta(self) -> str | None:
        """The body of the state's meta row, or None when the state is not stored as rows."""
        rows = self._all("SELECT body FROM cluster_rows WHERE kind = 'meta' AND key = ''")
        return str(rows[0][0]) if rows else None

    def unclustered_ids(self, after: int = -1) -> list[tuple[int, str]]:
        """(seq, id) of the articles after ingest number ``after`` that belong to no event, in ingest order."""
        return [
            (int(q), i)
            for q, i in self._all(
                "SELECT a.seq, a.id FROM articles a WHERE a.seq > ? "
                "AND NOT EXISTS (SELECT 1 FROM event_articles ea WHERE ea.article = a.id) ORDER BY a.seq",
                (after,),
            )
        ]

    def event_heads(self, ids: Sequence[str]) -> dict[str, tuple[int, str]]:
        """Event id -> (its number of articles, its first article) of the stored events among ``ids``."""
        rows = self._where_in("SELECT event, seq, article FROM event_articles WHERE event IN", ids)
        out: dict[str, tuple[int, str]] = {}
        for event, seq, article in rows:
            n, first = out.get(event, (0, ""))
            out[event] = (n + 1, article if int(seq) == 0 else first)
        return out

    def write_cluster_state(
        self,
        upserts: Iterable[tuple[str, str, int, str]],
        deletes: Iterable[tuple[str, str]],
        meta: str,
        *,
        full: bool = False,
    ) -> None:
        """Write state rows (kind, key, seq, body), delete (kind, key) ones, and the meta row; ``full``: the rows
        given are all of them (the stored ones go first). The older blob goes: the rows replace it."""
        with self.atomic():
            if full:
                self._exec("DELETE FROM cluster_rows")
            self._delete_keys("cluster_rows", ("kind", "key"), deletes)
            self._upsert("cluster_rows", ("kind", "key", "seq", "body"), ("kind", "key"), upserts)
            self._upsert("cluster_rows", ("kind", "key", "seq", "body"), ("kind", "key"), [("meta", "", 0, meta)])
            self._exec("DELETE FROM cluster_state")

    def write_clusters(
        self,
        events: Sequence[tuple[int, Event]],
        stories: Sequence[tuple[int, str, str]],
        dropped_events: Iterable[str],
        dropped_stories: Iterable[str],
        *,
        full: bool = False,
    ) -> None:
        """Write the readable rows of changed events ((cluster order, event) with all its articles) and stories
        ((cluster order, id, title)); drop those of ``dropped_*``; ``full``: the given ones are all of them."""
        events = list(events)
        with self.atomic():
            self._stale(*DERIVED_KINDS)
            if full:
                for table in ("event_articles", "events", "stories"):
                    self._exec(f"DELETE FROM {table}")
            gone = list(dropped_events)
            self._delete_keys("event_articles", ("event",), ((e,) for e in [*gone, *(ev.id for _, ev in events)]))
            self._delete_keys("events", ("id",), ((e,) for e in gone))
            self._delete_keys("stories", ("id",), ((s,) for s in dropped_stories))
            self._upsert("stories", ("id", "title", "seq"), ("id",), ((sid, title, seq) for seq, sid, title in stories))
            self._upsert(
                "events",
                ("id", "story", "date", "title", "seq"),
                ("id",),
                ((e.id, e.story, e.date, e.title, seq) for seq, e in events),
            )
            self._upsert(
                "event_articles",
                ("article", "event", "seq"),
                ("article",),
                ((a, e.id, i) for _, e in events for i, a in enumerate(e.articles)),
            )

    # comparisons -----------------------------------------------------------------
    def set_comparisons(self, items: Iterable[tuple[str, str, dict[str, Any]]]) -> None:
        """Store (replacing) each event's comparison: (event id, digest of its inputs, the comparison as a JSON-ready dict)."""
        with self.atomic():
            self._stale("comparisons")
            self._upsert(
                "comparisons",
                ("event", "digest", "body"),
                ("event",),
                ((event, digest, dump_comparison(body)) for event, digest, body in items),
            )

    def comparison_digests(self, event_ids: Sequence[str] | None = None) -> dict[str, str]:
        """Event -> digest of the inputs its stored comparison was computed from (all, or those of ``event_ids``)."""
        if event_ids is not None:
            return {e: d for e, d in self._where_in("SELECT event, digest FROM comparisons WHERE event IN", event_ids)}
        return {e: d for e, d in self._all("SELECT event, digest FROM comparisons")}

    def comparisons(self, event_ids: Sequence[str] | None = None) -> dict[str, dict[str, Any]]:
        """Event -> its stored comparison: in the order of ``event_ids`` when given (those stored), else in the
        events' cluster order (comparisons of events no longer stored last, by id)."""
        if event_ids is not None:
            found = {e: b for e, b in self._where_in("SELECT event, body FROM comparisons WHERE event IN", event_ids)}
            return {e: json.loads(found[e]) for e in dict.fromkeys(event_ids) if e in found}
        rows = self._all(
            "SELECT c.event, c.body FROM comparisons c LEFT JOIN events e ON e.id = c.event "
            "ORDER BY (e.seq IS NULL), e.seq, c.event"
        )
        return {e: json.loads(b) for e, b in rows}

    def drop_comparisons(self, event_ids: Iterable[str]) -> None:
        """Forget the stored comparisons of ``event_ids``."""
        with self.atomic():
            self._stale("comparisons")
            self._delete_keys("comparisons", ("event",), ((e,) for e in dict.fromkeys(event_ids)))

    # timelines -------------------------------------------------------------------
    def set_timeline(
        self,
        story: str,
        entries: Iterable[TimelineEntry],
        digest: str | None = None,
        sources: int | None = None,
        days: Mapping[str, Any] | None = None,
    ) -> None:
        with self.atomic():
            self._stale("timelines")
            if digest is None:
                self._exec("DELETE FROM timeline_digests WHERE story = ?", (story,))
            else:
                self._upsert(
                    "timeline_digests",
                    ("story", "digest", "sources", "days"),
                    ("story",),
                    [(story, digest, sources, None if days is None else _dump(dict(days)))],
                )
            self._replace(
                "timeline_entries",
                ("story", "rank", "date", "summary", "citations", "sources", "event", "background"),
                ("story", "rank"),
                (
                    (
                        story,
                        i,
                        e.date,
                        e.summary,
                        _dump([c.as_dict() for c in e.citations]),
                        e.sources,
                        e.event,
                        int(e.background),
                    )
                    for i, e in enumerate(entries)
                ),
                "story = ?",
                (story,),
            )

    def story_sources(self, ids: Sequence[str] | None = None) -> dict[str, int | None]:
        """Story -> its independent sources as stored with its timeline (None: not counted yet)."""
        sql = "SELECT story, sources FROM timeline_digests"
        rows = self._all(sql) if ids is None else self._where_in(f"{sql} WHERE story IN", ids)
        return {s: None if n is None else int(n) for s, n in rows}

    def set_story_sources(self, sources: Mapping[str, int]) -> None:
        """Set the independent sources of stories whose timeline is stored."""
        with self.atomic():
            self._stale("timelines")
            self._many("UPDATE timeline_digests SET sources = ? WHERE story = ?", ((n, s) for s, n in sources.items()))

    def timeline_digests(self, ids: Sequence[str] | None = None) -> dict[str, str]:
        if ids is not None:
            return {s: d for s, d in self._where_in("SELECT story, digest FROM timeline_digests WHERE story IN", ids)}
        return {s: d for s, d in self._all("SELECT story, digest FROM timeline_digests")}

    def timeline_shapes(self, ids: Sequence[str]) -> dict[str, str]:
        rows = self._where_in("SELECT story, shape FROM timeline_digests WHERE story IN", ids)
        return {s: h for s, h in rows if h}

    def set_timeline_shapes(self, shapes: Mapping[str, str]) -> None:
        with self.atomic():
            self._many("UPDATE timeline_digests SET shape = ? WHERE story = ?", ((h, s) for s, h in shapes.items()))

    def timeline_days(self, ids: Sequence[str]) -> dict[str, dict[str, Any]]:
        out = {}
        for story, raw in self._where_in("SELECT story, days FROM timeline_digests WHERE story IN", ids):
            try:
                state = json.loads(raw) if raw else None
            except ValueError:
                continue  # damaged: as if none were kept (the next update builds the chronology whole)
            if isinstance(state, dict):
                out[story] = state
        return out

    def article_dates(self, ids: Sequence[str]) -> dict[str, str | None]:
        return {a: p for a, p in self._where_in(f"SELECT id, published FROM {self._dates_from} WHERE id IN", ids)}

    def timeline_sentences(self, ids: Sequence[str], key: str) -> dict[str, bytes]:
        rows = self._where_in("SELECT article, key, data FROM timeline_sentences WHERE article IN", ids)
        return {a: bytes(d) for a, k, d in rows if k == key}

    def set_timeline_sentences(self, rows: Mapping[str, bytes], key: str) -> None:
        with self.atomic():
            self._upsert(
                "timeline_sentences", ("article", "key", "data"), ("article",), [(a, key, d) for a, d in rows.items()]
            )

    def timeline_stories(self) -> set[str]:
        with self._reading():
            return {r[0] for r in self._all("SELECT DISTINCT story FROM timeline_entries")} | set(
                self.timeline_digests()
            )

    def drop_timelines(self, stories: Iterable[str]) -> None:
        with self.atomic():
            self._stale("timelines")
            for chunk in self._chunks(dict.fromkeys(stories)):
                marks = ", ".join("?" * len(chunk))
                self._exec(f"DELETE FROM timeline_entries WHERE story IN ({marks})", chunk)
                self._exec(f"DELETE FROM timeline_digests WHERE story IN ({marks})", chunk)

    # what derived rows were built with ------------------------------------------------------------------------
    def derived_key(self, name: str) -> str | None:
        """The key of the code and options the stored rows of ``name`` ("timelines", "comparisons") were last all
        checked against, or None (unknown: some write since, or never)."""
        rows = self._all("SELECT value FROM derived_keys WHERE name = ?", (name,))
        return str(rows[0][0]) if rows else None

    def set_derived_key(self, name: str, value: str) -> None:
        """Record that every stored row of ``name`` is now up to date for ``value`` (in the transaction writing them)."""
        with self.atomic():
            self._upsert("derived_keys", ("name", "value"), ("name",), [(name, value)])

    def _stale(self, *names: str) -> None:
        """Forget the keys of ``names``: their rows or inputs were just written, the next analyse checks them all."""
        self._exec(f"DELETE FROM derived_keys WHERE name IN ({', '.join('?' * len(names))})", names)

    def wire_links(self, article_ids: Sequence[str] | None) -> list[tuple[str, tuple[str, ...]]]:
        """(id, carriers) of the passages flagged wire copy (all, or those any of the ids carries), by id, without
        their text."""
        if article_ids is None:
            rows = self._all("SELECT id, articles FROM passages WHERE wire = 1")
        else:
            rows = self._where_in(
                "SELECT p.id, p.articles FROM passage_articles pa JOIN passages p ON p.id = pa.passage "
                "WHERE p.wire = 1 AND pa.article IN",
                article_ids,
            )
        return [(i, tuple(json.loads(a))) for i, a in sorted(dict(rows).items())]

    def wire_flags(self, passage_ids: Iterable[str]) -> dict[str, bool | None]:
        """Passage id -> its ``wire`` flag (None: not set yet), for the stored ones among the ids."""
        rows = self._where_in("SELECT id, wire FROM passages WHERE id IN", passage_ids)
        return {i: None if w is None else bool(w) for i, w in rows}

    # groups of one source (pipeline.sources) ------------------------------------------------------------------
    def source_groups(self, article_ids: Sequence[str] | None = None) -> dict[str, int]:
        """Article -> its group number, for the articles (all, or those among the ids) folded with another."""
        if article_ids is None:
            rows = self._all("SELECT article, grp FROM source_groups")
        else:
            rows = self._where_in("SELECT article, grp FROM source_groups WHERE article IN", article_ids)
        return {a: int(g) for a, g in rows}

    def source_group_members(self, groups: Iterable[int]) -> dict[str, int]:
        """Article -> group number, for every member of the groups given."""
        return {a: int(g) for a, g in self._where_in("SELECT article, grp FROM source_groups WHERE grp IN", groups)}

    def source_group_sizes(self, groups: Iterable[int]) -> dict[int, int]:
        """Group number -> its number of members, for the groups given."""
        out: dict[int, int] = {}
        for part in self._chunks(dict.fromkeys(groups)):
            marks = ", ".join("?" * len(part))
            rows = self._all(f"SELECT grp, COUNT(*) FROM source_groups WHERE grp IN ({marks}) GROUP BY grp", part)
            out.update((int(g), int(n)) for g, n in rows)
        return out

    def new_source_group(self) -> int:
        """A group number no stored group has (the next ones are free too)."""
        top = self._all("SELECT MAX(grp) FROM source_groups")[0][0]
        return 1 if top is None else int(top) + 1

    def set_source_groups(self, labels: Mapping[str, int | None]) -> None:
        """Set each article's group number (None: in no group any more)."""
        with self.atomic():
            self._delete_in("source_groups", "article", [a for a, g in labels.items() if g is None])
            self._upsert(
                "source_groups", ("article", "grp"), ("article",), [(a, g) for a, g in labels.items() if g is not None]
            )

    def reset_source_groups(self, labels: Mapping[str, int]) -> None:
        """Make the stored groups exactly ``labels`` (article -> group number)."""
        with self.atomic():
            self._exec("DELETE FROM source_groups")
            self._many("INSERT INTO source_groups (article, grp) VALUES (?, ?)", labels.items())

    def clusters_of(self, article_ids: Sequence[str]) -> dict[str, tuple[str, str]]:
        """Article -> (its event, that event's story), for the clustered articles among ``article_ids``."""
        rows = self._where_in(
            "SELECT ea.article, ea.event, e.story FROM event_articles ea JOIN events e ON e.id = ea.event "
            "WHERE ea.article IN",
            article_ids,
        )
        return {a: (e, st) for a, e, st in rows}

    def timeline(self, story: str) -> list[TimelineEntry]:
        rows = self._all(
            "SELECT date, summary, citations, sources, event, background FROM timeline_entries WHERE story = ? "
            "ORDER BY rank",
            (story,),
        )
        return [
            TimelineEntry(story, d, s, tuple(Citation(**c) for c in json.loads(cs)), int(n), ev, bool(bg))
            for d, s, cs, n, ev, bg in rows
        ]


def _unique_spans(items: Iterable[Any]) -> list[Any]:
    seen: set[tuple[int, int]] = set()
    out = []
    for it in items:
        key = (it.start, it.end)
        if key not in seen:
            seen.add(key)
            out.append(it)
    return out


def _article(row: Sequence[Any]) -> Article:
    (
        id_,
        source,
        url,
        title,
        published,
        published_from,
        updated,
        outlet,
        author,
        wire,
        cited,
        dateline,
        language,
        content_hash,
        text,
    ) = row
    return Article(
        id=id_,
        source=source,
        url=url,
        title=title,
        published=published,
        published_from=published_from,
        updated=updated,
        outlet=outlet,
        author=author,
        wire_agencies=tuple(json.loads(wire)),
        cited_agencies=tuple(json.loads(cited)),
        dateline=Dateline(**json.loads(dateline)) if dateline else None,
        language=language,
        content_hash=content_hash,
        text=text,
    )


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


SEARCH_KINDS = ("article", "quote", "entity")


def query_terms(query: str) -> list[list[str]]:
    """The words and ``"quoted phrases"`` of a search query, each as a list of words (a phrase has several).

    Punctuation is dropped, so a hyphenated name ("Kim Jong-un") is the phrase of its parts, which is also how
    the index splits it. Raises ``BadQuery`` when nothing searchable is left.
    """
    terms: list[list[str]] = []
    for phrase, word in re.findall(r'"([^"]*)"|(\S+)', query):
        parts = re.findall(r"\w+", phrase or word)
        if parts:
            terms.append(parts)
    if not terms:
        raise BadQuery(f'search query {query!r} has no words to search for; give a word or a "phrase"')
    return terms


def check_kinds(kinds: Sequence[str]) -> None:
    unknown = set(kinds) - set(SEARCH_KINDS)
    if unknown:
        raise BadQuery(f"unknown search kind {sorted(unknown)[0]!r}; choose from {', '.join(SEARCH_KINDS)}")


def entity_line(type_: str, aliases: Sequence[str], n_articles: int) -> str:
    """How a search hit describes an entity: ``PERSON, 3 articles; also Kim Jong-un, Kim``."""
    also = f"; also {', '.join(aliases)}" if aliases else ""
    return f"{type_}, {n_articles} article{'s' if n_articles != 1 else ''}{also}"
