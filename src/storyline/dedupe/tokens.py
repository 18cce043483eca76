"""Word tokens as 64-bit hashes, the n-gram hashes built on them, and which tokens are quoted.

Matching works on word tokens of NFKC-normalised, lower-cased text split at anything that
is not a letter or digit, so curly vs straight quotes, case, punctuation and "Jong-un" vs
"Jong Un" do not break a match; token character offsets map every span back to the exact
characters of each article. ``tokenise`` is the definition for one text; the stage runs
``tokenise_batch``, which must give the same result.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Sequence

import numpy as np
import numpy.typing as npt

from storyline.text import normalise

U64 = npt.NDArray[np.uint64]
I64 = npt.NDArray[np.int64]

_WORD_SPLIT = re.compile(r"[^\W_]+")
# Letters and digits; everything else (quotes, hyphens, apostrophes) separates words.
_TOKEN_SPLIT = re.compile(r"([^\W_]+)")
# Multiplier of the polynomial hashes (odd, so it is invertible mod 2**64, which the prefix-sum
# token hash below relies on).
POLY = np.uint64(0x9E3779B97F4A7C15)
_POLY_INV = np.uint64(pow(0x9E3779B97F4A7C15, -1, 2**64))
# Characters tokenised per numpy batch: big enough that per-call overhead vanishes (a T17 article is ~7k
# characters), small enough that the batch's temporaries (~40 bytes per character) stay in the caches' reach.
BATCH_CHARS = 1 << 20


@functools.lru_cache(maxsize=1)
def word_chars() -> npt.NDArray[np.bool_]:
    """Code point -> is a letter or digit (``[^\\W_]``), for every Unicode code point."""
    table = np.zeros(0x110000, dtype=np.bool_)
    ascii_word = [c for c in range(128) if chr(c).isalnum()]
    table[ascii_word] = True
    # Outside ASCII, ask re (the same definition the slow path and _TOKEN_SPLIT use).
    chars = "".join(map(chr, range(128, 0x110000))).encode("utf-32-le", "surrogatepass")
    text = chars.decode("utf-32-le", "surrogatepass")
    for m in _WORD_SPLIT.finditer(text):
        table[128 + m.start() : 128 + m.end()] = True
    return table


_ASCII_WORD = np.asarray([chr(c).isalnum() for c in range(128)], dtype=np.bool_)


@functools.cache
def _is_word_char(c: int) -> bool:
    return _WORD_SPLIT.fullmatch(chr(c)) is not None


def word_mask(cp: npt.NDArray[np.uint32]) -> npt.NDArray[np.bool_]:
    """``word_chars()[cp]`` without building the 1.1M-entry table (~0.14 s, paid by every process that tokenises,
    i.e. every ``storyline ingest``): ASCII from a small table, other code points asked of re once each."""
    word = _ASCII_WORD[np.minimum(cp, 127)]
    wide = np.flatnonzero(cp >= 128)
    if wide.size:
        distinct, inverse = np.unique(cp[wide], return_inverse=True)
        word[wide] = np.asarray([_is_word_char(c) for c in distinct.tolist()], dtype=np.bool_)[inverse]
    return word


@functools.lru_cache(maxsize=8)
def _powers(size: int) -> tuple[U64, U64]:
    """``POLY ** i`` and ``_POLY_INV ** i`` for ``i < size``, wrapping mod 2**64."""
    with np.errstate(over="ignore"):
        p = np.cumprod(np.full(size, POLY, dtype=np.uint64))
        q = np.cumprod(np.full(size, _POLY_INV, dtype=np.uint64))
    one = np.ones(1, dtype=np.uint64)
    return np.concatenate([one, p[:-1]]), np.concatenate([one, q[:-1]])


def mix(x: U64) -> U64:
    """splitmix64's finaliser: spreads the bits of polynomial hashes (vectorised, wrapping)."""
    with np.errstate(over="ignore"):
        x = x ^ (x >> np.uint64(30))
        x = x * np.uint64(0xBF58476D1CE4E5B9)
        x = x ^ (x >> np.uint64(27))
        x = x * np.uint64(0x94D049BB133111EB)
        return x ^ (x >> np.uint64(31))


def _string_hash(token: str) -> int:
    """The hash ``tokenise`` gives a token, computed for one string (the slow path)."""
    h = 0
    for ch in token:
        h = (h * int(POLY) + ord(ch)) % 2**64
    return int(mix(np.asarray([h], dtype=np.uint64))[0])


def tokenise(text: str) -> tuple[U64, I64, I64]:
    """Hashes of the normalised word tokens of ``text``, with their character offsets in ``text``.

    The definition for one text; the stage runs ``tokenise_batch``, which must give the same result.

    A token is a run of letters and digits of the lower-cased text; its hash is a polynomial over
    its code points computed for all tokens at once from prefix sums (hash(s, e) =
    P**(e-1) * (G[e] - G[s]) with G the prefix sums of c_j * P**-j), then mixed. Tokens that
    NFKC changes (ligatures, full-width letters) are hashed in their NFKC form one by one.
    """
    low = text.lower()
    slow_all = len(low) != len(text)  # lower() lengthens a few characters (e.g. "İ"): keep offsets true
    if slow_all:
        low = text
    cp = np.frombuffer(low.encode("utf-32-le", "surrogatepass"), dtype=np.uint32)
    word = word_mask(cp)
    edges = np.flatnonzero(np.diff(np.concatenate(([False], word, [False])).view(np.int8)))
    starts = edges[0::2].astype(np.int64)
    ends = edges[1::2].astype(np.int64)
    if starts.size == 0:
        return np.zeros(0, np.uint64), starts, ends
    size = 1 << int(cp.size).bit_length()  # a few cached table sizes serve every text
    pw, pinv = _powers(size + 1)
    with np.errstate(over="ignore"):
        g = np.concatenate(([np.uint64(0)], np.cumsum(cp.astype(np.uint64) * pinv[: cp.size], dtype=np.uint64)))
        hashes = mix(pw[ends - 1] * (g[ends] - g[starts]))
    if slow_all or not low.isascii():
        fixed = hashes.tolist()
        for n, (s, e) in enumerate(zip(starts.tolist(), ends.tolist())):
            tok = low[s:e]
            if slow_all or not tok.isascii():
                norm = normalise(tok).replace(" ", "")
                if norm != tok:
                    fixed[n] = _string_hash(norm)
        hashes = np.asarray(fixed, dtype=np.uint64)
    return hashes, starts, ends


_DOUBLE_QUOTES = re.compile(r'["“”„«»]')
_ANY_QUOTE = re.compile(r"[\"“”„«»'‘’]")
# A single-quoted stretch: opening quote at a word start, closing quote at a word end and
# not followed by a letter (so the apostrophe in "Kim's" neither opens nor closes). The
# look-behind sits after the opening quote so the regex engine can skip ahead to quote characters.
_SINGLE_QUOTED = re.compile(r"['‘](?<![\w'’‘]['‘])(?=[^\W_])[^\n]*?(?<=\S)['’](?![^\W_])")


def quoted_spans(text: str) -> list[tuple[int, int]]:
    """Character spans of ``text`` inside quotation marks (quotes are paired within a paragraph).

    A line break closes a quotation left open (it runs to the end of its paragraph), as does the end of the text.
    """
    if not _ANY_QUOTE.search(text):
        return []
    spans: list[tuple[int, int]] = []
    opened = -1
    line_end = -1  # end of the paragraph holding the open quotation
    for m in _DOUBLE_QUOTES.finditer(text):
        ch, pos = m.group(), m.start()
        if opened >= 0 and pos > line_end:  # the quotation's paragraph ended before this mark
            spans.append((opened, line_end))
            opened = -1
        if ch in "“„«" or (ch == '"' and opened < 0):
            if opened < 0:
                opened = pos
                nl = text.find("\n", pos)
                line_end = len(text) if nl < 0 else nl
        elif opened >= 0:
            spans.append((opened, pos + 1))
            opened = -1
    if opened >= 0:
        spans.append((opened, line_end))
    spans.extend((m.start(), m.end()) for m in _SINGLE_QUOTED.finditer(text))
    return spans


def quoted_tokens(text: str, starts: I64) -> npt.NDArray[np.bool_]:
    """Which tokens (by start offset) lie inside quotation marks."""
    spans = quoted_spans(text)
    if not spans or starts.size == 0:
        return np.zeros(starts.size, dtype=np.bool_)
    delta = np.zeros(len(text) + 1, dtype=np.int32)
    for s, e in spans:
        delta[s] += 1
        delta[e] -= 1
    return np.cumsum(delta)[starts] > 0


def gram_hashes(h: U64, k: int) -> U64:
    """Polynomial hash of every k consecutive tokens of ``h`` (``len(h) - k + 1`` values, wrapping)."""
    n = h.size - k + 1
    if n <= 0:
        return np.zeros(0, np.uint64)
    keys = h[:n].copy()
    with np.errstate(over="ignore"):
        for j in range(1, k):
            keys = keys * POLY + h[j : j + n]  # wraps mod 2**64 by design
    return keys


def sorted_unique(x: U64) -> U64:
    """``np.unique`` by sorting (numpy's hash-based unique is several times slower on ~1,000 values)."""
    x = np.sort(x)
    return x[np.concatenate(([True], x[1:] != x[:-1]))] if x.size else x


def short_shingle(h: U64) -> int:
    """The one shingle of an article shorter than a shingle: a hash of all its tokens."""
    v = h.size
    for t in h.tolist():
        v = (v * int(POLY) + t) % 2**64
    return v


def tokenise_batch(
    texts: Sequence[str],
) -> tuple[U64, npt.NDArray[np.int32], npt.NDArray[np.int32], npt.NDArray[np.bool_], I64]:
    """``tokenise`` and ``quoted_tokens`` for many texts in one set of numpy calls.

    The texts are joined with line breaks: a line break separates tokens and closes every quotation
    (``quoted_spans``), so no token or quotation crosses from one text into the next and every
    result equals the text-by-text one. Returns token hashes, start and end offsets within each
    text, the quoted flags, and the number of tokens of each text.
    """
    lows: list[str] = []
    slow_docs: list[int] = []
    for i, t in enumerate(texts):
        low = t.lower()
        if len(low) != len(t):  # lower() lengthens a few characters (e.g. "İ"): keep offsets true
            low = t
            slow_docs.append(i)
        lows.append(low)
    joined = "\n".join(lows) + "\n"
    base = np.concatenate([[0], np.cumsum([len(x) + 1 for x in lows])]).astype(np.int64)
    cp = np.frombuffer(joined.encode("utf-32-le", "surrogatepass"), dtype=np.uint32)
    word = word_mask(cp)
    edges = np.flatnonzero(np.diff(np.concatenate(([False], word, [False])).view(np.int8)))
    starts = edges[0::2].astype(np.int64)
    ends = edges[1::2].astype(np.int64)
    doc = np.searchsorted(base, starts, side="right") - 1
    counts = np.bincount(doc, minlength=len(texts)).astype(np.int64)
    if starts.size == 0:
        empty = np.zeros(0, np.int32)
        return np.zeros(0, np.uint64), empty, empty, np.zeros(0, np.bool_), counts
    size = max(BATCH_CHARS, 1 << int(cp.size).bit_length())  # one cached table serves most batches
    pw, pinv = _powers(size + 1)
    with np.errstate(over="ignore"):
        g = np.concatenate(([np.uint64(0)], np.cumsum(cp.astype(np.uint64) * pinv[: cp.size], dtype=np.uint64)))
        hashes = mix(pw[ends - 1] * (g[ends] - g[starts]))
    slow = np.zeros(starts.size, dtype=np.bool_)
    wide = np.flatnonzero(cp >= 128)  # few: tokens holding a non-ASCII character may change under NFKC
    if wide.size:
        holder = np.searchsorted(starts, wide, side="right") - 1
        slow[holder[(holder >= 0) & (wide < ends[np.maximum(holder, 0)])]] = True
    for d in slow_docs:
        slow[doc == d] = True
    for n in np.flatnonzero(slow).tolist():
        tok = joined[starts[n] : ends[n]]
        norm = normalise(tok).replace(" ", "")
        if norm != tok:
            hashes[n] = _string_hash(norm)
    quoted = np.zeros(starts.size, dtype=np.bool_)
    spans = quoted_spans(joined)
    if spans:
        # inside = more quotations opened than closed at or before the token's start (spans may nest)
        sp = np.asarray(spans, dtype=np.int64)
        opened = np.searchsorted(np.sort(sp[:, 0]), starts, side="right")
        closed = np.searchsorted(np.sort(sp[:, 1]), starts, side="right")
        quoted = opened > closed
    local_starts = (starts - base[doc]).astype(np.int32)
    local_ends = (ends - base[doc]).astype(np.int32)
    return hashes, local_starts, local_ends, quoted, counts


def token_strings(text: str) -> list[str]:
    """The normalised word tokens of ``text`` as strings (for passage ids)."""
    tokens = _TOKEN_SPLIT.split(text.lower())[1::2]
    return [t if t.isascii() else normalise(t).replace(" ", "") for t in tokens]


def member(values: npt.NDArray[np.generic], sorted_set: npt.NDArray[np.generic]) -> npt.NDArray[np.bool_]:
    """``np.isin(values, sorted_set)`` for a sorted ``sorted_set`` by binary search (no sort of ``values``)."""
    if sorted_set.size == 0:
        return np.zeros(values.size, dtype=np.bool_)
    # the table costs about what its set holds to build: worth it when the values are not far fewer
    if values.size > 64 * sorted_set.size or (values.size >= 4096 and 8 * values.size >= sorted_set.size):
        return Members(sorted_set)(values)
    return _searched(values, sorted_set)


class Members:
    """Membership in a sorted set of 64-bit values, for many values at a time: a table of the set's low bits
    rules out most values at one lookup each, and the binary search (a cache miss per step) checks only the rest.
    The table has about eight slots per value (2^20 to 2^24), so most of it stays empty; against 20,000 keys,
    300,000 values take a quarter of the search's time. Build it once for a set tested many times."""

    def __init__(self, sorted_set: npt.NDArray[np.generic]) -> None:
        self.sorted_set = sorted_set
        bits = min(24, max(20, int(sorted_set.size).bit_length() + 3))
        self.low = np.uint64((1 << bits) - 1)
        self.table = np.zeros(1 << bits, dtype=np.bool_)
        if sorted_set.size and sorted_set.dtype.itemsize == 8:
            self.table[(sorted_set.view(np.uint64) & self.low).astype(np.int64)] = True

    def __call__(self, values: npt.NDArray[np.generic]) -> npt.NDArray[np.bool_]:
        """Which of ``values`` are in the set (``np.isin``)."""
        if self.sorted_set.size == 0:
            return np.zeros(values.size, dtype=np.bool_)
        if values.dtype.itemsize != 8 or self.sorted_set.dtype.itemsize != 8:
            return _searched(values, self.sorted_set)
        out = np.zeros(values.size, dtype=np.bool_)
        maybe = np.flatnonzero(self.table[(values.view(np.uint64) & self.low).astype(np.int64)])
        out[maybe] = _searched(values[maybe], self.sorted_set)
        return out


def _searched(values: npt.NDArray[np.generic], sorted_set: npt.NDArray[np.generic]) -> npt.NDArray[np.bool_]:
    at = np.minimum(np.searchsorted(sorted_set, values), sorted_set.size - 1)
    return np.asarray(sorted_set[at] == values, dtype=np.bool_)
