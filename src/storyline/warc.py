"""WARC archives (CC-NEWS style, gzip per record), streamed with warcio (the ``warc`` extra).

``read_warc`` yields one ``WarcPage`` per HTTP response record and a ``Rejection`` for a response that is
not a usable HTML page (an error status, an image, a payload over the size cap). Request, metadata and
warcinfo records carry no article and are passed over silently. Records are read one at a time, so an
archive of any size streams in constant memory.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import IO, Any

from storyline.errors import MissingExtra
from storyline.records import Rejection

__all__ = ["WarcPage", "is_warc_name", "read_warc"]

HTML_TYPES = {"text/html", "application/xhtml+xml"}
# One page above this is not an article (CC-NEWS pages average ~100 KB; its crawler truncates at 1 MiB).
MAX_PAGE_BYTES = 5_000_000


@dataclass(frozen=True, slots=True)
class WarcPage:
    """An HTML response: the record's target URL, its WARC-Date (crawl time, ISO) and the HTML bytes."""

    url: str
    date: str | None
    html: bytes
    record_id: str | None = None
    where: str | None = None  # FILE#N: the record's place in its archive


def is_warc_name(name: str) -> bool:
    """Whether a file name says WARC (``.warc``, ``.warc.gz``)."""
    low = name.lower()
    return low.endswith((".warc", ".warc.gz"))


def _warc_head(stream: IO[bytes]) -> bool:
    """Whether the stream starts with a WARC record, plain or gzipped (checked without consuming it)."""
    peek = getattr(stream, "peek", None)
    if peek is None:
        return True  # cannot look ahead: let warcio decide
    head = bytes(peek(64))[:64]
    if head[:2] == b"\x1f\x8b":
        import zlib

        try:
            head = zlib.decompressobj(16 + zlib.MAX_WBITS).decompress(bytes(peek(4096))[:4096], 64)
        except zlib.error:
            return False
    return head.startswith((b"WARC/", b"filedesc://"))


def _warcio() -> Any:
    try:
        from warcio.archiveiterator import ArchiveIterator
    except ImportError:
        raise MissingExtra("reading WARC files", "warc", needs="warcio") from None
    return ArchiveIterator


def read_warc(stream: IO[bytes], source: str) -> Iterator[WarcPage | Rejection]:
    """Stream the HTML responses of a WARC file; every problem is one record's rejection, the rest is read.

    Args:
        stream: the archive, opened in binary mode (plain or gzip per record).
        source: the file's name; a record is named ``source#N``, N counting every record from 1 (warcinfo and
            request records too, as ``warcio index`` lists them).

    Yields:
        ``WarcPage`` for each HTML response with status 200; ``Rejection`` for any other response, a response
        without a ``WARC-Target-URI``, a record the archive ends inside (a truncated file or gzip member) and a
        record that cannot be parsed. After a broken record, reading resumes at the next record start (the
        next gzip member, or the next ``WARC/1.`` line) when the stream can seek.

    Raises:
        ImportError: warcio is not installed.
    """
    archive_iterator = _warcio()
    if not _warc_head(stream):
        yield Rejection(source, "not a WARC file (no WARC/1.x record at the start)")
        return
    seekable = stream.seekable()
    gzipped = bool(seekable and _starts_gzip(stream))
    n = 0
    while True:
        begin = stream.tell() if seekable else 0
        records = archive_iterator(stream, arc2warc=True, no_record_parse=True)
        last = begin  # where the last record read began: a resume goes past it, so none is read twice
        try:
            while True:
                try:
                    record = next(records)
                except StopIteration:
                    return
                n += 1
                at = getattr(records, "offset", None)
                last = max(last, at) if isinstance(at, int) else last
                yield from _response(record, f"{source}#{n}")
        except Exception as exc:  # warcio raises ArchiveLoadFailed and assorted errors on a damaged record
            at = getattr(records, "offset", None)  # where the broken record starts (warcio's count; may lag)
            if not (n and isinstance(at, int) and at <= last):  # else: the rest of the record just read is broken
                n += 1
            yield Rejection(f"{source}#{n}", f"broken WARC record ({type(exc).__name__}: {_short(exc)})")
            after = max(at if isinstance(at, int) else begin, last) + 1  # always forward: no record read twice
            resume = _next_record(stream, after, gzipped) if seekable else None
            if resume is None:
                return
            stream.seek(resume)


def _response(record: Any, where: str) -> Iterator[WarcPage | Rejection]:
    """One record: a page, a rejection, or nothing (request, metadata and warcinfo records)."""
    try:
        if not record.rec_type or record.rec_headers.get_header("Content-Length") is None:
            _drain(record)
            yield Rejection(where, "broken WARC record: no WARC-Type or Content-Length (a truncated archive?)")
            return
        if record.rec_type != "response":
            if _drain(record):
                yield Rejection(where, f"{_truncated(record)} ({record.rec_type} record)")
            return
        url = record.rec_headers.get_header("WARC-Target-URI") or ""
        if not url:
            _drain(record)
            yield Rejection(where, "a response record without WARC-Target-URI (the page's URL)")
            return
        http = _http_headers(record)
        status = http.get_statuscode() if http is not None else ""
        if http is None or status != "200":
            truncated = _drain(record)
            yield Rejection(
                where, f"{_truncated(record) if truncated else 'not a page'}: HTTP status {status or 'missing'} ({url})"
            )
            return
        ctype = (http.get_header("Content-Type") or "").split(";")[0].strip().lower()
        if ctype and ctype not in HTML_TYPES:
            _drain(record)
            yield Rejection(where, f"not an HTML response ({ctype}) ({url})")
            return
        length = int(record.rec_headers.get_header("Content-Length") or 0)
        if length > MAX_PAGE_BYTES:
            _drain(record)
            yield Rejection(where, f"record is {length:,} bytes, over the {MAX_PAGE_BYTES:,}-byte page limit ({url})")
            return
        record.http_headers = http  # content_stream() undoes chunked and compressed transfer with them
        body = record.content_stream().read(MAX_PAGE_BYTES + 1)
        if _drain(record):
            yield Rejection(where, f"{_truncated(record)} ({url})")
            return
        if len(body) > MAX_PAGE_BYTES:
            yield Rejection(where, f"page is over the {MAX_PAGE_BYTES:,}-byte limit ({url})")
            return
        if not body.strip():
            yield Rejection(where, f"empty response body ({url})")
            return
        date = record.rec_headers.get_header("WARC-Date")
        yield WarcPage(url, date[:10] if date else None, body, record.rec_headers.get_header("WARC-Record-ID"), where)
    except Exception as exc:  # a malformed HTTP head or compressed body: this record only
        yield Rejection(where, f"broken WARC record ({type(exc).__name__}: {_short(exc)})")


def _http_headers(record: Any) -> Any:
    """The HTTP status line and headers at the start of a response block (parsed here, not by warcio, so a
    response without a target URI is a rejection rather than an error inside the iterator)."""
    from warcio.statusandheaders import StatusAndHeadersParser

    if record.length == 0:
        return None
    # verify=False: "HTTP/2 200" and other status lines a crawler wrote are read too
    return StatusAndHeadersParser(["HTTP/1.0", "HTTP/1.1"], verify=False).parse(record.raw_stream)


def _drain(record: Any) -> bool:
    """Read the rest of the record's block; whether the archive ended before the block did (truncated)."""
    raw = record.raw_stream
    while raw.read(65536):
        pass
    return int(getattr(raw, "limit", 0) or 0) > 0


def _truncated(record: Any) -> str:
    missing = int(getattr(record.raw_stream, "limit", 0) or 0)
    return f"truncated: the archive ends {missing:,} bytes before this record does"


def _short(exc: Exception) -> str:
    text = " ".join(str(exc).split())
    return text[:200] + ("…" if len(text) > 200 else "")


def _starts_gzip(stream: IO[bytes]) -> bool:
    at = stream.tell()
    head = stream.read(2)
    stream.seek(at)
    return head == b"\x1f\x8b"


def _next_record(stream: IO[bytes], start: int, gzipped: bool) -> int | None:
    """Offset of the next record start at or after ``start``: a gzip member header, or a ``WARC/1.`` line."""
    magic = b"\x1f\x8b\x08" if gzipped else b"\nWARC/1."
    skip = 0 if gzipped else 1
    stream.seek(max(0, start - skip))
    pos = stream.tell()
    tail = b""
    while chunk := stream.read(1 << 20):
        data = tail + chunk
        i = data.find(magic)
        if i >= 0:
            return pos - len(tail) + i + skip
        tail = data[-(len(magic) - 1) :]
        pos += len(chunk)
    return None
