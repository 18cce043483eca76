"""RSS/Atom feeds: items, dates, links, summaries; full text from the feed or from the linked page."""

from __future__ import annotations

from pathlib import Path

from ingest_server import serve
from storyline.feeds import html_to_text, looks_like_feed, parse_feed
from storyline.fetch import FetchOptions
from storyline.ingest import read
from storyline.records import Article, Rejection
from test_ingest_formats import page

BODY = " ".join(
    f"Paragraph {i}: the harbour board met again on Tuesday and the council clerk read out the berth plan, "
    "which the chairwoman said would be finished within two years."
    for i in range(8)
)


def rss(items: str, title: str = "Portvale Post - News") -> bytes:
    return (
        '<?xml version="1.0" encoding="utf-8"?>\n<rss version="2.0" '
        'xmlns:content="http://purl.org/rss/1.0/modules/content/"><channel>'
        f"<title>{title}</title><link>https://portvale.example/</link><description>News</description>{items}"
        "</channel></rss>"
    ).encode()


def item(link: str, summary: str, *, content: str = "", date: str = "Tue, 05 Mar 2024 09:30:00 GMT") -> str:
    encoded = f"<content:encoded><![CDATA[{content}]]></content:encoded>" if content else ""
    return (
        f"<item><title>Board backs berth</title><link>{link}</link><guid>{link}</guid>"
        f"<pubDate>{date}</pubDate><description><![CDATA[{summary}]]></description>{encoded}</item>"
    )


ATOM = b"""<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom"><title>Harbour Wire</title><id>urn:x</id><updated>2024-03-06T10:00:00Z</updated>
<entry><title>Berth vote</title><link href="https://harbour.example/berth"/><id>urn:1</id>
<published>2024-03-05T22:30:00-05:00</published><updated>2024-03-07T08:00:00Z</updated>
<summary>The harbour board approved a second ferry berth.</summary></entry></feed>"""


def test_parse_rss_and_atom() -> None:
    assert looks_like_feed(rss("")) and looks_like_feed(ATOM) and not looks_like_feed(b"<html><body></body></html>")
    (it,) = parse_feed(rss(item("https://portvale.example/a", "<p>Short teaser.</p>")))
    assert (it.link, it.title, it.published, it.feed_title) == (
        "https://portvale.example/a",
        "Board backs berth",
        "2024-03-05",
        "Portvale Post - News",
    )
    assert not it.full_text
    (at,) = parse_feed(ATOM)
    # dates are UTC days: 22:30 at UTC-5 is the next day in UTC
    assert (at.published, at.updated, at.link) == ("2024-03-06", "2024-03-07", "https://harbour.example/berth")


def test_html_to_text_breaks_blocks() -> None:
    assert html_to_text("<p>One &amp; two.</p><p>Three<br>four.</p>") == "One & two.\nThree\nfour."


def test_feed_file_with_full_content(tmp_path: Path) -> None:
    f = tmp_path / "news.rss"
    f.write_bytes(rss(item("https://portvale.example/a", "Teaser.", content=f"<p>{BODY}</p>")))
    (art,) = read([str(f)])
    assert isinstance(art, Article)
    assert art.source == "https://portvale.example/a" and art.published == "2024-03-05"
    assert art.published_from == "feed" and art.outlet == "Portvale Post - News" and art.title == "Board backs berth"
    assert "Paragraph 7" in art.text


def test_summary_only_item_fetches_linked_page() -> None:
    with serve({"/a.html": ("text/html", page())}) as site:
        feed = rss(item(site.base + "/a.html", "The board backed a berth."))
        site.pages["/feed.xml"] = ("application/rss+xml", feed)
        out = list(read([site.base + "/feed.xml"], fetch_options=FetchOptions(allow_private=True)))
        (art,) = out
        assert isinstance(art, Article)
        assert art.text.startswith("PORTVALE, March 3 (NNS)")  # the linked page's text, not the summary
        assert art.published == "2024-03-05" and art.published_from == "feed"
        assert art.outlet == "Portvale Post"  # the page's own site name
        assert [p for p, *_ in site.requests] == ["/feed.xml", "/a.html"]


def test_unreachable_link_short_summary_rejected_long_summary_kept() -> None:
    with serve({}) as site:
        short = rss(item(site.base + "/gone.html", "The board backed a berth."))
        long_summary = " ".join(["The harbour board backed a second berth on Tuesday, officials said."] * 5)
        long = rss(item(site.base + "/gone2.html", long_summary))
        site.pages["/short.xml"] = ("application/rss+xml", short)
        site.pages["/long.xml"] = ("application/rss+xml", long)
        opts = FetchOptions(allow_private=True)
        (rej,) = read([site.base + "/short.xml"], fetch_options=opts)
        assert isinstance(rej, Rejection) and "404" in rej.reason and rej.source.endswith("/gone.html")
        (art,) = read([site.base + "/long.xml"], fetch_options=opts)
        assert isinstance(art, Article) and art.text.startswith("The harbour board backed")


def test_not_a_feed_is_rejected(tmp_path: Path) -> None:
    f = tmp_path / "broken.xml"
    f.write_bytes(b"<?xml version='1.0'?><catalog><book>x</book></catalog>")
    (rej,) = read([str(f)])
    assert isinstance(rej, Rejection)
    assert "feed" in rej.reason
