"""Duplicate articles found by Spark tasks: dedupe's MinHash LSH banding, with the grouping and the exact check
done where the articles are, and only the pairs that pass brought to the driver.

The groups are the ones ``dedupe.find_duplicates`` makes of the same articles: the connected components of
"same content hash" and "share an LSH band key and reach ``near_threshold`` in the exact Jaccard of their word
shingle sets", over every article with a token, each named by its earliest member (``earliest_first``). Every
step uses dedupe's own functions and options (``tokens``, ``minhash``), so nothing here decides anything anew:

1. **sketch** (tasks): each article's shingle set, content hash and band keys (``sketches``, a batch of texts
   tokenised at once, as ``dedupe.index.Corpus`` does);
2. **candidates** (shuffle): one row per (band key, article), grouped by key; every pair in a bucket is a
   candidate, as in dedupe, less the pairs that share a content hash (joined anyway); exact copies are grouped by
   their hash;
3. **verify** (tasks): the candidate pairs joined with both articles' shingle sets, kept when the exact Jaccard
   reaches the threshold;
4. **groups** (driver): a union-find over the kept pairs; the driver holds the pairs and the articles in them,
   never a text, a shingle set or an article without a duplicate;
5. **records** (tasks): each copy's ``Duplicate`` against its group's earliest member (kind, rounded Jaccard),
   as dedupe writes them.

Not yet in ``run_batch``: the analyse job's dedupe step (``jobs.dedupe_pending`` -> ``dedupe.update``) computes
duplicates, passages and the persistent index in one ``dedupe.index.Corpus``, and has no way to be given groups
found elsewhere (``Corpus(groups=...)`` is for slices: it leaves out the band keys the index needs). The seam:
``Corpus`` taking ``Duplicate`` records in place of ``_find_duplicates`` while still computing band keys, passed
down by ``update`` on its from-scratch path (an empty index, or new articles at least ``REBUILD_FRACTION`` of it)
and by ``dedupe_pending`` (one chunk: up to ``jobs.DEDUPE_CHUNK`` articles; beyond, each later chunk is an
incremental update that must search against the stored band keys itself).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from functools import partial
from typing import TYPE_CHECKING, Any

import numpy as np

from storyline.dedupe import DedupeOptions
from storyline.dedupe.minhash import band_keys, jaccard, lsh_params, oph_signatures
from storyline.dedupe.sources import earliest_first
from storyline.dedupe.tokens import BATCH_CHARS, U64, gram_hashes, short_shingle, sorted_unique, tokenise_batch
from storyline.records import Article, Duplicate
from storyline.text import text_hash
from storyline.unionfind import UnionFind

if TYPE_CHECKING:
    from pyspark import RDD

__all__ = ["Order", "Sketch", "group_pairs", "near_duplicates", "sketches"]

# An article's place in dedupe's order (``earliest_first``: published ascending, undated last, then id): the
# smallest of a group names it. It ends with the id, so it also names the article.
Order = tuple[bool, str, str]


@dataclass(frozen=True, slots=True)
class Sketch:
    """What the duplicate search needs of one article: its order, content hash, word shingle set (sorted unique
    64-bit hashes, as bytes) and LSH band keys. An article without a token has no shingles and no bands."""

    order: Order
    content_hash: str
    shingles: bytes
    bands: tuple[int, ...]

    @property
    def id(self) -> str:
        return self.order[2]

    def shingle_set(self) -> U64:
        return np.frombuffer(self.shingles, dtype=np.uint64)


def sketches(articles: Iterable[Article], options: DedupeOptions = DedupeOptions()) -> Iterator[Sketch]:
    """The ``Sketch`` of each article, in order; texts are tokenised about ``BATCH_CHARS`` characters at a time."""
    b, r = lsh_params(options.near_threshold - options.lsh_margin, options.num_perm)
    batch: list[Article] = []
    size = 0
    for a in articles:
        batch.append(a)
        size += len(a.text) + 1
        if size >= BATCH_CHARS:
            yield from _sketch_batch(batch, options, b, r)
            batch, size = [], 0
    if batch:
        yield from _sketch_batch(batch, options, b, r)


def _sketch_batch(articles: Sequence[Article], options: DedupeOptions, b: int, r: int) -> Iterator[Sketch]:
    """``Corpus``'s shingles and band keys of a batch: a short article (fewer tokens than a shingle) is one
    shingle of all its tokens; the signature is the one-permutation MinHash of the shingle set."""
    h, _, _, _, counts = tokenise_batch([a.text for a in articles])
    offsets = np.concatenate([[0], np.cumsum(counts)]).astype(np.int64)
    sets: list[U64] = []
    for d in range(len(articles)):
        tok = h[offsets[d] : offsets[d + 1]]
        s = sorted_unique(gram_hashes(tok, options.shingle_words))
        if s.size == 0 and tok.size:
            s = np.asarray([short_shingle(tok)], dtype=np.uint64)
        sets.append(s)
    sizes = np.asarray([s.size for s in sets], dtype=np.int64)
    vals = np.concatenate(sets) if sets else np.zeros(0, np.uint64)
    docs = np.repeat(np.arange(len(articles), dtype=np.int64), sizes)
    keys = band_keys(oph_signatures(vals, docs, len(articles), options.num_perm), b, r)
    for d, a in enumerate(articles):
        bands = tuple(keys[d].tolist()) if counts[d] else ()
        yield Sketch(earliest_first(a), a.content_hash or text_hash(a.text), sets[d].tobytes(), bands)


def group_pairs(pairs: Iterable[tuple[Order, Order]]) -> dict[Order, Order]:
    """Each article of a joined pair -> its group's earliest member, for the members that are not it."""
    sets: UnionFind[Order] = UnionFind()
    for a, b in pairs:
        sets.union_min(a, b)
    return {x: root for x in list(sets.parent) if (root := sets.root(x)) != x}


def near_duplicates(articles: RDD[Article], options: DedupeOptions = DedupeOptions()) -> list[Duplicate]:
    """``dedupe.find_duplicates`` of ``articles``, with the work in Spark tasks (module docstring). An id given
    twice (the same article in two input files) counts once, as the store keeps it once.

    Returns:
        One ``Duplicate`` per article that copies an earlier one, against its group's earliest member, in
        dedupe's order: the list ``find_duplicates`` returns for the same articles.
    """
    from pyspark import StorageLevel

    sk = articles.mapPartitions(partial(sketches, options=options)).filter(lambda s: bool(s.bands))
    sk = sk.persist(StorageLevel.MEMORY_AND_DISK)
    try:
        exact = sk.map(lambda s: (s.content_hash, s.order)).groupByKey().flatMap(_star)
        shingles = sk.map(lambda s: (s.order, s.shingles))
        candidates = (
            sk.flatMap(lambda s: ((k, (s.order, s.content_hash)) for k in s.bands))
            .groupByKey()
            .flatMap(_bucket_pairs)
            .distinct()
        )
        near = (
            candidates.join(shingles)
            .map(lambda kv: (kv[1][0], (kv[0], kv[1][1])))
            .join(shingles)
            .filter(partial(_similar, threshold=options.near_threshold))
            .map(lambda kv: (kv[1][0][0], kv[0]))
        )
        canonical = group_pairs(exact.union(near).collect())
        if not canonical:
            return []
        known = articles.context.broadcast((canonical, set(canonical.values())))
        try:
            rows = sk.flatMap(partial(_to_group, canonical=known)).groupByKey().flatMap(_records).collect()
        finally:
            known.unpersist()
    finally:
        sk.unpersist()
    return [d for _, d in sorted(dict(rows).items())]  # an article given twice (two files held it) counts once


def _star(kv: tuple[str, Iterable[Order]]) -> list[tuple[Order, Order]]:
    """Articles with one content hash: each joined to the earliest of them."""
    members = sorted(kv[1])
    return [(members[0], x) for x in members[1:]]


def _bucket_pairs(kv: tuple[int, Iterable[tuple[Order, str]]]) -> Iterator[tuple[Order, Order]]:
    """Every pair of articles sharing one band key (earlier first), but those with one content hash."""
    members = sorted(kv[1])
    for x in range(1, len(members)):
        later, hash_later = members[x]
        for earlier, hash_earlier in members[:x]:
            if hash_earlier != hash_later:
                yield earlier, later


def _similar(kv: tuple[Order, tuple[tuple[Order, bytes], bytes]], threshold: float) -> bool:
    (_, a), b = kv[1]
    return jaccard(np.frombuffer(a, dtype=np.uint64), np.frombuffer(b, dtype=np.uint64)) >= threshold


def _to_group(s: Sketch, canonical: Any) -> list[tuple[Order, tuple[bool, Sketch]]]:
    """A member of a group keyed by the group's earliest member, which is keyed by itself and flagged; an
    article in no group gives nothing."""
    groups: dict[Order, Order]
    heads: set[Order]
    groups, heads = canonical.value
    if s.order in groups:
        return [(groups[s.order], (False, s))]
    if s.order in heads:
        return [(s.order, (True, s))]
    return []


def _records(kv: tuple[Order, Iterable[tuple[bool, Sketch]]]) -> list[tuple[Order, Duplicate]]:
    """The ``Duplicate`` of each copy in one group, keyed by the copy's order; as ``Corpus._find_duplicates``."""
    members = list(kv[1])
    canon = next(s for is_canon, s in members if is_canon)
    out = []
    for is_canon, s in members:
        if is_canon:
            continue
        exact = s.content_hash == canon.content_hash
        sim = 1.0 if exact else round(jaccard(s.shingle_set(), canon.shingle_set()), 4)
        kind = "exact" if exact else "near"
        out.append((s.order, Duplicate(article=s.id, duplicate_of=canon.id, kind=kind, similarity=sim)))
    return out
