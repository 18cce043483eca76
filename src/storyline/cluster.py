"""Online two-level clustering: articles join events (one happening), events join stories (what a reader follows).

How one article is placed (``Clusterer.add``), in stream order:

1. Its terms (content words; capitalised words mid-sentence also as ``@name`` terms; years as ``#year``)
   become a sublinear TF-IDF vector with document frequencies of the stream so far, cut to its heaviest terms.
   Two weightings of the same terms are kept: the *event space* stresses names (who and where tell one
   happening from a similar one), the *story space* stresses names less (a story is a theme that outlives them).
2. Candidate events come from an inverted index of recent events per term (capped posting lists), never a scan.
   Similarity = cosine to the event centroid x a time decay on the gap between the article's event date
   (from its resolved date mentions, else its publication date) and the event's date; undated articles are
   judged on content alone. The best candidate above ``event_threshold`` wins; otherwise the article opens an
   event, which joins the most similar story above ``story_threshold`` (found the same way, no decay: stories
   run for years with gaps) or opens one.
3. ``recluster`` is the periodic correction pass: articles move to an event that fits them clearly better,
   near-identical events merge, events move to a story that fits them better, and stories merge when their
   articles are about as alike across as within (average linkage relative to the stories' own spread). Last, small
   recent stories get a second chance: one that clearly belongs to a larger story (judged against the stories
   as they are now, not as they were when its article arrived) joins it. Every change is returned as a
   ``Change`` (what, from, to, why) for the audit trail.

Ids are content hashes of the founding member, so they do not change when unrelated articles arrive; in a
merge the older cluster keeps its id. Thresholds were tuned on ECB+ topics 1-35 with bench/tune_cluster.py
(see BENCHMARKS.md, "Events and stories").
"""

from __future__ import annotations

import dataclasses
import functools
import heapq
import io
import json
import math
import pickle
import re
import sys
import zlib
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from typing import Any
from dataclasses import dataclass, field
from datetime import date, timedelta

from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS

from storyline.records import Article, Change, DateMention, Event, Story, content_id
from storyline.text import normalise, sentence_spans

Vector = dict[str, float]


@dataclass(frozen=True, slots=True, kw_only=True)
class ClusterOptions:
    """Settings of the online clusterer; the values marked *tuned* come from bench/tune_cluster.py on ECB+ 1-35."""

    event_threshold: float = 0.18  # tuned: event-space cosine x decay needed to join an event
    story_threshold: float = 0.20  # tuned: story-space cosine needed for a new event to join a story
    name_weight: float = 1.5  # tuned: event-space weight of @name terms (relative to their plain word)
    story_name_weight: float = 0.75  # tuned: story-space weight of @name terms
    decay_days: float = 1.5  # e-folding time of event similarity beyond the grace period (hand-set on the seeds)
    grace_days: int = 1  # gaps up to this many days cost nothing: reports the day after (hand-set)
    date_window_days: int = 10  # mentions this far before publication can date the event (hand-set)
    vector_terms: int = 100  # an article keeps its heaviest terms only: bounds memory and time at 1M articles
    story_vector_terms: int = 100  # tuned: the story space sees an article's heaviest terms only (its theme)
    story_ratio: float = 0.5  # tuned: a story asks this share of its members' mean cosine (0: fixed threshold)
    story_floor: float = 0.05  # tuned: but never less than this cosine
    centroid_terms: int = 300  # an event centroid keeps this many terms (pruned when twice as long)
    story_terms: int = 1500  # a story centroid keeps this many terms
    # the next five and window / settled_terms are hand-set for latency and memory (bench/bench_cluster_scale.py)
    candidate_terms: int = 15  # index look-up uses the article's heaviest terms
    posting_cap: int = 100  # an index entry lists at most this many recently active clusters
    rerank: int = 10  # candidates scored exactly after the index pre-score
    story_rerank: int = 10  # stories scored exactly after the index pre-score
    # re-clustering pass: at the end of every ingest, and every ``recluster_every`` new articles within a large one
    # (1,000: the cadence bench/bench_cluster.py measures T17 with; 0 turns the in-ingest passes off)
    recluster_every: int = 1000
    merge_threshold: float = 0.70  # tuned: event centroids this similar merge
    story_merge_threshold: float = 0.45  # tuned: two one-article stories this similar merge
    story_merge_ratio: float = 0.45  # tuned (see attach_size): stories merge at this cross / within similarity
    move_margin: float = 0.02  # tuned: an article or event moves only if it fits the other cluster this much better
    split_threshold: float = 0.50  # tuned: an event whose two halves (2-means) are less similar than this splits
    split_min: int = 6  # tuned: events smaller than this are not split (too few articles to tell two happenings apart)
    window: int = 5000  # articles whose vectors are kept for re-clustering (older ones are settled)
    settled_terms: int = 40  # an event with no article in the window keeps this many terms (memory at 1M)
    recluster_rounds: int = 2  # passes per re-clustering (each pass sees the previous pass's moves)
    # story consolidation (second chance for small stories), average linkage relative to the target's own spread
    # the next three and story_merge_ratio: grid in bench/tune_cluster.py --t17-loto (ECB+ 1-35 must stay at its
    # level; among those, the best on Timeline17; its held-out figure is leave-one-topic-out, see BENCHMARKS.md)
    attach_size: int = 10  # tuned: stories of at most this many articles get a second chance to join a larger one
    attach_ratio: float = 0.3  # tuned: mean cross-pair similarity must reach this share of the target's own mean
    attach_margin: float = 1.5  # tuned: and this many times the runner-up's share (clearly the best match)


_STOP = frozenset(ENGLISH_STOP_WORDS) | {
    "said", "says", "told", "according", "reported", "report", "reports", "year", "years", "week",
    "monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday", "mr", "ms", "mrs",
    "january", "february", "march", "april", "may", "june", "july", "august", "september", "october",
    "november", "december", "time", "day", "days", "new", "also", "would", "could", "including",
    # web furniture that survives cleaning (URLs in the text, "PUBLISHED: ..." lines)
    "http", "https", "www", "com", "html", "htm", "php", "aspx", "org", "net", "published", "updated",
    "gmt", "bst", "edt", "est", "pdt", "pst", "utc", "am", "pm", "jan", "feb", "mar", "apr", "jun", "jul",
    "aug", "sep", "sept", "oct", "nov", "dec", "mon", "tue", "wed", "thu", "fri", "sat", "sun",
}
_TOKEN = re.compile(r"[A-Za-z][A-Za-z'\-]+|(?<![\d.,])(?:19|20)\d\d(?![\d.,])")


def terms(article: Article, entities: Iterable[str] = ()) -> Counter[str]:
    """Term counts: lower-cased content words; capitalised mid-sentence words again as ``@name``; years as ``#year``.

    ``entities`` (merged entity names from the extract stage) are added as ``@name`` terms, so spellings that
    the entity merge unified (Kim Jong Un, Kim Jong-un) count as one name.
    """
    counts: Counter[str] = Counter()
    text = (article.title or "") + "\n" + article.text
    for start, end in sentence_spans(text):
        for i, m in enumerate(_TOKEN.finditer(text, start, end)):
            raw = m.group(0)
            if raw[0].isdigit():
                counts["#" + raw] += 1
                continue
            word = _term(raw)
            if word is None:
                continue
            counts[word] += 1
            if i > 0 and raw[0].isupper() and not raw.isupper():
                counts[sys.intern("@" + word)] += 1
    for name in entities:
        counts["@" + normalise(name)] += 1
    return counts


@functools.lru_cache(maxsize=1 << 18)  # a corpus's vocabulary: normalising each token again dominated terms()
def _term(raw: str) -> str | None:
    """A token's term, or None for short words and stop words."""
    word = normalise(raw).strip("'-")
    if word.endswith("'s"):
        word = word[:-2]
    if len(word) < 3 or word in _STOP:
        return None
    return sys.intern(word)  # one string per term, however many articles use it (memory at 1M)


class Idf:
    """Document frequencies over the stream so far (updated as articles arrive)."""

    def __init__(self) -> None:
        self.df: Counter[str] = Counter()
        self.n = 0

    def add(self, counts: Mapping[str, int]) -> None:
        self.n += 1
        self.df.update(counts.keys())

    def weight(self, term: str) -> float:
        return math.log((1 + self.n) / (1 + self.df[term])) + 1.0


def vectorise(counts: Mapping[str, int], idf: Idf, options: ClusterOptions) -> tuple[Vector, Vector]:
    """Event-space and story-space vectors: sublinear TF-IDF, cut to the heaviest terms, L2-normalised."""
    base = {t: (1.0 + math.log(c)) * idf.weight(t) for t, c in counts.items()}
    return _space(base, options.name_weight, options.vector_terms), _space(
        base, options.story_name_weight, options.story_vector_terms
    )


def _space(base: Mapping[str, float], name_weight: float, keep: int) -> Vector:
    vec = {t: (w * name_weight if t[0] == "@" else w) for t, w in base.items()}
    if len(vec) > keep:
        vec = dict(heapq.nlargest(keep, vec.items(), key=lambda kv: kv[1]))
    norm = math.sqrt(sum(v * v for v in vec.values())) or 1.0
    return {t: v / norm for t, v in vec.items() if v > 0}


def cosine(a: Mapping[str, float], b: Mapping[str, float]) -> float:
    """Cosine of two sparse vectors."""
    if len(a) > len(b):
        a, b = b, a
    dot = sum(v * b.get(t, 0.0) for t, v in a.items())
    na = math.sqrt(sum(v * v for v in a.values()))
    nb = math.sqrt(sum(v * v for v in b.values()))
    return dot / (na * nb) if na and nb else 0.0


def _dot(a: Mapping[str, float], b: Mapping[str, float]) -> float:
    if len(a) > len(b):
        a, b = b, a
    return sum(v * b.get(t, 0.0) for t, v in a.items())


# A date attached to a speech verb ("said Thursday", "reported on Sunday") dates the report, not the happening.
_SPEECH_BEFORE = re.compile(
    r"\b(?:said|says|say|reported|reports|announced|told|stated|added|confirmed|quoted|cited|claimed)\s+(?:on\s+)?$", re.I
)
_SPEECH_AFTER = re.compile(r"^\s*,?\s*(?:\w+\s+){0,3}(?:said|reported|announced|told)\b", re.I)


def article_event_date(
    article: Article, mentions: Sequence[DateMention], options: ClusterOptions = ClusterOptions()
) -> str | None:
    """When the article's main happening took place: the best-supported recent day, else its publication date.

    The dateline's date is skipped. Day mentions in the first three sentences count double (the lead says what happened); a date
    attached to a speech verb counts a quarter (it dates the report); ties go to the earlier day.
    """
    pub = _day(article.published)
    if pub is None:
        return None  # without its own date an article cannot tell which of its dates is the news
    lead_end = 0
    spans = sentence_spans(article.text)
    if spans:
        lead_end = spans[min(2, len(spans) - 1)][1]
    # the dateline ("TOKYO, September 14. /TASS/.") dates the copy, not the happening
    dateline_end = 0
    if article.dateline is not None:
        at = article.text.find(article.dateline.text, 0, 400)
        dateline_end = at + len(article.dateline.text) if at >= 0 else 0
    votes: dict[str, float] = {}
    for m in mentions:
        if m.granularity != "day" or not m.value or m.start < dateline_end:
            continue
        d = _day(m.value)
        if d is None:
            continue
        if not (pub - timedelta(days=options.date_window_days) <= d <= pub + timedelta(days=1)):
            continue
        weight = 2.0 if m.start < lead_end else 1.0
        before = article.text[max(0, m.start - 30) : m.start]
        after = article.text[m.end : m.end + 40]
        if _SPEECH_BEFORE.search(before) or _SPEECH_AFTER.match(after):
            weight *= 0.25
        votes[m.value] = votes.get(m.value, 0.0) + weight
    if votes:
        return max(votes.items(), key=lambda kv: (kv[1], -_ordinal(kv[0])))[0]
    return article.published


def _day(value: str | None) -> date | None:
    if not value or len(value) < 10:
        return None
    try:
        return date.fromisoformat(value[:10])
    except ValueError:
        return None


def _ordinal(value: str) -> int:
    d = _day(value)
    return d.toordinal() if d else 0


class _Centroid:
    """A sum of unit vectors with its squared norm kept up to date; pruned to its heaviest terms."""

    __slots__ = ("vec", "sq", "limit")

    def __init__(self, limit: int) -> None:
        self.vec: Vector = {}
        self.sq = 0.0
        self.limit = limit

    def add(self, v: Mapping[str, float], sign: float = 1.0) -> None:
        c = self.vec
        if sign > 0:
            self.sq += 2.0 * sum(w * c.get(t, 0.0) for t, w in v.items()) + sum(w * w for w in v.values())
            for t, w in v.items():
                c[t] = c.get(t, 0.0) + w
            if len(c) > 2 * self.limit:
                self.vec = dict(heapq.nlargest(self.limit, c.items(), key=lambda kv: kv[1]))
                self.sq = sum(w * w for w in self.vec.values())
        else:
            for t, w in v.items():
                left = c.get(t, 0.0) - w
                if left > 1e-9:
                    c[t] = left
                else:
                    c.pop(t, None)
            self.sq = sum(w * w for w in c.values())

    def merge(self, other: _Centroid) -> None:
        self.add(other.vec)

    def cos(self, v: Mapping[str, float]) -> float:
        """Cosine with a unit vector."""
        if self.sq <= 0.0:
            return 0.0
        c = self.vec
        return sum(w * c.get(t, 0.0) for t, w in v.items()) / math.sqrt(self.sq)

    def cos_without(self, v: Mapping[str, float]) -> float:
        """Cosine of a member unit vector with the centroid of the other members (leave-one-out)."""
        c = self.vec
        dot = sum(w * c.get(t, 0.0) for t, w in v.items())
        rest_sq = self.sq - 2.0 * dot + 1.0
        if rest_sq <= 1e-9:
            return 0.0
        return (dot - 1.0) / math.sqrt(rest_sq)


@dataclass(slots=True)
class _Event:
    id: str
    story: str
    centroid: _Centroid
    scentroid: _Centroid  # story-space sum of the members
    members: list[str] = field(default_factory=list)
    dates: Counter[str] = field(default_factory=Counter)
    recent: int = 0  # members still in the re-clustering window

    @property
    def date(self) -> str | None:
        if not self.dates:
            return None
        return max(self.dates.items(), key=lambda kv: (kv[1], -_ordinal(kv[0])))[0]


@dataclass(slots=True)
class _Story:
    id: str
    centroid: _Centroid
    events: dict[str, None] = field(default_factory=dict)  # ordered set: founding event first
    size: int = 0  # articles

    @property
    def cohesion(self) -> float:
        """Mean cosine of the members with the centroid (|sum of unit vectors| / n): how broad the story is."""
        return math.sqrt(self.centroid.sq) / self.size if self.size else 1.0


@dataclass(slots=True)
class _Seen:
    """What re-clustering needs to know about a recent article."""

    vec: Vector
    svec: Vector
    date: str | None
    counts_for_date: bool


class _Index:
    """Term -> recently active cluster ids, each list capped (oldest dropped): candidates without a scan."""

    def __init__(self, cap: int) -> None:
        self.cap = cap
        self.postings: dict[str, dict[str, None]] = {}

    def touch(self, cid: str, terms_: Iterable[str]) -> None:
        for t in terms_:
            p = self.postings.get(t)
            if p is None:
                self.postings[t] = {cid: None}
                continue
            p.pop(cid, None)
            p[cid] = None
            if len(p) > self.cap:
                del p[next(iter(p))]

    def candidates(self, vec: Mapping[str, float], top: Sequence[str]) -> dict[str, float]:
        """Candidate ids with a partial dot product over the ``top`` terms (for pre-ranking)."""
        found: dict[str, float] = {}
        for t in top:
            p = self.postings.get(t)
            if p:
                w = vec[t]
                for cid in p:
                    found[cid] = found.get(cid, 0.0) + w
        return found


# Format of ``Clusterer.save_state``: bump it whenever the attributes of Clusterer, _Event, _Story, _Centroid, _Seen or
# _Index change, so a state saved by older code is not resumed (the pipeline replays the stored assignments instead).
STATE_VERSION = 1


class StateError(Exception):
    """A saved clusterer state that cannot be resumed (damaged, another format, other options)."""


def options_key(options: ClusterOptions) -> str:
    """The options as canonical text: a saved state is resumed only under the options it was built with."""
    return json.dumps(dataclasses.asdict(options), sort_keys=True)


class _StateUnpickler(pickle.Unpickler):
    """Unpickles a saved clusterer and nothing else: classes of this module and plain containers only."""

    _CONTAINERS = {("collections", "Counter"), ("collections", "defaultdict"), ("collections", "deque")}

    def find_class(self, module: str, name: str) -> Any:
        if (module == __name__ and isinstance(globals().get(name), type)) or (module, name) in self._CONTAINERS:
            return super().find_class(module, name)
        raise pickle.UnpicklingError(f"saved clusterer state refers to {module}.{name}, which a state never holds")


class Clusterer:
    """Online event and story clustering over a stream of articles."""

    def __init__(self, options: ClusterOptions = ClusterOptions()) -> None:
        self.options = options
        self.idf = Idf()
        self.events: dict[str, _Event] = {}
        self.stories: dict[str, _Story] = {}
        self.event_of: dict[str, str] = {}
        self.merged_into: dict[str, str] = {}  # retired event or story id -> the id that absorbed it
        self._seen: dict[str, _Seen] = {}  # the last ``options.window`` articles, oldest first
        self._dirty: dict[str, None] = {}  # events that gained or lost articles since the last re-clustering
        self._arrival: dict[str, int] = {}  # article id -> arrival number: the older cluster keeps its id
        self._events_ix = _Index(options.posting_cap)
        self._stories_ix = _Index(options.posting_cap)

    # -- saved state -----------------------------------------------------------------------------------------
    def save_state(self) -> bytes:
        """Everything the clusterer knows, as bytes: ``load_state`` of them continues exactly where this one is.

        A pickle, compressed (floats barely shrink, ids and terms do); ``load_state`` reads it back with an
        unpickler that only rebuilds this module's own classes and plain containers, so a tampered database
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
    ) -> str:
        """Assign one article to an event (opening one if needed); returns the event id.

        ``known`` = (event id, story id) replays a stored assignment, so earlier results never move here.
        """
        self.idf.add(counts)
        vec, svec = vectorise(counts, self.idf, self.options)
        if known is not None:
            event = self._restore(*known)
        elif duplicate_of is not None and duplicate_of in self.event_of:
            event = self.events[self.event_of[duplicate_of]]
        else:
            event = self._best_event(vec, event_date) or self._open_event(article.id, svec)
        seen = _Seen(vec, svec, event_date, duplicate_of is None)
        self._join(event, article.id, seen)
        self._seen[article.id] = seen
        self._arrival.setdefault(article.id, len(self._arrival))
        if len(self._seen) > self.options.window:
            self._settle(next(iter(self._seen)))
        return event.id

    def _top(self, vec: Mapping[str, float]) -> list[str]:
        return heapq.nlargest(self.options.candidate_terms, vec, key=vec.__getitem__)

    def _decay(self, a: str | None, b: str | None) -> float:
        da, db = _day(a), _day(b)
        if da is None or db is None:
            return 1.0  # an undated article is judged on its content alone
        gap = max(0, abs((da - db).days) - self.options.grace_days)
        return math.exp(-gap / self.options.decay_days)

    def _event_candidates(self, vec: Mapping[str, float], exclude: str = "") -> list[_Event]:
        found = self._events_ix.candidates(vec, self._top(vec))
        found.pop(exclude, None)
        best = heapq.nlargest(self.options.rerank, found.items(), key=lambda kv: (kv[1], kv[0]))
        return [self.events[eid] for eid, _ in best if eid in self.events]

    def _best_event(
        self, vec: Mapping[str, float], event_date: str | None, exclude: str = ""
    ) -> _Event | None:
        best, best_sim = None, self.options.event_threshold
        for ev in self._event_candidates(vec, exclude):
            sim = ev.centroid.cos(vec) * self._decay(event_date, ev.date)
            if sim > best_sim or (sim == best_sim and best is not None and ev.id < best.id):
                best, best_sim = ev, sim
        return best

    def _story_candidates(self, svec: Mapping[str, float], exclude: str = "") -> list[_Story]:
        top = self._top(svec)
        found = self._stories_ix.candidates(svec, top)
        found.pop(exclude, None)
        # pre-score: the cosine over the query's heaviest terms, so a large story that shares the few words that
        # matter outranks many small ones that share more common words (the index alone counts shared terms)
        pre = {}
        for sid in found:
            st = self.stories.get(sid)
            if st is not None and st.centroid.sq > 0.0:
                c = st.centroid.vec
                pre[sid] = sum(svec[t] * c.get(t, 0.0) for t in top) / math.sqrt(st.centroid.sq)
        best = heapq.nlargest(self.options.story_rerank, pre.items(), key=lambda kv: (kv[1], kv[0]))
        return [self.stories[sid] for sid, _ in best]

    def _best_story(self, svec: Mapping[str, float], threshold: float, exclude: str = "") -> tuple[_Story | None, float]:
        best, best_sim, best_z = None, 0.0, 1.0
        for st in self._story_candidates(svec, exclude):
            sim = st.centroid.cos(svec)
            z = sim / self._story_bar(st, threshold)
            if z >= best_z:
                best, best_sim, best_z = st, sim, z
        return best, best_sim

    def _story_bar(self, st: _Story, threshold: float, cohesion: float | None = None) -> float:
        """The similarity a story asks of a newcomer: lower for broad stories (their members agree less)."""
        o = self.options
        if o.story_ratio <= 0:
            return threshold
        coh = st.cohesion if cohesion is None else cohesion
        return max(o.story_floor, min(threshold, o.story_ratio * coh))

    def _new_event(self, eid: str, story_id: str) -> _Event:
        o = self.options
        event = _Event(eid, story_id, _Centroid(o.centroid_terms), _Centroid(o.centroid_terms))
        self.events[eid] = event
        return event

    def _new_story(self, sid: str) -> _Story:
        story = _Story(sid, _Centroid(self.options.story_terms))
        self.stories[sid] = story
        return story

    def _open_event(self, article_id: str, svec: Mapping[str, float]) -> _Event:
        eid = self._fresh_id("e", article_id)
        story, _ = self._best_story(svec, self.options.story_threshold)
        if story is None:
            story = self._new_story(self._fresh_id("s", eid))
        event = self._new_event(eid, story.id)
        story.events[eid] = None
        return event

    def _fresh_id(self, prefix: str, founder: str) -> str:
        taken = self.events if prefix == "e" else self.stories
        cid, n = content_id(prefix, founder), 0
        while cid in taken or cid in self.merged_into:  # a founder may found twice after a split
            n += 1
            cid = content_id(prefix, founder, str(n))
        return cid

    def _restore(self, event_id: str, story_id: str) -> _Event:
        if event_id not in self.events:
            story = self.stories.get(story_id) or self._new_story(story_id)
            self._new_event(event_id, story_id)
            story.events[event_id] = None
        return self.events[event_id]

    def _join(self, event: _Event, article_id: str, seen: _Seen) -> None:
        self._dirty[event.id] = None
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
        self._events_ix.touch(event.id, self._top(seen.vec))
        self._stories_ix.touch(story.id, self._top(seen.svec))

    def _settle(self, article_id: str) -> None:
        """The article leaves the window; an event with no recent article keeps a short centroid only."""
        del self._seen[article_id]
        event = self.events.get(self.event_of.get(article_id, ""))
        if event is None:
            return
        event.recent -= 1
        if event.recent <= 0:
            c = event.centroid
            if len(c.vec) > self.options.settled_terms:
                c.vec = dict(heapq.nlargest(self.options.settled_terms, c.vec.items(), key=lambda kv: kv[1]))
                c.sq = sum(w * w for w in c.vec.values())
            event.scentroid = _Centroid(self.options.settled_terms)  # only re-clustering (in the window) uses it

    def _leave(self, event: _Event, article_id: str, seen: _Seen) -> None:
        self._dirty[event.id] = None
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

    # -- the correction pass ----------------------------------------------------------------------------------
    def recluster(self) -> list[Change]:
        """Correct early mistakes among recent articles; returns every change made (for the audit trail)."""
        changes: list[Change] = []
        for _ in range(self.options.recluster_rounds):
            before = len(changes)
            dirty, self._dirty = self._dirty, {}  # only events that changed since the last pass are looked at
            touched = self._move_articles(dirty, changes)
            self._split_events(touched, changes)
            self._merge_events(touched, changes)
            self._relink_events(touched, changes)
            self._merge_stories({self.events[e].story: None for e in touched if e in self.events}, changes)
            if len(changes) == before:
                break
        self._attach_small_stories(changes)
        return changes

    def _move_articles(self, dirty: Mapping[str, None], changes: list[Change]) -> dict[str, None]:
        o = self.options
        touched: dict[str, None] = {}
        for eid in dirty:
            if eid in self.events:
                touched[eid] = None
        recheck = [a for eid in touched for a in self.events[eid].members if a in self._seen]
        for aid in sorted(recheck, key=lambda a: self._arrival.get(a, 0)):
            seen = self._seen[aid]
            eid = self.event_of[aid]
            own = self.events[eid]
            if len(own.members) < 2:
                fit = 0.0
            else:
                fit = own.centroid.cos_without(seen.vec) * self._decay(seen.date, own.date)
            if not seen.counts_for_date:
                continue  # a duplicate stays with its original
            other = self._best_event(seen.vec, seen.date, exclude=eid)
            if other is not None:
                sim = other.centroid.cos(seen.vec) * self._decay(seen.date, other.date)
                if sim > fit + o.move_margin:
                    kind = "merge" if len(own.members) == 1 else "move"
                    self._move(aid, seen, own, other)
                    touched[other.id] = None
                    changes.append(
                        Change(kind, aid, own.id, other.id, own.story, other.story,
                               f"fits {other.id} at {sim:.3f} vs {fit:.3f} in {own.id}")
                    )
                    if kind == "merge":
                        self._retire_event(own, other)
                    continue
            if len(own.members) >= 2 and fit < o.event_threshold * 0.5:
                # far from every event, including its own: it opens its own event in the same story
                new = self._new_event(self._fresh_id("e", aid), own.story)
                self.stories[own.story].events[new.id] = None
                self._move(aid, seen, own, new)
                touched[new.id] = None
                changes.append(
                    Change("split", aid, own.id, new.id, own.story, own.story,
                           f"fit {fit:.3f} below {o.event_threshold * 0.5:.3f} in {own.id} and no other event fits")
                )
        return touched

    def _move(self, aid: str, seen: _Seen, src: _Event, dst: _Event) -> None:
        self._leave(src, aid, seen)
        self._join(dst, aid, seen)

    def _retire_event(self, gone: _Event, into: _Event) -> None:
        """Fold ``gone`` into ``into``; the older id was chosen by the caller."""
        settled = [a for a in gone.members if a not in self._seen]
        for aid in [a for a in gone.members if a in self._seen]:
            self._move(aid, self._seen[aid], gone, into)
        if settled:  # articles past the window: their vectors are gone, their mass is what is left
            into.members.extend(settled)
            for aid in settled:
                self.event_of[aid] = into.id
            into.centroid.merge(gone.centroid)
            into.scentroid.merge(gone.scentroid)
            into.dates.update(gone.dates)
            if into.story != gone.story:
                self.stories[gone.story].centroid.add(gone.scentroid.vec, -1.0)
                self.stories[into.story].centroid.merge(gone.scentroid)
                self.stories[gone.story].size -= len(settled)
                self.stories[into.story].size += len(settled)
        story = self.stories[gone.story]
        story.events.pop(gone.id, None)
        del self.events[gone.id]
        self.merged_into[gone.id] = into.id
        if not story.events:
            del self.stories[story.id]
            self.merged_into[story.id] = into.story

    def _split_events(self, touched: dict[str, None], changes: list[Change]) -> None:
        o = self.options
        limit = min(o.split_threshold, o.merge_threshold)  # below the merge threshold, or the halves would re-merge
        for eid in list(touched):
            ev = self.events.get(eid)
            if ev is None or len(ev.members) < o.split_min or any(a not in self._seen for a in ev.members):
                continue
            halves = _two_means([self._seen[a].vec for a in ev.members])
            if halves is None:
                continue
            sim, side = halves
            small = [a for a, s_ in zip(ev.members, side) if s_]
            if sim >= limit or len(small) < 2 or len(ev.members) - len(small) < 2:
                continue
            founder = min(ev.members, key=lambda a: self._arrival.get(a, 0))
            if founder in small:  # the half with the founding article keeps the id
                small = [a for a in ev.members if a not in small]
            first = min(small, key=lambda a: self._arrival.get(a, 0))
            new = self._new_event(self._fresh_id("e", first), ev.story)
            self.stories[ev.story].events[new.id] = None
            for aid in small:
                self._move(aid, self._seen[aid], ev, new)
            touched[new.id] = None
            changes.append(
                Change("split", new.id, ev.id, new.id, ev.story, ev.story,
                       f"{len(small)} of {len(small) + len(ev.members)} articles form a separate happening: "
                       f"halves at cosine {sim:.3f} < {limit}")
            )

    def _merge_events(self, touched: Mapping[str, None], changes: list[Change]) -> None:
        o = self.options
        for eid in list(touched):
            ev = self.events.get(eid)
            if ev is None or not ev.centroid.sq:
                continue
            unit = _unit(ev.centroid.vec)
            for other in self._event_candidates(unit, exclude=eid):
                if other.id not in self.events or not other.centroid.sq:
                    continue
                sim = other.centroid.cos(unit) * self._decay(ev.date, other.date)
                if sim < o.merge_threshold:
                    continue
                keep, gone = (other, ev) if _older(other, ev, self) else (ev, other)
                changes.append(
                    Change("merge", gone.id, gone.id, keep.id, gone.story, keep.story,
                           f"event centroids at cosine {sim:.3f} >= {o.merge_threshold}")
                )
                self._retire_event(gone, keep)
                if gone is ev:
                    break

    def _relink_events(self, touched: Mapping[str, None], changes: list[Change]) -> None:
        o = self.options
        for eid in list(touched):
            ev = self.events.get(eid)
            if ev is None or not ev.scentroid.sq:
                continue
            unit = _unit(ev.scentroid.vec)
            own = self.stories[ev.story]
            fit = _cos_without(own.centroid, ev.scentroid) if len(own.events) > 1 else 0.0
            other, sim = self._best_story(unit, o.story_threshold, exclude=own.id)
            if other is None or sim <= fit + o.move_margin:
                continue
            changes.append(
                Change("relink", ev.id, own.id, other.id, own.id, other.id,
                       f"event fits story {other.id} at {sim:.3f} vs {fit:.3f} in {own.id}")
            )
            own.centroid.add(ev.scentroid.vec, -1.0)
            own.size -= len(ev.members)
            other.size += len(ev.members)
            own.events.pop(ev.id, None)
            other.centroid.add(ev.scentroid.vec)
            other.events[ev.id] = None
            ev.story = other.id
            self._stories_ix.touch(other.id, self._top(unit))
            if not own.events:
                del self.stories[own.id]
                self.merged_into[own.id] = other.id

    def _merge_stories(self, dirty: Mapping[str, None], changes: list[Change]) -> None:
        """Two stories merge when their articles are about as similar across as within (average linkage).

        A centroid cosine cannot tell a broad story's two halves (low cosine: its members agree little) from two
        stories; the mean cross-pair similarity as a share of the tighter-spread story's own mean can: halves of
        one story share ~1, different stories with common vocabulary ~0.1-0.25. Two one-article stories have no
        spread: their cosine must reach ``story_merge_threshold``.
        """
        for sid in list(dirty):
            st = self.stories.get(sid)
            if st is None or not st.centroid.sq:
                continue
            unit = _unit(st.centroid.vec)
            for other in self._story_candidates(unit, exclude=sid):
                if other.id not in self.stories or not other.centroid.sq:
                    continue
                share, bar, what = self._story_affinity(st, other)
                if share < bar:
                    continue
                keep, gone = (other, st) if _story_older(other, st, self) else (st, other)
                changes.append(
                    Change("story-merge", gone.id, gone.id, keep.id, gone.id, keep.id, f"{what} {share:.3f} >= {bar}")
                )
                self._fold_story(gone, keep)
                if gone is st:
                    break

    def _story_affinity(self, a: _Story, b: _Story) -> tuple[float, float, str]:
        """How alike two stories are, the bar for a merge, and what was measured (for the audit trail)."""
        o = self.options
        cross, spread_a, spread_b = self._linkage(a, b)
        spreads = [x for x in (spread_a, spread_b) if x > 0.0]
        if not spreads:
            return a.centroid.cos(_unit(b.centroid.vec)), o.story_merge_threshold, "story centroids at cosine"
        return cross / min(spreads), o.story_merge_ratio, "mean cross similarity as a share of within"

    def _linkage(self, a: _Story, b: _Story) -> tuple[float, float, float]:
        """Mean similarity of an article of ``a`` with one of ``b``; within ``a``; within ``b`` (0: one article)."""
        cross = _dot(a.centroid.vec, b.centroid.vec) / (a.size * b.size)
        return cross, _pair_mean(a), _pair_mean(b)

    def _attach_small_stories(self, changes: list[Change]) -> None:
        """Second chance: a small recent story joins the larger story it clearly belongs to.

        An article that opened its own story because no story was close enough when it arrived (a broad story's
        members agree little with any one newcomer) is looked at again at every pass while it is in the window,
        against stories that have grown since. The test is average linkage relative to the target: the mean
        similarity of the small story's articles with the target's articles, as a share of the mean similarity
        among the target's own articles, must reach ``attach_ratio`` and beat the runner-up ``attach_margin``
        times. The target keeps its id: it is what readers already follow.
        """
        o = self.options
        small: dict[str, None] = {}
        for aid in self._seen:  # oldest first: deterministic, and an early stray goes before later ones
            sid = self.events[self.event_of[aid]].story
            if sid not in small and self.stories[sid].size <= o.attach_size:
                small[sid] = None
        for sid in small:
            st = self.stories.get(sid)
            if st is None or st.size > o.attach_size or not st.centroid.sq:
                continue
            unit = _unit(st.centroid.vec)
            shares: list[tuple[float, str]] = []
            for other in self._story_candidates(unit, exclude=sid):
                if other.size <= st.size:
                    continue
                cross, _, spread = self._linkage(st, other)
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
            keep = self.stories[target]
            changes.append(
                Change("story-merge", sid, sid, keep.id, sid, keep.id,
                       f"small story joins: mean cross similarity {share:.2f} of the story's own "
                       f"(>= {o.attach_ratio}), runner-up {runner:.2f}")
            )
            self._fold_story(st, keep)

    def _fold_story(self, gone: _Story, keep: _Story) -> None:
        for eid in gone.events:
            self.events[eid].story = keep.id
            keep.events[eid] = None
        keep.centroid.merge(gone.centroid)
        keep.size += gone.size
        del self.stories[gone.id]
        self.merged_into[gone.id] = keep.id
        self._stories_ix.touch(keep.id, self._top(_unit(keep.centroid.vec)))

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


def _two_means(vecs: Sequence[Mapping[str, float]], rounds: int = 6) -> tuple[float, list[bool]] | None:
    """Split unit vectors in two (spherical 2-means, deterministic seeds); cosine of the halves and the side of each."""
    whole = _Centroid(1 << 30)
    for v in vecs:
        whole.add(v)
    far = min(range(len(vecs)), key=lambda i: (whole.cos(vecs[i]), i))  # least typical member seeds one half
    other = min(range(len(vecs)), key=lambda i: (_dot(vecs[i], vecs[far]), i))  # least like it seeds the other
    if far == other:
        return None
    ca, cb = dict(vecs[far]), dict(vecs[other])
    side: list[bool] = []
    for _ in range(rounds):
        new_side = [_dot(v, cb) > _dot(v, ca) for v in vecs]
        if new_side == side or all(new_side) or not any(new_side):
            side = new_side if any(new_side) and not all(new_side) else side
            break
        side = new_side
        ca, cb = _unit(_sum(v for v, s in zip(vecs, side) if not s)), _unit(_sum(v for v, s in zip(vecs, side) if s))
    if not side or all(side) or not any(side):
        return None
    a, b = _sum(v for v, s in zip(vecs, side) if not s), _sum(v for v, s in zip(vecs, side) if s)
    return cosine(a, b), side


def _sum(vecs: Iterable[Mapping[str, float]]) -> Vector:
    out: Vector = {}
    for v in vecs:
        for t, w in v.items():
            out[t] = out.get(t, 0.0) + w
    return out


def _unit(vec: Mapping[str, float]) -> Vector:
    norm = math.sqrt(sum(v * v for v in vec.values())) or 1.0
    return {t: v / norm for t, v in vec.items()}


def _pair_mean(st: _Story) -> float:
    """Mean similarity of two different articles of a story, from its sum of unit vectors: (|S|^2 - n) / n(n-1)."""
    n = st.size
    if n < 2:
        return 0.0
    return max(0.0, (st.centroid.sq - n) / (n * (n - 1)))


def _cos_without(whole: _Centroid, part: _Centroid) -> float:
    """Cosine of ``part`` with ``whole`` minus ``part`` (the rest of the story)."""
    dot = _dot(part.vec, whole.vec)
    rest_sq = whole.sq - 2.0 * dot + part.sq
    if rest_sq <= 1e-9 or part.sq <= 0.0:
        return 0.0
    return (dot - part.sq) / math.sqrt(rest_sq * part.sq)


def _older(a: _Event, b: _Event, c: Clusterer) -> bool:
    """Whether event ``a`` was founded before ``b`` (it keeps its id in a merge)."""
    first_a = min((c._arrival.get(m, 0) for m in a.members), default=0)
    first_b = min((c._arrival.get(m, 0) for m in b.members), default=0)
    return (first_a, a.id) <= (first_b, b.id)


def _story_older(a: _Story, b: _Story, c: Clusterer) -> bool:
    ea, eb = c.events[next(iter(a.events))], c.events[next(iter(b.events))]
    return _older(ea, eb, c)


def stream_order(articles: Iterable[Article]) -> list[Article]:
    """Publication-date order (undated last), ties in ingest order: how a live feed would deliver them."""
    arts = list(articles)
    pos = {a.id: i for i, a in enumerate(arts)}
    return sorted(arts, key=lambda a: (a.published is None, a.published or "", pos[a.id]))
