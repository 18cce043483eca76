"""The reading room over the five real seed articles (../shared/seeds): every story, its copies and comparison,
and every article answer, and a story page shows each of its entries with the characters it cites."""

from __future__ import annotations

import re
from collections.abc import Iterator
from html import unescape
from pathlib import Path

import pytest

pytest.importorskip("fastapi")
from fastapi.testclient import TestClient

from storyline.config import Settings
from storyline.pipeline import PipelineOptions, run
from storyline.store import SQLiteStore
from storyline.web import create_app


@pytest.fixture(scope="module")
def seeded(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[SQLiteStore, TestClient]]:
    from conftest import SEEDS

    if not SEEDS.is_dir():
        pytest.skip(f"{SEEDS} not found: the seed articles live in ../shared/seeds beside the repository")
    path: Path = tmp_path_factory.mktemp("seeds") / "seeds.db"
    store = SQLiteStore(path)
    run(store, [str(SEEDS)], PipelineOptions(use_nlp=False, workers=1))
    with TestClient(create_app(Settings(db=str(path)))) as client:
        yield store, client


def test_every_seed_page_answers(seeded: tuple[SQLiteStore, TestClient]) -> None:
    store, client = seeded
    stories = store.stories()
    assert stories and len(store.articles()) == 5
    listed = client.get("/").text
    for s in stories:
        assert f'href="/stories/{s.id}"' in listed
        for path in (f"/stories/{s.id}", f"/stories/{s.id}/copies", f"/compare/{s.id}", f"/history/{s.id}"):
            assert client.get(path).status_code == 200, path
    for a in store.articles():
        page = client.get(f"/articles/{a.id}")
        shown = unescape(re.sub(r"<[^>]+>", "", page.text)).replace("↗", "")  # the words, whatever marks them
        assert page.status_code == 200 and " ".join(a.text[:300].split()) in " ".join(shown.split())


def test_a_seed_story_page_shows_every_entry_and_its_cited_words(seeded: tuple[SQLiteStore, TestClient]) -> None:
    store, client = seeded
    texts = {a.id: a.text for a in store.articles()}
    for s in store.stories():
        page = unescape(re.sub(r"<[^>]+>", "", client.get(f"/stories/{s.id}").text))
        for entry in store.timeline(s.id):
            assert entry.summary in page or entry.summary[:60] in page
            for c in entry.citations:
                assert texts[c.article][c.start : c.end][:60] in page
