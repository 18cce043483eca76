"""The periodic correction pass over the clusterer's recent articles (``recluster``).

Online assignment sees each article once, against the clusters as they were when it arrived; this pass looks again.
In each round, over the events that changed since the last pass (new articles joined or left them; what the last
pass of an ingest changed in its last round is not carried to the next ingest): articles move to an event that
fits them clearly better (or open their own when nothing fits), events split when their two halves are different
happenings, near-identical events merge, events move to a story that fits them better, and stories merge when
their articles are about as alike across as within (average linkage relative to the stories' own spread). Last,
small recent stories get a second chance: one that clearly belongs to a larger story (judged against the stories
as they are now, not as they were when its article arrived) joins it. Every change is returned as a ``Change``
(what, from, to, why) for the audit trail. In a merge the older cluster keeps its id.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from typing import TYPE_CHECKING, Any, cast

from storyline.cluster.dates import event_date
from storyline.cluster.vectors import Centroid
from storyline.records import Change
from storyline.vectors import cosine, dot, unit, vector_sum

if TYPE_CHECKING:
    from storyline.cluster.clusterer import Clusterer, EventState, Seen, StoryState


def recluster(c: Clusterer, *, settle: bool = True) -> list[Change]:
    """Correct early mistakes among ``c``'s recent articles; returns every change made (for the audit trail).

    ``settle``: the pass ends an ingest, so what its last round changed is not carried to the next pass (which
    looks only at the events new articles join). A pass within a large ingest (``settle=False``) carries it to the
    next pass of the same ingest, as more articles stream in."""
    changes: list[Change] = []
    for _ in range(c.options.recluster_rounds):
        before = len(changes)
        dirty, c.dirty = c.dirty, {}  # only events that changed since the last pass are looked at
        touched = _move_articles(c, dirty, changes)
        _split_events(c, touched, changes)
        _merge_events(c, touched, changes)
        _relink_events(c, touched, changes)
        _merge_stories(c, {c.events[e].story: None for e in touched if e in c.events}, changes)
        if len(changes) == before:
            break
    if settle:
        # what the last round changed waits for new articles: carried to the next ingest, a chain that does not
        # settle within the rounds (an article far from its event opens its own, its neighbours follow it, the rest
        # of the old event follows them) went on at every ingest, rewriting the same events under new ids
        c.dirty = {}
    _attach_small_stories(c, changes)
    return changes


def _move_articles(c: Clusterer, dirty: Mapping[str, None], changes: list[Change]) -> dict[str, None]:
    """Articles of changed events move to an event that fits clearly better, or open their own; returns the
    events touched."""
    o = c.options
    touched: dict[str, None] = {}
    for eid in dirty:
        if eid in c.events:
            touched[eid] = None
    recheck = [a for eid in touched for a in c.events[eid].members if a in c.seen]
    for aid in sorted(recheck, key=lambda a: c.arrival.get(a, 0)):
        seen = c.seen[aid]
        eid = c.event_of[aid]
        own = c.events[eid]
        fit = 0.0 if len(own.members) < 2 else own.centroid.cos_without(seen.vec) * c.decay(seen.date, own.date)
        if not seen.counts_for_date:
            continue  # a duplicate stays with its original
        other = c.best_event(seen.vec, seen.date, exclude=eid)
        if other is not None:
            sim = other.centroid.cos(seen.vec) * c.decay(seen.date, other.date)
            if sim > fit + o.move_margin:
                kind = "merge" if len(own.members) == 1 else "move"
                _move(c, aid, seen, own, other)
                touched[other.id] = None
                changes.append(
                    Change(
                        kind,
                        aid,
                        own.id,
                        other.id,
                        own.story,
                        other.story,
                        f"fits {other.id} at {sim:.3f} vs {fit:.3f} in {own.id}",
                    )
                )
                if kind == "merge":
                    _retire_event(c, own, other)
                continue
        if len(own.members) >= 2 and fit < o.event_threshold * 0.5:
            # far from every event, including its own: it opens its own event in the same story
            new = c.new_event(c.fresh_id("e", aid), own.story)
            c.stories[own.story].events[new.id] = None
            _move(c, aid, seen, own, new)
            touched[new.id] = None
            changes.append(
                Change(
                    "split",
                    aid,
                    own.id,
                    new.id,
                    own.story,
                    own.story,
                    f"fit {fit:.3f} below {o.event_threshold * 0.5:.3f} in {own.id} and no other event fits",
                )
            )
    return touched


def _move(c: Clusterer, aid: str, seen: Seen, src: EventState, dst: EventState) -> None:
    """Move one recent article from ``src`` to ``dst``."""
    c.leave(src, aid, seen)
    c.join(dst, aid, seen)


def _retire_event(c: Clusterer, gone: EventState, into: EventState) -> None:
    """Fold ``gone`` into ``into``; the older id was chosen by the caller."""
    settled = [a for a in gone.members if a not in c.seen]
    for aid in [a for a in gone.members if a in c.seen]:
        _move(c, aid, c.seen[aid], gone, into)
    if settled:  # articles past the window: their vectors are gone, their mass is what is left
        into.members.extend(settled)
        for aid in settled:
            c.event_of[aid] = into.id
        into.centroid.merge(gone.centroid)
        into.scentroid.merge(gone.scentroid)
        into.dates.update(gone.dates)
        if into.story != gone.story:
            c.stories[gone.story].centroid.add(gone.scentroid.vec, -1.0)
            c.stories[into.story].centroid.merge(gone.scentroid)
            c.stories[gone.story].size -= len(settled)
            c.stories[into.story].size += len(settled)
    story = c.stories[gone.story]
    story.events.pop(gone.id, None)
    del c.events[gone.id]
    c.merged_into[gone.id] = into.id
    if not story.events:
        del c.stories[story.id]
        c.merged_into[story.id] = into.story


def _split_events(c: Clusterer, touched: dict[str, None], changes: list[Change]) -> None:
    """An event whose two halves (2-means) are different happenings splits; the founder's half keeps the id."""
    o = c.options
    limit = min(o.split_threshold, o.merge_threshold)  # below the merge threshold, or the halves would re-merge
    for eid in list(touched):
        ev = c.events.get(eid)
        if ev is None or len(ev.members) < o.split_min or any(a not in c.seen for a in ev.members):
            continue
        halves = _two_means([c.seen[a].vec for a in ev.members])
        if halves is None:
            continue
        sim, side = halves
        small = [a for a, s_ in zip(ev.members, side) if s_]
        if sim >= limit or len(small) < 2 or len(ev.members) - len(small) < 2:
            continue
        founder = min(ev.members, key=lambda a: c.arrival.get(a, 0))
        if founder in small:  # the half with the founding article keeps the id
            small = [a for a in ev.members if a not in small]
        settled = _settle(c, small, [a for a in ev.members if a not in small])
        if settled is None or founder in settled:
            continue
        small = [a for a in ev.members if a in settled]
        first = min(small, key=lambda a: c.arrival.get(a, 0))
        new = c.new_event(c.fresh_id("e", first), ev.story)
        c.stories[ev.story].events[new.id] = None
        for aid in small:
            _move(c, aid, c.seen[aid], ev, new)
        touched[new.id] = None
        changes.append(
            Change(
                "split",
                new.id,
                ev.id,
                new.id,
                ev.story,
                ev.story,
                f"{len(small)} of {len(small) + len(ev.members)} articles form a separate happening: "
                f"halves at cosine {sim:.3f} < {limit}",
            )
        )


class _Half:
    """One half of a split under consideration: its members' centroid and event dates, as an event would hold them."""

    def __init__(self, c: Clusterer, members: Iterable[str]) -> None:
        self.c = c
        self.centroid = Centroid(c.options.centroid_terms)
        self.dates = Counter[str]()
        self.members: set[str] = set()
        for aid in members:
            self.add(aid, 1)

    def add(self, aid: str, sign: int) -> None:
        seen = self.c.seen[aid]
        self.centroid.add(seen.vec, float(sign))
        if seen.date and seen.counts_for_date:
            self.dates[seen.date] += sign
            if self.dates[seen.date] <= 0:
                del self.dates[seen.date]
        (self.members.add if sign > 0 else self.members.discard)(aid)

    def fit(self, aid: str, *, member: bool) -> float:
        """What ``_move_articles`` scores: leave-one-out for a member, plain cosine otherwise, times decay."""
        seen, date = self.c.seen[aid], event_date(self.dates)
        cos = self.centroid.cos_without(seen.vec) if member else self.centroid.cos(seen.vec)
        return cos * self.c.decay(seen.date, date)


def _settle(c: Clusterer, small: Sequence[str], rest: Sequence[str], rounds: int = 8) -> set[str] | None:
    """The split-off half once every article that fits the other half clearly better (``_move_articles``'s rule)
    has moved over; None when a half dwindles below two articles, so the split would be undone by the moves on the
    next pass (and made again on the pass after, every pass), or when articles still move after ``rounds`` rounds:
    a split must be a fixed point of the moves."""
    halves = (_Half(c, small), _Half(c, rest))
    order = sorted([*small, *rest], key=lambda a: c.arrival.get(a, 0))
    for _ in range(rounds):
        moved = False
        for aid in order:
            if not c.seen[aid].counts_for_date:
                continue  # a duplicate stays with its original (``_move_articles``)
            own, other = halves if aid in halves[0].members else halves[::-1]
            if other.fit(aid, member=False) > own.fit(aid, member=True) + c.options.move_margin:
                own.add(aid, -1)
                other.add(aid, 1)
                moved = True
                if len(own.members) < 2:
                    return None
        if not moved:
            return halves[0].members
    return None


def _merge_events(c: Clusterer, touched: Mapping[str, None], changes: list[Change]) -> None:
    """Events with near-identical centroids (time decay applied) merge; the older keeps its id."""
    o = c.options
    for eid in list(touched):
        ev = c.events.get(eid)
        if ev is None or not ev.centroid.sq:
            continue
        direction = unit(ev.centroid.vec)
        for other in c.event_candidates(direction, exclude=eid):
            if other.id not in c.events or not other.centroid.sq:
                continue
            sim = other.centroid.cos(direction) * c.decay(ev.date, other.date)
            if sim < o.merge_threshold:
                continue
            keep, gone = (other, ev) if _older(other, ev, c) else (ev, other)
            changes.append(
                Change(
                    "merge",
                    gone.id,
                    gone.id,
                    keep.id,
                    gone.story,
                    keep.story,
                    f"event centroids at cosine {sim:.3f} >= {o.merge_threshold}",
                )
            )
            _retire_event(c, gone, keep)
            if gone is ev:
                break


def _relink_events(c: Clusterer, touched: Mapping[str, None], changes: list[Change]) -> None:
    """An event moves to another story when it fits that story clearly better than the rest of its own."""
    o = c.options
    for eid in list(touched):
        ev = c.events.get(eid)
        if ev is None or not ev.scentroid.sq:
            continue
        direction = unit(ev.scentroid.vec)
        own = c.stories[ev.story]
        fit = _cos_without(own.centroid, ev.scentroid) if len(own.events) > 1 else 0.0
        other, sim = c.best_story(direction, o.story_threshold, exclude=own.id)
        if other is None or sim <= fit + o.move_margin:
            continue
        changes.append(
            Change(
                "relink",
                ev.id,
                own.id,
                other.id,
                own.id,
                other.id,
                f"event fits story {other.id} at {sim:.3f} vs {fit:.3f} in {own.id}",
            )
        )
        own.centroid.add(ev.scentroid.vec, -1.0)
        own.size -= len(ev.members)
        other.size += len(ev.members)
        own.events.pop(ev.id, None)
        other.centroid.add(ev.scentroid.vec)
        other.events[ev.id] = None
        ev.story = other.id
        c.stories_index.touch(other.id, c.top(direction))
        if not own.events:
            del c.stories[own.id]
            c.merged_into[own.id] = other.id


def _merge_stories(c: Clusterer, dirty: Mapping[str, None], changes: list[Change]) -> None:
    """Two stories merge when their articles are about as similar across as within (average linkage).

    A centroid cosine cannot tell a broad story's two halves (low cosine: its members agree little) from two
    stories; the mean cross-pair similarity as a share of the tighter-spread story's own mean can: halves of
    one story share ~1, different stories with common vocabulary ~0.1-0.25. Two one-article stories have no
    spread: their cosine must reach ``story_merge_threshold``.
    """
    for sid in list(dirty):
        st = c.stories.get(sid)
        if st is None or not st.centroid.sq:
            continue
        direction = unit(st.centroid.vec)
        for other in c.story_candidates(direction, exclude=sid):
            if other.id not in c.stories or not other.centroid.sq:
                continue
            share, bar, what = _story_affinity(c, st, other)
            if share < bar:
                continue
            keep, gone = (other, st) if _story_older(other, st, c) else (st, other)
            changes.append(
                Change("story-merge", gone.id, gone.id, keep.id, gone.id, keep.id, f"{what} {share:.3f} >= {bar}")
            )
            _fold_story(c, gone, keep)
            if gone is st:
                break


def _story_affinity(c: Clusterer, a: StoryState, b: StoryState) -> tuple[float, float, str]:
    """How alike two stories are, the bar for a merge, and what was measured (for the audit trail)."""
    o = c.options
    cross, spread_a, spread_b = _linkage(c, a, b)
    spreads = [x for x in (spread_a, spread_b) if x > 0.0]
    if not spreads:
        return a.centroid.cos(unit(b.centroid.vec)), o.story_merge_threshold, "story centroids at cosine"
    return cross / min(spreads), o.story_merge_ratio, "mean cross similarity as a share of within"


def _linkage(c: Clusterer, a: StoryState, b: StoryState) -> tuple[float, float, float]:
    """Mean similarity of an article of ``a`` with one of ``b``; within ``a``; within ``b`` (0: one article)."""
    cross = dot(a.centroid.vec, b.centroid.vec) / (a.size * b.size)
    return cross, _pair_mean(a), _pair_mean(b)


def _attach_small_stories(c: Clusterer, changes: list[Change]) -> None:
    """Second chance: a small recent story joins the larger story it clearly belongs to.

    An article that opened its own story because no story was close enough when it arrived (a broad story's
    members agree little with any one newcomer) is looked at again at every pass while it is in the window,
    against stories that have grown since. The test is average linkage relative to the target: the mean
    similarity of the small story's articles with the target's articles, as a share of the mean similarity
    among the target's own articles, must reach ``attach_ratio`` and beat the runner-up ``attach_margin``
    times. The target keeps its id: it is what readers already follow.

    A story is looked at again only when what the test reads may have changed: when the state was resumed from one
    in which every small story had been looked at and none joined (``Clusterer.small_checked_at_load``), a story
    is skipped if neither it, nor the candidate lists of its heaviest terms, nor any story they list has changed
    since loading. The test would see what it saw then, when it joined nothing. A clusterer held in plain dicts
    cannot tell what changed, and looks at every one.
    """
    o = c.options
    small: dict[str, None] = {}
    # from rows: the window's memberships, then only the story of each of its events and the size of each of their
    # stories (a few queries, not one per article; only the small stories are loaded whole)
    _load(c.event_of, c.seen)
    story_of = _peek(c.events, (c.event_of[a] for a in c.seen), "story")
    sizes = _peek(c.stories, story_of.values(), "size")
    for aid in c.seen:  # oldest first: deterministic, and an early stray goes before later ones
        sid = story_of[c.event_of[aid]]
        if sid not in small and sizes[sid] <= o.attach_size:
            small[sid] = None
    changed = _changed_since_checked(c)
    tops = _small_tops(c, small, changed)
    grown: set[str] = set()  # stories a fold changed during the pass: their heaviest terms are taken again
    looked = 0
    folded = False
    for sid in small:
        st = c.stories.get(sid)
        if st is None or st.size > o.attach_size or not st.centroid.sq:
            continue
        direction = unit(st.centroid.vec)
        top = tops[sid] if sid in tops and sid not in grown else c.top(direction)
        if changed is not None and _unchanged(c, sid, top, *changed):
            continue
        looked += 1
        shares: list[tuple[float, str]] = []
        for other in c.story_candidates(direction, exclude=sid, top=top):
            if other.size <= st.size:
                continue
            cross, _, spread = _linkage(c, st, other)
            if spread <= 0.0:
                continue
            shares.append((cross / spread, other.id))
        if not shares:
            continue
        shares.sort(reverse=True)
        share, target = shares[0]
        runner = shares[1][0] if len(shares) > 1 else 0.0
        if share < o.attach_ratio or share < o.attach_margin * runner:
            continue
        keep = c.stories[target]
        changes.append(
            Change(
                "story-merge",
                sid,
                sid,
                keep.id,
                sid,
                keep.id,
                f"small story joins: mean cross similarity {share:.2f} of the story's own "
                f"(>= {o.attach_ratio}), runner-up {runner:.2f}",
            )
        )
        _fold_story(c, st, keep)
        grown.add(keep.id)
        folded = True
        if changed is not None:
            changed[0].update((st.id, keep.id))
    c.small_checked = not folded
    c.small_looked = (looked, len(small))


def _small_tops(c: Clusterer, small: Iterable[str], changed: tuple[set[str], set[str]] | None) -> dict[str, list[str]]:
    """The heaviest terms of each small story, with the rows the pass will read loaded in three queries rather
    than a few per story: the small stories, their terms' candidate lists, and the stories those list for the small
    stories that will be looked at again (loading is all this does: the pass reads the same values either way)."""
    _load(c.stories, small)
    tops: dict[str, list[str]] = {}
    for sid in small:
        st = c.stories.get(sid)
        if st is not None and st.centroid.sq:
            tops[sid] = c.top(unit(st.centroid.vec))
    _load(c.stories_index.postings, (t for top in tops.values() for t in top))
    looked = [top for sid, top in tops.items() if changed is None or not _unchanged(c, sid, top, *changed)]
    _load(c.stories, c.stories_index.listed([t for top in looked for t in top]))
    return tops


def _changed_since_checked(c: Clusterer) -> tuple[set[str], set[str]] | None:
    """The stories and story-index terms whose rows changed since loading, when the state loaded had every small
    story checked (``Clusterer.small_checked_at_load``); None when a skip cannot be decided (plain dicts)."""
    if not c.small_checked_at_load:
        return None
    stories = getattr(c.stories, "changed", None)
    postings = getattr(c.stories_index.postings, "changed", None)
    if stories is None or postings is None:
        return None
    return stories(), postings()


def _unchanged(c: Clusterer, sid: str, top: Sequence[str], stories: set[str], terms: set[str]) -> bool:
    """Whether the second-chance test of story ``sid`` (its heaviest terms ``top``) reads only what it read when last
    checked: the story, the candidate lists of those terms, and every story they list (``story_candidates``)."""
    if sid in stories:
        return False
    if not terms.isdisjoint(top):
        return False
    return not c.stories_index.lists_any(top, stories)


def _peek(m: Mapping[str, Any], keys: Iterable[str], attribute: str) -> dict[str, Any]:
    """``attribute`` of the values of ``keys`` (those ``m`` holds); a map loaded lazily from rows (``state.LazyMap``)
    reads it from the rows of those not loaded, without loading them."""
    peek = getattr(m, "peek", None)
    if peek is not None:
        return cast(dict[str, Any], peek(keys, attribute))
    return {k: getattr(m[k], attribute) for k in dict.fromkeys(keys) if k in m}


def _load(m: Mapping[str, object], keys: Iterable[str]) -> None:
    """Read many keys of a map loaded lazily from rows (``state.LazyMap``) at once; a plain dict has none to read."""
    prefetch = getattr(m, "prefetch", None)
    if prefetch is not None:
        prefetch(keys)


def _fold_story(c: Clusterer, gone: StoryState, keep: StoryState) -> None:
    for eid in gone.events:
        c.events[eid].story = keep.id
        keep.events[eid] = None
    keep.centroid.merge(gone.centroid)
    keep.size += gone.size
    del c.stories[gone.id]
    c.merged_into[gone.id] = keep.id
    c.stories_index.touch(keep.id, c.top(unit(keep.centroid.vec)))


def _two_means(vecs: Sequence[Mapping[str, float]], rounds: int = 6) -> tuple[float, list[bool]] | None:
    """Split unit vectors in two (spherical 2-means, deterministic seeds); cosine of the halves and the side of each."""
    whole = Centroid(1 << 30)
    for v in vecs:
        whole.add(v)
    far = min(range(len(vecs)), key=lambda i: (whole.cos(vecs[i]), i))  # least typical member seeds one half
    other = min(range(len(vecs)), key=lambda i: (dot(vecs[i], vecs[far]), i))  # least like it seeds the other
    if far == other:
        return None
    ca, cb = dict(vecs[far]), dict(vecs[other])
    side: list[bool] = []
    for _ in range(rounds):
        new_side = [dot(v, cb) > dot(v, ca) for v in vecs]
        if new_side == side or all(new_side) or not any(new_side):
            side = new_side if any(new_side) and not all(new_side) else side
            break
        side = new_side
        ca, cb = (
            unit(vector_sum(v for v, s in zip(vecs, side) if not s)),
            unit(vector_sum(v for v, s in zip(vecs, side) if s)),
        )
    if not side or all(side) or not any(side):
        return None
    a, b = vector_sum(v for v, s in zip(vecs, side) if not s), vector_sum(v for v, s in zip(vecs, side) if s)
    return cosine(a, b), side


def _pair_mean(st: StoryState) -> float:
    """Mean similarity of two different articles of a story, from its sum of unit vectors: (|S|^2 - n) / n(n-1)."""
    n = st.size
    if n < 2:
        return 0.0
    return max(0.0, (st.centroid.sq - n) / (n * (n - 1)))


def _cos_without(whole: Centroid, part: Centroid) -> float:
    """Cosine of ``part`` with ``whole`` minus ``part`` (the rest of the story)."""
    overlap = dot(part.vec, whole.vec)
    rest_sq = whole.sq - 2.0 * overlap + part.sq
    if rest_sq <= 1e-9 or part.sq <= 0.0:
        return 0.0
    return (overlap - part.sq) / math.sqrt(rest_sq * part.sq)


def _older(a: EventState, b: EventState, c: Clusterer) -> bool:
    """Whether event ``a`` was founded before ``b`` (it keeps its id in a merge)."""
    first_a = min((c.arrival.get(m, 0) for m in a.members), default=0)
    first_b = min((c.arrival.get(m, 0) for m in b.members), default=0)
    return (first_a, a.id) <= (first_b, b.id)


def _story_older(a: StoryState, b: StoryState, c: Clusterer) -> bool:
    """Whether story ``a`` was founded before ``b`` (by its founding events)."""
    ea, eb = c.events[next(iter(a.events))], c.events[next(iter(b.events))]
    return _older(ea, eb, c)
