"""Penn Treebank-tokenised text (as in Timeline17): detect it and turn it back into ordinary prose.

PTB text has brackets as ``-LRB-``/``-RRB-``, quotes as ````` `` ````` and ``''``, clitics split (``do n't``,
``Libya 's``), spaces before punctuation (``city , which``) and escaped slashes (``\\/``). storyline stores
the detokenised text as the article text, so every offset computed later refers to the text a reader sees;
``detokenise`` also returns, for each output character, the offset of the input character it came from
(``offsets``), for anyone who must map back to the tokenised original.
"""

from __future__ import annotations

import re

__all__ = ["detokenise", "is_ptb"]

_BRACKETS = {"-LRB-": "(", "-RRB-": ")", "-LSB-": "[", "-RSB-": "]", "-LCB-": "{", "-RCB-": "}"}
# Markers only a PTB tokeniser writes. One bracket token or `` is already decisive; the softer signs
# (" 's", " n't", " ," ) occur in sloppy prose too, so they count only in bulk.
_STRONG = re.compile(r"-[LR][RSC]B-|(?:^|\s)``\s")
_SOFT = re.compile(r"\w (?:'s|n't|'re|'ve|'ll|'d|'m)\b| [,.;:?!](?:\s|$)")
# Soft markers per 1,000 characters: PTB news text has ~15 (a comma or full stop every ~80 characters);
# ordinary prose has none of " ," or " ." at all. Five is far from both.
_SOFT_PER_1000 = 5.0
_SOFT_PAIRS = (" '", " n'", " ,", " .", " ;", " :", " ?", " !")  # one in every soft marker


def is_ptb(text: str) -> bool:
    """Whether ``text`` looks Penn Treebank-tokenised.

    Example:
        >>> is_ptb("RABAT -LRB- Reuters -RRB- - A son of Libya 's leader spoke , officials said .")
        True
        >>> is_ptb("RABAT (Reuters) - A son of Libya's leader spoke, officials said.")
        False
    """
    # Each scan runs only where it can find something (every regex here is tried at almost every character): a
    # strong marker holds "B-" or "``"; a soft one a space before one of ' , . ; : ? ! or "n'", and soft markers do
    # not overlap, so there are no more of them than of those pairs.
    if ("B-" in text or "``" in text) and _STRONG.search(text):
        return True
    sample = text[:5000]
    if not sample or sum(map(sample.count, _SOFT_PAIRS)) * 1000 / len(sample) < _SOFT_PER_1000:
        return False
    return len(_SOFT.findall(sample)) * 1000 / len(sample) >= _SOFT_PER_1000


# Tokens that attach to the previous token (no space before them).
_NO_SPACE_BEFORE = re.compile(r"^(?:[,.;:?!%)\]}]|''|'s|'S|n't|N'T|'re|'ve|'ll|'d|'m|'RE|'VE|'LL|'D|'M|\.\.\.)$")
# Tokens that attach to the next token (no space after them).
_NO_SPACE_AFTER = {"(", "[", "{", "``", "$", "#"}


def detokenise(text: str) -> tuple[str, list[int]]:
    """PTB text back to prose, line by line, with a map from each output character to its input offset.

    Args:
        text: PTB-tokenised text; line breaks are kept.

    Returns:
        ``(prose, offsets)``: ``offsets[i]`` is the offset in ``text`` of the character ``prose[i]`` came from.

    Example:
        >>> detokenise("He said `` we do n't know '' -LRB- AP -RRB- .")[0]
        'He said "we don\\'t know" (AP).'
    """
    out: list[str] = []
    offsets: list[int] = []
    for line_match in re.finditer(r"[^\n]*\n?", text):
        line = line_match.group(0)
        if not line:
            continue
        base = line_match.start()
        glue_next = True  # no space before the first token of a line
        open_single = False
        for tok in re.finditer(r"\S+", line):
            raw = tok.group(0)
            word = _BRACKETS.get(raw, raw).replace("\\/", "/").replace("\\*", "*")
            if raw == "``" or raw == "''":
                word = '"'
            attach = _NO_SPACE_BEFORE.match(raw) is not None or (raw in _BRACKETS and word in ")]}")
            if raw == "'":
                attach = open_single  # a closing single quote attaches, an opening one does not
                open_single = not open_single
            if not glue_next and not attach:
                out.append(" ")
                offsets.append(base + tok.start() - 1)
            for i, ch in enumerate(word):
                out.append(ch)
                offsets.append(base + tok.start() + min(i, len(raw) - 1))
            glue_next = word in _NO_SPACE_AFTER or raw == "``" or (raw == "'" and open_single)
        if line.endswith("\n"):
            # drop the trailing space PTB files put before the line break
            out.append("\n")
            offsets.append(base + len(line) - 1)
    return "".join(out), offsets
