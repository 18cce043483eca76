"""The reading room reads in bulk: a page's SQL statements do not grow with the story or the article it shows.

An in-memory SQLite store (one connection, shared by the server's threads) filled by the pipeline from the sample;
SQLite's trace callback counts every statement a request runs."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from conftest import SAMPLE

pytest.importorskip("fastapi")
from fastapi.testclient import TestClient

from storyline.config import Settings
from storyline.pipeline import PipelineOptions, run
from storyline.store import SQLiteStore
from storyline.web import create_app


@pytest.fixture(scope="module")
def traced() -> Iterator[tuple[SQLiteStore, TestClient, list[str]]]:
    store = SQLiteStore(":memory:")
    run(store, [str(SAMPLE)], PipelineOptions(use_nlp=False, workers=1))
    seen: list[str] = []
    store.conn.set_trace_callback(seen.append)
    with TestClient(create_app(Settings(db=":memory:"), store=store)) as client:
        yield store, client, seen
    store.conn.set_trace_callback(None)


def _statements(client: TestClient, seen: list[str], path: str) -> int:
    seen.clear()
    response = client.get(path)
    assert response.status_code == 200, path
    return sum(1 for s in seen if s.lstrip().upper().startswith("SELECT"))


@pytest.mark.parametrize("route", ["/stories/{}", "/api/stories/{}/timeline", "/stories/{}/copies"])
def test_a_story_page_reads_do_not_grow_with_its_size(
    traced: tuple[SQLiteStore, TestClient, list[str]], route: str
) -> None:
    store, client, seen = traced
    sizes = {s.id: len(s.articles) + len(s.events) for s in store.stories()}
    counts = {sid: _statements(client, seen, route.format(sid)) for sid in sizes}
    assert len(set(sizes.values())) > 1, "stories of different sizes"
    # one read per table (a passage-text read only when a story shares passages), never one per article or event
    assert max(counts.values()) - min(counts.values()) <= 1, counts
    assert max(counts.values()) < min(sizes.values()), (counts, sizes)


def test_an_article_page_reads_the_same_whatever_its_spans(traced: tuple[SQLiteStore, TestClient, list[str]]) -> None:
    store, client, seen = traced
    by_mentions = sorted(store.articles(), key=lambda a: len(store.mentions([a.id])))
    few, many = by_mentions[0], by_mentions[-1]
    assert len(store.mentions([many.id])) > len(store.mentions([few.id]))
    counts = [_statements(client, seen, f"/articles/{a.id}") for a in (few, many)]
    assert abs(counts[0] - counts[1]) <= 1, counts  # a read of entities only when there are mentions


def test_the_story_list_reads_one_page_not_every_story(traced: tuple[SQLiteStore, TestClient, list[str]]) -> None:
    _, client, seen = traced
    one = _statements(client, seen, "/api/stories?limit=1")
    every = _statements(client, seen, "/api/stories?limit=50")
    assert one == every
