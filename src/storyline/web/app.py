"""``create_app(settings)``: the FastAPI application, its error shape, ETags, the body cap and the store.

- One error shape everywhere under ``/api``: ``{"error": {"status", "code", "message", "detail"}}``; pages show
  the same message as an HTML page with the same status.
- Every successful GET carries a weak ETag of its body; ``If-None-Match`` answers 304.
- Request bodies over ``settings.max_body`` bytes are refused with 413 before they are read whole.
"""

from __future__ import annotations

import hashlib
import logging
import threading
from collections.abc import Awaitable, Callable, MutableMapping
from pathlib import Path
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, Response
from fastapi.staticfiles import StaticFiles
from starlette.exceptions import HTTPException

from storyline.config import Settings
from storyline.errors import StorylineError
from storyline.store import Store, open_store

log = logging.getLogger(__name__)

HERE = Path(__file__).resolve().parent
Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]

_CODES = {400: "bad_request", 401: "unauthorized", 403: "forbidden", 404: "not_found", 405: "method_not_allowed"}
_CODES |= {409: "conflict", 413: "too_large", 415: "unsupported_media_type", 422: "invalid", 500: "internal"}
_CODES |= {501: "not_installed", 503: "unavailable"}


def error_body(status: int, message: str, detail: Any = None) -> dict[str, Any]:
    """The one JSON error shape of the API."""
    return {"error": {"status": status, "code": _CODES.get(status, "error"), "message": message, "detail": detail}}


def create_app(settings: Settings | None = None, *, store: Store | None = None) -> FastAPI:
    """The API and the reading room over the store ``settings.db`` names (opened once, a connection per thread),
    or over ``store`` when one is given (a test's, or one a program already holds)."""
    from storyline.web import api, pages

    settings = settings or Settings.load()
    app = FastAPI(
        title="storyline",
        summary="Deduplicated events and dated, cited storylines from news articles.",
        version=_version(),
        openapi_url="/openapi.json",
        docs_url="/api/docs",
        redoc_url=None,
    )
    app.state.settings = settings
    app.state.store = store if store is not None else open_store(settings.db)
    app.state.write_lock = threading.Lock()  # POST /api/ingest: one ingest and analyse at a time
    app.include_router(api.router)
    app.include_router(pages.router)
    app.mount("/static", StaticFiles(directory=HERE / "static"), name="static")
    _errors(app)
    app.add_middleware(ETagMiddleware)
    app.add_middleware(BodyLimitMiddleware, max_body=settings.max_body)
    return app


def _version() -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("storyline")
    except PackageNotFoundError:  # pragma: no cover - running from a source tree
        return "0"


def _wants_json(request: Request) -> bool:
    path = request.url.path
    return path.startswith("/api") or path == "/openapi.json" or not path.startswith(("/", "/static"))


def _errors(app: FastAPI) -> None:
    def answer(request: Request, status: int, message: str, detail: Any = None) -> Response:
        if _wants_json(request):
            return JSONResponse(error_body(status, message, detail), status_code=status)
        return pages.error_page(request, status, message)

    from storyline.web import pages

    @app.exception_handler(StorylineError)
    async def storyline_error(request: Request, exc: StorylineError) -> Response:
        detail = {"candidates": exc.candidates} if hasattr(exc, "candidates") else None
        if exc.status >= 500:
            log.exception("%s %s", request.method, request.url.path, exc_info=exc)
        return answer(request, exc.status, str(exc), detail)

    @app.exception_handler(HTTPException)
    async def http_error(request: Request, exc: HTTPException) -> Response:
        message = exc.detail if isinstance(exc.detail, str) else _CODES.get(exc.status_code, "error")
        response = answer(request, exc.status_code, message)
        for k, v in (exc.headers or {}).items():
            response.headers[k] = v
        return response

    @app.exception_handler(RequestValidationError)
    async def invalid(request: Request, exc: RequestValidationError) -> Response:
        problems = [
            {"where": ".".join(str(p) for p in e.get("loc", ())), "problem": e.get("msg", "")} for e in exc.errors()
        ]
        message = "; ".join(f"{p['where']}: {p['problem']}" for p in problems) or "invalid request"
        return answer(request, 422, message, problems)

    @app.exception_handler(Exception)
    async def crash(request: Request, exc: Exception) -> Response:
        log.exception("%s %s", request.method, request.url.path, exc_info=exc)
        return answer(request, 500, f"internal error ({type(exc).__name__}); the server log has the details")


class ETagMiddleware:
    """A weak ETag (a hash of the body) on every successful GET; ``If-None-Match`` with it answers 304."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] not in ("GET", "HEAD"):
            await self.app(scope, receive, send)
            return
        start: Message | None = None
        chunks: list[bytes] = []

        async def keep(message: Message) -> None:
            nonlocal start
            if message["type"] == "http.response.start":
                start = message
            elif message["type"] == "http.response.body":
                chunks.append(message.get("body", b""))
                if not message.get("more_body"):
                    await _finish(start, b"".join(chunks), scope, send)
            else:  # pragma: no cover - other ASGI extensions pass through
                await send(message)

        await self.app(scope, receive, keep)


async def _finish(start: Message | None, body: bytes, scope: Scope, send: Send) -> None:
    assert start is not None
    headers = [(k, v) for k, v in start.get("headers", []) if k.lower() != b"content-length"]
    if start["status"] == 200 and not any(k.lower() == b"etag" for k, _ in headers):
        tag = b'W/"' + hashlib.blake2b(body, digest_size=12).hexdigest().encode() + b'"'
        headers.append((b"etag", tag))
        if not any(k.lower() == b"cache-control" for k, _ in headers):
            headers.append((b"cache-control", b"no-cache"))
        asked = dict(scope.get("headers", [])).get(b"if-none-match", b"")
        if tag in [t.strip() for t in asked.split(b",")] or asked.strip() == b"*":
            keepers = [(k, v) for k, v in headers if k.lower() in (b"etag", b"cache-control", b"vary")]
            await send({"type": "http.response.start", "status": 304, "headers": keepers})
            await send({"type": "http.response.body", "body": b""})
            return
    headers.append((b"content-length", str(len(body)).encode()))
    await send({**start, "headers": headers})
    await send({"type": "http.response.body", "body": body if scope["method"] != "HEAD" else b""})


class BodyLimitMiddleware:
    """Refuse a request body over ``max_body`` bytes with 413 (by its Content-Length, else while it streams)."""

    def __init__(self, app: ASGIApp, max_body: int) -> None:
        self.app = app
        self.max_body = max_body

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        length = dict(scope.get("headers", [])).get(b"content-length")
        if length is not None and (not length.isdigit() or int(length) > self.max_body):
            await self._refuse(send)
            return
        seen = 0

        async def counted() -> Message:
            nonlocal seen
            message = await receive()
            if message["type"] == "http.request":
                seen += len(message.get("body", b""))
                if seen > self.max_body:  # an HTTPException: FastAPI lets it through to the error handler
                    raise HTTPException(413, self._message())
            return message

        await self.app(scope, counted, send)

    def _message(self) -> str:
        return f"request body over {self.max_body} bytes; send less at a time (STORYLINE_MAX_BODY raises the cap)"

    async def _refuse(self, send: Send) -> None:
        await JSONResponse(error_body(413, self._message()), status_code=413)({"type": "http"}, _nothing, send)


async def _nothing() -> Message:  # pragma: no cover - a response never reads the request
    return {"type": "http.disconnect"}


__all__ = ["create_app", "error_body"]
