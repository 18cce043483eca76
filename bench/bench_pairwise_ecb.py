"""How far a pairwise model over similarities could take ECB+ clustering (issue 17, item 3): an offline bound.

Usage: .venv/bin/python bench/bench_pairwise_ecb.py    (needs scikit-learn and the [embed] extra; not the clusterer)

For every pair of ECB+ 1-35 documents: the words' TF-IDF cosine (sublinear, as the clusterer's vectors), the
centred embeddings' cosine (``storyline.embed``), the Jaccard of their capitalised words (names), whether they share
a year and a number. Five folds by topic (as bench/tune_cluster_embed.py): a logistic regression trained on the
pairs of the other 28 topics gives each held-out pair P(same event) (and, trained again, P(same topic)); the
held-out fold's documents are clustered by average linkage on 1 - P, cut where the training topics cluster best. The reference is the same
clustering on the words' cosine alone, its cut chosen on the training folds. The fold's documents are clustered
among themselves only (no other topic to confuse them with), so both figures are optimistic; what matters is the
difference the extra similarities make. Last line: both, event and topic B3-F1.
"""

from __future__ import annotations

import re
import sys
from collections.abc import Sequence

import numpy as np
from bench_cluster import load_ecb, score
from scipy.cluster.hierarchy import fcluster, linkage
from scipy.spatial.distance import squareform
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression

from storyline.embed import Embedder, lead

_NAME = re.compile(r"(?<=[a-z,;] )[A-Z][a-z]+")
_YEAR = re.compile(r"\b(?:19|20)\d\d\b")
_NUM = re.compile(r"\b\d[\d,.]*\b")


def _sets(texts: Sequence[str], pattern: re.Pattern[str]) -> list[frozenset[str]]:
    return [frozenset(pattern.findall(t)) for t in texts]


def _jaccard(sets: list[frozenset[str]]) -> np.ndarray:
    n = len(sets)
    out = np.zeros((n, n))
    for i in range(n):
        for j in range(i + 1, n):
            u = len(sets[i] | sets[j])
            out[i, j] = out[j, i] = len(sets[i] & sets[j]) / u if u else 0.0
    return out


def _cluster(sim: np.ndarray, cut: float) -> np.ndarray:
    dist = np.clip(1.0 - sim, 0.0, None)
    np.fill_diagonal(dist, 0.0)
    return fcluster(linkage(squareform(dist, checks=False), "average"), t=1.0 - cut, criterion="distance")


def _b3(labels: np.ndarray, ids: list[str], gold: dict[str, str]) -> float:
    return float(score({d: str(c) for d, c in zip(ids, labels)}, {d: gold[d] for d in ids})["b3_f1"])


def main() -> int:
    data = load_ecb()
    ids = [it.article.id for it in data.items]
    texts = [(it.article.title or "") + "\n" + it.article.text for it in data.items]
    words = TfidfVectorizer(sublinear_tf=True, stop_words="english").fit_transform(texts)
    cos = (words @ words.T).toarray()
    emb = np.asarray(Embedder().embed([it.article for it in data.items]))
    emb = emb - emb.mean(axis=0)
    emb /= np.linalg.norm(emb, axis=1, keepdims=True)
    ecos = emb @ emb.T
    names = _jaccard(_sets(texts, _NAME))
    years = _jaccard(_sets(texts, _YEAR)) > 0
    nums = _jaccard(_sets([lead(it.article) for it in data.items], _NUM))
    feats = np.stack([cos, ecos, names, years.astype(float), nums], axis=-1)
    topic = np.array([data.gold_story[d] for d in ids])
    event = np.array([data.gold_event[d] for d in ids])
    topics = sorted(set(topic))
    held: dict[str, dict[str, list[float]]] = {"words": {"event": [], "topic": []}, "model": {"event": [], "topic": []}}
    weights = {"event": [], "topic": []}
    for fold in range(5):
        test_t = set(topics[fold::5])
        tr = np.array([t not in test_t for t in topic])
        te = ~tr
        tri, trj = np.triu_indices(int(tr.sum()), 1)
        tr_idx, te_idx = np.flatnonzero(tr), np.flatnonzero(te)
        te_ids = [ids[k] for k in te_idx]
        for level, gold in (("event", event), ("topic", topic)):
            gmap = data.gold_event if level == "event" else data.gold_story
            a, b = tr_idx[tri], tr_idx[trj]
            y = gold[a] == gold[b]
            model = LogisticRegression(max_iter=1000, class_weight="balanced").fit(feats[a, b], y)
            weights[level].append(model.coef_[0])
            tr_ids = [ids[k] for k in tr_idx]
            sub = feats[np.ix_(tr_idx, tr_idx)]
            p_tr = model.predict_proba(sub.reshape(-1, sub.shape[-1]))[:, 1].reshape(len(tr_idx), len(tr_idx))
            mcut = max(np.arange(0.3, 0.96, 0.05), key=lambda c: _b3(_cluster(p_tr, c), tr_ids, gmap))
            sub = feats[np.ix_(te_idx, te_idx)]
            p = model.predict_proba(sub.reshape(-1, sub.shape[-1]))[:, 1].reshape(len(te_idx), len(te_idx))
            held["model"][level].append(_b3(_cluster(p, mcut), te_ids, gmap) * len(te_idx))
            # words alone: the cut that clusters the training topics best
            sub_tr = cos[np.ix_(tr_idx, tr_idx)]
            cut = max(np.arange(0.05, 0.6, 0.025), key=lambda c: _b3(_cluster(sub_tr, c), tr_ids, gmap))
            held["words"][level].append(_b3(_cluster(cos[np.ix_(te_idx, te_idx)], cut), te_ids, gmap) * len(te_idx))
    n = len(ids)
    for level in ("event", "topic"):
        w = np.mean(weights[level], axis=0)
        print(f"{level}: mean weights (words, embedding, names, year, numbers) {np.round(w, 2).tolist()}")
    for kind in ("words", "model"):
        print(
            f"{kind}: ECB+ 1-35, 5 folds by topic, each fold clustered alone: event B3-F1 "
            f"{sum(held[kind]['event']) / n:.3f}, topic {sum(held[kind]['topic']) / n:.3f}"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
