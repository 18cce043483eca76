"""``DedupeIndexReader``: what the incremental update reads of a stored dedupe index (and nothing else).

A store implements it (``store.dedupe_index()``); ``incremental.update`` reads through it and returns a
``records.DedupeDelta`` that the store writes (``store.apply_dedupe``). Keys are signed 64-bit ints
(``index.index_keys``); an article's *group* is the id of its duplicate group's canonical (earliest) article.
This module imports only records, so a store can name the protocol without importing the stage.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Protocol

from storyline.records import Article, SpanRow

__all__ = ["DedupeIndexReader"]


class DedupeIndexReader(Protocol):
    """Reads of the persistent dedupe index, and of the stored articles it indexes."""

    def size(self) -> int:
        """How many articles the index holds."""
        ...

    def groups(self, article_ids: Iterable[str] | None = None) -> dict[str, str]:
        """Indexed article -> its group (itself when it copies nothing); every indexed article when None."""
        ...

    def group_members(self, groups: Iterable[str]) -> dict[str, str]:
        """Every indexed article of the given groups -> its group."""
        ...

    def articles_with_keys(self, keys: Iterable[int]) -> set[str]:
        """Indexed articles that have any of ``keys``."""
        ...

    def key_carriers(self, keys: Iterable[int]) -> list[tuple[int, str]]:
        """(key, article) for every indexed article holding one of ``keys``."""
        ...

    def key_carrier_rows(self, keys: Iterable[int]) -> list[tuple[int, str, str, str | None, str | None]]:
        """``key_carriers`` with each carrier's group, published date and outlet (one read instead of three)."""
        ...

    def crowded(self, keys: Iterable[int]) -> set[int]:
        """Which of ``keys`` more than ``DedupeOptions.key_groups_max`` duplicate groups select."""
        ...

    def crowded_last(self, keys: Iterable[int]) -> dict[int, str]:
        """``crowded``, each with the article of the last entry of its list that pairs (``passages.heads``)."""
        ...

    def tokens(self, ids: Iterable[str]) -> dict[str, tuple[bytes, bytes, bytes]]:
        """Stored token hashes and quoted flags of ``ids``, as ``index.pack_tokens`` wrote them (absent: none)."""
        ...

    def spans(self, ids: Iterable[str]) -> dict[str, SpanRow]:
        """The stored found spans among ``ids``, with their carriers."""
        ...

    def spans_anchored(self, anchors: Iterable[int]) -> dict[str, SpanRow]:
        """The stored found spans whose anchor key is one of ``anchors``."""
        ...

    def spans_produced_by(self, articles: Iterable[str]) -> dict[str, set[str]]:
        """Spans any of ``articles`` found (as the later article of a pair) -> every article that found them."""
        ...

    def spans_carried_by(self, articles: Iterable[str]) -> dict[str, SpanRow]:
        """The stored found spans any of ``articles`` carries."""
        ...

    def span_places(self, articles: Iterable[str]) -> list[tuple[str, str, int, int]]:
        """Where each stored found span sits in ``articles``: (span, article, token position, length in tokens), one
        row per article carrying it; its other carriers and its tokens are not read."""
        ...

    def passage_ids(self, ids: Iterable[str]) -> set[str]:
        """Which of ``ids`` are stored passages."""
        ...

    def article_dates(self, ids: Iterable[str]) -> dict[str, tuple[str | None, str | None]]:
        """Stored article id -> (published date or None, outlet or None), without reading texts."""
        ...

    def articles(self, ids: Sequence[str]) -> list[Article]:
        """The stored articles with these ids (their texts)."""
        ...

    def article_ids(self) -> list[str]:
        """Every stored article's id (an index built from scratch indexes them all)."""
        ...
