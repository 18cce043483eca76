"""The entity merge's state in SQL (migration 15): the reads ``link_state.MergeStateReader`` makes, its writes, and
which analysed articles the state holds.

``SQLStore`` inherits this. Tables: ``entity_merge_keys`` (a row per merge key), ``entity_merge_pairs`` (kind, a, b),
``entity_merge_meta`` (version and the ingest-order watermark: every article up to it is merged) and
``entity_merged`` (articles merged past the watermark).
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator, Sequence
from contextlib import AbstractContextManager
from typing import TYPE_CHECKING, Any

from storyline.records import Entity

if TYPE_CHECKING:  # the row shapes live with the stage; the store does not import it at run time
    from storyline.link_state import KeyRow

_KEY_COLS = "key, spellings, types, root1, comp, entity"
PAIR_KINDS = frozenset({"article", "term", "title", "prefix", "seen", "speaker", "quote"})


class EntityMergeSQL:
    """The merge state over the host store's connection (a mixin of ``SQLStore``)."""

    if TYPE_CHECKING:  # supplied by SQLStore

        def _exec(self, sql: str, args: Sequence[Any] = ()) -> Any: ...

        def _many(self, sql: str, rows: Iterable[Sequence[Any]]) -> None: ...

        def _all(self, sql: str, args: Sequence[Any] = ()) -> list[tuple[Any, ...]]: ...

        def _where_in(self, sql: str, values: Iterable[Any]) -> list[tuple[Any, ...]]: ...

        def _chunks(self, values: Iterable[Any]) -> Iterator[list[Any]]: ...

        def _delete_keys(self, table: str, key: Sequence[str], values: Iterable[Sequence[Any]]) -> None: ...

        def _upsert(
            self, table: str, columns: Sequence[str], key: Sequence[str], rows: Iterable[Sequence[Any]]
        ) -> None: ...

        def atomic(self) -> AbstractContextManager[None]: ...

    # reads -------------------------------------------------------------------------
    def merge_keys(self, keys: Sequence[str]) -> list[KeyRow]:
        """The key rows of ``keys`` (those stored)."""
        return [_key_row(r) for r in self._where_in(f"SELECT {_KEY_COLS} FROM entity_merge_keys WHERE key IN", keys)]

    def merge_members(self, entities: Sequence[str]) -> list[KeyRow]:
        """The key rows whose entity is one of ``entities``."""
        sql = f"SELECT {_KEY_COLS} FROM entity_merge_keys WHERE entity IN"
        return [_key_row(r) for r in self._where_in(sql, entities)]

    def merge_pairs(self, kind: str, values: Sequence[str], *, by_second: bool = False) -> list[tuple[str, str]]:
        """(a, b) of the state's pairs of ``kind`` whose a (``by_second``: b) is one of ``values``."""
        if kind not in PAIR_KINDS:
            raise ValueError(f"no entity merge pairs of kind {kind!r}")
        col = "b" if by_second else "a"
        rows = self._where_in(f"SELECT a, b FROM entity_merge_pairs WHERE kind = '{kind}' AND {col} IN", values)
        return [(str(a), str(b)) for a, b in rows]

    def merge_has_keys(self) -> bool:
        """Whether any key row is stored."""
        return bool(self._all("SELECT 1 FROM entity_merge_keys LIMIT 1"))

    def merge_version(self) -> int | None:
        """The version of the stored merge state, or None when there is none (build it from the mentions)."""
        rows = self._all("SELECT version FROM entity_merge_meta WHERE id = 1")
        return int(rows[0][0]) if rows else None

    def unmerged_ids(self) -> list[str]:
        """Analysed articles the merge state does not hold yet, in ingest order: only those after its watermark
        are looked at (a range of ``articles_seq``), not every id."""
        return [
            r[0]
            for r in self._all(
                "SELECT a.id FROM articles a WHERE a.seq > ? "
                "AND EXISTS (SELECT 1 FROM analysed n WHERE n.article = a.id) "
                "AND NOT EXISTS (SELECT 1 FROM entity_merged m WHERE m.article = a.id) ORDER BY a.seq",
                (self._merge_watermark(),),
            )
        ]

    def _merge_watermark(self) -> int:
        rows = self._all("SELECT watermark FROM entity_merge_meta WHERE id = 1")
        return int(rows[0][0]) if rows else -1

    # writes ------------------------------------------------------------------------
    def write_merge_state(
        self,
        keys: Iterable[KeyRow],
        added: Iterable[tuple[str, str, str]],
        removed: Iterable[tuple[str, str, str]],
        merged: Sequence[str],
        version: int,
        *,
        full: bool = False,
    ) -> None:
        """Write key rows, add and remove pairs (kind, a, b), mark ``merged`` articles as held and move the
        watermark over the longest ingest-order prefix held whole; ``full``: the rows given are the whole state."""
        with self.atomic():
            if full:
                for table in ("entity_merge_keys", "entity_merge_pairs", "entity_merged", "entity_merge_meta"):
                    self._exec(f"DELETE FROM {table}")
            self._delete_keys("entity_merge_pairs", ("kind", "a", "b"), removed)
            self._upsert("entity_merge_keys", _KEY_COLS.split(", "), ("key",), keys)
            self._upsert("entity_merge_pairs", ("kind", "a", "b"), ("kind", "a", "b"), added)
            after = self._merge_watermark()
            for part in self._chunks(merged):
                self._exec(
                    "INSERT INTO entity_merged (article, seq) SELECT id, seq FROM articles "
                    f"WHERE seq > ? AND id IN ({', '.join('?' * len(part))}) ON CONFLICT (article) DO NOTHING",
                    (after, *part),
                )
            gap = self._all(
                "SELECT MIN(a.seq) FROM articles a WHERE a.seq > ? "
                "AND NOT EXISTS (SELECT 1 FROM entity_merged m WHERE m.article = a.id)",
                (after,),
            )
            if gap[0][0] is not None:
                top = int(gap[0][0]) - 1
            else:
                last = self._all("SELECT MAX(seq) FROM articles")[0][0]
                top = -1 if last is None else int(last)
            top = max(top, after)
            self._exec("DELETE FROM entity_merged WHERE seq <= ?", (top,))
            self._upsert("entity_merge_meta", ("id", "version", "watermark"), ("id",), [(1, version, top)])

    def write_entities(self, entities: Iterable[Entity], dropped: Iterable[str]) -> None:
        """Write the given entities (only where a row differs) and delete ``dropped`` ones; others are untouched."""
        with self.atomic():
            self._delete_keys("entities", ("id",), ((i,) for i in dropped))
            self._upsert(
                "entities",
                ("id", "name", "type", "aliases", "articles"),
                ("id",),
                ((e.id, e.name, e.type, _dump_list(e.aliases), _dump_list(e.articles)) for e in entities),
            )


def _key_row(r: Sequence[Any]) -> KeyRow:
    return (str(r[0]), str(r[1]), str(r[2]), r[3], r[4], r[5])


def _dump_list(values: Sequence[str]) -> str:
    """As ``sql._dump`` writes entity lists, so an unchanged entity compares equal and is not written."""
    return json.dumps(list(values), ensure_ascii=False, sort_keys=True)
