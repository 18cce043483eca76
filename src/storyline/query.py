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
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from storyline.errors import NotFound, StorylineError
from storyline.export import ExportData, document
from storyline.records import (
    SEARCH_KINDS,
    Article,
    Change,
    DateMention,
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
    "CopyLink",
    "ExportData",
    "History",
    "SharedPassage",
    "StorySummary",
    "TimelineView",
    "article_view",
    "comparisons",
    "export_data",
    "history",
    "rejections",
    "resolve",
    "search",
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

    def as_dict(self) -> dict[str, object]:
        return {
            "id": self.id,
            "title": self.title,
            "first": self.first,
            "last": self.last,
            "events": self.events,
            "articles": self.articles,
            "outlets": list(self.outlets),
        }


def outlet_of(a: Article) -> str:
    """The outlet a list names for an article: its own, else the wire agency it carries."""
    return a.outlet or (a.wire_agencies[0] if a.wire_agencies else "")


def story_summary(story: Story, events: Sequence[Event], articles: Mapping[str, Article]) -> StorySummary:
    """Date span, counts and outlets of one story, from its events and (any superset of) its articles."""
    evs = [e for e in events if e.story == story.id]
    dates = sorted(e.date for e in evs if e.date)
    outlets = sorted({outlet_of(articles[a]) for a in story.articles if a in articles} - {""})
    return StorySummary(
        story.id,
        story.title,
        dates[0] if dates else None,
        dates[-1] if dates else None,
        len(evs),
        len(story.articles),
        tuple(outlets),
    )


def stories(store: Store, *, offset: int = 0, limit: int | None = None) -> list[StorySummary]:
    """Every story (or a page of them), in the store's order, summarised."""
    chosen = store.stories(offset=offset, limit=limit)
    if not chosen:
        return []
    events = store.events() if limit is None else [e for s in chosen for e in store.events(story=s.id)]
    labels = _articles(store, [a for s in chosen for a in s.articles])
    return [story_summary(s, events, labels) for s in chosen]


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


def timeline_options(
    *, dates: int | None = None, per_date: int = 1, since: str | None = None, until: str | None = None
) -> TimelineOptions | None:
    """The selection a reader asks for, or None when it is the stored timelines' (every date, one sentence each)."""
    from storyline.timeline import TimelineOptions

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
    quotes = store.quotes(None if every else ids)
    index = QuoteIndex.build(quotes, events)
    out = []
    for s in sts:
        entries = built[s.id] if built is not None else store.timeline(s.id)
        said = timeline_quotes(entries, index, limit=quote_limit)
        out.append(TimelineView(s, tuple(entries), said, story_summary(s, events, articles), articles, tuple(events)))
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


# --------------------------------------------------------------------------- one article


@dataclass(frozen=True, slots=True)
class CopyLink:
    """One duplicate mark seen from an article: ``role`` "copy" (it copies ``other``) or "copied" (``other`` copies it)."""

    role: str
    other: str
    other_outlet: str
    kind: str
    similarity: float


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


def article_view(store: Store, ref: str) -> ArticleView:
    """The article ``ref`` names (id, unique prefix or source path) with its spans, copies and shared passages."""
    _, aid = resolve(store, ref, ("article",))
    art = store.article(aid)
    if art is None:  # pragma: no cover - resolve found it
        raise NotFound(f"no article {aid!r}")
    entities = store.entities()
    names = {a: e.name for e in entities for a in (e.name, *e.aliases)}
    mentions = tuple(store.mentions([aid]))
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
    words = re.findall(r"[^\W_]+", passage)
    if not words:
        return -1
    m = re.search(r"[\W_]+".join(map(re.escape, words)), text, re.I)
    return m.start() if m else -1


# --------------------------------------------------------------------------- search, history, rejections


def search(store: Store, query: str, kinds: Sequence[str] = (), limit: int = 20) -> list[SearchHit]:
    """Full-text search over articles, quotes and entities (``BadQuery`` for a query with no searchable word)."""
    return store.search(query, kinds or SEARCH_KINDS, limit)


@dataclass(frozen=True, slots=True)
class History:
    """The re-clustering audit trail of one story or event: (time, change), oldest first."""

    id: str
    changes: tuple[tuple[str, Change], ...] = field(default_factory=tuple)


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
