"""Dedupe benchmark on Timeline17 perturbations: near-duplicate P/R, passage recall and origin, speed.

    .venv/bin/python bench/bench_dedupe.py quality            # P/R on a perturbation set
    .venv/bin/python bench/bench_dedupe.py speed --n 10000    # articles/s and peak RSS of the dedupe stage
                                                              # (--core: dedupe() alone, --dups-only: duplicates)

Reads ../shared/datasets/timeline17 at run time (via ../shared/eval/datasets_to_text.py) and writes
nothing: T17 text never enters the repository. Perturbations (seeded):
- near copies of an original: 1-3 of trim (drop the last 10-20% of sentences), reorder paragraphs
  (blocks of 3 sentences, two swapped), new headline, added boilerplate, light rewording (1-2% of words);
- wire-copy excerpts: 2-5 consecutive sentences of a source article pasted into a later host article
  of another topic.
Originals that already form near-duplicate groups inside T17 (Jaccard >= 0.5) are left out, so every
ground-truth duplicate is one we made. The last line prints the headline figure.
"""

from __future__ import annotations

import argparse
import datetime
import random
import resource
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared"
sys.path.insert(0, str(SHARED / "eval"))

from storyline.dedupe import DedupeOptions, dedupe, find_duplicates  # noqa: E402
from storyline.records import Article  # noqa: E402
from storyline.text import text_hash  # noqa: E402

BOILERPLATE = [
    "Follow us on Twitter and Facebook for the latest news.",
    "Copyright 2011. All rights reserved. This material may not be redistributed.",
    "Sign up for our daily newsletter to get the top stories in your inbox.",
]
SWAPS = {"said": "stated", "says": "states", "the": "a", "that": "which", "also": "further", "but": "however"}


def load(outlets: bool = False) -> list[Article]:
    """T17's articles; ``outlets`` sets each one's outlet as ingest does (the perturbation benches leave it unset)."""
    try:
        from datasets_to_text import load_t17  # type: ignore[import-not-found]
    except ImportError:
        sys.exit(f"{SHARED}/eval/datasets_to_text.py not found")
    docs = load_t17(SHARED / "datasets" / "timeline17")
    return [
        Article(
            id=d.doc_id, source=d.doc_id, text=d.text, published=d.date or None, outlet=d.source if outlets else None
        )
        for d in docs
    ]


def singletons(articles: list[Article]) -> list[Article]:
    groups = find_duplicates(articles, DedupeOptions(near_threshold=0.5, lsh_margin=0.2))
    taken = {d.article for d in groups} | {d.duplicate_of for d in groups}
    return [a for a in articles if a.id not in taken and len(a.text.split("\n")) >= 6]


def perturb(a: Article, rng: random.Random, n: int) -> Article:
    lines = [ln for ln in a.text.split("\n") if ln.strip()]
    ops = rng.sample(["trim", "reorder", "headline", "boilerplate", "reword"], rng.randint(1, 3))
    if "trim" in ops:
        lines = lines[: max(3, int(len(lines) * (1 - rng.uniform(0.1, 0.2))))]
    if "reorder" in ops and len(lines) >= 6:
        paras = [lines[i : i + 3] for i in range(0, len(lines), 3)]
        i, j = rng.sample(range(len(paras)), 2)
        paras[i], paras[j] = paras[j], paras[i]
        lines = [ln for p in paras for ln in p]
    if "reword" in ops:
        words = "\n".join(lines).split(" ")
        for k in rng.sample(range(len(words)), max(1, int(len(words) * rng.uniform(0.01, 0.02)))):
            w = words[k]
            words[k] = SWAPS.get(w, w + "s" if w.isalpha() else w)
        lines = " ".join(words).split("\n")
    if "headline" in ops:
        lines.insert(0, "UPDATE " + " ".join(lines[min(1, len(lines) - 1)].split()[:8]).upper())
    if "boilerplate" in ops:
        lines.append(rng.choice(BOILERPLATE))
    return Article(id=f"{a.id}~v{n}", source=a.id, text="\n".join(lines), published=a.published)


def excerpt(src: Article, host: Article, rng: random.Random, n: int) -> tuple[Article, str]:
    lines = [ln for ln in src.text.split("\n") if len(ln.split()) >= 6]
    k = rng.randint(2, 5)
    start = rng.randrange(0, max(1, len(lines) - k))
    piece = lines[start : start + k]
    host_lines = host.text.split("\n")
    at = rng.randrange(1, max(2, len(host_lines)))
    text = "\n".join(host_lines[:at] + piece + host_lines[at:])
    # one day after both, so the source is the earliest publication of the excerpt
    latest = max(src.published or "2000-01-01", host.published or "2000-01-01")
    date = (datetime.date.fromisoformat(latest) + datetime.timedelta(days=1)).isoformat()
    return Article(id=f"{host.id}~x{n}", source=host.id, text=text, published=date), "\n".join(piece)


def build(n_target: int, seed: int = 1) -> tuple[list[Article], dict[str, str], list[tuple[str, str, str]]]:
    """Originals, near copies (id -> original) and excerpt hosts (host id, source id, excerpt)."""
    rng = random.Random(seed)
    base = singletons(load())
    out = list(base)
    truth: dict[str, str] = {}
    excerpts: list[tuple[str, str, str]] = []
    n = 0
    while len(out) < n_target:
        n += 1
        a = rng.choice(base)
        if rng.random() < 0.5:
            v = perturb(a, rng, n)
            truth[v.id] = a.id
            out.append(v)
        else:
            host = rng.choice(base)
            if host.id.split("-")[0] == a.id.split("-")[0]:
                continue  # another topic, so the excerpt is the only shared text
            h, piece = excerpt(a, host, rng, n)
            truth[h.id] = host.id  # a host plus a few pasted sentences is a near copy of the host
            excerpts.append((h.id, a.id, piece))
            out.append(h)
    return out[:n_target] if n_target >= len(base) else out, truth, excerpts


def quality(n: int) -> None:
    articles, truth, excerpts = build(n)
    ids = {a.id for a in articles}
    truth = {k: v for k, v in truth.items() if k in ids}
    excerpts = [e for e in excerpts if e[0] in ids]
    dups, passages = dedupe(articles)
    family = lambda x: truth.get(x, x)  # noqa: E731
    predicted = {d.article: d.duplicate_of for d in dups}
    tp = sum(1 for a, c in predicted.items() if family(a) == family(c))
    hosts = {h for h, _, _ in excerpts}
    precision = tp / max(1, len(predicted))
    recall = sum(1 for v in truth if v in predicted and family(predicted[v]) == truth[v]) / max(1, len(truth))
    print(
        f"near-duplicates: {len(truth)} made, {len(predicted)} found, P={precision:.4f} R={recall:.4f} "
        f"(of them excerpt hosts: {sum(1 for v in truth if v in hosts)})"
    )
    by_article: dict[str, list[int]] = {}
    for i, p in enumerate(passages):
        for a in p.articles:
            by_article.setdefault(a, []).append(i)
    found = origin_ok = 0
    found_hosts: set[str] = set()
    texts = {a.id: a for a in articles}
    for host, src, piece in excerpts:
        # Found when passages the host shares with earlier articles cover >= 80% of the excerpt's words
        # (an excerpt part of which other articles also carry comes back as two or three passages).
        want = set(piece.lower().split())
        mine = []
        covered: set[str] = set()
        for i in by_article.get(host, []):
            words = set(passages[i].text.lower().split())
            if passages[i].origin_article != host and len(words & want) >= 0.5 * len(words):
                mine.append(passages[i])
                covered |= want & words
        if len(covered) >= 0.8 * len(want):
            found += 1
            found_hosts.add(host)
            # the origin is the source, or an article published no later that carries the same words
            oks = []
            for p in mine:
                origin = texts[p.origin_article or host]
                oks.append(
                    origin.id == src
                    or (
                        (origin.published or "9999", origin.id) <= (texts[src].published or "9999", src)
                        and p.text in origin.text
                    )
                )
            origin_ok += all(oks)
    recall_p = found / max(1, len(excerpts))
    for k in range(2, 6):  # recall by excerpt length in sentences (T17 text has one sentence per line)
        of_k = [e for e in excerpts if e[2].count("\n") + 1 == k]
        hit = sum(1 for e in of_k if e[0] in found_hosts)
        print(f"  excerpts of {k} sentences: {len(of_k)}, recall={hit / max(1, len(of_k)):.4f}")
    print(
        f"passages: {len(excerpts)} excerpts of 2-5 sentences, recall={recall_p:.4f}, "
        f"origin correct={origin_ok / max(1, found):.4f}; {len(passages)} passages in all"
    )
    print(f"RESULT near-dup P={precision:.4f} R={recall:.4f}; passage recall={recall_p:.4f}")


def speed(n: int, what: str) -> None:
    """Time the dedupe stage on ``n`` articles: wall and CPU seconds, peak RSS.

    ``stage`` (default) is what ``storyline run`` does: the articles are already stored (ingest, not timed) and
    ``pipeline.update_dedupe`` indexes them, finds duplicates and passages, and writes everything to the SQLite
    store. ``core`` times ``dedupe.dedupe`` alone (no index keys, no components, no store); ``dups`` only
    ``find_duplicates``.
    """
    import tempfile

    from storyline.dedupe.tokens import word_chars
    from storyline.pipeline import update_dedupe
    from storyline.store import SQLiteStore

    articles, _, _ = build(n)
    articles = [
        Article(id=a.id, source=a.source, text=a.text, published=a.published, content_hash=text_hash(a.text))
        for a in articles
    ]  # ingest stores the content hash; the stage does not recompute it
    words = sum(len(a.text.split()) for a in articles) / len(articles)
    word_chars()  # the one-time 1.1M-entry character table, built lazily on first use
    with tempfile.TemporaryDirectory() as tmp:
        store = SQLiteStore(str(Path(tmp) / "bench.db"))
        if what == "stage":
            store.add_articles(articles)
            articles = store.articles()  # as analyse() reads them
        rss0 = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        t, c = time.perf_counter(), time.process_time()
        if what == "stage":
            update_dedupe(store, articles)
        elif what == "core":
            dedupe(articles)
        else:
            find_duplicates(articles)
        el, cpu = time.perf_counter() - t, time.process_time() - c
        rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        found = f"{len(store.duplicates())} duplicates, {len(store.passages())} passages, " if what == "stage" else ""
    label = {
        "stage": "dedupe stage (update_dedupe into SQLite)",
        "core": "dedupe() alone",
        "dups": "find_duplicates alone",
    }
    print(
        f"{len(articles)} articles, {words:.0f} words avg: {found}{el:.1f} s wall, {cpu:.1f} s CPU; "
        f"peak RSS {rss:.0f} MiB ({rss0:.0f} MiB before the stage)"
    )
    print(
        f"RESULT {label[what]}: {len(articles) / el:.0f} articles/s wall, {len(articles) / cpu:.0f} per CPU-second "
        f"at {len(articles)}; peak RSS {rss / 1024:.1f} GiB"
    )


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("what", choices=["quality", "speed"])
    ap.add_argument("--n", type=int, default=8000)
    ap.add_argument("--dups-only", action="store_true", help="speed of find_duplicates alone")
    ap.add_argument("--core", action="store_true", help="speed of dedupe() alone, without the index and the store")
    args = ap.parse_args()
    if args.what == "quality":
        quality(args.n)
    else:
        speed(args.n, "dups" if args.dups_only else "core" if args.core else "stage")


if __name__ == "__main__":
    main()
