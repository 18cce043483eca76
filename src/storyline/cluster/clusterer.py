"""The online clusterer: articles join events (one happening), events join stories (what a reader follows).

How one article is placed (``Clusterer.add``), in stream order: its two vectors (``cluster.vectors``) are compared
with candidate events from an inverted index of recent events per term (capped posting lists), never a scan.
Similarity = cosine to the event centroid x a time decay on the gap between the article's event date
(``cluster.dates``) and the event's date; undated articles are judged on content alone. The best candidate above
``event_threshold`` wins; otherwise the article opens an event, which joins the most similar story above
``story_threshold`` (found the same way, no decay: stories run for years with gaps) or opens one. ``recluster``
(``cluster.recluster``) corrects early mistakes among recent articles. The pipeline keeps the state as rows
(``cluster.state``: loaded lazily, written where it changed), so an ingest resumes where the last one stopped; the
whole state also saves to bytes and loads back (``save_state`` / ``load_state``: the format before the rows, read
to convert a store that has it).
"""

from __future__ import annotations

import heapq
import io
import math
import pickle
import zlib
from collections import Counter
from collections.abc import Collection, Iterable, Mapping, MutableMapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from storyline.cluster.dates import event_date, parse_day
from storyline.cluster.options import ClusterOptions
from storyline.cluster.recluster import recluster
from storyline.cluster.vectors import Centroid, Idf, heaviest, is_term, vectorise
from storyline.records import Article, Change, Event, Story, content_id
from storyline.vectors import Vector


@dataclass(slots=True)
class EventState:
    """One event as the clusterer holds it: its members, their event dates, and its two centroids."""

    id: str
    story: str
    centroid: Centroid
    scentroid: Centroid  # story-space sum of the members
    members: list[str] = field(default_factory=list)
    dates: Counter[str] = field(default_factory=Counter)
    recent: int = 0  # members still in the re-clustering window

    @property
    def date(self) -> str | None:
        """The event date most of its members give (ties: the earlier day), or None."""
        return event_date(self.dates)


@dataclass(slots=True)
class StoryState:
    """One story as the clusterer holds it: its events and the story-space sum of its articles."""

    id: str
    centroid: Centroid
    events: dict[str, None] = field(default_factory=dict)  # ordered set: founding event first
    size: int = 0  # articles

    @property
    def cohesion(self) -> float:
        """Mean cosine of the members with the centroid (|sum of unit vectors| / n): how broad the story is."""
        return math.sqrt(self.centroid.sq) / self.size if self.size else 1.0


@dataclass(slots=True)
class Seen:
    """What re-clustering needs to know about a recent article."""

    vec: Vector
    svec: Vector
    date: str | None
    counts_for_date: bool


class TermIndex:
    """Term -> recently active cluster ids, each list capped (oldest dropped): candidates without a scan."""

    def __init__(self, cap: int) -> None:
        self.cap = cap
        self.postings: MutableMapping[str, dict[str, None]] = {}  # a ``state.LazyMap`` when resumed from rows

    def touch(self, cid: str, terms_: Iterable[str]) -> None:
        """List ``cid`` as the most recent cluster under each of ``terms_``."""
        terms_ = list(terms_)
        _prefetch(self.postings, terms_)
        for t in terms_:
            p = self.postings.get(t)
            if p is None:
                self.postings[t] = {cid: None}
                continue
            p.pop(cid, None)
            p[cid] = None
            if len(p) > self.cap:
                del p[next(iter(p))]

    def listed(self, terms_: Sequence[str]) -> set[str]:
        """The ids listed under any of ``terms_``: ``candidates`` without the scores."""
        _prefetch(self.postings, terms_)
        out: set[str] = set()
        for t in terms_:
            p = self.postings.get(t)
            if p:
                out.update(p)
        return out

    def lists_any(self, terms_: Sequence[str], ids: Collection[str]) -> bool:
        """Whether any of ``ids`` is listed under any of ``terms_`` (``listed`` without gathering every id)."""
        _prefetch(self.postings, terms_)
        for t in terms_:
            p = self.postings.get(t)
            if p and (any(i in p for i in ids) if len(ids) < len(p) else any(k in ids for k in p)):
                return True
        return False

    def candidates(self, vec: Mapping[str, float], top: Sequence[str]) -> dict[str, float]:
        """Candidate ids with a partial dot product over the ``top`` terms (for pre-ranking)."""
        found: dict[str, float] = {}
        _prefetch(self.postings, top)
        for t in top:
            p = self.postings.get(t)
            if p:
                w = vec[t]
                for cid in p:
                    found[cid] = found.get(cid, 0.0) + w
        return found


# Format of ``Clusterer.save_state``: bump it whenever the attributes of Clusterer, EventState, StoryState, Centroid, Seen
# or TermIndex change, so a state saved by older code is not resumed (the pipeline replays the stored assignments
# instead). States saved before the module became a package name the same attributes under older names; they load
# (``_LEGACY_CLASSES``, ``Clusterer.__setstate__``), so a store resumes exactly where it stopped.
STATE_VERSION = 1


class StateError(Exception):
    """A saved clusterer state that cannot be resumed (damaged, another format, other options)."""


class Clusterer:
    """Online event and story clustering over a stream of articles."""

    def __init__(self, options: ClusterOptions = ClusterOptions()) -> None:
        self.options = options
        self.idf = Idf()
        # plain dicts in memory; ``state.resume`` puts ``state.LazyMap`` s over stored rows in their place
        self.events: MutableMapping[str, EventState] = {}
        self.stories: MutableMapping[str, StoryState] = {}
        self.event_of: MutableMapping[str, str] = {}
        self.merged_into: MutableMapping[str, str] = {}  # retired event or story id -> the id that absorbed it
        self.seen: MutableMapping[str, Seen] = {}  # the last ``options.window`` articles, oldest first
        self.dirty: dict[str, None] = {}  # events that gained or lost articles since the last re-clustering
        self.arrival: MutableMapping[str, int] = {}  # article id -> arrival number: the older cluster keeps its id
        self.events_index = TermIndex(options.posting_cap)
        self.stories_index = TermIndex(options.posting_cap)
        self.dense_sum: list[float] = []  # sum of the embeddings given so far (``centre``)
        self.dense_n = 0
        # every small story of the window was checked against the state as it is now and joined no larger one (set
        # by a re-clustering pass that joined none, cleared by ``add``); ``_at_load``: so was the state this one was
        # resumed from, which lets a pass skip a story none of whose inputs changed since (``recluster``)
        self.small_checked = False
        self.small_checked_at_load = False
        self.small_looked = (0, 0)  # the last pass: small stories looked at, of those in the window

    def __setstate__(self, state: dict[str, Any]) -> None:
        # a state saved before the package split names these attributes privately (``_seen``, ...)
        self.__dict__.update({"dense_sum": [], "dense_n": 0})  # saved before embeddings were weighed in
        self.__dict__.update(
            {"small_checked": False, "small_checked_at_load": False, "small_looked": (0, 0)}
        )  # saved before they existed
        self.__dict__.update({_LEGACY_ATTRIBUTES.get(k, k): v for k, v in state.items()})

    # -- saved state -----------------------------------------------------------------------------------------
    def save_state(self) -> bytes:
        """Everything the clusterer knows, as bytes: ``load_state`` of them continues exactly where this one is.

        A pickle, compressed (floats barely shrink, ids and terms do); ``load_state`` reads it back with an
        unpickler that only rebuilds the clusterer's own classes and plain containers, so a tampered database
        cannot make loading run other code.
        """
        return zlib.compress(pickle.dumps(self, protocol=pickle.HIGHEST_PROTOCOL), 1)

    @classmethod
    def load_state(cls, blob: bytes, options: ClusterOptions) -> Clusterer:
        """The clusterer saved in ``blob``; raises ``StateError`` if it cannot be read or was built with other options."""
        try:
            state = _StateUnpickler(io.BytesIO(zlib.decompress(blob))).load()
        except Exception as exc:  # damaged bytes raise anything from zlib.error to AttributeError
            raise StateError(f"saved clusterer state cannot be read: {type(exc).__name__}: {exc}") from exc
        if not isinstance(state, cls):
            raise StateError(f"saved clusterer state holds a {type(state).__name__}, not a Clusterer")
        if state.options != options:
            raise StateError("saved clusterer state was built with other cluster options")
        return state

    # -- the online step ----------------------------------------------------------------------------------
    def add(
        self,
        article: Article,
        counts: Mapping[str, int],
        event_date: str | None,
        *,
        duplicate_of: str | None = None,
        known: tuple[str, str] | None = None,
        dense: Sequence[float] | None = None,
    ) -> str:
        """Assign one article to an event (opening one if needed); returns the event id.

        ``known`` = (event id, story id) replays a stored assignment, so earlier results never move here.
        ``dense`` is the article's embedding, weighed in by ``dense_weight`` / ``story_dense_weight``.
        """
        self.small_checked = False
        self.idf.add(counts)
        if dense is not None:
            dense = self.centre(dense)
        vec, svec = vectorise(counts, self.idf, self.options, dense)
        if known is not None:
            event = self._restore(*known)
        elif duplicate_of is not None and duplicate_of in self.event_of:
            event = self.events[self.event_of[duplicate_of]]
        else:
            event = self.best_event(vec, event_date) or self._open_event(article.id, svec)
        seen = Seen(vec, svec, event_date, duplicate_of is None)
        self.join(event, article.id, seen)
        self.seen[article.id] = seen
        self.arrival.setdefault(article.id, len(self.arrival))
        if len(self.seen) > self.options.window:
            self._settle(next(iter(self.seen)))
        return event.id

    def centre(self, dense: Sequence[float]) -> list[float]:
        """The embedding less the mean of every embedding the stream has given so far (this one included).

        Every news text shares a direction in an embedding space: without taking it out any two articles look
        alike. The mean is the stream's own (as the idf is), so it fits whatever the corpus is about.
        """
        total = self.dense_sum
        if len(total) != len(dense):
            total[:] = [0.0] * len(dense)
            self.dense_n = 0
        self.dense_n += 1
        for i, x in enumerate(dense):
            total[i] += x
        n = self.dense_n
        return [x - t / n for x, t in zip(dense, total)]

    def top(self, vec: Mapping[str, float]) -> list[str]:
        """The vector's heaviest terms: what the indexes are looked up and updated with."""
        return heapq.nlargest(self.options.candidate_terms, filter(is_term, vec), key=vec.__getitem__)

    def decay(self, a: str | None, b: str | None) -> float:
        """How much a gap between two event dates discounts similarity (1.0 within the grace period or undated)."""
        da, db = parse_day(a), parse_day(b)
        if da is None or db is None:
            return 1.0  # an undated article is judged on its content alone
        gap = max(0, abs((da - db).days) - self.options.grace_days)
        return math.exp(-gap / self.options.decay_days)

    def event_candidates(self, vec: Mapping[str, float], exclude: str = "") -> list[EventState]:
        """Events worth scoring exactly against ``vec``: the index's best pre-scores (``exclude`` left out)."""
        found = self.events_index.candidates(vec, self.top(vec))
        found.pop(exclude, None)
        best = heapq.nlargest(self.options.rerank, found.items(), key=lambda kv: (kv[1], kv[0]))
        _prefetch(self.events, [eid for eid, _ in best])
        return [self.events[eid] for eid, _ in best if eid in self.events]

    def best_event(self, vec: Mapping[str, float], event_date: str | None, exclude: str = "") -> EventState | None:
        """The event ``vec`` fits best above ``event_threshold`` (cosine x time decay), or None."""
        best, best_sim = None, self.options.event_threshold
        for ev in self.event_candidates(vec, exclude):
            sim = ev.centroid.cos(vec) * self.decay(event_date, ev.date)
            if sim > best_sim or (sim == best_sim and best is not None and ev.id < best.id):
                best, best_sim = ev, sim
        return best

    def story_candidates(
        self, svec: Mapping[str, float], exclude: str = "", top: Sequence[str] | None = None
    ) -> list[StoryState]:
        """Stories worth scoring exactly against the story-space vector ``svec`` (``exclude`` left out; ``top``:
        ``self.top(svec)`` when the caller has it already)."""
        top = self.top(svec) if top is None else top
        found = self.stories_index.candidates(svec, top)
        found.pop(exclude, None)
        # pre-score: the cosine over the query's heaviest terms, so a large story that shares the few words that
        # matter outranks many small ones that share more common words (the index alone counts shared terms)
        pre = {}
        _prefetch(self.stories, found)
        for sid in found:
            st = self.stories.get(sid)
            if st is not None and st.centroid.sq > 0.0:
                c = st.centroid.vec
                pre[sid] = sum(svec[t] * c.get(t, 0.0) for t in top) / math.sqrt(st.centroid.sq)
        best = heapq.nlargest(self.options.story_rerank, pre.items(), key=lambda kv: (kv[1], kv[0]))
        return [self.stories[sid] for sid, _ in best]

    def best_story(
        self, svec: Mapping[str, float], threshold: float, exclude: str = ""
    ) -> tuple[StoryState | None, float]:
        """The story ``svec`` clears by the widest margin of its bar (``threshold``, lower for broad stories), with
        its cosine; (None, 0.0) when none clears it."""
        best, best_sim, best_z = None, 0.0, 1.0
        for st in self.story_candidates(svec, exclude):
            sim = st.centroid.cos(svec)
            z = sim / self._story_bar(st, threshold)
            if z >= best_z:
                best, best_sim, best_z = st, sim, z
        return best, best_sim

    def _story_bar(self, st: StoryState, threshold: float, cohesion: float | None = None) -> float:
        """The similarity a story asks of a newcomer: lower for broad stories (their members agree less)."""
        o = self.options
        if o.story_ratio <= 0:
            return threshold
        coh = st.cohesion if cohesion is None else cohesion
        return max(o.story_floor, min(threshold, o.story_ratio * coh))

    def new_event(self, eid: str, story_id: str) -> EventState:
        """An empty event ``eid`` in story ``story_id`` (the caller lists it in the story)."""
        o = self.options
        event = EventState(eid, story_id, Centroid(o.centroid_terms), Centroid(o.centroid_terms))
        self.events[eid] = event
        return event

    def _new_story(self, sid: str) -> StoryState:
        story = StoryState(sid, Centroid(self.options.story_terms))
        self.stories[sid] = story
        return story

    def _open_event(self, article_id: str, svec: Mapping[str, float]) -> EventState:
        eid = self.fresh_id("e", article_id)
        story, _ = self.best_story(svec, self.options.story_threshold)
        if story is None:
            story = self._new_story(self.fresh_id("s", eid))
        event = self.new_event(eid, story.id)
        story.events[eid] = None
        return event

    def fresh_id(self, prefix: str, founder: str) -> str:
        """A new event (``e``) or story (``s``) id from its founding member's id, never one in use or retired."""
        taken = self.events if prefix == "e" else self.stories
        cid, n = content_id(prefix, founder), 0
        while cid in taken or cid in self.merged_into:  # a founder may found twice after a split
            n += 1
            cid = content_id(prefix, founder, str(n))
        return cid

    def _restore(self, event_id: str, story_id: str) -> EventState:
        if event_id not in self.events:
            story = self.stories.get(story_id) or self._new_story(story_id)
            self.new_event(event_id, story_id)
            story.events[event_id] = None
        return self.events[event_id]

    def join(self, event: EventState, article_id: str, seen: Seen) -> None:
        """Add a recent article to ``event`` and its story (centroids, dates, indexes)."""
        self.dirty[event.id] = None
        event.recent += 1
        event.members.append(article_id)
        event.centroid.add(seen.vec)
        event.scentroid.add(seen.svec)
        if seen.date and seen.counts_for_date:
            event.dates[seen.date] += 1
        story = self.stories[event.story]
        story.centroid.add(seen.svec)
        story.size += 1
        self.event_of[article_id] = event.id
        self.events_index.touch(event.id, self.top(seen.vec))
        self.stories_index.touch(story.id, self.top(seen.svec))

    def _settle(self, article_id: str) -> None:
        """The article leaves the window; an event with no recent article keeps a short centroid only."""
        del self.seen[article_id]
        event = self.events.get(self.event_of.get(article_id, ""))
        if event is None:
            return
        event.recent -= 1
        if event.recent <= 0:
            c = event.centroid
            if len(c.vec) > self.options.settled_terms:
                c.vec = heaviest(c.vec, self.options.settled_terms)
                c.sq = sum(w * w for w in c.vec.values())
            event.scentroid = Centroid(self.options.settled_terms)  # only re-clustering (in the window) uses it

    def leave(self, event: EventState, article_id: str, seen: Seen) -> None:
        """Take a recent article out of ``event`` and its story (the reverse of ``join``; indexes keep it)."""
        self.dirty[event.id] = None
        event.recent -= 1
        event.members.remove(article_id)
        event.centroid.add(seen.vec, -1.0)
        event.scentroid.add(seen.svec, -1.0)
        if seen.date and seen.counts_for_date:
            event.dates[seen.date] -= 1
            if event.dates[seen.date] <= 0:
                del event.dates[seen.date]
        self.stories[event.story].centroid.add(seen.svec, -1.0)
        self.stories[event.story].size -= 1

    # -- the correction pass -------------------------------------------------------------------------------------
    def recluster(self, *, settle: bool = True) -> list[Change]:
        """Correct early mistakes among recent articles; returns every change made (``recluster.recluster``;
        ``settle=False`` for a pass within a large ingest, which carries its last moves to the next pass)."""
        return recluster(self, settle=settle)

    # -- output ---------------------------------------------------------------------------------------------
    def result(self, titles: Mapping[str, str]) -> tuple[list[Event], list[Story]]:
        """Events and stories as records; ``titles`` maps article ids to display titles."""
        events = [
            Event(e.id, e.story, e.date, titles.get(e.members[0], ""), tuple(e.members))
            for e in self.events.values()
            if e.members
        ]
        live = {e.id for e in events}
        stories = []
        for s in self.stories.values():
            evs = [self.events[eid] for eid in s.events if eid in live]
            if not evs:
                continue
            arts = tuple(a for ev in evs for a in ev.members)
            biggest = max(evs, key=lambda ev: (len(ev.members), -evs.index(ev)))
            stories.append(Story(s.id, titles.get(biggest.members[0], ""), tuple(ev.id for ev in evs), arts))
        return events, stories


# What a saved state may hold: the clusterer's own classes, under their names today and before the package split
_STATE_CLASSES: dict[tuple[str, str], type] = {
    (cls.__module__, cls.__qualname__): cls
    for cls in (ClusterOptions, Idf, Centroid, EventState, StoryState, Seen, TermIndex, Clusterer)
}
_LEGACY_CLASSES: dict[tuple[str, str], type] = {
    ("storyline.cluster", name): cls
    for name, cls in (
        ("ClusterOptions", ClusterOptions),
        ("Idf", Idf),
        ("_Centroid", Centroid),
        ("_Event", EventState),
        ("_Story", StoryState),
        ("_Seen", Seen),
        ("_Index", TermIndex),
        ("Clusterer", Clusterer),
    )
}
_LEGACY_ATTRIBUTES = {
    "_seen": "seen",
    "_dirty": "dirty",
    "_arrival": "arrival",
    "_events_ix": "events_index",
    "_stories_ix": "stories_index",
}


class _StateUnpickler(pickle.Unpickler):
    """Unpickles a saved clusterer and nothing else: the clusterer's classes and plain containers only."""

    _CONTAINERS = frozenset({("collections", "Counter"), ("collections", "defaultdict"), ("collections", "deque")})

    def find_class(self, module: str, name: str) -> Any:
        found = _STATE_CLASSES.get((module, name)) or _LEGACY_CLASSES.get((module, name))
        if found is not None:
            return found
        if (module, name) in self._CONTAINERS:
            return super().find_class(module, name)
        raise pickle.UnpicklingError(f"saved clusterer state refers to {module}.{name}, which a state never holds")


def _prefetch(m: Mapping[str, Any], keys: Iterable[str]) -> None:
    """Load many keys of a lazily loaded map in one query (a plain dict has nothing to load)."""
    load = getattr(m, "prefetch", None)
    if load is not None:
        load(keys)


def stream_order(articles: Iterable[Article]) -> list[Article]:
    """Publication-date order (undated last), ties in ingest order: how a live feed would deliver them."""
    arts = list(articles)
    pos = {a.id: i for i, a in enumerate(arts)}
    return sorted(arts, key=lambda a: (a.published is None, a.published or "", pos[a.id]))
