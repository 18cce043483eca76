"""Dedupe stage: duplicate articles, and passages that several articles reuse.

Two questions, both answered without comparing every pair of articles:

1. **Duplicates.** Which articles are copies of an earlier one? Exact copies share a content
   hash; near copies (trimmed, re-headlined, a boilerplate line added) are found with
   MinHash + LSH over word 5-shingles and confirmed with the exact Jaccard of the shingle
   sets. Every copy points at the earliest member of its group (no chains).
2. **Passages.** Which spans of text (a quoted statement, a wire paragraph) appear in two or
   more articles that are not copies of each other, who had them first, and which news
   agency they are attributed to? Word n-grams are hashed into one sorted index; articles
   that share an n-gram are paired only with their neighbour in that n-gram's postings (so a
   passage carried by 500 outlets costs 499 pairs, not 124,750), runs of consecutive shared
   n-grams are extended to maximal common spans, and each span is looked up again in the
   index to find every article that contains it.

Matching works on word tokens of NFKC-normalised, lower-cased text split at anything that
is not a letter or digit, so curly vs straight quotes, case, punctuation and "Jong-un" vs
"Jong Un" do not break a match; token character offsets map every span back to the exact
characters of each article.

Articles are ordered "earliest first": published date ascending (undated last), then id.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from itertools import islice

import numpy as np
import numpy.typing as npt
from datasketch import MinHashLSH
from scipy.sparse import coo_matrix
from scipy.sparse.csgraph import connected_components

from storyline.agencies import agency_spans, dateline_credit, local_agencies
from storyline.records import Article, Duplicate, Event, Passage, content_id
from storyline.text import normalise, sentence_spans, text_hash

__all__ = [
    "DedupeOptions",
    "DedupeResult",
    "dedupe",
    "dedupe_components",
    "event_sources",
    "find_duplicates",
    "find_passages",
    "independent_sources",
    "index_keys",
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


@dataclass(frozen=True, slots=True)
class DedupeResult:
    """What ``dedupe_components`` found in a set of articles closed under ``index_keys``."""

    duplicates: list[Duplicate]
    passages: list[Passage]
    components: dict[str, str]  # article id -> component id (its earliest article's id)


def dedupe_components(articles: Sequence[Article], options: DedupeOptions = DedupeOptions()) -> DedupeResult:
    """``dedupe`` plus the components the articles fall into, for the incremental index.

    Duplicates and passages never cross a component: two articles in different components
    share no ``index_keys`` key, so they share no 10-word span, no quoted 4-word span, no
    content hash and no LSH band, and neither can copy the other. Running ``dedupe`` on one
    component therefore gives exactly that component's share of a run over the whole corpus,
    which is what lets the pipeline add a batch by recomputing only the components it touches.
    """
    corpus = _Corpus(articles, options)
    passages = _Passages(corpus).run()
    return DedupeResult(corpus.duplicates, passages, corpus.components())


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
    return _Corpus(articles, options).keys()


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


def _is_copy(passage: Passage) -> bool:
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
        if _is_copy(p):
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
        if _is_copy(p):
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


_QUOTE_EVENTS = re.compile(r'["“”„«»\n]')  # double quotes, with line breaks, which close any open quote
_ANY_QUOTE = re.compile(r"[\"“”„«»'‘’]")
# A single-quoted stretch: opening quote at a word start, closing quote at a word end and
# not followed by a letter (so the apostrophe in "Kim's" neither opens nor closes). The
# look-behind sits after the opening quote so the regex engine can skip ahead to quote characters.
_SINGLE_QUOTED = re.compile(r"['‘](?<![\w'’‘]['‘])(?=[^\W_])[^\n]*?(?<=\S)['’](?![^\W_])")


def _quoted_spans(text: str) -> list[tuple[int, int]]:
    """Character spans of ``text`` inside quotation marks (quotes are paired within a paragraph)."""
    if not _ANY_QUOTE.search(text):
        return []
    spans: list[tuple[int, int]] = []
    opened = -1
    if '"' in text or "“" in text or "”" in text or "„" in text or "«" in text or "»" in text:
        for m in _QUOTE_EVENTS.finditer(text):
            ch, pos = m.group(), m.start()
            if ch == "\n":  # a quote left open runs to the end of its paragraph
                if opened >= 0:
                    spans.append((opened, pos))
                    opened = -1
            elif ch in "“„«" or (ch == '"' and opened < 0):
                if opened < 0:
                    opened = pos
            elif opened >= 0:
                spans.append((opened, pos + 1))
                opened = -1
        if opened >= 0:
            spans.append((opened, len(text)))
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


@dataclass(slots=True)
class _Doc:
    article: Article
    rank: int
    hashes: _U64  # token hashes (equal tokens, equal hashes)
    starts: _I64  # character offset of each token
    ends: _I64
    quoted: npt.NDArray[np.bool_]  # token lies inside quotation marks
    _ids: list[int] | None = None

    @property
    def ids(self) -> list[int]:
        """The token hashes as a Python list, for element-by-element comparison."""
        if self._ids is None:
            self._ids = self.hashes.tolist()
        return self._ids


# Winnowing window over word 5-grams for the index keys: a shared 10-word run holds 6 consecutive 5-grams.
_WINNOW_K = 5
_WINNOW_W = 6
# Tags that keep the kinds of index keys apart (one table holds them all).
_TAG_QUOTED = np.uint64(0x51F15EED)
_TAG_BAND = np.uint64(0xB4ADB4AD)


class _Corpus:
    """The articles tokenised once, earliest first, with their duplicate groups."""

    def __init__(self, articles: Sequence[Article], options: DedupeOptions) -> None:
        seen: set[str] = set()
        for a in articles:
            if a.id in seen:
                raise ValueError(f"article ids must be unique; {a.id!r} appears twice")
            seen.add(a.id)
        self.options = options
        ordered = sorted(articles, key=_earliest_first)
        self.docs: list[_Doc] = []
        for rank, article in enumerate(ordered):
            hashes, starts, ends = _tokenise(article.text)
            self.docs.append(_Doc(article, rank, hashes, starts, ends, _quoted_tokens(article.text, starts)))
        lengths = np.asarray([d.hashes.size for d in self.docs], dtype=np.int64)
        self.hashes: _U64 = np.concatenate([d.hashes for d in self.docs]) if self.docs else np.zeros(0, np.uint64)
        self.doc_of: _I64 = np.repeat(np.arange(len(self.docs), dtype=np.int64), lengths)
        self.offsets: _I64 = np.concatenate([[0], np.cumsum(lengths)]).astype(np.int64)
        self.pos_of: _I64 = np.arange(self.hashes.size, dtype=np.int64) - self.offsets[self.doc_of]
        self.quoted: npt.NDArray[np.bool_] = (
            np.concatenate([d.quoted for d in self.docs]) if self.docs else np.zeros(0, np.bool_)
        )
        self._grams: dict[int, tuple[_U64, _I64]] = {}
        self.group: list[int] = list(range(len(self.docs)))  # rank of each doc's canonical
        self.content_hashes = [d.article.content_hash or text_hash(d.article.text) for d in self.docs]
        self.shingles = self._shingle_sets()
        self.bands = self._band_keys()
        self.duplicates = self._find_duplicates()

    def gram_keys(self, k: int) -> tuple[_U64, _I64]:
        """Hash of every k-word n-gram that fits inside one article, and its global position."""
        cached = self._grams.get(k)
        if cached is None:
            cached = self._grams[k] = self._gram_keys(k)
        return cached

    def _gram_keys(self, k: int) -> tuple[_U64, _I64]:
        n = self.hashes.size - k + 1
        if n <= 0:
            return np.zeros(0, np.uint64), np.zeros(0, np.int64)
        keys = self.hashes[:n].copy()
        with np.errstate(over="ignore"):
            for j in range(1, k):
                keys = keys * _POLY + self.hashes[j : j + n]  # wraps mod 2**64 by design
        starts = np.arange(n, dtype=np.int64)
        ends_in_doc = self.offsets[self.doc_of[:n] + 1]
        fits = starts + k <= ends_in_doc
        return keys[fits], starts[fits]

    def _per_doc(self, keys: _U64, starts: _I64) -> list[_U64]:
        """Split position-ordered gram keys into one array per article."""
        bounds = np.searchsorted(self.doc_of[starts], np.arange(len(self.docs) + 1))
        return [keys[bounds[i] : bounds[i + 1]] for i in range(len(self.docs))]

    def _shingle_sets(self) -> list[_U64]:
        """Sorted unique word-shingle hashes per article (a short article is one shingle)."""
        out: list[_U64] = []
        for d, chunk in zip(self.docs, self._per_doc(*self.gram_keys(self.options.shingle_words))):
            if chunk.size == 0 and d.hashes.size:
                h = d.hashes.size
                for v in d.hashes.tolist():
                    h = (h * int(_POLY) + v) % 2**64
                chunk = np.asarray([h], dtype=np.uint64)
            out.append(np.unique(chunk))
        return out

    def _band_keys(self) -> npt.NDArray[np.uint64]:
        """LSH band keys, one row per article: one-permutation MinHash, bands chosen by datasketch."""
        opts = self.options
        b, r = _lsh_params(opts.near_threshold - opts.lsh_margin, opts.num_perm)
        sig = _oph_signatures(self.shingles, opts.num_perm)[:, : b * r].reshape(len(self.docs), b, r)
        keys = np.full((len(self.docs), b), np.uint64(b), dtype=np.uint64)
        with np.errstate(over="ignore"):
            for j in range(r):
                keys = np.asarray(keys * _POLY + sig[:, :, j], dtype=np.uint64)
            banded = np.asarray(keys + np.arange(b, dtype=np.uint64), dtype=np.uint64)  # the band number keeps bands apart
        return _mix(banded)

    def _find_duplicates(self) -> list[Duplicate]:
        opts = self.options
        n = len(self.docs)
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
        reps: list[int] = []  # one article per exact-hash group, for the near-duplicate search
        for i, d in enumerate(self.docs):
            if not d.hashes.size:  # nothing to compare: an empty article duplicates nothing
                continue
            j = first_with_hash.setdefault(hashes[i], i)
            if j != i:
                union(j, i)
            else:
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
                        if root(j) != root(i) and _jaccard(self.shingles[i], self.shingles[j]) >= opts.near_threshold:
                            union(j, i)

        out: list[Duplicate] = []
        for i in range(n):
            canon = root(i)
            self.group[i] = canon
            if canon == i:
                continue
            exact = hashes[i] == hashes[canon]
            sim = 1.0 if exact else round(_jaccard(self.shingles[i], self.shingles[canon]), 4)
            out.append(
                Duplicate(
                    article=self.docs[i].article.id,
                    duplicate_of=self.docs[canon].article.id,
                    kind="exact" if exact else "near",
                    similarity=sim,
                )
            )
        return out

    # ----------------------------------------------------------------- index
    def keys(self) -> dict[str, list[int]]:
        """Per article, the signed 64-bit keys of the persistent index (see ``index_keys``)."""
        k, w = _WINNOW_K, _WINNOW_W
        grams = self._per_doc(*self.gram_keys(k))
        qkeys, qstarts = self.gram_keys(self.options.quoted_min_words)
        qk = self.options.quoted_min_words
        q = np.concatenate([[0], np.cumsum(self.quoted, dtype=np.int64)])
        inside = q[qstarts + qk] - q[qstarts] == qk
        quoted = self._per_doc(qkeys[inside], qstarts[inside])
        out: dict[str, list[int]] = {}
        for i, d in enumerate(self.docs):
            g = grams[i]
            if g.size >= w:
                win = np.lib.stride_tricks.sliding_window_view(g, w).min(axis=1)
                picked = np.unique(win)
            else:
                picked = np.unique(g[:1]) if g.size else np.zeros(0, np.uint64)
            parts = [picked, _mix(quoted[i] ^ _TAG_QUOTED)]
            if d.hashes.size:
                ch = int(self.content_hashes[i][:16], 16)
                parts.append(np.asarray([ch], dtype=np.uint64))
                parts.append(_mix(self.bands[i] ^ _TAG_BAND))
            allk = np.unique(np.concatenate(parts))
            out[d.article.id] = allk.view(np.int64).tolist()
        return out

    def components(self) -> dict[str, str]:
        """Article id -> id of the earliest article of its component (articles linked by shared keys)."""
        n = len(self.docs)
        if n == 0:
            return {}
        keys = self.keys()
        rows = [np.full(len(keys[d.article.id]), i, dtype=np.int64) for i, d in enumerate(self.docs)]
        cols_raw = np.concatenate([np.asarray(keys[d.article.id], dtype=np.int64) for d in self.docs])
        doc = np.concatenate(rows)
        if cols_raw.size:
            order = np.lexsort((doc, cols_raw))
            k, dd = cols_raw[order], doc[order]
            same = k[1:] == k[:-1]
            a, b = dd[:-1][same], dd[1:][same]
            # duplicates are linked through their band and hash keys already; link them anyway
            g = np.asarray(self.group, dtype=np.int64)
            a = np.concatenate([a, g])
            b = np.concatenate([b, np.arange(n, dtype=np.int64)])
            graph = coo_matrix((np.ones(a.size, dtype=np.int8), (a, b)), shape=(n, n))
            _, labels = connected_components(graph, directed=False)
        else:
            labels = np.arange(n)
        first: dict[int, str] = {}
        out: dict[str, str] = {}
        for i, lab in enumerate(labels.tolist()):  # docs are earliest first
            out[self.docs[i].article.id] = first.setdefault(lab, self.docs[i].article.id)
        return out


@functools.lru_cache(maxsize=16)
def _lsh_params(threshold: float, num_perm: int) -> tuple[int, int]:
    """Bands and rows that datasketch's ``MinHashLSH`` picks for ``threshold`` (equal FP/FN weights)."""
    lsh = MinHashLSH(threshold=threshold, num_perm=num_perm)
    return int(lsh.b), int(lsh.r)


def _oph_signatures(shingles: Sequence[_U64], num_perm: int) -> npt.NDArray[np.uint64]:
    """One-permutation MinHash with densification (Li et al. 2012; Shrivastava 2017), one row per set.

    One hash per shingle instead of ``num_perm`` (datasketch's ``MinHash`` costs ~1.4 ms per
    1,000-word article; this ~20 us): each mixed hash falls in one of ``num_perm`` bins by its top
    bits and each bin keeps its minimum; an empty bin borrows the value of the bin a fixed,
    per-bin probe sequence reaches first, so equal sets give equal signatures and the collision
    probability of a bin stays the Jaccard similarity.
    """
    n = len(shingles)
    sig = np.full((n, num_perm), _MAX_U64, dtype=np.uint64)
    if n == 0:
        return sig
    sizes = np.asarray([s.size for s in shingles], dtype=np.int64)
    vals = _mix(np.concatenate(shingles) ^ np.uint64(0x5EED0F0F)) if sizes.sum() else np.zeros(0, np.uint64)
    doc = np.repeat(np.arange(n, dtype=np.int64), sizes)
    bins = ((vals >> np.uint64(32)) % np.uint64(num_perm)).astype(np.int64)
    np.minimum.at(sig, (doc, bins), vals)
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
    tokens: tuple[int, ...]
    occurrences: dict[int, int] = field(default_factory=dict)  # doc rank -> first token index


class _Passages:
    """Finds shared spans in a ``_Corpus`` and turns them into ``Passage`` records."""

    def __init__(self, corpus: _Corpus) -> None:
        self.c = corpus
        self.opts = corpus.options
        k = self.opts.quoted_min_words
        keys, starts = corpus.gram_keys(k)
        order = np.argsort(keys, kind="stable")
        # The lookup index: every k-gram of every article, sorted by hash.
        self.index_keys: _U64 = keys[order]
        self.index_pos: _I64 = starts[order]
        self.short_keys: _U64 = keys  # by global position, for looking up a span's own grams
        self.short_starts: _I64 = starts
        self.quotations: dict[int, list[tuple[int, int]]] = {}
        self.local: dict[int, dict[str, str]] = {}

    def run(self) -> list[Passage]:
        spans: dict[tuple[int, ...], _Found] = {}
        self._collect(self.opts.passage_min_words, quoted_only=False, spans=spans)
        if self.opts.quoted_min_words < self.opts.passage_min_words:
            self._collect(self.opts.quoted_min_words, quoted_only=True, spans=spans)
        found = [f for f in spans.values() if self._locate(f)]
        passages = [self._passage(f) for f in self._prune(found)]
        return order_passages(passages, {d.article.id: d.article for d in self.c.docs})

    def _collect(self, k: int, *, quoted_only: bool, spans: dict[tuple[int, ...], _Found]) -> None:
        """Pair articles that share k-grams, and record their maximal common spans."""
        c = self.c
        keys, starts = c.gram_keys(k)
        if quoted_only:
            q = np.concatenate([[0], np.cumsum(c.quoted, dtype=np.int64)])
            inside = q[starts + k] - q[starts] == k
            keys, starts = keys[inside], starts[inside]
        if keys.size < 2:
            return
        # Global positions already run article by article, earliest first, so a stable sort
        # by key alone orders each n-gram's postings earliest first.
        order = np.argsort(keys, kind="stable")
        keys, starts = keys[order], starts[order]
        docs = c.doc_of[starts]
        pos = c.pos_of[starts]
        # Neighbours in one n-gram's postings (already earliest first) form a pair, unless they
        # are the same article or copies of each other (their whole text is shared anyway).
        group = np.asarray(c.group, dtype=np.int64)
        same_key = keys[1:] == keys[:-1]
        keep = same_key & (group[docs[1:]] != group[docs[:-1]])
        da, pa, db, pb = docs[:-1][keep], pos[:-1][keep], docs[1:][keep], pos[1:][keep]
        if da.size == 0:
            return
        diag = pb - pa
        order = np.lexsort((pa, diag, db, da))
        da, pa, db, diag = da[order], pa[order], db[order], diag[order]
        # A run is consecutive n-grams on one diagonal of one pair of articles.
        new_run = np.ones(da.size, dtype=np.bool_)
        new_run[1:] = (da[1:] != da[:-1]) | (db[1:] != db[:-1]) | (diag[1:] != diag[:-1]) | (pa[1:] != pa[:-1] + 1)
        run_starts = np.flatnonzero(new_run)
        run_ends = np.append(run_starts[1:], da.size)
        done: set[tuple[int, int, int, int]] = set()
        for s, e in zip(run_starts.tolist(), run_ends.tolist()):
            a, b, i0, d = int(da[s]), int(db[s]), int(pa[s]), int(diag[s])
            self._extend(a, b, i0, i0 + d, (e - s) + k - 1, done, spans)

    def _extend(
        self,
        a: int,
        b: int,
        i: int,
        j: int,
        length: int,
        done: set[tuple[int, int, int, int]],
        spans: dict[tuple[int, ...], _Found],
    ) -> None:
        """Grow a shared run to the maximal common span and keep it if long or quoted enough."""
        x, y = self.c.docs[a].ids, self.c.docs[b].ids
        while i > 0 and j > 0 and x[i - 1] == y[j - 1]:
            i, j, length = i - 1, j - 1, length + 1
        while i + length < len(x) and j + length < len(y) and x[i + length] == y[j + length]:
            length += 1
        key = (a, b, i, j)
        if key in done:
            return
        done.add(key)
        if length < self.opts.passage_min_words:
            core = self._quotation_in(a, i, b, j, length) or self._quotation_in(b, j, a, i, length)
            if core is None:
                return
            i, j, length = i + core[0], j + core[0], core[1]
        tokens = tuple(x[i : i + length])
        found = spans.get(tokens)
        if found is None:
            found = spans[tokens] = _Found(tokens)
        found.occurrences.setdefault(a, i)
        found.occurrences.setdefault(b, j)

    def _quotation_in(self, a: int, i: int, b: int, j: int, length: int) -> tuple[int, int] | None:
        """A whole quotation in ``a`` inside the shared span, quoted in ``b`` too: (offset, length).

        Short shared spans count only as quoted phrases: "cooperation between the two
        countries" inside two long, different quotes is chance, while bilateral "strategic and
        tactical cooperation" quoted on its own is an excerpt of the same statement.
        """
        best: tuple[int, int] | None = None
        for qs, qe in self._quotations(a):
            if qs >= i and qe <= i + length and qe - qs >= self.opts.quoted_min_words:
                off = qs - i
                if bool(self.c.docs[b].quoted[j + off : j + off + qe - qs].all()):
                    if best is None or qe - qs > best[1]:
                        best = (off, qe - qs)
        return best

    def _quotations(self, d: int) -> list[tuple[int, int]]:
        """Token ranges of the quotations in article ``d`` (runs of quoted tokens)."""
        cached = self.quotations.get(d)
        if cached is None:
            q = np.concatenate([[False], self.c.docs[d].quoted, [False]]).astype(np.int8)
            edges = np.flatnonzero(np.diff(q))
            cached = self.quotations[d] = list(zip(edges[0::2].tolist(), edges[1::2].tolist()))
        return cached

    def _locate(self, found: _Found) -> bool:
        """Find every article containing the span, via its rarest n-gram in the index."""
        c = self.c
        k = self.opts.quoted_min_words
        a, i = min(found.occurrences.items())
        length = len(found.tokens)
        first = c.offsets[a] + i
        lo = np.searchsorted(self.short_starts, first)
        grams = self.short_keys[lo : lo + length - k + 1]
        left = np.searchsorted(self.index_keys, grams, side="left")
        right = np.searchsorted(self.index_keys, grams, side="right")
        best = int(np.argmin(right - left))
        for g in self.index_pos[left[best] : right[best]].tolist():
            d = int(c.doc_of[g])
            start = int(c.pos_of[g]) - best
            if d in found.occurrences and found.occurrences[d] <= start:
                continue
            doc = c.docs[d]
            if start >= 0 and tuple(doc.ids[start : start + length]) == found.tokens:
                # A short span is a quotation: it counts only where it is quoted (so, like every
                # match, it links only articles that share an index key; see ``index_keys``).
                if length >= self.opts.passage_min_words or bool(doc.quoted[start : start + length].all()):
                    found.occurrences[d] = start
        return len({c.group[d] for d in found.occurrences}) >= 2

    def _prune(self, found: list[_Found]) -> list[_Found]:
        """Fold spans nested in one another into the passage a reader would name.

        For a span S inside a longer span T (in an article carrying T):
        - the same articles carry both: S is a fragment of T, drop S;
        - more articles carry S and T adds fewer than ``passage_min_words`` words: T is S with a
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
            te = ts + len(outer.tokens)
            docs_t = outer.occurrences.keys()
            for s in by_doc[d]:
                inner = found[s]
                ss = inner.occurrences[d]
                if s == t or len(inner.tokens) >= len(outer.tokens) or ss < ts or ss + len(inner.tokens) > te:
                    continue
                docs_s = inner.occurrences.keys()
                if docs_s == docs_t:
                    drop.add(s)
                elif docs_s >= docs_t and len(outer.tokens) - len(inner.tokens) < self.opts.passage_min_words:
                    drop.add(t)
        kept = [f for n, f in enumerate(found) if n not in drop]
        return sorted(kept, key=lambda f: (min(f.occurrences), min(f.occurrences.items())[1], -len(f.tokens)))

    def _passage(self, found: _Found) -> Passage:
        c = self.c
        ranks = sorted(found.occurrences)
        origin = c.docs[ranks[0]]
        s = found.occurrences[ranks[0]]
        e = s + len(found.tokens) - 1
        text = origin.article.text[origin.starts[s] : origin.ends[e]]
        return Passage(
            # The id hashes the word tokens, so it does not change when an earlier copy with
            # other quotes or capitals becomes the origin.
            id=content_id("p", " ".join(_token_strings(text))),
            text=text,
            articles=tuple(c.docs[r].article.id for r in ranks),
            origin_article=origin.article.id,
            origin_agency=self._agency(found, ranks),
        )

    def _agency(self, found: _Found, ranks: list[int]) -> str | None:
        """The agency the text around the span credits, by strength and then by how many articles say so."""
        score: dict[str, int] = {}
        for r in ranks:
            doc = self.c.docs[r]
            s = found.occurrences[r]
            text = doc.article.text
            cs, ce = doc.starts[s], doc.ends[s + len(found.tokens) - 1]
            # Sentences never cross a line break (text.sentence_spans), so split only the
            # paragraph(s) holding the span.
            para_start = text.rfind("\n", 0, cs) + 1
            para_end = text.find("\n", ce)
            para_end = len(text) if para_end < 0 else para_end
            around = [
                (para_start + a, para_start + b)
                for a, b in sentence_spans(text[para_start:para_end])
                if para_start + a < ce and para_start + b > cs
            ]
            lo = min([cs] + [a for a, _ in around])
            hi = max([ce] + [b for _, b in around])
            for agency, strength in _attributions(text[lo:hi], self._local(r)).items():
                score[agency] = score.get(agency, 0) + strength
        if not score:
            # Nothing around the span names a source: the agency whose wire copy carried it is the origin
            # ("EBBERSFELD, July 8 /NNS/ - ..."), if the carrying articles that credit a wire agree on one.
            # Two different wires (a Kyodo and a TASS story sharing a phrase) both took it from elsewhere.
            credits = {c for r in ranks if (c := _wire_credit(self.c.docs[r].article)) is not None}
            return credits.pop() if len(credits) == 1 else None
        return max(score, key=lambda a: score[a])  # ties: first seen, i.e. earliest article

    def _local(self, rank: int) -> dict[str, str]:
        """The agencies article ``rank`` defines itself, computed once per article."""
        local = self.local.get(rank)
        if local is None:
            local = self.local[rank] = local_agencies(self.c.docs[rank].article.text)
        return local


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
