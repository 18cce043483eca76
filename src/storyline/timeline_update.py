"""Updating a story's stored chronology day by day, instead of building it again whole (issue 15).

A chronology (``timeline.story_timeline`` without ``dates``) weighs each day's sentences against the days within
``context_days`` of it (``timeline._day_context``), so a day's entry is a function of what those days' candidates
are made of: the original articles that can give them a sentence (published on the day or ``pub_days`` - 1 days
after it, naming it, or in the event dated that day) with their dates and date mentions. Articles never change once
stored (ids are content hashes), so their ids, dates and marks stand for them.

``plan`` reads none of the texts. It keys each shown day by those inputs, keys each recalled period (what a
background entry is chosen from) by the articles recalling it and who is one source among them, and compares the
keys with the ones stored with the chronology: only the days and periods whose key changed are done again, and
only the articles they need are read. What it keeps is exactly what a build from scratch would give (``tests/test_timeline_update.py``; the
pipeline's incremental timelines equal a rebuild, ``tests/test_derived_incremental.py``).
"""

from __future__ import annotations

import hashlib
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from storyline.records import Article, Citation, DateMention, Event, Story, TimelineEntry
from storyline.timeline import (
    ISO_DAY,
    TIMELINE_VERSION,
    DayUpdate,
    Recall,
    TimelineOptions,
    chronology_days,
    chronology_options,
    day_support,
    in_range,
    mention_day,
    rank_days,
    recall_before,
    recall_marks,
    story_inputs,
)


@dataclass(frozen=True, slots=True)
class Plan:
    """What updating one story's chronology needs: the key of each shown day and of each recalled period, and what
    to redo (``update``)."""

    days: dict[str, str]
    periods: dict[str, str]
    update: DayUpdate

    def state(self, recalls: Mapping[str, Recall]) -> dict[str, Any]:
        """What to store with the chronology built (``recalls``: what each period came to), for the next ``plan``."""
        return {"days": self.days, "recalls": {p: _row(k, recalls.get(p, Recall(0))) for p, k in self.periods.items()}}


def _row(key: str, r: Recall) -> list[Any]:
    if r.cite is None:
        return [key, r.sources]
    return [key, r.sources, r.cite.article, r.cite.start, r.cite.end, r.summary]


def applies(options: TimelineOptions) -> bool:
    """Whether stored chronologies are updated day by day under ``options`` (each day has a window)."""
    return options.dates is None and options.chronology_context_days is not None


def plan(
    story: Story,
    events: Sequence[Event],
    articles: Mapping[str, Article],
    mentions: Mapping[str, Sequence[DateMention]],
    duplicate_of: Mapping[str, str],
    source_of: Mapping[str, str],
    options: TimelineOptions,
    stored: Mapping[str, Any],
    kept: Sequence[TimelineEntry],
) -> Plan:
    """What to pick again in ``story``'s chronology, given the state ``stored`` with its entries ``kept``
    (``Plan.state``; empty: build every day).

    ``articles`` need only their ids and dates (texts are not read here). Every key covers the code and options,
    so a chronology stored by other code or options is built again whole."""
    opts = chronology_options(options)
    arts, event_of_day, day_articles = story_inputs(story, events, articles)
    by_id = {a.id: a for a in arts}
    support = {d: s for d, s in day_support(arts, mentions, duplicate_of).items() if in_range(d, opts)}
    required = {d for d in event_of_day if in_range(d, opts)}
    wanted = chronology_days(rank_days(support, opts), support, required, opts)
    event_day = {a: d for d, ids in day_articles.items() for a in ids}
    givers = _givers([a for a in arts if duplicate_of.get(a.id) not in by_id], mentions, event_day, opts.pub_days)
    head = f"timeline-day/{TIMELINE_VERSION}/{opts!r}"
    # each giver's marks written once (an article gives several days)
    marks = {
        a: repr((a, _marks(a, articles, mentions, event_day)))
        for a in dict.fromkeys(a for g in givers.values() for a in g)
    }
    day_keys = {e: _day_key(head, e, e in support, [marks[a] for a in ids]) for e, ids in givers.items()}
    span = opts.context_days or 0
    keys = {
        d: _digest(head, d, d in required, [day_keys[e] for e in _window(d, span) if e in day_keys]) for d in wanted
    }
    old_days = _mapping(stored.get("days"))  # a state not as ``Plan.state`` writes it is not trusted
    days = frozenset(d for d in wanted if old_days.get(d) != keys[d])
    read = {a for d in days for e in _window(d, span) for a in givers.get(e, ())}
    main = {e.date: e for e in kept if not e.background}
    periods: dict[str, str] = {}
    kept_recalls: dict[str, Recall] = {}
    recount: set[str] = set()
    if options.background > 0:
        periods, recalling = _periods(story, articles, mentions, duplicate_of, source_of, options)
        old = _mapping(stored.get("recalls"))
        for period, key in periods.items():
            found = _recall(old.get(period), key)
            if found is not None:
                kept_recalls[period] = found
            else:
                recount.add(period)
                read.update(recalling[period])
    update = DayUpdate(
        days,
        {d: main[d] for d in wanted if d not in days and d in main},
        frozenset(read),
        kept_recalls,
        frozenset(recount),
        support,
    )
    return Plan(keys, periods, update)


def _recall(row: Any, key: str) -> Recall | None:
    """A stored period (``_row``) as a ``Recall``, if it was stored under ``key`` and reads as ``_row`` wrote it."""
    if not isinstance(row, list) or len(row) not in (2, 6) or row[0] != key:
        return None
    try:
        if len(row) == 2:
            return Recall(int(row[1]))
        return Recall(int(row[1]), Citation(str(row[2]), int(row[3]), int(row[4])), str(row[5]))
    except (TypeError, ValueError):
        return None


def _mapping(value: Any) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def _givers(
    originals: Iterable[Article],
    mentions: Mapping[str, Sequence[DateMention]],
    event_day: Mapping[str, str],
    pub_days: int,
) -> dict[str, list[str]]:
    """Day -> the original articles that can give it a candidate sentence, in the order given: published on it or
    up to ``pub_days`` - 1 days after it, naming it, or in the event dated on it (a superset is safe: a key only
    changes more often)."""
    out: dict[str, list[str]] = defaultdict(list)
    for art in originals:
        days: set[str] = set()
        pub = art.published[:10] if art.published else None
        if pub and ISO_DAY.match(pub):
            first = date.fromisoformat(pub)
            days.update((first - timedelta(days=i)).isoformat() for i in range(max(1, pub_days)))
        days.update(d for m in mentions.get(art.id, ()) if (d := mention_day(m)))
        if art.id in event_day:
            days.add(event_day[art.id])
        for d in days:
            out[d].append(art.id)
    return out


def _marks(
    art: str,
    articles: Mapping[str, Article],
    mentions: Mapping[str, Sequence[DateMention]],
    event_day: Mapping[str, str],
) -> tuple[object, ...]:
    """What an article's candidate sentences are made from, besides its text: its date, its event's date and where
    it names which day."""
    marks = sorted((m.start, m.value or "", m.granularity or "") for m in mentions.get(art, ()))
    return (articles[art].published, event_day.get(art), marks)


def _periods(
    story: Story,
    articles: Mapping[str, Article],
    mentions: Mapping[str, Sequence[DateMention]],
    duplicate_of: Mapping[str, str],
    source_of: Mapping[str, str],
    options: TimelineOptions,
) -> tuple[dict[str, str], dict[str, list[str]]]:
    """Each period the story's articles recall (``timeline.recalls``) keyed by what it is found from (the story's
    first day, and each recalling article with its date, its source and where it names the period), and the
    articles recalling it."""
    arts = [articles[a] for a in story.articles if a in articles]
    before = recall_before(arts)
    if before is None:
        return {}, {}
    found: dict[str, list[tuple[str, str, str | None, int]]] = defaultdict(list)
    # a period's sources are counted by who is one source among the recalling articles, not by the name of each
    # one's root: the corpus-wide union renames a group when a link anywhere in it changes
    first: dict[str, str] = {}
    for a in arts:
        if a.id in duplicate_of:
            continue
        for m in recall_marks(mentions.get(a.id, ()), before, options):
            assert m.value is not None
            source = first.setdefault(source_of.get(a.id, a.id), a.id)
            found[m.value].append((a.id, source, a.published, m.start))
    head = f"timeline-recall/{TIMELINE_VERSION}/{options!r}"
    keys = {p: _digest(head, before, p, rows) for p, rows in found.items()}
    return keys, {p: list(dict.fromkeys(r[0] for r in rows)) for p, rows in found.items()}


def _window(day: str, span: int) -> list[str]:
    """The days within ``span`` days of ``day`` (``day`` alone when it is not a day, as ``timeline._day_context``)."""
    if not ISO_DAY.match(day):
        return [day]
    d = date.fromisoformat(day)
    return [(d + timedelta(days=i)).isoformat() for i in range(-span, span + 1)]


def _day_key(head: str, day: str, supported: bool, marks: Sequence[str]) -> str:
    """``_digest(head, day, supported, [(article, marks), ...])`` from each ``repr((article, marks))`` written once:
    the same text ``repr`` writes, so the keys stored by earlier code stay valid."""
    text = f"({head!r}, {day!r}, {supported!r}, [{', '.join(marks)}])"
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:24]


def _digest(*parts: object) -> str:
    return hashlib.sha256(repr(parts).encode("utf-8")).hexdigest()[:24]
