"""Readers in several threads while one thread writes (what the HTTP API's worker threads will do), on a real
SQLite file (WAL, a connection per thread), SQLite ``:memory:`` (one shared connection) and PostgreSQL."""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from storyline.records import Article, Event, Story
from storyline.store import SQLiteStore, Store

ROUNDS = 30  # writes per test: enough that readers overlap open write transactions many times (seen: all do)
READERS = 4


def _article(i: int) -> Article:
    return Article(
        id=f"a-{i:04d}",
        source=f"f{i}.txt",
        text=f"Body {i}.",
        title=f"T{i}",
        published_from="none",
        content_hash=f"h{i}",
    )


def _state(n: int) -> tuple[list[Event], list[Story]]:
    """Round ``n``'s clusters: story s-k holds events of articles 0..n, all renamed for the round."""
    events = [Event(f"e-{i}", f"s-{i % 3}", None, f"round {n}", (f"a-{i:04d}",)) for i in range(n + 1)]
    stories = [Story(f"s-{k}", f"round {n}", (), ()) for k in range(3) if k <= n]
    return events, stories


@pytest.fixture(params=["sqlite-file", "sqlite-memory", "postgres"])
def shared_store(request: pytest.FixtureRequest, db_path: Path) -> Iterator[Any]:
    if request.param == "sqlite-file":
        s = SQLiteStore(db_path)
        yield s
        s.close()
    elif request.param == "sqlite-memory":
        s = SQLiteStore(":memory:")
        yield s
        s.close()
    else:
        yield request.getfixturevalue("pg_store")


def test_readers_see_the_old_or_the_new_state_never_an_error(shared_store: Store) -> None:
    store = shared_store
    store.add_articles([_article(i) for i in range(ROUNDS + 1)])
    events, stories = _state(2)  # from round 2 on there are three stories: every read finds something
    store.set_clusters(events, stories)
    errors: list[BaseException] = []
    seen: list[int] = []
    done = threading.Event()
    reads: list[Callable[[], int]] = [
        # each read returns the round it saw, after checking the state is one whole round
        lambda: _round_of_stories(store.stories()),
        lambda: _round_of_events(store.events()),
        lambda: _round_of_stories(store.stories(offset=1, limit=1)),
        lambda: _round_of_events(store.events(story="s-0")),
    ]

    def reader(read: Callable[[], int]) -> None:
        try:
            while not done.is_set():
                seen.append(read())
                assert len(store.articles(limit=5)) == 5
        except BaseException as exc:  # handed to the main thread, which fails the test with it
            errors.append(exc)

    threads = [threading.Thread(target=reader, args=(reads[i % len(reads)],)) for i in range(READERS)]
    for t in threads:
        t.start()
    try:
        for n in range(3, ROUNDS + 1):
            with store.atomic():  # one transaction of several statements: readers must not see it half done
                events, stories = _state(n)
                store.set_clusters(events, stories)
                store.set_comparisons([(f"e-{n}", "d", {"round": n})])
    finally:
        done.set()
        for t in threads:
            t.join(30)
    assert not errors, errors[0]
    assert all(not t.is_alive() for t in threads)
    assert len(seen) >= READERS and max(seen) <= ROUNDS
    assert _round_of_stories(store.stories()) == ROUNDS
    assert len(store.comparisons()) == ROUNDS - 2


def _round_of_events(events: list[Event]) -> int:
    rounds = {e.title for e in events}
    assert len(rounds) == 1, f"events of several rounds at once: {sorted(rounds)}"
    return int(rounds.pop().split()[1])


def _round_of_stories(stories: list[Story]) -> int:
    titles = {s.title for s in stories}
    assert len(titles) == 1, f"stories of several rounds at once: {sorted(titles)}"
    n = int(titles.pop().split()[1])
    for s in stories:
        k = int(s.id.split("-")[1])
        # a whole round: story s-k holds exactly the events e-i of that round with i % 3 == k
        assert s.events == tuple(f"e-{i}" for i in range(n + 1) if i % 3 == k), (n, s)
    return n
