"""Real pages, not just articles: titles without the site glued on, authors who are people, pages that are not
articles rejected with the reason, through ``page_meta`` and through the ingest of real HTML files."""

from __future__ import annotations

from pathlib import Path

import pytest

from storyline.ingest import read
from storyline.page_meta import clean_author, clean_title, not_an_article
from storyline.records import Article, Rejection

SITE, URL = "Harbour Times", "https://www.harbourtimes.com/news/2024/03/05/strike"


@pytest.mark.parametrize(
    "raw",
    [
        "Port strike ends after three days | Harbour Times",
        "Port strike ends after three days - Harbour Times",
        "Port strike ends after three days | Business | Harbour Times",
        "Harbour Times - Port strike ends after three days",
        "Port strike ends after three days » Local",
        "Port strike ends after three days — harbourtimes.com",
    ],
)
def test_the_site_and_its_sections_leave_the_title(raw: str) -> None:
    assert clean_title(raw, SITE, URL) == "Port strike ends after three days"


@pytest.mark.parametrize(
    "raw",
    [
        "Kim, Putin discuss long-term plans: KCNA",  # a credit after a colon is the headline's
        "Kim - Putin summit ends in Vladivostok",  # a dash inside a headline
        "Minister resigns - Harbour Times learns of a week of pressure",  # a long segment that names the site
        "Floods: rescue teams reach cut-off villages",
    ],
)
def test_a_headline_keeps_its_own_words(raw: str) -> None:
    assert clean_title(raw, SITE, URL) == raw


@pytest.mark.parametrize(
    ("raw", "want"),
    [
        ("By Jane Okafor", "Jane Okafor"),
        ("Jane Okafor; Tom Reyes", "Jane Okafor; Tom Reyes"),
        ("Amir Haddad and Lena Vogt", "Amir Haddad; Lena Vogt"),
        ("Harbour Times; Amir Haddad", "Amir Haddad"),
        ("Carlos de la Vega", "Carlos de la Vega"),
        ("Submitted", None),
        ("Harbour Times", None),
        ("Harbour Times Staff", None),
        ("Reuters", None),
        ("admin", None),
        ("jane.okafor@harbourtimes.com", None),
    ],
)
def test_an_author_is_a_person_or_absent(raw: str, want: str | None) -> None:
    assert clean_author(raw, SITE, URL) == want


def test_a_blog_named_after_its_author_keeps_the_author() -> None:
    assert clean_author("Lena Vogt", "Lena Vogt", "https://lenavogt.blog/post") == "Lena Vogt"


def test_status_pages_and_link_lists_are_not_articles_but_articles_are() -> None:
    assert not_an_article("404 Not Found\nThe requested URL was not found on this server.")
    assert not_an_article("Service Temporarily Unavailable. Please try again later.", "503 Service Unavailable")
    links = "\n".join(f"Headline number {i} about the port" for i in range(12))
    assert "list of links" in (not_an_article(links) or "")
    article = (
        "Harbour workers walked out on Monday over pay at the Portvale terminal, the union said.\n"
        "The strike was the first at the port in a decade, and it held up forty container ships.\n"
        + "\n".join(f"Related: story {i}" for i in range(10))
    )
    assert not_an_article(article) is None
    long_text = "A page that mentions error 404 in passing. " * 30
    assert not_an_article(long_text) is None


def _page(title: str, author: str, body: str) -> str:
    return (
        f"<html><head><title>{title}</title><meta name='author' content='{author}'>"
        f"<meta property='og:site_name' content='{SITE}'></head><body><article>{body}</article></body></html>"
    )


def test_ingest_cleans_the_title_and_author_and_rejects_a_status_page(tmp_path: Path) -> None:
    paras = "".join(
        f"<p>Harbour workers at the Portvale terminal stayed out for day {i} of the strike over pay, the union said "
        f"on Monday, as talks with the port authority resumed in the city.</p>"
        for i in range(1, 6)
    )
    (tmp_path / "a.html").write_text(_page("Port strike ends | Harbour Times", "Submitted", paras), "utf-8")
    (tmp_path / "b.html").write_text(
        "<html><head><title>404 Not Found</title></head><body><h1>Not Found</h1>"
        "<p>The requested URL was not found on this server.</p></body></html>",
        "utf-8",
    )
    got = list(read([str(tmp_path)]))
    arts = [a for a in got if isinstance(a, Article)]
    rejected = [r for r in got if isinstance(r, Rejection)]
    assert [a.title for a in arts] == ["Port strike ends"]
    assert arts[0].author is None
    assert len(rejected) == 1 and rejected[0].source.endswith("b.html")
    assert "not a news article" in rejected[0].reason
