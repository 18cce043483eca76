"""End to end through ``storyline ingest`` (click's CliRunner): text, HTML, JSONL, feeds and WARC each go in,
their rejections are recorded (exit code 1, ``storyline rejections``), and the export shows what was read."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from click.testing import CliRunner

from ingest_server import serve
from storyline.cli import cli
from test_feeds import item, rss
from test_ingest_formats import PTB, page
from test_warc import write_warc

TEXT = """ date 2024-05-02 Harbour pilots end strike at Portvale

PORTVALE, May 2 (NNS) - Harbour pilots at Portvale ended a three-day strike on Thursday after the port
authority agreed to hire twelve more pilots, the union said.
"""


def invoke(*args: str, input: str | None = None) -> tuple[int, str, str]:
    r = CliRunner().invoke(cli, list(args), input=input, catch_exceptions=False)
    return r.exit_code, r.stdout, r.stderr


def articles(db: str) -> list[dict[str, Any]]:
    code, out, _ = invoke("export", "--db", db)
    assert code == 0
    return list(json.loads(out)["articles"])


def test_text_and_ptb_text(tmp_path: Path) -> None:
    src = tmp_path / "in"
    src.mkdir()
    (src / "strike.txt").write_text(TEXT, encoding="utf-8")
    (src / "libya.htm.txt").write_text(PTB, encoding="utf-8")
    db = str(tmp_path / "s.db")
    code, _, err = invoke("ingest", str(src), "--db", db, "--no-nlp")
    assert code == 0, err
    arts = {a["source"]: a for a in articles(db)}
    assert arts["strike.txt"]["published"] == "2024-05-02" and arts["strike.txt"]["agencies"] == ["NNS"]
    assert arts["libya.htm.txt"]["text"].startswith("TRIPOLI (Reuters) - Libya's leader")


def test_html_file(tmp_path: Path) -> None:
    f = tmp_path / "berth.html"
    f.write_bytes(page(head="<meta property='article:published_time' content='2024-03-05T09:00:00Z'>"))
    db = str(tmp_path / "s.db")
    code, _, err = invoke("ingest", str(f), "--db", db, "--no-nlp")
    assert code == 0, err
    (art,) = articles(db)
    assert (art["published"], art["published_from"], art["outlet"]) == ("2024-03-05", "html", "Portvale Post")
    assert art["language"] == "en" and art["dateline"]["place"] == "Portvale"


def test_jsonl_with_a_bad_line_exits_1_and_records_it(tmp_path: Path) -> None:
    f = tmp_path / "wire.jsonl"
    good = {
        "url": "https://portvale.example/a",
        "title": "Pilots end strike",
        "published": "2024-05-02",
        "text": TEXT.split("\n", 2)[2],
    }
    f.write_text(json.dumps(good) + "\n{not json\n", encoding="utf-8")
    db = str(tmp_path / "s.db")
    code, _, err = invoke("ingest", str(f), "--db", db, "--no-nlp")
    assert code == 1 and "1 new articles" in err and "rejected: wire.jsonl:2" in err
    assert [a["source"] for a in articles(db)] == ["https://portvale.example/a"]
    code, out, _ = invoke("rejections", "--db", db)
    assert out.startswith("wire.jsonl:2\tinvalid JSON")


def test_feed_url_needs_allow_private_and_uses_conditional_get(tmp_path: Path) -> None:
    with serve({"/berth.html": ("text/html", page())}) as site:
        site.pages["/feed.xml"] = ("application/rss+xml", rss(item(site.base + "/berth.html", "Board backs berth.")))
        db = str(tmp_path / "s.db")
        url = site.base + "/feed.xml"
        code, _, err = invoke("ingest", url, "--db", db, "--no-nlp")
        assert code == 2 and "allow-private" in err and site.requests == []
        code, _, err = invoke("ingest", url, "--db", db, "--no-nlp", "--allow-private")
        assert code == 0, err
        (art,) = articles(db)
        assert art["source"] == site.base + "/berth.html" and art["published_from"] == "feed"
        assert art["text"].startswith("PORTVALE, March 3 (NNS)")
        # a second run sends the stored ETag and gets 304: nothing new, nothing rejected
        code, _, err = invoke("ingest", url, "--db", db, "--no-nlp", "--allow-private")
        assert code == 0 and err.strip().endswith("0 new articles, 0 already stored, 0 rejected")
        assert site.requests[-1][0] == "/feed.xml" and site.requests[-1][1] is not None


def test_feed_file(tmp_path: Path) -> None:
    body = "<p>" + " ".join(["The harbour board backed a second ferry berth on Tuesday, officials said."] * 12) + "</p>"
    f = tmp_path / "news.rss"
    f.write_bytes(rss(item("https://portvale.example/a", "Teaser.", content=body)))
    db = str(tmp_path / "s.db")
    code, _, err = invoke("ingest", str(f), "--db", db, "--no-nlp")
    assert code == 0, err
    (art,) = articles(db)
    assert (art["source"], art["published"], art["published_from"]) == (
        "https://portvale.example/a",
        "2024-03-05",
        "feed",
    )


def test_warc(tmp_path: Path) -> None:
    f = tmp_path / "CC-NEWS-20240306.warc.gz"
    write_warc(
        f,
        [
            ("https://portvale.example/news/berth", "200 OK", page(), "text/html"),
            ("https://portvale.example/logo.png", "200 OK", b"\x89PNG", "image/png"),
        ],
    )
    db = str(tmp_path / "s.db")
    code, _, err = invoke("ingest", str(f), "--db", db, "--no-nlp")
    assert code == 1 and "1 new articles" in err
    (art,) = articles(db)
    assert (
        art["source"] == "https://portvale.example/news/berth" and art["published"] is None
    )  # the crawl date is not a publication date
    _, out, _ = invoke("rejections", "--db", db)
    assert "CC-NEWS-20240306.warc.gz#5\tnot an HTML response (image/png) (https://portvale.example/logo.png)" in out
