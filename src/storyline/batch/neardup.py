"""Duplicate articles found by Spark tasks: dedupe's MinHash LSH banding, with the grouping and the exact check
done where the articles are, and only the pairs that pass brought to the driver.

The groups are the ones ``dedupe.find_duplicates`` makes of the same articles: the connected components of
"same content hash" and "share an LSH band key and reach ``near_threshold`` in the exact Jaccard of their word
shingle sets", over every article with a token, each named by its earliest member (``earliest_first``). Every
step uses dedupe's own functions and options (``tokens``, ``minhash``), so nothing here decides anything anew:

1. **sketch** (tasks): each article's shingle set, content hash and band keys (``sketches``, a batch of texts
   tokenised at once, as ``dedupe.index.Corpus`` does);
2. **candidates** (one shuffle): one row per (band key, article) and per (content hash, article), grouped by key;
   exact copies are joined to the earliest of their hash, and every pair in a band bucket is a candidate, as in
   dedupe, less the pairs that share a content hash (joined anyway);
3. **verify** (two shuffles): each article's shingle set goes once to the candidate pairs that ask for it, and a
   pair is kept when its two sets reach the threshold in the exact Jaccard;
4. **groups** (driver): a union-find over the kept pairs; the driver holds the pairs and the articles in them,
   never a text, a shingle set or an article without a duplicate;
5. **records** (tasks): each copy's ``Duplicate`` against its group's earliest member (kind, rounded Jaccard),
   as dedupe writes them.

In ``run_batch`` (``SparkBatch.duplicates``, a ``dedupe.DuplicateSearch``): when the analyse job's dedupe step
indexes from scratch (``dedupe.update`` on an empty index, or with new articles at least ``REBUILD_FRACTION`` of it;
past ``jobs.DEDUPE_CHUNK`` articles, ``jobs.dedupe_pending``'s first chunk), it hands this search exactly the articles
it indexes, and its ``dedupe.index.Corpus`` takes the records in place of its own search (``Corpus(duplicates=...)``)
while computing the band keys the persistent index needs: the store is the one process's row for row
(tests/test_dedupe_seam.py, tests/test_batch_spark.py). Later chunks, and a run adding fewer articles than that to
an index that is not empty, are incremental updates that search the stored band keys themselves, on the driver.

What still gathers to the driver: the articles go to the tasks from the dedupe step, which holds them for its index
(``parallelize``: up to ``DEDUPE_CHUNK`` = 20,000 texts), and the kept pairs, the union-find and one ``Duplicate``
per copy come back (Timeline17: 43). The passages' pairing (postings grouped by winnowed key) and growing (pairs
grouped by pair of articles) run in tasks too, from the same update (``batch.passages``, ``SparkBatch.spans``): the
rows of the spans found come back. The rest of the step does not distribute: postings, band keys, the persistent
index, and each found span's carriers (``locate``), ``prune`` and the ``Passage`` records are computed on the driver
in one ``Corpus`` over the chunk, every token of it held at once (about 1.7 GiB per 10,000 Timeline17-size
articles, about 3.3 GiB at a full chunk; BENCHMARKS.md). Shingles, band keys and postings are computed twice, in
the tasks and on the driver: at Timeline17's size the search in tasks costs more than the driver's own (11-31 s
against 2.3 s on two cores; BENCHMARKS.md, issue 16); what it takes off the driver is the candidate grouping and
the exact Jaccard, which grow with the copies a corpus holds.
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
        # one shuffle groups both kinds of key: content hashes (exact copies) and band keys (candidates)
        pairs = sk.flatMap(_keys).groupByKey().flatMap(_pairs)
        exact = pairs.filter(lambda p: p[2])
        # each candidate asks both its articles for their shingle sets: one shuffle routes every set once to
        # the pairs that ask for it, a second brings the two sets of a pair together
        asks = pairs.filter(lambda p: not p[2]).flatMap(lambda p: ((p[0], p), (p[1], p)))
        near = (
            sk.map(lambda s: (s.order, s.shingles))
            .cogroup(asks)
            .flatMap(_route)
            .groupByKey()
            .filter(partial(_similar, threshold=options.near_threshold))
            .keys()
        )
        kept = exact.union(near).map(lambda p: (p[0], p[1])).collect()
        canonical = group_pairs(kept)
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


# The shuffle's keys: (0, content hash) and (1, band key). A key of one type, so that they sort: PySpark sorts a
# group-by's keys when a worker spills it to disk (past ``spark.python.worker.memory``), and a string and an integer
# do not compare. Found at 100,000 articles, where the shuffle spills; small corpora never do.
Key = tuple[int, str] | tuple[int, int]


def _keys(s: Sketch) -> list[tuple[Key, tuple[Order, str]]]:
    """An article under its content hash and each of its band keys."""
    row = (s.order, s.content_hash)
    return [((0, s.content_hash), row), *(((1, k), row) for k in s.bands)]


Pair = tuple[Order, Order, bool]  # earlier, later, and whether they share a content hash


def _pairs(kv: tuple[Key, Iterable[tuple[Order, str]]]) -> Iterator[Pair]:
    """The pairs one key makes: articles of one content hash each joined to the earliest of them; articles of one
    band every pair (earlier first), as in dedupe, but those sharing a content hash (joined by it already)."""
    key, rows = kv
    members = sorted(set(rows))  # an article given twice is one
    if key[0] == 0:
        yield from ((members[0][0], x, True) for x, _ in members[1:])
        return
    for x in range(1, len(members)):
        later, hash_later = members[x]
        for earlier, hash_earlier in members[:x]:
            if hash_earlier != hash_later:
                yield earlier, later, False


def _route(kv: tuple[Order, tuple[Iterable[bytes], Iterable[Pair]]]) -> Iterator[tuple[Pair, bytes]]:
    """An article's shingle set, once to each candidate pair that asked for it (from however many bands)."""
    _, (sets, asks) = kv
    held = next(iter(sets), None)
    if held is not None:
        for p in set(asks):
            yield p, held


def _similar(kv: tuple[Pair, Iterable[bytes]], threshold: float) -> bool:
    """Whether a candidate pair's shingle sets reach the threshold in the exact Jaccard."""
    a, b = (np.frombuffer(x, dtype=np.uint64) for x in kv[1])
    return jaccard(a, b) >= threshold


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
