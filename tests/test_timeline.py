"""Timeline entries: dated by event, cited by exact spans, duplicates folded."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest

from storyline.pipeline import PipelineOptions, run
from storyline.records import Article, DateMention, Event, Story
from storyline.store import SQLiteStore
from storyline.timeline import (
    Sentences,
    TimelineOptions,
    background_entries,
    build_timeline,
    day_support,
    independent_count,
    line_kind,
    select_timeline,
    story_timeline,
)

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


def test_dates_chosen_by_independent_references() -> None:
    # three sources: two name March 4 (one of them a copy of the other), one names and is published on May 20
    arts = {
        "a-1": Article(id="a-1", source="1", text=T1, published="2024-03-05"),
        "a-1c": Article(id="a-1c", source="1c", text=T1, published="2024-03-05"),
        "a-3": Article(id="a-3", source="3", text=T3, published="2024-05-20"),
    }
    s1 = T1.index("on Monday")
    mentions = {
        "a-1": [DateMention("a-1", "on Monday", s1, s1 + 9, "2024-03-04", "day")],
        "a-1c": [DateMention("a-1c", "on Monday", s1, s1 + 9, "2024-03-04", "day")],
    }
    support = day_support(arts.values(), mentions, {"a-1c": "a-1"})
    assert support["2024-03-04"].mentioned == {"a-1"}  # the copy is folded into its original
    entries = select_timeline(list(arts.values()), mentions, {"a-1c": "a-1"}, TimelineOptions(dates=1))
    assert len(entries) == 1
    assert all(c.article != "a-1c" for e in entries for c in e.citations)


def _sample(
    tmp_path: Path,
) -> tuple[SQLiteStore, dict[str, Article], dict[str, list[DateMention]], dict[str, str]]:
    """The sample run into a store: the store, its articles, date mentions by article, and duplicate marks."""
    sample = Path(__file__).resolve().parent.parent / "examples" / "sample"
    store = SQLiteStore(tmp_path / "s.db")
    run(store, [str(sample)], PipelineOptions(use_nlp=False))
    articles = {a.id: a for a in store.articles()}
    mentions: dict[str, list[DateMention]] = {}
    for m in store.date_mentions():
        mentions.setdefault(m.article, []).append(m)
    return store, articles, mentions, {d.article: d.duplicate_of for d in store.duplicates()}


def test_every_citation_points_at_a_real_span_on_the_sample(tmp_path: Path) -> None:
    store, articles, mentions, dup = _sample(tmp_path)
    n = 0
    for story in store.stories():
        for opts in (TimelineOptions(), TimelineOptions(dates=3, per_date=2)):
            for e in build_timeline(story, store.events(), articles, mentions, dup, opts):
                assert e.citations and e.sources >= 1
                parts = []
                for c in e.citations:
                    text = articles[c.article].text
                    assert 0 <= c.start < c.end <= len(text)
                    span = text[c.start : c.end]
                    assert span == span.strip() and len(span.split()) >= TimelineOptions().min_words
                    parts.append(span)
                    n += 1
                assert " ".join(parts) == e.summary
    assert n > 10


def test_forecasts_do_not_summarise_the_day_they_name() -> None:
    text = "The minister will visit Portvale on Friday to open the new quay for ferries."
    art = Article(id="a-9", source="9", text=text, published="2024-03-05")
    s = text.index("on Friday")
    mentions = {"a-9": [DateMention("a-9", "on Friday", s, s + 9, "2024-03-08", "day")]}
    entries = select_timeline([art], mentions, {}, TimelineOptions(dates=5, min_sources=1))
    assert "2024-03-08" not in {e.date for e in entries}


def test_chronology_keeps_a_long_lead_that_names_the_day() -> None:
    lead = (
        "Harbour pilots at Portvale ended a strike on Monday that had held up forty container ships in the outer "
        "roads for three days, after the port authority agreed to hire twelve more pilots and to review the night "
        "shift rota that the union had called unsafe."
    )
    short = "Pilots returned to work at Portvale after the port authority agreed to hire more pilots."
    text = lead + " " + short
    art = Article(id="a-9", source="9", text=text, published="2024-03-05")
    at = text.index("on Monday")
    mentions = {"a-9": [DateMention("a-9", "on Monday", at, at + 9, "2024-03-04", "day")]}
    story = Story("s-9", "Pilots", ("e-9",), ("a-9",))
    events = [Event("e-9", "s-9", "2024-03-04", "Pilots", ("a-9",))]
    (entry,) = build_timeline(story, events, {"a-9": art}, mentions, {})
    assert entry.summary == lead  # 45 words: too long for the ranked (--dates) mode, right for a chronology
    strict = TimelineOptions(chronology_max_words=35, chronology_names_day_bonus=0.1)
    (entry,) = build_timeline(story, events, {"a-9": art}, mentions, {}, strict)
    assert entry.summary == short


def test_page_header_glued_to_the_lead_is_not_cited() -> None:
    # a scraped page: headline, time stamp, then the story, all on one line (invented text)
    text = (
        "Portvale strike ends Tuesday 5 March 2024 18.45 GMT Harbour pilots at Portvale returned to work "
        "after the port authority agreed to hire twelve more pilots. The union welcomed the deal."
    )
    art = Article(id="a-7", source="7", text=text, published="2024-03-05")
    (entry,) = select_timeline([art], {}, {}, TimelineOptions(dates=1, min_sources=1))
    assert entry.summary.startswith("Harbour pilots at Portvale returned")
    assert text[entry.citations[0].start : entry.citations[0].end] == entry.summary
    (raw,) = select_timeline([art], {}, {}, TimelineOptions(dates=1, min_sources=1, strip_header=False))
    assert raw.summary.startswith("Portvale strike ends")


def test_a_next_day_lead_speaks_for_the_day() -> None:
    # the strike day has only a headline; the report of it is the lead of the next morning's article
    head = Article(id="a-1", source="1", text="Portvale strike.", published="2024-03-04")
    report = "Harbour pilots at Portvale walked out over the night shift rota, halting forty container ships."
    nxt = Article(id="a-2", source="2", text=report, published="2024-03-05")
    (entry,) = select_timeline([head, nxt], {}, {}, TimelineOptions(dates=1, min_sources=1))
    assert (entry.date, entry.citations[0].article) == ("2024-03-04", "a-2")
    (entry,) = select_timeline([head, nxt], {}, {}, TimelineOptions(dates=1, min_sources=1, pub_days=1))
    assert entry.date == "2024-03-05"  # same-day leads only: the headline day has nothing to say


def test_a_day_still_named_a_month_later_ranks_higher() -> None:
    recall = "Pilots at Portvale have not struck since the walkout on March 4, the union said in its report."
    week = "Ferry crews at Portvale met the port authority on March 20 to discuss the new rota for pilots."
    arts = [
        Article(id="a-1", source="1", text=week, published="2024-03-21"),
        Article(id="a-2", source="2", text=week, published="2024-03-22"),
        Article(id="a-3", source="3", text=recall, published="2024-05-02"),
    ]
    r, w = recall.index("March 4"), week.index("March 20")
    mentions = {
        "a-1": [DateMention("a-1", "March 20", w, w + 8, "2024-03-20", "day")],
        "a-2": [DateMention("a-2", "March 20", w, w + 8, "2024-03-20", "day")],
        "a-3": [DateMention("a-3", "March 4", r, r + 7, "2024-03-04", "day")],
    }
    # two sources name March 20 within days, one names March 4 two months later
    opts = TimelineOptions(dates=1, published_weight=0, later_weight=0)
    (entry,) = select_timeline(arts, mentions, {}, opts)
    assert entry.date == "2024-03-04"
    (entry,) = select_timeline(
        arts, mentions, {}, TimelineOptions(dates=1, published_weight=0, later_weight=0, recalled_weight=0)
    )
    assert entry.date == "2024-03-20"


def test_a_chronology_line_does_not_open_on_a_reference_back() -> None:
    # both sentences name the day; the first opens on "The walkout came after ...", which leans on a sentence the
    # line does not show, and is the more central one (it repeats the story's words)
    back = "The walkout came after harbour pilots at Portvale rejected a pay offer from the port authority on Monday."
    alone = "Harbour pilots at Portvale went on strike on Monday over pay and the night shift rota."
    text = back + " " + alone
    art = Article(id="a-8", source="8", text=text, published="2024-03-05")
    mentions = {
        "a-8": [
            DateMention("a-8", "on Monday", (at := text.index("on Monday")), at + 9, "2024-03-04", "day"),
            DateMention("a-8", "on Monday", (at2 := text.rindex("on Monday")), at2 + 9, "2024-03-04", "day"),
        ]
    }
    story = Story("s-8", "Pilots", ("e-8",), ("a-8",))
    events = [Event("e-8", "s-8", "2024-03-04", "Pilots", ("a-8",))]
    plain = TimelineOptions(chronology_dependent_weight=0.0)
    (entry,) = build_timeline(story, events, {"a-8": art}, mentions, {}, plain)
    assert entry.summary == back  # without the rule the reference back wins
    (entry,) = build_timeline(story, events, {"a-8": art}, mentions, {})
    assert entry.summary == alone


def test_a_chronology_line_states_the_happening_not_the_reaction() -> None:
    # issue 17, item 6: both sentences name the day and share the story's words; the reaction ("condemned") is the
    # more central one, the chronology states what happened
    reaction = (
        "The harbour union condemned the closure of the Portvale ferry terminal on Monday and the loss of "
        "forty jobs at the ferry terminal."
    )
    happening = "The port authority closed the Portvale ferry terminal on Monday, cutting forty jobs."
    text = reaction + " " + happening
    art = Article(id="a-9", source="9", text=text, published="2024-03-05")
    mentions = {
        "a-9": [
            DateMention("a-9", "on Monday", (at := text.index("on Monday")), at + 9, "2024-03-04", "day"),
            DateMention("a-9", "on Monday", (at2 := text.rindex("on Monday")), at2 + 9, "2024-03-04", "day"),
        ]
    }
    story = Story("s-9", "Terminal", ("e-9",), ("a-9",))
    events = [Event("e-9", "s-9", "2024-03-04", "Terminal", ("a-9",))]
    plain = TimelineOptions(chronology_reaction_weight=0.0)
    (entry,) = build_timeline(story, events, {"a-9": art}, mentions, {}, plain)
    assert entry.summary == reaction  # without the penalty the reaction wins
    (entry,) = build_timeline(story, events, {"a-9": art}, mentions, {})
    assert entry.summary == happening
    # the ranked (ROUGE-scored) mode keeps no penalty
    assert TimelineOptions().reaction_weight == 0.0


def test_a_chronology_line_that_came_after_is_cut_to_the_happening() -> None:
    # "The remarks came after NAME ...": what follows states the happening and stands alone; the line and its
    # citation start there (only in a chronology: the ranked mode keeps sentences whole)
    text = (
        "The remarks came after Portvale's harbour pilots rejected a pay offer from the port authority on Monday. "
        "Talks are due to resume next month."
    )
    art = Article(id="a-7", source="7", text=text, published="2024-03-05")
    at = text.index("on Monday")
    mentions = {"a-7": [DateMention("a-7", "on Monday", at, at + 9, "2024-03-04", "day")]}
    story = Story("s-7", "Pilots", ("e-7",), ("a-7",))
    events = [Event("e-7", "s-7", "2024-03-04", "Pilots", ("a-7",))]
    (entry,) = build_timeline(story, events, {"a-7": art}, mentions, {})
    assert entry.summary == "Portvale's harbour pilots rejected a pay offer from the port authority on Monday."
    (cite,) = entry.citations
    assert text[cite.start : cite.end] == entry.summary


def test_line_kind_tells_happening_from_reaction_and_colour() -> None:
    assert line_kind("Rebels seized the airport at Tessby on Saturday.") == "happening"
    assert line_kind("Police said they arrested three men after the fire.") == "happening"
    assert line_kind("Two miners were killed when a tunnel roof collapsed.") == "happening"
    assert line_kind("The attack was condemned by the UN.") == "reaction"  # "attack" after "The" is a noun
    assert line_kind("Neighbouring governments welcomed the ceasefire.") == "reaction"
    assert line_kind("Foreign Minister Ada Lund expressed deep concern over the shelling.") == "reaction"
    assert line_kind("Church leaders called for calm after the riots.") == "reaction"
    assert line_kind("The streets of the old town were quiet on Sunday.") == "colour"
    assert line_kind("The premier is in Brenholt at the invitation of the governor.") == "colour"
    assert line_kind("Inflation stood at 7.2 percent in March.") == "other"


def _recalling_story() -> tuple[Story, list[Event], dict[str, Article], dict[str, list[DateMention]]]:
    t1 = (
        "Harbour pilots at Portvale went on strike on Monday over pay and the night shift rota. "
        "The pilots first walked out over the rota in June 2021, when the port authority promised a review."
    )
    t2 = (
        "Portvale's harbour pilots stayed out on Tuesday, the union said. "
        "Pilots had struck over the same rota in June 2021, and the review the authority promised never came."
    )
    arts = {
        "a-1": Article(id="a-1", source="1", text=t1, published="2024-03-05"),
        "a-2": Article(id="a-2", source="2", text=t2, published="2024-03-06"),
    }
    mentions = {
        a: [
            DateMention(a, "June 2021", (at := arts[a].text.index("June 2021")), at + 9, "2021-06", "month"),
        ]
        for a in arts
    }
    day = arts["a-1"].text.index("on Monday")
    mentions["a-1"].append(DateMention("a-1", "on Monday", day, day + 9, "2024-03-04", "day"))
    events = [Event("e-1", "s-1", "2024-03-04", "Strike", ("a-1", "a-2"))]
    return Story("s-1", "Pilots", ("e-1",), ("a-1", "a-2")), events, arts, mentions


def test_a_recalled_happening_is_a_background_entry_at_its_own_granularity() -> None:
    story, events, arts, mentions = _recalling_story()
    entries = story_timeline(story, events, arts, mentions, {}, {})
    background = [e for e in entries if e.background]
    assert [e.date for e in background] == ["2021-06"]
    assert background[0].sources == 2  # both articles recall it: one entry, merged
    (cite,) = background[0].citations
    assert "June 2021" in arts[cite.article].text[cite.start : cite.end] == background[0].summary
    assert [e.date for e in entries] == sorted(e.date for e in entries)  # oldest first, the recall first
    assert not any(e.background for e in entries if e.date == "2024-03-04")


def test_background_entries_stay_out_of_the_ranked_mode_and_copies_count_once() -> None:
    story, events, arts, mentions = _recalling_story()
    ranked = story_timeline(story, events, arts, mentions, {}, {}, TimelineOptions(dates=5))
    assert not any(e.background for e in ranked)
    off = story_timeline(story, events, arts, mentions, {}, {}, TimelineOptions(background=0))
    assert not any(e.background for e in off)
    folded = story_timeline(story, events, arts, mentions, {"a-2": "a-1"}, {"a-2": "a-1"})
    (entry,) = [e for e in folded if e.background]
    assert entry.sources == 1 and entry.citations[0].article == "a-1"  # the copy is never cited


def test_a_background_entry_prints_its_own_granularity_and_its_mark() -> None:
    from storyline.render import background_mark, wire_date

    assert wire_date("2021-06") == "June 2021" and wire_date("2021") == "2021"
    assert wire_date("2023-09-13") == "Sept. 13, 2023"
    story, events, arts, mentions = _recalling_story()
    (entry,) = [e for e in story_timeline(story, events, arts, mentions, {}, {}) if e.background]
    assert background_mark(entry) == "(background) "


@pytest.mark.parametrize(
    ("recall", "kept"),
    [
        ("The port closed for a week after the 1998 flood, when World War I veterans led the relief.", True),
        ("I worked at the port from 1998, and my crew still talks of it.", False),
        ("The port made a profit of $14 million in 1998, its best year.", False),
        ("Cargo volumes rose 40 percent in 1998.", False),
    ],
)
def test_a_background_entry_is_a_happening_not_a_comment_or_a_figure(recall: str, kept: bool) -> None:
    text = "Harbour pilots at Portvale went on strike on Monday over pay. " + recall
    arts = {"a-1": Article(id="a-1", source="1", text=text, published="2024-03-05")}
    at = text.index("1998")
    mentions = {"a-1": [DateMention("a-1", "1998", at, at + 4, "1998", "year")]}
    events = [Event("e-1", "s-1", "2024-03-04", "Strike", ("a-1",))]
    story = Story("s-1", "Pilots", ("e-1",), ("a-1",))
    background = [e.date for e in background_entries("s-1", list(arts.values()), mentions, {}, {}, 3)]
    assert background == (["1998"] if kept else [])
    assert story_timeline(story, events, arts, mentions, {}, {})  # the story's own day stays either way


def test_sentences_kept_from_a_build_give_the_same_timelines_without_splitting_or_checking_again(
    tmp_path: Path,
) -> None:
    """``Sentences`` rows a build leaves (the store keeps them) make a later build of any story that holds those
    articles decode them instead of splitting and checking: same entries, nothing new to keep."""
    store, articles, mentions, dup = _sample(tmp_path)
    events = store.events()
    kept_rows = {}
    for opts in (TimelineOptions(), TimelineOptions(dates=3, per_date=2), TimelineOptions(max_words=12)):
        first = Sentences()
        fresh = {s.id: story_timeline(s, events, articles, mentions, dup, dup, opts, first) for s in store.stories()}
        rows = kept_rows[repr(opts)] = first.rows()
        assert rows and set(rows) <= set(articles)
        kept = Sentences(rows)
        again = {s.id: story_timeline(s, events, articles, mentions, dup, dup, opts, kept) for s in store.stories()}
        assert again == fresh and any(fresh.values())
        assert kept.changed == set(), "a kept article was split or checked again"
    # and each story alone, given only the rows its options left: the same as the story built from nothing
    story = max(store.stories(), key=lambda s: len(s.articles))
    rows = kept_rows[repr(TimelineOptions())]
    alone = story_timeline(story, events, articles, mentions, dup, dup, TimelineOptions(), Sentences(rows))
    assert alone == story_timeline(story, events, articles, mentions, dup, dup, TimelineOptions())


def test_a_damaged_sentences_row_is_split_again_and_replaced(tmp_path: Path) -> None:
    store, articles, mentions, dup = _sample(tmp_path)
    story = max(store.stories(), key=lambda s: len(s.articles))
    events = store.events()
    first = Sentences()
    want = story_timeline(story, events, articles, mentions, dup, dup, TimelineOptions(), first)
    rows = first.rows()
    damaged = dict.fromkeys(rows, b"not msgpack at all")
    damaged[next(iter(rows))] = b"\x92\xc4\x03abc\x80"  # msgpack, but offsets of a length no int32 array has
    again = Sentences(damaged)
    assert story_timeline(story, events, articles, mentions, dup, dup, TimelineOptions(), again) == want
    assert again.rows() == rows  # every damaged row replaced by the one a clean build keeps


_FLOOD = "Flood waters closed the river road by the Millbrook schools."
_BUDGET = "Council members approved the budget plan for Millbrook schools."
_COUNCIL = [
    "Council members debated the budget plan for Millbrook schools again.",
    "The Millbrook council budget plan for schools drew members to a debate.",
    "Millbrook schools wait on the council budget plan, members said.",
]


def _council_days(published: str) -> tuple[list[Article], list[Article]]:
    """Two sources on 2024-03-04 (a flood, a budget vote: equal but for the topic) and three on ``published``
    about the budget."""
    day = [
        Article(id="a-1", source="1", text=_FLOOD, published="2024-03-04", outlet="x"),
        Article(id="a-2", source="2", text=_BUDGET, published="2024-03-04", outlet="y"),
    ]
    later = [
        Article(id=f"b-{i}", source=f"b{i}", text=t, published=published, outlet=f"o{i}")
        for i, t in enumerate(_COUNCIL)
    ]
    return day, later


def test_a_chronology_day_is_weighed_against_its_window_only() -> None:
    """With ``context_days`` a day's entry depends on the days within that many days of it and nothing else: the
    budget articles of June leave March's entry as it was, where the whole timeline's topic changes it."""
    day, later = _council_days("2024-06-10")
    local = TimelineOptions(context_days=3, redundancy=1.0)
    whole = replace(local, context_days=None)
    alone = select_timeline(day, {}, {}, local)
    assert [e.summary for e in alone] == [_FLOOD]
    with_june = select_timeline(day + later, {}, {}, local)
    assert [e for e in with_june if e.date == "2024-03-04"] == alone
    assert [e.summary for e in select_timeline(day, {}, {}, whole)] == [_FLOOD]
    assert [e.summary for e in select_timeline(day + later, {}, {}, whole) if e.date == "2024-03-04"] == [_BUDGET]


def test_a_chronology_day_weighs_the_days_inside_its_window() -> None:
    """The same budget articles two days after the vote are in March 4's window: its topic leans to the budget."""
    day, later = _council_days("2024-03-06")
    local = TimelineOptions(context_days=3, redundancy=1.0)
    got = select_timeline(day + later, {}, {}, local)
    assert [e.summary for e in got if e.date == "2024-03-04"] == [_BUDGET]
    outside = select_timeline(day + later, {}, {}, replace(local, context_days=1))
    assert [e.summary for e in outside if e.date == "2024-03-04"] == [_FLOOD]
