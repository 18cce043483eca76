"""Online two-level clustering: articles join events (one happening), events join stories.

Each article, in stream order, is compared with candidate events found through an inverted index of
their terms (not a scan of every event). Its similarity to an event is the cosine of TF-IDF vectors
scaled by a time decay on the gap between the article's event date (from its resolved date mentions)
and the event's date. An article that joins no event opens one, and that event joins the most similar
story (no decay: stories run for years) or opens a new one. Duplicates join their original's event.

Ids are content hashes of the founding member, so they never change when unrelated articles arrive.
"""

from __future__ import annotations

import math
import re
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta

from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS

from storyline.records import Article, DateMention, Event, Story, content_id
from storyline.text import normalise, sentence_spans

Vector = dict[str, float]


@dataclass(frozen=True, slots=True, kw_only=True)
class ClusterOptions:
    """Thresholds of the online clusterer.

    The defaults were set by hand on ../shared/seeds and the bundled sample corpus (the walking
    skeleton); issue 5 tunes them on ECB+ topics 1-35 with a script in bench/.
    """

    event_threshold: float = 0.22  # cosine x decay needed to join an event
    story_threshold: float = 0.12  # cosine needed for a new event to join a story
    decay_days: float = 1.5  # e-folding time of the event similarity beyond a one-day grace
    grace_days: int = 1  # gaps up to this many days cost nothing (reports the day after)
    proper_noun_weight: float = 2.0  # capitalised words mid-sentence (names) weigh more
    candidate_terms: int = 12  # index look-up uses the article's heaviest terms
    date_window_days: int = 10  # mentions this far before publication can date the event


_STOP = frozenset(ENGLISH_STOP_WORDS) | {
    "said", "says", "told", "according", "reported", "report", "reports", "year", "years", "week",
    "monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday", "mr", "ms",
    "january", "february", "march", "april", "may", "june", "july", "august", "september", "october",
    "november", "december", "time", "day", "days", "new", "also", "would", "could", "including",
}
_TOKEN = re.compile(r"[A-Za-z][A-Za-z'\-]+")


def terms(article: Article) -> Counter[str]:
    """Term counts: lower-cased content words; capitalised mid-sentence words counted extra as names."""
    counts: Counter[str] = Counter()
    text = (article.title or "") + "\n" + article.text
    for start, end in sentence_spans(text):
        for i, m in enumerate(_TOKEN.finditer(text, start, end)):
            word = normalise(m.group(0)).strip("'-")
            if word.endswith("'s"):
                word = word[:-2]
            if len(word) < 3 or word in _STOP:
                continue
            counts[word] += 1
            if i > 0 and m.group(0)[0].isupper():
                counts["@" + word] += 1
    return counts


class Idf:
    """Document frequencies over the corpus seen so far (updated as articles arrive)."""

    def __init__(self) -> None:
        self.df: Counter[str] = Counter()
        self.n = 0

    def add(self, counts: Mapping[str, int]) -> None:
        self.n += 1
        self.df.update(counts.keys())

    def weight(self, term: str) -> float:
        return math.log((1 + self.n) / (1 + self.df[term])) + 1.0


def vectorise(counts: Mapping[str, int], idf: Idf, options: ClusterOptions) -> Vector:
    """Sublinear TF-IDF, L2-normalised."""
    vec = {}
    for t, c in counts.items():
        w = (1.0 + math.log(c)) * idf.weight(t)
        if t.startswith("@"):
            w *= options.proper_noun_weight - 1.0
        vec[t] = w
    norm = math.sqrt(sum(v * v for v in vec.values())) or 1.0
    return {t: v / norm for t, v in vec.items()}


def cosine(a: Mapping[str, float], b: Mapping[str, float]) -> float:
    if len(a) > len(b):
        a, b = b, a
    return sum(v * b.get(t, 0.0) for t, v in a.items())


def _norm(vec: Mapping[str, float]) -> float:
    return math.sqrt(sum(v * v for v in vec.values())) or 1.0


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


@dataclass
class _Cluster:
    id: str
    members: list[str] = field(default_factory=list)
    centroid: dict[str, float] = field(default_factory=dict)
    dates: Counter[str] = field(default_factory=Counter)
    story: str = ""

    def add(self, vec: Mapping[str, float]) -> None:
        for t, v in vec.items():
            self.centroid[t] = self.centroid.get(t, 0.0) + v

    @property
    def date(self) -> str | None:
        if not self.dates:
            return None
        return max(self.dates.items(), key=lambda kv: (kv[1], -_ordinal(kv[0])))[0]


def _ordinal(value: str) -> int:
    d = _day(value)
    return d.toordinal() if d else 0


class Clusterer:
    """Online event and story clustering over a stream of articles."""

    def __init__(self, options: ClusterOptions = ClusterOptions()) -> None:
        self.options = options
        self.idf = Idf()
        self.events: dict[str, _Cluster] = {}
        self.stories: dict[str, _Cluster] = {}
        self.event_of: dict[str, str] = {}
        self._index: dict[str, set[str]] = defaultdict(set)

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

        ``known`` = (event id, story id) replays a stored assignment, so earlier results never move.
        """
        self.idf.add(counts)
        vec = vectorise(counts, self.idf, self.options)
        if known is not None:
            event = self._restore(*known)
        elif duplicate_of is not None and duplicate_of in self.event_of:
            event = self.events[self.event_of[duplicate_of]]
        else:
            event = self._best_event(vec, event_date) or self._open_event(article.id, vec)
        self._join(event, article.id, vec, event_date, counts_for_date=duplicate_of is None)
        return event.id

    def _best_event(self, vec: Mapping[str, float], event_date: str | None) -> _Cluster | None:
        top = sorted(vec, key=lambda t: -vec[t])[: self.options.candidate_terms]
        candidates = set().union(*(self._index.get(t, set()) for t in top)) if top else set()
        best, best_sim = None, self.options.event_threshold
        for eid in sorted(candidates):
            ev = self.events[eid]
            sim = cosine(vec, ev.centroid) / _norm(ev.centroid) * self._decay(event_date, ev.date)
            if sim >= best_sim:
                best, best_sim = ev, sim
        return best

    def _decay(self, a: str | None, b: str | None) -> float:
        da, db = _day(a), _day(b)
        if da is None or db is None:
            return 1.0  # an undated article is judged on its content alone
        gap = max(0, abs((da - db).days) - self.options.grace_days)
        return math.exp(-gap / self.options.decay_days)

    def _restore(self, event_id: str, story_id: str) -> _Cluster:
        if event_id not in self.events:
            self.events[event_id] = _Cluster(event_id, story=story_id)
            story = self.stories.setdefault(story_id, _Cluster(story_id))
            story.members.append(event_id)
        return self.events[event_id]

    def _open_event(self, article_id: str, vec: Mapping[str, float]) -> _Cluster:
        event = _Cluster(content_id("e", article_id))
        self.events[event.id] = event
        story = self._best_story(vec)
        if story is None:
            story = _Cluster(content_id("s", event.id))
            self.stories[story.id] = story
        event.story = story.id
        story.members.append(event.id)
        return event

    def _best_story(self, vec: Mapping[str, float]) -> _Cluster | None:
        best, best_sim = None, self.options.story_threshold
        for sid in sorted(self.stories):
            st = self.stories[sid]
            sim = cosine(vec, st.centroid) / _norm(st.centroid)
            if sim >= best_sim:
                best, best_sim = st, sim
        return best

    def _join(
        self, event: _Cluster, article_id: str, vec: Mapping[str, float], event_date: str | None, counts_for_date: bool
    ) -> None:
        event.members.append(article_id)
        event.add(vec)
        if event_date and counts_for_date:
            event.dates[event_date] += 1
        self.stories[event.story].add(vec)
        self.event_of[article_id] = event.id
        for t in vec:
            self._index[t].add(event.id)

    def result(self, titles: Mapping[str, str]) -> tuple[list[Event], list[Story]]:
        """Events and stories as records; ``titles`` maps article ids to display titles."""
        events = [
            Event(e.id, e.story, e.date, titles.get(e.members[0], ""), tuple(e.members)) for e in self.events.values()
        ]
        stories = []
        for s in self.stories.values():
            evs = [self.events[eid] for eid in s.members]
            arts = tuple(a for ev in evs for a in ev.members)
            biggest = max(evs, key=lambda ev: (len(ev.members), -evs.index(ev)))
            stories.append(Story(s.id, titles.get(biggest.members[0], ""), tuple(s.members), arts))
        return events, stories


def stream_order(articles: Iterable[Article]) -> list[Article]:
    """Publication-date order (undated last), ties in ingest order: how a live feed would deliver them."""
    arts = list(articles)
    pos = {a.id: i for i, a in enumerate(arts)}
    return sorted(arts, key=lambda a: (a.published is None, a.published or "", pos[a.id]))
