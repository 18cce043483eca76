"""Text helpers shared by the stages: sentence spans, normalisation, hashing."""

from __future__ import annotations

import hashlib
import re
import unicodedata

from storyline.calendar_words import MONTH_ABBREVIATIONS

# Abbreviations after which a full stop does not end a sentence.
_ABBREV = {
    "mr",
    "mrs",
    "ms",
    "dr",
    "prof",
    "gen",
    "col",
    "lt",
    "sgt",
    "capt",
    "cmdr",
    "adm",
    "gov",
    "sen",
    "rep",
    "pres",
    "st",
    "jr",
    "sr",
    "inc",
    "ltd",
    "co",
    "corp",
    "no",
    "vs",
    "etc",
    *(a.lower() for a in MONTH_ABBREVIATIONS),
    "u.s",
    "u.n",
    "u.k",
    "e.g",
    "i.e",
    "approx",
    "dept",
    "est",
    "mt",
    "ft",
    "fig",
    "vol",
    "n",
    "s",
}

# A sentence ends at a run of [.!?] (closing marks after it) before whitespace or the end, at a blank line, or at a
# line break: ``[.!?]+["'”’)\]]*(?=\s+|$)|\n\s*\n|\n``, written to open with one character class (each branch then
# goes on only after the character it needs behind it, the optional ``\s*\n`` trying the blank line before the
# break alone), so that re skips in C to the next [.!?\n] instead of trying three branches at every character. The
# same matches (tests/test_fast_paths.py), in about a third of the time.
_BOUNDARY = re.compile(r"""[.!?\n](?:(?<=[.!?])[.!?]*["'”’)\]]*(?=\s+|$)|(?<=\n)(?:\s*\n)?)""")
# The longest abbreviation: a word before a full stop longer than this is none (nor a single letter).
_ABBREV_CHARS = max(map(len, _ABBREV))
# The run of word characters and dots that ends where a search with that end position stops.
_WORD_BEFORE = re.compile(r"[\w.]*\Z")


def sentence_spans(text: str) -> list[tuple[int, int]]:
    """Split ``text`` into sentences; returns ``(start, end)`` spans without outer whitespace.

    A line break always ends a sentence (articles here are one paragraph per line).
    """
    spans: list[tuple[int, int]] = []
    start = 0
    for m in _BOUNDARY.finditer(text):
        dot, end = m.span()
        if text[dot] == ".":
            # the run of word characters and dots before the full stop (what re.search(r"([\w.]+)\.$", ...) on
            # text[start:dot + 1] finds), read only over the last _ABBREV_CHARS + 1 characters: a longer run is cut
            # to a word too long to be an abbreviation or a letter (lower() never shortens a string), as it is
            run = _WORD_BEFORE.search(text, max(start, dot - _ABBREV_CHARS - 1), dot)  # found, if only empty
            w = text[run.start() if run else dot : dot].lower()
            if w and (w in _ABBREV or (len(w) == 1 and w.isalpha())):
                continue
            # "4.5" or a dateline like "September 14. /TASS/." stays whole when followed by a digit or "/"
            nxt = text[end : end + 2].lstrip()
            if nxt[:1] == "/":
                continue
        _add_span(text, start, end, spans)
        start = end
    _add_span(text, start, len(text), spans)
    return spans


def _add_span(text: str, start: int, end: int, spans: list[tuple[int, int]]) -> None:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    if end > start:
        spans.append((start, end))


def normalise(text: str) -> str:
    """Lower-case, NFKC, unify quotes and dashes, collapse whitespace."""
    text = unicodedata.normalize("NFKC", text)
    # str.split() cuts at the characters re's \s matches (str.isspace, both): re.sub(r"\s+", " ", ...).strip(), in a
    # third of its time
    # every character _PUNCT maps is outside ASCII: an ASCII text is its own translation
    text = (text if text.isascii() else text.translate(_PUNCT)).lower()
    if _single_spaced(text):
        return text
    # a cleaned article: its paragraphs single-spaced, one blank line between them
    paragraphs = text.replace("\n\n", " ")
    return paragraphs if _single_spaced(paragraphs) else " ".join(text.split())


def _single_spaced(text: str) -> bool:
    """Whether ``" ".join(text.split())`` is ``text`` itself, told without splitting (a JSON record, one line, is
    the longest text hashed): in printable ASCII the only whitespace is the space, so a text without two spaces in
    a row, nor one at either end, is its words joined by one space.

    So is ``" ".join(t.split())`` for a ``t`` whose ``t.replace("\\n\\n", " ")`` is single-spaced: each run of
    whitespace in ``t`` is one space or one blank line (a longer run would leave a line break or two spaces)."""
    return text.isascii() and text.isprintable() and "  " not in text and text[:1] != " " and text[-1:] != " "


# The characters outside ASCII that a case-blind ``re`` pattern matches with an ASCII letter ("İ" and "ı" with "i",
# "ſ" with "s", the Kelvin sign with "k"), mapped to that letter (tests/test_fast_paths.py asks re itself).
_RE_ASCII_FOLDS = str.maketrans({"\u0130": "i", "\u0131": "i", "\u017f": "s", "\u212a": "k"})


def ascii_folded(text: str) -> str:
    """``text`` lower-cased for a precheck that looks for words: wherever a case-blind ``re`` pattern (``re.I``,
    ``(?i:...)``) matches an ASCII word in ``text``, that word in lower case stands in the result (each character
    is mapped on its own, every one re folds to an ASCII letter to that letter). So a word absent from the result
    is in no case-blind match in ``text``; offsets may differ from ``text``'s outside ASCII."""
    return text.lower() if text.isascii() else text.translate(_RE_ASCII_FOLDS).lower()


_PUNCT = str.maketrans({"“": '"', "”": '"', "‘": "'", "’": "'", "–": "-", "—": "-", "\u00a0": " "})


def text_hash(text: str) -> str:
    """SHA-1 of the normalised text: equal for exact duplicates."""
    return hashlib.sha1(normalise(text).encode("utf-8")).hexdigest()


_WORD = re.compile(r"[A-Za-z][A-Za-z'\-]*|\d+")


def words(text: str) -> list[str]:
    """Lower-cased word tokens (letters, apostrophes and hyphens; or digit runs)."""
    return [w.lower() for w in _WORD.findall(normalise(text))]


# What may stand between a sentence's start and its first word: spaces, opening quotes and brackets, bullets.
_SENTENCE_OPENING = " \t\u00a0\"'“‘([«*•"


def sentence_initial(text: str, pos: int, *, after_colon: bool = True) -> bool:
    """Whether the word at ``pos`` opens a sentence: only spaces, opening quotes, brackets and bullets stand
    between it and the start of the text, a sentence end (``.!?``) or a line break.

    With ``after_colon`` (the default) a clause after a colon or a semicolon, and a line opened by a dash (a list
    item), open a sentence too: a capitalised word there is no evidence of a name. The date finder passes False:
    it keeps a month name after a colon ("area: June: ...") as a month.
    """
    i = pos - 1
    while i >= 0 and text[i] in _SENTENCE_OPENING:
        i -= 1
    if i < 0 or text[i] in ".!?\n":
        return True
    if not after_colon:
        return False
    if text[i] in ":;":
        return True
    return text[i] in "-–—" and (i == 0 or text[i - 1] == "\n")
