"""Provenance: which articles are one source (copies, shared wire copy), and "earliest first" order.

Articles are ordered "earliest first": published date ascending (undated last), then id; a duplicate
group's canonical and a passage's origin are the earliest of their carriers.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from functools import lru_cache

from storyline.dedupe.options import DedupeOptions
from storyline.dedupe.tokens import token_strings
from storyline.records import Article, Duplicate, Event, Passage
from storyline.text import sentence_spans
from storyline.unionfind import UnionFind


def independent_sources(
    article_ids: Iterable[str], duplicates: Iterable[Duplicate], passages: Iterable[Passage] = ()
) -> int:
    """Count the independent sources among ``article_ids``.

    Articles are folded together when one duplicates another, and when they share one of
    ``passages`` (pass only the passages behind the claim being counted: two outlets running
    the same KCNA statement are one source for it).

    Example:
        >>> independent_sources(["a", "b", "c"], [Duplicate("b", "a", "exact")])
        2
    """
    ids = list(dict.fromkeys(article_ids))
    groups = UnionFind[str]()
    for dup in duplicates:
        groups.union(dup.duplicate_of, dup.article)
    for passage in passages:
        for other in passage.articles[1:]:
            groups.union(passage.articles[0], other)
    return len({groups.root(i) for i in ids})


# A shared passage makes two articles one source only when it is wire copy: traced to an agency, or
# two sentences or more. One shared sentence is what outlets quoting the same speaker share anyway.
_COPY_MIN_SENTENCES = 2
# ... and never a short quotation: a few quoted words ("I don't know", "as soon as possible") are what
# outlets quoting one speaker share, whatever agency the carriers credit (on Timeline17 "I don't know",
# quoted in 67 articles and credited to Reuters by their bylines, folded them into one source).
_COPY_MIN_WORDS = DedupeOptions().passage_min_words


def is_wire_copy(passage: Passage) -> bool:
    """Whether sharing ``passage`` makes its carriers one source: two sentences or more, or traced to an agency
    and at least ``passage_min_words`` words long (a short shared quotation never is).

    Example:
        >>> is_wire_copy(Passage("p", "I don't know", ("a", "b"), "a", "Reuters"))
        False
    """
    return _wire_copy(passage.text, passage.origin_agency is not None)


@lru_cache(maxsize=1 << 16)
def _wire_copy(text: str, traced: bool) -> bool:
    # a pure function of the words, remembered: every read that counts independent sources asks it again
    if len(token_strings(text)) < _COPY_MIN_WORDS:
        return False
    return traced or len(sentence_spans(text)) >= _COPY_MIN_SENTENCES


def event_sources(
    events: Iterable[Event], duplicates: Iterable[Duplicate], passages: Iterable[Passage]
) -> dict[str, int]:
    """Independent sources behind each event: copies folded, and articles sharing wire copy folded.

    Two outlets quoting the same short remark heard it themselves and stay two sources; two
    outlets running the same agency paragraph (``origin_agency`` set, or two sentences or more)
    are one. Only passages carried by two of the event's own articles count.

    Example:
        >>> event_sources([Event("e", "s", None, "t", ("a", "b", "c"))], [Duplicate("b", "a", "exact")], [])
        {'e': 2}
    """
    dups = list(duplicates)
    by_article: dict[str, list[Passage]] = {}
    for p in passages:
        if is_wire_copy(p):
            for a in p.articles:
                by_article.setdefault(a, []).append(p)
    out: dict[str, int] = {}
    for ev in events:
        members = set(ev.articles)
        shared = {p.id: p for a in ev.articles for p in by_article.get(a, ())}
        inside = [Passage(p.id, p.text, tuple(a for a in p.articles if a in members)) for p in shared.values()]
        out[ev.id] = independent_sources(ev.articles, dups, inside)
    return out


def source_roots(
    duplicates: Iterable[Duplicate],
    passages: Iterable[Passage],
    wire_copy: Callable[[Passage], bool] = is_wire_copy,
) -> dict[str, str]:
    """Article -> the article standing for its independent source: copies and wire-copy carriers folded.

    The mapping has the shape of ``{d.article: d.duplicate_of}`` (articles that stand for themselves
    are absent), so it can replace it wherever sources are counted. The representative is a
    group's earliest article as the inputs name it (a duplicate's canonical, a passage's origin).
    ``wire_copy`` decides which passages fold their carriers (``is_wire_copy``, or the flag stored with it).
    """
    groups = UnionFind[str]()
    for d in duplicates:
        groups.union(d.duplicate_of, d.article)
    for p in passages:
        if wire_copy(p):
            for other in p.articles[1:]:
                groups.union(p.articles[0], other)
    return {a: r for a in list(groups.parent) if (r := groups.root(a)) != a}


def order_duplicates(duplicates: Iterable[Duplicate], articles: Mapping[str, Article]) -> list[Duplicate]:
    """Duplicates in the order ``find_duplicates`` returns them (by their article, earliest first)."""
    return sorted(duplicates, key=lambda d: earliest_first(articles[d.article]))


def order_passages(passages: Iterable[Passage], articles: Mapping[str, Article]) -> list[Passage]:
    """Passages in the order ``find_passages`` returns them (origin earliest first, then position)."""

    def key(p: Passage) -> tuple[bool, str, str, int, int, str]:
        origin = articles[p.origin_article or p.articles[0]]
        return (*earliest_first(origin), origin.text.find(p.text), -len(p.text), p.id)

    return sorted(passages, key=key)


def earliest_first(article: Article) -> tuple[bool, str, str]:
    return (article.published is None, article.published or "", article.id)
