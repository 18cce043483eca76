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
from collections.abc import Callable, Sequence
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
    "pledged|pledges|wondered|speculated|cautioned|"
    # more speech and belief verbs of ordinary news copy
    "think|believe|continued|continues|pointed out|points out|remarking|quipped|retorted|"
    "asserted|asserts|asserting|lamented|bragged|recounted|answered|exclaimed|mused|"
    "conceding|reasoned|acknowledge|insist|warn|predict|contend|maintain|complain|"
    # ways of saying things aloud or in writing that news copy uses for direct quotes
    "shouted|shouts|yelled|yells|chanted|chants|barked|snapped|whispered|muttered|"
    "writing|responding|replying|recalls|recalling|tweeting|tweets|promising|vowing|pledging"
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
# Verbs that news uses to attribute a direct quote only in the attribution right after it
# (`“…,” Toomey fumed.`, `“…?” Hannity pressed.`, `“…,” opined the Plain Dealer.`); elsewhere many
# of them tell of something else ("pressed for a vote", "charged with assault", "notes to a boxer"),
# so they count only next to a closing quotation mark (`_quote_tail`), and they stay out of
# `_CUE_WORDS`, which cuts speaker phrases.
_TAIL_VERBS = (
    "fumed|fumes|pressed|presses|demanded|demands|charged|charges|repeated|repeats|beamed|"
    "remembered|remembers|reacted|exhorted|surmised|elaborated|opined|scoffed|scoffs|mocked|mocks|"
    "concludes|answers|notes|observes|admits|quips|jokes|laughed|laughs|sighed|sighs|cried|cries|"
    "screamed|groused|grumbled|sniped|gushed|marveled|marvelled|interjected|teased|deadpanned|"
    "scolded|sneered|taunted|protested|pleaded|implored|hollered|roared|bellowed|murmured|echoed|"
    "confided|confessed|reflected|proclaimed|thundered|boomed|offered|summarized|summarised|"
    "shot back|fired back|chimed in|went on"
)
_CUE = re.compile(
    rf"\b(?:(?P<acc>[Aa]ccording to)|(?P<quoting>quoting|citing)|(?P<verb>{_VERBS})|(?P<weak>{_WEAK})"
    rf"|(?P<evid>{_EVIDENCE})|(?P<tail>{_TAIL_VERBS}))\b"
)
_CUE_WORDS = frozenset((_VERBS + "|" + _WEAK + "|quoting|citing|according").split("|"))
_OBJECT_VERBS = frozenset("told tells tell asked asks urged assured informed reminded warned warns briefed".split())
_TELL = frozenset("told tells tell informed assured reminded briefed".split())
# "told a Senate panel that", "told the House Judiciary Committee on Tuesday that": an object of up to
# eight words (a determiner, a two-word name and a four-word adjunct) before "that".
_TOLD_THAT = re.compile(r"\s+[^,.;:!?\"“”\x00]{1,60}?\s+(that)\b")
# Words after "told" that are only its object and a time ("told a Senate panel Wednesday").
_TOLD_OBJECT_WORDS = 5
_DETERMINERS = frozenset("the a an his her its their this these those such".split())
_PRONOUNS = frozenset("he she it they we i you".split())

_NP_TOK = re.compile(
    r"\([^()\n]{1,60}\)|(?:[A-Z]\.){2,}|(?:Mr|Mrs|Ms|Dr|Sen|Rep|Gov|Gen|Lt|Col|Sgt|Capt|Prof|Rev|Jr|Sr|Adm|"
    r"Maj|Cmdr|Gov|Supt|Insp|Amb|Atty|Hon)\.|[\w’'\-&]+|\S"
)
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
    recently again publicly repeatedly once already itself would will could can should may
    might must did does do not never ever only just first even simply twice often""".split()
)
# "Rubio was asked whether …", "it was reported that …": a passive cue's subject is not its speaker
# ("was quoted as saying" is the exception, handled with "quoted").
_PASSIVE_BEFORE = re.compile(r"\b(?:was|were|been|being|is|are|be)\s+(?:[a-z]+ly\s+|not\s+)?$")
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
    for ss, se in ctx.sentences:
        ctx.attributions(ss, se)  # in reading order, so "he said" can look back at earlier speakers
    for o, c in ctx.quote_marks:
        span = _trim(text, o + 1, c)
        if span is None:
            continue
        qs, qe = span
        if _work_title(text, o, qs, qe):
            continue  # on CNN's “State of the Union”, his “Make America Great Again” hats: a name
        n_words = len(_WORD.findall(text, qs, qe))
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
        if named is not None and len(_WORD.findall(named.group(2))) <= _NAMING_WORDS:
            # Beck called Palin a “clown”: the statement is the naming, object and quote together
            qs, direct = named.start(2), False
        quote = Quote(article_id, speaker, cue, text[qs:qe], direct, qs, qe, via)
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
                # (a quote elsewhere in the sentence, "On “Morning Joe,” she asked Trump how …", is its own)
                inside = [q for q in quotes if q.direct and ss <= q.start and q.end <= se and q.start < ce and cs < q.end]
                if not all(cs < q.start - 1 and q.end <= ce + 1 for q in inside):
                    continue
                if not inside and _INTRO_OF_QUOTE.match(text, ce):
                    continue  # `said during a debate, "…"`: the words only introduce the quote
                if not inside and any(
                    _touches(text, q.start, q.end, cs, ce) for q in quotes if q.direct and q.start < se + 2 and ss < q.end + 2
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
    return [dataclasses.replace(q, text=original[q.start : q.end]) for q in quotes]


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
    words = _WORD.findall(text, qs, qe)
    if not words or not words[0][:1].isupper() or any(ch in text[qs:qe] for ch in "!?"):
        return False
    if not all(w[:1].isupper() or w[:1].isdigit() or w.lower() in _TITLE_SMALL for w in words):
        return False
    return _TITLE_BEFORE.search(text, max(0, o - 30), o) is not None


# Verbs of answering report words only when the words follow ("responded that …", "replied: “…”",
# "…, she responded."); followed by what was answered ("responded to the ruling") or by how ("responded
# by halting shipments", "replied with a lawsuit", "responded as if hurt") they tell of an action.
_RESPONSES = frozenset("responded responds responding replied replies replying answered countered".split())
_RESPONSE_ACTION = re.compile(
    r"(?:to|as\s+if|as\s+though|from|in\s+kind)\b"
    r"|(?:(?:[a-z]+ly|within\s+\w+|later|again|quickly|immediately)\s+){0,2}(?:by|with)\b"
)


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
    words = _WORD.findall(m.group(0))
    # title case: nearly every word capitalised (small words such as "of", "to" aside)
    if sum(1 for w in words if w[0].isupper()) < 0.7 * len(words) or not _enough(text, m.start(3), m.end(3)):
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


# Words between two quotes that start a second statement rather than interrupt one.
_NEW_STATEMENT = re.compile(r"\b(?:adding|and|before|then|continuing|concluding|noting|explaining)\b")


def _clause_end(text: str, pos: int) -> int:
    """Where the sentence that quoted words ending at ``pos`` stand in ends.

    The words' own comma and closing mark are skipped, but not a paragraph break: a quote that
    closes its paragraph (`…community.”` then a new paragraph `“They …,” Obama said`) ends its
    clause there, and the next paragraph's attribution belongs to the next quote.
    """
    i = pos
    while i < len(text) and text[i] in ",;: \t" + _DOUBLE + _SINGLE:
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
            and len(_WORD.findall(text, prev.end, q.start)) <= _SPLIT_GAP_WORDS
            and (prev.cue is not None or q.cue is not None)
            and _CUE.search(text, prev.end, q.start)
            and not _NEW_STATEMENT.search(text, prev.end, q.start)  # `"A," he said, adding, "B."`: two
            and not _CUE.search(text, q.end, _clause_end(text, q.end))  # "…," she added: its own statement
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
    if m is None or len(_WORD.findall(m.group("clause"))) > _CONTINUED_GAP_WORDS:
        return False
    clause = m.group("clause")
    if _SECOND_PREDICATE.search(clause):
        return False  # `“A,” he said, adding that …. “B.”`: B goes on with the added words, not with A
    if _SENTENCE_INSIDE.search(clause):
        return False  # `“A,” said X, who stars in the show. But the face …`: the reporter's own sentence
    return _CUE.search(clause) is not None


# A second verb of the attribution sentence (", and her husband cut in", ", then referred to",
# "adding that …"): the next quote may go on with that, not with the first quote.
_SECOND_PREDICATE = re.compile(
    r"(?:,|\s[-\u2013\u2014])\s*(?:and|then|but|before|while|as)\b|\b(?:adding|noting|explaining|continuing|concluding)\b"
)
# A sentence end inside the gap: a lower-case word, a full stop and another word ("the show. But");
# abbreviations in names and places ("James B. Cunningham", "Calif.", "Mr.") are capitalised.
_SENTENCE_INSIDE = re.compile(r"\b[a-z]{2,}[.!?]\s+\S")


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


# `“…,” Doug Usher, director of research at Widmeyer Communications, said`: a quotation's closing
# comma and mark, then a speaker phrase with an appositive and no quotation mark, up to the cue.
# Fifteen words hold a two-word name and a title of up to a dozen words.
_QUOTE_THEN_SPEAKER = re.compile(r"[,!?]([\"”’'])\s+(?P<np>[^\"“”‘’'\n]+?)\s+$")
_APPOSITIVE_WORDS = 15
# What such a clause has after its cue: an adjunct ("at the time", "in an interview after the
# announcement", "on the same call", "when asked about …"), not reported words.
_ADJUNCT_ONLY = re.compile(r"\s*(?:at|in|on|after|during|before|when|while|as|from|with)\b")

# --------------------------------------------------------------------------- context

class _Context:
    """One article: its sentences, masked quotes, mentions and attribution helpers."""

    def __init__(self, text: str, mentions: Sequence[Mention]) -> None:
        self.text = text
        self.mentions = sorted(mentions, key=lambda m: (m.start, m.end))
        self.quote_marks = _quote_marks(text)
        self.quote_closes = [c for _, c in self.quote_marks]
        self._close_set = frozenset(self.quote_closes)
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
        self.genders = _genders(text, self.mentions, self.expand)
        self.person_keys = {name_key(self.expand(m)) for m in self.mentions if m.type == "PERSON"}
        # named speakers of the attributions read so far: (position, name, gender)
        self.said: list[tuple[int, str, str | None]] = []
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
            if _noun_use(masked, rs, cs, ce) or _not_speech(masked, cue, cs, ce):
                continue
            if m.group("tail") and not _quote_tail(self.text, rs, cs):
                continue
            if m.group("evid"):
                np = _np_before(masked, rs, cs)
                if np is None or not _EVIDENCE_SUBJECT.search(masked, np[0], np[1]):
                    continue
            if cue != "quoted" and cue.endswith(("ed", "told", "said", "thought")) and _PASSIVE_BEFORE.search(
                masked, max(rs, cs - 25), cs
            ):
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
            if inverted is not None and _FINITE_NEXT.match(masked, inverted[1]):
                inverted = None  # "…, said Hillary Clinton should be ready": the name opens the reported clause
            if inverted is not None and not weak:
                # ", said Peskov." / "…, reports Yonhap, quoting KCNA"
                speaker, channel = self.resolve(inverted, cs)
                raw.append(_Att(cue, "trailing", False, cs, inverted[1], comma or cs, speaker, channel))
                continue
            # subject left out: "…, and told reporters …", "…, adding …"; "He said A and said B"
            # shares the earlier clause's speaker before the sentence's first name is tried
            subject = _shared_subject(masked, raw, cs) or self.subject(rs, cs)
            if subject is not None:
                speaker, channel = subject
                clause = comma if comma is not None else cs
                raw.append(_Att(cue, "forward", weak, cs, ce, clause, speaker, channel))
        for a in raw:
            self._register(a, rs)
        return [self._with_content(a, raw, rs, re_) for a in raw]

    def _register(self, att: _Att, rs: int) -> None:
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
        if att.kind == "according" and _OPENING.fullmatch(masked, rs, att.start):
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
                elif att.cue in _TELL:
                    # "told a Senate panel that …": any short object before "that"; "…, Carter told
                    # a Senate panel Wednesday.": an object and a time, no reported words after the cue
                    that = _TOLD_THAT.match(masked, p, stop)
                    if that is not None:
                        p = that.start(1)
                    elif len(_WORD.findall(masked, p, stop)) <= _TOLD_OBJECT_WORDS and not re.search(
                        r"[\"“‘'\x00]", masked[p:stop]
                    ):
                        p = stop
            p = _skip_adjuncts(masked, p, stop)
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
            if att.cue in _RESPONSES and _RESPONSE_ACTION.match(rest):
                pass  # "responded within days by halting …", "responded to the ruling": a reaction, not words
            elif (rest and rest[0] in _DOUBLE + _SINGLE) or (rest[:1] not in ("", ",") and _enough(masked, p, stop)):
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
            # "The goal, Ms. Bigbee said, is that …": a parenthetical attribution; the statement
            # runs on past it to the end of the clause
            resumed = self._continuation(att.end, stop) if att.kind == "forward" else None
            if resumed is None and self._quote_follows(att.end, stop):
                # "A short time later, Abedin wrote, “…”": the words before the speaker are an
                # adverbial opening, and the quote after the cue is what was said
                return _replace(att, kind=kind)
            if _enough(masked, start, att.clause_start) or (resumed and _WORD.search(masked, start, att.clause_start)):
                end = resumed or att.clause_start
                return _replace(att, kind=kind, content=(start, end), speaker=speaker, channel=channel)
        return _replace(att, kind="trailing" if att.kind == "forward" else att.kind)

    def _after_opening_quote(self, ss: int, pos: int) -> bool:
        """``pos`` follows (spaces and a comma aside) a quotation that opens the sentence at ``ss``."""
        i = pos
        while i > ss and self.masked[i - 1] in " \t,":
            i -= 1
        k = bisect.bisect_left(self.quote_closes, i - 1)
        if k >= len(self.quote_marks) or self.quote_marks[k][1] != i - 1:
            return False
        return self.opens_sentence(self.quote_marks[k][0], ss)

    def _after_quote_speaker(self, ss: int, att: _Att) -> bool:
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
        words = _WORD.findall(m.group("np"))
        return len(words) <= _APPOSITIVE_WORDS and not any(w.lower() in _CUE_WORDS for w in words)

    def _quote_follows(self, p: int, stop: int) -> bool:
        """A quotation opens right after the attribution clause ending at ``p`` (adjuncts aside)."""
        masked = self.masked
        p = _skip_adjuncts(masked, p, stop)
        m = _OBJECT.match(masked, p, stop)
        if m:
            p = m.end()
        return _QUOTE_NEXT.match(masked, p) is not None

    def _continuation(self, p: int, stop: int) -> int | None:
        """End of the words that resume after a parenthetical ``…, X said, …``, if any."""
        masked = self.masked
        p = _skip_adjuncts(masked, p, stop)
        m = _RESUME.match(masked, p, stop)
        if m is None or not _enough(masked, m.end(), stop):
            return None
        end = stop
        while end > p and masked[end - 1] in ".!? \n":
            end -= 1
        return end

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

    def _statement(
        self, main: _Att, ss: int, se: int
    ) -> tuple[tuple[int, int], str | None, str | None, tuple[str, ...]] | None:
        """One clause's reported words, speaker, cue and channel chain."""
        assert main.content is not None
        span = _trim(self.text, *main.content)
        if span is None or not _enough(self.text, *span):
            return None
        cs, ce = span
        ce = _reporter_tail(self.masked, cs, ce)
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
            person = self.last_person(pos, low)
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
                if _OBJECT_BEFORE.search(self.text, max(ss, m.start - 50), m.start):
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
            if _OBJECT_BEFORE.search(self.text, max(0, m.start - 50), m.start):
                continue
            return self.expand(m)
        return self.expand(fallback) if fallback else None

    def _gender(self, m: Mention) -> str | None:
        """"m", "f" or None (unknown) for a person, from titles and first names across the article."""
        return self.genders.get(name_key(self.expand(m)))

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
        pronoun = re.match(r"\s*(?:[A-Z][a-z]+,\s+)?(He|She)\b", self.masked[rs:cs])
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
        m = re.match(r"\s*(?:[A-Z][a-z]+,\s+)?(he|she|He|She)\b", self.masked[rs:o])
        if m:
            person = self.last_person(rs + m.start(1), m.group(1).lower())
            return (person, ":", ()) if person else None
        subject = self.subject(rs, o)
        if subject is None or subject[0] is None:
            return None
        return subject[0], ":", ()

    def colon_intro(self, si: int) -> tuple[str | None, str | None, tuple[str, ...]] | None:
        """Speaker of a quote introduced by sentence ``si`` ending in a colon."""
        ss, se = self.sentences[si]
        colon = self.text.rfind(":", ss, se)
        atts = [a for a in self.attributions(ss, se) if a.speaker and a.end <= colon]
        if atts:
            last = max(atts, key=lambda a: a.end)
            return last.speaker, last.cue, last.via_prefix
        return self.colon_speaker(ss, colon)

    def subject_before_quote(self, rs: int, o: int) -> str | None:
        """``Kim and Putin "discussed …"``: names alone between sentence start and the quote."""
        prefix = self.text[rs:o].strip(" ,")
        if prefix and _NAMES_ONLY.fullmatch(prefix):
            return prefix
        return None


# --------------------------------------------------------------------------- gender

# Titles and first names that tell a person's gender, for resolving "he" and "she". The names
# are common given names in English-language news (politics, business, sport); a name not
# listed leaves the gender unknown, which matches either pronoun.
_MALE_TITLES = re.compile(r"\b(?:Mr|Sir|Lord|King|Prince|Father|Brother|Pope|Sheikh)\.?\s+$")
_FEMALE_TITLES = re.compile(r"\b(?:Mrs|Ms|Miss|Madam|Madame|Mme|Lady|Dame|Queen|Princess|Sister)\.?\s+$")
_MALE_NAMES = frozenset(
    """aaron abdul abraham adam adrian ahmed al alan albert alex alexander alexei ali andrew
    andy angel anthony antonio barack barry ben benjamin bernie bill billy bob bobby boris brad
    bradley brandon brett brian bruce bryan carl carlos charles charlie chris christopher chuck
    clarence colin craig dan daniel danny darrell dave david dennis dick dmitry don donald doug
    douglas duncan dwight ed eddie edward emmanuel eric evan frank fred gary george gerald
    glenn gordon graham greg gregory harry henry howard hugh ian ivan jack jacob jake james jamie
    jared jason jay jeb jeff jeffrey jeremy jerry jim jimmy joe joel john johnny jon jonathan
    jorge jose joseph josh juan justin keith ken kenneth kevin kim larry lee leon luis marco
    marcus mark martin matt matthew max michael mike mitch mitt mohammed muhammad narendra
    nathan neil newt nicholas nick nigel omar oscar patrick paul pete peter phil philip rahm
    ralph rand randy ray raymond reince richard rick rob robert roger ron ronald roy rudy russ
    russell ryan sam samuel scott sean sergei sergey steve steven stephen ted terry thomas tim
    timothy todd tom tony vladimir walter wayne william xi yoshihide""".split()
)
_FEMALE_NAMES = frozenset(
    """abigail alice alicia alison amanda amy andrea angela angelina ann anna anne annie barbara
    betsy betty beverly brenda carly carol caroline catherine cathy charlotte cheryl christina
    christine claire claudia cynthia dana deborah debbie debra denise diana diane donna doris
    dorothy elaine eleanor elizabeth ellen emily emma erin eva evelyn florence frances gina
    gloria grace hannah heather heidi helen hillary hope huma ivanka jackie jacqueline jane janet
    jean jeanne jennifer jessica jill joan joanna jodi joyce judith judy julia julie karen kate
    katherine kathleen kathy kayleigh kellyanne kelly kim kirsten laura lauren linda lisa liz
    loretta lori louise lucy lynn madeleine margaret maria marie marsha martha mary megan megyn
    melania melissa michelle monica nancy natalie nicole nikki olivia pam pamela patricia paula
    peggy rachel rebecca rosa ruth sally samantha sandra sara sarah sharon shirley stephanie
    susan suzanne tammy teresa theresa tiffany tina tracy tulsi valerie victoria virginia
    wendy""".split()
)


def _genders(text: str, mentions: Sequence[Mention], expand: Callable[[Mention], str]) -> dict[str, str | None]:
    """Full-name key -> "m"/"f"/None for each person, from a title before any mention or a first name.

    A surname-only mention ("Mrs. Clinton") gives its evidence to the full name it stands
    for there (``expand``), so "Bill Clinton" and "Hillary Clinton" keep their own.
    """
    votes: dict[str, set[str]] = {}
    for m in mentions:
        if m.type != "PERSON":
            continue
        key = name_key(m.text)
        words = key.split()
        before = text[max(0, m.start - 12) : m.start]
        found: str | None = None
        if _MALE_TITLES.search(before):
            found = "m"
        elif _FEMALE_TITLES.search(before):
            found = "f"
        elif len(words) > 1 and words[0] in _MALE_NAMES and words[0] not in _FEMALE_NAMES:
            found = "m"
        elif len(words) > 1 and words[0] in _FEMALE_NAMES and words[0] not in _MALE_NAMES:
            found = "f"
        if found is None:
            continue
        votes.setdefault(key, set()).add(found)
        if len(words) == 1:
            votes.setdefault(name_key(expand(m)), set()).add(found)
    return {k: (next(iter(v)) if len(v) == 1 else None) for k, v in votes.items()}


# --------------------------------------------------------------------------- helpers

_INTRO_OF_QUOTE = re.compile(r"[ \t,:;.\u2014\u2013-]*[\"“‘']")
# The same, for a clause after which the sentence goes on with a quote ("Later, he wrote, “…”").
_QUOTE_NEXT = re.compile(r"[ \t,:;\u2014\u2013-]*[\"“‘']")


def _skip_adjuncts(masked: str, p: int, stop: int) -> int:
    """Past the adjuncts that may stand between a cue and what follows it ("on Tuesday", "in a statement")."""
    while True:
        m = _ADJUNCT.match(masked, p, stop)
        if not m or m.end() == p:
            return p
        p = m.end()


def _touches(text: str, qs: int, qe: int, cs: int, ce: int) -> bool:
    """A quote at ``qs..qe`` and a clause at ``cs..ce`` with no word between them."""
    if qe <= cs:
        return not _WORD.search(text, qe, cs)
    if ce <= qs:
        return not _WORD.search(text, ce, qs)
    return True


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


# After a parenthetical attribution, a comma and words that carry the sentence on (not an
# appositive about the speaker, "who …", nor a second cue).
_RESUME = re.compile(
    r"\s*,\s*(?!(?:who|whom|whose|which|according|citing|quoting|adding|saying|a|an|the|his|her|"
    r"their|its|and|but)\b)(?=[\w\x00\"“'‘])"
)


# The reporter's own words after reported speech: a non-restrictive relative clause running to
# the end of the sentence ("he plans to repeal Dodd-Frank, which was passed in 2010") glosses a
# noun for the reader, and ", but he …" opens a new clause with a subject of its own. A relative
# clause closed by a comma and a verb ("the plan, which passed Monday, is dead") stays.
_TAIL_RELATIVE = re.compile(r",\s+(?:who|which|whom|whose)\b")
_TAIL_BUT = re.compile(r",\s+but\s+(?:he|she|they|it|we|I|the|his|her|their|its|[A-Z][a-z]+\s+[a-z]+)\b")
_RELATIVE_CLOSED = re.compile(
    r",\s+(?:is|was|are|were|has|have|had|will|would|can|could|should|may|might|must|does|did|do|[a-z]+s)\b"
)


def _reporter_tail(masked: str, cs: int, ce: int) -> int:
    """End of reported words ``cs..ce`` before a trailing relative clause or ", but" clause."""
    cut = ce
    for pattern in (_TAIL_RELATIVE, _TAIL_BUT):
        m = pattern.search(masked, cs, cut)
        if m is None or not _enough(masked, cs, m.start()):
            continue
        if pattern is _TAIL_RELATIVE and _RELATIVE_CLOSED.search(masked, m.end(), cut):
            continue
        cut = m.start()
    return cut


# A finite verb right after a name that follows the cue: the name is the reported clause's subject
# ("said Clinton should …"), not an inverted speaker ("…, said Clinton.", "said Clinton on Monday").
_FINITE_NEXT = re.compile(
    r"\s+(?:is|was|are|were|has|had|have|will|would|should|could|can|may|might|must|did|does|do|"
    r"wo|won't|didn't|doesn't|isn't|wasn't|needs|wants|plans)\b"
)


# What may stand before a sentence-opening "According to X, …": nothing, or a connective
# ("But, according to the poll, …", "Now, according to …").
_OPENING = re.compile(
    r"\s*(?:(?:But|And|Yet|Still|Now|However|So|Meanwhile|Instead|Also|Indeed|Moreover)\s*,?\s*)?"
)


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
    # "271 pledged delegates", "3 reported cases": a participle after a number is an adjective, and
    # so is one right after a preposition ("a majority of pledged delegates", "with reported losses"):
    # a speech verb there would have no subject
    if prv and masked[cs:ce].lower().endswith("ed") and prv.group(1).lower() in _PARTICIPLE_PREPS:
        return True
    return bool(prv and (prv.group(1).lower() in _DETERMINERS or prv.group(1).isdigit()))


_PARTICIPLE_PREPS = frozenset("of with among including in more".split())


def _adverb(w: str) -> bool:
    """A lower-case "-ly" adverb ("flatly", "repeatedly"), not a noun such as "family"."""
    return w.islower() and len(w) > 4 and w.endswith("ly") and w not in _NP_WORDS and w not in _LY_NOUNS


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


def _quote_tail(text: str, rs: int, cs: int) -> bool:
    """The cue at ``cs`` stands in the attribution right after a direct quote."""
    m = _QUOTE_TAIL.search(text, max(rs, cs - 80), cs)
    if m is None:
        return False
    return not any(
        w.lower() in _NP_STOP or w.lower() in _CUE_WORDS or w.lower() in ("and", "or") or not _WORD.search(w)
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


def _not_speech(masked: str, cue: str, cs: int, ce: int) -> bool:
    if cue == "tell" and _TELL_NOT_SAID.search(masked, max(0, cs - 30), cs):
        return True
    if cue in ("reported", "reports") and _REPORTED_FROM.match(masked, ce):
        return True
    if cue == "called" and re.search(r"\bso[- ]\s*$", masked[max(0, cs - 4) : cs]):
        return True  # the so-called “rebels”: the reporter's distance from a label, nobody's words
    if cue in ("continued", "continues"):
        return _CONTINUE_SPEECH.match(masked, ce) is None
    if cue in _MAINTAIN and _KEPT_OBJECT.match(masked, ce):
        return True
    if cue in _BARE:
        if re.search(r"\bto\s+$", masked[max(0, cs - 4) : cs]):
            return True
        return re.match(r"\s+(?:tank|tanks|about|of|back|so|twice|again)\b", masked[ce : ce + 8]) is not None
    return False


def _np_before(masked: str, lo: int, hi: int) -> tuple[int, int] | None:
    """The speaker phrase ending right before a cue verb at ``hi``."""
    toks = list(_NP_TOK.finditer(masked, lo, hi))
    start: int | None = None
    end: int | None = None
    n = 0
    skip_time = True
    for t in reversed(toks):
        w = t.group(0)
        low = w.lower()
        if end is None and (low in _PRE_CUE_SKIP or _adverb(w)):
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
        elif low in _NP_STOP or (low in _CUE_WORDS and not (end is None and low == "reports")):
            break  # ("media reports said": the noun "reports" heads the phrase)
        elif low in _PRONOUNS:
            if end is not None:
                break
            return t.start(), t.end()
        elif w[0].islower() and not (
            low in _NP_WORDS or end is None or "-" in w or low.endswith(("'s", "’s"))
        ):
            if not _noun_modifiers(masked, lo, t.end(), start):
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
    m = re.match(r"(?:(?:and|or|of|but|so|yet)(?:\s+|$))+", masked[start:end], re.IGNORECASE)
    if m:
        start += m.end()
    if start >= end:
        return None
    return start, end


# ", election officials said", "Campaign finance experts say": up to two lower-case nouns before
# the speaker's head noun, when a comma, a determiner or the sentence start comes before them
# (so "the turnout was highest officials said" stays a clause, not a speaker).
_MODIFIERS = 2
_MODIFIER_OPEN = re.compile(r"(?:^|[,;:(\u2014\u2013]|\b(?:the|a|an|some|many|most|several|other|two|three|four|five|Some|Many|Most|Several|Other|Two|Three|Four|Five|The|A|An))\s*$")


def _noun_modifiers(masked: str, lo: int, hi: int, head: int | None) -> bool:
    """The lower-case words ending at ``hi`` modify a speaker noun starting at ``head``."""
    if head is None or masked[head : head + 1].isupper():
        return False
    m = re.search(r"((?:[a-z][a-z-]*\s+){1,%d})$" % _MODIFIERS, masked[max(lo, hi - 40) : head])
    if m is None:
        return False
    words = m.group(1).split()
    if any(w in _NP_STOP or w in _CUE_WORDS or w in _PRE_CUE_SKIP or _adverb(w) or w.endswith(("ed", "ing")) for w in words):
        return False
    begin = head - len(m.group(1))
    return _MODIFIER_OPEN.search(masked, max(lo, begin - 10), begin) is not None or not masked[lo:begin].strip()


# Time words that sit between a speaker and the cue ("Trump on Tuesday said").
_TIME_WORDS = frozenset(
    """monday tuesday wednesday thursday friday saturday sunday today yesterday tonight
    morning afternoon evening night week weekend month year""".split()
)


def _appositive_subject(masked: str, rs: int, cs: int) -> tuple[int, int] | None:
    """``NAME, APPOSITIVE, CUE``: the name opening the sentence, when a comma pair follows it."""
    head = masked[rs:cs]
    # the appositive may hold commas of its own ("Lance Beebe, 49, a Navy veteran, said",
    # "Sen. Lindsey Graham, R-S.C., a presidential candidate, said"); three pieces at most
    m = re.match(r"\s*([^,;:()\x00]{2,80}?),\s*(?:[^,;:\x00]{1,120},\s*){1,3}$", head)
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
