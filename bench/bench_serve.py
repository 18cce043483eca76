"""How fast `storyline serve` answers: p50/p95 latency of the reading room's pages and API routes.

A real uvicorn server on 127.0.0.1 (a free port, in a thread of this process) over ``--db``; a loopback HTTP client
sends ``--requests`` requests per route, one at a time, spread over several stories, articles and search words
chosen from the store with a fixed seed. Each request is a fresh one (no ``If-None-Match``), so the ETag never
spares the work. The anchor in the same run is the cheapest route, ``/openapi.json`` (served
from memory): the ratio says how much of a page's time is storyline's own work rather than HTTP and the machine.

    .venv/bin/python bench/bench_serve.py --db /tmp/t17.db [--requests 200]

Build a T17 store first with ``bench/bench_tls.py --full-analyse --db /tmp/t17.db``.
Goal (issue 13): p95 <= 100 ms for each page. The last line is the headline.
"""

from __future__ import annotations

import argparse
import http.client
import random
import socket
import statistics
import sys
import threading
import time
import urllib.parse

import uvicorn

from storyline import query
from storyline.config import Settings
from storyline.store import open_store
from storyline.web import create_app


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def start(db: str) -> tuple[uvicorn.Server, int]:
    port = free_port()
    server = uvicorn.Server(uvicorn.Config(create_app(Settings(db=db)), host="127.0.0.1", port=port, log_level="error"))
    threading.Thread(target=server.run, daemon=True).start()
    for _ in range(200):
        if server.started:
            return server, port
        time.sleep(0.05)
    raise SystemExit("the server did not start")


def timings(port: int, paths: list[str]) -> list[float]:
    conn = http.client.HTTPConnection("127.0.0.1", port)
    took = []
    for path in paths:
        t0 = time.perf_counter()
        conn.request("GET", path)
        response = conn.getresponse()
        response.read()
        took.append(time.perf_counter() - t0)
        if response.status != 200:
            raise SystemExit(f"GET {path}: HTTP {response.status}")
    conn.close()
    return took


def p95(values: list[float]) -> float:
    return statistics.quantiles(values, n=20)[-1]


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--db", required=True, help="a store built by the pipeline (e.g. all of Timeline17)")
    ap.add_argument("--requests", type=int, default=200, help="requests per route")
    args = ap.parse_args()
    store = open_store(args.db)
    rnd = random.Random(13)
    stories = [s.id for s in store.stories()]
    articles = store.article_ids()
    words = [e.name for e in query.entities(store, limit=200)]
    largest = max(store.stories(), key=lambda s: len(s.articles)).id
    n = args.requests
    quote = urllib.parse.quote
    routes = {
        "anchor /openapi.json": ["/openapi.json"] * n,
        "story list (HTML)": ["/"] * n,
        "story list (JSON)": ["/api/stories"] * n,
        "story page (HTML)": [f"/stories/{rnd.choice(stories)}" for _ in range(n)],
        "story timeline (JSON)": [f"/api/stories/{rnd.choice(stories)}/timeline" for _ in range(n)],
        "largest story (HTML)": [f"/stories/{largest}"] * n,
        "its copies (HTML)": [f"/stories/{largest}/copies"] * n,
        "article page (HTML)": [f"/articles/{rnd.choice(articles)}" for _ in range(n)],
        "search (HTML)": [f"/search?q={quote(rnd.choice(words))}" for _ in range(n)],
        "search (JSON)": [f"/api/search?q={quote(rnd.choice(words))}" for _ in range(n)],
    }
    server, port = start(args.db)
    print(f"{len(articles)} articles, {len(stories)} stories; {n} requests per route, loopback, one at a time")
    results = {}
    try:
        for name, paths in routes.items():
            timings(port, paths[: max(5, n // 10)])  # warm-up: imports, templates, the page cache of the store
            took = timings(port, paths)
            results[name] = (statistics.median(took), p95(took))
            print(f"{name:24s} p50 {results[name][0] * 1000:7.1f} ms   p95 {results[name][1] * 1000:7.1f} ms")
    finally:
        server.should_exit = True
    anchor = results.pop("anchor /openapi.json")
    worst = max(results.items(), key=lambda kv: kv[1][1])
    pages = ", ".join(f"{k} {v[1] * 1000:.0f}" for k, v in results.items())
    print(
        f"p95 ms: {pages}; worst {worst[0]} {worst[1][1] * 1000:.1f} ms "
        f"({worst[1][1] / anchor[1]:.1f}x the /openapi.json anchor at {anchor[1] * 1000:.1f} ms); goal <= 100 ms"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
