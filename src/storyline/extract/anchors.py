"""Anchored matching: a pattern tried only where its first word can begin, found by one pass over a text's words.

Python's ``re`` tries a pattern that begins with ``\\b``, a lookbehind or an optional group at every character of
the text. The extractors have a few dozen such patterns, each read over the whole article. Here one pass splits
the text into runs of letters and digits (``Anchors``); each pattern added to an ``AnchorGroup`` names the runs its
matches can begin at (a small regex over the run), and ``Anchors.finditer`` tries it with ``pattern.match`` at
the starts of those runs alone.

Exact, not a heuristic: ``Anchors.finditer`` gives what ``pattern.finditer(text, pos, endpos)`` gives whenever
every match of the pattern begins where a run begins (a run of letters, a run of digits, or a quote mark before a
digit) and that run satisfies the pattern's ``first`` regex (``re.match`` against the whole run: an alternative
ending in ``\\Z`` names the whole run, one without names a prefix of it). A ``\\b`` or a lookbehind excluding
letters or digits before the pattern's first character gives the first condition; the second is the author's
claim, checked against the plain scan in tests/test_fast_paths.py. The pattern must not match the empty string
(``finditer`` treats empty matches specially).
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Iterator
from itertools import accumulate, compress

__all__ = ["AnchorGroup", "Anchored", "Anchors", "first_words", "leads"]

# runs of letters (``\w`` without digits and "_"), runs of digits, and a quote mark before a digit ("'90s"); split
# on them, a text alternates between what lies between runs and the runs
_RUNS = re.compile(r"([^\W\d_]+|\d+|['’](?=\d))")
# the same over an ASCII text, where each class means its ASCII part ([^\W\d_] is [A-Za-z], \d is [0-9]): a third
# faster, the engine testing bytes instead of looking characters up in Unicode's tables
_RUNS_ASCII = re.compile(_RUNS.pattern, re.ASCII)
_NONE: tuple[int, ...] = ()
_NO_KEYS: frozenset[int] = frozenset()


class Anchored:
    """A pattern and the runs its matches can begin at; made by ``AnchorGroup.add``."""

    __slots__ = ("first", "group", "key", "lead", "pattern", "then")

    def __init__(
        self, pattern: re.Pattern[str], first: str, group: AnchorGroup, key: int, lead: str | None, then: str | None
    ) -> None:
        self.pattern = pattern
        self.first = re.compile(first)
        self.lead = re.compile(lead) if lead is not None else None
        self.then = re.compile(then) if then is not None else None
        self.group = group
        self.key = key


class AnchorGroup:
    """Patterns read over the same texts (one ``Anchors`` pass serves them all), and which of them each run seen
    so far may begin (a memo, started again when it holds ``MAX_RUNS`` runs).

    A run's kinds hold the key of each pattern it may begin (its ``first``), and ``~key`` for each pattern it may
    begin only when the next run satisfies that pattern's ``then`` (its ``lead``); ``thens`` holds, per run, the
    keys whose ``then`` it satisfies."""

    MAX_RUNS = 500_000  # distinct runs remembered (some tens of MB at most)

    def __init__(self) -> None:
        self.patterns: list[Anchored] = []
        self.kinds: dict[str, tuple[int, ...]] = {}
        self.thens: dict[str, frozenset[int]] = {}
        self.any: re.Pattern[str] | None = None
        self.any_then: re.Pattern[str] | None = None

    def add(
        self, pattern: re.Pattern[str], first: str, *, lead: str | None = None, then: str | None = None
    ) -> Anchored:
        """Add ``pattern``: every run it can begin at satisfies ``first``, or satisfies ``lead`` with a next run
        that satisfies ``then`` (regexes matched against whole runs, ``re.match``). ``lead`` fits a pattern
        opening with a word and whitespace before the word ``then`` names ("the" before "day"): the whitespace is
        not part of any run, so the word is the next run."""
        if (lead is None) != (then is None):
            raise ValueError("lead and then go together")
        a = Anchored(pattern, first, self, len(self.patterns), lead, then)
        self.patterns.append(a)
        self.kinds.clear()  # runs classified before this pattern existed
        self.thens.clear()
        firsts = [p.first.pattern for p in self.patterns] + [p.lead.pattern for p in self.patterns if p.lead]
        self.any = re.compile("|".join(f"(?:{f})" for f in firsts))
        thens = [p.then.pattern for p in self.patterns if p.then]
        self.any_then = re.compile("|".join(f"(?:{t})" for t in thens)) if thens else None
        return a

    def classify(self, runs: list[str]) -> list[tuple[int, ...] | None]:
        """Which patterns each of ``runs`` may begin (see the class); what is found for runs not seen yet is
        remembered, with the ``then`` each satisfies."""
        kinds = self.kinds
        found = list(map(kinds.get, runs))
        if None not in found:
            return found
        missing = {r for r, k in zip(runs, found) if k is None}
        if len(kinds) + len(missing) > self.MAX_RUNS:
            kinds.clear()
            self.thens.clear()
            missing = set(runs)
        any_first = self.any
        conditional = [p for p in self.patterns if p.then is not None]
        for run in missing:
            if any_first is None or not any_first.match(run):
                kinds[run] = _NONE
            else:
                kinds[run] = tuple(p.key for p in self.patterns if p.first.match(run)) + tuple(
                    ~p.key for p in conditional if p.lead is not None and p.lead.match(run)
                )
            # a run no ``then`` matches (one match of them all joined, as ``any`` for the firsts) satisfies none
            if self.any_then is None or not self.any_then.match(run):
                self.thens[run] = _NO_KEYS
            else:
                self.thens[run] = frozenset(p.key for p in conditional if p.then is not None and p.then.match(run))
        return list(map(kinds.__getitem__, runs))


# the runs of the last two texts split, and where each part of the split ends: the date finders and the quote
# finder read the same article in turn
_RECENT: list[tuple[str, list[str], list[int]]] = []


def _split(text: str) -> tuple[list[str], list[int]]:
    """The runs of ``text`` and where each part of its split ends (run i is ``[ends[2i], ends[2i + 1])``)."""
    for seen, runs, ends in _RECENT:
        if seen is text or seen == text:
            return runs, ends
    parts = (_RUNS_ASCII if text.isascii() else _RUNS).split(text)  # between, run, between, run, ..., between
    runs = parts[1::2]
    ends = list(accumulate(map(len, parts)))
    _RECENT[:] = [(text, runs, ends), *_RECENT[:1]]
    return runs, ends


class Anchors:
    """Where the patterns of one group can begin in one text: one pass over its runs, made on first use.

    ``runs_of``: the text whose runs are read, when it is not ``text`` itself; it must have the runs of ``text``
    wherever a pattern can begin in ``text``. That holds for the text before some stretches were masked with a
    non-word character (the quote finder masks quoted words), when each masked stretch follows a non-word one
    (the opening quote mark): masking then only removes runs, and every run left is unchanged.
    """

    __slots__ = ("_ends", "_runs_of", "_starts", "group", "text")

    def __init__(self, text: str, group: AnchorGroup, *, runs_of: str | None = None) -> None:
        if runs_of is not None and len(runs_of) != len(text):
            raise ValueError("runs_of must be as long as the text")
        self.text = text
        self.group = group
        self._runs_of = text if runs_of is None else runs_of
        self._starts: list[list[int]] | None = None
        self._ends: list[int] = []  # where each part of the split ends: run i is [_ends[2i], _ends[2i + 1])

    def _index(self) -> list[list[int]]:
        group = self.group
        starts: list[list[int]] = [[] for _ in group.patterns]
        runs, ends = _split(self._runs_of)
        kinds = group.classify(runs)
        thens = group.thens  # every run of the text is in it now
        last = len(runs) - 1
        for i in compress(range(len(kinds)), kinds):
            pos = ends[2 * i]
            for k in kinds[i]:  # type: ignore[union-attr]  # compress left out the empty ones
                if k >= 0:
                    starts[k].append(pos)
                elif i < last and ~k in thens[runs[i + 1]]:
                    starts[~k].append(pos)
        self._starts = starts
        self._ends = ends
        return starts

    def starts(self, a: Anchored) -> list[int]:
        """The positions, in text order, where ``a``'s pattern is tried."""
        if a.group is not self.group:
            raise ValueError("the pattern belongs to another anchor group")
        starts = self._starts
        if starts is None or a.key >= len(starts):  # first use, or a pattern added since
            starts = self._index()
        return starts[a.key]

    def finditer(self, a: Anchored, pos: int = 0, endpos: int | None = None) -> Iterator[re.Match[str]]:
        """What ``a.pattern.finditer(text, pos, endpos)`` gives, trying the pattern only where it can begin."""
        text, match = self.text, a.pattern.match
        if a.then is not None and endpos is not None and endpos < len(text):
            # the next run a lead needs may be cut by endpos (the pattern sees "day" where the run is "days")
            yield from a.pattern.finditer(text, pos, endpos)
            return
        starts = self.starts(a)
        pos = max(0, pos)
        if endpos is None or endpos >= len(text):
            endpos = len(text)
            tried = starts[bisect.bisect_left(starts, pos) :] if pos > 0 else starts
        else:
            tried = starts[bisect.bisect_left(starts, pos) : bisect.bisect_left(starts, endpos)]
            # a run that ``endpos`` cuts is shorter in the text the pattern sees: its start is tried whatever
            # the whole run is ("saidx" cut to "said")
            j = bisect.bisect_right(self._ends, endpos)
            cut = self._ends[j - 1] if j % 2 == 1 else -1
            if pos <= cut < endpos and (not tried or tried[-1] != cut):
                tried.append(cut)
        end = pos
        for at in tried:
            if at < end:
                continue  # inside the last match: finditer goes on from its end
            m = match(text, at, endpos)
            if m is not None:
                end = m.end()
                yield m


def _scan(source: str) -> Iterator[tuple[int, str, int]]:
    """(position, character, group depth after it) of each character of a regex's source that is neither escaped
    nor inside a class."""
    depth, in_class, i = 0, False, 0
    while i < len(source):
        ch = source[i]
        if ch == "\\":
            i += 2
            continue
        if in_class:
            in_class = ch != "]"
        elif ch == "[":
            in_class = True
        else:
            depth += (ch == "(") - (ch == ")")
            yield i, ch, depth
        i += 1


def _alternatives(source: str) -> list[str]:
    """The top-level alternatives of a regex's source (``a|b(?:c|d)`` -> ``a``, ``b(?:c|d)``)."""
    cuts = [i for i, ch, depth in _scan(source) if ch == "|" and depth == 0]
    return [source[i + 1 : j] for i, j in zip([-1, *cuts], [*cuts, len(source)])]


def _group_end(source: str) -> int:
    """Where the group ``source`` opens with closes."""
    for i, ch, depth in _scan(source):
        if ch == ")" and depth == 0:
            return i
    raise ValueError(f"unbalanced group in {source!r}")


def leads(source: str) -> list[str] | None:
    """The letters a match of the regex ``source`` begins with, one string per way it can begin (``walk(?:ed)?\\s+
    out|slamm?|(?:is|are)`` -> walk, slam, is, are), or None when an alternative does not begin with a letter.

    For ``AnchorGroup.add``'s ``first``: a match begins where its first run begins and that run begins with one of
    these (the same case rules as the pattern's). Only the letters before anything else are taken (a class, a
    group, an escape, a quantified letter), so each is a prefix of what the alternative matches.
    """
    out: list[str] = []
    for alt in _alternatives(source):
        if alt.startswith("(?:"):
            end = _group_end(alt)
            if alt[end + 1 : end + 2] in ("?", "*", "{"):
                return None  # an optional group: the match may begin after it
            inner = leads(alt[3:end])
            if inner is None:
                return None
            out += inner
            continue
        lead = ""
        for k, ch in enumerate(alt):
            if not ch.isalpha() or alt[k + 1 : k + 2] in ("?", "*", "{"):
                break
            lead += ch
        if not lead:
            return None
        out.append(lead)
    return out


def first_words(*sources: str) -> str:
    """A case-blind ``first`` for ``AnchorGroup.add`` naming the runs a pattern made of the alternations
    ``sources`` (each behind a ``\\b``) can begin at: those beginning with one of their ``leads``; "" (every run)
    when one of them has none."""
    found: list[str] = []
    for source in sources:
        lead = leads(source)
        if lead is None:
            return ""
        found += lead
    return "(?i:" + "|".join(sorted(set(found), key=lambda w: (-len(w), w))) + ")"
