"""Ingest of each input kind: HTML pages (text, dates, metadata), PTB text, polite fetching."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from ingest_server import serve
from storyline import ptb
from storyline.fetch import FetchError, FetchOptions, check_host, fetch
from storyline.html import page_dates, url_date
from storyline.ingest import from_html, read
from storyline.records import Article, Rejection

PARAS = [
    "PORTVALE, March 3 (NNS) - The harbour board approved a second ferry berth on Tuesday after a vote that "
    "split the council, officials said.",
    "The berth will take two years to build and will let ships dock at any tide, the board's chairwoman said.",
    "Opponents said the cost had doubled since the plan was first put forward and asked for an audit.",
    "The council will vote on the money for the project next month, the clerk said after the meeting.",
]


def page(
    *, head: str = "", body_top: str = "", paras: list[str] = PARAS, title: str = "Harbour board backs berth"
) -> bytes:
    ps = "".join(f"<p>{p}</p>" for p in paras)
    return (
        f"<!DOCTYPE html><html lang='en'><head><title>{title}</title>"
        f"<meta property='og:site_name' content='Portvale Post'>{head}</head><body>"
        "<nav><ul><li><a href='/'>Home</a></li><li><a href='/news'>News</a></li></ul></nav>"
        f"<article><h1>{title}</h1>{body_top}{ps}</article>"
        "<footer><p>Copyright 2024 Portvale Post. All rights reserved.</p></footer></body></html>"
    ).encode()


def test_html_text_metadata_and_wire() -> None:
    art = from_html(page(head="<meta property='article:published_time' content='2024-03-05T09:00:00Z'>"), "p.html")
    assert art.title == "Harbour board backs berth"
    assert art.outlet == "Portvale Post"
    assert art.text.startswith("PORTVALE, March 3 (NNS)")
    assert "All rights reserved" not in art.text and "Home" not in art.text
    assert art.published == "2024-03-05" and art.published_from == "html"
    assert art.wire_agencies == ("NNS",)
    assert art.language == "en"


def test_html_published_and_updated_kept_apart() -> None:
    head = (
        "<meta property='article:published_time' content='2024-03-05T09:00:00Z'>"
        "<meta property='article:modified_time' content='2024-03-07T18:00:00Z'>"
    )
    art = from_html(page(head=head), "p.html")
    assert (art.published, art.updated) == ("2024-03-05", "2024-03-07")
    # a modification date before publication is no update
    head_old = head.replace("2024-03-07", "2024-03-01")
    assert from_html(page(head=head_old), "p.html").updated is None


def test_published_line_and_url_date_cues() -> None:
    body = b"<html><body><p>Published: 14 September 2023</p><p>Officials met on Thursday.</p></body></html>"
    assert page_dates(body).published == "2023-09-14"
    assert page_dates(body).source in ("htmldate", "published-line")
    bare = b"<html><body><p>Officials met on Thursday.</p></body></html>"
    assert page_dates(bare, "https://news.example/2021/02/03/meeting/").published == "2021-02-03"
    assert url_date("https://news.example/world/20190704/item") == "2019-07-04"
    assert url_date("https://news.example/world/2019/13/40/item") is None


def test_dateline_year_beats_page_date_and_feed_date_beats_both() -> None:
    paras = ["MOSCOW, 14 September 2023 /TASS/. The two leaders met at the space centre, officials said.", *PARAS[1:]]
    head = "<meta property='article:published_time' content='2023-09-15T01:00:00Z'>"
    art = from_html(page(head=head, paras=paras), "p.html")
    assert (art.published, art.published_from) == ("2023-09-14", "dateline")
    fed = from_html(page(head=head, paras=paras), "p.html", published="2023-09-13", published_from="feed")
    assert (fed.published, fed.published_from) == ("2023-09-13", "feed")


def test_empty_html_is_rejected(tmp_path: Path) -> None:
    f = tmp_path / "empty.html"
    f.write_bytes(b"<html><body><nav><a href='/'>Home</a></nav></body></html>")
    (item,) = read([str(f)])
    assert isinstance(item, Rejection) and "no article text" in item.reason


# --------------------------------------------------------------------------- PTB


PTB = (
    "TRIPOLI -LRB- Reuters -RRB- - Libya 's leader said on Monday he would `` fight on '' , and that he "
    "did n't plan to leave .\n"
    "Protesters rallied in the capital 's main square , witnesses said .\n"
)


def test_ptb_detected_and_detokenised_with_offsets() -> None:
    assert ptb.is_ptb(PTB)
    prose, offsets = ptb.detokenise(PTB)
    assert prose.startswith(
        "TRIPOLI (Reuters) - Libya's leader said on Monday he would \"fight on\", and that he didn't"
    )
    assert len(offsets) == len(prose)
    # every output character maps back into the tokenised original
    i = prose.index("Libya's")
    assert PTB[offsets[i] : offsets[i] + 5] == "Libya"
    assert not ptb.is_ptb('Libya\'s leader said on Monday he would "fight on", officials said.')


def test_ptb_text_file_is_stored_as_prose(tmp_path: Path) -> None:
    f = tmp_path / "248.htm.txt"
    f.write_text(PTB, encoding="utf-8")
    (art,) = read([str(f)])
    assert isinstance(art, Article)
    assert "-LRB-" not in art.text and " 's" not in art.text and " ," not in art.text
    assert "didn't plan to leave." in art.text
    assert art.wire_agencies == ("Reuters",)


def test_ptb_jsonl_record_is_stored_as_prose(tmp_path: Path) -> None:
    f = tmp_path / "t.jsonl"
    f.write_text(json.dumps({"text": PTB, "published": "2011-02-21"}) + "\n", encoding="utf-8")
    (art,) = read([str(f)])
    assert isinstance(art, Article) and art.text.startswith("TRIPOLI (Reuters) - Libya's")


def test_timeline17_text_detokenises() -> None:
    root = Path(__file__).resolve().parents[2] / "shared" / "datasets" / "timeline17" / "Timeline17"
    files = sorted(root.glob("LibyaWar_reuters/InputDocs/2011-02-2*/*.txt"))[:5] if root.is_dir() else []
    if not files:
        pytest.skip("../shared/datasets/timeline17 not found: Timeline17 lives beside the repository")
    for f in files:
        raw = f.read_text(encoding="utf-8")
        assert ptb.is_ptb(raw)
        prose = ptb.detokenise(raw)[0]
        assert "-LRB-" not in prose and "``" not in prose and " n't" not in prose


# --------------------------------------------------------------------------- fetching


def test_private_addresses_refused_unless_allowed() -> None:
    with pytest.raises(FetchError, match="allow-private"):
        check_host("http://127.0.0.1:9/x", allow_private=False)
    with pytest.raises(FetchError, match="allow-private"):
        check_host("http://169.254.169.254/latest/meta-data/", allow_private=False)
    with pytest.raises(FetchError, match="allow-private"):
        check_host("http://[::1]/", allow_private=False)
    with pytest.raises(FetchError, match="http"):
        check_host("file:///etc/passwd", allow_private=True)
    check_host("http://127.0.0.1:9/x", allow_private=True)


def test_fetch_conditional_get_user_agent_size_cap_and_redirect() -> None:
    with serve({"/a.html": ("text/html", page())}) as site:
        opts = FetchOptions(allow_private=True)
        first = fetch(site.base + "/a.html", opts)
        assert first.status == 200 and b"Harbour board" in first.body
        assert site.base + "/a.html" in opts.validators
        again = fetch(site.base + "/a.html", opts)
        assert again.not_modified and again.body == b""
        assert site.requests[1][1] is not None  # If-None-Match was sent
        assert "storyline" in (site.requests[0][2] or "")
        moved = fetch(site.base + "/redirect/a.html", FetchOptions(allow_private=True))
        assert moved.url.endswith("/a.html") and moved.status == 200
        with pytest.raises(FetchError, match="limit"):
            fetch(site.base + "/a.html", FetchOptions(allow_private=True, max_bytes=100))
        with pytest.raises(FetchError, match="404"):
            fetch(site.base + "/missing", FetchOptions(allow_private=True))
        with pytest.raises(FetchError, match="allow-private"):
            fetch(site.base + "/a.html", FetchOptions())


def test_page_url_ingested_and_refused_without_allow_private() -> None:
    with serve({"/news/2024/03/05/berth.html": ("text/html; charset=utf-8", page())}) as site:
        url = site.base + "/news/2024/03/05/berth.html"
        (art,) = read([url], fetch_options=FetchOptions(allow_private=True))
        assert isinstance(art, Article) and art.source == url and art.url == url
        (rej,) = read([url])
        assert isinstance(rej, Rejection) and "allow-private" in rej.reason
