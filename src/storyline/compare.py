"""What each source reports about one event: claims shared across outlets, claims only one source makes,
and claims in tension (a negation, a denial, a different number); and who reported first.

A claim is one sentence of an article (copies folded into their originals: a reprint is not a second
witness). Two claims from different sources are *the same claim* when their content words overlap enough
(tf-idf cosine, ``same_claim``); they are *in tension* when they talk about the same thing (they share a
name and a content word) and one negates or denies it while the other does not, or they attach different
numbers to the same word ("11 workers" / "12 workers").
Thresholds were set on the labelled sample set ``tests/gold/compare.json`` (bench/bench_compare.py).
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from storyline.records import Article, Event
from storyline.text import sentence_spans
from storyline.timeline import _CAPTION, _LEAD_CREDIT, content_tokens

_NEGATION = re.compile(r"\b(?:not|no|never|neither|nor|none|nothing|cannot|n't)\b|n't\b", re.I)
# only verbs of denying a claim: "rejected" and "dismissed" usually report an event (a court dismissed a suit)
_DENIAL = re.compile(r"\b(?:den(?:y|ies|ied|ying|ial)|refut(?:e|es|ed|ing)|untrue|false(?:ly)?)\b", re.I)
_MULTIPLIER = frozenset({"hundred", "thousand", "million", "billion", "trillion", "percent", "per", "cent", "bn", "m"})
_NUMBER = re.compile(r"(?<![\w.])(\d{1,3}(?:,\d{3})+|\d+(?:\.\d+)?)(?![\w.]*\d)")
_NAME = re.compile(r"\b[A-Z][a-z]+(?:[-'][A-Z]?[a-z]+)*\b")
_TOKEN = re.compile(r"[A-Za-z][A-Za-z'\-]*|\d[\d,.]*")


@dataclass(frozen=True, slots=True, kw_only=True)
class CompareOptions:
    """Thresholds of the comparison (set on tests/gold/compare.json; see bench/bench_compare.py)."""

    same_claim: float = 0.5  # tf-idf cosine at or above which two sentences make the same claim
    min_words: int = 5  # shorter sentences are headlines or fragments, not claims
    max_words: int = 80
    negation_window: int = 6  # a negation's scope: this many words before the cue (and five after)


@dataclass(frozen=True, slots=True)
class Claim:
    """One sentence of one article."""

    article: str
    start: int
    end: int
    text: str
    published: str | None = None
    outlet: str | None = None


@dataclass(frozen=True, slots=True)
class SharedClaim:
    """A claim several independent sources make; ``claims`` are the sentences, earliest first."""

    claims: tuple[Claim, ...]
    sources: int

    @property
    def first(self) -> Claim:
        return self.claims[0]


@dataclass(frozen=True, slots=True)
class Tension:
    """Two claims from different sources that cannot both be read plainly: ``kind`` says why."""

    a: Claim
    b: Claim
    kind: str  # negation|denial|number


@dataclass(frozen=True, slots=True)
class Comparison:
    """The side-by-side of one event (or story): shared, unique, in tension, and who was first."""

    event: str
    shared: tuple[SharedClaim, ...]
    unique: tuple[Claim, ...]
    tensions: tuple[Tension, ...]
    first: tuple[str, ...]  # the article(s) that reported the event first (earliest publication date)

    def as_dict(self) -> dict[str, object]:
        """The ``comparisons`` item of CONTRACT.md's storyline/1 schema (plus spans and sources)."""
        return {
            "event": self.event,
            "first": list(self.first),
            "shared": [
                {
                    "claim": s.first.text,
                    "articles": [c.article for c in s.claims],
                    "sources": s.sources,
                    "first": s.first.article,
                    "spans": [{"article": c.article, "start": c.start, "end": c.end} for c in s.claims],
                }
                for s in self.shared
            ],
            "unique": [{"claim": c.text, "article": c.article, "start": c.start, "end": c.end} for c in self.unique],
            "tensions": [
                {"a": _claim_json(t.a), "b": _claim_json(t.b), "kind": t.kind} for t in self.tensions
            ],
        }


def _claim_json(c: Claim) -> dict[str, object]:
    return {"claim": c.text, "article": c.article, "start": c.start, "end": c.end}


def claims(article: Article, options: CompareOptions = CompareOptions()) -> list[Claim]:
    """The article's sentences that state something: captions, credits and fragments dropped."""
    out = []
    for pos, (s, e) in enumerate(sentence_spans(article.text)):
        credit = _LEAD_CREDIT.match(article.text, s, e) if pos < 2 else None
        if credit and credit.end() < e:
            s = credit.end()
        text = article.text[s:e]
        n = len(text.split())
        if n < options.min_words or n > options.max_words or _CAPTION.search(text):
            continue
        out.append(Claim(article.id, s, e, text, article.published, article.outlet))
    return out


def compare(
    event: Event,
    articles: Mapping[str, Article],
    duplicate_of: Mapping[str, str],
    options: CompareOptions = CompareOptions(),
) -> Comparison:
    """Group the claims of ``event``'s articles across sources.

    Args:
        event: the event (or a story dressed as one: any id and a tuple of article ids).
        articles: article records by id.
        duplicate_of: copy id -> original id; copies are folded into their originals.
        options: thresholds.

    Returns:
        A ``Comparison``: shared claims (two or more independent sources), claims unique to one source,
        tensions between sources, and the earliest reporter(s).
    """
    present = [a for a in dict.fromkeys(event.articles) if a in articles]
    originals = [articles[a] for a in present if duplicate_of.get(a) not in present]
    root = {a.id: duplicate_of.get(a.id, a.id) for a in originals}
    all_claims = [c for a in originals for c in claims(a, options)]
    tokens = [content_tokens(c.text) for c in all_claims]
    vectors = _tfidf(tokens)

    # same claim: union of cross-source pairs above the threshold
    parent = list(range(len(all_claims)))

    def find(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    for i in range(len(all_claims)):
        for j in range(i + 1, len(all_claims)):
            if root[all_claims[i].article] == root[all_claims[j].article]:
                continue
            if _dot(vectors[i], vectors[j]) >= options.same_claim:
                parent[find(j)] = find(i)
    groups: dict[int, list[int]] = {}
    for i in range(len(all_claims)):
        groups.setdefault(find(i), []).append(i)
    shared: list[SharedClaim] = []
    unique: list[Claim] = []
    for members in groups.values():
        srcs = {root[all_claims[i].article] for i in members}
        ordered = sorted((all_claims[i] for i in members), key=_earliest)
        if len(srcs) >= 2:
            shared.append(SharedClaim(tuple(ordered), len(srcs)))
        else:
            unique.extend(ordered)
    shared.sort(key=lambda s: (-s.sources, _earliest(s.first)))
    unique.sort(key=lambda c: (c.article, c.start))

    tensions = []
    seen: set[frozenset[int]] = set()  # one tension per pair of claims (a claim three outlets share is one)
    for i in range(len(all_claims)):
        for j in range(i + 1, len(all_claims)):
            a, b = all_claims[i], all_claims[j]
            pair = frozenset((find(i), find(j)))
            if root[a.article] == root[b.article] or pair in seen or len(pair) == 1:
                continue
            kind = tension(a.text, b.text, options)
            if kind:
                seen.add(pair)
                first, second = sorted((a, b), key=_earliest)
                tensions.append(Tension(first, second, kind))
    dates = [a.published for a in originals if a.published]
    earliest = tuple(a.id for a in originals if dates and a.published == min(dates))
    return Comparison(event.id, tuple(shared), tuple(unique), tuple(tensions), earliest)


def _earliest(c: Claim) -> tuple[bool, str, str, int]:
    return (c.published is None, c.published or "", c.article, c.start)


def tension(a: str, b: str, options: CompareOptions = CompareOptions()) -> str | None:
    """Why two sentences about the same thing disagree (``negation``, ``denial``, ``number``), or None.

    A negation counts when what it negates (the words around the cue: ``negation_window`` before,
    five after) shares a name and another content word with the other sentence, and the other
    sentence does not negate them itself.

    Example:
        >>> tension("Putin accepted the invitation to visit, KCNA said.",
        ...         "Peskov said a visit by Putin is not yet planned.")
        'negation'
    """
    ca, cb = set(content_tokens(a)), set(content_tokens(b))
    names = _same_names(_names(a) & ca, _names(b) & cb)
    if not names and len(ca & cb) < 2:
        return None  # not about the same person, place or thing
    ta, tb = _tokens(a), _tokens(b)
    ca |= names
    cb |= names
    na, nb = _negated_scopes(ta, cb, names, options), _negated_scopes(tb, ca, names, options)
    if bool(na) != bool(nb):
        neg = b if nb else a
        return "denial" if _DENIAL.search(neg) else "negation"
    if len(ca & cb) >= 3 and _number_clash(ta, tb):
        return "number"
    return None


_CALENDAR = frozenset(
    "monday tuesday wednesday thursday friday saturday sunday january february march april may june july "
    "august september october november december".split()
)


def _same_names(a: set[str], b: set[str]) -> set[str]:
    """Names both sets hold, a country and its demonym counted as one ("Drannia" / "Drannian")."""
    out = a & b
    for x in a:
        for y in b:
            short, long_ = sorted((x, y), key=len)
            if len(short) >= 5 and long_.startswith(short) and len(long_) - len(short) <= 2:
                out |= {x, y}
    return out


def _names(text: str) -> set[str]:
    """Capitalised words (names of people, places, bodies); weekdays and months are not names."""
    return {w.lower() for w in _NAME.findall(text)} - _CALENDAR


def _tokens(text: str) -> list[str]:
    return [t.lower().rstrip(".,") for t in _TOKEN.findall(text)]


def _negated_scopes(
    toks: list[str], other: set[str], names: set[str], options: CompareOptions
) -> list[set[str]]:
    """What this sentence negates that the other sentence asserts: a shared name and a shared word."""
    out = []
    for i, t in enumerate(toks):
        if not (_NEGATION.fullmatch(t) or t.endswith("n't") or _DENIAL.fullmatch(t)):
            continue
        scope = {w for tok in toks[max(0, i - options.negation_window) : i + 6] for w in content_tokens(tok)}
        common = scope & other
        # a shared name and a shared word, or (no name: "the names of the dead") two shared words
        if (common & names and common - names) or len(common - names) >= 2:
            out.append(common)
    return out


def _number_clash(ta: list[str], tb: list[str]) -> bool:
    """The same word carries a different number in the two claims ("11 workers" / "12 workers")."""
    def pairs(toks: list[str]) -> dict[str, set[float]]:
        out: dict[str, set[float]] = {}
        for i, t in enumerate(toks):
            if not _NUMBER.fullmatch(t):
                continue
            value = float(t.replace(",", ""))
            if 1900 <= value <= 2100 and "." not in t:
                continue  # a year, not a count
            if i + 1 < len(toks) and toks[i + 1] in ("st", "nd", "rd", "th"):
                continue  # an ordinal ("70th anniversary") names, it does not count
            for j in range(i + 1, min(i + 4, len(toks))):
                if toks[j] in _MULTIPLIER:
                    continue
                w = content_tokens(toks[j])
                if w:
                    out.setdefault(w[0], set()).add(value)
                    break
        return out

    pa, pb = pairs(ta), pairs(tb)
    return any(pa[w].isdisjoint(pb[w]) for w in pa.keys() & pb.keys())


def _tfidf(docs: Sequence[Sequence[str]]) -> list[dict[str, float]]:
    df: Counter[str] = Counter()
    for d in docs:
        df.update(set(d))
    n = len(docs) + 1
    out = []
    for d in docs:
        vec = {t: c * (math.log(n / (1 + df[t])) + 1.0) for t, c in Counter(d).items()}
        norm = math.sqrt(sum(v * v for v in vec.values())) or 1.0
        out.append({t: v / norm for t, v in vec.items()})
    return out


def _dot(a: Mapping[str, float], b: Mapping[str, float]) -> float:
    if len(a) > len(b):
        a, b = b, a
    return sum(x * b.get(t, 0.0) for t, x in a.items())
