"""Export everything stored in the ``storyline/1`` schema of CONTRACT.md (JSON), or as Markdown."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import replace
from typing import Any

from storyline.compare import Comparison, compare
from storyline.dedupe import is_wire_copy
from storyline.errors import NotFound
from storyline.records import Article, Entity, Event, Passage, Quote, Story, TimelineEntry
from storyline.render import QuoteIndex, timeline_quotes
from storyline.store import Store
from storyline.text import normalise

SCHEMA = "storyline/1"


def link_speakers(quotes: Sequence[Quote], entities: Sequence[Entity]) -> list[Quote]:
    """Point each quote's speaker at the merged entity whose name or alias it matches."""
    names: dict[str, str] = {}
    for ent in entities:
        for name in (ent.name, *ent.aliases):
            names.setdefault(_key(name), ent.id)
    return [replace(q, speaker_entity=names.get(_key(q.speaker)) if q.speaker else None) for q in quotes]


def _key(name: str) -> str:
    return normalise(name).replace("-", " ")


def article_json(a: Article, duplicate_of: str | None, event: str | None, story: str | None) -> dict[str, Any]:
    return {
        "id": a.id,
        "source": a.source,
        "title": a.title,
        "published": a.published,
        "published_from": a.published_from,
        "outlet": a.outlet,
        "agencies": list(a.agencies),
        "wire_agencies": list(a.wire_agencies),
        "cited_agencies": list(a.cited_agencies),
        "dateline": {"place": a.dateline.place, "text": a.dateline.text} if a.dateline else None,
        "language": a.language,
        "url": a.url,
        "author": a.author,
        "duplicate_of": duplicate_of,
        "event": event,
        "story": story,
        "text": a.text,
    }


def quote_json(q: Quote) -> dict[str, Any]:
    return {"article": q.article, "speaker": q.speaker, "speaker_entity": q.speaker_entity, "via": list(q.via),
            "cue": q.cue, "text": q.text, "direct": q.direct, "start": q.start, "end": q.end}


def timeline_json(
    story: str, entries: Sequence[TimelineEntry], quotes: Mapping[int, Sequence[Quote]] | None = None
) -> dict[str, Any]:
    """One timeline in the CONTRACT shape; ``sources``, ``event`` and ``quotes`` (who said what) are additive keys."""
    return {
        "story": story,
        "entries": [
            {
                "date": e.date,
                "summary": e.summary,
                "sources": e.sources,
                "event": e.event,
                "citations": [c.as_dict() for c in e.citations],
                "quotes": [quote_json(q) for q in (quotes or {}).get(i, ())],
            }
            for i, e in enumerate(entries)
        ],
    }


def export(store: Store, story_id: str | None = None) -> dict[str, Any]:
    """The whole store (or one story and what belongs to it) as a ``storyline/1`` object."""
    stories = store.stories()
    if story_id is not None:
        stories = [s for s in stories if s.id == story_id]
        if not stories:
            raise NotFound(f"no story {story_id!r}; `storyline stories` lists them")
    keep: set[str] | None = {a for s in stories for a in s.articles} if story_id else None
    story_ids = {s.id for s in stories}
    events = [e for e in store.events() if e.story in story_ids]
    event_of = {a: e.id for e in events for a in e.articles}
    story_of = {a: e.story for e in events for a in e.articles}
    dup = {d.article: d.duplicate_of for d in store.duplicates()}
    articles = [a for a in store.articles() if keep is None or a.id in keep]

    def mine(ids: Sequence[str]) -> bool:
        return keep is None or any(i in keep for i in ids)

    entities = store.entities()
    quotes = [q for q in link_speakers(store.quotes(), entities) if mine([q.article])]
    quote_index = QuoteIndex.build(quotes, events)
    said: dict[str, list[dict[str, Any]]] = {}
    for q in quotes:
        if q.speaker_entity:
            said.setdefault(q.speaker_entity, []).append({"article": q.article, "start": q.start, "end": q.end})
    return {
        "schema": SCHEMA,
        "articles": [article_json(a, dup.get(a.id), event_of.get(a.id), story_of.get(a.id)) for a in articles],
        "events": [{"id": e.id, "story": e.story, "date": e.date, "title": e.title, "articles": list(e.articles)} for e in events],
        "stories": [_story_json(s) for s in stories],
        "entities": [
            {"id": e.id, "name": e.name, "type": e.type, "aliases": list(e.aliases),
             "articles": [a for a in e.articles if keep is None or a in keep],
             "quotes": said.get(e.id, [])}  # what this entity said: article and span of each quote
            for e in entities if mine(e.articles)
        ],
        "quotes": [quote_json(q) for q in quotes],
        "dates": [
            {"article": d.article, "text": d.text, "start": d.start, "end": d.end, "value": d.value,
             "granularity": d.granularity}
            for d in store.date_mentions() if mine([d.article])
        ],
        "passages": [
            {"id": p.id, "text": p.text, "articles": list(p.articles),
             "origin": {"article": p.origin_article, "agency": p.origin_agency}}
            for p in store.passages() if mine(p.articles)
        ],
        "timelines": [_timeline(s.id, store.timeline(s.id), quote_index) for s in stories],
        "comparisons": [c.as_dict() for c in event_comparisons(events, {a.id: a for a in articles}, dup, store.passages())],
    }


def _timeline(story: str, entries: Sequence[TimelineEntry], quotes: QuoteIndex) -> dict[str, Any]:
    return timeline_json(story, entries, timeline_quotes(entries, quotes))


def event_comparisons(
    events: Sequence[Event],
    articles: Mapping[str, Article],
    duplicate_of: Mapping[str, str],
    passages: Sequence[Passage] = (),
) -> list[Comparison]:
    """The side-by-side of every event that two or more independent sources report."""
    # each event is given only the wire copy its articles (or their originals) carry
    carried: dict[str, list[Passage]] = {}
    for p in passages:
        if is_wire_copy(p):
            for a in {x for art in p.articles for x in (art, duplicate_of.get(art, art))}:
                carried.setdefault(a, []).append(p)
    out = []
    for ev in events:
        if len({duplicate_of.get(a, a) for a in ev.articles if a in articles}) >= 2:
            mine = {p.id: p for a in ev.articles for x in (a, duplicate_of.get(a, a)) for p in carried.get(x, ())}
            out.append(compare(ev, articles, duplicate_of, passages=list(mine.values())))
    return out


def _story_json(s: Story) -> dict[str, Any]:
    return {"id": s.id, "title": s.title, "events": list(s.events), "articles": list(s.articles)}
