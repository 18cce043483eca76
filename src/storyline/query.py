"""The read side: every question a shell asks of a store, answered as typed records.

The CLI, the export and the HTTP API and web pages call these functions and only render what they return; none of
them reads the store on its own or recomputes what the pipeline stored. Each function reads what it needs and no
more (one story's articles, one article's spans), so reads stay fast on a large store.

- ``resolve``: an id, a unique prefix (or an article's source path) to one id; ``NotFound`` / ``Ambiguous``.
- ``stories`` / ``story_summary``: stories as ``StorySummary`` records (date span, counts, outlets).
- ``timeline``: a story's stored timeline with the quotes behind each entry (``timeline_quotes``, one limit);
  other selections (``--dates``, ``--since``...) are built from stored records by the timeline stage.
- ``comparisons``: what each source reports about an event or a story's events (stored at analyse time).
- ``article_view``: an article with its date, entity and quote spans, its copies and the passages it shares.
- ``search``, ``history``, ``rejections``, ``export_data`` (everything the ``storyline/1`` export serialises).
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING, Any

from storyline.errors import BadQuery, NotFound, StorylineError
from storyline.export import ExportData, article_json, document, outlet_of, quote_json, timeline_json
from storyline.records import (
    SEARCH_KINDS,
    Article,
    Change,
    DateMention,
    Entity,
    Event,
    Mention,
    Passage,
    Quote,
    Rejection,
    SearchHit,
    Story,
    TimelineEntry,
)
from storyline.timeline_quotes import QUOTES_PER_ENTRY, QuoteIndex, timeline_quotes

if TYPE_CHECKING:
    from storyline.compare import Comparison
    from storyline.store import Store
    from storyline.timeline import TimelineOptions

__all__ = [
    "Ambiguous",
    "ArticleView",
    "Carrier",
    "Copy",
    "CopyFlows",
    "CopyLink",
    "EntitySummary",
    "EntityView",
    "ExportData",
    "Flow",
    "History",
    "SharedPassage",
    "StorySummary",
    "TimelineView",
    "article_view",
    "comparisons",
    "copy_flows",
    "coverage",
    "entities",
    "entity_view",
    "export_data",
    "history",
    "outlets",
    "rejections",
    "resolve",
    "resolve_entity",
    "search",
    "selection_timeline",
    "stories",
    "story_summary",
    "timeline",
    "timelines",
]

_LISTED_BY = {"story": "`storyline stories`", "event": "`storyline stories`", "article": "`storyline export`"}


class Ambiguous(StorylineError):
    """A prefix that names more than one story, event or article; ``candidates`` lists them."""

    status = 400

    def __init__(self, ref: str, kinds: Sequence[str], candidates: Sequence[str]) -> None:
        self.ref = ref
        self.candidates = list(candidates)
        shown = ", ".join(self.candidates[:8]) + (" …" if len(self.candidates) > 8 else "")
        super().__init__(f"more than one {' or '.join(kinds)} matches {ref!r}: {shown}")


def resolve(store: Store, ref: str, kinds: Sequence[str] = ("story",)) -> tuple[str, str]:
    """The (kind, id) that ``ref`` names: an exact id, a unique prefix, or (articles) an exact source path.

    Raises ``NotFound`` when nothing matches and ``Ambiguous`` (with the candidates) when several do. An exact id
    wins over a longer id it prefixes.
    """
    found: list[tuple[str, str]] = []
    for kind in kinds:
        ids = store.find_ids(kind, ref)
        if ref in ids:
            return kind, ref
        found += [(kind, i) for i in ids]
    if len(found) == 1:
        return found[0]
    if not found:
        where = " and ".join(dict.fromkeys(_LISTED_BY[k] for k in kinds))
        raise NotFound(f"no {' or '.join(kinds)} matches {ref!r}; {where} lists them")
    raise Ambiguous(ref, kinds, [i for _, i in found])


# --------------------------------------------------------------------------- stories


@dataclass(frozen=True, slots=True)
class StorySummary:
    """One story as a list shows it: title, date span, counts, outlets."""

    id: str
    title: str
    first: str | None
    last: str | None
    events: int
    articles: int
    outlets: tuple[str, ...]
    sources: int = 0  # independent sources: copies and wire-copy carriers counted once (0: not counted)

    def as_dict(self) -> dict[str, object]:
        return {
            "id": self.id,
            "title": self.title,
            "first": self.first,
            "last": self.last,
            "events": self.events,
            "articles": self.articles,
            "outlets": list(self.outlets),
            "sources": self.sources,
        }


def story_summary(
    story: Story,
    events: Sequence[Event],
    outlets: Mapping[str, str],
    source_of: Mapping[str, str] | None = None,
) -> StorySummary:
    """Date span, counts and outlets of one story, from its events and (any superset of) its articles' outlets
    (``outlet_of``); independent sources counted when ``source_of`` (``dedupe.source_roots``) is given."""
    evs = [e for e in events if e.story == story.id]
    dates = sorted(e.date for e in evs if e.date)
    named = sorted({outlets[a] for a in story.articles if a in outlets} - {""})
    sources = 0 if source_of is None else len({source_of.get(a, a) for a in story.articles})
    return StorySummary(
        story.id,
        story.title,
        dates[0] if dates else None,
        dates[-1] if dates else None,
        len(evs),
        len(story.articles),
        tuple(named),
        sources,
    )


def stories(
    store: Store,
    *,
    since: str | None = None,
    until: str | None = None,
    outlet: str | None = None,
    newest_first: bool = True,
    offset: int = 0,
    limit: int | None = None,
) -> list[StorySummary]:
    """Stories (or a page of them) summarised: newest activity first (or in the store's order), only those with
    events within ``since``/``until`` (ISO dates, either end open) or an article from ``outlet`` (any case).

    Only the page is read whole: the order and the date filter come from per-story aggregates (``story_spans``),
    the outlet filter from every article's outlet."""
    since, until = _day_range(since, until)
    if outlet:
        every = store.stories()
        outlets = store.article_outlets()
        key = outlet.casefold()
        carrying = {s.id for s in every if any(outlets.get(a, "").casefold() == key for a in s.articles)}
    spans = [
        sp for sp in store.story_spans() if (not outlet or sp[0] in carrying) and _within(sp[1], sp[2], since, until)
    ]
    if newest_first:
        spans.sort(key=lambda sp: (sp[2] or "", sp[4]), reverse=True)
    ids = [sp[0] for sp in spans[offset : None if limit is None else offset + limit]]
    if not ids:
        return []
    chosen = {s.id: s for s in store.stories(ids)}
    members = [a for s in chosen.values() for a in s.articles]
    if not outlet:
        outlets = store.article_outlets(members)
    counted = store.story_sources(ids)  # stored with each timeline at analyse time
    missing = [a for i in ids if counted.get(i) is None for a in chosen[i].articles]
    source_of = _source_of(store, missing) if missing else {}
    out = []
    for sid, first, last, n_events, n_articles in spans[offset : offset + len(ids)]:
        story = chosen[sid]
        named = tuple(sorted({outlets.get(a, "") for a in story.articles} - {""}))
        sources = counted.get(sid)
        if sources is None:
            sources = len({source_of.get(a, a) for a in story.articles})
        out.append(StorySummary(sid, story.title, first, last, n_events, n_articles, named, sources))
    return out


def _within(first: str | None, last: str | None, since: str | None, until: str | None) -> bool:
    """Whether a story dated ``first``..``last`` has events within ``since``..``until`` (undated: only unfiltered)."""
    if not (since or until):
        return True
    if first is None:
        return False
    return not (since and (last or "") < since) and not (until and first > until)


def _source_of(store: Store, ids: Sequence[str]) -> dict[str, str]:
    """Article -> its independent source (``dedupe.source_roots``) for these articles."""
    from storyline.dedupe import is_wire_copy, source_roots

    if not ids:
        return {}
    links = store.passage_links(ids)  # without their text: the flag analyse stored says which fold their carriers
    flags = {p.id: w for p, w in links if w is not None}
    if len(flags) < len(links):  # written since the last analyse: the words decide
        flags |= {p.id: is_wire_copy(p) for p in store.passages(ids) if p.id not in flags}
    return source_roots(store.duplicates(ids), [p for p, _ in links], wire_copy=lambda p: flags[p.id])


def outlets(store: Store) -> list[tuple[str, int]]:
    """Every outlet (an article's own, else the wire agency it carries) with its number of articles, most first."""
    counts: dict[str, int] = {}
    for name in store.article_outlets().values():
        if name:
            counts[name] = counts.get(name, 0) + 1
    return sorted(counts.items(), key=lambda kv: (-kv[1], kv[0].casefold()))


def _articles(store: Store, ids: Sequence[str]) -> dict[str, Article]:
    return {a.id: a for a in store.articles(list(dict.fromkeys(ids)))} if ids else {}


# --------------------------------------------------------------------------- timelines


@dataclass(frozen=True, slots=True)
class TimelineView:
    """A story's timeline as every shell shows it: entries, the quotes behind each, the articles they cite."""

    story: Story
    entries: tuple[TimelineEntry, ...]
    quotes: Mapping[int, Sequence[Quote]]  # entry position -> who said what behind it
    summary: StorySummary
    articles: Mapping[str, Article]  # the story's articles, for outlet labels and sources
    events: tuple[Event, ...]

    def as_dict(self) -> dict[str, object]:
        """The timeline as ``export.timeline_json`` writes it (entries, citations, quotes) with the story's summary,
        its events and the articles the citations name (id, title, outlet, published)."""
        cited = dict.fromkeys(c.article for e in self.entries for c in e.citations)
        return {
            **timeline_json(
                self.story.id, self.entries, self.quotes, {a: outlet_of(x) for a, x in self.articles.items()}
            ),
            "title": self.story.title,
            "summary": self.summary.as_dict(),
            "events": [_event_json(e) for e in self.events if e.story == self.story.id],
            "articles": [_head_json(self.articles[a]) for a in cited if a in self.articles],
        }

    def story_dict(self) -> dict[str, object]:
        """The story as one resource: its summary, events, every article (id, title, outlet, published) and the
        articles per day per outlet (``coverage``)."""
        return {
            "id": self.story.id,
            "title": self.story.title,
            "summary": self.summary.as_dict(),
            "events": [_event_json(e) for e in self.events if e.story == self.story.id],
            "articles": [_head_json(self.articles[a]) for a in self.story.articles if a in self.articles],
            "coverage": [{"day": d, "outlet": o, "articles": n} for d, o, n in coverage(self)],
        }


def _event_json(e: Event) -> dict[str, object]:
    return {"id": e.id, "date": e.date, "title": e.title, "articles": list(e.articles)}


def _head_json(a: Article) -> dict[str, object]:
    return {"id": a.id, "title": a.title, "outlet": outlet_of(a) or None, "published": a.published}


def iso_day(text: str, *, end: bool = False) -> str:
    """YYYY, YYYY-MM or YYYY-MM-DD (a real calendar date) as the ISO day it stands for: its first day, or with
    ``end`` its last (so ``until=2024-03`` keeps March 31); ``BadQuery`` for anything else."""
    import calendar
    import datetime as dt

    text = text.strip()
    found = re.fullmatch(r"(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?", text)
    try:
        if found is None:
            raise ValueError("not in that form")
        year, month, day = found.group(1), found.group(2), found.group(3)
        y, m = int(year), int(month or (12 if end else 1))
        last = calendar.monthrange(y, m)[1] if 1 <= m <= 12 else 0
        return dt.date(y, m, int(day or (last if end else 1))).isoformat()
    except ValueError as exc:
        raise BadQuery(f"{text!r} is not a date: expected YYYY, YYYY-MM or YYYY-MM-DD ({exc})") from None


def _day_range(since: str | None, until: str | None) -> tuple[str | None, str | None]:
    return (iso_day(since) if since else None, iso_day(until, end=True) if until else None)


def timeline_options(
    *, dates: int | None = None, per_date: int = 1, since: str | None = None, until: str | None = None
) -> TimelineOptions | None:
    """The selection a reader asks for, or None when it is the stored timelines' (every date, one sentence each).
    ``since``/``until`` as ``iso_day`` reads them; ``BadQuery`` for one that is not a date."""
    from storyline.timeline import TimelineOptions

    since, until = _day_range(since, until)
    options = TimelineOptions(dates=dates, per_date=per_date, since=since, until=until)
    return None if options == TimelineOptions() else options


def timeline(
    store: Store, story: str | Story, options: TimelineOptions | None = None, *, quote_limit: int = QUOTES_PER_ENTRY
) -> TimelineView:
    """One story's timeline: the stored one, or (``options`` given) one built from stored records with them."""
    (view,) = timelines(store, [story], options, quote_limit=quote_limit)
    return view


def timelines(
    store: Store,
    chosen: Sequence[str | Story] | None = None,
    options: TimelineOptions | None = None,
    *,
    quote_limit: int = QUOTES_PER_ENTRY,
) -> list[TimelineView]:
    """Timelines of ``chosen`` stories (ids, unique prefixes or records; all when None), as ``timeline``."""
    sts = store.stories() if chosen is None else [s if isinstance(s, Story) else _story(store, s) for s in chosen]
    if not sts:
        return []
    every = chosen is None
    events = store.events() if every else [e for s in sts for e in store.events(story=s.id)]
    ids = list(dict.fromkeys([a for s in sts for a in s.articles] + [a for e in events for a in e.articles]))
    articles = {a.id: a for a in store.articles(None if every else ids)}
    built = _built(store, sts, events, articles, options) if options is not None else None
    listed = {s.id: built[s.id] if built is not None else store.timeline(s.id) for s in sts}
    # the quotes an entry may show come from its cited articles and its event's: read only those
    members = {e.id: e.articles for e in events}
    wanted = {c.article for es in listed.values() for en in es for c in en.citations}
    wanted |= {a for es in listed.values() for en in es for a in members.get(en.event or "", ())}
    index = QuoteIndex.build(store.quotes(None if every else sorted(wanted)) if wanted else [], events)
    counted = store.story_sources([s.id for s in sts])  # stored with each timeline at analyse time
    uncounted = [a for s in sts if counted.get(s.id) is None for a in s.articles]
    source_of = _source_of(store, uncounted) if uncounted else {}
    outlets = {a: outlet_of(art) for a, art in articles.items()}
    out = []
    for s in sts:
        entries = listed[s.id]
        said = timeline_quotes(entries, index, limit=quote_limit)
        summary = story_summary(s, events, outlets, source_of)
        if (stored := counted.get(s.id)) is not None:
            summary = replace(summary, sources=stored)
        out.append(TimelineView(s, tuple(entries), said, summary, articles, tuple(events)))
    return out


def _story(store: Store, ref: str) -> Story:
    _, sid = resolve(store, ref, ("story",))
    (story,) = store.stories([sid])
    return story


def _built(
    store: Store,
    sts: Sequence[Story],
    events: Sequence[Event],
    articles: Mapping[str, Article],
    options: TimelineOptions,
) -> dict[str, list[TimelineEntry]]:
    """Timelines built with other options than the stored ones, by the timeline stage over stored records."""
    from storyline.dedupe import source_roots
    from storyline.timeline import story_timeline

    duplicates = store.duplicates()
    dup = {d.article: d.duplicate_of for d in duplicates}
    source_of = source_roots(duplicates, store.passages())  # wire copy counts once, as in the stored timelines
    mentions: dict[str, list[DateMention]] = {}
    for m in store.date_mentions([a for a in articles]):
        mentions.setdefault(m.article, []).append(m)
    return {s.id: story_timeline(s, events, articles, mentions, dup, source_of, options) for s in sts}


# --------------------------------------------------------------------------- timelines of any selection


def selection_timeline(
    store: Store,
    *,
    query: str | None = None,
    entity: str | None = None,
    everything: bool = False,
    options: TimelineOptions | None = None,
    quote_limit: int = QUOTES_PER_ENTRY,
) -> TimelineView:
    """A timeline of any selection of articles, not only of a clustered story: every article a search matches
    (no cap), an entity's articles (``entity``: as ``resolve_entity`` takes it), or every stored article; those
    published within ``options.since``/``until`` are kept (an undated article only when no range is given).

    The timeline stage builds it as it builds a story's (copies and wire copy folded, the quotes behind each
    entry) over a pseudo story whose id says what was selected (``q:QUERY``, ``entity:ID``, ``all``). It has no
    events, so no day is required: the best-supported days are shown. Exactly one of ``query``, ``entity`` and
    ``everything`` (else ``BadQuery``); an empty selection is ``NotFound`` saying what matched nothing.
    """
    from storyline.errors import BadQuery
    from storyline.timeline import TimelineOptions

    if (query is not None) + (entity is not None) + everything != 1:
        raise BadQuery("choose one selection: a search query, an entity, or everything")
    opts = options or TimelineOptions()
    ids: list[str] | None
    if query is not None:
        ids = store.matching_articles(query)  # BadQuery for a query with no searchable word
        sid, title, nothing = f"q:{query}", f"Search: {query}", f"no article matches the search {query!r}"
    elif entity is not None:
        ent = resolve_entity(store, entity)
        ids = list(ent.articles)
        sid, title, nothing = f"entity:{ent.id}", f"{ent.name} ({ent.type})", f"no article names {ent.name} ({ent.id})"
    else:
        ids, sid, title, nothing = None, "all", "Everything stored", "no article stored yet"
    found = store.articles(ids) if ids is None or ids else []
    chosen = [a for a in found if _published_within(a, opts.since, opts.until)]
    if not chosen:
        if found:
            span = _span_words(opts.since, opts.until)
            nothing = f"none of the {len(found)} articles selected ({title}) was published {span}"
        raise NotFound(nothing)
    story = Story(sid, title, (), tuple(a.id for a in chosen))
    articles = {a.id: a for a in chosen}
    entries = _built(store, [story], [], articles, opts)[sid]
    said = timeline_quotes(entries, QuoteIndex.build(store.quotes(list(articles))), limit=quote_limit)
    summary = story_summary(
        story, [], {a: outlet_of(art) for a, art in articles.items()}, _source_of(store, list(articles))
    )
    if entries:  # no events to date it: the selection spans the days its timeline shows
        summary = replace(summary, first=entries[0].date, last=entries[-1].date)
    return TimelineView(story, tuple(entries), said, summary, articles, ())


def _published_within(a: Article, since: str | None, until: str | None) -> bool:
    if not (since or until):
        return True
    day = (a.published or "")[:10]
    return bool(day) and not ((since and day < since) or (until and day > until))


def _span_words(since: str | None, until: str | None) -> str:
    if since and until:
        return f"from {since} to {until}"
    return f"on or after {since}" if since else f"on or before {until}"


# --------------------------------------------------------------------------- comparisons


def comparisons(store: Store, ref: str) -> list[tuple[Event, Comparison]]:
    """What each source reports about one event, or about each event of one story (``ref``: id or prefix).

    A story is compared event by event: claims about different happenings are not in tension. Comparisons of
    events with two or more independent sources were stored at analyse time; an event with one source is
    compared on the spot (its claims are all its own).
    """
    from storyline.compare import Comparison, compare

    kind, cid = resolve(store, ref, ("event", "story"))
    chosen = store.events([cid]) if kind == "event" else store.events(story=cid)
    stored = store.comparisons([e.id for e in chosen])
    missing = [e for e in chosen if e.id not in stored]
    out: dict[str, Comparison] = {e: Comparison.from_record(d) for e, d in stored.items()}
    if missing:
        ids = [a for e in missing for a in e.articles]
        articles = _articles(store, ids)
        dup = {d.article: d.duplicate_of for d in store.duplicates(ids)}
        passages = store.passages(ids)  # wire copy two outlets carry counts as one source for the claims inside it
        for e in missing:
            out[e.id] = compare(e, articles, dup, passages=passages)
    return [(e, out[e.id]) for e in chosen]


def comparison_articles(store: Store, comps: Sequence[tuple[Event, Comparison]]) -> dict[str, Article]:
    """The articles the comparisons' claims come from, for outlet labels."""
    return _articles(store, [a for e, _ in comps for a in e.articles])


def comparisons_dict(comps: Sequence[tuple[Event, Comparison]], articles: Mapping[str, Article]) -> dict[str, object]:
    """Comparisons as JSON: each ``Comparison.as_dict`` with its event's date, title and story, and the outlet of
    every article the claims come from (``comparison_articles``)."""
    return {
        "comparisons": [{**c.as_dict(), "date": e.date, "title": e.title, "story": e.story} for e, c in comps],
        "outlets": {aid: outlet_of(a) or None for aid, a in articles.items()},
    }


# --------------------------------------------------------------------------- one article


@dataclass(frozen=True, slots=True)
class CopyLink:
    """One duplicate mark seen from an article: ``role`` "copy" (it copies ``other``) or "copied" (``other`` copies it)."""

    role: str
    other: str
    other_outlet: str
    kind: str
    similarity: float

    def as_dict(self) -> dict[str, object]:
        return {
            "role": self.role,
            "other": self.other,
            "other_outlet": self.other_outlet,
            "kind": self.kind,
            "similarity": round(self.similarity, 4),
        }


@dataclass(frozen=True, slots=True)
class SharedPassage:
    """A passage the article shares: where it stands in the article (-1: not found verbatim), origin, carriers."""

    passage: Passage
    start: int
    origin: str  # the agency, "this article", or "ARTICLE (OUTLET)"
    carriers: tuple[str, ...]  # the other carriers' outlets (or ids)


@dataclass(frozen=True, slots=True)
class ArticleView:
    """An article with every span found in it, the merged names of its entities, its copies and passages."""

    article: Article
    dates: tuple[DateMention, ...]
    mentions: tuple[Mention, ...]
    quotes: tuple[Quote, ...]
    entity_names: Mapping[str, str]  # a mention's words -> the merged entity's name
    copies: tuple[CopyLink, ...]
    passages: tuple[SharedPassage, ...]  # in the order they stand in the article

    def as_dict(self) -> dict[str, object]:
        """The article (``export.article_json`` less its event and story, which this view does not read) with the
        spans found in it (character offsets into ``text``), its copies and the passages it shares with their origin."""
        a = self.article
        copy_of = next((c.other for c in self.copies if c.role == "copy"), None)
        doc: dict[str, object] = {
            k: v for k, v in article_json(a, copy_of, None, None).items() if k not in ("event", "story")
        }
        return {
            **doc,
            "dates": [
                {"text": d.text, "start": d.start, "end": d.end, "value": d.value, "granularity": d.granularity}
                for d in self.dates
            ],
            "entities": [
                {
                    "text": m.text,
                    "start": m.start,
                    "end": m.end,
                    "type": m.type,
                    "entity": self.entity_names.get(m.text),
                }
                for m in self.mentions
            ],
            "quotes": [quote_json(q) for q in self.quotes],
            "copies": [c.as_dict() for c in self.copies],
            "passages": [self.passage_dict(p) for p in self.passages],
        }

    def copies_dict(self) -> dict[str, object]:
        """Only the article's copies and shared passages (what ``as_dict`` says of them)."""
        return {
            "article": self.article.id,
            "copies": [c.as_dict() for c in self.copies],
            "passages": [self.passage_dict(p) for p in self.passages],
        }

    def passage_dict(self, shared: SharedPassage) -> dict[str, object]:
        """A shared passage: its span in this article (-1, -1: not found verbatim), origin and other carriers."""
        p = shared.passage
        start, end = find_span(self.article.text, p.text) if shared.start >= 0 else (-1, -1)
        return {
            "passage": p.id,
            "text": p.text,
            "start": start,
            "end": end,
            "origin": shared.origin,
            "origin_article": p.origin_article,
            "origin_agency": p.origin_agency,
            "articles": list(p.articles),
            "carriers": list(shared.carriers),
        }


def article_view(store: Store, ref: str) -> ArticleView:
    """The article ``ref`` names (id, unique prefix or source path) with its spans, copies and shared passages."""
    _, aid = resolve(store, ref, ("article",))
    art = store.article(aid)
    if art is None:  # pragma: no cover - resolve found it
        raise NotFound(f"no article {aid!r}")
    mentions = tuple(store.mentions([aid]))
    named = store.entities_named(sorted({m.text for m in mentions}))
    names = {a: e.name for e in named for a in (e.name, *e.aliases)}
    return ArticleView(
        art,
        tuple(store.date_mentions([aid])),
        mentions,
        tuple(store.quotes([aid])),
        {m.text: names[m.text] for m in mentions if m.text in names},
        _copies(store, aid),
        _shared(store, art),
    )


def _copies(store: Store, aid: str) -> tuple[CopyLink, ...]:
    dups = store.duplicates([aid])
    outlets = {
        a.id: a.outlet or a.source for a in store.articles([x for d in dups for x in (d.article, d.duplicate_of)])
    }
    out = []
    for d in dups:
        if d.article == aid:
            out.append(CopyLink("copy", d.duplicate_of, outlets.get(d.duplicate_of, "?"), d.kind, d.similarity))
        elif d.duplicate_of == aid:
            out.append(CopyLink("copied", d.article, outlets.get(d.article, "?"), d.kind, d.similarity))
    return tuple(out)


def _shared(store: Store, art: Article) -> tuple[SharedPassage, ...]:
    shared = [p for p in store.passages([art.id]) if art.id in p.articles]
    others = {a.id: a for a in store.articles(sorted({o for p in shared for o in p.articles}))}
    found = {p.id: find_words(art.text, p.text) for p in shared}
    out = []
    for p in sorted(shared, key=lambda p: found[p.id]):
        origin = p.origin_agency or (
            "this article"
            if p.origin_article == art.id
            else f"{p.origin_article} ({others[p.origin_article].outlet or 'no outlet'})"
            if p.origin_article in others
            else str(p.origin_article)
        )
        carriers = tuple(others[o].outlet or o for o in p.articles if o != art.id and o in others)
        out.append(SharedPassage(p, found[p.id], origin, carriers))
    return tuple(out)


def find_words(text: str, passage: str) -> int:
    """Where ``passage`` (as its origin writes it) stands in ``text``: its words in order, whatever the quote
    marks, case and punctuation between them (as dedupe matched them); -1 when absent."""
    return find_span(text, passage)[0]


def find_span(text: str, passage: str) -> tuple[int, int]:
    """The (start, end) of ``passage`` in ``text`` as ``find_words`` finds it; (-1, -1) when absent."""
    words = re.findall(r"[^\W_]+", passage)
    if not words:
        return -1, -1
    m = re.search(r"[\W_]+".join(map(re.escape, words)), text, re.I)
    return (m.start(), m.end()) if m else (-1, -1)


# --------------------------------------------------------------------------- coverage and who copied whom


def coverage(view: TimelineView) -> list[tuple[str, str, int]]:
    """(day, outlet, articles) for a story's articles with a publication date, by day then outlet."""
    counts: dict[tuple[str, str], int] = {}
    for aid in view.story.articles:
        a = view.articles.get(aid)
        if a is not None and a.published:
            key = (a.published[:10], outlet_of(a) or "unknown outlet")
            counts[key] = counts.get(key, 0) + 1
    return [(day, outlet, n) for (day, outlet), n in sorted(counts.items())]


@dataclass(frozen=True, slots=True)
class Carrier:
    """An article that carries a passage or copies another: its id, outlet and publication date."""

    article: str
    outlet: str
    published: str | None

    def as_dict(self) -> dict[str, object]:
        return {"article": self.article, "outlet": self.outlet, "published": self.published}


@dataclass(frozen=True, slots=True)
class Flow:
    """One passage that travelled: its words, where it came from (an agency or an article), who carried it."""

    passage: str
    text: str
    origin: str  # the agency's name, or the origin article's outlet
    origin_kind: str  # "agency" | "article"
    origin_article: Carrier | None
    carriers: tuple[Carrier, ...]  # every carrier but the origin article, oldest first

    def as_dict(self) -> dict[str, object]:
        return {
            "passage": self.passage,
            "text": self.text,
            "origin": self.origin,
            "origin_kind": self.origin_kind,
            "origin_article": None if self.origin_article is None else self.origin_article.as_dict(),
            "carriers": [c.as_dict() for c in self.carriers],
        }


@dataclass(frozen=True, slots=True)
class Copy:
    """A duplicate mark inside a story: ``copy`` is an exact or near copy of ``original``."""

    copy: Carrier
    original: Carrier
    kind: str
    similarity: float

    def as_dict(self) -> dict[str, object]:
        return {
            "copy": self.copy.as_dict(),
            "original": self.original.as_dict(),
            "kind": self.kind,
            "similarity": round(self.similarity, 4),
        }


@dataclass(frozen=True, slots=True)
class CopyFlows:
    """Who copied whom in one story: the passages its articles share with their origin, and whole copies."""

    story: Story
    flows: tuple[Flow, ...]  # most carriers first
    copies: tuple[Copy, ...]

    def as_dict(self) -> dict[str, object]:
        return {
            "story": self.story.id,
            "title": self.story.title,
            "flows": [f.as_dict() for f in self.flows],
            "copies": [c.as_dict() for c in self.copies],
        }


def copy_flows(store: Store, ref: str) -> CopyFlows:
    """The passages a story's articles share (with carriers outside the story too) and its copies."""
    story = _story(store, ref)
    ids = list(story.articles)
    passages = [p for p in store.passages(ids) if len(p.articles) > 1]
    duplicates = [d for d in store.duplicates(ids) if d.article in story.articles]
    wanted = {a for p in passages for a in (*p.articles, p.origin_article) if a}
    wanted |= {a for d in duplicates for a in (d.article, d.duplicate_of)}
    labels = {a.id: a for a in store.article_labels(sorted(wanted))}

    def carrier(aid: str) -> Carrier:
        a = labels.get(aid)
        return Carrier(aid, (outlet_of(a) if a else "") or "unknown outlet", a.published if a else None)

    flows = []
    for p in passages:
        origin = carrier(p.origin_article) if p.origin_article else None
        others = sorted(
            (carrier(a) for a in p.articles if a != p.origin_article), key=lambda c: (c.published or "", c.article)
        )
        label = p.origin_agency or (origin.outlet if origin else "unknown origin")
        kind = "agency" if p.origin_agency else "article"
        flows.append(Flow(p.id, p.text, label, kind, origin, tuple(others)))
    flows.sort(key=lambda f: (-len(f.carriers), f.passage))
    copies = tuple(Copy(carrier(d.article), carrier(d.duplicate_of), d.kind, d.similarity) for d in duplicates)
    return CopyFlows(story, tuple(flows), copies)


# --------------------------------------------------------------------------- entities


@dataclass(frozen=True, slots=True)
class EntitySummary:
    """One merged entity as a list shows it."""

    id: str
    name: str
    type: str
    aliases: tuple[str, ...]
    articles: int

    def as_dict(self) -> dict[str, object]:
        return {
            "id": self.id,
            "name": self.name,
            "type": self.type,
            "aliases": list(self.aliases),
            "articles": self.articles,
        }


def entities(
    store: Store, *, q: str | None = None, type: str | None = None, offset: int = 0, limit: int | None = None
) -> list[EntitySummary]:
    """Merged entities, most-covered first; ``q`` keeps those with a name or alias containing it (any case),
    ``type`` those of one type (PERSON, ORG, GPE, ...)."""
    found = store.entities()
    if type:
        found = [e for e in found if e.type.casefold() == type.casefold()]
    if q:
        needle = q.casefold()
        found = [e for e in found if any(needle in n.casefold() for n in (e.name, *e.aliases))]
    found.sort(key=lambda e: (-len(e.articles), e.name.casefold(), e.id))
    page = found[offset : None if limit is None else offset + limit]
    return [EntitySummary(e.id, e.name, e.type, e.aliases, len(e.articles)) for e in page]


@dataclass(frozen=True, slots=True)
class EntityView:
    """One entity: its names, the articles naming it, the quotes it speaks, its mentions per day."""

    entity: Entity
    articles: tuple[Article, ...]  # without their text (``Store.article_labels``), ingest order
    quotes: tuple[Quote, ...]
    by_day: tuple[tuple[str, int], ...]  # (publication day, mentions that day), oldest first

    def as_dict(self) -> dict[str, object]:
        e = self.entity
        return {
            "id": e.id,
            "name": e.name,
            "type": e.type,
            "aliases": list(e.aliases),
            "articles": [
                {"id": a.id, "title": a.title, "outlet": outlet_of(a) or None, "published": a.published}
                for a in self.articles
            ],
            "quotes": [quote_json(q) for q in self.quotes],
            "mentions_by_day": [{"day": d, "mentions": n} for d, n in self.by_day],
        }


def resolve_entity(store: Store, ref: str) -> Entity:
    """The entity ``ref`` names: an id or unique id prefix, else a name or alias (any case); ``NotFound`` or
    ``Ambiguous`` otherwise."""
    ids = store.find_ids("entity", ref)
    if ref in ids or len(ids) == 1:
        (found,) = store.entities([ref if ref in ids else ids[0]])
        return found
    if ids:
        raise Ambiguous(ref, ("entity",), ids)
    key = ref.strip().casefold()
    named = store.entities_named([ref.strip()])  # as written: an index lookup
    if not named:  # any case: every name read
        named = [e for e in store.entities() if any(n.casefold() == key for n in (e.name, *e.aliases))]
    if not named:
        raise NotFound(f"no entity matches {ref!r}; search for the name (`storyline search --kind entity`)")
    exact = [e for e in named if e.name.casefold() == key]
    if len(exact) == 1 or len(named) == 1:
        return (exact or named)[0]
    raise Ambiguous(ref, ("entity",), [e.id for e in named])


def entity_view(store: Store, ref: str) -> EntityView:
    """The entity ``ref`` names (see ``resolve_entity``) with its articles, the quotes it speaks, mentions per day."""
    e = resolve_entity(store, ref)
    ids = list(e.articles)
    labels = store.article_labels(ids)
    day = {a.id: (a.published or "")[:10] for a in labels}
    names = {e.name, *e.aliases}
    per_day: dict[str, int] = {}
    for m in store.mentions(ids):
        if m.text in names and day.get(m.article):
            per_day[day[m.article]] = per_day.get(day[m.article], 0) + 1
    quotes = [q for q in store.quotes(ids) if q.speaker_entity == e.id or (q.speaker and q.speaker in names)]
    return EntityView(e, tuple(labels), tuple(quotes), tuple(sorted(per_day.items())))


# --------------------------------------------------------------------------- search, history, rejections


def search(store: Store, query: str, kinds: Sequence[str] = (), limit: int = 20) -> list[SearchHit]:
    """Full-text search over articles, quotes and entities (``BadQuery`` for a query with no searchable word)."""
    return store.search(query, kinds or SEARCH_KINDS, limit)


@dataclass(frozen=True, slots=True)
class History:
    """The re-clustering audit trail of one story or event: (time, change), oldest first."""

    id: str
    changes: tuple[tuple[str, Change], ...] = field(default_factory=tuple)

    def as_dict(self) -> dict[str, object]:
        """The id and every change with its time (``at``), oldest first."""
        return {"id": self.id, "changes": [{"at": at, **c.as_dict()} for at, c in self.changes]}


def history(store: Store, ref: str) -> History:
    """The changes that touched a story or event (id or unique prefix; retired ids, folded away, too)."""
    try:
        _, cid = resolve(store, ref, ("story", "event"))
    except NotFound:
        retired = {
            i for _, c in store.changes() for i in (c.subject, c.source, c.target, c.source_story, c.target_story)
        }
        matches = sorted(i for i in retired if i.startswith(ref))
        if ref in matches:
            matches = [ref]
        if len(matches) != 1:
            if matches:
                raise Ambiguous(ref, ("story", "event"), matches) from None
            raise
        cid = matches[0]
    return History(cid, tuple(store.changes(cid)))


def rejections(store: Store) -> list[Rejection]:
    """Every input that could not be used, with the reason."""
    return store.rejections()


# --------------------------------------------------------------------------- export


def export_data(store: Store, story_id: str | None = None) -> ExportData:
    """What the export holds: the whole store, or one story (exact id) and what belongs to it."""
    if story_id is not None:
        sts = store.stories([story_id])
        if not sts:
            raise NotFound(f"no story {story_id!r}; `storyline stories` lists them")
        keep: frozenset[str] | None = frozenset(a for s in sts for a in s.articles)
        events = store.events(story=story_id)
    else:
        sts = store.stories()
        keep = None
        events = store.events()
    ids = None if keep is None else sorted(keep)
    articles = store.articles(ids)  # ingest order

    def mine(article_ids: Sequence[str]) -> bool:
        return keep is None or any(i in keep for i in article_ids)

    quotes = [q for q in store.quotes(ids) if mine([q.article])]
    index = QuoteIndex.build(quotes, events)
    timelines_ = []
    for s in sts:
        entries = tuple(store.timeline(s.id))
        timelines_.append((s.id, entries, timeline_quotes(entries, index)))
    stored = store.comparisons([e.id for e in events])
    return ExportData(
        articles=tuple(articles),
        duplicate_of={d.article: d.duplicate_of for d in store.duplicates(ids)},
        events=tuple(events),
        stories=tuple(sts),
        entities=tuple(e for e in store.entities() if mine(e.articles)),
        quotes=tuple(quotes),
        dates=tuple(d for d in store.date_mentions(ids) if mine([d.article])),
        passages=tuple(p for p in store.passages(ids) if mine(p.articles)),
        timelines=tuple(timelines_),
        comparisons=tuple(_comparison(stored[e.id]) for e in events if e.id in stored),
        keep=keep,
    )


def _comparison(record: Mapping[str, Any]) -> Comparison:
    from storyline.compare import Comparison

    return Comparison.from_record(record)


def export(store: Store, story_id: str | None = None) -> dict[str, Any]:
    """The whole store (or one story and what belongs to it) as a ``storyline/1`` document."""
    return document(export_data(store, story_id))
