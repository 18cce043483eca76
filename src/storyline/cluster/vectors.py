"""What the clusterer compares: an article's terms, their stream idf, its two weighted vectors, and centroids.

An article's terms (content words; capitalised words mid-sentence also as ``@name`` terms; years as ``#year``)
become a sublinear TF-IDF vector with the document frequencies of the stream so far, cut to its heaviest terms.
Two weightings of the same terms are kept: the *event space* stresses names (who and where tell one happening from
a similar one), the *story space* stresses names less (a story is a theme that outlives them).
"""

from __future__ import annotations

import functools
import heapq
import itertools
import math
import re
import sys
from collections import Counter
from collections.abc import Iterable, Mapping, MutableMapping, Sequence

from storyline.calendar_words import MONTHS, WEEKDAYS
from storyline.cluster.options import ClusterOptions
from storyline.records import Article
from storyline.stopwords import ENGLISH_STOP_WORDS
from storyline.text import normalise, sentence_spans
from storyline.vectors import Vector, norm, smooth_idf

# reporting and calendar words: nearly every news article has them, so they tell no happening from another
_NEWS_WORDS = """
    said says told according reported report reports year years week mr ms mrs time day days new also would could
    including
"""
# web furniture that survives cleaning (URLs in the text, "PUBLISHED: ..." lines)
_WEB_WORDS = """
    http https www com html htm php aspx org net published updated gmt bst edt est pdt pst utc am pm
    mon tue wed thu fri sat sun
"""
# month names and abbreviations, weekday names (calendar_words), lower-case as terms are
_CALENDAR = frozenset(MONTHS) | frozenset(WEEKDAYS)
_STOP = ENGLISH_STOP_WORDS | frozenset(_NEWS_WORDS.split()) | frozenset(_WEB_WORDS.split()) | _CALENDAR
_TOKEN = re.compile(r"[A-Za-z][A-Za-z'\-]+|(?<![\d.,])(?:19|20)\d\d(?![\d.,])")


def terms(article: Article, entities: Iterable[str] = ()) -> Counter[str]:
    """Term counts: lower-cased content words; capitalised mid-sentence words again as ``@name``; years as ``#year``.

    ``entities`` (merged entity names from the extract stage) are added as ``@name`` terms, so spellings that
    the entity merge unified (Kim Jong Un, Kim Jong-un) count as one name.
    """
    counts: Counter[str] = Counter()
    text = (article.title or "") + "\n" + article.text
    # each token's terms, in the order they are counted (a Counter keeps first-count order, which the clusterer
    # sums weights in), then counted in one C-level update
    keys: list[tuple[str, ...]] = []
    for start, end in sentence_spans(text):
        raws = _TOKEN.findall(text, start, end)
        if raws:
            keys.append(_opening_keys(raws[0]))
            keys += map(_keys, raws[1:])
    counts.update(itertools.chain.from_iterable(keys))
    for name in entities:
        counts["@" + normalise(name)] += 1
    return counts


@functools.lru_cache(maxsize=1 << 18)
def _keys(raw: str) -> tuple[str, ...]:
    """The terms one token inside a sentence counts: ``#year``; its term, and ``@term`` too when capitalised."""
    if raw[0].isdigit():
        return ("#" + raw,)
    word = _term(raw)
    if word is None:
        return ()
    if raw[0].isupper() and not raw.isupper():
        return word, sys.intern("@" + word)
    return (word,)


@functools.lru_cache(maxsize=1 << 16)
def _opening_keys(raw: str) -> tuple[str, ...]:
    """The terms a sentence's first token counts: no ``@term`` (capitalised for its place, not as a name)."""
    if raw[0].isdigit():
        return ("#" + raw,)
    word = _term(raw)
    return () if word is None else (word,)


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
        self.df: MutableMapping[str, int] = Counter()  # a ``state.LazyMap`` when resumed from stored rows
        self.n = 0

    def add(self, counts: Mapping[str, int]) -> None:
        """Count one more article with these terms."""
        self.n += 1
        df = self.df
        if isinstance(df, Counter):
            df.update(counts.keys())
        else:  # rows loaded lazily: only the terms counted here are read and written
            for t in counts:
                df[t] = df.get(t, 0) + 1

    def weight(self, term: str) -> float:
        """The term's smoothed idf over the articles seen so far."""
        return smooth_idf(self.n, self.df.get(term, 0))


# Key prefix of a dense embedding's dimensions inside a vector (``~0``, ``~1``, ...): no term starts with it.
DENSE = "~"
_DENSE_KEYS = [sys.intern(f"{DENSE}{i}") for i in range(1024)]


def vectorise(
    counts: Mapping[str, int], idf: Idf, options: ClusterOptions, dense: Sequence[float] | None = None
) -> tuple[Vector, Vector]:
    """Event-space and story-space vectors: sublinear TF-IDF, cut to the heaviest terms, L2-normalised.

    With ``dense`` (the article's sentence embedding) and a ``dense_weight`` above 0, each space also holds the
    embedding's dimensions (keys ``~0``, ``~1``, ...), scaled so that the cosine of two such vectors, and of a
    vector with a centroid, is ``(1 - w) x`` the words' cosine ``+ w x`` the embeddings' cosine: one sum of unit
    vectors still serves as the centroid of both, and nothing downstream needs to know.
    """
    base = {t: (1.0 + math.log(c)) * idf.weight(t) for t, c in counts.items()}
    vec = _space(base, options.name_weight, options.vector_terms)
    svec = _space(base, options.story_name_weight, options.story_vector_terms)
    if dense is not None and len(dense) <= len(_DENSE_KEYS):
        length = math.sqrt(sum(x * x for x in dense))
        if length > 0.0:
            unit_dense = [x / length for x in dense]
            vec = _with_dense(vec, unit_dense, options.dense_weight)
            svec = _with_dense(svec, unit_dense, options.story_dense_weight)
    return vec, svec


def _with_dense(vec: Vector, unit_dense: Sequence[float], weight: float) -> Vector:
    """A unit vector whose words carry ``1 - weight`` of a cosine and the embedding ``weight`` (0: words alone)."""
    if weight <= 0.0:
        return vec
    a = math.sqrt(1.0 - weight) if vec else 0.0
    b = math.sqrt(weight) if vec else 1.0
    out = {t: w * a for t, w in vec.items()}
    out.update(zip(_DENSE_KEYS, (b * x for x in unit_dense)))
    return out


def _dense_dims(v: Mapping[str, float]) -> int:
    """How many embedding dimensions a vector made by ``vectorise`` holds (they come last)."""
    if not isinstance(v, dict) or not v:
        return 0
    last = next(reversed(v))
    return int(last[1:]) + 1 if last[0] == DENSE else 0


def is_term(key: str) -> bool:
    """A word, name or year key (not an embedding dimension)."""
    return key[0] != DENSE


def heaviest(vec: Mapping[str, float], keep: int) -> Vector:
    """The ``keep`` heaviest terms of ``vec``, and every embedding dimension it has (those are never cut)."""
    dense = {t: w for t, w in vec.items() if t[0] == DENSE}
    if not dense:
        return dict(heapq.nlargest(keep, vec.items(), key=lambda kv: kv[1]))
    out = dict(heapq.nlargest(keep, ((t, w) for t, w in vec.items() if t[0] != DENSE), key=lambda kv: kv[1]))
    out.update(dense)
    return out


def _space(base: Mapping[str, float], name_weight: float, keep: int) -> Vector:
    """One space: names weighed by ``name_weight``, the ``keep`` heaviest terms, unit length (zeros dropped)."""
    vec = {t: (w * name_weight if t[0] == "@" else w) for t, w in base.items()}
    if len(vec) > keep:
        vec = dict(heapq.nlargest(keep, vec.items(), key=lambda kv: kv[1]))
    length = norm(vec) or 1.0
    return {t: v / length for t, v in vec.items() if v > 0}


class Centroid:
    """A sum of unit vectors with its squared norm kept up to date; pruned to its heaviest terms."""

    __slots__ = ("limit", "sq", "vec")

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
            if len(c) > 2 * self.limit + _dense_dims(v):
                self.vec = heaviest(c, self.limit)
                self.sq = sum(w * w for w in self.vec.values())
        else:
            for t, w in v.items():
                left = c.get(t, 0.0) - w
                if left > 1e-9 or (t[0] == DENSE and t in c):
                    c[t] = left
                else:
                    c.pop(t, None)
            self.sq = sum(w * w for w in c.values())

    def merge(self, other: Centroid) -> None:
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
