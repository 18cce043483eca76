"""The attribution context of one article: the attribution clauses of each sentence, what each
clause reports (the words before or after it), and the speaker and channel chain chosen for a quote."""

from __future__ import annotations

import bisect
import re
from collections.abc import Sequence

from storyline.agencies import agency_in
from storyline.extract.anchors import Anchors
from storyline.extract.entities import name_key
from storyline.extract.quotes.clauses import (
    Att,
    appositive_subject,
    channel_chain,
    clause_cut,
    comma_before,
    distance,
    enough,
    not_speech,
    noun_use,
    np_after,
    np_before,
    quote_tail,
    replace_att,
    reporter_tail,
    shared_subject,
    skip_adjuncts,
    unique,
)
from storyline.extract.quotes.cues import (
    CUE,
    CUE_ANCHORS,
    CUE_AT,
    CUE_WORDS,
    EVIDENCE_SUBJECT,
    OBJECT,
    OBJECT_VERBS,
    PASSIVE_BEFORE,
    PREP_THAT,
    PRONOUNS,
    TELL,
    THAT,
    TOLD_OBJECT_WORDS,
    TOLD_THAT,
    WORD,
)
from storyline.extract.quotes.marks import DOUBLE, SINGLE, trim
from storyline.extract.quotes.speakers import Speakers
from storyline.records import Mention

# A sentence this short after a closing quote mark, with a cue, attributes that quote
# ("It said.", "the Foreign Ministry said in a statement."): eight words covers
# determiner + two-word name + cue + a short adjunct.
_STUB_WORDS = 8


# Verbs of answering report words only when the words follow ("responded that …", "replied: “…”",
# "…, she responded."); followed by what was answered ("responded to the ruling") or by how ("responded
# by halting shipments", "replied with a lawsuit", "responded as if hurt") they tell of an action.
_RESPONSES = frozenset("responded responds responding replied replies replying answered countered".split())
_RESPONSE_ACTION = re.compile(
    r"(?:to|as\s+if|as\s+though|from|in\s+kind)\b"
    r"|(?:(?:[a-z]+ly|within\s+\w+|later|again|quickly|immediately)\s+){0,2}(?:by|with)\b"
)


# `“…,” Doug Usher, director of research at Widmeyer Communications, said`: a quotation's closing
# comma and mark, then a speaker phrase with an appositive and no quotation mark, up to the cue.
# Fifteen words hold a two-word name and a title of up to a dozen words.
_QUOTE_THEN_SPEAKER = re.compile(r"[,!?]([\"”’'])\s+(?P<np>[^\"“”‘’'\n]+?)\s+$")
_APPOSITIVE_WORDS = 15
# Small patterns of the methods below, compiled once (``re.match(pattern, ...)`` looks each up in re's cache on
# every call).
_A_WORD_CHAR = re.compile(r"\w")
_DESCRIBED_AS = re.compile(r"\s+(?:\w+\s+)?as\b")
_WORD_NEXT = re.compile(r"\s*\w")
_QUOTED_SOURCE = re.compile(r"\s+(.{1,80}?)\s+as\s+(?:saying|telling\s+\S+)\b")
_COMMA_SPACED = re.compile(r"\s*,\s*")
# What such a clause has after its cue: an adjunct ("at the time", "in an interview after the
# announcement", "on the same call", "when asked about …"), not reported words.
_ADJUNCT_ONLY = re.compile(r"\s*(?:at|in|on|after|during|before|when|while|as|from|with)\b")


# --------------------------------------------------------------------------- context


class Context(Speakers):
    """One article's attribution clauses: which speaker and cue introduce which words, and through whom."""

    def __init__(self, text: str, mentions: Sequence[Mention]) -> None:
        super().__init__(text, mentions)
        self._close_set = frozenset(self.quote_closes)
        self._atts: dict[tuple[int, int], list[Att]] = {}
        # where a cue can begin, found once for every sentence; the runs of the text before masking are those of
        # the masked text outside the quoted words (a quote mark stands before each masked stretch), and the split
        # of the text is shared with the date finders
        self._anchors = Anchors(self.masked, CUE_ANCHORS, runs_of=text)

    def region(self, o: int, c: int) -> tuple[int, int]:
        """The sentence(s) a quote stands in, plus a stub attribution after it ("It said.")."""
        si, sj = self.sentence_index(o), self.sentence_index(c)
        rs, re_ = self.sentences[si][0], max(self.sentences[sj][1], c + 1)
        if sj + 1 < len(self.sentences) and not _A_WORD_CHAR.search(self.text[c + 1 : re_]):
            ns, ne = self.sentences[sj + 1]
            stub = self.text[ns:ne]
            # a sentence cannot open in lower case, so `…." the ministry said.` continues the
            # quote's sentence; otherwise only a short clause with a cue ("It said.") counts
            if (
                "\n" not in self.text[re_:ns]
                and CUE.search(stub)
                and not any(ch in stub for ch in DOUBLE)
                and (stub[:1].islower() or len(WORD.findall(stub)) <= _STUB_WORDS)
            ):
                re_ = ne
        return rs, re_

    # ---- attribution clauses

    def attributions(self, rs: int, re_: int) -> list[Att]:
        key = (rs, re_)
        if key not in self._atts:
            self._atts[key] = self._find_attributions(rs, re_)
        return self._atts[key]

    def _find_attributions(self, rs: int, re_: int) -> list[Att]:
        masked = self.masked
        if CREDIT_LINE.match(masked, rs, re_):
            return []  # "Reporting by …; Writing by …; Editing by …": the article's credits, nobody's words
        raw: list[Att] = []
        for m in self._anchors.finditer(CUE_AT, rs, re_):
            cs, ce = m.start(), m.end()
            cue = m.group(0).lower()
            if m.group("acc") or m.group("quoting"):
                np = np_after(masked, ce, re_)
                if np is None:
                    continue
                comma = comma_before(masked, rs, cs)
                kind = "according" if m.group("acc") else "quoting"
                speaker, channel = self.resolve(np, cs)
                raw.append(Att(cue, kind, False, cs, np[1], comma if comma is not None else cs, speaker, channel))
                continue
            if noun_use(masked, rs, cs, ce) or not_speech(masked, cue, cs, ce):
                continue
            if m.group("tail") and not quote_tail(self.text, rs, cs):
                continue
            if m.group("evid"):
                np = np_before(masked, rs, cs)
                if np is None or not EVIDENCE_SUBJECT.search(masked, np[0], np[1]):
                    continue
            if (
                cue != "quoted"
                and cue.endswith(("ed", "told", "said", "thought"))
                and PASSIVE_BEFORE.search(masked, max(rs, cs - 25), cs)
            ):
                continue
            if cue == "described" and not _DESCRIBED_AS.match(masked[ce : ce + 20]):
                continue
            weak = m.group("weak") is not None
            if cue.endswith("ing") and _QUOTED_AS.search(masked, max(rs, cs - 60), cs):
                continue  # "quoted Jan Holt as saying": the "quoted" clause names the speaker
            if cue.endswith("ing"):
                # "…, adding …", "…, stressing …": the sentence's subject speaks
                # "…, the minister told reporters, adding …": the subject of the clause it hangs on
                clauses = [a for a in raw if a.kind != "quoting" and a.speaker]
                hung = clauses[-1:]
                if hung and not _HANGS_ON.fullmatch(masked, hung[0].end, cs):
                    # "Perdue said he didn't believe those … did Romney in, arguing …": past the reported words,
                    # the participle hangs on the sentence's main clause, when a name speaks in it
                    hung = [a for a in clauses[:1] if a.speaker and a.speaker[:1].isupper()]
                subject = shared_subject(masked, hung, cs) or self.subject(rs, cs)
                if subject is not None:
                    comma = comma_before(masked, rs, cs)
                    clause = comma if comma is not None else cs
                    raw.append(Att(cue, "forward", weak, cs, ce, clause, subject[0], subject[1]))
                continue
            rel = _RELATIVE.search(masked, max(rs, cs - 40), cs)
            if rel is not None:
                # "Barkley, who said he votes Democratic, …": the relative pronoun's antecedent speaks
                head = np_before(masked, rs, rel.start())
                if head is not None:
                    speaker, channel = self.resolve(head, head[0])
                    raw.append(Att(cue, "forward", weak, cs, ce, cs, speaker, channel))
                    continue
            np = np_before(masked, rs, cs)
            if np is not None and not self.text[np[0] : np[1]].strip(" ,").lower().startswith(("and ", "or ")):
                np = self.place_holder(np, rs)
                comma = comma_before(masked, rs, np[0])
                clause = comma if comma is not None else np[0]
                speaker, channel = self.resolve(np, np[0])
                raw.append(Att(cue, "forward", weak, np[0], ce, clause, speaker, channel))
                continue
            comma = comma_before(masked, rs, cs)
            appositive = appositive_subject(masked, rs, cs) if comma is not None else None
            if appositive is not None:
                # "Rep. Lee Zeldin of New York, a Trump supporter, said …"
                speaker, channel = self.resolve(appositive, appositive[0])
                raw.append(Att(cue, "forward", weak, appositive[0], ce, appositive[0], speaker, channel))
                continue
            inverted = np_after(masked, ce, re_) if comma is not None else None
            if (
                inverted is not None
                and masked[inverted[0] : inverted[1]].lower() in PRONOUNS
                and _WORD_NEXT.match(masked[inverted[1] : inverted[1] + 3])
            ):
                inverted = None  # "…, said it will": "it" opens the reported clause
            if inverted is not None and _FINITE_NEXT.match(masked, inverted[1]):
                inverted = None  # "…, said Hillary Clinton should be ready": the name opens the reported clause
            if inverted is not None and not weak:
                # ", said Peskov." / "…, reports Yonhap, quoting KCNA"
                speaker, channel = self.resolve(inverted, cs)
                raw.append(Att(cue, "trailing", False, cs, inverted[1], comma or cs, speaker, channel))
                continue
            # subject left out: "…, and told reporters …", "…, adding …"; "He said A and said B"
            # shares the earlier clause's speaker before the sentence's first name is tried
            subject = shared_subject(masked, raw, cs) or self.subject(rs, cs)
            if subject is not None:
                speaker, channel = subject
                clause = comma if comma is not None else cs
                raw.append(Att(cue, "forward", weak, cs, ce, clause, speaker, channel))
        # every _RELAY match holds _RELAY_WORD: a clause without it is not searched
        relays = _RELAY.finditer(masked, rs, re_) if masked.find(_RELAY_WORD, rs, re_) >= 0 else None
        for m in relays or ():
            # "said in a statement carried by KCNA": the agency that carried the words is a channel
            np = np_after(masked, m.end(), re_)
            if np is None:
                continue
            speaker, channel = self.resolve(np, np[0])
            if channel:
                cue = " ".join(m.group(0).lower().split())
                raw.append(Att(cue, "quoting", False, m.start(), np[1], m.start(), speaker, channel))
        for a in raw:
            self._register(a, rs)
        return [self._with_content(a, raw, rs, re_) for a in raw]

    def _register(self, att: Att, rs: int) -> None:
        """Remember a named person who speaks at ``att.start``, for "he said" further on."""
        name = att.speaker
        if not name or att.channel or att.kind == "quoting" or not name[:1].isupper():
            return
        key = name_key(name)
        raw = self.masked[att.start : att.end].split(None, 1)[0].lower() if att.end > att.start else ""
        gender = {"he": "m", "she": "f"}.get(raw) or self.genders.get(key)
        if gender is None and key not in self.person_keys:
            return
        entry = (att.start, name, gender)
        i = bisect.bisect_left(self.said, entry[:1])
        if i < len(self.said) and self.said[i][0] == att.start:
            return
        self.said.insert(i, entry)

    def _with_content(self, att: Att, atts: list[Att], rs: int, re_: int) -> Att:
        """Decide whether a clause reports what follows it or what precedes it."""
        masked = self.masked
        # reported words run to the next attribution clause; weak verbs ("expressed") are
        # part of the report, not a new clause
        later = [clause_cut(masked, a) for a in atts if a.clause_start > att.end and not a.weak]
        # "Barkley, who said A, said B": the main verb after an appositive ends the relative clause
        later += [
            clause_cut(masked, replace_att(a, clause_start=a.end - len(a.cue)))
            for a in atts
            if a.kind == "forward" and not a.weak and a.clause_start <= att.end < a.end - len(a.cue)
        ]
        stop = min((c for c in later if c is not None), default=re_)
        if att.kind == "quoting":
            return att  # "…, quoting KCNA" only names a channel
        if att.kind == "according" and _OPENING.fullmatch(masked, rs, att.start):
            # "According to X, CONTENT."
            after = masked.find(",", att.end, stop)
            if after != -1 and enough(masked, after + 1, stop):
                return replace_att(att, content=(after + 1, stop))
            return att
        via_prefix: tuple[str, ...] = ()
        speaker = att.speaker
        channel = att.channel
        p = att.end
        if att.kind == "forward":
            if att.cue == "quoted":
                m = _QUOTED_SOURCE.match(masked[p:stop])
                if m:
                    src = (p + m.start(1), p + m.end(1))
                    if att.speaker:
                        via_prefix = (att.speaker,)
                    speaker, channel = self.resolve(src, src[0])
                    p += m.end()
            if att.cue in OBJECT_VERBS:
                m = OBJECT.match(masked, p, stop)
                if m:
                    p = m.end()
                elif att.cue in TELL:
                    # "told a Senate panel that …": any short object before "that"; "…, Carter told
                    # a Senate panel Wednesday.": an object and a time, no reported words after the cue
                    that = TOLD_THAT.match(masked, p, stop)
                    if that is not None:
                        p = that.start(1)
                    elif len(WORD.findall(masked, p, stop)) <= TOLD_OBJECT_WORDS and not re.search(
                        r"[\"“‘'\x00]", masked[p:stop]
                    ):
                        p = stop
            if _SAID_AS_MUCH.match(masked, p, stop):
                # "said as much in an interview", "said so on Thursday": the words were reported before
                return replace_att(att, kind="trailing")
            p = skip_adjuncts(masked, p, stop)
            for a in atts:
                if a.kind == "quoting" and a.cue.endswith(" by") and a.start >= p and not masked[p : a.start].strip():
                    p = skip_adjuncts(masked, a.end, stop)  # "in a statement carried by KCNA on Monday"
            m = THAT.match(masked, p, stop)
            if m:
                p = m.end()
            # "reported during Shiogu's visit that Kim …": a prepositional phrase, then "that"
            m = PREP_THAT.match(masked, p, stop)
            if m:
                p = m.end()
            rest = masked[p:stop].lstrip()
            # a comma right after the cue opens an appositive ("…, the military said, the
            # latest in a string of tests"), not the reported words
            if att.cue in _RESPONSES and _RESPONSE_ACTION.match(rest):
                pass  # "responded within days by halting …", "responded to the ruling": a reaction, not words
            elif (rest and rest[0] in DOUBLE + SINGLE) or (rest[:1] not in ("", ",") and enough(masked, p, stop)):
                return replace_att(att, content=(p, stop), speaker=speaker, channel=channel, via_prefix=via_prefix)
        # trailing: "CONTENT, KCNA said." — what stands before the clause's comma
        kind = "trailing" if att.kind == "forward" else att.kind
        # "Clinton leads by 271 delegates according to a count by the AP": no comma needed
        if masked[att.clause_start : att.clause_start + 1] == "," or att.kind == "according":
            start = rs
            earlier = [a.end for a in atts if a.end <= att.clause_start and a.kind in ("trailing", "according")]
            if earlier:
                start = max(earlier)
                m = _COMMA_SPACED.match(masked[start:])
                start += m.end() if m else 0
                if _APPOSITIVE.fullmatch(masked, start, att.clause_start):
                    # `said Ivan Petrov, a spokesman for the ministry, according to TASS`: the words between
                    # two attribution clauses describe the first speaker
                    return replace_att(att, kind=kind)
            # "The goal, Ms. Bigbee said, is that …": a parenthetical attribution; the statement
            # runs on past it to the end of the clause
            resumed = self._continuation(att.end, stop) if att.kind == "forward" else None
            if resumed is None and self._quote_follows(att.end, stop):
                # "A short time later, Abedin wrote, “…”": the words before the speaker are an
                # adverbial opening, and the quote after the cue is what was said
                return replace_att(att, kind=kind)
            if enough(masked, start, att.clause_start) or (resumed and WORD.search(masked, start, att.clause_start)):
                end = resumed or att.clause_start
                return replace_att(att, kind=kind, content=(start, end), speaker=speaker, channel=channel)
        return replace_att(att, kind="trailing" if att.kind == "forward" else att.kind)

    def _after_opening_quote(self, ss: int, pos: int) -> bool:
        """``pos`` follows (spaces and a comma aside) a quotation that opens the sentence at ``ss``."""
        i = pos
        while i > ss and self.masked[i - 1] in " \t,":
            i -= 1
        k = bisect.bisect_left(self.quote_closes, i - 1)
        if k >= len(self.quote_marks) or self.quote_marks[k][1] != i - 1:
            return False
        return self.opens_sentence(self.quote_marks[k][0], ss)

    def _after_quote_speaker(self, ss: int, att: Att) -> bool:
        """Only a speaker phrase (with its appositive) stands between a closing quote and the cue,
        and an adjunct follows the cue.

        `“…,” Doug Usher, director of research at Widmeyer, said at the time.`: the speaker phrase
        may be too long for ``_after_opening_quote`` to reach the quote, but the clause still
        attributes the quote before it, and what follows the cue is an adjunct.
        """
        if att.content is None or att.cue == "described" or not _ADJUNCT_ONLY.match(self.text, att.content[0]):
            return False
        cue_at = att.end - len(att.cue)
        m = _QUOTE_THEN_SPEAKER.search(self.text, max(ss, cue_at - 200), cue_at)
        if m is None or m.start(1) not in self._close_set:
            return False
        words = WORD.findall(m.group("np"))
        return len(words) <= _APPOSITIVE_WORDS and not any(w.lower() in CUE_WORDS for w in words)

    def _quote_follows(self, p: int, stop: int) -> bool:
        """A quotation opens right after the attribution clause ending at ``p`` (adjuncts aside)."""
        masked = self.masked
        p = skip_adjuncts(masked, p, stop)
        m = OBJECT.match(masked, p, stop)
        if m:
            p = m.end()
        return _QUOTE_NEXT.match(masked, p) is not None

    def _continuation(self, p: int, stop: int) -> int | None:
        """End of the words that resume after a parenthetical ``…, X said, …``, if any."""
        masked = self.masked
        p = skip_adjuncts(masked, p, stop)
        m = _RESUME.match(masked, p, stop)
        if m is None or not enough(masked, m.end(), stop):
            return None
        end = stop
        while end > p and masked[end - 1] in ".!? \n":
            end -= 1
        return end

    # ---- choosing a speaker and a channel chain

    def choose(
        self, atts: list[Att], o: int, c: int, rs: int, *, direct: bool
    ) -> tuple[str | None, str | None, tuple[str, ...]] | None:
        """Speaker, cue and via for the words at ``o..c`` from the clauses of their sentence."""
        strong = [a for a in atts if not a.weak and a.speaker]
        people = [a for a in strong if not a.channel]
        primary: Att | None = None
        if people:
            primary = min(people, key=lambda a: distance(a, o, c))
        channels = [a for a in strong if a.channel and a is not primary]
        if primary is None and not channels and direct:
            weak = [a for a in atts if a.weak and a.speaker and not a.channel]
            if weak:
                primary = min(weak, key=lambda a: distance(a, o, c))
        chain = channel_chain(channels)
        if primary is not None and primary.speaker:
            via = unique(primary.via_prefix + tuple(a.speaker for a in chain), primary.speaker)
            return primary.speaker, primary.cue, self.relayed(primary.speaker, via)
        if not chain:
            return None
        names = [a.speaker for a in chain if a.speaker]
        subject = self.subject_before_quote(rs, o) if direct else None
        if subject is not None:
            # Kim and Putin "discussed …," reports Yonhap, quoting KCNA
            return subject, chain[0].cue, self.relayed(subject, unique(tuple(names), subject))
        inner = chain[-1]
        return inner.speaker, inner.cue, self.relayed(inner.speaker, unique(tuple(names[:-1]), inner.speaker))

    def relayed(self, speaker: str | None, via: tuple[str, ...]) -> tuple[str, ...]:
        """The channel chain with the article's dateline agency first, when the words came through a channel.

        "SEOUL (Yonhap) -- Kim said …, KCNA reported": Yonhap carries KCNA, which carries Kim, as "reports
        Yonhap, quoting KCNA" would say; an agency's own statement ("KCNA said") reaches the reader through
        the dateline's agency too. Words the reporter heard ("the minister told reporters") have no chain.
        """
        outer = self.dateline_agency
        if outer is None or outer == speaker or outer in via:
            return via
        if via or (speaker is not None and agency_in(speaker, self.local_agencies) == speaker):
            return (outer, *via)
        return via

    def may_report(self, ss: int, se: int) -> bool:
        """Whether ``reported(ss, se)`` can find a statement: it reads only the sentence's attribution clauses, so
        not without one (a sentence read after the attributions of those before it, as ``reported`` is)."""
        return bool(self.attributions(ss, se))

    def reported(self, ss: int, se: int) -> list[tuple[tuple[int, int], str | None, str | None, tuple[str, ...]]]:
        """The reported-speech statements of one sentence, left to right.

        The leftmost clause is the sentence's own attribution; a later clause whose words
        do not overlap the earlier ones ("He said A and said B", "A, he said, adding B") is
        a statement of its own, as PolNeAR and PARC annotate it.
        """
        atts = [a for a in self.attributions(ss, se) if a.speaker and a.content and (not a.weak or self._asks(a))]
        people = [a for a in atts if not a.channel and a.kind != "quoting"]
        pool = people or [a for a in atts if a.kind != "quoting"]
        if people:
            # "Aslan said …, Anadolu reported, adding that …": a channel's clause after the people's is its own
            last = max(a.start for a in people)
            pool = pool + [
                a for a in atts if a.channel and a.kind == "forward" and a.start > last and a.cue.endswith("ing")
            ]
        out: list[tuple[tuple[int, int], str | None, str | None, tuple[str, ...]]] = []
        for main in sorted(pool, key=lambda a: a.start):
            if main.kind == "forward" and self._after_opening_quote(ss, main.start):
                continue  # `“…,” he said at one point.`: the clause attributes the quote before it
            if main.kind == "forward" and self._after_quote_speaker(ss, main):
                continue  # `“…,” Doug Usher, director of research at X, said at the time.`: the same
            found = self._statement(main, ss, se)
            if found is None:
                continue
            (cs, ce) = found[0]
            if any(cs < e and s < ce for (s, e), *_ in out):
                continue
            out.append(found)
        return out

    def _asks(self, att: Att) -> bool:
        """A weak verb that reports a statement: "urged supporters to monitor …", "blamed Bell for cutting …".

        Only with a clause of its own after the object (an infinitive, "for"/"of" and a gerund, "that", quoted
        words); "criticised Tom Bell over the budget" names a target, not words.
        """
        return (
            att.cue in _WEAK_REPORTS
            and att.content is not None
            and (
                _ASKED_CLAUSE.search(self.text, att.content[0], att.content[1]) is not None
                # "accused Drannia of a “deliberate provocation”": quoted words of the charge (praise of a
                # quoted thing, "praised the “heroic” army", stays a direct quote)
                or (att.cue in _CHARGES and _QUOTE_MARK.search(self.text, att.content[0], att.content[1]) is not None)
            )
        )

    def _statement(
        self, main: Att, ss: int, se: int
    ) -> tuple[tuple[int, int], str | None, str | None, tuple[str, ...]] | None:
        """One clause's reported words, speaker, cue and channel chain."""
        assert main.content is not None
        span = trim(self.text, *main.content)
        if span is None or not enough(self.text, *span):
            return None
        cs, ce = span
        ce = reporter_tail(self.masked, cs, ce, weak=main.weak)
        while ce > cs and self.text[ce - 1] in ".!?":
            ce -= 1
        others = [
            a
            for a in self.attributions(ss, se)
            if a is not main and a.speaker and a.kind != "forward" and (a.channel or a.kind == "quoting")
        ]
        if main.channel:
            # "…, Yonhap reported, quoting KCNA": the innermost source speaks, the rest carry it
            names = tuple(a.speaker for a in channel_chain([main, *others]) if a.speaker)
            return (cs, ce), names[-1], main.cue, self.relayed(names[-1], unique(names[:-1], names[-1]))
        names = tuple(a.speaker for a in channel_chain(others) if a.speaker)
        assert main.speaker is not None
        via = unique(main.via_prefix + names, main.speaker)
        return (cs, ce), main.speaker, main.cue, self.relayed(main.speaker, via)

    def colon_intro(self, si: int) -> tuple[str | None, str | None, tuple[str, ...]] | None:
        """Speaker of a quote introduced by sentence ``si`` ending in a colon."""
        ss, se = self.sentences[si]
        colon = self.text.rfind(":", ss, se)
        atts = [a for a in self.attributions(ss, se) if a.speaker and a.end <= colon]
        if atts:
            last = max(atts, key=lambda a: a.end)
            return last.speaker, last.cue, last.via_prefix
        return self.colon_speaker(ss, colon)


# The same, for a clause after which the sentence goes on with a quote ("Later, he wrote, “…”").
_QUOTE_NEXT = re.compile(r"[ \t,:;\u2014\u2013-]*[\"“‘']")


# After a parenthetical attribution, a comma and words that carry the sentence on (not an
# appositive about the speaker, "who …", nor a second cue).
_RESUME = re.compile(
    r"\s*,\s*(?!(?:who|whom|whose|which|according|citing|quoting|adding|saying|a|an|the|his|her|"
    r"their|its|and|but)\b)(?=[\w\x00\"“'‘])"
)


# A finite verb right after a name that follows the cue: the name is the reported clause's subject
# ("said Clinton should …"), not an inverted speaker ("…, said Clinton.", "said Clinton on Monday").
_FINITE_NEXT = re.compile(
    r"\s+(?:is|was|are|were|has|had|have|will|would|should|could|can|may|might|must|did|does|do|"
    r"wo|won't|didn't|doesn't|isn't|wasn't|needs|wants|plans)\b"
)


# What may stand before a sentence-opening "According to X, …": nothing, or a connective
# ("But, according to the poll, …", "Now, according to …").
_OPENING = re.compile(r"\s*(?:(?:But|And|Yet|Still|Now|However|So|Meanwhile|Instead|Also|Indeed|Moreover)\s*,?\s*)?")


# What may stand between an attribution clause and the participle that hangs on it: an object or an adjunct with
# no verb of its own ("told reporters, adding", "said as much in an interview on Thursday, arguing").
_ING_NOUNS = r"(?:morning|evening|meeting|briefing|hearing|building|during|something|nothing|thing|spring)"
_HANGS_ON = re.compile(
    rf"(?:\s+(?!(?:is|was|are|were|be|been|did|does|do|has|have|had|will|would|can|could|should|may|might|must|"
    rf"didn[’']t|doesn[’']t|won[’']t)\b)(?!(?!{_ING_NOUNS}\b)[\w’'-]*(?:ing|ed)\b)[\w’'.-]+){{0,10}}\s*,\s*"
)
# Weak verbs that report what was asked of someone ("urged supporters to monitor polling places"): a statement
# when words follow them, as PolNeAR and PARC annotate it.
_WEAK_REPORTS = frozenset("urged accused blamed criticized criticised praised condemned slammed lauded hailed".split())
_CHARGES = _WEAK_REPORTS
_QUOTE_MARK = re.compile(r"[\"“‘]")
_ASKED_CLAUSE = re.compile(r"\b(?:to\s+(?!the\b|a\b|an\b|his\b|her\b|their\b)[a-z]+|(?:for|of)\s+\w+ing|that)\b")
_SAID_AS_MUCH = re.compile(r"\s+(?:as\s+much|so|the\s+same|likewise)\b(?!\s+(?:that|far|many|much)\b)")
_QUOTED_AS = re.compile(r"\bquoted\s+[^,.;:!?\"“”\x00]{1,60}?\s+as\s+$")
# A credit line: "Reporting by …; Editing by …", "(Additional reporting by …)", "Writing by …".
CREDIT_LINE = re.compile(
    r"[\s(\[]*(?:(?:additional|further)\s+)?(?:reporting|writing|editing|compiled|research|"
    r"contributions?|graphics|produced)\s+(?:by|from)\b",
    re.IGNORECASE,
)
# "a statement carried by KCNA", "comments relayed by state media": the channel that passed the words on.
_RELAY = re.compile(
    r"\b(?:carried|relayed|released|published|issued|broadcast|aired|distributed|run)\s+(?:on\s+\w+\s+)?by(?=\s)"
)
# What every _RELAY match holds (its "by", in no case-blind part of the pattern).
_RELAY_WORD = "by"
# A noun phrase with no verb: a determiner or title, then words up to the clause's comma.
_APPOSITIVE = re.compile(
    r"(?:a|an|the|his|her|its|their|one|another|[A-Z][\w.’'-]*)\s+"
    r"(?!(?:\w+\s+){0,8}?(?:is|was|are|were|has|have|had|will|would|said|says|can|could)\b)"
    r"[^,;:.!?\"“”\x00\n]{1,80}?,?\s*"
)


_RELATIVE = re.compile(r",\s*who\s+(?:(?:also|has|had|have|later|previously|once)\s+)?$")
