"""Article embeddings in the clusterer: how they are weighed into a vector, kept in centroids, and centred."""

from __future__ import annotations

import math
import random
from collections import Counter
from dataclasses import replace

import pytest

from storyline.cluster import Clusterer, ClusterOptions, with_embeddings
from storyline.cluster.vectors import DENSE, Centroid, Idf, vectorise
from storyline.records import Article
from storyline.vectors import cosine


def _unit(v: list[float]) -> list[float]:
    n = math.sqrt(sum(x * x for x in v))
    return [x / n for x in v]


def _dense_cos(a: list[float], b: list[float]) -> float:
    return sum(x * y for x, y in zip(_unit(a), _unit(b)))


@pytest.mark.parametrize("weight", [0.2, 0.5, 0.8])
def test_a_mixed_cosine_is_the_weighed_sum_of_the_word_and_embedding_cosines(weight: float) -> None:
    rng = random.Random(weight)
    opts = replace(ClusterOptions(), dense_weight=weight, story_dense_weight=weight)
    idf = Idf()
    ca = Counter({"quake": 3, "rescue": 1, "@chile": 2, "tremor": 1})
    cb = Counter({"quake": 1, "rescue": 2, "@peru": 1, "aftershock": 2})
    idf.add(ca)
    idf.add(cb)
    da, db = [rng.uniform(-1, 1) for _ in range(16)], [rng.uniform(-1, 1) for _ in range(16)]
    words_a, story_a = vectorise(ca, idf, ClusterOptions())
    words_b, story_b = vectorise(cb, idf, ClusterOptions())
    va, sa = vectorise(ca, idf, opts, da)
    vb, sb = vectorise(cb, idf, opts, db)
    want = (1 - weight) * cosine(words_a, words_b) + weight * _dense_cos(da, db)
    assert cosine(va, vb) == pytest.approx(want)
    assert cosine(sa, sb) == pytest.approx((1 - weight) * cosine(story_a, story_b) + weight * _dense_cos(da, db))
    assert math.fsum(w * w for w in va.values()) == pytest.approx(1.0)
    assert sum(1 for t in va if t[0] == DENSE) == 16


def test_without_a_weight_an_embedding_changes_nothing() -> None:
    idf = Idf()
    counts = Counter({"ballot": 2, "@ohio": 1})
    idf.add(counts)
    assert vectorise(counts, idf, ClusterOptions(), [0.3, -0.2, 0.9]) == vectorise(counts, idf, ClusterOptions())


def test_a_centroid_keeps_every_embedding_dimension_when_pruned_and_when_a_member_leaves() -> None:
    c = Centroid(limit=3)
    members = []
    for i in range(6):  # enough different words to prune the centroid to its 3 heaviest
        v = {f"w{i}": 0.6, f"x{i}": 0.3, f"{DENSE}0": -0.5, f"{DENSE}1": 0.55}
        members.append(v)
        c.add(v)
    assert c.vec[f"{DENSE}0"] == pytest.approx(-3.0) and c.vec[f"{DENSE}1"] == pytest.approx(3.3)
    assert sum(1 for t in c.vec if t[0] != DENSE) <= 2 * 3
    c.add(members[0], -1.0)
    assert c.vec[f"{DENSE}0"] == pytest.approx(-2.5)  # a negative sum stays (a word's would be dropped)
    assert c.sq == pytest.approx(sum(w * w for w in c.vec.values()))


def test_index_terms_are_words_never_embedding_dimensions() -> None:
    c = Clusterer(with_embeddings())
    vec = {f"{DENSE}{i}": 0.9 for i in range(40)} | {"quake": 0.1, "@chile": 0.05}
    assert c.top(vec) == ["quake", "@chile"]


def test_embeddings_are_centred_on_the_mean_of_the_stream_so_far() -> None:
    c = Clusterer(with_embeddings())
    assert c.centre([1.0, 3.0]) == [0.0, 0.0]  # the first is the mean: no direction of its own yet
    assert c.centre([3.0, 1.0]) == [1.0, -1.0]
    assert c.dense_n == 2 and c.dense_sum == [4.0, 4.0]


def test_two_articles_about_one_thing_in_other_words_join_one_story_only_with_embeddings() -> None:
    """Two short reports share one word of eight (the index finds the pair; the words alone stay below the story
    bar); their embeddings (made up, near each other) bring them into one story, and an unrelated one stays apart.
    The unrelated one comes first: the first embedding of a stream is its mean, so it adds no direction."""
    from storyline.cluster import terms

    opts = replace(with_embeddings(), story_dense_weight=0.6)
    arts = [
        ("Parliament passes the budget bill after a long night of votes.", [-1.0, 0.0, 0.9]),
        ("Quake strikes coastal towns, toppling homes and cutting power lines.", [1.0, 0.1, 0.0]),
        ("Tremor jolts seaside villages; rescuers search rubble for survivors near coastal roads.", [0.9, 0.2, 0.1]),
    ]

    def stories(use_dense: bool) -> list[str]:
        c = Clusterer(opts)
        for i, (text, vec) in enumerate(arts):
            art = Article(id=f"a{i}", source="x", text=text, published=f"2024-03-0{1 + 4 * i}")
            c.add(art, terms(art), art.published, dense=vec if use_dense else None)
        c.recluster()
        return [c.events[c.event_of[f"a{i}"]].story for i in range(3)]

    assert len(set(stories(use_dense=False))) == 3
    budget, quake, tremor = stories(use_dense=True)
    assert quake == tremor != budget
