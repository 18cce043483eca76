"""Disjoint sets: the one union-find every stage uses (duplicate groups, entity merging, claim groups)."""

from __future__ import annotations

from collections.abc import Hashable, Iterable
from typing import Generic, TypeVar

T = TypeVar("T", bound=Hashable)


class UnionFind(Generic[T]):
    """Disjoint sets over hashable items, with path halving.

    ``union(first, other)`` keeps ``first``'s root as the root of the merged set, so callers decide which member
    names a group by the order of the arguments (``union_min`` keeps the smaller root instead).
    """

    def __init__(self, items: Iterable[T] = ()) -> None:
        self.parent: dict[T, T] = {x: x for x in items}

    def root(self, x: T) -> T:
        """The root of ``x``'s set (``x`` joins as a set of its own when unseen)."""
        parent = self.parent
        parent.setdefault(x, x)
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    find = root

    def union(self, first: T, other: T) -> T:
        """Merge the sets of ``first`` and ``other``; ``first``'s root stays the root. Returns it."""
        ra, rb = self.root(first), self.root(other)
        if ra != rb:
            self.parent[rb] = ra
        return ra

    def union_min(self, a: T, b: T) -> T:
        """Merge the sets of ``a`` and ``b``; the smaller root (by ``<``) stays the root. Returns it."""
        ra, rb = self.root(a), self.root(b)
        if ra != rb:
            lo, hi = (ra, rb) if ra < rb else (rb, ra)  # type: ignore[operator]
            self.parent[hi] = lo
            return lo
        return ra

    def groups(self) -> dict[T, list[T]]:
        """Root -> members, members in the order they were first seen."""
        out: dict[T, list[T]] = {}
        for x in list(self.parent):
            out.setdefault(self.root(x), []).append(x)
        return out
