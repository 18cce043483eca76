"""Human-readable output: stories and timelines as plain text (a wire-service chronology) or Markdown."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from storyline.compare import Claim, Comparison
from storyline.records import Article, Event, Story, TimelineEntry


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


def timeline_text(
    story: Story, entries: Sequence[TimelineEntry], articles: Mapping[str, Article], events: Sequence[Event] = ()
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
    for e in entries:
        src = "source" if e.sources == 1 else "sources"
        outlets = ", ".join(dict.fromkeys(_label(articles.get(c.article), c.article) for c in e.citations))
        out.append(f"{wire_date(e.date)} — {e.summary} ({outlets}; {e.sources} independent {src})")
        for c in e.citations:
            a = articles.get(c.article)
            out.append(f"    cites {c.article} ({a.source if a else '?'}) chars {c.start}-{c.end}")
    return "\n".join(out)


def timeline_markdown(story: Story, entries: Sequence[TimelineEntry], articles: Mapping[str, Article]) -> str:
    """One story as a Markdown chronology: a bold wire date, the summary, then its sources and spans."""
    out = [f"## {story.title}", "", f"*Story `{story.id}`*", ""]
    for e in entries:
        refs = ", ".join(
            f"{_label(articles.get(c.article), c.article)} `{c.article}` {c.start}-{c.end}" for c in e.citations
        )
        src = "source" if e.sources == 1 else "sources"
        out.append(f"- **{wire_date(e.date)}** — {e.summary} *({e.sources} independent {src}; {refs})*")
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
