"""Who a speaker phrase names: pronouns ("he", "it") to the nearest fitting person or organisation,
surnames to full names, outlets and agencies to channels (``Speakers``, the base of the attribution context)."""

from __future__ import annotations

import bisect
import re
from collections.abc import Sequence

from storyline.agencies import agency_in, agency_spans, dateline_credit, local_agencies
from storyline.clean import match_dateline
from storyline.extract.entities import government_of, name_key
from storyline.extract.quotes.clauses import np_before, strip_det, strip_possessive
from storyline.extract.quotes.cues import (
    CUE_WORDS,
    MEDIA,
    MEDIA_NAMED,
    MEDIA_NOUN_BEFORE,
    NAMES_ONLY,
    NP_STOP,
    OBJECT_BEFORE,
    PRONOUNS,
    WORD,
)
from storyline.extract.quotes.gender import person_genders
from storyline.extract.quotes.marks import MASK, find_quote_marks
from storyline.extract.shared import sentences
from storyline.records import Mention

# "He said" looks this many sentences back for a subject to stand for (a news paragraph is two
# or three sentences, and the pronoun rarely crosses more than one paragraph).
_SUBJECT_SENTENCES = 3

# An agency named only by its noun ("the agency", "the official news agency", "the state-run wire service").
_AGENCY_NOUN = re.compile(
    r"(?:the|The|that|That|this|This)\s+(?:(?:official|state|state-run|state-owned|government|national|"
    r"[a-z]+-run|[A-Z][a-z]+n|[A-Z][a-z]+ese)\s+){0,3}(?:news\s+|press\s+)?(?:agency|wire\s+service|news\s+service)"
)
# An organisation that "the agency" may stand for without being a news agency ("National Intelligence Service").
_OFFICE = re.compile(r"\b(?:Agency|Service|Bureau|Administration|Office|Commission|Authority)\b")
# A dateline's agency credit is the article's origin when it stands in one of the first paragraphs.
_DATELINE_PARAGRAPHS = 3


def _masked(text: str, marks: list[tuple[int, int]]) -> str:
    """``text`` with the characters between each pair of quote marks (``marks``, sorted) replaced by ``MASK``, one
    for one: the stretches between the pairs and the masks joined, not a list of every character."""
    pieces: list[str] = []
    done = 0  # text[:done] is in pieces
    for o, c in marks:
        start = max(o + 1, done)  # a pair may begin inside the one before: the union is masked
        if c > start:
            pieces += (text[done:start], MASK * (c - start))
            done = c
    pieces.append(text[done:])
    return "".join(pieces)


def _after_line_break(text: str, pos: int) -> bool:
    """``text[:pos].rstrip(" \t").endswith("\n")``, read back from ``pos`` without copying the text before it
    (a copy per sentence made the dateline pass quadratic in the article's length)."""
    while pos > 0 and text[pos - 1] in " \t":
        pos -= 1
    return pos > 0 and text[pos - 1] == "\n"


def _past_datelines(text: str, spans: list[tuple[int, int]]) -> tuple[list[tuple[int, int]], str | None]:
    """Sentences with each paragraph-opening dateline cut off, and the agency the article's dateline credits."""
    out: list[tuple[int, int]] = []
    credit: str | None = None
    paragraphs = 0
    for ss, se in spans:
        if ss == 0 or _after_line_break(text, ss):
            paragraphs += 1
            m = match_dateline(text[ss:se])
            if m is not None and m.end() < se - ss:
                if credit is None and paragraphs <= _DATELINE_PARAGRAPHS:
                    found = dateline_credit(text[ss:se])
                    credit = found.name if found is not None else None
                ss += m.end()
                while ss < se and text[ss] in " \t":
                    ss += 1
        out.append((ss, se))
    return out, credit


# Small patterns of the methods below, compiled once (``re.match(pattern, ...)`` looks each up in re's cache on
# every call).
_AND_OR_COMMA = re.compile(r"\band\b|,")
_COLON_END = re.compile(r"[;:]\s*$")
_CLAUSE_MARK = re.compile(r"[,;:]")
_PRONOUN_OPENING = re.compile(r"\s*(?:[A-Z][a-z]+,\s+)?(He|She)\b")
_ANY_PRONOUN_OPENING = re.compile(r"\s*(?:[A-Z][a-z]+,\s+)?(he|she|He|She)\b")

# Mentions that name a place, and the prepositions that put someone there ("an officer at the mine").
_PLACE_TYPES = frozenset({"GPE", "LOC", "FAC"})
_PREP_BEFORE = re.compile(r"\b(?:at|in|from|near|outside|inside)\s+$")

# --------------------------------------------------------------------------- speakers


class Speakers:
    """One article: its sentences, masked quotes and mentions, and the names its speaker phrases stand for."""

    def __init__(self, text: str, mentions: Sequence[Mention]) -> None:
        self.text = text
        self.mentions = sorted(mentions, key=lambda m: (m.start, m.end))
        self.quote_marks = find_quote_marks(text)
        self.quote_closes = [c for _, c in self.quote_marks]
        self.masked = _masked(text, self.quote_marks)
        # a dateline ("SEOUL, Sept. 4 (Yonhap) --") heads its paragraph's first sentence without being part of
        # it: no speaker, channel or reported words come from it, so that sentence starts after it
        self.sentences, self.dateline_agency = _past_datelines(text, sentences(text))
        # agencies the article defines itself ("the state news agency MPA") name channels like table ones
        self.local_agencies = local_agencies(text)
        self.agencies = agency_spans(text, self.local_agencies)
        self.mention_starts = [m.start for m in self.mentions]
        self.agency_ends = [e for _, e, _ in self.agencies]
        # surname or first name -> full PERSON mentions using it, for expanding "Putin"
        self.full_names: dict[str, list[Mention]] = {}
        for m in self.mentions:
            words = name_key(m.text).split()
            if m.type == "PERSON" and len(words) > 1:
                for w in {words[0], words[-1]}:
                    self.full_names.setdefault(w, []).append(m)
        self.starts = [s for s, _ in self.sentences]
        self.genders = person_genders(text, self.mentions, self.expand)
        self.person_keys = {name_key(self.expand(m)) for m in self.mentions if m.type == "PERSON"}
        # named speakers of the attributions read so far: (position, name, gender)
        self.said: list[tuple[int, str, str | None]] = []

    # ---- positions

    def sentence_index(self, pos: int) -> int:
        return max(0, bisect.bisect_right(self.starts, pos) - 1)

    def in_quote(self, pos: int) -> bool:
        return self.masked[pos] == MASK if 0 <= pos < len(self.masked) else False

    def opens_sentence(self, o: int, rs: int) -> bool:
        return not self.text[rs:o].strip(" \t-–—•*")

    # ---- resolving speaker phrases

    def resolve(self, np: tuple[int, int], pos: int) -> tuple[str | None, bool]:
        """Name behind a speaker phrase, and whether it is a channel (agency, outlet)."""
        s, e = np
        raw = self.text[s:e].strip()
        low = raw.lower()
        if low in ("he", "she"):
            person = self.last_person(pos, low)
            return (person, False) if person else (raw, False)
        if low == "it":
            return self.last_org(pos) or (raw, False)
        if low in PRONOUNS:
            return raw, False
        inside = [m for m in self._mentions_between(s, e) if m.end <= e]
        persons = [m for m in inside if m.type == "PERSON"]
        if persons and MEDIA_NOUN_BEFORE.search(self.text, max(s, persons[-1].start - 25), persons[-1].start):
            # "state news agency Prensa Nueva said": an outlet's name, not a person's
            return strip_possessive(persons[-1].text), True
        if persons:
            if len(persons) > 1 and _AND_OR_COMMA.search(raw):
                return strip_det(raw), False
            return self.expand(persons[-1]), False
        agency = agency_in(raw, self.local_agencies)
        if agency is not None:
            return agency, True
        if _AGENCY_NOUN.fullmatch(raw):
            # "the agency said", "the state news agency reported": the agency the article names
            meant = self.agency_meant(s)
            if meant is not None:
                return meant
        government = government_of(strip_det(raw))
        if government is not None:
            return government, False  # "Moscow said": the Russian government speaks, not the city
        named = MEDIA_NAMED.search(raw)
        if named:
            return named.group(1).strip(), True  # "the state news agency MPA" -> "MPA"
        name = strip_det(raw)
        if not WORD.search(name):
            return None, False
        return name, bool(MEDIA.search(raw))

    def place_holder(self, np: tuple[int, int], rs: int) -> tuple[int, int]:
        """The whole phrase when a speaker phrase is only a place after a preposition.

        "A former safety officer at the Karsk Hollow mine told …": the phrase before the cue names a place, and a place
        does not speak; the speaker is the one the preposition places there ("A former safety officer at the Karsk
        Hollow mine"). A place that speaks for its government ("Moscow said") keeps its phrase.
        """
        s, e = np
        inside = [m for m in self._mentions_between(s, e) if m.end <= e]
        if not inside or any(m.type not in _PLACE_TYPES for m in inside):
            return np
        if government_of(strip_det(self.text[s:e])) is not None:
            return np
        prep = _PREP_BEFORE.search(self.masked, max(rs, s - 12), s)
        if prep is None:
            return np
        holder = np_before(self.masked, rs, prep.start())
        if holder is None or self.masked[holder[0] : holder[1]].lower() in PRONOUNS:
            return np
        return holder[0], e

    def expand(self, m: Mention) -> str:
        """A surname as the nearest full PERSON name that ends or starts with it."""
        key = name_key(m.text)
        if " " in key:
            return strip_possessive(m.text)
        best: Mention | None = None
        best_d = 0
        for other in self.full_names.get(key, ()):
            # nearest earlier mention first; a later one only if none precedes
            d = m.start - other.end if other.end <= m.start else 10**9 + other.start
            if best is None or d < best_d:
                best, best_d = other, d
        return strip_possessive(best.text if best else m.text)

    def last_person(self, pos: int, pronoun: str = "he") -> str | None:
        """Who "he" or "she" at ``pos`` is: the subject of the nearest sentence naming a person of that gender.

        A pronoun subject usually continues the previous sentences' subject ("Beck opposed
        Trump. He said …" is Beck), so sentences are read back from the pronoun's own, and in
        each the first person named outside an object position ("told Trump", "with Trump")
        and outside quotes wins; a person known to be of the other gender (a title, a first
        name) is passed over.
        """
        want = "f" if pronoun == "she" else "m"
        si = self.sentence_index(pos)
        for k in range(si, max(-1, si - _SUBJECT_SENTENCES - 1), -1):
            ss = self.sentences[k][0] if self.sentences else 0
            i = bisect.bisect_left(self.said, (ss,))
            while i < len(self.said) and self.said[i][0] < pos:
                _, name, gender = self.said[i]
                if gender in (want, None):
                    return name  # the sentence's speaker ("Woolson said …. “…,” he said")
                i += 1
            for m in self._mentions_between(ss, pos):
                if m.end > pos or m.type != "PERSON" or self.in_quote(m.start):
                    continue
                if self._gender(m) not in (want, None):
                    continue
                if OBJECT_BEFORE.search(self.text, max(ss, m.start - 50), m.start):
                    continue  # an object, not the one speaking next
                return self.expand(m)
            pos = min(pos, ss)
        fallback: Mention | None = None
        for m in reversed(self._mentions_between(0, pos)):
            if m.end > pos or m.type != "PERSON" or self.in_quote(m.start):
                continue
            if self._gender(m) not in (want, None):
                continue
            if fallback is None:
                fallback = m
            if OBJECT_BEFORE.search(self.text, max(0, m.start - 50), m.start):
                continue
            return self.expand(m)
        return self.expand(fallback) if fallback else None

    def _gender(self, m: Mention) -> str | None:
        """ "m", "f" or None (unknown) for a person, from titles and first names across the article."""
        return self.genders.get(name_key(self.expand(m)))

    def _subject_position(self, m: Mention) -> bool:
        """The mention opens its sentence or clause, give or take a title ("Sen. Ted Cruz said")."""
        ss = self.sentences[self.sentence_index(m.start)][0] if self.sentences else 0
        before = self.text[max(ss, m.start - 60) : m.start]
        if m.start - ss > 60 and not _COLON_END.search(before):
            return False
        head = self.text[ss : m.start]
        words = WORD.findall(head)
        return (
            len(words) <= 4
            and not _CLAUSE_MARK.search(head.strip())
            and not any(w.lower() in NP_STOP or w.lower() in CUE_WORDS for w in words)
        )

    def last_org(self, pos: int) -> tuple[str, bool] | None:
        """What "it said" refers to: the last agency or organisation named before ``pos``."""
        best: tuple[int, str, bool] | None = None
        for m in reversed(self._mentions_between(0, pos)):
            if m.end > pos or m.type != "ORG" or self.in_quote(m.start):
                continue
            agency = agency_in(m.text, self.local_agencies)
            best = (m.end, agency or m.text, agency is not None or bool(MEDIA.search(m.text)))
            break
        i = bisect.bisect_right(self.agency_ends, pos)
        for s, e, name in reversed(self.agencies[:i]):
            if not self.in_quote(s):
                if best is None or e >= best[0]:
                    best = (e, name, True)
                break
        return (best[1], best[2]) if best else None

    def agency_meant(self, pos: int) -> tuple[str, bool] | None:
        """What "the agency" at ``pos`` stands for, and whether it is a channel.

        The nearest agency named before it: a news agency (a channel), or an office that is called an agency
        ("the National Intelligence Service said …. The agency also estimated …", not a channel); else the
        dateline's agency; else a news agency named later in the same sentence ("The agency quoted the minister
        as saying …, Yonhap said").
        """
        i = bisect.bisect_right(self.agency_ends, pos)
        news = next(((s, name) for s, _, name in reversed(self.agencies[:i]) if not self.in_quote(s)), None)
        office = next(
            (
                m
                for m in reversed(self._mentions_between(0, pos))
                if m.type == "ORG"
                and m.end <= pos
                and not self.in_quote(m.start)
                and _OFFICE.search(m.text)
                and agency_in(m.text, self.local_agencies) is None
            ),
            None,
        )
        if office is not None and (news is None or office.start > news[0]):
            return strip_det(office.text), False
        if news is not None:
            return news[1], True
        if self.dateline_agency is not None:
            return self.dateline_agency, True
        se = self.sentences[self.sentence_index(pos)][1] if self.sentences else len(self.text)
        for s, _, name in self.agencies[i:]:
            if s >= se:
                break
            if not self.in_quote(s):
                return name, True
        return None

    def subject(self, rs: int, cs: int) -> tuple[str | None, bool] | None:
        """The sentence's subject, for clauses that leave it out ("…, and told reporters")."""
        pronoun = _PRONOUN_OPENING.match(self.masked[rs:cs])
        if pronoun:
            person = self.last_person(rs + pronoun.start(1), pronoun.group(1).lower())
            if person is not None:
                return person, False
        for m in self._mentions_between(rs, cs):
            if m.end > cs or self.in_quote(m.start):
                continue
            if m.type in ("PERSON", "ORG"):
                return self.resolve((m.start, m.end), m.start)
        return None

    def _mentions_between(self, lo: int, hi: int) -> list[Mention]:
        """Mentions starting in ``lo..hi`` (in order)."""
        i = bisect.bisect_left(self.mention_starts, lo)
        j = bisect.bisect_left(self.mention_starts, hi)
        return self.mentions[i:j]

    def speaker_in(self, si: int) -> str | None:
        """The last named speaker of sentence ``si``'s attributions, if any."""
        ss, se = self.sentences[si]
        i = bisect.bisect_left(self.said, (se,))
        return self.said[i - 1][1] if i > 0 and self.said[i - 1][0] >= ss else None

    def colon_speaker(self, rs: int, o: int) -> tuple[str | None, str | None, tuple[str, ...]] | None:
        """Speaker of a quote after a colon: a pronoun or the first name opening the sentence."""
        m = _ANY_PRONOUN_OPENING.match(self.masked[rs:o])
        if m:
            person = self.last_person(rs + m.start(1), m.group(1).lower())
            return (person, ":", ()) if person else None
        subject = self.subject(rs, o)
        if subject is None or subject[0] is None:
            return None
        return subject[0], ":", ()

    def subject_before_quote(self, rs: int, o: int) -> str | None:
        """``Kim and Putin "discussed …"``: names alone between sentence start and the quote."""
        prefix = self.text[rs:o].strip(" ,")
        if prefix and NAMES_ONLY.fullmatch(prefix):
            return prefix
        return None
