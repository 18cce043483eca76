"""The dedupe index in SQL: the reads ``dedupe.update`` makes (``DedupeIndexReader``) and the write of its delta.

``SQLStore`` inherits this; ``store.dedupe_index()`` hands the reader to ``dedupe.update`` and
``store.apply_dedupe(delta)`` writes what it computed. Tables: ``dedupe_keys`` (key, doc),
``dedupe_groups`` (article, doc, grp), ``dedupe_spans`` and their producers and carriers (migration 9),
``dedupe_tokens`` (article, its token hashes: migration 16), ``dedupe_crowded`` (keys too common to anchor, with the
last entry of each one's list that pairs: migrations 20 and 25).
"""

from __future__ import annotations

import itertools
import json
from collections.abc import Iterable, Iterator, Sequence
from contextlib import AbstractContextManager
from typing import TYPE_CHECKING, Any

from storyline.records import TOKEN_HEX, Article, DedupeDelta, SpanRow

if TYPE_CHECKING:  # the protocol lives with the dedupe stage; the store does not import the stage at run time
    from storyline.dedupe.storage import DedupeIndexReader


class DedupeIndexSQL:
    """The dedupe index over the host store's connection (a mixin of ``SQLStore``)."""

    conn: Any
    _dates_from: str  # supplied by SQLStore: where articles' dates are read by id

    if TYPE_CHECKING:  # supplied by SQLStore

        def _q(self, sql: str) -> str: ...

        def _exec(self, sql: str, args: Sequence[Any] = ()) -> Any: ...

        def _many(self, sql: str, rows: Iterable[Sequence[Any]]) -> None: ...

        def _all(self, sql: str, args: Sequence[Any] = ()) -> list[tuple[Any, ...]]: ...

        def _chunks(self, values: Iterable[Any]) -> Iterator[list[Any]]: ...

        def atomic(self) -> AbstractContextManager[None]: ...

        def articles(self, ids: Sequence[str] | None = None) -> list[Article]: ...

        def article_ids(self) -> list[str]: ...

        def _after_watermark(self, table: str, pending: str) -> list[str]: ...

        def _advance_watermark(self, table: str, pending: str) -> None: ...

    def dedupe_index(self) -> DedupeIndexReader:
        """The reads ``dedupe.update`` makes, over this store's connection (and its transaction)."""
        return SQLDedupeIndex(self)

    def _dedupe_in(self, sql: str, values: Iterable[Any]) -> Iterator[tuple[Any, ...]]:
        """Rows of ``sql`` (with one ``{marks}`` placeholder list) for ``values``, a chunk at a time."""
        for chunk in self._chunks(set(values)):
            yield from self._all(sql.format(marks=", ".join("?" * len(chunk))), chunk)

    def _dedupe_all(self, sql: str) -> list[tuple[Any, ...]]:
        """Rows of ``sql`` (for ``SQLDedupeIndex``)."""
        return self._all(sql)

    # the write -------------------------------------------------------------------
    def _delete_in(self, table: str, column: str, values: Iterable[Any]) -> None:
        for chunk in self._chunks(set(values)):
            self._exec(f"DELETE FROM {table} WHERE {column} IN ({', '.join('?' * len(chunk))})", chunk)

    def apply_dedupe(self, delta: DedupeDelta) -> None:
        """Write one dedupe update (``dedupe.update``'s delta) in one transaction."""
        import numpy as np  # only the write of keys needs it; reading a store does not

        with self.atomic():
            # stored timelines and comparisons may be stale now: the next analyse checks them all, unless it is the
            # one running this update (it read the keys before and follows what the update touched)
            self._exec("DELETE FROM derived_keys")
            if delta.reset:
                for table in (
                    "dedupe_keys",
                    "dedupe_groups",
                    "dedupe_spans",
                    "dedupe_span_producers",
                    "dedupe_span_carriers",
                    "duplicates",
                    "passages",
                    "dedupe_watermark",  # a lower bound no more: ``advance_dedupe_watermark`` finds it again
                    "dedupe_tokens",
                    "dedupe_crowded",
                ):
                    self._exec(f"DELETE FROM {table}")
            # Index numbers (doc) for the articles joining the index; articles already in it keep theirs.
            grouped = [a for a, _ in delta.groups]
            docs = {
                a: int(n)
                for a, n in self._dedupe_in(
                    "SELECT article, doc FROM dedupe_groups WHERE article IN ({marks})", grouped
                )
            }
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
                flat = np.fromiter(
                    itertools.chain.from_iterable(keys[a] for a in owners), dtype=np.int64, count=sum(sizes)
                )
                who = np.repeat(np.arange(len(owners)), sizes)
            order = np.argsort(flat, kind="stable")
            insert = self._q("INSERT INTO dedupe_keys (key, doc) VALUES (?, ?)")
            doc_arr = np.asarray(doc_of, dtype=np.int64)
            for at in range(0, order.size, 1 << 20):  # a million rows at a time: Python rows stay small
                part = order[at : at + (1 << 20)]
                rows = zip(flat[part].tolist(), doc_arr[who[part]].tolist())
                self.conn.cursor().executemany(insert, rows)
            # token hashes of the articles joining the index (a function of the text: written once, like keys)
            self._delete_in("dedupe_tokens", "article", [row[0] for row in delta.tokens])
            self._many("INSERT INTO dedupe_tokens (article, vocab, seq, quoted) VALUES (?, ?, ?, ?)", delta.tokens)
            self._delete_in("dedupe_crowded", "key", [*delta.crowded_removed, *(k for k, _ in delta.crowded_added)])
            self._many("INSERT INTO dedupe_crowded (key, last) VALUES (?, ?)", delta.crowded_added)
            self._delete_in("dedupe_groups", "article", grouped)
            self._many(
                "INSERT INTO dedupe_groups (article, doc, grp) VALUES (?, ?, ?)",
                ((a, docs[a], g) for a, g in delta.groups),
            )
            self._delete_in("duplicates", "article", delta.duplicates_of)
            self._many(
                "INSERT INTO duplicates (article, duplicate_of, kind, similarity) VALUES (?, ?, ?, ?)",
                ((d.article, d.duplicate_of, d.kind, d.similarity) for d in delta.duplicates),
            )
            self._delete_in("dedupe_span_producers", "article", delta.producers_of)
            self._delete_in("dedupe_span_producers", "span", delta.spans_removed)  # found by articles not re-derived
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

    # what the pipeline reads around an update -------------------------------------------
    _UNINDEXED = "NOT EXISTS (SELECT 1 FROM dedupe_groups g WHERE g.article = a.id)"

    def undeduped_ids(self) -> list[str]:
        """Stored articles the dedupe index does not hold yet, in ingest order.

        Only the articles after the watermark are looked at (a range of ``articles_seq``), so a store of N
        articles with k new ones reads O(k log N) rows, not every id; a store without a watermark (one from
        before migration 14, or an index just reset) is checked whole once."""
        return self._after_watermark("dedupe_watermark", self._UNINDEXED)

    def advance_dedupe_watermark(self) -> None:
        """Move the watermark to the last article of the longest ingest-order prefix the index holds whole."""
        self._advance_watermark("dedupe_watermark", self._UNINDEXED)

    def passage_carriers(self, passage_ids: Iterable[str]) -> dict[str, list[str]]:
        """Stored passage id -> the articles carrying it, for the ids given (absent: not stored)."""
        out: dict[str, list[str]] = {}
        for p, a in self._dedupe_in(
            "SELECT passage, article FROM passage_articles WHERE passage IN ({marks})", passage_ids
        ):
            out.setdefault(p, []).append(a)
        return out


def _dump(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, sort_keys=True)


class SQLDedupeIndex:
    """``DedupeIndexReader`` over a SQL store (``store.dedupe_index()``)."""

    def __init__(self, store: DedupeIndexSQL) -> None:
        self._store = store

    def size(self) -> int:
        # docs are numbered 0, 1, ... as articles join (a reset renumbers from 0), so this is the count, read
        # from the unique index on doc (COUNT(*) scans the table: ~1M rows at 1M articles)
        top = self._store._dedupe_all("SELECT MAX(doc) FROM dedupe_groups")[0][0]
        return 0 if top is None else int(top) + 1

    def groups(self, article_ids: Iterable[str] | None = None) -> dict[str, str]:
        if article_ids is None:
            return {a: g for a, g in self._store._dedupe_all("SELECT article, grp FROM dedupe_groups")}
        return {
            a: g for a, g in self._in("SELECT article, grp FROM dedupe_groups WHERE article IN ({marks})", article_ids)
        }

    def group_members(self, groups: Iterable[str]) -> dict[str, str]:
        return {a: g for a, g in self._in("SELECT article, grp FROM dedupe_groups WHERE grp IN ({marks})", groups)}

    _KEY_ARTICLES = (
        "SELECT k.key, g.article FROM dedupe_keys k JOIN dedupe_groups g ON g.doc = k.doc WHERE k.key IN ({marks})"
    )

    def articles_with_keys(self, keys: Iterable[int]) -> set[str]:
        return {a for _, a in self._in(self._KEY_ARTICLES, keys)}

    def key_carriers(self, keys: Iterable[int]) -> list[tuple[int, str]]:
        return [(int(k), a) for k, a in self._in(self._KEY_ARTICLES, keys)]

    def key_carrier_rows(self, keys: Iterable[int]) -> list[tuple[int, str, str, str | None, str | None]]:
        dates = self._store._dates_from  # the articles table (by its covering index of dates, where there is one)
        sql = (
            "SELECT k.key, g.article, g.grp, articles.published, articles.outlet FROM dedupe_keys k"
            f" JOIN dedupe_groups g ON g.doc = k.doc JOIN {dates} ON articles.id = g.article WHERE k.key IN ({{marks}})"
        )
        return [(int(k), a, g, p, o) for k, a, g, p, o in self._in(sql, keys)]

    def crowded(self, keys: Iterable[int]) -> set[int]:
        return set(self.crowded_last(keys))

    def crowded_last(self, keys: Iterable[int]) -> dict[int, str]:
        return {int(k): a for k, a in self._in("SELECT key, last FROM dedupe_crowded WHERE key IN ({marks})", keys)}

    def tokens(self, ids: Iterable[str]) -> dict[str, tuple[bytes, bytes, bytes]]:
        sql = "SELECT article, vocab, seq, quoted FROM dedupe_tokens WHERE article IN ({marks})"
        return {a: (bytes(v), bytes(s), bytes(q)) for a, v, s, q in self._in(sql, ids)}

    def spans(self, ids: Iterable[str]) -> dict[str, SpanRow]:
        return self._span_rows(r[0] for r in self._in("SELECT id FROM dedupe_spans WHERE id IN ({marks})", ids))

    def spans_anchored(self, anchors: Iterable[int]) -> dict[str, SpanRow]:
        return self._span_rows(r[0] for r in self._in("SELECT id FROM dedupe_spans WHERE anchor IN ({marks})", anchors))

    def spans_produced_by(self, articles: Iterable[str]) -> dict[str, set[str]]:
        spans = {r[0] for r in self._in("SELECT span FROM dedupe_span_producers WHERE article IN ({marks})", articles)}
        out: dict[str, set[str]] = {sp: set() for sp in spans}
        for sp, a in self._in("SELECT span, article FROM dedupe_span_producers WHERE span IN ({marks})", spans):
            out[sp].add(a)
        return out

    def spans_carried_by(self, articles: Iterable[str]) -> dict[str, SpanRow]:
        return self._span_rows(
            r[0]
            for r in self._in("SELECT DISTINCT span FROM dedupe_span_carriers WHERE article IN ({marks})", articles)
        )

    def span_places(self, articles: Iterable[str]) -> list[tuple[str, str, int, int]]:
        sql = (
            "SELECT c.span, c.article, c.pos, LENGTH(s.tokens) FROM dedupe_span_carriers c"
            " JOIN dedupe_spans s ON s.id = c.span WHERE c.article IN ({marks})"
        )
        return [(sp, a, int(pos), int(n) // TOKEN_HEX) for sp, a, pos, n in self._in(sql, articles)]

    def _span_rows(self, ids: Iterable[str]) -> dict[str, SpanRow]:
        wanted = set(ids)
        carriers: dict[str, list[tuple[str, int]]] = {sp: [] for sp in wanted}
        for sp, a, pos in self._in(
            "SELECT span, article, pos FROM dedupe_span_carriers WHERE span IN ({marks})", wanted
        ):
            carriers[sp].append((a, int(pos)))
        return {
            i: SpanRow(i, int(anchor), tokens, tuple(sorted(carriers[i])))
            for i, anchor, tokens in self._in(
                "SELECT id, anchor, tokens FROM dedupe_spans WHERE id IN ({marks})", wanted
            )
        }

    def passage_ids(self, ids: Iterable[str]) -> set[str]:
        return {r[0] for r in self._in("SELECT id FROM passages WHERE id IN ({marks})", ids)}

    def article_dates(self, ids: Iterable[str]) -> dict[str, tuple[str | None, str | None]]:
        return {
            a: (p, o)
            for a, p, o in self._in(
                f"SELECT id, published, outlet FROM {self._store._dates_from} WHERE id IN ({{marks}})", ids
            )
        }

    def articles(self, ids: Sequence[str]) -> list[Article]:
        return self._store.articles(ids)

    def article_ids(self) -> list[str]:
        return self._store.article_ids()

    def _in(self, sql: str, values: Iterable[Any]) -> Iterator[tuple[Any, ...]]:
        return self._store._dedupe_in(sql, values)
