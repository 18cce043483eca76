"""The JSON API (storyline.web.api) over real stores filled by the pipeline from the bundled sample, on SQLite and
on PostgreSQL: every route's status and shape, paging, ETags, the one error shape, the write token and ingest."""

from __future__ import annotations

import json
import tempfile
from collections.abc import Iterator
from contextlib import ExitStack
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from conftest import SAMPLE, pg_database
from storyline import query
from storyline.config import Settings
from storyline.pipeline import PipelineOptions, run
from storyline.store import SQLiteStore, Store

pytest.importorskip("fastapi", reason='the API needs storyline[web]: pip install "storyline[web]"')
from fastapi.testclient import TestClient

from storyline.web import create_app

TOKEN = "s3cret-token"
OPTIONS = PipelineOptions(use_nlp=False, workers=1)


@dataclass
class Api:
    client: TestClient
    store: Store

    def get(self, url: str, status: int = 200, **params: Any) -> Any:
        r = self.client.get(url, params=params)
        assert r.status_code == status, r.text
        assert r.headers["content-type"].startswith("application/json")
        return r.json()


def _settings(db: str = "unused.db", **more: Any) -> Settings:
    return Settings(db=db, use_nlp=False, workers=1, **more)


@pytest.fixture(scope="module", params=["sqlite", "postgres"])
def api(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Api]:
    with ExitStack() as stack:
        if request.param == "sqlite":
            store: Store = SQLiteStore(tmp_path_factory.mktemp("api") / "sample.db")
            stack.callback(store.close)
        else:
            store = stack.enter_context(pg_database(request.getfixturevalue("pg_url")))
        run(store, [str(SAMPLE)], OPTIONS)
        client = stack.enter_context(TestClient(create_app(_settings(), store=store)))
        yield Api(client, store)


def _error(body: Any, status: int, code: str) -> dict[str, Any]:
    assert set(body) == {"error"}, body
    err: dict[str, Any] = body["error"]
    assert set(err) == {"status", "code", "message", "detail"}
    assert (err["status"], err["code"]) == (status, code)
    assert err["message"]
    return err


def _biggest(store: Store) -> str:
    return max(store.stories(), key=lambda s: len(s.articles)).id


# --------------------------------------------------------------------------- stories and timelines


def test_stories_list_newest_first_with_sources(api: Api) -> None:
    body = api.get("/api/stories")
    assert body["items"] == [s.as_dict() for s in query.stories(api.store, limit=50)]
    assert {s["id"] for s in body["items"]} == {s.id for s in api.store.stories()}
    assert body["next"] is None  # the sample's stories fit on one page
    lasts = [s["last"] or "" for s in body["items"]]
    assert lasts == sorted(lasts, reverse=True)
    assert all(1 <= s["sources"] <= s["articles"] for s in body["items"])


def test_cursor_walks_every_story_exactly_once(api: Api) -> None:
    seen: list[str] = []
    cursor = None
    for _ in range(100):
        body = api.get("/api/stories", limit=1, **({"cursor": cursor} if cursor else {}))
        seen += [s["id"] for s in body["items"]]
        cursor = body["next"]
        if cursor is None:
            break
    assert len(seen) == len(set(seen)) == len(api.store.stories())


def test_stories_filter_by_outlet_and_dates(api: Api) -> None:
    outlets = api.get("/api/outlets")["items"]
    assert outlets == [{"outlet": o, "articles": n} for o, n in query.outlets(api.store)]
    name = outlets[-1]["outlet"]  # the least-covered outlet: not in every story
    kept = api.get("/api/stories", outlet=name.upper())["items"]
    assert kept and all(name in s["outlets"] for s in kept)
    assert api.get("/api/stories", since="2999-01-01")["items"] == []
    first = min(s["first"] for s in api.get("/api/stories")["items"] if s["first"])
    assert api.get("/api/stories", until=first)["items"]
    _error(api.get("/api/stories", 422, since="2025-1-1"), 422, "invalid")


def test_one_story(api: Api) -> None:
    sid = _biggest(api.store)
    body = api.get(f"/api/stories/{sid[:10]}")
    assert (body["id"], body["summary"]["id"]) == (sid, sid)
    (story,) = api.store.stories([sid])
    assert [a["id"] for a in body["articles"]] == list(story.articles)
    assert {e["id"] for e in body["events"]} == {e.id for e in api.store.events(story=sid)}
    assert sum(c["articles"] for c in body["coverage"]) == sum(1 for a in body["articles"] if a["published"])


def test_story_timeline_is_the_stored_one_with_quotes(api: Api) -> None:
    sid = _biggest(api.store)
    body = api.get(f"/api/stories/{sid}/timeline")
    stored = api.store.timeline(sid)
    assert [(e["date"], e["summary"]) for e in body["entries"]] == [(e.date, e.summary) for e in stored]
    assert body == json.loads(json.dumps(query.timeline(api.store, sid).as_dict()))
    assert any(e["quotes"] for e in body["entries"]), "the sample's biggest story has quoted entries"
    cited = {c["article"] for e in body["entries"] for c in e["citations"]}
    assert {a["id"] for a in body["articles"]} == cited
    two = api.get(f"/api/stories/{sid}/timeline", dates=2)
    assert len(two["entries"]) == 2 < len(stored)
    _error(api.get(f"/api/stories/{sid}/timeline", 422, dates=0), 422, "invalid")


def test_selection_timelines(api: Api) -> None:
    everything = api.get("/api/timeline", everything="true", dates=3)
    assert everything["story"] == "all" and 1 <= len(everything["entries"]) <= 3
    word = everything["entries"][0]["summary"].split()[0].strip(",.\"'")
    found = api.get("/api/timeline", query=word)
    assert found["story"] == f"q:{word}" and found["entries"]
    entity = api.store.entities()[0]
    named = api.get("/api/timeline", entity=entity.id)
    assert named["story"] == f"entity:{entity.id}"
    _error(api.get("/api/timeline", 400), 400, "bad_request")  # no selection
    _error(api.get("/api/timeline", 400, everything="true", query=word), 400, "bad_request")
    _error(api.get("/api/timeline", 404, query="zzyzxquux"), 404, "not_found")
    _error(api.get("/api/timeline", 404, everything="true", since="2999-01-01"), 404, "not_found")


# --------------------------------------------------------------------------- comparisons, copies, history, export


def test_comparisons_of_a_story_and_of_an_event(api: Api) -> None:
    sid = _biggest(api.store)
    events = api.store.events(story=sid)
    body = api.get(f"/api/stories/{sid}/comparison")
    assert [c["event"] for c in body["comparisons"]] == [e.id for e in events]
    claimed = {s["article"] for c in body["comparisons"] for u in c["shared"] for s in u["spans"]}
    assert claimed <= set(body["outlets"])
    one = api.get(f"/api/events/{events[0].id}/comparison")
    assert [c["event"] for c in one["comparisons"]] == [events[0].id]
    assert one["comparisons"][0]["title"] == events[0].title
    _error(api.get(f"/api/stories/{events[0].id}/comparison", 404), 404, "not_found")  # an event is no story


def test_who_copied_whom(api: Api) -> None:
    flows = [query.copy_flows(api.store, s.id) for s in api.store.stories()]
    chosen = max(flows, key=lambda f: len(f.flows) + len(f.copies))
    assert chosen.flows or chosen.copies, "the sample has wire copy shared between outlets"
    body = api.get(f"/api/stories/{chosen.story.id}/copies")
    assert body == json.loads(json.dumps(chosen.as_dict()))


def test_history_of_a_story_and_an_event(api: Api) -> None:
    sid = _biggest(api.store)
    body = api.get(f"/api/stories/{sid}/history")
    assert body["id"] == sid
    assert body["changes"] == [{"at": at, **c.as_dict()} for at, c in api.store.changes(sid)]
    event = api.store.events(story=sid)[0].id
    assert api.get(f"/api/events/{event}/history")["id"] == event


def test_export_everything_and_one_story(api: Api) -> None:
    whole = api.get("/api/export")
    assert whole == json.loads(json.dumps(query.export(api.store)))
    assert whole["schema"] == "storyline/1"
    sid = _biggest(api.store)
    one = api.get(f"/api/stories/{sid[:12]}/export")
    assert [s["id"] for s in one["stories"]] == [sid]
    assert len(one["articles"]) < len(whole["articles"])


# --------------------------------------------------------------------------- articles, entities, search


def test_article_with_its_spans(api: Api) -> None:
    views = [query.article_view(api.store, a) for a in api.store.article_ids()]
    view = max(views, key=lambda v: (len(v.passages) > 0, len(v.dates) + len(v.mentions) + len(v.quotes)))
    body = api.get(f"/api/articles/{view.article.id[:12]}")
    text = body["text"]
    assert text == view.article.text and body["id"] == view.article.id
    assert body["dates"] and all(text[d["start"] : d["end"]] == d["text"] for d in body["dates"])
    assert body["entities"] and all(text[m["start"] : m["end"]] == m["text"] for m in body["entities"])
    assert all(text[q["start"] : q["end"]] for q in body["quotes"])
    assert body["passages"], "the sample's wire copy gives some article a shared passage"
    for p in body["passages"]:
        if p["start"] >= 0:
            assert 0 <= p["start"] < p["end"] <= len(text)
            assert query.find_words(text[p["start"] : p["end"]], p["text"]) == 0
    copies = api.get(f"/api/articles/{view.article.id}/copies")
    assert copies == {"article": view.article.id, "copies": body["copies"], "passages": body["passages"]}
    _error(api.get("/api/articles/a-nothing-like-this", 404), 404, "not_found")


def test_entities_list_and_one(api: Api) -> None:
    body = api.get("/api/entities", limit=3)
    assert body["items"] == [e.as_dict() for e in query.entities(api.store, limit=3)]
    assert body["next"] is not None  # the sample names more than three entities
    rest = api.get("/api/entities", limit=3, cursor=body["next"])["items"]
    assert rest and not {e["id"] for e in rest} & {e["id"] for e in body["items"]}
    top = body["items"][0]
    one = api.get(f"/api/entities/{top['name'].lower()}")
    assert one["id"] == top["id"] and len(one["articles"]) == top["articles"]
    assert one == json.loads(json.dumps(query.entity_view(api.store, top["id"]).as_dict()))
    assert all(e["type"] == top["type"] for e in api.get("/api/entities", type=top["type"])["items"])
    _error(api.get("/api/entities/nobody-of-that-name", 404), 404, "not_found")


def test_search_by_kind_and_limit(api: Api) -> None:
    name = api.store.entities()[0].name
    body = api.get("/api/search", q=name)
    assert body["items"] == [h.as_dict() for h in query.search(api.store, name)]
    assert {h["kind"] for h in body["items"]} >= {"article", "entity"}
    only = api.get("/api/search", q=name, kind="article", limit=1)["items"]
    assert len(only) == 1 and only[0]["kind"] == "article"
    _error(api.get("/api/search", 422, q=name, kind="story"), 422, "invalid")
    _error(api.get("/api/search", 422), 422, "invalid")  # q is required


# --------------------------------------------------------------------------- HTTP: ETags, errors, schema


def test_etag_answers_304(api: Api) -> None:
    first = api.client.get("/api/stories")
    tag = first.headers["etag"]
    assert tag.startswith('W/"')
    again = api.client.get("/api/stories", headers={"If-None-Match": tag})
    assert again.status_code == 304 and again.content == b""
    assert api.client.get("/api/stories", headers={"If-None-Match": 'W/"other"'}).status_code == 200


def test_error_shapes(api: Api) -> None:
    _error(api.get("/api/stories/zz-no-such-story", 404), 404, "not_found")
    err = _error(api.get("/api/stories/s-", 400), 400, "bad_request")  # every story id starts so
    assert sorted(err["detail"]["candidates"]) == sorted(s.id for s in api.store.stories())
    _error(api.get("/api/stories", 422, limit=0), 422, "invalid")
    _error(api.get("/api/stories", 400, cursor="not-a-cursor"), 400, "bad_request")
    r = api.client.delete("/api/stories")
    assert r.status_code == 405
    _error(r.json(), 405, "method_not_allowed")


def test_openapi_names_operations_and_shapes(api: Api) -> None:
    schema = api.get("/openapi.json")
    ops = {op["operationId"] for path in schema["paths"].values() for op in path.values()}
    assert {"list_stories", "get_story_timeline", "get_selection_timeline", "get_article", "ingest"} <= ops
    timeline = schema["paths"]["/api/stories/{ref}/timeline"]["get"]["responses"]["200"]["content"]
    assert timeline["application/json"]["schema"] == {"$ref": "#/components/schemas/TimelineModel"}
    assert "multipart/form-data" in schema["paths"]["/api/ingest"]["post"]["requestBody"]["content"]


# --------------------------------------------------------------------------- writes: the token, ingest


@pytest.fixture(params=["sqlite", "postgres"])
def empty(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Api]:
    """An app over an empty store that takes writes with TOKEN."""
    with ExitStack() as stack:
        if request.param == "sqlite":
            store: Store = SQLiteStore(tmp_path / "empty.db")
            stack.callback(store.close)
        else:
            store = stack.enter_context(pg_database(request.getfixturevalue("pg_url")))
        client = stack.enter_context(TestClient(create_app(_settings(token=TOKEN), store=store)))
        yield Api(client, store)


def _line(title: str, text: str, url: str) -> str:
    return json.dumps(
        {"title": title, "text": text, "url": url, "outlet": "The Test Gazette", "published": "2025-03-04"}
    )


HOSTILE = (
    "GLENMOOR, March 4 - The harbour council voted on Tuesday to close the old pier. <script>alert('x')</script> "
    'Residents were told to read <a href="javascript:alert(1)">the notice</a> before the vote on Friday. '
    "The council's chair, Maren Oakes, said the pier had been unsafe for years."
)


def test_ingest_needs_the_right_token(empty: Api, tmp_path: Path) -> None:
    body = _line("Pier to close", HOSTILE, "https://gazette.example/pier") + "\n"
    headers = {"Content-Type": "application/x-ndjson"}
    with TestClient(create_app(_settings(), store=empty.store)) as no_writes:  # the server has no token
        _error(no_writes.post("/api/ingest", content=body, headers=headers).json(), 403, "forbidden")
    r = empty.client.post("/api/ingest", content=body, headers=headers)
    assert r.status_code == 401 and r.headers["www-authenticate"] == "Bearer"
    _error(r.json(), 401, "unauthorized")
    r = empty.client.post("/api/ingest", content=body, headers={**headers, "Authorization": "Bearer wrong"})
    _error(r.json(), 401, "unauthorized")
    assert empty.store.article_ids() == []
    r = empty.client.post("/api/ingest", content=body, headers={**headers, "Authorization": f"Bearer {TOKEN}"})
    assert r.status_code == 200 and r.json() == {"new": 1, "seen": 0, "rejected": [], "status": 0}
    assert len(empty.store.article_ids()) == 1


def test_ingest_jsonl_with_a_bad_line_stores_the_good_one(empty: Api) -> None:
    body = "\n".join([_line("Pier to close", HOSTILE, "https://gazette.example/pier"), "{not json"]) + "\n"
    auth = {"Authorization": f"Bearer {TOKEN}", "Content-Type": "application/jsonl"}
    r = empty.client.post("/api/ingest", content=body, headers=auth)
    assert r.status_code == 200, r.text
    answer = r.json()
    assert (answer["new"], answer["seen"], answer["status"]) == (1, 0, 1)
    assert [x["source"] for x in answer["rejected"]] == ["-:2"]
    assert "invalid JSON" in answer["rejected"][0]["reason"]
    # the stored article comes back with its markup as text, never as markup
    (aid,) = empty.store.article_ids()
    got = empty.client.get(f"/api/articles/{aid}")
    assert got.headers["content-type"] == "application/json"
    assert "<script>alert('x')</script>" in got.json()["text"]
    assert 'href="javascript:alert(1)"' in got.json()["text"]
    assert empty.get("/api/stories")["items"], "the new article was analysed into a story"
    again = empty.client.post("/api/ingest", content=body.splitlines()[0], headers=auth).json()
    assert (again["new"], again["seen"], again["status"]) == (0, 1, 0)


def test_ingest_of_nothing_usable_is_422(empty: Api) -> None:
    auth = {"Authorization": f"Bearer {TOKEN}", "Content-Type": "application/json"}
    r = empty.client.post("/api/ingest", content='{"title": "no text"}\n[1, 2]\n', headers=auth)
    err = _error(r.json(), 422, "invalid")
    assert err["detail"]["status"] == 2 and [x["source"] for x in err["detail"]["rejected"]] == ["-:1", "-:2"]
    _error(empty.client.post("/api/ingest", content=" \n", headers=auth).json(), 422, "invalid")
    r = empty.client.post("/api/ingest", content="<p>x</p>", headers={**auth, "Content-Type": "text/html"})
    _error(r.json(), 415, "unsupported_media_type")
    assert empty.store.article_ids() == []


def test_ingest_uploaded_files_under_their_base_names_only(empty: Api) -> None:
    files = [
        ("files", ("../../escape.txt", HOSTILE.encode(), "text/plain")),
        (
            "files",
            ("/etc/feed.jsonl", _line("Pier", HOSTILE.replace("old", "east"), "https://x.example/2").encode(), ""),
        ),
    ]
    outside = Path(tempfile.gettempdir()) / "escape.txt"  # where ../../ from the upload folder would land
    assert not outside.exists()
    r = empty.client.post("/api/ingest", files=files, headers={"Authorization": f"Bearer {TOKEN}"})
    assert r.status_code == 200, r.text
    assert r.json()["new"] == 2
    # a text file is named by its base name; a JSONL line by its url
    assert sorted(a.source for a in empty.store.articles()) == ["escape.txt", "https://x.example/2"]
    assert not outside.exists()
    r = empty.client.post("/api/ingest", data={"note": "x"}, files=[], headers={"Authorization": f"Bearer {TOKEN}"})
    assert r.status_code in (415, 422)


def test_a_body_over_the_cap_is_413(tmp_path: Path) -> None:
    store = SQLiteStore(tmp_path / "cap.db")
    with TestClient(create_app(_settings(token=TOKEN, max_body=100), store=store)) as client:
        r = client.post(
            "/api/ingest",
            content="x" * 1000,
            headers={"Authorization": f"Bearer {TOKEN}", "Content-Type": "application/x-ndjson"},
        )
        _error(r.json(), 413, "too_large")
    assert store.article_ids() == []
    store.close()
