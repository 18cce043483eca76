"""Timelines and comparisons of what changed (issue 15): an analyse looks only at the stories and events its dedupe
and cluster steps changed, and what it stores equals what a from-scratch pass over the same store builds.

Random batchings of the sample and of a generated corpus (bench/scale_corpus.py, made from Timeline17 beside the
repository), on both stores; after every batch the stored timelines, story source counts and comparisons are
compared with those built from every stored record (as analyse did before it followed what changed).
"""

from __future__ import annotations

import hashlib
import json
import logging
import random
import re
import sys
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest

from storyline import dedupe
from storyline.compare import comparison_digest, event_wire, is_compared, wire_carried
from storyline.ingest import read
from storyline.pipeline import PipelineOptions, analyse, stages
from storyline.records import Article
from storyline.store import Store
from storyline.store.sql import dump_comparison
from storyline.text import sentence_spans
from storyline.timeline import timeline_digest, timeline_shape
from test_incremental import full_timelines

OPTIONS = PipelineOptions(use_nlp=False, workers=1)
ROOT = Path(__file__).resolve().parents[1]
T17 = ROOT.parent / "shared" / "datasets" / "timeline17"
_LAP = re.compile(
    r"timelines \((\d+) of (\d+) rebuilt, (\d+) dropped(?:, (\d+) articles' sources read)?"
    r"(?:; (\d+) of (\d+) days picked again, (?:\d+) of (?:\d+) recalled periods found again, (\d+) articles' "
    r"texts read)?\)"
)
_COMPARE_LAP = re.compile(r"comparisons \((\d+) of (\d+) rebuilt, (\d+) dropped\)")


@pytest.fixture(scope="module")
def sample() -> list[Article]:
    from conftest import SAMPLE

    return [a for a in read([str(SAMPLE)]) if isinstance(a, Article)]


@pytest.fixture(scope="module")
def generated(tmp_path_factory: pytest.TempPathFactory) -> list[Article]:
    """120 articles of ``bench/scale_corpus.py`` (Timeline17 perturbed), read as ``storyline ingest`` reads them."""
    if not T17.is_dir():
        pytest.skip("../shared/datasets/timeline17 not found: Timeline17 lives beside the repository")
    sys.path.insert(0, str(ROOT / "bench"))
    try:
        import scale_corpus
    finally:
        sys.path.remove(str(ROOT / "bench"))
    path = tmp_path_factory.mktemp("scale") / "g.jsonl"
    with path.open("w", encoding="utf-8") as f:
        for rec in scale_corpus.articles(120):
            f.write(json.dumps(rec, ensure_ascii=False) + "\n")
    return [a for a in read([str(path)]) if isinstance(a, Article)]


def random_batches(articles: list[Article], seed: int) -> Iterator[list[Article]]:
    """The articles shuffled, then a first batch of 55-75 % of them and random small batches: mostly fewer than
    ``dedupe.REBUILD_FRACTION`` of the store (the dedupe index then follows what changed, and so do timelines and
    comparisons), now and then a larger one (indexed from scratch: every timeline and comparison checked)."""
    rng = random.Random(seed)
    order = list(articles)
    rng.shuffle(order)
    i = int(len(order) * rng.uniform(0.55, 0.75))
    yield order[:i]
    while i < len(order):
        small = max(1, int(dedupe.REBUILD_FRACTION * i - 1e-9))  # stays under the fraction of what is stored
        n = rng.randint(5, 9) if rng.random() < 0.15 else rng.randint(1, small)
        yield order[i : i + n]
        i += n


def from_scratch(store: Store) -> tuple[Any, ...]:
    """Timelines, story source counts, comparisons and the digests of their inputs, from every stored record."""
    duplicates, passages = store.duplicates(), store.passages()
    duplicate_of = {d.article: d.duplicate_of for d in duplicates}
    source_of = dedupe.source_roots(duplicates, passages)
    sources = {s.id: len({source_of.get(a, a) for a in s.articles}) for s in store.stories()}
    articles = {a.id: a for a in store.articles()}
    carried = wire_carried(passages, duplicate_of)
    comparisons, digests = {}, {}
    events = store.events()
    for ev in events:
        if not is_compared(ev, duplicate_of):
            continue
        wire = event_wire(ev, carried, duplicate_of)
        item = stages.CompareItem(
            ev,
            {a: articles[a] for a in ev.articles},
            {a: duplicate_of[a] for a in ev.articles if a in duplicate_of},
            wire,
            comparison_digest(ev, duplicate_of, wire),
        )
        comparisons[ev.id] = json.loads(dump_comparison(stages.compare_event(item)))
        digests[ev.id] = item.digest
    timeline_digests = {
        s.id: timeline_digest(s, [e for e in events if e.story == s.id], duplicate_of, source_of, OPTIONS.timeline)
        for s in store.stories()
    }
    return full_timelines(store), sources, comparisons, timeline_digests, digests


def stored(store: Store) -> tuple[Any, ...]:
    stories = store.timeline_stories()
    return (
        {s: store.timeline(s) for s in stories},
        store.story_sources(),
        store.comparisons(),
        store.timeline_digests(),
        store.comparison_digests(),
    )


def ingest_logged(store: Store, batch: list[Article], caplog: pytest.LogCaptureFixture) -> str:
    """Store ``batch`` and analyse; returns the ``analyse:`` log line."""
    caplog.clear()
    with store.atomic():
        store.add_articles(batch)
    with caplog.at_level(logging.INFO, logger="storyline.pipeline"):
        analyse(store, OPTIONS)
    return next(r.getMessage() for r in caplog.records if r.getMessage().startswith("analyse:"))


def check_batchings(store: Store, articles: list[Article], seed: int, caplog: pytest.LogCaptureFixture) -> int:
    """Ingest ``articles`` in a random batching, checking every batch against a from-scratch pass; returns how many
    analyses followed what changed."""
    followed = 0
    for batch in random_batches(articles, seed):
        line = ingest_logged(store, batch, caplog)
        lap = _LAP.search(line)
        assert lap is not None, line
        followed += lap.group(4) is not None
        expected, got = from_scratch(store), stored(store)
        assert got[0] == expected[0]  # timelines
        assert got[1] == expected[1]  # story source counts
        assert got[2] == expected[2]  # comparisons
        assert got[3:] == expected[3:]  # the digests they were built from: the next check sees them current
    return followed


@pytest.mark.parametrize("seed", [1, 2])
def test_sample_in_random_batches_equals_a_from_scratch_pass(
    sample: list[Article], any_store: Any, seed: int, caplog: pytest.LogCaptureFixture
) -> None:
    followed = check_batchings(any_store, sample, seed, caplog)
    assert followed >= 2  # every analyse after the first followed what changed: the check above is not vacuous


def test_generated_corpus_in_random_batches_equals_a_from_scratch_pass(
    generated: list[Article], any_store: Any, caplog: pytest.LogCaptureFixture
) -> None:
    followed = check_batchings(any_store, generated, 3, caplog)
    assert followed >= 2


def test_one_new_article_reads_a_bounded_part_of_the_store(
    generated: list[Article], any_store: Any, caplog: pytest.LogCaptureFixture
) -> None:
    """One article into a store of 119: the timelines step looks at the stories around it and reads the groups of
    one source around it, the comparisons step the events around it, not every stored one."""
    *first, last = generated
    ingest_logged(any_store, first, caplog)
    line = ingest_logged(any_store, [last], caplog)
    lap, compare_lap = _LAP.search(line), _COMPARE_LAP.search(line)
    assert lap is not None and compare_lap is not None, line
    rebuilt, looked, _, read_sources, redone, days, texts = (int(g) for g in lap.groups())
    stories = len(any_store.stories())
    compared = len(any_store.comparisons())
    assert rebuilt <= looked < stories, line
    assert read_sources < len(generated) // 2, line
    # the chronologies it changed are updated day by day: some days keep their entries, and not every article of
    # those stories is read again
    assert redone < days and texts < read_sources, line
    assert int(compare_lap.group(2)) < compared, line
    assert stored(any_store) == from_scratch(any_store)


def test_wire_copy_that_joins_two_sources_of_a_story_the_new_article_is_not_in(
    sample: list[Article], any_store: Any, caplog: pytest.LogCaptureFixture
) -> None:
    """A new article about another story carries two sentences of each of two independent articles of the first
    story: they become one source through it. The cluster step does not touch that story; the dedupe step does,
    and the timelines and comparisons steps follow it there."""
    ingest_logged(any_store, sample, caplog)
    by_id = {a.id: a for a in sample}
    stories = any_store.stories()
    source_of = dedupe.source_roots(any_store.duplicates(), any_store.passages())
    first = stories[0]
    x, y = [a for a in first.articles if source_of.get(a, a) == a and by_id[a].outlet][:2]
    base = by_id[stories[-1].articles[0]]

    def two_sentences(article: str) -> str:
        text = by_id[article].text
        return " ".join(text[b:e] for b, e in sentence_spans(text)[2:4])

    text = f"{base.text}\n\n{two_sentences(x)}\n\n{two_sentences(y)}"
    digest = hashlib.sha1(text.encode()).hexdigest()
    new = replace(
        base, id="a-0000000000cafe01", source="new", url="https://new.example/n", text=text, content_hash=digest
    )
    before = any_store.story_sources()[first.id]
    line = ingest_logged(any_store, [new], caplog)
    assert "sources read" in line  # followed what changed
    assert any_store.clusters_of([new.id])[new.id][1] != first.id
    assert any_store.story_sources()[first.id] == before - 1  # x and y are one source now
    assert stored(any_store) == from_scratch(any_store)


def test_a_write_outside_analyse_makes_the_next_one_check_everything(
    sample: list[Article], any_store: Any, caplog: pytest.LogCaptureFixture
) -> None:
    """Timelines, comparisons or their inputs written by anything but an analyse: the next analyse checks every
    stored one again (their digests), so what it stores still equals a from-scratch pass."""
    half = len(sample) // 2
    ingest_logged(any_store, sample[:half], caplog)
    assert any_store.derived_key("timelines") and any_store.derived_key("comparisons")
    story = any_store.stories()[0].id
    event = next(iter(any_store.comparisons()))
    with any_store.atomic():
        any_store.set_timeline(story, [], "a digest of other code")
        any_store.set_comparisons([(event, "a digest of other code", {})])
    assert any_store.derived_key("timelines") is None and any_store.derived_key("comparisons") is None
    line = ingest_logged(any_store, sample[half : half + 1], caplog)
    assert "sources read" not in line  # a full check
    assert stored(any_store) == from_scratch(any_store)
    assert any_store.derived_key("timelines") and any_store.derived_key("comparisons")


def test_every_stored_timeline_knows_the_shape_it_was_checked_against(
    sample: list[Article], any_store: Any, caplog: pytest.LogCaptureFixture
) -> None:
    """A story the cluster step rewrites with the same title, articles and events is not read again by the
    timelines step: it compares the story's shape (``timeline_shape``) with the one stored with its timeline."""
    half = len(sample) // 2
    ingest_logged(any_store, sample[:half], caplog)
    ingest_logged(any_store, sample[half:], caplog)
    stories = any_store.stories()
    events = any_store.events()
    want = {s.id: timeline_shape(s, [e for e in events if e.story == s.id]) for s in stories}
    assert any_store.timeline_shapes(list(want)) == want
    assert stored(any_store) == from_scratch(any_store)


def test_a_shared_sentence_that_is_no_wire_copy_does_not_send_the_comparisons_to_its_carriers(
    sample: list[Article], tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    """A new article about another story quotes one sentence of a stored article: the dedupe step rewrites that
    article's passages, but one shared sentence is no wire copy (``is_wire_copy``), so no comparison reads it. The
    comparisons step looks at as many events as when the article does not quote it (it used to look at the quoted
    article's event too, and read the wire copy of all its articles), and what it stores equals a from-scratch
    pass."""
    from storyline.agencies import agency_spans, local_agencies
    from storyline.dedupe.sources import is_wire_copy
    from storyline.store import SQLiteStore

    by_id = {a.id: a for a in sample}
    looked = []
    for quoting in (False, True):
        store = SQLiteStore(str(tmp_path / f"q{quoting}.db"))
        ingest_logged(store, sample, caplog)
        compared = {ev.id: ev for ev in store.events() if len(ev.articles) >= 2}
        # an article no agency supplied: a passage traced to an agency is a wire copy at any length
        x = next(
            by_id[a]
            for ev in compared.values()
            if ev.story != store.stories()[-1].id
            for a in ev.articles
            if not by_id[a].agencies and not agency_spans(by_id[a].text) and not local_agencies(by_id[a].text)
        )
        longest = max(sentence_spans(x.text), key=lambda se: se[1] - se[0])
        base = next(
            by_id[a]
            for a in store.stories()[-1].articles
            if not by_id[a].agencies and not agency_spans(by_id[a].text) and not local_agencies(by_id[a].text)
        )
        text = f"{base.text}\n\n{x.text[longest[0] : longest[1]]}" if quoting else f"{base.text}\n\nNothing else."
        new = replace(
            base,
            id="a-0000000000cafe02",
            source="new",
            url="https://new.example/q",
            text=text,
            content_hash=hashlib.sha1(text.encode()).hexdigest(),
        )
        line = ingest_logged(store, [new], caplog)
        found = _COMPARE_LAP.search(line)
        assert found is not None, line
        looked.append(int(found.group(2)))
        shared = [p for p in store.passages([new.id]) if x.id in p.articles]
        if quoting:
            assert shared and not any(is_wire_copy(p) for p in shared)  # the quoted sentence is a passage, not wire
            assert store.clusters_of([new.id])[new.id][0] != store.clusters_of([x.id])[x.id][0]
        assert stored(store) == from_scratch(store)
        store.close()
    assert looked[1] == looked[0], looked
