"""Shared fixtures: real SQLite stores (in memory and on disk), paths to ../shared data."""

from __future__ import annotations

import importlib.util
import os
import random
import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest

from storyline.store import SQLiteStore

ROOT = Path(__file__).resolve().parent.parent
SHARED = ROOT.parent / "shared"
SEEDS = SHARED / "seeds"
SAMPLE = ROOT / "examples" / "sample"
T17 = SHARED / "datasets" / "timeline17"


def t17_grown(n: int) -> list[Any]:
    """``n`` distinct news-like articles grown from Timeline17 at run time (``bench/scale_corpus.py``), or a skip
    when ../shared is absent. Nothing of T17 is kept in the repository."""
    import sys

    from storyline.records import Article

    if not T17.is_dir():
        pytest.skip("../shared/datasets/timeline17 not found: Timeline17 lives beside the repository")
    sys.path.insert(0, str(ROOT / "bench"))
    from scale_corpus import articles as scaled  # type: ignore[import-not-found]

    return [
        Article(id=r["id"], source=r["outlet"], text=r["text"], published=r["published"], outlet=r["outlet"])
        for r in scaled(n)
    ]


GOLD = ROOT / "tests" / "gold"


@pytest.fixture
def store() -> Iterator[SQLiteStore]:
    s = SQLiteStore(":memory:")
    yield s
    s.close()


@pytest.fixture
def db_path(tmp_path: Path) -> Path:
    return tmp_path / "test.db"


@pytest.fixture
def seeds() -> Path:
    if not SEEDS.is_dir():
        pytest.skip(f"{SEEDS} not found: the seed articles live in ../shared/seeds beside the repository")
    return SEEDS


def read_seed(prefix: str) -> str:
    """The text of seed ``prefix`` (e.g. "000") from ../shared/seeds; skips the test where it is absent."""
    paths = sorted(SEEDS.glob(f"{prefix}_*.txt")) if SEEDS.is_dir() else []
    if not paths:
        pytest.skip(f"../shared/seeds not found: no {SEEDS}/{prefix}_*.txt beside the repository")
    return paths[0].read_text(encoding="utf-8")


# PostgreSQL: a real throwaway server for the session -------------------------------------------------------------
# STORYLINE_TEST_POSTGRES=postgresql://user@host:port/db uses a running server (one where the user may CREATE DATABASE);
# otherwise the Debian server binaries (apt-get install postgresql) start a private cluster on a free port.
# STORYLINE_REQUIRE_POSTGRES=1 (set by CI) turns "skipped: no server" into a failure.


def _skip_or_fail(reason: str) -> None:
    import os

    if os.environ.get("STORYLINE_REQUIRE_POSTGRES"):
        pytest.fail(f"PostgreSQL required (STORYLINE_REQUIRE_POSTGRES is set) but {reason}")
    pytest.skip(reason)


def _pg_bindir() -> Path | None:
    import glob
    import shutil

    found = shutil.which("initdb")
    if found:
        return Path(found).parent
    versions = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"), key=lambda p: int(p.split("/")[4]))
    return Path(versions[-1]).parent if versions else None


@pytest.fixture(scope="session")
def pg_url() -> Iterator[str]:
    import importlib.util
    import os
    import shutil
    import socket
    import subprocess

    if importlib.util.find_spec("psycopg") is None:
        _skip_or_fail('psycopg is not installed: pip install "storyline[postgres]"')
    if os.environ.get("STORYLINE_TEST_POSTGRES"):
        yield os.environ["STORYLINE_TEST_POSTGRES"]
        return
    bindir = _pg_bindir()
    if bindir is None:
        _skip_or_fail(
            "no PostgreSQL server binaries (initdb) found: apt-get install postgresql, "
            "or set STORYLINE_TEST_POSTGRES to a server's URL"
        )
        return
    import tempfile

    home = Path(tempfile.mkdtemp(prefix="storyline-pg-"))  # not under pytest's 0700 root-owned folders
    data = home / "data"
    as_user: list[str] = []
    if os.geteuid() == 0:  # the server refuses to run as root: run it as the postgres user
        as_user = ["runuser", "-u", "postgres", "--"]
        shutil.chown(home, "postgres")
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]

    def run(*cmd: str) -> None:
        done = subprocess.run([*as_user, *cmd], capture_output=True, text=True)
        if done.returncode:
            _skip_or_fail(f"could not start a PostgreSQL server ({' '.join(cmd[:1])}): {done.stderr.strip()[-500:]}")

    run(
        str(bindir / "initdb"),
        "-D",
        str(data),
        "-U",
        "storyline",
        "--auth=trust",
        "-E",
        "UTF8",
        "--locale=C.UTF-8",
        "-N",
    )
    opts = f"-p {port} -k {home} -c listen_addresses=127.0.0.1 -c fsync=off -c full_page_writes=off"
    run(str(bindir / "pg_ctl"), "-D", str(data), "-w", "-l", str(home / "server.log"), "-o", opts, "start")
    try:
        yield f"postgresql://storyline@127.0.0.1:{port}/postgres"
    finally:
        subprocess.run(
            [*as_user, str(bindir / "pg_ctl"), "-D", str(data), "-m", "fast", "-w", "stop"], capture_output=True
        )
        shutil.rmtree(home, ignore_errors=True)


@pytest.fixture
def pg_store(pg_url: str) -> Iterator[Any]:
    """A PostgresStore on a fresh database of its own, dropped afterwards."""
    with pg_database(pg_url) as store:
        yield store


@contextmanager
def pg_database(pg_url: str) -> Iterator[Any]:
    """A PostgresStore on a new database of the test server, dropped on exit."""
    import uuid

    import psycopg

    from storyline.store.postgres import PostgresStore

    name = f"t_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(pg_url, autocommit=True) as admin:
        admin.execute(f"CREATE DATABASE {name}")
    store = PostgresStore(pg_url.rsplit("/", 1)[0] + f"/{name}")
    try:
        yield store
    finally:
        store.close()
        with psycopg.connect(pg_url, autocommit=True) as admin:
            admin.execute(f"DROP DATABASE {name}")


@pytest.fixture(params=["sqlite", "postgres"])
def any_store(request: pytest.FixtureRequest) -> Any:
    """The same test on both backends (one Store interface, two implementations)."""
    if request.param == "sqlite":
        return request.getfixturevalue("store")
    return request.getfixturevalue("pg_store")


@pytest.fixture
def other_store(request: pytest.FixtureRequest, any_store: Any) -> Iterator[Any]:
    """A second, empty store of the same backend as ``any_store`` (a from-scratch reference beside it)."""
    if isinstance(any_store, SQLiteStore):
        s = SQLiteStore(":memory:")
        yield s
        s.close()
        return
    with pg_database(request.getfixturevalue("pg_url")) as store:
        yield store


def dedupe_rows(store: Any) -> dict[str, list[tuple[Any, ...]]]:
    """Every row of a store's dedupe index, each table sorted, with articles named by id (the index numbers an
    article gets, ``doc``, follow the order articles joined it)."""
    queries = {
        "keys": "SELECT g.article, k.key FROM dedupe_keys k JOIN dedupe_groups g ON g.doc = k.doc",
        "groups": "SELECT article, grp FROM dedupe_groups",
        "tokens": "SELECT article, vocab, seq, quoted FROM dedupe_tokens",
        "crowded": "SELECT key FROM dedupe_crowded",
        "spans": "SELECT id, anchor, tokens FROM dedupe_spans",
        "producers": "SELECT span, article FROM dedupe_span_producers",
        "carriers": "SELECT span, article, pos FROM dedupe_span_carriers",
        "duplicates": "SELECT article, duplicate_of, kind, similarity FROM duplicates",
        "passages": "SELECT id, text, origin_article, origin_agency, articles, wire FROM passages",
    }
    return {name: sorted(tuple(map(_plain, row)) for row in store._all(sql)) for name, sql in queries.items()}


def _plain(value: Any) -> Any:
    """A column value as SQLite gives it (PostgreSQL gives bytea as a memoryview)."""
    return bytes(value) if isinstance(value, memoryview) else value


def shuffled_rounds(items: list[Any], seed: int, sizes: tuple[int, ...] | None = None) -> list[list[Any]]:
    """``items`` in a random order cut into rounds of random sizes (each one of ``sizes``, else 1 to a quarter of
    them): the batchings an incremental = from-scratch test feeds."""
    rng = random.Random(seed)
    order = items[:]
    rng.shuffle(order)
    rounds, at = [], 0
    while at < len(order):
        n = rng.choice(sizes) if sizes else rng.randint(1, max(1, len(order) // 4))
        rounds.append(order[at : at + n])
        at += n
    return rounds


def _skip_or_fail(reason: str) -> None:
    if os.environ.get("STORYLINE_REQUIRE_SPARK"):
        pytest.fail(f"Spark required (STORYLINE_REQUIRE_SPARK is set) but {reason}")
    pytest.skip(reason)


@pytest.fixture(scope="module")
def spark() -> Iterator[Any]:
    """A local Spark session (``local[2,3]``: two cores, a failed task retried) for one test module; skipped
    without pyspark or Java, unless STORYLINE_REQUIRE_SPARK is set (CI), where that is a failure."""
    if importlib.util.find_spec("pyspark") is None:
        _skip_or_fail('pyspark is not installed: pip install "storyline[spark]"')
    if not os.environ.get("JAVA_HOME") and shutil.which("java") is None:
        _skip_or_fail("no java to start Spark with: apt-get install openjdk-17-jre-headless")
    from storyline.batch.spark import session

    with session("local[2,3]") as s:
        yield s


@pytest.fixture
def spilling(spark: Any) -> Iterator[Any]:
    """The session with a Python worker memory of 1 MB: every group-by spills to disk, sorting its keys, as a
    large corpus's shuffles do past the default 512 MB (read when an RDD is defined, so set here and restored)."""
    conf = spark.sparkContext._conf
    before = conf.get("spark.python.worker.memory", None)
    conf.set("spark.python.worker.memory", "1m")
    try:
        yield spark
    finally:
        conf.set("spark.python.worker.memory", before or "512m")
