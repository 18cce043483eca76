"""Vega-Lite specs for the reading room's charts, built from the query layer's records (pure: records in, a
JSON-ready dict out). The page embeds each spec as JSON and the vendored vega-embed draws it; the same numbers are
always on the page as a table too, so nothing is lost without JavaScript.

Vega-Lite was chosen over server-side images because its charts keep tooltips (the shared words of a passage,
the count behind a bar) and stay sharp at any zoom, and its npm build is served from the package itself.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from storyline.query import CopyFlows

SCHEMA = "https://vega.github.io/schema/vega-lite/v6.json"  # an identifier Vega-Lite checks, never fetched
WIDTH = "container"


def _base(title: str, values: list[dict[str, Any]], height: int) -> dict[str, Any]:
    return {
        "$schema": SCHEMA,
        "description": title,
        "width": WIDTH,
        "height": height,
        "data": {"values": values},
        "config": {"font": "system-ui, sans-serif", "view": {"stroke": None}},
    }


def coverage_spec(rows: Sequence[tuple[str, str, int]]) -> dict[str, Any]:
    """Articles per day per outlet (``query.coverage``) as stacked bars over a time axis."""
    values = [{"day": day, "outlet": outlet, "articles": n} for day, outlet, n in rows]
    spec = _base("Articles per day, by outlet", values, 180)
    spec["mark"] = {"type": "bar", "tooltip": True}
    spec["encoding"] = {
        "x": {"field": "day", "type": "temporal", "timeUnit": "yearmonthdate", "title": None},
        "y": {
            "field": "articles",
            "type": "quantitative",
            "aggregate": "sum",
            "title": "articles",
            "axis": {"tickMinStep": 1},
        },
        "color": {
            "field": "outlet",
            "type": "nominal",
            "title": "outlet",
            "legend": {"orient": "bottom", "columns": 3},
        },
        "tooltip": [
            {"field": "day", "type": "temporal", "timeUnit": "yearmonthdate"},
            {"field": "outlet", "type": "nominal"},
            {"field": "articles", "type": "quantitative", "aggregate": "sum"},
        ],
    }
    return spec


def mentions_spec(by_day: Sequence[tuple[str, int]]) -> dict[str, Any]:
    """An entity's mentions per publication day (``EntityView.by_day``) as bars over a time axis."""
    values = [{"day": day, "mentions": n} for day, n in by_day]
    spec = _base("Mentions per day", values, 140)
    spec["mark"] = {"type": "bar", "tooltip": True, "color": "#3a5a98"}
    spec["encoding"] = {
        "x": {"field": "day", "type": "temporal", "timeUnit": "yearmonthdate", "title": None},
        "y": {"field": "mentions", "type": "quantitative", "title": "mentions", "axis": {"tickMinStep": 1}},
    }
    return spec


def _words(text: str, limit: int = 160) -> str:
    return text if len(text) <= limit else text[: limit - 1].rsplit(" ", 1)[0] + "…"


def flows_spec(found: CopyFlows) -> dict[str, Any]:
    """Who copied whom: outlets on y, publication time on x; a rule from each passage's origin (its article, or
    the agency placed at the first carrier's day) to every carrier, a point per carrier, the shared words as
    tooltip."""
    values: list[dict[str, Any]] = []
    for n, f in enumerate(found.flows, 1):
        dated = [c.published[:10] for c in f.carriers if c.published]
        origin_day = (f.origin_article.published or "")[:10] if f.origin_article else ""
        origin_day = origin_day or (min(dated) if dated else "")
        for c in f.carriers:
            if not (c.published and origin_day):
                continue  # an undated carrier has no place on a time axis; the list below names it
            values.append(
                {
                    "passage": f"passage {n}",
                    "origin": f.origin,
                    "origin_day": origin_day,
                    "carrier": c.outlet,
                    "day": c.published[:10],
                    "words": _words(f.text),
                }
            )
    for d in found.copies:
        if d.copy.published and d.original.published:
            values.append(
                {
                    "passage": f"{d.kind} copy",
                    "origin": d.original.outlet,
                    "origin_day": d.original.published[:10],
                    "carrier": d.copy.outlet,
                    "day": d.copy.published[:10],
                    "words": f"the whole article ({d.kind} copy, similarity {d.similarity:.2f})",
                }
            )
    names = sorted({v["origin"] for v in values} | {v["carrier"] for v in values}, key=str.casefold)
    spec = _base("Who copied whom", values, max(120, 28 * len(names)))
    y = {"type": "nominal", "sort": names, "title": None}
    tooltip = [
        {"field": "passage", "type": "nominal"},
        {"field": "origin", "type": "nominal", "title": "from"},
        {"field": "carrier", "type": "nominal", "title": "to"},
        {"field": "day", "type": "temporal", "timeUnit": "yearmonthdate", "title": "carried on"},
        {"field": "words", "type": "nominal", "title": "shared words"},
    ]
    spec["layer"] = [
        {
            "mark": {"type": "rule", "strokeWidth": 1.5, "opacity": 0.6},
            "encoding": {
                "x": {"field": "origin_day", "type": "temporal", "timeUnit": "yearmonthdate", "title": None},
                "x2": {"field": "day", "timeUnit": "yearmonthdate"},
                "y": {"field": "origin", **y},
                "y2": {"field": "carrier"},
                "color": {"field": "passage", "type": "nominal", "legend": None},
                "tooltip": tooltip,
            },
        },
        {
            "mark": {"type": "point", "filled": True, "size": 70},
            "encoding": {
                "x": {"field": "day", "type": "temporal", "timeUnit": "yearmonthdate", "title": None},
                "y": {"field": "carrier", **y},
                "color": {"field": "passage", "type": "nominal", "legend": None},
                "tooltip": tooltip,
            },
        },
        {
            "mark": {"type": "point", "shape": "diamond", "size": 110, "color": "#1f2a44"},
            "encoding": {
                "x": {"field": "origin_day", "type": "temporal", "timeUnit": "yearmonthdate"},
                "y": {"field": "origin", **y},
                "tooltip": [{"field": "origin", "type": "nominal", "title": "origin"}],
            },
        },
    ]
    return spec
