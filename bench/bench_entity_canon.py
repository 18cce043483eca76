"""Entity canonicalisation: pairwise merge precision and recall over the labelled mentions of tests/gold/entity_canon.json.

    PYTHONPATH=src .venv/bin/python bench/bench_entity_canon.py                  # this tree
    PYTHONPATH=/other/tree/src .venv/bin/python bench/bench_entity_canon.py      # another tree (before/after)

Each gold mention is [surface, entity label], in order of occurrence in its article (our own invented wire copy,
several outlets naming one place, organisation or facility differently, and pairs that must stay apart). The
articles go through the real pipeline steps: ``find_mentions`` (rule-based, and spaCy when installed), then the
entity merge the store keeps (``MergeState``). A gold mention takes the entity of the extracted mention that
overlaps it most; one the finder missed is an entity of its own. Over every pair of gold mentions: precision is
the share of pairs put in one entity that the gold puts in one; recall the share of gold pairs put in one entity.
Pairs of identical surface strings (same label) are left out: every version merges them, by spelling alone.
"""

from __future__ import annotations

import argparse
import json
from collections.abc import Iterator
from itertools import combinations
from pathlib import Path

from storyline.extract.entities import NlpUnavailable, find_mentions, load_nlp
from storyline.link import mention_key
from storyline.link_incremental import MergeState
from storyline.records import Mention

GOLD = Path(__file__).resolve().parents[1] / "tests" / "gold" / "entity_canon.json"


def _located(text: str, mentions: list[list[str]]) -> Iterator[tuple[int, int, str, str]]:
    """(start, end, surface, label) of each gold mention, found in order in ``text``."""
    pos = 0
    for surface, label in mentions:
        start = text.index(surface, pos)
        pos = start + len(surface)
        yield start, pos, surface, label


def score(use_nlp: bool, show: bool = False) -> dict[str, float]:
    articles = json.loads(GOLD.read_text(encoding="utf-8"))["articles"]
    found: dict[str, list[Mention]] = {a["id"]: find_mentions(a["text"], a["id"], use_nlp=use_nlp) for a in articles}
    state = MergeState()
    state.add([m for ms in found.values() for m in ms], {a["id"]: a["text"] for a in articles})
    rows: list[tuple[str, str, str]] = []  # (surface, gold label, predicted entity)
    missed = 0
    for a in articles:
        for start, end, surface, label in _located(a["text"], a["mentions"]):
            best = max(
                found[a["id"]],
                key=lambda m, s=start, e=end: min(e, m.end) - max(s, m.start),  # type: ignore[misc]
                default=None,
            )
            entity = None
            if best is not None and min(end, best.end) > max(start, best.start):
                entity = state.entity_of.get(mention_key(best.text, best.type))
            if entity is None:
                missed += 1
                entity = f"missed:{a['id']}:{start}"
            rows.append((surface, label, entity))
    tp = fp = fn = 0
    for (s1, g1, p1), (s2, g2, p2) in combinations(rows, 2):
        if s1 == s2 and g1 == g2:
            continue
        same_gold, same_pred = g1 == g2, p1 == p2
        tp += same_gold and same_pred
        fp += same_pred and not same_gold
        fn += same_gold and not same_pred
        if show and same_gold != same_pred:
            print(f"  {'false merge' if same_pred else 'missed merge'}: {s1!r} ({g1}) / {s2!r} ({g2})")
    return {
        "mentions": len(rows),
        "missed": missed,
        "gold_pairs": tp + fn,
        "precision": tp / (tp + fp) if tp + fp else 1.0,
        "recall": tp / (tp + fn) if tp + fn else 1.0,
        "false_merges": fp,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--no-nlp", action="store_true", help="only the rule-based finder")
    parser.add_argument("--show", action="store_true", help="print each pair the merge gets wrong")
    args = parser.parse_args()
    modes = [False]
    if not args.no_nlp:
        try:
            load_nlp()
            modes.append(True)
        except NlpUnavailable:
            pass
    for use_nlp in modes:
        r = score(use_nlp, args.show)
        print(
            f"{'spacy' if use_nlp else 'rules'}: {r['mentions']} mentions ({r['missed']} not found), "
            f"{r['gold_pairs']} gold pairs: precision {r['precision']:.3f} recall {r['recall']:.3f} "
            f"({r['false_merges']} false merges)"
        )


if __name__ == "__main__":
    main()
