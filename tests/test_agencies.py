"""The shared news-agency table and the rules that find agencies, known or defined by the document itself."""

from __future__ import annotations

import pytest

from storyline.agencies import (
    AGENCIES,
    AgencySpan,
    agency_context,
    agency_in,
    agency_spans,
    attributions,
    canonical_agency,
    dateline_credit,
    local_agencies,
    wire_credit,
)
from storyline.records import Article


def _names(text: str) -> list[str]:
    return [s.name for s in agency_spans(text)]


def test_table_has_one_entry_per_agency_and_no_spelling_twice() -> None:
    names = [a.name for a in AGENCIES]
    assert len(names) == len(set(names))
    spellings = [s for a in AGENCIES for s in (*a.names, *a.codes)]
    assert len(spellings) == len(set(spellings))


@pytest.mark.parametrize(
    ("spelling", "canonical"),
    [
        ("Korean Central News Agency", "KCNA"),
        ("the Korean Central News Agency", "KCNA"),
        ("ITAR-TASS", "TASS"),
        ("Tass", "TASS"),
        ("Associated Press", "AP"),
        ("AP", "AP"),
        ("Agence France-Presse", "AFP"),
        ("Deutsche Presse-Agentur", "dpa"),
        ("Yonhap News Agency", "Yonhap"),
        ("Press Trust of India", "PTI"),
        ("Moscow", None),
        ("MPA", None),  # invented: unknown without the document that defines it
    ],
)
def test_canonical_agency(spelling: str, canonical: str | None) -> None:
    assert canonical_agency(spelling) == canonical


def test_canonical_agency_prefers_what_the_document_defines() -> None:
    local = {"Meridian Press Agency": "MPA", "MPA": "MPA"}
    assert canonical_agency("the Meridian Press Agency", local) == "MPA"
    assert canonical_agency("Tass", local) == "TASS"


def test_ambiguous_codes_need_an_agency_context() -> None:
    assert agency_context("Officials told AFP the talks failed.", 15, 18)
    assert agency_context("(AFP) - Talks failed.", 1, 4)
    assert agency_context("AFP - Talks failed.", 0, 3)
    assert not agency_context("The AFP said officers arrested two men.", 4, 7)  # the Australian Federal Police
    assert agency_context("The AP reported that talks failed.", 4, 6)  # "the AP" is the agency
    assert not agency_context("Payments via UPI rose.", 13, 16)
    assert _names("The AFP said officers arrested two men. Payments via UPI rose. The AP government met.") == []
    assert _names("Officials told AFP the talks failed, UPI reported.") == ["AFP", "UPI"]


def test_table_names_count_anywhere_in_upper_case_too() -> None:
    assert _names("KYODO - Japan protested, the Korean Central News Agency said.") == ["Kyodo", "KCNA"]
    spans = agency_spans("Talks ended (KCNA via REUTERS).")
    assert spans == [AgencySpan(13, 17, "KCNA"), AgencySpan(22, 29, "Reuters")]


@pytest.mark.parametrize(
    ("paragraph", "credit"),
    [
        ("PORTVALE, May 2 (NNS) - Harbour pilots ended a strike.", "NNS"),
        ("AMSELBURG, Telmark, Feb 5 /NNS/ - Talks broke down.", "NNS"),
        ("TOKYO, September 14. /TASS/. Russian President Vladimir Putin met Kim.", "TASS"),
        ("Seoul, Sep 4 (Yonhap) -- Talks ended.", "Yonhap"),
        ("SEOUL, Sept. 4 (YONHAP) -- Talks ended.", "Yonhap"),
        ("WASHINGTON (AP) — Talks ended.", "AP"),
        ("LONDON (Reuters Breakingviews) - Banks fell.", "Reuters"),
        ("(QNX) - Talks ended.", "QNX"),
        ("SEOUL, Sept 4 (UPDATE) - Talks ended.", None),  # a label, not an agency
        ("SEOUL, Sept 4 (Handout) - Talks ended.", None),  # not a code, not in the table
        ("Seoul, Sep 4\nTalks ended.", None),
        ("Talks ended (NNS) - in the capital.", None),  # not a dateline
    ],
)
def test_dateline_credit(paragraph: str, credit: str | None) -> None:
    found = dateline_credit(paragraph)
    assert (found.name if found else None) == credit
    if found is not None:
        span = paragraph[found.start : found.end]
        assert span.casefold().startswith(
            credit.casefold()
        )  # the credit as printed ("YONHAP", "Reuters Breakingviews")
        # the agency table knows TASS, Yonhap and AP; NNS and QNX are codes outside it, "Reuters Breakingviews" a desk
        assert canonical_agency(span) == (credit if credit in {"TASS", "Yonhap", "AP"} else None)


def test_document_defines_unknown_agencies() -> None:
    text = (
        "PORTVALE, May 2 (NNS) - Pilots ended a strike, the Meridian Press Agency (MPA) said.\n"
        "The state news agency QNA said talks would resume. KZX news agency said so too.\n"
        "Officials told the news agency Prensa Nueva that the Ghana News Agency was wrong."
    )
    assert local_agencies(text) == {
        "NNS": "NNS",
        "Meridian Press Agency": "MPA",
        "MPA": "MPA",
        "QNA": "QNA",
        "Prensa Nueva": "Prensa Nueva",
        "KZX": "KZX",
        "Ghana News Agency": "Ghana News Agency",
    }


def test_defined_name_with_a_table_acronym_maps_to_the_table() -> None:
    assert local_agencies("the official Korean Central News Agency (KCNA) said") == {
        "Korean Central News Agency": "KCNA",
        "KCNA": "KCNA",
    }


@pytest.mark.parametrize(
    "text",
    [
        "The US news agency reported nothing. The UN news service was closed.",  # country codes are not agencies
        "The Japanese news agency said so.",  # a nationality, not a name
        "The Kremlin Press Service said so.",  # a government office
        "On Monday News Agency staff struck.",  # no name before the head
        "NASA said the launch failed. The space agency ESA agreed.",
    ],
)
def test_no_agency_without_evidence(text: str) -> None:
    assert local_agencies(text) == {}


def test_once_defined_a_code_counts_everywhere_in_the_document() -> None:
    text = "SOLMERE, March 11 (MPA) - Talks ended.\nThe minister spoke to MPA on Friday. MPA said talks failed."
    assert [(s.name, text[s.start : s.end]) for s in agency_spans(text)] == [("MPA", "MPA")] * 3
    # without the definition, an unknown code is nothing
    assert _names("The minister spoke to MPA on Friday. MPA said talks failed.") == []


def test_agency_in_a_phrase() -> None:
    assert agency_in("according to Russia's Tass news agency") == "TASS"
    assert agency_in("the state news agency MPA") == "MPA"
    assert agency_in("the Meridian Press Agency (MPA)") == "MPA"
    assert agency_in("AFP") == "AFP"  # a phrase already known to name a source needs no context
    assert agency_in("the spy agency") is None


def test_attributions_rank_quoting_above_saying_and_ignore_bare_mentions() -> None:
    assert attributions("Yonhap reported, quoting KCNA, that the launch", {}) == {"Yonhap": 1, "KCNA": 2}
    assert attributions("a reporter who once worked for Reuters in Seoul", {}) == {}
    # an agency the article defined itself counts once it is passed in
    assert attributions("MPA said the talks would resume", {}) == {}
    assert attributions("MPA said the talks would resume", {"MPA": "MPA"}) == {"MPA": 1}


def test_wire_credit_prefers_the_recorded_agency_then_an_early_dateline() -> None:
    dated = Article(id="a", source="x", text="Standfirst line.\n\nEBBERSFELD, July 8 /NNS/ - Three miners were killed.")
    assert wire_credit(dated) == "NNS"
    assert wire_credit(Article(id="b", source="x", text=dated.text, wire_agencies=("AFP",))) == "AFP"
    late = "\n\n".join(["One.", "Two.", "Three.", "EBBERSFELD, July 8 /NNS/ - Four."])
    assert wire_credit(Article(id="c", source="x", text=late)) is None
