"""The web reading room: server-rendered pages (Jinja2, readable without JavaScript), each the HTML face of an
API route it links to as its JSON alternate. Routes call ``storyline.query`` and hand its records to a template;
what a template shows is laid out by pure functions (``storyline.render``, ``web.markup``, ``web.charts``)."""

from __future__ import annotations

from typing import Annotated, Any
from urllib.parse import urlencode

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse
from fastapi.templating import Jinja2Templates

from storyline import query, render
from storyline.records import SEARCH_KINDS
from storyline.web import charts, markup
from storyline.web.app import HERE
from storyline.web.deps import PageDep, StoreDep

router = APIRouter(include_in_schema=False)
templates = Jinja2Templates(directory=HERE / "templates")  # autoescape on for .html: article text shows as text
templates.env.globals |= {
    "label": render.source_label,
    "cited_context": render.cited_context,
    "wire_date": render.wire_date,
    "quote_line": render.quote_line,
    "columns": render.comparison_columns,
    "snippet": markup.snippet_html,
    "link": markup.path,
    "external": markup.external_url,
}

# what a reader may ask for: ISO days (or months, years), as the CLI's --since/--until take them
DAY = Query(pattern=r"^\d{4}(-\d{2}(-\d{2})?)?$", description="ISO date, YYYY[-MM[-DD]]")
Day = Annotated[str | None, DAY]
Dates = Annotated[int | None, Query(ge=1, le=1000, description="at most this many dates")]
PerDate = Annotated[int, Query(ge=1, le=20, description="summary sentences per date")]
QUOTES_SHOWN = 2  # a timeline entry shows up to two quotes: more crowd out the dated line they support


def _page(request: Request, name: str, alternate: str | None, **context: Any) -> HTMLResponse:
    return templates.TemplateResponse(request, name, {"alternate": alternate, **context})


def _query(**params: Any) -> str:
    """A query string of the parameters that are set (``?a=1&b=x``), or ``""``."""
    kept = {k: v for k, v in params.items() if v not in (None, "", False)}
    return "?" + urlencode(kept, doseq=True) if kept else ""


def error_page(request: Request, status: int, message: str) -> HTMLResponse:
    """The HTML face of an error: the same status and message the API gives."""
    return templates.TemplateResponse(
        request, "error.html", {"status": status, "message": message, "alternate": None}, status_code=status
    )


@router.get("/", response_class=HTMLResponse)
def stories(
    request: Request, store: StoreDep, page: PageDep, since: Day = None, until: Day = None, outlet: str | None = None
) -> HTMLResponse:
    outlet = outlet or None
    found = query.stories(store, since=since, until=until, outlet=outlet, offset=page.offset, limit=page.limit)
    nxt = page.next_cursor(len(found))
    filters = {"since": since, "until": until, "outlet": outlet}
    return _page(
        request,
        "stories.html",
        "/api/stories" + _query(**filters, limit=page.limit if page.limit != 50 else None),
        stories=found,
        outlets=query.outlets(store),
        filters=filters,
        next=_query(**filters, cursor=nxt) if nxt else None,
    )


@router.get("/stories/{ref}", response_class=HTMLResponse)
def story(
    request: Request,
    store: StoreDep,
    ref: str,
    dates: Dates = None,
    per_date: PerDate = 1,
    since: Day = None,
    until: Day = None,
) -> HTMLResponse:
    options = query.timeline_options(dates=dates, per_date=per_date, since=since, until=until)
    view = query.timeline(store, ref, options, quote_limit=QUOTES_SHOWN)
    asked = _asked(dates, per_date, since, until)
    return _timeline_page(request, view, f"/api/stories/{view.story.id}/timeline" + _query(**asked), asked)


@router.get("/timeline", response_class=HTMLResponse)
def selection(
    request: Request,
    store: StoreDep,
    query_: Annotated[str | None, Query(alias="query", max_length=500, description="search words")] = None,
    entity: Annotated[str | None, Query(max_length=500, description="entity id, prefix or name")] = None,
    everything: bool = False,
    dates: Dates = None,
    per_date: PerDate = 1,
    since: Day = None,
    until: Day = None,
) -> HTMLResponse:
    options = query.timeline_options(dates=dates, per_date=per_date, since=since, until=until)
    view = query.selection_timeline(
        store,
        query=query_ or None,
        entity=entity or None,
        everything=everything,
        options=options,
        quote_limit=QUOTES_SHOWN,
    )
    chosen = {"query": query_ or None, "entity": entity or None, "everything": "true" if everything else None}
    asked = _asked(dates, per_date, since, until)
    return _timeline_page(request, view, "/api/timeline" + _query(**chosen, **asked), asked, chosen=chosen)


def _asked(dates: int | None, per_date: int, since: str | None, until: str | None) -> dict[str, Any]:
    """The timeline options a reader set (the defaults left out), for links and the options form."""
    return {"dates": dates, "per_date": per_date if per_date != 1 else None, "since": since, "until": until}


def _timeline_page(
    request: Request, view: query.TimelineView, alternate: str, asked: dict[str, Any], **extra: Any
) -> HTMLResponse:
    """A story's or a selection's timeline: one template, its coverage chart."""
    coverage = query.coverage(view)
    return _page(
        request,
        "story.html",
        alternate,
        view=view,
        asked=asked,
        coverage=coverage,
        spec=charts.coverage_spec(coverage),
        **extra,
    )


@router.get("/stories/{ref}/copies", response_class=HTMLResponse)
def copies(request: Request, store: StoreDep, ref: str) -> HTMLResponse:
    found = query.copy_flows(store, ref)
    return _page(
        request, "copies.html", f"/api/stories/{found.story.id}/copies", found=found, spec=charts.flows_spec(found)
    )


@router.get("/compare/{ref}", response_class=HTMLResponse)
def compare(request: Request, store: StoreDep, ref: str) -> HTMLResponse:
    comps = query.comparisons(store, ref)
    kind, cid = query.resolve(store, ref, ("event", "story"))
    return _page(
        request,
        "compare.html",
        f"/api/{'events' if kind == 'event' else 'stories'}/{cid}/comparison",
        kind=kind,
        ref=cid,
        comps=comps,
        articles=query.comparison_articles(store, comps),
    )


@router.get("/articles/{ref}", response_class=HTMLResponse)
def article(request: Request, store: StoreDep, ref: str) -> HTMLResponse:
    view = query.article_view(store, ref)
    return _page(request, "article.html", f"/api/articles/{view.article.id}", view=view, body=markup.article_html(view))


@router.get("/entities", response_class=HTMLResponse)
def entities(
    request: Request,
    store: StoreDep,
    page: PageDep,
    q: Annotated[str | None, Query(max_length=200, description="part of a name or alias")] = None,
    type: Annotated[str | None, Query(max_length=20, description="PERSON, ORG, GPE, ...")] = None,
) -> HTMLResponse:
    found = query.entities(store, q=q or None, type=type or None, offset=page.offset, limit=page.limit)
    nxt = page.next_cursor(len(found))
    filters = {"q": q or None, "type": type or None}
    return _page(
        request,
        "entities.html",
        "/api/entities" + _query(**filters),
        entities=found,
        filters=filters,
        next=_query(**filters, cursor=nxt) if nxt else None,
    )


@router.get("/entities/{ref}", response_class=HTMLResponse)
def entity(request: Request, store: StoreDep, ref: str) -> HTMLResponse:
    view = query.entity_view(store, ref)
    return _page(
        request, "entity.html", f"/api/entities/{view.entity.id}", view=view, spec=charts.mentions_spec(view.by_day)
    )


@router.get("/search", response_class=HTMLResponse)
def search(
    request: Request,
    store: StoreDep,
    q: Annotated[str | None, Query(max_length=500, description="search words")] = None,
    kind: Annotated[list[str] | None, Query(description="article, quote or entity (any number)")] = None,
    limit: Annotated[int, Query(ge=1, le=200)] = 20,
) -> HTMLResponse:
    kinds = [k for k in (kind or []) if k in SEARCH_KINDS]
    hits = query.search(store, q, kinds, limit) if q and q.strip() else []
    return _page(
        request,
        "search.html",
        "/api/search" + _query(q=q, kind=kinds, limit=limit if limit != 20 else None) if q else None,
        q=q or "",
        kinds=kinds,
        all_kinds=SEARCH_KINDS,
        hits=hits,
    )


@router.get("/history/{ref}", response_class=HTMLResponse)
def history(request: Request, store: StoreDep, ref: str) -> HTMLResponse:
    found = query.history(store, ref)
    kind = "events" if found.id.startswith("e-") else "stories"  # ids say their kind (records.content_id)
    return _page(request, "history.html", f"/api/{kind}/{found.id}/history", found=found)
