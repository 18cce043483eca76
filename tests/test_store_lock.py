"""``Store.lock_writes``: a second writer that takes the lock waits until the first transaction ends (both stores)."""

from __future__ import annotations

import threading
import time
from pathlib import Path
from typing import Any, Callable

import pytest

from storyline.store import SQLiteStore


@pytest.mark.parametrize("backend", ["sqlite", "postgres"])
def test_a_second_writer_waits_for_the_first_ones_transaction(
    backend: str, db_path: Path, request: pytest.FixtureRequest
) -> None:
    make: Callable[[], Any]
    if backend == "sqlite":
        first: Any = SQLiteStore(db_path)
        make = lambda: SQLiteStore(db_path)  # noqa: E731
    else:
        from storyline.store.postgres import PostgresStore

        first = request.getfixturevalue("pg_store")
        make = lambda: PostgresStore(first.url)  # noqa: E731
    second = make()
    events: list[tuple[str, float]] = []
    held = threading.Event()

    def other() -> None:
        held.wait(10)
        with second.atomic():
            second.lock_writes()
            events.append(("second has the lock", time.monotonic()))

    worker = threading.Thread(target=other)
    worker.start()
    with first.atomic():
        first.lock_writes()
        held.set()
        time.sleep(0.5)  # the second writer is blocked meanwhile
        events.append(("first commits", time.monotonic()))
    worker.join(20)
    second.close()
    assert [name for name, _ in events] == ["first commits", "second has the lock"]
