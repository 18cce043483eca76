"""The fast paths of the per-item stages give what the plain scans they replace gave."""

from __future__ import annotations

import random
from collections import Counter

from storyline.compare import _pairs_near, _pairs_sharing, _same_names, compare
from storyline.extract.quotes.find import find_quotes
from storyline.extract.quotes.marks import DOUBLE, SINGLE, _pair_marks, find_quote_marks
from storyline.records import Article, Event
from storyline.vectors import dot, tfidf


def test_pairs_near_holds_every_pair_at_or_above_the_threshold() -> None:
    rng = random.Random(3)
    vocab = [f"w{k}" for k in range(40)]
    vectors = [
        tfidf(Counter(rng.choices(vocab, k=rng.randint(1, 8))), {w: 1.0 + rng.random() for w in vocab})
        for _ in range(120)
    ]
    for threshold in (0.2, 0.5, 0.8):
        exact = [
            (i, j) for i, j in _pairs_sharing([list(v) for v in vectors], 1) if dot(vectors[i], vectors[j]) >= threshold
        ]
        near = _pairs_near(vectors, threshold)
        assert set(exact) <= set(near)
        assert near == sorted(near)
        # the margin admits only pairs a hair below the threshold
        assert all(dot(vectors[i], vectors[j]) >= threshold - 1e-6 for i, j in near)
    # a pair of identical vectors reaches a threshold of exactly 1.0 (up to rounding)
    assert (0, 1) in _pairs_near([{"a": 0.6, "b": 0.8}, {"a": 0.6, "b": 0.8}], 1.0)


def test_same_names_matches_demonyms_only_by_a_shared_prefix() -> None:
    assert _same_names({"drannia", "kim"}, {"drannian", "putin"}) == {"drannia", "drannian"}
    assert _same_names({"kim"}, {"kims"}) == set()  # under five letters: no prefix rule
    assert _same_names({"russia"}, {"russians"}) == {"russia", "russians"}
    assert _same_names({"russia"}, {"russianist"}) == set()  # more than two letters longer
    assert _same_names({"seoul", "korea"}, {"korea"}) == {"korea"}


def test_quote_marks_pair_within_paragraphs() -> None:
    text = 'He said “we will go” and ‘maybe’ later.\nShe wrote "unclosed and “done”.'
    pairs = find_quote_marks(text)
    # the unclosed straight mark is skipped: the curly pair after it stands
    assert pairs == [(8, 19), (25, 31), (text.index("“done"), text.index("”."))]
    assert _pair_marks("no marks here", DOUBLE, 0, 13, False) == []
    assert _pair_marks("Russia’s ‘plan’", SINGLE, 0, 15, True) == [(9, 14)]


def test_quotes_in_and_outside_a_direct_quote_region() -> None:
    text = (
        "The minister said the plan would cut costs. “We will not back down,” she said. "
        "Officials said the talks would resume on Monday."
    )
    quotes = find_quotes(text, "a1")
    reported = [q.text for q in quotes if not q.direct]
    assert any("talks would resume" in t for t in reported)
    assert any(q.direct and q.text.startswith("We will not back down") for q in quotes)


def test_compare_groups_the_same_claim_across_sources() -> None:
    a = Article("a", "a.txt", "Officials said the new bridge over the river opened to traffic on Monday morning.")
    b = Article("b", "b.txt", "The new bridge over the river opened to traffic on Monday morning, officials said.")
    c = Article("c", "c.txt", "A separate storm closed several schools in the northern districts this week.")
    comp = compare(Event("e", "s", None, "bridge", ("a", "b", "c")), {x.id: x for x in (a, b, c)}, {})
    assert [sorted(cl.article for cl in s.claims) for s in comp.shared] == [["a", "b"]]
    assert [cl.article for cl in comp.unique] == ["c"]
