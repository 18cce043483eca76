"""Duplicates found by Spark tasks (issue 16): ``batch.neardup.near_duplicates`` gives the ``Duplicate`` records
``dedupe.find_duplicates`` gives for the same articles, on the sample, on a corpus made of it with copies at and
around the threshold, and on Timeline17 grown by bench/scale_corpus.py (when the dataset is beside the repository).

Spark runs for real on ``local[2,3]``; the tests skip, saying why, without pyspark or Java, and fail instead when
STORYLINE_REQUIRE_SPARK is set (CI).
"""

from __future__ import annotations

import random
import re
from dataclasses import replace
from typing import Any

import numpy as np
import pytest

from conftest import SAMPLE, t17_grown
from storyline.batch.neardup import group_pairs, near_duplicates, sketches
from storyline.batch.partition import read_articles, split
from storyline.dedupe import DedupeOptions, find_duplicates
from storyline.dedupe.minhash import jaccard
from storyline.ingest import InputFile, discover, read
from storyline.pipeline import PipelineOptions
from storyline.records import Article, Duplicate

pytestmark = pytest.mark.slow

_SENTENCE = re.compile(r"(?<=[.!?])\s+(?=[A-Z])")


def _sample() -> list[Article]:
    return [a for a in read([str(SAMPLE)]) if isinstance(a, Article)]


def _distributed(spark: Any, articles: list[Article], options: DedupeOptions = DedupeOptions()) -> list[Duplicate]:
    return near_duplicates(spark.sparkContext.parallelize(articles, 5), options)


def _copies(articles: list[Article], eras: int, seed: int = 16) -> list[Article]:
    """``articles`` in ``eras`` renamed eras (each capitalised word suffixed), each article with near copies that
    keep 55-95% of its sentences (both sides of the threshold), copies of those copies, exact copies (other
    spacing), two-word and empty articles, and articles without a date."""
    rng = random.Random(seed)
    out: list[Article] = []
    for era in range(eras):
        tag = "qxzjvkwy"[era % 8] * (1 + era // 8)
        for a in articles:
            text = re.sub(r"\b([A-Z][a-z]{2,})\b", lambda m, t=tag: m.group(1) + t, a.text)
            base = replace(a, id=f"{a.id}~{era}", text=text, content_hash="")
            if era % 5 == 4:
                base = replace(base, published=None)
            out.append(base)
            sentences = _SENTENCE.split(text)
            for k in range(rng.randrange(4)):
                keep = max(1, round(len(sentences) * rng.uniform(0.55, 0.95)))
                start = rng.randrange(len(sentences) - keep + 1)
                kept = sentences[start : start + keep]
                if rng.random() < 0.5:
                    kept = [f"Breaking {tag}: {kept[0][:40]}", *kept, "Follow us for more updates."]
                copy = replace(base, id=f"{base.id}~near{k}", text=" ".join(kept), content_hash="")
                out.append(copy)
                if rng.random() < 0.3:  # a copy of the copy, trimmed again: groups join transitively
                    again = _SENTENCE.split(copy.text)
                    trimmed = " ".join(again[: max(1, len(again) - 1)])
                    out.append(replace(copy, id=f"{copy.id}~again", text=trimmed, published="2026-01-01"))
            if rng.random() < 0.3:
                out.append(replace(base, id=f"{base.id}~exact", text="  " + text.replace(" ", "  ")))
        out.append(Article(id=f"short{era}", source="s", text=f"Harbour {tag} closed."))
        out.append(Article(id=f"short{era}b", source="s", text=f"Harbour {tag}  closed!", published="2024-01-01"))
        out.append(Article(id=f"empty{era}", source="s", text=""))
        out.append(Article(id=f"blank{era}", source="s", text=" ... "))
    rng.shuffle(out)
    return out


def test_the_sketch_is_dedupes_shingle_set_and_jaccard_decides_the_sample_pairs() -> None:
    articles = _sample()
    found = find_duplicates(articles)
    assert any(d.kind == "near" for d in found), "the sample should hold near copies"
    sk = {s.id: s for s in sketches(articles)}
    for d in found:
        a, b = sk[d.article], sk[d.duplicate_of]
        assert set(a.bands) & set(b.bands) or a.content_hash == b.content_hash or d.similarity < 0.7
        assert round(jaccard(a.shingle_set(), b.shingle_set()), 4) == d.similarity or d.kind == "exact"
    assert all(len(s.bands) == 25 and np.all(np.diff(s.shingle_set().astype(np.float64)) > 0) for s in sk.values())


def test_group_pairs_names_each_group_by_its_earliest_member() -> None:
    a, b, c, d = ((False, "2024-01-0" + str(n), x) for n, x in enumerate("abcd", 1))
    undated = (True, "", "e")
    assert group_pairs([(c, d), (undated, b), (b, c)]) == {c: b, d: b, undated: b}
    assert group_pairs([]) == {}
    assert a not in group_pairs([(c, d)])


def test_spark_finds_the_samples_duplicates(spark: Any) -> None:
    articles = _sample()
    want = find_duplicates(articles)
    assert want and _distributed(spark, articles) == want
    # the articles read in tasks (as a batch run's tasks hold them) are the ones ``read`` gives
    files = [f for f in discover([str(SAMPLE)]) if isinstance(f, InputFile)]
    groups = split(files, 3)
    assert len(groups) > 1
    in_tasks = spark.sparkContext.parallelize(groups, len(groups)).flatMap(
        lambda g: read_articles(g, PipelineOptions())
    )
    assert in_tasks.collect() == articles
    assert near_duplicates(in_tasks) == want
    # an article in two input files comes twice: counted once, as the store keeps it once
    assert near_duplicates(in_tasks.union(in_tasks.sample(False, 0.5, seed=3))) == want


def test_spark_finds_the_duplicates_of_a_corpus_with_copies_around_the_threshold(spark: Any) -> None:
    articles = _copies(_sample(), eras=12)
    want = find_duplicates(articles)
    near = [d for d in want if d.kind == "near"]
    assert len(near) > 200 and any(d.similarity < 0.7 for d in near)  # transitive members under the threshold
    assert {d.kind for d in want} == {"exact", "near"}
    assert _distributed(spark, articles) == want
    # the same with other options: a lower threshold joins more, and still agrees
    loose = DedupeOptions(near_threshold=0.5, lsh_margin=0.2)
    want_loose = find_duplicates(articles, loose)
    assert len(want_loose) > len(want)
    assert _distributed(spark, articles, loose) == want_loose


def test_spark_finds_the_duplicates_of_timeline17_grown_at_run_time(spark: Any) -> None:
    articles = t17_grown(6000)
    articles += _copies(articles[:300], eras=1, seed=17)[:600]
    articles = list({a.id: a for a in articles}.values())
    want = find_duplicates(articles)
    assert len(want) > 300
    assert _distributed(spark, articles) == want


def test_the_search_survives_its_shuffles_spilling_to_disk(spilling: Any) -> None:
    # a spill sorts a group-by's keys: content hashes and band keys must compare (they did not, at 100k articles)
    articles = _copies(_sample(), eras=3)
    want = find_duplicates(articles)
    assert len(want) > 50 and {d.kind for d in want} == {"exact", "near"}
    assert _distributed(spilling, articles) == want
