"""Tests for storyline.extract.dates. Sentences are our own; seeds are read from ../shared."""

from __future__ import annotations

from itertools import pairwise

import pytest

from conftest import read_seed
from storyline.extract.dates import find_dates, find_timexes
from storyline.records import DateMention

THURSDAY = "2023-09-14"  # a Thursday
SUNDAY = "2023-09-17"


def found(text: str, published: str | None = THURSDAY) -> dict[str, tuple[str | None, str]]:
    """Mention text -> (value, granularity); also checks every offset."""
    mentions = find_dates(text, published, "a1")
    for m in mentions:
        assert text[m.start : m.end] == m.text
        assert m.article == "a1"
    assert [m.start for m in mentions] == sorted(m.start for m in mentions)
    return {m.text: (m.value, m.granularity) for m in mentions}


def value(text: str, mention: str, published: str | None = THURSDAY) -> str | None:
    got = found(text, published)
    assert mention in got, f"{mention!r} not found in {got}"
    return got[mention][0]


# -- weekdays -------------------------------------------------------------------------------


def test_past_weekday_is_most_recent_on_or_before_publication() -> None:
    assert value("The two leaders met on Wednesday in Amur.", "Wednesday") == "2023-09-13"
    assert value("KCNA said Thursday the talks went well.", "Thursday") == "2023-09-14"
    assert value("The missile was fired on Friday.", "Friday") == "2023-09-08"


def test_future_weekday_is_next_on_or_after_publication() -> None:
    assert value("Kim will visit the factory on Friday.", "Friday") == "2023-09-15"
    assert value("He is expected to meet Shoigu on Saturday.", "Saturday") == "2023-09-16"
    assert value("The vote is due on Thursday, officials said.", "Thursday") == "2023-09-14"


def test_speech_verb_next_to_weekday_beats_later_future_cue() -> None:
    assert value("North Korea said Wednesday it will send troops.", "Wednesday") == "2023-09-13"


def test_adjective_next_does_not_make_a_sentence_future() -> None:
    assert value("Kim left for his next destination on Wednesday.", "Wednesday") == "2023-09-13"


def test_last_and_next_weekday_are_strict() -> None:
    assert value("They spoke last Thursday.", "last Thursday") == "2023-09-07"
    assert value("They will speak next Thursday.", "next Thursday") == "2023-09-21"
    assert value("They met last Wednesday.", "last Wednesday") == "2023-09-13"


def test_weekday_of_named_week() -> None:
    assert value("They met Wednesday last week.", "Wednesday last week") == "2023-09-06"


def test_weekday_names_that_are_not_dates() -> None:
    got = found("Black Friday sales rose, the Sunday Times said, and Sheffield Wednesday lost.")
    assert got == {}


def test_weekday_without_publication_is_unresolved() -> None:
    assert found("The talks took place on Wednesday.", None) == {"Wednesday": (None, "day")}


# -- explicit dates -------------------------------------------------------------------------


def test_month_day_without_year_takes_the_closest_year() -> None:
    assert value("The newspaper reported on Sept 4 that talks began.", "Sept 4") == "2023-09-04"
    assert value("Officials met on December 28, he said.", "December 28", "2024-01-10") == "2023-12-28"
    assert value("The trial opens on September 20.", "September 20") == "2023-09-20"
    # Past tense, but under three months ahead: this December, not last.
    assert value("The vote was postponed to Dec. 12.", "Dec. 12") == "2023-12-12"
    assert value("He arrived on March 3.", "March 3") == "2023-03-03"


def test_weekday_prefix_picks_the_year() -> None:
    got = found("It happened on Wednesday, September 13.")
    assert got == {"Wednesday, September 13": ("2023-09-13", "day")}


def test_explicit_dates_in_several_spellings() -> None:
    got = found("Filed Sep 4, 2025; signed 14 September 2023; logged 2023-09-14; on the 14th of May.")
    assert got["Sep 4, 2025"] == ("2025-09-04", "day")
    assert got["14 September 2023"] == ("2023-09-14", "day")
    assert got["2023-09-14"] == ("2023-09-14", "day")
    assert got["14th of May"] == ("2023-05-14", "day")


def test_explicit_dates_resolve_without_publication() -> None:
    got = found("The treaty was signed 14 September 2023 in Moscow.", None)
    assert got == {"14 September 2023": ("2023-09-14", "day")}
    assert found("They met on Sept 4.", None) == {"Sept 4": (None, "day")}


def test_impossible_date_is_unresolved() -> None:
    assert value("Filed on February 30, 2023.", "February 30, 2023") is None


def test_ranges() -> None:
    assert value("His visit ran from April 24 through 26, 2019.", "April 24 through 26, 2019") == (
        "2019-04-24/2019-04-26"
    )
    assert value("The fair ran April 24-26.", "April 24-26") == "2023-04-24/2023-04-26"
    assert value("The fair ran 24-26 April 2019.", "24-26 April 2019") == "2019-04-24/2019-04-26"
    assert value("He toured April 28 to May 2, 2019.", "April 28 to May 2, 2019") == ("2019-04-28/2019-05-02")
    assert found("He spoke April 24 through 26, 2019.")["April 24 through 26, 2019"][1] == "range"


def test_two_days_joined_by_and_are_not_a_range() -> None:
    assert "April 24 and 26" not in found("Rallies took place on April 24 and 26.")
    assert "April 24 and 26" in found("Rallies took place between April 24 and 26.")


# -- months and years -------------------------------------------------------------------------


def test_month_after_cue_word_follows_tense() -> None:
    assert value("Shoigu visited Pyongyang in July.", "July") == "2023-07"
    assert value("Kim will return in July.", "July") == "2024-07"
    assert value("He came in December.", "December") == "2022-12"


def test_month_with_modifiers() -> None:
    got = found("Prices fell in mid-July and again in early June; they rose last October.")
    assert got["mid-July"] == ("2023-07", "month")
    assert got["early June"] == ("2023-06", "month")
    assert got["last October"] == ("2022-10", "month")


def test_month_relative_to_year() -> None:
    got = found("Since October last year, troops have been sent.")
    assert got == {"October last year": ("2022-10", "month")}


def test_month_year() -> None:
    got = found("Talks began in September 2022 and ended in May 2019.")
    assert got == {"September 2022": ("2022-09", "month"), "May 2019": ("2019-05", "month")}


def test_years() -> None:
    got = found("Since 2019 the plant has grown, and by 2030 it will double; in early 2024 it paused.")
    assert got["2019"] == ("2019", "year")
    assert got["2030"] == ("2030", "year")
    assert got["early 2024"] == ("2024", "year")


def test_counts_are_not_years() -> None:
    assert found("The North sent 2000 troops; 2019 votes were cast; in 2000 cases it failed.") == {}


def test_last_as_a_verb_is_no_past_cue() -> None:
    # published 2023-09-14: hearings that will last until October end this October, not last year's
    assert found("Hearings are expected to last until October.")["October"] == ("2023-10", "month")
    assert found("The talks began last October.")["last October"] == ("2022-10", "month")


def test_clock_times_are_not_years() -> None:
    got = found("The blast came at 11 p.m. local time (2000 GMT); troops moved at 1800 hrs.")
    assert "2000" not in got and "1800" not in got
    assert found("In 2000 the port opened.")["2000"] == ("2000", "year")


# -- relative expressions -------------------------------------------------------------------


def test_relative_days() -> None:
    got = found("Talks end today; they began yesterday and resume tomorrow.")
    assert got["today"] == ("2023-09-14", "day")
    assert got["yesterday"] == ("2023-09-13", "day")
    assert got["tomorrow"] == ("2023-09-15", "day")


def test_anaphoric_days_count_from_publication() -> None:
    got = found("They met the previous day. A deal came the next day. They had spoken the day before.")
    assert got["the previous day"] == ("2023-09-13", "day")
    assert got["the next day"] == ("2023-09-15", "day")
    assert got["the day before"] == ("2023-09-13", "day")
    assert value("It rained the following day.", "the following day") == "2023-09-15"


def test_day_before_is_not_swallowed_or_misread() -> None:
    got = found("He arrived the day before yesterday.")
    assert got == {"the day before yesterday": ("2023-09-12", "day")}
    # Anchored to the summit, not to publication: no value.
    assert found("Protests began the day before the summit.") == {"the day before": (None, "unknown")}


def test_relative_periods() -> None:
    got = found("Earlier this month prices rose; last month they fell; last year they peaked.")
    assert got["Earlier this month"] == ("2023-09", "month")
    assert got["last month"] == ("2023-08", "month")
    assert got["last year"] == ("2022", "year")
    got = found("He visited last week and returns next week; next year is an election; this year too.")
    assert got["last week"] == ("2023-W36", "week")
    assert got["next week"] == ("2023-W38", "week")
    assert got["next year"] == ("2024", "year")
    assert got["this year"] == ("2023", "year")
    assert value("Prices held steady this week.", "this week") == "2023-W37"


def test_last_week_in_a_sunday_paper_is_the_week_just_gone() -> None:
    assert value("Kim and Putin met last week.", "last week", SUNDAY) == "2023-W37"


def test_durations_are_not_dates() -> None:
    assert found("Over the past year and for the last year, and over the next week, costs rose.") == {}


def test_ago() -> None:
    got = found("The test came two days ago, the talks three weeks ago and the crash a year ago.")
    assert got["two days ago"] == ("2023-09-12", "day")
    assert got["three weeks ago"] == ("2023-W34", "week")
    assert got["a year ago"] == ("2022", "year")


def test_relative_mentions_need_publication() -> None:
    got = found("Last week and yesterday and two days ago.", None)
    assert all(v is None for v, _ in got.values())
    assert len(got) == 3


# -- false positives --------------------------------------------------------------------------


def test_words_that_look_like_dates_are_not() -> None:
    text = "We may march on. Protesters march as prices may rise to $27 and 14 units. March on!"
    assert found(text) == {}


def test_month_name_alone_is_not_a_date() -> None:
    assert found("April said May would lead the March rally.") == {}


def test_result_is_sorted_and_non_overlapping() -> None:
    text = "On Wednesday, September 13, 2023, and last week, and in July."
    mentions = find_dates(text, THURSDAY)
    assert all(isinstance(m, DateMention) for m in mentions)
    assert [m.text for m in mentions] == ["Wednesday, September 13, 2023", "last week", "July"]
    assert all(a.end <= b.start for a, b in pairwise(mentions))


# -- real articles (read at test time, never copied into the repo) ---------------------------


def test_seed_000_kyodo() -> None:
    text = read_seed("000")
    assert text.startswith(" date 2023-09-14")
    mentions = find_dates(text, "2023-09-14")
    wednesdays = [m.value for m in mentions if "Wednesday" in m.text]
    assert wednesdays and all(v == "2023-09-13" for v in wednesdays)
    previous = [m.value for m in mentions if m.text == "the previous day"]
    assert previous == ["2023-09-13"]
    assert [m.value for m in mentions if m.text == "Sept 4"] == ["2023-09-04"]


def test_seed_004_yonhap() -> None:
    text = read_seed("004")
    mentions = find_dates(text, "2025-09-04")
    at = text.find("Since October last year")
    assert at >= 0
    inside = [m for m in mentions if at <= m.start and m.end <= at + len("Since October last year")]
    assert [(m.text, m.value) for m in inside] == [("October last year", "2024-10")]
    assert [m.value for m in mentions if m.text == "Tuesday"] == ["2025-09-02"]


# -- TimeML view: durations, sets, references, quarters, seasons, times (find_timexes) -------


def timexes(text: str, published: str | None = THURSDAY) -> dict[str, tuple[str | None, str]]:
    got = find_timexes(text, published)
    for t in got:
        assert text[t.start : t.end] == t.text
    return {t.text: (t.value, t.type) for t in got}


def test_durations_get_timeml_values() -> None:
    got = timexes("It took three years, then almost two and a half years; a four-week strike lasted 90 days.")
    assert got["three years"] == ("P3Y", "DURATION")
    assert got["almost two and a half years"] == ("P2.5Y", "DURATION")
    assert got["four-week"] == ("P4W", "DURATION")
    assert got["90 days"] == ("P90D", "DURATION")
    got = timexes("Over the past several months and for a decade, in recent weeks, it rose for 24 hours.")
    assert got["the past several months"] == ("PXM", "DURATION")
    assert got["a decade"] == ("P10Y", "DURATION")
    assert got["recent weeks"] == ("PXW", "DURATION")
    assert got["24 hours"] == ("PT24H", "DURATION")


def test_durations_and_references_are_not_calendar_dates() -> None:
    assert found("It lasted three years and is now over.") == {}


def test_references_sets_and_times() -> None:
    got = timexes("Prices are now high; it is held annually, 15 a year. It ended at 15:00 GMT Saturday.")
    assert got["now"] == ("PRESENT_REF", "DATE")
    assert got["annually"] == ("P1Y", "SET")
    assert got["a year"] == ("P1Y", "SET")
    assert got["15:00 GMT Saturday"] == ("2023-09-09T15:00Z", "TIME")
    assert timexes("He spoke on Friday afternoon.")["Friday afternoon"] == ("2023-09-08TAF", "TIME")


def test_quarters_seasons_decades() -> None:
    got = timexes("Profit fell in the third quarter of 2009 and in the first quarter of last year.")
    assert got["the third quarter of 2009"] == ("2009-Q3", "DATE")
    assert got["the first quarter of last year"] == ("2022-Q1", "DATE")
    assert found("Sales rose in the third quarter of 2009.")["the third quarter of 2009"] == (
        "2009-07-01/2009-09-30",
        "range",
    )
    got = timexes("They met last summer; music of the 1970s and the '80s; the 20th century.", "2013-03-22")
    assert got["last summer"] == ("2012-SU", "DATE")
    assert got["1970s"] == ("197", "DATE")
    assert got["'80s"] == ("198", "DATE")
    assert got["20th century"] == ("19", "DATE")


def test_bare_years_and_months() -> None:
    got = found("The 2009-2010 season; elected in 1953; the plan for 2030 was shelved in August.", "2013-03-22")
    assert got["2009"] == ("2009", "year") and got["2010"] == ("2010", "year")
    assert got["1953"] == ("1953", "year")
    assert got["August"] == ("2012-08", "month")
    # identifiers and counts are not years; a month in a name is not a month
    assert found("Flight 2013 landed; Resolution 1718 passed; 2000 troops; April Ryan asked.") == {}


def test_the_day_is_the_day_last_named() -> None:
    got = found("Shares fell on Tuesday. They ended the day lower.")
    assert got["the day"] == ("2023-09-12", "day")


# -- event dates across sources ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "phrase", "value"),
    [
        ("He left yeſterday.", "yeſterday", "2024-01-01"),
        ("It ended laſt night.", "laſt night", "2024-01-01"),
        ("Talks began ſix days ago.", "ſix days ago", "2023-12-27"),
        ("She arrived on Wedneſday.", "Wedneſday", "2023-12-27"),
    ],
)
def test_letters_a_pattern_matches_case_insensitively_resolve_like_their_ascii_twin(
    text: str, phrase: str, value: str
) -> None:
    """A long s (or a Kelvin sign, a dotless i) matches the patterns as its ASCII letter does; the mention keeps the
    text as written and resolves like the plain spelling (it once raised a KeyError in the word tables)."""
    found = find_dates(text, "2024-01-02")
    assert [(m.text, m.value) for m in found] == [(phrase, value)]
    plain = find_dates(text.replace("ſ", "s"), "2024-01-02")
    assert [(m.start, m.end, m.value) for m in plain] == [(m.start, m.end, m.value) for m in found]
