"""Human-readable output: stories and timelines as plain text (a wire-service chronology) or Markdown."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from storyline.compare import Claim, Comparison
from storyline.records import Article, Event, Quote, SearchHit, Story, TimelineEntry
from storyline.text import normalise


def story_summary(story: Story, events: Sequence[Event], articles: Mapping[str, Article]) -> dict[str, object]:
    """Date span, counts and outlets of one story."""
    evs = [e for e in events if e.story == story.id]
    dates = sorted(e.date for e in evs if e.date)
    outlets = sorted({_outlet(articles[a]) for a in story.articles if a in articles} - {""})
    return {
        "id": story.id,
        "title": story.title,
        "first": dates[0] if dates else None,
        "last": dates[-1] if dates else None,
        "events": len(evs),
        "articles": len(story.articles),
        "outlets": outlets,
    }


def _outlet(a: Article) -> str:
    return a.outlet or (a.wire_agencies[0] if a.wire_agencies else "")


def stories_text(stories: Sequence[Story], events: Sequence[Event], articles: Mapping[str, Article]) -> str:
    lines = []
    for s in stories:
        info = story_summary(s, events, articles)
        span = f"{info['first']} to {info['last']}" if info["first"] else "undated"
        outlets = ", ".join(info["outlets"]) or "outlets unknown"  # type: ignore[arg-type]
        lines.append(f"{s.id}  {s.title}")
        lines.append(f"    {span} · {info['events']} events · {info['articles']} articles · {outlets}")
    return "\n".join(lines)


_MONTHS = ("Jan.", "Feb.", "March", "April", "May", "June", "July", "Aug.", "Sept.", "Oct.", "Nov.", "Dec.")


def wire_date(iso: str) -> str:
    """A date as wire services print it: ``Sept. 13, 2023`` (AP style month abbreviations)."""
    try:
        y, m, d = (int(x) for x in iso[:10].split("-"))
    except ValueError:
        return iso
    return f"{_MONTHS[m - 1]} {d}, {y}"


def _label(a: Article | None, fallback: str) -> str:
    if a is None:
        return fallback
    return a.outlet or (a.wire_agencies[0] if a.wire_agencies else "") or a.source


QUOTES_PER_ENTRY = 2  # a chronology line carries at most two voices; JSON and `show` have the rest
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
    """``entry_quotes`` for every entry of a timeline, keyed by the entry's position (pass a ``QuoteIndex``
    when building many timelines)."""
    index = quotes if isinstance(quotes, QuoteIndex) else QuoteIndex.build(quotes, events)
    out = {}
    seen: list[set[str]] = []
    for i, e in enumerate(entries):
        found = entry_quotes(e, index.by_article, index.members.get(e.event or "", ()), limit, seen)
        if found:
            out[i] = found
    return out


_FUNCTION_WORDS = frozenset("The A An It Its This That These Those There Their They We He She".split())
_CHANNEL_CUES = frozenset({"report", "reports", "reported", "reporting", "quoting", "quoted", "carried", "cited", "citing"})


# Between two quoted parts of one statement: the first part's closing mark, the attribution, the next opening mark.
_ATTRIBUTION_BETWEEN = re.compile(r"[,;:]?[\"”]\s+[^\"“”]{1,200}?\s+[\"“]")


def quote_line(q: Quote, width: int = 220) -> str:
    """One quote as a chronology prints it: ``Kim Jong Un (via KCNA): "…"`` for direct words,
    ``According to Odile Franssen, work would begin …`` for reported speech, and the channel first when
    the verb is the channel's (``Yonhap, quoting KCNA, reports: Kim and Putin "…"``)."""
    text = " ".join(q.text.split())
    if q.direct:  # "A," said X in Brenholt. "B.": one statement quoted in parts; print the parts, not the attribution
        text = _ATTRIBUTION_BETWEEN.sub(" … ", text)
    if len(text) > width:
        text = text[: width - 1].rsplit(" ", 1)[0] + "…"
    if text.count('"') % 2:  # a partial quote cut by its attribution: close it so the line reads
        text += '"'
    words = f'"{text}"' if q.direct else text
    speaker = q.speaker or "an unnamed source"
    if speaker[:1].islower():  # "company", "officials": a common noun wants its article
        speaker = f"the {speaker}"
    if q.via and (q.cue or "").lower() in _CHANNEL_CUES:
        # Kim and Putin "discussed …," reports Yonhap, quoting KCNA: the verb is the channel's, not the speaker's
        quoting = f", quoting {', '.join(q.via[1:])}," if len(q.via) > 1 else ""
        return f"{q.via[0]}{quoting} {q.cue}: {speaker} {words}"
    via = f" (via {', '.join(q.via)})" if q.via else ""
    if not q.direct and q.speaker and f"{q.speaker} {q.cue}" in text:
        return f"{text}{via}"  # "…, Greyholm said, under an agreement …": the words attribute themselves
    if q.direct:
        return f"{speaker[:1].upper()}{speaker[1:]}{via}: {words}"
    first, _, rest = words.partition(" ")
    if first in _FUNCTION_WORDS:  # "The project was …" reads on after the comma as "the project was …"
        words = f"{first.lower()} {rest}"
    return f"According to {speaker}{via}, {words}"


def timeline_text(
    story: Story,
    entries: Sequence[TimelineEntry],
    articles: Mapping[str, Article],
    events: Sequence[Event] = (),
    quotes: Mapping[int, Sequence[Quote]] | None = None,
) -> str:
    """One story as a wire-service chronology; each entry names its outlets and cites its spans."""
    out = [f"== {story.title} ==", f"   story {story.id}"]
    if events:
        info = story_summary(story, events, articles)
        outlets = ", ".join(info["outlets"]) or "outlets unknown"  # type: ignore[arg-type]
        out.append(f"   {info['events']} events · {info['articles']} articles · {outlets}")
    out.append("")
    if not entries:
        out.append("   (no dated entries yet)")
    for i, e in enumerate(entries):
        src = "source" if e.sources == 1 else "sources"
        outlets = ", ".join(dict.fromkeys(_label(articles.get(c.article), c.article) for c in e.citations))
        out.append(f"{wire_date(e.date)} — {e.summary} ({outlets}; {e.sources} independent {src})")
        for q in (quotes or {}).get(i, ()):
            out.append(f"    > {quote_line(q)} [{q.article} chars {q.start}-{q.end}]")
        for c in e.citations:
            a = articles.get(c.article)
            out.append(f"    cites {c.article} ({a.source if a else '?'}) chars {c.start}-{c.end}")
    return "\n".join(out)


def timeline_markdown(
    story: Story,
    entries: Sequence[TimelineEntry],
    articles: Mapping[str, Article],
    quotes: Mapping[int, Sequence[Quote]] | None = None,
) -> str:
    """One story as a Markdown chronology: a bold wire date, the summary, then its sources and spans."""
    out = [f"## {story.title}", "", f"*Story `{story.id}`*", ""]
    for i, e in enumerate(entries):
        refs = ", ".join(
            f"{_label(articles.get(c.article), c.article)} `{c.article}` {c.start}-{c.end}" for c in e.citations
        )
        src = "source" if e.sources == 1 else "sources"
        out.append(f"- **{wire_date(e.date)}** — {e.summary} *({e.sources} independent {src}; {refs})*")
        for q in (quotes or {}).get(i, ()):
            out.append(f"  - > {quote_line(q)} (`{q.article}` {q.start}-{q.end})")
    return "\n".join(out) + "\n"


def comparison_text(title: str, comp: Comparison, articles: Mapping[str, Article], *, unique_limit: int = 8) -> str:
    """What each source reports: shared claims, tensions, then claims only one source makes."""
    def who(c: Claim) -> str:
        a = articles.get(c.article)
        day = f", {wire_date(c.published)}" if c.published else ""
        return f"{_label(a, c.article)}{day}"

    out = [f"== {title} ==", f"   {comp.event}"]
    if comp.first:
        firsts = ", ".join(dict.fromkeys(_label(articles.get(a), a) for a in comp.first))
        day = articles[comp.first[0]].published if comp.first[0] in articles else None
        out.append(f"   first reported by {firsts}" + (f" on {wire_date(day)}" if day else ""))
    out.append("")
    out.append(f"SHARED ({len(comp.shared)})")
    for s in comp.shared:
        out.append(f"  * {s.first.text}")
        out.append(f"      {s.sources} independent sources; first: {who(s.first)}; also: "
                   + "; ".join(who(c) for c in s.claims[1:]))
    out.append("")
    out.append(f"IN TENSION ({len(comp.tensions)})")
    for t in comp.tensions:
        out.append(f"  * [{t.kind}] {who(t.a)}: {t.a.text}")
        out.append(f"      vs {who(t.b)}: {t.b.text}")
    out.append("")
    out.append(f"ONLY ONE SOURCE ({len(comp.unique)})")
    for c in comp.unique[:unique_limit]:
        out.append(f"  * {who(c)}: {c.text}")
    if len(comp.unique) > unique_limit:
        out.append(f"  ... and {len(comp.unique) - unique_limit} more (--format json lists them all)")
    return "\n".join(out)


def comparison_markdown(title: str, comp: Comparison, articles: Mapping[str, Article]) -> str:
    """The comparison as Markdown sections."""
    def who(c: Claim) -> str:
        return f"{_label(articles.get(c.article), c.article)} (`{c.article}` {c.start}-{c.end})"

    out = [f"## {title}", "", f"*`{comp.event}`*", ""]
    if comp.first:
        out += ["First reported by " + ", ".join(_label(articles.get(a), a) for a in comp.first) + ".", ""]
    out += ["### Shared", ""]
    out += [f"- {s.first.text} — {s.sources} independent sources: " + "; ".join(who(c) for c in s.claims)
            for s in comp.shared] or ["- (none)"]
    out += ["", "### In tension", ""]
    out += [f"- **{t.kind}**: {who(t.a)}: {t.a.text} — vs — {who(t.b)}: {t.b.text}" for t in comp.tensions] or ["- (none)"]
    out += ["", "### Only one source", ""]
    out += [f"- {who(c)}: {c.text}" for c in comp.unique] or ["- (none)"]
    return "\n".join(out) + "\n"


def search_text(hits: Sequence[SearchHit]) -> str:
    """Search hits grouped by kind, best first; copies name the article they duplicate."""
    out: list[str] = []
    for kind, heading in (("article", "ARTICLES"), ("quote", "QUOTES"), ("entity", "ENTITIES")):
        mine = [h for h in hits if h.kind == kind]
        if not mine:
            continue
        out.append(f"{heading} ({len(mine)})")
        for h in mine:
            day = f"  {h.published}" if h.published else ""
            if kind == "article":
                copy = f"  (copy of {h.duplicate_of})" if h.duplicate_of else ""
                out.append(f"  {h.id}{day}  {h.title or '(untitled)'}{copy}")
            elif kind == "quote":
                out.append(f"  {h.title or '(speaker unknown)'}  {h.id} chars {h.start}-{h.end}{day}")
            else:
                out.append(f"  {h.id}  {h.title}")
            out.append(f"      {' '.join(h.snippet.split())}")
        out.append("")
    return "\n".join(out).rstrip()
