"""``find_quotes``: direct and reported quotes of one article, with the headline conventions
("Speaker: claim", "Speaker Says Claim") and split quotations joined."""

from __future__ import annotations

import bisect
import dataclasses
import itertools
import re
from collections.abc import Sequence

from storyline.extract.entities import find_mentions
from storyline.extract.quotes.clauses import enough, touches
from storyline.extract.quotes.context import Context
from storyline.extract.quotes.cues import CUE, MIN_QUOTE_WORDS, WORD
from storyline.extract.quotes.marks import DOUBLE, SINGLE, trim, unify_marks
from storyline.records import Mention, Quote

# A quote with no attribution of its own continues the previous speaker's quote when that
# one ended at most this many sentences earlier (news paragraphs run two or three
# sentences of one speaker).
_INHERIT_SENTENCES = 2


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
    text = unify_marks(text)  # same length: offsets hold in both
    ctx = Context(text, mentions)
    quotes: list[Quote] = []
    regions: list[tuple[int, int]] = []
    last: tuple[Quote, int] | None = None  # previous attributed quote and its sentence index
    for ss, se in ctx.sentences:
        ctx.attributions(ss, se)  # in reading order, so "he said" can look back at earlier speakers
    for o, c in ctx.quote_marks:
        span = trim(text, o + 1, c)
        if span is None:
            continue
        qs, qe = span
        if _work_title(text, o, qs, qe):
            continue  # on CNN's “State of the Union”, his “Make America Great Again” hats: a name
        n_words = len(WORD.findall(text, qs, qe))
        rs, re_ = ctx.region(o, c)
        chosen = ctx.choose(ctx.attributions(rs, re_), o, c + 1, rs, direct=True)
        sent = ctx.sentence_index(o)
        if chosen is None and last is not None and ctx.opens_sentence(o, rs):
            prev, prev_sent = last
            if sent - prev_sent <= _INHERIT_SENTENCES:
                chosen = (prev.speaker, None, prev.via)
        if chosen is None and sent > 0 and ctx.opens_sentence(o, rs):
            # Sanders said he would stay in the race. “We are going to fight on.”: a quote that
            # follows a sentence reporting someone's words is theirs
            speaker_before = ctx.speaker_in(sent - 1)
            if speaker_before is not None:
                chosen = (speaker_before, None, ())
        if chosen is None and _COLON_BEFORE.search(text, max(rs, o - 4), o):
            # Trump was blunt: “…”; Clinton: “…”: the sentence's subject speaks
            chosen = ctx.colon_speaker(rs, o)
        if chosen is None and sent > 0 and ctx.opens_sentence(o, rs) and text[:rs].rstrip().endswith(":"):
            # "Breitbart News responded:" / "Clinton released the following statement:" closing the
            # previous sentence or paragraph introduces the quote that follows
            chosen = ctx.colon_intro(sent - 1)
        if chosen is None and n_words < MIN_QUOTE_WORDS:
            continue  # a scare quote
        speaker, cue, via = chosen if chosen else (None, None, ())
        direct = True
        named = _NAMING.search(text, max(rs, o - 80), o) if speaker is not None else None
        if named is not None and len(WORD.findall(named.group(2))) <= _NAMING_WORDS:
            # Beck called Palin a “clown”: the statement is the naming, object and quote together
            qs, direct = named.start(2), False
        quote = Quote(article_id, speaker, cue, text[qs:qe], direct, qs, qe, via)
        quotes.append(quote)
        regions.append((rs, re_))
        if speaker is not None:
            last = (quote, ctx.sentence_index(c))
    # does any quote's region overlap a sentence: regions by start, each prefix's furthest end (one bisect per
    # sentence instead of a scan of every region)
    by_start = sorted(regions)
    starts = [rs for rs, _ in by_start]
    reach = list(itertools.accumulate((re_ for _, re_ in by_start), max))
    for ss, se in ctx.sentences:
        if not ctx.may_report(ss, se):
            continue
        k = bisect.bisect_left(starts, se)
        overlapping = k > 0 and reach[k - 1] > ss
        if overlapping and not any(ch in text[ss:se] for ch in DOUBLE):
            continue
        for (cs, ce), speaker, cue, via in ctx.reported(ss, se):
            if overlapping:
                # Clinton said her approach is to "distrust and verify" that …: a partial quote
                # inside reported speech; the statement is the whole clause, the quote a piece of it
                # (a quote elsewhere in the sentence, "On “Morning Joe,” she asked Trump how …", is its own)
                inside = [
                    q for q in quotes if q.direct and ss <= q.start and q.end <= se and q.start < ce and cs < q.end
                ]
                if not all(cs < q.start - 1 and q.end <= ce + 1 for q in inside):
                    continue
                if not inside and _INTRO_OF_QUOTE.match(text, ce):
                    continue  # `said during a debate, "…"`: the words only introduce the quote
                if not inside and any(
                    touches(text, q.start, q.end, cs, ce)
                    for q in quotes
                    if q.direct and q.start < se + 2 and ss < q.end + 2
                ):
                    continue  # `said at a hearing: "…"`: the words before a quote only introduce it
                quotes = [q for q in quotes if q not in inside]
            quotes.append(Quote(article_id, speaker, cue, text[cs:ce], False, cs, ce, via))
    headline = _headline_claim(text)
    if headline is not None:
        # "Lynch: No outside influence on FBI probe": the headline convention for "X says …"
        (hs, he), (cs, ce) = headline
        speaker, _ = ctx.resolve((hs, he), hs)
        quotes = [q for q in quotes if not (q.start < ce and cs < q.end)]
        quotes.append(Quote(article_id, speaker, ":", text[cs:ce], False, cs, ce))
    says = _headline_says(text) if headline is None else None
    if says is not None:
        (hs, he), cue, (cs, ce) = says
        speaker, _ = ctx.resolve((hs, he), hs)
        quotes = [q for q in quotes if not (q.start < ce and cs < q.end)]
        quotes.append(Quote(article_id, speaker, cue, text[cs:ce], False, cs, ce))
    quotes.sort(key=lambda q: (q.start, q.end))
    quotes = _join_split_quotes(text, quotes)
    # the words as the article wrote them (unify_marks may have changed marks); a quote that has them already is
    # kept as it is (dataclasses.replace costs more than the rest of building it)
    return [q if q.text == (words := original[q.start : q.end]) else dataclasses.replace(q, text=words) for q in quotes]


# A quotation in title case right after a possessive, a determiner or a preposition names a show, a
# book, a film or a slogan ("on CNN's “State of the Union”", "author of ''Empire of the Fund''", "the
# “Bernie or Bust” crowd"), not words someone said; a chant or a cry ("chants of “Ted! Ted!”") keeps
# its exclamation mark and stays. Of such quotations on PolNeAR train, 88 of 95 were no attribution.
_TITLE_BEFORE = re.compile(
    r"(?:[’']s|s[’']|\b(?:on|of|in|for|from|at|watch|watching|host|hosted|the|his|her|their|its|our|my|your))\s*$"
)
_TITLE_SMALL = frozenset("a an the and or of to in on for with at by from as vs but nor is".split())


def _work_title(text: str, o: int, qs: int, qe: int) -> bool:
    """The quotation at ``qs..qe`` (opening mark at ``o``) is the name of a work, a show or a slogan."""
    words = WORD.findall(text, qs, qe)
    if not words or not words[0][:1].isupper() or any(ch in text[qs:qe] for ch in "!?"):
        return False
    if not all(w[:1].isupper() or w[:1].isdigit() or w.lower() in _TITLE_SMALL for w in words):
        return False
    return _TITLE_BEFORE.search(text, max(0, o - 30), o) is not None


# A quote introduced by a colon ("He was blunt: “…”").
_COLON_BEFORE = re.compile(r":\s*[\"“”‘']?$")
# Verbs that name something with a quoted label ("called Palin a “clown”", "dubbed the plan
# “reckless”"); the label's object is part of the statement when it is this many words or fewer
# (an object and an article: "that report Friday a").
_NAMING = re.compile(
    r"(?<![-\w])(?<!what he )(?<!what she )(called|calls|calling|dubbed|dubs|labeled|labelled|branded|brands)"
    r"\s+(?!for\b|on\b|out\b)([^,.;:!?\"“”\n]{1,60}?)\s*$"
)
_NAMING_WORDS = 6

# A headline "Speaker: claim" names its speaker in at most this many words ("Clinton camp",
# "Rep. Darrell Issa", "AP-GfK Poll"); longer prefixes are section titles or kickers.
_HEADLINE_SPEAKER_WORDS = 4
_HEADLINE = re.compile(r"[ \t]*([A-Z][\w.’'&-]*(?:[ \t]+[\w.’'&-]+){0,3}):[ \t]+(\S[^\n]*?)[.\s]*(?:\n|$)")
# Kickers and section labels that head a headline without being its speaker.
_KICKERS = frozenset(
    """the latest breaking exclusive watch live update updates analysis opinion video photos
    review interview editorial commentary explainer factbox timeline q&a fact check""".split()
)


# A title-case headline "Trump Says He Never Pledged …", "Ex-Aide Warns Of …": the speech verb is
# capitalised like every word, so the sentence rules (lower-case cues) miss it.
_HEADLINE_SAYS = re.compile(
    r"[ \t]*((?:[A-Z][\w.’'&-]*[ \t]+){1,5}?)(Says|Said|Tells|Told|Warns|Warned|Claims|Claimed|Admits|"
    r"Admitted|Insists|Vows|Predicts|Argues|Denies|Thinks|Believes|Suggests)[ \t]+(\S[^\n]*?)[.\s]*(?:\n|$)"
)
_HEADLINE_LINE = 200


def _headline_says(text: str) -> tuple[tuple[int, int], str, tuple[int, int]] | None:
    """Speaker, cue and claim of a title-case first line written ``Speaker Says Claim``."""
    m = _HEADLINE_SAYS.match(text)
    if m is None or m.end() > _HEADLINE_LINE:
        return None
    words = WORD.findall(m.group(0))
    # title case: nearly every word capitalised (small words such as "of", "to" aside)
    if sum(1 for w in words if w[0].isupper()) < 0.7 * len(words) or not enough(text, m.start(3), m.end(3)):
        return None
    speaker = m.group(1).strip()
    if speaker.split()[0] in ("The", "A", "An") and len(speaker.split()) == 1:
        return None
    return (m.start(1), m.start(1) + len(speaker)), m.group(2).lower(), (m.start(3), m.end(3))


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
        or not enough(text, m.start(2), m.end(2))
    ):
        return None
    return (m.start(1), m.end(1)), (m.start(2), m.end(2))


# A direct quote interrupted by its attribution ("A," he said, "B.") is one statement; the
# interruption is at most this many words ("said Dmitry Peskov, the Kremlin spokesman," is 7).
_SPLIT_GAP_WORDS = 10


# Words between two quotes that start a second statement rather than interrupt one.
_NEW_STATEMENT = re.compile(r"\b(?:adding|and|before|then|continuing|concluding|noting|explaining)\b")


def _clause_end(text: str, pos: int) -> int:
    """Where the sentence that quoted words ending at ``pos`` stand in ends.

    The words' own comma and closing mark are skipped, but not a paragraph break: a quote that
    closes its paragraph (`…community.”` then a new paragraph `“They …,” Obama said`) ends its
    clause there, and the next paragraph's attribution belongs to the next quote.
    """
    i = pos
    while i < len(text) and text[i] in ",;: \t" + DOUBLE + SINGLE:
        i += 1
    m = _CLAUSE_END.search(text, i)
    return m.start() if m else len(text)


_CLAUSE_END = re.compile(r"[.!?\n]")


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
            and len(WORD.findall(text, prev.end, q.start)) <= _SPLIT_GAP_WORDS
            and (prev.cue is not None or q.cue is not None)
            and CUE.search(text, prev.end, q.start)
            and not _NEW_STATEMENT.search(text, prev.end, q.start)  # `"A," he said, adding, "B."`: two
            and not CUE.search(text, q.end, _clause_end(text, q.end))  # "…," she added: its own statement
        ):
            out[-1] = dataclasses.replace(prev, end=q.end, text=text[prev.start : q.end], cue=prev.cue or q.cue)
            continue
        if prev is not None and _continues_after_attribution(text, prev, q):
            out[-1] = dataclasses.replace(prev, end=q.end, text=text[prev.start : q.end])
            continue
        out.append(q)
    return out


# `“A,” said Dave Majernik, a one-time Cruz backer who serves as vice chairman of the county GOP. “B.”`:
# the attribution sentence between two quotes of one speaker, which news writes after the first
# sentence of a quotation, holds at most this many words (a name and a two-clause appositive).
_CONTINUED_GAP_WORDS = 20
# What may stand between the first quote's words and its closing mark, and between the
# attribution sentence's end and the next quote's opening mark.
_CONTINUED_GAP = re.compile(r"[,?!]?[\"”’']\s+(?P<clause>[^\"“”‘\n]+?[.?!])\s+[\"“‘']$")


def _continues_after_attribution(text: str, prev: Quote, q: Quote) -> bool:
    """``“A,” SPEAKER CUE …. “B.”``: B, with no attribution of its own, goes on with A's statement.

    News attributes a long quotation once, after its first sentence, and the quotation resumes
    in the next sentence; PolNeAR and PARC annotate both parts as one statement. Only the
    sentence right after the attribution, in the same paragraph, continues it.
    """
    if not (prev.direct and q.direct and prev.speaker is not None and q.speaker == prev.speaker):
        return False
    if prev.cue is None or q.cue is not None or q.start <= prev.end:
        return False
    if "\n" in text[prev.end : q.start]:
        return False  # a new paragraph may be a new statement, or another speaker's
    m = _CONTINUED_GAP.fullmatch(text, prev.end, q.start)
    if m is None or len(WORD.findall(m.group("clause"))) > _CONTINUED_GAP_WORDS:
        return False
    clause = m.group("clause")
    if _SECOND_PREDICATE.search(clause):
        return False  # `“A,” he said, adding that …. “B.”`: B goes on with the added words, not with A
    if _SENTENCE_INSIDE.search(clause):
        return False  # `“A,” said X, who stars in the show. But the face …`: the reporter's own sentence
    return CUE.search(clause) is not None


# A second verb of the attribution sentence (", and her husband cut in", ", then referred to",
# "adding that …"): the next quote may go on with that, not with the first quote.
_SECOND_PREDICATE = re.compile(
    r"(?:,|\s[-\u2013\u2014])\s*(?:and|then|but|before|while|as)\b|\b(?:adding|noting|explaining|continuing|concluding)\b"
)
# A sentence end inside the gap: a lower-case word, a full stop and another word ("the show. But");
# abbreviations in names and places ("James B. Cunningham", "Calif.", "Mr.") are capitalised.
_SENTENCE_INSIDE = re.compile(r"\b[a-z]{2,}[.!?]\s+\S")


# --------------------------------------------------------------------------- helpers

_INTRO_OF_QUOTE = re.compile(r"[ \t,:;.\u2014\u2013-]*[\"“‘']")
