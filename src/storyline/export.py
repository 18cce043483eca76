"""The ``storyline/1`` schema of CONTRACT.md: pure serializers from records to JSON-ready dicts (no store, no analysis)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from storyline.records import Article, DateMention, Entity, Event, Passage, Quote, Story, TimelineEntry

if TYPE_CHECKING:
    from storyline.compare import Comparison

SCHEMA = "storyline/1"


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


def outlet_of(a: Article) -> str:
    """The outlet an article is named by: its own (feed, page or record metadata), else the wire agency its dateline
    credits ("SEOUL, Sept. 4 (Yonhap) -"); "" when neither names one (never the file it came from)."""
    return a.outlet or (a.wire_agencies[0] if a.wire_agencies else "")


def quote_json(q: Quote) -> dict[str, Any]:
    return {
        "article": q.article,
        "speaker": q.speaker,
        "speaker_entity": q.speaker_entity,
        "via": list(q.via),
        "cue": q.cue,
        "text": q.text,
        "direct": q.direct,
        "start": q.start,
        "end": q.end,
    }


def timeline_json(
    story: str,
    entries: Sequence[TimelineEntry],
    quotes: Mapping[int, Sequence[Quote]] | None = None,
    outlets: Mapping[str, str] | None = None,
) -> dict[str, Any]:
    """One timeline in the CONTRACT shape; ``sources``, ``event``, ``background`` (recalled from before the story
    began), ``quotes`` (who said what) and ``outlets`` (the outlets of the cited articles, from ``outlets``: article
    id -> ``outlet_of``; an article no outlet names is left out, not shown by its file name) are additive keys."""
    named = outlets or {}
    return {
        "story": story,
        "entries": [
            {
                "date": e.date,
                "summary": e.summary,
                "sources": e.sources,
                "event": e.event,
                "background": e.background,
                "citations": [c.as_dict() for c in e.citations],
                "outlets": [o for o in dict.fromkeys(named.get(c.article, "") for c in e.citations) if o],
                "quotes": [quote_json(q) for q in (quotes or {}).get(i, ())],
            }
            for i, e in enumerate(entries)
        ],
    }


@dataclass(frozen=True, slots=True)
class ExportData:
    """Everything the ``storyline/1`` export holds, as records (``export.document`` serialises it)."""

    articles: tuple[Article, ...]
    duplicate_of: Mapping[str, str]
    events: tuple[Event, ...]
    stories: tuple[Story, ...]
    entities: tuple[Entity, ...]
    quotes: tuple[Quote, ...]
    dates: tuple[DateMention, ...]
    passages: tuple[Passage, ...]
    timelines: tuple[tuple[str, tuple[TimelineEntry, ...], Mapping[int, Sequence[Quote]]], ...]
    comparisons: tuple[Comparison, ...]
    keep: frozenset[str] | None  # the articles of the one story exported (None: everything)


def document(data: ExportData) -> dict[str, Any]:
    """The ``storyline/1`` document of what ``query.export_data`` read: the whole store or one story."""
    keep = data.keep
    event_of = {a: e.id for e in data.events for a in e.articles}
    story_of = {a: e.story for e in data.events for a in e.articles}
    said: dict[str, list[dict[str, Any]]] = {}
    for q in data.quotes:
        if q.speaker_entity:
            said.setdefault(q.speaker_entity, []).append({"article": q.article, "start": q.start, "end": q.end})
    return {
        "schema": SCHEMA,
        "articles": [
            article_json(a, data.duplicate_of.get(a.id), event_of.get(a.id), story_of.get(a.id)) for a in data.articles
        ],
        "events": [
            {"id": e.id, "story": e.story, "date": e.date, "title": e.title, "articles": list(e.articles)}
            for e in data.events
        ],
        "stories": [_story_json(s) for s in data.stories],
        "entities": [
            {
                "id": e.id,
                "name": e.name,
                "type": e.type,
                "aliases": list(e.aliases),
                "articles": [a for a in e.articles if keep is None or a in keep],
                "quotes": said.get(e.id, []),
            }  # what this entity said: article and span of each quote
            for e in data.entities
        ],
        "quotes": [quote_json(q) for q in data.quotes],
        "dates": [
            {
                "article": d.article,
                "text": d.text,
                "start": d.start,
                "end": d.end,
                "value": d.value,
                "granularity": d.granularity,
            }
            for d in data.dates
        ],
        "passages": [
            {
                "id": p.id,
                "text": p.text,
                "articles": list(p.articles),
                "origin": {"article": p.origin_article, "agency": p.origin_agency},
            }
            for p in data.passages
        ],
        "timelines": [
            timeline_json(story, entries, quotes, {a.id: outlet_of(a) for a in data.articles})
            for story, entries, quotes in data.timelines
        ],
        "comparisons": [c.as_dict() for c in data.comparisons],
    }


def _story_json(s: Story) -> dict[str, Any]:
    return {"id": s.id, "title": s.title, "events": list(s.events), "articles": list(s.articles)}
