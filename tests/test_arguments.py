"""Bad arguments are usage errors: every bad option value exits 2 saying what was expected, an unknown id exits 2
saying what was looked for, an unknown database URL scheme is refused, and a read command never creates a
database (issue 14, item 8)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from conftest import SAMPLE
from storyline import pipeline
from storyline.cli import cli
from storyline.errors import NotFound, StoreError
from storyline.pipeline import PipelineOptions
from storyline.store import SQLiteStore, open_store

READS = [
    ["stories"],
    ["timeline", "--all"],
    ["export"],
    ["export", "--format", "md"],
    ["rejections"],
    ["compare", "s-0"],
    ["history", "s-0"],
    ["show", "a-0"],
    ["search", "harbour"],
]


@pytest.fixture(scope="module")
def db(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    path = tmp_path_factory.mktemp("arguments") / "sample.db"
    store = SQLiteStore(path)
    pipeline.run(store, [str(SAMPLE)], PipelineOptions(use_nlp=False, workers=1))
    store.close()
    yield str(path)


def invoke(*args: str) -> Result:
    return CliRunner().invoke(cli, list(args))


@pytest.mark.parametrize(
    "value", ["2025-13-01", "2025-02-30", "2023-02-29", "2025-00", "2025-1-5", "25", "yesterday", "2025/01/05", ""]
)
@pytest.mark.parametrize("option", ["--since", "--until"])
def test_a_date_that_is_not_a_calendar_day_is_a_usage_error(db: str, option: str, value: str) -> None:
    got = invoke("timeline", "--all", "--db", db, option, value)
    assert got.exit_code == 2, got.output
    assert f"Invalid value for '{option}'" in got.output
    assert "expected YYYY, YYYY-MM or YYYY-MM-DD" in got.output


def test_a_month_or_a_year_stands_for_its_days(db: str) -> None:
    """``--since 2025-02 --until 2025-02`` is February, every day of it (the last day included), as a year is its
    twelve months."""
    month = invoke("timeline", "--all", "--db", db, "--since", "2025-02", "--until", "2025-02", "--format", "json")
    days = invoke("timeline", "--all", "--db", db, "--since", "2025-02-01", "--until", "2025-02-28", "--format", "json")
    assert month.exit_code == 0 and days.exit_code == 0, month.output + days.output
    assert month.output == days.output
    assert '"date": "2025-02-' in month.output  # the sample has February 2025 entries: the filter kept something
    year = invoke("timeline", "--all", "--db", db, "--since", "2025", "--until", "2025", "--format", "json")
    span = invoke("timeline", "--all", "--db", db, "--since", "2025-01-01", "--until", "2025-12-31", "--format", "json")
    assert year.exit_code == 0 and year.output == span.output
    assert '"date": "2024-' not in year.output


def test_a_leap_day_is_a_date(db: str) -> None:
    assert invoke("timeline", "--all", "--db", db, "--since", "2024-02-29").exit_code == 0


@pytest.mark.parametrize(
    "args",
    [
        ["timeline", "--all", "--dates", "0"],
        ["timeline", "--all", "--dates", "-1"],
        ["timeline", "--all", "--per-date", "0"],
        ["timeline", "--all", "--dates", "many"],
        ["search", "harbour", "--limit", "0"],
        ["search", "harbour", "--kind", "story"],
        ["timeline", "--all", "--format", "html"],
    ],
)
def test_a_bad_number_or_choice_is_a_usage_error(db: str, args: list[str]) -> None:
    got = invoke(*args, "--db", db)
    assert got.exit_code == 2, got.output
    assert f"Invalid value for '{args[2]}'" in got.output


def test_run_refuses_a_bad_option_before_it_creates_anything(tmp_path: Path) -> None:
    target = tmp_path / "new.db"
    got = invoke("run", str(SAMPLE), "--db", str(target), "--dates", "0")
    assert got.exit_code == 2, got.output
    assert not target.exists()


@pytest.mark.parametrize(
    ("args", "looked_for"),
    [
        (["timeline", "s-nosuchstory"], "s-nosuchstory"),
        (["compare", "e-nosuchevent"], "e-nosuchevent"),
        (["history", "s-nosuchstory"], "s-nosuchstory"),
        (["show", "a-nosucharticle"], "a-nosucharticle"),
        (["export", "--story", "s-nosuchstory"], "s-nosuchstory"),
        (["export", "--format", "md", "--story", "s-nosuchstory"], "s-nosuchstory"),
        (["timeline", "--entity", "Nobody Atall"], "Nobody Atall"),
    ],
)
def test_an_unknown_id_exits_2_naming_what_was_looked_for(db: str, args: list[str], looked_for: str) -> None:
    got = invoke(*args, "--db", db)
    assert got.exit_code == 2, got.output
    assert looked_for in got.output
    assert "Traceback" not in got.output


def test_an_ambiguous_prefix_exits_2_with_the_candidates(db: str) -> None:
    got = invoke("compare", "e-", "--db", db)  # every event id starts so
    assert got.exit_code == 2, got.output
    assert "e-" in got.output


@pytest.mark.parametrize(
    "url", ["mysql://user:secret@db.example/news", "redis://localhost/0", "http://example.org/x.db"]
)
def test_an_unknown_database_scheme_is_refused_not_taken_for_a_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, url: str
) -> None:
    monkeypatch.chdir(tmp_path)
    for args in (["stories"], ["ingest", str(SAMPLE)]):
        got = invoke(*args, "--db", url)
        assert got.exit_code == 2, got.output
        assert "unknown database URL scheme" in got.output and "--db" in got.output
        assert "secret" not in got.output  # the password is not echoed
    monkeypatch.setenv("STORYLINE_DB", url)
    assert invoke("stories").exit_code == 2
    assert list(tmp_path.iterdir()) == []  # no file named after the URL
    with pytest.raises(StoreError, match="unknown database URL scheme"):
        open_store(url)


@pytest.mark.parametrize("args", READS, ids=lambda a: " ".join(a))
def test_a_read_command_never_creates_a_database(tmp_path: Path, args: list[str]) -> None:
    missing = tmp_path / "mistyped.db"
    got = invoke(*args, "--db", str(missing))
    assert got.exit_code == 2, got.output
    assert f"no database at {missing}" in got.output and "storyline ingest" in got.output
    assert list(tmp_path.iterdir()) == []


def test_open_store_creates_only_when_asked(tmp_path: Path) -> None:
    missing = tmp_path / "x.db"
    for url in (str(missing), f"sqlite:///{missing}"):
        with pytest.raises(NotFound, match="no database at"):
            open_store(url, create=False)
    assert not missing.exists()
    open_store(str(missing)).close()  # the default creates (ingest, the library)
    assert missing.exists()
    open_store(str(missing), create=False).close()  # and then it opens for reading
    open_store(":memory:", create=False).close()


def test_ingest_creates_the_database(tmp_path: Path) -> None:
    target = tmp_path / "fresh.db"
    got = invoke("ingest", str(SAMPLE / "wire.jsonl"), "--db", str(target), "--no-nlp")
    assert got.exit_code == 0, got.output
    assert target.exists()
    assert invoke("stories", "--db", str(target)).exit_code == 0
