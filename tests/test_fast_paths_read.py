"""The shortcuts of the read stage (``ingest.from_record``: cleaning, agencies, hashing) give what the plain forms
they replace give. Inputs are made up here, from pieces chosen to reach every branch, tricky Unicode included."""

from __future__ import annotations

import random
import re
import unicodedata

import pytest

from storyline import agencies as agencies_module
from storyline import clean, metadata
from storyline import text as text_module
from storyline.agencies import agency_spans, local_agencies, paragraphs_naming

# Pieces of made-up paragraphs: words that wake the cheap checks, characters that fold or vanish.
_PIECES = [
    "Photo",
    "photo",
    "PICTURE",
    "image",
    "Screen grab",
    "file",
    "FILE",
    "(",
    ")",
    "[",
    "]",
    "via REUTERS",
    "(AFP)",
    "(Photo: AFP)",
    "Reuters",
    "AP",
    "said",
    "the",
    "Minister",
    "Share",
    "share this",
    "Read more",
    "-",
    "- - - - -",
    "»",
    "rights reserved",
    "All Rights Reserved",
    "published",
    "Follow us on Twitter",
    "privacy policy",
    "terms of use",
    "we use cookies",
    "your",
    "Additional reporting by",
    "By",
    "Jane Doe",
    "with AFP",
    "©",
    "Sep 14, 2023",
    "TOKYO, September 14 (Kyodo) --",
    "SEOUL (Yonhap) --",
    "Xinhua News Agency",
    "-Reuters",
    "Reuters-based",
    "xAP",
    "AP-",
    "dpa",
    "ITAR-TASS",
    "told AFP",
    "AFP reported",
    "KCNA said",
    "MPA said",
    "(NNS) -",
    "PORTVALE, May 2 (NNS) -",
    "Meridian Press Agency (MPA)",
    "the state news agency MPA",
    "Korean Central\nNews Agency",
    "ſ",
    "ſervice",
    "news ſervice",
    "ı",
    "İ",
    "\u212a",
    "\u212aCNA",
    "ﬁle",
    "ﬂ",
    "\u00a0",
    "\u2009",
    "\u3000",
    "\u200b",
    "\u00ad",
    "\t",
    "  ",
    "“",
    "”",
    "’",
    "–",
    "—",
    "…",
    ".",
    "!",
    "?",
    '"',
    "",
]


def _paragraph(rng: random.Random) -> str:
    """A made-up paragraph: some pieces with spaces between them, sometimes behind a bullet, sometimes long."""
    k = rng.choice([0, 1, 2, 3, 5, 8, 12, 24, 25, 26, 27, 40])
    words = [rng.choice(_PIECES) if rng.random() < 0.6 else f"word{rng.randint(0, 99)}" for _ in range(k)]
    line = " ".join(words)
    if rng.random() < 0.2:
        line = rng.choice(["- ", "• ", "* ", "1. ", "12) ", "–\u00a0"]) + line
    if rng.random() < 0.3:
        line += rng.choice([".", "!", "?", ".”", ")", ":", " -", ""])
    return line


def _article(rng: random.Random) -> str:
    return rng.choice(["\n", "\n\n", "\r\n", "\n \n"]).join(_paragraph(rng) for _ in range(rng.randint(0, 12)))


_TRICKY = [
    "",
    " ",
    "  ",
    "a",
    "a  b",
    " a",
    "a ",
    "a\tb",
    "a\nb",
    "a\x1cb",
    "a\x1fb",
    "a\x0bb",
    "a\x7fb",
    "Kim met Putin.",
    "Kim met Putin",
    "ſtraße ı İ \u212a ﬁ",
    "x\u00a0y",
    "x\u2009y",
    "x\u3000y",
    "x\u2028y",
    "“quoted” – dash — ‘single’",
    "ＡＢＣ full width",
    '{"text": "Kim met Putin.\\nHe left.", "title": null}',
    # credit lines at the word limit of is_credit, with and without a bullet
    *(f"{b}Additional reporting by {'Jane ' * k}Doe" for b in ("", "- ", "1. ") for k in range(20, 25)),
    *(f"{b}Share{' -' * k}" for b in ("", "• ") for k in range(20, 26)),
    # chrome by a prefix or a phrase, around is_chrome's word limit
    *(f"{b}Read more {'word ' * k}" for b in ("", "- ") for k in range(20, 26)),
    *(f"{'word ' * k}All rights reserved" for k in range(20, 26)),
]


def _texts() -> list[str]:
    rng = random.Random(11)
    return _TRICKY + [_paragraph(rng) for _ in range(400)] + [_article(rng) for _ in range(60)]


def test_normalise_is_the_plain_normalisation() -> None:
    for t in _spaced_texts():
        plain = " ".join(unicodedata.normalize("NFKC", t).translate(text_module._PUNCT).lower().split())
        assert text_module.normalise(t) == plain, repr(t)


def _spaced_texts() -> list[str]:
    rng = random.Random(17)
    gaps = [" ", "\n\n", "\n", "\n\n\n", " \n\n", "\n\n ", "  ", "\t", "\u00a0", "\x1c", "\r\n\r\n"]
    made = [
        rng.choice(gaps).join(rng.choice(["a", "b.", "Kim", "ſ", ""]) for _ in range(rng.randint(0, 6)))
        for _ in range(500)
    ]
    return made + _texts()


def test_single_spaced_only_where_splitting_and_joining_changes_nothing() -> None:
    seen = {True: 0, False: 0}
    for t in _spaced_texts():
        fast = text_module._single_spaced(t)
        seen[fast] += 1
        if fast:
            assert " ".join(t.split()) == t, repr(t)
        if text_module._single_spaced(t.replace("\n\n", " ")):
            assert " ".join(t.split()) == t.replace("\n\n", " "), repr(t)
    assert seen[True] and seen[False]


def test_caption_searches_run_wherever_the_word_tests_ran() -> None:
    for t in _texts():
        low = t.lower() if t.isascii() else None
        anywhere = low is None or any(w in low for w in clean._CAPTION_WORDS)
        end = low is None or "(" in low or "[" in low or any(w in low for w in clean._CAPTION_END_WORDS)
        assert clean._caption_searches(t) == (anywhere, end), repr(t)
    # the written-out tests hold every word of the lists (a word added to a list alone fails here)
    assert all(clean._caption_searches(f"x {w} x")[0] for w in clean._CAPTION_WORDS)
    assert all(clean._caption_searches(f"x {w} x")[1] for w in clean._CAPTION_END_WORDS)


def test_chrome_anywhere_word_scan_is_the_word_tests() -> None:
    for t in _texts():
        low = text_module.ascii_folded(t)
        plain = any(w in low for w in clean._CHROME_ANYWHERE_WORDS)
        assert clean._chrome_anywhere_word_in(low) == plain, repr(t)
    assert all(clean._chrome_anywhere_word_in(f"x {w} x") for w in clean._CHROME_ANYWHERE_WORDS)


def _stamp_texts() -> list[str]:
    rng = random.Random(13)
    stamps = [
        "Sep 14, 2023",
        "14 September 2023",
        "14.09.2023",
        "Thursday, Sep 14, 2023 10:30",
        "Sep 14, 2023 10:30 AM",
    ]
    stamps += ["Sep 14, 2023 10:30 a.m.", "Sep 14, 2023 10:30 pm KST", "sept. 4, 2023 9.15 P.M.", "2023-09-14", "1/2/3"]
    stamps += ["14.09.\u0663\u0660\u0662\u0663", "Sep 14, 2023 10:30 \u017fT", "Sep 14, 2023 10:30 \u212aST"]
    ends = ["", " ", "\u00a0", "\u2009 ", ".", "..", ",", ")", " .", "!", "m", "M.", "\u3000"]
    return [s + e for s in stamps for e in ends] + [rng.choice(stamps) + " " + t for t in _texts()[:200]] + _texts()


def test_stamp_possible_wherever_the_stamp_matches() -> None:
    matched = skipped = 0
    for t in _stamp_texts():
        stamp = clean._STAMP.match(t.strip()) is not None
        matched += stamp
        if not clean._stamp_possible(t.strip()):
            skipped += 1
            assert not stamp, repr(t)
    assert matched > 20 and skipped > 50


def _bodies() -> list[tuple[str, str]]:
    """Paragraphs as split_credits reads them, each with its body after a bullet."""
    out = []
    for t in _texts():
        for para in clean._paragraphs(t):
            bullet = clean._BULLET.match(para)
            out.append((para, para[bullet.end() :] if bullet else para))
    return out


def test_a_paragraph_read_by_split_credits_is_its_own_normal_form() -> None:
    pairs = _bodies()
    assert any(body is not para for para, body in pairs)
    for para, body in pairs:
        assert clean._normalise_line(para) == para
        assert clean._normalise_line(body) == body


def test_credit_paragraph_is_asking_is_credit_of_both() -> None:
    pairs = _bodies()
    answers = set()
    for para, body in pairs:
        plain = clean.is_credit(para) or clean.is_credit(body)
        answers.add(plain)
        assert clean._credit_paragraph(para, body, len(body.split())) == plain, repr(para)
    assert answers == {True, False}


def _plain_kind(line: str, title: str | None) -> str | None:
    """``clean._boilerplate_kind`` as it read before its word-count shortcut: every check asked in turn."""
    text = clean._normalise_line(line)
    if not text:
        return "chrome"
    if clean.is_dateline_line(text):
        return None
    if title and clean._same_text(text, title):
        return "title"
    if clean.is_caption(text):
        return "caption"
    if clean.is_chrome(text):
        return "chrome"
    if len(text.split()) <= clean._MAX_LABEL_WORDS and not clean._ends_terminal(text):
        return "label"
    return None


@pytest.mark.parametrize("title", [None, "", "Kim met Putin", "Share", "word1 word2 word3 word4"])
def test_boilerplate_kind_with_the_word_count_is_the_plain_kind(title: str | None) -> None:
    kinds = set()
    for para, body in _bodies():
        for line in (para, body):
            plain = _plain_kind(line, title)
            kinds.add(plain)
            assert clean._boilerplate_kind(line, title, len(line.split())) == plain, repr(line)
            if not clean.is_dateline_line(line):
                assert clean._boilerplate_kind(line, title, len(line.split()), dateline_checked=True) == plain
            assert clean._boilerplate_kind(line, title) == plain, repr(line)
    assert {None, "chrome", "caption", "label"} <= kinds
    if title == "Kim met Putin":
        assert "title" in kinds


def test_chrome_long_is_is_chrome_of_a_long_line() -> None:
    lines = [
        "Share" + " -" * 30,
        "Read more" + " »" * 40,
        "Share this article" + " \u2009-" * 26,
        " ".join(["word"] * 30),
        "All rights reserved " + " ".join(["word"] * 30),
    ] + [p for p, _ in _bodies()]
    long_lines = [ln for ln in lines if len(ln.split()) > clean._MAX_CHROME_WORDS]
    assert any(clean.is_chrome(ln) for ln in long_lines)
    for ln in long_lines:
        assert clean._chrome_long(ln) == clean.is_chrome(ln), repr(ln)


def _plain_detect_agencies(text: str) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """``metadata.detect_agencies`` as it read before its one-scan shortcut: agency_spans asked of every paragraph."""
    paras = [p.strip() for p in text.split("\n") if p.strip()]
    if paras and (header := metadata._HEADER_RE.match(paras[0])) is not None:
        paras[0] = header.group(2)
    local = local_agencies("\n".join(p for p in paras if not clean.is_caption(p) or clean.is_credit(p)))
    wire: dict[str, None] = {}
    cited: dict[str, None] = {}
    for n, para in enumerate(paras):
        spans = agency_spans(para, local)
        if not spans:
            continue
        if clean.is_caption(para) and not clean.is_credit(para):
            continue
        if len(para.split()) > 3 and clean.is_boilerplate(para) and not clean.is_credit(para):
            continue
        for mention in spans:
            if metadata._is_wire(para, mention, last=n == len(paras) - 1, opening=n < metadata._OPENING_PARAGRAPHS):
                wire[mention.name] = None
            else:
                cited[mention.name] = None
    return tuple(wire), tuple(k for k in cited if k not in wire)


def _agency_texts() -> list[str]:
    rng = random.Random(5)
    texts = [_article(rng) for _ in range(300)]
    texts += [" date 2023-09-14 " + t for t in texts[:40]]  # a header line, its remainder the first paragraph
    texts += [" date 2023-09-14-Reuters said so.\nAP-", "\u00a0AP said\n(AP) -", "Korean Central\nNews Agency said"]
    return texts


def test_paragraphs_naming_holds_every_paragraph_agency_spans_finds_something_in() -> None:
    named = 0
    for t in _agency_texts():
        paras = [p.strip() for p in t.split("\n") if p.strip()]
        for local in ({}, local_agencies(t), {"MPA": "MPA", "Meridian Press Agency": "MPA"}):
            naming = paragraphs_naming(paras, local)
            for i, p in enumerate(paras):
                if agency_spans(p, local):
                    named += 1
                    assert i in naming, (p, local)
    assert named > 100


def test_detect_agencies_is_the_plain_detection() -> None:
    found = 0
    for t in _agency_texts():
        plain = _plain_detect_agencies(t)
        found += bool(plain[0]) + bool(plain[1])
        assert metadata.detect_agencies(t) == plain, repr(t)
    assert found > 50


_NAME_SETS = [  # never none: the callers have a name at least
    ["AP"],
    ["A", "AP", "APX", "AP News", "Agence France-Presse", "AFP", "ANSA"],
    ["MPA", "Meridian Press Agency", "M", "Mer"],
    ["-X", "X-", "(AP)", ".", "a.b", "?", "[x]", "\\d"],
    ["ſervice", "ſ", "\u212aCNA", "KCNA", "ıs", "İs", "ﬁle", "file"],
    ["Korean Central News Agency", "Korean Central TV", "KCNA", "KCTV", "Kyodo", "Kyodo News", "KYODO"],
]


def _name_texts(names: list[str]) -> list[str]:
    rng = random.Random(len(names))
    glue = [" ", "", "-", "\n", "x", "1", "_", ".", "(", ")", "\u00a0", "ſ", ","]
    words = [*names, "word", "A", "K", *_PIECES[:20]]
    return [
        "".join(rng.choice(words) + rng.choice(glue) for _ in range(rng.randint(0, 30))) for _ in range(300)
    ] + _texts()


@pytest.mark.parametrize("names", [*_NAME_SETS, list(agencies_module._table_regex()[1])])
def test_edged_finds_what_the_plain_alternation_finds(names: list[str]) -> None:
    fast = agencies_module._edged(names)
    plain = re.compile(rf"(?<![\w-])(?:{agencies_module._alternation(names)})(?![\w-])")
    matched = 0
    for t in _name_texts(names):
        got = [(m.span(), m.group()) for m in fast.finditer(t)]
        assert got == [(m.span(), m.group()) for m in plain.finditer(t)], repr(t)
        matched += len(got)
    assert matched


def _head_texts() -> list[str]:
    rng = random.Random(7)
    heads = ["News", "Press", "Telegraph", "Telegraphic", "news", "NEWS", "Newswire", "Wire", "Secret", "ſ"]
    nouns = ["Agency", "Service", "agency", "AGENCY", "Agencies", "Services"]
    spaces = [" ", "  ", "", "\n", "\n\n", "\u00a0", "\u2009", "\t", "-", "_", "\u3000"]
    out = []
    for _ in range(600):
        parts = [rng.choice(heads + _PIECES[:30]) + rng.choice(spaces) + rng.choice(nouns) for _ in range(3)]
        out.append(" ".join(rng.choice([p, "Meridian " + p + " (MPA)", "(" + p]) for p in parts))
    return out + _texts()


def test_agency_head_in_is_a_search_for_the_head() -> None:
    head = re.compile(agencies_module._AGENCY_HEAD)
    answers = set()
    for t in _head_texts():
        plain = head.search(t) is not None
        answers.add(plain)
        assert agencies_module._agency_head_in(t) == plain, repr(t)
    assert answers == {True, False}


def test_named_patterns_find_nothing_without_a_head() -> None:
    found = 0
    for t in _head_texts():
        named = list(agencies_module._NAMED.finditer(t))
        with_code = list(agencies_module._NAMED_WITH_CODE.finditer(t))
        found += len(named) + len(with_code)
        if not agencies_module._agency_head_in(t):
            assert not named, repr(t)
            assert not with_code or "Wire" in t or "Newswire" in t, repr(t)
    assert found


def test_caption_start_possible_wherever_the_pattern_matches() -> None:
    openers = ["this", "the", "a", "an", "in this", "in a", "undated", "handout", "file", "combination", "composite"]
    openers += ["aerial", "satellite", "pool", "screen", "video", "official", "photo", "photograph", "pictures"]
    openers += ["images", "screengrab", "screenshot", "still", "image", "credit", "pic", "FILE", "ſcreen", "\u212a"]
    rest = [" photo taken by", " handout photo shows", " photo released", ": AFP", " - x", " shows", " courtesy", ""]
    lines = [o + r for o in openers for r in rest] + [o.upper() + r for o in openers for r in rest]
    lines += [o.capitalize() + r for o in openers for r in rest] + [p for p, _ in _bodies()]
    matched = skipped = 0
    for line in lines:
        line = line.strip()
        hit = clean._CAPTION_START.search(line) is not None
        matched += hit
        if not clean._caption_start_possible(line):
            skipped += 1
            assert not hit, repr(line)
    assert matched > 50 and skipped > 50
