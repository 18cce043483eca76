"""Store logic shared by the SQL backends, written against DB-API 2.

A backend supplies a connection, its parameter placeholder and its transaction handling;
everything else (record <-> row mapping, migrations, replace semantics) lives here once.
"""

from __future__ import annotations

import base64
import itertools
import json
import re
import threading
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from datetime import datetime, timezone
from typing import Any

import numpy as np

from storyline.records import Change
from storyline.records import (
    Analysis,
    Article,
    Citation,
    DateMention,
    Dateline,
    DedupeDelta,
    Duplicate,
    Entity,
    Event,
    Mention,
    Passage,
    SpanRow,
    Quote,
    Rejection,
    Story,
    TimelineEntry,
)
from storyline.errors import BadQuery
from storyline.store.migrations import MIGRATIONS

_TABLES = {
    "articles", "rejections", "duplicates", "passages", "analysed", "date_mentions", "mentions",
    "quotes", "entities", "stories", "events", "event_articles", "audit", "timeline_entries",
    "fetch_validators", "dedupe_keys", "dedupe_groups", "dedupe_spans", "dedupe_span_producers",
    "dedupe_span_carriers", "cluster_changes", "cluster_state", "timeline_digests",
}


def _dump(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, sort_keys=True)


class SQLStore:
    """Common implementation; subclasses set ``conn``, ``param`` and ``atomic``."""

    url: str
    param = "?"
    # migrations only this backend runs (its own full-text index), numbered from 101 so they never meet the shared ones
    backend_migrations: list[tuple[int, str, list[str]]] = []
    conn: Any
    _depth: int
    _lock: threading.RLock

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
            cur = self.conn.cursor()
            cur.executemany(self._q(sql), rows)

    def _all(self, sql: str, args: Sequence[Any] = ()) -> list[tuple[Any, ...]]:
        return list(self._exec(sql, args).fetchall())

    def _where_in(self, sql: str, values: Iterable[Any]) -> list[tuple[Any, ...]]:
        """Rows of ``sql`` (ending in ``... IN``) for every value, asked in chunks that stay under parameter limits."""
        rows: list[tuple[Any, ...]] = []
        for part in self._chunks(dict.fromkeys(values)):
            rows += self._all(f"{sql} ({', '.join('?' * len(part))})", part)
        return rows

    @contextmanager
    def atomic(self) -> Iterator[None]:
        """A transaction; nested calls use savepoints so an inner failure undoes only itself."""
        with self._lock:
            self._depth += 1
            name = f"sp{self._depth}"
            try:
                if self._depth == 1:
                    self._begin()
                else:
                    self._exec(f"SAVEPOINT {name}")
                yield
            except BaseException:
                if self._depth == 1:
                    self.conn.rollback()
                else:
                    self._exec(f"ROLLBACK TO SAVEPOINT {name}")
                    self._exec(f"RELEASE SAVEPOINT {name}")
                raise
            else:
                if self._depth == 1:
                    self.conn.commit()
                else:
                    self._exec(f"RELEASE SAVEPOINT {name}")
            finally:
                self._depth -= 1

    def _begin(self) -> None:
        """Start a transaction (backends whose driver does it implicitly do nothing)."""

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

    def close(self) -> None:
        self.conn.close()

    def count(self, table: str) -> int:
        if table not in _TABLES:
            raise ValueError(f"unknown table {table!r}; one of {sorted(_TABLES)}")
        return int(self._all(f"SELECT COUNT(*) FROM {table}")[0][0])

    # articles --------------------------------------------------------------------
    _ARTICLE_COLS = (
        "id, source, url, title, published, published_from, updated, outlet, author, wire, cited, "
        "dateline, language, content_hash, text"
    )

    def add_articles(self, articles: Iterable[Article]) -> list[str]:
        with self.atomic():
            known = set(self.article_ids())
            seq = self.count("articles")
            new: list[str] = []
            rows = []
            for a in articles:
                if a.id in known:
                    continue
                known.add(a.id)
                new.append(a.id)
                rows.append(
                    (
                        a.id, seq, a.source, a.url, a.title, a.published, a.published_from, a.updated,
                        a.outlet, a.author, _dump(list(a.wire_agencies)), _dump(list(a.cited_agencies)),
                        _dump(a.dateline.as_dict()) if a.dateline else None, a.language, a.content_hash, a.text,
                    )
                )
                seq += 1
            self._many(
                "INSERT INTO articles (id, seq, source, url, title, published, published_from, updated, outlet, "
                "author, wire, cited, dateline, language, content_hash, text) "
                "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                rows,
            )
        return new

    def articles(self, ids: Sequence[str] | None = None) -> list[Article]:
        if ids is None:
            return [_article(r) for r in self._all(f"SELECT {self._ARTICLE_COLS} FROM articles ORDER BY seq")]
        rows = self._where_in(f"SELECT seq, {self._ARTICLE_COLS} FROM articles WHERE id IN", ids)
        return [_article(r[1:]) for r in sorted(rows, key=lambda r: int(r[0]))]

    def article_ids(self) -> list[str]:
        return [r[0] for r in self._all("SELECT id FROM articles ORDER BY seq")]

    def add_rejections(self, rejections: Iterable[Rejection]) -> None:
        with self.atomic():
            for r in rejections:
                self._exec("DELETE FROM rejections WHERE source = ? AND reason = ?", (r.source, r.reason))
                self._exec("INSERT INTO rejections (source, reason) VALUES (?, ?)", (r.source, r.reason))

    def rejections(self) -> list[Rejection]:
        return [Rejection(s, r) for s, r in self._all("SELECT source, reason FROM rejections ORDER BY source")]

    def fetch_validators(self) -> dict[str, tuple[str | None, str | None]]:
        """URL -> (ETag, Last-Modified) of its last response, for conditional GET."""
        return {r[0]: (r[1], r[2]) for r in self._all("SELECT url, etag, last_modified FROM fetch_validators")}

    def set_fetch_validators(self, validators: dict[str, tuple[str | None, str | None]]) -> None:
        """Remember the validators of fetched URLs (replacing older ones for the same URL)."""
        with self.atomic():
            for url, (etag, modified) in validators.items():
                self._exec("DELETE FROM fetch_validators WHERE url = ?", (url,))
                self._exec(
                    "INSERT INTO fetch_validators (url, etag, last_modified, fetched) VALUES (?, ?, ?, ?)",
                    (url, etag, modified, _now()),
                )

    # dedupe ----------------------------------------------------------------------
    def set_duplicates(self, duplicates: Iterable[Duplicate]) -> None:
        with self.atomic():
            self._exec("DELETE FROM duplicates")
            self._many(
                "INSERT INTO duplicates (article, duplicate_of, kind, similarity) VALUES (?, ?, ?, ?)",
                ((d.article, d.duplicate_of, d.kind, d.similarity) for d in duplicates),
            )

    def duplicates(self) -> list[Duplicate]:
        rows = self._all("SELECT article, duplicate_of, kind, similarity FROM duplicates ORDER BY article")
        return [Duplicate(a, d, k, float(s)) for a, d, k, s in rows]

    def set_passages(self, passages: Iterable[Passage]) -> None:
        with self.atomic():
            self._exec("DELETE FROM passages")
            self._many(
                "INSERT INTO passages (id, text, origin_article, origin_agency, articles) VALUES (?, ?, ?, ?, ?)",
                ((p.id, p.text, p.origin_article, p.origin_agency, _dump(list(p.articles))) for p in passages),
            )

    def passages(self) -> list[Passage]:
        rows = self._all("SELECT id, text, origin_article, origin_agency, articles FROM passages ORDER BY id")
        return [Passage(i, t, tuple(json.loads(arts)), oa, ag) for i, t, oa, ag, arts in rows]

    # dedupe index ----------------------------------------------------------------
    _CHUNK = 500  # parameters per IN (...) list; well under every driver's limit

    def _chunks(self, values: Iterable[Any]) -> Iterator[list[Any]]:
        items = list(values)
        for i in range(0, len(items), self._CHUNK):
            yield items[i : i + self._CHUNK]

    def _in(self, sql: str, values: Iterable[Any]) -> Iterator[tuple[Any, ...]]:
        """Rows of ``sql`` (with one ``{marks}`` placeholder list) for ``values``, a chunk at a time."""
        for chunk in self._chunks(set(values)):
            yield from self._all(sql.format(marks=", ".join("?" * len(chunk))), chunk)

    def dedupe_indexed(self) -> int:
        return int(self._all("SELECT COUNT(*) FROM dedupe_groups")[0][0])

    def dedupe_groups(self, article_ids: Iterable[str] | None = None) -> dict[str, str]:
        if article_ids is None:
            return {a: g for a, g in self._all("SELECT article, grp FROM dedupe_groups")}
        return {a: g for a, g in self._in("SELECT article, grp FROM dedupe_groups WHERE article IN ({marks})", article_ids)}

    def dedupe_group_members(self, groups: Iterable[str]) -> dict[str, str]:
        return {a: g for a, g in self._in("SELECT article, grp FROM dedupe_groups WHERE grp IN ({marks})", groups)}

    _KEY_ARTICLES = (
        "SELECT k.key, g.article FROM dedupe_keys k JOIN dedupe_groups g ON g.doc = k.doc WHERE k.key IN ({marks})"
    )

    def dedupe_articles_with_keys(self, keys: Iterable[int]) -> set[str]:
        return {a for _, a in self._in(self._KEY_ARTICLES, keys)}

    def dedupe_key_carriers(self, keys: Iterable[int]) -> list[tuple[int, str]]:
        return [(int(k), a) for k, a in self._in(self._KEY_ARTICLES, keys)]

    def article_dates(self, ids: Iterable[str]) -> dict[str, tuple[str | None, str | None]]:
        return {a: (p, o) for a, p, o in self._in("SELECT id, published, outlet FROM articles WHERE id IN ({marks})", ids)}

    def dedupe_spans(self, ids: Iterable[str]) -> dict[str, SpanRow]:
        return self._span_rows(r[0] for r in self._in("SELECT id FROM dedupe_spans WHERE id IN ({marks})", ids))

    def dedupe_spans_anchored(self, anchors: Iterable[int]) -> dict[str, SpanRow]:
        return self._span_rows(r[0] for r in self._in("SELECT id FROM dedupe_spans WHERE anchor IN ({marks})", anchors))

    def dedupe_spans_produced_by(self, articles: Iterable[str]) -> dict[str, set[str]]:
        spans = {r[0] for r in self._in("SELECT span FROM dedupe_span_producers WHERE article IN ({marks})", articles)}
        out: dict[str, set[str]] = {sp: set() for sp in spans}
        for sp, a in self._in("SELECT span, article FROM dedupe_span_producers WHERE span IN ({marks})", spans):
            out[sp].add(a)
        return out

    def dedupe_spans_carried_by(self, articles: Iterable[str]) -> dict[str, SpanRow]:
        return self._span_rows(
            r[0] for r in self._in("SELECT DISTINCT span FROM dedupe_span_carriers WHERE article IN ({marks})", articles)
        )

    def _span_rows(self, ids: Iterable[str]) -> dict[str, SpanRow]:
        wanted = set(ids)
        carriers: dict[str, list[tuple[str, int]]] = {sp: [] for sp in wanted}
        for sp, a, pos in self._in("SELECT span, article, pos FROM dedupe_span_carriers WHERE span IN ({marks})", wanted):
            carriers[sp].append((a, int(pos)))
        return {
            i: SpanRow(i, int(anchor), tokens, tuple(sorted(carriers[i])))
            for i, anchor, tokens in self._in("SELECT id, anchor, tokens FROM dedupe_spans WHERE id IN ({marks})", wanted)
        }

    def passage_ids(self, ids: Iterable[str]) -> set[str]:
        return {r[0] for r in self._in("SELECT id FROM passages WHERE id IN ({marks})", ids)}

    def _delete_in(self, table: str, column: str, values: Iterable[Any]) -> None:
        for chunk in self._chunks(set(values)):
            self._exec(f"DELETE FROM {table} WHERE {column} IN ({', '.join('?' * len(chunk))})", chunk)

    def apply_dedupe(self, delta: DedupeDelta) -> None:
        with self.atomic():
            if delta.reset:
                for table in ("dedupe_keys", "dedupe_groups", "dedupe_spans", "dedupe_span_producers",
                              "dedupe_span_carriers", "duplicates", "passages"):
                    self._exec(f"DELETE FROM {table}")
            # Index numbers (doc) for the articles joining the index; articles already in it keep theirs.
            grouped = [a for a, _ in delta.groups]
            docs = {a: int(n) for a, n in self._in("SELECT article, doc FROM dedupe_groups WHERE article IN ({marks})", grouped)}
            top = self._all("SELECT MAX(doc) FROM dedupe_groups")[0][0]
            nxt = -1 if top is None else int(top)
            for a in grouped:
                if a not in docs:
                    nxt += 1
                    docs[a] = nxt
            # An article's keys depend on its text only, so they are written once, when it joins the index.
            # Rows in key order fill the key index page by page: ~4x faster than article by article.
            keys = delta.keys
            owners = list(keys)
            doc_of = [docs[a] for a in owners]
            arrays = getattr(keys, "flat", None)  # dedupe.IndexKeys hands over its arrays
            if arrays is not None:
                flat, who = arrays()
            else:
                sizes = [len(keys[a]) for a in owners]
                flat = np.fromiter(itertools.chain.from_iterable(keys[a] for a in owners), dtype=np.int64, count=sum(sizes))
                who = np.repeat(np.arange(len(owners)), sizes)
            order = np.argsort(flat, kind="stable")
            insert = self._q("INSERT INTO dedupe_keys (key, doc) VALUES (?, ?)")
            doc_arr = np.asarray(doc_of, dtype=np.int64)
            for at in range(0, order.size, 1 << 20):  # a million rows at a time: Python rows stay small
                part = order[at : at + (1 << 20)]
                rows = zip(flat[part].tolist(), doc_arr[who[part]].tolist())
                self.conn.cursor().executemany(insert, rows)
            self._delete_in("dedupe_groups", "article", grouped)
            self._many(
                "INSERT INTO dedupe_groups (article, doc, grp) VALUES (?, ?, ?)", ((a, docs[a], g) for a, g in delta.groups)
            )
            self._delete_in("duplicates", "article", delta.duplicates_of)
            self._many(
                "INSERT INTO duplicates (article, duplicate_of, kind, similarity) VALUES (?, ?, ?, ?)",
                ((d.article, d.duplicate_of, d.kind, d.similarity) for d in delta.duplicates),
            )
            self._delete_in("dedupe_span_producers", "article", delta.producers_of)
            self._many("INSERT INTO dedupe_span_producers (span, article) VALUES (?, ?)", delta.producers)
            gone = set(delta.spans_removed) | {sp.id for sp in delta.spans_added}
            self._delete_in("dedupe_spans", "id", gone)
            self._delete_in("dedupe_span_carriers", "span", gone)
            self._many(
                "INSERT INTO dedupe_spans (id, anchor, tokens) VALUES (?, ?, ?)",
                ((sp.id, sp.anchor, sp.tokens) for sp in delta.spans_added),
            )
            self._many(
                "INSERT INTO dedupe_span_carriers (span, article, pos) VALUES (?, ?, ?)",
                itertools.chain(
                    ((sp.id, a, pos) for sp in delta.spans_added for a, pos in sp.carriers), delta.carriers_added
                ),
            )
            self._delete_in("passages", "id", set(delta.passages_removed) | {p.id for p in delta.passages})
            self._many(
                "INSERT INTO passages (id, text, origin_article, origin_agency, articles) VALUES (?, ?, ?, ?, ?)",
                ((p.id, p.text, p.origin_article, p.origin_agency, _dump(list(p.articles))) for p in delta.passages),
            )

    # extraction ------------------------------------------------------------------
    def set_analyses(self, analyses: Iterable[Analysis]) -> None:
        with self.atomic():
            for an in analyses:
                for table in ("analysed", "date_mentions", "mentions", "quotes"):
                    self._exec(f"DELETE FROM {table} WHERE article = ?", (an.article,))
                self._exec("INSERT INTO analysed (article) VALUES (?)", (an.article,))
                self._many(
                    "INSERT INTO date_mentions (article, start_, end_, text, value, granularity) VALUES (?, ?, ?, ?, ?, ?)",
                    ((d.article, d.start, d.end, d.text, d.value, d.granularity) for d in _unique_spans(an.dates)),
                )
                self._many(
                    "INSERT INTO mentions (article, start_, end_, text, type) VALUES (?, ?, ?, ?, ?)",
                    ((m.article, m.start, m.end, m.text, m.type) for m in _unique_spans(an.mentions)),
                )
                self._many(
                    "INSERT INTO quotes (article, start_, end_, text, speaker, speaker_entity, cue, via, direct) "
                    "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                    (
                        (q.article, q.start, q.end, q.text, q.speaker, q.speaker_entity, q.cue, _dump(list(q.via)), int(q.direct))
                        for q in _unique_spans(an.quotes)
                    ),
                )

    def analysed_ids(self) -> set[str]:
        return {r[0] for r in self._all("SELECT article FROM analysed")}

    def date_mentions(self, article_ids: Sequence[str] | None = None) -> list[DateMention]:
        cols = "SELECT article, text, start_, end_, value, granularity FROM date_mentions"
        if article_ids is None:
            rows = self._all(f"{cols} ORDER BY article, start_")
        else:
            rows = sorted(self._where_in(f"{cols} WHERE article IN", article_ids), key=lambda r: (r[0], r[2]))
        return [DateMention(a, t, s, e, v, g) for a, t, s, e, v, g in rows]

    def mentions(self) -> list[Mention]:
        rows = self._all("SELECT article, text, start_, end_, type FROM mentions ORDER BY article, start_")
        return [Mention(a, t, s, e, ty) for a, t, s, e, ty in rows]

    def quotes(self) -> list[Quote]:
        rows = self._all(
            "SELECT article, speaker, cue, text, direct, start_, end_, via, speaker_entity FROM quotes ORDER BY article, start_"
        )
        return [Quote(a, sp, cue, t, bool(d), s, e, tuple(json.loads(v)), se) for a, sp, cue, t, d, s, e, v, se in rows]

    def set_entities(self, entities: Iterable[Entity]) -> None:
        """Replace the merged entities; only rows that changed are written (an ingest changes a few of many)."""
        new = {e.id: (e.id, e.name, e.type, _dump(list(e.aliases)), _dump(list(e.articles))) for e in entities}
        with self.atomic():
            old = {r[0]: tuple(r) for r in self._all("SELECT id, name, type, aliases, articles FROM entities")}
            gone = [i for i, row in old.items() if new.get(i) != row]
            for chunk in self._chunks(gone):
                self._exec(f"DELETE FROM entities WHERE id IN ({', '.join('?' * len(chunk))})", chunk)
            self._many(
                "INSERT INTO entities (id, name, type, aliases, articles) VALUES (?, ?, ?, ?, ?)",
                (row for i, row in new.items() if old.get(i) != row),
            )

    def entities(self) -> list[Entity]:
        rows = self._all("SELECT id, name, type, aliases, articles FROM entities ORDER BY id")
        return [Entity(i, n, t, tuple(json.loads(al)), tuple(json.loads(ar))) for i, n, t, al, ar in rows]

    # clustering ------------------------------------------------------------------
    def set_clusters(self, events: Iterable[Event], stories: Iterable[Story]) -> None:
        with self.atomic():
            # a saved clusterer state describes the clusters it was saved with: new clusters without one invalidate it
            for table in ("events", "stories", "event_articles", "cluster_state"):
                self._exec(f"DELETE FROM {table}")
            self._many(
                "INSERT INTO stories (id, title, seq) VALUES (?, ?, ?)",
                ((s.id, s.title, i) for i, s in enumerate(stories)),
            )
            events = list(events)
            self._many(
                "INSERT INTO events (id, story, date, title, seq) VALUES (?, ?, ?, ?, ?)",
                ((e.id, e.story, e.date, e.title, i) for i, e in enumerate(events)),
            )
            self._many(
                "INSERT INTO event_articles (article, event, seq) VALUES (?, ?, ?)",
                ((a, e.id, i) for e in events for i, a in enumerate(e.articles)),
            )

    def events(self) -> list[Event]:
        members: dict[str, list[str]] = {}
        for article, event in self._all("SELECT article, event FROM event_articles ORDER BY event, seq"):
            members.setdefault(event, []).append(article)
        rows = self._all("SELECT id, story, date, title FROM events ORDER BY seq")
        return [Event(i, s, d, t, tuple(members.get(i, ()))) for i, s, d, t in rows]

    def stories(self) -> list[Story]:
        events = self.events()
        out = []
        for sid, title in self._all("SELECT id, title FROM stories ORDER BY seq"):
            evs = [e for e in events if e.story == sid]
            arts = tuple(a for e in evs for a in e.articles)
            out.append(Story(sid, title, tuple(e.id for e in evs), arts))
        return out

    def log(self, kind: str, detail: str) -> None:
        with self.atomic():
            seq = self.count("audit")
            self._exec("INSERT INTO audit (seq, at, kind, detail) VALUES (?, ?, ?, ?)", (seq, _now(), kind, detail))

    def audit(self) -> Iterator[tuple[str, str, str]]:
        for at, kind, detail in self._all("SELECT at, kind, detail FROM audit ORDER BY seq"):
            yield at, kind, detail

    def add_changes(self, changes: Iterable[Change]) -> None:
        with self.atomic():
            seq, at = self.count("cluster_changes"), _now()
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
            self._exec("DELETE FROM cluster_state")
            if state is not None:
                version, options, blob = state
                self._exec(
                    "INSERT INTO cluster_state (id, version, options, state, saved) VALUES (1, ?, ?, ?, ?)",
                    (version, options, base64.b64encode(blob).decode("ascii"), _now()),
                )

    # timelines -------------------------------------------------------------------
    def set_timeline(self, story: str, entries: Iterable[TimelineEntry], digest: str | None = None) -> None:
        with self.atomic():
            self._exec("DELETE FROM timeline_entries WHERE story = ?", (story,))
            self._exec("DELETE FROM timeline_digests WHERE story = ?", (story,))
            if digest is not None:
                self._exec("INSERT INTO timeline_digests (story, digest) VALUES (?, ?)", (story, digest))
            self._many(
                "INSERT INTO timeline_entries (story, rank, date, summary, citations, sources, event) VALUES (?, ?, ?, ?, ?, ?, ?)",
                (
                    (story, i, e.date, e.summary, _dump([c.as_dict() for c in e.citations]), e.sources, e.event)
                    for i, e in enumerate(entries)
                ),
            )

    def timeline_digests(self) -> dict[str, str]:
        return {s: d for s, d in self._all("SELECT story, digest FROM timeline_digests")}

    def timeline_stories(self) -> set[str]:
        return {r[0] for r in self._all("SELECT DISTINCT story FROM timeline_entries")} | set(self.timeline_digests())

    def drop_timelines(self, stories: Iterable[str]) -> None:
        with self.atomic():
            for chunk in self._chunks(stories):
                marks = ", ".join("?" * len(chunk))
                self._exec(f"DELETE FROM timeline_entries WHERE story IN ({marks})", chunk)
                self._exec(f"DELETE FROM timeline_digests WHERE story IN ({marks})", chunk)

    def timeline(self, story: str) -> list[TimelineEntry]:
        rows = self._all(
            "SELECT date, summary, citations, sources, event FROM timeline_entries WHERE story = ? ORDER BY rank", (story,)
        )
        return [
            TimelineEntry(story, d, s, tuple(Citation(**c) for c in json.loads(cs)), int(n), ev)
            for d, s, cs, n, ev in rows
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
    (id_, source, url, title, published, published_from, updated, outlet, author, wire, cited, dateline,
     language, content_hash, text) = row
    return Article(
        id=id_, source=source, url=url, title=title, published=published, published_from=published_from,
        updated=updated, outlet=outlet, author=author, wire_agencies=tuple(json.loads(wire)),
        cited_agencies=tuple(json.loads(cited)), dateline=Dateline(**json.loads(dateline)) if dateline else None,
        language=language, content_hash=content_hash, text=text,
    )


def _now() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="seconds")


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
        raise BadQuery(f"search query {query!r} has no words to search for; give a word or a \"phrase\"")
    return terms


def check_kinds(kinds: Sequence[str]) -> None:
    unknown = set(kinds) - set(SEARCH_KINDS)
    if unknown:
        raise BadQuery(f"unknown search kind {sorted(unknown)[0]!r}; choose from {', '.join(SEARCH_KINDS)}")


def entity_line(type_: str, aliases: Sequence[str], n_articles: int) -> str:
    """How a search hit describes an entity: ``PERSON, 3 articles; also Kim Jong-un, Kim``."""
    also = f"; also {', '.join(aliases)}" if aliases else ""
    return f"{type_}, {n_articles} article{'s' if n_articles != 1 else ''}{also}"
