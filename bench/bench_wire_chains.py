"""Who said it, and through whom, on wire copy: speaker and relay chain (``via``) on a labelled set.

    .venv/bin/python bench/bench_wire_chains.py [--verbose]

``tests/gold/wire_chains.json`` holds invented wire sentences (datelines, "said in a statement carried by
KCNA", "the agency said", "according to TASS", "adding that …"), each with the speaker, the via chain from
the outermost agency inwards, and the words of the quote. Each item is run through the extract stage; the
quote that overlaps the labelled words most is scored:

* chain accuracy: speaker and via both right (the headline figure);
* words accuracy: the quote's words are exactly the labelled words.
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

from storyline.pipeline.stages import extract
from storyline.records import Article

GOLD = Path(__file__).resolve().parent.parent / "tests" / "gold" / "wire_chains.json"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--verbose", action="store_true", help="print every item that is wrong")
    args = parser.parse_args()
    items = json.loads(GOLD.read_text(encoding="utf-8"))
    chains = words = 0
    for n, item in enumerate(items):
        text = item["text"]
        start = text.index(item["words"])
        end = start + len(item["words"])
        quotes = extract(Article(id=f"w{n}", source="bench", text=text, published="2023-09-04"), use_nlp=False).quotes
        best = max(quotes, key=lambda q: min(q.end, end) - max(q.start, start), default=None)
        if best is not None and min(best.end, end) <= max(best.start, start):
            best = None  # no overlap: the quote was missed
        chain_ok = best is not None and best.speaker == item["speaker"] and list(best.via) == item["via"]
        words_ok = best is not None and best.text.strip(" ,.") == item["words"]
        chains += chain_ok
        words += words_ok
        if args.verbose and not (chain_ok and words_ok):
            got = (best.speaker, best.via, best.text) if best else None
            print(f"#{n} want {item['speaker']!r} via {item['via']} {item['words']!r}\n    got {got}")
    print(
        f"wire chains: {len(items)} items | chain accuracy={chains / len(items):.3f} ({chains}) "
        f"| words accuracy={words / len(items):.3f} ({words})"
    )


if __name__ == "__main__":
    main()
