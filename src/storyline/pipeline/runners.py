"""The runner seam: how a stage function is mapped over many items.

A stage function is pure and per item (an article in, a record out), so where it runs is the runner's business:
``InlineRunner`` in this process, ``ProcessRunner`` over a pool of local processes, and ``SparkRunner``
(``storyline.batch.spark``: ``rdd.map``) behind the same ``map``. Results always come back in input order.
"""

from __future__ import annotations

import logging
import multiprocessing
import os
import sys
from collections.abc import Callable, Iterable, Iterator, Sequence
from concurrent.futures import Executor, ProcessPoolExecutor
from types import TracebackType
from typing import Any, Protocol, TypeVar

from storyline import tablecache
from storyline.workers import die_with_parent

log = logging.getLogger(__name__)
T = TypeVar("T")
R = TypeVar("R")

__all__ = ["InlineRunner", "ProcessRunner", "Runner", "default_start_method", "die_with_parent"]


class Runner(Protocol):
    """Maps a picklable, pure function over items, returning the results in input order."""

    def map(self, fn: Callable[[T], R], items: Sequence[T]) -> list[R]: ...

    def close(self) -> None: ...


class InlineRunner:
    """Everything in this process, one item after another (small batches, tests, debugging)."""

    def map(self, fn: Callable[[T], R], items: Sequence[T]) -> list[R]:
        return [fn(x) for x in items]

    def close(self) -> None:
        return None


def _main_importable() -> bool:
    """Whether workers can import the parent's ``__main__``: a file on disk, a module (``-m``), or none at all
    (``python -c``, an interactive session)."""
    main = sys.modules.get("__main__")
    path = getattr(main, "__file__", None)
    spec = getattr(main, "__spec__", None)
    return spec is not None or path is None or os.path.isfile(path)


class _Inline(Executor):
    """An executor that runs in the calling process (``ProcessRunner`` without a usable start method)."""

    def map(
        self, fn: Callable[..., R], *iterables: Iterable[Any], timeout: float | None = None, chunksize: int = 1
    ) -> Iterator[R]:
        return iter([fn(*args) for args in zip(*iterables)])


def default_start_method() -> str:
    """``forkserver`` where the platform has it (Linux, macOS): workers start from a clean server process, never
    from a parent holding threads or open database connections, as ``fork`` would; ``spawn`` elsewhere."""
    return "forkserver" if "forkserver" in multiprocessing.get_all_start_methods() else "spawn"


# Modules the forkserver imports once, so each worker starts with them loaded instead of importing them itself.
_PRELOAD = ["storyline.pipeline.stages"]


def _start_worker(owner: int, direct: bool, cache_dir: str | None) -> None:
    """A pool worker ends with its owner and reads the tables its owner keeps on disk (``storyline.tablecache``)."""
    die_with_parent(owner, direct)
    tablecache.use_dir(cache_dir)


class ProcessRunner:
    """A pool of local processes, started on first use and kept for the runner's life (use it as a context
    manager, or call ``close``). Fewer than ``min_items`` items run inline: a pool costs a fraction of a second
    to start, more than small batches take."""

    def __init__(self, workers: int | None = None, *, start_method: str | None = None, min_items: int = 64) -> None:
        self.workers = workers or os.cpu_count() or 1
        self.start_method = start_method or default_start_method()
        self.min_items = min_items
        self._pool: Executor | None = None

    def map(self, fn: Callable[[T], R], items: Sequence[T]) -> list[R]:
        if self.workers < 2 or len(items) < self.min_items:
            return [fn(x) for x in items]
        chunk = max(1, min(64, len(items) // (self.workers * 4)))
        return list(self._executor().map(fn, items, chunksize=chunk))

    def _executor(self) -> Executor:
        if self._pool is None:
            method = self.start_method
            if method != "fork" and not _main_importable():
                # forkserver and spawn workers re-import the parent's __main__ from its file; a program read from
                # stdin has none, so there the workers are forked (or, without fork, the pool is not used)
                method = "fork" if "fork" in multiprocessing.get_all_start_methods() else ""
                log.info("runner: __main__ has no file to import in workers; start method %r", method or "inline")
                if not method:
                    return _Inline()
            context = multiprocessing.get_context(method)
            if method == "forkserver":
                context.set_forkserver_preload(_PRELOAD)
            # workers end with this process, even when it is killed (forkserver workers are the server's children)
            self._pool = ProcessPoolExecutor(
                max_workers=self.workers,
                mp_context=context,
                initializer=_start_worker,
                initargs=(os.getpid(), method != "forkserver", tablecache.directory()),
            )
        return self._pool

    def close(self) -> None:
        if self._pool is not None:
            self._pool.shutdown()
            self._pool = None

    def __enter__(self) -> ProcessRunner:
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.close()
