"""What one article may cost: its length and the time a stage may spend on it.

A pathological input (a 19 MB one-line text, markup that sends a parser into a slow path) must become one
rejection, not a stalled run. Two budgets, both per article:

* **characters** (``MAX_CHARS``): an article longer than this is rejected before anything reads its text.
  Measured (bench on this machine, prose without spaCy): reading costs ~0.5-1 s and extraction ~3.3 s per
  million characters, linear in the length; 2,000,000 characters is ~10 s of work, well inside the time budget,
  and some 40 times the longest news articles (a 10,000-word long read is ~60,000 characters).
* **seconds** (``ARTICLE_SECONDS``): a stage that runs longer on one article is interrupted (``time_limit``)
  and the article rejected. The limit is a ``SIGALRM`` timer, so it holds only on a process's main thread
  (inline runs and worker processes); elsewhere (a server's worker thread) it is skipped with a log line. A
  timer interrupts Python code, and the regular-expression engine, which checks for signals as it runs;
  a long call inside other C code (an XML parser) is interrupted when it returns.
"""

from __future__ import annotations

import logging
import signal
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from types import FrameType

__all__ = ["ARTICLE_SECONDS", "MAX_CHARS", "BudgetExceeded", "over_chars", "time_limit"]

log = logging.getLogger(__name__)

MAX_CHARS = 2_000_000
ARTICLE_SECONDS = 60.0


class BudgetExceeded(Exception):
    """An article went over a budget; the message says which and by how much (no stage prefix)."""


def over_chars(length: int, limit: int | None) -> str | None:
    """The rejection reason for a text of ``length`` characters under ``limit``, or None when it fits."""
    if limit is None or limit <= 0 or length <= limit:
        return None
    return f"budget: {length:,} characters over the {limit:,}-character limit"


_warned = False


def _timer_usable() -> bool:
    global _warned
    if hasattr(signal, "setitimer") and threading.current_thread() is threading.main_thread():
        return True
    if not _warned:
        _warned = True
        log.info("budget: no per-article time limit here (a timer signal reaches only a main thread)")
    return False


@contextmanager
def time_limit(seconds: float | None) -> Iterator[None]:
    """Raise ``BudgetExceeded`` in the block when it runs longer than ``seconds`` (None or 0: no limit).

    Nested limits: an inner one is skipped while an outer timer runs (the outer one still holds).
    """
    if not seconds or seconds <= 0 or not _timer_usable() or signal.getitimer(signal.ITIMER_REAL)[0] > 0:
        yield
        return

    def on_alarm(signum: int, frame: FrameType | None) -> None:
        raise BudgetExceeded(f"over the {seconds:g}-second limit for one article")

    previous = signal.signal(signal.SIGALRM, on_alarm)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)
