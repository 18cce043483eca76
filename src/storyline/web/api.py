"""The JSON API under ``/api``: each route resolves its parameters, calls one ``storyline.query`` function and
returns its records as JSON (their ``as_dict``). Lists are paged (``limit``, ``cursor``; the answer's ``next`` is
the next cursor, null on the last page).

Reads are open; ``POST /api/ingest`` needs the server's token. Errors have one shape everywhere
(``{"error": {status, code, message, detail}}``, see ``app.error_body``): an unknown id is 404, an ambiguous prefix
or a bad option 400 (``detail.candidates`` lists what a prefix matched), a malformed parameter 422.

The response models below document the shapes in ``/openapi.json``; they allow extra keys, so what ``as_dict``
adds later reaches clients before the model names it.
"""

from __future__ import annotations

import io
import tempfile
from dataclasses import replace
from pathlib import Path, PurePosixPath
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, HTTPException, Query, Request
from fastapi import Path as PathParam
from fastapi.responses import JSONResponse
from fastapi.routing import APIRoute
from pydantic import BaseModel, ConfigDict, Field
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import UploadFile

from storyline import query
from storyline.config import Settings
from storyline.export import SCHEMA
from storyline.pipeline import PipelineOptions, analyse
from storyline.pipeline import ingest as pipeline_ingest
from storyline.records import SEARCH_KINDS, Rejection
from storyline.store import Store
from storyline.web.app import error_body
from storyline.web.deps import MAX_LIMIT, PageDep, SettingsDep, StoreDep, require_token


def _operation_id(route: APIRoute) -> str:
    return route.name  # the function's name: list_stories, get_story_timeline, ...


class ErrorDetail(BaseModel):
    status: int
    code: str = Field(description="not_found, bad_request, invalid, unauthorized, forbidden, too_large, ...")
    message: str
    detail: Any = Field(description="more: an ambiguous prefix's candidates, the invalid parameters, ...")


class ErrorModel(BaseModel):
    """The one error shape of the API."""

    error: ErrorDetail


_ERRORS: dict[int | str, dict[str, Any]] = {
    400: {"model": ErrorModel, "description": "a bad option or cursor, or a prefix naming several ids"},
    404: {"model": ErrorModel, "description": "nothing has this id, prefix or name"},
    422: {"model": ErrorModel, "description": "a parameter that does not parse"},
}
router = APIRouter(prefix="/api", tags=["api"], generate_unique_id_function=_operation_id, responses=_ERRORS)

DAY = r"^\d{4}(-\d{2}(-\d{2})?)?$"  # a year, month or day, as --since/--until take them (query.iso_day)
# media types POST /api/ingest reads as JSON lines; multipart/form-data carries files
JSONL_TYPES = ("application/x-ndjson", "application/jsonl", "application/json", "text/plain")
MAX_DATES = 1000  # --dates beyond the days a store can hold is a typo, not a wish
MAX_PER_DATE = 20  # summary sentences per date: more than a reader takes in

Ref = Annotated[str, PathParam(min_length=1, max_length=500, description="an id, or a unique prefix of one")]
Since = Annotated[str | None, Query(pattern=DAY, description="first day (YYYY, YYYY-MM or YYYY-MM-DD)")]
Until = Annotated[str | None, Query(pattern=DAY, description="last day (YYYY, YYYY-MM or YYYY-MM-DD)")]
Dates = Annotated[int | None, Query(ge=1, le=MAX_DATES, description="at most this many dates")]
PerDate = Annotated[int, Query(ge=1, le=MAX_PER_DATE, description="summary sentences per date")]


# --------------------------------------------------------------------------- response shapes


class _Open(BaseModel):
    model_config = ConfigDict(extra="allow")


class StoryItem(_Open):
    id: str
    title: str
    first: str | None
    last: str | None
    events: int
    articles: int
    outlets: list[str]
    sources: int = Field(description="independent sources: copies and wire-copy carriers counted once")


class StoriesPage(_Open):
    items: list[StoryItem]
    next: str | None = Field(description="the cursor of the next page; null on the last one")


class EventItem(_Open):
    id: str
    date: str | None
    title: str
    articles: list[str]


class ArticleHead(_Open):
    id: str
    title: str | None
    outlet: str | None
    published: str | None


class CoverageItem(_Open):
    day: str
    outlet: str
    articles: int


class StoryModel(_Open):
    id: str
    title: str
    summary: StoryItem
    events: list[EventItem]
    articles: list[ArticleHead]
    coverage: list[CoverageItem] = Field(description="articles per day per outlet")


class CitationModel(_Open):
    article: str
    start: int
    end: int


class QuoteModel(_Open):
    article: str
    speaker: str | None
    speaker_entity: str | None
    via: list[str]
    cue: str | None
    text: str
    direct: bool
    start: int
    end: int


class EntryModel(_Open):
    date: str
    summary: str
    sources: int
    event: str | None
    background: bool = Field(False, description="recalled from before the story began, dated at its own granularity")
    citations: list[CitationModel]
    outlets: list[str] = Field(
        default_factory=list, description="the outlets of the cited articles (none named: left out, never a file name)"
    )
    quotes: list[QuoteModel]


class TimelineModel(_Open):
    story: str = Field(description="the story's id, or what a selection chose: q:QUERY, entity:ID, all")
    title: str
    summary: StoryItem
    entries: list[EntryModel]
    events: list[EventItem]
    articles: list[ArticleHead] = Field(description="the articles the citations name")


class ComparisonsModel(_Open):
    comparisons: list[dict[str, Any]] = Field(
        description="per event: first, shared, unique, tensions (CONTRACT.md's comparisons) with date and title"
    )
    outlets: dict[str, str | None] = Field(description="article id -> outlet")


class CopyFlowsModel(_Open):
    story: str
    title: str
    flows: list[dict[str, Any]] = Field(description="passages that travelled: origin and carriers")
    copies: list[dict[str, Any]] = Field(description="exact and near copies inside the story")


class DateSpan(_Open):
    text: str
    start: int
    end: int
    value: str | None
    granularity: str


class EntitySpan(_Open):
    text: str
    start: int
    end: int
    type: str
    entity: str | None = Field(description="the merged entity's name")


class CopyModel(_Open):
    role: Literal["copy", "copied"]
    other: str
    other_outlet: str
    kind: str
    similarity: float


class PassageModel(_Open):
    passage: str
    text: str
    start: int = Field(description="-1 when the words are not found verbatim in this article")
    end: int
    origin: str
    origin_article: str | None
    origin_agency: str | None
    articles: list[str]
    carriers: list[str]


class ArticleModel(_Open):
    id: str
    source: str
    title: str | None
    published: str | None
    outlet: str | None
    url: str | None
    duplicate_of: str | None
    text: str = Field(description="the clean text; span offsets index it")
    dates: list[DateSpan]
    entities: list[EntitySpan]
    quotes: list[QuoteModel]
    copies: list[CopyModel]
    passages: list[PassageModel]


class ArticleCopiesModel(_Open):
    article: str
    copies: list[CopyModel]
    passages: list[PassageModel]


class EntityItem(_Open):
    id: str
    name: str
    type: str
    aliases: list[str]
    articles: int


class EntitiesPage(_Open):
    items: list[EntityItem]
    next: str | None


class EntityModel(_Open):
    id: str
    name: str
    type: str
    aliases: list[str]
    articles: list[ArticleHead]
    quotes: list[QuoteModel]
    mentions_by_day: list[dict[str, Any]]


class OutletItem(_Open):
    outlet: str
    articles: int


class OutletsModel(_Open):
    items: list[OutletItem]


class HitModel(_Open):
    kind: str
    id: str
    title: str
    snippet: str = Field(description="the matching words in context, matches in [brackets]")
    score: float
    published: str | None
    duplicate_of: str | None
    start: int | None
    end: int | None


class SearchModel(_Open):
    items: list[HitModel]


class ChangeModel(_Open):
    at: str
    kind: str
    subject: str
    source: str
    target: str
    source_story: str
    target_story: str
    reason: str


class HistoryModel(_Open):
    id: str
    changes: list[ChangeModel]


class ExportModel(_Open):
    schema_: str = Field(alias="schema", description=f"always {SCHEMA!r}")
    articles: list[dict[str, Any]]
    events: list[dict[str, Any]]
    stories: list[dict[str, Any]]
    entities: list[dict[str, Any]]
    quotes: list[dict[str, Any]]
    dates: list[dict[str, Any]]
    passages: list[dict[str, Any]]
    timelines: list[dict[str, Any]]
    comparisons: list[dict[str, Any]]


class RejectedModel(BaseModel):
    source: str = Field(description="the file, or -:N for line N of a JSON-lines body")
    reason: str


class IngestModel(BaseModel):
    new: int
    seen: int = Field(description="articles already stored")
    rejected: list[RejectedModel]
    status: Literal[0, 1, 2] = Field(
        description="the CLI's exit code: 0 all stored, 1 some rejected (the rest stored), 2 nothing usable"
    )


# --------------------------------------------------------------------------- stories and timelines


@router.get("/stories", response_model=StoriesPage)
def list_stories(
    store: StoreDep,
    page: PageDep,
    since: Since = None,
    until: Until = None,
    outlet: Annotated[str | None, Query(max_length=200, description="only stories this outlet covers")] = None,
) -> dict[str, Any]:
    """Stories, newest activity first, a page at a time: title, date span, counts, outlets, independent sources."""
    found = query.stories(store, since=since, until=until, outlet=outlet, offset=page.offset, limit=page.limit)
    return {"items": [s.as_dict() for s in found], "next": page.next_cursor(len(found))}


@router.get("/outlets", response_model=OutletsModel)
def list_outlets(store: StoreDep) -> dict[str, Any]:
    """Every outlet with its number of articles, most first (the stories filter's choices)."""
    return {"items": [{"outlet": o, "articles": n} for o, n in query.outlets(store)]}


@router.get("/stories/{ref}", response_model=StoryModel)
def get_story(store: StoreDep, ref: Ref) -> dict[str, Any]:
    """One story: its summary, events, articles (id, title, outlet, published) and articles per day per outlet."""
    return query.timeline(store, ref).story_dict()


@router.get("/stories/{ref}/timeline", response_model=TimelineModel)
def get_story_timeline(
    store: StoreDep, ref: Ref, dates: Dates = None, per_date: PerDate = 1, since: Since = None, until: Until = None
) -> dict[str, Any]:
    """A story's timeline: the stored one, or one built with these options; each entry with its citations and
    the quotes behind it (``storyline timeline STORY --format json``)."""
    options = query.timeline_options(dates=dates, per_date=per_date, since=since, until=until)
    return query.timeline(store, ref, options).as_dict()


@router.get("/timeline", response_model=TimelineModel)
def get_selection_timeline(
    store: StoreDep,
    q: Annotated[str | None, Query(alias="query", min_length=1, max_length=500, description="a search")] = None,
    entity: Annotated[str | None, Query(min_length=1, max_length=500, description="an entity id or name")] = None,
    everything: Annotated[bool, Query(description="every stored article")] = False,
    dates: Dates = None,
    per_date: PerDate = 1,
    since: Since = None,
    until: Until = None,
) -> dict[str, Any]:
    """A timeline of any selection: the articles a search finds (``query``), an entity's articles (``entity``) or
    every article (``everything=true``), within ``since``/``until``; exactly one of the three."""
    options = query.timeline_options(dates=dates, per_date=per_date, since=since, until=until)
    view = query.selection_timeline(store, query=q, entity=entity, everything=everything, options=options)
    return view.as_dict()


@router.get("/stories/{ref}/copies", response_model=CopyFlowsModel)
def get_story_copies(store: StoreDep, ref: Ref) -> dict[str, Any]:
    """Who copied whom in a story: the passages its articles share with their origin and carriers, and copies."""
    return query.copy_flows(store, ref).as_dict()


# --------------------------------------------------------------------------- comparisons, history


@router.get("/stories/{ref}/comparison", response_model=ComparisonsModel)
def get_story_comparison(store: StoreDep, ref: Ref) -> dict[str, Any]:
    """What each source reports about each event of a story: shared claims, unique claims, tensions."""
    _, sid = query.resolve(store, ref, ("story",))
    comps = query.comparisons(store, sid)
    return query.comparisons_dict(comps, query.comparison_articles(store, comps))


@router.get("/events/{ref}/comparison", response_model=ComparisonsModel)
def get_event_comparison(store: StoreDep, ref: Ref) -> dict[str, Any]:
    """What each source reports about one event: shared claims, unique claims, tensions, who reported first."""
    _, eid = query.resolve(store, ref, ("event",))
    comps = query.comparisons(store, eid)
    return query.comparisons_dict(comps, query.comparison_articles(store, comps))


@router.get("/stories/{ref}/history", response_model=HistoryModel)
def get_story_history(store: StoreDep, ref: Ref) -> dict[str, Any]:
    """The re-clustering audit trail of a story (retired ids too), oldest first."""
    return query.history(store, ref).as_dict()


@router.get("/events/{ref}/history", response_model=HistoryModel)
def get_event_history(store: StoreDep, ref: Ref) -> dict[str, Any]:
    """The re-clustering audit trail of an event (retired ids too), oldest first."""
    return query.history(store, ref).as_dict()


# --------------------------------------------------------------------------- articles, entities, search


@router.get("/articles/{ref}", response_model=ArticleModel)
def get_article(store: StoreDep, ref: Ref) -> dict[str, Any]:
    """An article's clean text with the spans of its dates, entities, quotes and shared passages, and its copies."""
    return query.article_view(store, ref).as_dict()


@router.get("/articles/{ref}/copies", response_model=ArticleCopiesModel)
def get_article_copies(store: StoreDep, ref: Ref) -> dict[str, Any]:
    """An article's copies (or the article it copies) and the passages it shares, with their origin."""
    return query.article_view(store, ref).copies_dict()


@router.get("/entities", response_model=EntitiesPage)
def list_entities(
    store: StoreDep,
    page: PageDep,
    q: Annotated[str | None, Query(max_length=200, description="a name or alias containing this")] = None,
    type: Annotated[str | None, Query(max_length=20, description="PERSON, ORG, GPE, LOC, ...")] = None,
) -> dict[str, Any]:
    """Merged entities, most-covered first, a page at a time."""
    found = query.entities(store, q=q, type=type, offset=page.offset, limit=page.limit)
    return {"items": [e.as_dict() for e in found], "next": page.next_cursor(len(found))}


@router.get("/entities/{ref}", response_model=EntityModel)
def get_entity(
    store: StoreDep,
    ref: Annotated[str, PathParam(min_length=1, max_length=500, description="an id, unique prefix, name or alias")],
) -> dict[str, Any]:
    """One entity: its aliases, the articles naming it, the quotes it speaks, its mentions per day."""
    return query.entity_view(store, ref).as_dict()


@router.get("/search", response_model=SearchModel)
def search(
    store: StoreDep,
    q: Annotated[str, Query(min_length=1, max_length=500, description='words or a "quoted phrase"')],
    kind: Annotated[list[Literal["article", "quote", "entity"]] | None, Query(description="what to find")] = None,
    limit: Annotated[int, Query(ge=1, le=MAX_LIMIT, description="hits per kind")] = 20,
) -> dict[str, Any]:
    """Full-text search over articles, quotes and entities, best first within each kind."""
    hits = query.search(store, q, tuple(kind or SEARCH_KINDS), limit)
    return {"items": [h.as_dict() for h in hits]}


# --------------------------------------------------------------------------- export


@router.get("/export", response_model=ExportModel)
def export_all(store: StoreDep) -> dict[str, Any]:
    """Everything stored, as a ``storyline/1`` document (CONTRACT.md)."""
    return query.export(store)


@router.get("/stories/{ref}/export", response_model=ExportModel)
def export_story(store: StoreDep, ref: Ref) -> dict[str, Any]:
    """One story and what belongs to it, as a ``storyline/1`` document."""
    _, sid = query.resolve(store, ref, ("story",))
    return query.export(store, sid)


# --------------------------------------------------------------------------- ingest

_INGEST_BODY = {
    "requestBody": {
        "required": True,
        "description": "JSON lines (one article a line: text, and optional title, url, published, outlet), or files "
        "as multipart/form-data (any field name; text, HTML, JSONL, RSS/Atom, WARC as the CLI reads them)",
        "content": {
            **{t: {"schema": {"type": "string"}} for t in JSONL_TYPES},
            "multipart/form-data": {
                "schema": {
                    "type": "object",
                    "properties": {"files": {"type": "array", "items": {"type": "string", "format": "binary"}}},
                }
            },
        },
    },
    "responses": {
        "401": {"description": "a missing or wrong token"},
        "403": {"description": "the server takes no writes (no STORYLINE_TOKEN)"},
        "413": {"description": "the body is over the server's cap (STORYLINE_MAX_BODY)"},
        "415": {"description": "neither JSON lines nor multipart/form-data"},
        "422": {"description": "nothing could be stored: the error's detail is the ingest answer"},
    },
}


@router.post("/ingest", response_model=IngestModel, dependencies=[Depends(require_token)], openapi_extra=_INGEST_BODY)
async def ingest(request: Request, store: StoreDep, settings: SettingsDep) -> Any:
    """Add articles and analyse them, as ``storyline ingest`` does: rejected items are listed with their reasons
    and the rest stored. HTTP 200 whenever something was stored (``status`` 1 when some items were rejected, as
    the CLI's exit code); 422 when nothing could be (``detail`` holds the same answer). Needs
    ``Authorization: Bearer TOKEN``."""
    kind = request.headers.get("content-type", "").partition(";")[0].strip().lower()
    if kind == "multipart/form-data":
        form = await request.form()
        uploads = [v for _, v in form.multi_items() if isinstance(v, UploadFile)]
        if not uploads:
            raise HTTPException(422, "a multipart body needs at least one file")
        with tempfile.TemporaryDirectory(prefix="storyline-upload-") as tmp:
            paths = [await _save(upload, Path(tmp) / str(i)) for i, upload in enumerate(uploads)]
            answer = await run_in_threadpool(_ingest, store, settings, request, paths, None)
    elif kind in JSONL_TYPES:
        try:
            text = (await request.body()).decode("utf-8")
        except UnicodeDecodeError as exc:
            raise HTTPException(400, f"the body is not UTF-8 text ({exc.reason} at byte {exc.start})") from None
        if not text.strip():
            raise HTTPException(422, "the body holds no article: send one JSON object a line")
        answer = await run_in_threadpool(_ingest, store, settings, request, ["-"], text)
    else:
        raise HTTPException(
            415, f"send JSON lines ({', '.join(JSONL_TYPES[:3])}) or multipart/form-data files, not {kind or 'nothing'}"
        )
    if answer["status"] == 2:
        return JSONResponse(error_body(422, "nothing could be stored: every item was rejected", answer), 422)
    return answer


async def _save(upload: UploadFile, folder: Path) -> str:
    """Write an upload into ``folder`` (a private temporary one) under its base name only: a name with folders,
    ``..`` or a drive in it cannot place the file anywhere else."""
    name = PurePosixPath((upload.filename or "").replace("\\", "/")).name
    if name in ("", ".", "..") or name.startswith("."):
        name = "upload" + PurePosixPath(name).suffix  # hidden or nameless: the ingest skips neither
    folder.mkdir()
    target = folder / name
    if target.resolve().parent != folder.resolve():  # pragma: no cover - a base name cannot leave its folder
        raise HTTPException(400, f"upload name {upload.filename!r} is not a file name")
    with target.open("wb") as out:
        while chunk := await upload.read(1 << 20):
            out.write(chunk)
    return str(target)


def _ingest(store: Store, settings: Settings, request: Request, paths: list[str], text: str | None) -> dict[str, Any]:
    """``pipeline.ingest`` then ``pipeline.analyse``, one writer at a time, with the CLI's exit rule."""
    # one process: a server thread must not fork worker pools (a fork copies every other thread's locks);
    # a corpus too big to analyse inline belongs to `storyline ingest`
    options = replace(PipelineOptions.from_settings(settings), workers=1)
    with request.app.state.write_lock:
        report = pipeline_ingest(store, paths, options, stdin=io.StringIO(text) if text is not None else None)
        failed: list[Rejection] = analyse(store, options)
    rejected = [*report.rejected, *failed]
    status = 2 if report.rejected and report.new + report.seen == 0 else 1 if rejected else 0
    return {
        "new": report.new,
        "seen": report.seen,
        "rejected": [{"source": r.source, "reason": r.reason} for r in rejected],
        "status": status,
    }
