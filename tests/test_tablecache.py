"""Derived tables kept on disk between processes (``storyline.tablecache``): read back equal to what is built,
never stale, and never in the way when the directory is damaged or cannot be written."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import msgspec
import pytest

from storyline import tablecache
from storyline.config import Settings
from storyline.extract.entities import places


class Table(msgspec.Struct, frozen=True):
    names: frozenset[str]
    codes: dict[str, str]


@pytest.fixture(autouse=True)
def no_cache_dir_after() -> Iterator[None]:
    yield
    tablecache.use_dir(None)
    places._tables.cache_clear()


@pytest.fixture
def source(tmp_path: Path) -> Path:
    """The file of the code a table is derived by."""
    path = tmp_path / "derive.py"
    path.write_text("RULE = 1\n")
    return path


def _counting_build(calls: list[int]) -> Table:
    calls.append(1)
    return Table(names=frozenset({"moscow", "seoul"}), codes={"kr": "KR"})


def _cached(source: Path, calls: list[int]) -> Table:
    return tablecache.cached("t", Table, lambda: _counting_build(calls), packages=("msgspec",), sources=(str(source),))


def test_a_table_is_built_once_and_read_back_equal(tmp_path: Path, source: Path) -> None:
    tablecache.use_dir(tmp_path / "cache")
    calls: list[int] = []
    first = _cached(source, calls)
    second = _cached(source, calls)
    assert calls == [1]  # the second came from the file
    assert second == first
    assert len(list((tmp_path / "cache").glob("t-*.msgpack"))) == 1


def test_a_changed_source_names_a_new_file(tmp_path: Path, source: Path) -> None:
    tablecache.use_dir(tmp_path)
    before = tablecache.file_for("t", ("msgspec",), (str(source),))
    source.write_text("RULE = 2\n")
    after = tablecache.file_for("t", ("msgspec",), (str(source),))
    assert before is not None and after is not None and before != after
    calls: list[int] = []
    _cached(source, calls)
    source.write_text("RULE = 1\n")
    _cached(source, calls)
    assert calls == [1, 1]  # each version of the code built its own table


def test_a_damaged_file_is_built_again_and_replaced(tmp_path: Path, source: Path) -> None:
    tablecache.use_dir(tmp_path / "cache")
    calls: list[int] = []
    good = _cached(source, calls)
    path = tablecache.file_for("t", ("msgspec",), (str(source),))
    assert path is not None
    path.write_bytes(b"\x93not a table")
    assert _cached(source, calls) == good
    assert calls == [1, 1]
    assert _cached(source, calls) == good and calls == [1, 1]  # the rebuilt table was written over the damage


def test_a_directory_that_cannot_be_written_leaves_the_table_in_memory(tmp_path: Path, source: Path) -> None:
    blocker = tmp_path / "not-a-dir"
    blocker.write_text("a file where the directory should be")
    tablecache.use_dir(blocker / "cache")
    calls: list[int] = []
    assert _cached(source, calls).codes == {"kr": "KR"}
    assert calls == [1]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["derive.py", "not-a-dir"]


def test_without_a_directory_nothing_is_written(tmp_path: Path, source: Path) -> None:
    tablecache.use_dir(None)
    calls: list[int] = []
    _cached(source, calls)
    _cached(source, calls)
    assert calls == [1, 1]
    assert tablecache.file_for("t", ("msgspec",), (str(source),)) is None


def test_the_place_tables_read_back_equal_to_those_built(tmp_path: Path) -> None:
    tablecache.use_dir(tmp_path)
    places._tables.cache_clear()
    written = places._tables()
    (path,) = tmp_path.glob("places-*.msgpack")
    places._tables.cache_clear()
    read = places._tables()
    assert read is not written
    built = places._build_tables()
    assert read == built
    assert len(read.cities) > 20_000 and "komsomolsk" in read.hyphenated
    # what the rules answer is the same either way
    assert places.place_key("Hokkaido", "GPE") == "region jp-01"
    assert places.country_name("ROK") == "South Korea"
    assert path.stat().st_size > 0


def test_settings_name_the_users_cache_directory() -> None:
    assert Settings.load({"HOME": "/home/ana"}).cache_dir == "/home/ana/.cache/storyline"
    assert Settings.load({"HOME": "/home/ana", "XDG_CACHE_HOME": "/var/cache/ana"}).cache_dir == (
        "/var/cache/ana/storyline"
    )
    assert Settings.load({"HOME": "/home/ana", "STORYLINE_CACHE_DIR": "/srv/tables"}).cache_dir == "/srv/tables"
    assert Settings.load({"HOME": "/home/ana", "STORYLINE_CACHE_DIR": "off"}).cache_dir is None
    assert Settings.load({}).cache_dir is None
    assert Settings().cache_dir is None  # a library caller keeps nothing on disk unless it asks


def test_the_command_line_keeps_the_place_tables(tmp_path: Path, seeds: Path) -> None:
    cache = tmp_path / "cache"
    env = {**os.environ, "STORYLINE_CACHE_DIR": str(cache)}
    one = next(iter(sorted(seeds.iterdir())))
    for db in ("a.db", "b.db"):
        done = subprocess.run(
            [
                str(Path(sys.executable).with_name("storyline")),
                "ingest",
                str(one),
                "--fast",
                "--db",
                str(tmp_path / db),
            ],
            env=env,
            capture_output=True,
            text=True,
            timeout=300,
        )
        assert done.returncode == 0, done.stderr
    assert len(list(cache.glob("places-*.msgpack"))) == 1
