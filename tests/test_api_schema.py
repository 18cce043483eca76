"""schemathesis over the API's own OpenAPI schema: requests generated for every GET route of /openapi.json, over a
store filled by the pipeline from the bundled sample, never get a 5xx, and every answer matches its documented
status codes, content type and shape (the one error shape included)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from conftest import SAMPLE
from storyline.config import Settings
from storyline.pipeline import PipelineOptions, run
from storyline.store import SQLiteStore

pytest.importorskip("fastapi", reason='the API needs storyline[web]: pip install "storyline[web]"')
schemathesis = pytest.importorskip("schemathesis", reason="schemathesis is a dev dependency: pip install -e .[dev]")
from hypothesis import HealthCheck, given, settings  # noqa: E402
from schemathesis.specs.openapi.checks import positive_data_acceptance  # noqa: E402

from storyline.web import create_app  # noqa: E402

# Every check but "a schema-valid request is accepted": a cursor is opaque (a string this server did not hand out is
# a 400) and a well-formed id that names nothing is a 404 or, as a prefix of several, a 400: both are right answers.
# generated cases per operation: enough to try each parameter's edges (empty, long, odd characters, bad dates)
# while the whole file stays well under 30 s on two cores
EXAMPLES = 12


@pytest.fixture(scope="module")
def sample(tmp_path_factory: pytest.TempPathFactory) -> SQLiteStore:
    db: Path = tmp_path_factory.mktemp("api_schema") / "sample.db"
    store = SQLiteStore(db)
    run(store, [str(SAMPLE)], PipelineOptions(use_nlp=False, workers=1))
    return store


@pytest.fixture(scope="module")
def api_schema(sample: SQLiteStore) -> Any:
    app = create_app(Settings(db="unused.db", use_nlp=False, workers=1), store=sample)
    return schemathesis.openapi.from_asgi("/openapi.json", app)


def test_every_get_route_answers_as_documented(api_schema: Any) -> None:
    # hypothesis driven directly (schemathesis.pytest.from_fixture does not run under pytest 9): one property per
    # GET operation, each a failure naming the request that broke it
    tried = 0
    for result in api_schema.include(method="GET").get_all_operations():
        _answers(result.ok())
        tried += 1
    assert tried >= 15, f"only {tried} GET operations in the schema"


def test_routes_of_real_records_answer_as_documented(api_schema: Any, sample: SQLiteStore) -> None:
    # generated ids name nothing (404): here each {ref} is a stored record's id, so the options and filters
    # generated beside it reach the query functions
    story = max(sample.stories(), key=lambda s: len(s.articles))
    real = {
        "stories": story.id,
        "events": sample.events(story=story.id)[0].id,
        "articles": story.articles[0],
        "entities": sample.entities()[0].id,
    }
    tried, found = 0, 0
    for result in api_schema.include(method="GET", path_regex=r"\{ref\}").get_all_operations():
        operation = result.ok()
        found += _answers(operation, ref=real[operation.path.split("/")[2]]).count(200)
        tried += 1
    assert tried >= 10, f"only {tried} GET operations of one record"
    assert found >= tried, "the stored records' routes answered 200 to valid options"


def _answers(operation: Any, ref: str | None = None) -> list[int]:
    """Run the generated cases of one operation (``ref`` fills its path); the statuses it answered."""
    statuses: list[int] = []

    @given(case=operation.as_strategy())
    @settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=list(HealthCheck), database=None)
    def answers(case: Any) -> None:
        if ref is not None:
            case.path_parameters["ref"] = ref
        statuses.append(case.call_and_validate(excluded_checks=[positive_data_acceptance]).status_code)

    answers()
    return statuses


def test_the_schema_covers_every_api_route(api_schema: Any) -> None:
    paths = set(api_schema.raw_schema["paths"])
    assert {"/api/stories", "/api/stories/{ref}/timeline", "/api/timeline", "/api/articles/{ref}"} <= paths
    assert "/api/ingest" in paths and all(p.startswith("/api/") or p == "/openapi.json" for p in paths)
