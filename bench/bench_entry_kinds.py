"""Timeline lines that state the happening: the ``line_kind`` rule on a labelled set, and its penalty's effect on T17.

    .venv/bin/python bench/bench_tls.py --db /tmp/t17.db                 # the T17 store (once)
    .venv/bin/python bench/bench_entry_kinds.py --db /tmp/t17.db [--weights 0.1,0.3,0.5]

1. The rule against ``bench/data/entry_kinds.tsv``: invented news sentences labelled H (states a happening: an
   action verb with its actor), R (reaction: condemned, welcomed, criticised ...), C (colour: a scene, a mood, a
   state of things) or O (anything else). Written beside the rule (a development set, not a held-out one).
2. The T17 timelines (``bench_tls.py``'s 19 tasks, its protocol) built with ``reaction_weight`` 0 (the ROUGE-scored
   default) and with each weight given (the chronology's by default), in one run: the share of summary sentences
   that are reaction or colour, and AR1-F, AR2-F and Date-F1 of each; then the same with the chronology's penalty
   on references back, before and after the reaction penalty (a story's own chronology uses both).
"""

from __future__ import annotations

import argparse
import re
import sys
from collections import Counter
from dataclasses import replace
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import bench_tls_common as _t17

from storyline.store import open_store
from storyline.timeline import TimelineOptions, line_kind

LABELLED = Path(__file__).resolve().parent / "data" / "entry_kinds.tsv"
_LETTER = {"happening": "H", "reaction": "R", "colour": "C", "other": "O"}


def rule_scores() -> tuple[Counter[tuple[str, str]], int]:
    pairs: Counter[tuple[str, str]] = Counter()
    n = 0
    for line in LABELLED.read_text(encoding="utf-8").splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        label, text = line.split("\t", 1)
        pairs[(label, _LETTER[line_kind(text)])] += 1
        n += 1
    return pairs, n


def aside_share(preds: dict[str, list[dict[str, object]]]) -> tuple[int, int]:
    """Summary sentences that are reaction or colour, of all summary sentences."""
    lines = [s for tl in preds.values() for e in tl for s in e["sentences"]]  # type: ignore[attr-defined]
    aside = sum(line_kind(re.sub(r"^[^A-Za-z]+", "", str(s))) in ("reaction", "colour") for s in lines)
    return aside, len(lines)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--db", required=True, help="a T17 store bench_tls.py wrote")
    ap.add_argument("--weights", default=None, help="comma-separated reaction weights (default: the chronology's)")
    args = ap.parse_args()
    pairs, n = rule_scores()
    right = sum(k for (gold, got), k in pairs.items() if gold == got)
    print(f"rule on {n} labelled sentences: accuracy {right / n:.3f}")
    for label in "HRCO":
        tp = pairs[(label, label)]
        flagged = sum(k for (_, got), k in pairs.items() if got == label)
        gold = sum(k for (g, _), k in pairs.items() if g == label)
        print(f"  {label}: precision {tp / max(1, flagged):.3f} recall {tp / max(1, gold):.3f} ({gold} labelled)")
    corpus = _t17.corpus_found_again(open_store(args.db))
    specs = _t17.tasks()
    base = TimelineOptions()
    weights = [float(w) for w in args.weights.split(",")] if args.weights else [base.chronology_reaction_weight]
    chronology = replace(base, dependent_weight=base.chronology_dependent_weight)
    runs = [(f"reaction_weight {w}", replace(base, reaction_weight=w)) for w in [0.0, *weights]]
    # with the chronology's penalty on references back as well (and its cut of "The remarks came after ...")
    runs += [
        (f"dependent_weight {chronology.dependent_weight}, reaction_weight {w}", replace(chronology, reaction_weight=w))
        for w in (0.0, base.chronology_reaction_weight)
    ]
    for name, options in runs:
        preds = {k: _t17.predict(corpus, s, k, options) for k, s in specs.items()}
        avg = _t17.average(list(_t17.score(preds, specs).values()))
        k, total = aside_share(preds)
        print(
            f"T17, {name}: {k}/{total} lines reaction or colour ({k / max(1, total):.1%}); "
            f"AR1-F {avg['ar1']['f_score']:.4f} AR2-F {avg['ar2']['f_score']:.4f} Date-F1 {avg['date']['f_score']:.4f}"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
