"""Tests for storyline.metadata: headline, date, dateline and agencies; invented articles plus the seeds."""

from __future__ import annotations

from pathlib import Path

import pytest

from storyline.metadata import detect_agencies, find_dateline, infer_year, parse_body, parse_plain
from storyline.records import Dateline

# --- parse_plain on invented articles ---------------------------------------------------------------


def test_header_line_with_headline() -> None:
    raw = " date 2021-03-03 Harbour city opens new ferry terminal\n\nThe city opened a terminal on Tuesday.\n"
    p = parse_plain(raw)
    assert p.title == "Harbour city opens new ferry terminal"
    assert p.published == "2021-03-03"
    assert p.published_from == "header"
    assert p.text == "The city opened a terminal on Tuesday."


def test_header_line_followed_by_dateline_and_body_has_no_title() -> None:
    raw = " date 2021-03-03 PORTVILLE, March 3. /TASS/. The city opened a terminal on Tuesday, officials said.\n\nIt cost a lot."
    p = parse_plain(raw)
    assert p.title is None
    assert p.text.startswith("PORTVILLE, March 3. /TASS/. The city opened")
    assert p.dateline == Dateline(text="PORTVILLE, March 3. /TASS/.", place="Portville", month=3, day=3, year=None)
    assert p.published == "2021-03-03"
    assert p.wire_agencies == ("TASS",)


def test_header_line_alone_then_headline_line() -> None:
    p = parse_plain(" date 2021-03-03\nFerry terminal opens\nThe city opened a terminal on Tuesday.")
    assert p.title == "Ferry terminal opens"
    assert p.text == "The city opened a terminal on Tuesday."


def test_invalid_header_date_is_not_used() -> None:
    p = parse_plain(" date 2021-02-30 Ferry terminal opens\nThe city opened a terminal on Tuesday.")
    assert p.published is None
    assert p.published_from == "none"


def test_chrome_before_headline_and_standfirst_bullets() -> None:
    raw = (
        "Connect with us\n\nHeadlines\n\nMayor hails 'new era' for harbour: city\n"
        "- The terminal took three years to build and cost 40 million dollars\n"
        "Portville, Mar 3\nThe city opened a ferry terminal on Tuesday, officials said.\n"
        "Share this article\n"
    )
    p = parse_plain(raw)
    assert p.title == "Mayor hails 'new era' for harbour: city"
    assert p.text.split("\n\n") == [
        "The terminal took three years to build and cost 40 million dollars",
        "Portville, Mar 3",
        "The city opened a ferry terminal on Tuesday, officials said.",
    ]
    assert p.dateline is not None and p.dateline.place == "Portville"
    # no year in the dateline and no evidence for one in the text: unknown, not guessed
    assert p.published is None
    assert p.published_from == "none"


def test_no_headline_when_first_line_is_a_paragraph() -> None:
    p = parse_plain("The city opened a ferry terminal on Tuesday, officials said.\nIt cost a lot.")
    assert p.title is None
    assert p.text.startswith("The city opened")


def test_dateline_with_year_gives_published() -> None:
    p = parse_plain("Ferry terminal opens\nMOSCOW, 14 September 2023 - The city opened a terminal.")
    assert p.published == "2023-09-14"
    assert p.published_from == "dateline"
    assert p.dateline is not None and p.dateline.year == 2023


def test_dateline_year_inferred_from_anniversary_and_weekday() -> None:
    body = (
        "Portville, Sep 4\nThe city held a parade on Thursday, officials said.\n"
        "It marked the 80th anniversary of the end of World War II."
    )
    p = parse_body(body)
    assert p.published == "2025-09-04"
    assert p.published_from == "text"
    assert p.dateline is not None and p.dateline.year is None  # the dateline itself printed no year


def test_a_credit_line_is_removed_and_is_not_the_wire_origin() -> None:
    """Issue 17: "Additional reporting by Reuters" makes Reuters a contributor (cited), not the copy's origin; a
    credit line of people names no origin; a copyright line of an agency still does."""
    p = parse_plain("Ferry terminal opens\nThe city opened a terminal, KCNA said.\nAdditional reporting by Reuters")
    assert "Additional reporting" not in p.text
    assert p.wire_agencies == ()
    assert p.cited_agencies == ("KCNA", "Reuters")
    signed = parse_plain(
        "Ferry terminal opens\nThe city opened a terminal.\n(Reporting by Jane Roe; Editing by John Doe)"
    )
    assert signed.wire_agencies == ()
    owned = parse_plain("Ferry terminal opens\nThe city opened a terminal.\n© AFP 2023")
    assert owned.wire_agencies == ("AFP",)


def test_parse_body_keeps_a_known_date() -> None:
    p = parse_body(
        "MOSCOW, 14 September 2023 - The city opened a terminal.", published="2023-09-15", published_from="html"
    )
    assert (p.published, p.published_from) == ("2023-09-15", "html")


# --- find_dateline ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "place", "month", "day", "year", "core"),
    [
        ("TOKYO, September 14. /TASS/. Talks ended.", "Tokyo", 9, 14, None, "TOKYO, September 14. /TASS/."),
        ("Seoul, Sep 4\nTalks ended.", "Seoul", 9, 4, None, "Seoul, Sep 4"),
        ("SEOUL, Sept. 4 (Yonhap) -- Talks ended.", "Seoul", 9, 4, None, "SEOUL, Sept. 4 (Yonhap)"),
        ("NEW DELHI, Sep 4 (IANS) Talks ended.", "New Delhi", 9, 4, None, "NEW DELHI, Sep 4 (IANS)"),
        (
            "VLADIVOSTOK, Russia, Sept 13 (AP) — Talks ended.",
            "Vladivostok",
            9,
            13,
            None,
            "VLADIVOSTOK, Russia, Sept 13 (AP)",
        ),
        ("BERLIN, 3 October 2022 - Talks ended.", "Berlin", 10, 3, 2022, "BERLIN, 3 October 2022"),
        ("WASHINGTON (AP) — Talks ended.", "Washington", None, None, None, "WASHINGTON (AP)"),
    ],
)
def test_find_dateline(text: str, place: str, month: int | None, day: int | None, year: int | None, core: str) -> None:
    assert find_dateline(text) == Dateline(text=core, place=place, month=month, day=day, year=year)


@pytest.mark.parametrize(
    "text",
    [
        "KYODO - Japan protested on Friday.",  # an agency credit, not a place
        "BREAKING - Talks ended.",
        "Kim and Putin, Sep 4 meeting was long.",
        "Talks ended on Sep 4, officials said.",
        "PORTVILLE, February 30 - Talks ended.",  # no such day
        "On Thursday, Sept. 14, Kim arrived in the city.",  # a sentence opening, not a place
    ],
)
def test_not_a_dateline(text: str) -> None:
    assert find_dateline(text) is None


# --- infer_year -------------------------------------------------------------------------------------


def test_infer_year_from_anniversary() -> None:
    text = "Officials said on Thursday the parade marked the 80th anniversary of the end of World War II."
    assert infer_year(9, 4, text) == 2025


def test_infer_year_rejects_anniversary_on_the_wrong_weekday() -> None:
    text = "Officials said on Monday the parade marked the 80th anniversary of the end of World War II."
    assert infer_year(9, 4, text) is None  # 2025-09-04 was a Thursday


def test_infer_year_rejects_conflicting_anniversaries() -> None:
    text = "It marked the 70th anniversary of the Korean War armistice and the 80th anniversary of the end of World War II."
    assert infer_year(7, 27, text) is None


def test_infer_year_ignores_past_anniversaries() -> None:
    text = "Last year the 70th anniversary of the Korean War armistice was marked on Thursday."
    assert infer_year(7, 27, text) is None


def test_infer_year_from_explicit_years_and_weekday() -> None:
    text = "The minister said on Thursday that talks begun in 2019 resumed in 2023."
    assert infer_year(9, 14, text) == 2023  # 2023-09-14 was a Thursday, 2024-09-14 a Saturday


def test_infer_year_needs_a_weekday_with_explicit_years() -> None:
    assert infer_year(9, 14, "Talks begun in 2019 resumed in 2023.") is None


def test_infer_year_none_when_no_candidate_fits() -> None:
    assert infer_year(9, 14, "The minister said on Thursday that talks begun in 2019 had stalled.") is None


def test_infer_year_ignores_future_targets_and_quantities() -> None:
    text = "The minister said on Thursday the city plans 2000 homes by 2030."
    assert infer_year(9, 14, text) is None


def test_infer_year_without_evidence() -> None:
    assert infer_year(9, 4, "Officials said on Thursday that talks went well.") is None


def test_infer_year_reads_a_year_followed_by_a_comma() -> None:
    # "January 20, 2025," closes a clause; the comma once hid the year.
    text = "The minister said on Wednesday the tariffs imposed on January 20, 2025, would stay."
    assert infer_year(3, 12, text) == 2025  # 2025-03-12 was a Wednesday, 2026-03-12 a Thursday
    assert infer_year(3, 12, "Officials said on Wednesday that 2025,000 tonnes were shipped.") is None


def test_infer_year_none_when_two_candidate_years_fit() -> None:
    # Wednesday fits 2025-03-12 and Thursday 2026-03-12: the text does not decide.
    text = "The minister said on Wednesday the tariffs of January 20, 2025, stay; talks resume on Thursday."
    assert infer_year(3, 12, text) is None


# --- detect_agencies --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "wire", "cited"),
    [
        ("KYODO - Japan protested on Friday, the Korean Central News Agency said.", ("Kyodo",), ("KCNA",)),
        ("TOKYO, September 14. /TASS/. Talks ended, according to Yonhap.", ("TASS",), ("Yonhap",)),
        ("SEOUL, Sept. 4 (Yonhap) -- Talks ended, KCNA said.", ("Yonhap",), ("KCNA",)),
        ("WASHINGTON (AP) — Talks ended, the Associated Press learned.", ("AP",), ()),
        ("By Reuters\nTalks ended, Xinhua said.", ("Reuters",), ("Xinhua",)),
        ("Talks ended, he said.\n© AFP 2023", ("AFP",), ()),
        ("Talks ended, he said.\n(With inputs from PTI)", ("PTI",), ()),
        ("Talks ended, he said. - Reuters", ("Reuters",), ()),
        ("Talks ended, reports Yonhap, quoting ITAR-TASS.", (), ("Yonhap", "TASS")),
        ("Talks ended, Tass said. Talks ended, TASS said.", (), ("TASS",)),
    ],
)
def test_detect_agencies(text: str, wire: tuple[str, ...], cited: tuple[str, ...]) -> None:
    assert detect_agencies(text) == (wire, cited)


def test_photo_credits_are_not_agencies() -> None:
    text = "The mayor greets passengers in this picture released on Tuesday. (KCNA via REUTERS)\nTalks ended."
    assert detect_agencies(text) == ((), ())
    assert detect_agencies("The mayor at the pier. (Photo: AFP)\nTalks ended.") == ((), ())


def test_ambiguous_codes_need_an_agency_context() -> None:
    text = "The AFP said officers arrested two men. Payments via UPI rose. The AP government met."
    assert detect_agencies(text) == ((), ())
    assert detect_agencies("Officials told AFP the talks failed, UPI reported.") == ((), ("AFP", "UPI"))


@pytest.mark.parametrize(
    ("text", "wire", "cited"),
    [
        # invented agencies: no table lists them, the document's own context does
        ("PORTVALE, May 2 (NNS) - Pilots ended a strike, the union said.", ("NNS",), ()),
        ("AMSELBURG, Telmark, Feb 5 /NNS/ - Talks broke down.\nNNS could not reach the minister.", ("NNS",), ()),
        ("Talks ended, the Foreign Ministry said, the state news agency MPA said.", (), ("MPA",)),
        ("The Meridian Press Agency (MPA) carried the statement.\nTalks ended, according to MPA.", (), ("MPA",)),
        (
            "SOLMERE, March 11 (MPA) - Talks ended.\nThe minister later told QNA news agency they would resume.",
            ("MPA",),
            ("QNA",),
        ),
        # an unknown code without such context is nothing, and a photo credit defines nothing
        ("Talks ended, MPA said.", (), ()),
        ("Crowds marched on the quay. (Photo: NNS)\nTalks ended, NNS said.", (), ()),
        ("SEOUL, Sept 4 (UPDATE) - Talks ended.", (), ()),
    ],
)
def test_detect_unknown_agencies_from_context(text: str, wire: tuple[str, ...], cited: tuple[str, ...]) -> None:
    assert detect_agencies(text) == (wire, cited)


def test_parse_body_finds_an_unknown_wire_agency_in_the_dateline() -> None:
    p = parse_body("PORTVALE, May 2 (NNS) - Harbour pilots ended a three-day strike on Thursday, the union said.")
    assert p.wire_agencies == ("NNS",)
    assert p.dateline is not None and p.dateline.place == "Portvale"


def test_wire_agency_is_not_also_cited() -> None:
    wire, cited = detect_agencies("MOSCOW, Sept 13 (Reuters) - Talks ended.\nReuters could not verify the report.")
    assert wire == ("Reuters",)
    assert cited == ()


# --- the five seed articles (read from ../shared at test time) --------------------------------------


def _seed(seeds: Path, prefix: str) -> str:
    (path,) = seeds.glob(f"{prefix}_*.txt")
    return path.read_text(encoding="utf-8")


def test_seed_titles_and_dates(seeds: Path) -> None:
    p = {n: parse_plain(_seed(seeds, n)) for n in ("000", "001", "002", "003", "004")}
    assert p["000"].title is not None and p["000"].title.startswith("North Korea, Russia reaches")
    assert p["002"].title == "N. Korea's Kim, Russian defence chief discuss deeper ties"
    assert p["004"].title is not None and p["004"].title.startswith("North Korean leader Kim, Putin discuss")
    assert p["003"].title is not None and p["003"].title.startswith("Russia")
    assert p["001"].title is None  # the header line runs straight into the dateline
    assert (p["000"].published, p["000"].published_from) == ("2023-09-14", "header")
    assert p["003"].published is None and p["003"].published_from == "none"
    assert (p["004"].published, p["004"].published_from) == ("2025-09-04", "text")


def test_seed_datelines(seeds: Path) -> None:
    d1 = parse_plain(_seed(seeds, "001")).dateline
    d4 = parse_plain(_seed(seeds, "004")).dateline
    assert d1 is not None and d1.place == "Tokyo" and (d1.month, d1.day) == (9, 14)
    assert d4 is not None and d4.place == "Seoul" and (d4.month, d4.day) == (9, 4)


def test_seed_boilerplate_is_removed(seeds: Path) -> None:
    for n in ("000", "001", "002", "003", "004"):
        lines = parse_plain(_seed(seeds, n)).text.split("\n\n")
        for line in lines:
            assert line not in ("Connect with us", "Headlines"), n
            assert not line.startswith("This picture taken"), n
            assert "(Photo: AFP)" not in line and "via REUTERS" not in line, n
            assert not line.startswith("What Russia"), n  # the related-link headline in 003
            assert not line.startswith("Additional reporting"), n


def test_seed_body_paragraphs_remain(seeds: Path) -> None:
    assert "Kremlin spokesman Dmitry Peskov said Wednesday" in parse_plain(_seed(seeds, "000")).text
    assert "Raising a toast during an official dinner" in parse_plain(_seed(seeds, "003")).text
    assert parse_plain(_seed(seeds, "001")).text.startswith("TOKYO, September 14. /TASS/. Russian President")
    assert "The trio coming together at the rostrum" in parse_plain(_seed(seeds, "004")).text


def test_seed_agencies(seeds: Path) -> None:
    p = {n: parse_plain(_seed(seeds, n)) for n in ("000", "001", "002", "003", "004")}
    assert p["000"].wire_agencies == ("Kyodo",)
    assert {"KCNA", "TASS"} <= set(p["000"].cited_agencies)
    assert (p["001"].wire_agencies, p["001"].cited_agencies) == (("TASS",), ("KCNA",))
    assert (p["002"].wire_agencies, p["002"].cited_agencies) == ((), ("KCNA",))
    # "Additional reporting by Reuters": a contributor to the outlet's own copy, not its origin (issue 17)
    assert (p["003"].wire_agencies, p["003"].cited_agencies) == ((), ("KCNA", "Reuters"))
    assert p["004"].wire_agencies == ()
    assert {"Yonhap", "KCNA", "TASS"} <= set(p["004"].cited_agencies)


def test_seed_agencies_from_raw_text(seeds: Path) -> None:
    # detect_agencies skips captions and header lines itself, so uncleaned text gives the same answer
    assert detect_agencies(_seed(seeds, "001")) == (("TASS",), ("KCNA",))
    assert detect_agencies(_seed(seeds, "002")) == ((), ("KCNA",))
    assert detect_agencies(_seed(seeds, "003")) == ((), ("KCNA", "Reuters"))
