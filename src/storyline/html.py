"""HTML pages: main text and metadata (trafilatura), publication and update dates (htmldate plus our own cues).

``extract_page`` is the one entry point the ingest stage uses. The text and title, author, site name and
language come from trafilatura; the dates from ``page_dates``, which keeps the original publication date and
the last update apart:

1. **published**: htmldate (``original_date=True``, extensive search, the page URL when known), which reads
   structured data (JSON-LD, ``article:published_time``), ``<time>`` elements, the URL and the visible text.
   When htmldate finds nothing, our own cues in order: a "Published"/"Posted" line in the page text, then a
   date in the URL (``/2023/09/14/``).
2. **updated**: an explicit modification date (JSON-LD ``dateModified``, ``article:modified_time``,
   ``og:updated_time``, an "Updated"/"Last updated" line), kept only when it is later than ``published``.

The dateline of the body (``TOKYO, September 14. /TASS/.``) is read later by ``metadata.parse_body``; the
ingest stage prefers the page's own date and falls back to the dateline.
"""

from __future__ import annotations

import datetime as dt
import logging
import re
from dataclasses import dataclass
from typing import Any

from storyline.calendar_words import MONTH_NAMES, month_abbreviations

__all__ = ["HtmlPage", "PageDates", "extract_page", "page_dates", "url_date"]

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class PageDates:
    """The dates a page gives itself; ``source`` names the cue behind ``published``."""

    published: str | None
    updated: str | None = None
    source: str = "none"  # htmldate|published-line|url|none


@dataclass(frozen=True, slots=True)
class HtmlPage:
    """What one HTML page says: main text (one paragraph per line) and metadata."""

    text: str
    title: str | None
    author: str | None
    sitename: str | None
    language: str | None  # as declared by the page (``<html lang>``), not detected
    url: str | None
    dates: PageDates


# --------------------------------------------------------------------------- dates

# "/2023/09/14/", "/2023-09-14-", "/20230914/": a full date in a URL path. Month and day are range-checked.
_URL_DATE = re.compile(r"(?<!\d)((?:19|20)\d\d)([/_-]?)(0[1-9]|1[0-2])\2(0[1-9]|[12]\d|3[01])(?=[/_.\-]|$)")
_MONTHS = {
    m: n for n, name in enumerate(MONTH_NAMES, 1) for m in (*(a.lower() for a in month_abbreviations(n)), name.lower())
}
_MON = r"(?:" + "|".join(sorted(_MONTHS, key=len, reverse=True)) + r")"
# A date as printed after "Published" or "Updated": "September 14, 2023", "14 Sep 2023", "2023-09-14", "14.09.2023".
_PRINTED_DATE = (
    rf"(?:(?P<mon>{_MON})\.?\s+(?P<d1>\d{{1,2}})(?:st|nd|rd|th)?,?\s+(?P<y1>(?:19|20)\d\d)"
    rf"|(?P<d2>\d{{1,2}})(?:st|nd|rd|th)?\s+(?P<mon2>{_MON})\.?,?\s+(?P<y2>(?:19|20)\d\d)"
    rf"|(?P<y3>(?:19|20)\d\d)-(?P<m3>\d\d)-(?P<d3>\d\d)"
    rf"|(?P<d4>\d{{1,2}})\.(?P<m4>\d{{1,2}})\.(?P<y4>(?:19|20)\d\d))"
)
# Only a label right before the date counts, with at most a weekday or "on" between: "Published: Thu 14 Sep
# 2023", "Posted on September 14, 2023", "Updated 14.09.2023".
_LABEL_GAP = r"\s*(?:on\b|at\b|:|-|–|—|\|)?\s*(?:(?:mon|tue|tues|wed|thu|thur|thurs|fri|sat|sun)[a-z]*\.?,?\s+)?"
_PUBLISHED_LINE = re.compile(
    rf"\b(?:published|posted|first\s+published|publication\s+date|date\s+published|veröffentlicht|publié\s+le|publicado)"
    rf"{_LABEL_GAP}{_PRINTED_DATE}",
    re.I,
)
_UPDATED_LINE = re.compile(
    rf"\b(?:updated|last\s+updated|last\s+modified|modified|aktualisiert|mis\s+à\s+jour\s+le|actualizado)"
    rf"{_LABEL_GAP}{_PRINTED_DATE}",
    re.I,
)
_MODIFIED_META = (
    "article:modified_time",
    "og:updated_time",
    "dateModified",
    "last-modified",
    "dc.date.modified",
    "modified",
)
# htmldate refuses dates before this (its own default lower bound), and so do we: older "dates" on news pages
# are copyright lines and placeholders.
_MIN_YEAR = 1995


def _iso(year: int, month: int, day: int) -> str | None:
    if year < _MIN_YEAR:
        return None
    try:
        return dt.date(year, month, day).isoformat()
    except ValueError:
        return None


def _printed(m: re.Match[str]) -> str | None:
    g = m.groupdict()
    if g["y1"]:
        return _iso(int(g["y1"]), _MONTHS[g["mon"].lower()], int(g["d1"]))
    if g["y2"]:
        return _iso(int(g["y2"]), _MONTHS[g["mon2"].lower()], int(g["d2"]))
    if g["y3"]:
        return _iso(int(g["y3"]), int(g["m3"]), int(g["d3"]))
    return _iso(int(g["y4"]), int(g["m4"]), int(g["d4"]))


def url_date(url: str | None) -> str | None:
    """The date a URL path spells out (``/2023/09/14/``, ``/20230914/``), else ``None``.

    Example:
        >>> url_date("https://example.org/news/2023/09/14/kim-putin/")
        '2023-09-14'
    """
    if not url:
        return None
    path = re.sub(r"^[a-z]+://[^/]+", "", url, flags=re.I)
    m = _URL_DATE.search(path)
    return _iso(int(m.group(1)), int(m.group(3)), int(m.group(4))) if m else None


def _visible_lines(tree: Any) -> list[str]:
    """Short text lines of the page outside scripts and styles: where "Published"/"Updated" labels are."""
    out: list[str] = []
    body = tree.find(".//body")
    for el in (body if body is not None else tree).iter():
        if not isinstance(el.tag, str) or el.tag in ("script", "style", "noscript"):
            continue
        for piece in (el.text, el.tail):
            if piece and piece.strip():
                out.append(piece.strip())
    return out


def _structured_modified(tree: Any) -> str | None:
    """An explicit modification date from meta tags or JSON-LD."""
    for meta in tree.iterfind(".//meta"):
        key = (meta.get("property") or meta.get("name") or meta.get("itemprop") or "").strip()
        if key in _MODIFIED_META or key.lower() in _MODIFIED_META:
            value = _iso_prefix(meta.get("content") or "")
            if value:
                return value
    for script in tree.iterfind(".//script"):
        if (script.get("type") or "").lower() != "application/ld+json" or not script.text:
            continue
        m = re.search(r'"dateModified"\s*:\s*"([^"]+)"', script.text)
        if m and (value := _iso_prefix(m.group(1))):
            return value
    for el in tree.iterfind(".//*[@itemprop='dateModified']"):
        value = _iso_prefix(el.get("datetime") or el.get("content") or "")
        if value:
            return value
    return None


def _iso_prefix(value: str) -> str | None:
    m = re.match(r"\s*((?:19|20)\d\d)-(\d\d)-(\d\d)", value)
    return _iso(int(m.group(1)), int(m.group(2)), int(m.group(3))) if m else None


def _labelled(lines: list[str], pattern: re.Pattern[str]) -> str | None:
    # A label line is short ("Published: 14 September 2023, 10:30"); 20 words keeps sentences out.
    for line in lines:
        if len(line.split()) > 20:
            continue
        m = pattern.search(line)
        if m and (value := _printed(m)):
            return value
    return None


def _spells_new_year(html: Any, year: str) -> bool:
    """Whether the page writes out 1 January of ``year`` (so htmldate's "YYYY-01-01" may be real)."""
    if not isinstance(html, (bytes, str)):
        return True  # a tree: no raw text to check, trust htmldate
    text = html.decode("utf-8", "replace") if isinstance(html, bytes) else html
    pattern = (
        rf"{year}[-/.]?0?1[-/.]?0?1(?!\d)|(?<!\d)0?1[./-]0?1[./-]{year}|"
        rf"(?i:jan(?:uary)?\.?\s+1(?:st)?,?\s+{year}|(?<!\d)1(?:st)?\.?\s+jan(?:uary|vier|uar)?\.?,?\s+{year})"
    )
    return re.search(pattern, text) is not None


def page_dates(html: bytes | str | Any, url: str | None = None) -> PageDates:
    """The publication date of a page and, apart from it, the date it was last updated.

    Args:
        html: the page (bytes, text, or an lxml tree from ``htmldate.utils.load_html``).
        url: the page URL, if known (htmldate and the URL cue read dates from it).

    Returns:
        ``PageDates``: ISO dates or ``None``; ``updated`` only when later than ``published``.

    Example:
        >>> page_dates(b"<html><body><p>Published: 14 September 2023</p><p>Kim met Putin.</p></body></html>")
        PageDates(published='2023-09-14', updated=None, source='published-line')
    """
    from htmldate import find_date
    from htmldate.utils import load_html

    # htmldate downloads a str that looks like a URL ("http…" without spaces), past fetch's checks; bytes it parses
    raw = html.encode("utf-8") if isinstance(html, str) and html.startswith("http") else html
    tree = load_html(raw) if isinstance(raw, (bytes, str)) else raw
    if tree is None:
        return PageDates(None)
    # our own cues are read before htmldate, which may prune the tree it is given
    lines = _visible_lines(tree)
    published_line = _labelled(lines, _PUBLISHED_LINE)
    updated = _structured_modified(tree) or _labelled(lines, _UPDATED_LINE)
    published: str | None = None
    source = "none"
    try:
        found = find_date(tree, original_date=True, extensive_search=True, url=url, outputformat="%Y-%m-%d")
    except Exception as exc:  # htmldate raises assorted errors on odd markup; the cues below still apply
        log.debug("htmldate failed on %s: %s", url, exc)
        found = None
    if found and found.endswith("-01-01") and not _spells_new_year(html, found[:4]):
        # htmldate falls back to 1 January of a year it saw alone (a copyright line, "© 2024"); that is no
        # publication date. On htmldate_eval 9 of its 12 such answers are wrong.
        log.debug("htmldate gave a year-only date %s for %s; ignored", found, url)
        found = None
    if found:
        published, source = found, "htmldate"
    elif published_line:
        published, source = published_line, "published-line"
    elif (from_url := url_date(url)) is not None:
        published, source = from_url, "url"
    if updated is not None and (published is None or updated <= published):
        updated = None
    return PageDates(published, updated, source)


# --------------------------------------------------------------------------- text and metadata


_HTML_LANG = re.compile(r"""<html\b[^>]*?\blang\s*=\s*["']?([A-Za-z]{2,3})""", re.I)


def extract_page(html: bytes | str, url: str | None = None) -> HtmlPage:
    """Main text and metadata of an HTML page.

    Args:
        html: the page as bytes (encoding detected) or text.
        url: where the page came from, if known.

    Returns:
        An ``HtmlPage``; ``text`` is ``""`` when the page has no main text.

    Example:
        >>> page = extract_page(b"<html><head><title>Talks end</title></head><body><article>"
        ...     b"<p>SEOUL, Sept. 4 (Yonhap) -- The talks ended on Monday without a deal, officials said.</p>"
        ...     b"</article></body></html>")
        >>> page.text.startswith("SEOUL, Sept. 4 (Yonhap)")
        True
    """
    import trafilatura

    head = html[:20000] if isinstance(html, str) else html[:20000].decode("utf-8", "replace")
    m = _HTML_LANG.search(head)
    lang = m.group(1) if m else None
    dates = page_dates(html, url)  # parses a tree of its own: htmldate and trafilatura both prune theirs
    # trafilatura parses the raw page itself: given htmldate's tree instead, it loses text (AEB F1 0.956 vs 0.960)
    doc = trafilatura.bare_extraction(html, url=url, with_metadata=True, include_comments=False)
    meta: dict[str, Any] = {} if doc is None else (doc if isinstance(doc, dict) else doc.as_dict())
    if not meta.get("text") and (flat := flatten_deep(html)) is not None:
        # the parser dropped what lies deeper than its depth limit: read the page again with that nesting removed
        doc = trafilatura.bare_extraction(flat, url=url, with_metadata=True, include_comments=False)
        meta = {} if doc is None else (doc if isinstance(doc, dict) else doc.as_dict())
    return HtmlPage(
        text=str(meta.get("text") or ""),
        title=_clean(meta.get("title")),
        author=_clean(meta.get("author")),
        sitename=_clean(meta.get("sitename")),
        language=lang.split("-")[0].lower() if lang else None,
        url=url or _clean(meta.get("url")),
        dates=dates,
    )


# libxml2 (lxml, under trafilatura and htmldate) stops building the tree 256 elements deep and drops what lies
# below; a page nested deeper than this is flattened to it before a second reading.
MAX_DEPTH = 200
_TAG_STR = re.compile(r"<(/?)([A-Za-z][A-Za-z0-9:-]*)\b[^>]*?(/?)>")
_TAG_BYTES = re.compile(_TAG_STR.pattern.encode())
_VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "param", "source", "track", "wbr"}


def flatten_deep(html: bytes | str) -> bytes | str | None:
    """The page with the tags nested deeper than ``MAX_DEPTH`` removed (their text kept), or None when no tag is
    that deep. Tags are matched by name, leniently: a stray closing tag is left as it is.

    Example:
        >>> flatten_deep("<div>" * 3 + "text" + "</div>" * 3) is None
        True
    """
    tags = _TAG_BYTES if isinstance(html, bytes) else _TAG_STR
    stack: list[tuple[str, bool]] = []  # (tag name, dropped)
    cuts: list[tuple[int, int]] = []
    for m in tags.finditer(html):  # type: ignore[arg-type]
        close, name, selfclosing = m.group(1), m.group(2), m.group(3)
        name = (name.decode("ascii", "replace") if isinstance(name, bytes) else name).lower()
        if selfclosing or name in _VOID:
            continue
        if close:
            if stack and stack[-1][0] == name:
                if stack.pop()[1]:
                    cuts.append(m.span())
            continue
        dropped = len(stack) >= MAX_DEPTH
        stack.append((name, dropped))
        if dropped:
            cuts.append(m.span())
    if not cuts:
        return None
    pieces: list[Any] = []
    last = 0
    for start, end in cuts:
        pieces.append(html[last:start])
        last = end
    pieces.append(html[last:])
    return (b"" if isinstance(html, bytes) else "").join(pieces)


def _clean(value: Any) -> str | None:
    text = re.sub(r"\s+", " ", str(value)).strip() if value else ""
    return text or None
