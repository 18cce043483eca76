"""Human-readable output: stories and timelines as plain text (a wire-service chronology) or Markdown."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

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


def timeline_text(
    story: Story, entries: Sequence[TimelineEntry], articles: Mapping[str, Article], events: Sequence[Event] = ()
) -> str:
    """One story as a dated chronology; each entry lists the articles (and spans) it cites."""
    out = [f"== {story.title} ==", f"   story {story.id}"]
    if events:
        info = story_summary(story, events, articles)
        outlets = ", ".join(info["outlets"]) or "outlets unknown"  # type: ignore[arg-type]
        out.append(f"   {info['events']} events · {info['articles']} articles · {outlets}")
    if not entries:
        out.append("   (no dated entries yet)")
    for e in entries:
        src = "source" if e.sources == 1 else "sources"
        out.append(f"{e.date}  {e.summary}")
        out.append(f"            [{e.sources} independent {src}]")
        for c in e.citations:
            a = articles.get(c.article)
            label = (a.outlet or a.source) if a else c.article
            out.append(f"            cites {c.article} ({label}) chars {c.start}-{c.end}")
    return "\n".join(out)


def timeline_markdown(story: Story, entries: Sequence[TimelineEntry], articles: Mapping[str, Article]) -> str:
    out = [f"## {story.title}", "", f"*Story `{story.id}`*", ""]
    for e in entries:
        refs = ", ".join(
            f"[{(articles[c.article].outlet or articles[c.article].source) if c.article in articles else c.article}]"
            f" `{c.article}` {c.start}-{c.end}"
            for c in e.citations
        )
        out.append(f"- **{e.date}** {e.summary} ({e.sources} independent sources; {refs})")
    return "\n".join(out) + "\n"
