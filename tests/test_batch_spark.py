"""`storyline batch --engine spark` (issue 16) on a real local Spark: it stores what `storyline run` stores, on
SQLite and PostgreSQL, its duplicates searched in Spark tasks (``batch.neardup``) and the dedupe index the same row
for row; a task retried after (or during) its write leaves no duplicates; a bad input is one rejection.

One Spark session serves the module (``local[2,3]``: two cores, a task may run three times). The tests skip, saying
why, without pyspark or Java, and fail instead when STORYLINE_REQUIRE_SPARK is set (CI).
"""

from __future__ import annotations

import json
import logging
import shutil
import sys
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from conftest import SAMPLE, dedupe_rows, pg_database
from storyline.batch import run_batch
from storyline.batch.partition import FileResult, Written, process_files, split, store_results, write_partition
from storyline.cli import cli
from storyline.ingest import InputFile, discover, read
from storyline.link_incremental import tally
from storyline.link_state import link_all
from storyline.pipeline import PipelineOptions, run
from storyline.query import export
from storyline.records import Article
from storyline.store import SQLiteStore, Store, open_store

pytestmark = pytest.mark.slow


def invoke(*args: str) -> tuple[int, str, str]:
    r = CliRunner().invoke(cli, list(args), catch_exceptions=False)
    return r.exit_code, r.stdout, r.stderr


@pytest.fixture(scope="module")
def reference(tmp_path_factory: pytest.TempPathFactory) -> str:
    """The sample through `pipeline.run` in one process (default options: NER when installed), as a file."""
    path = tmp_path_factory.mktemp("reference") / "run.db"
    store = SQLiteStore(path)
    run(store, [str(SAMPLE)])
    store.close()
    return str(path)


def _bcubed(a: list[list[str]], b: list[list[str]]) -> float:
    """B-cubed F1 of clustering ``a`` against ``b`` (both over the same items)."""
    of_a = {x: frozenset(c) for c in a for x in c}
    of_b = {x: frozenset(c) for c in b for x in c}
    p = sum(len(of_a[x] & of_b[x]) / len(of_a[x]) for x in of_a) / len(of_a)
    r = sum(len(of_a[x] & of_b[x]) / len(of_b[x]) for x in of_b) / len(of_b)
    return 2 * p * r / (p + r)


def assert_same_store(got: Store, want: Store) -> None:
    """Identical article ids (in ingest order), duplicate groups, passages, events and stories, and export."""
    assert got.article_ids() == want.article_ids()
    assert got.duplicates() == want.duplicates()
    assert got.passages() == want.passages()
    assert got.events() == want.events()
    assert got.stories() == want.stories()
    assert got.entities() == want.entities()
    events = [list(e.articles) for e in got.events()]
    assert _bcubed(events, [list(e.articles) for e in want.events()]) == 1.0
    assert json.dumps(export(got), sort_keys=True) == json.dumps(export(want), sort_keys=True)


def test_batch_into_sqlite_stores_what_run_stores(spark: Any, reference: str, tmp_path: Path) -> None:
    db = str(tmp_path / "batch.db")
    code, _, err = invoke("batch", str(SAMPLE), "--engine", "spark", "--master", "local[2]", "--db", db)
    assert code == 0, err
    assert err.strip().endswith("37 new articles, 0 already stored, 0 rejected")
    got, want = open_store(db), open_store(reference)
    assert_same_store(got, want)
    assert got.unanalysed_ids() == []
    timeline = invoke("timeline", "--all", "--db", db)
    assert timeline[0] == 0 and "cites a-" in timeline[1]
    assert timeline == invoke("timeline", "--all", "--db", reference)
    # a second batch of the same input changes nothing
    code, _, err = invoke("batch", str(SAMPLE), "--master", "local[2]", "--db", db)
    assert code == 0 and err.strip().endswith("0 new articles, 37 already stored, 0 rejected")
    assert_same_store(open_store(db), want)


def test_batch_into_postgresql_stores_what_run_stores(spark: Any, reference: str, pg_url: str) -> None:
    with pg_database(pg_url) as store:
        code, _, err = invoke("batch", str(SAMPLE), "--master", "local[2]", "--db", store.url)
        assert code == 0, err
        assert_same_store(store, open_store(reference))
        assert invoke("timeline", "--all", "--db", store.url) == invoke("timeline", "--all", "--db", reference)


@pytest.mark.parametrize("backend", ["sqlite-file", "postgres"])
def test_batch_searches_the_duplicates_in_spark_tasks_and_stores_the_dedupe_run_stores(
    spark: Any,
    reference: str,
    tmp_path: Path,
    backend: str,
    request: pytest.FixtureRequest,
    caplog: pytest.LogCaptureFixture,
) -> None:
    want = dedupe_rows(open_store(reference))
    assert want["duplicates"] and want["passages"], "the sample should hold duplicates and passages"
    caplog.set_level(logging.INFO, logger="storyline.batch.spark")
    caplog.set_level(logging.INFO, logger="storyline.pipeline.jobs")
    options = PipelineOptions(use_nlp=False)  # the dedupe step does not depend on the entity finder
    if backend == "sqlite-file":
        store = SQLiteStore(tmp_path / "batch.db")
        run_batch(store, [str(SAMPLE)], options)
        got, merged = dedupe_rows(store), _merged_here(store)
        store.close()
    else:
        with pg_database(request.getfixturevalue("pg_url")) as store:
            run_batch(store, [str(SAMPLE)], options)
            got, merged = dedupe_rows(store), _merged_here(store)
    # the link step took the merge tally the tasks keyed (the driver read no mention), and merged what a link step
    # reading the stored mentions and texts merges
    took = [r.getMessage() for r in caplog.records if "tally counted in the batch's tasks" in r.getMessage()]
    assert len(took) == 1, took
    assert merged[0] == merged[1] and merged[0]
    # the store was empty: the dedupe step indexed the 37 articles from scratch, with the search in tasks
    searched = [r.getMessage() for r in caplog.records if "duplicate search in Spark tasks" in r.getMessage()]
    said = f"batch: duplicate search in Spark tasks: 37 articles, {len(want['duplicates'])} duplicates, "
    assert len(searched) == 1 and searched[0].startswith(said), searched
    # and its passages' pairs grown into spans in tasks (``batch.passages``)
    paired = [r.getMessage() for r in caplog.records if "passage search in Spark tasks" in r.getMessage()]
    assert len(paired) == 1 and paired[0].startswith("batch: passage search in Spark tasks: 37 articles, "), paired
    assert got == want


def _merged_here(store: Store) -> tuple[list[Any], list[Any]]:
    """The store's entities, and those a merge from scratch of its stored mentions and texts gives."""
    ids = store.article_ids()
    texts = {a.id: a.text for a in store.articles(ids)}
    return store.entities(), link_all(tally(store.mentions(ids), texts), store.quotes(ids)).entities


def _tasks(spark: Any, options: PipelineOptions) -> Any:
    """The sample's files in tasks, read and extracted (the stage ``SparkBatch`` runs)."""
    files = [f for f in discover([str(SAMPLE)]) if isinstance(f, InputFile)]
    groups = split(files, 2)
    assert len(groups) > 1
    return spark.sparkContext.parallelize(groups, len(groups)).flatMap(lambda g: process_files(g, options))


def _killed(url: str, *, committed: bool) -> Callable[[Iterable[FileResult]], list[Written]]:
    """A task's write that its first attempt does not survive: killed after its transaction committed, or
    inside it (the write rolled back)."""

    def write(results: Iterable[FileResult]) -> list[Written]:
        from pyspark import TaskContext

        first = TaskContext.get().attemptNumber() == 0
        if committed:
            written = list(write_partition(url, results))
            if first:
                raise RuntimeError("task killed after its write")
            return written
        store = open_store(url)
        try:
            with store.atomic():
                written = [store_results(store, list(results))]
                if first:
                    raise RuntimeError("task killed in the middle of its write")
            return written
        finally:
            store.close()

    return write


def _counts(store: Store) -> tuple[int, ...]:
    return (
        len(store.article_ids()),
        len(store.analysed_ids()),
        len(store.date_mentions()),
        len(store.mentions()),
        len(store.quotes()),
        len(store.rejections()),
    )


def test_a_large_corpus_is_searched_in_more_tasks_holding_at_most_a_slice_each_with_the_same_rows(
    spark: Any, reference: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    from storyline.batch import spark as engine

    assert engine.search_slices(4_624, 2) == 2 * engine.WAVE_TASKS  # a small corpus: the tasks of one wave
    assert engine.search_slices(100_000, 2) == -(-100_000 // engine.SEARCH_SLICE)  # none over a slice
    assert engine.search_slices(3, 2) == 3
    monkeypatch.setattr(engine, "SEARCH_SLICE", 4)  # the sample's 37 articles then need 10 tasks, not 4 per core
    caplog.set_level(logging.INFO, logger="storyline.batch.spark")
    store = SQLiteStore(tmp_path / "sliced.db")
    run_batch(store, [str(SAMPLE)], PipelineOptions(use_nlp=False))
    got = dedupe_rows(store)
    store.close()
    searches = [r.getMessage() for r in caplog.records if "search in Spark tasks: 37 articles" in r.getMessage()]
    assert len(searches) == 2 and all(m.endswith(", 10 tasks") for m in searches), searches
    assert got == dedupe_rows(open_store(reference))


def test_the_tasks_store_every_analysis_so_analyse_extracts_nothing(spark: Any) -> None:
    from storyline.batch.spark import SparkBatch

    store = SQLiteStore(":memory:")
    files = [f for f in discover([str(SAMPLE)]) if isinstance(f, InputFile)]
    report = SparkBatch(spark).stage(store, files, PipelineOptions(use_nlp=False))
    assert (report.new, report.rejected) == (37, [])
    assert store.unanalysed_ids() == [] and len(store.analysed_ids()) == 37
    assert store.article_ids() == [a.id for a in read([str(SAMPLE)]) if isinstance(a, Article)]  # ingest order


def test_waves_written_while_the_next_runs_store_every_article_in_ingest_order(
    spark: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    """On SQLite the driver writes a wave while the next wave's tasks run: with one file per task and two tasks a
    wave the sample takes two waves, and the store is the one a single wave gives."""
    from functools import partial

    from storyline.batch import spark as engine

    files = [f for f in discover([str(SAMPLE)]) if isinstance(f, InputFile)]
    one_wave = SQLiteStore(":memory:")
    engine.SparkBatch(spark).stage(one_wave, files, PipelineOptions(use_nlp=False))
    collected: list[int] = []
    real_collect = engine.SparkBatch._collect

    def counting(self: Any, groups: Any, options: Any) -> Any:
        collected.append(len(groups))
        return real_collect(self, groups, options)

    monkeypatch.setattr(engine, "WAVE_TASKS", 1)
    monkeypatch.setattr(engine, "split", partial(split, split_bytes=1))  # every file a task alone
    monkeypatch.setattr(engine.SparkBatch, "_collect", counting)
    store = SQLiteStore(":memory:")
    report = engine.SparkBatch(spark).stage(store, files, PipelineOptions(use_nlp=False))
    assert len(files) >= 3 and collected == [2] * (len(files) // 2) + [1] * (len(files) % 2)
    assert (report.new, report.rejected) == (37, [])
    assert (
        store.article_ids() == one_wave.article_ids() == [a.id for a in read([str(SAMPLE)]) if isinstance(a, Article)]
    )
    assert store.unanalysed_ids() == [] and store.mentions() == one_wave.mentions()
    assert store.quotes() == one_wave.quotes() and store.date_mentions() == one_wave.date_mentions()


@pytest.mark.parametrize("committed", [True, False], ids=["after-commit", "mid-write"])
def test_a_task_killed_and_retried_leaves_no_duplicates(spark: Any, pg_url: str, committed: bool) -> None:
    options = PipelineOptions(use_nlp=False)
    with pg_database(pg_url) as clean, pg_database(pg_url) as retried:
        rdd = _tasks(spark, options)
        clean_url = clean.url
        rdd.mapPartitions(lambda it: write_partition(clean_url, it)).collect()
        written = rdd.mapPartitions(_killed(retried.url, committed=committed)).collect()
        # every task's second attempt is what came back: after a commit it found everything stored
        assert sum(w.new for w in written) == (0 if committed else 37)
        assert _counts(retried) == _counts(clean)
        assert _counts(clean)[:2] == (37, 37) and all(_counts(clean)[2:5])
        assert retried.unanalysed_ids() == []


def test_writing_the_same_results_twice_stores_them_once(any_store: Any) -> None:
    files = [f for f in discover([str(SAMPLE / "text")]) if isinstance(f, InputFile)]
    results = list(process_files(files, PipelineOptions(use_nlp=False)))
    first = store_results(any_store, results)
    before = _counts(any_store)
    again = store_results(any_store, results)
    assert (first.new, again.new, again.seen) == (5, 0, 5)
    assert _counts(any_store) == before
    # an analysis written again (a retried write that got as far) replaces itself: no duplicate rows
    analyses = [an for r in results for an in r.analyses]
    any_store.set_analyses(analyses)
    any_store.set_analyses(analyses)
    assert _counts(any_store) == before
    assert any(an.quotes for an in analyses) and any(an.mentions for an in analyses)


def test_a_bad_input_becomes_a_rejection_naming_it(spark: Any, tmp_path: Path) -> None:
    src = tmp_path / "in"
    src.mkdir()
    for name in ("ebbersfeld-vigil.txt", "solmere-ambassador-recalled.txt"):
        shutil.copy(SAMPLE / "text" / name, src / name)
    (src / "latin1.txt").write_bytes("Caf\xe9 owners in Portvale said the harbour works ran late.".encode("latin-1"))
    good = json.dumps({"text": "Harbour pilots at Portvale ended a three-day strike on Thursday, the union said."})
    (src / "lines.jsonl").write_text(good + "\n{not json\n", encoding="utf-8")
    db = str(tmp_path / "b.db")
    code, _, err = invoke("batch", str(src), str(tmp_path / "missing"), "--master", "local[2]", "--db", db, "--fast")
    assert code == 1, err
    assert "rejected: latin1.txt: not UTF-8 text" in err
    assert "rejected: lines.jsonl:2: invalid JSON" in err
    assert f"rejected: {tmp_path / 'missing'}: no such file or folder" in err
    store = open_store(db)
    assert sorted(a.source for a in store.article_labels()) == [
        "ebbersfeld-vigil.txt",
        "lines.jsonl:1",
        "solmere-ambassador-recalled.txt",
    ]
    assert {r.source for r in store.rejections()} == {"latin1.txt", "lines.jsonl:2", str(tmp_path / "missing")}
    assert store.unanalysed_ids() == [] and store.stories()


def test_spark_runner_keeps_the_order(spark: Any) -> None:
    from storyline.batch.spark import SparkRunner

    words = [f"w{n}" for n in range(100)]
    assert SparkRunner(spark.sparkContext, min_items=1).map(str.upper, words) == [w.upper() for w in words]


def test_unknown_engine_and_missing_pyspark_are_clear_errors(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    db = str(tmp_path / "b.db")
    code, _, err = invoke("batch", str(SAMPLE), "--engine", "flink", "--db", db)
    assert code == 2 and "unknown engine 'flink': choose one of spark" in err
    monkeypatch.setitem(sys.modules, "pyspark", None)  # as if the extra were not installed
    monkeypatch.setitem(sys.modules, "pyspark.sql", None)
    code, _, err = invoke("batch", str(SAMPLE), "--db", db)
    assert code == 1 and 'pip install "storyline[spark]"' in err, err
