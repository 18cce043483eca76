"""The PostgreSQL store, for corpora that outgrow one SQLite file (``--db postgresql://…``; the ``[postgres]`` extra).

Everything but the connection, the placeholder style and the full-text index is ``SQLStore``'s, so both backends run
the same migrations and give the same ids and records. Full-text search uses ``tsvector`` columns generated from the
rows (English stemming, Latin accents folded) with GIN indexes.
"""

from __future__ import annotations

import json
import unicodedata
from collections.abc import Sequence
from typing import Any

from storyline.errors import MissingExtra, StoreError
from storyline.records import SearchHit
from storyline.store.sql import SEARCH_KINDS, SQLStore, check_kinds, entity_line, query_terms


def _latin_folds() -> tuple[str, str]:
    """Accented Latin letters (U+00C0-U+017F) and their bases, for ``translate()``: accent folding without the
    ``unaccent`` extension, which needs a superuser to install and is not immutable (generated columns need that)."""
    src, dst = [], []
    for cp in range(0xC0, 0x180):
        base = unicodedata.normalize("NFKD", chr(cp))[0]
        if base.isascii() and base.isalpha() and base != chr(cp):
            src.append(chr(cp))
            dst.append(base)
    return "".join(src), "".join(dst)


_FROM, _TO = _latin_folds()


def fold(text: str) -> str:
    """What the index does to text before stemming, for the query side."""
    return text.translate(str.maketrans(_FROM, _TO))


def _tsv(column: str, weight: str) -> str:
    return f"setweight(to_tsvector('english', translate(coalesce({column}, ''), '{_FROM}', '{_TO}')), '{weight}')"


# (table, generated tsvector expression) — names and titles weigh more than body text (weight A over B)
_TSV = {
    "articles": f"{_tsv('title', 'A')} || {_tsv('text', 'B')}",
    "quotes": f"{_tsv('speaker', 'A')} || {_tsv('text', 'B')}",
    "entities": f"{_tsv('name', 'A')} || {_tsv('aliases', 'B')}",
}
_HEADLINE = "'StartSel=[, StopSel=], MaxWords=24, MinWords=10, MaxFragments=1, FragmentDelimiter=…'"


def _fts_statements() -> list[str]:
    out = []
    for table, expr in _TSV.items():
        out += [
            f"ALTER TABLE {table} ADD COLUMN tsv tsvector GENERATED ALWAYS AS ({expr}) STORED",
            f"CREATE INDEX {table}_tsv ON {table} USING GIN (tsv)",
        ]
    return out


def _narrow_statements() -> list[str]:
    """Indexes for ``LIKE 'prefix%'`` on ids (whatever the collation), and passage_articles following passages.articles."""
    out = [f"CREATE INDEX {t}_id_prefix ON {t} (id text_pattern_ops)" for t in ("articles", "events", "stories")]
    fill = (
        "INSERT INTO passage_articles (passage, article) SELECT {r}.id, a FROM {src}json_array_elements_text({r}.articles::json) a "
        "ON CONFLICT DO NOTHING"
    )
    out += [
        "CREATE FUNCTION passages_carriers() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN "
        "IF TG_OP <> 'INSERT' THEN DELETE FROM passage_articles WHERE passage = OLD.id; END IF; "
        f"IF TG_OP <> 'DELETE' THEN {fill.format(r='NEW', src='')}; END IF; "
        "RETURN NULL; END $$",
        "CREATE TRIGGER passages_carriers AFTER INSERT OR UPDATE OR DELETE ON passages "
        "FOR EACH ROW EXECUTE FUNCTION passages_carriers()",
        fill.format(r="p", src="passages p, "),  # the passages an older database already holds
    ]
    return out


def _entity_name_statements() -> list[str]:
    """entity_names following entities (name and the JSON list of aliases), and a prefix index on entity ids."""
    fill = (
        "INSERT INTO entity_names (name, entity) SELECT {r}.name, {r}.id {src1}"
        "UNION SELECT a, {r}.id FROM {src}json_array_elements_text({r}.aliases::json) a ON CONFLICT DO NOTHING"
    )
    return [
        "CREATE INDEX entities_id_prefix ON entities (id text_pattern_ops)",
        "CREATE FUNCTION entities_names() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN "
        "IF TG_OP <> 'INSERT' THEN DELETE FROM entity_names WHERE entity = OLD.id; END IF; "
        f"IF TG_OP <> 'DELETE' THEN {fill.format(r='NEW', src='', src1='')}; END IF; "
        "RETURN NULL; END $$",
        "CREATE TRIGGER entities_names AFTER INSERT OR UPDATE OR DELETE ON entities "
        "FOR EACH ROW EXECUTE FUNCTION entities_names()",
        fill.format(r="e", src="entities e, ", src1="FROM entities e "),  # what an older database already holds
    ]


class PostgresStore(SQLStore):
    """PostgreSQL backend: ``PostgresStore("postgresql://user@host:5432/db")``."""

    param = "%s"
    _differs = "IS DISTINCT FROM"
    backend_migrations = (
        (101, "postgresql: full-text search over articles, quotes and entities (tsvector)", _fts_statements()),
        (
            102,
            "postgresql: prefix indexes for find_ids; passage_articles kept in step with passages",
            _narrow_statements(),
        ),
        (
            103,
            "postgresql: entity_names kept in step with entities; prefix index on entity ids",
            _entity_name_statements(),
        ),
        (
            104,
            "postgresql: articles' dates by id from a covering index (issue 15), read by index-only scans",
            ["CREATE INDEX articles_dates ON articles(id) INCLUDE (published, outlet)"],
        ),
    )

    def __init__(self, url: str) -> None:
        try:
            import psycopg
        except ImportError as exc:
            raise MissingExtra("the PostgreSQL store", "postgres") from exc
        self.url = url
        # a connection per thread, opened on first use (psycopg_pool would be one more dependency for the same)
        self._open(shared=False)
        try:
            _ = self.conn  # connect now, so a bad URL fails here with a clear message
        except psycopg.Error as exc:
            why = " ".join(str(exc).split())
            hint = "" if "server running" in why else " (is the server running?)"
            raise StoreError(f"cannot connect to {_redact(url)}: {why}{hint}") from exc
        try:
            self.migrate()
        except psycopg.Error as exc:
            raise StoreError(f"{_redact(url)} is not a storyline database or cannot be migrated: {exc}") from exc

    def _connect(self) -> Any:
        import psycopg

        # autocommit: a read outside atomic() is its own statement and leaves no transaction open ("idle in
        # transaction" would hold a snapshot and block DDL); atomic() and _reading() issue BEGIN themselves
        return psycopg.connect(self.url, autocommit=True)

    def _begin(self) -> None:
        self._exec("BEGIN")

    def _begin_read(self) -> None:
        self._exec("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY")

    def _prefix(self, column: str, prefix: str) -> tuple[str, tuple[str, ...]]:
        # LIKE is exact whatever the database's collation (a range is not, under a linguistic one); the
        # text_pattern_ops indexes of migration 102 serve it
        escaped = prefix.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
        return f"{column} LIKE ? ESCAPE '\\'", (escaped + "%",)

    # pg_advisory_xact_lock key: any constant; every storyline writer that must not interleave takes this one
    _WRITER_LOCK = 0x5354_4F52_594C  # "STORYL"

    def lock_writes(self) -> None:
        self._exec("SELECT pg_advisory_xact_lock(?)", (self._WRITER_LOCK,))

    def _q(self, sql: str) -> str:
        # DB-API "format" style: "?" placeholders become "%s"; a literal "%" must be doubled first
        return sql.replace("%", "%%").replace("?", "%s")

    def search(self, query: str, kinds: Sequence[str] = SEARCH_KINDS, limit: int = 20) -> list[SearchHit]:
        check_kinds(kinds)
        # every word or phrase must match: phrases keep their order, words are stemmed like the index
        terms = query_terms(query)
        tsq = " && ".join("phraseto_tsquery('english', ?)" for _ in terms)
        words = [fold(" ".join(t)) for t in terms]
        hits: list[SearchHit] = []
        if not self._all(f"SELECT numnode({tsq})", words)[0][0]:
            return hits  # only stop words ("the", "and"): nothing the index holds
        if "article" in kinds:
            rows = self._all(
                f"SELECT m.id, coalesce(m.title, ''), ts_headline('english', m.text, q, {_HEADLINE}), m.rank, m.published, "
                "d.duplicate_of FROM (SELECT a.id, a.title, a.text, a.published, ts_rank_cd(a.tsv, q) AS rank, q "
                f"FROM articles a, (SELECT {tsq} AS q) AS sq WHERE a.tsv @@ q ORDER BY rank DESC, a.seq LIMIT ?) m "
                "LEFT JOIN duplicates d ON d.article = m.id ORDER BY m.rank DESC",
                (*words, limit),
            )
            hits += [SearchHit("article", i, t, sn, float(r), p, dup) for i, t, sn, r, p, dup in rows]
        if "quote" in kinds:
            rows = self._all(
                f"SELECT m.article, coalesce(m.speaker, ''), ts_headline('english', m.text, q, {_HEADLINE}), m.rank, "
                "a.published, m.start_, m.end_ FROM (SELECT qu.article, qu.speaker, qu.text, qu.start_, qu.end_, "
                f"ts_rank_cd(qu.tsv, q) AS rank, q FROM quotes qu, (SELECT {tsq} AS q) AS sq WHERE qu.tsv @@ q "
                "ORDER BY rank DESC, qu.article, qu.start_ LIMIT ?) m JOIN articles a ON a.id = m.article ORDER BY m.rank DESC",
                (*words, limit),
            )
            hits += [SearchHit("quote", i, sp, sn, float(r), p, None, s, e) for i, sp, sn, r, p, s, e in rows]
        if "entity" in kinds:
            rows = self._all(
                f"SELECT e.id, e.name, e.type, e.aliases, e.articles, ts_rank_cd(e.tsv, q) AS rank "
                f"FROM entities e, (SELECT {tsq} AS q) AS sq WHERE e.tsv @@ q ORDER BY rank DESC, e.id LIMIT ?",
                (*words, limit),
            )
            hits += [
                SearchHit("entity", i, n, entity_line(ty, json.loads(al), len(json.loads(arts))), float(r))
                for i, n, ty, al, arts, r in rows
            ]
        return hits

    def matching_articles(self, query: str) -> list[str]:
        """Ids of every article ``query`` matches (as ``search`` matches articles, no cap), in ingest order."""
        terms = query_terms(query)
        tsq = " && ".join("phraseto_tsquery('english', ?)" for _ in terms)
        words = [fold(" ".join(t)) for t in terms]
        if not self._all(f"SELECT numnode({tsq})", words)[0][0]:
            return []  # only stop words ("the", "and"): nothing the index holds
        rows = self._all(
            f"SELECT a.id FROM articles a, (SELECT {tsq} AS q) AS sq WHERE a.tsv @@ q ORDER BY a.seq", words
        )
        return [r[0] for r in rows]


def _redact(url: str) -> str:
    """The URL without its password, for messages."""
    head, sep, tail = url.rpartition("@")
    if not sep or ":" not in head.split("//", 1)[-1]:
        return url
    scheme, _, cred = head.partition("//")
    return f"{scheme}//{cred.split(':', 1)[0]}:***@{tail}"
