"""Passage search in Spark tasks: dedupe's pairing of postings, grouped by winnowed key, and the growing of the
pairs into maximal common spans, grouped by pair of articles; the driver gets the spans, as ``SpanRows``.

The rows are the ones ``dedupe.passages.Passages`` finds in one process over the same articles and duplicate
groups (``Passages._rows``), and every step is one of its functions, called on the arrays a task holds:

1. **postings** (tasks): each article's postings (winnowed 5-grams, quoted 4-grams) from a ``Corpus`` of the
   task's articles, which indexes an article alone; each posting with its article's rank and duplicate group in
   the whole corpus and the tokens ``shares_run`` reads around it (``run_window``: 5 before, 10 from it). Each
   article's tokens are kept for step 3;
2. **per key** (one shuffle: hash partitions of the keys): a key's postings in corpus order, one per duplicate
   group (``first_entries``), the first ``key_groups_max`` of them (``heads``), each paired with the nearest earlier
   entry on a common run (``pair_entries``, ``shares_run`` over the carried tokens, which bound a run the way
   the article does);
3. **per pair of articles** (two shuffles: hash partitions of the pairs, and each article's tokens routed once to
   the partitions whose pairs ask for it): the pairs grown into maximal spans (``grow_rows``: chains dropped,
   maximal spans, distinct rows), over the tokens of the articles the partition's pairs name.

The driver gets the rows (one per distinct span a pair of articles shares: a few per pair) and the crowded keys
with the rank of each one's last pairing entry.
What stays on the driver, in ``Passages`` over its ``Corpus`` (``Passages(search=...)``): the quotation core of a
short span and its merging by tokens (``Passages._keep``, which needs the rows in corpus order), the anchor of
each span, ``locate`` (the anchor key's postings: every carrier), ``prune`` (across keys: spans nested in one
another in any article) and the ``Passage`` records (texts around each span, agencies). Those need the corpus's
tokens and texts, which that ``Corpus`` holds anyway for the index; tokens and postings are computed twice, in the
tasks and on the driver. Rows equal (tests/test_batch_passages.py) but for one case of probability about 2^-64 per
key: a quoted 4-gram key equal to a winnowed 5-gram's, whose postings one process lists by kind first within a
batch of articles, where the tasks list them by position.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from functools import partial
from typing import TYPE_CHECKING, Any

import numpy as np

from storyline.dedupe import DedupeOptions
from storyline.dedupe.index import Corpus
from storyline.dedupe.passages import (
    SpanRows,
    SpanSearch,
    distinct_rows,
    first_entries,
    grow_rows,
    heads,
    pair_entries,
    run_window,
    shares_run,
)
from storyline.dedupe.tokens import I64, U64
from storyline.records import Article

if TYPE_CHECKING:
    from pyspark import RDD, SparkContext

__all__ = ["Entries", "span_rows", "span_search"]

# One task's postings bound for one key partition, as arrays: keys (uint64), article ranks and groups, starts in
# the article, quoted flags, and the tokens around each (``run_window``; rows of before + after, the ones outside
# the article zero) with the first and end column inside the article.
Entries = dict[str, np.ndarray]
_FIELDS = ("key", "rank", "group", "pos", "quoted", "window", "lo", "hi")


def span_search(context: SparkContext, slices: int | None = None) -> SpanSearch:
    """A ``SpanSearch`` for ``Passages(search=...)``: ``span_rows`` of the corpus's articles, ``slices`` tasks."""

    def search(corpus: Corpus) -> tuple[SpanRows, U64, I64]:
        rows = [(r, g, a) for r, (g, a) in enumerate(zip(corpus.group, corpus.articles))]
        return span_rows(context.parallelize(rows, slices), corpus.options)

    return search


def span_rows(
    articles: RDD[tuple[int, int, Article]], options: DedupeOptions = DedupeOptions()
) -> tuple[SpanRows, U64, I64]:
    """``Passages._rows`` of a whole corpus, with the work in Spark tasks (module docstring).

    Args:
        articles: (rank, group, article) of every article of the corpus: its place in ``Corpus.articles`` and its
            duplicate group's (``Corpus.group``); ranks unique.

    Returns:
        The ``SpanRows`` (sorted, distinct), the crowded keys (sorted unique) and the rank of each one's last
        pairing entry, as ``Passages`` finds them.
    """
    from pyspark import StorageLevel

    parts = max(1, articles.getNumPartitions())
    done = articles.mapPartitions(partial(_postings, options=options, parts=parts))
    done = done.persist(StorageLevel.MEMORY_AND_DISK)
    try:
        postings = done.filter(lambda kv: kv[0] == "key").map(lambda kv: kv[1])
        tokens = done.filter(lambda kv: kv[0] == "tokens").map(lambda kv: kv[1])
        keyed = postings.groupByKey(parts).flatMap(partial(_pair, options=options, parts=parts))
        keyed = keyed.persist(StorageLevel.MEMORY_AND_DISK)
        try:
            crowded = keyed.filter(lambda kv: kv[0] == -1).map(lambda kv: kv[1]).collect()
            pairs = keyed.filter(lambda kv: kv[0] >= 0)
            asks = pairs.flatMap(lambda kv: [(int(r), kv[0]) for r in np.unique(np.concatenate(kv[1][::2]))])
            routed = tokens.cogroup(asks).flatMap(_route)
            grown = pairs.map(lambda kv: (kv[0], (None, kv[1]))).union(routed).groupByKey(parts).flatMap(_grow)
            got = grown.collect()
        finally:
            keyed.unpersist()
    finally:
        done.unpersist()
    keys = np.concatenate([np.zeros(0, np.uint64), *(k for k, _ in crowded)])
    lasts = np.concatenate([np.zeros(0, np.int64), *(r for _, r in crowded)])
    order = np.argsort(keys, kind="stable")  # each key is in one key partition: no repeats
    keys, lasts = keys[order], lasts[order]
    if not got:
        z = np.zeros(0, np.int64)
        return (z, z, z, z, z), keys, lasts
    da, db, pa, pb, n = (np.concatenate([g[i] for g in got]) for i in range(5))
    return distinct_rows(da, db, pa, pb, n), keys, lasts


def _postings(rows: Iterable[tuple[int, int, Article]], options: DedupeOptions, parts: int) -> Iterator[Any]:
    """A task's articles: ("key", (partition, ``Entries``)) per key partition, ("tokens", (rank, hashes))."""
    held = list(rows)
    if not held:
        return
    c = Corpus([a for _, _, a in held], options, groups={})
    place = {a.id: (r, g) for r, g, a in held}
    meta = np.asarray([place[a.id] for a in c.articles], dtype=np.int64).reshape(-1, 2)
    for d in range(len(c.articles)):
        yield "tokens", (int(meta[d, 0]), c.hashes[c.offsets[d] : c.offsets[d + 1]].tobytes())
    before, after = run_window(options.passage_min_words)
    doc = c.post_doc.astype(np.int64)
    gpos = c.post_pos
    lo_doc, hi_doc = c.offsets[doc], c.offsets[doc + 1]
    cols = np.arange(-before, after)
    at = gpos[:, None] + cols
    inside = (at >= lo_doc[:, None]) & (at < hi_doc[:, None])
    window = np.where(inside, c.hashes[np.clip(at, 0, max(c.hashes.size - 1, 0))], np.uint64(0))
    lo = before - np.minimum(before, gpos - lo_doc)
    hi = before + np.minimum(after, hi_doc - gpos)
    entries = {
        "key": c.post_keys,
        "rank": meta[doc, 0],
        "group": meta[doc, 1],
        "pos": gpos - lo_doc,
        "quoted": c.post_quoted,
        "window": window.astype(np.uint64),
        "lo": lo,
        "hi": hi,
    }
    part = (c.post_keys % np.uint64(parts)).astype(np.int64)
    for p in np.unique(part).tolist():
        sel = part == p
        yield "key", (p, {f: entries[f][sel] for f in _FIELDS})


def _pair(kv: tuple[int, Iterable[Entries]], options: DedupeOptions, parts: int) -> Iterator[tuple[int, Any]]:
    """One key partition: its crowded keys (-1, keys), and its pairs by pair partition (p, (ranks and starts of
    the earlier entries, of the later ones))."""
    chunks = list(kv[1])
    e = {f: np.concatenate([c[f] for c in chunks]) for f in _FIELDS}
    # each key's list in corpus order: article rank, then position (the single-process posting order)
    order = np.lexsort((e["pos"], e["rank"], e["key"]))
    e = {f: v[order] for f, v in e.items()}
    first, crowded, last = heads(e["key"], first_entries(e["key"], e["group"]), options.key_groups_max)
    yield -1, (crowded, e["rank"][last].astype(np.int64))
    e = {f: v[first] for f, v in e.items()}
    # each entry's window is an "article" of its own, bounded as its article bounds it
    before, _ = run_window(options.passage_min_words)
    cols = np.arange(e["window"].shape[1])
    keep = (cols >= e["lo"][:, None]) & (cols < e["hi"][:, None])
    h: U64 = e["window"][keep]
    offsets: I64 = np.concatenate([[0], np.cumsum(e["hi"] - e["lo"])]).astype(np.int64)
    at: I64 = offsets[:-1] + before - e["lo"]
    ia, ib = pair_entries(
        e["key"],
        e["group"],
        e["quoted"],
        np.ones(e["key"].size, dtype=np.bool_),
        lambda x, y: shares_run(h, offsets, at[x], at[y], options.passage_min_words),
    )
    if ia.size == 0:
        return
    ra, rb, pa, pb = e["rank"][ia], e["rank"][ib], e["pos"][ia], e["pos"][ib]
    dest = ((ra * 1_000_003 + rb) % parts).astype(np.int64)
    for p in np.unique(dest).tolist():
        sel = dest == p
        yield p, (ra[sel], pa[sel], rb[sel], pb[sel])


def _route(kv: tuple[int, tuple[Iterable[bytes], Iterable[int]]]) -> Iterator[tuple[int, tuple[int, bytes]]]:
    """An article's tokens, once to each pair partition that asked for them (from however many key partitions)."""
    rank, (held, asks) = kv
    tokens = next(iter(held), None)
    if tokens is not None:
        for p in sorted(set(asks)):
            yield p, (rank, tokens)


def _grow(kv: tuple[int, Iterable[tuple[Any, Any]]]) -> Iterator[SpanRows]:
    """One pair partition: the maximal spans of its pairs (``grow_rows``) over the tokens of the articles in them."""
    pairs: list[tuple[I64, I64, I64, I64]] = []
    tokens: dict[int, bytes] = {}
    for rank, value in kv[1]:
        if rank is None:
            pairs.append(value)
        else:
            tokens[rank] = value
    if not pairs:
        return
    ra, pa, rb, pb = (np.concatenate([p[i] for p in pairs]) for i in range(4))
    ranks = np.asarray(sorted(tokens), dtype=np.int64)
    h = np.concatenate([np.zeros(0, np.uint64), *(np.frombuffer(tokens[r], dtype=np.uint64) for r in ranks.tolist())])
    counts = np.asarray([len(tokens[r]) // 8 for r in ranks.tolist()], dtype=np.int64)
    offsets: I64 = np.concatenate([[0], np.cumsum(counts)]).astype(np.int64)
    la, lb = np.searchsorted(ranks, ra), np.searchsorted(ranks, rb)
    da, db, sa, sb, n = grow_rows(h, offsets, offsets[la] + pa, offsets[lb] + pb)
    yield ranks[da], ranks[db], sa, sb, n
