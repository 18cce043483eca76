"""An attribution clause (``Att``) and the helpers that find its parts in the masked text: the noun
phrase before or after a cue, adjuncts, commas, clause cuts, and tests of whether a cue is speech."""

from __future__ import annotations

import dataclasses
import re
from dataclasses import dataclass
from typing import Any

from storyline.calendar_words import WEEKDAYS
from storyline.extract.quotes.cues import (
    ADJUNCT,
    CUE_WORDS,
    DETERMINERS,
    MIN_QUOTE_WORDS,
    NP_STOP,
    NP_TOK,
    NP_WORDS,
    PRE_CUE_SKIP,
    PRONOUNS,
    WORD,
)
from storyline.extract.quotes.marks import DOUBLE, MASK, SINGLE

# A speaker phrase longer than this many words is a clause, not a name
# ("the official Korean Central News Agency (KCNA)" is six).
_MAX_NP_WORDS = 8

# The small patterns of the helpers below, compiled once (``re.match(pattern, ...)`` looks each up in re's cache
# on every call).
_DET_OPENING = re.compile(r"^(?:(?:the|a|an|The|A|An)\s+)")
_POSSESSIVE_END = re.compile(r"['’]s$")
_COMMA_OR_AND_END = re.compile(r"(?:,|\band)\s*$")
_NEXT_WORD = re.compile(r"\s+(\w+)")
_LAST_WORD = re.compile(r"(\w+)\s+$")
_SO_BEFORE = re.compile(r"\bso[- ]\s*$")
_TO_BEFORE = re.compile(r"\bto\s+$")
_BARE_NOT_SPEECH_AFTER = re.compile(r"\s+(?:tank|tanks|about|of|back|so|twice|again)\b")
_CONNECTIVE_OPENING = re.compile(r"(?:(?:and|or|of|but|so|yet)(?:\s+|$))+", re.IGNORECASE)
_APPOSITIVE_HEAD = re.compile(r"\s*([^,;:()\x00]{2,80}?),\s*(?:[^,;:\x00]{1,120},\s*){1,3}$")
_CONNECTIVE_ENDING = re.compile(r"(?:\s+(?:and|or|of|the|a|an))+$")


@dataclass(frozen=True, slots=True)
class Att:
    """One attribution clause found in a sentence."""

    cue: str
    kind: str  # forward | trailing | according | quoting
    weak: bool
    start: int  # first character of the clause's speaker or cue
    end: int  # last character of the clause's speaker or cue
    clause_start: int  # where reported content before this clause must stop
    speaker: str | None
    channel: bool  # the speaker is an agency or outlet that passes words on
    content: tuple[int, int] | None = None
    via_prefix: tuple[str, ...] = ()  # "Yonhap quoted an official as saying": ("Yonhap",)


def skip_adjuncts(masked: str, p: int, stop: int) -> int:
    """Past the adjuncts that may stand between a cue and what follows it ("on Tuesday", "in a statement")."""
    while True:
        m = ADJUNCT.match(masked, p, stop)
        if not m or m.end() == p:
            return p
        p = m.end()


def touches(text: str, qs: int, qe: int, cs: int, ce: int) -> bool:
    """A quote at ``qs..qe`` and a clause at ``cs..ce`` with no word between them."""
    if qe <= cs:
        return not WORD.search(text, qe, cs)
    if ce <= qs:
        return not WORD.search(text, ce, qs)
    return True


def replace_att(att: Att, **changes: Any) -> Att:
    return dataclasses.replace(att, **changes)


def enough(text: str, start: int, end: int) -> bool:
    return len(WORD.findall(text, start, end)) >= MIN_QUOTE_WORDS


def distance(att: Att, o: int, c: int) -> int:
    if att.start >= c:
        return att.start - c
    if att.end <= o:
        return o - att.end
    return 0


def channel_chain(channels: list[Att]) -> list[Att]:
    """Order channels from the outermost reporter inwards.

    A clause further right reports on what stands to its left ("X said …, KCNA said,
    according to Yonhap": Yonhap carries KCNA), and "quoting Y" sits inside the clause
    it follows ("reports Yonhap, quoting KCNA").
    """
    tops = [a for a in channels if a.kind != "quoting"]
    subs = [a for a in channels if a.kind == "quoting"]
    ordered: list[Att] = []
    for top in sorted(tops, key=lambda a: -a.start):
        ordered.append(top)
        ordered += sorted((s for s in subs if s.start > top.start), key=lambda a: a.start)
        subs = [s for s in subs if s.start <= top.start]
    ordered += sorted(subs, key=lambda a: a.start)
    return ordered


def unique(names: tuple[str | None, ...], speaker: str | None) -> tuple[str, ...]:
    out: list[str] = []
    for n in names:
        if n and n != speaker and n not in out:
            out.append(n)
    return tuple(out)


def strip_det(raw: str) -> str:
    return _DET_OPENING.sub("", raw.strip(" ,")).strip()


def strip_possessive(name: str) -> str:
    return _POSSESSIVE_END.sub("", name)


def shared_subject(masked: str, raw: list[Att], cs: int) -> tuple[str | None, bool] | None:
    """``He said A and said B``: a verb after "and" or a comma shares the earlier clause's speaker."""
    if raw and raw[-1].speaker and _COMMA_OR_AND_END.search(masked[max(0, cs - 8) : cs]):
        return raw[-1].speaker, raw[-1].channel
    return None


# The reporter's own words after reported speech: a non-restrictive relative clause running to
# the end of the sentence ("he plans to repeal Dodd-Frank, which was passed in 2010") glosses a
# noun for the reader, and ", but he …" opens a new clause with a subject of its own. A relative
# clause closed by a comma and a verb ("the plan, which passed Monday, is dead") stays.
_TAIL_RELATIVE = re.compile(r",\s+(?:who|which|whom|whose)\b")
_TAIL_BUT = re.compile(r",\s+but\s+(?:he|she|they|it|we|I|his|her|their|its|[A-Z][a-z]+\s+[a-z]+)\b")
# ", while organisers put the number at 20,000": a contrast whose subject is another source (a group that
# counts, claims or reports) starts that source's own statement, not more of the first one's.
_TAIL_CONTRAST = re.compile(
    r",?\s+(?:while|whereas|but|although|though)\s+(?:(?:the|some|other|many|local|rival|opposition)\s+)?"
    r"(?:[A-Z][\w-]*[’']s\s+)?(?:(?:state|official|local|independent)\s+)?"
    r"(?:organi[sz]ers|critics|opponents|activists|protesters|protestors|campaigners|unions?|police|officials|"
    r"authorities|rebels|residents|witnesses|others|the\s+opposition|opposition|rights\s+groups?|medics|doctors|"
    r"hospitals?|analysts|experts|observers|monitors|media|"
    r"[A-Z][\w’'-]*(?:\s+[A-Z][\w’'-]*){0,2}\s+(?=said|says|put|estimated|estimates|claimed|claims|counted|"
    r"reported|reports|gave|told))\b"
)
# ", while hosting the premier at a naval base": a subjectless participle clause after a weak verb's object tells what the
# speaker was doing (it hangs on the reporter's clause), not more of what was said.
_TAIL_PARTICIPLE = re.compile(r",\s+(?:while|whilst|when|after|before|upon|since)\s+(?:[a-z]+ly\s+)?[a-z]{2,}ing\b")
_RELATIVE_CLOSED = re.compile(
    r",\s+(?:is|was|are|were|has|have|had|will|would|can|could|should|may|might|must|does|did|do|[a-z]+s)\b"
)


def reporter_tail(masked: str, cs: int, ce: int, *, weak: bool = False) -> int:
    """End of reported words ``cs..ce`` before a trailing relative clause or ", but" clause, and after a weak verb
    ("praised the “…”, while hosting the premier") before a participle clause.

    After a weak verb the words are its object, with no verb of their own for a participle to hang on; after
    "said" they are a clause that may well own it ("the industry can keep producing coal, while reducing …").
    """
    cut = ce
    patterns = (_TAIL_RELATIVE, _TAIL_BUT, _TAIL_CONTRAST) + ((_TAIL_PARTICIPLE,) if weak else ())
    for pattern in patterns:
        m = pattern.search(masked, cs, cut)
        if m is None:
            continue
        # quoted words are masked: a quotation before the participle is words enough ("praised the “…”, while …")
        if not enough(masked, cs, m.start()) and not (pattern is _TAIL_PARTICIPLE and MASK in masked[cs : m.start()]):
            continue
        if pattern is _TAIL_RELATIVE and _RELATIVE_CLOSED.search(masked, m.end(), cut):
            continue
        cut = m.start()
    return cut


# Words that join a second clause of the sentence ("He said A and said B", "A said B while C
# said D"): a later attribution after one of them starts a new statement.
_CLAUSE_JOIN = re.compile(r"(?:[,;:(\u2014\u2013]|\s-|\b(?:and|but|while|whereas|although|though|as|because|yet))\s*$")


def clause_cut(masked: str, att: Att) -> int | None:
    """Where a later attribution clause ends the reported words before it, if it does.

    ``"…, Yonhap said"`` and ``"… and said that …"`` open a new clause; ``"Kiedis said his
    band wrote new songs"`` is one statement with an attribution nested inside it (PolNeAR and
    PARC annotate the outer content whole), so a speaker + verb straight after the
    reported words does not cut them.
    """
    cs = att.clause_start
    if masked[cs : cs + 1] == ",":
        return cs
    m = _CLAUSE_JOIN.search(masked, max(0, cs - 12), cs)
    if m:
        return m.start()
    return None


def comma_before(masked: str, lo: int, pos: int) -> int | None:
    """Index of the comma or closing quote mark right before ``pos`` (spaces aside)."""
    i = pos - 1
    while i >= lo and masked[i].isspace():
        i -= 1
    if i >= lo and masked[i] in ",":
        return i
    if i >= lo and masked[i] in DOUBLE + SINGLE:
        j = i - 1
        if j >= lo and masked[j] == ",":
            return j
        return i
    return None


def noun_use(masked: str, rs: int, cs: int, ce: int) -> bool:
    """ "media reports said", "the claims": a cue word used as a noun."""
    nxt = _NEXT_WORD.match(masked[ce : ce + 30])
    if nxt and nxt.group(1).lower() in CUE_WORDS:
        return True
    prv = _LAST_WORD.search(masked[max(rs, cs - 20) : cs])
    # "271 pledged delegates", "3 reported cases": a participle after a number is an adjective, and
    # so is one right after a preposition ("a majority of pledged delegates", "with reported losses"):
    # a speech verb there would have no subject
    if prv and masked[cs:ce].lower().endswith("ed") and prv.group(1).lower() in _PARTICIPLE_PREPS:
        return True
    return bool(prv and (prv.group(1).lower() in DETERMINERS or prv.group(1).isdigit()))


_PARTICIPLE_PREPS = frozenset("of with among including in more".split())


def _adverb(w: str) -> bool:
    """A lower-case "-ly" adverb ("flatly", "repeatedly"), not a noun such as "family"."""
    return w.islower() and len(w) > 4 and w.endswith("ly") and w not in NP_WORDS and w not in _LY_NOUNS


_LY_NOUNS = frozenset("family ally assembly rally monopoly anomaly bully".split())


# "continued" reports speech only when the words follow it ("he continued, “…”"), not in "continued
# to lead"; a bare verb after "to" is an infinitive ("plans to maintain a base"), and "think" is
# a noun in "think tank" and no attribution in "think about".
_CONTINUE_SPEECH = re.compile(r"\s*(?:[,:;\"“”‘'\u2014\u2013.!?]|$)")
_BARE = frozenset("think believe acknowledge insist warn predict contend maintain complain argue".split())


# "maintained" reports a claim only before "that" or the words themselves ("has long maintained they
# were not marked"), not before an object it keeps ("maintained a lead", "maintained an energetic pace"):
# a determiner or possessive after it opens such an object.
_MAINTAIN = frozenset("maintained maintains maintain".split())
_KEPT_OBJECT = re.compile(r"\s+(?:a|an|the|his|her|its|their|our|this|these)\b")


# `“…,” Toomey fumed`, `“…?” he pressed`, `“…,” fumed Toomey`: a closing quotation mark after the
# quotation's own comma, question or exclamation mark or dash, then at most a short speaker phrase
# (a title, a two- or three-word name) and no word that opens a clause of the reporter's own.
_QUOTE_TAIL = re.compile(r"[,!?\u2014\u2013-]\s*[\"”’']\s+(?P<np>(?:[\w.’'-]+\s+){0,5})$")


def quote_tail(text: str, rs: int, cs: int) -> bool:
    """The cue at ``cs`` stands in the attribution right after a direct quote."""
    m = _QUOTE_TAIL.search(text, max(rs, cs - 80), cs)
    if m is None:
        return False
    return not any(
        w.lower() in NP_STOP or w.lower() in CUE_WORDS or w.lower() in ("and", "or") or not WORD.search(w)
        for w in m.group("np").split()
    )


# Bare "tell" after "to", a modal or a negation tells of what someone means to, would or does not
# say ("urged Sessions to tell Trump …", "only time will tell if …", "it doesn't tell you much
# about …"), not of words said; "He did tell CNN that …" and "they tell pollsters …" stay.
_TELL_NOT_SAID = re.compile(
    r"\b(?:to|will|would|can|could|cannot|might|may|must|should|shall|won[’']t|can[’']t|"
    r"couldn[’']t|wouldn[’']t|don[’']t|doesn[’']t|didn[’']t|not|never)\s+(?:ever\s+|\w+ly\s+)?$"
)


# "Lerer reported from Los Angeles", "first reported by the Times": the reporter's byline credit or a
# passive naming who broke the story; the words after the cue are not what was reported.
_REPORTED_FROM = re.compile(r"\s+(?:from|by)\b")


def not_speech(masked: str, cue: str, cs: int, ce: int) -> bool:
    if cue == "tell" and _TELL_NOT_SAID.search(masked, max(0, cs - 30), cs):
        return True
    if cue in ("reported", "reports") and _REPORTED_FROM.match(masked, ce):
        return True
    if cue == "called" and _SO_BEFORE.search(masked[max(0, cs - 4) : cs]):
        return True  # the so-called “rebels”: the reporter's distance from a label, nobody's words
    if cue in ("continued", "continues"):
        return _CONTINUE_SPEECH.match(masked, ce) is None
    if cue in _MAINTAIN and _KEPT_OBJECT.match(masked, ce):
        return True
    if cue in _BARE:
        if _TO_BEFORE.search(masked[max(0, cs - 4) : cs]):
            return True
        return _BARE_NOT_SPEECH_AFTER.match(masked[ce : ce + 8]) is not None
    return False


# np_before reads the tokens before a cue from the last one back and stops within a few words: it tokenizes the
# last ``_NP_REACH`` characters first (from a token boundary), and the whole stretch only when the walk reads past
# them. A token holds whitespace only when it is a parenthesis of at most ``_PAREN_TOKEN`` characters (``NP_TOK``).
_NP_REACH = 40
_PAREN_TOKEN = 62
# what the walk gives when it read every token it was given without deciding: the tokens before them are needed
_READ_ON = (-1, -1)


def np_before(masked: str, lo: int, hi: int) -> tuple[int, int] | None:
    """The speaker phrase ending right before a cue verb at ``hi``."""
    near = _token_boundary(masked, lo, hi - _NP_REACH, hi)
    if near > lo:
        found = _np_before(masked, lo, list(NP_TOK.finditer(masked, near, hi)), whole=False)
        if found is not _READ_ON:
            return found
    return _np_before(masked, lo, list(NP_TOK.finditer(masked, lo, hi)), whole=True)


def _token_boundary(masked: str, lo: int, pos: int, hi: int) -> int:
    """A position in ``(lo, hi]`` at or after ``pos`` where ``NP_TOK.finditer(masked, lo, hi)`` starts a token or
    skips to one (so a scan from there gives the tokens of the scan from ``lo`` that lie past it), or ``lo``.

    Right after a space outside any parenthesis token: a token holding the space would be a parenthesis opened
    at most ``_PAREN_TOKEN`` characters before it, and a space begins no token (the scan steps over it)."""
    if pos <= lo:
        return lo
    space = masked.find(" ", pos, hi)
    if space < 0 or masked.find("(", max(lo, space - _PAREN_TOKEN), space) >= 0:
        return lo
    return space + 1


def _np_before(masked: str, lo: int, toks: list[re.Match[str]], *, whole: bool) -> tuple[int, int] | None:
    """np_before's walk back over ``toks``, the tokens of ``masked[lo:hi]`` (``whole``) or the last of them (else
    ``_READ_ON`` when the walk reads them all without deciding)."""
    start: int | None = None
    end: int | None = None
    n = 0
    skip_time = True
    for t in reversed(toks):
        w = t.group(0)
        low = w.lower()
        if end is None and (low in PRE_CUE_SKIP or _adverb(w)):
            continue  # "would only say", "flatly denied"
        if end is None and low in ("and", "or"):
            return None  # "took the stage in Baltimore and called …": a second verb of the subject
        if end is None and skip_time and low in _TIME_WORDS:
            continue  # "Trump on Tuesday said", "a report published Wednesday said": a time, not a speaker
        if end is None and skip_time and low in ("on", "late", "early", "last", "this", "next"):
            skip_time = False
            continue
        skip_time = False
        if w.startswith("("):
            pass
        elif not w[0].isalnum():
            break
        elif low in NP_STOP or (low in CUE_WORDS and not (end is None and low == "reports")):
            break  # ("media reports said": the noun "reports" heads the phrase)
        elif low in PRONOUNS:
            if end is not None:
                break
            return t.start(), t.end()
        elif w[0].islower() and not (low in NP_WORDS or end is None or "-" in w or low.endswith(("'s", "’s"))):
            if not _noun_modifiers(masked, lo, t.end(), start):
                break
        if end is None:
            end = t.end()
        start = t.start()
        n += 1
        if n >= _MAX_NP_WORDS:
            break
    else:
        if not whole:
            return _READ_ON
    if start is None or end is None:
        return None
    # a phrase may not open with a connective or a possessive's owner-less tail
    m = _CONNECTIVE_OPENING.match(masked[start:end])
    if m:
        start += m.end()
    if start >= end:
        return None
    return start, end


# ", election officials said", "Campaign finance experts say": up to two lower-case nouns before
# the speaker's head noun, when a comma, a determiner or the sentence start comes before them
# (so "the turnout was highest officials said" stays a clause, not a speaker).
_MODIFIERS = 2
_MODIFIER_WORDS = re.compile(rf"((?:[a-z][a-z-]*\s+){{1,{_MODIFIERS}}})$")
_MODIFIER_OPEN = re.compile(
    r"(?:^|[,;:(\u2014\u2013]|\b(?:the|a|an|some|many|most|several|other|two|three|four|five|Some|Many|Most|Several|Other|Two|Three|Four|Five|The|A|An))\s*$"
)


def _noun_modifiers(masked: str, lo: int, hi: int, head: int | None) -> bool:
    """The lower-case words ending at ``hi`` modify a speaker noun starting at ``head``."""
    if head is None or masked[head : head + 1].isupper():
        return False
    m = _MODIFIER_WORDS.search(masked[max(lo, hi - 40) : head])
    if m is None:
        return False
    words = m.group(1).split()
    if any(
        w in NP_STOP or w in CUE_WORDS or w in PRE_CUE_SKIP or _adverb(w) or w.endswith(("ed", "ing")) for w in words
    ):
        return False
    begin = head - len(m.group(1))
    return _MODIFIER_OPEN.search(masked, max(lo, begin - 10), begin) is not None or not masked[lo:begin].strip()


# Time words that sit between a speaker and the cue ("Trump on Tuesday said").
_TIME_WORDS = frozenset(WEEKDAYS) | frozenset(
    "today yesterday tonight morning afternoon evening night week weekend month year".split()
)


def appositive_subject(masked: str, rs: int, cs: int) -> tuple[int, int] | None:
    """``NAME, APPOSITIVE, CUE``: the name opening the sentence, when a comma pair follows it."""
    head = masked[rs:cs]
    # the appositive may hold commas of its own ("Lance Beebe, 49, a Navy veteran, said",
    # "Sen. Lindsey Graham, R-S.C., a presidential candidate, said"); three pieces at most
    m = _APPOSITIVE_HEAD.match(head)
    if not m:
        return None
    name = m.group(1).strip()
    words = name.split()
    if not words or len(words) > _MAX_NP_WORDS or not any(w[:1].isupper() for w in words):
        return None
    if any(w.lower() in NP_STOP or w.lower() in CUE_WORDS for w in words):
        return None
    start = rs + m.start(1)
    return start, start + len(name)


def np_after(masked: str, lo: int, hi: int) -> tuple[int, int] | None:
    """The speaker phrase right after ``lo`` ("according to Russia's Tass news agency")."""
    start: int | None = None
    end: int | None = None
    n = 0
    for t in NP_TOK.finditer(masked, lo, hi):
        w = t.group(0)
        low = w.lower()
        if w.startswith("("):
            if start is None:
                break
        elif not w[0].isalnum() or low in NP_STOP or low in CUE_WORDS:
            break
        elif low in PRONOUNS and start is None:
            return t.start(), t.end()
        if start is None:
            start = t.start()
        end = t.end()
        n += 1  # noqa: SIM113 - counts only the words kept, not every token the loop sees
        if n >= _MAX_NP_WORDS + 2:
            break
    if start is None or end is None:
        return None
    m = _CONNECTIVE_ENDING.search(masked[start:end])
    if m:
        end = start + m.start()
    return start, end
