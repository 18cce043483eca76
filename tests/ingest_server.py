"""A local HTTP server for ingest tests: serves fixed pages on 127.0.0.1 and honours ETag / If-None-Match."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


@dataclass
class Site:
    """Pages by path: ``(content type, body)``; ``requests`` logs ``(path, If-None-Match)`` per request."""

    pages: dict[str, tuple[str, bytes]]
    base: str = ""
    requests: list[tuple[str, str | None, str | None]] = field(default_factory=list)


@contextmanager
def serve(pages: dict[str, tuple[str, bytes]]) -> Iterator[Site]:
    site = Site(pages)

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            site.requests.append((self.path, self.headers.get("If-None-Match"), self.headers.get("User-Agent")))
            if self.path.startswith("/redirect"):
                self.send_response(302)
                self.send_header("Location", self.path.removeprefix("/redirect"))
                self.end_headers()
                return
            if self.path not in site.pages:
                self.send_error(404, "Not Found")
                return
            ctype, body = site.pages[self.path]
            etag = f'"{abs(hash(body))}"'
            if self.headers.get("If-None-Match") == etag:
                self.send_response(304)
                self.end_headers()
                return
            self.send_response(200)
            self.send_header("Content-Type", ctype)
            self.send_header("Content-Length", str(len(body)))
            self.send_header("ETag", etag)
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, format: str, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    site.base = f"http://127.0.0.1:{server.server_address[1]}"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield site
    finally:
        server.shutdown()
        server.server_close()
