"""Hostile article text through every output format: Markdown renders it as text (no tags, links, headings,
tables, code), plain text keeps each field on its line with no control characters, JSON keeps the exact text,
and the web pages escape it.

Two invented articles about one council vote carry ``<script>``, ``<img onerror>``, ``](javascript:…)``, a line
break followed by ``# heading``, backticks, emphasis, ``|`` table breakers, an ANSI escape and a bidi override
in their titles, outlets, text and quotes.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator

import pytest
from click.testing import CliRunner

from storyline.cli import cli
from storyline.render import md, plain

SCRIPT = "<script>alert('x')</script>"
IMG = "<img src=x onerror=alert(2)>"
LINK = "[the minutes](javascript:alert(1))"
HEADING = "\n# Injected heading"
ANSI = "\x1b[31m"
BIDI = "\u202e"

ARTICLES = [
    {
        "title": f"Council {SCRIPT} delays *Portvale* harbour levy{HEADING}",
        "outlet": f"Harbour <b>Post</b> {IMG}",
        "url": "javascript:alert('url')",
        "published": "2025-03-04",
        "text": (
            f"PORTVALE, March 4 - The Portvale city council voted {SCRIPT} on Tuesday to delay the harbour levy "
            f"until May, officials said.{HEADING} about the levy vote on Tuesday.\n"
            f"Critics posted {LINK} and {IMG} about the Portvale harbour levy on Tuesday. "
            "The clerk typed `rm -rf` and _it_ | a | b | into the Portvale council record on Tuesday. "
            f'"We will not pay twice for the harbour {ANSI}levy{BIDI}," said councillor Mira Holt on Tuesday.'
        ),
    },
    {
        "title": f"Portvale council {IMG} puts off harbour levy vote",
        "outlet": "Valley | Times",
        "published": "2025-03-05",
        "text": (
            f"PORTVALE, March 4 - Portvale's city council on Tuesday voted {LINK} to delay the harbour levy "
            f'until May, council officials said. {SCRIPT} Councillor Mira Holt said: "We will not pay '
            f'twice for the harbour `levy`."{HEADING} 1. first\n- item\n> quoted\n'
            "The delay | of | the | levy was approved by seven votes to four on Tuesday, the clerk said."
        ),
    },
]


def cli_out(*args: str) -> str:
    r = CliRunner().invoke(cli, list(args), catch_exceptions=False)
    assert r.exit_code == 0, (args, r.stdout, r.stderr)
    return r.stdout


@pytest.fixture(scope="module")
def db(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    tmp = tmp_path_factory.mktemp("escaping")
    src = tmp / "hostile.jsonl"
    src.write_text("".join(json.dumps(a) + "\n" for a in ARTICLES), encoding="utf-8")
    path = str(tmp / "hostile.db")
    cli_out("run", str(src), "--db", path, "--no-nlp")
    yield path


@pytest.fixture(scope="module")
def ids(db: str) -> dict[str, str]:
    doc = json.loads(cli_out("export", "--db", db))
    (story,) = doc["stories"]
    return {
        "story": story["id"],
        "article": doc["articles"][0]["id"],
        "event": doc["events"][0]["id"],
    }


# what only markup can do, and what escaped text never contains
RAW_MARKUP = ("<script", "<img", "<b>", "<javascript:")


def assert_inert_markdown(out: str) -> None:
    for raw in RAW_MARKUP:
        assert raw not in out, raw
    assert re.search(r"(?<!\\)\]\(", out) is None  # no link: every bracket is escaped
    assert re.search(r"(?<!\\)\[", out) is None
    assert "<" not in out and ">" not in out.replace("  - > ", "")  # every angle bracket is an entity
    for line in out.splitlines():
        # every line opens with our own syntax: a heading, an entry, a quote, a section, our italics, or nothing
        assert re.match(r"(## |### |- |  - > |\*Story `|\*`|First reported by |$)", line), line
        assert not line.startswith(("# ", "| ", "1. ")), line
    # no unescaped backtick, emphasis or pipe outside our own code spans around ids
    bare = re.sub(r"`[\w-]+`", "", out)
    assert re.search(r"(?<!\\)[`|_]", bare) is None, bare
    assert ANSI not in out and BIDI not in out


def assert_plain_text(out: str, *, body: str = "") -> None:
    assert ANSI not in out and BIDI not in out and "\x1b" not in out
    # ``show`` prints the article's text whole, with its own lines; every other field stays on its line
    for line in out.replace(body, "").splitlines():
        assert not line.startswith(("# Injected", "1. first", "- item", "> quoted")), line


def test_helpers() -> None:
    assert md(SCRIPT) == "&lt;script&gt;alert('x')&lt;/script&gt;"
    assert md(LINK) == r"\[the minutes\](javascript:alert(1))"
    assert md(f"a{HEADING}") == "a # Injected heading"
    assert md("# x") == r"\# x" and md("1. x") == r"1\. x" and md("- x") == r"\- x" and md("> x") == "&gt; x"
    assert md("AT&T `c` *b* _i_ | t") == r"AT&amp;T \`c\` \*b\* \_i\_ \| t"
    assert plain(f"a\r\n  b{ANSI}c{BIDI}") == "a b\ufffd[31mc\ufffd"
    assert plain("Plain text, unchanged: AT&T <3 [sic].") == "Plain text, unchanged: AT&T <3 [sic]."


def test_markdown_outputs_render_article_text_as_text(db: str, ids: dict[str, str]) -> None:
    outputs = {
        "timeline md": cli_out("timeline", "--all", "--db", db, "--format", "md"),
        "export md": cli_out("export", "--db", db, "--format", "md"),
        "compare md": cli_out("compare", ids["story"], "--db", db, "--format", "md"),
    }
    for name, out in outputs.items():
        assert "Portvale" in out, name  # the story is there
        assert "&lt;script&gt;" in out or r"\[the minutes\]" in out or "&lt;img" in out, name  # escaped, not dropped
        assert_inert_markdown(out)


def test_text_outputs_keep_fields_on_their_lines(db: str, ids: dict[str, str]) -> None:
    outputs = {
        "timeline": cli_out("timeline", "--all", "--db", db),
        "run": cli_out("timeline", ids["story"], "--db", db),
        "stories": cli_out("stories", "--db", db),
        "compare": cli_out("compare", ids["story"], "--db", db),
        "show": cli_out("show", ids["article"], "--db", db),
        "search": cli_out("search", "levy", "--db", db),
    }
    for name, out in outputs.items():
        assert "Portvale" in out or "levy" in out, name
        assert_plain_text(out, body=out.split("\ndates:")[0].split("\n", 1)[1] if name == "show" else "")
    assert len(outputs["stories"].splitlines()) == 2  # one story: its title line and its counts line
    assert "\ufffd" in outputs["show"]  # the article's control characters are shown, not obeyed


def test_json_outputs_keep_the_exact_text(db: str, ids: dict[str, str]) -> None:
    doc = json.loads(cli_out("export", "--db", db))
    stored = " ".join(a["text"] for a in doc["articles"])
    for raw in (SCRIPT, IMG, LINK, ANSI, BIDI, "`rm -rf`", "| a | b |"):
        assert raw in stored, raw
    assert any(IMG in (a["outlet"] or "") for a in doc["articles"])
    timeline = json.loads(cli_out("timeline", ids["story"], "--db", db, "--format", "json"))
    summaries = json.dumps(timeline, ensure_ascii=False)
    assert any(raw in summaries for raw in (SCRIPT, IMG, LINK, "| of |")), summaries
    hits = json.loads(cli_out("search", "levy", "--db", db, "--format", "json"))["hits"]
    assert hits and any(LINK in h["snippet"] or SCRIPT in h["snippet"] for h in hits)


def test_web_pages_escape_article_text(db: str, ids: dict[str, str]) -> None:
    pytest.importorskip("fastapi")
    from fastapi.testclient import TestClient

    from storyline.config import Settings
    from storyline.web import create_app

    pages = [
        "/",
        f"/stories/{ids['story']}",
        "/timeline?query=levy",
        f"/stories/{ids['story']}/copies",
        f"/compare/{ids['story']}",
        f"/articles/{ids['article']}",
        "/entities",
        "/search?q=levy",
    ]
    with TestClient(create_app(Settings(db=db))) as client:
        for url in pages:
            r = client.get(url)
            assert r.status_code == 200, (url, r.status_code)
            html = r.text
            for raw in (SCRIPT, IMG, "<b>Post</b>", 'href="javascript:', "href='javascript:"):
                assert raw not in html, (url, raw)
        article = client.get(f"/articles/{ids['article']}").text
        assert "&lt;script&gt;" in article or "&lt;img" in article  # shown as text
