"""Ingest: find inputs, read each format, and turn every item into an ``Article`` or a ``Rejection``.

Inputs (CONTRACT.md): files, folders (recursive), globs, ``-`` (JSONL on stdin) and http(s) URLs.
Formats, by name and then by content:

* ``*.jsonl``/``*.ndjson`` and ``-``: one JSON article per line (``text``, optional ``title``, ``url``,
  ``published``, ``outlet``).
* ``*.html``/``*.htm``/``*.xhtml``, or a file or URL whose content is HTML: ``html.extract_page`` (trafilatura
  for text and metadata, htmldate plus our own cues for the dates).
* ``*.rss``/``*.atom``/``*.xml``/``*.rdf``, or content that opens like a feed: RSS/Atom items (``feeds``);
  an item whose feed carries only a summary is completed by fetching its linked page.
* ``*.warc``/``*.warc.gz``: the HTML responses of a WARC archive, streamed (``warc``).
* anything else: a plain-text article in the seeds' form (``metadata.parse_plain``); Penn Treebank-tokenised
  text (Timeline17) is detokenised first (``ptb``), so the stored text is prose and offsets refer to it.

URLs are fetched politely (``fetch``): timeouts, a size cap, conditional GET, and no private addresses unless
``FetchOptions.allow_private``. Nothing here writes to storage: the pipeline stores what this yields.
"""

from __future__ import annotations

import glob
import json
import logging
import multiprocessing
import sys
from collections.abc import Iterable, Iterator
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import IO, Any

from storyline import ptb
from storyline.feeds import FeedItem, html_to_text, looks_like_feed, parse_feed
from storyline.fetch import FetchError, FetchOptions, fetch, is_url
from storyline.html import HtmlPage, extract_page
from storyline.metadata import ParsedText, parse_body, parse_plain
from storyline.records import Article, Rejection, content_id
from storyline.text import text_hash
from storyline.warc import WarcPage, is_warc_name, read_warc

log = logging.getLogger(__name__)

HTML_SUFFIXES = {".html", ".htm", ".xhtml"}
JSONL_SUFFIXES = {".jsonl", ".ndjson"}
FEED_SUFFIXES = {".rss", ".atom", ".xml", ".rdf"}
# Not articles: skipped silently when walking folders (a file named explicitly is always read).
SKIP_SUFFIXES = {".md", ".json", ".gz", ".zip", ".png", ".jpg", ".jpeg", ".gif", ".pdf", ".py", ".db", ".sqlite"}
MAX_BYTES = 20_000_000  # larger single files are rejected: no news article is that long (WARC files stream)
# Boilerplate rule groups (``clean.ALL_RULES``) applied to trafilatura's text of an HTML page: the ones that
# cost no F1 on trafilatura_eval or the article extraction benchmark (bench/bench_html_text.py; "label" and
# "teaser" remove subheadings there, -0.014/-0.012 F1 on trafilatura_eval). Plain text gets every rule.
HTML_RULES = frozenset({"chrome", "credit", "title"})
MIN_WORDS = 5  # fewer words than this is not an article (empty pages, error pages)
# A feed summary stands in for an unreachable linked page only from this many words on: two or three
# sentences, enough to date and cluster the item. Shorter teasers are rejected with the fetch error.
SUMMARY_MIN_WORDS = 40


@dataclass(frozen=True, slots=True)
class InputFile:
    """A file found under an ingested path; ``source`` is its path relative to that path."""

    path: Path | None  # None for stdin
    source: str


def discover(paths: Iterable[str]) -> Iterator[InputFile | Rejection]:
    """Expand files, folders (recursively, sorted) and globs into input files; ``-`` is stdin."""
    for raw in paths:
        if raw == "-":
            yield InputFile(None, "-")
            continue
        p = Path(raw)
        matches = [Path(m) for m in sorted(glob.glob(raw, recursive=True))] if glob.has_magic(raw) else [p]
        if not matches:
            yield Rejection(raw, "no file matches this pattern")
        for m in matches:
            if m.is_dir():
                for f in sorted(m.rglob("*")):
                    if f.is_file() and not _hidden(f.relative_to(m)) and _wanted(f):
                        yield InputFile(f, f.relative_to(m).as_posix())
            elif m.is_file():
                yield InputFile(m, m.name if not glob.has_magic(raw) else m.as_posix())
            else:
                yield Rejection(raw, "no such file or folder")


def _wanted(f: Path) -> bool:
    return is_warc_name(f.name) or f.suffix.lower() not in SKIP_SUFFIXES


def _hidden(rel: Path) -> bool:
    return any(part.startswith(".") for part in rel.parts)


def read(
    paths: Iterable[str],
    *,
    stdin: IO[str] | None = None,
    fetch_options: FetchOptions | None = None,
    workers: int = 1,
) -> Iterator[Article | Rejection]:
    """Read every input under ``paths``; yields articles and rejections, never raises for bad input.

    Args:
        paths: files, folders, globs, ``-`` for JSONL on stdin, http(s) URLs of pages or feeds.
        stdin: where ``-`` reads from (default ``sys.stdin``).
        fetch_options: how URLs are fetched (feeds' linked pages too); default ``FetchOptions()``.
        workers: processes that parse the lines of a large JSONL file (same items, same order).
    """
    options = fetch_options or FetchOptions()
    files = []
    for raw in paths:
        if is_url(raw):
            yield from _guard(raw, lambda: read_url(raw, options))  # noqa: B023 (called before the loop moves on)
        else:
            files.append(raw)
    for item in discover(files):
        if isinstance(item, Rejection):
            yield item
            continue
        if item.path is None:
            yield from read_jsonl_lines(stdin or sys.stdin, "-")
            continue
        path = item.path
        yield from _guard(item.source, lambda: read_file(path, item.source, options, workers=workers))  # noqa: B023


def _guard(source: str, make: Any) -> Iterator[Article | Rejection]:
    try:
        yield from make()
    except (OSError, UnicodeDecodeError, ValueError) as exc:
        yield Rejection(source, f"cannot read: {exc}")
    except ImportError as exc:  # a missing extra: say which one to install
        yield Rejection(source, str(exc))


def read_url(url: str, options: FetchOptions) -> Iterator[Article | Rejection]:
    """Fetch a URL given on the command line: a feed (its items) or a page (one article)."""
    try:
        got = fetch(url, options)
    except FetchError as exc:
        yield Rejection(url, str(exc))
        return
    if got.not_modified:
        log.info("%s not modified since the last fetch", url)
        return
    feed_type = any(k in got.content_type for k in ("rss", "atom", "xml")) and "html" not in got.content_type
    if feed_type or looks_like_feed(got.body):
        yield from read_feed(got.body, url, options, base_url=got.url)
        return
    yield from _single(url, lambda: from_html(got.body, url, url=got.url))


def read_file(
    path: Path, source: str, options: FetchOptions | None = None, *, workers: int = 1
) -> Iterator[Article | Rejection]:
    """Read one file by its suffix, then by its content."""
    options = options or FetchOptions()
    if is_warc_name(path.name):
        with path.open("rb") as fh:
            yield from read_warc_stream(fh, source)
        return
    suffix = path.suffix.lower()
    if suffix in JSONL_SUFFIXES:  # streamed line by line: a JSONL file may hold any number of articles
        with path.open(encoding="utf-8", errors="strict") as fh:
            yield from read_jsonl_lines(fh, source, workers=workers)
        return
    size = path.stat().st_size
    if size > MAX_BYTES:
        yield Rejection(source, f"file is {size:,} bytes, over the {MAX_BYTES:,}-byte limit for one article")
        return
    data = path.read_bytes()
    if suffix in FEED_SUFFIXES or looks_like_feed(data):
        yield from read_feed(data, source, options)
    elif suffix in HTML_SUFFIXES or _looks_like_html(data):
        yield from _single(source, lambda: from_html(data, source))
    else:
        try:
            raw = data.decode("utf-8")
        except UnicodeDecodeError as exc:
            yield Rejection(source, f"not UTF-8 text (byte {exc.start}); convert it to UTF-8 or name it .html")
            return
        if "\x00" in raw:
            yield Rejection(source, "binary file, not a text article")
            return
        yield from _single(source, lambda: from_plain(raw, source))


def _looks_like_html(data: bytes) -> bool:
    head = data[:1024].lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    return head.startswith((b"<!doctype html", b"<html"))


def _single(source: str, make: Any) -> Iterator[Article | Rejection]:
    try:
        yield _check(make(), source)
    except ValueError as exc:
        yield Rejection(source, str(exc))


def _check(article: Article, source: str) -> Article:
    if len(article.text.split()) < MIN_WORDS:
        raise ValueError("no article text found (empty after removing boilerplate)")
    return article


# --------------------------------------------------------------------------- JSONL and plain text


# Lines parsed per round when parsing in parallel, and the fewest worth a process pool (~0.2 s to start).
_JSONL_BATCH = 512
_JSONL_PARALLEL_MIN = 64


def read_jsonl_lines(lines: Iterable[str], source: str, *, workers: int = 1) -> Iterator[Article | Rejection]:
    """One article per JSON line: ``text`` and optional ``title``, ``url``, ``published``, ``outlet``.

    With ``workers`` > 1, batches of lines are parsed in that many processes; the items and their order
    are the same as parsing in this process.
    """
    numbered = ((f"{source}:{n}", line) for n, line in enumerate(lines, 1) if line.strip())
    if workers < 2:
        for where, line in numbered:
            yield from _parse_line(where, line)
        return
    pool: ProcessPoolExecutor | None = None
    try:
        batch: list[tuple[str, str]] = []
        for pair in numbered:
            batch.append(pair)
            if len(batch) >= _JSONL_BATCH:
                pool = pool or ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context("fork"))
                yield from _parse_batch(batch, pool, workers)
                batch = []
        if pool is None and len(batch) >= _JSONL_PARALLEL_MIN:
            pool = ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context("fork"))
        yield from _parse_batch(batch, pool, workers)
    finally:
        if pool is not None:
            pool.shutdown(cancel_futures=True)


def _parse_batch(
    batch: list[tuple[str, str]], pool: ProcessPoolExecutor | None, workers: int
) -> Iterator[Article | Rejection]:
    if pool is None:
        for where, line in batch:
            yield from _parse_line(where, line)
        return
    chunk = max(1, len(batch) // (workers * 4))
    for items in pool.map(_parse_line_list, batch, chunksize=chunk):
        yield from items


def _parse_line_list(pair: tuple[str, str]) -> list[Article | Rejection]:
    return list(_parse_line(*pair))


def _parse_line(where: str, line: str) -> Iterator[Article | Rejection]:
    try:
        item = json.loads(line)
    except json.JSONDecodeError as exc:
        yield Rejection(where, f"invalid JSON ({exc.msg} at column {exc.colno})")
        return
    if not isinstance(item, dict) or not isinstance(item.get("text"), str):
        yield Rejection(where, 'each line must be a JSON object with a "text" string')
        return
    yield from _single(where, lambda: from_record(item, where))


def _prose(text: str) -> str:
    """Penn Treebank-tokenised text back to prose; other text unchanged."""
    return ptb.detokenise(text)[0] if ptb.is_ptb(text) else text


def from_record(item: dict[str, Any], where: str) -> Article:
    """An article from a JSONL record; the record's own fields win over what the text suggests."""
    published = item.get("published")
    if published is not None:
        published = _iso_date(str(published), where)
    url = item.get("url") or None
    title = (item.get("title") or "").strip() or None
    parsed = parse_body(_prose(item["text"]), title=title, published=published, published_from="header")
    return _article(
        key=url or where,
        raw=json.dumps(item, sort_keys=True, ensure_ascii=False),
        source=url or where,
        parsed=parsed,
        url=url,
        outlet=item.get("outlet") or None,
    )


def from_plain(raw: str, source: str) -> Article:
    """An article from a plain-text file in the seeds' form (PTB-tokenised text is detokenised first)."""
    return _article(key=Path(source).name, raw=raw, source=source, parsed=parse_plain(_prose(raw)))


# --------------------------------------------------------------------------- HTML, feeds, WARC


def from_html(
    data: bytes | str,
    source: str,
    url: str | None = None,
    *,
    published: str | None = None,
    updated: str | None = None,
    published_from: str = "feed",
    title: str | None = None,
    outlet: str | None = None,
    author: str | None = None,
) -> Article:
    """An article from an HTML page.

    Dates, strongest first: ``published`` given by the caller (a feed item's date), a dateline that prints its
    year, the page's own date (``html.page_dates``), a dateline whose year the text implies. A crawl date
    (WARC-Date) is never used: it says when the page was fetched, not when it was published. ``updated`` is the later of the caller's and the page's.
    """
    page = extract_page(data, url)
    if not page.text.strip():
        raise ValueError("no article text found in this HTML page")
    return _from_page(
        page,
        data,
        source,
        url,
        published=published,
        updated=updated,
        published_from=published_from,
        title=title,
        outlet=outlet,
        author=author,
    )


def _from_page(
    page: HtmlPage,
    data: bytes | str,
    source: str,
    url: str | None,
    *,
    published: str | None,
    updated: str | None,
    published_from: str,
    title: str | None,
    outlet: str | None,
    author: str | None,
) -> Article:
    title = page.title or title
    parsed = parse_body(page.text, title=title, published=published, published_from=published_from, rules=HTML_RULES)
    if published is None and parsed.published_from != "dateline":
        if page.dates.published is not None:
            parsed = _with_date(parsed, page.dates.published, "html")
    later = max((d for d in (updated, page.dates.updated) if d), default=None)
    raw = data if isinstance(data, str) else data.decode("utf-8", errors="replace")
    return _article(
        key=url or Path(source).name,
        raw=raw,
        source=url or source,
        parsed=parsed,
        url=url or page.url,
        outlet=page.sitename or outlet,
        author=page.author or author,
        updated=later if later and (parsed.published is None or later > parsed.published) else None,
        declared_language=page.language,
    )


def _with_date(parsed: ParsedText, published: str, source: str) -> ParsedText:
    return ParsedText(
        title=parsed.title,
        text=parsed.text,
        published=published,
        published_from=source,
        dateline=parsed.dateline,
        wire_agencies=parsed.wire_agencies,
        cited_agencies=parsed.cited_agencies,
    )


def read_feed(
    data: bytes, source: str, options: FetchOptions, *, base_url: str | None = None
) -> Iterator[Article | Rejection]:
    """The items of an RSS/Atom feed; an item with only a summary gets its linked page fetched."""
    try:
        items = parse_feed(data, base_url)
    except ValueError as exc:
        yield Rejection(source, str(exc))
        return
    if not items:
        yield Rejection(source, "the feed has no items")
    for n, item in enumerate(items, 1):
        where = item.link or f"{source}#{item.guid or n}"
        yield from _single(where, lambda: from_feed_item(item, where, options))  # noqa: B023 (called at once)


def from_feed_item(item: FeedItem, where: str, options: FetchOptions) -> Article:
    """One feed item: the feed's full text if it has it, else the linked page, else a long enough summary."""
    common: dict[str, Any] = {
        "published": item.published,
        "updated": item.updated,
        "published_from": "feed",
        "title": item.title,
        "outlet": item.feed_title,
        "author": item.author,
    }
    if not item.full_text and item.link and is_url(item.link):
        try:
            got = fetch(item.link, options)
        except FetchError as exc:
            problem = str(exc)
        else:
            if got.not_modified:
                raise ValueError("linked page not modified since it was last fetched")
            return from_html(got.body, where, url=got.url, **common)
    elif item.full_text:
        problem = ""
    else:
        problem = "the item has no link to fetch"
    body = html_to_text(item.content)
    if not item.full_text and len(body.split()) < SUMMARY_MIN_WORDS:
        raise ValueError(f"the feed has only a short summary and {problem or 'no full text'}")
    parsed = parse_body(body, title=item.title, published=item.published, published_from="feed")
    return _article(
        key=item.link or where,
        raw=item.content,
        source=where,
        parsed=parsed,
        url=item.link,
        outlet=item.feed_title,
        author=item.author,
        updated=item.updated,
    )


def read_warc_stream(stream: IO[bytes], source: str) -> Iterator[Article | Rejection]:
    """The HTML responses of a WARC archive, one article each (record URL as source)."""
    for rec in read_warc(stream, source):
        if isinstance(rec, Rejection):
            yield rec
            continue
        yield from _single(rec.url or source, lambda: from_warc_page(rec))  # noqa: B023 (called at once)


def from_warc_page(page: WarcPage) -> Article:
    """An article from a WARC response record."""
    return from_html(page.html, page.url, url=page.url or None)


# --------------------------------------------------------------------------- the record


def _article(
    *,
    key: str,
    raw: str,
    source: str,
    parsed: ParsedText,
    url: str | None = None,
    outlet: str | None = None,
    author: str | None = None,
    updated: str | None = None,
    declared_language: str | None = None,
) -> Article:
    # The id hashes the item's name and its raw bytes: re-ingesting the same file gives the same id,
    # even after cleaning rules change; two outlets' identical texts stay two articles.
    text = parsed.text
    return Article(
        id=content_id("a", key, text_hash(raw)),
        source=source,
        text=text,
        title=parsed.title,
        published=parsed.published,
        published_from=parsed.published_from if parsed.published else "none",
        outlet=outlet,
        url=url,
        wire_agencies=tuple(parsed.wire_agencies),
        cited_agencies=tuple(parsed.cited_agencies),
        dateline=parsed.dateline,
        language=detect_language(text) or declared_language,
        author=author,
        updated=updated,
        content_hash=text_hash(text),
    )


def _iso_date(value: str, where: str) -> str:
    from datetime import date, datetime

    value = value.strip()
    try:
        return date.fromisoformat(value[:10]).isoformat()
    except ValueError:
        pass
    try:
        return datetime.fromisoformat(value.replace("Z", "+00:00")).date().isoformat()
    except ValueError:
        raise ValueError(f'"published" is not an ISO date: {value!r} (expected YYYY-MM-DD)') from None


@lru_cache(maxsize=1)
def _langid() -> Any:
    import py3langid

    return py3langid


def detect_language(text: str) -> str | None:
    """ISO 639-1 code of the text's language (py3langid), or None for very short texts."""
    if len(text) < 20:
        return None
    lang, _score = _langid().classify(text[:2000])
    return str(lang)
