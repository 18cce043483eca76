"""The whole pipeline on PostgreSQL gives the same export, ids included, as on SQLite (CONTRACT: "on either store")."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from click.testing import CliRunner

from conftest import SAMPLE
from storyline.cli import cli
from storyline.pipeline import PipelineOptions, run
from storyline.query import export
from storyline.store import SQLiteStore, open_store


def _canonical(doc: dict[str, Any]) -> str:
    return json.dumps(doc, sort_keys=True, ensure_ascii=False)


def test_sample_corpus_exports_identically_on_both_stores(pg_store: Any, tmp_path: Path) -> None:
    lite = SQLiteStore(tmp_path / "s.db")
    run(lite, [str(SAMPLE)], PipelineOptions(use_nlp=False))
    run(pg_store, [str(SAMPLE)], PipelineOptions(use_nlp=False))
    a, b = export(lite), export(pg_store)
    assert len(b["articles"]) == len(a["articles"]) > 30 and b["stories"]
    assert _canonical(b) == _canonical(a)


def test_reingest_on_postgres_changes_nothing_and_cli_reads_it(pg_store: Any) -> None:
    run(pg_store, [str(SAMPLE)], PipelineOptions(use_nlp=False))
    before = _canonical(export(pg_store))
    report = run(pg_store, [str(SAMPLE)], PipelineOptions(use_nlp=False))
    assert _canonical(export(pg_store)) == before
    assert not report.new
    url = pg_store.url
    out = CliRunner().invoke(cli, ["stories", "--db", url])
    assert out.exit_code == 0 and out.output.count("\n    ") == len(pg_store.stories())
    hits = json.loads(CliRunner().invoke(cli, ["search", "dredging", "--db", url, "--format", "json"]).output)["hits"]
    assert any(h["kind"] == "article" for h in hits)


def test_unreachable_server_is_a_clear_error() -> None:
    import pytest

    from storyline.errors import StoreError

    pytest.importorskip("psycopg", reason='psycopg is not installed: pip install "storyline[postgres]"')
    with pytest.raises(StoreError, match=r"cannot connect to postgresql://nobody:\*\*\*@127\.0\.0\.1:9/x"):
        open_store("postgresql://nobody:secret@127.0.0.1:9/x?connect_timeout=2")
