"""WARC archives: CC-NEWS style (gzip per record), streamed, HTML responses only, with URL and date."""

from __future__ import annotations

import io
from pathlib import Path

import pytest

from storyline.ingest import read
from storyline.records import Article, Rejection
from test_ingest_formats import page

warcio = pytest.importorskip("warcio", reason="storyline[warc] (warcio) is not installed")


def write_warc(path: Path, records: list[tuple[str, str, bytes, str]], *, gzip: bool = True) -> None:
    """``records``: (url, status line, body, content type) responses, each preceded by its request record."""
    from warcio.statusandheaders import StatusAndHeaders
    from warcio.warcwriter import WARCWriter

    with path.open("wb") as fh:
        writer = WARCWriter(fh, gzip=gzip)
        writer.write_record(writer.create_warcinfo_record(path.name, {"software": "storyline tests"}))
        for url, status, body, ctype in records:
            req = StatusAndHeaders("GET / HTTP/1.1", [("Host", "portvale.example")], is_http_request=True)
            writer.write_record(writer.create_warc_record(url, "request", http_headers=req))
            headers = StatusAndHeaders(status, [("Content-Type", ctype)], protocol="HTTP/1.1")
            record = writer.create_warc_record(
                url,
                "response",
                payload=io.BytesIO(body),
                http_headers=headers,
                warc_headers_dict={"WARC-Date": "2024-03-06T04:10:00Z"},
            )
            writer.write_record(record)


def test_warc_html_responses_become_articles(tmp_path: Path) -> None:
    f = tmp_path / "CC-NEWS-20240306.warc.gz"
    write_warc(
        f,
        [
            ("https://portvale.example/news/berth", "200 OK", page(), "text/html; charset=utf-8"),
            ("https://portvale.example/logo.png", "200 OK", b"\x89PNG....", "image/png"),
            ("https://portvale.example/gone", "404 Not Found", b"<html>gone</html>", "text/html"),
        ],
    )
    out = list(read([str(f)]))
    arts = [a for a in out if isinstance(a, Article)]
    rejs = [r for r in out if isinstance(r, Rejection)]
    (art,) = arts
    assert art.source == art.url == "https://portvale.example/news/berth"
    assert art.text.startswith("PORTVALE, March 3 (NNS)")
    # no date in the page: the record's WARC-Date is the crawl day, not a publication date
    assert (art.published, art.published_from) == (None, "none")
    # a record is named FILE#N (N counts every record from 1: warcinfo, then a request before each response)
    reasons = {r.source: r.reason for r in rejs}
    assert "image/png" in reasons["CC-NEWS-20240306.warc.gz#5"] and "logo.png" in reasons["CC-NEWS-20240306.warc.gz#5"]
    assert "404" in reasons["CC-NEWS-20240306.warc.gz#7"] and "/gone" in reasons["CC-NEWS-20240306.warc.gz#7"]


def test_page_date_wins_over_warc_date_and_plain_warc_reads(tmp_path: Path) -> None:
    f = tmp_path / "plain.warc"
    html = page(head="<meta property='article:published_time' content='2024-03-05T09:00:00Z'>")
    write_warc(f, [("https://portvale.example/a", "200 OK", html, "text/html")], gzip=False)
    (art,) = read([str(f)])
    assert isinstance(art, Article) and (art.published, art.published_from) == ("2024-03-05", "html")


def test_warc_in_a_folder_is_found_and_a_damaged_one_rejected(tmp_path: Path) -> None:
    write_warc(tmp_path / "a.warc.gz", [("https://portvale.example/a", "200 OK", page(), "text/html")])
    (tmp_path / "b.warc.gz").write_bytes(b"this is not a warc file at all")
    out = list(read([str(tmp_path)]))
    assert sum(isinstance(a, Article) for a in out) == 1
    (rej,) = [r for r in out if isinstance(r, Rejection)]
    assert rej.source == "b.warc.gz" and "WARC" in rej.reason
