"""Ingest: find input files, read each format, and turn every item into an ``Article`` or a ``Rejection``.

Formats by name (CONTRACT.md): ``*.jsonl`` and ``-`` (JSONL on stdin), ``*.html``/``*.htm`` (trafilatura +
htmldate), anything else a plain-text article in the seeds' form (``metadata.parse_plain``).
Nothing here writes to storage: the pipeline stores what this yields, one transaction per batch.
"""

from __future__ import annotations

import glob
import json
import logging
import sys
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import IO, Any

from storyline.metadata import parse_body, parse_plain
from storyline.records import Article, Dateline, Rejection, content_id
from storyline.text import text_hash

log = logging.getLogger(__name__)

HTML_SUFFIXES = {".html", ".htm", ".xhtml"}
JSONL_SUFFIXES = {".jsonl", ".ndjson"}
# Not articles: skipped silently when walking folders (a file named explicitly is always read).
SKIP_SUFFIXES = {".md", ".json", ".gz", ".zip", ".png", ".jpg", ".jpeg", ".gif", ".pdf", ".py", ".db", ".sqlite"}
MAX_BYTES = 20_000_000  # larger single files are rejected: no news article is that long
MIN_WORDS = 5  # fewer words than this is not an article (empty pages, error pages)


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
                    if f.is_file() and not _hidden(f.relative_to(m)) and f.suffix.lower() not in SKIP_SUFFIXES:
                        yield InputFile(f, f.relative_to(m).as_posix())
            elif m.is_file():
                yield InputFile(m, m.name if not glob.has_magic(raw) else m.as_posix())
            else:
                yield Rejection(raw, "no such file or folder")


def _hidden(rel: Path) -> bool:
    return any(part.startswith(".") for part in rel.parts)


def read(paths: Iterable[str], *, stdin: IO[str] | None = None) -> Iterator[Article | Rejection]:
    """Read every input under ``paths``; yields articles and rejections, never raises for bad input."""
    for item in discover(paths):
        if isinstance(item, Rejection):
            yield item
            continue
        if item.path is None:
            yield from read_jsonl_lines(stdin or sys.stdin, "-")
            continue
        try:
            yield from read_file(item.path, item.source)
        except (OSError, UnicodeDecodeError, ValueError) as exc:
            yield Rejection(item.source, f"cannot read: {exc}")


def read_file(path: Path, source: str) -> Iterator[Article | Rejection]:
    """Read one file by its suffix."""
    size = path.stat().st_size
    if size > MAX_BYTES:
        yield Rejection(source, f"file is {size:,} bytes, over the {MAX_BYTES:,}-byte limit for one article")
        return
    suffix = path.suffix.lower()
    data = path.read_bytes()
    if suffix in JSONL_SUFFIXES:
        with path.open(encoding="utf-8", errors="strict") as fh:
            yield from read_jsonl_lines(fh, source)
    elif suffix in HTML_SUFFIXES:
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


def _single(source: str, make: Any) -> Iterator[Article | Rejection]:
    try:
        yield _check(make(), source)
    except ValueError as exc:
        yield Rejection(source, str(exc))


def _check(article: Article, source: str) -> Article:
    if len(article.text.split()) < MIN_WORDS:
        raise ValueError("no article text found (empty after removing boilerplate)")
    return article


def read_jsonl_lines(lines: Iterable[str], source: str) -> Iterator[Article | Rejection]:
    """One article per JSON line: ``text`` and optional ``title``, ``url``, ``published``, ``outlet``."""
    for n, line in enumerate(lines, 1):
        if not line.strip():
            continue
        where = f"{source}:{n}"
        try:
            item = json.loads(line)
        except json.JSONDecodeError as exc:
            yield Rejection(where, f"invalid JSON ({exc.msg} at column {exc.colno})")
            continue
        if not isinstance(item, dict) or not isinstance(item.get("text"), str):
            yield Rejection(where, 'each line must be a JSON object with a "text" string')
            continue
        yield from _single(where, lambda: from_record(item, where))


def from_record(item: dict[str, Any], where: str) -> Article:
    """An article from a JSONL record; the record's own fields win over what the text suggests."""
    published = item.get("published")
    if published is not None:
        published = _iso_date(str(published), where)
    url = item.get("url") or None
    title = (item.get("title") or "").strip() or None
    parsed = parse_body(item["text"], title=title, published=published, published_from="header")
    return _article(
        key=url or where,
        raw=json.dumps(item, sort_keys=True, ensure_ascii=False),
        source=url or where,
        text=parsed.text,
        title=title,
        url=url,
        outlet=item.get("outlet") or None,
        published=parsed.published,
        published_from=parsed.published_from,
        dateline=parsed.dateline,
        wire=parsed.wire_agencies,
        cited=parsed.cited_agencies,
    )


def from_plain(raw: str, source: str) -> Article:
    """An article from a plain-text file in the seeds' form."""
    parsed = parse_plain(raw)
    return _article(
        key=Path(source).name,
        raw=raw,
        source=source,
        text=parsed.text,
        title=parsed.title,
        published=parsed.published,
        published_from=parsed.published_from,
        dateline=parsed.dateline,
        wire=parsed.wire_agencies,
        cited=parsed.cited_agencies,
    )


def from_html(data: bytes, source: str, url: str | None = None) -> Article:
    """An article from an HTML page: trafilatura for text and metadata, htmldate for the date."""
    import trafilatura
    from htmldate import find_date

    result = trafilatura.bare_extraction(data, url=url, with_metadata=True, include_comments=False, include_tables=False)
    doc: dict[str, Any] = result.as_dict() if result is not None and not isinstance(result, dict) else (result or {})
    body = str(doc.get("text") or "")
    if not body.strip():
        raise ValueError("no article text found in this HTML page")
    # paragraphs come one per line from trafilatura; the dateline and credits are read before htmldate
    title = doc.get("title") or None
    parsed = parse_body(body, title=title)
    published, published_from = parsed.published, parsed.published_from
    if published is None:
        try:
            published = find_date(data, original_date=True, extensive_search=True, outputformat="%Y-%m-%d")
            published_from = "html"
        except Exception as exc:  # htmldate raises assorted errors on odd markup; the date is then unknown
            log.debug("htmldate failed on %s: %s", source, exc)
    return _article(
        key=url or Path(source).name,
        raw=data.decode("utf-8", errors="replace"),
        source=url or source,
        text=parsed.text,
        title=title,
        url=url or doc.get("url") or None,
        outlet=doc.get("sitename") or None,
        author=doc.get("author") or None,
        published=published or None,
        published_from=published_from,
        dateline=parsed.dateline,
        wire=parsed.wire_agencies,
        cited=parsed.cited_agencies,
    )


def _article(
    *,
    key: str,
    raw: str,
    source: str,
    text: str,
    title: str | None,
    published: str | None,
    published_from: str,
    dateline: Dateline | None,
    wire: tuple[str, ...],
    cited: tuple[str, ...],
    url: str | None = None,
    outlet: str | None = None,
    author: str | None = None,
) -> Article:
    # The id hashes the item's name and its raw bytes: re-ingesting the same file gives the same id,
    # even after cleaning rules change; two outlets' identical texts stay two articles.
    return Article(
        id=content_id("a", key, text_hash(raw)),
        source=source,
        text=text,
        title=title,
        published=published,
        published_from=published_from if published else "none",
        outlet=outlet,
        url=url,
        wire_agencies=tuple(wire),
        cited_agencies=tuple(cited),
        dateline=dateline,
        language=detect_language(text),
        author=author,
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
