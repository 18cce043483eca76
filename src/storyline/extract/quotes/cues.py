"""The vocabulary of attribution: speech, belief and evidence verbs, the cue regex, and the words and
patterns that bound a speaker phrase (determiners, pronouns, titles, media nouns, adjuncts)."""

from __future__ import annotations

import re

from storyline.calendar_words import MONTH_NAMES, WEEKDAY_NAMES
from storyline.extract.anchors import AnchorGroup

# A quote of fewer words than this with no attribution in its sentence is a scare quote
# ("reached a 'satisfactory agreement'"), not speech. Reported speech shorter than this is
# not a statement either ("KCNA said so"). Three words: the shortest clause with a verb
# and an object.
MIN_QUOTE_WORDS = 3

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
EVIDENCE_SUBJECT = re.compile(
    r"\b(?:polls?|polling|surveys?|study|studies|report|data|analysis|research|investigation|"
    r"review|audit|figures|census|tally|count|results|numbers|statistics|records)\b",
    re.IGNORECASE,
)
# Verbs that news uses to attribute a direct quote only in the attribution right after it
# (`“…,” Toomey fumed.`, `“…?” Hannity pressed.`, `“…,” opined the Plain Dealer.`); elsewhere many
# of them tell of something else ("pressed for a vote", "charged with assault", "notes to a boxer"),
# so they count only next to a closing quotation mark (`quote_tail`), and they stay out of
# `CUE_WORDS`, which cuts speaker phrases.
_TAIL_VERBS = (
    "fumed|fumes|pressed|presses|demanded|demands|charged|charges|repeated|repeats|beamed|"
    "remembered|remembers|reacted|exhorted|surmised|elaborated|opined|scoffed|scoffs|mocked|mocks|"
    "concludes|answers|notes|observes|admits|quips|jokes|laughed|laughs|sighed|sighs|cried|cries|"
    "screamed|groused|grumbled|sniped|gushed|marveled|marvelled|interjected|teased|deadpanned|"
    "scolded|sneered|taunted|protested|pleaded|implored|hollered|roared|bellowed|murmured|echoed|"
    "confided|confessed|reflected|proclaimed|thundered|boomed|offered|summarized|summarised|"
    "shot back|fired back|chimed in|went on"
)
CUE = re.compile(
    rf"\b(?:(?P<acc>[Aa]ccording to)|(?P<quoting>quoting|citing)|(?P<verb>{_VERBS})|(?P<weak>{_WEAK})"
    rf"|(?P<evid>{_EVIDENCE})|(?P<tail>{_TAIL_VERBS}))\b"
)
CUE_ANCHORS = AnchorGroup()  # read over an article's masked text by the attribution finder
# where CUE can begin (``storyline.extract.anchors``): the first word of any of its alternatives, whole
CUE_AT = CUE_ANCHORS.add(
    CUE,
    "(?:[Aa]ccording|"
    + "|".join(sorted({w.split()[0] for w in f"quoting|citing|{_VERBS}|{_WEAK}|{_EVIDENCE}|{_TAIL_VERBS}".split("|")}))
    + r")\Z",
)
CUE_WORDS = frozenset((_VERBS + "|" + _WEAK + "|quoting|citing|according").split("|"))
OBJECT_VERBS = frozenset("told tells tell asked asks urged assured informed reminded warned warns briefed".split())
TELL = frozenset("told tells tell informed assured reminded briefed".split())
# "told a Senate panel that", "told the House Judiciary Committee on Tuesday that": an object of up to
# eight words (a determiner, a two-word name and a four-word adjunct) before "that".
TOLD_THAT = re.compile(r"\s+[^,.;:!?\"“”\x00]{1,60}?\s+(that)\b")
# Words after "told" that are only its object and a time ("told a Senate panel Wednesday").
TOLD_OBJECT_WORDS = 5
DETERMINERS = frozenset("the a an his her its their this these those such".split())
PRONOUNS = frozenset("he she it they we i you".split())

NP_TOK = re.compile(
    r"\([^()\n]{1,60}\)|(?:[A-Z]\.){2,}|(?:Mr|Mrs|Ms|Dr|Sen|Rep|Gov|Gen|Lt|Col|Sgt|Capt|Prof|Rev|Jr|Sr|Adm|"
    r"Maj|Cmdr|Gov|Supt|Insp|Amb|Atty|Hon)\.|[\w’'\-&]+|\S"
)
NP_STOP = frozenset(
    """that which who whom whose what when while where whether as but because if after
    before since although though so than in on at for with from by to about during into
    over under against amid between through without is was were are be been being will
    would could can should may might must not did does do later earlier meanwhile however
    also separately then now still yet moreover furthermore finally instead""".split()
)
# Adverbs and auxiliaries between a speaker and the cue: "KCNA also said", "Putin has said".
PRE_CUE_SKIP = (
    frozenset(
        """also has have had later earlier reportedly further then previously separately
    recently again publicly repeatedly once already itself would will could can should may
    might must did does do not never ever only just first even simply twice often""".split()
    )
    | frozenset(  # "didn't believe", "won’t say": a negated auxiliary, as "did not"
        f"{aux}n{mark}t"
        for aux in "did does do could would should was were is are has have had must".split()
        for mark in "'’"
    )
    | frozenset({"won't", "won’t", "can't", "can’t"})
)
# "Rubio was asked whether …", "it was reported that …": a passive cue's subject is not its speaker
# ("was quoted as saying" is the exception, handled with "quoted").
PASSIVE_BEFORE = re.compile(r"\b(?:was|were|been|being|is|are|be)\s+(?:[a-z]+ly\s+|not\s+)?$")
# Lower-case words that may sit inside a speaker phrase ("the state-run news agency").
NP_WORDS = frozenset(
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
MEDIA = re.compile(
    r"\b(?:media|news agency|newspaper|broadcaster|television|TV|radio|outlet|daily|tabloid|"
    r"magazine|wire service|news service|press agency|Times|Post|Journal|Herald|Tribune|"
    r"Guardian|Telegraph|Gazette|Sinmun|CNN|BBC|NHK|KCTV|CCTV|Bloomberg|Al Jazeera|Politico|"
    r"Axios)\b"
)
MEDIA_NAMED = re.compile(
    r"\b(?:agency|newspaper|broadcaster|media|outlet|daily|channel|network|magazine|website|"
    r"wire service)\s+((?:[A-Z][\w’'.&-]*\s*)+)$"
)
MEDIA_NOUN_BEFORE = re.compile(
    r"\b(?:agency|newspaper|broadcaster|media|outlet|daily|channel|network|magazine|website)\s+$"
)
OBJECT_BEFORE = re.compile(
    r"\b(?:told|tells|to|with|invited|met|meeting|hosting|welcome|welcomed|by|thanked|asked|urged|"
    r"from|in|at|of|for|about|against)\s+(?:the\s+)?(?:[A-Z][\w.’'-]*\s+){0,3}$"
)
OBJECT = re.compile(
    r"\s+(?:(?:the|a|an|his|her|their|its)\s+(?:[\w-]+\s+){0,2}?)?"
    r"(?:reporters|journalists|media|press|conference|briefing|lawmakers|parliament|"
    r"legislators|audience|crowd|supporters|delegates|newspaper|agency|broadcaster|"
    r"television|TV|radio|channel|daily|summit|meeting|forum|assembly|committee|council|"
    r"students|soldiers|troops|officials|leaders|reporter|interviewer|outlet|network|him|her|"
    r"them|us|me|you)\b"
    r"|\s+(?:the\s+)?[A-Z][\w’'\-]*(?:\s+[A-Z][\w’'\-]*){0,4}"
)
# a month's first three letters and whatever follows ("Sep", "Sept.", "September")
_MONTH = rf"(?:{'|'.join(name[:3] for name in MONTH_NAMES)})[a-z]*\.?"
ADJUNCT = re.compile(
    rf"\s*,?\s*(?:(?:on|last|this|early|late|earlier|later)\s+)?(?:{'|'.join(WEEKDAY_NAMES)}|"
    r"today|yesterday|tonight|week|month|year|morning|"
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
NAMES_ONLY = re.compile(rf"{_CAP_NAME}(?:\s*,\s*{_CAP_NAME})*(?:,?\s+and\s+{_CAP_NAME})?")
THAT = re.compile(r"\s*:?\s*(?:that\b)?")
PREP_THAT = re.compile(
    r"\s*(?:during|at|in|on|after|before|while|following|via|through|to)\s[^,.;:\"“”]{0,60}?\bthat\s"
)
WORD = re.compile(r"[^\W_]+(?:[-'’][^\W_]+)*")
