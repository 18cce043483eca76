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
    """Stream the HTML responses of a WARC file.

    Args:
        stream: the archive, opened in binary mode (plain or gzip per record).
        source: the file's name, used in rejections as ``source#url``.

    Yields:
        ``WarcPage`` for each HTML response with status 200; ``Rejection`` for other responses.

    Raises:
        ImportError: warcio is not installed.
        ValueError: the stream is not a WARC file (raised before anything is yielded only for the first record).
    """
    archive_iterator = _warcio()
    if not _warc_head(stream):
        yield Rejection(source, "not a WARC file (no WARC/1.x record at the start)")
        return
    try:
        records = archive_iterator(stream, arc2warc=True)
        for record in records:
            if record.rec_type != "response":
                continue
            url = record.rec_headers.get_header("WARC-Target-URI") or ""
            where = f"{source}#{url or record.rec_headers.get_header('WARC-Record-ID')}"
            http = record.http_headers
            status = int(http.get_statuscode() or 0) if http is not None else 0
            if http is None or status != 200:
                yield Rejection(where, f"HTTP status {status or 'missing'}, not a page")
                continue
            ctype = (http.get_header("Content-Type") or "").split(";")[0].strip().lower()
            if ctype and ctype not in HTML_TYPES:
                yield Rejection(where, f"not an HTML response ({ctype})")
                continue
            length = int(record.rec_headers.get_header("Content-Length") or 0)
            if length > MAX_PAGE_BYTES:
                yield Rejection(where, f"record is {length:,} bytes, over the {MAX_PAGE_BYTES:,}-byte page limit")
                continue
            body = record.content_stream().read(MAX_PAGE_BYTES + 1)
            if len(body) > MAX_PAGE_BYTES:
                yield Rejection(where, f"page is over the {MAX_PAGE_BYTES:,}-byte limit")
                continue
            date = record.rec_headers.get_header("WARC-Date")
            yield WarcPage(url, date[:10] if date else None, body, record.rec_headers.get_header("WARC-Record-ID"))
    except Exception as exc:  # warcio raises ArchiveLoadFailed (and assorted errors) on a damaged archive
        if type(exc).__name__ == "ArchiveLoadFailed" or isinstance(exc, (ValueError, OSError, EOFError)):
            yield Rejection(source, f"not a readable WARC file: {exc}")
            return
        raise
