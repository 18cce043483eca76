"""What every finder gets and gives: the tense of the sentence around a mention (``Context``), read from
its verbs and cue words, and the ``Candidate`` span a finder yields."""

from __future__ import annotations

import bisect
import re
from collections.abc import Iterator
from typing import NamedTuple

from storyline.extract.anchors import Anchored, AnchorGroup, Anchors
from storyline.extract.shared import sentences

PAST = "past"
FUTURE = "future"

# How far from a mention (in words, within its sentence) a tense cue still counts as its own.
# Judgement: a verb phrase like "is expected to visit the Russian cities on" spans about 7 words.
_CUE_WINDOW_BEFORE = 8
_CUE_WINDOW_AFTER = 3
# The tense heuristic reads at most this many characters either side of a mention, so text
# without sentence breaks stays linear. A long news sentence is about 40 words, ~250 characters.
_SENTENCE_REACH = 300


class Candidate(NamedTuple):
    start: int
    end: int
    value: str | None  # the DateMention value (ISO at its granularity)
    granularity: str
    # TIMEX3 view (TimeML): type DATE|TIME|DURATION|SET and its value ("P3Y", "PRESENT_REF",
    # "2009-Q3", "2013-03-22TAF"); None means "same as value". ``dated`` is False for
    # expressions that name no point in the calendar (durations, sets, "now"): find_dates drops them.
    timex: str | None = None
    ttype: str = "DATE"
    dated: bool = True


# ---------------------------------------------------------------------------------------------
# Tense of the sentence around a mention

_TOKEN = re.compile(r"[A-Za-z]+(?:['’][a-z]+)?")
_FUTURE_CUES = frozenset(
    {
        "will",
        "won't",
        "won’t",
        "shall",
        "would",
        "expected",
        "due",
        "scheduled",
        "planned",
        "plans",
        "plan",
        "planning",
        "upcoming",
        "slated",
        "intends",
        "intend",
        "aims",
    }
)
# Too often an adjective ("his next destination") to decide a nearby mention on its own;
# counts only when nothing closer to the mention does.
_WEAK_FUTURE_CUES = frozenset({"next"})
# "is to", "set to", "going to": future only with "to" after them.
_FUTURE_BEFORE_TO = frozenset({"is", "are", "set", "going", "was", "were", "hopes", "wants"})
_PAST_CUES = frozenset(
    {
        "said",
        "told",
        "met",
        "held",
        "was",
        "were",
        "had",
        "did",
        "took",
        "made",
        "went",
        "came",
        "began",
        "left",
        "saw",
        "gave",
        "spoke",
        "wrote",
        "led",
        "won",
        "lost",
        "fell",
        "rose",
        "sent",
        "got",
        "paid",
        "found",
        "brought",
        "struck",
        "flew",
        "ran",
        "fought",
        "became",
        "kept",
        "chose",
        "shot",
        "drew",
        "knew",
        "thought",
        "heard",
        "sold",
        "bought",
        "built",
        "caught",
        "ago",
        "earlier",
        "previously",
        "last",
    }
)
# words before "last" that make it the verb ("to last", "will last")
_VERB_BEFORE = frozenset({"to", "will", "would", "could", "can", "may", "might", "should", "must"})
_NOT_PAST_ED = frozenset({"hundred", "need", "speed", "seed", "feed", "bed", "red", "united"})


def _word_tense(words: list[str], i: int, weak: bool = False) -> str | None:
    """The tense a single word signals, or None; ``weak`` admits the weak future cues."""
    w = words[i].lower()
    if w in _FUTURE_CUES or (weak and w in _WEAK_FUTURE_CUES) or w.endswith(("'ll", "’ll")):
        return FUTURE
    if w == "to" and i > 0 and words[i - 1].lower() in _FUTURE_BEFORE_TO:
        return FUTURE
    if w in _PAST_CUES:
        if w == "last" and i > 0 and words[i - 1].lower() in _VERB_BEFORE:
            return None  # the verb ("expected to last until October"), not "last October"
        return PAST
    # Regular past forms; capitalised words are names ("United", "Ahmed").
    if len(w) > 3 and w.endswith("ed") and not w.endswith("eed") and w not in _NOT_PAST_ED:
        if words[i][0].islower():
            return PAST
    return None


class Context:
    """What the finders share about one text: where its patterns can begin (``finditer``) and, computed on
    first use, its sentence spans for the tense heuristic. ``plain``: every pattern scans the whole text (the
    straightforward path the anchored one must equal; tests and the bench)."""

    def __init__(self, text: str, *, plain: bool = False) -> None:
        self.text = text
        self._starts: list[int] | None = None
        self._spans: list[tuple[int, int]] = []
        self._plain = plain
        self._anchors: dict[AnchorGroup, Anchors] = {}  # one pass over the text per group of patterns used

    def finditer(self, a: Anchored) -> Iterator[re.Match[str]]:
        """The matches of ``a``'s pattern in the text, as ``finditer`` gives them."""
        if self._plain:
            return a.pattern.finditer(self.text)
        anchors = self._anchors.get(a.group)
        if anchors is None:
            anchors = self._anchors[a.group] = Anchors(self.text, a.group)
        return anchors.finditer(a)

    def sentence(self, pos: int) -> tuple[int, int]:
        if self._starts is None:
            self._spans = sentences(self.text)
            self._starts = [s for s, _ in self._spans]
        i = bisect.bisect_right(self._starts, pos) - 1
        if i < 0:
            return 0, len(self.text)
        return self._spans[i]

    def tense(self, start: int, end: int) -> str:
        """PAST or FUTURE for a mention, from cue words nearest to it in its sentence.

        The nearest cue before the mention wins ("said Thursday it will" is past for
        Thursday; "will visit on Friday" is future), then the nearest just after it; failing
        both, any future cue in the sentence; news defaults to the past.
        """
        s_start, s_end = self.sentence(start)
        s_start, s_end = max(s_start, start - _SENTENCE_REACH), min(s_end, end + _SENTENCE_REACH)
        before = _TOKEN.findall(self.text, s_start, start)
        for i in range(len(before) - 1, max(-1, len(before) - 1 - _CUE_WINDOW_BEFORE), -1):
            t = _word_tense(before, i)
            if t is not None:
                return t
        after = _TOKEN.findall(self.text, end, max(end, s_end))
        for i in range(min(len(after), _CUE_WINDOW_AFTER)):
            t = _word_tense(after, i)
            if t is not None:
                return t
        for words in (before, after):
            for i in range(len(words)):
                if _word_tense(words, i, weak=True) == FUTURE:
                    return FUTURE
        return PAST
