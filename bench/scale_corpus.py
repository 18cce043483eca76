"""A large news-like corpus made at run time from Timeline17: N distinct articles as JSON lines.

    .venv/bin/python bench/scale_corpus.py 100000 > /tmp/scale100k.jsonl

T17 holds 4.6k articles; a store of 100k or 1M needs more articles that behave like a growing feed, not like copies
of one another (copies would make every new article a duplicate and every story one of T17's nine). Article k is
made from a T17 article (k mod 4.6k) in "era" e = k // 4.6k:
- its dates move e x 37 days later (the publication date and every ISO date in the text are untouched: the
  resolver dates phrases against the publication date, so relative phrases move with it);
- each capitalised word of three or more letters gets the era's suffix in half the eras (``Gaddafi`` ->
  ``Gaddafiq``), so people, places and organisations grow with the corpus as they do in a real feed;
- two of its sentences are swapped and one sentence of another article of the same era is appended, so no two
  articles are near copies unless T17's own were.
Seeded and deterministic. The text never leaves the machine it is made on: nothing here is committed but code.
"""

from __future__ import annotations

import datetime
import json
import random
import re
import sys
from collections.abc import Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared"
sys.path.insert(0, str(SHARED / "eval"))

SUFFIXES = "qxzjvkwy"
_CAPS = re.compile(r"\b([A-Z][a-z]{2,})\b")
_SENTENCE = re.compile(r"(?<=[.!?])\s+(?=[A-Z])")


def _t17() -> list[dict[str, str]]:
    try:
        from datasets_to_text import load_t17  # type: ignore[import-not-found]
    except ImportError:
        sys.exit(f"{SHARED}/eval/datasets_to_text.py not found")
    docs = load_t17(SHARED / "datasets" / "timeline17")
    return [
        {"id": d.doc_id, "text": d.text, "published": d.date or "2011-01-01", "outlet": d.source or "T17"}
        for d in docs
        if d.text.strip()
    ]


def _suffix(era: int) -> str:
    """The era's suffix: empty in even eras, letters after that (``q``, ``x``, ... ``qq``...)."""
    if era % 2 == 0:
        return ""
    n = era // 2
    out = ""
    while True:
        out += SUFFIXES[n % len(SUFFIXES)]
        n //= len(SUFFIXES)
        if not n:
            return out


def articles(n: int, seed: int = 7) -> Iterator[dict[str, str]]:
    """``n`` distinct articles (dicts for a JSON line: id, title, text, published, outlet)."""
    base = _t17()
    rng = random.Random(seed)
    size = len(base)
    for k in range(n):
        era, i = divmod(k, size)
        src = base[i]
        text = src["text"]
        if era:
            suffix = _suffix(era)
            if suffix:
                text = _CAPS.sub(lambda m, s=suffix: m.group(1) + s, text)
            sentences = _SENTENCE.split(text)
            if len(sentences) >= 4:
                a, b = rng.sample(range(1, len(sentences)), 2)
                sentences[a], sentences[b] = sentences[b], sentences[a]
            other = _SENTENCE.split(base[rng.randrange(size)]["text"])
            sentences.append(other[rng.randrange(len(other))])
            text = " ".join(sentences)
        day = datetime.date.fromisoformat(src["published"][:10]) + datetime.timedelta(days=37 * era)
        first = text.strip().split("\n", 1)[0][:100]
        yield {
            "id": f"{src['id']}~{era}",
            "title": first,
            "text": text,
            "published": day.isoformat(),
            "outlet": src["outlet"],
        }


def main() -> None:
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 10000
    out = sys.stdout
    for rec in articles(n):
        out.write(json.dumps(rec, ensure_ascii=False) + "\n")


if __name__ == "__main__":
    main()
