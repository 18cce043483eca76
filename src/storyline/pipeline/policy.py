"""The error policy: what one bad item does to a run.

By default (``skip``) an item a stage fails on becomes a ``Rejection`` naming the item, the stage and the error,
and the run goes on with the rest; ``raise`` stops the run at the first failure (tests, debugging). A stage
function is wrapped in ``Guarded`` before it goes to a runner, so the policy holds in worker processes too.

``Guarded`` also holds the per-article time budget (``storyline.budget``): a stage that runs longer than
``seconds`` on one item is interrupted and the item rejected (``budget: ...``), whatever the policy.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from typing import Generic, TypeVar

from storyline.budget import BudgetExceeded, time_limit
from storyline.records import Rejection

log = logging.getLogger(__name__)

T = TypeVar("T")
R = TypeVar("R")

POLICIES = ("skip", "raise")


@dataclass(frozen=True, slots=True)
class Failure:
    """A stage that failed on one item: which item (its id and source), which stage, and why."""

    item: str
    source: str
    stage: str
    reason: str
    kind: str = "article"  # what the item is: an article, or a story (the timeline stage)

    def rejection(self) -> Rejection:
        """The row: the reason starts with the stage (``extract: ...``), or ``budget:`` when it ran out of time."""
        if self.reason.startswith("budget: "):
            return Rejection(self.source, f"{self.reason} ({self.stage}, {self.kind} {self.item})")
        return Rejection(self.source, f"{self.stage}: failed on {self.kind} {self.item}: {self.reason}")


@dataclass(frozen=True)
class Guarded(Generic[T, R]):
    """``fn`` under the error policy: its result, or a ``Failure`` when it raises and the policy is ``skip``.

    ``fn`` must be picklable (a module-level function or a ``functools.partial`` of one) to run in a pool.
    """

    fn: Callable[[T], R]
    stage: str
    policy: str = "skip"
    seconds: float | None = None  # the time budget per item (None: none)

    def __call__(self, item: T) -> R | Failure:
        try:
            with time_limit(self.seconds):
                return self.fn(item)
        except BudgetExceeded as exc:  # over budget: rejected under either policy, the run goes on
            ident, source, kind = self._names(item)
            log.warning("%s gave up on %s (%s): %s", self.stage, ident, source, exc)
            return Failure(ident, source, self.stage, f"budget: {self.stage} took {exc}", kind)
        except Exception as exc:  # one bad item must not stop the run: it becomes a rejection row
            if self.policy == "raise":
                raise
            ident, source, kind = self._names(item)
            log.warning("%s failed on %s (%s): %s: %s", self.stage, ident, source, type(exc).__name__, exc)
            return Failure(ident, source, self.stage, f"{type(exc).__name__}: {exc}", kind)

    @staticmethod
    def _names(item: object) -> tuple[str, str, str]:
        ident = str(getattr(item, "id", "?"))
        return ident, str(getattr(item, "source", ident)), str(getattr(item, "kind", "article"))
