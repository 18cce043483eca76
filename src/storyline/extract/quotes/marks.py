"""Quotation marks: unify two-apostrophe marks, pair opening and closing marks within a paragraph,
and trim the quoted words."""

from __future__ import annotations

import functools
import re

from storyline.extract.quotes.cues import WORD

_OPENERS = "“„«"
_CLOSERS = "”»"
DOUBLE = '"“”„«»'
SINGLE = "'‘’"
MASK = "\x00"


# Quotation marks written as two apostrophes or backticks (''like this'', ``or this'') are
# common in wire and newspaper archives; they are read as double quotes.
_TWO_MARKS = re.compile(r"''|``")


def unify_marks(text: str) -> str:
    """Two apostrophes or two backticks as one double quote plus a space, so offsets stay put."""
    if "''" not in text and "``" not in text:
        return text

    def one(m: re.Match[str]) -> str:
        prev = text[m.start() - 1] if m.start() else " "
        if m.group(0) == "``" or prev.isspace() or prev in "([{—–-/:":
            return ' "'  # opening: the mark right before the word
        return '" '  # closing: the mark right after it

    return _TWO_MARKS.sub(one, text)


def trim(text: str, start: int, end: int) -> tuple[int, int] | None:
    """Strip spaces and a dangling comma from quoted words; None when no word is left."""
    while start < end and text[start].isspace():
        start += 1
    while end > start and (text[end - 1].isspace() or text[end - 1] in ",;:"):
        end -= 1
    if not WORD.search(text, start, end):
        return None
    return start, end


# --------------------------------------------------------------------------- quote marks


@functools.lru_cache(maxsize=8)
def _mark_pattern(marks: str) -> re.Pattern[str]:
    return re.compile(f"[{re.escape(marks)}]")


def _pair_marks(text: str, marks: str, lo: int, hi: int, single: bool) -> list[tuple[int, int]]:
    """Pair opening and closing marks inside one paragraph, skipping broken ones."""
    pairs: list[tuple[int, int]] = []
    open_at: int | None = None
    for found in _mark_pattern(marks).finditer(text, lo, hi):  # only the marks' positions, not every character
        i = found.start()
        ch = text[i]
        prev = text[i - 1] if i > lo else " "
        nxt = text[i + 1] if i + 1 < hi else " "
        if single:
            # apostrophes ("Russia’s", "imperialists' ") must not open; closing needs a word end
            can_open = ch != "’" and (prev.isspace() or prev in "([{" + DOUBLE) and nxt.isalnum()
            can_close = ch != "‘" and (prev.isalnum() or prev in ".,!?") and not nxt.isalnum()
        else:
            can_open = (prev.isspace() or prev in "([{—–-/:" + DOUBLE) and not nxt.isspace()
            can_close = not prev.isspace() and (nxt.isspace() or not nxt.isalnum())
            if ch in _OPENERS and can_open:
                can_close = False
            elif ch in _CLOSERS and can_close:
                can_open = False
        if open_at is None:
            if can_open:
                open_at = i
        elif can_close:
            pairs.append((open_at, i))
            open_at = None
        elif can_open:
            open_at = i  # the earlier mark was never closed: skip it, start again here
    return pairs  # a mark still open at the paragraph's end is unbalanced: skipped


def find_quote_marks(text: str) -> list[tuple[int, int]]:
    out: list[tuple[int, int]] = []
    pos = 0
    any_mark = _mark_pattern(DOUBLE + SINGLE)
    for para in text.split("\n"):
        lo, hi = pos, pos + len(para)
        pos = hi + 1
        if any_mark.search(text, lo, hi) is None:
            continue  # no mark: no pair (most paragraphs)
        doubles = _pair_marks(text, DOUBLE, lo, hi, single=False)
        singles = [
            p
            for p in _pair_marks(text, SINGLE, lo, hi, single=True)
            if not any(d[0] < p[0] < d[1] for d in doubles)  # nested inside a double quote
        ]
        out += doubles + singles
    out.sort()
    return out
