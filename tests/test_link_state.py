"""The entity merge's state in the store (issue 15): analyses in any batching end with the entities and speaker links
of one analysis from scratch, on both stores; a store without the state builds it once and goes on the same; one
new article reads and writes as many state and entity rows whatever the store holds."""

from __future__ import annotations

import hashlib
import logging
import random
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import pytest

from conftest import SAMPLE, SEEDS, shuffled_rounds
from storyline.ingest import read
from storyline.link import link_speakers, merge_entities
from storyline.link_state import VERSION
from storyline.pipeline import PipelineOptions, analyse
from storyline.pipeline.jobs import _Analyse
from storyline.pipeline.runners import InlineRunner
from storyline.progress import steps
from storyline.records import Article, Entity
from storyline.store import SQLiteStore, Store

OPTIONS = PipelineOptions(use_nlp=False, workers=1)
Links = list[tuple[str, int, int, str | None]]


def _articles(folder: Path) -> list[Article]:
    return [a for a in read([str(folder)]) if isinstance(a, Article)]


def _analyse(store: Store, batch: Sequence[Article]) -> None:
    with store.atomic():
        store.add_articles(batch)
    analyse(store, OPTIONS)


def _links(store: Store) -> Links:
    return [(q.article, q.start, q.end, q.speaker_entity) for q in store.quotes()]


def _from_scratch(articles: list[Article]) -> tuple[list[Entity], Links]:
    """One analysis of every article into a new store: its entities table and quote speakers."""
    store = SQLiteStore(":memory:")
    try:
        _analyse(store, articles)
        entities, links = store.entities(), _links(store)
        # and, on these corpora, what the corpus-wide merge of the whole store gives (outputs did not change)
        texts = {a.id: a.text for a in store.articles()}
        merged = merge_entities(store.mentions(), texts)
        assert entities == merged
        assert links == [(q.article, q.start, q.end, q.speaker_entity) for q in link_speakers(store.quotes(), merged)]
        return entities, links
    finally:
        store.close()


@pytest.fixture(scope="module")
def sample() -> tuple[list[Article], list[Entity], Links]:
    arts = _articles(SAMPLE)
    assert len(arts) > 30
    entities, links = _from_scratch(arts)
    assert len(entities) > 20 and sum(1 for *_, e in links if e) > 20  # the contract below compares something
    return arts, entities, links


@pytest.mark.parametrize("seed", [0, 1])
def test_any_batching_of_analyses_equals_one_analysis(
    any_store: Any, sample: tuple[list[Article], list[Entity], Links], seed: int
) -> None:
    arts, entities, links = sample
    batches = shuffled_rounds(arts, seed)
    assert len(batches) > 3
    for batch in batches:
        _analyse(any_store, batch)
    assert any_store.entities() == entities
    assert _links(any_store) == links
    assert any_store.unmerged_ids() == []


def test_seeds_in_batches_equal_one_analysis(any_store: Any) -> None:
    if not SEEDS.is_dir():
        pytest.skip(f"{SEEDS} not found: the seed articles live in ../shared/seeds beside the repository")
    arts = _articles(SEEDS)
    entities, links = _from_scratch(arts)
    for batch in shuffled_rounds(arts, 3):
        _analyse(any_store, batch)
    assert any_store.entities() == entities
    assert _links(any_store) == links


def _forget_state(store: Store, version: int | None) -> None:
    """Make ``store`` one the merge state does not describe: none stored (analysed before migration 15), or
    one of another version; its entities and speaker links as the old corpus-wide merge left them."""
    with store.atomic():
        if version is None:
            for table in ("entity_merge_keys", "entity_merge_pairs", "entity_merged", "entity_merge_meta"):
                store._exec(f"DELETE FROM {table}")  # type: ignore[attr-defined]
        else:
            store._exec("UPDATE entity_merge_meta SET version = ?", (version,))  # type: ignore[attr-defined]
        texts = {a.id: a.text for a in store.articles()}
        merged = merge_entities(store.mentions(), texts)
        store.set_entities(merged)
        store.set_quote_speakers((q.article, q.start, q.end, None) for q in store.quotes())


@pytest.mark.parametrize("version", [None, VERSION + 1])
def test_a_store_without_the_state_builds_it_and_goes_on_the_same(
    any_store: Any,
    sample: tuple[list[Article], list[Entity], Links],
    version: int | None,
    caplog: pytest.LogCaptureFixture,
) -> None:
    arts, entities, links = sample
    half = len(arts) // 2
    _analyse(any_store, arts[:half])
    _forget_state(any_store, version)
    assert any_store.merge_version() == version
    with caplog.at_level(logging.INFO, logger="storyline.pipeline.jobs"):
        _analyse(any_store, arts[half : half + 3])
    assert "building it from the" in caplog.text
    assert any_store.merge_version() == VERSION
    for batch in shuffled_rounds(arts[half + 3 :], 5):
        _analyse(any_store, batch)
    assert any_store.entities() == entities
    assert _links(any_store) == links


# --------------------------------------------------------------------------- rows an add touches


class _Counting:
    """The store, counting the rows the link step reads of the merge state and the entity and state rows it writes
    (a pass-through: every call goes to the real store)."""

    def __init__(self, store: Store) -> None:
        self._store = store
        self.read = 0
        self.calls = 0  # read calls (each one query, or a few for a long list)
        self.written: list[str] = []
        self.state = 0

    def __getattr__(self, name: str) -> Any:
        attr = getattr(self._store, name)
        if name in ("merge_keys", "merge_members", "merge_pairs", "entities"):

            def reads(*a: Any, **k: Any) -> Any:
                self.calls += 1
                rows = attr(*a, **k)
                self.read += len(rows)
                return rows

            return reads
        if name == "write_entities":

            def entities(ents: Any, dropped: Any) -> None:
                ents, dropped = list(ents), list(dropped)
                self.written += [e.id for e in ents] + dropped
                attr(ents, dropped)

            return entities
        if name == "write_merge_state":

            def state(keys: Any, added: Any, removed: Any, *a: Any, **k: Any) -> None:
                keys, added, removed = list(keys), list(added), list(removed)
                self.state += len(keys) + len(added) + len(removed)
                attr(keys, added, removed, *a, **k)

            return state
        return attr


def _words(rng: random.Random, consonants: str, n: int, taken: set[str]) -> list[str]:
    """``n`` made-up words no two of which share a one-deletion variant (so no merge rule relates them)."""
    from storyline.link import deletions

    out: list[str] = []
    while len(out) < n:
        w = "".join(rng.choice(consonants) + rng.choice("aeiou") for _ in range(rng.randint(2, 3)))
        w += rng.choice(consonants)
        if deletions(w) & taken:
            continue
        taken |= deletions(w)
        out.append(w.capitalize())
    return out


def _text(a: str, b: str) -> str:
    return (
        f"{a} said on Monday that the plan was sound. {b} told reporters that {a} had agreed. "
        f"{a.split()[-1]} declined to comment."
    )


def _article(i: int, text: str) -> Article:
    return Article(
        id=f"z-{i:04d}",
        source=f"feed/{i}.txt",
        text=text,
        title=f"Report {i}",
        published="2024-03-01",
        published_from="header",
        content_hash=hashlib.sha1(text.encode()).hexdigest(),
    )


def _one_new_article(store: Store, fillers: int) -> tuple[_Counting, list[str], list[str]]:
    """A store of ``fillers`` articles naming people no rule relates, then one article naming two new people and
    one of the first article's: the link step's reads and writes for it, the names written and those expected."""
    rng = random.Random(7)
    # the letters of the stored names and of the new ones are disjoint: no term, initials or skeleton is shared
    taken: set[str] = set()
    old = _words(rng, "bdgklmnprst", 4 * fillers, taken)
    new = _words(rng, "fvz", 4, taken)
    people = [f"{old[i]} {old[i + 1]}" for i in range(0, len(old), 2)]
    _analyse(store, [_article(i, _text(people[2 * i], people[2 * i + 1])) for i in range(fillers)])
    named = [f"{new[0]} {new[1]}", f"{new[2]} {new[3]}", people[0]]
    with store.atomic():
        store.add_articles([_article(9999, _text(named[0], named[1]) + f" {named[2]} was not available.")])
    _Analyse(store, OPTIONS, InlineRunner(), steps(None)).extract()
    before = {e.id: e for e in store.entities()}
    counting = _Counting(store)
    _Analyse(counting, OPTIONS, InlineRunner(), steps(None)).link()  # type: ignore[arg-type]
    after = {e.id: e for e in store.entities()}
    # only rows that changed were written, and every change was written
    assert {i for i in set(before) | set(after) if before.get(i) != after.get(i)} == set(counting.written)
    return counting, sorted(after[i].name for i in counting.written if i in after), sorted(named)


def test_one_new_article_reads_and_writes_rows_independent_of_the_store(any_store: Any, other_store: Any) -> None:
    small, written, named = _one_new_article(any_store, 10)
    # the two new people and the known one (its article list grew): nothing else
    assert written == named
    large, written, named = _one_new_article(other_store, 40)
    assert written == named
    # the same rows read and written in a store four times larger
    assert (large.read, len(large.written), large.state) == (small.read, len(small.written), small.state)
    assert 0 < small.read < 100 and 0 < small.state < 200


def test_keys_of_a_crowded_index_term_are_read_together(any_store: Any) -> None:
    """A one-word name is matched against every full name filed under its index terms ("Kim" against each "Kim
    ..."): the stored rows of those names are read in a few queries, not one query per name."""
    from storyline import link_state
    from storyline.link_incremental import tally
    from storyline.records import Mention

    rng = random.Random(11)
    surnames = _words(rng, "bdgklmnprst", 60, set())
    old = [Mention(f"k-{i:03d}", f"Kim {s}", 0, 4 + len(s), "PERSON") for i, s in enumerate(surnames)]
    delta = link_state.link_all(tally(old), [])
    any_store.write_merge_state(delta.keys, delta.added, delta.removed, [], VERSION, full=True)
    any_store.set_entities(delta.entities)
    counting = _Counting(any_store)
    new = link_state.link_new(counting, tally([Mention("k-new", "Kim", 0, 3, "PERSON")]), [])  # type: ignore[arg-type]
    # every "Kim ..." row was looked at (is it a person's full name?), in far fewer reads than there are names
    assert counting.read >= len(surnames)
    assert counting.calls < len(surnames) // 4
    assert 0 < new.reads <= counting.calls  # the state's own count (the log's), without link_new's other reads
    # and the merge is the one from scratch: "Kim" names sixty people, so it joins none of them
    scratch = link_state.link_all(tally([*old, Mention("k-new", "Kim", 0, 3, "PERSON")]), [])
    assert {e.name for e in scratch.entities} == {e.name for e in new.entities} | {e.name for e in delta.entities}
