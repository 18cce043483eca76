"""Tests for storyline.dedupe: duplicates, reused passages, independent sources.

All article texts here are invented for the tests; the seed test reads ../shared at run time.
"""

from __future__ import annotations

import dataclasses
import random
import re
from pathlib import Path

import pytest

from storyline.dedupe import DedupeOptions, dedupe, find_duplicates, find_passages, independent_sources
from storyline.records import Article, Duplicate, Passage

P1 = (
    "The government of Valdoria opened a new deep-water port at Kessel on Tuesday, ending six years "
    "of construction that was repeatedly delayed by floods, strikes and a dispute over land with "
    "local fishing families."
)
P2 = (
    "Transport minister Ilse Marrow told reporters at the ceremony that the port would handle two "
    "million containers a year by 2027 and create about four thousand permanent jobs in the "
    "surrounding province."
)
P3 = (
    '"This harbour will carry our grain to every market on the northern sea and bring back the '
    'machines our farms have waited for," Marrow said, standing beside the first cargo ship to dock.'
)
P4 = (
    "Critics in parliament said the project cost nearly twice its original budget and accused the "
    "ministry of hiding the final bill in three separate accounts that were never presented for a vote."
)
P5 = (
    "The ministry rejected the accusation on Wednesday and promised to publish an audit of the "
    "contracts before the end of the summer."
)
SOURCE_TEXT = "\n\n".join([P1, P2, P3, P4, P5])

MARROW_QUOTE = (
    "This harbour will carry our grain to every market on the northern sea and bring back the "
    "machines our farms have waited for"
)


def _art(id: str, text: str, published: str | None = "2024-03-02") -> Article:
    return Article(id=id, source=f"test/{id}.txt", text=text, published=published)


def _source() -> Article:
    return _art("src", SOURCE_TEXT, "2024-03-02")


def _near_copy() -> Article:
    # Re-headlined, last paragraph trimmed, a boilerplate line added, curly quotes.
    body = "\n\n".join([P1, P2, P3.replace('"', "“", 1).replace('," ', ",” ", 1), P4])
    text = "Valdoria opens Kessel port after six-year wait\n\n" + body + "\n\nFollow Northern Wire for more news."
    return _art("near", text, "2024-03-03")


def _exact_copy() -> Article:
    # Same text, different whitespace and quote style: the normalised hash is equal.
    return _art("exact", SOURCE_TEXT.replace('"', "“", 1).replace("  ", " ").replace("\n\n", "\n"), "2024-03-04")


def _quoting_report() -> Article:
    text = (
        "Farmers in the Kessel valley welcomed the opening of the harbour but said road links remain poor.\n\n"
        "Grain cooperatives have waited a decade for a way to ship their harvest north without paying "
        "fees to foreign terminals, said Olek Brandt, who chairs the largest of them.\n\n"
        f"At the ceremony, minister Marrow promised: \u201c{MARROW_QUOTE.upper()[:4]}{MARROW_QUOTE[4:]}.\u201d\n\n"
        "Brandt said he would believe it when the first trucks arrived at the quay without queuing for days."
    )
    return _art("report", text, "2024-03-05")


# --------------------------------------------------------------------------- duplicates


def test_exact_and_near_duplicates_point_at_the_earliest_copy() -> None:
    dups = {d.article: d for d in find_duplicates([_source(), _near_copy(), _exact_copy(), _quoting_report()])}
    assert set(dups) == {"near", "exact"}
    assert dups["exact"] == Duplicate(article="exact", duplicate_of="src", kind="exact", similarity=1.0)
    near = dups["near"]
    assert (near.duplicate_of, near.kind) == ("src", "near")
    assert DedupeOptions().near_threshold <= near.similarity < 1.0


def test_copy_ingested_before_its_source_still_points_at_the_earliest_published() -> None:
    # The later-published copies arrive first; input order must not decide the canonical.
    articles = [_exact_copy(), _near_copy(), _quoting_report(), _source()]
    dups = find_duplicates(articles)
    assert [(d.article, d.duplicate_of) for d in dups] == [("near", "src"), ("exact", "src")]
    shuffled = articles[:]
    random.Random(7).shuffle(shuffled)
    assert find_duplicates(shuffled) == dups


def test_canonical_is_one_article_without_chains_and_undated_goes_last() -> None:
    undated = _art("a-undated", SOURCE_TEXT, None)
    later = _art("b-later", SOURCE_TEXT, "2024-04-01")
    first = _art("z-first", SOURCE_TEXT, "2024-01-01")
    dups = find_duplicates([undated, later, first, _near_copy()])
    assert {d.duplicate_of for d in dups} == {"z-first"}
    assert {d.article for d in dups} == {"a-undated", "b-later", "near"}


def test_same_date_ties_break_on_article_id() -> None:
    dups = find_duplicates([_art("b", SOURCE_TEXT), _art("a", SOURCE_TEXT)])
    assert dups == [Duplicate(article="b", duplicate_of="a", kind="exact", similarity=1.0)]


def test_article_sharing_one_quote_is_not_a_duplicate() -> None:
    assert find_duplicates([_source(), _quoting_report()]) == []


def test_empty_articles_are_not_duplicates_of_each_other() -> None:
    assert find_duplicates([_art("e1", ""), _art("e2", "  \n ")]) == []


def test_duplicate_ids_are_refused() -> None:
    with pytest.raises(ValueError, match="unique"):
        find_duplicates([_source(), _source()])


@pytest.mark.parametrize(
    "kwargs",
    [
        {"near_threshold": 0.0},
        {"near_threshold": 1.5},
        {"num_perm": 1},
        {"quoted_min_words": 1},
        {"passage_min_words": 3, "quoted_min_words": 4},
        {"lsh_margin": 0.8},
    ],
)
def test_options_are_validated(kwargs: dict[str, float]) -> None:
    with pytest.raises(ValueError):
        DedupeOptions(**kwargs)  # type: ignore[arg-type]


# --------------------------------------------------------------------------- passages


def test_shared_quote_is_a_passage_traced_to_the_earliest_article() -> None:
    source, report = _source(), _quoting_report()
    passages = find_passages([report, source])
    assert len(passages) == 1
    p = passages[0]
    assert p.articles == ("src", "report")
    assert p.origin_article == "src"
    # Matched despite straight vs curly quotes and a changed capital; the text is the origin's own.
    assert p.text == MARROW_QUOTE
    assert p.text in source.text
    assert p.origin_agency is None
    assert p.id.startswith("p-")


def test_duplicates_do_not_make_passages_but_are_listed_as_carrying_one() -> None:
    dups, passages = dedupe([_source(), _near_copy(), _exact_copy()])
    assert len(dups) == 2
    assert passages == []
    _, passages = dedupe([_source(), _near_copy(), _quoting_report()])
    assert [p.articles for p in passages] == [("src", "near", "report")]


STATEMENT = (
    "we will answer every provocation along the northern border with a firm and proportionate "
    "response and will never bargain away the security of our people"
)


def _three_reports() -> list[Article]:
    first = _art(
        "kcna-1",
        "The defence council met in emergency session on Friday after drills near the border.\n\n"
        f'The council chairman told delegates that "{STATEMENT}," KCNA said.\n\n'
        "Foreign diplomats in the capital were not invited to the session.",
        "2024-05-01",
    )
    second = _art(
        "wire-2",
        "SEOUL, May 1 - Neighbouring states urged restraint after a week of artillery exercises.\n\n"
        f"In a statement read on state television, the chairman said \u201c{STATEMENT.replace('proportionate', 'Proportionate')}.\u201d\n\n"
        "Analysts expect the drills to continue into the summer months.",
        "2024-05-01",
    )
    third = _art(
        "paper-3",
        "Markets in the region fell slightly on Thursday as tension rose over the border exercises.\n\n"
        f"Officials repeated that \u201c{STATEMENT.replace('northern border', 'northern-border')}\u201d and "
        "called the drills routine.\n\n"
        "Shipping insurers said they were watching the situation closely.",
        "2024-05-02",
    )
    return [third, second, first]


def test_statement_in_three_reports_is_one_passage_credited_to_kcna() -> None:
    articles = _three_reports()
    passages = [p for p in find_passages(articles) if "bargain away the security" in p.text]
    assert len(passages) == 1
    p = passages[0]
    assert p.articles == ("kcna-1", "wire-2", "paper-3")
    assert p.origin_article == "kcna-1"
    assert p.origin_agency == "KCNA"
    assert p.text == STATEMENT
    origin = next(a for a in articles if a.id == "kcna-1")
    assert p.text in origin.text


def test_agency_found_in_any_carrying_article_and_quoting_outranks_reporting() -> None:
    articles = _three_reports()
    # Credit the statement in a later article instead: "reports Yonhap, quoting KCNA".
    first = _art("kcna-1", articles[2].text.replace(" KCNA said.", " the council said."), "2024-05-01")
    third = _art(
        "paper-3",
        articles[0].text.replace(
            "and called the drills routine", "reports Yonhap, quoting the Korean Central News Agency"
        ),
        "2024-05-02",
    )
    passages = [p for p in find_passages([first, articles[1], third]) if "bargain away" in p.text]
    assert [p.origin_agency for p in passages] == ["KCNA"]
    passages = [p for p in find_passages([first, articles[1]]) if "bargain away" in p.text]
    assert [p.origin_agency for p in passages] == [None]


PLEDGE = (
    "the government will hold the authorities in the neighbouring capital fully responsible for any "
    "further escalation along the border"
)


def test_origin_agency_the_article_defines_itself() -> None:
    # "MPA" is in no table: "the state news agency MPA" makes it an agency in that article.
    first = _art(
        "mpa-1",
        "SOLMERE, March 11 - The ministry condemned the shelling of a customs post on Tuesday.\n\n"
        f'"Veyra says {PLEDGE}," the ministry said in a statement, the state news agency MPA said.',
        "2025-03-11",
    )
    second = _art(
        "paper-2",
        "Grain prices rose on Wednesday after the shelling near the border crossing.\n\n"
        f"The ministry said {PLEDGE}, and traders expect the crossing to stay shut.",
        "2025-03-12",
    )
    (p,) = [p for p in find_passages([second, first]) if "fully responsible" in p.text]
    assert p.origin_article == "mpa-1"
    assert p.origin_agency == "MPA"
    # without the phrase that defines it, "MPA" is just three letters
    undefined = _art("mpa-1", first.text.replace("the state news agency MPA said", "MPA said"), "2025-03-11")
    (p,) = [p for p in find_passages([second, undefined]) if "fully responsible" in p.text]
    assert p.origin_agency is None


def test_origin_agency_falls_back_to_the_wire_credit() -> None:
    # Nothing around the span names a source; the dateline credit says whose copy it is.
    body = (
        "Three miners were killed on Tuesday when part of a tunnel roof collapsed at the Karsk Hollow "
        "copper mine, the regional government said."
    )
    wire_tail = "\n\nEleven others were trapped for several hours before rescuers reached them through a side shaft."
    paper_tail = "\n\nThe mine's owner said it had suspended production while inspectors examine the tunnel."
    wire = _art("nns-1", f"EBBERSFELD, July 8 /NNS/ - {body}{wire_tail}", "2025-07-08")
    paper = _art("paper-2", f"Rescuers worked through the night. {body}{paper_tail}", "2025-07-08")
    (p,) = find_passages([paper, wire])
    assert p.origin_agency == "NNS"
    # an article's recorded wire agency counts the same way, and an explicit attribution outranks it
    recorded = Article(id="nns-1", source="x", text=body + wire_tail, published="2025-07-08", wire_agencies=("NNS",))
    (p,) = find_passages([paper, recorded])
    assert p.origin_agency == "NNS"
    cited_text = f"Rescuers worked through the night. {body[:-1]}, Xinhua reported.{paper_tail}"
    cited = _art("paper-2", cited_text, "2025-07-08")
    (p,) = find_passages([cited, wire])
    assert p.origin_agency == "Xinhua"
    # two different wires carrying the same words both took them from elsewhere: no origin agency
    other_wire = _art("rtr-2", f"EBBERSFELD, July 8 (Reuters) - {body}{paper_tail}", "2025-07-08")
    (p,) = find_passages([other_wire, wire])
    assert p.origin_agency is None


def test_short_phrase_counts_only_as_a_shared_quotation() -> None:
    a = _art(
        "a",
        'Both sides pledged "lasting and mutual trust" at the talks in the old river city. North Korean '
        "leader Kim Jong Un arrived by train on Monday morning.",
        "2024-06-01",
    )
    b = _art(
        "b",
        "The envoy spoke of \u201clasting and mutual trust\u201d before leaving for the airport. Separately, "
        "North Korean leader Kim Jong Un inspected a factory.",
        "2024-06-02",
    )
    passages = find_passages([a, b])
    assert [p.text for p in passages] == ["lasting and mutual trust"]
    assert passages[0].articles == ("a", "b")
    # Six shared unquoted words are a stock phrase, not a passage.
    assert not any("Kim Jong Un" in p.text for p in passages)


def test_passage_text_and_ids_are_stable_under_input_order() -> None:
    articles = [*_three_reports(), _source(), _quoting_report()]
    base = find_passages(articles)
    for seed in range(3):
        shuffled = articles[:]
        random.Random(seed).shuffle(shuffled)
        assert find_passages(shuffled) == base


# --------------------------------------------------------------------------- independent sources


def test_independent_sources_folds_duplicates_and_given_passages() -> None:
    dups = [Duplicate("near", "src", "near", 0.8), Duplicate("exact", "src", "exact")]
    ids = ["src", "near", "exact", "report", "other"]
    assert independent_sources(ids, dups) == 3
    assert independent_sources(["near", "exact"], dups) == 1  # the canonical need not be counted
    quote = Passage(id="p-1", text=MARROW_QUOTE, articles=("src", "report"))
    assert independent_sources(ids, dups, [quote]) == 2
    assert independent_sources(["other", "other"], []) == 1
    assert independent_sources([], dups) == 0


# --------------------------------------------------------------------------- seeds

SEEDS = Path(__file__).resolve().parents[2] / "shared" / "seeds"


def _seed_articles() -> list[Article]:
    if not SEEDS.is_dir():
        pytest.skip(f"../shared/seeds not found: {SEEDS}")
    articles = []
    for path in sorted(SEEDS.glob("*.txt")):
        text = path.read_text(encoding="utf-8")
        m = re.match(r"\s*date (\d{4}-\d{2}-\d{2}) ", text)
        published = m.group(1) if m else None
        articles.append(
            Article(id=path.name[:3], source=str(path), text=text[m.end() :] if m else text, published=published)
        )
    return articles


def test_seeds_have_no_duplicates_and_share_kcna_passages() -> None:
    articles = _seed_articles()
    published = {a.id: a.published for a in articles}
    assert (published["000"], published["001"], published["002"]) == ("2023-09-14", "2023-09-14", "2023-09-17")
    dups, passages = dedupe(articles)
    assert dups == []

    imperialists = [p for p in passages if "frustrate the imperialists" in p.text]
    assert len(imperialists) == 1
    assert {"000", "001"} <= set(imperialists[0].articles)
    assert imperialists[0].origin_agency == "KCNA"

    cooperation = [
        p
        for p in passages
        if (
            "immediate cooperation matters arising in defending the sovereignty" in p.text
            or "strategic and tactical cooperation" in p.text
        )
        and {"000", "002"} <= set(p.articles)
    ]
    assert cooperation
    assert {p.origin_agency for p in cooperation} == {"KCNA"}

    by_id = {a.id: a for a in articles}
    for p in passages:
        assert p.origin_article == p.articles[0]
        assert p.text in by_id[p.articles[0]].text
        # Stock phrases are not passages.
        assert p.text != "North Korean leader Kim Jong Un"


# --------------------------------------------------------------------------- incremental index


def _unrelated(id: str, published: str) -> Article:
    text = (
        f"The orchestra of {id.title()} played its last concert of the season on Sunday evening.\n\n"
        "The conductor thanked the city council for keeping the old hall open through the winter, "
        "and the audience stood for several minutes before the final encore."
    )
    return _art(id, text, published)


def _incremental(batches: list[list[Article]]) -> tuple[list[Duplicate], list[Passage], list[list[str]]]:
    from storyline.dedupe import order_duplicates, order_passages, update
    from storyline.store import SQLiteStore

    store = SQLiteStore(":memory:")
    recomputed = []
    for batch in batches:
        store.add_articles(batch)
        # never the from-scratch shortcut for large batches: these tests are about the incremental path
        with store.atomic():
            delta = update(store.dedupe_index(), store.articles(), rebuild_fraction=float("inf"))
            if delta is not None:
                store.apply_dedupe(delta)
        recomputed.append(list(delta.rederived) if delta is not None else [])
    by_id = {a.id: a for a in store.articles()}
    return order_duplicates(store.duplicates(), by_id), order_passages(store.passages(), by_id), recomputed


def _corpus() -> list[Article]:
    return [
        _source(),
        _near_copy(),
        _exact_copy(),
        _quoting_report(),
        *_three_reports(),
        _unrelated("alpha", "2024-01-05"),
        _unrelated("beta", "2024-02-05"),
    ]


def test_incremental_updates_equal_a_full_recompute_including_a_copy_before_its_source() -> None:
    articles = _corpus()
    full = dedupe(articles)
    by_id = {a.id: a for a in articles}
    # the copies and the report arrive first, their source last
    late_source = [
        [by_id["near"], by_id["exact"], by_id["report"]],
        [by_id["paper-3"], by_id["alpha"]],
        [by_id["kcna-1"], by_id["wire-2"], by_id["beta"]],
        [by_id["src"]],
    ]
    dups, passages, recomputed = _incremental(late_source)
    assert (dups, passages) == full
    assert {(d.article, d.duplicate_of) for d in dups} == {("near", "src"), ("exact", "src"), ("beta", "alpha")}
    # the source's batch recomputed its own component only, not the unrelated or KCNA articles
    assert set(recomputed[-1]) == {"src", "near", "exact", "report"}
    for seed in range(3):
        shuffled = articles[:]
        random.Random(seed).shuffle(shuffled)
        one_by_one = [[a] for a in shuffled]
        assert _incremental(one_by_one)[:2] == full


def test_incremental_update_of_nothing_new_recomputes_nothing() -> None:
    articles = _corpus()
    _, _, recomputed = _incremental([articles, [], articles[:2]])
    assert len(recomputed[0]) == len(articles) and recomputed[1:] == [[], []]


def test_incremental_seeds_equal_full_recompute() -> None:
    articles = _seed_articles()
    full = dedupe(articles)
    assert _incremental([[a] for a in reversed(articles)])[:2] == full


def test_index_keys_link_articles_that_share_a_passage_only() -> None:
    from storyline.dedupe import index_keys

    keys = {a: set(k) for a, k in index_keys(_corpus()).items()}
    assert keys["src"] & keys["report"]  # the shared quotation
    assert keys["src"] & keys["near"]
    assert not keys["alpha"] & keys["src"]
    assert not keys["kcna-1"] & keys["src"]


def test_event_sources_fold_copies_and_wire_copy_but_not_short_quotes() -> None:
    from storyline.dedupe import event_sources, source_roots
    from storyline.records import Event

    articles = [*_three_reports(), _source(), _near_copy(), _quoting_report()]
    dups, passages = dedupe(articles)
    ev = Event("e1", "s1", "2024-05-01", "drills", ("kcna-1", "wire-2", "paper-3"))
    port = Event("e2", "s2", "2024-03-02", "port", ("src", "near", "report"))
    counts = event_sources([ev, port], dups, passages)
    # one KCNA statement carried three times is one source
    assert counts == {"e1": 1, "e2": 2}
    roots = source_roots(dups, passages)
    assert roots["wire-2"] == roots["paper-3"] == "kcna-1"
    assert roots["near"] == "src" and "report" not in roots


# --------------------------------------------------------------------------- batch internals


def test_batch_tokenising_equals_article_by_article() -> None:
    from storyline.dedupe.tokens import quoted_tokens, tokenise, tokenise_batch

    texts = [
        SOURCE_TEXT,
        _quoting_report().text,
        "",
        "İstanbul’s mayor said “ﬁne” and 'yes' — then \"left\nA new line 'closes' nothing",
        'An open "quote runs to the end',
        "'Single quoted stretch' and Kim's dog",
    ]
    hashes, starts, ends, quoted, counts = tokenise_batch(texts)
    at = 0
    for text, n in zip(texts, counts.tolist()):
        h, s, e = tokenise(text)
        assert hashes[at : at + n].tolist() == h.tolist()
        assert starts[at : at + n].tolist() == s.tolist() and ends[at : at + n].tolist() == e.tolist()
        assert quoted[at : at + n].tolist() == quoted_tokens(text, s).tolist()
        at += n
    assert at == hashes.size


def test_winnowing_finds_every_shared_run_of_ten_words() -> None:
    # Ten shared words (the guaranteed minimum), unquoted, between unrelated sentences.
    run = "the committee will publish its full report on the canal"
    assert len(run.split()) == 10
    a = _art("a", f"Rain fell over the northern hills all night. Officials said {run} next spring.", "2024-01-01")
    b = _art("b", f"Farmers gathered in the square to protest prices, and {run} before the vote.", "2024-01-02")
    c = _art(
        "c", "Rain fell over the northern hills. The committee will publish a summary of its report.", "2024-01-03"
    )
    passages = find_passages([a, b, c])
    assert [(p.text, p.articles) for p in passages] == [(run, ("a", "b"))]


def test_local_agencies_shortcut_agrees_with_the_full_scan() -> None:
    from storyline.agencies import local_agencies, local_agencies_quick

    texts = [
        "PORTVALE, May 2 (NNS) - Talks ended, the Meridian Press Agency (MPA) said.",
        "Said the\n\nMeridian\nPress Agency\n(MPA)\nwas here.",
        "A first line.\nThe state news agency\nPrensa Nueva said so.\nAnother line.",
        "MPA\nnews agency reported it.",
        "No agency here at all, only text.",
        "TOKYO, Sep 14. /TASS/. Talks resumed.\n" + "Filler line without brackets.\n" * 10 + "Harbour Wire (HW) said.",
        SOURCE_TEXT,
        # the case-blind news noun also matches characters re folds to ASCII letters (a long s, a dotless i)
        "Filler line.\n" * 10 + "The state news \u017fervice MPA said it.",
        "Filler line.\n" * 8 + "MPA NEWS \u017fERVICE reported it.",
        "Filler line.\n" * 8 + "The news serv\u0131ce MPA said.",
        "Filler line.\n" * 8 + "MPA wire \u017fervice reported it.",
    ]
    for text in texts:
        assert local_agencies_quick(text) == local_agencies(text)


# --------------------------------------------------------------------------- one outlet's furniture

FOOTER = "Readers may send letters about any story to the harbour desk, which answers within three working days."
TOPICS = [
    "tram fares",
    "the lighthouse repairs",
    "a school concert",
    "the river ferry timetable",
    "a bakery fire",
    "the library extension",
    "the marathon route",
]


def _gazette(n: int, outlet: str = "Harbour Gazette") -> list[Article]:
    """``n`` unrelated stories of one outlet, each ending with the same footer line."""
    out = []
    for i, topic in enumerate(TOPICS[:n]):
        text = (
            f"Councillors discussed {topic} on day {i + 1} of the autumn session, and residents filled the hall.\n\n"
            f"A vote on {topic} is expected after the budget hearing next month.\n\n{FOOTER}"
        )
        out.append(
            Article(id=f"gz-{i}", source=f"test/gz-{i}.txt", text=text, published=f"2024-06-0{i + 1}", outlet=outlet)
        )
    return out


def _footer_passages(articles: list[Article]) -> list[Passage]:
    return [p for p in dedupe(articles)[1] if "harbour desk" in p.text]


def test_one_outlets_footer_in_five_stories_is_furniture_not_a_passage() -> None:
    five = _gazette(5)
    assert _footer_passages(five) == []
    # four versions can be one outlet reusing its own copy: still a passage
    assert [len(p.articles) for p in _footer_passages(five[:4])] == [4]
    # a second outlet carrying it makes it copy passed between outlets
    mixed = [*five[:4], dataclasses.replace(five[4], outlet="Coast Herald")]
    assert [len(p.articles) for p in _footer_passages(mixed)] == [5]
    # unknown outlets never make furniture
    unknown = [dataclasses.replace(a, outlet=None) for a in five]
    assert [len(p.articles) for p in _footer_passages(unknown)] == [5]


def test_furniture_is_decided_again_when_the_fifth_story_arrives() -> None:
    five = _gazette(5)
    dups, passages, _ = _incremental([five[:4], five[4:]])
    assert (dups, passages) == dedupe(five)
    assert not [p for p in passages if "harbour desk" in p.text]
    _, passages, _ = _incremental([five[:4]])
    assert [p for p in passages if "harbour desk" in p.text]


def test_a_short_shared_quotation_never_folds_sources_even_when_credited() -> None:
    from storyline.dedupe import event_sources, is_wire_copy
    from storyline.records import Event

    short = Passage("p1", "\u201cI don't know\u201d", ("a", "b", "c"), "a", "Reuters")
    wire = Passage(
        "p2",
        "The council will meet again on Monday to review the state of the northern border defences.",
        ("a", "b"),
        "a",
        "Reuters",
    )
    assert not is_wire_copy(short) and is_wire_copy(wire)
    ev = Event("e", "s", None, "t", ("a", "b", "c"))
    assert event_sources([ev], [], [short]) == {"e": 3}
    assert event_sources([ev], [], [short, wire]) == {"e": 2}


def test_show_lists_an_articles_copies_and_the_passages_it_shares(tmp_path: Path) -> None:
    import json

    from click.testing import CliRunner

    from storyline.cli import cli

    src = _source()
    items = [
        {
            "text": src.text,
            "title": "Port",
            "published": "2024-03-02",
            "outlet": "Harbour Wire",
            "url": "https://hw.example/1",
        },
        {
            "text": _near_copy().text,
            "title": "Port",
            "published": "2024-03-03",
            "outlet": "Coast Herald",
            "url": "https://ch.example/1",
        },
        {
            "text": _quoting_report().text,
            "title": "Port",
            "published": "2024-03-04",
            "outlet": "Daily Tide",
            "url": "https://dt.example/1",
        },
    ]
    path = tmp_path / "a.jsonl"
    path.write_text("".join(json.dumps(i) + "\n" for i in items), encoding="utf-8")
    db = str(tmp_path / "t.db")
    runner = CliRunner()
    assert runner.invoke(cli, ["ingest", str(path), "--db", db, "--no-nlp"]).exit_code == 0
    out = runner.invoke(cli, ["show", "https://hw.example/1", "--db", db, "--no-color"]).output
    copies = out[out.index("\ncopies:") :]
    assert "copied (near" in copies and "(Coast Herald)" in copies
    shared = copies[copies.index("shared passages:") :]
    # the near copy carries it too (copies are listed as carriers; they count once as sources)
    assert "origin this article" in shared and "also in 2: Coast Herald, Daily Tide" in shared
    other = runner.invoke(cli, ["show", "https://ch.example/1", "--db", db, "--no-color"]).output
    assert "copy (near" in other and "(Harbour Wire)" in other
