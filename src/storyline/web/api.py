"""The JSON API under ``/api``: each route resolves its parameters, calls one ``storyline.query`` function and
returns its records as JSON. Lists are paged (``limit``, ``cursor``; the answer's ``next`` is the next cursor)."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter

from storyline import query
from storyline.web.deps import PageDep, StoreDep

router = APIRouter(prefix="/api", tags=["api"])


@router.get("/stories")
def stories(store: StoreDep, page: PageDep) -> dict[str, Any]:
    """Stories, a page at a time: title, date span, counts, outlets."""
    found = query.stories(store, offset=page.offset, limit=page.limit)
    return {"items": [s.as_dict() for s in found], "next": page.next_cursor(len(found))}
