"""Scale of the clusterer: per-article add latency and memory at 10k, 100k (and optionally 1M) articles.

Usage: .venv/bin/python bench/bench_cluster_scale.py [--sizes 10000,100000] [--recluster-every 1000]

Articles are built by perturbing Timeline17's 4,625 articles: copy k of an article keeps a random 70% of its
terms (counts jittered) and is dated k x 400 days later, so every copy is a new happening in the same stories,
as a growing archive would be. Term counting (``terms``) is timed separately on the real T17 texts, because
perturbing at the term level skips it; the clustering-stage latency per article is add (+ its share of the
periodic re-clustering) + terms. Memory is the process's resident set (VmRSS) after each checkpoint.
The last line is the headline: p95 per article and MB per 1k articles at the largest size.
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import time
from collections import Counter
from datetime import date, timedelta

from bench_cluster import load_t17_data

from storyline.cluster import Clusterer, ClusterOptions, terms
from storyline.records import Article


def rss_mb() -> float:
    with open("/proc/self/status") as fh:
        for line in fh:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return 0.0


def pct(xs: list[float], p: float) -> float:
    s = sorted(xs)
    return s[min(len(s) - 1, int(p * len(s)))]


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--sizes", default="10000,100000")
    ap.add_argument("--recluster-every", type=int, default=1000)
    args = ap.parse_args()
    sizes = [int(x) for x in args.sizes.split(",")]
    data = load_t17_data(with_dates=False)
    t_terms = []
    base = []
    for it in data.items:
        t = time.perf_counter()
        counts = terms(it.article)
        t_terms.append(time.perf_counter() - t)
        base.append((it.article, counts))
    print(
        f"terms() on T17 texts: p50 {pct(t_terms, 0.5) * 1e3:.2f} ms, p95 {pct(t_terms, 0.95) * 1e3:.2f} ms", flush=True
    )
    rng = random.Random(0)
    c = Clusterer(ClusterOptions())
    lat: list[float] = []
    recl: list[float] = []
    start_rss = rss_mb()
    n = 0
    for size in sizes:
        while n < size:
            k, (a, counts) = divmod(n, len(base))[0], base[n % len(base)]
            kept = Counter({t: max(1, v + rng.choice((-1, 0, 0, 1))) for t, v in counts.items() if rng.random() < 0.7})
            day = (date.fromisoformat(a.published or "2010-01-01") + timedelta(days=400 * k)).isoformat()
            art = Article(id=f"{a.id}~{k}", source=a.source, text="", published=day)
            t = time.perf_counter()
            c.add(art, kept, day)
            lat.append(time.perf_counter() - t)
            n += 1
            if n % args.recluster_every == 0:
                t = time.perf_counter()
                c.recluster(settle=False)
                recl.append(time.perf_counter() - t)
        window = lat[-min(len(lat), 10000) :]
        amort = sum(recl) / n
        p95 = pct(window, 0.95) + amort + pct(t_terms, 0.95)
        mem = rss_mb() - start_rss
        print(
            f"{n} articles: add p50 {pct(window, 0.5) * 1e3:.2f} ms, p95 {pct(window, 0.95) * 1e3:.2f} ms, "
            f"p99 {pct(window, 0.99) * 1e3:.2f} ms (last 10k); re-clustering every {args.recluster_every}: "
            f"mean {statistics.mean(recl):.2f} s, max {max(recl):.2f} s ({amort * 1e3:.2f} ms/article amortised); "
            f"clustering stage p95 incl. terms {p95 * 1e3:.1f} ms; memory +{mem:.0f} MB "
            f"({mem / n * 1000:.1f} MB per 1k articles); events {len(c.events)}, stories {len(c.stories)}",
            flush=True,
        )
    print(
        f"at {n} articles: clustering-stage p95 {p95 * 1e3:.1f} ms/article, memory {mem / n * 1000:.1f} MB per 1k articles"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
