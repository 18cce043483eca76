"""What routes take besides their own parameters: the store, the settings, a page of a list, the write token."""

from __future__ import annotations

import base64
import binascii
import hmac
from dataclasses import dataclass
from typing import Annotated

from fastapi import Depends, Header, HTTPException, Query, Request

from storyline.config import Settings
from storyline.store import Store

MAX_LIMIT = 500


def get_store(request: Request) -> Store:
    store: Store = request.app.state.store
    return store


def get_settings(request: Request) -> Settings:
    settings: Settings = request.app.state.settings
    return settings


StoreDep = Annotated[Store, Depends(get_store)]
SettingsDep = Annotated[Settings, Depends(get_settings)]


@dataclass(frozen=True, slots=True)
class Page:
    """A window on a list: ``limit`` items from ``offset``; ``cursor`` strings are opaque to clients."""

    offset: int
    limit: int

    def next_cursor(self, returned: int) -> str | None:
        """The cursor of the page after this one, or None when this one was not full."""
        return encode_cursor(self.offset + self.limit) if returned >= self.limit else None


def encode_cursor(offset: int) -> str:
    return base64.urlsafe_b64encode(f"o{offset}".encode()).decode().rstrip("=")


def decode_cursor(cursor: str) -> int:
    """The offset a cursor stands for; HTTP 400 for one this server did not hand out."""
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode("ascii")
        if raw[:1] != "o" or not raw[1:].isdigit():
            raise ValueError(raw)
        return int(raw[1:])
    except (ValueError, binascii.Error, UnicodeDecodeError):
        raise HTTPException(400, f"cursor {cursor!r} is not one this server handed out; start without it") from None


def get_page(
    limit: Annotated[int, Query(ge=1, le=MAX_LIMIT, description="items per page")] = 50,
    cursor: Annotated[str | None, Query(max_length=64, description="`next` of the previous page")] = None,
) -> Page:
    return Page(decode_cursor(cursor) if cursor else 0, limit)


PageDep = Annotated[Page, Depends(get_page)]


def require_token(
    settings: SettingsDep, authorization: Annotated[str | None, Header(description="Bearer TOKEN")] = None
) -> None:
    """Writes need ``Authorization: Bearer $STORYLINE_TOKEN``; with no token set the server takes none."""
    if not settings.token:
        raise HTTPException(403, "this server takes no writes: start it with STORYLINE_TOKEN set to allow them")
    scheme, _, given = (authorization or "").partition(" ")
    if scheme.lower() != "bearer" or not hmac.compare_digest(given.strip().encode(), settings.token.encode()):
        raise HTTPException(
            401,
            "a write needs the header Authorization: Bearer TOKEN ($STORYLINE_TOKEN of the server)",
            headers={"WWW-Authenticate": "Bearer"},
        )
