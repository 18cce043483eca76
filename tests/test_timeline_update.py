"""A story's chronology updated day by day (``timeline_update``) equals one built from scratch, and reads only the
articles of the days and recalled periods whose inputs changed. The pipeline's stored chronologies are checked
against rebuilds on both stores in ``tests/test_derived_incremental.py``."""

from __future__ import annotations

from dataclasses import replace

from storyline import timeline_update
from storyline.records import Article, DateMention, Event, Story, TimelineEntry
from storyline.timeline import Recall, TimelineOptions, day_support, story_timeline

MARCH = [
    "Flood waters closed the river road by the Millbrook schools on Monday.",
    "The Millbrook schools stayed shut on Monday as flood waters rose over the river road.",
    "The river last flooded the Millbrook schools in 2019, when the road was shut for a week.",
]
JUNE = [
    "Council members approved the budget plan for Millbrook schools after a long debate.",
    "The Millbrook council passed its schools budget plan, members said after the vote.",
    "Millbrook schools will get new roofs under the budget plan the council approved.",
]
LATE = "The Millbrook budget plan drew protests outside the council hall a day after the vote."
MARKS = {"on Monday": ("2024-03-04", "day"), "in 2019": ("2019", "year"), "in 2016": ("2016", "year")}


def _articles(late: str = LATE) -> dict[str, Article]:
    arts = {f"m-{i}": Article(id=f"m-{i}", source=f"m{i}", text=t, published="2024-03-04") for i, t in enumerate(MARCH)}
    arts.update(
        {f"j-{i}": Article(id=f"j-{i}", source=f"j{i}", text=t, published="2024-06-10") for i, t in enumerate(JUNE)}
    )
    arts["late"] = Article(id="late", source="late", text=late, published="2024-06-11")
    return arts


def _mentions(arts: dict[str, Article]) -> dict[str, list[DateMention]]:
    out: dict[str, list[DateMention]] = {}
    for a in arts.values():
        for phrase, (value, granularity) in MARKS.items():
            at = a.text.find(phrase)
            if at >= 0:
                out.setdefault(a.id, []).append(DateMention(a.id, phrase, at, at + len(phrase), value, granularity))
    return out


def _story(ids: list[str]) -> tuple[Story, list[Event]]:
    march = tuple(a for a in ids if a.startswith("m-"))
    june = tuple(a for a in ids if not a.startswith("m-"))
    events = [Event("e-1", "s-1", "2024-03-04", "Flood", march), Event("e-2", "s-1", "2024-06-10", "Budget", june)]
    return Story("s-1", "Millbrook", ("e-1", "e-2"), tuple(ids)), events


def _update(
    ids: list[str],
    arts: dict[str, Article],
    state: dict[str, object],
    kept: list[TimelineEntry],
    options: TimelineOptions,
) -> tuple[timeline_update.Plan, list[TimelineEntry], dict[str, object]]:
    """Plan on the articles' dates alone, build from the articles it reads (the others without text): the plan, the
    entries and the state to store."""
    story, events = _story(ids)
    mentions = _mentions(arts)
    dates = {a: replace(arts[a], text="") for a in ids}  # the plan reads no text
    plan = timeline_update.plan(story, events, dates, mentions, {}, {}, options, state, kept)
    given = {a: (arts[a] if a in plan.update.read else dates[a]) for a in ids}
    recalls: dict[str, Recall] = {}
    entries = story_timeline(story, events, given, mentions, {}, {}, options, update=plan.update, recalled=recalls)
    assert entries == story_timeline(story, events, {a: arts[a] for a in ids}, mentions, {}, {}, options)
    return plan, entries, plan.state(recalls)


def test_an_update_picks_only_the_changed_days_and_equals_a_build_from_scratch() -> None:
    options = TimelineOptions()
    arts = _articles()
    before = [a for a in arts if a != "late"]
    first, built, state = _update(before, arts, {}, [], options)
    assert first.update.days == {"2024-03-04", "2024-06-10"}  # nothing stored: every day
    assert first.update.recount == {"2019"}
    assert [(e.date, e.background) for e in built] == [("2019", True), ("2024-03-04", False), ("2024-06-10", False)]

    after = [*before, "late"]
    plan, updated, state = _update(after, arts, state, built, options)
    assert plan.update.days == {"2024-06-10"}  # March is more than context_days away from the new article
    assert "2024-03-04" in plan.update.kept and plan.update.recalls == {"2019": _recall(built, "2019")}
    assert not plan.update.recount
    assert not any(a.startswith("m-") for a in plan.update.read)  # March's articles are not read again

    again, _, _ = _update(after, arts, state, updated, options)
    assert not again.update.days and not again.update.recount and not again.update.read  # nothing changed


def test_a_new_recall_finds_its_period_alone() -> None:
    options = TimelineOptions()
    arts = _articles(LATE + " Protesters recalled a similar vote in 2016 that the council later overturned.")
    before = [a for a in arts if a != "late"]
    _, built, state = _update(before, arts, {}, [], options)
    plan, updated, state = _update([*before, "late"], arts, state, built, options)
    assert plan.update.recount == {"2016"} and set(plan.update.recalls) == {"2019"}
    assert plan.update.read == {"late", "j-0", "j-1", "j-2"}  # June's window and the recalling article
    recalls = state["recalls"]
    assert isinstance(recalls, dict) and recalls["2016"][1:3] == [1, "late"]  # one source, cited to the new article
    # two own entries show one background entry: 2019 and 2016 have a source each, and the later comes first
    assert [e.date for e in updated if e.background] == ["2019"]


def test_state_stored_under_other_options_rebuilds_every_day() -> None:
    arts = _articles()
    ids = list(arts)
    _, built, state = _update(ids, arts, {}, [], TimelineOptions())
    other = replace(TimelineOptions(), chronology_max_words=30)
    plan, _, _ = _update(ids, arts, state, built, other)
    assert plan.update.days == {"2024-03-04", "2024-06-10"} and plan.update.recount == {"2019"}


def _recall(entries: list[TimelineEntry], period: str) -> Recall:
    e = next(e for e in entries if e.background and e.date == period)
    return Recall(e.sources, e.citations[0], e.summary)


def test_a_damaged_stored_state_builds_the_chronology_again() -> None:
    """A state that is not what ``Plan.state`` writes (edited by hand, cut short) is not trusted: every day and
    period is done again, and the chronology equals a rebuild."""
    arts = _articles()
    ids = list(arts)
    _, built, state = _update(ids, arts, {}, [], TimelineOptions())
    days = state["days"]
    assert isinstance(days, dict)
    for damaged in (
        {"days": 5, "recalls": "none"},
        {"days": dict.fromkeys(days, 7), "recalls": {"2019": "x"}},
        {"days": {}, "recalls": {"2019": [state["recalls"]["2019"][0], "two", None]}},  # type: ignore[index]
    ):
        plan, rebuilt, _ = _update(ids, arts, damaged, built, TimelineOptions())
        assert plan.update.recount == {"2019"}
        assert plan.update.days == set(days)
        assert rebuilt == built


def test_the_plan_hands_the_build_the_day_support_a_build_counts() -> None:
    """The build takes the day support from the plan instead of counting it again over every article: it must be
    what counting gives, in the chronology's range."""
    options = TimelineOptions(since="2024-03-05")
    arts = _articles()
    ids = list(arts)
    story, events = _story(ids)
    mentions = _mentions(arts)
    plan = timeline_update.plan(story, events, arts, mentions, {"m-1": "m-0"}, {}, options, {}, [])
    counted = day_support(list(arts.values()), mentions, {"m-1": "m-0"})
    assert plan.update.support == {d: s for d, s in counted.items() if d >= "2024-03-05"}
    assert set(plan.update.support) == {"2024-06-10", "2024-06-11"}  # March is outside the range


def test_a_day_named_thirty_days_or_more_before_publication_is_recalled() -> None:
    day = "2024-03-04"
    arts = [
        Article(id="at", source="a", text="x", published="2024-04-03"),  # 30 days after
        Article(id="short", source="b", text="x", published="2024-04-02T23:00:00Z"),  # 29 days after
        Article(id="undated", source="c", text="x"),
    ]
    mentions = {a.id: [DateMention(a.id, "on March 4", 0, 1, day, "day")] for a in arts}
    support = day_support(arts, mentions, {})[day]
    assert support.mentioned == {"at", "short", "undated"}
    assert support.later == {"at", "short"} and support.recalled == {"at"}


def test_a_day_key_is_the_digest_earlier_code_stored() -> None:
    """A day's key is written from each giver's marks written once; it must be the digest of the whole, as earlier
    code computed it, or every stored chronology would be picked again whole at its next update."""
    marks = [("m-0", ("2024-03-04", "2024-03-04", [(12, "2024-03-04", "day")])), ("j-1", ("2024-06-10", None, []))]
    for ids in (marks, marks[:1], []):
        for supported in (True, False):
            key = timeline_update._day_key("timeline-day/4/x", "2024-03-04", supported, [repr(m) for m in ids])
            assert key == timeline_update._digest("timeline-day/4/x", "2024-03-04", supported, list(ids))


def test_a_publication_date_that_is_no_day_counts_a_mention_before_it_as_later_but_never_recalled() -> None:
    arts = [Article(id="y", source="a", text="x", published="2024")]
    mentions = {"y": [DateMention("y", "on March 4", 0, 1, "2023-03-04", "day")]}
    support = day_support(arts, mentions, {})["2023-03-04"]
    assert support.later == {"y"} and not support.recalled
