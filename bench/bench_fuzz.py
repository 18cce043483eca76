"""Fuzzing storyline's readers and parsers: mutated inputs at scale, crashes counted per parser.

Usage (from the repository root):
    .venv/bin/python bench/bench_fuzz.py [-n 100000] [--engine random|hypothesis] [--only NAME,...]
        [--seed 0] [--timeout 10] [--out DIR]

Every target is fed ``-n`` inputs, each a seed input mutated a few times. The seeds are generated at run time
(invented articles, their HTML pages, RSS and Atom feeds, JSONL lines, WARC archives, Penn Treebank text):
nothing third-party is read. Mutations are byte- and token-level (flip, insert a token from the target's
dictionary, delete, duplicate, repeat a token up to thousands of times, splice two seeds, truncate) plus
structure-aware ones (a JSONL field given a value of the wrong type, a huge integer or deep nesting; a WARC
record's HTTP block mutated with its Content-Length kept right).

Engines: ``random`` draws the mutations from a seeded ``random.Random`` (fast, reproducible: input k of a
target depends only on ``--seed``, the target and k); ``hypothesis`` draws them from
``hypothesis.strategies.randoms()`` under ``@given`` in the generate phase (the same mutator, hypothesis's
choice sequence; slower per input).

A crash is any exception a target does not document (``InvalidInput``, and ``ValueError`` where a reader
says it raises one for input that is not its format). An input over ``--timeout`` seconds counts as slow.
Each target also checks its properties (spans inside the text, typed records); a failed check counts as a
violation. Distinct crashes (exception type and innermost storyline frame) are printed with a short example
and, with ``--out``, written there in full for reproduction.

Prints one line per target: inputs, crashes, distinct crashes, violations, slow inputs, inputs per CPU second
and the slowest input (CPU seconds); exits 1 if any target crashed. ``--only`` with ``-n`` per group lets a run
give the slow parsers (HTML, feeds, dates) fewer inputs than the fast ones.
"""

from __future__ import annotations

import argparse
import contextlib
import gzip
import io
import json
import logging
import os
import random
import signal
import sys
import time
import traceback
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from storyline import ptb
from storyline.agencies import agency_spans, local_agencies
from storyline.clean import clean_text, split_credits
from storyline.errors import InvalidInput
from storyline.extract.dates import find_dates, find_timexes
from storyline.extract.entities import find_mentions
from storyline.extract.entities.rules import rule_spans
from storyline.extract.quotes import find_quotes
from storyline.feeds import html_to_text, parse_feed
from storyline.html import extract_page, url_date
from storyline.ingest import read_jsonl_lines
from storyline.metadata import detect_agencies, find_dateline, infer_year, parse_body, parse_plain
from storyline.records import Article, DateMention, Mention, Quote, Rejection
from storyline.warc import WarcPage, read_warc

MAX_INPUT = 200_000  # characters or bytes: mutations that grow an input past this are cut back


# --------------------------------------------------------------------------- seeds, generated at run time

_PEOPLE = ["Mara Okonkwo", "Tomas Reyes", "Ilse Vandermeer", "Kenji Arakawa", "Amal Haddad", "Piotr Nowicki"]
_PLACES = ["LISBON", "OSLO", "NAIROBI", "Quito", "SAINT-DENIS", "Port Louis", "NEW DELHI"]
_AGENCIES = ["Reuters", "AFP", "AP", "TASS", "Xinhua", "Kyodo", "Yonhap", "dpa", "ANSA", "EFE"]
_ORGS = ["the Harbour Authority", "Northwind Mining Corp", "the Ministry of Fisheries", "United Nations"]
_MONTHS = ["January", "Feb.", "March", "Apr", "May", "June", "Jul", "August", "Sept.", "October", "Nov", "December"]
_RELATIVE = [
    "on Wednesday",
    "last week",
    "two days ago",
    "next month",
    "in the third quarter",
    "this spring",
    "in the 1990s",
    "at 3 p.m.",
    "earlier this year",
    "the day before",
    "for three years",
    "now",
]


def _sentence(rng: random.Random) -> str:
    who, org = rng.choice(_PEOPLE), rng.choice(_ORGS)
    when = rng.choice([*_RELATIVE, f"{rng.choice(_MONTHS)} {rng.randint(1, 31)}", str(rng.randint(1950, 2030))])
    return rng.choice(
        [
            f"{who} of {org} said {when} that the talks would resume.",
            f'"We are not going to give up on this, not now and not ever," {who} told reporters {when}.',
            f"“The port will reopen {when},” said {who}, a spokesperson for {org}.",
            f"According to {rng.choice(_AGENCIES)}, {org} approved the plan {when}.",
            f"{who} said: ‘It is too early to say what happened.’",
            f"The {rng.randint(2, 900)} workers were evacuated {when}, officials said.",
            f'{org} said in a statement {when} it had "no comment at this stage".',
        ]
    )


def _article_text(rng: random.Random) -> str:
    place, agency = rng.choice(_PLACES), rng.choice(_AGENCIES)
    month, day = rng.choice(_MONTHS), rng.randint(1, 31)
    dateline = rng.choice(
        [
            f"{place}, {month} {day} ({agency}) - ",
            f"{place}, {day} {month} {rng.randint(1990, 2030)} /{agency.upper()}/. ",
            f"{place} ({agency}) — ",
            "",
        ]
    )
    paras = [dateline + _sentence(rng)] + [
        " ".join(_sentence(rng) for _ in range(rng.randint(1, 3))) for _ in range(rng.randint(1, 5))
    ]
    if rng.random() < 0.5:
        paras.append(
            rng.choice(
                [
                    f"(Reporting by {rng.choice(_PEOPLE)}; Editing by {rng.choice(_PEOPLE)})",
                    f"© {rng.randint(2000, 2030)} {agency}",
                    "Share this article",
                    "Photo: AFP",
                ]
            )
        )
    return "\n\n".join(paras)


def _title(rng: random.Random) -> str:
    return f"{rng.choice(_ORGS).title()} {rng.choice(['approves', 'rejects', 'delays'])} harbour plan"


def _date(rng: random.Random) -> str:
    return f"{rng.randint(1990, 2030)}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}"


def seed_plain(rng: random.Random) -> str:
    header = rng.choice([f" date {_date(rng)} {_title(rng)}\n", f"{_title(rng)}\n\n", ""])
    return header + _article_text(rng)


def seed_ptb(rng: random.Random) -> str:
    text = _article_text(rng)
    for a, b in (("(", " -LRB- "), (")", " -RRB- "), (",", " ,"), (".", " ."), ('"', " `` "), ("n't", " n't")):
        text = text.replace(a, b)
    return text


def seed_html(rng: random.Random) -> bytes:
    text = _article_text(rng)
    paras = "".join(f"<p>{p}</p>" for p in text.split("\n\n"))
    date = _date(rng)
    head = rng.choice(
        [
            f'<meta property="article:published_time" content="{date}T10:00:00Z">',
            f'<script type="application/ld+json">{{"@type": "NewsArticle", "datePublished": "{date}", '
            f'"dateModified": "{_date(rng)}"}}</script>',
            f'<meta name="date" content="{date}">',
            "",
        ]
    )
    body = rng.choice(
        [
            f"<article><h1>{_title(rng)}</h1>{paras}</article>",
            f"<div class='content'><time datetime='{date}'>Published {date}</time>{paras}</div>",
            f"<nav><a href='/'>Home</a></nav><main>{paras}</main><footer>Cookies</footer>",
        ]
    )
    return (
        f"<!doctype html><html lang='en'><head><title>{_title(rng)}</title>{head}</head><body>{body}</body></html>"
    ).encode()


def seed_feed(rng: random.Random) -> bytes:
    items = []
    for n in range(rng.randint(1, 3)):
        text = _article_text(rng) if rng.random() < 0.5 else _sentence(rng)
        link = f"https://news.example.test/{_date(rng).replace('-', '/')}/item-{n}"
        if rng.random() < 0.5:
            items.append(
                f"<item><title>{_title(rng)}</title><link>{link}</link><guid>{link}</guid>"
                f"<pubDate>Wed, {rng.randint(1, 28)} Sep {rng.randint(1990, 2030)} 10:00:00 GMT</pubDate>"
                f"<description><![CDATA[<p>{text}</p>]]></description></item>"
            )
        else:
            items.append(
                f"<entry><title>{_title(rng)}</title><link href='{link}'/><id>{link}</id>"
                f"<updated>{_date(rng)}T10:00:00Z</updated><published>{_date(rng)}T09:00:00Z</published>"
                f"<content type='html'>&lt;p&gt;{text}&lt;/p&gt;</content></entry>"
            )
    if "<item>" in items[0]:
        return (
            f"<?xml version='1.0'?><rss version='2.0'><channel><title>Harbour News</title>"
            f"{''.join(i for i in items if '<item>' in i)}</channel></rss>"
        ).encode()
    return (
        f"<?xml version='1.0' encoding='utf-8'?><feed xmlns='http://www.w3.org/2005/Atom'>"
        f"<title>Harbour News</title>{''.join(i for i in items if '<entry>' in i)}</feed>"
    ).encode()


def _record(rng: random.Random) -> dict[str, Any]:
    record: dict[str, Any] = {"text": _article_text(rng)}
    for key, value in (
        ("title", _title(rng)),
        ("url", f"https://news.example.test/{rng.randint(1, 99)}"),
        ("published", _date(rng)),
        ("outlet", "Harbour News"),
        ("author", rng.choice(_PEOPLE)),
    ):
        if rng.random() < 0.6:
            record[key] = value
    return record


def seed_jsonl(rng: random.Random) -> str:
    return json.dumps(_record(rng), ensure_ascii=rng.random() < 0.5)


def warc_record(uri: str | None, http_block: bytes, rng: random.Random) -> bytes:
    """One WARC response record, its Content-Length right for ``http_block``."""
    headers = ["WARC/1.0", "WARC-Type: response"]
    if uri is not None:
        headers.append(f"WARC-Target-URI: {uri}")
    headers += [
        f"WARC-Date: {_date(rng)}T10:00:00Z",
        f"WARC-Record-ID: <urn:uuid:{rng.getrandbits(128):032x}>",
        "Content-Type: application/http; msgtype=response",
        f"Content-Length: {len(http_block)}",
    ]
    return ("\r\n".join(headers) + "\r\n\r\n").encode() + http_block + b"\r\n\r\n"


def http_block(rng: random.Random, page: bytes | None = None) -> bytes:
    status = rng.choice(["200 OK"] * 4 + ["404 Not Found", "301 Moved"])
    ctype = rng.choice(["text/html; charset=utf-8"] * 4 + ["image/png", "application/xhtml+xml"])
    body = page if page is not None else seed_html(rng)
    return f"HTTP/1.1 {status}\r\nContent-Type: {ctype}\r\n\r\n".encode() + body


def seed_warc(rng: random.Random) -> bytes:
    records = [warc_record(f"https://news.example.test/{n}", http_block(rng), rng) for n in range(rng.randint(1, 3))]
    return b"".join(records)


# --------------------------------------------------------------------------- mutation

_GENERIC_TOKENS = [
    "\x00",
    "\ufeff",
    "\u200b",
    "\u2028",
    "\r",
    "\r\n",
    "\n\n",
    "\t",
    "\ud800",
    "\udfff",
    "\U0001f600",
    "é",
    "ß",
    "İ",
    "ﬁ",
    "\u0301",
    "Ⅻ",
    "١٢",
    "𝟗",
    "-",
    "—",
    "–",
    "/",
    ".",
    ",",
    ":",
    ";",
    "(",
    ")",
    "[",
    "]",
    "{",
    "}",
    "'",
    '"',
    "“",
    "”",
    "‘",
    "’",
    "«",
    "»",
    "„",
    "<",
    ">",
    "&",
    "&amp;",
    "&#0;",
    "&#xD800;",
    "&#1114112;",
    "\\",
    "0",
    "00",
    "-1",
    "99999999999999999999",
    "1e308",
    "NaN",
    " ",
    "   ",
]
_TEXT_TOKENS = [
    *_PLACES,
    *_AGENCIES,
    *_PEOPLE,
    *_MONTHS,
    "Sept. 31",
    "Feb 29",
    "February 30",
    "31 April",
    "0 May",
    "9999",
    "10000",
    "0000",
    "1 BC",
    "2023-02-30",
    "2023-13-01",
    "0001-01-01",
    "9999-12-31",
    "W53",
    "2023-W60",
    "last week",
    "next year",
    "ago",
    "said",
    "says",
    "told",
    "according to",
    "(AP)",
    "/TASS/.",
    "--",
    " date ",
    "the 1990s",
    "Q5",
    "the 990s",
    "at 25:99",
    "noon",
    "midnight",
    "yesterday",
    "tomorrow",
    "Monday",
    "Mon.",
    "this year",
    "in 10000 years",
    "1,000,000 days ago",
    "99999999 years ago",
    "Reporting by",
    "Editing by",
    "-LRB-",
    "-RRB-",
    "``",
    "''",
    " 's",
    " n't",
    "Mr.",
    "Dr.",
    "President",
    "Agency",
    "Inc.",
    "the North",
]
_HTML_TOKENS = [
    "<div>",
    "</div>",
    "<p>",
    "</p>",
    "<br>",
    "<script>",
    "</script>",
    "<style>",
    "<!--",
    "-->",
    "<![CDATA[",
    "]]>",
    "<article>",
    "<time datetime='2023-02-30'>",
    "<meta charset='utf-16'>",
    "<meta charset='bogus'>",
    "<html lang='zz-ZZZZ'>",
    "<title>",
    "</title>",
    "<h1>",
    "<table><tr><td>",
    "<?xml version='1.0'?>",
    "<!DOCTYPE html>",
    "<meta property='article:published_time' content='0000-00-00'>",
    "<meta property='article:modified_time' content='9999-99-99T99:99'>",
    '<script type="application/ld+json">{"datePublished": [1, {}], "dateModified": null}</script>',
    "<a href='javascript:alert(1)'>",
    "<img src=x onerror=alert(1)>",
    "&nbsp;",
    "&#x0;",
    "<svg><foreignObject>",
    "Published 31 February 2023",
    "Updated: 2023-13-45",
    "/2023/02/30/",
]
_FEED_TOKENS = [
    *_HTML_TOKENS,
    "<item>",
    "</item>",
    "<entry>",
    "</entry>",
    "<link>",
    "</link>",
    "<link href=''/>",
    "<pubDate>",
    "</pubDate>",
    "Fri, 31 Feb 99999 25:61:61 +9999",
    "<published>",
    "</published>",
    "<updated>0000-00-00T00:00:00Z</updated>",
    "<description>",
    "</description>",
    "<content type='html'>",
    "</content>",
    "<!ENTITY x 'y'>",
    "&x;",
    "<rdf:RDF>",
    "<guid>",
    "<title type='xhtml'>",
    "&lt;p&gt;",
    "<dc:date>-1</dc:date>",
    "encoding='utf-32'",
]
_JSON_TOKENS = [
    '"text"',
    '"title"',
    '"url"',
    '"published"',
    '"outlet"',
    '"author"',
    "null",
    "true",
    "false",
    "[]",
    "{}",
    "1e999",
    "-0",
    "123456789012345678901234567890",
    '"\\ud800"',
    '"\\u0000"',
    "[[[[[[[[",
    "]]]]]]]]",
]
_WARC_TOKENS = [
    "WARC/1.0\r\n",
    "WARC-Type: response\r\n",
    "WARC-Type: request\r\n",
    "WARC-Target-URI: \r\n",
    "Content-Length: -1\r\n",
    "Content-Length: 99999999999999999999\r\n",
    "Content-Length: x\r\n",
    "HTTP/1.1 200 OK\r\n",
    "HTTP/1.1 999 X\r\n",
    "HTTP/9\r\n",
    "Content-Type: text/html\r\n",
    "Content-Encoding: gzip\r\n",
    "Transfer-Encoding: chunked\r\n",
    "\r\n\r\n",
    "WARC-Date: 0000\r\n",
    "WARC-Target-URI: javascript:alert(1)\r\n",
    "\x1f\x8b\x08\x00",
]


def _bad_value(rng: random.Random) -> Any:
    """A JSON value of a type no field expects, or one a parser may choke on."""
    kind = rng.randrange(10)
    if kind == 0:
        return rng.choice([10 ** rng.randint(1, 400), -(10**30), 1e308, -0.0, 3])
    if kind == 1:
        value: Any = "x"
        for _ in range(rng.choice([2, 50, 500, 5000])):
            value = [value] if rng.random() < 0.5 else {"k": value}
        return value
    if kind == 2:
        return rng.choice([None, True, False, [], {}, ""])
    if kind == 3:
        return {"a": [1, "b", None]}
    if kind == 4:
        return "\ud800 lone surrogate \udfff"
    if kind == 5:
        return rng.choice(["", " ", "\x00", "2023-02-30", "9999-99-99", "1e10", "Z", "2023-09-14T25:00:00Z"])
    if kind == 6:
        return "word " * rng.choice([1, 4, 5, 1000])
    return rng.choice(_TEXT_TOKENS)


def _mutate_str(s: str, rng: random.Random, tokens: Sequence[str], seeds: Sequence[str]) -> str:
    n = len(s)
    op = rng.randrange(10)
    i = rng.randint(0, n)
    j = min(n, i + rng.choice([1, 2, 5, 20, 200, 5000]))
    if op == 0 and n:  # replace one character
        return s[:i] + rng.choice(tokens + _GENERIC_TOKENS)[:1] + s[i + 1 :]
    if op == 1:  # insert a token
        return s[:i] + rng.choice(tokens + _GENERIC_TOKENS) + s[i:]
    if op == 2:  # delete a range
        return s[:i] + s[j:]
    if op == 3:  # duplicate a range
        return s[:j] + s[i:j] + s[j:]
    if op == 4:  # a token repeated, up to very deep nesting or a very long line
        return s[:i] + rng.choice(tokens) * rng.choice([2, 3, 10, 10, 100, 100, 1000, 20000]) + s[i:]
    if op == 5:  # splice with another seed
        other = rng.choice(seeds)
        k = rng.randint(0, len(other))
        return s[:i] + other[k:]
    if op == 6:  # truncate
        return s[:i]
    if op == 7 and n:  # a random code point
        return s[:i] + chr(rng.choice([rng.randrange(0x80), rng.randrange(0x110000)])) + s[i + 1 :]
    if op == 8:  # case or whitespace change over a range
        part = s[i:j]
        part = rng.choice([part.upper(), part.lower(), part.replace(" ", "\n"), part.replace(" ", ""), part[::-1]])
        return s[:i] + part + s[j:]
    return s[:i] + rng.choice(tokens) + s[j:]  # replace a range by a token


def mutate_text(s: str, rng: random.Random, tokens: Sequence[str], seeds: Sequence[str]) -> str:
    """``s`` after one to eight mutations, cut to ``MAX_INPUT`` characters."""
    for _ in range(rng.choice([1, 1, 2, 3, 4, 8])):
        s = _mutate_str(s, rng, tokens, seeds)[:MAX_INPUT]
    return s


def mutate_bytes(b: bytes, rng: random.Random, tokens: Sequence[str], seeds: Sequence[bytes]) -> bytes:
    """Mutations over the Latin-1 view of ``b`` (every byte value reachable), or over its UTF-8 text."""
    if rng.random() < 0.5:
        text = b.decode("latin-1")
        out = mutate_text(text, rng, tokens, [x.decode("latin-1") for x in seeds])
        return out.encode("latin-1", "replace")
    text = b.decode("utf-8", "replace")
    out = mutate_text(text, rng, tokens, [x.decode("utf-8", "replace") for x in seeds])
    enc = rng.choice(["utf-8", "utf-8", "utf-16", "latin-1", "cp1252", "utf-8-sig"])
    return out.encode(enc, "surrogatepass" if enc.startswith("utf") else "replace")


def mutate_jsonl(line: str, rng: random.Random, seeds: Sequence[str]) -> str:
    """Structure-aware half the time (a field given a bad value, a field dropped), text mutations otherwise."""
    if rng.random() < 0.5:
        return mutate_text(line, rng, _JSON_TOKENS + _TEXT_TOKENS, seeds)
    try:
        record = json.loads(line)
    except ValueError:
        record = {}
    if not isinstance(record, dict):
        record = {"text": record}
    for _ in range(rng.randint(1, 3)):
        key = rng.choice(["text", "title", "url", "published", "outlet", "author", "extra"])
        if rng.random() < 0.2:
            record.pop(key, None)
        else:
            record[key] = _bad_value(rng)
    if rng.random() < 0.1:
        record = rng.choice([[record], "text", 1, None])
    try:
        return json.dumps(record, ensure_ascii=rng.random() < 0.5)
    except (ValueError, RecursionError):
        return line


def mutate_warc(data: bytes, rng: random.Random, seeds: Sequence[bytes]) -> bytes:
    """Raw byte mutations, or a record rebuilt around a mutated HTTP block (Content-Length kept right), then
    gzipped per record a third of the time (truncated sometimes)."""
    if rng.random() < 0.5:
        out = mutate_bytes(data, rng, _WARC_TOKENS + _HTML_TOKENS, seeds)
    else:
        records = []
        for _ in range(rng.randint(1, 3)):
            block = mutate_bytes(http_block(rng), rng, _WARC_TOKENS + _HTML_TOKENS, [http_block(rng)])
            uri = rng.choice([f"https://news.example.test/{rng.randint(1, 9)}", None, "", "not a url", "\x00"])
            records.append(warc_record(uri, block, rng))
        out = b"".join(records)
    if rng.random() < 0.33:
        parts = out.split(b"WARC/1.0\r\n")
        out = b"".join(gzip.compress(b"WARC/1.0\r\n" + p, mtime=0) for p in parts if p)
        if rng.random() < 0.3:
            out = out[: rng.randint(0, len(out))]
    return out[:MAX_INPUT]


# --------------------------------------------------------------------------- targets


class Violation(AssertionError):
    """A property a parser promises did not hold (a span outside the text, an untyped record)."""


def _check_spans(text: str, items: Sequence[Any], kind: type) -> None:
    for item in items:
        if not isinstance(item, kind):
            raise Violation(f"{type(item).__name__} where {kind.__name__} expected")
        if not (0 <= item.start <= item.end <= len(text)):
            raise Violation(f"span {item.start}:{item.end} outside a text of {len(text)} characters")
        if isinstance(item, (Mention, DateMention)) and text[item.start : item.end] != item.text:
            raise Violation(f"text[{item.start}:{item.end}] != {item.text!r}")


def _published(rng: random.Random) -> str | None:
    return rng.choice(
        [
            None,
            _date(rng),
            "2023-09-14",
            "0001-01-01",
            "9999-12-31",
            "2023-02-30",
            "",
            "garbage",
            "2023-09-14T23:59:59+14:00",
            "2024-02-29",
        ]
    )


def run_text(raw: str) -> None:
    parsed = parse_plain(raw)
    if not isinstance(parsed.text, str) or (parsed.published is not None and len(parsed.published) != 10):
        raise Violation(f"bad ParsedText: {parsed!r:.200}")
    find_dateline(raw)
    infer_year(2, 29, raw)
    detect_agencies(raw)


def run_ptb(raw: str) -> None:
    ptb.is_ptb(raw)
    prose, offsets = ptb.detokenise(raw)
    if len(prose) != len(offsets) or any(not 0 <= o < len(raw) for o in offsets):
        raise Violation("detokenise offsets outside the input")


def run_clean(raw: str) -> None:
    clean_text(raw, title=raw[:40] or None)
    body, credits = split_credits(raw)
    if not isinstance(body, str) or not all(isinstance(c, str) for c in credits):
        raise Violation("split_credits returned untyped parts")


def run_agencies(raw: str) -> None:
    local = local_agencies(raw)
    for span in agency_spans(raw, local):
        if not 0 <= span.start <= span.end <= len(raw):
            raise Violation(f"agency span {span.start}:{span.end} outside the text")


def make_dates(rng: random.Random) -> Callable[[str], None]:
    def run(raw: str) -> None:
        published = _published(rng)
        _check_spans(raw, find_dates(raw, published), DateMention)
        for t in find_timexes(raw, published):
            if not 0 <= t.start <= t.end <= len(raw) or raw[t.start : t.end] != t.text:
                raise Violation(f"timex span {t.start}:{t.end} does not hold {t.text!r}")

    return run


def run_entities(raw: str) -> None:
    for s, e, _t in rule_spans(raw):
        if not 0 <= s <= e <= len(raw):
            raise Violation(f"rule span {s}:{e} outside the text")
    _check_spans(raw, find_mentions(raw, use_nlp=False), Mention)


def run_quotes(raw: str) -> None:
    _check_spans(raw, find_quotes(raw), Quote)


def run_html(data: bytes) -> None:
    page = extract_page(data, "https://news.example.test/2023/09/14/x")
    extract_page(data)
    url_date(data.decode("latin-1")[:300])
    parsed = parse_body(page.text, title=page.title, published=page.dates.published, rules=frozenset({"chrome"}))
    if not isinstance(parsed.text, str):
        raise Violation("parse_body gave no text")


def run_feed(data: bytes) -> None:
    try:
        items = parse_feed(data, "https://news.example.test/feed")
    except ValueError as exc:  # documented: not a feed
        if not str(exc).startswith("not an RSS/Atom feed"):
            raise
        return
    for item in items:
        _ = item.full_text
        html_to_text(item.summary)
        parse_body(html_to_text(item.content), title=item.title, published=item.published)


def run_jsonl(line: str) -> None:
    for item in read_jsonl_lines([line], "fuzz.jsonl"):
        if not isinstance(item, (Article, Rejection)):
            raise Violation(f"{type(item).__name__} from read_jsonl_lines")
        if isinstance(item, Rejection) and item.source not in ("fuzz.jsonl:1", "fuzz.jsonl"):
            raise Violation(f"rejection names {item.source!r}, not the line")
        _no_internal_error(item)


def run_warc(data: bytes) -> None:
    for item in read_warc(io.BufferedReader(io.BytesIO(data)), "fuzz.warc"):  # type: ignore[arg-type]
        if not isinstance(item, (WarcPage, Rejection)):
            raise Violation(f"{type(item).__name__} from read_warc")
        _no_internal_error(item)


class InternalError(Exception):
    """A reader turned an unexpected exception (a bug) into a rejection so the run goes on: still a crash here."""


def _no_internal_error(item: object) -> None:
    if isinstance(item, Rejection) and item.reason.startswith("internal error"):
        raise InternalError(item.reason[:120])


@dataclass
class Target:
    """One parser under fuzz: how to make a seed, mutate it, and run it."""

    name: str
    seed: Callable[[random.Random], Any]
    mutate: Callable[[Any, random.Random, Sequence[Any]], Any]
    run: Callable[[random.Random], Callable[[Any], None]]


def _text_target(name: str, seed: Callable[[random.Random], str], run: Callable[[str], None]) -> Target:
    return Target(name, seed, lambda s, rng, seeds: mutate_text(s, rng, _TEXT_TOKENS, seeds), lambda _rng: run)


TARGETS = [
    _text_target("text (parse_plain, dateline)", seed_plain, run_text),
    _text_target("ptb", seed_ptb, run_ptb),
    _text_target("clean", seed_plain, run_clean),
    _text_target("agencies", seed_plain, run_agencies),
    Target("dates", seed_plain, lambda s, rng, seeds: mutate_text(s, rng, _TEXT_TOKENS, seeds), make_dates),
    _text_target("entities (rules)", seed_plain, run_entities),
    _text_target("quotes", seed_plain, run_quotes),
    Target("jsonl", seed_jsonl, mutate_jsonl, lambda _rng: run_jsonl),
    Target("html", seed_html, lambda b, rng, seeds: mutate_bytes(b, rng, _HTML_TOKENS, seeds), lambda _rng: run_html),
    Target("feeds", seed_feed, lambda b, rng, seeds: mutate_bytes(b, rng, _FEED_TOKENS, seeds), lambda _rng: run_feed),
    Target("warc", seed_warc, mutate_warc, lambda _rng: run_warc),
]
SEEDS_PER_TARGET = 64


# --------------------------------------------------------------------------- running


class Slow(BaseException):  # not an Exception: a reader catching every Exception must not swallow it
    """The input ran over the per-input time limit."""


def _alarm(_signum: int, _frame: Any) -> None:
    raise Slow


@dataclass
class Tally:
    """What one target's run found."""

    inputs: int = 0
    crashes: int = 0
    violations: int = 0
    slow: int = 0
    seconds: float = 0.0
    slowest: float = 0.0
    distinct: dict[str, tuple[int, Any, str]] = field(default_factory=dict)  # key -> (count, example, traceback)


def _where(exc: BaseException) -> str:
    frames = traceback.extract_tb(exc.__traceback__)
    ours = [f for f in frames if "storyline" in f.filename and "bench_fuzz" not in f.filename]
    frame = (ours or frames or [None])[-1]
    place = f"{os.path.relpath(frame.filename)}:{frame.lineno}" if frame is not None else "?"
    return f"{type(exc).__name__} at {place}"


_SINK = io.StringIO()


def _one(target_run: Callable[[Any], None], data: Any, tally: Tally, timeout: float) -> None:
    started = time.process_time()  # CPU seconds: inputs/s that do not depend on what else the machine runs
    signal.setitimer(signal.ITIMER_REAL, timeout)
    try:
        with contextlib.redirect_stderr(_SINK):  # warcio prints a warning per damaged record
            target_run(data)
    except Slow:
        tally.slow += 1
        key = "slow"
        count, example, tb = tally.distinct.get(key, (0, data, f"over {timeout} s"))
        tally.distinct[key] = (count + 1, example, tb)
    except InvalidInput:
        pass
    except Violation as exc:
        tally.violations += 1
        key = f"violation: {exc}"[:160]
        count, example, tb = tally.distinct.get(key, (0, data, traceback.format_exc()))
        tally.distinct[key] = (count + 1, example, tb)
    except Exception as exc:
        tally.crashes += 1
        key = _where(exc)
        count, example, tb = tally.distinct.get(key, (0, data, traceback.format_exc()))
        tally.distinct[key] = (count + 1, example, tb)
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        _SINK.seek(0)
        _SINK.truncate()
    spent = time.process_time() - started
    tally.seconds += spent
    tally.slowest = max(tally.slowest, spent)
    tally.inputs += 1


def fuzz_random(target: Target, n: int, seed: int, timeout: float) -> Tally:
    """``n`` inputs from a seeded ``random.Random``: reproducible per (seed, target, input number)."""
    base = random.Random(f"{seed}:{target.name}:seeds")
    seeds = [target.seed(base) for _ in range(SEEDS_PER_TARGET)]
    tally = Tally()
    rng = random.Random(f"{seed}:{target.name}")
    run = target.run(rng)
    for _ in range(n):
        data = target.mutate(rng.choice(seeds), rng, seeds)
        _one(run, data, tally, timeout)
    return tally


def fuzz_hypothesis(target: Target, n: int, seed: int, timeout: float) -> Tally:
    """``n`` inputs whose mutations hypothesis chooses (``st.randoms``), generate phase only, no shrinking."""
    from hypothesis import HealthCheck, Phase, given, settings
    from hypothesis import seed as hseed
    from hypothesis import strategies as st

    base = random.Random(f"{seed}:{target.name}:seeds")
    seeds = [target.seed(base) for _ in range(SEEDS_PER_TARGET)]
    tally = Tally()
    run = target.run(random.Random(f"{seed}:{target.name}"))

    @hseed(seed)
    @settings(
        max_examples=n, phases=[Phase.generate], database=None, deadline=None, suppress_health_check=list(HealthCheck)
    )
    @given(st.randoms(use_true_random=False))
    def drive(rng: random.Random) -> None:
        data = target.mutate(rng.choice(seeds), rng, seeds)
        _one(run, data, tally, timeout)

    drive()
    return tally


def _show(value: Any, width: int = 160) -> str:
    text = repr(value)
    return text if len(text) <= width else f"{text[: width // 2]} ... {text[-width // 2 :]} ({len(value):,} long)"


def main(argv: Sequence[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("-n", type=int, default=100_000, help="inputs per target (default 100000)")
    ap.add_argument("--engine", choices=["random", "hypothesis"], default="random")
    ap.add_argument("--only", default="", help="comma-separated target name prefixes")
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--timeout", type=float, default=10.0, help="seconds before an input counts as slow")
    ap.add_argument("--out", help="write every distinct crash's input and traceback here")
    args = ap.parse_args(argv)
    wanted = [w.strip() for w in args.only.split(",") if w.strip()]
    targets = [t for t in TARGETS if not wanted or any(t.name.startswith(w) for w in wanted)]
    fuzz = fuzz_random if args.engine == "random" else fuzz_hypothesis
    signal.signal(signal.SIGALRM, _alarm)
    logging.disable(logging.CRITICAL)  # trafilatura and htmldate log every odd page
    print(f"engine {args.engine}, seed {args.seed}, {args.n:,} inputs per target, timeout {args.timeout} s")
    print(
        f"{'target':30} {'inputs':>9} {'crashes':>8} {'distinct':>8} {'violat.':>8} {'slow':>5} "
        f"{'inputs/s':>9} {'slowest':>8}"
    )
    failed = False
    for target in targets:
        tally = fuzz(target, args.n, args.seed, args.timeout)
        rate = tally.inputs / tally.seconds if tally.seconds else 0.0
        print(
            f"{target.name:30} {tally.inputs:>9,} {tally.crashes:>8,} {len(tally.distinct):>8} "
            f"{tally.violations:>8,} {tally.slow:>5} {rate:>9,.0f} {tally.slowest:>7.2f}s",
            flush=True,
        )
        for n, (key, (count, example, tb)) in enumerate(sorted(tally.distinct.items())):
            print(f"    {count:>6} x {key}\n           e.g. {_show(example)}", flush=True)
            if args.out:
                os.makedirs(args.out, exist_ok=True)
                stem = os.path.join(args.out, f"{target.name.split()[0]}-{n}")
                mode, payload = ("wb", example) if isinstance(example, bytes) else ("w", example)
                with open(
                    stem + (".bin" if mode == "wb" else ".txt"),
                    mode,
                    **({} if mode == "wb" else {"encoding": "utf-8", "errors": "surrogatepass"}),
                ) as fh:
                    fh.write(payload)
                with open(stem + ".traceback", "w", encoding="utf-8") as fh:
                    fh.write(f"{key}\n\n{tb}")
        failed = failed or tally.crashes > 0
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
