"""``storyline serve``: the HTTP API (``/api/...``, OpenAPI at ``/openapi.json``) and the web reading room.

Both are thin shells over ``storyline.query``: a route resolves its parameters, calls one query function and
returns its records as JSON (``api.py``) or renders them with a Jinja2 template (``pages.py``). Needs
``storyline[web]``.
"""

from __future__ import annotations

from storyline.web.app import create_app

__all__ = ["create_app"]
