"""Human-readable output of what the query layer returns: stories, timelines (a wire-service chronology, or
Markdown), comparisons, an article with its spans highlighted, search hits, the audit trail. Text in, text out.

Article text is written by strangers, so every field of it is neutralised where it is printed: ``plain`` for text
(one line per field, no control characters: no faked entries, no terminal escape sequences) and ``md`` for
Markdown (HTML and Markdown syntax escaped: no raw ``<script>``, no links, no injected headings or tables). The
JSON outputs (export.py) keep the exact text; the web pages escape through Jinja2 and ``web.markup``."""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence
from typing import TYPE_CHECKING, Any

from storyline.calendar_words import AP_MONTHS, MONTH_NAMES
from storyline.export import outlet_of
from storyline.records import Article, Change, Quote, SearchHit, TimelineEntry

if TYPE_CHECKING:
    from storyline.compare import Claim, Comparison
    from storyline.query import ArticleView, History, StorySummary, TimelineView

Style = Callable[..., str]  # click.style's shape: (text, fg=..., bold=...) -> text with ANSI codes

# A line break of any kind (with the spaces around it): inside a field it would start a line of its own.
_BREAK = re.compile(r"[ \t]*[\r\n\v\f\x85\u2028\u2029]+[ \t]*")
# Control characters (ANSI escape sequences start with ESC) and the bidirectional overrides that reorder what a
# terminal shows (Trojan Source); tab and newline are handled apart.
_CONTROL = re.compile("[\x00-\x08\x0e-\x1f\x7f-\x9f\u200e\u200f\u202a-\u202e\u2066-\u2069]")
# Markdown's inline syntax: code, emphasis, links and images, tables (GFM), strikethrough, and the escape itself.
_MD_INLINE = re.compile(r"([\\`*_\[\]|~])")
# What turns a line into a heading, a quote, a list item or a thematic break when it opens the line.
_MD_LEAD = re.compile(r"^(#|>|-|\+|=|\d{1,9}(?=[.)]))")


def body(text: str) -> str:
    """Article text printed as a whole (``show``): its own line breaks kept, each control character shown as
    U+FFFD (one character for one, so offsets into the text still hold)."""
    return _CONTROL.sub("\ufffd", text)


def plain(text: str) -> str:
    """One field of article text for a terminal: on one line, control characters shown as U+FFFD."""
    return _BREAK.sub(" ", body(text))


def md(text: str) -> str:
    """One field of article text for Markdown: on one line, with HTML (``<``, ``>``, ``&`` as entities) and
    Markdown syntax escaped, so it renders as the text it is: no tags, no links (``javascript:`` or any), no
    emphasis, code, tables or headings."""
    text = plain(text).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    text = _MD_INLINE.sub(r"\\\1", text)
    lead = _MD_LEAD.match(text)
    if lead is None:
        return text
    if lead.group(1)[0].isdigit():  # "1. " opens an ordered list: escape the dot (or parenthesis) after the number
        n = lead.end()
        return f"{text[:n]}\\{text[n:]}"
    return "\\" + text


def stories_text(summaries: Sequence[StorySummary]) -> str:
    """Stories as a list: id and title, then date span, counts and outlets."""
    lines = []
    for info in summaries:
        span = f"{info.first} to {info.last}" if info.first else "undated"
        outlets = ", ".join(map(plain, info.outlets)) or "outlets unknown"
        lines.append(f"{info.id}  {plain(info.title)}")
        lines.append(f"    {span} · {info.events} events · {info.articles} articles · {outlets}")
    return "\n".join(lines)


_MONTHS = AP_MONTHS
_MONTH_NAMES = MONTH_NAMES


def wire_date(iso: str) -> str:
    """A date as wire services print it: ``Sept. 13, 2023`` (AP style month abbreviations); a month alone is
    spelled out (``June 2021``), a year stays as it is."""
    parts = iso[:10].split("-")
    try:
        nums = [int(x) for x in parts]
        if len(nums) == 2 and 1 <= nums[1] <= 12:
            return f"{_MONTH_NAMES[nums[1] - 1]} {nums[0]}"
        y, m, d = nums
        return f"{_MONTHS[m - 1]} {d}, {y}"
    except (ValueError, IndexError):
        return iso


def background_mark(entry: TimelineEntry) -> str:
    """What a chronology prints before a background entry's summary (recalled from before the story began)."""
    return "(background) " if entry.background else ""


def _label(a: Article | None, fallback: str) -> str:
    if a is None:
        return fallback
    return outlet_of(a) or a.source  # the path only when neither the metadata nor the dateline names an outlet


_FUNCTION_WORDS = frozenset("The A An It Its This That These Those There Their They We He She".split())
_CHANNEL_CUES = frozenset(
    {"report", "reports", "reported", "reporting", "quoting", "quoted", "carried", "cited", "citing"}
)


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


def timeline_text(view: TimelineView) -> str:
    """One story as a wire-service chronology; each entry names its outlets and cites its spans."""
    story, articles, quotes, info = view.story, view.articles, view.quotes, view.summary
    out = [f"== {plain(story.title)} ==", f"   story {story.id}"]
    if view.events:
        outlets = ", ".join(map(plain, info.outlets)) or "outlets unknown"
        out.append(f"   {info.events} events · {info.articles} articles · {outlets}")
    out.append("")
    if not view.entries:
        out.append("   (no dated entries yet)")
    for i, e in enumerate(view.entries):
        src = "source" if e.sources == 1 else "sources"
        outlets = ", ".join(dict.fromkeys(plain(_label(articles.get(c.article), c.article)) for c in e.citations))
        out.append(
            f"{wire_date(e.date)} — {background_mark(e)}{plain(e.summary)} ({outlets}; {e.sources} independent {src})"
        )
        for q in quotes.get(i, ()):
            out.append(f"    > {plain(quote_line(q))} [{q.article} chars {q.start}-{q.end}]")
        for c in e.citations:
            a = articles.get(c.article)
            # the outlet when the input names one (metadata, the dateline's agency), the article's path only when not
            out.append(f"    cites {c.article} ({plain(_label(a, '?'))}) chars {c.start}-{c.end}")
    return "\n".join(out)


def timeline_markdown(view: TimelineView) -> str:
    """One story as a Markdown chronology: a bold wire date, the summary, then its sources and spans."""
    story, articles = view.story, view.articles
    out = [f"## {md(story.title)}", "", f"*Story `{story.id}`*", ""]
    for i, e in enumerate(view.entries):
        refs = ", ".join(
            f"{md(_label(articles.get(c.article), c.article))} `{c.article}` {c.start}-{c.end}" for c in e.citations
        )
        src = "source" if e.sources == 1 else "sources"
        mark = "*background:* " if e.background else ""
        out.append(f"- **{wire_date(e.date)}** — {mark}{md(e.summary)} *({e.sources} independent {src}; {refs})*")
        for q in view.quotes.get(i, ()):
            out.append(f"  - > {md(quote_line(q))} (`{q.article}` {q.start}-{q.end})")
    return "\n".join(out) + "\n"


def comparison_text(title: str, comp: Comparison, articles: Mapping[str, Article], *, unique_limit: int = 8) -> str:
    """What each source reports: shared claims, tensions, then claims only one source makes."""

    def who(c: Claim) -> str:
        a = articles.get(c.article)
        day = f", {wire_date(c.published)}" if c.published else ""
        return f"{plain(_label(a, c.article))}{day}"

    out = [f"== {plain(title)} ==", f"   {comp.event}"]
    if comp.first:
        firsts = ", ".join(dict.fromkeys(plain(_label(articles.get(a), a)) for a in comp.first))
        day = articles[comp.first[0]].published if comp.first[0] in articles else None
        out.append(f"   first reported by {firsts}" + (f" on {wire_date(day)}" if day else ""))
    out.append("")
    out.append(f"SHARED ({len(comp.shared)})")
    for s in comp.shared:
        out.append(f"  * {plain(s.first.text)}")
        out.append(
            f"      {s.sources} independent sources; first: {who(s.first)}; also: "
            + "; ".join(who(c) for c in s.claims[1:])
        )
    out.append("")
    out.append(f"IN TENSION ({len(comp.tensions)})")
    for t in comp.tensions:
        out.append(f"  * [{t.kind}] {who(t.a)}: {plain(t.a.text)}")
        out.append(f"      vs {who(t.b)}: {plain(t.b.text)}")
    out.append("")
    out.append(f"ONLY ONE SOURCE ({len(comp.unique)})")
    for c in comp.unique[:unique_limit]:
        out.append(f"  * {who(c)}: {plain(c.text)}")
    if len(comp.unique) > unique_limit:
        out.append(f"  ... and {len(comp.unique) - unique_limit} more (--format json lists them all)")
    return "\n".join(out)


def comparison_markdown(title: str, comp: Comparison, articles: Mapping[str, Article]) -> str:
    """The comparison as Markdown sections."""

    def who(c: Claim) -> str:
        return f"{md(_label(articles.get(c.article), c.article))} (`{c.article}` {c.start}-{c.end})"

    out = [f"## {md(title)}", "", f"*`{comp.event}`*", ""]
    if comp.first:
        out += ["First reported by " + ", ".join(md(_label(articles.get(a), a)) for a in comp.first) + ".", ""]
    out += ["### Shared", ""]
    out += [
        f"- {md(s.first.text)} — {s.sources} independent sources: " + "; ".join(who(c) for c in s.claims)
        for s in comp.shared
    ] or ["- (none)"]
    out += ["", "### In tension", ""]
    out += [f"- **{t.kind}**: {who(t.a)}: {md(t.a.text)} — vs — {who(t.b)}: {md(t.b.text)}" for t in comp.tensions] or [
        "- (none)"
    ]
    out += ["", "### Only one source", ""]
    out += [f"- {who(c)}: {md(c.text)}" for c in comp.unique] or ["- (none)"]
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
                out.append(f"  {h.id}{day}  {plain(h.title or '(untitled)')}{copy}")
            elif kind == "quote":
                out.append(f"  {plain(h.title or '(speaker unknown)')}  {h.id} chars {h.start}-{h.end}{day}")
            else:
                out.append(f"  {h.id}  {plain(h.title or '')}")
            out.append(f"      {plain(' '.join(h.snippet.split()))}")
        out.append("")
    return "\n".join(out).rstrip()


def change_dict(change: Change) -> dict[str, str]:
    """One audit-trail change as a JSON-ready dict."""
    return {k: str(v) for k, v in change.as_dict().items()}


def history_text(found: History) -> str:
    """The audit trail of one story or event, one change a line."""
    if not found.changes:
        return f"{found.id}: no re-clustering changes (its members are as first assigned)"
    out = []
    for at, c in found.changes:
        where = f"{c.source} -> {c.target}"
        if c.source_story != c.target_story:
            where += f" (story {c.source_story} -> {c.target_story})"
        out.append(f"{at}  {c.kind:<11} {c.subject}  {where}: {plain(c.reason)}")
    return "\n".join(out)


def article_text(view: ArticleView, style: Style | None = None) -> str:
    """An article with its spans highlighted (``style``: ANSI colours; None: bracket markers), then its dates,
    entities and quotes one a line, its copies and the passages it shares."""
    art = view.article
    out = [f"{art.id}  {plain(art.title or '')}  ({art.published or 'undated'}, {plain(art.outlet or art.source)})"]
    out.append(highlight(body(art.text), view.dates, view.mentions, view.quotes, style))
    out.append("\ndates:")
    for d in view.dates:
        out.append(f"  {d.start:>6}  {d.text!r} -> {d.value or 'unresolved'} ({d.granularity})")
    out.append("entities:")
    for m in view.mentions:
        merged = view.entity_names.get(m.text)
        out.append(
            f"  {m.start:>6}  {m.text!r} {m.type}" + (f" = {plain(merged)}" if merged and merged != m.text else "")
        )
    out.append("quotes:")
    for q in view.quotes:
        via = f" via {' < '.join(q.via)}" if q.via else ""
        kind = "direct" if q.direct else "reported"
        line = f"{q.speaker or '(unknown)'} [{q.cue or '-'}, {kind}{via}]"
        out.append(f"  {q.start:>6}  {plain(line)}: {q.text[:100]!r}")
    out.append("copies:")
    for c in view.copies:
        verb = "copy" if c.role == "copy" else "copied"
        prep = "of" if c.role == "copy" else "by"
        out.append(f"  {verb} ({c.kind}, {c.similarity:.2f}) {prep} {c.other} ({plain(str(c.other_outlet))})")
    out.append("shared passages:")
    for sp in view.passages:
        carriers = sp.carriers
        out.append(
            f"  {sp.start if sp.start >= 0 else '-':>6}  origin {sp.origin}; also in {len(carriers)}: "
            f"{', '.join(carriers[:6])}{' …' if len(carriers) > 6 else ''}: {sp.passage.text[:90]!r}"
        )
    return "\n".join(out)


def highlight(
    text: str, dates: Sequence[Any], mentions: Sequence[Any], quotes: Sequence[Any], style: Style | None
) -> str:
    """``text`` with spans marked: ANSI colours through ``style``, or bracket markers when ``style`` is None.

    Dates win over entities, entities over quotes, where spans overlap.
    """
    # one layer per kind; a character takes the first layer that covers it
    layers: list[tuple[str, list[tuple[int, int, str]]]] = [
        ("date", [(d.start, d.end, d.value or "?") for d in dates]),
        ("entity", [(m.start, m.end, m.type) for m in mentions]),
    ]
    owner: list[tuple[str, int] | None] = [None] * len(text)
    for kind, spans in layers:
        for i, (s, e, _) in enumerate(spans):
            if all(owner[p] is None for p in range(s, min(e, len(text)))):
                for p in range(s, min(e, len(text))):
                    owner[p] = (kind, i)
    labels = {kind: spans for kind, spans in layers}
    quote_at = [False] * len(text)
    for q in quotes:
        for p in range(q.start, min(q.end, len(text))):
            quote_at[p] = True
    colours = {"date": "yellow", "entity": "cyan"}
    out: list[str] = []
    p = 0
    while p < len(text):
        if quote_at[p] and (p == 0 or not quote_at[p - 1]) and style is None:
            out.append("<<")
        o = owner[p]
        if o is not None:
            kind, i = o
            s, e, label = labels[kind][i]
            piece = text[p:e]
            out.append(style(piece, fg=colours[kind], bold=True) if style else f"[{piece}]{{{label}}}")
            p = e
        else:
            q = p
            while q < len(text) and owner[q] is None and quote_at[q] == quote_at[p]:
                q += 1
            piece = text[p:q]
            out.append(style(piece, fg="green") if style and quote_at[p] else piece)
            p = q
        if style is None and quote_at[p - 1] and (p == len(text) or not quote_at[p]):
            out.append(">>")
    return "".join(out)


# --------------------------------------------------------------------------- pieces the web pages lay out


def source_label(article: Article | None, fallback: str) -> str:
    """The name a page shows for an article's source: its outlet, else the wire agency it carries, else its path."""
    return _label(article, fallback)


def cited_context(text: str, start: int, end: int, *, around: int = 1) -> tuple[str, str, str]:
    """A citation in its context, for a citation that expands in place: ``(before, cited, after)``, where
    ``cited`` is ``text[start:end]`` and the context runs to the ends of the sentences ``around`` sentences
    either side of the cited ones (one sentence either side reads as context without becoming the article)."""
    from storyline.text import sentence_spans

    start, end = max(0, min(start, len(text))), max(0, min(end, len(text)))
    spans = sentence_spans(text)
    inside = [i for i, (s, e) in enumerate(spans) if s < max(end, start + 1) and e > start]
    if not inside:
        return "", text[start:end], ""
    first, last = max(0, inside[0] - around), min(len(spans) - 1, inside[-1] + around)
    lo, hi = min(spans[first][0], start), max(spans[last][1], end)
    return text[lo:start], text[start:end], text[end:hi]


def comparison_columns(comp: Comparison, articles: Mapping[str, Article]) -> list[tuple[str, list[tuple[Claim, bool]]]]:
    """The claims only one source makes, grouped by outlet (the columns of a side-by-side), each flagged when it
    stands in a tension; outlets in the order they first reported (the comparison's own order of claims)."""
    tense = {(c.article, c.start) for t in comp.tensions for c in (t.a, t.b)}
    columns: dict[str, list[tuple[Claim, bool]]] = {}
    for a in comp.first:
        columns.setdefault(_label(articles.get(a), a), [])
    for c in comp.unique:
        columns.setdefault(_label(articles.get(c.article), c.article), []).append((c, (c.article, c.start) in tense))
    return [(outlet, claims) for outlet, claims in columns.items() if claims]
