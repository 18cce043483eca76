"""Precision and recall of `storyline compare` on the hand-labelled sample set (tests/gold/compare.json).

Shared claims are scored as pairs: two sentences from different articles that the system puts in one
shared claim, against the pairs inside one labelled group. Tensions are scored at the level of labelled
groups: a predicted tension is right when it links a sentence of one group with a sentence of the group
it is labelled in tension with; a labelled tension is found when any predicted tension links its groups.
This set is development data: the thresholds in CompareOptions were set on it.

    .venv/bin/python bench/bench_compare.py
"""

from __future__ import annotations

import json
import sys
import tempfile
from itertools import combinations
from pathlib import Path

from storyline.compare import Claim, compare
from storyline.pipeline import PipelineOptions, run
from storyline.records import Event
from storyline.store import SQLiteStore

ROOT = Path(__file__).resolve().parent.parent


def evaluate() -> dict[str, float]:
    gold = json.loads((ROOT / "tests" / "gold" / "compare.json").read_text())
    with tempfile.TemporaryDirectory() as tmp:
        store = SQLiteStore(Path(tmp) / "s.db")
        run(store, [str(ROOT / "examples" / "sample")], PipelineOptions(use_nlp=False))
        arts = {a.source: a for a in store.articles()}
        dup = {d.article: d.duplicate_of for d in store.duplicates()}
    tp_s = fp_s = fn_s = tp_t = fp_t = fn_t = 0
    for ev in gold["events"]:
        ids = tuple(arts[s].id for s in ev["articles"])
        comp = compare(Event("e-gold", "s-gold", None, ev["name"], ids), {a.id: a for a in arts.values()}, dup)

        def group_of(c: Claim) -> str | None:
            src = next(s for s, a in arts.items() if a.id == c.article)
            for name, members in ev["shared"].items():  # noqa: B023 (used only within this iteration)
                if any(src == m[0] and m[1] in c.text for m in members):
                    return name
            return None

        def key(c: Claim) -> tuple[str, int]:
            return (c.article, c.start)

        pred_pairs = set()
        for s in comp.shared:
            for a, b in combinations(s.claims, 2):
                if a.article != b.article:
                    pred_pairs.add(frozenset((key(a), key(b))))
        all_claims = [c for s in comp.shared for c in s.claims] + list(comp.unique)
        groups = {key(c): group_of(c) for c in all_claims}
        gold_pairs = set()
        for a, b in combinations(all_claims, 2):
            if a.article != b.article and groups[key(a)] and groups[key(a)] == groups[key(b)]:
                gold_pairs.add(frozenset((key(a), key(b))))
        tp_s += len(pred_pairs & gold_pairs)
        fp_s += len(pred_pairs - gold_pairs)
        fn_s += len(gold_pairs - pred_pairs)
        wanted = {frozenset(t) for t in ev["tensions"]}
        found = set()
        for t in comp.tensions:
            pair = frozenset((group_of(t.a) or "?a", group_of(t.b) or "?b"))
            if pair in wanted:
                tp_t += 1
                found.add(pair)
            else:
                fp_t += 1
                print(f"false tension: {t.a.text[:70]!r} / {t.b.text[:70]!r}", file=sys.stderr)
        fn_t += len(wanted - found)
        for miss in wanted - found:
            print(f"missed tension: {sorted(miss)}", file=sys.stderr)
    return {
        "shared_p": tp_s / max(1, tp_s + fp_s),
        "shared_r": tp_s / max(1, tp_s + fn_s),
        "tension_p": tp_t / max(1, tp_t + fp_t),
        "_tp_t": tp_t,
        "_fn_t": fn_t,
        "_fp_t": fp_t,
        "_tp_s": tp_s,
        "_fp_s": fp_s,
        "_fn_s": fn_s,
    }


def main() -> int:
    r = evaluate()
    gold = json.loads((ROOT / "tests" / "gold" / "compare.json").read_text())
    n_tensions = sum(len(e["tensions"]) for e in gold["events"])
    tension_r = (n_tensions - r["_fn_t"]) / max(1, n_tensions)
    print(
        f"shared pairs: tp {r['_tp_s']} fp {r['_fp_s']} fn {r['_fn_s']}; tensions: right {r['_tp_t']} wrong {r['_fp_t']} missed {r['_fn_t']}"
    )
    print(f"shared P={r['shared_p']:.3f} R={r['shared_r']:.3f} tension P={r['tension_p']:.3f} R={tension_r:.3f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
