"""The default store: one SQLite file in WAL mode (or ``:memory:`` for tests)."""

from __future__ import annotations

import sqlite3
import threading
from pathlib import Path

from storyline.errors import StoreError
from storyline.store.sql import SQLStore


class SQLiteStore(SQLStore):
    """SQLite backend; ``SQLiteStore(":memory:")`` for a throwaway database."""

    param = "?"

    def __init__(self, path: str | Path = ":memory:") -> None:
        self.path = str(path)
        self.url = f"sqlite:///{self.path}"
        self._depth = 0
        self._lock = threading.RLock()
        if self.path != ":memory:":
            parent = Path(self.path).expanduser().resolve().parent
            if not parent.is_dir():
                raise StoreError(f"cannot create database {self.path}: folder {parent} does not exist")
        try:
            # isolation_level=None: we issue BEGIN ourselves, so one batch is one transaction
            self.conn = sqlite3.connect(self.path, isolation_level=None, check_same_thread=False)
            if self.path != ":memory:":
                self.conn.execute("PRAGMA journal_mode=WAL")
            self.conn.execute("PRAGMA synchronous=NORMAL")
            self.conn.execute("PRAGMA foreign_keys=ON")
        except sqlite3.DatabaseError as exc:
            raise StoreError(f"cannot open database {self.path}: {exc}") from exc
        try:
            self.migrate()
        except sqlite3.DatabaseError as exc:
            raise StoreError(f"{self.path} is not a storyline database or is damaged: {exc}") from exc

    def _begin(self) -> None:
        self.conn.execute("BEGIN IMMEDIATE")
