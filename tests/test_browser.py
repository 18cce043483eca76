"""The reading room in a real browser: headless Chromium from the distribution's package, driven by Playwright for
Python, against a real uvicorn server on 127.0.0.1 over a store the pipeline filled from the bundled sample plus one
hostile article. Each test saves a screenshot under .ci/artifacts/.

Skipped when /usr/bin/chromium (or playwright) is missing, unless STORYLINE_REQUIRE_BROWSER is set (CI sets it):
then missing is a failure. The browser is never downloaded (``playwright install`` is not used).
"""

from __future__ import annotations

import os
import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from test_pages import HOSTILE, fill

CHROMIUM = Path("/usr/bin/chromium")
# flags for a sandboxed CI container: no GPU, no sandbox, no background traffic to any service
FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]
ARTIFACTS = Path(__file__).resolve().parent.parent / ".ci" / "artifacts"


def _missing(reason: str) -> None:
    if os.environ.get("STORYLINE_REQUIRE_BROWSER"):
        pytest.fail(f"browser tests required (STORYLINE_REQUIRE_BROWSER is set) but {reason}")
    pytest.skip(reason)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A uvicorn server in a thread over a filled store; yields its base URL."""
    uvicorn = pytest.importorskip("uvicorn")
    from storyline.config import Settings
    from storyline.web import create_app

    tmp = tmp_path_factory.mktemp("browser")
    fill(tmp / "browser.db", tmp)
    port = free_port()
    config = uvicorn.Config(
        create_app(Settings(db=str(tmp / "browser.db"))), host="127.0.0.1", port=port, log_level="warning"
    )
    srv = uvicorn.Server(config)
    thread = threading.Thread(target=srv.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not srv.started:
        if time.monotonic() > deadline or not thread.is_alive():
            pytest.fail("the server did not start")
        time.sleep(0.05)
    yield f"http://127.0.0.1:{port}"
    srv.should_exit = True
    thread.join(10)


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    if not CHROMIUM.exists():
        _missing(f"{CHROMIUM} not found (install the distribution's chromium package)")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        _missing("playwright is not installed (pip install 'storyline[dev]')")
    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=str(CHROMIUM), args=FLAGS)
        yield b
        b.close()


@pytest.fixture
def page(browser: Any, server: str, request: pytest.FixtureRequest) -> Iterator[Any]:
    """A fresh page; any JavaScript dialog (an alert an article smuggled in) is recorded and fails the test."""
    context = browser.new_context(viewport={"width": 1280, "height": 900}, base_url=server)
    pg = context.new_page()
    dialogs: list[str] = []
    errors: list[str] = []

    def on_dialog(d: Any) -> None:
        dialogs.append(d.message)
        d.dismiss()

    pg.on("dialog", on_dialog)
    pg.on("pageerror", lambda e: errors.append(str(e)))
    yield pg
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    pg.screenshot(path=str(ARTIFACTS / f"{request.node.name}.png"), full_page=True)
    context.close()
    assert not dialogs, f"a page ran script from article text: {dialogs}"
    assert not errors, f"JavaScript errors: {errors}"


def _open_biggest_story(page: Any) -> None:
    page.goto("/")
    titles = page.locator("a.story-title")
    assert titles.count() >= 3
    # the story with the most articles: its card says how many
    cards = page.locator("li.story-card")
    counts = [int(cards.nth(i).inner_text().split(" article")[0].split("·")[-1]) for i in range(cards.count())]
    titles.nth(counts.index(max(counts))).click()
    page.wait_for_selector("ol.timeline li.entry")


def test_story_list_to_a_story_and_a_citation_expanded_in_place(page: Any) -> None:
    _open_biggest_story(page)
    assert page.locator("ol.timeline li.entry").count() > 1
    first = page.locator("details.citation").first
    mark = first.locator("mark")
    assert not mark.is_visible()
    first.locator("summary").click()
    assert mark.is_visible()
    cited = mark.inner_text().strip()
    assert len(cited) > 20
    # the marked characters are the entry's summary sentence, in the context of its neighbours
    summary = page.locator("ol.timeline li.entry .summary").first.inner_text()
    assert " ".join(cited.split())[:40] in " ".join(summary.split())
    assert first.locator(".context").inner_text().strip() != cited
    page.wait_for_selector("#coverage.drawn svg", timeout=10_000)  # the coverage chart is drawn


def test_comparison_and_who_copied_whom(page: Any) -> None:
    _open_biggest_story(page)
    page.get_by_role("link", name="Compare outlets").first.click()
    page.wait_for_selector("section.comparison")
    assert page.locator(".columns .column").count() >= 2
    assert page.locator(".column h4").first.inner_text().strip()
    page.go_back()
    page.get_by_role("link", name="Who copied whom").first.click()
    page.wait_for_selector("li.flow")
    flow = page.locator("li.flow").first
    assert flow.locator(".carriers a.chip").count() >= 1
    words = flow.locator("details.shared-words p")
    assert not words.is_visible()
    flow.locator("details.shared-words summary").click()
    assert words.is_visible() and len(words.inner_text().split()) >= 5
    page.wait_for_selector("#flows.drawn svg", timeout=10_000)


def test_search_highlights_and_leads_to_a_timeline_of_the_results(page: Any) -> None:
    page.goto("/")
    box = page.get_by_role("searchbox", name="Search")
    box.fill("harbour")
    box.press("Enter")
    page.wait_for_selector("li.hit")
    assert page.locator("li.hit mark").count() >= 1
    assert page.locator("li.hit mark").first.inner_text().lower() == "harbour"
    page.get_by_role("link", name="Timeline of these results").click()
    page.wait_for_selector("ol.timeline li.entry")
    assert "Search: harbour" in page.locator("h1").inner_text()


def test_a_hostile_article_shows_its_markup_as_text(page: Any) -> None:
    page.goto("/search?q=levy&kind=article")
    page.locator("li.hit a", has_text="Council").first.click()
    page.wait_for_selector("article.reader")
    body = page.locator("article.reader .body").inner_text()
    assert "<script>alert('xss')</script>" in body
    assert '<a href="javascript:alert(1)">a link</a>' in body
    assert "<img src=x onerror=alert(2)>" in body
    assert page.locator("article.reader h1").inner_text() == HOSTILE["title"]
    assert (
        page.locator("article.reader script, article.reader img, article.reader .body a[href^='javascript']").count()
        == 0
    )
    assert page.evaluate("document.querySelectorAll('a[href^=\"javascript\"]').length") == 0
