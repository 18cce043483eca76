"""The corpus and its index: articles tokenised once, their duplicate groups, and the keys they are indexed under.

**Duplicates.** Exact copies share a content hash; near copies (trimmed, re-headlined, a boilerplate line
added) are found with MinHash + LSH over word 5-shingles (``minhash``) and confirmed with the exact Jaccard
of the shingle sets. Every copy points at the earliest member of its group (no chains).

**Postings.** Each article contributes postings to one sorted index: its winnowed word 5-grams (MOSS-style
fingerprints, which guarantee a common posting for every shared run of 10 words or more; see ``WINNOW_W``)
and every 4-gram inside quotation marks. ``passages`` pairs articles through them.

**The persistent index** (``index_keys``, ``IndexKeys``): per article, its postings' keys, its content hash
and its LSH band keys, so that two articles that could be duplicates or share a passage always share a key.
``DedupeIndexReader`` (``storage``) is what ``incremental`` reads of a stored index.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterator, Mapping, Sequence

import numpy as np
import numpy.typing as npt

from storyline.dedupe.minhash import band_keys, jaccard, lsh_params, oph_signatures
from storyline.dedupe.options import DedupeOptions
from storyline.dedupe.sources import earliest_first
from storyline.dedupe.storage import DedupeIndexReader
from storyline.dedupe.tokens import (
    BATCH_CHARS,
    I64,
    POLY,
    U64,
    Members,
    gram_hashes,
    mix,
    short_shingle,
    sorted_unique,
    tokenise_batch,
)
from storyline.records import Article, Duplicate
from storyline.text import text_hash
from storyline.unionfind import UnionFind

__all__ = [
    "LOOKBACK",
    "Corpus",
    "DedupeIndexReader",
    "DuplicateSearch",
    "IndexKeys",
    "Tokens",
    "find_duplicates",
    "index_keys",
    "pack_tokens",
    "unpack_tokens",
    "winnow_picks",
]

# A duplicate search done elsewhere (``batch.neardup`` in Spark tasks): ``find_duplicates``'s records of exactly the
# articles it is given, for ``Corpus(duplicates=...)`` to take in place of its own search.
DuplicateSearch = Callable[[Sequence[Article], DedupeOptions], list[Duplicate]]

# An article's word tokens without its text: their hashes and quoted flags (what ``Corpus`` needs of a neighbour
# it only pairs with; ``tokenise_batch`` of the text gives the same).
Tokens = tuple[U64, npt.NDArray[np.bool_]]


def pack_tokens(hashes: U64, quoted: npt.NDArray[np.bool_]) -> tuple[bytes, bytes, bytes]:
    """Tokens as stored (``dedupe_tokens``): the article's distinct hashes (8 bytes each, little-endian), each
    token as its index among them (2 bytes, or 4 past 65,536 distinct words) and the quoted flags (1 bit each).
    An article's ~1,200 tokens hold ~500 distinct words: ~6.5 KB instead of 9.6 KB of plain hashes."""
    vocab, seq = np.unique(hashes, return_inverse=True)
    width = "<u2" if vocab.size <= 1 << 16 else "<u4"
    return (
        vocab.astype("<u8").tobytes(),
        seq.astype(width).tobytes(),
        np.packbits(quoted).tobytes(),
    )


def unpack_tokens(vocab: bytes, seq: bytes, quoted: bytes) -> Tokens:
    """``pack_tokens`` undone."""
    words = np.frombuffer(vocab, dtype="<u8").astype(np.uint64)
    at = np.frombuffer(seq, dtype="<u2" if words.size <= 1 << 16 else "<u4")
    h = words[at] if at.size else np.zeros(0, np.uint64)
    q = np.unpackbits(np.frombuffer(quoted, dtype=np.uint8), count=h.size).astype(np.bool_)
    return h, q


# Winnowing (Schleimer, Wilkerson & Aiken 2003, MOSS) over word 5-grams with a window of 6: every window
# of 6 consecutive 5-grams selects its minimum (the first one on ties). Guarantee: two articles sharing a
# run of at least 6 + 5 - 1 = 10 words (``passage_min_words``) both select the same 5-gram inside it, at
# the same offset from the run's start, because the first window inside the run has the same content in
# both. Shorter shared runs are found only if a selected 5-gram falls in them (they never become
# passages unless they are quotations, which have keys of their own). About 2 / (6 + 1) = 29% of an
# article's 5-grams are selected, so the pairing index is 3.5 times smaller than one over every n-gram.
WINNOW_K = 5
WINNOW_W = 6
# Tags that keep the kinds of index keys apart (one table holds them all).
TAG_QUOTED = np.uint64(0x51F15EED)
TAG_BAND = np.uint64(0xB4ADB4AD)
# Each posting is paired with up to this many earlier postings of the same key (from other duplicate
# groups): a stock 5-gram ("the united states and the") that some unrelated article selects too can sit
# between two carriers of a passage; looking further back than the neighbour steps over such articles.
# A passage of 2 sentences holds ~10 selected 5-grams, and all of them would need 8 strangers in between.
LOOKBACK = 8


def _grams_inside(h: U64, k: int, tok_doc: I64, tok_end: I64) -> tuple[U64, I64, I64]:
    """Hashes of the k-grams that end inside their article, with their start positions and articles."""
    g = gram_hashes(h, k)
    pos = np.flatnonzero(np.arange(g.size) + k <= tok_end[: g.size])
    return g[pos], pos, tok_doc[pos]


def _winnow(g: U64, docs: I64, n_docs: int) -> I64:
    """Indices into ``g`` that winnowing selects: the first minimum of each window of grams in one article.

    An article with 1-5 grams (5-9 words) has no full window: its first gram stands for it.
    """
    w = WINNOW_W
    picked: list[I64] = []
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
    return sorted_unique(np.concatenate(picked).astype(np.uint64)).astype(np.int64) if picked else np.zeros(0, np.int64)


def winnow_picks(grams: U64) -> I64:
    """Indices into one text's ``grams`` (at least ``WINNOW_W`` of them) that its windows select, ascending."""
    return _winnow(grams, np.zeros(grams.size, dtype=np.int64), 1)


def _winnow_at(g: U64, docs: I64, n_docs: int, cand: I64) -> I64:
    """The indices among ``cand`` (ascending indices into ``g``) that ``_winnow`` selects, without winnowing the rest.

    Gram ``c`` is selected by the window starting at ``i`` when every gram of the window before it is greater and
    every one after it is no smaller (the first minimum), and the window lies in one article; or it is the first
    gram of an article too short for a window.
    """
    w = WINNOW_W
    if cand.size == 0:
        return cand
    gc = g[cand]
    reach: list[I64] = []
    for step, better in ((-1, np.greater), (1, np.greater_equal)):  # grams before: greater; after: no smaller
        count = np.zeros(cand.size, dtype=np.int64)
        alive = np.ones(cand.size, dtype=np.bool_)
        for o in range(1, w):
            j = cand + step * o
            alive &= (j >= 0) & (j < g.size)
            alive[alive] = better(g[j[alive]], gc[alive])
            count += alive
        reach.append(count)
    first_i = cand - reach[0]
    last_i = np.minimum(cand + reach[1] - (w - 1), g.size - w)
    selected = np.zeros(cand.size, dtype=np.bool_)
    for o in range(w):  # the window starting o grams before c
        i = cand - o
        ok = (i >= first_i) & (i <= last_i) & (i >= 0)
        ok[ok] = docs[i[ok]] == docs[i[ok] + w - 1]
        selected |= ok
    per_doc = np.bincount(docs, minlength=n_docs)
    selected |= (per_doc[docs[cand]] < w) & (np.searchsorted(docs, docs[cand]) == cand)
    return cand[selected]


class Corpus:
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
        tokens: Mapping[str, Tokens] | None = None,
        duplicates: Sequence[Duplicate] | None = None,
    ) -> None:
        """``groups`` (article id -> its duplicate group's canonical id) replaces the duplicate search when the
        articles are a slice of a larger corpus whose groups are known; ``entries`` then says which postings
        are first of their group for their key in that corpus: (keys covered, {(key, article id)}); postings
        of keys not covered are left out (see ``passages.Passages``). ``tokens`` gives some articles' tokens
        (stored ones): their texts are not read, so they have no character offsets (``has_text``).

        ``duplicates`` replaces the duplicate search of a whole corpus with its result found elsewhere (a
        ``DuplicateSearch``: ``find_duplicates``'s records of exactly these articles). Unlike ``groups``, the
        corpus is still whole: band keys are computed, so ``keys`` gives the persistent index the same rows.

        Raises:
            ValueError: two articles share an id; ``groups`` and ``duplicates`` are both given; or a record of
                ``duplicates`` names an article not given, or a canonical that is not the earliest of its group.
        """
        if groups is not None and duplicates is not None:
            raise ValueError("give a slice's groups or a whole corpus's duplicates, not both")
        seen: set[str] = set()
        for a in articles:
            if a.id in seen:
                raise ValueError(f"article ids must be unique; {a.id!r} appears twice")
            seen.add(a.id)
        self.options = options
        self.articles: list[Article] = sorted(articles, key=earliest_first)
        n = len(self.articles)
        self.rank = {a.id: i for i, a in enumerate(self.articles)}
        hashes: list[U64] = []
        starts: list[npt.NDArray[np.int32]] = []
        ends: list[npt.NDArray[np.int32]] = []
        quoted: list[npt.NDArray[np.bool_]] = []
        counts: list[I64] = []
        batch: list[str] = []
        size = 0
        given = tokens or {}
        self.textless: set[int] = set()  # ranks of the articles given by their tokens alone
        for last, a in enumerate(self.articles, 1):
            stored = given.get(a.id)
            if stored is not None:
                self.textless.add(last - 1)
            else:
                batch.append(a.text)
                size += len(a.text) + 1
            if batch and (size >= BATCH_CHARS or last == n or stored is not None):
                h, s, e, q, k = tokenise_batch(batch)
                hashes.append(h)
                starts.append(s)
                ends.append(e)
                quoted.append(q)
                counts.append(k)
                batch, size = [], 0
            if stored is not None:  # after the texts before it: arrays stay in rank order
                hashes.append(stored[0])
                zero = np.zeros(stored[0].size, dtype=np.int32)
                starts.append(zero)
                ends.append(zero)
                quoted.append(stored[1])
                counts.append(np.asarray([stored[0].size], dtype=np.int64))
        if not counts:  # no articles
            h, s, e, q, k = tokenise_batch([])
            hashes, starts, ends, quoted, counts = [h], [s], [e], [q], [k]
        self.hashes: U64 = np.concatenate(hashes)
        self.starts: npt.NDArray[np.int32] = np.concatenate(starts)
        self.ends: npt.NDArray[np.int32] = np.concatenate(ends)
        self.quoted: npt.NDArray[np.bool_] = np.concatenate(quoted)
        self.counts: I64 = np.concatenate(counts)
        self.offsets: I64 = np.concatenate([[0], np.cumsum(self.counts)]).astype(np.int64)
        self.group: list[int] = list(range(n))  # rank of each article's canonical (a label, given ``groups``)
        self._shingle_cache: dict[int, U64] = {}
        self._pairs: tuple[U64, I64] | None = None
        self.entries = entries
        # A slice whose groups are given never looks for duplicates nor writes index keys: no MinHash bands
        self._postings(bands=groups is None)
        if duplicates is not None:
            self.duplicates = self._take_duplicates(duplicates)
        elif groups is None:
            self.duplicates = self._find_duplicates()
        else:
            labels: dict[str, int] = {}
            self.group = [labels.setdefault(groups.get(a.id, a.id), i) for i, a in enumerate(self.articles)]
            self.duplicates = []

    def has_text(self, d: int) -> bool:
        """Whether article ``d`` was tokenised from its text (its tokens have character offsets)."""
        return d not in self.textless

    def token_rows(self) -> tuple[tuple[str, bytes, bytes, bytes], ...]:
        """(article id, *``pack_tokens``) of every article, as the store keeps them."""
        out = []
        for d, a in enumerate(self.articles):
            lo, hi = int(self.offsets[d]), int(self.offsets[d + 1])
            out.append((a.id, *pack_tokens(self.hashes[lo:hi], self.quoted[lo:hi])))
        return tuple(out)

    @functools.cached_property
    def content_hashes(self) -> list[str]:
        return [a.content_hash or text_hash(a.text) for a in self.articles]

    # ----------------------------------------------------------------- per-article views
    def doc_of(self, gpos: I64) -> I64:
        """Rank of the article holding each global token position."""
        return np.asarray(np.searchsorted(self.offsets, gpos, side="right") - 1, dtype=np.int64)

    def shingles(self, d: int) -> U64:
        """Sorted unique word 5-shingle hashes of article ``d`` (a short article is one shingle)."""
        cached = self._shingle_cache.get(d)
        if cached is None:
            h = self.hashes[self.offsets[d] : self.offsets[d + 1]]
            cached = sorted_unique(gram_hashes(h, self.options.shingle_words))
            if cached.size == 0 and h.size:
                cached = np.asarray([short_shingle(h)], dtype=np.uint64)
            self._shingle_cache[d] = cached
        return cached

    # ----------------------------------------------------------------- postings and signatures
    def _postings(self, bands: bool = True) -> None:
        """MinHash band keys per article (``bands``), and the postings: winnowed 5-grams and quoted 4-grams."""
        opts = self.options
        n = len(self.articles)
        b, r = lsh_params(opts.near_threshold - opts.lsh_margin, opts.num_perm) if bands else (0, 0)
        covered = None
        if self.entries is not None:  # tested once per batch below: the table is built once
            covered = Members(np.sort(np.asarray(list(self.entries[0]), dtype=np.int64).view(np.uint64)))
        self.bands: U64 = np.zeros((n, b), dtype=np.uint64)
        keys: list[U64] = []
        gpos: list[I64] = []
        gdoc: list[npt.NDArray[np.int32]] = []
        isq: list[npt.NDArray[np.bool_]] = []
        d0 = 0
        while d0 < n:  # batches of whole articles, ~BATCH_CHARS / 6 tokens at a time
            d1 = int(np.searchsorted(self.offsets, self.offsets[d0] + BATCH_CHARS // 6, side="right"))
            d1 = min(n, max(d1 - 1, d0 + 1))
            lo, hi = int(self.offsets[d0]), int(self.offsets[d1])
            h = self.hashes[lo:hi]
            counts = self.counts[d0:d1]
            tok_doc = np.repeat(np.arange(d1 - d0, dtype=np.int64), counts)  # batch-local article of each token
            tok_end = np.repeat(self.offsets[d0 + 1 : d1 + 1] - lo, counts)  # where its article ends
            # shingles -> one-permutation MinHash -> band keys
            g, gpos_k, docs = _grams_inside(h, opts.shingle_words, tok_doc, tok_end)
            if bands:
                short = np.flatnonzero((np.bincount(docs, minlength=d1 - d0) == 0) & (counts > 0))
                if short.size:  # articles shorter than a shingle are one shingle
                    local_off = self.offsets[d0 : d1 + 1] - lo
                    extra = [short_shingle(h[local_off[j] : local_off[j + 1]]) for j in short.tolist()]
                    vals = np.concatenate([g, np.asarray(extra, dtype=np.uint64)])
                    vdocs = np.concatenate([docs, short])
                else:
                    vals, vdocs = g, docs
                self.bands[d0:d1] = band_keys(oph_signatures(vals, vdocs, d1 - d0, opts.num_perm), b, r)
            if opts.shingle_words != WINNOW_K:
                g, gpos_k, docs = _grams_inside(h, WINNOW_K, tok_doc, tok_end)
            if covered is None:
                sel = _winnow(g, docs, d1 - d0)
            else:  # a slice keeps only the keys it covers (``passages.Passages`` would drop the rest)
                sel = _winnow_at(g, docs, d1 - d0, np.flatnonzero(covered(g)))
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
                            gq = gq * POLY + h[inq + j]
                    keys.append(mix(gq ^ TAG_QUOTED))
                    gpos.append(inq + lo)
                    gdoc.append((tok_doc[inq] + d0).astype(np.int32))
                    isq.append(np.ones(inq.size, dtype=np.bool_))
            d0 = d1
        self.post_keys: U64 = np.concatenate(keys) if keys else np.zeros(0, np.uint64)
        self.post_pos: I64 = np.concatenate(gpos) if gpos else np.zeros(0, np.int64)
        self.post_doc: npt.NDArray[np.int32] = np.concatenate(gdoc) if gdoc else np.zeros(0, np.int32)
        self.post_quoted: npt.NDArray[np.bool_] = np.concatenate(isq) if isq else np.zeros(0, np.bool_)

    def _find_duplicates(self) -> list[Duplicate]:
        opts = self.options
        n = len(self.articles)
        sets = UnionFind(range(n))
        root = sets.root
        union = sets.union_min  # the smaller rank (earlier article) stays the root

        hashes = self.content_hashes
        first_with_hash: dict[str, int] = {}
        # Groups are the connected components of "same content hash" and "share an LSH band and reach the
        # Jaccard threshold", over every article: a partition that does not depend on the order articles
        # come in, so the incremental index can grow it one article at a time (``incremental``).
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
                        if root(j) != root(i) and jaccard(self.shingles(i), self.shingles(j)) >= opts.near_threshold:
                            union(j, i)

        out: list[Duplicate] = []
        for i in range(n):
            canon = root(i)
            self.group[i] = canon
            if canon == i:
                continue
            exact = hashes[i] == hashes[canon]
            sim = 1.0 if exact else round(jaccard(self.shingles(i), self.shingles(canon)), 4)
            out.append(
                Duplicate(
                    article=self.articles[i].id,
                    duplicate_of=self.articles[canon].id,
                    kind="exact" if exact else "near",
                    similarity=sim,
                )
            )
        return out

    def _take_duplicates(self, records: Sequence[Duplicate]) -> list[Duplicate]:
        """The groups of a duplicate search done elsewhere: each copy joins its canonical's group. Only their
        shape is checked (ids known, every canonical earlier than its copies and no copy itself); that they are
        the groups ``_find_duplicates`` makes is the caller's word (tests/test_dedupe_seam.py)."""
        copies: list[tuple[int, Duplicate]] = []
        for d in records:
            i, canon = self.rank.get(d.article), self.rank.get(d.duplicate_of)
            if i is None or canon is None:
                raise ValueError(f"duplicate {d.article!r} of {d.duplicate_of!r} names an article not in the corpus")
            if canon >= i or self.group[i] != i:
                raise ValueError(f"duplicate {d.article!r} of {d.duplicate_of!r}: not a copy of an earlier article")
            self.group[i] = canon
            copies.append((i, d))
        for _, d in copies:
            if self.group[self.rank[d.duplicate_of]] != self.rank[d.duplicate_of]:
                raise ValueError(f"duplicate {d.article!r} of {d.duplicate_of!r}, itself a copy: no chains")
        return [d for _, d in sorted(copies, key=lambda x: x[0])]

    # ----------------------------------------------------------------- index
    def _key_pairs(self) -> tuple[U64, I64]:
        """Every (key, article rank) of the persistent index, unique, sorted by rank then key."""
        if self._pairs is None:
            self._pairs = self._make_key_pairs()
        return self._pairs

    def _make_key_pairs(self) -> tuple[U64, I64]:
        n = len(self.articles)
        has = np.flatnonzero(self.counts > 0)
        content = np.asarray([int(self.content_hashes[i][:16], 16) for i in has.tolist()], dtype=np.uint64)
        b = self.bands.shape[1]
        keys = np.concatenate([self.post_keys, content, mix(self.bands[has].ravel() ^ TAG_BAND)])
        docs = np.concatenate([self.post_doc.astype(np.int64), has, np.repeat(has, b)])
        if n == 0 or keys.size == 0:
            return np.zeros(0, np.uint64), np.zeros(0, np.int64)
        order = _sort_within(keys, docs)  # by article, then key; then unique within each article
        keys, docs = keys[order], docs[order]
        new = np.concatenate(([True], (keys[1:] != keys[:-1]) | (docs[1:] != docs[:-1])))
        return keys[new], docs[new]

    def duplicate_keys(self) -> set[int]:
        """The content-hash and LSH band keys of the articles (signed, as in the index): the keys through
        which a stored article can join one of their duplicate groups."""
        has = np.flatnonzero(self.counts > 0)
        content = np.asarray([int(self.content_hashes[i][:16], 16) for i in has.tolist()], dtype=np.uint64)
        bands = mix(self.bands[has].ravel() ^ TAG_BAND)
        return set(np.concatenate([content, bands]).view(np.int64).tolist())

    def keys(self) -> IndexKeys:
        """Per article, the signed 64-bit keys of the persistent index (see ``index_keys``)."""
        keys, docs = self._key_pairs()
        return IndexKeys([a.id for a in self.articles], keys.view(np.int64), docs)


def _sort_within(keys: U64, docs: I64) -> I64:
    """The order sorting by ``docs`` then ``keys`` (like ``np.lexsort((keys, docs))``, with unstable, faster sorts)."""
    # rank of each key among all keys, then offset by the article so articles never interleave
    rank = np.empty(keys.size, dtype=np.int64)
    rank[np.argsort(keys)] = np.arange(keys.size)
    return np.argsort(docs * keys.size + rank)


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
    return Corpus(articles, options).duplicates


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
    return dict(Corpus(articles, options).keys())


class IndexKeys(Mapping[str, list[int]]):
    """Article id -> its keys in the persistent index (``index_keys``), held as two flat arrays.

    Lists are made only for the articles asked for; ``flat`` hands a store every key at once (at 100k
    articles the index has ~45M keys, which as Python ints would take ~2 GB).
    """

    def __init__(self, ids: list[str], keys: npt.NDArray[np.int64], owners: I64) -> None:
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

    def flat(self) -> tuple[npt.NDArray[np.int64], I64]:
        """Every key, and the position of its article in iteration order."""
        return self._keys, self._owners
