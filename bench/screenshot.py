"""The README's screenshot of a story page (issue 13), made in a real browser from the bundled sample corpus.

Usage (from the repository root; needs the distribution's chromium at /usr/bin/chromium and storyline[web,dev]):
  .venv/bin/python bench/screenshot.py               # writes docs/story-page.png
  .venv/bin/python bench/screenshot.py --out x.png

Fills a temporary store from examples/sample with the pipeline (no NLP model, as the tests run it), starts the
server on a free loopback port, opens the story with the most articles, expands its first citation and saves the
top of the page. The last line names the file written.
"""

from __future__ import annotations

import argparse
import socket
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=ROOT / "docs" / "story-page.png")
    parser.add_argument("--chromium", default="/usr/bin/chromium")
    args = parser.parse_args(argv)

    import uvicorn
    from playwright.sync_api import sync_playwright

    from storyline.config import Settings
    from storyline.pipeline import PipelineOptions, run
    from storyline.store import SQLiteStore
    from storyline.web import create_app

    with tempfile.TemporaryDirectory() as tmp:
        db = Path(tmp) / "sample.db"
        store = SQLiteStore(db)
        run(store, [str(ROOT / "examples" / "sample")], PipelineOptions(use_nlp=False, workers=1))
        story = max(store.stories(), key=lambda s: len(s.articles)).id
        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            port = s.getsockname()[1]
        server = uvicorn.Server(
            uvicorn.Config(create_app(Settings(db=str(db))), host="127.0.0.1", port=port, log_level="warning")
        )
        threading.Thread(target=server.run, daemon=True).start()
        while not server.started:
            time.sleep(0.05)
        try:
            with sync_playwright() as p:
                browser = p.chromium.launch(executable_path=args.chromium, args=FLAGS)
                page = browser.new_page(viewport={"width": 1280, "height": 1000}, device_scale_factor=1)
                page.goto(f"http://127.0.0.1:{port}/stories/{story}")
                page.locator("details.citation summary").first.click()
                page.wait_for_selector("#coverage.drawn svg", timeout=10_000)
                args.out.parent.mkdir(parents=True, exist_ok=True)
                page.screenshot(path=str(args.out))
                browser.close()
        finally:
            server.should_exit = True
    print(f"wrote {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
