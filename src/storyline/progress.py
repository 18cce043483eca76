"""Progress of long work: the jobs report steps and counts here; a shell decides how they are shown.

A job opens a ``task`` per step (``"extract"``, total 10,000 articles) and advances it as items get done. The default,
``LogProgress``, writes counts, rate and time left to the log (``storyline -v``) at most every few seconds, for runs
that are not on a terminal (cron, CI, a server); the CLI shows a bar on a terminal with ``RichProgress``. Nothing here
knows what a step does.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any, Protocol

log = logging.getLogger("storyline.progress")


class Task(Protocol):
    def advance(self, n: int = 1) -> None: ...


class Progress(Protocol):
    def task(self, name: str, total: int | None = None, unit: str = "articles") -> Any:
        """A context manager yielding a ``Task``; leaving it marks the step done."""
        ...


def rate_text(done: int, seconds: float, total: int | None, unit: str) -> str:
    """``1,200/10,000 articles, 310/s, 28 s left`` (what is known of it)."""
    rate = done / seconds if seconds > 0 else 0.0
    text = f"{done:,}/{total:,} {unit}" if total is not None else f"{done:,} {unit}"
    text += f", {rate:,.0f}/s"
    if total is not None and rate > 0 and done < total:
        text += f", {(total - done) / rate:,.0f} s left"
    return text


class _LogTask:
    def __init__(self, name: str, total: int | None, unit: str, every: float) -> None:
        self.name, self.total, self.unit, self.every = name, total, unit, every
        self.done = 0
        self.start = self.last = time.monotonic()

    def advance(self, n: int = 1) -> None:
        self.done += n
        now = time.monotonic()
        if now - self.last >= self.every:
            self.last = now
            log.info("%s: %s", self.name, rate_text(self.done, now - self.start, self.total, self.unit))

    def close(self) -> None:
        if self.done:
            seconds = time.monotonic() - self.start
            log.info("%s: done, %s", self.name, rate_text(self.done, seconds, self.total, self.unit))


class LogProgress:
    """Counts in the log, at most one line per step every ``every`` seconds, and one when the step ends."""

    def __init__(self, every: float = 10.0) -> None:
        self.every = every

    @contextmanager
    def task(self, name: str, total: int | None = None, unit: str = "articles") -> Iterator[_LogTask]:
        t = _LogTask(name, total, unit, self.every)
        try:
            yield t
        finally:
            t.close()


class _RichTask:
    def __init__(self, bar: Any, task_id: Any, unit: str) -> None:
        self.bar, self.task_id, self.unit = bar, task_id, unit
        self.done = 0
        self.start = time.monotonic()

    def advance(self, n: int = 1) -> None:
        self.done += n
        seconds = time.monotonic() - self.start
        rate = f"{self.done / seconds:,.0f} {self.unit}/s" if seconds > 0 else ""
        self.bar.update(self.task_id, advance=n, rate=rate)


class RichProgress:
    """A bar per step on a terminal (rich): what is done of how many, the rate and the time left."""

    def __init__(self, file: Any = None) -> None:
        from rich.console import Console
        from rich.progress import (
            BarColumn,
            MofNCompleteColumn,
            Progress,
            TaskProgressColumn,
            TextColumn,
            TimeElapsedColumn,
            TimeRemainingColumn,
        )

        self._bar = Progress(
            TextColumn("{task.description:<12}"),
            BarColumn(),
            MofNCompleteColumn(),
            TaskProgressColumn(),
            TextColumn("{task.fields[rate]}"),
            TimeElapsedColumn(),
            TimeRemainingColumn(),
            console=Console(file=file, stderr=file is None),
            transient=False,
        )

    def __enter__(self) -> RichProgress:
        self._bar.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._bar.stop()

    @contextmanager
    def task(self, name: str, total: int | None = None, unit: str = "articles") -> Iterator[_RichTask]:
        task_id = self._bar.add_task(name, total=total, rate="")
        t = _RichTask(self._bar, task_id, unit)
        try:
            yield t
        finally:
            self._bar.update(task_id, total=total if total is not None else t.done, completed=t.done)


def steps(progress: Progress | None) -> Progress:
    """The progress to report to: the one given, else counts in the log."""
    return progress if progress is not None else LogProgress()
