"""The entity merge's state kept in the store, so k new articles read and write only what they touch (issue 15).

``StoredMergeState`` is ``MergeState`` (``storyline.link_incremental``) over the store: each of its maps is read
from the store on first access (an index lookup per spelling, term, title or entity the rules look at; the keys
filed under an index term, which the rules look at all together, in a few queries: ``MergeState.want``), and
``changes()`` gives the rows that differ from what was read (only rows something wrote are compared). Rows, read
through ``MergeStateReader``:

- a key row per merge key: its spelling and type tallies (JSON), its stage-one root, its rule component, its entity;
  an entity's members are the key rows naming it;
- pairs (kind, a, b): ``article`` (key, an article naming it), ``term`` (index term, key), ``title`` (role, holder
  name), ``prefix`` (name prefix, role), ``seen`` (id met while settling, entity), ``speaker`` (speaker key of an
  entity's name or alias, entity) and ``quote`` (speaker key, the quote's JSON [article, start, end]).

``link_new`` adds new articles' mentions, quotes and texts and returns a ``LinkDelta`` (entities to write and drop,
state rows, speaker links); ``link_all`` builds the same from everything (a store without the state). Both give
what ``merge_entities_local`` and ``link_speakers`` give over every article (tests/test_link_state.py).
"""

from __future__ import annotations

import json
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol

from storyline.link import link_speakers, majority_type, speaker_key
from storyline.link_incremental import MergeState, MergeTally
from storyline.records import Entity, Quote

__all__ = ["VERSION", "KeyRow", "LinkDelta", "MergeStateReader", "StoredMergeState", "link_all", "link_new"]

VERSION = 2  # of the rows' meaning; a store whose state has another version builds it again from its mentions
# 2: place names canonical (``places.place_key``): "ROK" and "South Korea" share a key

# key, spellings (JSON object), types (JSON object), stage-one root, rule component, entity
KeyRow = tuple[str, str, str, str | None, str | None, str | None]
Pair = tuple[str, str, str]  # kind, a, b


class MergeStateReader(Protocol):
    """The reads the stored merge makes (the store implements them)."""

    def merge_keys(self, keys: Sequence[str]) -> list[KeyRow]:
        """The key rows of ``keys`` (those stored)."""
        ...

    def merge_members(self, entities: Sequence[str]) -> list[KeyRow]:
        """The key rows whose entity is one of ``entities``."""
        ...

    def merge_pairs(self, kind: str, values: Sequence[str], *, by_second: bool = False) -> list[tuple[str, str]]:
        """(a, b) of the pairs of ``kind`` whose a (``by_second``: b) is one of ``values``."""
        ...

    def merge_has_keys(self) -> bool:
        """Whether any key row is stored (an empty state merges its first articles from scratch)."""
        ...

    def entities(self, ids: Sequence[str] | None = None) -> list[Entity]:
        """Stored entities by id."""
        ...


def _dumps(counts: Mapping[str, int]) -> str:
    return json.dumps(counts, ensure_ascii=False, separators=(",", ":"))


class _Lazy(dict[str, Any]):
    """A map read from the store on first access to each key (then kept; writes read first, so nothing read later
    overwrites them). ``fault`` reads the keys given, fills this map (and its siblings) and marks them asked."""

    def __init__(
        self,
        fault: Callable[[list[str]], None],
        asked: set[str],
        factory: Callable[[], Any] | None = None,
    ) -> None:
        super().__init__()
        self._fault = fault
        self.asked = asked
        self._factory = factory
        self.written: set[str] = set()

    def want(self, keys: Iterable[str]) -> None:
        missing = [k for k in dict.fromkeys(keys) if k not in self.asked]
        if missing:
            self._fault(missing)

    def _one(self, key: str) -> None:
        if key not in self.asked:
            self._fault([key])

    def __getitem__(self, key: str) -> Any:
        self._one(key)
        try:
            return dict.__getitem__(self, key)
        except KeyError:
            if self._factory is None:
                raise
            value = self._factory()
            dict.__setitem__(self, key, value)
            return value

    def get(self, key: str, default: Any = None) -> Any:
        self._one(key)
        return dict.get(self, key, default)

    def __contains__(self, key: object) -> bool:
        if isinstance(key, str):
            self._one(key)
        return dict.__contains__(self, key)

    def __setitem__(self, key: str, value: Any) -> None:
        self._one(key)
        self.written.add(key)
        dict.__setitem__(self, key, value)

    def pop(self, key: str, *default: Any) -> Any:
        self._one(key)
        self.written.add(key)
        return dict.pop(self, key, *default)

    def setdefault(self, key: str, default: Any = None) -> Any:
        self._one(key)
        if not dict.__contains__(self, key):
            self.written.add(key)
        return dict.setdefault(self, key, default)


class _Pairs(_Lazy):
    """A map of sets over the pairs of one kind (by their first or second member); ``changes`` diffs what was read."""

    def __init__(self, reader: MergeStateReader, kind: str, *, by_second: bool = False) -> None:
        super().__init__(self._load, set(), set)
        self._reader = reader
        self.kind = kind
        self._by_second = by_second
        self.reads = 0  # queries made
        self._read: dict[str, frozenset[str]] = {}
        self._pending: dict[str, set[str]] = defaultdict(set)  # added to sets not read (yet)

    def append(self, key: str, value: str) -> None:
        """Add ``value`` to ``key``'s set without reading it (it joins the stored set if that is read later)."""
        if key in self.asked:
            self[key].add(value)
        else:
            self._pending[key].add(value)

    def _load(self, keys: list[str]) -> None:
        self.reads += 1
        found: dict[str, set[str]] = defaultdict(set)
        for a, b in self._reader.merge_pairs(self.kind, keys, by_second=self._by_second):
            if self._by_second:
                found[b].add(a)
            else:
                found[a].add(b)
        for k in keys:
            if k in found:
                self._read[k] = frozenset(found[k])
            if k in found or k in self._pending:
                dict.__setitem__(self, k, found[k] | self._pending.pop(k, set()))
        self.asked.update(keys)

    def changes(self) -> tuple[list[Pair], list[Pair]]:
        """(added, removed) pairs against what was read."""
        added: list[Pair] = [
            (self.kind, v, k) if self._by_second else (self.kind, k, v)
            for k, vs in sorted(self._pending.items())
            for v in sorted(vs)
        ]
        removed: list[Pair] = []
        for k in sorted(self.asked):
            now = dict.get(self, k) or set()
            was = self._read.get(k, frozenset())
            if now == was:
                continue
            for v, out in [*((v, added) for v in sorted(now - was)), *((v, removed) for v in sorted(was - now))]:
                out.append((self.kind, v, k) if self._by_second else (self.kind, k, v))
        return added, removed


@dataclass
class StoredMergeState(MergeState):
    """``MergeState`` whose maps are read from the store as the rules ask; use it for one ``add``, then write
    ``changes()`` (a later add would read rows the first one changed but did not write)."""

    reader: MergeStateReader | None = None
    has_keys: bool = True
    _asked: set[str] = field(default_factory=set)
    _read_rows: dict[str, KeyRow] = field(default_factory=dict)
    _new_articles: dict[str, set[str]] = field(default_factory=lambda: defaultdict(set))
    _old: dict[str, Entity] = field(default_factory=dict)  # stored entity rows read so far
    _reads: int = 0  # key, member and entity reads made (``reads`` adds the pairs')

    @classmethod
    def over(cls, reader: MergeStateReader) -> StoredMergeState:
        st = cls(reader=reader, has_keys=reader.merge_has_keys())
        asked = st._asked
        st.spellings = _Lazy(st._load_keys, asked)
        st.types = _Lazy(st._load_keys, asked)
        st.major = _Lazy(st._load_keys, asked)
        st.root1 = _Lazy(st._load_keys, asked)
        st.comp = _Lazy(st._load_keys, asked)
        st.entity_of = _Lazy(st._load_keys, asked)
        st.members = _Lazy(st._load_members, set())
        st.articles = _Pairs(reader, "article")
        st.terms = _Pairs(reader, "term")
        st.titles = _Pairs(reader, "title")
        st.prefix_roles = _Pairs(reader, "prefix")
        st.seen = _Pairs(reader, "seen")
        st.seen_by = _Pairs(reader, "seen", by_second=True)
        return st

    def merged(self) -> bool:
        return self.has_keys

    def _put(self, rows: Iterable[KeyRow]) -> None:
        for row in rows:
            key, spellings, types, root1, comp, entity = row
            if key in self._asked:
                continue
            self._asked.add(key)
            self._read_rows[key] = row
            sp, ty = Counter(json.loads(spellings)), Counter(json.loads(types))
            dict.__setitem__(self.spellings, key, sp)
            dict.__setitem__(self.types, key, ty)
            dict.__setitem__(self.major, key, majority_type(ty))
            for m, value in ((self.root1, root1), (self.comp, comp), (self.entity_of, entity)):
                if value is not None:
                    dict.__setitem__(m, key, value)

    @property
    def reads(self) -> int:
        """How many reads of the store this state made (each one query, or a few for a long list)."""
        pairs = (self.articles, self.terms, self.titles, self.prefix_roles, self.seen, self.seen_by)
        return self._reads + sum(p.reads for p in pairs if isinstance(p, _Pairs))

    def _load_keys(self, keys: list[str]) -> None:
        assert self.reader is not None
        self._reads += 1
        self._put(self.reader.merge_keys(keys))
        self._asked.update(keys)

    def _load_members(self, entities: list[str]) -> None:
        assert self.reader is not None
        self._reads += 1
        rows = self.reader.merge_members(entities)
        self._put(rows)
        by: dict[str, set[str]] = defaultdict(set)
        for key, *_, entity in rows:
            by[entity or ""].add(key)
        for e in entities:
            if e in by:
                dict.__setitem__(self.members, e, by[e])
        assert isinstance(self.members, _Lazy)
        self.members.asked.update(entities)

    def old_entities(self, ids: Iterable[str]) -> dict[str, Entity]:
        """Stored entity rows by id (read once each)."""
        assert self.reader is not None
        missing = sorted(i for i in set(ids) if i not in self._old)
        if missing:
            self._reads += 1
            self._old.update((e.id, e) for e in self.reader.entities(missing))
        return {i: self._old[i] for i in ids if i in self._old}

    def _add_articles(self, keys: Iterable[str], articles: Mapping[str, set[str]]) -> None:
        # kept aside, not read: a key's stored articles are read only if its entity is split or joined
        for key, arts in articles.items():
            self._new_articles[key] |= arts

    def _articles_of(self, keys: Iterable[str]) -> set[str]:
        """An entity's articles: a stored entity whose keys all stay together gives its stored row's (one row, not
        a pair per article); other keys their stored pairs; and the new articles."""
        keys = list(keys)
        by_entity: dict[str, list[str]] = defaultdict(list)
        rest: list[str] = []
        for k in keys:
            row = self._read_rows.get(k)
            if row is not None and row[5] is not None:
                by_entity[row[5]].append(k)
            else:
                rest.append(k)  # a new key: no stored articles
        whole = [e for e, ks in by_entity.items() if self.members[e] == set(ks)]
        old = self.old_entities(whole)
        arts: set[str] = set()
        for e, ks in by_entity.items():
            if e in old:
                arts.update(old[e].articles)
            else:
                rest += ks
        for k in rest:
            arts |= self.articles[k]
        for k in keys:
            arts |= self._new_articles.get(k, set())
        return arts

    def want(self, keys: Iterable[str]) -> None:
        assert isinstance(self.spellings, _Lazy)
        self.spellings.want(keys)

    def want_terms(self, terms: Iterable[str]) -> None:
        assert isinstance(self.terms, _Pairs)
        self.terms.want(terms)

    def add_tally(self, new: MergeTally) -> tuple[set[str], set[str]]:
        self.want(new.keys)  # the new mentions' keys in a few reads, not one read each
        return super().add_tally(new)

    def _index(self, key: str, terms: Iterable[str]) -> None:
        # filed without reading the terms' keys: a rule that asks for them reads them then
        assert isinstance(self.terms, _Pairs)
        for term in terms:
            self.terms.append(term, key)

    def changes(self) -> tuple[list[KeyRow], list[Pair], list[Pair]]:
        """(key rows to write, pairs added, pairs removed) against what was read."""
        rows: list[KeyRow] = []
        # only a key some map was written for can differ from its row as read (the maps' values are replaced,
        # never changed in place); the other rows read, most of them, are not serialised again to compare
        maps = (self.spellings, self.types, self.root1, self.comp, self.entity_of)
        written = set().union(*(m.written for m in maps if isinstance(m, _Lazy)))
        for key in sorted(written & self._asked):
            sp = dict.get(self.spellings, key)
            if sp is None:
                continue
            row = (
                key,
                _dumps(sp),
                _dumps(self.types[key]),
                dict.get(self.root1, key),
                dict.get(self.comp, key),
                dict.get(self.entity_of, key),
            )
            if self._read_rows.get(key) != row:
                rows.append(row)
        added: list[Pair] = []
        removed: list[Pair] = []
        for m in (self.articles, self.terms, self.titles, self.prefix_roles, self.seen_by):
            assert isinstance(m, _Pairs)
            a, r = m.changes()
            added += a
            removed += r
        added += [("article", k, a) for k, arts in sorted(self._new_articles.items()) for a in sorted(arts)]
        return rows, added, removed


def state_rows(st: MergeState) -> tuple[list[KeyRow], list[Pair]]:
    """Every row of an in-memory state (a state built from scratch, written whole)."""
    rows = [
        (k, _dumps(st.spellings[k]), _dumps(st.types[k]), st.root1.get(k), st.comp.get(k), st.entity_of.get(k))
        for k in sorted(st.types)
    ]
    pairs: list[Pair] = []
    for kind, m in (("article", st.articles), ("term", st.terms), ("title", st.titles), ("prefix", st.prefix_roles)):
        pairs += [(kind, a, b) for a, bs in m.items() for b in bs]
    pairs += [("seen", i, e) for e, ids in st.seen_by.items() for i in ids]
    return rows, pairs


@dataclass
class LinkDelta:
    """What a link step writes: entities (``full``: all of them, replacing the stored ones) and those dropped,
    the merge state's rows, and quotes' speaker links (article, start, end, entity)."""

    entities: list[Entity]
    dropped: list[str]
    keys: list[KeyRow]
    added: list[Pair]
    removed: list[Pair]
    speakers: list[tuple[str, int, int, str | None]]
    full: bool = False
    reads: int = 0  # queries the stored state was read in (for the log)


def _speaker_pairs(entities: Iterable[Entity]) -> set[tuple[str, str]]:
    return {(speaker_key(n), e.id) for e in entities for n in (e.name, *e.aliases)}


def _quote_ref(q: Quote) -> str:
    return json.dumps([q.article, q.start, q.end], ensure_ascii=False)


def link_all(tallied: MergeTally, quotes: Sequence[Quote]) -> LinkDelta:
    """The merge from scratch and every quote linked, with the state rows that let later articles be added:
    ``tallied`` is every article's tally (``link_incremental.tally`` of their mentions and texts)."""
    st = MergeState()
    st.add_tally(tallied)
    entities = sorted(st.entities.values(), key=lambda e: e.id)
    keys, pairs = state_rows(st)
    pairs += [("speaker", s, e) for s, e in sorted(_speaker_pairs(entities))]
    pairs += [("quote", speaker_key(q.speaker), _quote_ref(q)) for q in quotes if q.speaker]
    linked = link_speakers(quotes, entities)
    speakers = [(q.article, q.start, q.end, q.speaker_entity) for q in linked]
    return LinkDelta(entities, [], keys, pairs, [], speakers, full=True)


def link_new(reader: MergeStateReader, tallied: MergeTally, quotes: Sequence[Quote]) -> LinkDelta:
    """New articles' tally (their mentions, and texts for titles) added to the stored state; their quotes linked,
    and old quotes whose speaker now resolves to another entity linked again. Reads only what the new mentions
    touch."""
    st = StoredMergeState.over(reader)
    removed, written = st.add_tally(tallied)
    keys, added, dropped_pairs = st.changes()
    old = st.old_entities(removed | written)
    new = {i: st.entities[i] for i in written}
    changed = [e for i, e in sorted(new.items()) if old.get(i) != e]
    # speaker keys: a quote's speaker is the smallest id among the entities with that name or alias
    before, after = _speaker_pairs(old.values()), _speaker_pairs(new.values())
    added += [("speaker", s, e) for s, e in sorted(after - before)]
    dropped_pairs += [("speaker", s, e) for s, e in sorted(before - after)]
    touched = {s for s, _ in before ^ after}
    asked = sorted(touched | {speaker_key(q.speaker) for q in quotes if q.speaker})
    stored: dict[str, set[str]] = defaultdict(set)
    for s, e in reader.merge_pairs("speaker", asked):
        stored[s].add(e)
    was = {s: min(stored[s]) if stored[s] else None for s in touched}
    for s, e in before - after:
        stored[s].discard(e)
    for s, e in after - before:
        stored[s].add(e)
    now = {s: min(es) if (es := stored.get(s)) else None for s in asked}
    speakers: list[tuple[str, int, int, str | None]] = []
    moved = sorted(s for s in touched if was[s] != now[s])
    for s, ref in reader.merge_pairs("quote", moved) if moved else []:
        article, start, end = json.loads(ref)
        speakers.append((article, int(start), int(end), now[s]))
    for q in quotes:
        key = speaker_key(q.speaker) if q.speaker else None
        speakers.append((q.article, q.start, q.end, now[key] if key is not None else None))
        if key is not None:
            added.append(("quote", key, _quote_ref(q)))
    return LinkDelta(changed, sorted(removed - written), keys, added, dropped_pairs, speakers, reads=st.reads)
