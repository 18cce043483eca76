"""What each source reports about one event: claims shared across outlets, claims only one source makes,
and claims in tension (a negation, a denial, a different number); and who reported first.

A claim is one sentence of an article (copies folded into their originals: a reprint is not a second
witness). Two claims from different sources are *the same claim* when their content words overlap enough
(tf-idf cosine, ``same_claim``); they are *in tension* when they talk about the same thing (they share a
name and a content word inside the negation's own clause) and one negates or denies it while the other does
not, or they attach different numbers to the same word ("11 workers" / "12 workers"). A negated claim keeps
only its strongest few tensions (idf-weighted overlap): most sentences that merely mention the same people
are not answers to it.
Thresholds were set on the labelled sample set ``tests/gold/compare.json`` (bench/bench_compare.py).
"""

from __future__ import annotations

import functools
import hashlib
import re
from collections import Counter, defaultdict
from collections.abc import Callable, Container, Iterable, Mapping, Sequence
from collections.abc import Set as AbstractSet
from dataclasses import dataclass
from typing import Any

import numpy as np

from storyline.calendar_words import MONTH_NAMES, WEEKDAYS
from storyline.dedupe import independent_sources, is_wire_copy
from storyline.records import Article, Event, Passage
from storyline.text import sentence_spans, words
from storyline.timeline import CAPTION, LEAD_CREDIT, content_tokens
from storyline.unionfind import UnionFind
from storyline.vectors import dot, idf_table, tfidf

_NEGATION = re.compile(r"\b(?:not|no|never|neither|nor|none|nothing|cannot|n't)\b|n't\b", re.I)
# only verbs of denying a claim: "rejected" and "dismissed" usually report an event (a court dismissed a suit)
_DENIAL = re.compile(r"\b(?:den(?:y|ies|ied|ying|ial)|refut(?:e|es|ed|ing)|untrue|false(?:ly)?)\b", re.I)
_MULTIPLIER = frozenset({"hundred", "thousand", "million", "billion", "trillion", "percent", "per", "cent", "bn", "m"})
_NUMBER = re.compile(r"(?<![\w.])(\d{1,3}(?:,\d{3})+|\d+(?:\.\d+)?)(?![\w.]*\d)")
_NAME = re.compile(r"\b[A-Z][a-z]+(?:[-'][A-Z]?[a-z]+)*\b")
_TOKEN = re.compile(r"[A-Za-z][A-Za-z'\-]*|\d[\d,.]*")
_CLAUSE_TOKEN = re.compile(r"[A-Za-z][A-Za-z'\u2019\-]*|\d[\d,.]*|[,;:()\u2013\u2014]|(?<=\s)-(?=\s)")
_CLAUSE_BREAK = frozenset({"but", "while", "whereas", "although", "though"})
_CLAUSE_OPEN = frozenset({"that", "which", "who"})
_POSSESSIVE = re.compile(r"(?<=[A-Za-z])['\u2019]s?\b")
# whose is the thing: "Kim Jong-un's visit", "Kim to visit", "his visit"
_OWNER = re.compile(
    r"(?:\b([A-Z][\w\-]*(?:\s+[A-Z][\w\-]*)*)['\u2019]s|\b([A-Z][\w\-]*)\s+to|\b(?:his|her|their))\s+([a-z][\w\-]*)"
)
# verbs of accusing: what a denial answers ("Veyra blamed Drannia ..." / "Drannia denied ...")
_ACCUSATION = re.compile(
    r"\b(?:accus|blam|condemn|alleg|charg|claim|attribut|hold\b|holds\b|held\b|responsible)\w*", re.I
)
_SILENCE = frozenset("report reported say said mention mentioned comment commented elaborate specify disclose".split())
_STOP_NAMES = frozenset({"he", "she", "they", "it", "the", "a", "an", "this", "that", "in", "on", "at", "but", "and"})
# shared words that say nothing about what happened: reporting verbs, sources, calendar words
_GENERIC = frozenset(
    """according report reported reporting statement spokesman spokeswoman spokesperson official officials
    media agency new news week month year day today yesterday tomorrow next last earlier later first second
    time""".split()
)


@dataclass(frozen=True, slots=True, kw_only=True)
class CompareOptions:
    """Thresholds of the comparison (set on tests/gold/compare.json; see bench/bench_compare.py)."""

    same_claim: float = 0.5  # tf-idf cosine at or above which two sentences make the same claim
    min_words: int = 5  # shorter sentences are headlines or fragments, not claims
    max_words: int = 80
    negation_window: int = 6  # a negation's scope: this many words before the cue (and five after)
    # a denial answers one or two claims; the rest merely mention the same people (set on the sample
    # gold and ../shared/seeds, where one Kremlin remark was paired with six sentences)
    max_tensions_per_claim: int = 2
    fold_tension: float = 0.35  # tf-idf cosine above which two sides against one negation are one claim
    # an event of hundreds of articles is compared on its articles' leads: sentences are taken by position
    # (every article's first, then every second, ...) up to this many, which bounds time and memory
    max_claims: int = 4000


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
            "tensions": [{"a": _claim_json(t.a), "b": _claim_json(t.b), "kind": t.kind} for t in self.tensions],
        }

    def to_record(self) -> dict[str, Any]:
        """Everything in the comparison as JSON-ready data, for the store (``from_record`` reads it back)."""
        return {
            "event": self.event,
            "first": list(self.first),
            "shared": [{"claims": [_claim_row(c) for c in s.claims], "sources": s.sources} for s in self.shared],
            "unique": [_claim_row(c) for c in self.unique],
            "tensions": [{"a": _claim_row(t.a), "b": _claim_row(t.b), "kind": t.kind} for t in self.tensions],
        }

    @classmethod
    def from_record(cls, data: Mapping[str, Any]) -> Comparison:
        """The comparison ``to_record`` wrote."""
        return cls(
            data["event"],
            tuple(SharedClaim(tuple(Claim(*c) for c in s["claims"]), s["sources"]) for s in data["shared"]),
            tuple(Claim(*c) for c in data["unique"]),
            tuple(Tension(Claim(*t["a"]), Claim(*t["b"]), t["kind"]) for t in data["tensions"]),
            tuple(data["first"]),
        )


def _claim_row(c: Claim) -> list[Any]:
    return [c.article, c.start, c.end, c.text, c.published, c.outlet]


def _claim_json(c: Claim) -> dict[str, object]:
    return {"claim": c.text, "article": c.article, "start": c.start, "end": c.end}


def claims(article: Article, options: CompareOptions = CompareOptions()) -> list[Claim]:
    """The article's sentences that state something: captions, credits and fragments dropped."""
    out = []
    for pos, (s, e) in enumerate(sentence_spans(article.text)):
        credit = LEAD_CREDIT.match(article.text, s, e) if pos < 2 else None
        if credit and credit.end() < e:
            s = credit.end()
        text = article.text[s:e]
        n = len(text.split())
        if n < options.min_words or n > options.max_words or CAPTION.search(text):
            continue
        out.append(Claim(article.id, s, e, text, article.published, article.outlet))
    return out


def compare(
    event: Event,
    articles: Mapping[str, Article],
    duplicate_of: Mapping[str, str],
    options: CompareOptions = CompareOptions(),
    passages: Iterable[Passage] = (),
) -> Comparison:
    """Group the claims of ``event``'s articles across sources.

    Args:
        event: the event (or a story dressed as one: any id and a tuple of article ids).
        articles: article records by id.
        duplicate_of: copy id -> original id; copies are folded into their originals.
        options: thresholds.
        passages: reused passages (``dedupe``); articles carrying the same wire copy (``is_wire_copy``)
            count as one source for the claims inside it, as timelines count them.

    Returns:
        A ``Comparison``: shared claims (two or more independent sources), claims unique to one source,
        tensions between sources, and the earliest reporter(s).
    """
    present = [a for a in dict.fromkeys(event.articles) if a in articles]
    originals = [articles[a] for a in present if duplicate_of.get(a) not in present]
    root = {a.id: duplicate_of.get(a.id, a.id) for a in originals}
    all_claims = _capped([claims(a, options) for a in originals], options.max_claims)
    # wire copy carried by two of the event's originals, with its carriers folded into their originals
    kept = set(root.values())
    wire = []
    for p in passages:
        carriers = tuple(dict.fromkeys(duplicate_of.get(a, a) for a in p.articles))
        if is_wire_copy(p) and sum(1 for a in carriers if a in kept) >= 2:
            wire.append(Passage(p.id, p.text, carriers))
    tokens = [content_tokens(c.text) for c in all_claims]
    idf = idf_table(tokens)
    vectors = [tfidf(Counter(d), idf) for d in tokens]

    # same claim: union of cross-source pairs above the threshold (the earlier claim's group names the union)
    same = UnionFind(range(len(all_claims)))
    # pairs sharing no word have cosine 0; a sparse product finds the pairs whose cosine may reach the threshold,
    # and each is scored again with ``dot`` (the exact sum the threshold is defined on)
    for i, j in _pairs_near(vectors, options.same_claim):
        if root[all_claims[i].article] == root[all_claims[j].article]:
            continue
        if dot(vectors[i], vectors[j]) >= options.same_claim:
            same.union(i, j)
    groups = same.groups()
    shared: list[SharedClaim] = []
    unique: list[Claim] = []
    for members in groups.values():
        srcs = {root[all_claims[i].article] for i in members}
        ordered = sorted((all_claims[i] for i in members), key=_earliest)
        if len(srcs) >= 2:
            shared.append(SharedClaim(tuple(ordered), _sources(ordered, root, wire)))
        else:
            unique.extend(ordered)
    shared.sort(key=lambda s: (-s.sources, _earliest(s.first)))
    unique.sort(key=lambda c: (c.article, c.start))

    tensions = _tensions(all_claims, root, same.find, vectors, options)
    dates = [a.published for a in originals if a.published]
    earliest = tuple(a.id for a in originals if dates and a.published == min(dates))
    return Comparison(event.id, tuple(shared), tuple(unique), tuple(tensions), earliest)


def _sources(group: Sequence[Claim], root: Mapping[str, str], wire: Sequence[Passage]) -> int:
    """Independent sources behind one shared claim: wire copy holding the claim folds its carriers."""
    ids = [root[c.article] for c in group]
    inside = []
    for p in wire:
        carried = set(p.articles)
        members = tuple(
            dict.fromkeys(r for c in group if (r := root[c.article]) in carried and _within(c.text, p.text))
        )
        if len(members) >= 2:
            inside.append(Passage(p.id, p.text, members))
    return independent_sources(ids, (), inside)


def _within(claim: str, passage: str) -> bool:
    """Whether the claim sentence lies inside the passage, or the passage (a quoted statement) inside the claim."""
    a, b = _word_line(claim), _word_line(passage)
    return len(a) > 2 and len(b) > 2 and (a in b or b in a)


@functools.lru_cache(maxsize=1 << 12)
def _word_line(text: str) -> str:
    """The text's words joined by single spaces, with a space either side (asked again for every pair)."""
    return f" {' '.join(words(text))} "


def _tensions(
    all_claims: Sequence[Claim],
    root: Mapping[str, str],
    find: Callable[[int], int],
    vectors: Sequence[Mapping[str, float]],
    options: CompareOptions,
) -> list[Tension]:
    """Tensions between claim groups: the strongest pair of each two groups, then at most
    ``max_tensions_per_claim`` per negated group, near-identical other sides folded into one."""
    idf = idf_table(_content(c.text) for c in all_claims)
    # (group pair) -> (strength, negated group or None, i, j, kind); one tension per pair of groups
    best: dict[frozenset[int], tuple[float, int | None, int, int, str]] = {}
    # ``_tension`` needs a shared name (a demonym matches its country by a common 5-letter prefix) or two
    # shared content words: only pairs that have one of them are tried, in the order the full scan used
    content = [set(_content(c.text)) for c in all_claims]
    prefixes = [
        {n[:5] for n in _names(c.text) if len(n) >= 5} | (_names(c.text) & content[k]) for k, c in enumerate(all_claims)
    ]
    candidates = _tension_pairs(all_claims, content, prefixes, options.negation_window)
    # ``_tension`` finds nothing unless one side holds a negation or both hold a number: skip those pairs early
    negates = [_has_negation(c.text) for c in all_claims]
    counts = [any(_NUMBER.fullmatch(t) for t in _tokens(c.text)) for c in all_claims]
    for i, j in candidates:
        if not (negates[i] or negates[j] or (counts[i] and counts[j])):
            continue
        a, b = all_claims[i], all_claims[j]
        pair = frozenset((find(i), find(j)))
        if root[a.article] == root[b.article] or len(pair) == 1:
            continue
        found = _tension(a.text, b.text, options, idf)
        if found and (pair not in best or found[1] > best[pair][0]):
            kind, strength, side = found
            neg = None if side is None else find(i if side == 0 else j)
            best[pair] = (strength, neg, i, j, kind)
    kept: dict[int | None, list[tuple[int, int]]] = {}
    out = []
    for _strength, neg, i, j, kind in sorted(best.values(), key=lambda x: (-x[0], x[2], x[3])):
        if neg is not None:
            other = j if find(i) == neg else i
            mine = kept.setdefault(neg, [])
            if len(mine) >= options.max_tensions_per_claim:
                continue
            # "the same claim, said twice against one denial" is one tension
            if any(dot(vectors[other], vectors[o]) >= options.fold_tension for _, o in mine):
                continue
            mine.append((i if other == j else j, other))
        first, second = sorted((all_claims[i], all_claims[j]), key=_earliest)
        out.append(Tension(first, second, kind))
    return out


def _tension_pairs(
    claims: Sequence[Claim], content: Sequence[set[str]], prefixes: Sequence[set[str]], window: int
) -> list[tuple[int, int]]:
    """The pairs (i < j) of claims ``_tension`` can find something in, in (i, j) order.

    Those that pass its first test (two shared content words, or a shared name or name prefix) and hold what
    one of its two findings needs:

    * a negation scope of one claim that shares two words with the other claim, one of them a content word of
      the other that is not generic. ``_negated_scopes`` keeps a scope only for a shared name and another shared
      word, or two shared words that are neither names nor generic; a shared word is one of the other claim's
      content words, or a name matched to one of its names (a demonym: ``_same_names``, the same first five
      letters), and the word that is no name is always one of its content words.
    * a word both claims count with numbers that differ (``_number_clash``: no number in common).

    Found through the claims holding each word instead of every pair that shares two words: a large event has
    millions of those and few of these.
    """
    holders: dict[str, list[int]] = defaultdict(list)
    for k, held in enumerate(content):
        for w in held:
            holders[w].append(k)
    named: dict[str, list[int]] = defaultdict(list)  # first five letters of a name of five or more -> claims
    for k, c in enumerate(claims):
        for p in {n[:5] for n in _name_words(c.text) if len(n) >= 5}:
            named[p].append(k)
    reach: dict[str, set[int]] = {}  # word -> the claims sharing it (holding it, or a name it matches)
    found: set[tuple[int, int]] = set()
    for i, c in enumerate(claims):
        for scope in _scopes(_clause_tokens(c.text), window):
            shared: Counter[int] = Counter()
            anchored: set[int] = set()  # claims holding a scope word that is not generic
            for w in scope:
                ks = reach.get(w)
                if ks is None:
                    ks = reach[w] = set(holders.get(w, ()))
                    if len(w) >= 5:
                        ks.update(named.get(w[:5], ()))
                if w not in _GENERIC:
                    anchored.update(holders.get(w, ()))
                shared.update(ks)
            found.update((i, j) if i < j else (j, i) for j in anchored if j != i and shared[j] >= 2)
    counters: dict[str, list[tuple[int, frozenset[float]]]] = defaultdict(list)
    for k, c in enumerate(claims):
        for w, values in _counted(_tokens(c.text)).items():
            counters[w].append((k, values))
    for counted in counters.values():
        found.update((x, y) for n, (x, vx) in enumerate(counted) for y, vy in counted[n + 1 :] if vx.isdisjoint(vy))
    return sorted(p for p in found if len(content[p[0]] & content[p[1]]) >= 2 or prefixes[p[0]] & prefixes[p[1]])


def _earliest(c: Claim) -> tuple[bool, str, str, int]:
    return (c.published is None, c.published or "", c.article, c.start)


def tension(
    a: str, b: str, options: CompareOptions = CompareOptions(), idf: Mapping[str, float] | None = None
) -> str | None:
    """Why two sentences about the same thing disagree (``negation``, ``denial``, ``number``), or None.

    A negation counts when what it negates (the words of the cue's own clause: up to
    ``negation_window`` before the cue, five after) shares a name and another content word with the
    other sentence -- a word that says what happened, not "said" or "next month", and not one the
    other sentence ties to someone else ("Kim's visit" does not answer "a visit by Putin") -- and the
    other sentence does not negate them itself. ``tension_strength`` scores such a pair.

    Example:
        >>> tension("Putin accepted the invitation to visit, KCNA said.",
        ...         "Peskov said a visit by Putin is not yet planned.")
        'negation'
    """
    found = _tension(a, b, options, idf)
    return found[0] if found else None


def tension_strength(
    a: str, b: str, options: CompareOptions = CompareOptions(), idf: Mapping[str, float] | None = None
) -> float:
    """How strongly two sentences disagree: the idf weight of what the negation and the other sentence
    share (0.0 when they are not in tension). With no ``idf`` every word weighs 1."""
    found = _tension(a, b, options, idf)
    return found[1] if found else 0.0


def _tension(
    a: str, b: str, options: CompareOptions, idf: Mapping[str, float] | None
) -> tuple[str, float, int | None] | None:
    """(kind, strength, which sentence negates: 0 for ``a``, 1 for ``b``, None for a number clash)."""
    content_a, content_b = _content_set(a), _content_set(b)
    names = _shared_names(a, b)
    if not names and len(content_a & content_b) < 2:
        return None  # not about the same person, place or thing
    ta, tb = _tokens(a), _tokens(b)
    ca, cb = content_a | names, content_b | names
    # words each sentence ties to a name the other sentence does not share ("Kim's visit")
    owned_a, owned_b = _owned(a, names), _owned(b, names)
    na = _negated_scopes(_clause_tokens(a), cb - owned_b, names, options)
    nb = _negated_scopes(_clause_tokens(b), ca - owned_a, names, options)
    if bool(na) != bool(nb):
        neg, scopes, other = (b, nb, a) if nb else (a, na, b)
        if _DENIAL.search(neg) and not _ACCUSATION.search(other):
            # a denial answers a claim: an accusation, or a clause that puts the name and the deed together
            scopes = [c for c in scopes if any(len(c & k) >= 2 and c & k & names for k in _clauses(other))]
            if not scopes:
                return None
        weight = max(sum(idf.get(w, 1.0) if idf else 1.0 for w in sorted(common)) for common in scopes)
        return ("denial" if _DENIAL.search(neg) else "negation", weight, 1 if nb else 0)
    if len(ca & cb) >= 3 and _number_clash(ta, tb):
        return ("number", sum(idf.get(w, 1.0) if idf else 1.0 for w in sorted(ca & cb)), None)
    return None


_CALENDAR = frozenset(WEEKDAYS) | {name.lower() for name in MONTH_NAMES}


def _same_names(a: AbstractSet[str], b: AbstractSet[str]) -> set[str]:
    """Names both sets hold, a country and its demonym counted as one ("Drannia" / "Drannian")."""
    out = set(a & b)
    # a pair can match only if both names are 5 letters or longer and begin alike: only those pairs are tried
    by_prefix: dict[str, list[str]] = {}
    for y in b:
        if len(y) >= 5:
            by_prefix.setdefault(y[:5], []).append(y)
    for x in a:
        for y in by_prefix.get(x[:5], ()) if len(x) >= 5 else ():
            short, long_ = sorted((x, y), key=len)
            if long_.startswith(short) and len(long_) - len(short) <= 2:
                out |= {x, y}
    return out


def _shared_names(a: str, b: str) -> set[str]:
    """``_same_names`` of the two sentences' names (the capitalised content words), from per-sentence caches."""
    na, nb = _name_words(a), _name_words(b)
    if _name_prefixes(a).keys() & _name_prefixes(b).keys():
        return _same_names(na, nb)
    return set(na & nb)  # no two names begin alike: no demonym pair


# The per-sentence analyses below are pure and asked again for every pair a sentence is in: cached.
@functools.lru_cache(maxsize=1 << 16)
def _names(text: str) -> frozenset[str]:
    """Capitalised words (names of people, places, bodies); weekdays and months are not names."""
    return frozenset(w.lower() for w in _NAME.findall(text)) - _CALENDAR


@functools.lru_cache(maxsize=1 << 16)
def _tokens(text: str) -> tuple[str, ...]:
    return tuple(t.lower().rstrip(".,") for t in _TOKEN.findall(text))


@functools.lru_cache(maxsize=1 << 16)
def _content(text: str) -> tuple[str, ...]:
    """Content words with the possessive dropped, so "Russia's" and "Russia" are one name."""
    return tuple(content_tokens(_POSSESSIVE.sub("", text)))


@functools.lru_cache(maxsize=1 << 16)
def _content_set(text: str) -> frozenset[str]:
    return frozenset(_content(text))


@functools.lru_cache(maxsize=1 << 16)
def _name_words(text: str) -> frozenset[str]:
    return _names(text) & _content_set(text)


@functools.lru_cache(maxsize=1 << 16)
def _name_prefixes(text: str) -> dict[str, tuple[str, ...]]:
    """The sentence's names of five letters or more by their first five (callers only read it)."""
    out: dict[str, list[str]] = {}
    for n in _name_words(text):
        if len(n) >= 5:
            out.setdefault(n[:5], []).append(n)
    return {k: tuple(v) for k, v in out.items()}


@functools.lru_cache(maxsize=1 << 16)
def _clause_tokens(text: str) -> tuple[str, ...]:
    """Lower-cased words; clause marks kept as ``|`` (commas, dashes, brackets, "but", "while") and
    ``^`` ("that", "which", "who": they open a clause after the negation, not before it)."""
    out = []
    for t in _CLAUSE_TOKEN.findall(text):
        low = t.lower()
        if not low[0].isalnum() or low in _CLAUSE_BREAK:
            out.append("|")
        else:
            out.append("^" if low in _CLAUSE_OPEN else low)
    return tuple(out)


@functools.lru_cache(maxsize=1 << 16)
def _is_negation(t: str) -> bool:
    """Whether one lower-cased word is a negation cue (asked for every word of every claim: cached)."""
    return bool(_NEGATION.fullmatch(t) or t.endswith("n't") or _DENIAL.fullmatch(t))


@functools.lru_cache(maxsize=1 << 16)
def _word_content(word: str, possessive: bool = True) -> tuple[str, ...]:
    """``content_tokens`` of one word (its possessive dropped unless ``possessive`` is False); cached, since
    the same words recur in every claim."""
    return tuple(content_tokens(_POSSESSIVE.sub("", word) if possessive else word))


def _has_negation(text: str) -> bool:
    """Whether ``_negated_scopes`` could find anything in this sentence."""
    return any(_is_negation(t) for t in _clause_tokens(text))


def _clauses(text: str) -> list[set[str]]:
    """The content words of each clause of ``text`` (split at commas, dashes, "but", "that" ...)."""
    out: list[set[str]] = [set()]
    for t in _clause_tokens(text):
        if t in ("|", "^"):
            out.append(set())
        else:
            out[-1].update(_word_content(t))
    return [c for c in out if c]


def _owned(text: str, names: set[str]) -> set[str]:
    """Content words this sentence ties to someone other than the shared names: "Kim's visit",
    "Kim to visit", "his visit" (when the name nearest before "his" is not a shared one)."""
    out: set[str] = set()
    for owner_words, owned in _owners(text):
        if not owner_words & names:
            out.update(owned)
    return out


@functools.lru_cache(maxsize=1 << 16)
def _owners(text: str) -> tuple[tuple[frozenset[str], tuple[str, ...]], ...]:
    """Each owner phrase of the sentence: the owner's content words and the (first) word it owns."""
    out = []
    for m in _OWNER.finditer(text):
        owner = m.group(1) or m.group(2)
        if owner:
            owner_words = frozenset(_content(owner))
        else:  # a pronoun: the nearest name before it, if any
            before = [w for w in _NAME.findall(text[: m.start()]) if w.lower() not in _STOP_NAMES]
            owner_words = frozenset(_content(before[-1])) if before else frozenset()
        out.append((owner_words, tuple(content_tokens(m.group(3))[:1])))
    return tuple(out)


def _negated_scopes(
    toks: Sequence[str], other: AbstractSet[str], names: set[str], options: CompareOptions
) -> list[set[str]]:
    """What this sentence negates that the other sentence asserts: a shared name and a shared word."""
    out = []
    for scope in _scopes(tuple(toks), options.negation_window):
        common = scope & other
        what = common - names - _GENERIC
        # a shared name and a shared word, or (no name: "the names of the dead") two shared words
        if (common & names and what) or len(what) >= 2:
            out.append(set(common - _GENERIC))
    return out


@functools.lru_cache(maxsize=1 << 16)
def _scopes(toks: tuple[str, ...], window: int) -> tuple[frozenset[str], ...]:
    """The content words in the scope of each negation of one sentence (independent of the other sentence)."""
    out = []
    for i, t in enumerate(toks):
        if not _is_negation(t):
            continue
        if i + 1 < len(toks) and toks[i + 1] == "only":
            continue  # "not only X but Y" adds, it does not negate
        # a negation's scope stops at its clause ("..., not an accident"; "said that X did not ...")
        before = ["|" if t == "^" else t for t in toks[max(0, i - window) : i]]
        if "|" in before:
            before = before[len(before) - before[::-1].index("|") :]
        after = [t for t in toks[i + 1 : i + 6] if t != "^"]
        if "|" in after:
            after = after[: after.index("|")]
        if (after and after[0] in _SILENCE) or (after[1:2] and after[0] in ("yet", "been") and after[1] in _SILENCE):
            continue  # "state media did not report on it": a source's silence, not a contradiction
        out.append(frozenset(w for tok in before + after for w in _word_content(tok)))
    return tuple(out)


def _number_clash(ta: Sequence[str], tb: Sequence[str]) -> bool:
    """The same word carries a different number in the two claims ("11 workers" / "12 workers")."""
    pa, pb = _counted(tuple(ta)), _counted(tuple(tb))
    return any(pa[w].isdisjoint(pb[w]) for w in pa.keys() & pb.keys())


@functools.lru_cache(maxsize=1 << 16)
def _counted(toks: tuple[str, ...]) -> dict[str, frozenset[float]]:
    """Word -> the numbers that count it in one claim (cached: a claim is in many pairs; callers only read it)."""
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
            w = _word_content(toks[j], possessive=False)
            if w:
                out.setdefault(w[0], set()).add(value)
                break
    return {w: frozenset(v) for w, v in out.items()}


def _capped(per_article: Sequence[Sequence[Claim]], limit: int) -> list[Claim]:
    """All claims, article by article; past ``limit``, the leads: every article's sentences by position, in turn."""
    if sum(len(c) for c in per_article) <= limit:
        return [c for cs in per_article for c in cs]
    ranked = sorted(
        ((pos, k) for k, cs in enumerate(per_article) for pos in range(len(cs))),
    )[:limit]
    keep = set(ranked)
    return [c for k, cs in enumerate(per_article) for pos, c in enumerate(cs) if (pos, k) in keep]


# How far below the threshold a sparse product's sum may fall while the exact sum reaches it: the two sum the
# same unit-vector products in different orders, which differ by a few ulps (1e-15), far inside this margin.
_SUM_MARGIN = 1e-9


def _pairs_near(vectors: Sequence[Mapping[str, float]], threshold: float, block: int = 2048) -> list[tuple[int, int]]:
    """Pairs (i < j) of vectors that share a term and whose dot product may reach ``threshold``, in (i, j) order:
    every pair whose ``dot`` reaches it, and a few just below (the caller checks with ``dot``)."""
    if threshold <= _SUM_MARGIN:
        return _pairs_sharing([list(v) for v in vectors], 1, block)
    vocab: dict[str, int] = {}
    rows: list[int] = []
    cols: list[int] = []
    data: list[float] = []
    for i, v in enumerate(vectors):
        for w, x in v.items():
            rows.append(i)
            cols.append(vocab.setdefault(w, len(vocab)))
            data.append(x)
    n = len(vectors)
    if not rows:
        return []
    from scipy.sparse import csr_matrix  # here, not at import: scipy costs a command's start ~0.2 s

    x = csr_matrix((np.array(data, dtype=np.float64), (rows, cols)), shape=(n, len(vocab)))
    xt = x.T.tocsr()
    out: list[tuple[int, int]] = []
    for lo in range(0, n, block):
        near = (x[lo : lo + block] @ xt).tocoo()
        keep = (near.data >= threshold - _SUM_MARGIN) & (near.row + lo < near.col)
        out.extend(zip((near.row[keep] + lo).tolist(), near.col[keep].tolist()))
    out.sort()
    return out


def _pairs_sharing(docs: Sequence[Iterable[str]], at_least: int, block: int = 2048) -> list[tuple[int, int]]:
    """Pairs (i < j) of documents that share at least ``at_least`` distinct words, in (i, j) order.

    A sparse product over an inverted index (scipy), row block by row block, instead of a scan of all pairs:
    an event of a few hundred articles has tens of thousands of sentences.
    """
    vocab: dict[str, int] = {}
    rows: list[int] = []
    cols: list[int] = []
    for i, d in enumerate(docs):
        for w in set(d):
            rows.append(i)
            cols.append(vocab.setdefault(w, len(vocab)))
    n = len(docs)
    if not rows:
        return []
    from scipy.sparse import csr_matrix  # (as in ``_pairs_near``)

    x = csr_matrix((np.ones(len(rows), dtype=np.int32), (rows, cols)), shape=(n, len(vocab)))
    xt = x.T.tocsr()
    out: list[tuple[int, int]] = []
    for lo in range(0, n, block):
        shared = (x[lo : lo + block] @ xt).tocoo()
        keep = (shared.data >= at_least) & (shared.row + lo < shared.col)
        out.extend(zip((shared.row[keep] + lo).tolist(), shared.col[keep].tolist()))
    out.sort()
    return out


# Bump when ``compare`` changes what it produces: stored comparisons built by older code are built again.
COMPARE_VERSION = 1


def wire_carried(passages: Iterable[Passage], duplicate_of: Mapping[str, str]) -> dict[str, list[Passage]]:
    """Article -> the wire copy (``is_wire_copy`` passages) it or its original carries."""
    carried: dict[str, list[Passage]] = {}
    for p in passages:
        if is_wire_copy(p):
            for a in {x for art in p.articles for x in (art, duplicate_of.get(art, art))}:
                carried.setdefault(a, []).append(p)
    return carried


def is_compared(event: Event, duplicate_of: Mapping[str, str], articles: Container[str] | None = None) -> bool:
    """Whether an event has a side-by-side: two or more independent sources (copies folded) report it."""
    return len({duplicate_of.get(a, a) for a in event.articles if articles is None or a in articles}) >= 2


def event_wire(
    event: Event, carried: Mapping[str, Sequence[Passage]], duplicate_of: Mapping[str, str]
) -> list[Passage]:
    """The wire copy an event's articles (or their originals) carry, each passage once, in a stable order."""
    mine = {p.id: p for a in event.articles for x in (a, duplicate_of.get(a, a)) for p in carried.get(x, ())}
    return list(mine.values())


def event_comparisons(
    events: Sequence[Event],
    articles: Mapping[str, Article],
    duplicate_of: Mapping[str, str],
    passages: Sequence[Passage] = (),
) -> list[Comparison]:
    """The side-by-side of every event that two or more independent sources report."""
    carried = wire_carried(passages, duplicate_of)  # each event is given only the wire copy its articles carry
    return [
        compare(ev, articles, duplicate_of, passages=event_wire(ev, carried, duplicate_of))
        for ev in events
        if is_compared(ev, duplicate_of, articles)
    ]


def comparison_digest(
    event: Event, duplicate_of: Mapping[str, str], wire: Iterable[Passage], options: CompareOptions = CompareOptions()
) -> str:
    """What an event's comparison is built from, as a digest: the same digest, the same comparison.

    Its articles (ids are content hashes: a stored article never changes), their duplicate marks, the wire copy
    they carry (``wire``: the passages ``event_comparisons`` would give it), the options and the code's version.
    Of the wire copy only what ``compare`` reads: each passage two or more of the event's originals carry (copies
    folded), its text and which of those originals carry it; a carrier joining elsewhere changes nothing here.
    """
    present = list(dict.fromkeys(event.articles))
    kept = {duplicate_of.get(a, a) for a in present if duplicate_of.get(a) not in present}
    shared = []
    for p in wire:
        inside = sorted({duplicate_of.get(a, a) for a in p.articles} & kept)
        if len(inside) >= 2 and is_wire_copy(p):
            shared.append((p.id, p.text, tuple(inside)))
    parts = (
        str(COMPARE_VERSION),
        repr(options),
        repr(event),
        repr([(a, duplicate_of.get(a)) for a in event.articles]),
        repr(sorted(shared)),
    )
    return hashlib.sha256("\x1f".join(parts).encode("utf-8")).hexdigest()
