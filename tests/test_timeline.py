"""Timeline entries: dated by event, cited by exact spans, duplicates folded."""

from __future__ import annotations

from storyline.records import Article, DateMention, Event, Story
from storyline.timeline import TimelineOptions, build_timeline, independent_count

T1 = (
    "Harbour workers walked out on Monday over pay at the Portvale terminal. "
    "The union said the strike would last three days."
)
T2 = "The Portvale terminal strike began on Monday, the union said, after pay talks failed."
T3 = "Pay talks at Portvale resumed in May and ended with a new agreement for harbour workers."


def _setup() -> tuple[Story, list[Event], dict[str, Article], dict[str, list[DateMention]]]:
    arts = {
        "a-1": Article(id="a-1", source="1", text=T1, published="2024-03-05"),
        "a-2": Article(id="a-2", source="2", text=T2, published="2024-03-05"),
        "a-3": Article(id="a-3", source="3", text=T3, published="2024-05-20"),
    }
    start = T1.index("on Monday")
    mentions = {"a-1": [DateMention("a-1", "on Monday", start, start + 9, "2024-03-04", "day")]}
    events = [
        Event("e-1", "s-1", "2024-03-04", "Strike", ("a-1", "a-2")),
        Event("e-2", "s-1", "2024-05-20", "Deal", ("a-3",)),
    ]
    return Story("s-1", "Portvale", ("e-1", "e-2"), ("a-1", "a-2", "a-3")), events, arts, mentions


def test_one_entry_per_dated_event_with_exact_citations() -> None:
    story, events, arts, mentions = _setup()
    entries = build_timeline(story, events, arts, mentions, {})
    assert [e.date for e in entries] == ["2024-03-04", "2024-05-20"]
    for e in entries:
        assert e.citations
        cited = " ".join(arts[c.article].text[c.start : c.end] for c in e.citations)
        assert cited == e.summary
    assert entries[0].sources == 2


def test_duplicates_count_once_and_are_not_cited() -> None:
    story, events, arts, mentions = _setup()
    entries = build_timeline(story, events, arts, mentions, {"a-2": "a-1"})
    assert entries[0].sources == 1
    assert all(c.article != "a-2" for c in entries[0].citations)
    assert independent_count(["a-1", "a-2", "a-3"], {"a-2": "a-1"}) == 2


def test_options_limit_dates_sentences_and_range() -> None:
    story, events, arts, mentions = _setup()
    two = build_timeline(story, events, arts, mentions, {}, TimelineOptions(per_date=2))
    assert len(two[0].citations) == 2
    one = build_timeline(story, events, arts, mentions, {}, TimelineOptions(dates=1))
    assert [e.date for e in one] == ["2024-03-04"]  # the better-supported date
    late = build_timeline(story, events, arts, mentions, {}, TimelineOptions(since="2024-04-01"))
    assert [e.date for e in late] == ["2024-05-20"]
