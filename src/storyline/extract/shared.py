"""What the extractors of one article compute alike, computed once: its sentence spans."""

from __future__ import annotations

from storyline.text import sentence_spans

__all__ = ["sentences"]

# the last two texts split and their spans: the dates and the quotes of one article ask in turn
_RECENT: list[tuple[str, list[tuple[int, int]]]] = []


def sentences(text: str) -> list[tuple[int, int]]:
    """``sentence_spans(text)``, shared by the callers that ask for the same text in turn (do not modify it)."""
    for seen, spans in _RECENT:
        if seen is text or seen == text:
            return spans
    spans = sentence_spans(text)
    _RECENT[:] = [(text, spans), *_RECENT[:1]]
    return spans
