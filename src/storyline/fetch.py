"""Polite HTTP fetching for feeds and pages: timeouts, a size cap, a user agent, conditional GET, no private hosts.

``fetch(url, options)`` returns a ``Fetched`` or raises ``FetchError`` with a reason fit for a rejection.
Conditional GET: ``options.validators`` maps a URL to the ``(ETag, Last-Modified)`` of its last response; the
fetcher sends them back (``If-None-Match``/``If-Modified-Since``) and records the new ones, so a feed that has
not changed costs one ``304 Not Modified``. The pipeline loads and saves that mapping through the store.

Addresses: every hop (the URL, then each redirect) is resolved once by ``check_host``, which refuses private,
loopback, link-local, multicast, reserved and unspecified addresses (IPv4 ones embedded in IPv6 too) unless
``allow_private`` is set, and the connection then goes to exactly the addresses it checked, with the name in the
``Host`` header and as the TLS server name (SNI and certificate check). A name that resolves to a public address
when checked and to a private one a moment later (DNS rebinding) therefore never reaches the private one, and a
feed cannot make storyline probe the local network. Environment proxies are not used: through a proxy the address
reached is the proxy's choice, not the one checked.

Caps: ``max_bytes`` per body (``Content-Length`` is checked before reading), ``timeout`` per connect or read,
and ``max_seconds`` for the whole fetch, redirects included, so a server that trickles bytes is cut off too.
"""

from __future__ import annotations

import http.client
import ipaddress
import socket
import ssl
import time
import urllib.parse
from collections.abc import Callable, Iterable, MutableMapping, Sequence
from dataclasses import dataclass, field
from functools import lru_cache

from storyline import __version__ as _version

__all__ = ["FetchError", "FetchOptions", "Fetched", "Resolver", "check_host", "fetch", "is_url", "system_resolver"]

# Names the tool and its purpose so site owners can tell what fetched their pages.
USER_AGENT = f"storyline/{_version} (news storyline builder; one request per page, conditional GET)"
# 10 s covers slow news sites; a fetch that takes longer is dropped, not retried (ingest is resumable).
TIMEOUT_SECONDS = 10.0
# The whole fetch, redirects included: three slow hops at the per-step timeout. A server that sends a byte
# every few seconds never trips the per-read timeout; this deadline stops it.
MAX_SECONDS = 30.0
# Ten times the largest article page we have seen (~2 MB with inline scripts); feeds are smaller still.
MAX_BYTES = 20_000_000
MAX_REDIRECTS = 5
_REDIRECTS = (301, 302, 303, 307, 308)

# (host, port) -> the addresses it resolves to, as strings, in the order to try them
Resolver = Callable[[str, int], Sequence[str]]


class FetchError(Exception):
    """A URL could not be fetched; the message is the reason recorded as a rejection."""


def system_resolver(host: str, port: int) -> list[str]:
    """The addresses the system resolver gives for ``host`` (IPv4 and IPv6, its order, no repeats)."""
    infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    return list(dict.fromkeys(str(info[4][0]) for info in infos))


@dataclass(slots=True, kw_only=True)
class FetchOptions:
    """How to fetch. ``validators`` is mutable on purpose: the fetcher records what each URL answered.

    ``fetch_links``: whether links found in *local* inputs (a feed file's items) are fetched; URLs given as
    inputs are always fetched, and so are the links of a feed fetched from a URL. ``allow_hosts``: host names
    trusted to resolve to private addresses (an intranet feed server) while every other host, redirects
    included, is still checked. ``resolver``: how names become addresses (default: the system's).
    ``tls``: the TLS context (default: the system's certificate authorities, hostname checked).
    """

    allow_private: bool = False
    fetch_links: bool = False
    allow_hosts: frozenset[str] = frozenset()
    timeout: float = TIMEOUT_SECONDS
    max_seconds: float = MAX_SECONDS
    max_bytes: int = MAX_BYTES
    user_agent: str = USER_AGENT
    validators: MutableMapping[str, tuple[str | None, str | None]] = field(default_factory=dict)
    resolver: Resolver = system_resolver
    tls: ssl.SSLContext | None = None


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


def check_host(
    url: str,
    *,
    allow_private: bool,
    allow_hosts: Iterable[str] = (),
    resolver: Resolver = system_resolver,
) -> tuple[str, ...]:
    """Resolve ``url``'s host once and return the addresses to connect to.

    Raises ``FetchError`` unless ``url`` is http(s) and every address is public (or ``allow_private`` is set, or
    the host is one of ``allow_hosts``). The caller connects to these addresses and no others, so what was
    checked is what is reached.
    """
    host, port, _ = _target(url)
    try:
        addresses = tuple(resolver(host, port))
    except (OSError, UnicodeError, ValueError) as exc:
        raise FetchError(f"cannot resolve {host}: {exc}") from None
    if not addresses:
        raise FetchError(f"cannot resolve {host}: no address")
    if allow_private or host in allow_hosts:
        return addresses
    for address in addresses:
        try:
            addr = ipaddress.ip_address(address.split("%")[0])
        except ValueError:
            raise FetchError(f"{host} resolves to {address!r}, not an IP address") from None
        if not _public(addr):
            raise FetchError(
                f"{host} resolves to {addr}, a private, loopback or link-local address; "
                "pass --allow-private to fetch from it"
            )
    return addresses


def _public(addr: ipaddress.IPv4Address | ipaddress.IPv6Address) -> bool:
    if not addr.is_global or addr.is_multicast:
        return False
    embedded = _embedded_v4(addr) if isinstance(addr, ipaddress.IPv6Address) else None
    return embedded is None or (embedded.is_global and not embedded.is_multicast)


# NAT64 prefixes (RFC 6052 well-known, RFC 8215 local use): a gateway turns these into the IPv4 address inside.
_NAT64 = (ipaddress.ip_network("64:ff9b::/96"), ipaddress.ip_network("64:ff9b:1::/48"))
_V4_COMPATIBLE = ipaddress.ip_network("::/96")


def _embedded_v4(addr: ipaddress.IPv6Address) -> ipaddress.IPv4Address | None:
    """The IPv4 address an IPv6 one carries (mapped, 6to4, Teredo, NAT64, v4-compatible): it is where the packets
    end up, so it is checked too (``64:ff9b::7f00:1`` reads as global but reaches 127.0.0.1 through NAT64)."""
    if addr.ipv4_mapped is not None:
        return addr.ipv4_mapped
    if addr.sixtofour is not None:
        return addr.sixtofour
    if addr.teredo is not None:
        return addr.teredo[1]
    if any(addr in net for net in _NAT64) or addr in _V4_COMPATIBLE:
        return ipaddress.IPv4Address(int(addr) & 0xFFFFFFFF)
    return None


def _target(url: str) -> tuple[str, int, str]:
    """``(host, port, request target)`` of an http(s) URL; the target percent-encodes what HTTP cannot carry."""
    parts = urllib.parse.urlsplit(url)
    if parts.scheme.lower() not in ("http", "https") or not parts.hostname:
        raise FetchError(f"not an http(s) URL: {url}")
    try:
        port = parts.port or (443 if parts.scheme.lower() == "https" else 80)
    except ValueError:
        raise FetchError(f"bad port in {url}") from None
    target = parts.path or "/"
    if parts.query:
        target += "?" + parts.query
    # non-ASCII, spaces and control characters in a link (common in news URLs) are percent-encoded, as browsers do
    return parts.hostname, port, urllib.parse.quote(target, safe="".join(map(chr, range(33, 127))))


@lru_cache(maxsize=1)
def _default_tls() -> ssl.SSLContext:
    return ssl.create_default_context()


class _PinnedHTTP(http.client.HTTPConnection):
    """An HTTP connection to ``address`` for the host ``host`` (sent in the ``Host`` header)."""

    def __init__(self, host: str, port: int, *, address: str, timeout: float) -> None:
        super().__init__(host, port, timeout=timeout)
        self.address = address
        self.socket: socket.socket | None = None  # kept here: http.client drops ``sock`` once a response owns it

    def connect(self) -> None:
        self.sock = self.socket = socket.create_connection((self.address, self.port), self.timeout)


class _PinnedHTTPS(http.client.HTTPSConnection):
    """A TLS connection to ``address``; the server name (SNI) and the certificate check use ``host``."""

    def __init__(self, host: str, port: int, *, address: str, timeout: float, tls: ssl.SSLContext) -> None:
        super().__init__(host, port, timeout=timeout, context=tls)
        self.address = address
        self.tls = tls
        self.socket: socket.socket | None = None

    def connect(self) -> None:
        sock = socket.create_connection((self.address, self.port), self.timeout)
        try:
            self.sock = self.socket = self.tls.wrap_socket(sock, server_hostname=self.host)
        except BaseException:
            sock.close()
            raise


def fetch(url: str, options: FetchOptions | None = None) -> Fetched:
    """GET ``url`` politely.

    Args:
        url: an http(s) URL.
        options: timeouts, size cap, user agent, private-address policy and conditional-GET validators.

    Returns:
        ``Fetched``; ``not_modified`` is true (and ``body`` empty) when the server answered 304.

    Raises:
        FetchError: refused host, network error, HTTP error status, too many redirects, body over the cap,
            a fetch over ``max_seconds``.
    """
    options = options or FetchOptions()
    deadline = time.monotonic() + options.max_seconds
    current = url
    for _ in range(MAX_REDIRECTS + 1):
        addresses = check_host(
            current, allow_private=options.allow_private, allow_hosts=options.allow_hosts, resolver=options.resolver
        )
        headers = {"User-Agent": options.user_agent, "Accept-Encoding": "identity", "Accept": "*/*"}
        etag, modified = options.validators.get(current, (None, None))
        if etag:
            headers["If-None-Match"] = etag
        if modified:
            headers["If-Modified-Since"] = modified
        status, reason, got_headers, body = _get(current, addresses, headers, options, deadline)
        if status == 304:
            return Fetched(current, 304, b"", "", not_modified=True)
        location = got_headers.get("Location")
        if status in _REDIRECTS and location:
            current = urllib.parse.urljoin(current, location.strip())
            continue
        if not 200 <= status < 300:
            raise FetchError(f"HTTP {status} {reason} from {current}")
        new_etag, new_modified = got_headers.get("ETag"), got_headers.get("Last-Modified")
        if new_etag or new_modified:
            options.validators[current] = (new_etag, new_modified)
        return Fetched(current, status, body, got_headers.get_content_type())
    raise FetchError(f"more than {MAX_REDIRECTS} redirects from {url}")


def _get(
    url: str, addresses: Sequence[str], headers: dict[str, str], options: FetchOptions, deadline: float
) -> tuple[int, str, http.client.HTTPMessage, bytes]:
    """One GET of ``url`` at the first of ``addresses`` that answers: status, reason, headers and the body
    (read only for a 2xx answer; a redirect's or an error's body is not wanted)."""
    host, port, target = _target(url)
    https = url.lower().startswith("https:")
    last: Exception | None = None
    for address in addresses:
        timeout = _remaining(deadline, options, url)
        conn: _PinnedHTTP | _PinnedHTTPS
        if https:
            conn = _PinnedHTTPS(host, port, address=address, timeout=timeout, tls=options.tls or _default_tls())
        else:
            conn = _PinnedHTTP(host, port, address=address, timeout=timeout)
        try:
            try:
                conn.connect()
            except OSError as exc:  # this address does not answer: try the next one the check let through
                last = exc
                continue
            try:
                conn.request("GET", target, headers=headers)
                response = conn.getresponse()
                status, reason, got = response.status, response.reason, response.headers
                body = _read_capped(response, options, deadline, url, conn) if 200 <= status < 300 else b""
            except FetchError:
                raise
            except TimeoutError:
                _remaining(deadline, options, url)  # past the whole fetch's deadline: say so
                raise FetchError(f"cannot fetch {url}: timed out") from None
            except (OSError, http.client.HTTPException, ValueError) as exc:
                raise FetchError(f"cannot fetch {url}: {exc or type(exc).__name__}") from None
            return status, reason, got, body
        finally:
            conn.close()
    if isinstance(last, TimeoutError):
        raise FetchError(f"cannot fetch {url}: timed out")
    raise FetchError(f"cannot fetch {url}: {last}")


def _remaining(deadline: float, options: FetchOptions, url: str) -> float:
    left = deadline - time.monotonic()
    if left <= 0:
        raise FetchError(f"fetching {url} took more than {options.max_seconds:g} s")
    return min(options.timeout, left)


def _read_capped(
    response: http.client.HTTPResponse,
    options: FetchOptions,
    deadline: float,
    url: str,
    conn: _PinnedHTTP | _PinnedHTTPS,
) -> bytes:
    cap = options.max_bytes
    declared = response.getheader("Content-Length")
    if declared and declared.strip().isdigit() and int(declared) > cap:
        raise FetchError(f"{url} is over the {cap:,}-byte limit ({int(declared):,} bytes announced)")
    chunks: list[bytes] = []
    size = 0
    while True:
        if conn.socket is not None:  # each read may wait only for what is left of the whole fetch's time
            conn.socket.settimeout(_remaining(deadline, options, url))
        try:
            chunk = response.read1(65536)  # what has arrived, not a full 64 KiB: a trickle meets the deadline
        except TimeoutError:
            _remaining(deadline, options, url)  # past the whole fetch's deadline: say so
            raise FetchError(f"cannot read {url}: timed out") from None
        except (OSError, ValueError, http.client.HTTPException) as exc:
            raise FetchError(f"cannot read {url}: {exc or type(exc).__name__}") from None
        if not chunk:
            return b"".join(chunks)
        size += len(chunk)
        if size > cap:
            raise FetchError(f"{url} is over the {cap:,}-byte limit")
        chunks.append(chunk)
