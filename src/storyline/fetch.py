"""Polite HTTP fetching for feeds and pages: timeouts, a size cap, a user agent, conditional GET, no private hosts.

``fetch(url, options)`` returns a ``Fetched`` or raises ``FetchError`` with a reason fit for a rejection.
Conditional GET: ``options.validators`` maps a URL to the ``(ETag, Last-Modified)`` of its last response; the
fetcher sends them back (``If-None-Match``/``If-Modified-Since``) and records the new ones, so a feed that has
not changed costs one ``304 Not Modified``. The pipeline loads and saves that mapping through the store.

Addresses are checked before connecting, and again after every redirect: private, loopback, link-local,
multicast, reserved and unspecified addresses are refused unless ``allow_private`` is set (a feed must not
be able to make storyline probe the local network).
"""

from __future__ import annotations

import ipaddress
import socket
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import MutableMapping
from dataclasses import dataclass, field
from email.message import Message
from typing import IO

from storyline import __version__ as _version

__all__ = ["FetchError", "FetchOptions", "Fetched", "check_host", "fetch", "is_url"]

# Names the tool and its purpose so site owners can tell what fetched their pages.
USER_AGENT = f"storyline/{_version} (news storyline builder; one request per page, conditional GET)"
# 10 s covers slow news sites; a fetch that takes longer is dropped, not retried (ingest is resumable).
TIMEOUT_SECONDS = 10.0
# Ten times the largest article page we have seen (~2 MB with inline scripts); feeds are smaller still.
MAX_BYTES = 20_000_000
MAX_REDIRECTS = 5


class FetchError(Exception):
    """A URL could not be fetched; the message is the reason recorded as a rejection."""


@dataclass(slots=True, kw_only=True)
class FetchOptions:
    """How to fetch. ``validators`` is mutable on purpose: the fetcher records what each URL answered."""

    allow_private: bool = False
    timeout: float = TIMEOUT_SECONDS
    max_bytes: int = MAX_BYTES
    user_agent: str = USER_AGENT
    validators: MutableMapping[str, tuple[str | None, str | None]] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class Fetched:
    """One response: the final URL after redirects, its body and content type; ``body`` is empty on 304."""

    url: str
    status: int
    body: bytes
    content_type: str
    not_modified: bool = False


def is_url(text: str) -> bool:
    """Whether an input path is an http(s) URL."""
    return text.lower().startswith(("http://", "https://"))


def check_host(url: str, *, allow_private: bool) -> None:
    """Raise ``FetchError`` unless ``url`` is http(s) and every address its host resolves to is public."""
    parts = urllib.parse.urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise FetchError(f"not an http(s) URL: {url}")
    if allow_private:
        return
    try:
        infos = socket.getaddrinfo(parts.hostname, parts.port or (443 if parts.scheme == "https" else 80))
    except (socket.gaierror, UnicodeError) as exc:
        raise FetchError(f"cannot resolve {parts.hostname}: {exc}") from None
    for info in infos:
        addr = ipaddress.ip_address(str(info[4][0]).split("%")[0])
        if not addr.is_global or addr.is_multicast:
            raise FetchError(
                f"{parts.hostname} resolves to {addr}, a private, loopback or link-local address; "
                "pass --allow-private to fetch from it"
            )


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    """Redirects are followed by ``fetch`` itself so each hop's host is checked."""

    def redirect_request(self, *args: object, **kwargs: object) -> None:
        return None


def fetch(url: str, options: FetchOptions | None = None) -> Fetched:
    """GET ``url`` politely.

    Args:
        url: an http(s) URL.
        options: timeouts, size cap, user agent, private-address policy and conditional-GET validators.

    Returns:
        ``Fetched``; ``not_modified`` is true (and ``body`` empty) when the server answered 304.

    Raises:
        FetchError: refused host, network error, HTTP error status, too many redirects, body over the cap.
    """
    options = options or FetchOptions()
    opener = urllib.request.build_opener(_NoRedirect)
    current = url
    for _ in range(MAX_REDIRECTS + 1):
        check_host(current, allow_private=options.allow_private)
        request = urllib.request.Request(
            current, headers={"User-Agent": options.user_agent, "Accept-Encoding": "identity"}
        )
        etag, modified = options.validators.get(current, (None, None))
        if etag:
            request.add_header("If-None-Match", etag)
        if modified:
            request.add_header("If-Modified-Since", modified)
        try:
            response = opener.open(request, timeout=options.timeout)
        except urllib.error.HTTPError as exc:
            if exc.code == 304:
                return Fetched(current, 304, b"", "", not_modified=True)
            if exc.code in (301, 302, 303, 307, 308) and exc.headers.get("Location"):
                current = urllib.parse.urljoin(current, exc.headers["Location"])
                continue
            raise FetchError(f"HTTP {exc.code} {exc.reason} from {current}") from None
        except (urllib.error.URLError, OSError, ValueError) as exc:
            reason = getattr(exc, "reason", exc)
            raise FetchError(f"cannot fetch {current}: {reason}") from None
        with response:
            body = _read_capped(response, options.max_bytes, current)
            headers: Message = response.headers
        new_etag, new_modified = headers.get("ETag"), headers.get("Last-Modified")
        if new_etag or new_modified:
            options.validators[current] = (new_etag, new_modified)
        return Fetched(current, int(response.status), body, headers.get_content_type())
    raise FetchError(f"more than {MAX_REDIRECTS} redirects from {url}")


def _read_capped(response: IO[bytes], cap: int, url: str) -> bytes:
    chunks: list[bytes] = []
    size = 0
    while True:
        try:
            chunk = response.read(65536)
        except (OSError, ValueError) as exc:
            raise FetchError(f"cannot read {url}: {exc}") from None
        if not chunk:
            return b"".join(chunks)
        size += len(chunk)
        if size > cap:
            raise FetchError(f"{url} is over the {cap:,}-byte limit")
        chunks.append(chunk)
