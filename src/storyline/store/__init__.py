"""Storage: one ``Store`` interface, backends chosen by URL through ``open_store``."""

from __future__ import annotations

import os
import re
from pathlib import Path

from storyline.errors import NotFound, StoreError
from storyline.store.base import Store
from storyline.store.sqlite import SQLiteStore

DEFAULT_DB = "storyline.db"
_SCHEME = re.compile(r"^([A-Za-z][A-Za-z0-9+.-]*)://")
SCHEMES = ("sqlite", "postgresql", "postgres")


def resolve_url(url: str | None) -> str:
    """``--db`` value, else ``$STORYLINE_DB``, else ``./storyline.db``."""
    return url or os.environ.get("STORYLINE_DB") or DEFAULT_DB


def check_url(url: str) -> str:
    """``url`` if storyline can open it (a file path, ``:memory:``, ``sqlite://`` or ``postgresql://``), else
    ``StoreError`` naming the scheme it does not know (``mysql://…`` is not taken for a file name)."""
    found = _SCHEME.match(url)
    if found and found.group(1).lower() not in SCHEMES:
        raise StoreError(
            f"unknown database URL scheme {found.group(1)}:// in {url.split('@')[-1]!r}: "
            "use a file path, sqlite:///PATH or postgresql://…"
        )
    return url


def open_store(url: str | None = None, *, create: bool = True) -> Store:
    """Open (creating and migrating when needed) the store at ``url``.

    Accepts a file path, ``sqlite:///PATH``, ``:memory:``, or a ``postgresql://`` URL (the ``[postgres]`` extra);
    any other ``SCHEME://`` is a ``StoreError``. With ``create=False`` (read commands) a SQLite file that does not
    exist is ``NotFound`` instead of a new empty database.
    """
    url = check_url(resolve_url(url))
    if url.lower().startswith(("postgresql://", "postgres://")):
        from storyline.store.postgres import PostgresStore

        return PostgresStore(url)
    if url.lower().startswith("sqlite:///"):
        url = url[len("sqlite:///") :]
    elif url.lower().startswith("sqlite://"):
        url = url[len("sqlite://") :] or ":memory:"
    if not create and url != ":memory:" and not Path(url).exists():
        raise NotFound(f"no database at {url}: run `storyline ingest` first")
    return SQLiteStore(url)


__all__ = ["DEFAULT_DB", "SCHEMES", "SQLiteStore", "Store", "check_url", "open_store", "resolve_url"]
