"""Bad input is rejected item by item, never the run: a corpus of bad files (generated here, at run time) beside
valid ones, each bad one named with its reason, the valid ones stored; JSONL lines, WARC records and articles
fail one at a time; the per-article budgets (characters, seconds); a bug in storyline exits 3."""

from __future__ import annotations

import gzip
import json
import os
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from storyline import ingest
from storyline.budget import BudgetExceeded, time_limit
from storyline.cli import cli
from storyline.ingest import Limits, decode_text, from_html, read, read_jsonl_lines
from storyline.pipeline import PipelineOptions, analyse
from storyline.pipeline import ingest as pipeline_ingest
from storyline.pipeline.policy import Guarded
from storyline.records import Article, Rejection
from storyline.store.sqlite import SQLiteStore

ROOT = Path(__file__).resolve().parent.parent

# invented articles (a fictional town), long enough to be articles
GOOD = [
    "PORTVALE, March 3 (NNS) -- The harbour board of Portvale approved the new container berth on Monday, "
    "the chair Anna Berg said, after two years of talks with the shipping lines.",
    "PORTVALE, March 4 (NNS) -- Dock workers in Portvale ended a two-day strike on Tuesday after the port "
    "operator agreed to raise night-shift pay, union leader Tomas Reed said.",
    "PORTVALE, March 5 (NNS) -- The Portvale council voted on Wednesday to rebuild the old swing bridge over "
    "the river Lune, with work to start in the spring, the mayor said.",
]


def html_page(text: str, title: str = "Harbour news") -> str:
    return (
        f"<!DOCTYPE html><html lang='en'><head><title>{title}</title></head><body><article>"
        f"<h1>{title}</h1><p>{text}</p></article></body></html>"
    )


def warc_record(n: int, url: str | None, body: bytes, *, kind: str = "response") -> bytes:
    """One WARC record, written by hand (no warcio needed to write one)."""
    block = b"HTTP/1.1 200 OK\r\nContent-Type: text/html; charset=utf-8\r\n\r\n" + body
    head = [
        "WARC/1.0",
        f"WARC-Type: {kind}",
        *([f"WARC-Target-URI: {url}"] if url else []),
        "WARC-Date: 2024-03-06T04:10:00Z",
        f"WARC-Record-ID: <urn:uuid:00000000-0000-0000-0000-{n:012d}>",
        "Content-Type: application/http; msgtype=response",
        f"Content-Length: {len(block)}",
    ]
    return ("\r\n".join(head) + "\r\n\r\n").encode() + block + b"\r\n\r\n"


def deep_html(text: str, depth: int = 100_000) -> str:
    return f"<html><body>{'<div>' * depth}<p>{text}</p>{'</div>' * depth}</body></html>"


def jsonl_lines() -> list[bytes]:
    """Line n of the corpus's JSONL file; lines 1 and 9 are good, the others each wrong in one way."""
    good = {"text": GOOD[0].replace("March 3", "March 6"), "title": "Berth approved", "outlet": "Portvale Post"}
    return [
        json.dumps(good).encode(),
        json.dumps({"text": GOOD[1], "title": 5}).encode(),
        json.dumps({"text": GOOD[1], "outlet": {"name": "x"}}).encode(),
        b'{"text": "' + GOOD[1].encode() + b'", "outlet": 1' + b"0" * 400 + b"}",
        b'{"text": "x", "extra": ' + b"[" * 50_000 + b"]" * 50_000 + b"}",
        b'{"text": "unterminated',
        b'{"text": "caf\xe9 in Portvale, a line with one Latin-1 byte in the middle of it"}',
        json.dumps({"title": "no text"}).encode(),
        json.dumps({"text": GOOD[2].replace("March 5", "March 7"), "url": "https://portvale.example/bridge"}).encode(),
        b'["an", "array"]',
        json.dumps({"text": GOOD[2], "published": "2024-02-30"}).encode(),
    ]


# file -> the words its rejection reason holds (or None: the file is stored)
EXPECTED: dict[str, str | None] = {
    "good-1.txt": None,
    "good-2.html": None,
    "utf16-bom.txt": None,
    "utf16-nobom.txt": None,
    "deep-nesting.html": None,
    "impossible-dateline.txt": None,
    "binary.dat": "binary file",
    "empty.txt": "empty file",
    "latin1.txt": "not UTF-8 text",
    "invalid-utf8.txt": "not UTF-8 text",
    "page-50mb.html": "over the 20,000,000-byte limit",
    "oneline-19mb.txt": "budget: 19,000,000 characters over the 2,000,000-character limit",
    "broken.rss#1": "short summary",
    "malformed.atom": "feed",
    "empty.jsonl": "no article in empty.jsonl",
    "lines.jsonl:2": "Expected `str | null`, got `int` - at `$.title`",
    "lines.jsonl:3": "Expected `str | null`, got `object` - at `$.outlet`",
    "lines.jsonl:4": "at `$.outlet`",
    "lines.jsonl:5": "nested too deeply",
    "lines.jsonl:6": "invalid JSON",
    "lines.jsonl:7": "not UTF-8",
    "lines.jsonl:8": "missing required field `text`",
    "lines.jsonl:10": "Expected `object`, got `array`",
    "lines.jsonl:11": '"published" is not an ISO date',
    "truncated.warc.gz#2": "truncated",
}


def make_corpus(folder: Path) -> None:
    folder.mkdir()
    (folder / "good-1.txt").write_text(GOOD[0], encoding="utf-8")
    (folder / "good-2.html").write_text(html_page(GOOD[1]), encoding="utf-8")
    (folder / "utf16-bom.txt").write_bytes(GOOD[2].replace("March 5", "March 8").encode("utf-16"))
    (folder / "utf16-nobom.txt").write_bytes(GOOD[2].replace("March 5", "March 9").encode("utf-16-le"))
    (folder / "deep-nesting.html").write_text(deep_html(GOOD[0].replace("harbour board", "port board")))
    (folder / "impossible-dateline.txt").write_text(
        "PORTVALE, February 30, 2024 (NNS) -- The Portvale ferry resumed service on the day, the operator said, "
        "after repairs to its engine that took three weeks.",
        encoding="utf-8",
    )
    (folder / "binary.dat").write_bytes(bytes(range(256)) * 64)
    (folder / "empty.txt").write_bytes(b"")
    (folder / "latin1.txt").write_bytes(
        "Le café de Portvale a rouvert lundi après deux ans de travaux.".encode("latin-1")
    )
    (folder / "invalid-utf8.txt").write_bytes(GOOD[1].encode() + b" \xc3\x28 " + GOOD[2].encode())
    with (folder / "page-50mb.html").open("wb") as fh:
        fh.write(b"<html><body>")
        fh.write(b"<p>" + b"Portvale " * 1_000_000 + b"</p>" * 1)
        fh.truncate(50_000_000)
    (folder / "oneline-19mb.txt").write_bytes(b"Portvale " * (19_000_000 // 9) + b"x" * (19_000_000 % 9))
    (folder / "broken.rss").write_text(
        '<?xml version="1.0"?><rss version="2.0"><channel><title>Portvale Post</title><item>'
        "<title>Bridge opens</title><link>https://portvale.exa",
        encoding="utf-8",
    )
    (folder / "malformed.atom").write_bytes(
        b'<?xml version="1.0"?><feed xmlns="http://www.w3.org/2005/Atom"><<<&&&\x00\xff>>>'
    )
    (folder / "empty.jsonl").write_bytes(b"\n\n")
    (folder / "lines.jsonl").write_bytes(b"\n".join(jsonl_lines()) + b"\n")
    records = [
        warc_record(1, "https://portvale.example/ferry", html_page(GOOD[2].replace("March 5", "March 10")).encode()),
        warc_record(2, "https://portvale.example/cut", html_page(GOOD[1].replace("March 4", "March 11")).encode()),
    ]
    whole = b"".join(gzip.compress(r) for r in records)
    (folder / "truncated.warc.gz").write_bytes(whole[: len(whole) - 120])


def invoke(*args: str) -> tuple[int, str, str]:
    r = CliRunner().invoke(cli, list(args), catch_exceptions=False)
    return r.exit_code, r.stdout, r.stderr


@pytest.fixture(scope="module")
def corpus_run(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    pytest.importorskip("warcio", reason="storyline[warc] (warcio) is not installed")
    pytest.importorskip("feedparser", reason="storyline[feeds] (feedparser) is not installed")
    base = tmp_path_factory.mktemp("bad")
    make_corpus(base / "in")
    db = str(base / "s.db")
    first = invoke("ingest", str(base / "in"), "--db", db, "--no-nlp")
    export_1 = invoke("export", "--db", db)[1]
    second = invoke("ingest", str(base / "in"), "--db", db, "--no-nlp")
    export_2 = invoke("export", "--db", db)[1]
    return {"db": db, "first": first, "second": second, "exports": (export_1, export_2)}


def rejected_lines(err: str) -> dict[str, str]:
    out = {}
    for line in err.splitlines():
        if line.startswith("rejected: "):
            source, reason = line.removeprefix("rejected: ").split(": ", 1)
            out[source] = reason
    return out


def test_every_bad_input_is_named_with_its_reason_and_the_valid_ones_are_stored(corpus_run: dict[str, Any]) -> None:
    code, _, err = corpus_run["first"]
    assert code == 1, err  # some inputs rejected, the rest stored
    rejected = rejected_lines(err)
    for name, words in EXPECTED.items():
        if words is None:
            assert not any(s == name or s.startswith(f"{name}#") for s in rejected), (name, rejected.get(name))
        else:
            assert name in rejected, f"{name} not rejected; rejections: {sorted(rejected)}"
            assert words in rejected[name], (name, rejected[name])
    articles = json.loads(corpus_run["exports"][0])["articles"]
    sources = {a["source"] for a in articles}
    stored = {n for n, w in EXPECTED.items() if w is None}
    assert stored <= sources
    assert {"lines.jsonl:1", "https://portvale.example/bridge", "https://portvale.example/ferry"} <= sources
    assert len(articles) == len(stored) + 3  # nothing else got in
    by_source = {a["source"]: a for a in articles}
    assert "The port board of Portvale" in by_source["deep-nesting.html"]["text"]
    assert by_source["utf16-bom.txt"]["text"].startswith("PORTVALE, March 8")
    assert by_source["utf16-nobom.txt"]["text"].startswith("PORTVALE, March 9")
    assert by_source["impossible-dateline.txt"]["published"] is None  # February 30 is no date


def test_a_second_run_changes_nothing(corpus_run: dict[str, Any]) -> None:
    code, _, err = corpus_run["second"]
    assert code == 1 and "0 new articles" in err
    assert rejected_lines(err) == rejected_lines(corpus_run["first"][2])
    first, second = corpus_run["exports"]
    assert first == second
    _, out, _ = invoke("rejections", "--db", corpus_run["db"])
    assert len(out.splitlines()) == len({s for s in rejected_lines(corpus_run["first"][2])})


# --------------------------------------------------------------------------- JSONL, line by line


def test_jsonl_lines_fail_one_at_a_time_in_a_process_pool_too(tmp_path: Path) -> None:
    lines = jsonl_lines()
    f = tmp_path / "many.jsonl"
    many = [line for k in range(12) for line in lines]  # 132 lines: over the size that starts a pool
    f.write_bytes(b"\n".join(many) + b"\n")
    inline = list(read([str(f)], workers=1))
    pooled = list(read([str(f)], workers=2))
    assert inline == pooled
    assert [isinstance(x, Article) for x in inline] == [n % 11 in (0, 8) for n in range(len(many))]
    assert [x.source for x in inline if isinstance(x, Rejection)][:3] == [
        "many.jsonl:2",
        "many.jsonl:3",
        "many.jsonl:4",
    ]


def test_jsonl_from_text_lines_and_an_empty_stream() -> None:
    lines = [line.decode("utf-8", "replace") for line in jsonl_lines()]  # line 7 is text now
    out = list(read_jsonl_lines(lines, "-"))
    assert [x.source for x in out if isinstance(x, Article)] == ["-:1", "-:7", "https://portvale.example/bridge"]
    (empty,) = read_jsonl_lines(["", "  "], "-")
    assert isinstance(empty, Rejection) and empty.source == "-" and "no article in -" in empty.reason


def test_a_jsonl_line_over_the_byte_cap_is_skipped(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(ingest, "MAX_BYTES", 1000)
    f = tmp_path / "long.jsonl"
    f.write_bytes(json.dumps({"text": "Portvale " * 500}).encode() + b"\n" + jsonl_lines()[0] + b"\n")
    long_line, good = read([str(f)])
    assert isinstance(long_line, Rejection) and long_line.source == "long.jsonl:1"
    assert "over the 1,000-byte limit" in long_line.reason
    assert isinstance(good, Article) and good.source == "long.jsonl:2"


# --------------------------------------------------------------------------- WARC, record by record


@pytest.fixture
def warcio() -> Any:
    return pytest.importorskip("warcio", reason="storyline[warc] (warcio) is not installed")


@pytest.mark.parametrize("gz", [True, False])
def test_warc_records_fail_one_at_a_time(tmp_path: Path, warcio: Any, gz: bool) -> None:
    pages = [html_page(t.replace("(NNS)", f"(NNS {k})")).encode() for k, t in enumerate(GOOD)]
    records = [
        warc_record(1, "https://portvale.example/1", pages[0]),
        warc_record(2, None, pages[1]),  # no WARC-Target-URI
        warc_record(3, "https://portvale.example/3", pages[2]).replace(b"WARC/1.0", b"WARX/9.9", 1),  # broken
        warc_record(4, "https://portvale.example/4", pages[1]),
    ]
    name = "mixed.warc.gz" if gz else "mixed.warc"
    data = b"".join(gzip.compress(r) if gz else r for r in records)
    (tmp_path / name).write_bytes(data)
    out = list(read([str(tmp_path / name)]))
    got = {x.source: (x.reason if isinstance(x, Rejection) else "stored") for x in out}
    assert got[f"{name}#2"].startswith("a response record without WARC-Target-URI")
    assert got[f"{name}#3"].startswith("broken WARC record")
    assert got["https://portvale.example/1"] == got["https://portvale.example/4"] == "stored"  # read on after it
    assert len(out) == 4


def test_a_truncated_warc_names_the_cut_record(tmp_path: Path, warcio: Any) -> None:
    records = [warc_record(n, f"https://portvale.example/{n}", html_page(GOOD[n - 1]).encode()) for n in (1, 2, 3)]
    members = [gzip.compress(r) for r in records]
    whole = b"".join(members)
    for cut, where in [(len(whole) - 50, 3), (len(members[0]) + len(members[1]) // 2, 2)]:
        f = tmp_path / f"cut-{cut}.warc.gz"
        f.write_bytes(whole[:cut])
        out = list(read([str(f)]))
        assert [x.source for x in out if isinstance(x, Article)] == [
            f"https://portvale.example/{n}" for n in range(1, where)
        ]
        (rej,) = [x for x in out if isinstance(x, Rejection)]
        assert rej.source == f"{f.name}#{where}" and ("truncated" in rej.reason or "broken" in rej.reason)


def test_a_gzip_member_longer_than_its_record_ends_and_later_records_are_read(tmp_path: Path, warcio: Any) -> None:
    short = warc_record(1, "https://portvale.example/short", html_page(GOOD[0]).encode())
    head, _, rest = short.partition(b"Content-Length: ")
    short = head + b"Content-Length: 18" + rest[rest.index(b"\r\n") :]  # the block is much longer than declared
    good = warc_record(2, "https://portvale.example/good", html_page(GOOD[1]).encode())
    (tmp_path / "short.warc.gz").write_bytes(gzip.compress(short) + gzip.compress(good))
    out = list(read([str(tmp_path / "short.warc.gz")]))  # used to loop for ever
    assert [x.source for x in out if isinstance(x, Article)] == ["https://portvale.example/good"]
    assert {x.source for x in out if isinstance(x, Rejection)} >= {"short.warc.gz#1"}


# --------------------------------------------------------------------------- pages and text


def test_deeply_nested_markup_still_yields_its_text() -> None:
    art = from_html(deep_html(GOOD[0]).encode(), "deep.html")
    assert art.text.startswith("PORTVALE, March 3 (NNS)")


def test_text_encodings() -> None:
    text = "PORTVALE -- Der Hafen öffnet am Montag."
    assert decode_text(text.encode("utf-8-sig")) == text
    assert decode_text(text.encode("utf-16")) == text
    assert decode_text(text.encode("utf-16-le")) == text
    assert decode_text(text.encode("utf-16-be")) == text
    for bad, words in [(text.encode("latin-1"), "not UTF-8"), (b"\x00\x01\x02\xff" * 100, "binary")]:
        with pytest.raises(ValueError, match=words):
            decode_text(bad)


# --------------------------------------------------------------------------- budgets


def test_the_character_budget_rejects_before_reading(tmp_path: Path) -> None:
    (tmp_path / "long.txt").write_text(GOOD[0] + " More." * 50, encoding="utf-8")
    (tmp_path / "short.txt").write_text(GOOD[1], encoding="utf-8")
    (tmp_path / "feed.jsonl").write_text(json.dumps({"text": GOOD[0] + " More." * 50}) + "\n", encoding="utf-8")
    out = {x.source: x for x in read([str(tmp_path)], limits=Limits(max_chars=len(GOOD[1])))}
    assert isinstance(out["short.txt"], Article)
    for where in ("long.txt", "feed.jsonl:1"):
        rej = out[where]
        assert isinstance(rej, Rejection) and rej.reason.startswith("budget: ")
        assert f"over the {len(GOOD[1]):,}-character limit" in rej.reason


def test_the_time_budget_rejects_a_slow_article_while_reading(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    real = ingest.parse_plain

    def slow(text: str) -> Any:
        if "strike" in text:
            time.sleep(30)  # interrupted by the budget long before this ends
        return real(text)

    monkeypatch.setattr(ingest, "parse_plain", slow)
    for k, text in enumerate(GOOD):
        (tmp_path / f"{k}.txt").write_text(text, encoding="utf-8")
    out = {x.source: x for x in read([str(tmp_path)], limits=Limits(seconds=0.2))}
    assert isinstance(out["0.txt"], Article) and isinstance(out["2.txt"], Article)
    rej = out["1.txt"]
    assert isinstance(rej, Rejection) and rej.reason == "budget: reading took over the 0.2-second limit for one article"


def _sleepy(article: Article) -> str:
    if "strike" in article.text:
        time.sleep(30)
    return article.id


def test_the_time_budget_in_a_stage_and_its_rejection_row(tmp_path: Path) -> None:
    arts = [x for x in read([str(_write(tmp_path, GOOD))]) if isinstance(x, Article)]
    results = [Guarded(_sleepy, "extract", "raise", seconds=0.2)(a) for a in arts]  # over budget: even under raise
    fail = results[1]
    assert results[0] == arts[0].id and results[2] == arts[2].id
    assert not isinstance(fail, str) and fail.rejection().reason.startswith("budget: extract took over the 0.2-second")
    assert fail.rejection().source == "1.txt" and arts[1].id in fail.rejection().reason


def test_the_time_budget_is_skipped_off_the_main_thread() -> None:
    done: list[bool] = []

    def work() -> None:
        with time_limit(0.05):
            time.sleep(0.2)
        done.append(True)

    t = threading.Thread(target=work)
    t.start()
    t.join()
    assert done == [True]
    with pytest.raises(BudgetExceeded), time_limit(0.05):
        time.sleep(5)


def test_analysis_rejects_a_stored_article_over_the_character_budget(tmp_path: Path) -> None:
    store = SQLiteStore(tmp_path / "s.db")
    pipeline_ingest(store, [str(_write(tmp_path, GOOD))], PipelineOptions(use_nlp=False, workers=1))
    limit = sorted(len(t) for t in GOOD)[1]  # the two longer ones are over it
    failed = analyse(store, PipelineOptions(use_nlp=False, workers=1, max_chars=limit))
    assert all(r.reason.startswith("budget: ") and "(extract, article a-" in r.reason for r in failed)
    assert {r.source for r in failed} == {f"{k}.txt" for k, t in enumerate(GOOD) if len(t) > limit} and len(failed) == 1
    assert {r.reason for r in store.rejections()} >= {r.reason for r in failed}
    assert store.unanalysed_ids() == []  # marked done, not tried again at every run


def _write(folder: Path, texts: list[str]) -> Path:
    out = folder / "texts"
    out.mkdir(exist_ok=True)
    for k, text in enumerate(texts):
        (out / f"{k}.txt").write_text(text, encoding="utf-8")
    return out


# --------------------------------------------------------------------------- a bug exits 3


BOOM = """
import sys
from storyline import cli
from storyline.pipeline import jobs

def boom(*args, **kwargs):
    raise RuntimeError("the analysis broke\\non two lines")

jobs.analyse = boom
import storyline.pipeline
storyline.pipeline.analyse = boom
sys.argv = ["storyline", "ingest", sys.argv[1], "--db", sys.argv[2], "--no-nlp"]
cli.main()
"""


def test_a_bug_exits_3_and_keeps_the_committed_batches(tmp_path: Path) -> None:
    folder = _write(tmp_path, GOOD)
    db = tmp_path / "s.db"
    env = {**os.environ, "PYTHONPATH": str(ROOT / "src")}
    proc = subprocess.run(
        [sys.executable, "-c", BOOM, str(folder), str(db)], capture_output=True, text=True, env=env, timeout=120
    )
    assert proc.returncode == 3, proc.stderr
    last = proc.stderr.strip().splitlines()[-1]
    assert last == (
        "storyline: internal error (RuntimeError: the analysis broke on two lines); "
        "this is a bug: please report it with the traceback above"
    )
    assert "Traceback (most recent call last)" in proc.stderr
    assert len(SQLiteStore(db).article_ids()) == len(GOOD)  # the ingest's batch was committed before the bug
