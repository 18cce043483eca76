"""Storage: one ``Store`` interface, backends chosen by URL through ``open_store``."""

from __future__ import annotations

import os

from storyline.store.base import Store
from storyline.store.sqlite import SQLiteStore

DEFAULT_DB = "storyline.db"


def resolve_url(url: str | None) -> str:
    """``--db`` value, else ``$STORYLINE_DB``, else ``./storyline.db``."""
    return url or os.environ.get("STORYLINE_DB") or DEFAULT_DB


def open_store(url: str | None = None) -> Store:
    """Open (creating and migrating when needed) the store at ``url``.

    Accepts a file path, ``sqlite:///PATH``, ``:memory:``, or a ``postgresql://`` URL (the ``[postgres]`` extra).
    """
    url = resolve_url(url)
    if url.startswith(("postgresql://", "postgres://")):
        from storyline.store.postgres import PostgresStore

        return PostgresStore(url)
    if url.startswith("sqlite:///"):
        url = url[len("sqlite:///") :]
    elif url.startswith("sqlite://"):
        url = url[len("sqlite://") :] or ":memory:"
    return SQLiteStore(url)


__all__ = ["DEFAULT_DB", "SQLiteStore", "Store", "open_store", "resolve_url"]
