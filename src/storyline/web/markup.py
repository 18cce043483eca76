"""Article text as HTML with its spans marked, and search snippets with their matches marked.

Pure functions, text in and ``Markup`` out: every piece of article text goes through ``markupsafe.escape`` before
it is joined with the few tags added here, so an article containing ``<script>``, ``javascript:`` links or raw HTML
shows them as text. Links are built only from ids and names, URL-quoted, under this site's own paths.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from itertools import pairwise
from urllib.parse import quote

from markupsafe import Markup, escape

from storyline.query import ArticleView


@dataclass(frozen=True, slots=True)
class Span:
    """A stretch of article text to mark: ``kind`` (date, entity, quote, passage) is its CSS class, ``href`` a
    link on it (dates and entities only: they are short and do not nest), ``title`` the words a hover shows."""

    start: int
    end: int
    kind: str
    title: str = ""
    href: str | None = None


# short spans are links and win where they overlap (dates over entities); long spans (quotes, passages) are
# classes on every piece they cover, so they can overlap each other and the short ones
SHORT = ("date", "entity")
LONG = ("quote", "passage")


def path(prefix: str, key: str) -> str:
    """A link under this site: ``prefix`` plus ``key`` URL-quoted whole (no slash or scheme can come through)."""
    return prefix + quote(key, safe="")


def marked(text: str, spans: Sequence[Span]) -> Markup:
    """``text`` escaped, with each span wrapped: short spans in ``<a>``/``<span>`` with their class, long spans as
    classes on the pieces they cover; a passage also opens with a link to its origin (``href``)."""
    n = len(text)
    owner: list[Span | None] = [None] * n
    for kind in SHORT:
        for s in sorted((s for s in spans if s.kind == kind), key=lambda s: (s.start, -s.end)):
            lo, hi = max(0, s.start), min(n, s.end)
            if lo < hi and all(o is None for o in owner[lo:hi]):
                owner[lo:hi] = [s] * (hi - lo)
    long_spans = [s for s in spans if s.kind in LONG and max(0, s.start) < min(n, s.end)]
    cuts = {0, n}
    for s in long_spans:
        cuts |= {max(0, s.start), min(n, s.end)}
    for i in range(1, n):
        if owner[i] is not owner[i - 1]:
            cuts.add(i)
    opening = {max(0, s.start): s for s in long_spans if s.kind == "passage" and s.href}
    out: list[str] = []
    bounds = sorted(cuts)
    for lo, hi in pairwise(bounds):
        if lo in opening:
            origin = opening[lo]
            out.append(f'<a class="origin" href="{escape(origin.href)}" title="{escape(origin.title)}">&#8599;</a>')
        covering = [s for s in long_spans if s.start <= lo and s.end >= hi]
        classes = sorted({s.kind for s in covering})
        titles = [s.title for s in covering if s.title]
        piece = escape(text[lo:hi])
        short = owner[lo]
        if short is not None:
            classes = [short.kind, *classes]
            titles = [short.title, *titles] if short.title else titles
        attrs = f' class="{" ".join(classes)}"' if classes else ""
        attrs += f' title="{escape(" · ".join(titles))}"' if titles else ""
        if short is not None and short.href:
            out.append(f'<a href="{escape(short.href)}"{attrs}>{piece}</a>')
        elif attrs:
            out.append(f"<span{attrs}>{piece}</span>")
        else:
            out.append(str(piece))
    return Markup("".join(out))


def article_spans(view: ArticleView) -> list[Span]:
    """The spans an article page marks: its dates (with the date each resolves to), entity mentions (linked to
    the merged entity's page), quotes (with their speaker) and shared passages (linked to their origin article)."""
    spans = [Span(d.start, d.end, "date", f"{d.value or 'unresolved'} ({d.granularity})") for d in view.dates]
    for m in view.mentions:
        name = view.entity_names.get(m.text, m.text)
        spans.append(Span(m.start, m.end, "entity", f"{name} ({m.type})", path("/entities/", name)))
    for q in view.quotes:
        who = q.speaker or "unknown speaker"
        spans.append(Span(q.start, q.end, "quote", f"{'said' if q.direct else 'reported'} by {who}"))
    for sp in view.passages:
        if sp.start < 0:
            continue  # not found verbatim: listed under the text, not marked in it
        origin = sp.passage.origin_article
        href = path("/articles/", origin) if origin and origin != view.article.id else None
        title = f"shared passage, origin {sp.origin}; also in {len(sp.carriers)}"
        # the passage as its origin writes it: its length in this article may differ by a few quote marks
        spans.append(Span(sp.start, sp.start + len(sp.passage.text), "passage", title, href))
    return spans


def article_html(view: ArticleView) -> Markup:
    """An article's text, escaped, with its dates, entities, quotes and shared passages marked and linked;
    paragraphs (one a line in stored text) as ``<p>``."""
    text = view.article.text
    spans = article_spans(view)
    paragraphs: list[str] = []
    start = 0
    for line in text.split("\n"):
        end = start + len(line)
        if line.strip():
            mine = [
                Span(
                    max(s.start, start) - start,
                    min(s.end, end) - start,
                    s.kind,
                    s.title,
                    s.href if s.start >= start else None,
                )
                for s in spans
                if s.start < end and s.end > start
            ]
            paragraphs.append(f"<p>{marked(line, mine)}</p>")
        start = end + 1
    return Markup("\n".join(paragraphs))


_MATCH = re.compile(r"\[([^\[\]]*)\]")


def snippet_html(snippet: str) -> Markup:
    """A search snippet (matches in ``[brackets]``) escaped, with each match in ``<mark>``."""
    out: list[str] = []
    at = 0
    for m in _MATCH.finditer(snippet):
        out.append(str(escape(snippet[at : m.start()])))
        out.append(f"<mark>{escape(m.group(1))}</mark>")
        at = m.end()
    out.append(str(escape(snippet[at:])))
    return Markup(" ".join("".join(out).split()))


def external_url(url: str | None) -> str | None:
    """An article's own address when it is a plain web address (http or https), else None: a stored URL is input,
    and a ``javascript:`` or ``data:`` one must never become a link."""
    if url and re.match(r"(?i)https?://[^\s\"'<>]+$", url.strip()):
        return url.strip()
    return None
