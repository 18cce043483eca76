"""Crash safety as a test (issue 14, item 4): SIGKILL at random points of a 2,000-article ingest, 20 times on
SQLite and 20 times on PostgreSQL.

The child is a small program that runs the pipeline (ingest, then analyse) with two worker processes, batches of
100 articles, and a line in a log file after each batch it committed. The articles are short invented ones, written
at run time. Each kill falls at a random moment of a run as long as a clean run: when a killed run leaves a
database behind, the next run resumes it; once a run finishes, the next starts on a fresh database. After every
kill:

- the database is intact (``PRAGMA integrity_check`` and ``foreign_key_check`` on SQLite; on PostgreSQL a fresh
  connection reads every table and the article counts agree);
- no article is stored twice (one row per input line, per URL and per text);
- every batch the child reported committed is there, and what is stored is whole batches, in input order;
- no worker process outlives the killed one (nothing is left in its process group).

Finally a re-run completes the set, and its export is byte-identical to a clean run's. The kills run in two lanes
at once (a database each, ten kills each), which halves the test's time on a machine with two cores or more.
Set STORYLINE_CRASH_SEED to replay a failure's kill times.
"""

from __future__ import annotations

import json
import os
import random
import signal
import sqlite3
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import closing
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from conftest import ROOT

N_ARTICLES = 2000
BATCH = 100
KILLS = 20
SEED = int(os.environ.get("STORYLINE_CRASH_SEED", str(time.time_ns() % 1_000_000)))


DRIVER = """
import contextlib
import sys

from storyline import pipeline
from storyline.pipeline import PipelineOptions
from storyline.store import open_store


def main(url, source, log):
    options = PipelineOptions(use_nlp=False, workers=2, batch_size=BATCH_SIZE, extract_batch=250, parallel_min=32)
    store = open_store(url)
    with open(log, "a", encoding="utf-8") as fh:
        done = 0

        class Committed:  # a progress whose "read" step advances after each batch's transaction committed
            @contextlib.contextmanager
            def task(self, name, total=None, unit="articles"):
                yield self

            def advance(self, n=1):
                nonlocal done
                done += n
                fh.write(f"{done}\\n")
                fh.flush()

        committed = Committed()

        fh.write("start\\n")
        fh.flush()
        pipeline.ingest(store, [source], options, progress=committed)
        pipeline.analyse(store, options)
        fh.write("finished\\n")
        fh.flush()
    store.close()


if __name__ == "__main__":  # worker processes import this file too
    main(*sys.argv[1:4])
""".replace("BATCH_SIZE", str(BATCH))


def _articles(path: Path) -> None:
    """``N_ARTICLES`` short invented articles, one JSON line each: a few towns, places and happenings, so the
    clustering, the dedupe index and the comparisons all have work."""
    rng = random.Random(2000)
    towns = ["Harwick", "Loddon", "Brimsey", "Castelford", "Avonmere", "Kettleby", "Ormsby", "Pellham"]
    places = ["bridge", "library", "harbour", "school", "market", "railway", "hospital", "park"]
    happened = ["reopened", "closed", "flooded", "was repaired", "was sold", "won an award"]
    outlets = ["Harwick Gazette", "Loddon Post", "Brimsey Echo", "Valley Times"]
    with path.open("w", encoding="utf-8") as fh:
        for i in range(N_ARTICLES):
            town, place, what = rng.choice(towns), rng.choice(places), rng.choice(happened)
            month, day = 1 + (i // 28) % 12, 1 + i % 28
            doc = {
                "title": f"{town} {place} {what}",
                "text": f"The {town} {place} {what} on Monday, the council said in notice {i}.",
                "outlet": rng.choice(outlets),
                "published": f"2024-{month:02d}-{day:02d}",
                "url": f"https://news.example/{i}",
            }
            fh.write(json.dumps(doc) + "\n")


@dataclass
class Backend:
    """Where a run's database lives, how to make a fresh one, and how to read it without the store."""

    name: str
    tmp: Path
    pg_url: str | None = None
    created: list[str] = field(default_factory=list)

    def fresh(self) -> str:
        if self.pg_url is None:
            return str(self.tmp / f"crash-{uuid.uuid4().hex[:8]}.db")
        import psycopg

        name = f"crash_{uuid.uuid4().hex[:12]}"
        with psycopg.connect(self.pg_url, autocommit=True) as admin:
            admin.execute(f"CREATE DATABASE {name}")
        self.created.append(name)
        return self.pg_url.rsplit("/", 1)[0] + f"/{name}"

    def drop(self) -> None:
        """Drop the PostgreSQL databases this test made."""
        if self.pg_url is None:
            return
        import psycopg

        with psycopg.connect(self.pg_url, autocommit=True) as admin:
            for name in self.created:
                admin.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")

    def rows(self, url: str) -> list[tuple[str, str | None, str]]:
        """(source, url, content hash) of every stored article, after checking the database is intact."""
        if self.pg_url is None:
            if not Path(url).exists():
                return []
            with closing(sqlite3.connect(url)) as conn:
                assert conn.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
                assert conn.execute("PRAGMA foreign_key_check").fetchall() == []
                tables = [r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")]
                if "articles" not in tables:
                    return []
                return list(conn.execute("SELECT source, url, content_hash FROM articles"))
        import psycopg

        with psycopg.connect(url, autocommit=True) as conn:
            tables = [r[0] for r in conn.execute("SELECT tablename FROM pg_tables WHERE schemaname = current_schema()")]
            for t in tables:  # every page of every table reads back
                conn.execute(f'SELECT count(*) FROM "{t}"').fetchone()
            if "articles" not in tables:
                return []
            (n, ids) = conn.execute("SELECT count(*), count(DISTINCT id) FROM articles").fetchone() or (0, 0)
            assert n == ids
            return [tuple(r) for r in conn.execute("SELECT source, url, content_hash FROM articles")]

    def export(self, url: str) -> str:
        from storyline import query
        from storyline.export import document
        from storyline.store import open_store

        store = open_store(url, create=False)
        try:
            return json.dumps(document(query.export_data(store)), indent=2, ensure_ascii=False)
        finally:
            store.close()


def _group(pgid: int) -> list[str]:
    """The live processes of process group ``pgid``: "PID command line"."""
    out = []
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            stat = Path(f"/proc/{entry}/stat").read_text()
            cmd = Path(f"/proc/{entry}/cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
        except OSError:
            continue
        fields = stat.rsplit(")", 1)[1].split()
        if int(fields[2]) == pgid and fields[0] != "Z":
            out.append(f"{entry} {cmd[:120]}")
    return out


def _no_orphans(pgid: int) -> list[str]:
    """Waits up to 10 s for the killed process's group to empty; returns what is left (then kills it)."""
    deadline = time.monotonic() + 10
    left = _group(pgid)
    while left and time.monotonic() < deadline:
        time.sleep(0.05)
        left = _group(pgid)
    if left:
        os.killpg(pgid, signal.SIGKILL)  # our child's own group: leave nothing running after the test
    return left


@dataclass
class Child:
    proc: subprocess.Popen[bytes]
    log: Path

    def stderr(self) -> str:
        err = self.log.with_suffix(".err")
        return err.read_text(encoding="utf-8", errors="replace")[-3000:] if err.exists() else ""

    def committed(self) -> int:
        lines = self.log.read_text(encoding="utf-8").split() if self.log.exists() else []
        return max((int(x) for x in lines if x.isdigit()), default=0)

    def finished(self) -> bool:
        return self.log.exists() and "finished" in self.log.read_text(encoding="utf-8").split()


def _start(driver: Path, url: str, source: Path, log: Path) -> Child:
    log.unlink(missing_ok=True)
    with log.with_suffix(".err").open("wb") as err:
        proc = subprocess.Popen(
            [sys.executable, str(driver), url, str(source), str(log)],
            cwd=ROOT,
            stdout=subprocess.DEVNULL,
            stderr=err,
            start_new_session=True,  # its own process group: the workers it leaves behind, if any, are found by it
        )
    return Child(proc, log)


def _line(url: str | None) -> int:
    """The input line an article came from (line N holds https://news.example/N-1)."""
    assert url is not None
    return int(url.rsplit("/", 1)[1]) + 1


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    tmp = tmp_path_factory.mktemp("crash")
    source = tmp / "articles.jsonl"
    _articles(source)
    driver = tmp / "driver.py"
    driver.write_text(DRIVER, encoding="utf-8")
    return source, driver


@pytest.fixture(params=["sqlite", "postgres"])
def backend(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Backend]:
    if request.param == "sqlite":
        yield Backend("sqlite", tmp_path)
    else:
        pg = Backend("postgres", tmp_path, request.getfixturevalue("pg_url"))
        yield pg
        pg.drop()


def _run(driver: Path, url: str, source: Path, log: Path) -> float:
    """One whole run, not killed; its length in seconds."""
    started = time.monotonic()
    child = _start(driver, url, source, log)
    child.proc.wait(timeout=300)
    length = time.monotonic() - started
    assert child.proc.returncode == 0 and child.finished(), child.stderr()
    assert _no_orphans(child.proc.pid) == []
    return length


def _lane(backend: Backend, driver: Path, source: Path, log: Path, kills: int, length: float, seed: str) -> str:
    """Kill runs at random moments until ``kills`` kills, checking the database after each; returns the URL of
    the last database (killed at least once)."""
    rng = random.Random(seed)
    url = backend.fresh()
    done: list[str] = []
    while len(done) < kills:
        child = _start(driver, url, source, log)
        delay = rng.uniform(0.0, length)
        try:
            child.proc.wait(timeout=delay)
        except subprocess.TimeoutExpired:
            os.kill(child.proc.pid, signal.SIGKILL)
            child.proc.wait()
        else:  # it finished before the kill: the set is complete; start again on a fresh database
            assert child.proc.returncode == 0, child.stderr()
            assert len(backend.rows(url)) == N_ARTICLES
            url = backend.fresh()
            continue
        where = f"{log.stem} kill {len(done) + 1} after {delay:.2f} s (STORYLINE_CRASH_SEED={SEED}, {backend.name})"
        left = _no_orphans(child.proc.pid)
        assert not left, f"{where}: worker processes outlived their parent: {left}"
        rows = backend.rows(url)
        lines = sorted(_line(u) for _, u, _ in rows)
        assert len(set(lines)) == len(lines), f"{where}: an input line stored twice"
        assert len({u for _, u, _ in rows}) == len(rows), f"{where}: a URL stored twice"
        assert len({h for _, _, h in rows}) == len(rows), f"{where}: a text stored twice"
        reported = child.committed()
        assert len(rows) >= reported, f"{where}: {reported} reported committed, {len(rows)} stored"
        assert lines == list(range(1, len(rows) + 1)), f"{where}: stored lines are not the first ones"
        assert len(rows) % BATCH == 0 or len(rows) == N_ARTICLES, f"{where}: a part of a batch is stored"
        done.append(f"{delay:.2f}s:{len(rows)}")
    return url


@pytest.mark.slow
def test_sigkill_at_random_points_loses_nothing_and_leaves_nothing_running(
    corpus: tuple[Path, Path], backend: Backend, tmp_path: Path
) -> None:
    """Two lanes at once (a database each, half the kills each), so the 20 kills take half the time."""
    source, driver = corpus
    lanes = 2
    with ThreadPoolExecutor(lanes) as pool:
        # clean runs, side by side as the lanes will run: how long a run takes there, and the export to match
        clean_urls = [backend.fresh() for _ in range(lanes)]
        lengths = list(
            pool.map(lambda i: _run(driver, clean_urls[i], source, tmp_path / f"clean{i}.log"), range(lanes))
        )
        clean = backend.export(clean_urls[0])
        assert backend.export(clean_urls[1]) == clean
        assert len(backend.rows(clean_urls[0])) == N_ARTICLES
        length = max(lengths)
        urls = list(
            pool.map(
                lambda i: _lane(
                    backend,
                    driver,
                    source,
                    tmp_path / f"lane{i}.log",
                    KILLS // lanes,
                    length,
                    f"{SEED}-{backend.name}-{i}",
                ),
                range(lanes),
            )
        )
        # each lane's last database: a re-run completes it, and it reads as the clean run's
        list(pool.map(lambda i: _run(driver, urls[i], source, tmp_path / f"final{i}.log"), range(lanes)))
    for url in urls:
        assert len(backend.rows(url)) == N_ARTICLES
        assert backend.export(url) == clean, f"the export after kills differs from a clean run's (seed {SEED})"


POOL = """
import sys
import time

from storyline.pipeline.runners import ProcessRunner

if __name__ == "__main__":
    with ProcessRunner(2, start_method=sys.argv[1], min_items=1) as runner:
        runner.map(time.sleep, [0.2] * 1000)
"""


@pytest.mark.parametrize("method", ["fork", "forkserver", "spawn"])
def test_pool_workers_die_with_their_killed_parent(tmp_path: Path, method: str) -> None:
    """Busy workers of a ``ProcessRunner`` end when their parent is killed, whatever the start method."""
    script = tmp_path / "pool.py"
    script.write_text(POOL, encoding="utf-8")
    proc = subprocess.Popen([sys.executable, str(script), method], cwd=ROOT, start_new_session=True)
    try:
        deadline = time.monotonic() + 60
        while len(_group(proc.pid)) < 3 and time.monotonic() < deadline:  # the parent and its two workers
            time.sleep(0.05)
        assert len(_group(proc.pid)) >= 3, _group(proc.pid)
        time.sleep(0.3)  # the workers are sleeping through their tasks
    finally:
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait()
    assert _no_orphans(proc.pid) == []
