"""Typed, immutable records passed between pipeline stages.

Every stage takes records and returns records; none of them knows about storage.
Dates are ISO strings (``"2023-09-14"``) so records serialise without conversion;
``None`` always means "the text does not say", never a guess.
Offsets (``start``, ``end``) are character offsets into the owning article's ``text``.
"""

from __future__ import annotations

import dataclasses
import hashlib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any


def content_id(prefix: str, *parts: str) -> str:
    """A stable id: ``prefix-`` plus 16 hex digits of the SHA-1 of the parts."""
    digest = hashlib.sha1("\x1f".join(parts).encode("utf-8")).hexdigest()
    return f"{prefix}-{digest[:16]}"


class _Record:
    """Mixin giving every record a JSON-ready ``as_dict``."""

    def as_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {}
        for f in dataclasses.fields(self):  # type: ignore[arg-type]
            out[f.name] = _plain(getattr(self, f.name))
        return out


def _plain(value: Any) -> Any:
    if isinstance(value, _Record):
        return value.as_dict()
    if isinstance(value, (tuple, list)):
        return [_plain(v) for v in value]
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    return value


@dataclass(frozen=True, slots=True)
class Dateline(_Record):
    """The dateline that opens a wire story: ``TOKYO, September 14. /TASS/.``"""

    text: str
    place: str | None = None
    month: int | None = None
    day: int | None = None
    year: int | None = None


@dataclass(frozen=True, slots=True)
class Article(_Record):
    """One news article after ingest, cleaning and metadata extraction."""

    id: str
    source: str
    text: str
    title: str | None = None
    published: str | None = None
    published_from: str = "none"  # header|dateline|html|feed|text|none
    outlet: str | None = None
    url: str | None = None
    wire_agencies: tuple[str, ...] = ()  # agencies that supplied the copy
    cited_agencies: tuple[str, ...] = ()  # agencies the text merely attributes to
    dateline: Dateline | None = None
    language: str | None = None
    author: str | None = None
    updated: str | None = None
    content_hash: str = ""

    @property
    def agencies(self) -> tuple[str, ...]:
        """Wire agencies first, then cited ones, without repeats."""
        return tuple(dict.fromkeys(self.wire_agencies + self.cited_agencies))


@dataclass(frozen=True, slots=True)
class Rejection(_Record):
    """An input that could not be used, and why."""

    source: str
    reason: str


@dataclass(frozen=True, slots=True)
class DateMention(_Record):
    """A temporal expression in an article, resolved against its publication date.

    ``value`` is ISO at the mention's own granularity: ``2023-09-13`` (day),
    ``2023-W37`` (week), ``2023-09`` (month), ``2023`` (year) or
    ``2019-04-24/2019-04-26`` (range); ``None`` when it cannot be resolved.
    """

    article: str
    text: str
    start: int
    end: int
    value: str | None
    granularity: str  # day|week|month|year|range|unknown


@dataclass(frozen=True, slots=True)
class Mention(_Record):
    """One entity mention in one article (before merging across spellings)."""

    article: str
    text: str
    start: int
    end: int
    type: str  # PERSON|ORG|GPE|LOC|FAC|NORP|EVENT


@dataclass(frozen=True, slots=True)
class Entity(_Record):
    """An entity merged across spellings: Kim Jong Un = Kim Jong-un = Kim."""

    id: str
    name: str
    type: str
    aliases: tuple[str, ...] = ()
    articles: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Quote(_Record):
    """A direct or reported quote with its speaker, cue and channel (``via``)."""

    article: str
    speaker: str | None
    cue: str | None
    text: str
    direct: bool
    start: int
    end: int
    via: tuple[str, ...] = ()
    speaker_entity: str | None = None


@dataclass(frozen=True, slots=True)
class Passage(_Record):
    """A span of text reused by two or more articles, traced to its origin."""

    id: str
    text: str
    articles: tuple[str, ...]
    origin_article: str | None = None
    origin_agency: str | None = None


TOKEN_HEX = 16  # hex digits of one token hash (a 64-bit integer) in ``SpanRow.tokens``


@dataclass(frozen=True, slots=True)
class SpanRow(_Record):
    """A span of text the dedupe index found shared (stage 3's persistent state, not an export record).

    ``tokens`` are its word-token hashes as hex (``TOKEN_HEX`` digits each), ``anchor`` the index key every carrier
    has at a fixed offset in it, ``carriers`` article id -> first token position of the span there.
    """

    id: str
    anchor: int
    tokens: str
    carriers: tuple[tuple[str, int], ...] = ()

    @property
    def length(self) -> int:
        """Tokens in the span."""
        return len(self.tokens) // TOKEN_HEX


@dataclass(frozen=True, slots=True)
class DedupeDelta(_Record):
    """What one dedupe update (``dedupe.update``) changes in the stored index; ``Store.apply_dedupe`` writes it
    in one transaction."""

    # The new articles' index keys (signed 64-bit). ``dedupe.IndexKeys`` holds them as flat arrays and also
    # offers ``flat()``, which a store may use to write them all at once.
    keys: Mapping[str, Sequence[int]]
    groups: tuple[tuple[str, str], ...]  # (article, its group's canonical), upserted
    duplicates_of: tuple[str, ...]  # articles whose duplicate marks are replaced by ``duplicates``
    duplicates: tuple[Duplicate, ...]
    producers_of: tuple[str, ...]  # articles whose found spans are replaced by ``producers``
    producers: tuple[tuple[str, str], ...]  # (span, article)
    spans_removed: tuple[str, ...]
    spans_added: tuple[SpanRow, ...]  # with their carriers
    carriers_added: tuple[tuple[str, str, int], ...]  # (span, article, pos) for spans already stored
    passages_removed: tuple[str, ...]
    passages: tuple[Passage, ...]  # inserted (replacing any of the same id)
    reset: bool = False  # empty the whole index, duplicates and passages first (a from-scratch run)
    rederived: tuple[str, ...] = ()  # articles whose found spans were derived again (not written; for callers)
    # (article, distinct token hashes, token sequence, quoted flags) of the articles joining the index, as
    # ``dedupe.index.pack_tokens`` encodes them, so later updates read their neighbours' tokens, not their texts
    tokens: tuple[tuple[str, bytes, bytes, bytes], ...] = ()
    # keys whose lists are crowded (more than ``DedupeOptions.key_groups_max`` groups) with their last pairing entry
    # (article), where that is new or moved; and the keys no longer crowded
    crowded_added: tuple[tuple[int, str], ...] = ()
    crowded_removed: tuple[int, ...] = ()


@dataclass(frozen=True, slots=True)
class Duplicate(_Record):
    """``article`` is an exact or near copy of ``duplicate_of`` (the earliest copy)."""

    article: str
    duplicate_of: str
    kind: str  # exact|near
    similarity: float = 1.0


@dataclass(frozen=True, slots=True)
class Event(_Record):
    """One happening: a set of articles about it, dated by when it happened."""

    id: str
    story: str
    date: str | None
    title: str
    articles: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Story(_Record):
    """A chain of events a reader follows over months or years."""

    id: str
    title: str
    events: tuple[str, ...] = ()
    articles: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Citation(_Record):
    """The sentence behind a timeline entry: an article and a character span."""

    article: str
    start: int
    end: int


@dataclass(frozen=True, slots=True)
class TimelineEntry(_Record):
    """One dated line of a story's timeline, with the citations behind it."""

    story: str
    date: str
    summary: str
    citations: tuple[Citation, ...] = ()
    sources: int = 1  # independent sources once copies are folded together
    event: str | None = None
    # a happening the story's articles recall from before the story began ("their first meeting in Geneva in June
    # 2021"), dated at its own granularity (``date`` is YYYY-MM-DD, YYYY-MM or YYYY)
    background: bool = False


@dataclass(frozen=True, slots=True)
class Analysis(_Record):
    """What the extract stage found in one article."""

    article: str
    dates: tuple[DateMention, ...] = ()
    mentions: tuple[Mention, ...] = ()
    quotes: tuple[Quote, ...] = ()


@dataclass(frozen=True, slots=True)
class Change(_Record):
    """One correction made by re-clustering, for the audit trail.

    ``kind``: ``move`` (an article to another event), ``split`` (an article leaves to open its own event),
    ``merge`` (event ``source`` folded into ``target``), ``relink`` (event ``subject`` to another story),
    ``story-merge`` (story ``source`` folded into ``target``).
    """

    kind: str
    subject: str
    source: str
    target: str
    source_story: str
    target_story: str
    reason: str


@dataclass(frozen=True, slots=True)
class SearchHit(_Record):
    """One full-text search result: an article, a quote or an entity.

    ``id`` is the article id (articles, quotes) or the entity id; ``title`` the article's title, the quote's
    speaker or the entity's name; ``snippet`` the matching words in context, matches in ``[brackets]``;
    ``score`` higher is better (comparable within one kind only); ``start``/``end`` the quote's span.
    """

    kind: str
    id: str
    title: str
    snippet: str
    score: float
    published: str | None = None
    duplicate_of: str | None = None
    start: int | None = None
    end: int | None = None


SEARCH_KINDS = ("article", "quote", "entity")  # what full-text search finds (``Store.search``)
