"""The web reading room (storyline.web.pages) over a real store filled by the pipeline from the bundled sample plus
one hostile article, through FastAPI's in-process client: every page answers, links where it says, names its JSON
alternate, and shows article text as text."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from html import unescape
from pathlib import Path

import pytest

from conftest import SAMPLE

pytest.importorskip("fastapi")
from fastapi.testclient import TestClient

from storyline import query
from storyline.config import Settings
from storyline.pipeline import PipelineOptions, run
from storyline.render import cited_context, comparison_columns
from storyline.store import SQLiteStore
from storyline.web import charts, create_app
from storyline.web.markup import Span, external_url, marked, snippet_html

# one article written for these tests: markup, a script and a javascript: link in its title, outlet and text
HOSTILE = {
    "url": "javascript:alert('url')",
    "outlet": "Hostile <b>Outlet</b>",
    "title": "Council <script>alert('title')</script> vote on Portvale harbour levy",
    "published": "2025-03-04",
    "text": (
        "PORTVALE, March 4 - The city council voted on Tuesday to delay the harbour levy "
        "<script>alert('xss')</script> after a long debate. Critics posted "
        '<a href="javascript:alert(1)">a link</a> and <img src=x onerror=alert(2)> in the minutes. '
        '"We will not pay twice," said councillor Mira Holt. The vote was 7 to 4 & the levy returns in May.'
    ),
}


def fill(path: Path, tmp: Path) -> SQLiteStore:
    """A store at ``path`` filled by the pipeline from the sample corpus and the hostile article."""
    hostile = tmp / "hostile.jsonl"
    hostile.write_text(json.dumps(HOSTILE) + "\n", encoding="utf-8")
    store = SQLiteStore(path)
    run(store, [str(SAMPLE), str(hostile)], PipelineOptions(use_nlp=False, workers=1))
    return store


@pytest.fixture(scope="module")
def filled(tmp_path_factory: pytest.TempPathFactory) -> tuple[SQLiteStore, Path]:
    tmp = tmp_path_factory.mktemp("pages")
    return fill(tmp / "pages.db", tmp), tmp / "pages.db"


@pytest.fixture(scope="module")
def client(filled: tuple[SQLiteStore, Path]) -> Iterator[TestClient]:
    with TestClient(create_app(Settings(db=str(filled[1])))) as c:
        yield c


@pytest.fixture(scope="module")
def store(filled: tuple[SQLiteStore, Path]) -> SQLiteStore:
    return filled[0]


def _biggest(store: SQLiteStore) -> str:
    return max(store.stories(), key=lambda s: len(s.articles)).id


def _hostile(store: SQLiteStore) -> str:
    (art,) = [a for a in store.articles() if a.title and "<script>" in a.title]
    return art.id


def _pages(store: SQLiteStore) -> list[str]:
    story = _biggest(store)
    event = store.events(story=story)[0].id
    entity = query.entities(store, limit=1)[0].id
    return [
        "/",
        "/?since=2025-01-01&outlet=Global%20Dispatch",
        f"/stories/{story}",
        f"/stories/{story[:8]}?dates=2&per_date=2",
        f"/stories/{story}/copies",
        f"/compare/{story}",
        f"/compare/{event}",
        f"/articles/{_hostile(store)}",
        f"/articles/{store.articles()[0].id}",
        "/entities",
        "/entities?type=PERSON",
        f"/entities/{entity}",
        "/search?q=harbour",
        "/timeline?query=harbour",
        f"/timeline?entity={entity}",
        "/timeline?everything=true&dates=3",
        f"/history/{story}",
    ]


def test_every_page_answers_and_links_its_json_alternate(client: TestClient, store: SQLiteStore) -> None:
    for url in _pages(store):
        page = client.get(url)
        assert page.status_code == 200, url
        assert page.headers["content-type"].startswith("text/html"), url
        found = re.search(r'<link rel="alternate" type="application/json" href="([^"]+)">', page.text)
        assert found, f"{url} names no JSON alternate"
        alternate = unescape(found.group(1))
        assert alternate.startswith("/api/"), (url, alternate)
        answer = client.get(alternate)
        assert answer.status_code == 200, (url, alternate, answer.text[:200])
        assert answer.headers["content-type"].startswith("application/json"), alternate


def test_pages_load_nothing_from_elsewhere(client: TestClient, store: SQLiteStore) -> None:
    for url in _pages(store):
        text = client.get(url).text
        sources = re.findall(r'<(?:script|link)[^>]+(?:src|href)="([^"]+)"', text)
        assert all(s.startswith("/") for s in sources), (url, sources)
    assert client.get("/static/vendor/vega-embed.min.js").status_code == 200
    assert client.get("/static/charts.js").status_code == 200


def test_story_list_links_every_story_newest_first_and_filters(client: TestClient, store: SQLiteStore) -> None:
    text = client.get("/").text
    for s in store.stories():
        assert f'href="/stories/{s.id}"' in text and f'href="/stories/{s.id}/copies"' in text
    listed = re.findall(r'class="story-title" href="/stories/([^"]+)"', text)
    assert listed == [s.id for s in query.stories(store)]
    outlet = "Highland Observer"
    narrowed = re.findall(r'class="story-title" href="/stories/([^"]+)"', client.get(f"/?outlet={outlet}").text)
    assert narrowed == [s.id for s in query.stories(store, outlet=outlet)] and 0 < len(narrowed) < len(listed)
    assert "No story matches these filters" in client.get("/?since=2099-01-01").text


def test_story_list_pages_walk_every_story_once(client: TestClient, store: SQLiteStore) -> None:
    seen: list[str] = []
    url: str | None = "/?limit=1"
    while url:
        text = client.get(url).text
        seen += re.findall(r'class="story-title" href="/stories/([^"]+)"', text)
        nxt = re.search(r'rel="next" class="next" href="([^"]+)"', text)
        url = unescape(nxt.group(1)) + "&limit=1" if nxt else None
        assert len(seen) <= len(store.stories()) + 1
    assert sorted(seen) == sorted(s.id for s in store.stories())


def test_story_page_shows_each_entry_and_expands_citations_to_marked_context(
    client: TestClient, store: SQLiteStore
) -> None:
    story = _biggest(store)
    view = query.timeline(store, story)
    text = client.get(f"/stories/{story}").text
    assert text.count('<li class="entry"') == len(view.entries) > 1
    for e in view.entries:
        assert f'datetime="{e.date}"' in text
        assert str(e.sources) + " independent source" in text
    c = view.entries[0].citations[0]
    cited = view.articles[c.article].text[c.start : c.end]
    marks = [unescape(m) for m in re.findall(r"<mark>(.*?)</mark>", text, re.S)]
    assert cited in marks
    assert text.count('<details class="citation">') == sum(len(e.citations) for e in view.entries)
    # quotes: at most two an entry
    for block in text.split('<li class="entry"')[1:]:
        assert block.count('<blockquote class="quote">') <= 2
    # the coverage chart's numbers are on the page as a table too
    for day, outlet, n in query.coverage(view):
        assert f"<tr><td>{day}</td><td>{outlet}</td><td>{n}</td></tr>" in unescape(text)
    assert 'class="vl-spec"' in text and f'href="/compare/{story}"' in text


def test_story_page_options_change_the_timeline(client: TestClient, store: SQLiteStore) -> None:
    story = _biggest(store)
    two = client.get(f"/stories/{story}?dates=2").text
    assert two.count('<li class="entry"') == 2
    assert client.get(f"/stories/{story}?dates=0").status_code == 422
    assert client.get(f"/stories/{story}?since=soon").status_code == 422


def test_copies_page_links_origins_and_carriers(client: TestClient, store: SQLiteStore) -> None:
    story = _biggest(store)
    found = query.copy_flows(store, story)
    assert found.flows, "the sample's biggest story carries wire copy"
    text = client.get(f"/stories/{story}/copies").text
    assert text.count('<li class="flow">') == len(found.flows)
    for f in found.flows:
        for c in f.carriers:
            assert f'href="/articles/{c.article}"' in text
        if f.origin_article:
            assert f'href="/articles/{f.origin_article.article}"' in text
    for c in found.copies:
        assert f'href="/articles/{c.copy.article}"' in text and f'href="/articles/{c.original.article}"' in text


def test_comparison_page_puts_outlets_in_columns(client: TestClient, store: SQLiteStore) -> None:
    story = _biggest(store)
    comps = query.comparisons(store, story)
    articles = query.comparison_articles(store, comps)
    text = unescape(client.get(f"/compare/{story}").text)
    assert text.count('<section class="comparison"') == len(comps)
    for _, comp in comps:
        for outlet, claims in comparison_columns(comp, articles):
            assert f"<h4>{outlet}</h4>" in text
            assert all(c.text in text for c, _ in claims)
        for s in comp.shared:
            assert s.first.text in text
    tensions = sum(len(c.tensions) for _, c in comps)
    assert text.count('<div class="tension">') == tensions


def test_hostile_article_shows_its_markup_as_text(client: TestClient, store: SQLiteStore) -> None:
    aid = _hostile(store)
    text = client.get(f"/articles/{aid}").text
    assert "<script>alert" not in text and "<img src=x" not in text and "<b>Outlet" not in text
    assert "&lt;script&gt;alert(&#39;xss&#39;)&lt;/script&gt;" in text
    assert "&lt;script&gt;alert(&#39;title&#39;)&lt;/script&gt;" in text
    assert 'href="javascript:' not in text.lower()
    assert "&lt;a href=&#34;javascript:alert(1)&#34;&gt;" in text
    # the stored address is a javascript: URL: shown as text, never a link
    assert "javascript:alert(&#39;url&#39;)" in text
    # and the pages that list it escape it too
    for url in ("/search?q=levy", f"/timeline?query={'levy'}", "/timeline?everything=true"):
        page = client.get(url).text
        assert "<script>alert" not in page, url


def test_article_page_marks_and_links_its_spans(client: TestClient, store: SQLiteStore) -> None:
    view = next(
        v for v in (query.article_view(store, a.id) for a in store.articles()) if v.passages and v.mentions and v.dates
    )
    text = client.get(f"/articles/{view.article.id}").text
    assert text.count('class="date') >= 1 and 'class="entity' in text and 'class="passage' in text
    m = view.mentions[0]
    name = view.entity_names.get(m.text, m.text)
    assert re.search(r'<a href="/entities/' + re.escape(name.replace(" ", "%20")), text)
    origins = {sp.passage.origin_article for sp in view.passages if sp.start >= 0} - {None, view.article.id}
    for o in origins:
        assert f'class="origin" href="/articles/{o}"' in text
    # every entity link opens an entity page
    for href in set(re.findall(r'href="(/entities/[^"]+)"', text)):
        assert client.get(unescape(href)).status_code == 200, href


def test_search_marks_matches_and_offers_a_timeline_of_the_results(client: TestClient) -> None:
    text = client.get("/search?q=harbour").text
    assert re.search(r"<mark>harbour</mark>", text, re.I)
    assert 'href="/timeline?query=harbour"' in text
    assert client.get("/timeline?query=harbour").status_code == 200
    only = client.get("/search?q=harbour&kind=entity").text
    assert "<h2>Articles" not in only
    assert client.get("/search?q=%22%22").status_code == 400  # no searchable word: the one error, as HTML


def test_entity_pages_link_a_timeline_of_their_articles(client: TestClient, store: SQLiteStore) -> None:
    listed = client.get("/entities").text
    top = query.entities(store, limit=3)
    for e in top:
        assert f'href="/entities/{e.id}"' in listed
    view = query.entity_view(store, top[0].id)
    text = client.get(f"/entities/{top[0].id}").text
    assert f'href="/timeline?entity={top[0].id}"' in text
    assert text.count('<a href="/articles/') >= len(view.articles)
    for day, n in view.by_day:
        assert f"<tr><td>{day}</td><td>{n}</td></tr>" in text
    by_name = client.get(f"/entities/{top[0].name}")
    assert by_name.status_code == 200 and f"<code>{top[0].id}</code>" in by_name.text


def test_errors_are_html_pages_with_the_status(client: TestClient) -> None:
    missing = client.get("/stories/zzz-none")
    assert missing.status_code == 404 and missing.headers["content-type"].startswith("text/html")
    assert "no story matches" in missing.text
    assert client.get("/timeline").status_code == 400  # no selection chosen
    assert client.get("/articles/nothing-here").status_code == 404


# --------------------------------------------------------------------------- the pure pieces


def test_marked_escapes_every_piece_and_wraps_spans() -> None:
    text = 'a <script>x</script> said "hi" on May 4 at <a href="javascript:y">z</a>'
    spans = [
        Span(text.index("May"), text.index("May") + 5, "date", "2025-05-04 (day)"),
        Span(0, 1, "entity", "A <b>", "/entities/a%3Cb%3E"),
        Span(text.index('"hi"'), text.index('"hi"') + 4, "quote", 'said by "<q>"'),
    ]
    html = str(marked(text, spans))
    assert "<script>" not in html and 'href="javascript:' not in html
    assert "&lt;script&gt;x&lt;/script&gt;" in html
    assert '<span class="date" title="2025-05-04 (day)">May 4</span>' in html
    assert '<a href="/entities/a%3Cb%3E" class="entity" title="A &lt;b&gt;">a</a>' in html
    assert 'title="said by &#34;&lt;q&gt;&#34;"' in html
    assert unescape(re.sub(r"<[^>]+>", "", html)) == text  # nothing of the text lost or added


def test_marked_lets_short_spans_win_and_long_spans_overlap() -> None:
    text = "one two three four"
    spans = [Span(0, 7, "entity", href="/e/1"), Span(4, 13, "date"), Span(0, 18, "passage", "p", "/articles/x")]
    html = str(marked(text, spans))
    assert html.startswith('<a class="origin" href="/articles/x"')
    # dates win over entities where they overlap (as in render.highlight); the entity is not cut in two
    assert '<span class="date passage" title="p">two three</span>' in html and 'class="entity' not in html
    alone = str(marked(text, [Span(0, 3, "entity", href="/e/1"), Span(0, 18, "passage")]))
    assert '<a href="/e/1" class="entity passage">one</a>' in alone
    assert unescape(re.sub(r"<[^>]+>", "", html)).replace("\u2197", "") == text


def test_snippet_marks_bracketed_matches_and_escapes_the_rest() -> None:
    html = str(snippet_html("the <b>[harbour]</b> & [levy]"))
    assert html == "the &lt;b&gt;<mark>harbour</mark>&lt;/b&gt; &amp; <mark>levy</mark>"


def test_external_url_takes_only_web_addresses() -> None:
    assert external_url("https://example.org/a?b=1") == "https://example.org/a?b=1"
    for bad in ("javascript:alert(1)", "data:text/html,x", " JAVASCRIPT:x", "http://a b", None, "/local"):
        assert external_url(bad) is None, bad


def test_cited_context_runs_to_the_neighbouring_sentences() -> None:
    text = "First one here. Second sentence is cited. Third one. Fourth."
    start = text.index("Second")
    end = text.index("Third") - 1
    assert cited_context(text, start, end) == ("First one here. ", "Second sentence is cited.", " Third one.")
    assert cited_context(text, start, end, around=0) == ("", "Second sentence is cited.", "")
    assert cited_context(text, 500, 600) == ("", "", "")


def test_coverage_spec_carries_every_count() -> None:
    rows = [("2025-01-02", "A", 2), ("2025-01-02", "B", 1), ("2025-01-05", "A", 3)]
    spec = charts.coverage_spec(rows)
    assert [(v["day"], v["outlet"], v["articles"]) for v in spec["data"]["values"]] == rows
    assert spec["mark"]["type"] == "bar" and spec["encoding"]["color"]["field"] == "outlet"
    assert "</script>" not in json.dumps(charts.mentions_spec([("2025-01-01", 1)]))
