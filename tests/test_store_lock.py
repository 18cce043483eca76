"""``Store.lock_writes``: a second writer that takes the lock waits until the first transaction ends (both stores)."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from storyline.store import SQLiteStore


@pytest.mark.parametrize("backend", ["sqlite", "postgres"])
def test_a_second_writer_waits_for_the_first_ones_transaction(
    backend: str, db_path: Path, request: pytest.FixtureRequest
) -> None:
    # Contention is observed, not assumed from a sleep: the test holds the first writer's transaction open until it
    # has seen the second writer's lock attempt under way (SQLite: its BEGIN IMMEDIATE has started executing, traced
    # on its connection; PostgreSQL: the server lists its lock as not granted), checks that the attempt is
    # still pending, and only then commits; the second must get the lock after that commit. (Checked by hand: with
    # the second writer on another database file, so no contention, the test fails.)
    make: Callable[[], Any]
    if backend == "sqlite":
        first: Any = SQLiteStore(db_path)
        make = lambda: SQLiteStore(db_path)  # noqa: E731
    else:
        from storyline.store.postgres import PostgresStore

        first = request.getfixturevalue("pg_store")
        make = lambda: PostgresStore(first.url)  # noqa: E731
    second = make()
    attempting = threading.Event()  # the second writer's lock attempt is in the database (see above)
    acquired = threading.Event()
    order: list[str] = []

    def other() -> None:
        if backend == "sqlite":  # this thread's connection: a store may open one per thread
            second.conn.set_trace_callback(lambda sql: attempting.set() if sql.startswith("BEGIN IMMEDIATE") else None)
        with second.atomic():
            second.lock_writes()
            order.append("second has the lock")
            acquired.set()

    worker = threading.Thread(target=other)
    with first.atomic():
        first.lock_writes()
        worker.start()
        if backend == "postgres":
            _wait_for_a_waiting_session(first.url, attempting)
        assert attempting.wait(20), "the second writer never tried to take the lock"
        # still pending: given a moment (with the lock free it takes microseconds), it must not get the lock
        assert not acquired.wait(0.2), "the second writer got the lock while the first held it"
        order.append("first commits")
    assert acquired.wait(20), "the second writer never got the lock after the first committed"
    worker.join(20)
    second.close()
    assert order == ["first commits", "second has the lock"]


def _wait_for_a_waiting_session(url: str, seen: threading.Event, deadline: float = 20.0) -> None:
    """Poll the server (from a connection of its own) until a session of this database waits for a lock (whatever its
    kind: today an advisory lock); sets ``seen``."""
    import psycopg

    with psycopg.connect(url, autocommit=True) as watcher:
        end = time.monotonic() + deadline
        while time.monotonic() < end:
            row = watcher.execute(
                "SELECT count(*) FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid "
                "WHERE NOT l.granted AND a.datname = current_database()"
            ).fetchone()
            if row is not None and row[0] > 0:
                seen.set()
                return
            time.sleep(0.01)
