"""The CLI per CONTRACT.md: commands, exit codes, JSON shapes, clear errors."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from conftest import SAMPLE
from storyline.cli import cli

ARTICLE = """ date 2024-05-02 Harbour pilots end strike at Portvale

PORTVALE, May 2 (NNS) - Harbour pilots at Portvale ended a three-day strike on Thursday after the port
authority agreed to hire twelve more pilots, the union said.

The strike had held up forty ships in the outer roads since Monday, port officials said.
"""


def invoke(*args: str, input: str | None = None) -> tuple[int, str, str]:
    r = CliRunner().invoke(cli, list(args), input=input, catch_exceptions=False)
    return r.exit_code, r.stdout, r.stderr


def test_run_prints_storylines_and_reingest_changes_nothing(tmp_path: Path) -> None:
    db = str(tmp_path / "s.db")
    code, out, err = invoke("run", str(SAMPLE), "--db", db, "--no-nlp")
    assert code == 0, err
    assert "==" in out and "cites a-" in out
    assert "new articles" in err
    first = invoke("export", "--db", db)[1]
    code, _, err = invoke("ingest", "--db", db, str(SAMPLE), "--no-nlp")
    assert code == 0 and err.startswith("0 new articles")
    assert invoke("export", "--db", db)[1] == first


def test_export_has_contract_schema(tmp_path: Path) -> None:
    src = tmp_path / "in"
    src.mkdir()
    (src / "pilots.txt").write_text(ARTICLE, encoding="utf-8")
    db = str(tmp_path / "s.db")
    assert invoke("ingest", str(src), "--db", db, "--no-nlp")[0] == 0
    doc = json.loads(invoke("export", "--format", "json", "--db", db)[1])
    assert doc["schema"] == "storyline/1"
    assert set(doc) >= {
        "articles",
        "events",
        "stories",
        "entities",
        "quotes",
        "dates",
        "passages",
        "timelines",
        "comparisons",
    }
    a = doc["articles"][0]
    assert set(a) >= {
        "id",
        "source",
        "title",
        "published",
        "published_from",
        "outlet",
        "agencies",
        "dateline",
        "language",
        "duplicate_of",
        "event",
        "story",
        "text",
    }
    assert a["source"] == "pilots.txt" and a["published"] == "2024-05-02" and a["published_from"] == "header"
    assert a["id"].startswith("a-") and a["event"].startswith("e-") and a["story"].startswith("s-")
    for d in doc["dates"]:
        assert a["text"][d["start"] : d["end"]] == d["text"]
    tl = json.loads(invoke("timeline", "--all", "--format", "json", "--db", db)[1])
    assert tl["schema"] == "storyline/1" and tl["timelines"][0]["entries"]


def test_rejections_exit_codes_and_listing(tmp_path: Path) -> None:
    src = tmp_path / "in"
    src.mkdir()
    (src / "good.txt").write_text(ARTICLE, encoding="utf-8")
    (src / "empty.txt").write_text("\n\n", encoding="utf-8")
    (src / "feed.jsonl").write_text('{"text": "no"\n', encoding="utf-8")
    db = str(tmp_path / "s.db")
    code, _, err = invoke("ingest", str(src), "--db", db, "--no-nlp")
    assert code == 1
    assert "empty.txt" in err and "feed.jsonl:1" in err and "invalid JSON" in err
    listed = invoke("rejections", "--db", db)[1]
    assert "empty.txt" in listed and "feed.jsonl:1" in listed
    # the good article went in despite the bad ones
    assert json.loads(invoke("export", "--db", db)[1])["articles"][0]["source"] == "good.txt"
    bad_only = tmp_path / "bad"
    bad_only.mkdir()
    (bad_only / "x.txt").write_bytes(b"\xff\xfe\x00garbage")
    assert invoke("ingest", str(bad_only), "--db", db, "--no-nlp")[0] == 2


def test_jsonl_on_stdin(tmp_path: Path) -> None:
    db = str(tmp_path / "s.db")
    line = json.dumps(
        {
            "text": ARTICLE.split("\n", 2)[2],
            "title": "Pilots end strike",
            "url": "https://x.example/1",
            "published": "2024-05-02",
            "outlet": "Harbour Gazette",
        }
    )
    code, _, err = invoke("ingest", "-", "--db", db, "--no-nlp", input=line + "\n")
    assert code == 0, err
    a = json.loads(invoke("export", "--db", db)[1])["articles"][0]
    assert a["source"] == "https://x.example/1" and a["outlet"] == "Harbour Gazette" and "NNS" in a["agencies"]


def test_missing_path_and_unknown_story_are_clear_errors(tmp_path: Path) -> None:
    db = str(tmp_path / "s.db")
    code, _, err = invoke("ingest", str(tmp_path / "nope"), "--db", db)
    assert code == 2 and "no such file or folder" in err
    code, _, err = invoke("timeline", "s-doesnotexist", "--db", db)
    assert code == 2 and "s-doesnotexist" in err and "storyline stories" in err  # an unknown id: exit 2


def test_compare_a_story_event_by_event(tmp_path: Path) -> None:
    db = str(tmp_path / "s.db")
    assert invoke("run", str(SAMPLE), "--db", db, "--no-nlp")[0] == 0
    doc = json.loads(invoke("export", "--db", db)[1])
    story = max(doc["stories"], key=lambda s: len(s["events"]))
    code, out, err = invoke("compare", story["id"], "--db", db, "--format", "json")
    assert code == 0, err
    comps = json.loads(out)["comparisons"]
    assert [c["event"] for c in comps] == story["events"]
    code, _, err = invoke("compare", "x-nothing", "--db", db)
    assert code == 2 and "no event or story matches 'x-nothing'" in err


def test_timeline_names_the_outlet_never_the_file(tmp_path: Path) -> None:
    """Issue 17, item 6: an entry names the outlet the input gives (the dateline's agency, the record's outlet),
    never the file the article came from; a file no outlet names keeps its path."""
    src = tmp_path / "in"
    src.mkdir()
    (src / "article3.txt").write_text(ARTICLE, encoding="utf-8")
    record = {
        "url": "https://larch-coast-herald.example/2024/05/pilots",
        "outlet": "Larch Coast Herald",
        "published": "2024-05-03",
        "title": "Ships leave Portvale roads as pilots return",
        "text": "Ships began leaving the outer roads at Portvale on Friday, May 3, 2024, as pilots returned to work "
        "after their three-day strike, the port authority said.",
    }
    (src / "feed.jsonl").write_text(json.dumps(record) + "\n", encoding="utf-8")
    db = str(tmp_path / "s.db")
    code, _, err = invoke("run", str(src), "--db", db, "--no-nlp")
    assert code == 0, err
    out = invoke("timeline", "--all", "--db", db)[1]
    assert "article3.txt" not in out, out
    assert "(NNS)" in out and "cites" in out
    doc = json.loads(invoke("timeline", "--all", "--format", "json", "--db", db)[1])
    exported = json.loads(invoke("export", "--db", db)[1])
    outlet = {a["id"]: a["outlet"] or (a["wire_agencies"] or [""])[0] for a in exported["articles"]}
    assert outlet and all(outlet.values()), outlet  # both inputs name their outlet
    for d in (doc, exported):
        entries = [e for t in d["timelines"] for e in t["entries"]]
        assert entries
        for e in entries:
            assert e["outlets"] == list(dict.fromkeys(outlet[c["article"]] for c in e["citations"]))
    assert "NNS" in {o for t in doc["timelines"] for e in t["entries"] for o in e["outlets"]}


def test_embed_without_its_extra_is_refused_before_anything_is_stored(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import storyline.embed

    monkeypatch.setattr(
        storyline.embed, "available", lambda: False
    )  # what embed_available asks  # as on a machine without storyline[embed]
    db = tmp_path / "news.db"
    result = CliRunner().invoke(cli, ["ingest", str(SAMPLE), "--embed", "--db", str(db)])
    assert result.exit_code == 2
    assert 'pip install "storyline[embed]"' in result.output
    assert not db.exists()
