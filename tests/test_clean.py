"""Tests for storyline.clean: boilerplate removal on invented articles."""

from __future__ import annotations

import pytest

from storyline.clean import clean_text, is_boilerplate, is_caption, is_credit, split_credits

# An invented article with the kinds of noise real pages carry (no third-party text).
NOISY = """Skip to content
Connect with us
Headlines
Share this article

Harbour city opens new ferry terminal

PORTVILLE, March 3 (Reuters) - The city of Portville opened a ferry terminal on Tuesday, officials said.

The mayor cut a ribbon in front of a small crowd as the first boat arrived on schedule. (Photo: AFP)

This picture taken on Monday and released by the port authority shows the new pier at dawn.

Advertisement

The terminal cost 40 million dollars and took three years to build, the port authority said.

How one small harbour town became a shipping hub

"We waited a long time for this," said one resident, who asked not to be named.

Read more: Ferry fares to rise next spring
Follow us on Twitter and Facebook
We use cookies to improve your experience. By continuing you accept our cookie policy.
Additional reporting by Jane Roe
Related: Bridge plans shelved after protests
"""


def test_clean_text_keeps_copy_and_separates_paragraphs_with_one_blank_line() -> None:
    text = clean_text(NOISY)
    paragraphs = text.split("\n\n")
    assert paragraphs[0].startswith("PORTVILLE, March 3 (Reuters) - The city")
    assert "The terminal cost 40 million dollars" in text
    assert '"We waited a long time for this," said one resident' in text
    assert "\n\n\n" not in text
    assert all(p == p.strip() and p for p in paragraphs)


@pytest.mark.parametrize(
    "noise",
    [
        "Skip to content",
        "Connect with us",
        "Headlines",
        "Share this article",
        "Advertisement",
        "(Photo: AFP)",
        "This picture taken on Monday",
        "How one small harbour town became a shipping hub",
        "Read more:",
        "Follow us on Twitter",
        "We use cookies",
        "Additional reporting by",
        "Related:",
    ],
)
def test_clean_text_drops_boilerplate(noise: str) -> None:
    assert noise not in clean_text(NOISY)


def test_headline_is_dropped_only_when_given_or_headline_shaped() -> None:
    body = "Harbour city opens new ferry terminal\nThe city opened a terminal on Tuesday."
    assert clean_text(body, title="Harbour city opens new ferry terminal") == "The city opened a terminal on Tuesday."
    # a headline with a quote in it is not teaser-shaped; only the title argument removes it
    quoted = "Mayor hails 'new era' for harbour\nThe city opened a terminal on Tuesday."
    assert clean_text(quoted).startswith("Mayor hails")
    assert clean_text(quoted, title="Mayor hails 'new era' for harbour") == "The city opened a terminal on Tuesday."


def test_related_link_between_paragraphs_is_removed_but_bulleted_lists_stay() -> None:
    body = (
        "The council met on Monday to discuss the budget.\n"
        "Why the river flood defences keep failing every winter\n"
        "It approved three measures:\n"
        "- Higher parking fees in the old town centre\n"
        "- A new bus lane on the main road\n"
        "The vote was unanimous.\n"
        "- Council approves new budget for schools"
    )
    text = clean_text(body)
    assert "Why the river flood defences" not in text
    assert "Higher parking fees in the old town centre" in text  # list in the copy, marker dropped
    assert "- Higher" not in text
    assert "Council approves new budget for schools" not in text  # a related-stories list after the copy


def test_text_without_any_punctuated_paragraph_is_left_alone() -> None:
    # nothing looks like body copy, so nothing is judged a teaser
    body = "Storm warning issued for the northern coast tonight\nResidents told to stay indoors until morning"
    assert clean_text(body) == body.replace("\n", "\n\n")


def test_dateline_alone_on_its_line_is_kept() -> None:
    text = clean_text("Portville, Mar 3\nThe city opened a terminal on Tuesday.")
    assert text == "Portville, Mar 3\n\nThe city opened a terminal on Tuesday."


def test_hard_wrapped_prose_is_rejoined() -> None:
    body = (
        "The city of Portville opened a ferry terminal on Tuesday after three\n"
        "years of building work, officials said, and the first boat arrived\n"
        "on schedule in front of a small crowd of residents.\n"
        "\n"
        "The mayor spoke briefly."
    )
    text = clean_text(body)
    assert text.split("\n\n")[0].startswith(
        "The city of Portville opened a ferry terminal on Tuesday after three years"
    )
    assert text.endswith("\n\nThe mayor spoke briefly.")


def test_whitespace_is_normalised() -> None:
    assert clean_text("  The  city\u00a0opened a terminal.\u200b  \r\n\r\n\r\nIt cost a lot.  ") == (
        "The city opened a terminal.\n\nIt cost a lot."
    )


@pytest.mark.parametrize(
    "line",
    [
        "The new pier at dawn on Monday. (Photo: AFP)",
        "The mayor greets passengers in this picture released by the city on Tuesday. (CITY via REUTERS)",
        "The mayor greets passengers at the pier [Getty Images]",
        "File photo: the old ferry terminal in 2010",
        "Photo: Port authority",
        "The mayor at the pier. Photo: Jane Roe",
        "FILE - The old ferry at the pier, in Portville. (AP Photo/Jane Roe, File)",
        "This undated handout photo provided by the port shows the pier.",
    ],
)
def test_captions(line: str) -> None:
    assert is_caption(line)
    assert is_boilerplate(line)


@pytest.mark.parametrize(
    "line",
    [
        "The mayor said the photo of the pier was taken last year.",
        "The port authority released pictures showing damage to the pier.",
        "Officials said the ferry would run via the northern channel (weather permitting).",
    ],
)
def test_body_sentences_are_not_captions(line: str) -> None:
    assert not is_caption(line)
    assert not is_boilerplate(line)


@pytest.mark.parametrize(
    "line",
    [
        "Additional reporting by Reuters",
        "By Reuters",
        "© AFP 2023",
        "(With inputs from PTI)",
        "Reporting by Jane Roe; Editing by John Doe",
    ],
)
def test_credit_lines(line: str) -> None:
    assert is_credit(line)
    assert is_boilerplate(line)


def test_split_credits_returns_removed_credit_lines_and_trailing_agency_lines() -> None:
    body = "By Jane Roe\nThe city opened a terminal on Tuesday.\nIt cost a lot.\n- Reuters"
    text, credits = split_credits(body)
    assert text == "The city opened a terminal on Tuesday.\n\nIt cost a lot."
    assert credits == ("By Jane Roe", "Reuters")


def test_captions_are_not_credits() -> None:
    _, credits = split_credits("The mayor at the pier. (Photo: AFP)\nThe city opened a terminal on Tuesday.")
    assert credits == ()


def test_short_sentences_and_datelines_are_not_boilerplate() -> None:
    assert not is_boilerplate("He declined.")
    assert not is_boilerplate("Seoul, Sep 4")
    assert not is_boilerplate("TOKYO, September 14. /TASS/. The talks ended.")
    assert is_boilerplate("Most Read")
    assert is_boilerplate("Sep 14, 2023 10:30 AM")


@pytest.mark.parametrize(
    "line",
    [
        "The company changed its privacy policy on Monday.",
        "He urged supporters to follow him on Twitter.",
        "The site uses cookies to track users, regulators said.",
        "Social media showed a striking image: troops crossing the river.",
    ],
)
def test_news_sentences_about_chrome_topics_are_kept(line: str) -> None:
    assert not is_boilerplate(line)


@pytest.mark.parametrize(
    "line",
    ["Follow Portville News on Twitter", "We use cookies to improve your experience.", "Privacy Policy | Terms of Use"],
)
def test_chrome_notices(line: str) -> None:
    assert is_boilerplate(line)
