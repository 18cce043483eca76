"""storyline: news articles from many outlets in, deduplicated events and dated, cited storylines out.

Public API (everything else is internal)::

    from storyline import open_store, run, export
    store = open_store("news.db")
    run(store, ["articles/"])
    doc = export(store)

Names are imported lazily so ``import storyline`` stays cheap.
"""

from __future__ import annotations

import importlib
from typing import Any

__version__ = "0.1.0"

_EXPORTS = {
    "Article": "storyline.records",
    "Citation": "storyline.records",
    "Event": "storyline.records",
    "Story": "storyline.records",
    "TimelineEntry": "storyline.records",
    "PipelineOptions": "storyline.pipeline",
    "analyse": "storyline.pipeline",
    "ingest": "storyline.pipeline",
    "run": "storyline.pipeline",
    "export": "storyline.query",
    "Store": "storyline.store",
    "open_store": "storyline.store",
}

__all__ = sorted(_EXPORTS)


def __getattr__(name: str) -> Any:
    if name in _EXPORTS:
        return getattr(importlib.import_module(_EXPORTS[name]), name)
    raise AttributeError(f"module 'storyline' has no attribute {name!r}")
