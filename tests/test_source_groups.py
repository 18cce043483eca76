"""The stored groups of one source (``pipeline.sources``) follow every dedupe update exactly: after any sequence of
links added and removed (joins, splits into several pieces, rewritten passages, rewritten duplicate marks), the
stored partition is the one ``dedupe.source_roots`` gives from scratch over every stored mark and passage. On both
backends, and through the real pipeline on the sample corpus."""

from __future__ import annotations

import random
from collections.abc import Iterable, Mapping
from typing import Any

import pytest

from conftest import SAMPLE
from storyline.dedupe import is_wire_copy, source_roots
from storyline.pipeline import PipelineOptions, analyse, ingest, sources
from storyline.pipeline.jobs import DedupeChanges, write_dedupe
from storyline.records import DedupeDelta, Duplicate, Passage

WIRE = "Officials met on Monday to discuss the plan at length. They agreed on three points and left at noon."
NOT_WIRE = "I don't know"  # a short shared quotation never folds its carriers
ARTICLES = [f"a{i:02d}" for i in range(14)]


def partition(source_of: Mapping[str, str], ids: Iterable[str]) -> set[frozenset[str]]:
    """The groups of ``ids`` under an article -> representative mapping (absent: itself)."""
    out: dict[str, set[str]] = {}
    for a in ids:
        out.setdefault(source_of.get(a, a), set()).add(a)
    return {frozenset(g) for g in out.values()}


def stored_partition(store: Any, ids: Iterable[str]) -> set[frozenset[str]]:
    return partition(sources.representatives(store.source_groups()), ids)


def scratch_partition(store: Any, ids: Iterable[str]) -> set[frozenset[str]]:
    return partition(source_roots(store.duplicates(), store.passages()), ids)


def delta(passages: Iterable[Passage] = (), removed: Iterable[str] = (), marks: Mapping[str, str | None] = {}) -> Any:
    """A dedupe update writing only passages and duplicate marks (article -> original, None: no mark any more)."""
    return DedupeDelta(
        keys={},
        groups=(),
        duplicates_of=tuple(marks),
        duplicates=tuple(Duplicate(a, o, "near", 0.9) for a, o in marks.items() if o is not None),
        producers_of=(),
        producers=(),
        spans_removed=(),
        spans_added=(),
        carriers_added=(),
        passages_removed=tuple(removed),
        passages=tuple(passages),
    )


def test_the_texts_are_what_they_stand_for() -> None:
    assert is_wire_copy(Passage("w", WIRE, ("a", "b")))
    assert not is_wire_copy(Passage("n", NOT_WIRE, ("a", "b")))


def test_a_chain_cut_in_the_middle_splits_and_a_new_link_joins(any_store: Any) -> None:
    store = any_store
    sources.rebuild(store)
    chain = [Passage(f"p{i}", WIRE, (ARTICLES[i], ARTICLES[i + 1])) for i in range(5)]
    changes = DedupeChanges()
    write_dedupe(store, delta(chain), changes)
    assert stored_partition(store, ARTICLES) == scratch_partition(store, ARTICLES)
    assert frozenset(ARTICLES[:6]) in stored_partition(store, ARTICLES)
    write_dedupe(store, delta(removed=["p2"]), changes)  # a00..a02 | a03..a05
    assert frozenset(ARTICLES[:3]) in stored_partition(store, ARTICLES)
    assert frozenset(ARTICLES[3:6]) in stored_partition(store, ARTICLES)
    write_dedupe(store, delta(marks={ARTICLES[5]: ARTICLES[0]}), changes)  # a copy joins them again
    assert frozenset(ARTICLES[:6]) in stored_partition(store, ARTICLES)
    assert sources.current(store)
    assert ARTICLES[5] in changes.marked


@pytest.mark.parametrize("seed", range(4))
def test_random_updates_keep_the_groups_a_from_scratch_pass_gives(any_store: Any, seed: int) -> None:
    rng = random.Random(seed)
    store = any_store
    sources.rebuild(store)
    live: dict[str, Passage] = {}
    marks: dict[str, str] = {}
    n = 0
    splits = 0
    for _ in range(40):
        before = stored_partition(store, ARTICLES)
        new: list[Passage] = []
        for _ in range(rng.randint(0, 3)):  # new passages, and old ones rewritten with other carriers
            pid = rng.choice(sorted(live)) if live and rng.random() < 0.3 else f"p{(n := n + 1)}"
            carriers = tuple(rng.sample(ARTICLES, rng.choice((2, 2, 3, 4))))
            if pid not in {q.id for q in new}:
                new.append(Passage(pid, WIRE if rng.random() < 0.8 else NOT_WIRE, carriers))
        gone = [p for p in sorted(live) if rng.random() < 0.15 and p not in {q.id for q in new}]
        rewritten: dict[str, str | None] = {}
        for _ in range(rng.randint(0, 2)):
            a, o = rng.sample(ARTICLES, 2)
            rewritten[a] = None if a in marks and rng.random() < 0.5 else o
        write_dedupe(store, delta(new, gone, rewritten), DedupeChanges())
        for p in gone:
            del live[p]
        live.update((p.id, p) for p in new)
        for a, o in rewritten.items():
            if o is None:
                marks.pop(a, None)
            else:
                marks[a] = o
        after = stored_partition(store, ARTICLES)
        assert after == scratch_partition(store, ARTICLES)
        splits += len(after) > len(before)
        assert sources.current(store)
    assert splits > 0  # the sequence did split groups, not only join them


def test_the_pipeline_keeps_them_on_the_sample_in_batches(any_store: Any) -> None:
    store = any_store
    files = sorted(str(p) for p in SAMPLE.rglob("*") if p.is_file())
    ids: list[str] = []
    options = PipelineOptions(use_nlp=False)
    for at in range(0, len(files), 4):
        ingest(store, files[at : at + 4], options)
        analyse(store, options)
        assert sources.current(store)
        ids = [a.id for a in store.articles()]
        assert stored_partition(store, ids) == scratch_partition(store, ids)
    assert any(len(g) > 1 for g in stored_partition(store, ids))  # the sample has copies and wire copy
