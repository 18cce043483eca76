"""Quotes: direct ("…", “…”) and reported speech, with speaker, cue and channel (``via``).

News copy rarely says plainly who said what. A statement by Kim reaches the reader through
KCNA, then Yonhap, then the outlet; a quote ends with "he said" and "he" is two sentences
back. This module reads each quote's sentence for attribution clauses:

* ``SPEAKER CUE`` — "Kremlin spokesman Dmitry Peskov said Wednesday …"
* ``…, SPEAKER CUE.`` and ``…, CUE SPEAKER.`` — "…, KCNA said." / "…, reports Yonhap"
* ``according to SPEAKER`` and ``…, quoting|citing SPEAKER``

and sorts them into one speaker plus the chain of agencies and media the words came
through ("reports Yonhap, quoting KCNA" -> ``via=("Yonhap", "KCNA")``). Pronouns and
surnames are expanded to the nearest full name among the article's mentions.
"""

from __future__ import annotations

import bisect
import dataclasses
import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from storyline.agencies import agency_in, agency_spans, local_agencies
from storyline.extract.entities import find_mentions, government_of, name_key
from storyline.records import Mention, Quote
from storyline.text import sentence_spans

__all__ = ["find_quotes"]

# A quote of fewer words than this with no attribution in its sentence is a scare quote
# ("reached a 'satisfactory agreement'"), not speech. Reported speech shorter than this is
# not a statement either ("KCNA said so"). Three words: the shortest clause with a verb
# and an object.
MIN_QUOTE_WORDS = 3
# A speaker phrase longer than this many words is a clause, not a name
# ("the official Korean Central News Agency (KCNA)" is six).
_MAX_NP_WORDS = 8
# A sentence this short after a closing quote mark, with a cue, attributes that quote
# ("It said.", "the Foreign Ministry said in a statement."): eight words covers
# determiner + two-word name + cue + a short adjunct.
_STUB_WORDS = 8
# A quote with no attribution of its own continues the previous speaker's quote when that
# one ended at most this many sentences earlier (news paragraphs run two or three
# sentences of one speaker).
_INHERIT_SENTENCES = 2
# "He said" looks this many sentences back for a subject to stand for (a news paragraph is two
# or three sentences, and the pronoun rarely crosses more than one paragraph).
_SUBJECT_SENTENCES = 3

_VERBS = (
    "said|says|say|told|tells|tell|reported|reports|added|adds|stressed|stresses|noted|"
    "stated|announced|announces|declared|declares|claimed|warned|warns|wrote|writes|"
    "insisted|insists|explained|explains|argued|argues|replied|replies|emphasised|"
    "emphasized|emphasises|emphasizes|underlined|underscored|confirmed|confirms|denied|"
    "denies|acknowledged|acknowledges|commented|observed|remarked|recalled|admitted|"
    "concluded|revealed|tweeted|asked|asks|quoted|adding|saying|stressing|noting|described|"
    # reporting and belief verbs common in political copy (PARC/PolNeAR cue lists)
    "suggested|suggests|argue|contended|contends|maintained|maintains|predicted|predicts|"
    "estimated|estimates|testified|indicated|indicates|conceded|concedes|complained|"
    "complains|boasted|joked|reiterated|countered|responded|agreed|agrees|believes|"
    "believed|thinks|thought|hopes|hoped|fears|feared|predicted|acknowledging|arguing|"
    "telling|explaining|insisting|suggesting|warning|"
    "announcing|declaring|claiming|claims|alleged|alleges|promised|promises|vowed|vows|"
    "pledged|pledges|wondered|speculated|cautioned"
)
# Verbs that introduce a direct quote but do not by themselves make a sentence reported
# speech ("Putin praised the “strengthening of cooperation”").
_WEAK = (
    "praised|hailed|called|criticised|criticized|condemned|welcomed|"
    "expressed|urged|accused|dismissed|slammed|blamed|thanked|lauded|read"
)
# Verbs that report what a poll, study or count says ("polls show", "the survey found"); they
# attribute only with such a subject ("police found a body" is not an attribution).
_EVIDENCE = "show|shows|showed|showing|found|finds|find"
_EVIDENCE_SUBJECT = re.compile(
    r"\b(?:polls?|polling|surveys?|study|studies|report|data|analysis|research|investigation|"
    r"review|audit|figures|census|tally|count|results|numbers|statistics|records)\b",
    re.IGNORECASE,
)
_CUE = re.compile(
    rf"\b(?:(?P<acc>[Aa]ccording to)|(?P<quoting>quoting|citing)|(?P<verb>{_VERBS})|(?P<weak>{_WEAK})"
    rf"|(?P<evid>{_EVIDENCE}))\b"
)
_CUE_WORDS = frozenset((_VERBS + "|" + _WEAK + "|quoting|citing|according").split("|"))
_OBJECT_VERBS = frozenset("told tells tell asked asks urged assured informed reminded warned warns briefed".split())
_DETERMINERS = frozenset("the a an his her its their this these those such".split())
_PRONOUNS = frozenset("he she it they we i you".split())

_NP_TOK = re.compile(r"\([^()\n]{1,60}\)|(?:[A-Z]\.){2,}|[\w’'\-&]+|\S")
_NP_STOP = frozenset(
    """that which who whom whose what when while where whether as but because if after
    before since although though so than in on at for with from by to about during into
    over under against amid between through without is was were are be been being will
    would could can should may might must not did does do later earlier meanwhile however
    also separately then now still yet moreover furthermore finally instead""".split()
)
# Adverbs and auxiliaries between a speaker and the cue: "KCNA also said", "Putin has said".
_PRE_CUE_SKIP = frozenset(
    """also has have had later earlier reportedly further then previously separately
    recently again publicly repeatedly once already itself""".split()
)
# Lower-case words that may sit inside a speaker phrase ("the state-run news agency").
_NP_WORDS = frozenset(
    """the a an his her its their our this these those some many several two three four five
    other another both all one senior top former chief deputy vice acting foreign defence
    defense state state-run state-owned official officials unnamed anonymous government
    military army police media news agency agencies newspaper broadcaster television tv
    radio daily outlet website spokesman spokeswoman spokesperson spokespeople minister
    ministry president leader leaders secretary general analyst analysts expert experts
    source sources diplomat diplomats observer observers witness witnesses resident
    residents lawmaker lawmakers legislator legislators statement report people person
    researchers researcher scientist scientists economist economists spy intelligence
    security national local regional federal central presidential prime press office
    department service council committee commission party group company firm bank court
    judge prosecutor prosecutors lawyer lawyers attorney authorities authority
    administration aide aides adviser advisers advisor advisors envoy ambassador commander
    commanders generals troops soldier soldiers team staff board chairman chairwoman ceo
    executive executives founder head director representative representatives and of
    official-run allied western unidentified informed knowledgeable familiar""".split()
)
_MEDIA = re.compile(
    r"\b(?:media|news agency|newspaper|broadcaster|television|TV|radio|outlet|daily|tabloid|"
    r"magazine|wire service|news service|press agency|Times|Post|Journal|Herald|Tribune|"
    r"Guardian|Telegraph|Gazette|Sinmun|CNN|BBC|NHK|KCTV|CCTV|Bloomberg|Al Jazeera|Politico|"
    r"Axios)\b"
)
_MEDIA_NAMED = re.compile(
    r"\b(?:agency|newspaper|broadcaster|media|outlet|daily|channel|network|magazine|website|"
    r"wire service)\s+((?:[A-Z][\w’'.&-]*\s*)+)$"
)
_MEDIA_NOUN_BEFORE = re.compile(
    r"\b(?:agency|newspaper|broadcaster|media|outlet|daily|channel|network|magazine|website)\s+$"
)
_OBJECT_BEFORE = re.compile(
    r"\b(?:told|tells|to|with|invited|met|meeting|hosting|welcome|welcomed|by|thanked|asked|urged|"
    r"from|in|at|of|for|about|against)\s+(?:the\s+)?(?:[A-Z][\w.’'-]*\s+){0,3}$"
)
_OBJECT = re.compile(
    r"\s+(?:(?:the|a|an|his|her|their|its)\s+(?:[\w-]+\s+){0,2}?)?"
    r"(?:reporters|journalists|media|press|conference|briefing|lawmakers|parliament|"
    r"legislators|audience|crowd|supporters|delegates|newspaper|agency|broadcaster|"
    r"television|TV|radio|channel|daily|summit|meeting|forum|assembly|committee|council|"
    r"students|soldiers|troops|officials|leaders|reporter|interviewer|outlet|network|him|her|"
    r"them|us|me|you)\b"
    r"|\s+(?:the\s+)?[A-Z][\w’'\-]*(?:\s+[A-Z][\w’'\-]*){0,4}"
)
_MONTH = r"(?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Sept|Oct|Nov|Dec)[a-z]*\.?"
_ADJUNCT = re.compile(
    r"\s*,?\s*(?:(?:on|last|this|early|late|earlier|later)\s+)?(?:Monday|Tuesday|Wednesday|"
    r"Thursday|Friday|Saturday|Sunday|today|yesterday|tonight|week|month|year|morning|"
    r"afternoon|evening|night)\b"
    r"|\s*(?:earlier|later|previously|again|also|publicly|separately|recently|repeatedly|too|"
    r"on\s+(?:Twitter|X|Telegram|Facebook|Instagram|television|TV|radio|social\s+media|"
    r"state\s+(?:TV|television|media|radio)))\b"
    r"|\s*,?\s*(?:in|at|during)\s+(?:a|an|his|her|its|their|the)\s+(?:[\w-]+\s+){0,3}?"
    r"(?:statement|interview|speech|post|briefing|conference|address|message|letter|report|"
    r"broadcast|commentary|editorial|dispatch|article|video|meeting|session|summit|call)\b"
    r"|\s*,?\s*without\s+\w+ing\b[^,.;:!?\"“”]*"
    rf"|\s*,?\s*(?:on\s+)?{_MONTH}\s+\d{{1,2}}(?:,\s*\d{{4}})?\b"
)
_CAP_NAME = r"[A-Z][\w’'.-]*(?:\s+[A-Z][\w’'.-]*){0,3}"
_NAMES_ONLY = re.compile(rf"{_CAP_NAME}(?:\s*,\s*{_CAP_NAME})*(?:,?\s+and\s+{_CAP_NAME})?")
_THAT = re.compile(r"\s*:?\s*(?:that\b)?")
_PREP_THAT = re.compile(r"\s*(?:during|at|in|on|after|before|while|following|via|through|to)\s[^,.;:\"“”]{0,60}?\bthat\s")
_WORD = re.compile(r"[^\W_]+(?:[-'’][^\W_]+)*")

_OPENERS = "“„«"
_CLOSERS = "”»"
_DOUBLE = '"“”„«»'
_SINGLE = "'‘’"
_MASK = "\x00"


@dataclass(frozen=True, slots=True)
class _Att:
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


def find_quotes(text: str, article_id: str = "", mentions: Sequence[Mention] = ()) -> list[Quote]:
    """Direct and reported quotes in ``text``, sorted by position.

    Args:
        text: the article's body; ``Quote.start``/``end`` are offsets of the quoted words in it.
        article_id: copied into each ``Quote.article``.
        mentions: the article's entity mentions (``find_mentions``); used to name speakers
            behind pronouns and surnames. When empty, the rule-based mentions are used.

    Returns:
        Quotes with ``direct=True`` for words inside quotation marks. ``speaker`` is None
        when no attribution is found; ``speaker_entity`` is left for the caller to fill.
    """
    if not mentions:
        mentions = find_mentions(text, article_id, use_nlp=False)
    original = text
    text = _unify_marks(text)  # same length: offsets hold in both
    ctx = _Context(text, mentions)
    quotes: list[Quote] = []
    regions: list[tuple[int, int]] = []
    last: tuple[Quote, int] | None = None  # previous attributed quote and its sentence index
    for o, c in ctx.quote_marks:
        span = _trim(text, o + 1, c)
        if span is None:
            continue
        qs, qe = span
        n_words = len(_WORD.findall(text, qs, qe))
        rs, re_ = ctx.region(o, c)
        chosen = ctx.choose(ctx.attributions(rs, re_), o, c + 1, rs, direct=True)
        sent = ctx.sentence_index(o)
        if chosen is None and last is not None and ctx.opens_sentence(o, rs):
            prev, prev_sent = last
            if sent - prev_sent <= _INHERIT_SENTENCES:
                chosen = (prev.speaker, None, prev.via)
        if chosen is None and n_words < MIN_QUOTE_WORDS:
            continue  # a scare quote
        speaker, cue, via = chosen if chosen else (None, None, ())
        quote = Quote(article_id, speaker, cue, text[qs:qe], True, qs, qe, via)
        quotes.append(quote)
        regions.append((rs, re_))
        if speaker is not None:
            last = (quote, ctx.sentence_index(c))
    for ss, se in ctx.sentences:
        overlapping = any(rs < se and ss < re_ for rs, re_ in regions)
        if overlapping and not any(ch in text[ss:se] for ch in _DOUBLE):
            continue
        for (cs, ce), speaker, cue, via in ctx.reported(ss, se):
            if overlapping:
                # Clinton said her approach is to "distrust and verify" that …: a partial quote
                # inside reported speech; the statement is the whole clause, the quote a piece of it
                inside = [q for q in quotes if q.direct and ss <= q.start and q.end <= se]
                if not inside or not all(cs < q.start - 1 and q.end <= ce + 1 for q in inside):
                    continue
                quotes = [q for q in quotes if q not in inside]
            quotes.append(Quote(article_id, speaker, cue, text[cs:ce], False, cs, ce, via))
    headline = _headline_claim(text)
    if headline is not None:
        # "Lynch: No outside influence on FBI probe": the headline convention for "X says …"
        (hs, he), (cs, ce) = headline
        speaker, _ = ctx.resolve((hs, he), hs)
        quotes = [q for q in quotes if not (q.start < ce and cs < q.end)]
        quotes.append(Quote(article_id, speaker, ":", text[cs:ce], False, cs, ce))
    quotes.sort(key=lambda q: (q.start, q.end))
    quotes = _join_split_quotes(text, quotes)
    return [dataclasses.replace(q, text=original[q.start : q.end]) for q in quotes]


# A headline "Speaker: claim" names its speaker in at most this many words ("Clinton camp",
# "Rep. Darrell Issa", "AP-GfK Poll"); longer prefixes are section titles or kickers.
_HEADLINE_SPEAKER_WORDS = 4
_HEADLINE = re.compile(r"[ \t]*([A-Z][\w.’'&-]*(?:[ \t]+[\w.’'&-]+){0,3}):[ \t]+(\S[^\n]*?)[.\s]*(?:\n|$)")
# Kickers and section labels that head a headline without being its speaker.
_KICKERS = frozenset(
    """the latest breaking exclusive watch live update updates analysis opinion video photos
    review interview editorial commentary explainer factbox timeline q&a fact check""".split()
)


def _headline_claim(text: str) -> tuple[tuple[int, int], tuple[int, int]] | None:
    """The speaker and claim of a headline (the text's first line) written ``Speaker: claim``."""
    m = _HEADLINE.match(text)
    if m is None:
        return None
    prefix = m.group(1)
    words = prefix.split()
    low = prefix.lower()
    if (
        len(words) > _HEADLINE_SPEAKER_WORDS
        or prefix.isupper()
        or low in _KICKERS
        or words[0] in ("The", "A", "An")  # "The Latest:", "The Ninth Circle:" are section titles
        or not all(w[0].isupper() or w.lower() in ("camp", "of", "and") for w in words)
        or not _enough(text, m.start(2), m.end(2))
    ):
        return None
    return (m.start(1), m.end(1)), (m.start(2), m.end(2))


# Quotation marks written as two apostrophes or backticks (''like this'', ``or this'') are
# common in wire and newspaper archives; they are read as double quotes.
_TWO_MARKS = re.compile(r"''|``")


def _unify_marks(text: str) -> str:
    """Two apostrophes or two backticks as one double quote plus a space, so offsets stay put."""
    if "''" not in text and "``" not in text:
        return text

    def one(m: re.Match[str]) -> str:
        prev = text[m.start() - 1] if m.start() else " "
        if m.group(0) == "``" or prev.isspace() or prev in "([{—–-/:":
            return ' "'  # opening: the mark right before the word
        return '" '  # closing: the mark right after it

    return _TWO_MARKS.sub(one, text)


# A direct quote interrupted by its attribution ("A," he said, "B.") is one statement; the
# interruption is at most this many words ("said Dmitry Peskov, the Kremlin spokesman," is 7).
_SPLIT_GAP_WORDS = 10


def _clause_end(text: str, pos: int) -> int:
    """Where the sentence that a closing quote mark at ``pos`` stands in ends."""
    m = re.compile(r"[.!?\n]").search(text, pos + 2)
    return m.start() if m else len(text)


def _join_split_quotes(text: str, quotes: list[Quote]) -> list[Quote]:
    """Fold "A," SPEAKER CUE, "B." into one quote spanning A to B."""
    out: list[Quote] = []
    for q in quotes:
        prev = out[-1] if out else None
        if (
            prev is not None
            and prev.direct
            and q.direct
            and prev.speaker is not None
            and q.speaker == prev.speaker
            and q.start > prev.end
            and "\n" not in text[prev.end : q.start]
            and len(_WORD.findall(text, prev.end, q.start)) <= _SPLIT_GAP_WORDS
            and (prev.cue is not None or q.cue is not None)
            and _CUE.search(text, prev.end, q.start)
            and not _CUE.search(text, q.end, _clause_end(text, q.end))  # "…," she added: its own statement
        ):
            out[-1] = dataclasses.replace(prev, end=q.end, text=text[prev.start : q.end], cue=prev.cue or q.cue)
            continue
        out.append(q)
    return out


def _trim(text: str, start: int, end: int) -> tuple[int, int] | None:
    """Strip spaces and a dangling comma from quoted words; None when no word is left."""
    while start < end and text[start].isspace():
        start += 1
    while end > start and (text[end - 1].isspace() or text[end - 1] in ",;:"):
        end -= 1
    if not _WORD.search(text, start, end):
        return None
    return start, end


# --------------------------------------------------------------------------- quote marks

def _pair_marks(text: str, marks: str, lo: int, hi: int, single: bool) -> list[tuple[int, int]]:
    """Pair opening and closing marks inside one paragraph, skipping broken ones."""
    pairs: list[tuple[int, int]] = []
    open_at: int | None = None
    for i in range(lo, hi):
        ch = text[i]
        if ch not in marks:
            continue
        prev = text[i - 1] if i > lo else " "
        nxt = text[i + 1] if i + 1 < hi else " "
        if single:
            # apostrophes ("Russia’s", "imperialists' ") must not open; closing needs a word end
            can_open = ch != "’" and (prev.isspace() or prev in "([{" + _DOUBLE) and nxt.isalnum()
            can_close = ch != "‘" and (prev.isalnum() or prev in ".,!?") and not nxt.isalnum()
        else:
            can_open = (prev.isspace() or prev in "([{—–-/:" + _DOUBLE) and not nxt.isspace()
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


def _quote_marks(text: str) -> list[tuple[int, int]]:
    out: list[tuple[int, int]] = []
    pos = 0
    for para in text.split("\n"):
        lo, hi = pos, pos + len(para)
        pos = hi + 1
        doubles = _pair_marks(text, _DOUBLE, lo, hi, single=False)
        singles = [
            p
            for p in _pair_marks(text, _SINGLE, lo, hi, single=True)
            if not any(d[0] < p[0] < d[1] for d in doubles)  # nested inside a double quote
        ]
        out += doubles + singles
    out.sort()
    return out


# --------------------------------------------------------------------------- context

class _Context:
    """One article: its sentences, masked quotes, mentions and attribution helpers."""

    def __init__(self, text: str, mentions: Sequence[Mention]) -> None:
        self.text = text
        self.mentions = sorted(mentions, key=lambda m: (m.start, m.end))
        self.quote_marks = _quote_marks(text)
        chars = list(text)
        for o, c in self.quote_marks:
            for i in range(o + 1, c):
                chars[i] = _MASK
        self.masked = "".join(chars)
        self.sentences = sentence_spans(text)
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
        self._atts: dict[tuple[int, int], list[_Att]] = {}

    # ---- positions

    def sentence_index(self, pos: int) -> int:
        return max(0, bisect.bisect_right(self.starts, pos) - 1)

    def in_quote(self, pos: int) -> bool:
        return self.masked[pos] == _MASK if 0 <= pos < len(self.masked) else False

    def opens_sentence(self, o: int, rs: int) -> bool:
        return not self.text[rs:o].strip(" \t-–—•*")

    def region(self, o: int, c: int) -> tuple[int, int]:
        """The sentence(s) a quote stands in, plus a stub attribution after it ("It said.")."""
        si, sj = self.sentence_index(o), self.sentence_index(c)
        rs, re_ = self.sentences[si][0], max(self.sentences[sj][1], c + 1)
        if sj + 1 < len(self.sentences) and not re.search(r"\w", self.text[c + 1 : re_]):
            ns, ne = self.sentences[sj + 1]
            stub = self.text[ns:ne]
            # a sentence cannot open in lower case, so `…." the ministry said.` continues the
            # quote's sentence; otherwise only a short clause with a cue ("It said.") counts
            if (
                "\n" not in self.text[re_:ns]
                and _CUE.search(stub)
                and not any(ch in stub for ch in _DOUBLE)
                and (stub[:1].islower() or len(_WORD.findall(stub)) <= _STUB_WORDS)
            ):
                re_ = ne
        return rs, re_

    # ---- attribution clauses

    def attributions(self, rs: int, re_: int) -> list[_Att]:
        key = (rs, re_)
        if key not in self._atts:
            self._atts[key] = self._find_attributions(rs, re_)
        return self._atts[key]

    def _find_attributions(self, rs: int, re_: int) -> list[_Att]:
        masked = self.masked
        raw: list[_Att] = []
        for m in _CUE.finditer(masked, rs, re_):
            cs, ce = m.start(), m.end()
            cue = m.group(0).lower()
            if m.group("acc") or m.group("quoting"):
                np = _np_after(masked, ce, re_)
                if np is None:
                    continue
                comma = _comma_before(masked, rs, cs)
                kind = "according" if m.group("acc") else "quoting"
                speaker, channel = self.resolve(np, cs)
                raw.append(_Att(cue, kind, False, cs, np[1], comma if comma is not None else cs, speaker, channel))
                continue
            if _noun_use(masked, rs, cs, ce):
                continue
            if m.group("evid"):
                np = _np_before(masked, rs, cs)
                if np is None or not _EVIDENCE_SUBJECT.search(masked, np[0], np[1]):
                    continue
            if cue == "described" and not re.match(r"\s+(?:\w+\s+)?as\b", masked[ce : ce + 20]):
                continue
            weak = m.group("weak") is not None
            if cue.endswith("ing"):
                # "…, adding …", "…, stressing …": the sentence's subject speaks
                subject = self.subject(rs, cs) or _shared_subject(masked, raw, cs)
                if subject is not None:
                    comma = _comma_before(masked, rs, cs)
                    clause = comma if comma is not None else cs
                    raw.append(_Att(cue, "forward", weak, cs, ce, clause, subject[0], subject[1]))
                continue
            rel = _RELATIVE.search(masked, max(rs, cs - 40), cs)
            if rel is not None:
                # "Barkley, who said he votes Democratic, …": the relative pronoun's antecedent speaks
                head = _np_before(masked, rs, rel.start())
                if head is not None:
                    speaker, channel = self.resolve(head, head[0])
                    raw.append(_Att(cue, "forward", weak, cs, ce, cs, speaker, channel))
                    continue
            np = _np_before(masked, rs, cs)
            if np is not None and not self.text[np[0] : np[1]].strip(" ,").lower().startswith(("and ", "or ")):
                comma = _comma_before(masked, rs, np[0])
                clause = comma if comma is not None else np[0]
                speaker, channel = self.resolve(np, np[0])
                raw.append(_Att(cue, "forward", weak, np[0], ce, clause, speaker, channel))
                continue
            comma = _comma_before(masked, rs, cs)
            appositive = _appositive_subject(masked, rs, cs) if comma is not None else None
            if appositive is not None:
                # "Rep. Lee Zeldin of New York, a Trump supporter, said …"
                speaker, channel = self.resolve(appositive, appositive[0])
                raw.append(_Att(cue, "forward", weak, appositive[0], ce, appositive[0], speaker, channel))
                continue
            inverted = _np_after(masked, ce, re_) if comma is not None else None
            if inverted is not None and masked[inverted[0] : inverted[1]].lower() in _PRONOUNS and re.match(
                r"\s*\w", masked[inverted[1] : inverted[1] + 3]
            ):
                inverted = None  # "…, said it will": "it" opens the reported clause
            if inverted is not None and not weak:
                # ", said Peskov." / "…, reports Yonhap, quoting KCNA"
                speaker, channel = self.resolve(inverted, cs)
                raw.append(_Att(cue, "trailing", False, cs, inverted[1], comma or cs, speaker, channel))
                continue
            # subject left out: "…, and told reporters …", "…, adding …"
            subject = self.subject(rs, cs) or _shared_subject(masked, raw, cs)
            if subject is not None:
                speaker, channel = subject
                clause = comma if comma is not None else cs
                raw.append(_Att(cue, "forward", weak, cs, ce, clause, speaker, channel))
        return [self._with_content(a, raw, rs, re_) for a in raw]

    def _with_content(self, att: _Att, atts: list[_Att], rs: int, re_: int) -> _Att:
        """Decide whether a clause reports what follows it or what precedes it."""
        masked = self.masked
        # reported words run to the next attribution clause; weak verbs ("expressed") are
        # part of the report, not a new clause
        later = [_clause_cut(masked, a) for a in atts if a.clause_start > att.end and not a.weak]
        # "Barkley, who said A, said B": the main verb after an appositive ends the relative clause
        later += [
            _clause_cut(masked, _replace(a, clause_start=a.end - len(a.cue)))
            for a in atts
            if a.kind == "forward" and not a.weak and a.clause_start <= att.end < a.end - len(a.cue)
        ]
        stop = min((c for c in later if c is not None), default=re_)
        if att.kind == "quoting":
            return att  # "…, quoting KCNA" only names a channel
        if att.kind == "according" and masked[rs:att.start].strip() == "":
            # "According to X, CONTENT."
            after = masked.find(",", att.end, stop)
            if after != -1 and _enough(masked, after + 1, stop):
                return _replace(att, content=(after + 1, stop))
            return att
        via_prefix: tuple[str, ...] = ()
        speaker = att.speaker
        channel = att.channel
        p = att.end
        if att.kind == "forward":
            if att.cue == "quoted":
                m = re.match(r"\s+(.{1,80}?)\s+as\s+(?:saying|telling\s+\S+)\b", masked[p:stop])
                if m:
                    src = (p + m.start(1), p + m.end(1))
                    if att.speaker:
                        via_prefix = (att.speaker,)
                    speaker, channel = self.resolve(src, src[0])
                    p += m.end()
            if att.cue in _OBJECT_VERBS:
                m = _OBJECT.match(masked, p, stop)
                if m:
                    p = m.end()
            while True:
                m = _ADJUNCT.match(masked, p, stop)
                if not m or m.end() == p:
                    break
                p = m.end()
            m = _THAT.match(masked, p, stop)
            if m:
                p = m.end()
            # "reported during Shiogu's visit that Kim …": a prepositional phrase, then "that"
            m = _PREP_THAT.match(masked, p, stop)
            if m:
                p = m.end()
            rest = masked[p:stop].lstrip()
            # a comma right after the cue opens an appositive ("…, the military said, the
            # latest in a string of tests"), not the reported words
            if (rest and rest[0] in _DOUBLE + _SINGLE) or (rest[:1] not in ("", ",") and _enough(masked, p, stop)):
                return _replace(att, content=(p, stop), speaker=speaker, channel=channel, via_prefix=via_prefix)
        # trailing: "CONTENT, KCNA said." — what stands before the clause's comma
        kind = "trailing" if att.kind == "forward" else att.kind
        # "Clinton leads by 271 delegates according to a count by the AP": no comma needed
        if masked[att.clause_start : att.clause_start + 1] == "," or att.kind == "according":
            start = rs
            earlier = [a.end for a in atts if a.end <= att.clause_start and a.kind in ("trailing", "according")]
            if earlier:
                start = max(earlier)
                m = re.match(r"\s*,\s*", masked[start:])
                start += m.end() if m else 0
            if _enough(masked, start, att.clause_start):
                return _replace(att, kind=kind, content=(start, att.clause_start), speaker=speaker, channel=channel)
        return _replace(att, kind="trailing" if att.kind == "forward" else att.kind)

    # ---- choosing a speaker and a channel chain

    def choose(
        self, atts: list[_Att], o: int, c: int, rs: int, *, direct: bool
    ) -> tuple[str | None, str | None, tuple[str, ...]] | None:
        """Speaker, cue and via for the words at ``o..c`` from the clauses of their sentence."""
        strong = [a for a in atts if not a.weak and a.speaker]
        people = [a for a in strong if not a.channel]
        primary: _Att | None = None
        if people:
            primary = min(people, key=lambda a: _distance(a, o, c))
        channels = [a for a in strong if a.channel and a is not primary]
        if primary is None and not channels and direct:
            weak = [a for a in atts if a.weak and a.speaker and not a.channel]
            if weak:
                primary = min(weak, key=lambda a: _distance(a, o, c))
        chain = _chain(channels)
        if primary is not None and primary.speaker:
            via = _unique(primary.via_prefix + tuple(a.speaker for a in chain), primary.speaker)
            return primary.speaker, primary.cue, via
        if not chain:
            return None
        names = [a.speaker for a in chain if a.speaker]
        subject = self.subject_before_quote(rs, o) if direct else None
        if subject is not None:
            # Kim and Putin "discussed …," reports Yonhap, quoting KCNA
            return subject, chain[0].cue, _unique(tuple(names), subject)
        inner = chain[-1]
        return inner.speaker, inner.cue, _unique(tuple(names[:-1]), inner.speaker)

    def reported(
        self, ss: int, se: int
    ) -> list[tuple[tuple[int, int], str | None, str | None, tuple[str, ...]]]:
        """The reported-speech statements of one sentence, left to right.

        The leftmost clause is the sentence's own attribution; a later clause whose words
        do not overlap the earlier ones ("He said A and said B", "A, he said, adding B") is
        a statement of its own, as PolNeAR and PARC annotate it.
        """
        atts = [a for a in self.attributions(ss, se) if not a.weak and a.speaker and a.content]
        people = [a for a in atts if not a.channel and a.kind != "quoting"]
        pool = people or [a for a in atts if a.kind != "quoting"]
        out: list[tuple[tuple[int, int], str | None, str | None, tuple[str, ...]]] = []
        for main in sorted(pool, key=lambda a: a.start):
            found = self._statement(main, ss, se)
            if found is None:
                continue
            (cs, ce) = found[0]
            if any(cs < e and s < ce for (s, e), *_ in out):
                continue
            out.append(found)
        return out

    def _statement(
        self, main: _Att, ss: int, se: int
    ) -> tuple[tuple[int, int], str | None, str | None, tuple[str, ...]] | None:
        """One clause's reported words, speaker, cue and channel chain."""
        assert main.content is not None
        span = _trim(self.text, *main.content)
        if span is None or not _enough(self.text, *span):
            return None
        cs, ce = span
        while ce > cs and self.text[ce - 1] in ".!?":
            ce -= 1
        others = [
            a
            for a in self.attributions(ss, se)
            if a is not main and a.speaker and a.kind != "forward" and (a.channel or a.kind == "quoting")
        ]
        if main.channel:
            # "…, Yonhap reported, quoting KCNA": the innermost source speaks, the rest carry it
            names = tuple(a.speaker for a in _chain([main, *others]) if a.speaker)
            return (cs, ce), names[-1], main.cue, _unique(names[:-1], names[-1])
        names = tuple(a.speaker for a in _chain(others) if a.speaker)
        assert main.speaker is not None
        return (cs, ce), main.speaker, main.cue, _unique(main.via_prefix + names, main.speaker)

    # ---- resolving speaker phrases

    def resolve(self, np: tuple[int, int], pos: int) -> tuple[str | None, bool]:
        """Name behind a speaker phrase, and whether it is a channel (agency, outlet)."""
        s, e = np
        raw = self.text[s:e].strip()
        low = raw.lower()
        if low in ("he", "she"):
            person = self.last_person(pos)
            return (person, False) if person else (raw, False)
        if low == "it":
            return self.last_org(pos) or (raw, False)
        if low in _PRONOUNS:
            return raw, False
        inside = [m for m in self._mentions_between(s, e) if m.end <= e]
        persons = [m for m in inside if m.type == "PERSON"]
        if persons and _MEDIA_NOUN_BEFORE.search(self.text, max(s, persons[-1].start - 25), persons[-1].start):
            # "state news agency Prensa Nueva said": an outlet's name, not a person's
            return _strip_possessive(persons[-1].text), True
        if persons:
            if len(persons) > 1 and re.search(r"\band\b|,", raw):
                return _strip_det(raw), False
            return self.expand(persons[-1]), False
        agency = agency_in(raw, self.local_agencies)
        if agency is not None:
            return agency, True
        government = government_of(_strip_det(raw))
        if government is not None:
            return government, False  # "Moscow said": the Russian government speaks, not the city
        named = _MEDIA_NAMED.search(raw)
        if named:
            return named.group(1).strip(), True  # "the state news agency MPA" -> "MPA"
        name = _strip_det(raw)
        if not _WORD.search(name):
            return None, False
        return name, bool(_MEDIA.search(raw))

    def expand(self, m: Mention) -> str:
        """A surname as the nearest full PERSON name that ends or starts with it."""
        key = name_key(m.text)
        if " " in key:
            return _strip_possessive(m.text)
        best: Mention | None = None
        best_d = 0
        for other in self.full_names.get(key, ()):
            # nearest earlier mention first; a later one only if none precedes
            d = m.start - other.end if other.end <= m.start else 10**9 + other.start
            if best is None or d < best_d:
                best, best_d = other, d
        return _strip_possessive(best.text if best else m.text)

    def last_person(self, pos: int) -> str | None:
        """Who "he" or "she" at ``pos`` is: the latest sentence subject naming a person, else the latest person.

        A pronoun subject usually continues the previous sentences' subject ("Beck opposed
        Trump. He said …" is Beck), so a name opening one of the last few sentences wins
        over names in object position after it.
        """
        si = self.sentence_index(pos)
        lo = self.sentences[max(0, si - _SUBJECT_SENTENCES)][0] if self.sentences else 0
        for m in reversed(self._mentions_between(lo, pos)):
            if m.end > pos or m.type != "PERSON" or self.in_quote(m.start):
                continue
            if self._subject_position(m):
                return self.expand(m)
        fallback: Mention | None = None
        for m in reversed(self._mentions_between(0, pos)):
            if m.end > pos or m.type != "PERSON" or self.in_quote(m.start):
                continue
            if fallback is None:
                fallback = m
            if _OBJECT_BEFORE.search(self.text, max(0, m.start - 50), m.start):
                continue  # an object, not the one speaking next
            return self.expand(m)
        return self.expand(fallback) if fallback else None

    def _subject_position(self, m: Mention) -> bool:
        """The mention opens its sentence or clause, give or take a title ("Sen. Ted Cruz said")."""
        ss = self.sentences[self.sentence_index(m.start)][0] if self.sentences else 0
        before = self.text[max(ss, m.start - 60) : m.start]
        if m.start - ss > 60 and not re.search(r"[;:]\s*$", before):
            return False
        head = self.text[ss : m.start]
        words = _WORD.findall(head)
        return len(words) <= 4 and not re.search(r"[,;:]", head.strip()) and not any(
            w.lower() in _NP_STOP or w.lower() in _CUE_WORDS for w in words
        )

    def last_org(self, pos: int) -> tuple[str, bool] | None:
        """What "it said" refers to: the last agency or organisation named before ``pos``."""
        best: tuple[int, str, bool] | None = None
        for m in reversed(self._mentions_between(0, pos)):
            if m.end > pos or m.type != "ORG" or self.in_quote(m.start):
                continue
            agency = agency_in(m.text, self.local_agencies)
            best = (m.end, agency or m.text, agency is not None or bool(_MEDIA.search(m.text)))
            break
        i = bisect.bisect_right(self.agency_ends, pos)
        for s, e, name in reversed(self.agencies[:i]):
            if not self.in_quote(s):
                if best is None or e >= best[0]:
                    best = (e, name, True)
                break
        return (best[1], best[2]) if best else None

    def subject(self, rs: int, cs: int) -> tuple[str | None, bool] | None:
        """The sentence's subject, for clauses that leave it out ("…, and told reporters")."""
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

    def subject_before_quote(self, rs: int, o: int) -> str | None:
        """``Kim and Putin "discussed …"``: names alone between sentence start and the quote."""
        prefix = self.text[rs:o].strip(" ,")
        if prefix and _NAMES_ONLY.fullmatch(prefix):
            return prefix
        return None


# --------------------------------------------------------------------------- helpers

def _replace(att: _Att, **changes: Any) -> _Att:
    return dataclasses.replace(att, **changes)


def _enough(text: str, start: int, end: int) -> bool:
    return len(_WORD.findall(text, start, end)) >= MIN_QUOTE_WORDS


def _distance(att: _Att, o: int, c: int) -> int:
    if att.start >= c:
        return att.start - c
    if att.end <= o:
        return o - att.end
    return 0


def _chain(channels: list[_Att]) -> list[_Att]:
    """Order channels from the outermost reporter inwards.

    A clause further right reports on what stands to its left ("X said …, KCNA said,
    according to Yonhap": Yonhap carries KCNA), and "quoting Y" sits inside the clause
    it follows ("reports Yonhap, quoting KCNA").
    """
    tops = [a for a in channels if a.kind != "quoting"]
    subs = [a for a in channels if a.kind == "quoting"]
    ordered: list[_Att] = []
    for top in sorted(tops, key=lambda a: -a.start):
        ordered.append(top)
        ordered += sorted((s for s in subs if s.start > top.start), key=lambda a: a.start)
        subs = [s for s in subs if s.start <= top.start]
    ordered += sorted(subs, key=lambda a: a.start)
    return ordered


def _unique(names: tuple[str | None, ...], speaker: str | None) -> tuple[str, ...]:
    out: list[str] = []
    for n in names:
        if n and n != speaker and n not in out:
            out.append(n)
    return tuple(out)


def _strip_det(raw: str) -> str:
    return re.sub(r"^(?:(?:the|a|an|The|A|An)\s+)", "", raw.strip(" ,")).strip()


def _strip_possessive(name: str) -> str:
    return re.sub(r"['’]s$", "", name)


def _shared_subject(masked: str, raw: list[_Att], cs: int) -> tuple[str | None, bool] | None:
    """``He said A and said B``: a verb after "and" or a comma shares the earlier clause's speaker."""
    if raw and raw[-1].speaker and re.search(r"(?:,|\band)\s*$", masked[max(0, cs - 8) : cs]):
        return raw[-1].speaker, raw[-1].channel
    return None


_RELATIVE = re.compile(r",\s*who\s+(?:(?:also|has|had|have|later|previously|once)\s+)?$")


# Words that join a second clause of the sentence ("He said A and said B", "A said B while C
# said D"): a later attribution after one of them starts a new statement.
_CLAUSE_JOIN = re.compile(r"(?:[,;:(\u2014\u2013]|\s-|\b(?:and|but|while|whereas|although|though|as|because|yet))\s*$")


def _clause_cut(masked: str, att: _Att) -> int | None:
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


def _comma_before(masked: str, lo: int, pos: int) -> int | None:
    """Index of the comma or closing quote mark right before ``pos`` (spaces aside)."""
    i = pos - 1
    while i >= lo and masked[i].isspace():
        i -= 1
    if i >= lo and masked[i] in ",":
        return i
    if i >= lo and masked[i] in _DOUBLE + _SINGLE:
        j = i - 1
        if j >= lo and masked[j] == ",":
            return j
        return i
    return None


def _noun_use(masked: str, rs: int, cs: int, ce: int) -> bool:
    """"media reports said", "the claims": a cue word used as a noun."""
    nxt = re.match(r"\s+(\w+)", masked[ce : ce + 30])
    if nxt and nxt.group(1).lower() in _CUE_WORDS:
        return True
    prv = re.search(r"(\w+)\s+$", masked[max(rs, cs - 20) : cs])
    # "271 pledged delegates", "3 reported cases": a participle after a number is an adjective
    return bool(prv and (prv.group(1).lower() in _DETERMINERS or prv.group(1).isdigit()))


def _np_before(masked: str, lo: int, hi: int) -> tuple[int, int] | None:
    """The speaker phrase ending right before a cue verb at ``hi``."""
    toks = list(_NP_TOK.finditer(masked, lo, hi))
    start: int | None = None
    end: int | None = None
    n = 0
    for t in reversed(toks):
        w = t.group(0)
        low = w.lower()
        if end is None and low in _PRE_CUE_SKIP:
            continue
        if w.startswith("("):
            pass
        elif not w[0].isalnum():
            break
        elif low in _NP_STOP or (low in _CUE_WORDS and not (end is None and low == "reports")):
            break  # ("media reports said": the noun "reports" heads the phrase)
        elif low in _PRONOUNS:
            if end is not None:
                break
            return t.start(), t.end()
        elif w[0].islower() and not (
            low in _NP_WORDS or end is None or "-" in w or low.endswith(("'s", "’s"))
        ):
            break
        if end is None:
            end = t.end()
        start = t.start()
        n += 1
        if n >= _MAX_NP_WORDS:
            break
    if start is None or end is None:
        return None
    # a phrase may not open with a connective or a possessive's owner-less tail
    m = re.match(r"(?:(?:and|or|of|but)(?:\s+|$))+", masked[start:end])
    if m:
        start += m.end()
    if start >= end:
        return None
    return start, end


def _appositive_subject(masked: str, rs: int, cs: int) -> tuple[int, int] | None:
    """``NAME, APPOSITIVE, CUE``: the name opening the sentence, when a comma pair follows it."""
    head = masked[rs:cs]
    m = re.match(r"\s*([^,;:()\x00]{2,80}?),\s*[^,;:\x00]{2,120},\s*$", head)
    if not m:
        return None
    name = m.group(1).strip()
    words = name.split()
    if not words or len(words) > _MAX_NP_WORDS or not any(w[:1].isupper() for w in words):
        return None
    if any(w.lower() in _NP_STOP or w.lower() in _CUE_WORDS for w in words):
        return None
    start = rs + m.start(1)
    return start, start + len(name)


def _np_after(masked: str, lo: int, hi: int) -> tuple[int, int] | None:
    """The speaker phrase right after ``lo`` ("according to Russia's Tass news agency")."""
    start: int | None = None
    end: int | None = None
    n = 0
    for t in _NP_TOK.finditer(masked, lo, hi):
        w = t.group(0)
        low = w.lower()
        if w.startswith("("):
            if start is None:
                break
        elif not w[0].isalnum():
            break
        elif low in _NP_STOP or low in _CUE_WORDS:
            break
        elif low in _PRONOUNS and start is None:
            return t.start(), t.end()
        if start is None:
            start = t.start()
        end = t.end()
        n += 1
        if n >= _MAX_NP_WORDS + 2:
            break
    if start is None or end is None:
        return None
    m = re.search(r"(?:\s+(?:and|or|of|the|a|an))+$", masked[start:end])
    if m:
        end = start + m.start()
    return start, end
