"""Dedupe stage: duplicate articles, and passages that several articles reuse.

Two questions, both answered without comparing every pair of articles:

1. **Duplicates** (``find_duplicates``): which articles are copies of an earlier one? Exact copies share a
   content hash; near copies are found with MinHash + LSH and confirmed with the exact Jaccard.
2. **Passages** (``find_passages``): which spans of text appear in two or more articles that are not copies
   of each other, who had them first, and which news agency they are attributed to?

The package, in reading order:

- ``options``: ``DedupeOptions``, every threshold with where it comes from;
- ``tokens``: word tokens as hashes, n-gram hashes, quoted tokens;
- ``minhash``: near-duplicate candidates (one-permutation MinHash, LSH bands, Jaccard);
- ``index``: the corpus tokenised once, its duplicate groups, its postings and the persistent index keys;
- ``passages``: found spans, their carriers, pruning, and ``Passage`` records (agencies from ``agencies``);
- ``sources``: provenance: independent sources, wire copy, "earliest first" order;
- ``storage``: ``DedupeIndexReader``, what the incremental update reads of a stored index;
- ``incremental``: ``update``, the delta that keeps a stored index equal to ``dedupe`` over the corpus.
"""

from __future__ import annotations

from storyline.dedupe.incremental import REBUILD_FRACTION, update
from storyline.dedupe.index import DuplicateSearch, IndexKeys, find_duplicates, index_keys
from storyline.dedupe.options import DedupeOptions
from storyline.dedupe.passages import SpanSearch, dedupe, find_passages, is_reuse
from storyline.dedupe.sources import (
    event_sources,
    independent_sources,
    is_wire_copy,
    order_duplicates,
    order_passages,
    source_roots,
)
from storyline.dedupe.storage import DedupeIndexReader

__all__ = [
    "REBUILD_FRACTION",
    "DedupeIndexReader",
    "DedupeOptions",
    "DuplicateSearch",
    "IndexKeys",
    "SpanSearch",
    "dedupe",
    "event_sources",
    "find_duplicates",
    "find_passages",
    "independent_sources",
    "index_keys",
    "is_reuse",
    "is_wire_copy",
    "order_duplicates",
    "order_passages",
    "source_roots",
    "update",
]
