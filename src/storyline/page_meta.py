"""What a web page says about itself, made fit for an article: the headline without the site's name or section
glued to it, an author who is a person (or none), and whether the page is a news article at all.

Pages put their site in the ``<title>`` ("Talks end without a deal | CNN Politics", "Talks end - BBC News",
"Talks end » Local"), their publisher or a placeholder in the author field ("Submitted", "Staff", "Reuters"), and
not every page a crawl keeps is an article (a server's status page, a list of links). The rules:

- **title**: a leading or trailing segment after a separator (``|``, ``»``, ``›``, ``::``, ``·``, or a dash) goes
  when it names the site (its ``sitename``, or the name in its web address); after ``|``, ``»``, ``›`` or ``::``
  (which headlines do not use), a short trailing segment (a section: "Local", "World News") goes too. A colon never
  separates here ("Kim, Putin discuss plans: KCNA" keeps its credit).
- **author**: "By" and e-mail addresses are cut; a placeholder ("Submitted", "Admin", "Staff", "Editorial"), a
  wire agency, an organisation (a name with "News", "Times", "Media", "GmbH" ...; a one-word name that is the
  site's), or not a name (digits, no capital) is dropped. A person's blog named after them keeps its author.
- **not an article**: an error or status page (a short text that says 404, "page not found", "access denied" ...),
  or a list of links (most lines short, almost no sentence). ``not_an_article`` names the reason.
"""

from __future__ import annotations

import re
from urllib.parse import urlsplit

from storyline.agencies import canonical_agency

__all__ = ["clean_author", "clean_title", "not_an_article", "site_names"]

# separators a page title joins its parts with; the dashes only around a site's name
_STRONG = r"\||»|›|::|·|•"
_DASH = r"-|–|—"
_SPLIT = re.compile(rf"\s+({_STRONG}|{_DASH})\s+")
_SECTION_WORDS = 3  # a trailing segment after a strong separator this short is a section name
_SITE_WORDS = 5  # a segment naming the site is at most this long
_HOSTS = frozenset({"www", "m", "mobile", "amp", "edition", "news", "en", "english", "com", "co", "org", "net"})


def site_names(sitename: str | None, url: str | None) -> list[str]:
    """The site's names, folded: its declared name and the main label of its host (``koreaherald`` for
    ``www.koreaherald.com``)."""
    names = [_fold(sitename)] if sitename else []
    host = urlsplit(url).hostname if url else None
    if host:
        labels = [x for x in host.split(".") if x and x not in _HOSTS]
        if labels:
            names.append(_fold(max(labels[:-1] or labels, key=len)))
    return [n for n in dict.fromkeys(names) if len(n) >= 2]


def _fold(text: str) -> str:
    text = re.sub(r"\.(?:com|co\.uk|org|net|de|fr)\b", "", text.lower())
    text = re.sub(r"^the\s+", "", text)
    return re.sub(r"[^0-9a-z\u00c0-\uffff]+", "", text)


def _names_site(segment: str, names: list[str]) -> bool:
    """Whether a title segment is the site's name: short, and the name covers half of it or opens it ("CNN
    Politics"); a long segment that only contains it is a headline ("DRK: More people need help")."""
    seg = _fold(segment)
    if not seg or len(segment.split()) > _SITE_WORDS:
        return False
    return any(
        (n in seg and (2 * len(n) >= len(seg) or seg.startswith(n))) or (len(seg) >= 3 and seg in n) for n in names
    )


def clean_title(title: str | None, sitename: str | None = None, url: str | None = None) -> str | None:
    """``title`` without the site's name or a section glued to either end.

    Example:
        >>> clean_title("Talks end without a deal | CNN Politics", "CNN")
        'Talks end without a deal'
        >>> clean_title("Kim, Putin discuss plans: KCNA", "Yonhap")
        'Kim, Putin discuss plans: KCNA'
    """
    if not title:
        return title
    names = site_names(sitename, url)
    parts = _SPLIT.split(title.strip())
    # parts: segment, separator, segment, ... ; peel from either end while the end is the site or a section
    changed = True
    while changed and len(parts) >= 3:
        changed = False
        head_words = len(" ".join(parts[:-2]).split())
        tail, sep = parts[-1], parts[-2]
        if _names_site(tail, names) or (
            re.fullmatch(_STRONG, sep) and len(tail.split()) <= _SECTION_WORDS and head_words >= 3
        ):
            parts = parts[:-2]
            changed = True
            continue
        if _names_site(parts[0], names) and len(" ".join(parts[2:]).split()) >= 3:
            parts = parts[2:]
            changed = True
    out = "".join(p if i % 2 == 0 else f" {p} " for i, p in enumerate(parts)).strip()
    return out or title


# words that make a name an organisation's, not a person's
_ORG_WORDS = frozenset(
    """news times post media online magazine zeitung gmbh inc ltd llc plc press group team webteam staff blog
    verlag tv radio network networks agency daily herald journal tribune gazette weekly digital publishing
    publications company corporation foundation institute office ministry department service services
    newspaper channel broadcasting redaktion redazione rédaction""".split()
)
_DOMAIN_ENDS = frozenset("com net org de cl it fr uk es ch at kg ag".split())  # "Facebook Com", "Co KG"
_PLACEHOLDER = frozenset(
    """submitted admin administrator staff editor editors editorial newsroom desk webdesk newsdesk team guest
    anonymous unknown user reporter correspondent contributor contributors agencies agency wires wire press
    pressrelease release author writer staffwriter staffreporter webteam webmaster""".split()
)


def clean_author(author: str | None, sitename: str | None = None, url: str | None = None) -> str | None:
    """``author`` when it names people, else None: "By" and addresses cut, the site's own name, a wire agency's,
    and placeholders dropped. Several authors stay joined by "; ".

    Example:
        >>> clean_author("By Jane Doe", "Daily Planet")
        'Jane Doe'
        >>> clean_author("Submitted") is None and clean_author("Daily Planet Staff", "Daily Planet") is None
        True
    """
    if not author:
        return None
    names = site_names(sitename, url)
    kept = []
    for part in re.split(r"\s*(?:;|\band\b|&|\|)\s*", author):
        part = re.sub(r"\S+@\S+|https?://\S+", "", part)
        part = re.sub(
            r"^(?:view all posts by|posted by|written by|by|von|par|por)\s+", "", part.strip(" ,.-–—:"), flags=re.I
        )
        part = part.strip(" ,.-–—:")
        folded = _fold(part)
        words = part.split()
        latin = any(c.isascii() and c.isalpha() for c in part)
        if (
            not part
            or re.search(r"\d", part)
            or not 1 <= len(words) <= 5
            or (latin and not any(w[:1].isupper() for w in words))
            or folded in _PLACEHOLDER
            or _fold(words[-1]) in _PLACEHOLDER
            or any(w.lower().strip(".,") in _ORG_WORDS for w in words)
            or (len(words) == 1 and folded in names)
            or words[0].lower() == "www"
            or (len(words) > 1 and words[-1].lower() in _DOMAIN_ENDS)
            or canonical_agency(part) is not None
        ):
            continue
        kept.append(part)
    return "; ".join(dict.fromkeys(kept)) or None


_STATUS = re.compile(
    r"\b(?:404|403|410|500|502|503)\b|page (?:was )?not found|not found on this server|access denied|forbidden|"
    r"service (?:temporarily )?unavailable|bad gateway|internal server error|under maintenance|"
    r"this page (?:does not|doesn't) exist|the requested url|enable javascript|checking your browser",
    re.IGNORECASE,
)
_STATUS_CHARS = 600  # a status page says little; an article that mentions "404" says much more
_SENTENCE_END = re.compile(r"[.!?。！？][\"'”’)」]?$")
_PARAGRAPH_CHARS = 120  # ... and a line this long is a paragraph: a page with one is not a list
_LINE_CHARS = 50  # a line this long is more than a link, whatever its script (Japanese or Chinese has no spaces)


def not_an_article(text: str, title: str | None = None) -> str | None:
    """Why a page is not a news article (an error or status page, a list of links), or None when it may be one.

    Example:
        >>> not_an_article("404 Not Found. The requested URL was not found on this server.")
        'an error or status page (404 Not Found. The requested URL was not found on this server.)'
    """
    body = text.strip()
    if len(body) <= _STATUS_CHARS and (_STATUS.search(body) or (title and _STATUS.search(title))):
        return f"an error or status page ({' '.join(body.split())[:80]})"
    lines = [ln.strip() for ln in body.splitlines() if ln.strip()]
    if len(lines) >= 8:
        short = sum(len(ln.split()) <= 8 and len(ln) <= _LINE_CHARS for ln in lines)
        sentences = sum(
            bool(_SENTENCE_END.search(ln)) and (len(ln.split()) >= 8 or len(ln) > _LINE_CHARS) for ln in lines
        )
        paragraph = any(len(ln.split()) >= 25 or len(ln) >= _PARAGRAPH_CHARS for ln in lines)
        if short >= 0.8 * len(lines) and sentences <= 1 and not paragraph:
            return f"a list of links or headlines ({len(lines)} lines, {short} of them short, no paragraph)"
    return None
