"""Sparse vectors as ``{term: weight}`` dicts: dot product, cosine, unit length, sums, and tf-idf weights.

Clustering, timelines and the comparison all score text this way; the arithmetic lives here once. The order in
which terms are summed is part of each function's contract (floating-point sums depend on it, and cluster
assignments, timeline sentences and claim groups depend on the sums): ``dot`` walks the shorter vector, sums walk
their inputs in order.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Iterable, Mapping

Vector = dict[str, float]


def dot(a: Mapping[str, float], b: Mapping[str, float]) -> float:
    """Dot product of two sparse vectors (walks the shorter one)."""
    if len(a) > len(b):
        a, b = b, a
    return sum(v * b.get(t, 0.0) for t, v in a.items())


def norm(vec: Mapping[str, float]) -> float:
    """Euclidean length."""
    return math.sqrt(sum(v * v for v in vec.values()))


def cosine(a: Mapping[str, float], b: Mapping[str, float]) -> float:
    """Cosine of two sparse vectors (0.0 when either is empty or zero)."""
    if len(a) > len(b):
        a, b = b, a
    na, nb = norm(a), norm(b)
    return dot(a, b) / (na * nb) if na and nb else 0.0


def unit(vec: Mapping[str, float]) -> Vector:
    """``vec`` scaled to length 1 (a zero vector stays as it is)."""
    length = norm(vec) or 1.0
    return {t: v / length for t, v in vec.items()}


def vector_sum(vectors: Iterable[Mapping[str, float]]) -> Vector:
    """Term-wise sum, terms in the order they first appear."""
    out: Vector = {}
    for v in vectors:
        for t, w in v.items():
            out[t] = out.get(t, 0.0) + w
    return out


def centroid(vectors: Iterable[Mapping[str, float]]) -> Vector:
    """The normalised sum of unit vectors: what most of them say."""
    return unit(vector_sum(vectors))


def smooth_idf(documents: int, df: int) -> float:
    """Inverse document frequency with add-one smoothing, ``ln((1 + N) / (1 + df)) + 1`` (scikit-learn's
    ``smooth_idf``): a term in every document still weighs 1, an unseen term stays finite."""
    return math.log((1 + documents) / (1 + df)) + 1.0


def idf_table(documents: Iterable[Iterable[str]]) -> Vector:
    """``smooth_idf`` of every term of ``documents`` (each document counts a term once)."""
    df: Counter[str] = Counter()
    n = 0
    for doc in documents:
        n += 1
        df.update(set(doc))
    return {t: smooth_idf(n, k) for t, k in df.items()}


def tfidf(counts: Mapping[str, int], idf: Mapping[str, float]) -> Vector:
    """Raw term frequency x idf (1.0 for a term ``idf`` lacks), scaled to unit length."""
    return unit({t: c * idf.get(t, 1.0) for t, c in counts.items()})
