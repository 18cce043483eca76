"""Groups of one source kept as rows: article -> group number, for the articles folded with another (copies and
wire-copy carriers, as ``dedupe.source_roots`` folds them), so a step that counts independent sources reads the
rows of its own articles instead of following links through the whole corpus.

Only the partition matters (who is one source with whom), never a group's number: the steps that count sources
(``timeline.timeline_digest``, ``timeline.day_support``) name each group by one of their own articles
(``representatives``). The rows follow each dedupe update (``update``, in the update's transaction):

- a link added joins groups: the members of the smaller ones take the number of the largest (union by size, so an
  article is renumbered O(log N) times over its life);
- a link removed may split its group: searches from the ends of every removed link, run in step and merged where
  they meet, find the pieces; every piece but the last one still growing is renumbered, so the cost follows the
  small pieces, not the group (a rewritten passage whose carriers stay linked costs one step).

``rebuild`` writes them all from scratch (a store from before the rows, or a dedupe index built again). The
derived key ``source_groups`` says the rows are current: any other write of duplicates or passages forgets it.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterable, Iterator, Mapping, Sequence

from storyline.store import Store
from storyline.unionfind import UnionFind

KEY_NAME = "source_groups"
KEY = "source-groups/1"

Link = tuple[str, ...]  # articles one link folds together (a duplicate mark's pair, a wire passage's carriers)


def current(store: Store) -> bool:
    """Whether the stored groups follow every stored duplicate mark and wire-copy passage."""
    return store.derived_key(KEY_NAME) == KEY


def rebuild(store: Store) -> None:
    """Write every group from the stored duplicate marks and wire-copy passages (their flags), in one transaction."""
    groups = UnionFind[str]()
    with store.atomic():
        for d in store.duplicates():
            groups.union(d.duplicate_of, d.article)
        for _, carriers in store.wire_links(None):
            for other in carriers[1:]:
                groups.union(carriers[0], other)
        members = groups.groups()
        labels = {a: n for n, root in enumerate(sorted(members), 1) for a in members[root] if len(members[root]) > 1}
        store.reset_source_groups(labels)
        store.set_derived_key(KEY_NAME, KEY)


def update(store: Store, added: Sequence[Link], removed: Sequence[Link]) -> set[str]:
    """Follow one dedupe update: ``added`` links now stored, ``removed`` ones gone (each a set of articles it
    folded). Returns the articles whose group changed (renumbered, joined, or left alone)."""
    numbers = itertools.count(store.new_source_group())
    changed = _join(store, [link for link in added if len(link) > 1], numbers)
    changed |= _split(store, [link for link in removed if len(link) > 1], numbers)
    store.set_derived_key(KEY_NAME, KEY)
    return changed


def representatives(labels: Mapping[str, int]) -> dict[str, str]:
    """Article -> the least of the given articles in its group, for those it is not: ``source_roots``' shape over
    these articles (the partition, named by the articles themselves)."""
    least: dict[int, str] = {}
    for a, g in labels.items():
        if g not in least or a < least[g]:
            least[g] = a
    return {a: least[g] for a, g in labels.items() if least[g] != a}


def _join(store: Store, links: Sequence[Link], numbers: Iterator[int]) -> set[str]:
    """Join the groups ``links`` connect: the largest keeps its number, the others' members take it."""
    if not links:
        return set()
    label = store.source_groups(sorted({a for link in links for a in link}))
    nodes = UnionFind[int | str]()  # a group stands for itself by its number; an article in no group by its id
    for link in links:
        first = label.get(link[0], link[0])
        for other in link[1:]:
            nodes.union(first, label.get(other, other))
    sizes = store.source_group_sizes(sorted(set(label.values())))
    relabel: dict[str, int | None] = {}
    for parts in nodes.groups().values():
        if len(parts) < 2:
            continue
        numbered = sorted((p for p in parts if isinstance(p, int)), key=lambda g: (-sizes.get(g, 0), g))
        keep = numbered[0] if numbered else next(numbers)
        relabel.update(dict.fromkeys(store.source_group_members(numbered[1:]) if numbered[1:] else (), keep))
        relabel.update(dict.fromkeys((p for p in parts if isinstance(p, str)), keep))
    store.set_source_groups(relabel)
    return set(relabel)


def _split(store: Store, links: Sequence[Link], numbers: Iterator[int]) -> set[str]:
    """Find the pieces groups broke into when ``links`` went; renumber every piece but one per group (a piece of
    one article leaves the rows)."""
    if not links:
        return set()
    ends = sorted({a for link in links for a in link})
    label = store.source_groups(ends)
    by_group: dict[int, list[str]] = {}
    for a in ends:
        if a in label:
            by_group.setdefault(label[a], []).append(a)
    relabel: dict[str, int | None] = {}
    for _, starts in sorted(by_group.items()):
        pieces, rest = _pieces(store, starts)
        if rest is None:  # every search ended: the pieces are the whole group, the largest keeps the number
            pieces.sort(key=len)
            if len(pieces[-1]) > 1:
                pieces.pop()
        for piece in pieces:
            relabel.update(dict.fromkeys(piece, next(numbers) if len(piece) > 1 else None))
    store.set_source_groups(relabel)
    return set(relabel)


def _pieces(store: Store, starts: Sequence[str]) -> tuple[list[set[str]], set[str] | None]:
    """Searches from ``starts`` through the stored links, one step each per round, merged where they meet: the
    pieces whose search ended (no link out: a whole group), and the one still growing when every other had ended
    (None when none was)."""
    meet = UnionFind[str]()  # searches, named by their start; merged where they meet
    owner = {a: a for a in starts}
    frontier = {a: {a} for a in starts}
    ended: list[str] = []
    while len(frontier) > 1:
        reach = _neighbours(store, sorted(a for found in frontier.values() for a in found))
        step: dict[str, set[str]] = {}
        for s, found in frontier.items():
            mine = step.setdefault(s, set())
            for a in found:
                for b in reach[a]:
                    if b not in owner:
                        owner[b] = s
                        mine.add(b)
                    else:  # an ended search has no link out, so what is reached belongs to a live one
                        meet.union(s, owner[b])
        frontier = {}
        for s, found in step.items():
            frontier.setdefault(meet.root(s), set()).update(found)
        ended += [s for s, found in frontier.items() if not found]
        frontier = {s: found for s, found in frontier.items() if found}
    members: dict[str, set[str]] = {}
    for a, s in owner.items():
        members.setdefault(meet.root(s), set()).add(a)
    rest = members[next(iter(frontier))] if frontier else None
    return [members[s] for s in ended], rest


def _neighbours(store: Store, ids: Sequence[str]) -> dict[str, set[str]]:
    """Article -> the articles one stored link folds it with (duplicate marks both ways, wire-copy carriers)."""
    out: dict[str, set[str]] = {a: set() for a in ids}
    if not ids:
        return out
    for d in store.duplicates(ids):
        if d.article in out:
            out[d.article].add(d.duplicate_of)
        if d.duplicate_of in out:
            out[d.duplicate_of].add(d.article)
    for _, carriers in store.wire_links(ids):
        for a in carriers:
            if a in out:
                out[a].update(c for c in carriers if c != a)
    return out


def changed_links(
    before_marks: Iterable[tuple[str, str]],
    after_marks: Iterable[tuple[str, str]],
    before_wire: Mapping[str, Link],
    after_wire: Mapping[str, Link],
) -> tuple[list[Link], list[Link]]:
    """(added, removed) links between two states of some duplicate marks and wire-copy passages (by id)."""
    old = set(before_marks)
    new = set(after_marks)
    added: list[Link] = [tuple(m) for m in sorted(new - old)]
    removed: list[Link] = [tuple(m) for m in sorted(old - new)]
    for pid, carriers in sorted(after_wire.items()):
        if set(before_wire.get(pid, ())) != set(carriers):
            added.append(carriers)
    for pid, carriers in sorted(before_wire.items()):
        if set(after_wire.get(pid, ())) != set(carriers):
            removed.append(carriers)
    return added, removed
