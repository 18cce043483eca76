"""Timelines: each story as dated entries, each a short summary with citations to the sentences behind it.

First version: one entry per dated event. The entry's sentences are picked from the event's articles
(duplicates folded) for salience: sentences that mention the event's date, sit in the lead, and share
the event's vocabulary, without repeating each other. Every summary sentence is cited (article + span).
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from storyline.records import Article, Citation, DateMention, Event, Story, TimelineEntry
from storyline.text import sentence_spans, words

# a wire credit or dateline opening a sentence ("KYODO - ", "AMSELBURG, February 5 (MPA) - ") is not news
_LEAD_CREDIT = re.compile(
    r"^(?:[A-Z][A-Za-z .'’]{1,40},\s+[A-Z][a-z]{2,8}\.?\s+\d{1,2}\.?\s*)?(?:\([A-Za-z]{2,10}\)|/[A-Za-z]{2,10}/\.?)?\s*"
    r"(?:--?|—|–)\s+|^[A-Z][A-Z .'’]{2,40}(?:\s*\([A-Za-z]{2,10}\))?\s*(?:--?|—|–)\s+"
)
_CAPTION = re.compile(r"^(this|the) (picture|photo|image)|\(photo|photo:|file photo", re.I)


@dataclass(frozen=True, slots=True, kw_only=True)
class TimelineOptions:
    """How much of a story to show."""

    dates: int | None = None  # at most this many dates (the best-supported ones)
    per_date: int = 1  # summary sentences per date
    since: str | None = None
    until: str | None = None
    max_words: int = 60  # longer sentences make poor one-line summaries
    min_words: int = 6
    redundancy: float = 0.5  # word-set Jaccard above which a second sentence repeats the first


def independent_count(article_ids: Sequence[str], duplicate_of: Mapping[str, str]) -> int:
    """Articles in ``article_ids`` once copies are folded into their originals."""
    return len({duplicate_of.get(a, a) for a in article_ids})


def build_timeline(
    story: Story,
    events: Sequence[Event],
    articles: Mapping[str, Article],
    mentions: Mapping[str, Sequence[DateMention]],
    duplicate_of: Mapping[str, str],
    options: TimelineOptions = TimelineOptions(),
    *,
    sources: Mapping[str, int] | None = None,
) -> list[TimelineEntry]:
    """The story's timeline, oldest first.

    ``sources`` optionally gives each event's independent-source count (passages folded too);
    by default duplicates alone are folded.
    """
    dated = [e for e in events if e.story == story.id and e.date]
    if options.since:
        dated = [e for e in dated if e.date and e.date >= options.since]
    if options.until:
        dated = [e for e in dated if e.date and e.date <= options.until]
    entries = []
    for ev in dated:
        assert ev.date is not None
        originals = [a for a in ev.articles if a not in duplicate_of and a in articles]
        picks = pick_sentences(ev, originals, articles, mentions, options)
        if not picks:
            continue
        n_sources = sources[ev.id] if sources and ev.id in sources else independent_count(ev.articles, duplicate_of)
        summary = " ".join(articles[c.article].text[c.start : c.end] for c in picks)
        entries.append(TimelineEntry(story.id, ev.date, summary, tuple(picks), n_sources, ev.id))
    # several events on one date make one entry per event; the N best-supported dates are kept
    if options.dates is not None:
        support: Counter[str] = Counter()
        for e in entries:
            support[e.date] += e.sources
        keep = {d for d, _ in sorted(support.items(), key=lambda kv: (-kv[1], kv[0]))[: options.dates]}
        entries = [e for e in entries if e.date in keep]
    entries.sort(key=lambda e: (e.date, -e.sources))
    return entries


def pick_sentences(
    event: Event,
    article_ids: Sequence[str],
    articles: Mapping[str, Article],
    mentions: Mapping[str, Sequence[DateMention]],
    options: TimelineOptions,
) -> list[Citation]:
    """The event's ``per_date`` most salient, mutually non-redundant sentences."""
    vocab: Counter[str] = Counter()
    sents: list[tuple[str, int, int, int, list[str]]] = []
    for aid in article_ids:
        art = articles[aid]
        for pos, (s, e) in enumerate(sentence_spans(art.text)):
            credit = _LEAD_CREDIT.match(art.text, s, e) if pos < 2 else None
            if credit and credit.end() < e:
                s = credit.end()
            toks = words(art.text[s:e])
            sents.append((aid, s, e, pos, toks))
            vocab.update(set(toks))
    scored: list[tuple[float, str, int, int, set[str]]] = []
    for aid, s, e, pos, toks in sents:
        text = articles[aid].text[s:e]
        if not (options.min_words <= len(toks) <= options.max_words) or _CAPTION.search(text):
            continue
        if text.count('"') + text.count("“") + text.count("”") >= 2 and not re.search(r"\bsaid\b|\btold\b", text):
            continue  # a bare quotation reads badly as a summary
        shared = sum(1 for t in set(toks) if vocab[t] > 1) / max(1, len(set(toks)))
        dated = any(
            m.value == event.date and m.start >= s and m.end <= e for m in mentions.get(aid, ())
        )
        score = shared + (0.5 if dated else 0.0) + 1.0 / (1 + pos) + (0.2 if pos == 0 else 0.0)
        scored.append((score, aid, s, e, set(toks)))
    scored.sort(key=lambda x: (-x[0], x[1], x[2]))
    picks: list[Citation] = []
    chosen: list[set[str]] = []
    for _score, aid, s, e, tokset in scored:
        if any(len(tokset & c) / max(1, len(tokset | c)) > options.redundancy for c in chosen):
            continue
        picks.append(Citation(aid, s, e))
        chosen.append(tokset)
        if len(picks) >= options.per_date:
            break
    return picks
