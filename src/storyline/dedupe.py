"""Dedupe stage: duplicate articles, and passages that several articles reuse.

Two questions, both answered without comparing every pair of articles:

1. **Duplicates.** Which articles are copies of an earlier one? Exact copies share a content
   hash; near copies (trimmed, re-headlined, a boilerplate line added) are found with
   MinHash + LSH over word 5-shingles and confirmed with the exact Jaccard of the shingle
   sets. Every copy points at the earliest member of its group (no chains).
2. **Passages.** Which spans of text (a quoted statement, a wire paragraph) appear in two or
   more articles that are not copies of each other, who had them first, and which news
   agency they are attributed to? Each article contributes postings to one sorted index: its
   winnowed word 5-grams (MOSS-style fingerprints, which guarantee a common posting for every
   shared run of 10 words or more; see ``_WINNOW_W``) and every 4-gram inside quotation marks.
   A key's list holds one entry per duplicate group (its earliest carrier's first posting), and
   an entry is paired only with the nearest earlier entry of its key that lies on a common
   10-word run, looking back at most ``_LOOKBACK`` entries (so a passage carried by 500 outlets
   costs ~499 pairs, not 124,750); pairs are grown to maximal common spans all at once with numpy,
   and each span is looked up again through its first window's posting (its anchor) to find every
   article carrying it. What an article finds depends only on its text and those windows, which
   is what lets ``dedupe_update`` add an article by re-deriving only its neighbours.

Matching works on word tokens of NFKC-normalised, lower-cased text split at anything that
is not a letter or digit, so curly vs straight quotes, case, punctuation and "Jong-un" vs
"Jong Un" do not break a match; token character offsets map every span back to the exact
characters of each article.

Articles are ordered "earliest first": published date ascending (undated last), then id.
"""

from __future__ import annotations

import bisect
import functools
import itertools
import re
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from itertools import islice

import numpy as np
import numpy.typing as npt
from datasketch import MinHashLSH

from storyline.agencies import agency_spans, dateline_credit, local_agencies
from storyline.records import Article, Duplicate, Event, Passage, content_id
from storyline.text import normalise, sentence_spans, text_hash

__all__ = [
    "DedupeOptions",
    "IndexKeys",
    "dedupe",
    "event_sources",
    "find_duplicates",
    "find_passages",
    "independent_sources",
    "is_reuse",
    "index_keys",
    "is_wire_copy",
    "order_duplicates",
    "order_passages",
    "source_roots",
]

_U64 = npt.NDArray[np.uint64]
_I64 = npt.NDArray[np.int64]


@dataclass(frozen=True, slots=True, kw_only=True)
class DedupeOptions:
    """Options for the dedupe stage; every default says where it comes from."""

    # Jaccard of word 5-shingle sets at or above which two articles are the same story.
    # A copy that keeps a fraction f of its source's text and adds little scores about f:
    # dropping the last of five paragraphs and adding a headline and a boilerplate line gives
    # ~0.75 (tests/test_dedupe.py builds exactly that case), while different reports of one
    # event that share quotes score far lower (the five seeds: at most 0.09 for any pair).
    # 0.7 is also the common cut-off for word-5-gram MinHash near-dedup (e.g. BigCode's).
    near_threshold: float = 0.7
    shingle_words: int = 5
    num_perm: int = 128
    # LSH only proposes candidates; the exact Jaccard decides. With 128 permutations an LSH
    # threshold of 0.7 finds only 44% of pairs at J = 0.7 (datasketch picks b=14, r=9), while
    # 0.5 (b=25, r=5) finds 99% of them and 5.5% of pairs at J = 0.3, which the exact check drops.
    lsh_margin: float = 0.2
    # Shortest reused span reported when it is not a shared quotation. Stock phrases match
    # by chance: across the five seeds the longest such match is 8 words ("leader Kim Jong
    # Un and Russian President Vladimir Putin", between two reports two years apart), so 10
    # leaves a margin; the seeds' reused sentences and wire paragraphs are 14-35 words long.
    passage_min_words: int = 10
    # Shorter spans count only as a shared quotation: a whole quotation of at least this many
    # words in one article that is also inside quotation marks in the other. Outlets excerpt
    # a few words of a statement verbatim, e.g. bilateral "strategic and tactical cooperation"
    # (4 words) in three seeds; 4 is the shortest such excerpt there, and unquoted chance
    # phrases ("North Korean leader Kim Jong Un") can never pass.
    quoted_min_words: int = 4

    def __post_init__(self) -> None:
        if not 0.0 < self.near_threshold <= 1.0:
            raise ValueError(f"near_threshold must be in (0, 1], got {self.near_threshold}")
        if self.shingle_words < 1:
            raise ValueError(f"shingle_words must be at least 1, got {self.shingle_words}")
        if self.num_perm < 2:
            raise ValueError(f"num_perm must be at least 2, got {self.num_perm}")
        if not 0.0 <= self.lsh_margin < self.near_threshold:
            raise ValueError(
                f"lsh_margin must be in [0, near_threshold={self.near_threshold}), got {self.lsh_margin}"
            )
        if self.quoted_min_words < 2:
            raise ValueError(f"quoted_min_words must be at least 2, got {self.quoted_min_words}")
        if self.passage_min_words < self.quoted_min_words:
            raise ValueError(
                f"passage_min_words ({self.passage_min_words}) must be at least "
                f"quoted_min_words ({self.quoted_min_words})"
            )


# --------------------------------------------------------------------------- public API


def find_duplicates(articles: Sequence[Article], options: DedupeOptions = DedupeOptions()) -> list[Duplicate]:
    """Find exact and near-duplicate articles.

    Args:
        articles: the articles, in any order; ids must be unique.
        options: thresholds (see ``DedupeOptions``).

    Returns:
        One ``Duplicate`` per article that copies an earlier one, pointing at the earliest
        member of its group (published ascending, undated last, then id), in that order.
        ``kind`` is ``"exact"`` when its content hash equals the canonical's, else ``"near"``;
        ``similarity`` is the Jaccard of their 5-shingle sets (groups are joined transitively,
        so a copy of a copy can score below ``near_threshold`` against the canonical).

    Raises:
        ValueError: two articles share an id.

    Example:
        >>> find_duplicates([Article(id="b", source="y", text='He said  \u201cyes\u201d.'),
        ...                  Article(id="a", source="x", text='He said "yes".')])
        [Duplicate(article='b', duplicate_of='a', kind='exact', similarity=1.0)]
    """
    return _Corpus(articles, options).duplicates


def find_passages(articles: Sequence[Article], options: DedupeOptions = DedupeOptions()) -> list[Passage]:
    """Find spans of text shared by two or more articles that are not copies of each other.

    Args:
        articles: the articles, in any order; ids must be unique.
        options: span lengths (see ``DedupeOptions``).

    Returns:
        Passages ordered by origin article (earliest first) then position in it. ``text`` is
        the span exactly as the origin (earliest) article writes it, ``articles`` every article
        containing it (earliest first), ``origin_agency`` the news agency the text around it
        credits, if any. A span shorter than ``passage_min_words`` counts only where it is
        quoted.

    Raises:
        ValueError: two articles share an id.
    """
    return dedupe(articles, options)[1]


def dedupe(
    articles: Sequence[Article], options: DedupeOptions = DedupeOptions()
) -> tuple[list[Duplicate], list[Passage]]:
    """``find_duplicates`` and ``find_passages`` together, tokenising the articles once."""
    corpus = _Corpus(articles, options)
    return corpus.duplicates, _Passages(corpus).run()


def index_keys(articles: Sequence[Article], options: DedupeOptions = DedupeOptions()) -> dict[str, list[int]]:
    """The keys under which each article goes into the persistent dedupe index (signed 64-bit ints).

    Two articles that could be duplicates or share a passage always share a key:
    - winnowed word 5-grams (window 6; Schleimer et al. 2003): any shared run of
      ``passage_min_words`` = 10 words holds six consecutive 5-grams, whose minimum both select;
    - every 4-word n-gram inside quotation marks (shared quotations of 4-9 words);
    - the content hash (exact copies, even too short for n-grams);
    - the MinHash LSH band keys (near-duplicate candidates).
    A key shared by chance only widens what an incremental update recomputes, never its result.
    """
    return dict(_Corpus(articles, options).keys())


class IndexKeys(Mapping[str, list[int]]):
    """Article id -> its keys in the persistent index (``index_keys``), held as two flat arrays.

    Lists are made only for the articles asked for; ``flat`` hands a store every key at once (at 100k
    articles the index has ~45M keys, which as Python ints would take ~2 GB).
    """

    def __init__(self, ids: list[str], keys: npt.NDArray[np.int64], owners: _I64) -> None:
        self._ids = ids
        self._pos = {a: i for i, a in enumerate(ids)}
        self._keys = keys
        self._owners = owners  # index into ``ids`` of each key's article, ascending
        self._bounds = np.searchsorted(owners, np.arange(len(ids) + 1))

    def __getitem__(self, article: str) -> list[int]:
        i = self._pos[article]
        return list(self._keys[self._bounds[i] : self._bounds[i + 1]].tolist())

    def __iter__(self) -> Iterator[str]:
        return iter(self._ids)

    def __len__(self) -> int:
        return len(self._ids)

    def flat(self) -> tuple[npt.NDArray[np.int64], _I64]:
        """Every key, and the position of its article in iteration order."""
        return self._keys, self._owners


class _UnionFind:
    """Disjoint sets over hashable items; the first item of a union stays the root."""

    def __init__(self) -> None:
        self.parent: dict[str, str] = {}

    def root(self, x: str) -> str:
        parent = self.parent
        parent.setdefault(x, x)
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    def union(self, first: str, other: str) -> None:
        ra, rb = self.root(first), self.root(other)
        if ra != rb:
            self.parent[rb] = ra


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
    groups = _UnionFind()
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
    if len(_token_strings(passage.text)) < _COPY_MIN_WORDS:
        return False
    return passage.origin_agency is not None or len(sentence_spans(passage.text)) >= _COPY_MIN_SENTENCES


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


def source_roots(duplicates: Iterable[Duplicate], passages: Iterable[Passage]) -> dict[str, str]:
    """Article -> the article standing for its independent source: copies and wire-copy carriers folded.

    The mapping has the shape of ``{d.article: d.duplicate_of}`` (articles that stand for themselves
    are absent), so it can replace it wherever sources are counted. The representative is a
    group's earliest article as the inputs name it (a duplicate's canonical, a passage's origin).
    """
    groups = _UnionFind()
    for d in duplicates:
        groups.union(d.duplicate_of, d.article)
    for p in passages:
        if is_wire_copy(p):
            for other in p.articles[1:]:
                groups.union(p.articles[0], other)
    return {a: r for a in list(groups.parent) if (r := groups.root(a)) != a}


def order_duplicates(duplicates: Iterable[Duplicate], articles: Mapping[str, Article]) -> list[Duplicate]:
    """Duplicates in the order ``find_duplicates`` returns them (by their article, earliest first)."""
    return sorted(duplicates, key=lambda d: _earliest_first(articles[d.article]))


def order_passages(passages: Iterable[Passage], articles: Mapping[str, Article]) -> list[Passage]:
    """Passages in the order ``find_passages`` returns them (origin earliest first, then position)."""

    def key(p: Passage) -> tuple[bool, str, str, int, int, str]:
        origin = articles[p.origin_article or p.articles[0]]
        return (*_earliest_first(origin), origin.text.find(p.text), -len(p.text), p.id)

    return sorted(passages, key=key)


# --------------------------------------------------------------------------- tokens

_WORD_SPLIT = re.compile(r"[^\W_]+")
# Letters and digits; everything else (quotes, hyphens, apostrophes) separates words.
_TOKEN_SPLIT = re.compile(r"([^\W_]+)")
# Multiplier of the polynomial hashes (odd, so it is invertible mod 2**64, which the prefix-sum
# token hash below relies on).
_POLY = np.uint64(0x9E3779B97F4A7C15)
_POLY_INV = np.uint64(pow(0x9E3779B97F4A7C15, -1, 2**64))
_MAX_U64 = np.uint64(2**64 - 1)


def _earliest_first(article: Article) -> tuple[bool, str, str]:
    return (article.published is None, article.published or "", article.id)


@functools.lru_cache(maxsize=1)
def _word_chars() -> npt.NDArray[np.bool_]:
    """Code point -> is a letter or digit (``[^\\W_]``), for every Unicode code point."""
    table = np.zeros(0x110000, dtype=np.bool_)
    ascii_word = [c for c in range(128) if chr(c).isalnum()]
    table[ascii_word] = True
    # Outside ASCII, ask re (the same definition the slow path and _TOKEN_SPLIT use).
    chars = "".join(map(chr, range(128, 0x110000))).encode("utf-32-le", "surrogatepass")
    text = chars.decode("utf-32-le", "surrogatepass")
    for m in _WORD_SPLIT.finditer(text):
        table[128 + m.start() : 128 + m.end()] = True
    return table


@functools.lru_cache(maxsize=8)
def _powers(size: int) -> tuple[_U64, _U64]:
    """``_POLY ** i`` and ``_POLY_INV ** i`` for ``i < size``, wrapping mod 2**64."""
    with np.errstate(over="ignore"):
        p = np.cumprod(np.full(size, _POLY, dtype=np.uint64))
        q = np.cumprod(np.full(size, _POLY_INV, dtype=np.uint64))
    one = np.ones(1, dtype=np.uint64)
    return np.concatenate([one, p[:-1]]), np.concatenate([one, q[:-1]])


def _mix(x: _U64) -> _U64:
    """splitmix64's finaliser: spreads the bits of polynomial hashes (vectorised, wrapping)."""
    with np.errstate(over="ignore"):
        x = x ^ (x >> np.uint64(30))
        x = x * np.uint64(0xBF58476D1CE4E5B9)
        x = x ^ (x >> np.uint64(27))
        x = x * np.uint64(0x94D049BB133111EB)
        return x ^ (x >> np.uint64(31))


def _string_hash(token: str) -> int:
    """The hash ``_tokenise`` gives a token, computed for one string (the slow path)."""
    h = 0
    for ch in token:
        h = (h * int(_POLY) + ord(ch)) % 2**64
    return int(_mix(np.asarray([h], dtype=np.uint64))[0])


def _tokenise(text: str) -> tuple[_U64, _I64, _I64]:
    """Hashes of the normalised word tokens of ``text``, with their character offsets in ``text``.

    The definition for one text; the stage runs ``_tokenise_batch``, which must give the same result.

    A token is a run of letters and digits of the lower-cased text; its hash is a polynomial over
    its code points computed for all tokens at once from prefix sums (hash(s, e) =
    P**(e-1) * (G[e] - G[s]) with G the prefix sums of c_j * P**-j), then mixed. Tokens that
    NFKC changes (ligatures, full-width letters) are hashed in their NFKC form one by one.
    """
    low = text.lower()
    slow_all = len(low) != len(text)  # lower() lengthens a few characters (e.g. "İ"): keep offsets true
    if slow_all:
        low = text
    cp = np.frombuffer(low.encode("utf-32-le", "surrogatepass"), dtype=np.uint32)
    word = _word_chars()[cp]
    edges = np.flatnonzero(np.diff(np.concatenate(([False], word, [False])).view(np.int8)))
    starts = edges[0::2].astype(np.int64)
    ends = edges[1::2].astype(np.int64)
    if starts.size == 0:
        return np.zeros(0, np.uint64), starts, ends
    size = 1 << int(cp.size).bit_length()  # a few cached table sizes serve every text
    pw, pinv = _powers(size + 1)
    with np.errstate(over="ignore"):
        g = np.concatenate(([np.uint64(0)], np.cumsum(cp.astype(np.uint64) * pinv[: cp.size], dtype=np.uint64)))
        hashes = _mix(pw[ends - 1] * (g[ends] - g[starts]))
    if slow_all or not low.isascii():
        fixed = hashes.tolist()
        for n, (s, e) in enumerate(zip(starts.tolist(), ends.tolist())):
            tok = low[s:e]
            if slow_all or not tok.isascii():
                norm = normalise(tok).replace(" ", "")
                if norm != tok:
                    fixed[n] = _string_hash(norm)
        hashes = np.asarray(fixed, dtype=np.uint64)
    return hashes, starts, ends


_DOUBLE_QUOTES = re.compile(r'["“”„«»]')
_ANY_QUOTE = re.compile(r"[\"“”„«»'‘’]")
# A single-quoted stretch: opening quote at a word start, closing quote at a word end and
# not followed by a letter (so the apostrophe in "Kim's" neither opens nor closes). The
# look-behind sits after the opening quote so the regex engine can skip ahead to quote characters.
_SINGLE_QUOTED = re.compile(r"['‘](?<![\w'’‘]['‘])(?=[^\W_])[^\n]*?(?<=\S)['’](?![^\W_])")


def _quoted_spans(text: str) -> list[tuple[int, int]]:
    """Character spans of ``text`` inside quotation marks (quotes are paired within a paragraph).

    A line break closes a quotation left open (it runs to the end of its paragraph), as does the end of the text.
    """
    if not _ANY_QUOTE.search(text):
        return []
    spans: list[tuple[int, int]] = []
    opened = -1
    line_end = -1  # end of the paragraph holding the open quotation
    for m in _DOUBLE_QUOTES.finditer(text):
        ch, pos = m.group(), m.start()
        if opened >= 0 and pos > line_end:  # the quotation's paragraph ended before this mark
            spans.append((opened, line_end))
            opened = -1
        if ch in "“„«" or (ch == '"' and opened < 0):
            if opened < 0:
                opened = pos
                nl = text.find("\n", pos)
                line_end = len(text) if nl < 0 else nl
        elif opened >= 0:
            spans.append((opened, pos + 1))
            opened = -1
    if opened >= 0:
        spans.append((opened, line_end))
    spans.extend((m.start(), m.end()) for m in _SINGLE_QUOTED.finditer(text))
    return spans


def _quoted_tokens(text: str, starts: _I64) -> npt.NDArray[np.bool_]:
    """Which tokens (by start offset) lie inside quotation marks."""
    spans = _quoted_spans(text)
    if not spans or starts.size == 0:
        return np.zeros(starts.size, dtype=np.bool_)
    delta = np.zeros(len(text) + 1, dtype=np.int32)
    for s, e in spans:
        delta[s] += 1
        delta[e] -= 1
    return (np.cumsum(delta)[starts] > 0)


# --------------------------------------------------------------------------- corpus

# Winnowing (Schleimer, Wilkerson & Aiken 2003, MOSS) over word 5-grams with a window of 6: every window
# of 6 consecutive 5-grams selects its minimum (the first one on ties). Guarantee: two articles sharing a
# run of at least 6 + 5 - 1 = 10 words (``passage_min_words``) both select the same 5-gram inside it, at
# the same offset from the run's start, because the first window inside the run has the same content in
# both. Shorter shared runs are found only if a selected 5-gram falls in them (they never become
# passages unless they are quotations, which have keys of their own). About 2 / (6 + 1) = 29% of an
# article's 5-grams are selected, so the pairing index is 3.5 times smaller than one over every n-gram.
_WINNOW_K = 5
_WINNOW_W = 6
# Tags that keep the kinds of index keys apart (one table holds them all).
_TAG_QUOTED = np.uint64(0x51F15EED)
_TAG_BAND = np.uint64(0xB4ADB4AD)
# Characters tokenised per numpy batch: big enough that per-call overhead vanishes (a T17 article is ~7k
# characters), small enough that the batch's temporaries (~40 bytes per character) stay in the caches' reach.
_BATCH_CHARS = 1 << 20
# Each posting is paired with up to this many earlier postings of the same key (from other duplicate
# groups): a stock 5-gram ("the united states and the") that some unrelated article selects too can sit
# between two carriers of a passage; looking further back than the neighbour steps over such articles.
# A passage of 2 sentences holds ~10 selected 5-grams, and all of them would need 8 strangers in between.
_LOOKBACK = 8
# Text that one outlet alone carries, in this many of its articles that are not copies of one another, is that
# outlet's furniture (page footers, comment rules, newsletter plugs, a standing background paragraph) that the
# text extractor left in, not copy passed between outlets. On Timeline17's raw pages such spans were the largest
# "passages" (a Reuters footer in 906 articles, CNN's comment rules in 97) and, credited to the outlet, folded
# all its articles into one source. An outlet's own updated story (two to four versions sharing paragraphs)
# stays a passage, as does any span that a second outlet carries.
_FURNITURE_ARTICLES = 5


def is_reuse(groups: Iterable[object], outlets: Iterable[str | None]) -> bool:
    """Whether a span carried by articles of these duplicate ``groups`` and ``outlets`` is a reused passage.

    Two groups at least (a copy and its source share everything), and not one outlet's furniture
    (``_FURNITURE_ARTICLES``). Articles of unknown outlet never make furniture.

    Example:
        >>> is_reuse({"a", "b"}, ["Kyodo", "TASS"]), is_reuse({"a"}, ["Kyodo", "Kyodo"])
        (True, False)
    """
    distinct = set(groups)
    if len(distinct) < 2:
        return False
    named = set(outlets)
    return not (len(distinct) >= _FURNITURE_ARTICLES and len(named) == 1 and not ({None, ""} & named))


def _grams_inside(h: _U64, k: int, tok_doc: _I64, tok_end: _I64) -> tuple[_U64, _I64, _I64]:
    """Hashes of the k-grams that end inside their article, with their start positions and articles."""
    g = _gram_hashes(h, k)
    pos = np.flatnonzero(np.arange(g.size) + k <= tok_end[: g.size])
    return g[pos], pos, tok_doc[pos]


def _winnow(g: _U64, docs: _I64, n_docs: int) -> _I64:
    """Indices into ``g`` that winnowing selects: the first minimum of each window of grams in one article.

    An article with 1-5 grams (5-9 words) has no full window: its first gram stands for it.
    """
    w = _WINNOW_W
    picked: list[_I64] = []
    if g.size >= w:
        m = g[: g.size - w + 1].copy()
        for o in range(1, w):
            np.minimum(m, g[o : o + m.size], out=m)
        arg = np.full(m.size, -1, dtype=np.int64)
        for o in range(w - 1, -1, -1):  # last assignment wins: the first offset holding the minimum
            arg[g[o : o + m.size] == m] = o
        arg += np.arange(m.size)
        picked.append(arg[docs[w - 1 :] == docs[: docs.size - w + 1]])
    per_doc = np.bincount(docs, minlength=n_docs)
    small = np.flatnonzero((per_doc > 0) & (per_doc < w))
    if small.size:
        picked.append(np.searchsorted(docs, small))
    return _sorted_unique(np.concatenate(picked).astype(np.uint64)).astype(np.int64) if picked else np.zeros(0, np.int64)


def _gram_hashes(h: _U64, k: int) -> _U64:
    """Polynomial hash of every k consecutive tokens of ``h`` (``len(h) - k + 1`` values, wrapping)."""
    n = h.size - k + 1
    if n <= 0:
        return np.zeros(0, np.uint64)
    keys = h[:n].copy()
    with np.errstate(over="ignore"):
        for j in range(1, k):
            keys = keys * _POLY + h[j : j + n]  # wraps mod 2**64 by design
    return keys


class _Corpus:
    """The articles tokenised once, earliest first, with their duplicate groups.

    Memory is a few flat arrays, linear in the number of tokens: per token its hash (8 bytes), character
    offsets (4 + 4) and a quoted flag (1); per selected 5-gram or quoted 4-gram one posting (8 + 8).
    """

    def __init__(
        self,
        articles: Sequence[Article],
        options: DedupeOptions,
        groups: Mapping[str, str] | None = None,
        entries: tuple[set[int], set[tuple[int, str]]] | None = None,
    ) -> None:
        """``groups`` (article id -> its duplicate group's canonical id) replaces the duplicate search when the
        articles are a slice of a larger corpus whose groups are known; ``entries`` then says which postings
        are first of their group for their key in that corpus: (keys covered, {(key, article id)}); postings
        of keys not covered are left out (see ``_Passages._collect``)."""
        seen: set[str] = set()
        for a in articles:
            if a.id in seen:
                raise ValueError(f"article ids must be unique; {a.id!r} appears twice")
            seen.add(a.id)
        self.options = options
        self.articles: list[Article] = sorted(articles, key=_earliest_first)
        n = len(self.articles)
        self.rank = {a.id: i for i, a in enumerate(self.articles)}
        hashes: list[_U64] = []
        starts: list[npt.NDArray[np.int32]] = []
        ends: list[npt.NDArray[np.int32]] = []
        quoted: list[npt.NDArray[np.bool_]] = []
        counts: list[_I64] = []
        batch: list[str] = []
        size = 0
        for last, a in enumerate(self.articles, 1):
            batch.append(a.text)
            size += len(a.text) + 1
            if size >= _BATCH_CHARS or last == n or n == 0:
                h, s, e, q, k = _tokenise_batch(batch)
                hashes.append(h)
                starts.append(s)
                ends.append(e)
                quoted.append(q)
                counts.append(k)
                batch, size = [], 0
        if not counts:  # no articles
            h, s, e, q, k = _tokenise_batch([])
            hashes, starts, ends, quoted, counts = [h], [s], [e], [q], [k]
        self.hashes: _U64 = np.concatenate(hashes)
        self.starts: npt.NDArray[np.int32] = np.concatenate(starts)
        self.ends: npt.NDArray[np.int32] = np.concatenate(ends)
        self.quoted: npt.NDArray[np.bool_] = np.concatenate(quoted)
        self.counts: _I64 = np.concatenate(counts)
        self.offsets: _I64 = np.concatenate([[0], np.cumsum(self.counts)]).astype(np.int64)
        self.group: list[int] = list(range(n))  # rank of each article's canonical (a label, given ``groups``)
        self._shingle_cache: dict[int, _U64] = {}
        self._pairs: tuple[_U64, _I64] | None = None
        self.entries = entries
        self._postings()
        if groups is None:
            self.duplicates = self._find_duplicates()
        else:
            labels: dict[str, int] = {}
            self.group = [labels.setdefault(groups.get(a.id, a.id), i) for i, a in enumerate(self.articles)]
            self.duplicates = []

    @functools.cached_property
    def content_hashes(self) -> list[str]:
        return [a.content_hash or text_hash(a.text) for a in self.articles]

    # ----------------------------------------------------------------- per-article views
    def doc_of(self, gpos: _I64) -> _I64:
        """Rank of the article holding each global token position."""
        return np.asarray(np.searchsorted(self.offsets, gpos, side="right") - 1, dtype=np.int64)

    def shingles(self, d: int) -> _U64:
        """Sorted unique word 5-shingle hashes of article ``d`` (a short article is one shingle)."""
        cached = self._shingle_cache.get(d)
        if cached is None:
            h = self.hashes[self.offsets[d] : self.offsets[d + 1]]
            cached = _sorted_unique(_gram_hashes(h, self.options.shingle_words))
            if cached.size == 0 and h.size:
                cached = np.asarray([_short_shingle(h)], dtype=np.uint64)
            self._shingle_cache[d] = cached
        return cached

    # ----------------------------------------------------------------- postings and signatures
    def _postings(self) -> None:
        """MinHash band keys per article, and the postings: winnowed 5-grams and quoted 4-grams."""
        opts = self.options
        n = len(self.articles)
        b, r = _lsh_params(opts.near_threshold - opts.lsh_margin, opts.num_perm)
        self.bands: _U64 = np.zeros((n, b), dtype=np.uint64)
        keys: list[_U64] = []
        gpos: list[_I64] = []
        gdoc: list[npt.NDArray[np.int32]] = []
        isq: list[npt.NDArray[np.bool_]] = []
        d0 = 0
        while d0 < n:  # batches of whole articles, ~_BATCH_CHARS / 6 tokens at a time
            d1 = int(np.searchsorted(self.offsets, self.offsets[d0] + _BATCH_CHARS // 6, side="right"))
            d1 = min(n, max(d1 - 1, d0 + 1))
            lo, hi = int(self.offsets[d0]), int(self.offsets[d1])
            h = self.hashes[lo:hi]
            counts = self.counts[d0:d1]
            tok_doc = np.repeat(np.arange(d1 - d0, dtype=np.int64), counts)  # batch-local article of each token
            tok_end = np.repeat(self.offsets[d0 + 1 : d1 + 1] - lo, counts)  # where its article ends
            # shingles -> one-permutation MinHash -> band keys
            g, gpos_k, docs = _grams_inside(h, opts.shingle_words, tok_doc, tok_end)
            short = np.flatnonzero((np.bincount(docs, minlength=d1 - d0) == 0) & (counts > 0))
            if short.size:  # articles shorter than a shingle are one shingle
                local_off = self.offsets[d0 : d1 + 1] - lo
                extra = [_short_shingle(h[local_off[j] : local_off[j + 1]]) for j in short.tolist()]
                vals = np.concatenate([g, np.asarray(extra, dtype=np.uint64)])
                vdocs = np.concatenate([docs, short])
            else:
                vals, vdocs = g, docs
            self.bands[d0:d1] = _band_keys(_oph_signatures(vals, vdocs, d1 - d0, opts.num_perm), b, r)
            if opts.shingle_words != _WINNOW_K:
                g, gpos_k, docs = _grams_inside(h, _WINNOW_K, tok_doc, tok_end)
            sel = _winnow(g, docs, d1 - d0)
            keys.append(g[sel])
            gpos.append(gpos_k[sel] + lo)
            gdoc.append((docs[sel] + d0).astype(np.int32))
            isq.append(np.zeros(sel.size, dtype=np.bool_))
            # quoted 4-grams: every n-gram of quoted_min_words tokens all inside quotation marks
            qk = opts.quoted_min_words
            if h.size >= qk:
                q = np.concatenate([[0], np.cumsum(self.quoted[lo:hi], dtype=np.int64)])
                inq = np.flatnonzero(q[qk:] - q[: q.size - qk] == qk)
                inq = inq[inq + qk <= tok_end[inq]]
                if inq.size:
                    gq = h[inq].copy()
                    with np.errstate(over="ignore"):
                        for j in range(1, qk):
                            gq = gq * _POLY + h[inq + j]
                    keys.append(_mix(gq ^ _TAG_QUOTED))
                    gpos.append(inq + lo)
                    gdoc.append((tok_doc[inq] + d0).astype(np.int32))
                    isq.append(np.ones(inq.size, dtype=np.bool_))
            d0 = d1
        self.post_keys: _U64 = np.concatenate(keys) if keys else np.zeros(0, np.uint64)
        self.post_pos: _I64 = np.concatenate(gpos) if gpos else np.zeros(0, np.int64)
        self.post_doc: npt.NDArray[np.int32] = np.concatenate(gdoc) if gdoc else np.zeros(0, np.int32)
        self.post_quoted: npt.NDArray[np.bool_] = np.concatenate(isq) if isq else np.zeros(0, np.bool_)

    def _find_duplicates(self) -> list[Duplicate]:
        opts = self.options
        n = len(self.articles)
        parent = list(range(n))

        def root(x: int) -> int:
            while parent[x] != x:
                parent[x] = parent[parent[x]]
                x = parent[x]
            return x

        def union(a: int, b: int) -> None:
            ra, rb = root(a), root(b)
            if ra != rb:  # the smaller rank (earlier article) stays the root
                parent[max(ra, rb)] = min(ra, rb)

        hashes = self.content_hashes
        first_with_hash: dict[str, int] = {}
        # Groups are the connected components of "same content hash" and "share an LSH band and reach the
        # Jaccard threshold", over every article: a partition that does not depend on the order articles
        # come in, so the incremental index can grow it one article at a time (``dedupe_update``).
        reps: list[int] = []
        counts = self.counts.tolist()
        for i in range(n):
            if not counts[i]:  # nothing to compare: an empty article duplicates nothing
                continue
            j = first_with_hash.setdefault(hashes[i], i)
            if j != i:
                union(j, i)
            reps.append(i)

        # Candidates: representatives that share an LSH band; the exact Jaccard decides. Every
        # pair in a bucket is a candidate (as with MinHashLSH's query), so the groups do not depend
        # on the order articles are looked at.
        if reps:
            rep = np.asarray(reps, dtype=np.int64)
            keys = self.bands[rep].ravel()
            who = np.repeat(rep, self.bands.shape[1])
            order = np.lexsort((who, keys))
            keys, who = keys[order], who[order]
            run_start = np.flatnonzero(np.concatenate(([True], keys[1:] != keys[:-1])))
            run_end = np.append(run_start[1:], keys.size)
            multi = run_end - run_start >= 2
            checked: set[tuple[int, int]] = set()
            for s, e in zip(run_start[multi].tolist(), run_end[multi].tolist()):
                members = who[s:e].tolist()  # one bucket, earliest first
                for x in range(1, len(members)):
                    i = members[x]
                    for j in members[:x]:
                        if (j, i) in checked:
                            continue
                        checked.add((j, i))
                        if root(j) != root(i) and _jaccard(self.shingles(i), self.shingles(j)) >= opts.near_threshold:
                            union(j, i)

        out: list[Duplicate] = []
        for i in range(n):
            canon = root(i)
            self.group[i] = canon
            if canon == i:
                continue
            exact = hashes[i] == hashes[canon]
            sim = 1.0 if exact else round(_jaccard(self.shingles(i), self.shingles(canon)), 4)
            out.append(
                Duplicate(
                    article=self.articles[i].id,
                    duplicate_of=self.articles[canon].id,
                    kind="exact" if exact else "near",
                    similarity=sim,
                )
            )
        return out

    # ----------------------------------------------------------------- index
    def _key_pairs(self) -> tuple[_U64, _I64]:
        """Every (key, article rank) of the persistent index, unique, sorted by rank then key."""
        if self._pairs is None:
            self._pairs = self._make_key_pairs()
        return self._pairs

    def _make_key_pairs(self) -> tuple[_U64, _I64]:
        n = len(self.articles)
        has = np.flatnonzero(self.counts > 0)
        content = np.asarray([int(self.content_hashes[i][:16], 16) for i in has.tolist()], dtype=np.uint64)
        b = self.bands.shape[1]
        keys = np.concatenate([self.post_keys, content, _mix(self.bands[has].ravel() ^ _TAG_BAND)])
        docs = np.concatenate([self.post_doc.astype(np.int64), has, np.repeat(has, b)])
        if n == 0 or keys.size == 0:
            return np.zeros(0, np.uint64), np.zeros(0, np.int64)
        order = _sort_within(keys, docs)  # by article, then key; then unique within each article
        keys, docs = keys[order], docs[order]
        new = np.concatenate(([True], (keys[1:] != keys[:-1]) | (docs[1:] != docs[:-1])))
        return keys[new], docs[new]

    def keys(self) -> IndexKeys:
        """Per article, the signed 64-bit keys of the persistent index (see ``index_keys``)."""
        keys, docs = self._key_pairs()
        return IndexKeys([a.id for a in self.articles], keys.view(np.int64), docs)


def _sorted_unique(x: _U64) -> _U64:
    """``np.unique`` by sorting (numpy's hash-based unique is several times slower on ~1,000 values)."""
    x = np.sort(x)
    return x[np.concatenate(([True], x[1:] != x[:-1]))] if x.size else x


def _sort_within(keys: _U64, docs: _I64) -> _I64:
    """The order sorting by ``docs`` then ``keys`` (like ``np.lexsort((keys, docs))``, with unstable, faster sorts)."""
    # rank of each key among all keys, then offset by the article so articles never interleave
    rank = np.empty(keys.size, dtype=np.int64)
    rank[np.argsort(keys)] = np.arange(keys.size)
    return np.argsort(docs * keys.size + rank)


def _short_shingle(h: _U64) -> int:
    """The one shingle of an article shorter than a shingle: a hash of all its tokens."""
    v = h.size
    for t in h.tolist():
        v = (v * int(_POLY) + t) % 2**64
    return v


def _tokenise_batch(
    texts: Sequence[str],
) -> tuple[_U64, npt.NDArray[np.int32], npt.NDArray[np.int32], npt.NDArray[np.bool_], _I64]:
    """``_tokenise`` and ``_quoted_tokens`` for many texts in one set of numpy calls.

    The texts are joined with line breaks: a line break separates tokens and closes every quotation
    (``_quoted_spans``), so no token or quotation crosses from one text into the next and every
    result equals the text-by-text one. Returns token hashes, start and end offsets within each
    text, the quoted flags, and the number of tokens of each text.
    """
    lows: list[str] = []
    slow_docs: list[int] = []
    for i, t in enumerate(texts):
        low = t.lower()
        if len(low) != len(t):  # lower() lengthens a few characters (e.g. "İ"): keep offsets true
            low = t
            slow_docs.append(i)
        lows.append(low)
    joined = "\n".join(lows) + "\n"
    base = np.concatenate([[0], np.cumsum([len(x) + 1 for x in lows])]).astype(np.int64)
    cp = np.frombuffer(joined.encode("utf-32-le", "surrogatepass"), dtype=np.uint32)
    word = _word_chars()[cp]
    edges = np.flatnonzero(np.diff(np.concatenate(([False], word, [False])).view(np.int8)))
    starts = edges[0::2].astype(np.int64)
    ends = edges[1::2].astype(np.int64)
    doc = np.searchsorted(base, starts, side="right") - 1
    counts = np.bincount(doc, minlength=len(texts)).astype(np.int64)
    if starts.size == 0:
        empty = np.zeros(0, np.int32)
        return np.zeros(0, np.uint64), empty, empty, np.zeros(0, np.bool_), counts
    size = max(_BATCH_CHARS, 1 << int(cp.size).bit_length())  # one cached table serves most batches
    pw, pinv = _powers(size + 1)
    with np.errstate(over="ignore"):
        g = np.concatenate(([np.uint64(0)], np.cumsum(cp.astype(np.uint64) * pinv[: cp.size], dtype=np.uint64)))
        hashes = _mix(pw[ends - 1] * (g[ends] - g[starts]))
    slow = np.zeros(starts.size, dtype=np.bool_)
    wide = np.flatnonzero(cp >= 128)  # few: tokens holding a non-ASCII character may change under NFKC
    if wide.size:
        holder = np.searchsorted(starts, wide, side="right") - 1
        slow[holder[(holder >= 0) & (wide < ends[np.maximum(holder, 0)])]] = True
    for d in slow_docs:
        slow[doc == d] = True
    for n in np.flatnonzero(slow).tolist():
        tok = joined[starts[n] : ends[n]]
        norm = normalise(tok).replace(" ", "")
        if norm != tok:
            hashes[n] = _string_hash(norm)
    quoted = np.zeros(starts.size, dtype=np.bool_)
    spans = _quoted_spans(joined)
    if spans:
        # inside = more quotations opened than closed at or before the token's start (spans may nest)
        sp = np.asarray(spans, dtype=np.int64)
        opened = np.searchsorted(np.sort(sp[:, 0]), starts, side="right")
        closed = np.searchsorted(np.sort(sp[:, 1]), starts, side="right")
        quoted = opened > closed
    local_starts = (starts - base[doc]).astype(np.int32)
    local_ends = (ends - base[doc]).astype(np.int32)
    return hashes, local_starts, local_ends, quoted, counts


def _band_keys(sig: npt.NDArray[np.uint64], b: int, r: int) -> _U64:
    """LSH band keys from MinHash signatures: ``b`` bands of ``r`` rows (the band number keeps bands apart)."""
    n = sig.shape[0]
    s = sig[:, : b * r].reshape(n, b, r)
    keys = np.full((n, b), np.uint64(b), dtype=np.uint64)
    with np.errstate(over="ignore"):
        for j in range(r):
            keys = np.asarray(keys * _POLY + s[:, :, j], dtype=np.uint64)
        banded = np.asarray(keys + np.arange(b, dtype=np.uint64), dtype=np.uint64)
    return _mix(banded)


@functools.lru_cache(maxsize=16)
def _lsh_params(threshold: float, num_perm: int) -> tuple[int, int]:
    """Bands and rows that datasketch's ``MinHashLSH`` picks for ``threshold`` (equal FP/FN weights)."""
    lsh = MinHashLSH(threshold=threshold, num_perm=num_perm)
    return int(lsh.b), int(lsh.r)


def _oph_signatures(shingles: _U64, docs: _I64, n: int, num_perm: int) -> npt.NDArray[np.uint64]:
    """One-permutation MinHash with densification (Li et al. 2012; Shrivastava 2017), one row per set.

    ``shingles[i]`` belongs to set ``docs[i]`` (repeats do not matter: only minima are kept). One hash
    per shingle instead of ``num_perm`` (datasketch's ``MinHash`` costs ~1.4 ms per 1,000-word article):
    each mixed hash falls in one of ``num_perm`` bins by its top bits and each bin keeps its minimum; an
    empty bin borrows the value of the bin a fixed, per-bin probe sequence reaches first, so equal sets
    give equal signatures and the collision probability of a bin stays the Jaccard similarity.
    """
    sig = np.full((n, num_perm), _MAX_U64, dtype=np.uint64)
    if n == 0:
        return sig
    vals = _mix(shingles ^ np.uint64(0x5EED0F0F)) if shingles.size else np.zeros(0, np.uint64)
    bins = ((vals >> np.uint64(32)) % np.uint64(num_perm)).astype(np.int64)
    np.minimum.at(sig.ravel(), docs * num_perm + bins, vals)
    empty = sig == _MAX_U64
    if empty.any():
        filled = ~empty
        out = sig.copy()
        todo = empty & filled.any(axis=1, keepdims=True)
        probe = np.arange(num_perm, dtype=np.uint64)
        for attempt in range(1, 4 * num_perm):
            if not todo.any():
                break
            with np.errstate(over="ignore"):
                target = (_mix(probe * np.uint64(num_perm * 7919) + np.uint64(attempt)) % np.uint64(num_perm)).astype(np.int64)
            rows, cols = np.nonzero(todo)
            src = target[cols]
            ok = filled[rows, src]
            out[rows[ok], cols[ok]] = sig[rows[ok], src[ok]]
            todo[rows[ok], cols[ok]] = False
        if todo.any():  # a set so small no probe found a filled bin: take the set's minimum
            rows, cols = np.nonzero(todo)
            out[rows, cols] = sig.min(axis=1)[rows]
        sig = out
    return sig


def _jaccard(a: _U64, b: _U64) -> float:
    if a.size == 0 and b.size == 0:
        return 0.0
    inter = np.intersect1d(a, b, assume_unique=True).size
    return inter / (a.size + b.size - inter)


# --------------------------------------------------------------------------- passages


@dataclass(slots=True)
class _Found:
    start: int  # global token position of the span in the first article seen carrying it
    length: int
    occurrences: dict[int, int] = field(default_factory=dict)  # doc rank -> first token index
    producers: set[int] = field(default_factory=set)  # ranks of the later articles of the pairs that found it


class _Passages:
    """Finds shared spans in a ``_Corpus`` and turns them into ``Passage`` records."""

    def __init__(self, corpus: _Corpus, targets: Iterable[int] | None = None) -> None:
        """``targets``: ranks of the articles whose own reuse is wanted (pairs whose later article is one of
        them); all articles when None."""
        self.c = corpus
        self.opts = corpus.options
        self.targets = None if targets is None else np.asarray(sorted(targets), dtype=np.int64)
        # Postings sorted by key; within a key, earliest article first (they were made in rank order).
        order = np.argsort(corpus.post_keys, kind="stable")
        self.keys: _U64 = corpus.post_keys[order]
        self.pos: _I64 = corpus.post_pos[order]
        self.isq: npt.NDArray[np.bool_] = corpus.post_quoted[order]
        self.docs: _I64 = corpus.post_doc[order].astype(np.int64)
        self.quotations: dict[int, list[tuple[int, int]]] = {}
        self.local: dict[int, dict[str, str]] = {}
        self.credit: dict[int, str | None] = {}
        self.sentences: dict[tuple[int, int], list[tuple[int, int]]] = {}
        self.attributed: dict[tuple[int, int, int], dict[str, int]] = {}

    def run(self) -> list[Passage]:
        found = [f for f in self.found().values() if self._locate(f)]
        passages = [self._passage(f) for f in _prune(found, self.opts.passage_min_words)]
        return order_passages(passages, {a.id: a for a in self.c.articles})

    def found(self) -> dict[bytes, _Found]:
        """The maximal common spans of the pairs (keyed by their token hashes), before carriers are looked up."""
        spans: dict[bytes, _Found] = {}
        self._collect(spans)
        return spans

    def _collect(self, spans: dict[bytes, _Found]) -> None:
        """Pair articles that share a posting, and record their maximal common spans."""
        c = self.c
        keys, pos, docs, isq = self.keys, self.pos, self.docs, self.isq
        if keys.size < 2:
            return
        group = np.asarray(c.group, dtype=np.int64)[docs]
        # A key's list holds one posting per duplicate group: the first of the group's earliest carrier
        # (copies say nothing new). Inside one corpus that is computed here; a slice of a larger corpus is
        # told which postings those are (``_Corpus.entries``), so its lists equal the larger corpus's lists
        # wherever a target article's postings look back.
        order = np.lexsort((np.arange(keys.size), group, keys))
        ks, gs = keys[order], group[order]
        lead = np.concatenate(([True], (ks[1:] != ks[:-1]) | (gs[1:] != gs[:-1])))
        first = np.zeros(keys.size, dtype=np.bool_)
        first[order[lead]] = True
        if c.entries is not None:
            # (key, article) pairs as one 64-bit hash each, then one vectorised membership test
            _, allowed = c.entries
            pairs = [(k, c.rank[a]) for k, a in allowed if a in c.rank]
            want = _pair_hash(
                np.asarray([k for k, _ in pairs], dtype=np.int64).view(np.uint64), np.asarray([r for _, r in pairs], dtype=np.int64)
            )
            at = np.flatnonzero(first)
            first[at] = np.isin(_pair_hash(keys[at], docs[at]), want)
        keys, pos, docs, isq, group = keys[first], pos[first], docs[first], isq[first], group[first]
        # Each posting pairs with the nearest earlier posting of its key (another duplicate group) that
        # shares a run with it; postings that find none look up to _LOOKBACK postings back. Only the
        # target articles' postings look back.
        need = np.ones(keys.size, dtype=np.bool_) if self.targets is None else np.isin(docs, self.targets)
        pa_l: list[_I64] = []
        pb_l: list[_I64] = []
        for back in range(1, _LOOKBACK + 1):
            if keys.size <= back:
                break
            idx = np.flatnonzero((keys[back:] == keys[:-back]) & (group[back:] != group[:-back]) & need[back:])
            if idx.size == 0:
                continue
            ga, gb = pos[idx], pos[idx + back]
            ok = isq[idx + back] | self._shares_run(ga, gb)
            pa_l.append(ga[ok])
            pb_l.append(gb[ok])
            need[idx[ok] + back] = False
        if not pa_l:
            return
        ga = np.concatenate(pa_l)
        gb = np.concatenate(pb_l)
        if ga.size == 0:
            return
        # Candidates on one diagonal of one pair with only equal tokens between them grow into the same
        # span: keep the first of each such chain (inside a shared run winnowing selects every <= 6 tokens).
        da, db = c.doc_of(ga), c.doc_of(gb)
        diag = (gb - c.offsets[db]) - (ga - c.offsets[da])
        order = np.lexsort((ga, diag, db, da))
        ga, gb, da, db, diag = ga[order], gb[order], da[order], db[order], diag[order]
        gap = ga[1:] - ga[:-1]
        near = np.flatnonzero((da[1:] == da[:-1]) & (db[1:] == db[:-1]) & (diag[1:] == diag[:-1]) & (gap <= _WINNOW_W + 2))
        if near.size:
            steps = np.arange(_WINNOW_W + 3)
            xa, xb = ga[near, None] + steps, gb[near, None] + steps
            last = c.hashes.size - 1
            same = (c.hashes[np.minimum(xa, last)] == c.hashes[np.minimum(xb, last)]) | (steps > gap[near, None])
            chained = np.zeros(ga.size, dtype=np.bool_)
            chained[near[same.all(axis=1)] + 1] = True
            ga, gb, da, db = ga[~chained], gb[~chained], da[~chained], db[~chained]
        # Grow every candidate to its maximal common span at once, then handle each distinct span once.
        sa, sb, length = _maximal_spans(c.hashes, ga, gb, c.offsets[da], c.offsets[db], c.offsets[da + 1], c.offsets[db + 1])
        pa, pb = sa - c.offsets[da], sb - c.offsets[db]
        order = np.lexsort((pb, pa, db, da))
        rows = [da[order], db[order], pa[order], pb[order], length[order]]
        new = np.ones(order.size, dtype=np.bool_)
        new[1:] = (rows[0][1:] != rows[0][:-1]) | (rows[1][1:] != rows[1][:-1]) | (rows[2][1:] != rows[2][:-1]) | (
            rows[3][1:] != rows[3][:-1]
        )
        for a, b, i, j, n in zip(*(r[new].tolist() for r in rows)):
            self._keep(a, b, i, j, n, spans)

    def _shares_run(self, ga: _I64, gb: _I64) -> npt.NDArray[np.bool_]:
        """Whether same-key postings at global starts ``ga``, ``gb`` lie on a common run of ``passage_min_words``.

        The run must hold the posting's own 5-gram, so it starts at most ``t - 5`` tokens before it.
        """
        c = self.c
        h = c.hashes
        t, k = self.opts.passage_min_words, _WINNOW_K
        if ga.size == 0:
            return np.zeros(0, np.bool_)
        da, db = c.doc_of(ga), c.doc_of(gb)
        lo_a, hi_a = c.offsets[da], c.offsets[da + 1]
        lo_b, hi_b = c.offsets[db], c.offsets[db + 1]
        span = max(0, t - k)  # how far before the n-gram a run holding it may start
        eq = np.zeros((span + t, ga.size), dtype=np.bool_)
        for j in range(-span, t):
            xa, xb = ga + j, gb + j
            valid = (xa >= lo_a) & (xa < hi_a) & (xb >= lo_b) & (xb < hi_b)
            eq[j + span] = valid & (h[np.where(valid, xa, 0)] == h[np.where(valid, xb, 0)])
        run = np.zeros(ga.size, dtype=np.bool_)
        for o in range(span + 1):
            run |= eq[o : o + t].all(axis=0)
        return run

    def _keep(self, a: int, b: int, i: int, j: int, length: int, spans: dict[bytes, _Found]) -> None:
        """Record the maximal common span of ``a`` at ``i`` and ``b`` at ``j`` if it is long or quoted enough."""
        c = self.c
        if length < self.opts.passage_min_words:
            core = self._quotation_in(a, i, b, j, length) or self._quotation_in(b, j, a, i, length)
            if core is None:
                return
            i, j, length = i + core[0], j + core[0], core[1]
        oa = int(c.offsets[a])
        tokens = c.hashes[oa + i : oa + i + length].tobytes()
        found = spans.get(tokens)
        if found is None:
            found = spans[tokens] = _Found(oa + i, length)
        found.occurrences.setdefault(a, i)
        found.occurrences.setdefault(b, j)
        found.producers.add(b)

    def _quotation_in(self, a: int, i: int, b: int, j: int, length: int) -> tuple[int, int] | None:
        """A whole quotation in ``a`` inside the shared span, quoted in ``b`` too: (offset, length).

        Short shared spans count only as quoted phrases: "cooperation between the two
        countries" inside two long, different quotes is chance, while bilateral "strategic and
        tactical cooperation" quoted on its own is an excerpt of the same statement.
        """
        best: tuple[int, int] | None = None
        ob = int(self.c.offsets[b])
        for qs, qe in self._quotations(a):
            if qs >= i and qe <= i + length and qe - qs >= self.opts.quoted_min_words:
                off = qs - i
                if bool(self.c.quoted[ob + j + off : ob + j + off + qe - qs].all()):
                    if best is None or qe - qs > best[1]:
                        best = (off, qe - qs)
        return best

    def _quotations(self, d: int) -> list[tuple[int, int]]:
        """Token ranges of the quotations in article ``d`` (runs of quoted tokens)."""
        cached = self.quotations.get(d)
        if cached is None:
            c = self.c
            q = np.concatenate([[False], c.quoted[c.offsets[d] : c.offsets[d + 1]], [False]]).astype(np.int8)
            edges = np.flatnonzero(np.diff(q))
            cached = self.quotations[d] = list(zip(edges[0::2].tolist(), edges[1::2].tolist()))
        return cached

    def _locate(self, found: _Found) -> bool:
        """Find every article containing the span, through a posting every carrier of it has.

        A span of ``passage_min_words`` or more: the 5-gram winnowing selects in its first window (same
        offset in every carrier, by the winnowing guarantee). A shorter one is a quotation: its first
        quoted 4-gram, which every carrier that quotes it has.
        """
        c = self.c
        h = c.hashes
        length, s = found.length, found.start
        span = h[s : s + length]
        key, best = _anchor(span, self.opts)
        return self._locate_tokens(found, span, key, best)

    def _locate_tokens(self, found: _Found, span: _U64, key: np.uint64, best: int) -> bool:
        """``_locate`` for a span given by its tokens, and its anchor posting and that posting's offset."""
        c = self.c
        h = c.hashes
        length = span.size
        lo = int(np.searchsorted(self.keys, key, side="left"))
        hi = int(np.searchsorted(self.keys, key, side="right"))
        starts = self.pos[lo:hi] - best
        docs = self.docs[lo:hi]
        ok = (starts >= c.offsets[docs]) & (starts + length <= c.offsets[docs + 1])
        starts, docs = starts[ok], docs[ok]
        if starts.size <= 64:  # the usual case: a few carriers, compared whole
            want = span.tobytes()
            same_l = [h[g : g + length].tobytes() == want for g in starts.tolist()]
            starts, docs = starts[same_l], docs[same_l]
        else:
            for j in range(length):
                if starts.size == 0:
                    break
                same = h[starts + j] == span[j]
                starts, docs = starts[same], docs[same]
        if length < self.opts.passage_min_words and starts.size:
            whole = np.asarray([bool(c.quoted[g : g + length].all()) for g in starts.tolist()], dtype=np.bool_)
            starts, docs = starts[whole], docs[whole]
        for g, d in zip(starts.tolist(), docs.tolist()):
            p = g - int(c.offsets[d])
            if d not in found.occurrences or found.occurrences[d] > p:
                found.occurrences[d] = p
        return is_reuse({c.group[d] for d in found.occurrences}, [c.articles[d].outlet for d in found.occurrences])

    def _passage(self, found: _Found) -> Passage:
        c = self.c
        ranks = sorted(found.occurrences)
        origin = c.articles[ranks[0]]
        o = int(c.offsets[ranks[0]])
        s = o + found.occurrences[ranks[0]]
        e = s + found.length - 1
        text = origin.text[int(c.starts[s]) : int(c.ends[e])]
        return Passage(
            # The id hashes the word tokens, so it does not change when an earlier copy with
            # other quotes or capitals becomes the origin.
            id=content_id("p", " ".join(_token_strings(text))),
            text=text,
            articles=tuple(c.articles[r].id for r in ranks),
            origin_article=origin.id,
            origin_agency=self._agency(found, ranks),
        )

    def _agency(self, found: _Found, ranks: list[int]) -> str | None:
        """The agency the text around the span credits, by strength and then by how many articles say so."""
        c = self.c
        score: dict[str, int] = {}
        groups: set[int] = set()
        for r in ranks:
            # A copy says what its canonical says around the span: count each duplicate group once.
            if c.group[r] in groups:
                continue
            groups.add(c.group[r])
            text = c.articles[r].text
            s = int(c.offsets[r]) + found.occurrences[r]
            cs, ce = int(c.starts[s]), int(c.ends[s + found.length - 1])
            # Sentences never cross a line break (text.sentence_spans), so split only the
            # paragraph(s) holding the span.
            para_start = text.rfind("\n", 0, cs) + 1
            para_end = text.find("\n", ce)
            para_end = len(text) if para_end < 0 else para_end
            sentences = self.sentences.get((r, para_start))
            if sentences is None:  # passages often share a paragraph
                sentences = self.sentences[(r, para_start)] = sentence_spans(text[para_start:para_end])
            around = [
                (para_start + a, para_start + b) for a, b in sentences if para_start + a < ce and para_start + b > cs
            ]
            lo = min([cs] + [a for a, _ in around])
            hi = max([ce] + [b for _, b in around])
            found_here = self.attributed.get((r, lo, hi))
            if found_here is None:
                context = text[lo:hi]
                # Only spellings present in the context can matter (an empty mapping spares agency_spans a regex).
                local = {k: v for k, v in self._local(r).items() if k in context}
                found_here = self.attributed[(r, lo, hi)] = _attributions(context, local)
            for agency, strength in found_here.items():
                score[agency] = score.get(agency, 0) + strength
        if not score:
            # Nothing around the span names a source: the agency whose wire copy carried it is the origin
            # ("EBBERSFELD, July 8 /NNS/ - ..."), if the carrying articles that credit a wire agree on one.
            # Two different wires (a Kyodo and a TASS story sharing a phrase) both took it from elsewhere.
            credits = {cr for r in ranks if (cr := self._credit(r)) is not None}
            return credits.pop() if len(credits) == 1 else None
        return max(score, key=lambda a: score[a])  # ties: first seen, i.e. earliest article

    def _credit(self, rank: int) -> str | None:
        if rank not in self.credit:
            self.credit[rank] = _wire_credit(self.c.articles[rank])
        return self.credit[rank]

    def _local(self, rank: int) -> dict[str, str]:
        """The agencies article ``rank`` defines itself, computed once per article."""
        local = self.local.get(rank)
        if local is None:
            local = self.local[rank] = _local_agencies(self.c.articles[rank].text)
        return local


def _prune(found: list[_Found], min_words: int) -> list[_Found]:
    """Fold spans nested in one another into the passage a reader would name.

    For a span S inside a longer span T (in an article carrying T):
    - the same articles carry both: S is a fragment of T, drop S;
    - more articles carry S and T adds fewer than ``min_words`` (``passage_min_words``) words: T is S with a
      ragged edge (one outlet kept the word "that" before the quote), drop T. A longer
      addition is a reused passage of its own, and both stay.
    """
    by_doc: dict[int, list[int]] = {}
    for n, f in enumerate(found):
        for d in f.occurrences:
            by_doc.setdefault(d, []).append(n)
    drop: set[int] = set()
    for t, outer in enumerate(found):
        d, ts = min(outer.occurrences.items())
        te = ts + outer.length
        docs_t = outer.occurrences.keys()
        for s in by_doc[d]:
            inner = found[s]
            ss = inner.occurrences[d]
            if s == t or inner.length >= outer.length or ss < ts or ss + inner.length > te:
                continue
            docs_s = inner.occurrences.keys()
            if docs_s == docs_t:
                drop.add(s)
            elif docs_s >= docs_t and outer.length - inner.length < min_words:
                drop.add(t)
    kept = [f for n, f in enumerate(found) if n not in drop]
    return sorted(kept, key=lambda f: (min(f.occurrences), min(f.occurrences.items())[1], -f.length))


def _pair_hash(keys: _U64, docs: _I64) -> _U64:
    """One 64-bit hash per (key, article rank) pair (a collision is as unlikely as one between keys)."""
    with np.errstate(over="ignore"):
        return _mix(keys ^ _mix(docs.astype(np.uint64) + _POLY))


def _anchor(span: _U64, options: DedupeOptions) -> tuple[np.uint64, int]:
    """The index key every carrier of ``span`` has at a fixed offset in it, and that offset.

    A span of ``passage_min_words`` or more: the 5-gram winnowing selects in its first window (the same
    offset in every carrier, by the winnowing guarantee). A shorter one is a quotation: its first quoted
    4-gram, which every carrier that quotes it has.
    """
    if span.size >= options.passage_min_words:
        grams = _gram_hashes(span[: _WINNOW_K + _WINNOW_W - 1], _WINNOW_K)
        best = int(np.argmin(grams))
        return grams[best], best
    first = _gram_hashes(span[: options.quoted_min_words], options.quoted_min_words)
    return _mix(first ^ _TAG_QUOTED)[0], 0


def _maximal_spans(
    h: _U64, ga: _I64, gb: _I64, lo_a: _I64, lo_b: _I64, hi_a: _I64, hi_b: _I64
) -> tuple[_I64, _I64, _I64]:
    """Extend equal tokens ``h[ga] == h[gb]`` left and right while they stay equal and inside their articles.

    Vectorised over all candidates, one token step per round on those still growing (rounds = the longest
    extension). Returns the spans' global starts in both and their length.
    """
    sa, sb = ga.copy(), gb.copy()
    live = np.flatnonzero(h[ga] == h[gb])
    ea, eb = ga.copy(), gb.copy()  # exclusive ends, grown below
    ea[live] += 1
    eb[live] += 1
    grow = live
    while grow.size:  # left
        x, y = sa[grow] - 1, sb[grow] - 1
        ok = (x >= lo_a[grow]) & (y >= lo_b[grow])
        ok[ok] = h[x[ok]] == h[y[ok]]
        grow = grow[ok]
        sa[grow] -= 1
        sb[grow] -= 1
    grow = live
    while grow.size:  # right
        x, y = ea[grow], eb[grow]
        ok = (x < hi_a[grow]) & (y < hi_b[grow])
        ok[ok] = h[x[ok]] == h[y[ok]]
        grow = grow[ok]
        ea[grow] += 1
        eb[grow] += 1
    return sa, sb, ea - sa


def _token_strings(text: str) -> list[str]:
    """The normalised word tokens of ``text`` as strings (for passage ids)."""
    tokens = _TOKEN_SPLIT.split(text.lower())[1::2]
    return [t if t.isascii() else normalise(t).replace(" ", "") for t in tokens]


# --------------------------------------------------------------------------- agencies

_AFTER = re.compile(
    r"\s*(?:\([^()]{1,40}\)\s*)?(?:news agency\s*)?,?\s*(?:has\s+|had\s+)?"
    r"(?:said|says|reported|reports|stated|states|quoted|quotes|cited|described|added|announced|wrote|noted)\b",
    re.I,
)
# "reports Yonhap, quoting KCNA": the agency being quoted is the deeper origin, so it outranks.
_BEFORE_QUOTING = re.compile(r"\b(?:quoting|citing|cited by|quoted by)\s+(?:[\w'’-]+\s+){0,3}$", re.I)
_BEFORE = re.compile(
    r"(?:\baccording to\s+(?:[\w'’-]+\s+){0,3}|\b(?:reports|reported|said|says|by)\s+(?:the\s+)?(?:official\s+|state(?:-run)?\s+)?)$",
    re.I,
)
_HEADLINE = re.compile(r"[:\-–—]\s*$")
# A dateline opens one of an article's first paragraphs (a standfirst may come first), as in metadata.
_WIRE_CREDIT_PARAGRAPHS = 3


def _attributions(context: str, local: Mapping[str, str]) -> dict[str, int]:
    """Agencies ``context`` attributes its words to: 2 for "quoting X", 1 for "X said" and the like.

    ``local`` are the agencies the article defines itself (``agencies.local_agencies``), so "MPA said"
    counts in an article that elsewhere calls MPA a news agency or carries its dateline credit.
    """
    found: dict[str, int] = {}
    for start, end, name in agency_spans(context, local):
        before = context[max(0, start - 60) : start]
        if _BEFORE_QUOTING.search(before):
            strength = 2
        elif (
            _AFTER.match(context, end)
            or _BEFORE.search(before)
            or (_HEADLINE.search(before) and not context[end:].strip())
        ):
            strength = 1
        else:
            continue
        found[name] = max(found.get(name, 0), strength)
    return found


# Every pattern by which ``agencies.local_agencies`` recognises an agency outside a dateline needs one of
# these words (its news nouns and name heads: "news agency", "News Service", "Harbour Wire (HW)").
_AGENCY_WORDS = ("agency", "service", "wire")


def _find_all(text: str, needles: Iterable[str]) -> list[int]:
    """Every offset of every needle in ``text`` (str.find: far faster than a case-blind regex)."""
    out: list[int] = []
    for needle in needles:
        at = text.find(needle)
        while at >= 0:
            out.append(at)
            at = text.find(needle, at + 1)
    return out


def _local_agencies(text: str) -> dict[str, str]:
    """``agencies.local_agencies(text)``, reading only the paragraphs that can change the answer.

    A dateline credit ("(NNS)", "/MPA/") needs a parenthesis or a slash in its paragraph; every other
    pattern needs an agency word, with at most four name words before it and two after (``_NAMED``,
    ``_NOUN_THEN_NAME``), which line breaks do not stop. So the paragraphs kept are those with a bracket
    or slash, and those within four non-empty paragraphs before and two after an agency word; runs of
    kept paragraphs are joined with a "." line between them, which no pattern reads across. (T17
    articles run to 60 one-sentence paragraphs, and scanning all of them was most of this stage's time.)
    """
    low = text.lower()
    if len(low) != len(text):  # lower() lengthened a character: offsets would not line up
        return local_agencies(text)
    brackets = _find_all(text, ("(", "/"))
    words = _find_all(low, _AGENCY_WORDS)
    if not brackets and not words:
        return {}
    paras = [p for p in text.split("\n") if p.strip()]
    joined = "\n".join(paras)
    if len(joined) != len(text):  # blank lines or padding dropped: find the hits again in the joined text
        brackets = _find_all(joined, ("(", "/"))
        words = _find_all(joined.lower(), _AGENCY_WORDS)
    ends = list(itertools.accumulate(len(p) + 1 for p in paras))  # paragraph i ends before ends[i]
    keep = [False] * len(paras)
    for at in brackets:
        keep[bisect.bisect_right(ends, at)] = True
    for at in words:
        i = bisect.bisect_right(ends, at)
        for j in range(max(0, i - 4), min(len(paras), i + 3)):
            keep[j] = True
    if not any(keep):
        return {}
    parts: list[str] = []
    for i, p in enumerate(paras):
        if keep[i]:
            if parts and not keep[i - 1]:
                parts.append(".")
            parts.append(p)
    return local_agencies("\n".join(parts))


def _wire_credit(article: Article) -> str | None:
    """The agency that supplied the article's copy: its ``wire_agencies``, else a dateline credit in its text."""
    if article.wire_agencies:
        return article.wire_agencies[0]
    paras = (p.strip() for p in article.text.split("\n") if p.strip())
    for para in islice(paras, _WIRE_CREDIT_PARAGRAPHS):
        credit = dateline_credit(para)
        if credit is not None:
            return credit.name
    return None
