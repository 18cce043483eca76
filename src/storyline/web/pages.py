"""The web reading room: server-rendered pages (Jinja2, readable without JavaScript), each the HTML face of an
API route it links to as its JSON alternate. Routes call ``storyline.query`` and hand its records to a template."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse
from fastapi.templating import Jinja2Templates

from storyline import query
from storyline.web.app import HERE
from storyline.web.deps import PageDep, StoreDep

router = APIRouter(include_in_schema=False)
templates = Jinja2Templates(directory=HERE / "templates")  # autoescape on for .html: article text shows as text


def error_page(request: Request, status: int, message: str) -> HTMLResponse:
    """The HTML face of an error: the same status and message the API gives."""
    return templates.TemplateResponse(
        request, "error.html", {"status": status, "message": message, "alternate": None}, status_code=status
    )


@router.get("/", response_class=HTMLResponse)
def stories(request: Request, store: StoreDep, page: PageDep) -> HTMLResponse:
    found = query.stories(store, offset=page.offset, limit=page.limit)
    return templates.TemplateResponse(
        request,
        "stories.html",
        {"stories": found, "next": page.next_cursor(len(found)), "alternate": "/api/stories"},
    )
