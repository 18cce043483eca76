"""Article embeddings for the clusterer's story space (the ``[embed]`` extra).

What two articles are *about* (an earthquake, an election, a ceasefire) shows in their words' meanings even when
they share few words: "quake" and "tremor", "vote" and "ballot". The clusterer weighs an embedding into its story
space when it is given one (``ClusterOptions.story_dense_weight``). The embedding is wordllama's static token
embeddings averaged over an article's title and lead (its weights ship inside the PyPI package: nothing is fetched
at run time; ~30k texts a second on one core). The clusterer centres them on its stream's mean (``Clusterer.centre``).

No storage and no shell here: the pipeline asks ``Embedder.embed`` for a batch of articles' vectors.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from storyline.errors import MissingExtra
from storyline.records import Article

# how much of an article is embedded: the title and the lead, where news states what happened (longer texts
# drift into background and dilute the mean; bench/bench_cluster.py --embed measured 600 against 300 and 3,000)
LEAD_CHARS = 600
DIM = 256  # wordllama's full width (its matryoshka cuts lose accuracy for little speed here)


def available() -> bool:
    """Whether the ``[embed]`` extra is installed."""
    try:
        import wordllama  # noqa: F401
    except ImportError:
        return False
    return True


class Embedder:
    """Loads the model once; ``embed`` gives one centred vector per article."""

    def __init__(self, dims: int = DIM) -> None:
        try:
            import wordllama
            from wordllama import WordLlama
        except ImportError as exc:
            raise MissingExtra("Clustering with article embeddings (--embed)", "embed", "wordllama") from exc
        from pathlib import Path

        # the weights ship in the package's own folder; its default look-up is a cache folder (and a download)
        # the package ships the 256-wide weights; a narrower embedding is their first ``dims`` columns (matryoshka)
        self._model: Any = WordLlama.load(
            cache_dir=Path(wordllama.__file__).parent,
            disable_download=True,
            dim=DIM,
            trunc_dim=dims if dims < DIM else None,
        )

    def embed(self, articles: Sequence[Article]) -> list[list[float]]:
        """One unit vector per article (its title and lead); zeros for an article with no known word."""
        if not articles:
            return []
        return [[float(x) for x in row] for row in self._model.embed([lead(a) for a in articles], norm=True)]


def lead(article: Article) -> str:
    """What is embedded of an article: its title and the start of its text."""
    return ((article.title or "") + "\n" + article.text)[:LEAD_CHARS]
