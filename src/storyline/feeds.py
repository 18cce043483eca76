"""RSS and Atom feeds (feedparser, the ``feeds`` extra): items with their links, dates, summaries and content.

``parse_feed`` turns feed bytes into ``FeedItem`` records; the ingest stage decides per item whether the feed
carries the whole article (``full_text``) or only a summary, in which case it fetches the linked page.
"""

from __future__ import annotations

import calendar
import datetime as dt
import re
from dataclasses import dataclass
from typing import Any

from storyline.errors import MissingExtra

__all__ = ["FeedItem", "html_to_text", "looks_like_feed", "parse_feed"]

# A feed's content counts as the whole article from this many words on. Feed summaries run 20-60 words
# (one or two sentences); the shortest wire briefs are ~120 words. Below this the linked page is fetched.
FULL_TEXT_WORDS = 120


@dataclass(frozen=True, slots=True)
class FeedItem:
    """One feed entry. ``content`` is the longest body the feed gives (HTML or text), ``summary`` the teaser."""

    link: str | None
    title: str | None
    published: str | None  # ISO date
    updated: str | None  # ISO date, only when later than ``published``
    summary: str
    content: str
    author: str | None
    feed_title: str | None
    guid: str | None = None

    @property
    def full_text(self) -> bool:
        """Whether the feed carries the whole article (else only a summary)."""
        return len(html_to_text(self.content).split()) >= FULL_TEXT_WORDS


_FEED_START = re.compile(rb"^\s*(?:<\?xml[^>]*>\s*)?(?:<!--.*?-->\s*)*<(?:rss|feed|rdf:RDF)\b", re.S)


def looks_like_feed(data: bytes) -> bool:
    """Whether ``data`` opens like an RSS, Atom or RDF feed (after an XML declaration and comments)."""
    return _FEED_START.match(data[:4096].lstrip(b"\xef\xbb\xbf")) is not None


def _feedparser() -> Any:
    try:
        import feedparser
    except ImportError:
        raise MissingExtra("reading RSS/Atom feeds", "feeds", needs="feedparser") from None
    return feedparser


def _iso(struct: Any) -> str | None:
    if not struct:
        return None
    try:
        return dt.datetime.fromtimestamp(calendar.timegm(struct), dt.UTC).date().isoformat()
    except (OverflowError, ValueError, TypeError):
        return None


def parse_feed(data: bytes, base_url: str | None = None) -> list[FeedItem]:
    """The items of an RSS/Atom feed, in feed order.

    Args:
        data: the feed document.
        base_url: where it came from (resolves relative links).

    Returns:
        One ``FeedItem`` per entry. Dates are UTC calendar days.

    Raises:
        ValueError: ``data`` is not a feed feedparser can read.
        ImportError: feedparser is not installed (the ``feeds`` extra).
    """
    feedparser = _feedparser()
    try:
        parsed = feedparser.parse(data, response_headers={"content-location": base_url} if base_url else None)
    except Exception as exc:  # feedparser reports bad XML as "bozo"; what escapes is its bug on hostile bytes
        raise ValueError(f"not an RSS/Atom feed feedparser can read ({type(exc).__name__}: {exc})") from exc
    if not parsed.get("version") and not parsed.entries:
        problem = parsed.get("bozo_exception")
        raise ValueError(f"not an RSS/Atom feed{f' ({problem})' if problem else ''}")
    feed_title = _text(parsed.feed.get("title"))
    items = []
    for entry in parsed.entries:
        # dict.get: feedparser's own get() maps a missing published_parsed to updated_parsed (with a warning)
        published = _iso(dict.get(entry, "published_parsed")) or _iso(dict.get(entry, "created_parsed"))
        updated = _iso(dict.get(entry, "updated_parsed"))
        if published is None:
            published, updated = updated, None  # Atom: <updated> is the only required date
        if updated is not None and published is not None and updated <= published:
            updated = None
        summary = str(entry.get("summary") or "")
        contents = [str(c.get("value") or "") for c in entry.get("content") or []]
        content = max([summary, *contents], key=len)
        items.append(
            FeedItem(
                link=_text(entry.get("link")),
                title=_text(entry.get("title")),
                published=published,
                updated=updated,
                summary=summary,
                content=content,
                author=_text(entry.get("author")),
                feed_title=feed_title,
                guid=_text(entry.get("id")),
            )
        )
    return items


def _text(value: Any) -> str | None:
    text = re.sub(r"\s+", " ", str(value)).strip() if value else ""
    return text or None


_BLOCK = re.compile(r"(?i)<\s*(?:/?(?:p|div|li|h[1-6]|blockquote|tr|section|article)\b[^>]*|br\s*/?)>")


def html_to_text(fragment: str) -> str:
    """Text of an HTML fragment from a feed, one paragraph per line (block tags and ``<br>`` break lines)."""
    if "<" not in fragment and "&" not in fragment:
        return fragment.strip()
    import html as html_lib

    text = _BLOCK.sub("\n", fragment)
    text = re.sub(r"(?s)<(script|style)\b.*?</\1\s*>", " ", text)
    text = re.sub(r"<[^>]+>", " ", text)
    text = html_lib.unescape(text)
    lines = (re.sub(r"[ \t\u00a0]+", " ", ln).strip() for ln in text.split("\n"))
    return "\n".join(ln for ln in lines if ln)
