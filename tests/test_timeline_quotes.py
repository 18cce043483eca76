"""Who said what behind each timeline entry: quote choice, rendering, and the seeds end to end."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from storyline.cli import cli
from storyline.records import Citation, Event, Quote, TimelineEntry
from storyline.render import quote_line
from storyline.timeline_quotes import entry_quotes, timeline_quotes

TEXT_A = (
    "The ministers met in Lisbon on Monday to sign the fisheries accord. "
    '"This accord protects our coasts for a generation," Foreign Minister Ana Costa said. '
    "Officials said talks on quotas would resume in March."
)


def _q(
    article: str, start: int, end: int, speaker: str | None, direct: bool = True, via: tuple[str, ...] = ()
) -> Quote:
    return Quote(article, speaker, "said", TEXT_A[start:end], direct, start, end, via)


def _spans() -> dict[str, tuple[int, int]]:
    first_end = TEXT_A.index(". ") + 1
    quote_start = TEXT_A.index('"') + 1
    quote_end = TEXT_A.index(',"')
    later = TEXT_A.index("talks")
    return {"lead": (0, first_end), "quote": (quote_start, quote_end), "later": (later, len(TEXT_A) - 1)}


def test_attributed_quotes_come_first_and_speakerless_ones_are_dropped() -> None:
    sp = _spans()
    direct = _q("a-1", *sp["quote"], speaker="Ana Costa")
    reported = _q("a-1", *sp["later"], speaker="Officials", direct=False)
    anonymous = _q("a-1", *sp["quote"], speaker=None)
    entry = TimelineEntry("s-1", "2024-03-04", TEXT_A[: sp["lead"][1]], (Citation("a-1", *sp["lead"]),))
    got = entry_quotes(entry, {"a-1": [reported, anonymous, direct]})
    assert got == [direct, reported]


def test_quote_inside_the_cited_span_outranks_a_direct_quote_elsewhere() -> None:
    sp = _spans()
    direct = _q("a-1", *sp["quote"], speaker="Ana Costa")
    reported = _q("a-1", *sp["later"], speaker="Officials", direct=False)
    entry = TimelineEntry("s-1", "2024-03-04", "Fisheries accord signed.", (Citation("a-1", *sp["later"]),))
    assert entry_quotes(entry, {"a-1": [direct, reported]}, limit=1) == [reported]


def test_a_quote_the_summary_already_gives_is_not_repeated() -> None:
    sp = _spans()
    reported = _q("a-1", *sp["later"], speaker="Officials", direct=False)
    entry = TimelineEntry("s-1", "2024-03-04", TEXT_A[sp["later"][0] :], (Citation("a-1", *sp["later"]),))
    assert entry_quotes(entry, {"a-1": [reported]}) == []


def test_wire_copies_of_one_quote_appear_once_across_the_timeline() -> None:
    sp = _spans()
    copy_a = _q("a-1", *sp["quote"], speaker="Ana Costa")
    copy_b = _q("a-2", *sp["quote"], speaker="Costa")
    entries = [
        TimelineEntry("s-1", "2024-03-04", "Accord signed.", (Citation("a-1", *sp["lead"]),), event="e-1"),
        TimelineEntry("s-1", "2024-03-05", "Reactions.", (Citation("a-2", *sp["lead"]),), event="e-2"),
    ]
    events = [Event("e-1", "s-1", "2024-03-04", "t", ("a-1",)), Event("e-2", "s-1", "2024-03-05", "t", ("a-2",))]
    got = timeline_quotes(entries, [copy_a, copy_b], events)
    assert got == {0: [copy_a]}


def test_event_articles_are_searched_when_the_cited_one_has_no_quote() -> None:
    sp = _spans()
    other = _q("a-2", *sp["quote"], speaker="Ana Costa")
    entry = TimelineEntry("s-1", "2024-03-04", "Accord signed.", (Citation("a-1", *sp["lead"]),), event="e-1")
    events = [Event("e-1", "s-1", "2024-03-04", "t", ("a-1", "a-2"))]
    assert timeline_quotes([entry], [other], events) == {0: [other]}
    assert timeline_quotes([entry], [other], []) == {}


def test_quote_line_names_speaker_and_channel() -> None:
    sp = _spans()
    q = _q("a-1", *sp["quote"], speaker="Ana Costa", via=("Lusa",))
    assert quote_line(q) == f'Ana Costa (via Lusa): "{TEXT_A[slice(*sp["quote"])]}"'
    reported = _q("a-1", *sp["later"], speaker="officials", direct=False)
    assert quote_line(reported) == f"According to the officials, {TEXT_A[slice(*sp['later'])]}"
    partial = Quote("a-1", "Ana Costa", "said", 'the accord "a landmark for the coast', False, 0, 10)
    assert quote_line(partial) == 'According to Ana Costa, the accord "a landmark for the coast"'
    sentence = Quote("a-1", "Ana Costa", "said", "The accord holds until 2030", False, 0, 10)
    assert quote_line(sentence) == "According to Ana Costa, the accord holds until 2030"
    inline = Quote("a-1", "Costa", "said", "The accord, Costa said, holds until 2030", False, 0, 10)
    assert quote_line(inline) == "The accord, Costa said, holds until 2030"
    assert quote_line(q, width=20).endswith('…"') and len(quote_line(q, width=20)) < 60


def test_quote_line_puts_a_reporting_channel_first() -> None:
    q = Quote("a-1", "Kim and Putin", "reports", "agreed to expand rail links", True, 0, 10, ("Yonhap", "KCNA"))
    assert quote_line(q) == 'Yonhap, quoting KCNA, reports: Kim and Putin "agreed to expand rail links"'


@pytest.fixture(scope="module")
def seeds_db(tmp_path_factory: pytest.TempPathFactory) -> str:
    from conftest import SEEDS

    if not SEEDS.is_dir():
        pytest.skip(f"{SEEDS} not found: the seed articles live in ../shared/seeds beside the repository")
    db = str(tmp_path_factory.mktemp("tq") / "seeds.db")
    result = CliRunner().invoke(cli, ["ingest", str(SEEDS), "--db", db])
    assert result.exit_code == 0, result.output
    return db


def test_seeds_timeline_shows_kim_quoted_via_kcna(seeds_db: str) -> None:
    out = CliRunner().invoke(cli, ["timeline", "--all", "--db", seeds_db]).output
    quoted = [line for line in out.splitlines() if line.lstrip().startswith(">")]
    assert any("Kim Jong Un" in line and "via KCNA" in line for line in quoted), out


def test_seeds_timeline_json_entries_carry_attributed_quotes(seeds_db: str) -> None:
    doc: dict[str, Any] = json.loads(
        CliRunner().invoke(cli, ["timeline", "--all", "--format", "json", "--db", seeds_db]).output
    )
    quotes = [q for t in doc["timelines"] for e in t["entries"] for q in e["quotes"]]
    assert quotes and all(q["speaker"] for q in quotes)
    assert any(q["speaker_entity"] and "KCNA" in q["via"] for q in quotes)


def test_printed_timeline_counts_sources_as_the_export_does(tmp_path: Path) -> None:
    """`storyline timeline` and `storyline export` give the same entries and independent-source counts
    (wire copy folded in both), on the bundled sample where wire copy is shared."""
    from conftest import SAMPLE

    db = str(tmp_path / "sample.db")
    runner = CliRunner()
    assert runner.invoke(cli, ["ingest", str(SAMPLE), "--db", db]).exit_code == 0
    printed = json.loads(runner.invoke(cli, ["timeline", "--all", "--format", "json", "--db", db]).output)
    exported = json.loads(runner.invoke(cli, ["export", "--db", db]).output)

    def rows(doc: dict[str, Any]) -> list[tuple[str, str, int]]:
        return [(t["story"], e["date"], e["sources"]) for t in doc["timelines"] for e in t["entries"]]

    assert rows(printed) and sorted(rows(printed)) == sorted(rows(exported))


def test_quote_line_prints_a_split_quotation_without_its_attribution() -> None:
    text = 'The bridge stays shut," said a council engineer in Marlow. "We will know more on Friday.'
    q = Quote("a", "council engineer", "said", text, True, 10, 10 + len(text))
    line = quote_line(q)
    assert line == 'The council engineer: "The bridge stays shut … We will know more on Friday."'
    # reported speech keeps its words as they are
    reported = Quote("a", "Mayor Bell", "said", 'the plan, "a disgrace," would go ahead', False, 0, 40)
    assert '"a disgrace,"' in quote_line(reported)
