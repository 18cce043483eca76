"""Who said what behind each timeline entry: the attributed quotes a chronology shows under a dated line.

A read-time selection over stored records (quotes with their linked speakers, the entry's citations and its
event's articles); the CLI, the export and the web pages all take the quotes of an entry from here, so one limit
(``QUOTES_PER_ENTRY``) and one ranking hold everywhere.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from storyline.records import Event, Quote, TimelineEntry
from storyline.text import normalise

QUOTES_PER_ENTRY = 2  # a chronology line carries at most two voices (text, Markdown, JSON and the export alike)
_MIN_QUOTE_WORDS = 4  # shorter "quotes" are scare quotes or names ("satisfactory"), not statements


def entry_quotes(
    entry: TimelineEntry,
    quotes_by_article: Mapping[str, Sequence[Quote]],
    event_articles: Sequence[str] = (),
    limit: int = QUOTES_PER_ENTRY,
    seen: list[set[str]] | None = None,
) -> list[Quote]:
    """Who said what behind one timeline entry: attributed quotes from the articles it cites.

    Quotes inside a cited span come first (they are the entry's own words), then direct before reported
    speech, then quotes nearer the top of their article (news puts the main statement first). Quotes with
    no speaker are left out, and the same words carried by several articles (wire copy) appear once.
    The entry's event's other articles are searched when the cited ones hold fewer than ``limit`` quotes.
    A quote whose words the summary or an earlier quote already gives is left out; ``seen`` (the words of
    quotes shown by earlier entries) keeps one statement from being repeated down the timeline.
    """
    summary_words = set(_content_words(entry.summary))
    cited = list(dict.fromkeys(c.article for c in entry.citations))
    spans = {(c.article, c.start, c.end) for c in entry.citations}
    pool = cited + [a for a in event_articles if a not in set(cited)]
    ranked: list[tuple[tuple[int, int, int, int, int], Quote]] = []
    for order, art in enumerate(pool):
        for q in quotes_by_article.get(art, ()):
            if not q.speaker or len(q.text.split()) < _MIN_QUOTE_WORDS:
                continue
            inside = any(a == q.article and q.start < e and s < q.end for a, s, e in spans)
            rank = (0 if inside else 1, 0 if art in cited else 1, 0 if q.direct else 1, q.start, order)
            ranked.append((rank, q))
    ranked.sort(key=lambda kq: kq[0])
    out: list[Quote] = []
    seen = [] if seen is None else seen
    for _, q in ranked:
        words = set(_content_words(q.text))
        recent = summary_words.union(*seen[-_RECENT:])
        if not words or len(words & recent) >= _REPEATS * len(words):
            continue
        seen.append(words)
        out.append(q)
        if len(out) >= limit:
            break
    return out


_REPEATS = 0.7  # share of a quote's words already in the summary above which it would only repeat it
_RECENT = 6  # quotes shown just before that a new one must add to (a window, so common words do not pile up)


def _content_words(text: str) -> list[str]:
    return [w for w in re.findall(r"\w+", normalise(text)) if len(w) > 3]


@dataclass(frozen=True)
class QuoteIndex:
    """Quotes by article and events' members, built once for all the timelines of an export."""

    by_article: Mapping[str, Sequence[Quote]]
    members: Mapping[str, Sequence[str]]

    @classmethod
    def build(cls, quotes: Sequence[Quote], events: Sequence[Event] = ()) -> QuoteIndex:
        by_article: dict[str, list[Quote]] = {}
        for q in quotes:
            by_article.setdefault(q.article, []).append(q)
        return cls(by_article, {ev.id: ev.articles for ev in events})


def timeline_quotes(
    entries: Sequence[TimelineEntry],
    quotes: Sequence[Quote] | QuoteIndex,
    events: Sequence[Event] = (),
    limit: int = QUOTES_PER_ENTRY,
) -> dict[int, list[Quote]]:
    """``entry_quotes`` for every entry of a timeline but a background one, keyed by the entry's position (pass a
    ``QuoteIndex`` when building many timelines)."""
    index = quotes if isinstance(quotes, QuoteIndex) else QuoteIndex.build(quotes, events)
    out = {}
    seen: list[set[str]] = []
    for i, e in enumerate(entries):
        if e.background:
            continue  # a recalled happening: the cited article's quotes are about its own day, not this one
        found = entry_quotes(e, index.by_article, index.members.get(e.event or "", ()), limit, seen)
        if found:
            out[i] = found
    return out
