"""Network only when asked, to the address that was checked: tests on loopback servers, one per refusal.

* a local folder never fetches (a feed-like ``.html`` file's links stay unfetched) unless ``--fetch`` asks;
* the connection goes to the addresses ``check_host`` resolved, once per hop (DNS rebinding cannot switch it),
  with the name in the ``Host`` header and as the TLS server name;
* a name resolving to loopback, a redirect to a private address, an oversized body and a slow server are refused.
"""

from __future__ import annotations

import shutil
import ssl
import subprocess
import threading
import time
import urllib.parse
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from click.testing import CliRunner

from storyline.cli import cli
from storyline.fetch import FetchError, FetchOptions, Resolver, check_host, fetch, system_resolver
from storyline.html import extract_page
from storyline.ingest import read
from storyline.records import Article
from test_feeds import item, rss
from test_ingest_formats import page


@dataclass
class Server:
    """A loopback server; ``requests`` logs ``(path, Host header)`` of every request it received."""

    port: int = 0
    requests: list[tuple[str, str | None]] = field(default_factory=list)
    feed: bytes = b""  # what /feed.xml serves

    def url(self, path: str, host: str = "127.0.0.1") -> str:
        return f"{self.scheme}://{host}:{self.port}{path}"

    scheme: str = "http"


PAGE = page()
BIG = b"<html><body>" + b"<p>The harbour board met again on Tuesday.</p>" * 200 + b"</body></html>"


@contextmanager
def server(tls: ssl.SSLContext | None = None) -> Iterator[Server]:
    """Paths: ``/page.html`` an article; ``/big`` a body with its length announced, ``/big-unannounced`` the
    same without ``Content-Length``; ``/to?u=URL`` a redirect to URL; ``/stall`` answers after 3 s; ``/trickle``
    sends its body one byte every 0.05 s; ``/feed.xml`` a summary-only feed linking to ``/page.html``."""
    site = Server(scheme="https" if tls else "http")

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            site.requests.append((self.path, self.headers.get("Host")))
            path, _, query = self.path.partition("?")
            try:
                if path == "/to":
                    self.send_response(302)
                    self.send_header("Location", urllib.parse.parse_qs(query)["u"][0])
                    self.end_headers()
                elif path == "/stall":
                    time.sleep(3)
                    self.send_error(503)
                elif path == "/trickle":
                    self.send_response(200)
                    self.send_header("Content-Type", "text/html")
                    self.end_headers()
                    for _ in range(100):
                        self.wfile.write(b"x")
                        self.wfile.flush()
                        time.sleep(0.05)
                elif path in ("/page.html", "/big", "/big-unannounced", "/feed.xml"):
                    body = {"/page.html": PAGE, "/feed.xml": site.feed}.get(path, BIG)
                    self.send_response(200)
                    self.send_header("Content-Type", "application/rss+xml" if path == "/feed.xml" else "text/html")
                    if path != "/big-unannounced":
                        self.send_header("Content-Length", str(len(body)))
                    self.end_headers()
                    self.wfile.write(body)
                else:
                    self.send_error(404)
            except OSError:  # the client gave up (a timeout test): nothing to answer
                pass

        def log_message(self, format: str, *args: object) -> None:
            pass

    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    if tls is not None:
        httpd.socket = tls.wrap_socket(httpd.socket, server_side=True)
    site.port = int(httpd.server_address[1])
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    try:
        yield site
    finally:
        httpd.shutdown()
        httpd.server_close()


def resolver(names: dict[str, Sequence[Sequence[str]]]) -> tuple[list[str], Resolver]:
    """A resolver answering ``names[host][n]`` on the n-th lookup of ``host`` (the last answer repeats), other
    names as the system does; the returned list logs every lookup."""
    looked: list[str] = []

    def resolve(host: str, port: int) -> list[str]:
        if host not in names:
            return system_resolver(host, port)
        answers = names[host]
        n = sum(1 for h in looked if h == host)
        looked.append(host)
        return list(answers[min(n, len(answers) - 1)])

    return looked, resolve


# --------------------------------------------------------------------------- local inputs never fetch


def _feed_folder(tmp_path: Path, site: Server) -> Path:
    folder = tmp_path / "in"
    folder.mkdir()
    # a saved feed named .html: it reads as a feed, and its only item is a teaser linking to the server
    (folder / "front-page.html").write_bytes(rss(item(site.url("/page.html"), "The board backed a berth.")))
    (folder / "strike.txt").write_text(
        " date 2024-05-02 Harbour pilots end strike at Portvale\n\nPORTVALE, May 2 (NNS) - Harbour pilots at "
        "Portvale ended a three-day strike on Thursday after the port authority agreed to hire more pilots.\n",
        encoding="utf-8",
    )
    return folder


def test_local_folder_never_fetches_without_fetch_flag(tmp_path: Path) -> None:
    with server() as site:
        folder = _feed_folder(tmp_path, site)
        db = str(tmp_path / "a.db")
        r = CliRunner().invoke(cli, ["ingest", str(folder), "--db", db, "--no-nlp", "--allow-private"])
        assert site.requests == []  # not one connection
        assert r.exit_code == 1, r.output  # the text article stored, the teaser rejected
        assert "only with --fetch" in r.stderr and "1 new articles" in r.stderr
        # the same through the library: local inputs do not fetch by default
        out = list(read([str(folder)], fetch_options=FetchOptions(allow_private=True)))
        assert site.requests == []
        assert sum(isinstance(x, Article) for x in out) == 1


def test_fetch_flag_fetches_local_feed_links(tmp_path: Path) -> None:
    with server() as site:
        folder = _feed_folder(tmp_path, site)
        db = str(tmp_path / "b.db")
        r = CliRunner().invoke(cli, ["ingest", str(folder), "--db", db, "--no-nlp", "--allow-private", "--fetch"])
        assert [p for p, _ in site.requests] == ["/page.html"]
        assert r.exit_code == 0, r.stderr
        assert "2 new articles" in r.stderr


def test_url_argument_fetches_feed_and_links_without_fetch_flag(tmp_path: Path) -> None:
    with server() as site:
        site.feed = rss(item(site.url("/page.html"), "The board backed a berth."))
        out = list(read([site.url("/feed.xml")], fetch_options=FetchOptions(allow_private=True)))
        (art,) = out
        assert isinstance(art, Article) and art.text.startswith("PORTVALE, March 3 (NNS)")
        assert [p for p, _ in site.requests] == ["/feed.xml", "/page.html"]


def test_html_page_text_that_is_a_url_is_not_downloaded() -> None:
    # htmldate downloads a str that looks like a URL; extract_page must only parse what it is given
    with server() as site:
        got = extract_page(site.url("/page.html"))
        assert site.requests == []
        assert "Harbour board" not in got.text


# --------------------------------------------------------------------------- the checked address is the one reached


def test_connection_goes_to_the_checked_address_once_per_hop() -> None:
    with server() as site:
        # first lookup: loopback (the server); any later lookup: an unroutable address. Re-resolving at connect
        # time (the rebinding hole) would go there, or fail to resolve the made-up name at all.
        looked, resolve = resolver({"rebind.test": [["127.0.0.1"], ["10.255.255.1"]]})
        got = fetch(
            f"http://rebind.test:{site.port}/page.html",
            FetchOptions(allow_private=True, resolver=resolve, timeout=2),
        )
        assert got.status == 200 and got.body == PAGE
        assert looked == ["rebind.test"]  # resolved once
        assert site.requests == [("/page.html", f"rebind.test:{site.port}")]  # the name in the Host header
        # a redirect is a new hop: resolved and checked again, once
        looked.clear()
        target = f"http://rebind.test:{site.port}/page.html"
        fetch(
            f"http://rebind.test:{site.port}/to?u={urllib.parse.quote(target)}",
            FetchOptions(allow_private=True, resolver=resolver({"rebind.test": [["127.0.0.1"]]})[1]),
        )
        assert [p for p, _ in site.requests[1:]] == ["/to?u=" + urllib.parse.quote(target), "/page.html"]


def test_every_resolved_address_is_checked() -> None:
    _, resolve = resolver({"mixed.test": [["93.184.216.34", "127.0.0.1"]]})
    with pytest.raises(FetchError, match=r"127.0.0.1.*allow-private"):
        check_host("http://mixed.test/", allow_private=False, resolver=resolve)
    # IPv4 addresses inside IPv6 ones reach the IPv4 host: mapped, NAT64, 6to4
    for inside in ("::ffff:127.0.0.1", "64:ff9b::a00:1", "2002:c0a8:101::1", "::ffff:169.254.169.254"):
        with pytest.raises(FetchError, match="allow-private"):
            check_host(f"http://[{inside}]/", allow_private=False)
    assert check_host("http://[::ffff:127.0.0.1]:8/", allow_private=True) == ("::ffff:127.0.0.1",)


def _self_signed(tmp_path: Path, name: str) -> tuple[Path, Path]:
    if shutil.which("openssl") is None:
        pytest.skip("openssl not found: cannot make a certificate for the TLS test")
    key, cert = tmp_path / "key.pem", tmp_path / "cert.pem"
    subprocess.run(
        ["openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes",
         "-keyout", str(key), "-out", str(cert), "-days", "1", "-subj", f"/CN={name}",
         "-addext", f"subjectAltName=DNS:{name}"],
        check=True,
        capture_output=True,
    )  # fmt: skip
    return key, cert


def test_tls_uses_the_name_for_sni_and_certificate_while_connecting_to_the_checked_address(tmp_path: Path) -> None:
    key, cert = _self_signed(tmp_path, "news.test")
    server_tls = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    server_tls.load_cert_chain(cert, key)
    seen_names: list[str | None] = []
    server_tls.sni_callback = lambda sock, name, ctx: seen_names.append(name)
    client_tls = ssl.create_default_context(cafile=str(cert))
    with server(server_tls) as site:
        _, resolve = resolver({"news.test": [["127.0.0.1"]], "other.test": [["127.0.0.1"]]})
        opts = FetchOptions(allow_private=True, resolver=resolve, tls=client_tls, timeout=5)
        got = fetch(f"https://news.test:{site.port}/page.html", opts)
        assert got.body == PAGE and seen_names == ["news.test"]
        assert site.requests == [("/page.html", f"news.test:{site.port}")]
        # the certificate is checked against the name asked for, not the address connected to
        with pytest.raises(FetchError, match=r"certificate|hostname"):
            fetch(f"https://other.test:{site.port}/page.html", opts)


# --------------------------------------------------------------------------- refusals


def test_name_resolving_to_loopback_refused_without_allow_private(tmp_path: Path) -> None:
    with server() as site:
        with pytest.raises(FetchError, match=r"localhost resolves to .*allow-private"):
            fetch(site.url("/page.html", host="localhost"))
        db = str(tmp_path / "c.db")
        r = CliRunner().invoke(cli, ["ingest", site.url("/page.html", host="localhost"), "--db", db, "--no-nlp"])
        assert r.exit_code == 2 and "allow-private" in r.stderr
        assert site.requests == []  # refused before connecting


def test_redirect_to_a_private_address_refused() -> None:
    with server() as site:
        # feed.test is trusted to be private (an intranet feed server); what it redirects to is checked on its own
        _, resolve = resolver({"feed.test": [["127.0.0.1"]]})
        opts = FetchOptions(allow_hosts=frozenset({"feed.test"}), resolver=resolve)
        assert fetch(f"http://feed.test:{site.port}/page.html", opts).body == PAGE
        for target in (site.url("/page.html"), site.url("/page.html", host="localhost"), "http://169.254.169.254/"):
            hop = f"http://feed.test:{site.port}/to?u={urllib.parse.quote(target)}"
            with pytest.raises(FetchError, match="allow-private"):
                fetch(hop, opts)
        with pytest.raises(FetchError, match="not an http"):
            fetch(f"http://feed.test:{site.port}/to?u={urllib.parse.quote('file:///etc/passwd')}", opts)
        assert [p for p, _ in site.requests if p == "/page.html"] == ["/page.html"]  # no redirect was followed


def test_oversized_body_refused() -> None:
    with server() as site:
        opts = FetchOptions(allow_private=True, max_bytes=len(BIG) - 1)
        with pytest.raises(FetchError, match=r"over the .*-byte limit .*announced"):
            fetch(site.url("/big"), opts)
        with pytest.raises(FetchError, match=r"over the .*-byte limit"):
            fetch(site.url("/big-unannounced"), opts)
        assert fetch(site.url("/big"), FetchOptions(allow_private=True, max_bytes=len(BIG))).body == BIG


def test_slow_server_refused() -> None:
    with server() as site:
        with pytest.raises(FetchError, match="timed out"):  # no answer within the per-step timeout
            fetch(site.url("/stall"), FetchOptions(allow_private=True, timeout=0.3))
        # a byte every 0.05 s (5 s in all) never trips the per-read timeout; the whole-fetch deadline stops it
        with pytest.raises(FetchError, match=r"took more than 0.5 s"):
            fetch(site.url("/trickle"), FetchOptions(allow_private=True, timeout=2, max_seconds=0.5))
