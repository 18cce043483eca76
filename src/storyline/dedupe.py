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

import hashlib
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from itertools import accumulate, chain, islice

import numpy as np
import numpy.typing as npt
from datasketch import MinHash, MinHashLSH

from storyline.agencies import agency_spans, dateline_credit, local_agencies
from storyline.records import Article, Duplicate, Passage, content_id
from storyline.text import normalise, sentence_spans, text_hash

__all__ = ["DedupeOptions", "dedupe", "find_duplicates", "find_passages", "independent_sources"]

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
    corpus = _Corpus(articles, options)
    return corpus.duplicates


def find_passages(articles: Sequence[Article], options: DedupeOptions = DedupeOptions()) -> list[Passage]:
    """Find spans of text shared by two or more articles that are not copies of each other.

    Args:
        articles: the articles, in any order; ids must be unique.
        options: span lengths (see ``DedupeOptions``).

    Returns:
        Passages ordered by origin article then position. ``text`` is the span exactly as the
        origin (earliest) article writes it, ``articles`` every article containing it
        (earliest first), ``origin_agency`` the news agency the text around it credits, if any.

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
    parent: dict[str, str] = {}

    def root(x: str) -> str:
        parent.setdefault(x, x)
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    def union(a: str, b: str) -> None:
        ra, rb = root(a), root(b)
        if ra != rb:
            parent[rb] = ra

    for dup in duplicates:
        union(dup.duplicate_of, dup.article)
    for passage in passages:
        for other in passage.articles[1:]:
            union(passage.articles[0], other)
    return len({root(i) for i in ids})


# --------------------------------------------------------------------------- tokens

# Letters and digits; everything else (quotes, hyphens, apostrophes) separates words.
_TOKEN_SPLIT = re.compile(r"([^\W_]+)")
# Multiplier of the polynomial n-gram hash (odd, so multiplication is invertible mod 2**64).
_POLY = np.uint64(0x9E3779B97F4A7C15)


def _earliest_first(article: Article) -> tuple[bool, str, str]:
    return (article.published is None, article.published or "", article.id)


@dataclass(slots=True)
class _Doc:
    article: Article
    rank: int
    ids: list[int]  # interned token ids (exact equality)
    starts: list[int]  # character offset of each token
    ends: list[int]
    quoted: npt.NDArray[np.bool_]  # token lies inside quotation marks


def _tokenise(text: str) -> tuple[list[str], list[int], list[int]]:
    """Normalised word tokens of ``text`` with their character offsets in ``text``."""
    low = text.lower()
    if len(low) != len(text):  # lower() lengthens a few characters (e.g. "İ"): keep offsets true
        low = text
    # split() with a capturing group alternates separator, token, ..., separator; summing the
    # piece lengths gives every offset without a Python-level loop over match objects.
    parts = _TOKEN_SPLIT.split(low)
    bounds = list(accumulate(map(len, parts)))
    tokens = parts[1::2]
    starts = bounds[0:-1:2]
    ends = bounds[1::2]
    if low is text:
        tokens = [normalise(t).replace(" ", "") for t in tokens]
    elif not low.isascii():  # NFKC folds ligatures, full-width letters and the like
        tokens = [t if t.isascii() else normalise(t).replace(" ", "") for t in tokens]
    return tokens, starts, ends


_DOUBLE_QUOTES = re.compile(r'["“”„«»\n]')  # with line breaks, which close any open quote
_ANY_QUOTE = re.compile(r"[\"“”„«»'‘’]")
# A single-quoted stretch: opening quote at a word start, closing quote at a word end and
# not followed by a letter (so the apostrophe in "Kim's" neither opens nor closes).
_SINGLE_QUOTED = re.compile(r"(?<![\w'’‘])['‘](?=[^\W_])[^\n]*?(?<=\S)['’](?![^\W_])")


def _quoted_mask(text: str) -> npt.NDArray[np.bool_]:
    """Characters of ``text`` inside quotation marks (quotes are paired within a paragraph)."""
    mask = np.zeros(len(text) + 1, dtype=np.bool_)
    if not _ANY_QUOTE.search(text):
        return mask
    opened = -1
    for m in _DOUBLE_QUOTES.finditer(text):
        ch, pos = m.group(), m.start()
        if ch == "\n":  # a quote left open runs to the end of its paragraph
            if opened >= 0:
                mask[opened:pos] = True
                opened = -1
        elif ch in "“„«" or (ch == '"' and opened < 0):
            if opened < 0:
                opened = pos
        elif opened >= 0:
            mask[opened : pos + 1] = True
            opened = -1
    if opened >= 0:
        mask[opened:] = True
    for m in _SINGLE_QUOTED.finditer(text):
        mask[m.start() : m.end()] = True
    return mask


# --------------------------------------------------------------------------- corpus


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
        vocab: dict[str, int] = {}
        vocab_hash: list[int] = []
        self.docs: list[_Doc] = []
        for rank, article in enumerate(ordered):
            tokens, starts, ends = _tokenise(article.text)
            for tok in [t for t in dict.fromkeys(tokens) if t not in vocab]:
                vocab[tok] = len(vocab)
                # A stable hash (not Python's salted hash()) so MinHash signatures, and hence
                # LSH candidates, are the same on every run and for every input order.
                vocab_hash.append(int.from_bytes(hashlib.blake2b(tok.encode(), digest_size=8).digest(), "little"))
            ids = list(map(vocab.__getitem__, tokens))
            quoted = _quoted_mask(article.text)[np.asarray(starts, dtype=np.int64)] if starts else np.zeros(0, np.bool_)
            self.docs.append(_Doc(article, rank, ids, starts, ends, quoted))
        hash_table = np.asarray(vocab_hash, dtype=np.uint64)
        lengths = np.asarray([len(d.ids) for d in self.docs], dtype=np.int64)
        all_ids = np.fromiter(chain.from_iterable(d.ids for d in self.docs), dtype=np.int64, count=int(lengths.sum()))
        self.hashes: _U64 = hash_table[all_ids] if all_ids.size else np.zeros(0, np.uint64)
        self.doc_of: _I64 = np.repeat(np.arange(len(self.docs), dtype=np.int64), lengths)
        self.offsets: _I64 = np.concatenate([[0], np.cumsum(lengths)]).astype(np.int64)
        self.pos_of: _I64 = np.arange(self.hashes.size, dtype=np.int64) - self.offsets[self.doc_of]
        self.quoted: npt.NDArray[np.bool_] = (
            np.concatenate([d.quoted for d in self.docs]) if self.docs else np.zeros(0, np.bool_)
        )
        self._grams: dict[int, tuple[_U64, _I64]] = {}
        self.group: list[int] = list(range(len(self.docs)))  # rank of each doc's canonical
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
        for j in range(1, k):
            keys = keys * _POLY + self.hashes[j : j + n]  # wraps mod 2**64 by design
        starts = np.arange(n, dtype=np.int64)
        ends_in_doc = self.offsets[self.doc_of[:n] + 1]
        fits = starts + k <= ends_in_doc
        return keys[fits], starts[fits]

    def _shingle_sets(self) -> list[_U64]:
        """Sorted unique word-shingle hashes per article (a short article is one shingle)."""
        k = self.options.shingle_words
        keys, starts = self.gram_keys(k)
        docs = self.doc_of[starts]
        bounds = np.searchsorted(docs, np.arange(len(self.docs) + 1))
        out: list[_U64] = []
        for i, d in enumerate(self.docs):
            chunk = keys[bounds[i] : bounds[i + 1]]
            if chunk.size == 0 and d.ids:
                h = len(d.ids)
                for v in self.hashes[self.offsets[i] : self.offsets[i + 1]].tolist():
                    h = (h * int(_POLY) + v) % 2**64
                chunk = np.asarray([h], dtype=np.uint64)
            out.append(np.unique(chunk))
        return out

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

        hashes = [d.article.content_hash or text_hash(d.article.text) for d in self.docs]
        first_with_hash: dict[str, int] = {}
        reps: list[int] = []  # one article per exact-hash group, for the near-duplicate search
        for i, d in enumerate(self.docs):
            if not d.ids:  # nothing to compare: an empty article duplicates nothing
                continue
            j = first_with_hash.setdefault(hashes[i], i)
            if j != i:
                union(j, i)
            else:
                reps.append(i)

        shingles = self._shingle_sets()
        minhashes = MinHash.bulk(
            (shingles[i].tolist() for i in reps), num_perm=opts.num_perm, hashfunc=_identity, scheme="affine64"
        )
        lsh = MinHashLSH(threshold=opts.near_threshold - opts.lsh_margin, num_perm=opts.num_perm)
        for i, mh in zip(reps, minhashes):
            # Query before insert: candidates are earlier articles, so each pair is checked once.
            for j in lsh.query(mh):
                if root(j) != root(i) and _jaccard(shingles[i], shingles[j]) >= opts.near_threshold:
                    union(j, i)
            lsh.insert(i, mh)

        out: list[Duplicate] = []
        for i in range(n):
            canon = root(i)
            self.group[i] = canon
            if canon == i:
                continue
            exact = hashes[i] == hashes[canon]
            sim = 1.0 if exact else round(_jaccard(shingles[i], shingles[canon]), 4)
            out.append(
                Duplicate(
                    article=self.docs[i].article.id,
                    duplicate_of=self.docs[canon].article.id,
                    kind="exact" if exact else "near",
                    similarity=sim,
                )
            )
        return out


def _identity(value: int) -> int:
    """MinHash hash function for values that are already 64-bit hashes."""
    return value


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
        return [self._passage(f) for f in self._prune(found)]

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
            ids = c.docs[d].ids
            if start >= 0 and tuple(ids[start : start + length]) == found.tokens:
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
    return _tokenise(text)[0]


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
