"""Stage 1b, cleaning: strip site chrome, photo captions, credit lines and related-link headlines.

Input is an article body as plain text (a plain-text file, a JSONL ``text`` or trafilatura's output),
one paragraph per line or per blank-line-separated block. Output is the article's own copy, one
paragraph per line, paragraphs separated by exactly one blank line (``"\\n\\n"``).

What counts as boilerplate is decided line by line (``is_boilerplate``) plus one rule that needs
context: a short headline-shaped line (no final punctuation, no quotes) in an article that has body
paragraphs is a related-link teaser or a section label, never copy. Datelines (``Seoul, Sep 4``) are
copy and are never removed. Credit lines (``Additional reporting by Reuters``, ``© AFP``) are removed
from the text but handed back by ``split_credits`` so ``metadata.detect_agencies`` can still see them.
"""

from __future__ import annotations

import functools
import itertools
import re
from typing import NamedTuple

from storyline.calendar_words import MONTH_NAMES, WEEKDAYS, month_abbreviations
from storyline.text import ascii_folded

__all__ = [
    "ALL_RULES",
    "DATELINE_RE",
    "MONTHS",
    "clean_text",
    "is_boilerplate",
    "is_caption",
    "is_chrome",
    "is_credit",
    "is_dateline_line",
    "match_dateline",
    "split_credits",
]

# Lower-case month spelling -> number; each full name, then its abbreviations, longest first.
MONTHS: dict[str, int] = {
    m: n
    for n, name in enumerate(MONTH_NAMES, 1)
    for m in (name.lower(), *(a.lower() for a in reversed(month_abbreviations(n))))
}

_MONTH = (
    r"(?:"
    + "|".join(sorted((m.capitalize() for m in MONTHS), key=len, reverse=True))
    + r"|"
    + "|".join(sorted((m.upper() for m in MONTHS), key=len, reverse=True))
    + r")"
)
# A place word: "TOKYO", "Seoul", "St.", "Komsomolsk-on-Amur", "N'Djamena".
_PLACE_WORD = r"[A-Z][A-Za-z'’.\-]*"
_PLACE = rf"{_PLACE_WORD}(?:[ ](?:{_PLACE_WORD}|on|upon|de|del|la|am|sur)){{0,3}}"
_CREDIT = r"(?:/\s*(?P<slash>[A-Za-z][A-Za-z\- ]{1,24}?)\s*/\.?|\((?P<paren>[A-Za-z][A-Za-z.\- ]{1,30})\))"

# The dateline opening a story: "TOKYO, September 14. /TASS/.", "Seoul, Sep 4", "SEOUL, Sept. 4 (Yonhap) --",
# "VLADIVOSTOK, Russia, Sept 13 (AP) —", "New Delhi [India], September 4 (ANI):", "MOSCOW, 14 September".
# Only ``match`` it at the start of a paragraph; the separator after it is consumed but not in ``core``.
DATELINE_RE = re.compile(
    rf"""(?P<core>
        (?P<place>{_PLACE})(?:\s*\[[^\]\n]{{2,30}}\])?
        (?:,\s*{_PLACE})?                                   # an optional region or country
        ,\s*
        (?:(?P<month>{_MONTH})\.?\s+(?P<day>\d{{1,2}})(?:st|nd|rd|th)?(?:,?\s+(?P<year>(?:19|20)\d\d))?
          |(?P<day2>\d{{1,2}})\s+(?P<month2>{_MONTH})\.?(?:,?\s+(?P<year2>(?:19|20)\d\d))?)
        (?:\s*\.?\s*{_CREDIT})?
      )
      (?P<sep>\s*(?:--|[-–—:]|\.(?!\d))?)(?=\s|$)
    """,
    re.VERBOSE,
)

# The undated form needs an ALL-CAPS place and a dash: "WASHINGTON (AP) —", "TOKYO -- ".
_UNDATED_DATELINE_RE = re.compile(
    rf"""(?P<core>
        (?P<place>[A-Z][A-Z'’.\-]+(?:[ ][A-Z][A-Z'’.\-]+){{0,3}})
        (?:,\s*[A-Z][A-Za-z.]+(?:[ ][A-Z][A-Za-z.]+)?)?
        (?:\s*{_CREDIT})?
      )
      (?P<sep>\s*(?:--|[-–—]))\s
    """,
    re.VERBOSE,
)

# All-caps words that open a paragraph with a dash but are labels, not places.
_NOT_PLACES = {
    "BREAKING",
    "UPDATE",
    "UPDATED",
    "EXCLUSIVE",
    "ANALYSIS",
    "OPINION",
    "EDITORIAL",
    "WATCH",
    "VIDEO",
    "PHOTOS",
    "LIVE",
    "FACTBOX",
    "EXPLAINER",
    "CORRECTION",
    "URGENT",
    "FLASH",
    "NOTE",
    "FILE",
    "REVIEW",
}

# Closing marks that may follow a sentence's final punctuation (``_ends_terminal``).
_CLOSERS = "\"'”’)]"
_QUOTE_CHARS = re.compile(r"""["“”«»]|(?<![A-Za-z])['‘’]|['‘’](?![A-Za-z])""")
_BULLET = re.compile(r"^(?:[-•*–▪●·]|\d{1,2}[.)])\s+(?=\S)")
_INVISIBLE = str.maketrans({"\u00a0": " ", "\u200b": None, "\ufeff": None, "\u2060": None, "\u00ad": None, "\t": " "})
# Every character re's \s matches (str.isspace()), for str.strip and str.rstrip.
_WHITESPACE = "\t\n\x0b\x0c\r\x1c\x1d\x1e\x1f \x85\xa0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009\u200a\u2028\u2029\u202f\u205f\u3000"


def _visible(text: str) -> str:
    """``text.translate(_INVISIBLE)``: an ASCII text without a tab holds none of its characters and is itself (a
    translation copies the text character by character, each paragraph twice)."""
    return text if text.isascii() and "\t" not in text else text.translate(_INVISIBLE)


def _ends_terminal(line: str) -> bool:
    r"""Whether ``line`` ends like a sentence: ``(?:[.!?…]["'”’)\]]*|[”"])$`` found by a search, read from the end (the
    search tried the pattern at every character). ``$`` matches at the end or before a final line break; the closing
    marks hold no final punctuation, so the one they may follow stands before all of them."""
    if line.endswith("\n"):
        line = line[:-1]
    return line[-1:] in ("”", '"') or line.rstrip(_CLOSERS)[-1:] in (".", "!", "?", "…")


# --- line classifiers -------------------------------------------------------------------------------

# Credit lines: who wrote or supplied the copy. Removed from the text, kept for agency detection.
_CREDIT_LINE = re.compile(
    r"""^\(?\s*(?:
        (?:additional|further|extra)\s+reporting\s+by
      | (?:reporting|writing|editing|edited|written|compiled|translated|produced|reported)\s+by\b
      | (?:with|w/)\s+(?:additional\s+)?(?:agency\s+)?(?:inputs?|files?|reporting|contributions?|material|information|wires)\s+(?:from|by)\b
      | with\s+agency\s+inputs
      | (?:©|\(c\)\s|copyright\b)
      | source\s*:
      | agencies\W*$
    )""",
    re.IGNORECASE | re.VERBOSE,
)
# "By Reuters", "By John Smith, AFP": a byline is short and is not a sentence.
_BYLINE = re.compile(r"^by\s+[A-Z][\w.'’\-]*(?:[ ,]+(?:and\s+)?[A-Z&][\w.'’\-]*){0,7}\s*\.?$", re.IGNORECASE)
# "with AFP", "(With Reuters)": a one-agency credit.
_WITH_AGENCY = re.compile(r"^\(?\s*with\s+[A-Z][\w\-]*(?:\s+[A-Z][\w\-]*){0,2}\s*\)?\.?$")

# Photo captions.
_CAPTION_START = re.compile(
    r"""^(?:(?:this|the|a|an|in\s+this|in\s+a)\s+)?
        (?:(?:undated|handout|file|combination|composite|aerial|satellite|pool|screen|video|official|photo)\s+)*
        (?:photo(?:graph)?s?|pictures?|images?|handout|screen\s?grabs?|screenshot|video\s+grab|still|file\s+photo)
        \s+(?:taken|released|provided|distributed|made|shared|obtained|posted|dated|supplied|published|issued|courtesy|shows?|showing)\b
      | ^(?:file\s+photo|file\s+picture|file\s+image|photo\s+courtesy|image\s+source|image\s+caption|photo\s+credit)\b
      | ^FILE\s*[-–—:]\s
      | ^(?:photo(?:graph)?|picture|image|credit|pic)\s*:
    """,
    re.IGNORECASE | re.VERBOSE,
)
_CAPTION_ANYWHERE = re.compile(
    r"""\bin\s+(?:this|a)\s+(?:(?:undated|handout|file|combination|aerial|satellite|pool)\s+)*
        (?:photo(?:graph)?|picture|image|handout\s+photo|screen\s?grab|file\s+photo)\s+
        (?:taken|released|provided|distributed|made|shared|obtained|posted|dated|supplied|published|issued|from|on|by)\b""",
    re.IGNORECASE | re.VERBOSE,
)
# Words without which _CAPTION_ANYWHERE, and (besides brackets) _CAPTION_END, cannot match a lower-cased line.
_CAPTION_WORDS = ("photo", "picture", "image", "screen")
_CAPTION_END_WORDS = ("photo", "picture", "image", "file")
_CAPTION_END = re.compile(
    r"""(?:
        \(\s*(?:photo(?:graph)?|picture|image|file\s+photo|photo\s+credit|pic|credit)\s*[:/\-][^()]{1,80}\)
      | \([^()]{0,80}\bvia\s+[^()]{2,40}\)
      | \((?:AP|AFP|EPA|Reuters|REUTERS|Yonhap|Xinhua|KCNA|TASS|Sputnik|Getty\s+Images|EPA-EFE|ANSA|Kyodo)
          (?:\s+Photo)?\s*/[^()]{1,60}\)
      | \((?:[^()]{1,60}/)?(?:AFP|AP|EPA|Getty\s+Images|Reuters|REUTERS)(?:\s+Photo)?(?:,\s*File)?\)
      | \(\s*(?:file\s+photo|file|handout|pool\s+photo)\s*\)
      | \[[^\[\]]{0,100}\b(?:Getty|Images?|Photo|File|AFP|Reuters|REUTERS|AP|EPA|via|Handout|Pool|Sputnik|KCNA)\b[^\[\]]{0,100}\]
      | (?:^|[\s|.\-–—])(?:photo(?:graph)?|picture|image|photo\s+credit)\s*:\s*(?-i:[A-Z])[^.:]{0,60}
      | \bfile\s+photo
    )\s*\.?\s*$""",
    re.IGNORECASE | re.VERBOSE,
)

# Site chrome: navigation, sharing, subscription and cookie notices (short lines only).
_CHROME_EXACT = {
    "connect with us",
    "headlines",
    "share",
    "share this",
    "share this article",
    "share this story",
    "tweet",
    "advertisement",
    "advertisment",
    "sponsored",
    "sponsored content",
    "skip to content",
    "skip to main content",
    "menu",
    "search",
    "home",
    "close",
    "print",
    "email",
    "comments",
    "related",
    "related articles",
    "related stories",
    "related news",
    "related content",
    "more stories",
    "most read",
    "most popular",
    "most viewed",
    "trending",
    "trending now",
    "latest news",
    "latest",
    "top stories",
    "recommended",
    "you may also like",
    "you might also like",
    "read more",
    "read next",
    "also read",
    "see also",
    "listen to this article",
    "loading",
    "show comments",
    "view comments",
    "back to top",
    "next article",
    "previous article",
    "log in",
    "login",
    "sign in",
    "register",
    "subscribe",
    "newsletter",
    "follow us",
    "photo gallery",
    "gallery",
    "video",
    "watch",
    "tags",
    "topics",
    "editor's picks",
    "editors' picks",
    "don't miss",
    "popular",
    "more",
    "top news",
    "breaking news",
    "news",
    "story continues below",
    "continue reading",
    "scroll to continue",
    "open in app",
    "download app",
    "view more",
    "see more",
}
_CHROME_PREFIX = re.compile(
    r"""^(?:
        follow\s+(?:us|@)|read\s+more\b|read\s+next\b|also\s+read\b|see\s+also\b|related\s*[:|\-–—]|more\s*:|
        subscribe\b|sign\s+up\b|click\s+here\b|download\s+(?:the|our)\b|get\s+the\s+latest\b|join\s+(?:us|our)\b|
        share\s+(?:this|on|via|article|story)\b|advertisement\b|tags\s*:|topics\s*:|filed\s+under\b|watch\s*[:|]|
        video\s*[:|]|listen\s*[:|]|updated\s*:|published\s*:|last\s+updated\b|first\s+published\b|posted\s+(?:on|at|:)|
        disclaimer\s*:|recommended\s*[:|]|trending\s*[:|]|most\s+read\b|you\s+may\s+also\b|don'?t\s+miss\b|
        this\s+(?:article|story)\s+(?:has\s+been|was)\s+(?:updated|corrected|amended)\b|
        comments?\s*\(\d*\)|\d+\s+min(?:ute)?s?\s+read\b
    )""",
    re.IGNORECASE | re.VERBOSE,
)
_CHROME_ANYWHERE = re.compile(
    r"""all\s+rights\s+reserved|may\s+not\s+be\s+(?:re)?published|reproduction\s+(?:is\s+)?prohibited|
        auto-generated\s+from\s+a\s+syndicated\s+feed|^follow\b.{0,40}\bon\s+(?:twitter|x|facebook|instagram|telegram|
        linkedin|youtube|whatsapp|google\s+news)\b|^(?:privacy\s+policy|terms\s+(?:of\s+(?:use|service)|and\s+conditions))\b""",
    re.IGNORECASE | re.VERBOSE,
)
# A cookie notice speaks to the reader ("we use cookies", "you accept our cookie policy"); a news sentence
# about cookies does not.
# One word of each alternative of _CHROME_ANYWHERE, lower-cased: a line without any cannot match it.
_CHROME_ANYWHERE_WORDS = ("rights", "published", "reproduction", "auto-generated", "follow", "privacy", "terms")
_COOKIE = re.compile(r"\bcookies?\b", re.IGNORECASE)
_SECOND_PERSON = re.compile(r"\b(?:we|our|you|your)\b", re.IGNORECASE)

# A line that is only a date or time stamp ("Sep 14, 2023 10:30 AM", "14.09.2023").
_STAMP = re.compile(
    rf"^(?:(?:mon|tues|wed(?:nes)?|thu(?:rs)?|fri|sat(?:ur)?|sun)(?:day)?\.?,?\s+)?"
    rf"(?:{_MONTH}\.?\s+\d{{1,2}}(?:st|nd|rd|th)?,?\s+\d{{4}}|\d{{1,2}}\s+{_MONTH}\.?,?\s+\d{{4}}|\d{{1,4}}[./-]\d{{1,2}}[./-]\d{{1,4}})"
    rf"(?:[,\s|-]+\d{{1,2}}[:.]\d{{2}}(?:\s*[ap]\.?m\.?)?(?:\s*[A-Z]{{2,4}})?)?\s*$",
    re.IGNORECASE,
)

# Lines this short (in words) without final punctuation are labels, not copy: "Headlines", "Connect with us".
# Three words is the longest chrome label in the seeds; real paragraphs that short end in punctuation.
_MAX_LABEL_WORDS = 3
# Chrome patterns only apply to lines up to this many words, so a long paragraph that happens to begin
# with "Related:" or mention a privacy policy is kept (chrome notices in the seeds are under 25 words).
_MAX_CHROME_WORDS = 25
# A related-link headline: 4-20 words. 20 is a generous upper bound on headline length in English news.
_HEADLINE_WORDS = (4, 20)


@functools.lru_cache(maxsize=1 << 12)  # pure; split_credits asks of each paragraph, then of its boilerplate check
def is_dateline_line(line: str) -> bool:
    """True if ``line`` opens with a dateline (and is therefore copy, never boilerplate)."""
    return match_dateline(line.strip()) is not None


def match_dateline(line: str) -> re.Match[str] | None:
    """The dateline opening ``line`` (dated form first, then the undated ALL-CAPS form), or ``None``."""
    for pattern in (DATELINE_RE, _UNDATED_DATELINE_RE):
        m = pattern.match(line)
        if m is not None and _is_place(m.group("place")):
            return m
    return None


# Words that open a sentence, not a place: "On Thursday, Sept. 14, Kim arrived" is no dateline.
_NOT_PLACE_WORDS = {
    "on",
    "in",
    "at",
    "by",
    "from",
    "since",
    "until",
    "till",
    "before",
    "after",
    "last",
    "next",
    "this",
    "that",
    "the",
    "a",
    "an",
    "during",
    "as",
    "of",
    "for",
    "early",
    "late",
    "earlier",
    "later",
    "then",
    "and",
    "but",
    *WEEKDAYS,
    "today",
    "yesterday",
}


def _is_place(place: str) -> bool:
    words = place.split()
    if words[0].strip(".-").upper() in _NOT_PLACES:
        return False
    return not any(w.strip(".,").lower() in _NOT_PLACE_WORDS or w.strip(".").lower() in MONTHS for w in words)


@functools.lru_cache(maxsize=1 << 12)  # pure; a paragraph is asked about by several steps
def is_caption(line: str) -> bool:
    """True if ``line`` is a photo caption or a photo credit."""
    line = line.strip()
    if _caption_start_possible(line) and _CAPTION_START.search(line):
        return True
    # Unanchored searches are slow on long lines; an ASCII line without the words or brackets they need cannot
    # match (non-ASCII lines always run them: case-insensitive matching folds some non-ASCII letters).
    anywhere_possible, end_possible = _caption_searches(line)
    if anywhere_possible and _CAPTION_ANYWHERE.search(line):
        return True
    if end_possible and _CAPTION_END.search(line):
        return True
    return _via_credit(line)


# The letters a match of _CAPTION_START may open with ("the", "a", "in", "undated", "handout", "file", "credit",
# "screen", "photo", "video", "official", ...), lower-cased.
_CAPTION_INITIALS = frozenset("taiuhfcspvo")


def _caption_start_possible(line: str) -> bool:
    """Whether ``_CAPTION_START`` may match ``line``: an ASCII line must open with one of ``_CAPTION_INITIALS``
    in either case (outside ASCII, case-blind matching folds other letters: "ſ" is an "s"). The pattern is tried
    on every paragraph, and takes a while to fail on one opening with "The"; half of them open otherwise."""
    return not line.isascii() or line[:1].lower() in _CAPTION_INITIALS or not line


def _caption_searches(line: str) -> tuple[bool, bool]:
    """Whether ``_CAPTION_ANYWHERE`` and ``_CAPTION_END`` may match ``line``: an ASCII line needs one of
    ``_CAPTION_WORDS``, resp. a bracket or one of ``_CAPTION_END_WORDS``. The words the two lists share are looked
    for once (every paragraph is asked, and a word test reads the whole line)."""
    if not line.isascii():
        return True, True
    low = line.lower()
    pictured = "photo" in low or "picture" in low or "image" in low  # in both lists
    return pictured or "screen" in low, pictured or "(" in low or "[" in low or "file" in low


def _via_credit(line: str) -> bool:
    """ "KCNA via REUTERS" alone on its line. The search needs "via" as written (the pattern is case-sensitive), so
    a line without it is not split into words first."""
    return "via" in line and len(line.split()) <= 8 and _VIA.search(line) is not None and not _ends_terminal(line)


_VIA = re.compile(r"\bvia\s+[A-Z]")


@functools.lru_cache(maxsize=1 << 12)  # pure; a paragraph is asked about by several steps
def is_credit(line: str) -> bool:
    """True if ``line`` credits the copy's authors or suppliers ("Additional reporting by Reuters", "© AFP")."""
    line = line.strip()
    n = len(line.split())
    if n > _MAX_CHROME_WORDS:
        return False
    if _CREDIT_LINE.search(line):
        return True
    # A byline of up to 10 words ("By Jane Doe and John Roe, Reuters")
    return n <= 10 and (_BYLINE.match(line) is not None or _WITH_AGENCY.match(line) is not None)


# Separators and spaces that may trail a chrome label ("Read more »", "Related: ..."): [\s:|»›>•…\.\-–—].
_CHROME_TRAILING = _WHITESPACE + ":|»›>•….-–—"


def _chrome_key(text: str) -> str:
    r"""``text`` without trailing separators and spaces, lower-cased: what ``_CHROME_EXACT`` holds.

    What ``re.sub(r"[\s:|»›>•…\.\-–—]+$", "", text)`` leaves: its one match is the run of those characters that ends
    the text (a final line break is one of them, so a match before it runs on to the end), which str.rstrip cuts
    without trying the pattern at every character."""
    return text.rstrip(_CHROME_TRAILING).strip().lower()


@functools.lru_cache(maxsize=1 << 12)  # pure; a paragraph is asked about by several steps
def is_chrome(line: str) -> bool:
    """True if ``line`` is site chrome: navigation, sharing, subscription or cookie notices, date stamps."""
    text = line.strip()
    if _chrome_key(text) in _CHROME_EXACT:
        return True
    if len(text.split()) > _MAX_CHROME_WORDS:
        return False
    # the unanchored case-blind searches run only on a line holding a word each of their matches holds
    low = ascii_folded(text)
    if "cookie" in low and _COOKIE.search(text) and _SECOND_PERSON.search(text):
        return True
    anywhere = _chrome_anywhere_word_in(low) and _CHROME_ANYWHERE.search(text)
    return bool(_CHROME_PREFIX.search(text) or anywhere or (_stamp_possible(text) and _STAMP.match(text)))


def _chrome_anywhere_word_in(low: str) -> bool:
    """``any(w in low for w in _CHROME_ANYWHERE_WORDS)``, written out: a generator costs more than the tests."""
    return (
        "rights" in low
        or "published" in low
        or "reproduction" in low
        or "auto-generated" in low
        or "follow" in low
        or "privacy" in low
        or "terms" in low
    )


def _stamp_possible(text: str) -> bool:
    """Whether ``_STAMP`` may match ``text``: each of its forms ends, before trailing whitespace, in a digit, a
    letter (a time zone, "am") or "m." ("10:30 a.m."). Most lines end in a full stop after another letter, and the
    pattern, case-blind, tries its weekdays and months at a line's first letters before it fails."""
    tail = text.rstrip()  # str.rstrip() strips what \s matches
    return tail[-1:].isalnum() or tail.endswith(("m.", "M."))


# The first word of a line (empty when it has none): its first word in ``_comparable``'s form, lower-cased
_FIRST_WORD = re.compile(r"\W*(\w*)")


def _same_text(a: str, b: str) -> bool:
    """Whether ``a`` and ``b`` read the same (``_comparable``); ``b`` is the one asked about many times (the title)."""
    known = _comparable(b)
    # the words of ``_comparable`` are the runs of word characters lower-cased, joined by one space: a line whose
    # first word differs is not the same, and most lines are told apart without reading them whole
    first = _FIRST_WORD.match(a)
    if first is not None and first.group(1).lower() != known.partition(" ")[0]:
        return False
    return _comparable(a) == known


@functools.lru_cache(maxsize=1 << 12)  # the headline is compared with every paragraph
def _comparable(s: str) -> str:
    return re.sub(r"\W+", " ", s.replace("’", "'")).strip().lower()


def is_boilerplate(line: str, *, title: str | None = None) -> bool:
    """True if ``line`` is not part of the article's copy.

    Boilerplate is site chrome ("Connect with us", "Share this article", cookie notices, date stamps),
    photo captions and credits ("... (Photo: AFP)", "(KCNA via REUTERS)", "[Getty Images]"), credit lines
    ("Additional reporting by Reuters", bylines), a repeat of the headline ``title``, and any line of at
    most three words without final punctuation. A dateline is never boilerplate.

    Args:
        line: one paragraph or line of an article.
        title: the article's headline, if known; a line repeating it is boilerplate.

    Returns:
        Whether the line should be dropped from the article text.

    Example:
        >>> is_boilerplate("Share this article")
        True
        >>> is_boilerplate("Seoul, Sep 4")
        False
    """
    text = _normalise_line(line)
    if not text:
        return True
    if is_dateline_line(text):
        return False
    if title and _same_text(text, title):
        return True
    if is_credit(text) or is_caption(text) or is_chrome(text):
        return True
    return len(text.split()) <= _MAX_LABEL_WORDS and not _ends_terminal(text)


def _headline_shaped(line: str) -> bool:
    """A short line shaped like a headline: capitalised, no final punctuation, no quotation marks."""
    n = len(line.split())
    if not _HEADLINE_WORDS[0] <= n <= _HEADLINE_WORDS[1]:
        return False
    if line[-1] in ".!?…:;,)]”\"'’" or _QUOTE_CHARS.search(line):
        return False
    return line[0].isupper() or line[0].isdigit()


@functools.lru_cache(maxsize=1 << 12)
def _normalise_line(line: str) -> str:
    line = _visible(line)
    return (re.sub(r" {2,}", " ", line) if "  " in line else line).strip()


def _paragraphs(text: str, *, rejoin: bool = True) -> list[str]:
    """Split into paragraph candidates: one per line, unless a block is hard-wrapped prose (``rejoin``)."""
    text = _visible(text.replace("\r\n", "\n").replace("\r", "\n"))
    out: list[str] = []
    for block in re.split(r"\n[ ]*\n", text):
        lines = [ln.strip() for ln in block.split("\n") if ln.strip()]
        if rejoin and _hard_wrapped(lines):
            out.append(" ".join(lines))
        else:
            out.extend(lines)
    return [q for p in out if (q := _normalise_line(p))]


# Hard-wrapped plain text (e-mail style, wrapped at a fixed width): most breaks fall mid-sentence, so the
# next line starts in lower case. Half of the breaks is a conservative bar: headline lists and one-paragraph-
# per-line text never have lower-case line starts, and prose wrapped at ~72 columns has them ~80% of the time.
_WRAP_MIN_LINES = 3
_WRAP_MAX_WIDTH = 100
_WRAP_MIDSENTENCE_SHARE = 0.5


def _hard_wrapped(lines: list[str]) -> bool:
    if len(lines) < _WRAP_MIN_LINES or max(len(ln) for ln in lines) > _WRAP_MAX_WIDTH:
        return False
    breaks = list(itertools.pairwise(lines))
    mid = sum(1 for a, b in breaks if not _ends_terminal(a) and (b[0].islower() or b[0].isdigit()))
    return mid >= _WRAP_MIDSENTENCE_SHARE * len(breaks)


class _Line(NamedTuple):  # a tuple: made for every paragraph, twice as fast as a frozen dataclass
    text: str
    kind: str  # body|other|dateline|credit|label|drop
    bullet: bool = False


# Rule groups ``split_credits`` applies. HTML text has been through trafilatura, which already removed the
# page's boilerplate by its structure; there only the groups that cost no F1 on trafilatura_eval and the
# article extraction benchmark are applied (bench/bench_html_text.py measures each group).
ALL_RULES = frozenset({"credit", "caption", "chrome", "label", "teaser", "title", "bullet", "wrap"})


def split_credits(
    text: str, *, title: str | None = None, rules: frozenset[str] = ALL_RULES
) -> tuple[str, tuple[str, ...]]:
    """Clean ``text`` and also return the credit lines that were removed from it.

    The credits are explicit credit lines anywhere ("Additional reporting by Reuters", "By AFP", "© AFP")
    and short agency-only lines after the last body paragraph ("- Reuters", "(Yonhap)", "--IANS").
    Photo credits inside captions are not credits of the copy and are not returned.

    Args:
        text: an article body, one paragraph per line or per blank-line-separated block.
        title: the headline, if known: repeats of it are removed.

    Returns:
        ``(clean_text, credits)``.
    """
    lines: list[_Line] = []
    for para in _paragraphs(text, rejoin="wrap" in rules):
        bullet = _BULLET.match(para) if "bullet" in rules else None
        body = para[bullet.end() :] if bullet else para
        if is_dateline_line(para):
            lines.append(_Line(para, "dateline"))
            continue
        words = len(body.split())
        if _credit_paragraph(para, body, words):
            lines.append(_Line(body, "credit"))
        elif (
            kind := _boilerplate_kind(body, title, words, dateline_checked=body is para)
        ) is not None and kind in rules:
            lines.append(_Line(body, "label" if kind == "label" else "drop"))
        else:
            kind = "body" if _ends_terminal(body) else "other"
            lines.append(_Line(body, kind, bullet=bullet is not None))

    body_at = [i for i, ln in enumerate(lines) if ln.kind == "body"]
    last_body = body_at[-1] if body_at else -1
    kept: list[str] = []
    credits: list[str] = []
    for i, ln in enumerate(lines):
        if ln.kind == "credit":
            credits.append(ln.text)
            if "credit" not in rules:
                kept.append(ln.text)
        elif ln.kind == "label":
            # an agency name alone after the copy ("- Reuters", "(Yonhap)") credits the copy; elsewhere
            # a lone name is more likely a photo credit or a navigation label
            if i > last_body >= 0:
                credits.append(ln.text)
        elif ln.kind in ("body", "dateline"):
            kept.append(ln.text)
        elif ln.kind == "other":
            # Related-link teasers and section labels: headline-shaped lines in an article that has
            # body paragraphs. Bullets before or between body paragraphs are a standfirst or a list in
            # the copy and stay; headline-shaped bullets after the copy are a related-stories list.
            teaser = (
                "teaser" in rules and bool(body_at) and _headline_shaped(ln.text) and not (ln.bullet and i < last_body)
            )
            if not teaser:
                kept.append(ln.text)
    return "\n\n".join(kept), tuple(credits)


def _credit_paragraph(para: str, body: str, words: int) -> bool:
    """``is_credit(para) or is_credit(body)``, ``body`` being ``para`` or its end after a bullet and its spaces,
    with ``words`` words. ``is_credit`` says no to a line of more than ``_MAX_CHROME_WORDS`` words, and ``para``
    holds ``body``'s words (and the bullet): most paragraphs are longer and are not asked (each ask splits them)."""
    if words > _MAX_CHROME_WORDS:
        return False
    return is_credit(para) or (body is not para and is_credit(body))


def _boilerplate_kind(
    line: str, title: str | None, words: int | None = None, *, dateline_checked: bool = False
) -> str | None:
    """Which rule group makes ``line`` boilerplate (as ``is_boilerplate`` decides), or ``None``.

    ``words``, when given, is ``len(line.split())`` of a ``line`` that is its own ``_normalise_line`` (a paragraph
    of ``_paragraphs``, or its end after a bullet): split_credits counted them, and the checks below need the count
    (a long paragraph is no chrome unless it is a chrome label, ``_chrome_long``); so ``line`` is not normalised
    again. ``dateline_checked``: ``is_dateline_line(line)`` is known to be False (split_credits asked it)."""
    text = line if words is not None else _normalise_line(line)
    if not text:
        return "chrome"
    if not dateline_checked and is_dateline_line(text):
        return None
    if title and _same_text(text, title):
        return "title"
    if is_caption(text):
        return "caption"
    n = len(text.split()) if words is None else words
    if _chrome_long(text) if n > _MAX_CHROME_WORDS else is_chrome(text):
        return "chrome"
    if n <= _MAX_LABEL_WORDS and not _ends_terminal(text):
        return "label"
    return None


def _chrome_long(text: str) -> bool:
    """``is_chrome(text)`` for a line of more than ``_MAX_CHROME_WORDS`` words: only the exact labels apply to it
    (a label trailed by many separators, "Share - - - ...", is such a line)."""
    return _chrome_key(text.strip()) in _CHROME_EXACT


def clean_text(text: str, *, title: str | None = None) -> str:
    """Remove boilerplate from an article body and normalise its whitespace.

    Keeps the article's own copy, including a dateline that opens it; drops site chrome, photo captions,
    credit lines, repeats of ``title`` and related-link headlines (short headline-shaped lines among the
    body paragraphs). Hard-wrapped plain text is re-joined into paragraphs and bullet markers are dropped.

    Args:
        text: an article body, one paragraph per line or per blank-line-separated block.
        title: the headline, if known.

    Returns:
        One paragraph per line, paragraphs separated by exactly one blank line; ``""`` if nothing is left.

    Example:
        >>> clean_text("Share this article\\nKim met Putin on Wednesday.\\n\\n\\nHe left.")
        'Kim met Putin on Wednesday.\\n\\nHe left.'
    """
    return split_credits(text, title=title)[0]
