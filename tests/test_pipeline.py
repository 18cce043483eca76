"""The pipeline's seams: runners give the same results in input order, the error policy turns one bad article
into a rejection row while the rest is stored, and ``Settings`` reads flags over ``STORYLINE_*`` variables."""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from dataclasses import replace
from functools import partial
from typing import Any, TypeVar

import pytest

from conftest import SAMPLE
from storyline.config import Settings
from storyline.errors import StorylineError
from storyline.pipeline import (
    Failure,
    Guarded,
    InlineRunner,
    PipelineOptions,
    ProcessRunner,
    analyse,
    extract,
    ingest,
    run,
)
from storyline.pipeline.stages import TimelineItem
from storyline.records import Article
from storyline.store import SQLiteStore

T = TypeVar("T")
R = TypeVar("R")


def _square(x: int) -> int:
    return x * x


def _fails_on_three(x: int) -> int:
    if x == 3:
        raise ValueError("three is bad")
    return x


def test_process_runner_equals_inline_in_input_order() -> None:
    items = list(range(200))
    with ProcessRunner(2, min_items=1) as pool:
        assert pool.map(_square, items) == InlineRunner().map(_square, items)
        assert pool.start_method in ("forkserver", "spawn")


def test_extraction_in_worker_processes_equals_inline() -> None:
    arts = [a for a in _sample_articles()][:8]
    fn = partial(extract, use_nlp=False)
    with ProcessRunner(2, min_items=1) as pool:
        assert pool.map(fn, arts) == [fn(a) for a in arts]


def _sample_articles() -> list[Article]:
    store = SQLiteStore(":memory:")
    ingest(store, [str(SAMPLE)], PipelineOptions(workers=1))
    return store.articles()


def test_guarded_turns_an_exception_into_a_failure_or_raises() -> None:
    skip = Guarded(_fails_on_three, "extract")
    assert [skip(i) for i in (1, 2)] == [1, 2]
    failed = skip(3)
    assert isinstance(failed, Failure) and failed.stage == "extract" and "three is bad" in failed.reason
    with pytest.raises(ValueError, match="three is bad"):
        Guarded(_fails_on_three, "extract", "raise")(3)


class _BreakOne:
    """A runner handing one article to the stages with its text missing: the real extractor fails on it."""

    def __init__(self, victim: str) -> None:
        self.victim = victim

    def map(self, fn: Callable[[T], R], items: Sequence[T]) -> list[R]:
        out = []
        for x in items:
            if isinstance(x, Article) and x.id == self.victim:
                x = replace(x, text=None)  # type: ignore[arg-type]
            out.append(fn(x))
        return out

    def close(self) -> None:
        return None


def test_one_bad_article_becomes_a_rejection_and_the_rest_is_analysed(tmp_path: Any) -> None:
    store = SQLiteStore(tmp_path / "s.db")
    ingest(store, [str(SAMPLE)], PipelineOptions(use_nlp=False, workers=1))
    victim = store.article_ids()[3]
    failed = analyse(store, PipelineOptions(use_nlp=False), runner=_BreakOne(victim))
    stages = {r.reason.split(": ", 1)[0] for r in failed}
    assert stages == {"extract", "cluster"} and all(victim in r.reason for r in failed)
    stored = [r.reason for r in store.rejections()]
    assert sorted(r.reason for r in failed) == sorted(stored)
    assert store.unanalysed_ids() == []  # the bad one is marked done (nothing found), not retried forever
    others = [a for a in store.article_ids() if a != victim]
    found = {m.article for m in store.mentions()}
    assert victim not in found and len(found & set(others)) >= len(others) - 2  # entities in (nearly) every other
    assert store.stories(), "the other articles were clustered into stories"
    fresh = SQLiteStore(tmp_path / "t.db")
    ingest(fresh, [str(SAMPLE)], PipelineOptions(workers=1))
    with pytest.raises((TypeError, AttributeError)):  # what a missing text raises first: not swallowed
        analyse(fresh, PipelineOptions(use_nlp=False, on_error="raise"), runner=_BreakOne(victim))


def test_same_result_with_a_process_pool_and_inline(tmp_path: Any) -> None:
    a, b = SQLiteStore(tmp_path / "a.db"), SQLiteStore(tmp_path / "b.db")
    run(a, [str(SAMPLE)], PipelineOptions(use_nlp=False, workers=1))
    run(b, [str(SAMPLE)], PipelineOptions(use_nlp=False, workers=2, parallel_min=1))
    assert a.stories() == b.stories() and a.quotes() == b.quotes()
    assert [a.timeline(s.id) for s in a.stories()] == [b.timeline(s.id) for s in b.stories()]
    assert a.comparisons() == b.comparisons()


def test_settings_flags_over_environment_over_defaults() -> None:
    env = {"STORYLINE_DB": "env.db", "STORYLINE_NLP": "0", "STORYLINE_WORKERS": "3"}
    s = Settings.load(env)
    assert (s.db, s.use_nlp, s.workers, s.allow_private) == ("env.db", False, 3, False)
    s = Settings.load(env, db="flag.db", use_nlp=None, workers=1)
    assert (s.db, s.use_nlp, s.workers) == ("flag.db", False, 1)
    assert Settings.load({}) == Settings()
    with pytest.raises(StorylineError, match=r"\$STORYLINE_WORKERS"):
        Settings.load({"STORYLINE_WORKERS": "many"})
    with pytest.raises(StorylineError, match=r"\$STORYLINE_NLP"):
        Settings.load({"STORYLINE_NLP": "perhaps"})
    options = PipelineOptions.from_settings(Settings.load(env), dates=4)
    assert (options.use_nlp, options.workers, options.timeline.dates) == (False, 3, 4)
    assert options.dedupe_chunk == PipelineOptions().dedupe_chunk  # unset: the pipeline's default
    chunked = PipelineOptions.from_settings(Settings.load({**env, "STORYLINE_DEDUPE_CHUNK": "50"}))
    assert chunked.dedupe_chunk == 50
    with pytest.raises(StorylineError, match=r"\$STORYLINE_DEDUPE_CHUNK"):
        Settings.load({"STORYLINE_DEDUPE_CHUNK": "0"})


def test_the_dedupe_chunk_option_cuts_the_dedupe_step_into_updates_with_the_same_result(
    tmp_path: Any, caplog: pytest.LogCaptureFixture
) -> None:
    whole, chunked = SQLiteStore(tmp_path / "whole.db"), SQLiteStore(tmp_path / "chunked.db")
    with caplog.at_level(logging.INFO, logger="storyline.dedupe.incremental"):
        run(whole, [str(SAMPLE)], PipelineOptions(use_nlp=False, workers=1))
        at_once = [r.getMessage() for r in caplog.records if r.getMessage().startswith("dedupe: ")]
        caplog.clear()
        run(chunked, [str(SAMPLE)], PipelineOptions(use_nlp=False, workers=1, dedupe_chunk=2))
        updates = [r.getMessage() for r in caplog.records if r.getMessage().startswith("dedupe: ")]
    n = len(whole.article_ids())
    assert len(at_once) == 1 and "indexed at once" in at_once[0]
    assert len(updates) == -(-n // 2) and sum("re-derived" in u for u in updates) == len(updates) - 1
    assert sorted(map(repr, whole.duplicates())) == sorted(map(repr, chunked.duplicates()))
    assert sorted(map(repr, whole.passages())) == sorted(map(repr, chunked.passages()))


def test_a_process_pool_works_for_a_program_read_from_stdin() -> None:
    """forkserver/spawn workers import the parent's __main__ from its file; a script piped to python has none."""
    import subprocess
    import sys

    script = (
        "from storyline.pipeline.runners import ProcessRunner\n"
        "with ProcessRunner(2, min_items=1) as r:\n"
        "    print(r.map(abs, [-1, -2, 3]))\n"
    )
    done = subprocess.run([sys.executable, "-"], input=script, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "[1, 2, 3]"


class _BreakFirstStory:
    """A runner handing the first story's timeline stage that story's articles as None: the real timeline code
    fails on it."""

    def __init__(self) -> None:
        self.victim: str | None = None

    def map(self, fn: Callable[[T], R], items: Sequence[T]) -> list[R]:
        out = []
        for x in items:
            if isinstance(x, TimelineItem) and self.victim in (None, x.story.id):
                self.victim = x.story.id
                x = replace(x, articles=None)  # type: ignore[arg-type]
            out.append(fn(x))
        return out

    def close(self) -> None:
        return None


def test_a_story_whose_timeline_fails_becomes_a_rejection_and_is_built_next_time(tmp_path: Any) -> None:
    options = PipelineOptions(use_nlp=False, workers=1)
    store, clean = SQLiteStore(tmp_path / "s.db"), SQLiteStore(tmp_path / "c.db")
    run(clean, [str(SAMPLE)], options)
    ingest(store, [str(SAMPLE)], options)
    breaker = _BreakFirstStory()
    failed = analyse(store, options, runner=breaker)
    victim = breaker.victim
    assert victim is not None
    assert [r.reason.split(": ", 1)[0] for r in failed] == ["timeline"]
    assert f"failed on story {victim}" in failed[0].reason and failed[0].source == f"story {victim}"
    assert [r.reason for r in store.rejections()] == [failed[0].reason]
    others = [s.id for s in store.stories() if s.id != victim]
    assert others and all(store.timeline(s) == clean.timeline(s) for s in others)
    assert victim not in store.timeline_stories() and store.derived_key("timelines") is None
    assert analyse(store, options) == []  # every timeline checked again: the missing one is built
    assert store.timeline(victim) == clean.timeline(victim) and store.timeline(victim)
    assert store.derived_key("timelines") == clean.derived_key("timelines")


def test_timelines_keep_each_articles_sentences_so_a_rebuild_splits_only_articles_it_has_not_seen(
    any_store: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The timeline step keeps the sentences it split and checked (``timeline.Sentences`` rows, under a key of the
    code and options): a later analyse rebuilding a story splits only articles with no kept row."""
    from storyline import timeline

    options = PipelineOptions(use_nlp=False, workers=1)
    run(any_store, [str(SAMPLE / "wire.jsonl")], options)
    key = timeline.sentences_key(options.timeline)
    before = any_store.timeline_sentences(any_store.article_ids(), key)
    assert before, "the first analyse kept no sentences"
    assert any_store.timeline_sentences(any_store.article_ids(), "another key") == {}
    texts = {a.text: a.id for a in any_store.articles()}
    split: list[str] = []
    real = timeline.sentence_spans

    def counting(text: str) -> list[tuple[int, int]]:
        split.append(text)
        return real(text)

    monkeypatch.setattr(timeline, "sentence_spans", counting)
    run(any_store, [str(SAMPLE)], options)
    new = {a.id for a in any_store.articles() if a.text not in texts}
    assert split, "the add rebuilt no timeline"
    old_split = {texts[t] for t in split if t in texts}
    assert not (old_split & set(before)), "an article with kept sentences was split again"
    after = any_store.timeline_sentences(any_store.article_ids(), key)
    assert set(before) <= set(after) and (new & set(after))
    assert all(after[a] == before[a] for a in before if a not in old_split)


def test_analyse_logs_the_peak_memory_after_each_step(tmp_path: Any, caplog: pytest.LogCaptureFixture) -> None:
    # the memory a bulk analyse needs, step by step: the step that raises the peak is the one that needed it
    store = SQLiteStore(tmp_path / "s.db")
    with caplog.at_level(logging.INFO, logger="storyline.pipeline.jobs"):
        run(store, [str(SAMPLE)], PipelineOptions(use_nlp=False, workers=1))
    lines = [r.getMessage() for r in caplog.records if r.getMessage().startswith("analyse peak memory")]
    assert len(lines) == 1
    steps = [part.rsplit(" ", 2) for part in lines[0].split(": ", 1)[1].split(", ")]
    names = [name for name, _, _ in steps]
    assert names == [
        "dedupe",
        "extract",
        "link",
        "cluster add",
        "recluster",
        "store clusters",
        "timelines",
        "comparisons",
    ]
    peaks = [float(gib) for _, gib, unit in steps if unit == "GiB"]
    assert len(peaks) == len(names) and peaks[0] > 0 and peaks == sorted(peaks)  # a peak so far never falls
