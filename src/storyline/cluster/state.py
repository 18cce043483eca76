"""The clusterer's state as rows: loaded lazily, key by key, and written back only where it changed.

A stored clusterer is a set of rows ``(kind, key, seq, body)``: one per event (``event``) and story (``story``),
one per term of each candidate index (``posting:e``, ``posting:s``: the capped list of cluster ids), one per term's
document frequency (``df``), one per article in the re-clustering window (``seen``: its two vectors), one per
article's arrival number (``arrival``), one per retired id (``merged``), and one ``meta`` row (format, options, the
idf's article count, the events still to re-examine, counters). ``seq`` orders events and stories by creation (the
cluster order readers see) and the window by arrival; bodies are JSON, written so that loading and dumping a value
gives the same text (floats round-trip exactly), which is how a changed value is told from an unchanged one.

``resume`` builds a ``Clusterer`` whose maps are ``LazyMap`` s over those rows: adding an article loads the rows of
its terms, its candidate events and stories, and (for re-clustering) the window; ``delta`` lists the rows that
differ from what was loaded, so an ingest writes what it changed and nothing else. A clusterer held in plain dicts
(a replay, or a state converted from the older pickled blob) gives every row with ``rows``.

Stage code: no storage here; the pipeline hands in a loader and writes the delta.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Mapping, MutableMapping, Sequence
from dataclasses import dataclass, field
from typing import Any, TypeVar

import msgspec

from storyline.cluster.clusterer import Clusterer, EventState, Seen, StoryState
from storyline.cluster.options import ClusterOptions, options_key
from storyline.cluster.vectors import Centroid

V = TypeVar("V")

# Format of the rows: bump it when a body's layout changes (older rows are then replayed, not misread)
ROW_VERSION = 1

# kind -> keys -> {key: (seq, body)} of the stored rows among ``keys`` (absent keys left out)
Loader = Callable[[str, Sequence[str]], Mapping[str, tuple[int, str]]]


_ENCODER = msgspec.json.Encoder()
_loads = msgspec.json.decode  # the objects ``json.loads`` gives, about twice as fast on these rows


def _dumps(value: Any) -> str:
    """Compact JSON (msgspec: several times faster than ``json``), read back to the same values and, read and
    written again, the same text (``LazyMap.changes`` compares them). Small and large floats are spelled as
    msgspec spells them (``7.9e-5`` is ``0.000079``), so a row ``json`` stored with one is rewritten once when
    next touched. msgspec writes a NaN or an infinity as null: a body with a null (a None, or the word) is written
    by ``json``, which refuses those."""
    body = _ENCODER.encode(value)
    if b"null" in body:
        return json.dumps(value, separators=(",", ":"), ensure_ascii=False, allow_nan=False)
    return body.decode()


class LazyMap(MutableMapping[str, V]):
    """A dict whose values are loaded from rows on first use, that remembers what it loaded to tell what changed.

    With ``order`` (every key, in order: the window) membership and iteration need no loading; without it a key
    not seen yet costs a load (``prefetch`` loads many in one query), and only ``len`` of a ``size``-counted map
    works: iterating every key would read the whole state, which is what this map is for avoiding.
    """

    def __init__(
        self,
        kind: str,
        loader: Loader,
        parse: Callable[[str, str], V],
        dump: Callable[[V], str] | None,
        *,
        order: Iterable[str] | None = None,
        size: int | None = None,
        fields: Mapping[str, tuple[str, Callable[[str], Any]]] | None = None,
    ) -> None:
        self.kind = kind
        self._load = loader
        self._parse = parse
        self._dump = dump
        # attribute -> (the kind of rows holding it, which may be another kind's: reads it from their bodies without
        # parsing the whole, ``peek``)
        self._fields = dict(fields or {})
        self._data: dict[str, V] = {}
        self._absent: set[str] = set()
        self._stored: dict[str, tuple[int, str] | None] = {}  # key -> its row as loaded; None: new since loading
        self._order: dict[str, None] | None = dict.fromkeys(order) if order is not None else None
        self._size = size
        self.loaded = 0  # rows read (for the log)
        self.queries = 0  # calls of the loader (for the log)

    def prefetch(self, keys: Iterable[str]) -> None:
        """Load the rows of ``keys`` not known yet, in one call of the loader."""
        want = [k for k in dict.fromkeys(keys) if k not in self._data and k not in self._absent]
        if self._order is not None:
            want = [k for k in want if k in self._order]
        if not want:
            return
        rows = self._load(self.kind, want)
        self.loaded += len(rows)
        self.queries += 1
        for k in want:
            row = rows.get(k)
            if row is None:
                self._absent.add(k)
            else:
                self._stored[k] = row
                self._data[k] = self._parse(k, row[1])

    def peek(self, keys: Iterable[str], attribute: str) -> dict[str, Any]:
        """``attribute`` of the value of each of ``keys`` (those with one): from the value when it is loaded, else read
        from its stored body, in one call of the loader, without parsing the whole body or keeping it (so ``changes``
        never dumps it again to compare: many rows' one small field costs little)."""
        out: dict[str, Any] = {}
        read: list[str] = []
        for k in dict.fromkeys(keys):
            if k in self._data:
                out[k] = getattr(self._data[k], attribute)
            elif k not in self._absent and (self._order is None or k in self._order):
                read.append(k)
        if read:
            kind, pick = self._fields[attribute]
            rows = self._load(kind, read)
            self.loaded += len(rows)
            self.queries += 1
            missing = []
            for k in read:
                row = rows.get(k)
                if row is not None:
                    out[k] = pick(row[1])
                else:
                    missing.append(k)
            if kind != self.kind and missing:
                # another kind's rows lack these (they should not: both are written together): their own rows say
                self.prefetch(missing)
                out.update({k: getattr(self._data[k], attribute) for k in missing if k in self._data})
        return out

    def __getitem__(self, key: str) -> V:
        try:
            return self._data[key]
        except KeyError:
            pass
        if key not in self._absent:
            self.prefetch((key,))
        return self._data[key]

    def __contains__(self, key: object) -> bool:
        if not isinstance(key, str):
            return False
        if self._order is not None:
            return key in self._order
        if key in self._data:
            return True
        if key in self._absent:
            return False
        self.prefetch((key,))
        return key in self._data

    def __setitem__(self, key: str, value: V) -> None:
        if self._dump is None and self._order is None and self._size is None:
            self._data[key] = value  # not written back (kept elsewhere): no need to know whether it is stored
            self._absent.discard(key)
            return
        if key not in self:  # a new key (the check loads it, so a stored one is known as stored)
            self._stored.setdefault(key, None)
            self._absent.discard(key)
            if self._order is not None:
                self._order[key] = None
            if self._size is not None:
                self._size += 1
        self._data[key] = value

    def __delitem__(self, key: str) -> None:
        self[key]  # loads it, or raises KeyError
        del self._data[key]
        self._absent.add(key)
        if self._order is not None:
            del self._order[key]
        if self._size is not None:
            self._size -= 1

    def __iter__(self) -> Iterator[str]:
        if self._order is None:
            raise TypeError(f"the {self.kind} rows are loaded lazily: their keys cannot be listed")
        return iter(self._order)

    def __len__(self) -> int:
        if self._order is not None:
            return len(self._order)
        if self._size is None:
            raise TypeError(f"the {self.kind} rows are loaded lazily: their number is not known")
        return self._size

    def touched(self) -> list[str]:
        """Keys loaded or set since loading (new ones in the order they were first set), deleted ones included."""
        return list(self._stored)

    def changes(self) -> tuple[list[tuple[str, int | None, str]], list[str]]:
        """(key, stored seq or None if new, body) of every row to write, and the keys whose rows to delete."""
        upserts: list[tuple[str, int | None, str]] = []
        deletes: list[str] = []
        if self._dump is None:
            return upserts, deletes
        for k, stored in self._stored.items():
            if k in self._data:
                body = self._dump(self._data[k])
                if stored is None or stored[1] != body:
                    upserts.append((k, None if stored is None else stored[0], body))
            elif stored is not None:
                deletes.append(k)
        return upserts, deletes

    def changed(self) -> set[str]:
        """Keys whose value differs from its stored row since loading: new, deleted, or changed (``changes``)."""
        upserts, deletes = self.changes()
        return {k for k, _, _ in upserts} | set(deletes)

    def is_new(self, key: str) -> bool:
        """Whether ``key`` was set since loading and has no stored row."""
        return key in self._stored and self._stored[key] is None


# -- bodies -----------------------------------------------------------------------------------------------------------


def _dump_centroid(c: Centroid) -> list[Any]:
    return [c.limit, c.sq, c.vec]


def _load_centroid(v: list[Any]) -> Centroid:
    c = Centroid(int(v[0]))
    c.sq = float(v[1])
    c.vec = {str(t): float(w) for t, w in v[2].items()}
    return c


def dump_event(e: EventState) -> str:
    return _dumps(
        [e.story, _dump_centroid(e.centroid), _dump_centroid(e.scentroid), e.members, dict(e.dates), e.recent]
    )


# the bodies' shapes: decoded straight to these types (no conversion pass over each centroid's terms); a body
# that does not fit one is read by the generic decoder and converted, as before these existed
_CentroidBody = tuple[int, float, dict[str, float]]
_EVENT = msgspec.json.Decoder(tuple[str, _CentroidBody, _CentroidBody, list[str], dict[str, int], int])
_STORY = msgspec.json.Decoder(tuple[_CentroidBody, list[str], int])


def _typed_centroid(v: _CentroidBody) -> Centroid:
    c = Centroid(v[0])
    c.sq, c.vec = v[1], v[2]
    return c


def load_event(key: str, body: str) -> EventState:
    try:
        story, cen, scen, members, dates, recent = _EVENT.decode(body)
    except msgspec.ValidationError:
        story, cen, scen, members, dates, recent = _loads(body)
        return EventState(
            key, story, _load_centroid(cen), _load_centroid(scen), list(members), Counter(dates), int(recent)
        )
    return EventState(key, story, _typed_centroid(cen), _typed_centroid(scen), members, Counter(dates), recent)


# one field of a body, read without building its centroids (``LazyMap.peek``)
_STORY_SIZE = msgspec.json.Decoder(tuple[msgspec.Raw, msgspec.Raw, int])


def story_size(body: str) -> int:
    """The article count of a stored story body."""
    return _STORY_SIZE.decode(body)[2]


def dump_story(s: StoryState) -> str:
    return _dumps([_dump_centroid(s.centroid), list(s.events), s.size])


def load_story(key: str, body: str) -> StoryState:
    try:
        cen, events, size = _STORY.decode(body)
    except msgspec.ValidationError:
        cen, events, size = _loads(body)
        return StoryState(key, _load_centroid(cen), dict.fromkeys(events), int(size))
    return StoryState(key, _typed_centroid(cen), dict.fromkeys(events), size)


def dump_seen(s: Seen) -> str:
    return _dumps([s.vec, s.svec, s.date, s.counts_for_date])


def load_seen(key: str, body: str) -> Seen:
    vec, svec, date, counts = _loads(body)
    return Seen(vec, svec, date, bool(counts))


def _dump_posting(p: dict[str, None]) -> str:
    return _dumps(list(p))


def _load_posting(key: str, body: str) -> dict[str, None]:
    return dict.fromkeys(_loads(body))


def _load_text(key: str, body: str) -> str:
    return body


def _load_int(key: str, body: str) -> int:
    return int(body)


# -- the meta row -----------------------------------------------------------------------------------------------------


@dataclass(slots=True)
class Meta:
    """The clusterer's scalars: format, options, idf article count, events still to re-examine, counters."""

    version: int
    options: str
    n: int = 0  # articles the idf counted
    arrivals: int = 0  # articles ever added (the next arrival number)
    next_seq: int = 0  # creation number of the next new event or story (cluster order)
    dirty: list[str] = field(default_factory=list)
    watermark: int = -1  # every article with a lower ingest number (store seq) is clustered
    dense_sum: list[float] = field(default_factory=list)  # sum of the embeddings given (``Clusterer.centre``)
    dense_n: int = 0
    small_checked: bool = False  # ``Clusterer.small_checked`` when saved

    def dump(self) -> str:
        body: dict[str, Any] = {
            "version": self.version,
            "options": self.options,
            "n": self.n,
            "arrivals": self.arrivals,
            "next_seq": self.next_seq,
            "dirty": self.dirty,
            "watermark": self.watermark,
        }
        if self.dense_n:  # a stream without embeddings keeps the row it had before they existed
            body.update(dense_sum=self.dense_sum, dense_n=self.dense_n)
        if self.small_checked:  # absent from rows written before it existed: read as False (check them all)
            body["small_checked"] = True
        return _dumps(body)

    @classmethod
    def load(cls, body: str) -> Meta:
        """The meta row's body; raises ValueError if it is not one."""
        try:
            d = json.loads(body)
            return cls(
                int(d["version"]),
                str(d["options"]),
                int(d["n"]),
                int(d["arrivals"]),
                int(d["next_seq"]),
                [str(x) for x in d["dirty"]],
                int(d["watermark"]),
                [float(x) for x in d.get("dense_sum", [])],
                int(d.get("dense_n", 0)),
                d.get("small_checked", False) is True,
            )
        except (ValueError, KeyError, TypeError) as exc:
            raise ValueError(f"cluster meta row cannot be read: {exc}") from exc


# -- building a clusterer over rows, and the rows it changed ----------------------------------------------------------


def resume(options: ClusterOptions, meta: Meta, loader: Loader, window: Sequence[str]) -> Clusterer:
    """A clusterer over the stored rows: ``meta`` as stored, ``window`` the ids of the ``seen`` rows in order."""
    c = Clusterer(options)
    c.idf.n = meta.n
    c.dense_sum, c.dense_n = list(meta.dense_sum), meta.dense_n
    c.idf.df = LazyMap("df", loader, _load_int, str)
    # an event's story is read from the readable events (a short row), not from its state row (its centroids)
    c.events = LazyMap("event", loader, load_event, dump_event, fields={"story": ("event-story", str)})
    c.stories = LazyMap("story", loader, load_story, dump_story, fields={"size": ("story", story_size)})
    c.event_of = LazyMap("member", loader, _load_text, None)  # written as the events' memberships
    c.merged_into = LazyMap("merged", loader, _load_text, str)
    c.seen = LazyMap("seen", loader, load_seen, dump_seen, order=window)
    c.dirty = dict.fromkeys(meta.dirty)
    c.small_checked = c.small_checked_at_load = meta.small_checked
    c.arrival = LazyMap("arrival", loader, _load_int, str, size=meta.arrivals)
    c.events_index.postings = LazyMap("posting:e", loader, _load_posting, _dump_posting)
    c.stories_index.postings = LazyMap("posting:s", loader, _load_posting, _dump_posting)
    return c


@dataclass(slots=True)
class Delta:
    """What to write: rows (kind, key, seq, body), rows to delete (kind, key), the meta row, and the events and
    stories whose readable rows (events, stories, memberships) must be rewritten or dropped."""

    meta: Meta
    upserts: list[tuple[str, str, int, str]] = field(default_factory=list)
    deletes: list[tuple[str, str]] = field(default_factory=list)
    events: list[str] = field(default_factory=list)  # changed or new events (live or not)
    stories: list[str] = field(default_factory=list)
    dropped_events: list[str] = field(default_factory=list)  # retired: their rows go
    dropped_stories: list[str] = field(default_factory=list)
    full: bool = False  # every row is here: the stored ones are replaced
    seqs: dict[str, int] = field(default_factory=dict)  # event or story id -> its cluster order


def _maps(c: Clusterer) -> dict[str, MutableMapping[str, Any]]:
    return {
        "df": c.idf.df,
        "event": c.events,
        "story": c.stories,
        "merged": c.merged_into,
        "seen": c.seen,
        "arrival": c.arrival,
        "posting:e": c.events_index.postings,
        "posting:s": c.stories_index.postings,
    }


def delta(c: Clusterer, meta: Meta, watermark: int) -> Delta:
    """The rows a lazily loaded clusterer (``resume``) changed since loading, and the new meta row."""
    out = Delta(
        Meta(
            meta.version,
            meta.options,
            c.idf.n,
            len(c.arrival),
            meta.next_seq,
            list(c.dirty),
            watermark,
            list(c.dense_sum),
            c.dense_n,
            c.small_checked,
        )
    )
    for kind, m in _maps(c).items():
        assert isinstance(m, LazyMap)
        upserts, deletes = m.changes()
        for key, seq, body in upserts:
            if seq is None:
                if kind in ("event", "story"):
                    seq = out.meta.next_seq  # creation order: new keys come in the order they were first set
                    out.meta.next_seq += 1
                elif kind == "seen":
                    seq = c.arrival[key]
                else:
                    seq = 0
            if kind in ("event", "story"):
                out.seqs[key] = seq
                (out.events if kind == "event" else out.stories).append(key)
            out.upserts.append((kind, key, seq, body))
        for key in deletes:
            out.deletes.append((kind, key))
            if kind == "event":
                out.dropped_events.append(key)
            elif kind == "story":
                out.dropped_stories.append(key)
    return out


def rows(c: Clusterer, watermark: int) -> Delta:
    """Every row of a clusterer held in plain dicts (a replay, a converted blob): the stored rows are replaced."""
    out = Delta(
        Meta(
            ROW_VERSION,
            options_key(c.options),
            c.idf.n,
            len(c.arrival),
            0,
            list(c.dirty),
            watermark,
            list(c.dense_sum),
            c.dense_n,
            c.small_checked,
        ),
        full=True,
    )
    for eid, e in c.events.items():
        out.seqs[eid] = out.meta.next_seq
        out.meta.next_seq += 1
        out.upserts.append(("event", eid, out.seqs[eid], dump_event(e)))
        out.events.append(eid)
    for sid, s in c.stories.items():
        out.seqs[sid] = out.meta.next_seq
        out.meta.next_seq += 1
        out.upserts.append(("story", sid, out.seqs[sid], dump_story(s)))
        out.stories.append(sid)
    out.upserts += [("df", t, 0, str(n)) for t, n in c.idf.df.items() if n]
    out.upserts += [("merged", k, 0, v) for k, v in c.merged_into.items()]
    out.upserts += [("seen", k, c.arrival[k], dump_seen(s)) for k, s in c.seen.items()]
    out.upserts += [("arrival", k, 0, str(n)) for k, n in c.arrival.items()]
    for kind, index in (("posting:e", c.events_index), ("posting:s", c.stories_index)):
        out.upserts += [(kind, t, 0, _dump_posting(p)) for t, p in index.postings.items()]
    return out


def loaded_rows(c: Clusterer) -> tuple[int, int]:
    """Rows a lazily loaded clusterer read so far, and the calls of its loaders that read them (for the log)."""
    maps = [m for m in (*_maps(c).values(), c.event_of) if isinstance(m, LazyMap)]
    return sum(m.loaded for m in maps), sum(m.queries for m in maps)


def prefetch_terms(c: Clusterer, counts: Iterable[Mapping[str, int]]) -> None:
    """Load the document frequencies of the terms of the articles about to be added, in one query."""
    df = c.idf.df
    if isinstance(df, LazyMap):
        df.prefetch(t for cs in counts for t in cs)


__all__ = [
    "ROW_VERSION",
    "Delta",
    "LazyMap",
    "Loader",
    "Meta",
    "delta",
    "loaded_rows",
    "prefetch_terms",
    "resume",
    "rows",
]
