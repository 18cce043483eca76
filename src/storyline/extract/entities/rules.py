"""The rule-based mention finder: runs of capitalised words, split and typed by cues (titles before a
name, organisation and place heads, the gazetteer). Pure regex work, fast enough for large corpora."""

from __future__ import annotations

import re
from functools import lru_cache

from storyline.calendar_words import MONTHS, WEEKDAYS
from storyline.extract.entities.gazetteer import gazetteer_types, name_key, norm_token
from storyline.text import sentence_initial

# ---- rule-based path

_UP = "A-ZÀ-ÖØ-ÞĆČĐŁŃŚŠŹŽ"
# A capitalised word: "Kim", "Jong-un", "Komsomolsk-on-Amur", "O'Brien", "G20", "U.S.", with an
# optional possessive that is split off later.
# A middle initial ("Paul R. Pillar", "Donald J. Trump") is a token only inside a name: another
# capitalised word follows that does not open a sentence ("World War I. The …" stays apart).
_OPENERS = "The|A|An|He|She|It|They|We|I|In|On|At|But|And|Or|So|This|That|Then|There|His|Her|Its|Their|As|If|When|While|After|Before"
# A token is (?:(?:[UP]\.){2,}|[UP]\.(?=…)|[UP][\w]*…) written with its capital first, [UP](?:\.(?:[UP]\.)+|\.(?=…)|
# [\w]*…): each branch opened with the same one character, so the same matches, and a pattern opening with a
# character class lets re skip in C to the next capital (``_runs``).
_INITIAL_REST = rf"\.(?=[ \u00a0]+(?!(?:{_OPENERS})\b)[{_UP}][a-z])"
_TOKEN = (
    rf"[{_UP}](?:\.(?:[{_UP}]\.)+|{_INITIAL_REST}"
    rf"|[\w]*(?:['’][{_UP}][\w]*)?(?:-[\w]+)*(?:['’]s\b|(?<=s)['’](?=[ \u00a0][{_UP}]))?)"
)
_CONNECTORS = "of|de|da|do|dos|das|di|du|del|della|der|den|van|von|la|le|al|el|bin|ibn|bint|ben|the"
_RUN = re.compile(rf"{_TOKEN}(?:[ \u00a0]+(?:(?:{_CONNECTORS})[ \u00a0]+){{0,2}}{_TOKEN})*")
_PIECE = re.compile(rf"{_TOKEN}|\S+")

FUNCTION_WORDS = frozenset(
    """the a an this that these those he she it they we i you his her its their our my your
    in on at but and or however meanwhile also after before as if when while although though
    since because for from with by to of why what how who whom where which there here some
    many most both all each every other such no not yet so then thus still even last next
    first more less one two three four five despite amid during under over about against
    between among following according earlier later now today yesterday tomorrow tonight
    instead indeed moreover furthermore nevertheless nonetheless overall unlike like until
    unless whether once several few any just only another further additionally photo photos
    file video watch read see click connect share follow subscribe headlines advertisement
    breaking update updated live exclusive analysis opinion editorial related""".split()
)
# "May" is left out: it is a name and a verb far more often than a month without a day beside it.
_DATE_WORDS = frozenset(WEEKDAYS) | (frozenset(MONTHS) - {"may"})
TITLES = frozenset(
    """president vice leader minister premier chancellor spokesman spokeswoman spokesperson
    secretary chairman chairwoman chairperson king queen prince princess emperor empress
    general gen colonel col lieutenant lt major maj captain capt admiral adm commander cmdr
    sergeant sgt ambassador envoy senator sen governor gov mayor director chief ceo judge
    justice pope cardinal bishop rabbi imam mr mrs ms miss dr prof professor sir dame lord
    lady sheikh official analyst rep representative deputy counsellor counselor adviser
    advisor aide coach founder economist lawyer attorney marshal supremo dictator""".split()
)
# Words that belong to a title phrase, so "Defence" in "Defence Minister Sergei Shoigu"
# and "State" in "Secretary of State Antony Blinken" are not names.
TITLE_PARTS = frozenset(
    """prime vice deputy first foreign defence defense state interior finance justice trade
    health economy energy education labour labor agriculture transport home general chief
    executive staff joint security national supreme acting former interim assistant under
    affairs military press public senior top grand high crown""".split()
)
_ORG_HEADS = frozenset(
    """agency ministry council party news department committee commission bank university
    institute service army navy fleet forces corporation company group association union
    organization organisation times post journal herald tribune press court parliament
    assembly congress senate office bureau board authority administration federation
    foundation league club inc ltd corp co media television radio tv network guard police
    command agentur daily gazette telegraph guardian observer broadcasting sinmun committee
    school college academy centre center inc. corp. ltd. airlines airways motors bureau
    cabinet government regime coalition alliance front movement brigade division battalion
    regiment corps""".split()
)
_ORG_LEADS = frozenset("ministry department university bank council committee commission".split())
_FAC_HEADS = frozenset(
    """airport cosmodrome spaceport square palace bridge station stadium tower hall building
    temple cathedral church mosque port base street avenue road prison dam plant reactor
    complex arena museum""".split()
)
_LOC_HEADS = frozenset(
    """region territory ocean sea river lake mountains mountain peninsula island islands
    valley gulf strait desert coast bay strip plateau basin delta canal heights""".split()
)
_GPE_HEADS = frozenset("province county district prefecture oblast krai state city republic".split())
_EVENT_HEADS = frozenset(
    """war games olympics summit forum cup championship championships festival conference
    expo revolution uprising crisis""".split()
)
_LOC_NAMES = frozenset(
    [
        "far east",
        "middle east",
        "near east",
        "far eastern",
        "arctic",
        "antarctica",
        "europe",
        "asia",
        "africa",
        "latin america",
        "north america",
        "south america",
        "korean peninsula",
        "balkans",
        "caucasus",
        "sahel",
        "pacific",
        "atlantic",
    ]
)
COMPASS = frozenset("north south east west northern southern eastern western central".split())
_SPEECH_AFTER = re.compile(r" +(?:said|says|told|tells|added|stressed|noted|wrote|asked|replied)\b")
_GPE_BEFORE = re.compile(r"(?:\b(?:in|city of|cities of|town of|village of|capital)\s+)$")
_OF_HEADS = (
    _ORG_HEADS
    | _FAC_HEADS
    | _LOC_HEADS
    | _GPE_HEADS
    | _EVENT_HEADS
    | frozenset("republic kingdom emirates states people bay gulf isle isles cape of".split())
)
_ROMAN = re.compile(r"^(?:I|II|III|IV|V|VI|VII|VIII|IX|X|XI|XII)$")


def is_date_word(s: str) -> bool:
    return s.lower().rstrip(".") in _DATE_WORDS


class _Seg:
    """A candidate name: token offsets plus what the rules learned about it.

    ``known``, when set, is what the segment's own characters say of it (``_Known``, read once per spelling of
    its run); None: read them again (``_type_segment``)."""

    __slots__ = ("initial", "known", "person_cue", "toks", "typ")

    def __init__(
        self,
        toks: list[tuple[int, int]],
        typ: str | None,
        person_cue: bool,
        initial: bool,
        known: _Known | None = None,
    ) -> None:
        self.toks = toks
        self.typ = typ
        self.person_cue = person_cue
        self.initial = initial
        self.known = known


def rule_spans(text: str, *, plain: bool = False) -> list[tuple[int, int, str]]:
    """Typed spans of the capitalised runs of ``text``. ``plain``: each run cut and each segment typed in the text
    itself, not through the memo of runs already seen (the same result, slower; tests/test_fast_paths.py)."""
    segs: list[_Seg] = []
    for start, end in _runs(text):
        if plain:
            segs.extend(_cut_tokens(text, start, end, sentence_initial(text, start), _title_before(text, start)))
        else:
            segs.extend(_split_run(text, start, end))
    gaz = gazetteer_types()
    # first pass: type what the segment itself says
    typed_segs: list[_Seg] = []
    for seg in segs:
        known = seg.known
        if known is None:
            seg.typ = _type_segment(text, seg, gaz)
        else:
            seg.typ = _title_checked(known.typ, text, seg.toks[-1][1])
        if seg.typ == "PERSON" and not seg.person_cue and len(seg.toks) > 1:
            # "Russian Pacific (fleet)": a nationality opening an unknown name is not a first name
            cut = _norp_prefix(text, seg.toks) if known is None else known.norp
            if cut:
                head = _Seg(seg.toks[:cut], "NORP", False, seg.initial)
                rest = _Seg(seg.toks[cut:], None, False, False)
                if known is None:
                    rest.typ = _type_segment(text, rest, gaz)
                else:
                    rest.typ = _title_checked(known.rest, text, rest.toks[-1][1])
                typed_segs += [head, rest]
                continue
        typed_segs.append(seg)
    segs = typed_segs
    # second pass: lone words typed by the rest of the article ("Putin" after "Vladimir Putin")
    person_tokens: set[str] = set()
    typed: dict[str, str] = {}
    for seg in segs:
        if seg.typ is None:
            continue
        s, e = seg.toks[0][0], seg.toks[-1][1]
        typed.setdefault(name_key(text[s:e]), seg.typ)
        if seg.typ == "PERSON" and len(seg.toks) > 1:
            person_tokens.add(name_key(text[slice(*seg.toks[0])]))
            person_tokens.add(name_key(text[slice(*seg.toks[-1])]))
    out: list[tuple[int, int, str]] = []
    for seg in segs:
        s, e = seg.toks[0][0], seg.toks[-1][1]
        typ = seg.typ
        if typ is None:
            key = name_key(text[s:e])
            word = text[s:e]
            if key in typed:
                typ = typed[key]
            elif key in person_tokens:
                typ = "PERSON"
            elif 2 <= len(word) <= 6 and word.isupper() and word.isalpha() and not _ROMAN.match(word):
                typ = "ORG"  # an acronym: "NATO", "KCNA"
            elif seg.initial:
                typ = None  # a capitalised sentence opener we know nothing about
            elif _SPEECH_AFTER.match(text, e):
                typ = "PERSON"
            elif _GPE_BEFORE.search(text, max(0, s - 12), s):
                typ = "GPE"
        if typ is not None:
            out.append((s, e, typ))
    return out


def _runs(text: str) -> list[tuple[int, int]]:
    """The spans of the runs of capitalised words: ``_RUN`` opens with a character class (``_TOKEN``), so re skips
    in C to each capital letter and tries the rest only there."""
    return [m.span() for m in _RUN.finditer(text)]


class _Known:
    """What a segment's own characters say of it, the same wherever its run stands: its type as
    ``_segment_type`` reads it, how many of its tokens spell a nationality (``_norp_prefix``; 0 when the
    type cannot be PERSON or a title cues it, as ``rule_spans`` then never asks), and the type of the tokens
    after those (``_segment_type`` with no title cue; None when there are none)."""

    __slots__ = ("norp", "rest", "typ")

    def __init__(self, typ: str | None, norp: int, rest: str | None) -> None:
        self.typ = typ
        self.norp = norp
        self.rest = rest


# A run's cut: per segment, its tokens (offsets in the run), whether a title cues a person, whether it opens
# a sentence and what its characters say of it.
_Cut = tuple[tuple[tuple[tuple[int, int], ...], bool, bool, _Known], ...]


def _split_run(text: str, start: int, end: int) -> list[_Seg]:
    """Cut one run of capitalised words at possessives, titles and function words.

    The cut reads the run's own characters (``_PIECE`` looks neither before the run nor past it), whether it opens
    a sentence and whether a title stands before it, nothing else of the text; names recur within and across
    articles, so each such triple is cut once (``_cut_run``) and the cut moved to the run's place."""
    whole = text[start:end]
    if _lone_skipped(whole):
        return []  # a third of all runs ("The", "He", "Monday"), without the run's context checks
    cut = _cut_run(whole, sentence_initial(text, start), _title_before(text, start))
    return [
        _Seg([(s + start, e + start) for s, e in toks], None, cue, initial, known) for toks, cue, initial, known in cut
    ]


@lru_cache(maxsize=1 << 12)
def _lone_skipped(whole: str) -> bool:
    """A run of one function or date word, which ``_cut_tokens`` skips whatever its context: no segment."""
    toks = [m.span() for m in _PIECE.finditer(whole)]
    if len(toks) != 1:
        return False
    word = whole[slice(*toks[0])]
    low = word.lower().rstrip(".")
    return (low in FUNCTION_WORDS or low in _DATE_WORDS) and not word.endswith(("'s", "’s", "s'", "s’"))


@lru_cache(maxsize=1 << 16)
def _cut_run(whole: str, initial: bool, person_cue: bool) -> _Cut:
    """``_cut_tokens`` of a run read as a text of its own (offsets in the run), kept for the next run like it, with
    what each segment's characters say of it (``_known``): the typing reads nothing of the text outside the
    segment but whether a lower-case title follows it (``_title_checked``, asked in place)."""
    segs = _cut_tokens(whole, 0, len(whole), initial, person_cue)
    return tuple((tuple(seg.toks), seg.person_cue, seg.initial, _known(whole, seg)) for seg in segs)


def _known(text: str, seg: _Seg) -> _Known:
    """What ``rule_spans``' first pass reads of ``seg`` in ``text`` besides what follows it."""
    gaz = gazetteer_types()
    typ = _segment_type(text, seg, gaz)
    if typ not in ("PERSON", _PERSON_UNLESS_TITLE_AFTER) or seg.person_cue or len(seg.toks) < 2:
        return _Known(typ, 0, None)
    cut = _norp_prefix(text, seg.toks)
    rest = _segment_type(text, _Seg(seg.toks[cut:], None, False, False), gaz) if cut else None
    return _Known(typ, cut, rest)


def _cut_tokens(text: str, start: int, end: int, initial: bool, person_cue: bool) -> list[_Seg]:
    """The segments of the run ``text[start:end]``, which opens a sentence when ``initial`` and has a title before
    it when ``person_cue``."""
    toks = [m.span() for m in _PIECE.finditer(text, start, end)]
    segs: list[_Seg] = []
    cur: list[tuple[int, int]] = []
    cur_initial = initial

    def flush(next_person_cue: bool) -> None:
        nonlocal cur, person_cue, cur_initial
        # connectors may not open or close a name
        while cur and (text[slice(*cur[0])].islower() or name_key(text[slice(*cur[0])]) in _NOT_NAME_LEADS):
            cur.pop(0)  # "Former Pennsylvania (governor)": "Former" qualifies, it is not a name
        while cur and text[slice(*cur[-1])].islower():
            cur.pop()
        if cur:
            segs.append(_Seg(cur, None, person_cue, cur_initial))
        cur = []
        person_cue = next_person_cue
        cur_initial = False

    whole = text[start:end]
    org_whole = _head(whole) in _ORG_HEADS
    i = 0
    while i < len(toks):
        s, e = toks[i]
        word = text[s:e]
        possessive = word.endswith(("'s", "’s")) and word.lower() not in ("people's", "people’s")
        plural_possessive = word.endswith(("s'", "s’"))
        if possessive:
            e -= 2
            word = word[:-2]
        elif plural_possessive and not org_whole:
            # "the Philippines' capital" splits; "Highland Mineworkers' Union" stays whole
            e -= 1
            word = word[:-1]
            possessive = True
        low = word.lower().rstrip(".")
        if not cur and (low in FUNCTION_WORDS or low in _DATE_WORDS):  # low: what is_date_word(word) reads
            cur_initial = False  # the next word is capitalised for its own sake
            i += 1
            continue
        if word in ("of", "the"):
            # "Bank of England", "Sea of Japan" stay whole; "Kim of North Korea" splits
            prev = name_key(text[slice(*cur[-1])]) if cur else ""
            if prev in _OF_HEADS or (prev in ("of",) and word == "the"):
                cur.append((s, e))
            else:
                flush(False)
            i += 1
            continue
        if not org_whole and (low in TITLES or _all_titles(low)):
            # everything before the title is either a nationality/place or part of the title
            keep = [t for t in cur if name_key(text[slice(*t)]) not in TITLE_PARTS]
            cur = keep if keep and _place_or_norp(text, keep) else []
            flush(True)
            i += 1
            # skip "of State", "General" after the title
            while i < len(toks) and (
                text[slice(*toks[i])] in _CONNECTORS.split("|") or name_key(text[slice(*toks[i])]) in TITLE_PARTS
            ):
                i += 1
            continue
        if low in _DATE_WORDS and (low != "may" or not cur):
            flush(False)
            i += 1
            continue
        if (
            initial
            and not cur
            and not segs
            and i + 1 < len(toks)
            and re.search(r"(?:ing|ed|ly)$", low)
            and low not in gazetteer_types()
        ):
            i += 1  # "Raising Kim's ...": an opening participle, not a name
            continue
        cur.append((s, e))
        if possessive:
            flush(False)
        i += 1
    flush(False)
    return segs


def _all_titles(low: str) -> bool:
    parts = low.split("-")
    return len(parts) > 1 and all(p in TITLES or p in TITLE_PARTS for p in parts)


def _place_or_norp(text: str, toks: list[tuple[int, int]]) -> bool:
    key = name_key(text[toks[0][0] : toks[-1][1]])
    return gazetteer_types().get(key) in ("GPE", "NORP") or _is_demonym(key)


def _norp_prefix(text: str, toks: list[tuple[int, int]]) -> int:
    """How many leading tokens spell a nationality ("Russian", "North Korean"); 0 if none."""
    for cut in (2, 1):
        if cut < len(toks) and _is_demonym(name_key(text[toks[0][0] : toks[cut - 1][1]])):
            return cut
    return 0


def _title_before(text: str, start: int) -> bool:
    r"""Whether a title stands right before ``start``: what ``re.search(r"([A-Za-z]+)\.?\s+$", text[start - 20:
    start])`` finds, read from the end with str.rstrip (the search tried the pattern at every character of the
    window, letters each time): a match ends with the window's trailing whitespace (\s is what str.isspace
    accepts), after at most one full stop, after the run of ASCII letters before them, cut at the window's start."""
    window = text[max(0, start - 20) : start]
    word = window.rstrip()
    if len(word) == len(window):
        return False
    if word.endswith("."):
        word = word[:-1]
    word = word[len(word.rstrip(_ASCII_LETTERS)) :]
    return bool(word) and word.lower() in TITLES


_ASCII_LETTERS = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"


def _head(name: str) -> str:
    parts = name.split()
    return norm_token(parts[-1]) if parts else ""


_LOC_NAME_WORDS = max(len(name.split()) for name in _LOC_NAMES)


def _is_demonym(key: str) -> bool:
    parts = key.split()
    norps = gazetteer_types()
    return bool(parts) and norps.get(parts[-1]) == "NORP" and all(p in COMPASS for p in parts[:-1])


def demonym_cut(words: list[str]) -> int:
    """How many of a name key's leading words spell a nationality ("russian pacific" -> 1); 0 if none."""
    for cut in (2, 1):
        if cut < len(words) and _is_demonym(" ".join(words[:cut])):
            return cut
    return 0


def is_loc_name(key: str) -> bool:
    """A region the gazetteer names ("pacific", "far east")."""
    return key in _LOC_NAMES


def _type_segment(text: str, seg: _Seg, gaz: dict[str, str]) -> str | None:
    """The type ``seg``'s words give it in ``text`` (None: decided by the rest of the article)."""
    return _title_checked(_segment_type(text, seg, gaz), text, seg.toks[-1][1])


# What ``_segment_type`` gives a name of two to four capitalised words: a person, unless a lower-case title
# follows it in the text (``_title_checked``).
_PERSON_UNLESS_TITLE_AFTER = "PERSON unless a title follows"


def _title_checked(typ: str | None, text: str, end: int) -> str | None:
    """``typ``, with ``_PERSON_UNLESS_TITLE_AFTER`` decided by what follows ``end`` in ``text``."""
    if typ != _PERSON_UNLESS_TITLE_AFTER:
        return typ
    if _LOWER_TITLE_AFTER.match(text, end):
        return None  # "Pennsylvania governor Ed Rendell": a place or party before a title
    return "PERSON"  # "Xi Jinping", "Kim Jong Un", "Paul R. Pillar": unknown two-to-four-word names


def _segment_type(text: str, seg: _Seg, gaz: dict[str, str]) -> str | None:
    """``_type_segment`` reading only the segment's characters: ``_PERSON_UNLESS_TITLE_AFTER`` where it reads
    what follows the segment."""
    s = seg.toks[0][0]
    e = seg.toks[-1][1]
    key = name_key(text[s:e])
    if key in gaz:
        return gaz[key]
    words = key.split()
    # only suffixes as long as a listed name: a 40,000-word capitalised run stays linear
    if any(" ".join(words[i:]) in _LOC_NAMES for i in range(max(0, len(words) - _LOC_NAME_WORDS), len(words))):
        return "LOC"  # "Russian Far East"
    if _is_demonym(key):
        return "NORP"
    head = words[-1]
    if len(words) > 1 and _ROMAN.match(text[slice(*seg.toks[-1])]):
        head = words[-2]
    if any(w in _ORG_LEADS for w in words[:-1]):
        return "ORG"  # "Ministry of Defence", "Bank of England"
    if head in _ORG_HEADS:
        return "ORG"
    if head in _EVENT_HEADS and len(words) > 1:
        return "EVENT"
    if head in _FAC_HEADS and len(words) > 1:
        return "FAC"
    if head in _LOC_HEADS and len(words) > 1:
        return "LOC"
    if head in _GPE_HEADS and len(words) > 1:
        return "GPE"
    if seg.person_cue:
        return "PERSON"
    if len(seg.toks) == 1:
        return None  # decided in the second pass
    raw = [text[a:b] for a, b in seg.toks]
    if len(raw) <= 4 and all(
        w[0].isupper() and (not w.isupper() or (0 < i < len(raw) - 1 and _is_initial(w))) for i, w in enumerate(raw)
    ):
        return _PERSON_UNLESS_TITLE_AFTER
    return "ORG"


_NOT_NAME_LEADS = frozenset("former acting interim".split())


def _is_initial(word: str) -> bool:
    """A middle initial or two: "R." in "Paul R. Pillar", "H.W." in "George H.W. Bush"."""
    return re.fullmatch(rf"(?:[{_UP}]\.){{1,2}}", word) is not None


# A lower-case title after a capitalised run ("Former Pennsylvania governor Ed Rendell",
# "Democratic senator"): the run qualifies the title and is not a person's name.
_LOWER_TITLE_AFTER = re.compile(
    r"[ \u00a0]+(?:governor|senator|congressman|congresswoman|president|mayor|secretary|"
    r"spokesman|spokeswoman|chairman|chairwoman|leader|minister|candidate|nominee|lawmaker|"
    r"official|representative|attorney|ambassador|adviser|advisor|aide|strategist|pollster)\b"
)
