"""Ingest: find inputs, read each format, and turn every item into an ``Article`` or a ``Rejection``.

Inputs (CONTRACT.md): files, folders (recursive), globs, ``-`` (JSONL on stdin) and http(s) URLs.
Formats, by name and then by content:

* ``*.jsonl``/``*.ndjson`` and ``-``: one JSON article per line (``text``, optional ``title``, ``url``,
  ``published``, ``outlet``).
* ``*.html``/``*.htm``/``*.xhtml``, or a file or URL whose content is HTML: ``html.extract_page`` (trafilatura
  for text and metadata, htmldate plus our own cues for the dates).
* ``*.rss``/``*.atom``/``*.xml``/``*.rdf``, or content that opens like a feed: RSS/Atom items (``feeds``);
  an item whose feed carries only a summary is completed by fetching its linked page (a feed fetched from a URL
  always; a local feed file only with ``FetchOptions.fetch_links``, ``--fetch``: local inputs never reach the
  network unless asked).
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
import os
import sys
from collections.abc import Iterable, Iterator
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, replace
from pathlib import Path
from typing import IO, Annotated, Any

import msgspec

from storyline import ptb
from storyline.budget import ARTICLE_SECONDS, MAX_CHARS, BudgetExceeded, over_chars, time_limit
from storyline.feeds import FeedItem, html_to_text, looks_like_feed, parse_feed
from storyline.fetch import FetchError, FetchOptions, fetch, is_url
from storyline.html import HtmlPage, extract_page
from storyline.language import detect_language
from storyline.metadata import ParsedText, parse_body, parse_plain
from storyline.page_meta import clean_author, clean_title, not_an_article
from storyline.records import Article, Rejection, content_id
from storyline.text import text_hash
from storyline.warc import WarcPage, is_warc_name, read_warc
from storyline.workers import die_with_parent

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
class Limits:
    """What reading one item may cost (``storyline.budget``), and what an unexpected error in it does."""

    max_chars: int | None = MAX_CHARS  # a longer article is rejected ("budget: ...") before its text is parsed
    seconds: float | None = ARTICLE_SECONDS  # reading one article (parse, HTML extraction) takes at most this
    strict: bool = False  # an unexpected error (a bug) raises instead of becoming that item's rejection


class JsonlRecord(msgspec.Struct):
    """One JSONL line, typed: ``text`` is required, the rest optional; other fields are ignored."""

    text: Annotated[str, msgspec.Meta(min_length=1)]
    title: str | None = None
    url: str | None = None
    published: str | None = None
    outlet: str | None = None
    author: str | None = None


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
    limits: Limits | None = None,
) -> Iterator[Article | Rejection]:
    """Read every input under ``paths``; yields articles and rejections, never raises for bad input.

    Every failure is per item: a bad line, record, page or file is one rejection (``FILE:LINE`` for a JSONL line,
    ``FILE#N`` for a WARC record, else the file or URL) and the rest is read. An unexpected error (a bug) while
    reading one item is that item's rejection too, unless ``limits.strict``.

    Args:
        paths: files, folders, globs, ``-`` for JSONL on stdin, http(s) URLs of pages or feeds.
        stdin: where ``-`` reads from (default ``sys.stdin``).
        fetch_options: how URLs are fetched (feeds' linked pages too); default ``FetchOptions()``.
        workers: processes that parse the lines of a large JSONL file (same items, same order).
        limits: the per-article budget while reading (default ``Limits()``).
    """
    options = fetch_options or FetchOptions()
    limits = limits or Limits()
    files = []
    for raw in paths:
        if is_url(raw):
            yield from _guard(raw, lambda: read_url(raw, options, limits), limits)  # noqa: B023 (called at once)
        else:
            files.append(raw)
    for item in discover(files):
        if isinstance(item, Rejection):
            yield item
            continue
        if item.path is None:
            lines = stdin if stdin is not None else getattr(sys.stdin, "buffer", sys.stdin)  # bytes: per-line decoding
            yield from _guard("-", lambda: read_jsonl_lines(lines, "-", limits=limits), limits)  # noqa: B023
            continue
        path = item.path
        source = item.source
        reader = read_file(path, source, options, workers=workers, limits=limits)  # a generator: nothing read yet
        yield from _guard(source, lambda: reader, limits)  # noqa: B023 (called at once)


def _guard(source: str, make: Any, limits: Limits) -> Iterator[Article | Rejection]:
    """One file's items; a failure that escapes the file's reader ends this file only."""
    try:
        yield from make()
    except (OSError, UnicodeDecodeError, ValueError) as exc:
        yield Rejection(source, f"cannot read: {exc}")
    except ImportError as exc:  # a missing extra: say which one to install
        yield Rejection(source, str(exc))
    except Exception as exc:
        yield _internal(source, exc, limits)


def _internal(source: str, exc: Exception, limits: Limits) -> Rejection:
    """An unexpected error while reading one item: a bug, logged with its traceback; the item is rejected."""
    if limits.strict:
        raise exc
    log.error("reading %s failed: this is a bug, please report it", source, exc_info=exc)
    return Rejection(source, f"internal error ({type(exc).__name__}: {exc}); this is a bug: please report it")


def read_url(url: str, options: FetchOptions, limits: Limits | None = None) -> Iterator[Article | Rejection]:
    """Fetch a URL given on the command line: a feed (its items) or a page (one article)."""
    limits = limits or Limits()
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
        # a feed the user asked for by URL: its items' links are fetched too (the network was asked for)
        yield from read_feed(got.body, url, replace(options, fetch_links=True), base_url=got.url, limits=limits)
        return
    yield from _single(url, lambda: from_html(got.body, url, url=got.url), limits)


def read_file(
    path: Path, source: str, options: FetchOptions | None = None, *, workers: int = 1, limits: Limits | None = None
) -> Iterator[Article | Rejection]:
    """Read one file by its suffix, then by its content."""
    options = options or FetchOptions()
    limits = limits or Limits()
    if is_warc_name(path.name):
        with path.open("rb") as fh:
            yield from read_warc_stream(fh, source, limits)
        return
    suffix = path.suffix.lower()
    if suffix in JSONL_SUFFIXES:  # streamed line by line: a JSONL file may hold any number of articles
        with path.open("rb") as fh:  # bytes: each line is decoded on its own, so one bad byte costs one line
            yield from read_jsonl_lines(_capped_lines(fh), source, workers=workers, limits=limits)
        return
    size = path.stat().st_size
    if size > MAX_BYTES:
        yield Rejection(source, f"file is {size:,} bytes, over the {MAX_BYTES:,}-byte limit for one article")
        return
    data = path.read_bytes()
    if not data.strip():
        yield Rejection(source, "empty file")
    elif suffix in FEED_SUFFIXES or looks_like_feed(data):
        yield from read_feed(data, source, options, limits=limits)
    elif suffix in HTML_SUFFIXES or _looks_like_html(data):
        yield from _single(source, lambda: from_html(data, source), limits)
    else:
        try:
            raw = decode_text(data)
        except ValueError as exc:
            yield Rejection(source, str(exc))
            return
        if reason := over_chars(len(raw), limits.max_chars):
            yield Rejection(source, reason)
            return
        yield from _single(source, lambda: from_plain(raw, source), limits)


def decode_text(data: bytes) -> str:
    """A text file's bytes as text: UTF-8 (a BOM is dropped), or UTF-16 with or without a BOM.

    Raises:
        ValueError: another encoding (Latin-1 and the like), or binary data; the message says which.
    """
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    elif data.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return _no_nul(data.decode("utf-16"))
        except UnicodeDecodeError:
            raise ValueError(
                "binary file, not a text article (a UTF-16 byte-order mark, then no UTF-16 text)"
            ) from None
    elif (utf16 := _utf16_order(data)) is not None:
        try:
            text = data.decode(utf16)
        except UnicodeDecodeError:
            pass
        else:
            head = text[:2000]
            if sum(c.isprintable() or c in "\t\r\n" for c in head) >= 0.95 * len(head):  # text, not binary
                return _no_nul(text)
    try:
        return _no_nul(data.decode("utf-8"))
    except UnicodeDecodeError as exc:
        if b"\x00" in data[:4096]:
            raise ValueError("binary file, not a text article") from None
        raise ValueError(
            f"not UTF-8 text (byte {exc.start}; Latin-1 or another 8-bit encoding?): convert it to UTF-8 "
            "or name it .html"
        ) from None


def _utf16_order(data: bytes) -> str | None:
    """``utf-16-le``/``utf-16-be`` when ``data`` looks like UTF-16 without a BOM (mostly Latin letters: every
    other byte zero), else None."""
    head = data[:4096]
    if len(head) < 8 or len(head) % 2:
        return None
    even, odd = head[0::2].count(0), head[1::2].count(0)
    half = len(head) // 2
    if odd > 0.4 * half and even < 0.05 * half:
        return "utf-16-le"
    if even > 0.4 * half and odd < 0.05 * half:
        return "utf-16-be"
    return None


def _no_nul(text: str) -> str:
    if "\x00" in text:
        raise ValueError("binary file, not a text article (it holds NUL bytes)")
    return text


def _looks_like_html(data: bytes) -> bool:
    head = data[:1024].lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    return head.startswith((b"<!doctype html", b"<html"))


def _single(source: str, make: Any, limits: Limits | None = None) -> Iterator[Article | Rejection]:
    """One article from ``make()`` under the time budget, or its rejection."""
    limits = limits or Limits()
    try:
        with time_limit(limits.seconds):
            article = _check(make(), limits)
    except ValueError as exc:
        yield Rejection(source, str(exc))
    except BudgetExceeded as exc:
        yield Rejection(source, f"budget: reading took {exc}")
    except Exception as exc:
        yield _internal(source, exc, limits)
    else:
        yield article


def _check(article: Article, limits: Limits) -> Article:
    if len(article.text.split()) < MIN_WORDS:
        raise ValueError("no article text found (empty after removing boilerplate)")
    if reason := over_chars(len(article.text), limits.max_chars):
        raise ValueError(reason)
    fields = (article.text, article.title, article.outlet, article.author, article.url)
    if any("\x00" in (v or "") for v in fields):
        raise ValueError("NUL characters in the text or metadata: not a text article")
    try:  # a database stores UTF-8: a lone surrogate (from an escape such as "\ud800") cannot be stored
        for v in fields:
            (v or "").encode("utf-8")
    except UnicodeEncodeError:
        raise ValueError("the text or metadata holds a lone surrogate: not valid Unicode") from None
    return article


# --------------------------------------------------------------------------- JSONL and plain text


# Lines parsed per round when parsing in parallel, and the fewest worth a process pool (~0.2 s to start).
_JSONL_BATCH = 512
_JSONL_PARALLEL_MIN = 64


class _LongLine(bytes):
    """Stands for a JSONL line over ``MAX_BYTES`` (its content: the line's length in ASCII digits)."""


def _capped_lines(fh: IO[bytes]) -> Iterator[bytes]:
    """The lines of a binary file; a line over ``MAX_BYTES`` is skipped in chunks and stands as a ``_LongLine``."""
    while line := fh.readline(MAX_BYTES + 1):
        if len(line) <= MAX_BYTES or line.endswith(b"\n"):
            yield line
            continue
        size = len(line)
        while (more := fh.readline(1 << 20)) and not more.endswith(b"\n"):
            size += len(more)
        yield _LongLine(str(size + len(more)).encode())


def read_jsonl_lines(
    lines: Iterable[str] | Iterable[bytes], source: str, *, workers: int = 1, limits: Limits | None = None
) -> Iterator[Article | Rejection]:
    """One article per JSON line: ``text`` and optional ``title``, ``url``, ``published``, ``outlet``, ``author``.

    Each line is decoded (bytes: as UTF-8) and parsed on its own (``JsonlRecord``): a bad line is one
    rejection ``FILE:LINE`` with the reason, the other lines are read. A file without a line is a rejection.
    With ``workers`` > 1, batches of lines are parsed in that many processes; the items and their order
    are the same as parsing in this process.
    """
    limits = limits or Limits()
    seen = 0
    for item in _jsonl_items(lines, source, workers, limits):
        seen += 1
        yield item
    if not seen:
        yield Rejection(source, f"no article in {source} (empty, or only blank lines)")


def _jsonl_items(
    lines: Iterable[str] | Iterable[bytes], source: str, workers: int, limits: Limits
) -> Iterator[Article | Rejection]:
    every: Iterable[str | bytes] = lines
    numbered = ((f"{source}:{n}", line, limits) for n, line in enumerate(every, 1) if line.strip())
    if workers < 2:
        for where, line, _ in numbered:
            yield from _parse_line(where, line, limits)
        return
    pool: ProcessPoolExecutor | None = None
    try:
        batch: list[tuple[str, str | bytes, Limits]] = []
        for pair in numbered:
            batch.append(pair)
            if len(batch) >= _JSONL_BATCH:
                pool = pool or _jsonl_pool(workers)
                yield from _parse_batch(batch, pool, workers)
                batch = []
        if pool is None and len(batch) >= _JSONL_PARALLEL_MIN:
            pool = _jsonl_pool(workers)
        yield from _parse_batch(batch, pool, workers)
    finally:
        if pool is not None:
            pool.shutdown(cancel_futures=True)


def _jsonl_pool(workers: int) -> ProcessPoolExecutor:
    """Forked line parsers that end with this process, even when it is killed (no orphaned workers)."""
    return ProcessPoolExecutor(
        workers, mp_context=multiprocessing.get_context("fork"), initializer=die_with_parent, initargs=(os.getpid(),)
    )


def _parse_batch(
    batch: list[tuple[str, str | bytes, Limits]], pool: ProcessPoolExecutor | None, workers: int
) -> Iterator[Article | Rejection]:
    if pool is None:
        for where, line, limits in batch:
            yield from _parse_line(where, line, limits)
        return
    chunk = max(1, len(batch) // (workers * 4))
    for items in pool.map(_parse_line_list, batch, chunksize=chunk):
        yield from items


def _parse_line_list(args: tuple[str, str | bytes, Limits]) -> list[Article | Rejection]:
    return list(_parse_line(*args))


def _parse_line(where: str, line: str | bytes, limits: Limits | None = None) -> Iterator[Article | Rejection]:
    """One JSONL line: decoded, typed (``JsonlRecord``), within the budget, then read as an article."""
    limits = limits or Limits()
    if isinstance(line, _LongLine):
        yield Rejection(where, f"the line is {int(line):,} bytes, over the {MAX_BYTES:,}-byte limit for one article")
        return
    if isinstance(line, bytes):
        try:
            line = line.decode("utf-8")
        except UnicodeDecodeError as exc:
            yield Rejection(where, f"not UTF-8 (byte {exc.start + 1} of the line)")
            return
    line = line.lstrip("\ufeff")
    try:
        record = msgspec.json.decode(line, type=JsonlRecord)
    except msgspec.ValidationError as exc:
        yield Rejection(where, f"invalid record: {exc}")
        return
    except msgspec.DecodeError as exc:
        yield Rejection(where, f"invalid JSON ({str(exc).removeprefix('JSON is malformed: ')})")
        return
    except RecursionError:
        yield Rejection(where, "invalid JSON (nested too deeply)")
        return
    except UnicodeEncodeError:  # a text line (stdin, the API) holding a lone surrogate
        yield Rejection(where, "not valid Unicode (a lone surrogate)")
        return
    if reason := over_chars(len(record.text), limits.max_chars):
        yield Rejection(where, reason)
        return
    try:
        item = json.loads(line)  # the whole record, other fields too: the article id hashes it
    except (ValueError, RecursionError):  # a number too long for int(): the typed fields stand for the record
        item = msgspec.structs.asdict(record)
    yield from _single(where, lambda: from_record(item, where), limits)


def _prose(text: str) -> str:
    """Penn Treebank-tokenised text back to prose; other text unchanged."""
    return ptb.detokenise(text)[0] if ptb.is_ptb(text) else text


def from_record(item: dict[str, Any], where: str) -> Article:
    """An article from a JSONL record; the record's own fields win over what the text suggests.

    Raises:
        ValueError: a field of the wrong type (``JsonlRecord``) or a ``published`` that is not an ISO date.
    """
    try:
        record = msgspec.convert(item, JsonlRecord)
    except msgspec.ValidationError as exc:
        raise ValueError(f"invalid record: {exc}") from None
    published = None if record.published is None else _iso_date(record.published, where)
    url = record.url or None
    title = (record.title or "").strip() or None
    parsed = parse_body(_prose(record.text), title=title, published=published, published_from="header")
    return _article(
        key=url or where,
        raw=json.dumps(item, sort_keys=True, ensure_ascii=False),
        source=url or where,
        parsed=parsed,
        url=url,
        outlet=record.outlet or None,
        author=record.author or None,
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
    site_url = url or page.url
    reason = not_an_article(page.text, page.title)
    if reason:
        raise ValueError(f"not a news article: {reason}")
    title = clean_title(page.title, page.sitename, site_url) or title
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
        author=clean_author(page.author, page.sitename, site_url) or clean_author(author, page.sitename, site_url),
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
    data: bytes, source: str, options: FetchOptions, *, base_url: str | None = None, limits: Limits | None = None
) -> Iterator[Article | Rejection]:
    """The items of an RSS/Atom feed; an item with only a summary gets its linked page fetched."""
    limits = limits or Limits()
    try:
        items = parse_feed(data, base_url)
    except ValueError as exc:
        yield Rejection(source, str(exc))
        return
    if not items:
        yield Rejection(source, "the feed has no items")
    for n, item in enumerate(items, 1):
        where = item.link or f"{source}#{item.guid or n}"
        yield from _single(where, lambda: from_feed_item(item, where, options), limits)  # noqa: B023 (called at once)


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
    if not item.full_text and item.link and is_url(item.link) and options.fetch_links:
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
    elif item.link and is_url(item.link):  # a local file's links reach the network only when asked (--fetch)
        problem = "its linked page was not fetched (a local feed's links are fetched only with --fetch)"
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


def read_warc_stream(stream: IO[bytes], source: str, limits: Limits | None = None) -> Iterator[Article | Rejection]:
    """The HTML responses of a WARC archive, one article each (record URL as source; rejections ``FILE#N``)."""
    limits = limits or Limits()
    for rec in read_warc(stream, source):
        if isinstance(rec, Rejection):
            yield rec
            continue
        where = rec.where or rec.url or source
        for item in _single(where, lambda: from_warc_page(rec), limits):  # noqa: B023 (called at once)
            yield item if isinstance(item, Article) else Rejection(item.source, f"{item.reason} ({rec.url})")


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
