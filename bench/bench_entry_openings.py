"""Timeline lines that stand on their own: the ``DEPENDENT_OPENING`` rule on a labelled set, and its effect on T17.

    .venv/bin/python bench/bench_tls.py --db /tmp/t17.db                 # the T17 store (once)
    .venv/bin/python bench/bench_entry_openings.py --db /tmp/t17.db

1. The rule against ``bench/data/entry_openings.tsv``: invented news sentences, each labelled 1 when it opens on a
   reference back (a pronoun or demonstrative subject, a connective, "The remarks came after ...") and so does not
   stand on its own as a timeline line. Written beside the rule (a development set, not a held-out one).
2. The T17 timelines (``bench_tls.py``'s 19 tasks, its protocol) built with ``dependent_weight`` 0 (the ROUGE-scored
   default) and with the chronology's weight, in one run: the share of summary sentences the rule flags, and AR1-F,
   AR2-F and Date-F1 of each.
"""

from __future__ import annotations

import argparse
import re
import sys
from dataclasses import replace
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import bench_tls_common as _t17

from storyline.store import open_store
from storyline.timeline import DEPENDENT_OPENING, TimelineOptions

LABELLED = Path(__file__).resolve().parent / "data" / "entry_openings.tsv"


def rule_scores() -> tuple[float, float, int]:
    tp = fp = fn = n = 0
    for line in LABELLED.read_text(encoding="utf-8").splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        label, text = line.split("\t", 1)
        flagged, gold = DEPENDENT_OPENING.match(text) is not None, label == "1"
        tp += flagged and gold
        fp += flagged and not gold
        fn += gold and not flagged
        n += 1
    return tp / max(1, tp + fp), tp / max(1, tp + fn), n


def flagged_share(preds: dict[str, list[dict[str, object]]]) -> tuple[int, int]:
    lines = [s for tl in preds.values() for e in tl for s in e["sentences"]]  # type: ignore[attr-defined]
    flagged = sum(DEPENDENT_OPENING.match(re.sub(r"^[^A-Za-z]+", "", str(s))) is not None for s in lines)
    return flagged, len(lines)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--db", required=True, help="a T17 store bench_tls.py wrote")
    args = ap.parse_args()
    p, r, n = rule_scores()
    print(f"rule on {n} labelled sentences: precision {p:.3f} recall {r:.3f}")
    corpus = _t17.corpus_found_again(open_store(args.db))
    specs = _t17.tasks()
    base = TimelineOptions()
    for name, options in (
        ("ROUGE default", base),
        ("chronology weight", replace(base, dependent_weight=base.chronology_dependent_weight)),
    ):
        preds = {k: _t17.predict(corpus, s, k, options) for k, s in specs.items()}
        avg = _t17.average(list(_t17.score(preds, specs).values()))
        k, total = flagged_share(preds)
        print(
            f"T17, dependent_weight {options.dependent_weight} ({name}): {k}/{total} lines flagged "
            f"({k / max(1, total):.1%}); AR1-F {avg['ar1']['f_score']:.4f} AR2-F {avg['ar2']['f_score']:.4f} "
            f"Date-F1 {avg['date']['f_score']:.4f}"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
