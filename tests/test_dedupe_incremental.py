"""Incremental dedupe (``pipeline.update_dedupe``) equals ``dedupe.dedupe`` over the whole corpus, on generated news.

The corpus is made up here from a seeded random generator: an invented vocabulary plus English function
words, so no third-party text enters the repository and every overlap between articles is one we planted:
exact and near copies (some published before their source, some copies of copies), wire copy (2-4 sentence
excerpts of an agency story pasted into other articles, credited in different ways or not at all), an
outlet's footer line (site furniture carried by dozens of articles), shared quotations (one nested in a
longer one), a 5-word phrase many articles share by chance, publication dates with ties and undated articles.

The promise checked: after any sequence of batches, in any order, the stored duplicates and passages are
exactly ``dedupe.dedupe`` of every article stored. The locality test (``test_adding_one_article_...``) is the
acceptance test for updates that touch only the new article's neighbours.
"""

from __future__ import annotations

import math
import random
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pytest

from conftest import dedupe_rows, shuffled_rounds
from storyline.dedupe import (
    REBUILD_FRACTION,
    DedupeOptions,
    dedupe,
    incremental,
    order_duplicates,
    order_passages,
    update,
)
from storyline.dedupe.index import Corpus, _winnow, _winnow_at, pack_tokens, unpack_tokens
from storyline.dedupe.minhash import KNOWN_LSH_PARAMS
from storyline.dedupe.passages import Passages
from storyline.dedupe.tokens import Members, member, tokenise_batch, word_chars, word_mask
from storyline.pipeline import update_dedupe
from storyline.pipeline.jobs import dedupe_pending
from storyline.records import TOKEN_HEX, Article, Duplicate, Passage
from storyline.store import SQLiteStore

FUNCTION_WORDS = (
    "the the the of of and and to to in in a a that for on with as by at from was is were has had "
    "will would it its they their this after before over under about than while into"
).split()
SYLLABLES = (
    "ka lo mir tesh var un bel os quin dra fe li nor pa stav ru zel ith om gar sen tu vex hal rin do cam ep".split()
)

# The outlet whose every article ends with a footer line, and the footer (19 words: a passage of its own,
# longer than passage_min_words = 10, carried by every article of the outlet).
FURNITURE_OUTLET = "valley-gazette"
FOOTER = (
    "Readers of the Valley Gazette can receive our morning letter with every local and regional "
    "report for free each weekday."
)
# A 5-word phrase many unrelated articles use: shorter than passage_min_words and never quoted, so it must
# never become a passage, but its 5-gram is an index key those articles share by chance.
CHANCE_PHRASE = "the harbour council of brennmark"
AGENCY_SOURCE = "kcna-english"
DATES = [f"2024-03-{d:02d}" for d in (3, 4, 5, 5, 6, 8, 9, 12, 12, 14)]


def _vocabulary(rng: random.Random, n: int = 320) -> list[str]:
    words: set[str] = set()
    while len(words) < n:
        words.add("".join(rng.choice(SYLLABLES) for _ in range(rng.randint(2, 3))))
    return sorted(words)


@dataclass
class Generated:
    """A generated corpus and what was planted in it (article ids)."""

    articles: list[Article]
    exact: list[tuple[str, str]] = field(default_factory=list)  # (copy, copied article)
    near: list[tuple[str, str]] = field(default_factory=list)
    wire_hosts: dict[str, list[str]] = field(default_factory=dict)  # agency story -> articles pasting it
    furniture: list[str] = field(default_factory=list)
    quoting: dict[str, list[str]] = field(default_factory=dict)  # quotation -> articles quoting it
    chance: list[str] = field(default_factory=list)
    copy_before_source: list[str] = field(default_factory=list)


class _Gen:
    def __init__(self, seed: int) -> None:
        self.rng = random.Random(seed)
        self.vocab = _vocabulary(self.rng)
        self.ids: set[str] = set()
        self.out = Generated([])
        self.quotes = [self.words(self.rng.randint(6, 9)) for _ in range(3)]
        # A 4-5 word excerpt of the first quotation, quoted on its own by other articles (nested spans).
        self.quotes.append(" ".join(self.quotes[0].split()[1:6]))
        self.pending_quote: str | None = None  # the quotation ``body`` just put in, if any

    def words(self, n: int) -> str:
        rng = self.rng
        return " ".join(rng.choice(FUNCTION_WORDS) if rng.random() < 0.35 else rng.choice(self.vocab) for _ in range(n))

    def sentence(self) -> str:
        s = self.words(self.rng.randint(8, 25))
        return s[0].upper() + s[1:] + "."

    def paragraphs(self, n: int) -> list[str]:
        return [" ".join(self.sentence() for _ in range(self.rng.randint(1, 2))) for _ in range(n)]

    def new_id(self, source: str) -> str:
        while True:
            i = f"{source[:3]}{self.rng.randrange(100000):05d}"
            if i not in self.ids:
                self.ids.add(i)
                return i

    def date(self) -> str | None:
        return None if self.rng.random() < 0.15 else self.rng.choice(DATES)

    def add(self, source: str, paras: Sequence[str], published: str | None = "", title: str | None = None) -> Article:
        a = Article(
            id=self.new_id(source),
            source=source,
            text="\n\n".join(paras),
            published=self.date() if published == "" else published,
            title=title if title is not None else self.words(5).capitalize(),
        )
        if source == FURNITURE_OUTLET and FOOTER in a.text:
            self.out.furniture.append(a.id)
        if CHANCE_PHRASE in a.text.lower():
            self.out.chance.append(a.id)
        self.out.articles.append(a)
        return a

    def body(self, n: int | None = None) -> list[str]:
        """An independent article body, sometimes with the chance phrase or a shared quotation in it."""
        rng = self.rng
        paras = self.paragraphs(n or rng.randint(6, 8))
        if rng.random() < 0.3:
            at = rng.randrange(len(paras))
            paras[at] = f"{paras[at]} Members of {CHANCE_PHRASE} {self.words(rng.randint(3, 6))}."
        if rng.random() < 0.3:
            q = rng.choice(self.quotes)
            at = rng.randrange(len(paras))
            paras[at] = (
                f'{paras[at]} {self.words(rng.randint(2, 5)).capitalize()} said "{q}" {self.words(rng.randint(2, 5))}.'
            )
            self.pending_quote = q
        else:
            self.pending_quote = None
        return paras

    def independent(self, source: str, published: str | None = "") -> Article:
        paras = self.body()
        if source == FURNITURE_OUTLET:
            paras.append(FOOTER)
        a = self.add(source, paras, published)
        if self.pending_quote is not None:
            self.out.quoting.setdefault(self.pending_quote, []).append(a.id)
        return a


def _near_copy_paras(g: _Gen, a: Article) -> list[str]:
    """``a`` with one short paragraph dropped and a headline line added (keeps ~85% of its 5-shingles)."""
    paras = a.text.split("\n\n")
    total = sum(len(p.split()) for p in paras)
    short = [i for i, p in enumerate(paras[:-1]) if len(p.split()) <= 0.12 * total and p != FOOTER]
    drop = g.rng.choice(short) if short else None
    kept = [p for i, p in enumerate(paras) if i != drop]
    return [g.words(7).upper(), *kept]


def generate(seed: int, n_independent: int = 40) -> Generated:
    """~70-80 articles: independent ones, copies, wire copy, furniture, quotations, chance phrases."""
    g = _Gen(seed)
    rng = g.rng
    outlets = ["northern-herald", "city-courier", "daily-lantern", FURNITURE_OUTLET, FURNITURE_OUTLET]
    originals = [g.independent(rng.choice(outlets)) for _ in range(n_independent)]
    # Make sure each quotation is quoted by at least two articles, whatever the draws above did.
    for q in g.quotes:
        while len(g.out.quoting.get(q, [])) < 2:
            paras = g.paragraphs(rng.randint(5, 7))
            paras[1] = f'{paras[1]} The minister said "{q}" {g.words(3)}.'
            a = g.add(rng.choice(outlets), paras)
            g.out.quoting.setdefault(q, []).append(a.id)

    # Exact copies (another outlet reprints the text unchanged); one published before its source.
    for i, src in enumerate(rng.sample(originals, 5)):
        published = "2024-03-01" if i == 0 else (src.published if i == 1 else "")
        c = g.add("reprint-service", src.text.split("\n\n"), published)
        g.out.exact.append((c.id, src.id))
        if i == 0:
            g.out.copy_before_source.append(c.id)
    # Near copies: a paragraph dropped, a headline line added; one published first, one copied again exactly.
    for i, src in enumerate(rng.sample(originals, 6)):
        published = "2024-03-02" if i == 0 else ""
        c = g.add(rng.choice(outlets[:3]), _near_copy_paras(g, src), published)
        g.out.near.append((c.id, src.id))
        if i == 0:
            g.out.copy_before_source.append(c.id)
        if i == 1:
            cc = g.add("reprint-service", c.text.split("\n\n"))
            g.out.exact.append((cc.id, c.id))

    # Wire copy: two agency stories, each excerpted (2-4 consecutive sentences) into several other articles.
    for _ in range(2):
        story = g.add(AGENCY_SOURCE, g.paragraphs(6), rng.choice(DATES[2:8]))
        sentences = [s + "." for p in story.text.split("\n\n") for s in p.rstrip(".").split(". ")]
        hosts: list[str] = []
        for k in range(rng.randint(4, 6)):
            n = rng.randint(2, 4)
            at = rng.randrange(len(sentences) - n + 1)
            excerpt = " ".join(sentences[at : at + n])
            style = k % 4
            if style == 0:
                pasted = f"According to KCNA, {excerpt[0].lower()}{excerpt[1:]}"
            elif style == 1:
                pasted = f"{excerpt[:-1]}, KCNA said."
            elif style == 2:
                pasted = excerpt  # uncredited
            else:
                pasted = f"{excerpt} The report was carried by the state agency."
            paras = g.paragraphs(rng.randint(4, 6))
            paras.insert(rng.randint(1, len(paras)), pasted)
            if style == 3:  # a dateline credit opens the article
                paras.insert(0, f"PYONGYANG, March {rng.randint(3, 14)} (KCNA) - {g.sentence()}")
            source = FURNITURE_OUTLET if k == 0 else rng.choice(outlets[:3])
            if source == FURNITURE_OUTLET:
                paras.append(FOOTER)
            # one host runs the excerpt a day before the agency story is dated
            published = "2024-03-02" if k == 1 else ""
            hosts.append(g.add(source, paras, published).id)
        g.out.wire_hosts[story.id] = hosts

    # More articles of the outlet with the footer, some with the chance phrase (dozens of carriers in all).
    while len(g.out.furniture) < 28:
        g.independent(FURNITURE_OUTLET)
    while len(g.out.chance) < 14:
        paras = g.paragraphs(rng.randint(4, 6))
        paras[-1] = f"{paras[-1]} Later {CHANCE_PHRASE} {g.words(4)}."
        g.add(rng.choice(outlets[:3]), paras)
    return g.out


# --------------------------------------------------------------------------- harness


def _by_id(articles: Sequence[Article]) -> dict[str, Article]:
    return {a.id: a for a in articles}


def _stored(store: Any) -> tuple[list[Duplicate], list[Passage]]:
    by_id = _by_id(store.articles())
    return order_duplicates(store.duplicates(), by_id), order_passages(store.passages(), by_id)


def _run(
    store: Any, batches: Sequence[Sequence[Article]], pass_stored: bool = False, rebuild_fraction: float | None = None
) -> list[list[str]]:
    """Store and index each batch; ``pass_stored`` hands update_dedupe every stored article, not just the batch.

    ``rebuild_fraction`` (``dedupe.update``): inf keeps every batch on the incremental path, however large.
    """
    rederived = []
    for batch in batches:
        store.add_articles(batch)
        given = store.articles() if pass_stored else list(batch)
        if rebuild_fraction is None:
            rederived.append(update_dedupe(store, given))
        else:
            with store.atomic():
                delta = update(store.dedupe_index(), given, rebuild_fraction=rebuild_fraction)
                if delta is not None:
                    store.apply_dedupe(delta)
            rederived.append(list(delta.rederived) if delta is not None else [])
    return rederived


def _rank(a: Article) -> tuple[bool, str, str]:
    return (a.published is None, a.published or "", a.id)


def _splits(articles: list[Article], seed: int) -> dict[str, list[list[Article]]]:
    rng = random.Random(seed * 7919 + 1)
    shuffled = articles[:]
    rng.shuffle(shuffled)
    random_sizes: list[list[Article]] = []
    at = 0
    while at < len(shuffled):
        n = rng.randint(1, 15)
        random_sizes.append(shuffled[at : at + n])
        at += n
    rest = rng.sample(articles, len(articles) // 5)
    head = [a for a in articles if a not in rest]
    return {
        "one-by-one-shuffled": [[a] for a in shuffled],
        "random-batch-sizes": random_sizes,
        "reverse-publication-order": [[a] for a in sorted(articles, key=_rank, reverse=True)],
        "most-at-once-then-the-rest": [head, *[[a] for a in rest]],
    }


SEEDS = (1, 2, 3)
SPLITS = ("one-by-one-shuffled", "random-batch-sizes", "reverse-publication-order", "most-at-once-then-the-rest")


@pytest.fixture(scope="module")
def corpora() -> dict[int, tuple[Generated, tuple[list[Duplicate], list[Passage]]]]:
    return {s: (gen := generate(s), dedupe(gen.articles)) for s in SEEDS}


# --------------------------------------------------------------------------- (c) the corpus holds what it claims


@pytest.mark.parametrize("seed", SEEDS)
def test_generated_corpus_contains_every_planted_overlap(seed: int, corpora: dict[int, Any]) -> None:
    gen, (dups, passages) = corpora[seed]
    assert 60 <= len(gen.articles) <= 120
    canonical = {d.article: d.duplicate_of for d in dups}
    by_id = _by_id(gen.articles)
    # every planted copy is found: it and its source point at one canonical, the earliest of the group
    for copy, src in gen.exact + gen.near:
        root = canonical.get(copy, copy)
        assert root == canonical.get(src, src), (copy, src)
        assert _rank(by_id[root]) <= min(_rank(by_id[copy]), _rank(by_id[src]))
    kinds = [d.kind for d in dups]
    assert kinds.count("exact") >= 3 and kinds.count("near") >= 3
    # a copy published before its source is the canonical one
    early = gen.copy_before_source
    assert any(d.duplicate_of in early for d in dups)
    # wire copy is traced to the agency, and each agency story's excerpts are found
    agency = [p for p in passages if p.origin_agency == "KCNA"]
    assert agency
    for story, hosts in gen.wire_hosts.items():
        carried = {a for p in passages if story in p.articles for a in p.articles}
        assert set(hosts) <= carried, (story, set(hosts) - carried)
    # the footer is one passage carried by every article of the outlet that has it
    footer = [p for p in passages if "morning letter" in p.text]
    assert footer and max(len(p.articles) for p in footer) >= 25
    # shared quotations (4-9 words) are passages (a longer one may fold into the excerpt more articles
    # quote, dedupe.passages.prune), and the chance phrase never is
    for q, quoting in gen.quoting.items():
        assert len(quoting) >= 2
        assert any(q.lower() in p.text.lower() or p.text.lower() in q.lower() for p in passages), q
    assert len(gen.chance) >= 14
    assert not any(p.text.lower().strip(" .") == CHANCE_PHRASE for p in passages)
    # dates tie (several articles on one day) and some articles are undated
    dates = [a.published for a in gen.articles]
    assert None in dates and max(dates.count(d) for d in DATES) >= 3


# --------------------------------------------------------------------------- (a) any order, any batches


@pytest.mark.parametrize("rebuild", [None, math.inf], ids=["default", "never-rebuild"])
@pytest.mark.parametrize("split", SPLITS)
@pytest.mark.parametrize("seed", SEEDS)
def test_incremental_equals_full_dedupe(
    seed: int, split: str, rebuild: float | None, corpora: dict[int, Any], store: SQLiteStore
) -> None:
    gen, full = corpora[seed]
    batches = _splits(gen.articles, seed)[split]
    assert sum(len(b) for b in batches) == len(gen.articles)
    # update_dedupe skips the articles already indexed: hand it the whole store in one of the splits
    _run(store, batches, pass_stored=split == "most-at-once-then-the-rest", rebuild_fraction=rebuild)
    got = _stored(store)
    assert got[0] == full[0]
    assert got[1] == full[1]


def test_incremental_equals_full_dedupe_on_both_stores(any_store: Any, corpora: dict[int, Any]) -> None:
    gen, full = corpora[SEEDS[0]]
    _run(any_store, _splits(gen.articles, SEEDS[0])["random-batch-sizes"])
    assert _stored(any_store) == full


def test_incremental_equals_full_dedupe_at_every_step(store: SQLiteStore) -> None:
    # Not only at the end: after each batch the store equals dedupe() of what it holds so far.
    gen = generate(11, n_independent=20)
    batches = _splits(gen.articles, 11)["random-batch-sizes"]
    held: list[Article] = []
    for batch in batches:
        held.extend(batch)
        _run(store, [batch])
        assert _stored(store) == dedupe(held), [a.id for a in batch]


def test_a_large_batch_is_indexed_again_from_scratch_with_the_same_result(
    store: SQLiteStore, corpora: dict[int, Any]
) -> None:
    gen, full = corpora[SEEDS[0]]
    first, rest = gen.articles[:40], gen.articles[40:]
    _run(store, [first])
    # 30+ new against 40 indexed is far above dedupe.REBUILD_FRACTION: everything is indexed again
    assert len(rest) >= REBUILD_FRACTION * len(first)
    assert sorted(_run(store, [rest])[0]) == sorted(a.id for a in gen.articles)
    assert _stored(store) == full
    # one more article is an ordinary incremental add again
    extra = _newcomer("2024-03-30")
    store.add_articles([extra])
    assert len(update_dedupe(store, [extra])) < len(gen.articles) // 2
    assert _stored(store) == dedupe([*gen.articles, extra])


# --------------------------------------------------------------------------- (a') crowded keys

# Caps far below the default, so the footer's (28+ groups) and the chance phrase's (14+) keys are crowded from some
# point of every batching on, and keys cross the cap in both directions as articles arrive and groups merge.
SMALL_CAPS = (3, 12)


def test_a_small_key_cap_drops_the_crowded_footer_and_keeps_the_wire_copy(corpora: dict[int, Any]) -> None:
    gen, (dups, passages) = corpora[SEEDS[0]]
    capped_dups, capped = dedupe(gen.articles, DedupeOptions(key_groups_max=12))
    assert capped_dups == dups  # duplicates do not pair through postings
    assert any("morning letter" in p.text for p in passages)
    assert not any("morning letter" in p.text for p in capped)  # every key of the footer is crowded
    for story, hosts in gen.wire_hosts.items():  # fewer than 12 groups carry an agency story's excerpts
        carried = {a for p in capped if story in p.articles for a in p.articles}
        assert set(hosts) <= carried, (story, set(hosts) - carried)
    with pytest.raises(ValueError, match="key_groups_max"):
        DedupeOptions(key_groups_max=1)


@pytest.mark.parametrize("cap", SMALL_CAPS)
@pytest.mark.parametrize("split", SPLITS)
@pytest.mark.parametrize("seed", SEEDS)
def test_incremental_equals_full_dedupe_with_crowded_keys(
    seed: int, split: str, cap: int, corpora: dict[int, Any]
) -> None:
    gen, _ = corpora[seed]
    options = DedupeOptions(key_groups_max=cap)
    _updates_equal_from_scratch(gen.articles, _splits(gen.articles, seed)[split], options)


def _updates_equal_from_scratch(articles: list[Article], batches: list[list[Article]], options: DedupeOptions) -> None:
    """Every batch indexed by ``update`` (never rebuilt from scratch) gives what ``dedupe`` of them all gives."""
    store = SQLiteStore(":memory:")
    try:
        for batch in batches:
            store.add_articles(batch)
            with store.atomic():
                delta = update(store.dedupe_index(), batch, options, rebuild_fraction=math.inf)
                if delta is not None:
                    store.apply_dedupe(delta)
        assert _stored(store) == dedupe(articles, options)
    finally:
        store.close()


@pytest.mark.parametrize("cap", [None, 3])
@pytest.mark.parametrize("split", ["random-batch-sizes", "most-at-once-then-the-rest"])
def test_targets_derived_a_few_at_a_time_give_the_same_result(
    split: str, cap: int | None, corpora: dict[int, Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    # An update derives its targets' spans and looks up new spans' carriers in bounded corpora
    # (incremental.TARGETS_AT_ONCE): with a bound of 2 every large update is cut into many, and the result is the same.
    monkeypatch.setattr(incremental, "TARGETS_AT_ONCE", 2)
    sizes: list[int] = []  # targets of each corpus whose spans are derived
    real = incremental.Passages

    def counted(corpus: Corpus, targets: Sequence[int] | None = None, **kwargs: Any) -> Passages:
        if targets is not None:
            sizes.append(len(targets))
        return real(corpus, targets, **kwargs)

    monkeypatch.setattr(incremental, "Passages", counted)
    gen, _ = corpora[SEEDS[1]]
    options = DedupeOptions() if cap is None else DedupeOptions(key_groups_max=cap)
    _updates_equal_from_scratch(gen.articles, _splits(gen.articles, SEEDS[1])[split], options)
    assert max(sizes) == 2  # the updates with more targets were cut up


def test_incremental_equals_full_dedupe_with_crowded_keys_at_every_step(any_store: Any) -> None:
    # after each batch, not only at the end: a key is crowded from the batch its (cap + 1)-th group arrives in
    gen = generate(SEEDS[2], n_independent=20)
    options = DedupeOptions(key_groups_max=4)
    held: list[Article] = []
    crowded_seen = False
    for batch in shuffled_rounds(gen.articles, 13, sizes=(1, 2, 5)):
        held.extend(batch)
        any_store.add_articles(batch)
        update_dedupe(any_store, batch, options)
        assert _stored(any_store) == dedupe(held, options), [a.id for a in batch]
        # the keys the index holds as crowded (their carriers are then never read) are those of a from-scratch run
        whole = Passages(Corpus(held, options))
        whole.found()
        keys = set(whole.keys.view(np.int64).tolist())
        assert any_store.dedupe_index().crowded(keys) == set(whole.crowded.view(np.int64).tolist())
        crowded_seen |= bool(whole.crowded.size)
    assert crowded_seen


# --------------------------------------------------------------------------- (b) nothing new, nothing done


def test_update_with_nothing_new_returns_nothing_and_changes_nothing(
    store: SQLiteStore, corpora: dict[int, Any]
) -> None:
    gen, full = corpora[SEEDS[0]]
    first = _run(store, [gen.articles])
    assert sorted(first[0]) == sorted(a.id for a in gen.articles)
    before = (store.duplicates(), store.passages())
    assert update_dedupe(store, gen.articles) == []
    assert update_dedupe(store, gen.articles[:5]) == []
    assert update_dedupe(store, []) == []
    assert (store.duplicates(), store.passages()) == before
    assert _stored(store) == full


# --------------------------------------------------------------------------- (d) locality


def _newcomer(published: str | None) -> Article:
    """An article of the furniture outlet that shares only the footer and the chance phrase with the corpus."""
    g = _Gen(99)  # its own vocabulary draw: none of its sentences occurs in the corpus
    paras = g.paragraphs(6)
    paras[2] = f"{paras[2]} Members of {CHANCE_PHRASE} {g.words(4)}."
    paras.append(FOOTER)
    return Article(
        id="zzz-newcomer", source=FURNITURE_OUTLET, text="\n\n".join(paras), published=published, title="New"
    )


# The newcomer's place among the corpus's articles: after every dated one (undated ones follow it), in the
# middle of March, before every other one, and undated (last of all).
NEWCOMER_DATES = ["2024-03-30", "2024-03-06", "2024-03-01", None]


def _add_newcomer(store: SQLiteStore, gen: Generated, published: str | None) -> tuple[Article, list[str]]:
    _run(store, [gen.articles])
    new = _newcomer(published)
    store.add_articles([new])
    rederived = update_dedupe(store, [new])
    assert _stored(store) == dedupe([*gen.articles, new])
    # the newcomer joined the footer passage, which has dozens of carriers, and nothing else
    assert len(gen.furniture) >= 28
    footer = [p for p in store.passages() if "morning letter" in p.text]
    assert any(new.id in p.articles and len(p.articles) >= 29 for p in footer)
    assert [p.id for p in store.passages() if new.id in p.articles] == [p.id for p in footer]
    assert new.id in rederived
    return new, rederived


@pytest.mark.parametrize("published", NEWCOMER_DATES)
def test_adding_one_article_rederives_far_fewer_than_the_footer_carriers(
    published: str | None, store: SQLiteStore, corpora: dict[int, Any]
) -> None:
    # Holds for the look-back design (2026-11-23: 1-16 re-derived): the newcomer shares two key lists with
    # the corpus (the footer's 5-grams, the chance phrase's), and in each at most dedupe.index.LOOKBACK = 8 later
    # entries have it in their look-back window, so 1 + 2 * 8 = 17; recomputing the key-linked component
    # would re-derive the 28+ footer carriers and the chance phrase's 14+ as well.
    gen, _ = corpora[SEEDS[0]]
    _, rederived = _add_newcomer(store, gen, published)
    assert len(rederived) <= 17, sorted(rederived)


class _ReadRecorder:
    """The store's own index reader, noting every span whose whole row (all its carriers) an update reads."""

    def __init__(self, index: Any) -> None:
        self.index = index
        self.read: set[str] = set()

    def __getattr__(self, name: str) -> Any:
        return getattr(self.index, name)

    def spans(self, ids: Any) -> Any:
        out = self.index.spans(ids)
        self.read |= out.keys()
        return out

    def spans_carried_by(self, articles: Any) -> Any:
        out = self.index.spans_carried_by(articles)
        self.read |= out.keys()
        return out

    def spans_anchored(self, anchors: Any) -> Any:
        out = self.index.spans_anchored(anchors)
        self.read |= out.keys()
        return out


def test_an_update_reads_whole_only_the_spans_beside_what_it_changed(
    store: SQLiteStore, corpora: dict[int, Any]
) -> None:
    # The newcomer joins the footer passage. Each of the footer's 28+ carriers carries other spans elsewhere in its
    # text; deciding the footer's pruning again needs only the spans that overlap it in a carrier (prune compares
    # spans nested in one another), so the others' rows (all their carriers) are not read.
    gen, _ = corpora[SEEDS[0]]
    _run(store, [gen.articles])
    new = _newcomer(NEWCOMER_DATES[0])
    store.add_articles([new])
    reader = _ReadRecorder(store.dedupe_index())
    with store.atomic():
        delta = update(reader, [new])
        assert delta is not None
        store.apply_dedupe(delta)
    assert _stored(store) == dedupe([*gen.articles, new])
    assert new.id in delta.rederived
    rows = dedupe_rows(store)
    length = {sp: len(tokens) // TOKEN_HEX for sp, _, tokens in rows["spans"]}
    places: dict[str, list[tuple[int, int, str]]] = {}
    for sp, a, pos in rows["carriers"]:
        places.setdefault(a, []).append((pos, pos + length[sp], sp))
    beside: set[str] = set()  # spans overlapping one a re-derived article carries, in an article carrying both
    for sp in {sp for sp, a, _ in rows["carriers"] if a in delta.rederived}:
        for a, pos in [(a, pos) for s2, a, pos in rows["carriers"] if s2 == sp]:
            beside |= {o for s, e, o in places[a] if s < pos + length[sp] and pos < e}
    carriers = {a for sp, a, _ in rows["carriers"] if sp in beside}
    elsewhere = {sp for a in carriers for _, _, sp in places[a]} - beside
    assert len(carriers) >= 29 and elsewhere  # those carriers hold spans away from what changed
    read = reader.read - set(delta.spans_removed)  # (a removed span is read as it was)
    assert read and read <= beside, sorted(read - beside)


def _footer_groups(articles: Sequence[Article], options: DedupeOptions) -> int:
    """How many duplicate groups carry the footer: the length of its keys' lists."""
    c = Corpus(articles, options)
    return len({c.group[i] for i, a in enumerate(c.articles) if FOOTER in a.text})


def test_a_key_crowded_by_a_later_article_rederives_none_of_its_carriers(corpora: dict[int, Any]) -> None:
    # The footer's keys hold exactly ``cap`` groups; the newcomer, undated and so after all of them (undated articles
    # come last, then by id), is the one more.
    # Only a list's first ``cap`` entries pair (passages.heads), so its carriers pair as before and none is derived
    # again: the spans anchored at the footer's keys anchor elsewhere or are lost. (The rule before re-derived
    # every carrier of a key crossing the cap: 28+ here.)
    gen, _ = corpora[SEEDS[0]]
    options = DedupeOptions(key_groups_max=_footer_groups(gen.articles, DedupeOptions()))
    store = SQLiteStore(":memory:")
    try:
        store.add_articles(gen.articles)
        update_dedupe(store, gen.articles, options)
        footer_keys = set(_posting_keys_of(_newcomer(None), options)) & set(
            _posting_keys_of(next(a for a in gen.articles if FOOTER in a.text), options)
        )
        assert footer_keys and not store.dedupe_index().crowded(footer_keys)
        new = _newcomer(None)
        store.add_articles([new])
        rederived = update_dedupe(store, [new], options)
        assert store.dedupe_index().crowded(footer_keys)  # the newcomer crowded them
        assert _stored(store) == dedupe([*gen.articles, new], options)
        assert rederived == [new.id]  # last in every list it is in: no one's window changed
    finally:
        store.close()


def _posting_keys_of(article: Article, options: DedupeOptions) -> list[int]:
    c = Corpus([article], options)
    return c.post_keys.view(np.int64).tolist()


def test_an_article_published_before_a_crowded_lists_last_pairing_entry_pushes_that_entry_out(
    corpora: dict[int, Any],
) -> None:
    # The newcomer published before every footer carrier takes a place among the first ``cap`` entries: the entry
    # it pushes out pairs no more through the footer's keys, and is derived again.
    gen, _ = corpora[SEEDS[0]]
    options = DedupeOptions(key_groups_max=_footer_groups(gen.articles, DedupeOptions()) - 1)
    store = SQLiteStore(":memory:")
    try:
        store.add_articles(gen.articles)
        update_dedupe(store, gen.articles, options)
        new = _newcomer("2024-03-01")
        store.add_articles([new])
        rederived = update_dedupe(store, [new], options)
        assert _stored(store) == dedupe([*gen.articles, new], options)
        assert set(rederived) & set(gen.furniture)  # the entry pushed out
    finally:
        store.close()


# --------------------------------------------------------------------------- upgrading an older store


def test_a_store_from_before_the_per_article_index_keeps_its_results_until_rebuilt(
    tmp_path: Any, corpora: dict[int, Any]
) -> None:
    import sqlite3

    gen, full = corpora[SEEDS[0]]
    db = tmp_path / "old.db"
    store = SQLiteStore(str(db))
    _run(store, [gen.articles])
    store.close()
    # put the dedupe index back as the component-based schema (migrations 2-6) left it
    con = sqlite3.connect(db)
    for table in ("dedupe_keys", "dedupe_groups", "dedupe_spans", "dedupe_span_producers", "dedupe_span_carriers"):
        con.execute(f"DROP TABLE {table}")
    con.execute("CREATE TABLE dedupe_keys (key BIGINT NOT NULL, article TEXT NOT NULL)")
    con.execute("CREATE INDEX dedupe_keys_key ON dedupe_keys(key)")
    con.execute("CREATE TABLE dedupe_components (article TEXT PRIMARY KEY, component TEXT NOT NULL)")
    con.execute("INSERT INTO dedupe_keys VALUES (1, ?)", (gen.articles[0].id,))
    con.execute("INSERT INTO dedupe_components VALUES (?, ?)", (gen.articles[0].id, gen.articles[0].id))
    con.execute("DELETE FROM schema_migrations WHERE version IN (7, 102)")
    con.commit()
    con.close()

    upgraded = SQLiteStore(str(db))  # runs migrations 7 and 102
    try:
        assert upgraded.dedupe_index().size() == 0
        assert _stored(upgraded) == full  # still readable until the next analyse
        one = [gen.articles[0]]  # handed one article, the update indexes every stored one
        assert sorted(update_dedupe(upgraded, one)) == sorted(a.id for a in gen.articles)
        assert upgraded.dedupe_index().size() == len(gen.articles)
        assert _stored(upgraded) == full
    finally:
        upgraded.close()


# --------------------------------------------------------------------------- the pipeline's step: chunks, watermark


@pytest.mark.parametrize("chunk", [1, 7, 25, 10_000])
@pytest.mark.parametrize("seed", SEEDS)
def test_dedupe_pending_in_any_chunking_equals_full_dedupe(
    store: SQLiteStore, corpora: dict[int, Any], seed: int, chunk: int
) -> None:
    # chunk 1: every article its own update; 10,000: each round one update (from scratch while the store is small)
    gen, full = corpora[seed]
    for part in shuffled_rounds(gen.articles, seed * 31 + chunk, sizes=(1, 3, 17, 40, 90)):
        store.add_articles(part)
        changes = dedupe_pending(store, chunk=chunk)
        assert changes.new == len(part) or changes.touched is None  # a rebuild indexes the stored ones too
        assert store.undeduped_ids() == []
    assert _stored(store) == full


def test_dedupe_pending_in_chunks_equals_full_dedupe_on_both_stores(any_store: Any, corpora: dict[int, Any]) -> None:
    gen, full = corpora[SEEDS[1]]
    rounds = shuffled_rounds(gen.articles, 5, sizes=(1, 3, 17, 40, 90))
    for part in rounds:
        any_store.add_articles(part)
        dedupe_pending(any_store, chunk=9)
    assert _stored(any_store) == full
    assert any_store.unflagged_passages() == set()  # flags are written with the passages


def test_undeduped_ids_are_the_articles_after_the_watermark_the_index_lacks(any_store: Any) -> None:
    gen = generate(SEEDS[0], n_independent=10)
    first, second = gen.articles[:20], gen.articles[20:30]
    any_store.add_articles(first[:5])
    any_store.add_articles(first[5:])
    assert any_store.undeduped_ids() == [a.id for a in first]  # no watermark yet: checked whole, ingest order
    any_store.advance_dedupe_watermark()  # nothing indexed: it stays before the first article
    assert any_store.undeduped_ids() == [a.id for a in first]
    any_store.advance_dedupe_watermark()  # the prefix indexed whole ends at the 5th article
    dedupe_pending(any_store)
    assert any_store.undeduped_ids() == []
    any_store.add_articles(second)
    assert any_store.undeduped_ids() == [a.id for a in second]
    # indexed out of ingest order (incrementally: no rebuild): the watermark must stop before second[0]
    _run(any_store, [second[3:]], rebuild_fraction=math.inf)
    any_store.advance_dedupe_watermark()
    assert any_store.undeduped_ids() == [a.id for a in second[:3]]
    assert any_store.dedupe_index().size() == 27


def test_dedupe_changes_name_the_articles_whose_marks_or_passages_changed(store: SQLiteStore) -> None:
    gen = generate(SEEDS[0])
    by_id = _by_id(gen.articles)
    copy, _source = gen.exact[0]
    rest = [a for a in gen.articles if a.id != copy]
    store.add_articles(rest)
    dedupe_pending(store)
    before = _stored(store)
    store.add_articles([by_id[copy]])
    changes = dedupe_pending(store)
    assert changes.touched is not None and copy in changes.touched
    after = _stored(store)
    # every article whose mark or carried passages differ is named
    marks = {d.article: d for d in before[0]}, {d.article: d for d in after[0]}
    carried_before = {a: {p.id for p in before[1] if a in p.articles} for a in by_id}
    carried_after = {a: {p.id for p in after[1] if a in p.articles} for a in by_id}
    differ = {a for a in by_id if marks[0].get(a) != marks[1].get(a) or carried_before[a] != carried_after[a]}
    assert differ and differ <= changes.touched


# --------------------------------------------------------------------------- stored token hashes (migration 16)


def test_stored_tokens_are_the_tokens_of_each_indexed_article(any_store: Any) -> None:
    gen = generate(SEEDS[2], n_independent=12)
    any_store.add_articles(gen.articles)
    dedupe_pending(any_store)
    index = any_store.dedupe_index()
    ids = [a.id for a in gen.articles]
    stored = index.tokens(ids)
    assert set(stored) == set(ids)  # every article joining the index has its row
    for a in gen.articles:
        hashes, _, _, quoted, _ = tokenise_batch([a.text])
        got = unpack_tokens(*stored[a.id])
        assert all(isinstance(part, bytes) for part in stored[a.id])
        assert got[0].tolist() == hashes.tolist()
        assert got[1].tolist() == quoted.tolist()
    assert any(q for a in gen.articles for q in unpack_tokens(*stored[a.id])[1].tolist())  # quotations kept


def test_articles_indexed_without_stored_tokens_are_read_whole_with_the_same_result(
    any_store: Any, corpora: dict[int, Any]
) -> None:
    # A store indexed before migration 16 holds no tokens: its articles' texts are tokenised again when an
    # update pairs with them. Half the rows are dropped here, so windows mix both kinds of neighbour.
    gen, full = corpora[SEEDS[0]]
    rest = [a for a in gen.articles if a.published is not None][-12:]
    head = [a for a in gen.articles if a not in rest]
    any_store.add_articles(head)
    dedupe_pending(any_store)
    dropped = sorted(a.id for a in head)[::2]
    with any_store.atomic():
        any_store._exec(f"DELETE FROM dedupe_tokens WHERE article IN ({', '.join('?' * len(dropped))})", dropped)
    assert set(any_store.dedupe_index().tokens([a.id for a in head])) == {a.id for a in head} - set(dropped)
    for a in rest:  # one at a time: each an incremental update reading its neighbours
        any_store.add_articles([a])
        changes = dedupe_pending(any_store)
        assert changes.touched is not None
    assert _stored(any_store) == full


def test_default_lsh_parameters_are_the_ones_datasketch_picks() -> None:
    from datasketch import MinHashLSH

    for (threshold, num_perm), params in KNOWN_LSH_PARAMS.items():
        lsh = MinHashLSH(threshold=threshold, num_perm=num_perm)
        assert params == (lsh.b, lsh.r)
    options = DedupeOptions()
    assert (round(options.near_threshold - options.lsh_margin, 9), options.num_perm) in KNOWN_LSH_PARAMS


@pytest.mark.parametrize("distinct", [0, 1, 600, 65_536, 65_537])
def test_packed_tokens_round_trip(distinct: int) -> None:
    rng = np.random.default_rng(distinct)
    words = rng.integers(0, 2**64, size=distinct, dtype=np.uint64)
    hashes = np.concatenate([words, words[: distinct // 3]]) if distinct else np.zeros(0, np.uint64)
    quoted = rng.random(hashes.size) < 0.2
    vocab, seq, flags = pack_tokens(hashes, quoted)
    assert len(seq) == hashes.size * (2 if distinct <= 65_536 else 4)  # the narrow form while it fits
    got_h, got_q = unpack_tokens(vocab, seq, flags)
    assert got_h.dtype == np.uint64 and got_h.tolist() == hashes.tolist()
    assert got_q.tolist() == quoted.tolist()


def test_word_mask_is_the_word_character_table_on_every_code_point() -> None:
    # the lazy mask replaces the 1.1M-entry table in every tokenisation: it must agree on all of Unicode
    every = np.arange(0x110000, dtype=np.uint32)
    assert np.array_equal(word_mask(every), word_chars())
    assert word_mask(np.frombuffer("Zürich’s «İ» x_y".encode("utf-32-le"), dtype=np.uint32)).tolist() == [
        c.isalnum() and c != "_" for c in "Zürich’s «İ» x_y"
    ]


@pytest.mark.parametrize(
    ("n", "m"),
    [
        (50, 10),
        (100_000, 3),
        (100_000, 1_000),
        (5_000, 20_000),
        (300_000, 100_000),
        (5_000, 600_000),
        (200_000, 900_000),
    ],
)
def test_membership_by_binary_search_equals_isin(n: int, m: int) -> None:
    # the window's postings against the keys it covers: the prefiltered path (n > 64 m, or n >= 4096 and not far
    # fewer than the keys: tables of 2^20 to 2^24 slots), the plain one (few values, or far more keys), and one
    # table tested many times (``Members``)
    rng = np.random.default_rng(n + m)
    keys = np.sort(rng.integers(0, 2**64, size=m, dtype=np.uint64))
    values = rng.integers(0, 2**64, size=n, dtype=np.uint64)
    values[::7] = keys[rng.integers(0, m, size=values[::7].size)]
    assert np.array_equal(member(values, keys), np.isin(values, keys))
    members = Members(keys)
    for part in (values[: n // 2], values[n // 2 :], values[:0]):
        assert np.array_equal(members(part), np.isin(part, keys))
    ranks = np.sort(rng.integers(-(2**40), 2**40, size=m))
    docs = rng.integers(-(2**40), 2**40, size=n)
    docs[::5] = ranks[rng.integers(0, m, size=docs[::5].size)]
    assert np.array_equal(member(docs, ranks), np.isin(docs, ranks))


def test_winnowing_at_given_grams_selects_what_winnowing_everything_selects() -> None:
    # a window's articles are winnowed only at the grams whose keys it covers: ties (few distinct values), short
    # articles and article boundaries included
    rng = np.random.default_rng(3)
    for _ in range(300):
        n, n_docs = int(rng.integers(0, 200)), int(rng.integers(1, 8))
        docs = np.sort(rng.integers(0, n_docs, size=n)).astype(np.int64)
        grams = rng.integers(0, int(rng.integers(2, 20)), size=n).astype(np.uint64)
        everything = _winnow(grams, docs, n_docs)
        at = np.flatnonzero(rng.random(n) < 0.5)
        assert np.array_equal(_winnow_at(grams, docs, n_docs, at), np.intersect1d(everything, at))
        assert np.array_equal(_winnow_at(grams, docs, n_docs, np.arange(n)), everything)


def test_overlapping_spans_found_by_bisection_are_those_a_scan_finds() -> None:
    # ``spans_around`` looks up the spans of a carrier that overlap a range: only the run of its sorted places that
    # can overlap is scanned. Every place overlapping the range, and no other, whatever the spans' lengths (empty
    # ones, one far longer than the rest, ranges at the edges).
    from storyline.dedupe.incremental import overlapping

    rng = random.Random(11)
    for _ in range(400):
        placed = []
        for i in range(rng.randint(1, 40)):
            start = rng.randint(0, 300)
            placed.append((start, start + rng.choice([0, 1, 5, 12, rng.randint(0, 200)]), f"s{i}"))
        placed.sort()
        starts = [s for s, _, _ in placed]
        longest = max(e - s for s, e, _ in placed)
        for _ in range(20):
            pos, length = rng.randint(-10, 320), rng.choice([0, 1, 8, rng.randint(0, 100)])
            scan = {sp for s, e, sp in placed if s < pos + length and pos < e}
            assert set(overlapping(placed, starts, longest, pos, length)) == scan
