"""Passages found by Spark tasks (issue 16): ``batch.passages.span_rows`` gives the rows ``dedupe.passages.Passages``
pairs and grows in one process, so ``Passages(search=...)`` finds the same spans, crowded keys and ``Passage``
records as ``find_passages``, on the sample, on generated corpora whose outlets reuse wire paragraphs and quotes,
and on Timeline17 grown by bench/scale_corpus.py (when the dataset is beside the repository).

Spark runs for real on ``local[2,3]``; the tests skip, saying why, without pyspark or Java, and fail instead when
STORYLINE_REQUIRE_SPARK is set (CI).
"""

from __future__ import annotations

import random
from typing import Any

import numpy as np
import pytest

from conftest import SAMPLE, t17_grown
from storyline.batch.passages import span_search
from storyline.dedupe import DedupeOptions, find_duplicates
from storyline.dedupe.index import Corpus
from storyline.dedupe.passages import Passages, find_passages
from storyline.ingest import read
from storyline.records import Article
from test_dedupe_incremental import generate

pytestmark = pytest.mark.slow


def _sample() -> list[Article]:
    return [a for a in read([str(SAMPLE)]) if isinstance(a, Article)]


def _wire(seed: int, n: int = 260) -> list[Article]:
    """Articles of a dozen outlets, each its own paragraphs around wire paragraphs (some cut at a ragged edge, some
    twice in one article, one carried by most outlets with strangers between them), quotations taken whole or in
    part, a stock phrase everyone uses, one outlet's footer, exact and near copies, and articles without a date."""
    rng = random.Random(seed)
    vocab = [f"w{i}" for i in range(900)]

    def words(k: int) -> str:
        return " ".join(rng.choice(vocab) for _ in range(k))

    wires = [f"{words(rng.randint(12, 40))}." for _ in range(30)]
    quotes = [words(rng.randint(4, 12)) for _ in range(12)]
    stock = "said in a statement on the day"
    outlets = [f"outlet-{i}" for i in range(12)]
    out: list[Article] = []
    for i in range(n):
        outlet = rng.choice(outlets)
        paras = [f"{words(rng.randint(15, 50))} {stock} {words(5)}." for _ in range(rng.randint(2, 5))]
        for _ in range(rng.randint(0, 3)):
            w = rng.choice(wires[:3] if rng.random() < 0.3 else wires)
            if rng.random() < 0.3:  # a ragged edge: a word or a few cut or added
                toks = w.split()
                w = " ".join([*toks[rng.randint(0, 3) : len(toks) - rng.randint(0, 3)], rng.choice(vocab)])
            paras.insert(rng.randrange(len(paras) + 1), w)
            if rng.random() < 0.1:
                paras.append(w)
        if rng.random() < 0.5:
            q = rng.choice(quotes)
            if rng.random() < 0.3:
                q = " ".join(q.split()[: max(4, len(q.split()) - 2)])
            paras.insert(1, f'{words(4)} said "{q}" {words(3)}.')
        if outlet == "outlet-0":
            paras.append("Copyright outlet zero all rights reserved do not copy this page without leave.")
        published = None if rng.random() < 0.1 else f"2026-{1 + i % 12:02d}-{1 + i % 28:02d}"
        a = Article(id=f"a{seed}-{i:04d}", source=outlet, outlet=outlet, text="\n\n".join(paras), published=published)
        out.append(a)
        if rng.random() < 0.08:
            out.append(Article(id=f"{a.id}x", source="reprints", outlet="reprints", text=a.text, published=published))
        if rng.random() < 0.08:
            near = "\n\n".join([*paras[:-1], words(6)]) if len(paras) > 3 else a.text + " " + words(3)
            out.append(Article(id=f"{a.id}n", source=outlet, outlet=outlet, text=near, published=None))
    rng.shuffle(out)
    return out


def _same(spark: Any, articles: list[Article], options: DedupeOptions = DedupeOptions(), slices: int = 5) -> int:
    """Passages with the search in tasks equal the one process's, span for span; returns how many passages."""
    corpus = Corpus(articles, options)
    # as in the batch path: a corpus given the records of a duplicate search done elsewhere (``Corpus(duplicates)``)
    given = Corpus(articles, options, duplicates=find_duplicates(articles, options))
    rows, crowded, lasts = span_search(spark.sparkContext, slices)(given)
    want = Passages(corpus)
    got = Passages(given, search=lambda _: (rows, crowded, lasts))
    assert got.found() == want.found()
    assert np.array_equal(got.crowded, want.crowded)
    assert np.array_equal(got.crowded_last, want.crowded_last)  # each crowded key's last pairing entry
    passages = Passages(given, search=lambda _: (rows, crowded, lasts)).run()
    assert passages == find_passages(articles, options)
    return len(passages)


def test_spark_finds_the_samples_passages(spark: Any) -> None:
    assert _same(spark, _sample()) >= 3


@pytest.mark.parametrize("seed", [1, 2])
def test_spark_finds_the_passages_of_a_generated_corpus(spark: Any, seed: int) -> None:
    assert _same(spark, generate(seed).articles, slices=3) >= 5


def test_spark_finds_wire_paragraphs_reused_across_outlets(spark: Any) -> None:
    articles = _wire(16)
    options = DedupeOptions()
    corpus = Corpus(articles, options)
    assert corpus.duplicates, "the corpus should hold copies"
    assert max(len(p.articles) for p in find_passages(articles, options)) > 3 * 8, "a passage past LOOKBACK carriers"
    assert _same(spark, articles, options) >= 20
    # crowded keys: the stock phrase and the busiest wire paragraphs pair among their first entries only, and spans
    # anchor further in
    tight = DedupeOptions(key_groups_max=6)
    assert Passages(Corpus(articles, tight)).found() and _same(spark, articles, tight, slices=4) >= 10
    assert _same(spark, articles, DedupeOptions(passage_min_words=14, quoted_min_words=5), slices=2) >= 10


def test_a_search_done_elsewhere_is_of_a_whole_corpus() -> None:
    corpus = Corpus(_sample(), DedupeOptions())
    with pytest.raises(ValueError, match="whole corpus"):
        Passages(
            corpus, targets=[0], search=lambda c: (Passages(c)._rows(), np.zeros(0, np.uint64), np.zeros(0, np.int64))
        )


def test_spark_finds_the_passages_of_timeline17_grown_at_run_time(spark: Any) -> None:
    articles = t17_grown(5000)
    articles = list({a.id: a for a in articles}.values())
    assert _same(spark, articles, slices=8) > 1000


def test_the_search_survives_its_shuffles_spilling_to_disk(spilling: Any) -> None:
    # a spill sorts each group-by's keys (key partitions, pair partitions, article ranks): they must compare
    assert _same(spilling, generate(3).articles, slices=3) >= 5
