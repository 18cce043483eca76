"""The fast paths of the per-item stages give what the plain scans they replace gave."""

from __future__ import annotations

import random
import re
from collections import Counter

import pytest

from storyline import agencies, clean, ptb, timeline
from storyline import text as text_module
from storyline.agencies import local_agencies
from storyline.clean import _chrome_key, _comparable, _normalise_line, _same_text, is_chrome
from storyline.cluster import vectors
from storyline.compare import (
    Claim,
    CompareOptions,
    _names,
    _pairs_near,
    _pairs_sharing,
    _same_names,
    _tension,
    _tension_pairs,
    compare,
)
from storyline.compare import _content as compare_content
from storyline.extract import anchors as anchors_module
from storyline.extract.anchors import Anchored, AnchorGroup, Anchors, first_words, leads
from storyline.extract.dates import find_dates
from storyline.extract.dates.find import _DATE_FINDERS, _FINDERS, _resolve
from storyline.extract.dates.timex import TIMEX_ANCHORS
from storyline.extract.dates.vocabulary import DATE_ANCHORS, MDY_AT, WEEKDAY, WEEKDAY_AT
from storyline.extract.entities import find_mentions, rules
from storyline.extract.quotes import context as context_module
from storyline.extract.quotes.context import Context
from storyline.extract.quotes.cues import CUE, CUE_ANCHORS, CUE_AT, NP_TOK
from storyline.extract.quotes.find import find_quotes
from storyline.extract.quotes.marks import DOUBLE, MASK, SINGLE, _pair_marks, find_quote_marks
from storyline.extract.quotes.speakers import Speakers, _after_line_break
from storyline.extract.shared import sentences
from storyline.records import Article, DateMention, Event
from storyline.text import ascii_folded, normalise, sentence_initial, sentence_spans
from storyline.vectors import dot, tfidf


def test_pairs_near_holds_every_pair_at_or_above_the_threshold() -> None:
    rng = random.Random(3)
    vocab = [f"w{k}" for k in range(40)]
    vectors = [
        tfidf(Counter(rng.choices(vocab, k=rng.randint(1, 8))), {w: 1.0 + rng.random() for w in vocab})
        for _ in range(120)
    ]
    for threshold in (0.2, 0.5, 0.8):
        exact = [
            (i, j) for i, j in _pairs_sharing([list(v) for v in vectors], 1) if dot(vectors[i], vectors[j]) >= threshold
        ]
        near = _pairs_near(vectors, threshold)
        assert set(exact) <= set(near)
        assert near == sorted(near)
        # the margin admits only pairs a hair below the threshold
        assert all(dot(vectors[i], vectors[j]) >= threshold - 1e-6 for i, j in near)
    # a pair of identical vectors reaches a threshold of exactly 1.0 (up to rounding)
    assert (0, 1) in _pairs_near([{"a": 0.6, "b": 0.8}, {"a": 0.6, "b": 0.8}], 1.0)


def test_same_names_matches_demonyms_only_by_a_shared_prefix() -> None:
    assert _same_names({"drannia", "kim"}, {"drannian", "putin"}) == {"drannia", "drannian"}
    assert _same_names({"kim"}, {"kims"}) == set()  # under five letters: no prefix rule
    assert _same_names({"russia"}, {"russians"}) == {"russia", "russians"}
    assert _same_names({"russia"}, {"russianist"}) == set()  # more than two letters longer
    assert _same_names({"seoul", "korea"}, {"korea"}) == {"korea"}


def test_quote_marks_pair_within_paragraphs() -> None:
    text = 'He said “we will go” and ‘maybe’ later.\nShe wrote "unclosed and “done”.'
    pairs = find_quote_marks(text)
    # the unclosed straight mark is skipped: the curly pair after it stands
    assert pairs == [(8, 19), (25, 31), (text.index("“done"), text.index("”."))]
    assert _pair_marks("no marks here", DOUBLE, 0, 13, False) == []
    assert _pair_marks("Russia’s ‘plan’", SINGLE, 0, 15, True) == [(9, 14)]


def test_quotes_in_and_outside_a_direct_quote_region() -> None:
    text = (
        "The minister said the plan would cut costs. “We will not back down,” she said. "
        "Officials said the talks would resume on Monday."
    )
    quotes = find_quotes(text, "a1")
    reported = [q.text for q in quotes if not q.direct]
    assert any("talks would resume" in t for t in reported)
    assert any(q.direct and q.text.startswith("We will not back down") for q in quotes)


def test_compare_groups_the_same_claim_across_sources() -> None:
    a = Article("a", "a.txt", "Officials said the new bridge over the river opened to traffic on Monday morning.")
    b = Article("b", "b.txt", "The new bridge over the river opened to traffic on Monday morning, officials said.")
    c = Article("c", "c.txt", "A separate storm closed several schools in the northern districts this week.")
    comp = compare(Event("e", "s", None, "bridge", ("a", "b", "c")), {x.id: x for x in (a, b, c)}, {})
    assert [sorted(cl.article for cl in s.claims) for s in comp.shared] == [["a", "b"]]
    assert [cl.article for cl in comp.unique] == ["c"]


def test_tension_pairs_hold_every_pair_the_full_scan_finds_a_tension_in() -> None:
    """The pairs tried for a tension are those of the earlier scan (two shared words or a shared name) that can
    hold one: none where ``_tension`` finds something is left out, in the same (i, j) order."""
    rng = random.Random(17)
    subjects = ["Putin", "Kim", "Drannia", "the Drannian army", "Greyholm Minerals", "the ministry", "police"]
    verbs = ["visited", "did not visit", "denied visiting", "signed", "never signed", "attacked", "rejected"]
    objects = ["the port", "the treaty", "the border post", "the mine", "a deal on the harbour"]
    numbers = ["11 workers", "12 workers", "3 soldiers", "about 40 people", "40 people", "2019"]
    tails = ["", ", officials said", " on Monday", ", according to KCNA", " but not the army", ", not an accident"]
    texts = []
    for _ in range(400):
        parts = [rng.choice(subjects), rng.choice(verbs), rng.choice(objects)]
        if rng.random() < 0.4:
            parts.append(f"where {rng.choice(numbers)} were hurt")
        texts.append(" ".join(parts) + rng.choice(tails) + ".")
    claims = [Claim(f"a{k}", 0, len(t), t) for k, t in enumerate(texts)]
    content = [set(compare_content(t)) for t in texts]
    prefixes = [{n[:5] for n in _names(t) if len(n) >= 5} | (_names(t) & content[k]) for k, t in enumerate(texts)]
    scanned = sorted(set(_pairs_sharing(content, 2)) | set(_pairs_sharing(prefixes, 1)))
    options = CompareOptions()
    tried = _tension_pairs(claims, content, prefixes, options.negation_window)
    assert tried == sorted(tried) and set(tried) <= set(scanned)
    found = [(i, j) for i, j in scanned if _tension(texts[i], texts[j], options, None)]
    assert found and set(found) <= set(tried)
    assert len(tried) < len(scanned)  # the point: fewer pairs tried


def _tried(texts: list[str]) -> list[tuple[int, int]]:
    claims = [Claim(f"a{k}", 0, len(t), t) for k, t in enumerate(texts)]
    content = [set(compare_content(t)) for t in texts]
    prefixes = [{n[:5] for n in _names(t) if len(n) >= 5} | (_names(t) & content[k]) for k, t in enumerate(texts)]
    return _tension_pairs(claims, content, prefixes, CompareOptions().negation_window)


def test_a_negation_sharing_one_word_with_the_other_claim_is_not_tried() -> None:
    """A negation scope must share two words with the other claim (a name and a deed, or two deeds) for
    ``_tension`` to find anything; sharing the name alone is not tried, sharing the name and the deed is."""
    options = CompareOptions()
    denial = "Putin did not visit the port on Monday."
    name_only = "Putin praised the workers at the harbour."
    name_and_deed = "Putin made a visit to the harbour."
    assert _tension(denial, name_only, options, None) is None
    assert _tension(denial, name_and_deed, options, None) is not None
    assert _tried([denial, name_only]) == []
    assert _tried([denial, name_and_deed]) == [(0, 1)]
    # a demonym shares a name with its country: "Drannian" in the scope matches "Drannia" in the other claim
    demonym = "The Drannian army did not attack the border post."
    country = "Drannia attacked the border post at dawn."
    assert _tension(demonym, country, options, None) is not None
    assert _tried([demonym, country]) == [(0, 1)]


def test_claims_counting_a_word_with_the_same_numbers_are_not_tried_for_a_number_clash() -> None:
    same = ["Police said 11 workers were hurt at the mine.", "Officials said 11 workers were hurt at the mine."]
    differ = ["Police said 11 workers were hurt at the mine.", "Officials said 12 workers were hurt at the mine."]
    options = CompareOptions()
    assert _tension(*same, options, None) is None
    assert _tension(*differ, options, None) is not None
    assert _tried(same) == []
    assert _tried(differ) == [(0, 1)]


# --------------------------------------------------------------------------- anchored matching

_WORDS = [
    *(
        # first words of the date and cue patterns, in both cases, and words around them
        "in In since by from of during through throughout before after until till year the The that That a an one "
        "two twelve this This last Last next past coming early Early late mid Mid mid- earlier later today tonight "
        "yesterday tomorrow morning night weekend week month quarter decade century ago over at on between from to "
        "and first third final Q spring summer autumn fall Winter end beginning start turn every each now soon "
        "currently recently very these formerly annual weekly said says told according According to quoting citing "
        "added pointed out shot back praised found polls show showed fumed went on "
        "January February March April May June July August September October November December Jan Feb Sept Sep "
        "Oct Dec Monday Tuesday Wednesday Thursday Friday Saturday Sunday Black Good Sheffield Times "
        "1 4 05 12 14th 21 31 99 100 1000 1990 1990s 2001 2019 2024 3000 12345 1st 3rd 20th 15:00 6:40 8 PM GMT p.m. "
        "’90s '70s ’s 's xsaid saidx Mayday midJuly éMay ſince K Kelvin İn ٣ ٢٠١٩ _May May_ x\x00y said\x00 "
        "Theresa ' ’ “ ” \" - – / : ; , . ( ) $ £ % # @"
    ).split(" "),
    # phrases the multi-word patterns need whole
    "April 24-26",
    "April 24 through 26, 2019",
    "24-26 April",
    "28 April to 2 May",
    "from 2019 to 2021",
    "between 2019 and 2021",
    "the previous day",
    "the day before",
    "over the weekend",
    "two days ago",
    "3 weeks ago",
    "the third quarter of 2009",
    "Q3 2009",
    "the 20th century",
    "the end of the year",
    "the start of 2009",
    "the following month",
    "the year before",
    "Friday afternoon",
    "every week",
    "twice a week",
    "in the spring of 2019",
    "October last year",
    "early March this year",
    "15:00 GMT",
    "0800 UTC",
    "6:40 p.m.",
    "\u212aelvin",
    "in the 2018 election",
    "the same day",
    "That day",
    "during the weekend",
    "THE DAY BEFORE YESTERDAY",
]
_SEPARATORS = ("", " ", " ", " ", "  ", ", ", "-", ".", ". ", "\n", "\u00a0", "/", "'")


def _invented_texts(n: int, seed: int, words: list[str] = _WORDS) -> list[str]:
    """Texts of the patterns' own words glued by varied separators (words running into words included)."""
    rng = random.Random(seed)
    texts = ["", "May", "said", "2019", "in May", "the day", " Monday", "’90s", "x2019-01-02", "In\u00a0July 4"]
    for _ in range(n):
        k = rng.randint(1, 40)
        parts = [rng.choice(words) + rng.choice(_SEPARATORS) for _ in range(k)]
        texts.append("".join(parts)[: rng.randint(1, 400)])
    return texts


def _anchored_patterns() -> list[tuple[AnchorGroup, Anchored]]:
    return [(g, a) for g in (DATE_ANCHORS, TIMEX_ANCHORS, CUE_ANCHORS) for a in g.patterns]


def test_every_anchored_pattern_can_match_nothing_empty() -> None:
    for _, a in _anchored_patterns():
        assert re._parser.parse(a.pattern.pattern, a.pattern.flags).getwidth()[0] > 0, a.pattern.pattern


def test_anchored_finditer_gives_what_finditer_gives() -> None:
    rng = random.Random(11)
    # the long s matches "s" case-blind: "\u017fix days ago" is "six days ago" to the case-blind patterns, so their
    # anchors must see it too (find_dates itself fails on these: KeyError, the same before and after)
    texts = _invented_texts(1500, seed=5, words=[*_WORDS, "\u017fix days ago", "la\u017ft night", "ye\u017fterday"])
    # every pattern matches somewhere in these texts, so each comparison below can fail
    assert all(any(a.pattern.search(t) for t in texts) for _, a in _anchored_patterns())
    for text in texts:
        per_group = {g: Anchors(text, g) for g in (DATE_ANCHORS, TIMEX_ANCHORS, CUE_ANCHORS)}
        for group, a in _anchored_patterns():
            anchors = per_group[group]
            assert [m.regs for m in anchors.finditer(a)] == [m.regs for m in a.pattern.finditer(text)], (
                a.pattern.pattern[:60],
                text,
            )
            # within bounds, a word the end cuts included ("saidx" seen as "said")
            pos, endpos = sorted(rng.randint(0, len(text) + 1) for _ in range(2))
            got = [m.regs for m in anchors.finditer(a, pos, endpos)]
            assert got == [m.regs for m in a.pattern.finditer(text, pos, endpos)], (a.pattern.pattern[:60], text)


def test_anchored_finditer_at_the_ends_of_the_text_and_across_a_cut() -> None:
    text = "said In May 2019 saidx"
    anchors = Anchors(text, CUE_ANCHORS)
    assert [m.span() for m in anchors.finditer(CUE_AT)] == [(0, 4)]
    # cut inside "saidx": the pattern sees "said" there, as finditer with the same bounds does
    assert [m.span() for m in anchors.finditer(CUE_AT, 1, len(text) - 1)] == [(17, 21)]
    assert [m.span() for m in anchors.finditer(CUE_AT, 1, len(text) - 1)] == [
        m.span() for m in CUE.finditer(text, 1, len(text) - 1)
    ]
    assert list(anchors.finditer(CUE_AT, 5, 3)) == []
    dates = Anchors("May 4", DATE_ANCHORS)
    assert [m.group() for m in dates.finditer(MDY_AT)] == ["May 4"]
    # overlapping candidates: "Monday" is tried inside the match that began at "last" and skipped
    text = "last Monday last week"
    assert [m.group() for m in Anchors(text, DATE_ANCHORS).finditer(WEEKDAY_AT)] == [
        m.group() for m in WEEKDAY.finditer(text)
    ]
    # a pattern of another group is refused, not silently read with the wrong anchors
    with pytest.raises(ValueError):
        dates.starts(CUE_AT)


def test_anchor_memo_started_again_gives_the_same_matches() -> None:
    group = AnchorGroup()
    years = group.add(re.compile(r"(?<!\d)(?:19|20)\d\d\b"), r"\d{4}\Z")
    months = group.add(re.compile(r"\b(?:May|June)\b"), r"(?:May|June)\Z")
    group.MAX_RUNS = 3  # an instance attribute: only this group's memo is small
    for text in ("May 2019 and June 2020", "1999, May, 2001 June", "June"):
        anchors = Anchors(text, group)
        for a in (years, months):
            assert [m.span() for m in anchors.finditer(a)] == [m.span() for m in a.pattern.finditer(text)]
        assert len(group.kinds) <= 6


def test_dates_anchored_equal_the_plain_scan() -> None:
    texts = [
        *_invented_texts(400, seed=9),
        "KCNA said on Wednesday that the talks, held last week in mid-July 2019, would resume next month.",
        "The deal was signed in August, the day before the summit; the previous year it failed. Early 2024.",
        "Between 2019 and 2021, in the 1990s and the '70s, on Sept. 4, 2023 and 14-16 April 2019, 3 days ago.",
    ]
    for published in ("2023-09-14", None):
        for text in texts:
            assert _resolve(text, published, _FINDERS) == _resolve(text, published, _FINDERS, plain=True), text
            assert find_dates(text, published) == [
                DateMention("", text[c.start : c.end], c.start, c.end, c.value, c.granularity)
                for c in _resolve(text, published, _DATE_FINDERS, plain=True)
                if c.dated
            ]


def test_shared_sentences_are_the_sentence_spans_of_each_text() -> None:
    a, b = "One. Two here.\nThree", "Mr. Kim said so. Then he left."
    for text in (a, b, a, a, b, "", b):
        assert sentences(text) == sentence_spans(text)
    assert sentences(a) is sentences(a)  # asked in turn: computed once


def test_masked_quotes_equal_the_character_loop() -> None:
    rng = random.Random(4)
    pieces = ["He said ", "“we go”", " and ", "'maybe'", ' "unclosed', "‘x’", "\n", "“", "”", "It’s ", "a"]
    for _ in range(300):
        text = "".join(rng.choice(pieces) for _ in range(rng.randint(0, 12)))
        chars = list(text)
        for o, c in find_quote_marks(text):
            for i in range(o + 1, c):
                chars[i] = MASK
        assert Speakers(text, []).masked == "".join(chars)


def test_cues_in_masked_text_anchored_on_the_runs_before_masking() -> None:
    rng = random.Random(8)
    quoted = ["“we said so”", '"told you"', "‘added’", "'said it'", "“unclosed said", "”", " ", ", ", "\n"]
    for text in _invented_texts(400, seed=12):
        text = "".join(rng.choice([text, *quoted]) for _ in range(4))
        masked = Speakers(text, []).masked
        anchors = Anchors(masked, CUE_ANCHORS, runs_of=text)
        for pos, endpos in ((0, len(text)), *(sorted(rng.randint(0, len(text)) for _ in range(2)) for _ in range(3))):
            got = [m.regs for m in anchors.finditer(CUE_AT, pos, endpos)]
            assert got == [m.regs for m in CUE.finditer(masked, pos, endpos)], text
    with pytest.raises(ValueError):
        Anchors("said", CUE_ANCHORS, runs_of="said it")


def _terms_plain(article: Article) -> Counter[str]:
    """The token loop ``cluster.vectors.terms`` replaced: one Counter increment per term, in text order."""
    counts: Counter[str] = Counter()
    text = (article.title or "") + "\n" + article.text
    for start, end in sentence_spans(text):
        for i, m in enumerate(vectors._TOKEN.finditer(text, start, end)):
            raw = m.group(0)
            if raw[0].isdigit():
                counts["#" + raw] += 1
                continue
            word = vectors._term(raw)
            if word is None:
                continue
            counts[word] += 1
            if i > 0 and raw[0].isupper() and not raw.isupper():
                counts["@" + word] += 1
    return counts


def test_cluster_terms_count_what_the_token_loop_counted_in_its_order() -> None:
    extra = ["Kim Jong-un's", "NATO", "U.S.", "in 2019.", "1999,", "Élysée", "said.", "Putin", "the", "\n"]
    for k, text in enumerate(_invented_texts(300, seed=21, words=[*_WORDS, *extra])):
        article = Article(f"a{k}", "a.txt", text, title="Kim Meets Putin" if k % 2 else None)
        got = vectors.terms(article)
        assert list(got.items()) == list(_terms_plain(article).items()), text


# The entity token as it was written before its capital was put first: three branches, each opening with it.
_UP = rules._UP
_INITIAL_PLAIN = rf"[{_UP}]\.(?=[ \u00a0]+(?!(?:{rules._OPENERS})\b)[{_UP}][a-z])"
_TOKEN_PLAIN = (
    rf"(?:(?:[{_UP}]\.){{2,}}|{_INITIAL_PLAIN}|[{_UP}][\w]*(?:['’][{_UP}][\w]*)?(?:-[\w]+)*"
    rf"(?:['’]s\b|(?<=s)['’](?=[ \u00a0][{_UP}]))?)"
)
_RUN_PLAIN = re.compile(rf"{_TOKEN_PLAIN}(?:[ \u00a0]+(?:(?:{rules._CONNECTORS})[ \u00a0]+){{0,2}}{_TOKEN_PLAIN})*")
_PIECE_PLAIN = re.compile(rf"{_TOKEN_PLAIN}|\S+")


def test_entity_runs_tried_at_capitals_equal_the_plain_scan() -> None:
    extra = ["Kim Jong-un", "McDonald", "iPhone", "U.S.", "Paul R. Pillar", "Élysée Palace", "Bank of England", "ĆČ"]
    extra += ["U.S.A.", "J. The", "H.W. Bush", "O’Brien’s", "Philippines’ Duterte", "Kim's", "I. In", "A. B. C", "X."]
    for text in _invented_texts(500, seed=17, words=[*_WORDS, *extra]):
        assert rules._runs(text) == [m.span() for m in _RUN_PLAIN.finditer(text)], text
        assert [m.span() for m in rules._PIECE.finditer(text)] == [m.span() for m in _PIECE_PLAIN.finditer(text)]
        for start in range(0, len(text) + 1, 7):
            plain = re.search(r"([A-Za-z]+)\.?\s+$", text[max(0, start - 20) : start])
            assert rules._title_before(text, start) == bool(plain and plain.group(1).lower() in rules.TITLES)


def test_leads_name_the_letters_every_alternative_begins_with() -> None:
    assert leads(r"walk(?:ed)?\s+out|slamm?|(?:is|are)(?=x)|decr(?:y|ie)|test-fir|a\|b") == [
        "walk",
        "slam",
        "is",
        "are",
        "decr",
        "test",
        "a",  # an escaped bar is no alternative
    ]
    # an optional group, a class, an escape or a quantified first letter: no letters every match begins with
    for source in (r"(?:a|b)?c", r"[ab]c", r"\bx", r"x?y", r"walk|\d+"):
        assert leads(source) is None, source
        assert first_words(source) == ""  # every run: the pattern is tried everywhere it can begin
    assert re.fullmatch(first_words("sign|(?:met|meet)"), "SIGN") is not None


def _plain_line_kind(sentence: str) -> str:
    """``timeline.line_kind`` with both verb patterns scanned over every character, as it was written first."""
    body = timeline._QUOTED.sub(" ", sentence.strip())
    if timeline._MOOD_SUBJECT.match(body) and not timeline._KIND_VERB.search(body):
        return "colour"
    verbs = sorted(
        [(m.start(), "r" if m.group("r") else "h") for m in timeline._KIND_VERB.finditer(body)]
        + [(m.start(), "c") for m in timeline._COLOUR_VERB.finditer(body)]
    )
    for start, kind in verbs:
        if kind == "c":
            if timeline._FIGURE_AFTER.match(body, body.find(" ", start)):
                return "other"
            return "colour"
        if start == 0 or timeline._NOUN_BEFORE.search(body, max(0, start - 12), start):
            continue
        return "reaction" if kind == "r" else "happening"
    return "other"


def test_line_verbs_tried_at_their_first_words_equal_the_plain_scan() -> None:
    verbs = [
        *(lead + suffix for lead in leads(timeline._HAPPENING_VERB) or [] for suffix in ("", "ed", "s", "ing", "x")),
        *(lead + suffix for lead in leads(timeline._REACTION_VERB) or [] for suffix in ("", "ed", "es")),
        *(leads(timeline._COLOUR_WORDS) or []),
    ]
    words = [
        *verbs,
        "walked out",
        "test-fired",
        "expressed deep concern",
        "called for calm",
        "urged both sides",
        "were quiet",
        "is in Brenholt",
        "stood at 7.2 percent",
        "The mood",
        "the attack",
        "Police",
        "\u017figned",  # the long s is "s" to a case-blind pattern
        "KILLED",
        "5killed",
        "“killed”",
        "report",
        "reported a loss",
    ]
    texts = _invented_texts(1500, seed=21, words=words)
    assert all(any(a.pattern.search(t) for t in texts) for a in timeline._LINE_ANCHORS.patterns)
    kinds = Counter()
    for text in texts:
        anchors = Anchors(text, timeline._LINE_ANCHORS)
        for a in timeline._LINE_ANCHORS.patterns:
            assert [m.regs for m in anchors.finditer(a)] == [m.regs for m in a.pattern.finditer(text)], text
        kind = timeline.line_kind(text)
        assert kind == _plain_line_kind(text), text
        kinds[kind] += 1
    assert set(kinds) == {"happening", "reaction", "colour", "other"}, kinds


def test_ascii_folded_keeps_every_letter_a_case_blind_regex_matches() -> None:
    # Every character re matches with an ASCII letter case-blind becomes that letter: a word missing from
    # ``ascii_folded(text)`` is in no case-blind match, which the prechecks built on it rely on.
    every = "".join(chr(c) for c in range(0x110000) if not 0xD800 <= c < 0xE000)
    for letter in "abcdefghijklmnopqrstuvwxyz":
        for m in re.finditer(letter, every, re.I):
            assert ascii_folded(m.group()) == letter, (hex(ord(m.group())), letter)
    assert ascii_folded("News ſervice, NEWSWİRE") == "news service, newswire"


@pytest.mark.parametrize(
    ("text", "found"),
    [
        ("PORTVALE, May 2 (NNS) - Pilots ended a strike.", {"NNS": "NNS"}),
        ("Talks failed, the state NEWS AGENCY MPA said.", {"MPA": "MPA"}),
        # re folds "ſ" into "s" and "İ", "ı" into "i": the case-blind patterns still run on such a text
        ("Talks failed, the state news ſervice MPA said.", {"MPA": "MPA"}),
        ("Talks failed, the MPA NEWSWİRE reported.", {"MPA": "MPA"}),
        ("Talks failed, the MPA newswıre reported.", {"MPA": "MPA"}),
        ("Talks failed, the Harbour Newswire (HW) said.", {"HW": "HW"}),
        ("Talks failed, the Harbour Wire (HW) said.", {"HW": "HW"}),
        ("Talks failed, Ghana News Agency said.", {"Ghana News Agency": "Ghana News Agency"}),
        ("A wire sERVICE Prensa Nueva said so.", {"Prensa Nueva": "Prensa Nueva"}),
        ("Talks failed, officials said.", {}),
    ],
)
def test_local_agencies_reads_every_pattern_its_precheck_allows(text: str, found: dict[str, str]) -> None:
    assert local_agencies(text) == found


def test_str_split_cuts_at_what_re_whitespace_matches() -> None:
    # ``normalise`` joins ``str.split()`` for ``re.sub(r"\s+", " ", ...).strip()``: the two must agree on whitespace
    every = "".join(chr(c) for c in range(0x110000) if not 0xD800 <= c < 0xE000)
    assert "".join(re.findall(r"\s", every)) == "".join(c for c in every if c.isspace())
    assert normalise(" A\u2003\u2003B\u00a0C\u3000\n") == "a b c"


@pytest.mark.parametrize(
    "end", ["", " —", " ›", ":|", ".", " »", " …", " -", " –", " •", " >", "\n", " :\n", "a", "\u3000"]
)
def test_chrome_key_is_the_substitution_it_skips_when_the_line_ends_otherwise(end: str) -> None:
    text = "Share this article" + end
    assert _chrome_key(text) == re.sub(r"[\s:|»›>•…\.\-–—]+$", "", text).strip().lower()
    assert is_chrome(text)


def test_normalise_line_collapses_spaces_only_where_two_stand() -> None:
    assert _normalise_line("  a\u00a0 b\t\tc  d ") == "a b c d"
    assert _normalise_line("a b\u200b") == "a b"


def test_agency_patterns_with_the_look_behind_after_the_first_character_match_as_before() -> None:
    # agencies moves each pattern's opening look-behind after its first character (re then scans for that
    # character); the forms it had are the reference
    cap, head, code = agencies._CAP_WORD, agencies._AGENCY_HEAD, agencies._CODE
    edge = r"(?<![\w’'&.-])"
    table, what = agencies._table_regex()
    local = ["MPA", "Meridian Press Agency", "N.N.S", "Prensa Nueva", "-X", "’Q"]
    pairs = [
        (rf"{edge}((?:{cap}\s+){{1,4}}(?:{head}))(?![\w-])", agencies._NAMED),
        (rf"{edge}((?:{cap}\s+){{1,4}}(?:{head}|Wire|Newswire))\s*\(\s*({code})\s*\)", agencies._NAMED_WITH_CODE),
        (rf"(?<![\w-])({code})\s+(?i:{agencies._NEWS_NOUN})\b", agencies._CODE_THEN_NOUN),
        (rf"(?<![\w-])(?:{agencies._alternation(what)})(?![\w-])", table),
        (rf"(?<![\w-])(?:{agencies._alternation(local)})(?![\w-])", agencies._edged(local)),
    ]
    pieces = [
        *("Ghana", "News", "Agency", "Service", "Press", "Telegraphic", "Wire", "Newswire", "news agency", "MPA"),
        *("AFP", "Korean Central News Agency", "KCNA", "Reuters", "Prensa Nueva", "N.N.S", "X", "Q", "said", "A"),
        *(" ", " ", "  ", "\n", "(", ")", "-", "'", "’", "&", ".", ",", "3", "_", "s"),
    ]
    rng = random.Random(7)
    texts = ["".join(rng.choice(pieces) for _ in range(rng.randint(1, 40))) for _ in range(4000)]
    texts += ["the state news agency MPA said", "Meridian Press Agency (MPA) and Harbour Wire (HW)", "x-AFP AFP"]
    for old, new in pairs:
        before = re.compile(old)
        for text in texts:
            got = [(m.span(), m.groups()) for m in new.finditer(text)]
            assert got == [(m.span(), m.groups()) for m in before.finditer(text)], (old[:40], text)


@pytest.mark.parametrize(
    "text",
    [
        *("news agency", "NEWS\u3000\u3000SERVICE", "Press\n\tAgency", "wire ſervice", "NEWSWİRE", "Newswire"),
        *("newsagency", "military service", "the agency said", "news, agency", "", "agency news service agency"),
        "press-agency",
    ],
)
def test_news_noun_precheck_holds_every_text_the_noun_matches_in(text: str) -> None:
    # necessary: wherever the case-blind noun matches; here, on these texts, also sufficient
    noun = re.compile(rf"(?i:{agencies._NEWS_NOUN})")
    assert agencies._news_noun_in(ascii_folded(text)) == (noun.search(text) is not None)


@pytest.mark.parametrize(
    "line",
    [
        *("Kim meets Putin", "KIM MEETS PUTIN!", "“Kim” meets — Putin", "Kim meet Putin", "Kims meets Putin", "..."),
        *("", "Him meets Putin", "ΟΔΟΣ meets Putin", "ΟΔΟΣ", "_Kim meets Putin", "Kim’s meeting", "Kim's meeting"),
        " kim",
    ],
)
@pytest.mark.parametrize("title", ["Kim meets Putin", "ΟΔΟΣ", "Kim's meeting", "...", "kim"])
def test_same_text_first_word_precheck_decides_as_the_whole_comparison(line: str, title: str) -> None:
    assert _same_text(line, title) == (_comparable(line) == _comparable(title))


def test_lone_skipped_words_make_no_segment_and_possessives_take_the_loop() -> None:
    # _split_run returns at once for a run of one function or date word; possessives ("Monday's", "Mays'") go
    # through the loop, which cuts them (these results are those of the code before the shortcut)
    text = (
        "The talks ended. He said Monday that The Hague and Monday's vote, Its own May. Thursday. "
        "Mr. Kim of The Times met May and Mays' aides on Sunday; However Putin left."
    )
    assert [(text[s:e], k) for s, e, k in rules.rule_spans(text)] == [("Kim", "PERSON"), ("Times", "ORG")]
    assert rules._split_run(text, 0, 3) == []  # "The"
    assert rules._split_run(text, 51, 59) == []  # "Monday's"
    assert [seg.toks for seg in rules._split_run(text, 122, 127)] == [[(122, 126), (126, 127)]]  # "Mays'"


def test_is_ptb_prechecks_decide_as_the_scans() -> None:
    def scanned(text: str) -> bool:  # is_ptb before its prechecks
        if ptb._STRONG.search(text):
            return True
        sample = text[:5000]
        return bool(sample) and len(ptb._SOFT.findall(sample)) * 1000 / len(sample) >= ptb._SOFT_PER_1000

    pieces = ["Libya", " 's", " n't", "do", " ,", " .", " ;", " :", " ?", " !", " ", "\n", "-LRB-", "-RRB-", "``"]
    pieces += ["''", " 're", " 'd", "it", "'s", ",", ".", "x", "B-", "n't", " '", " n'"]
    rng = random.Random(11)
    texts = ["".join(rng.choice(pieces) for _ in range(rng.randint(0, 60))) for _ in range(3000)]
    texts += ["word " * 300 + "Libya 's leader spoke , officials said ." * k for k in range(6)]
    # sparse markers, around the bar (five per 1,000 characters)
    prose = [*pieces, *["plain words of prose "] * 80]
    texts += ["".join(rng.choice(prose) for _ in range(rng.randint(1, 400))) for _ in range(600)]
    for text in texts:
        assert ptb.is_ptb(text) == scanned(text), text


@pytest.mark.parametrize(
    "line",
    [
        *("All Rights Reserved.", "This story may not be republished.", "Reproduction is prohibited", "x"),
        *("This story is auto-generated from a syndicated feed.", "Follow him on Twitter", "Privacy Policy", "TERMS"),
        *("Terms of Service apply", "We use COOKIES on this site", "The cookie jar", "Our ſervice, your rights"),
    ],
)
def test_chrome_anywhere_words_hold_a_word_of_every_match(line: str) -> None:
    # each line that matches holds one alternative's word alone: a word missing from the precheck fails here
    low = ascii_folded(line)
    if clean._CHROME_ANYWHERE.search(line):
        assert any(w in low for w in clean._CHROME_ANYWHERE_WORDS)
        assert is_chrome(line)
    if clean._COOKIE.search(line):
        assert "cookie" in low


def test_lists_any_agrees_with_the_ids_listed() -> None:
    from storyline.cluster.clusterer import TermIndex

    rng = random.Random(7)
    index = TermIndex(cap=6)
    terms = [f"t{i}" for i in range(30)]
    ids = [f"s{i}" for i in range(40)]
    for _ in range(300):
        index.touch(rng.choice(ids), rng.sample(terms, rng.randint(1, 5)))
    for _ in range(2000):
        asked = rng.sample(terms, rng.randint(0, 10))
        wanted = set(rng.sample(ids, rng.choice([0, 1, 2, 3, 20])))
        assert index.lists_any(asked, wanted) == (not wanted.isdisjoint(index.listed(asked)))


def _sentence_spans_plain(text: str) -> list[tuple[int, int]]:
    """The sentence splitter as it was: the three-branch boundary regex, the whole word before each full stop
    scanned back character by character."""
    spans: list[tuple[int, int]] = []
    start = 0

    def add(s: int, e: int) -> None:
        kept = text[s:e]
        if kept.strip():
            s += len(kept) - len(kept.lstrip())
            spans.append((s, s + len(kept.strip())))

    for m in re.finditer(r"""[.!?]+["'”’)\]]*(?=\s+|$)|\n\s*\n|\n""", text):
        end = m.end()
        if m.group(0)[0] == ".":
            p = m.start()
            while p > start and (text[p - 1].isalnum() or text[p - 1] in "_."):
                p -= 1
            w = text[p : m.start()].lower()
            if w and (w in text_module._ABBREV or (len(w) == 1 and w.isalpha())):
                continue
            if text[end : end + 2].lstrip()[:1] == "/":
                continue
        add(start, end)
        start = end
    add(start, len(text))
    return spans


def test_sentence_spans_equal_the_three_branch_scan() -> None:
    rng = random.Random(31)
    pieces = [
        *("Mr", "mr", "U.S", "u.s", "approx", "approxx", "Sept", "Inc", "a", "B", "4", "é", "Élysée", "İ", "_", "x_y"),
        *("said", "Kim", "word", "longerword", "etc", "no", "vs", "1.5", "/TASS/"),
        *(".", ". ", "..", "!", "?!", "?", '."', ".”", ".)", ".’", ".]", "'", "”", ")", " ", "  ", "\t", "\u00a0"),
        *("\n", "\n\n", "\n \n", " \n", "\n\t\n ", "\u2028", "\r\n", ". /", ".  /x", ".\u00a0/"),
    ]
    texts = [
        "",
        ".",
        "\n",
        "Mr.",
        "a.",
        "Mr. Kim.",
        "x." * 30,
        "approx. 5",
        "4.5 m.\n\nNext",
        "end.\n",
        "Sept. 14. /TASS/.",
    ]
    texts += ["".join(rng.choice(pieces) for _ in range(rng.randint(1, 60))) for _ in range(3000)]
    for text in texts:
        assert sentence_spans(text) == _sentence_spans_plain(text), text
    # the regex's [\w.] is the plain scan's isalnum() or "_.", for every character
    for c in map(chr, range(0x30000)):
        assert (text_module._WORD_BEFORE.fullmatch(c) is not None) == (c.isalnum() or c in "_."), hex(ord(c))


def test_after_line_break_reads_what_the_prefix_copy_read() -> None:
    rng = random.Random(41)
    for _ in range(2000):
        text = "".join(rng.choice(["a", " ", "\t", "\n", "\r", "\u00a0", "."]) for _ in range(rng.randint(0, 12)))
        for pos in range(len(text) + 1):
            assert _after_line_break(text, pos) == text[:pos].rstrip(" \t").endswith("\n"), (text, pos)


_QUOTE_PIECES = [
    *("Premier Lina Ortega said the harvest would be the largest in a decade", ", state news agency Prensa Nueva said"),
    *("Kremlin spokesman Dmitry Peskov said Wednesday a second summit is not yet planned", "She said she was "),
    *("“confident the repairs will hold”", " this winter", "Officials said the talks were 'very productive'"),
    *(", said in a statement carried by KCNA", " comments relayed by state media", " run by", " released on Monday by"),
    *("The talks will resume next month, Minister Lena Holt said, adding that both sides want a deal", "He told"),
    *(" reporters", " according to Yonhap", ", quoting KCNA", "“We are going to fight on until June.”", " it said"),
    *("Barkley, who said he usually votes for the left, said either candidate could win", "Reporting by Ann Lee"),
    *("BEIJING (Xinhua) -- The state news agency said the harvest was the largest on record", "Moscow said"),
    *(". ", ".\n", "\n\n", " ", ", ", ": ", "“", "”", '"', "by", "nearby", "Kim", "the drills were a provocation"),
]


def _quote_texts(n: int, seed: int) -> list[str]:
    """Texts of attribution clauses, quotes, relays and credits glued in random order."""
    rng = random.Random(seed)
    return ["".join(rng.choice(_QUOTE_PIECES) for _ in range(rng.randint(1, 30))) for _ in range(n)]


def test_relay_matches_hold_the_precheck_word() -> None:
    matched = 0
    for text in _quote_texts(400, seed=43):
        for m in context_module._RELAY.finditer(text):
            assert context_module._RELAY_WORD in m.group(0), text
            matched += 1
    assert matched > 50  # the texts hold relays, so a wrong word fails above


def test_sentences_that_may_not_report_report_nothing() -> None:
    reporting = 0
    for text in _quote_texts(400, seed=47):
        ctx = Context(text, find_mentions(text, use_nlp=False))
        for ss, se in ctx.sentences:
            ctx.attributions(ss, se)  # in reading order, as find_quotes reads them
        for ss, se in ctx.sentences:
            statements = ctx.reported(ss, se)
            assert ctx.may_report(ss, se) or not statements, text
            reporting += bool(statements)
    assert reporting > 300  # sentences with statements abound, so a check that skips one fails above


def _split_run_plain(text: str, start: int, end: int) -> list[tuple[list[tuple[int, int]], bool, bool]]:
    """The run splitter without its cache: the lone-word check and the cut read in the text itself."""
    toks = [m.span() for m in rules._PIECE.finditer(text, start, end)]
    if len(toks) == 1:
        word = text[slice(*toks[0])]
        low = word.lower().rstrip(".")
        if (low in rules.FUNCTION_WORDS or low in rules._DATE_WORDS) and not word.endswith(("'s", "’s", "s'", "s’")):
            return []
    segs = rules._cut_tokens(text, start, end, sentence_initial(text, start), rules._title_before(text, start))
    return [(seg.toks, seg.person_cue, seg.initial) for seg in segs]


def test_runs_cut_once_and_moved_equal_the_cut_in_place() -> None:
    names = ["Kim Jong-un", "Paul R. Pillar", "Bank of England", "The Hague", "Mays'", "Monday's", "Kim's", "U.S."]
    names += ["President Vladimir Putin", "Defence Minister Sergei Shoigu", "Secretary of State", "Former Pennsylvania"]
    names += ["Raising Kim's", "Philippines' capital", "Highland Mineworkers' Union", "World War I. The", "People's"]
    names += ["Russian Pacific Fleet", "Mr.", "Sen.", "ĆČ Đorđe", "Élysée Palace", "NATO", "May", "Mr Kim", "O’Brien"]
    extra = ["said", "the", "of", "and", ". ", "; ", ": ", "\n", "“", "(", " - ", ", "]
    rng = random.Random(53)
    rules._cut_run.cache_clear()
    seen = 0
    for text in _invented_texts(600, seed=59, words=[*names, *extra, *_WORDS[:40]]):
        text = rng.choice(["", "Mr ", "The ", ". ", "President "]) + text
        for start, end in rules._runs(text):
            got = [(seg.toks, seg.person_cue, seg.initial) for seg in rules._split_run(text, start, end)]
            assert got == _split_run_plain(text, start, end), (text, start, end)
            seen += bool(got)
    assert seen > 1000 and rules._cut_run.cache_info().hits > 1000


def test_line_ends_and_visible_text_read_without_a_regex_equal_the_regexes() -> None:
    every = "".join(chr(c) for c in range(0x110000) if not 0xD800 <= c < 0xE000)
    assert "".join(c for c in every if c.isspace()) == clean._WHITESPACE  # what re's \s matches (test above)
    rng = random.Random(61)
    pool = [*".!?…\"'”’)]“(", *":|»›>•….-–—", *"ab A\t\n\r", "\u00a0", "\u2003", "\u3000", "\x1c", "\x85"]
    pool += ["\u200b", "\ufeff", "\u2060", "\u00ad", "é", "word", " said.", "Share this"]
    terminal = re.compile(r"""(?:[.!?…]["'”’)\]]*|[”"])$""")
    texts = ["", "\n", ".\n", ".\n\n", '"\n', "a.", "a.)", "a.”\n", "a)\n", "…", "”"]
    texts += ["".join(rng.choice(pool) for _ in range(rng.randint(1, 12))) for _ in range(20000)]
    for text in texts:
        assert clean._ends_terminal(text) == (terminal.search(text) is not None), repr(text)
        assert _chrome_key(text) == re.sub(r"[\s:|»›>•…\.\-–—]+$", "", text).strip().lower(), repr(text)
        assert clean._visible(text) == text.translate(clean._INVISIBLE), repr(text)


def test_runs_of_an_ascii_text_split_as_the_unicode_pattern_splits() -> None:
    rng = random.Random(67)
    ascii_chars = [chr(c) for c in range(128)]
    for _ in range(3000):
        text = "".join(rng.choice([*ascii_chars, "'9", "ab", "19", "_x"]) for _ in range(rng.randint(0, 40)))
        assert anchors_module._RUNS_ASCII.split(text) == anchors_module._RUNS.split(text), repr(text)


def test_runs_no_then_matches_are_classified_as_each_then_classifies_them() -> None:
    # classify tries every ``then`` only on a run the joined ``any_then`` matches: the keys equal those of each
    # ``then`` tried alone, for every group and run of texts made of the patterns' own words
    runs = {r for text in _invented_texts(600, seed=73) for r in anchors_module._split(text)[0]}
    runs |= {w.upper() for w in runs} | {w.capitalize() for w in runs} | {"\u017fix", "K\u212aay", "day", "Days"}
    keyed = 0
    for group in (DATE_ANCHORS, TIMEX_ANCHORS, CUE_ANCHORS):
        conditional = [p for p in group.patterns if p.then is not None]
        group.classify(sorted(runs))
        for run in runs:
            expected = frozenset(p.key for p in conditional if p.then is not None and p.then.match(run))
            assert group.thens[run] == expected, run
            keyed += bool(expected)
    assert keyed > 50  # runs the thens match abound, so a then missing from the joined pattern fails above


def test_titles_searched_in_stretches_with_a_role_head_equal_the_whole_search() -> None:
    from storyline.extract.entities import titles

    rng = random.Random(79)
    words = ["the", "The", "Russian", "North", "South", "Korean", "Russia's", "Russia’s", "Kim", "Putin", "Vladimir"]
    words += ["leader", "president", "minister", "foreign", "defence", "defense", "prime", "former", "chief", "head"]
    words += ["ahead", "headline", "leaders", "Leader", "spokesman", "state", "military", "supreme", "said", "5", "é"]
    words += ["_", "-", ",", ".", "(", ")", "\n", "\u00a0", "'s", "’s", "Ministry", "Xi", "Chinese", "leader5"]
    words += ["the North Korean leader", "Russia's foreign minister", "the Chinese president", "the Iranian leaderé"]
    found = 0
    for _ in range(3000):
        seps = [" ", " ", "  ", "\u00a0", "", ", ", "\n", "-", "_"]
        text = "".join(rng.choice(words) + rng.choice(seps) for _ in range(rng.randint(1, 30)))
        got = [m.regs for m in titles._title_matches(text)]
        assert got == [m.regs for m in titles.TITLE.finditer(text)], text
        found += len(got)
    assert found > 1000


def test_dateline_lines_asked_again_are_told_as_the_first_time() -> None:
    from storyline.clean import is_dateline_line, match_dateline

    lines = ["SEOUL, Sept. 4 (Yonhap) -- Kim said.", " TOKYO (AP) — x", "On Thursday, Sept. 14, Kim arrived", "", "  "]
    lines += ["PORTVALE, April 20 /NNS/ - Fishermen", "MOSCOW, September 14. /TASS/. The", "Kim said so."]
    for line in lines * 3:
        assert is_dateline_line(line) == (match_dateline(line.strip()) is not None), line
    assert is_dateline_line.cache_info().hits >= 2 * len(lines)


def test_title_before_read_from_the_end_equals_the_window_search() -> None:
    rng = random.Random(83)
    pool = ["Mr", "mr", "President", "Sen", "Gen", "Dr", "Doctor", "x", "é", "Ms", ".", "..", " ", "  ", "\n", "\t"]
    pool += ["\u00a0", "\u2003", "'", "-", "1", "_", "Kim", "said", "the", "İ", "ſ", "K\u212a"]
    found = 0
    texts = ["".join(rng.choice(pool) for _ in range(rng.randint(0, 30))) for _ in range(3000)]
    # a title cut by the window's start, or not: every padding up to past the window
    texts += [f"x {w}{dot}{' ' * n}Kim" for w in ("President", "Sen", "Dr") for n in range(1, 22) for dot in ("", ".")]
    for text in texts:
        for start in range(len(text) + 1):
            plain = re.search(r"([A-Za-z]+)\.?\s+$", text[max(0, start - 20) : start])
            expected = bool(plain and plain.group(1).lower() in rules.TITLES)
            assert rules._title_before(text, start) == expected, (text, start)
            found += expected
    assert found > 1000


def test_via_credits_told_with_the_via_precheck_as_without() -> None:
    rng = random.Random(89)
    pool = ["KCNA", "via", "VIA", "Via", "REUTERS", "Reuters", " ", ".", "(", ")", "x", "photo", "vía", "\u00a0", "a"]
    told = 0
    for _ in range(20000):
        line = "".join(rng.choice(pool) + rng.choice(["", " "]) for _ in range(rng.randint(1, 14)))
        plain = len(line.split()) <= 8 and re.search(r"\bvia\s+[A-Z]", line) is not None
        assert clean._via_credit(line) == (plain and not clean._ends_terminal(line)), line
        told += clean._via_credit(line)
    assert told > 500


def test_masked_stretches_equal_the_character_assignment() -> None:
    from storyline.extract.quotes.speakers import _masked

    rng = random.Random(97)
    for _ in range(5000):
        text = "".join(rng.choice("ab “”'\n") for _ in range(rng.randint(0, 30)))
        marks = sorted((rng.randint(0, len(text)), rng.randint(0, len(text))) for _ in range(rng.randint(0, 4)))
        chars = list(text)
        for o, c in marks:
            chars[o + 1 : c] = MASK * max(0, c - o - 1)
        assert _masked(text, marks) == "".join(chars), (text, marks)


def test_segments_typed_once_per_spelling_equal_the_typing_in_place() -> None:
    # rule_spans types a segment from its run's memo (what its own characters say) and asks in place only whether
    # a lower-case title follows it: the spans equal those of the plain path, which cuts and types in the text
    names = ["Kim Jong-un", "Paul R. Pillar", "Bank of England", "Russian Pacific Fleet", "North Korean Kim Yo Jong"]
    names += ["Ed Rendell", "Pennsylvania", "Xi Jinping", "Russian Far East", "World War II", "Ministry of Defence"]
    names += ["Élysée Palace", "ĆČ Đorđe", "NATO", "KCNA", "Henry VIII", "Mr Kim", "President Putin", "U.S. Navy"]
    names += ["Kim's", "Mays'", "Ortega", "Lina Ortega", "Sea of Japan", "Dutch Mark Rutte", "Chinese Xi", "May"]
    names += ["Straße Berlin", "ſam Smith", "Iıan Oak", "\u212aelvin Ray", "ﬁnn Lake", "Ann\u00a0Lee", "Abc\u00a0Def"]
    after = ["governor", "senator", "spokesman", "said", "says", "of", "the", "and", "aide", "governors", "leader5"]
    extra = [". ", ", ", "; ", "\n", " in ", " city of ", " the ", "“", "(", " - ", "", "\u00a0"]
    rng = random.Random(101)
    texts = ["", " ", "\u00a0", "Kim", "Ed Rendell governor", "Ed Rendell", "Russian Pacific Fleet said"]
    for _ in range(1500):
        parts = []
        for _ in range(rng.randint(1, 25)):
            parts.append(rng.choice(names) + rng.choice([" ", " ", "\u00a0", ""]) + rng.choice([*after, *extra]))
            parts.append(rng.choice(extra))
        texts.append("".join(parts))
    rules._cut_run.cache_clear()
    typed = 0
    for text in texts:
        got = rules.rule_spans(text)
        assert got == rules.rule_spans(text, plain=True), text
        typed += len(got)
    assert typed > 10000 and rules._cut_run.cache_info().hits > 1000
    # the same run with and without a lower-case title after it: typed in place each time
    for text in ["Ed Rendell governor. Ed Rendell said.", "Ed Rendell said. Ed Rendell governor."]:
        assert rules.rule_spans(text) == rules.rule_spans(text, plain=True), text


def test_quote_patterns_compiled_once_match_as_the_module_functions() -> None:
    # the attribution helpers call their small patterns compiled once; each finds what re's module-level function
    # found with the source and flags the helper passed it before, on text made of the words and marks they read
    from storyline.extract.quotes import clauses, speakers

    before = [
        (clauses._DET_OPENING, r"^(?:(?:the|a|an|The|A|An)\s+)", 0),
        (clauses._POSSESSIVE_END, r"['’]s$", 0),
        (clauses._COMMA_OR_AND_END, r"(?:,|\band)\s*$", 0),
        (clauses._NEXT_WORD, r"\s+(\w+)", 0),
        (clauses._LAST_WORD, r"(\w+)\s+$", 0),
        (clauses._SO_BEFORE, r"\bso[- ]\s*$", 0),
        (clauses._TO_BEFORE, r"\bto\s+$", 0),
        (clauses._BARE_NOT_SPEECH_AFTER, r"\s+(?:tank|tanks|about|of|back|so|twice|again)\b", 0),
        (clauses._CONNECTIVE_OPENING, r"(?:(?:and|or|of|but|so|yet)(?:\s+|$))+", re.IGNORECASE),
        (clauses._MODIFIER_WORDS, r"((?:[a-z][a-z-]*\s+){1,2})$", 0),
        (clauses._APPOSITIVE_HEAD, r"\s*([^,;:()\x00]{2,80}?),\s*(?:[^,;:\x00]{1,120},\s*){1,3}$", 0),
        (clauses._CONNECTIVE_ENDING, r"(?:\s+(?:and|or|of|the|a|an))+$", 0),
        (context_module._A_WORD_CHAR, r"\w", 0),
        (context_module._DESCRIBED_AS, r"\s+(?:\w+\s+)?as\b", 0),
        (context_module._WORD_NEXT, r"\s*\w", 0),
        (context_module._QUOTED_SOURCE, r"\s+(.{1,80}?)\s+as\s+(?:saying|telling\s+\S+)\b", 0),
        (context_module._COMMA_SPACED, r"\s*,\s*", 0),
        (speakers._AND_OR_COMMA, r"\band\b|,", 0),
        (speakers._COLON_END, r"[;:]\s*$", 0),
        (speakers._CLAUSE_MARK, r"[,;:]", 0),
        (speakers._PRONOUN_OPENING, r"\s*(?:[A-Z][a-z]+,\s+)?(He|She)\b", 0),
        (speakers._ANY_PRONOUN_OPENING, r"\s*(?:[A-Z][a-z]+,\s+)?(he|she|He|She)\b", 0),
    ]
    rng = random.Random(103)
    pool = ["the", "The", "a", "An", "and", "AND", "or", "of", "so-", "so ", "to", "tank", "as", "saying", "He", "she"]
    pool += ["Kim", "Kim's", "Kim’s", "said", "quoted", "telling", ",", ";", ":", " ", "  ", "\n", "\u00a0", "\x00"]
    pool += ["ſo", "ı", "\u212a", "ﬁ", "é", "-", "", "SO", "İt", "x1", "Ann,", "Kim, "]
    found = 0
    for _ in range(4000):
        text = "".join(rng.choice(pool) + rng.choice(["", " ", ", "]) for _ in range(rng.randint(0, 16)))
        for pattern, source, flags in before:
            for fn in ("match", "search"):
                got = getattr(pattern, fn)(text)
                plain = getattr(re, fn)(source, text, flags)
                assert (got and got.regs) == (plain and plain.regs), (source, text)
                found += got is not None
            assert pattern.sub("", text) == re.sub(source, "", text, flags=flags)
    assert found > 20000


def test_speaker_phrase_read_from_the_last_tokens_equals_the_walk_over_every_token() -> None:
    # np_before tokenizes the last stretch before the cue first, from a space outside any parenthesis, and the
    # whole sentence only when its walk reads past that stretch: the phrase found equals the walk over every token
    from storyline.extract.quotes import clauses

    rng = random.Random(107)
    pool = ["the", "The", "Kim", "Jong-un", "state", "news", "agency", "KCNA", "said", "and", "or", "also", "on"]
    pool += ["Tuesday", "he", "officials", "election", "flatly", "(KCNA)", "(the Korean Central News Agency)", "("]
    pool += [")", "U.S.", "Mr.", ",", ";", ".", "“", "”", MASK * 30, MASK, "\u00a0", "ſam", "ı", "\u212a", "ﬁ", "é"]
    pool += ["who", "that", "reports", "media", "Putin's", "Putin’s", "-", "&", "x" * 120, "(" + "y " * 40 + ")"]
    near = 0
    for _ in range(3000):
        seps = [" ", " ", "  ", "", "\u00a0", "\n", "\t"]
        masked = "".join(rng.choice(pool) + rng.choice(seps) for _ in range(rng.randint(0, 80)))
        for _ in range(6):
            lo = rng.randint(0, len(masked))
            hi = rng.randint(lo, len(masked))
            plain = clauses._np_before(masked, lo, list(NP_TOK.finditer(masked, lo, hi)), whole=True)
            assert clauses.np_before(masked, lo, hi) == plain, (masked, lo, hi)
            at = clauses._token_boundary(masked, lo, hi - clauses._NP_REACH, hi)
            if at > lo:
                tail = list(NP_TOK.finditer(masked, at, hi))
                assert [t.regs for t in tail] == [t.regs for t in NP_TOK.finditer(masked, lo, hi) if t.start() >= at]
                near += clauses._np_before(masked, lo, tail, whole=False) is not clauses._READ_ON
    assert near > 2000  # phrases decided in the last stretch abound, so a wrong one fails above
    assert clauses.np_before("", 0, 0) is None


def test_country_codes_remembered_per_name_equal_the_codes_read_in_the_tables() -> None:
    # country_code remembers its answer per name (while the tables stay the same object): asked in any order, twice,
    # and after the memo was started again, each answer equals the one read in the tables
    from storyline.extract.entities import places

    rng = random.Random(109)
    names = ["Korea", "South Korea", "S. Korea", "Republic of Korea", "Korea, Republic of", "ROK", "D.P.R.K.", "rok"]
    names += ["The Netherlands", "Netherlands", "the Gambia", "North Korea", "N. Korea", "Russian Federation", "US"]
    names += ["U.S.", "USA", "Kim", "Pyongyang", "", " ", "Türkiye", "Turkiye", "Côte d'Ivoire", "ſweden", "Sweden"]
    names += ["\u212aenya", "Kenya", "İran", "Iran", "ıran", "ﬁji", "Fiji", "New\u00a0Zealand", "New Zealand", "UAE"]
    tables = places._tables()
    coded = 0
    for _ in range(3):
        places._CODE_MEMO.clear()
        for name in rng.sample(names, len(names)) * 2:
            expected = places._country_code(name, tables)
            assert places.country_code(name) == expected, name
            coded += expected is not None
    assert coded > 60
    places._CODE_MEMO_TABLES[:] = []  # another tables object: the memo is started again
    places._CODE_MEMO["Kim"] = "XX"
    assert places.country_code("Kim") is None
    assert places._CODE_MEMO_TABLES[0] is tables
