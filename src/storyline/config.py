"""``Settings``: every knob a shell passes to the library, read from flags and ``STORYLINE_*`` environment variables.

Declared once as data (``SETTINGS``): the same table feeds the environment reader, the CLI's help and the docs
test. A flag wins over its variable, a variable over the default. The CLI, the HTTP API and the tests build
a ``Settings`` and hand it down; nothing reads the environment anywhere else.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Mapping
from dataclasses import dataclass, fields, replace
from typing import Any

from storyline.errors import StorylineError

DEFAULT_DB = "storyline.db"


def _flag(value: str) -> bool:
    v = value.strip().lower()
    if v in ("1", "true", "yes", "on"):
        return True
    if v in ("0", "false", "no", "off"):
        return False
    raise ValueError(f"expected 1/0, true/false, yes/no or on/off, got {value!r}")


def _workers(value: str) -> int:
    n = int(value)
    if n < 1:
        raise ValueError(f"expected a positive number of processes, got {value!r}")
    return n


def _count(value: str) -> int:
    n = int(value)
    if n < 1:
        raise ValueError(f"expected a positive number of articles, got {value!r}")
    return n


def _port(value: str) -> int:
    n = int(value)
    if not 0 < n < 65536:
        raise ValueError(f"expected a port between 1 and 65535, got {value!r}")
    return n


def _size(value: str) -> int:
    n = int(value)
    if n < 1:
        raise ValueError(f"expected a positive number of bytes, got {value!r}")
    return n


def default_cache_dir(environ: Mapping[str, str]) -> str | None:
    """``$XDG_CACHE_HOME/storyline``, else ``~/.cache/storyline``; None when there is no home to put it in."""
    base = environ.get("XDG_CACHE_HOME") or (os.path.join(environ["HOME"], ".cache") if environ.get("HOME") else "")
    return os.path.join(base, "storyline") if base else None


@dataclass(frozen=True, slots=True)
class Setting:
    """One setting: its name, the environment variable that sets it, how to parse it, and what it does."""

    name: str
    env: str
    parse: Callable[[str], Any]
    help: str


SETTINGS = (
    Setting(
        "db",
        "STORYLINE_DB",
        str,
        "store URL: a SQLite file, sqlite:///PATH, or postgresql://… (default ./storyline.db)",
    ),
    Setting(
        "use_nlp", "STORYLINE_NLP", _flag, "spaCy named-entity recognition (default: when storyline[nlp] is installed)"
    ),
    Setting(
        "embed",
        "STORYLINE_EMBED",
        _flag,
        "weigh article embeddings into story clustering (needs storyline[embed]; default off)",
    ),
    Setting(
        "workers",
        "STORYLINE_WORKERS",
        _workers,
        "worker processes for extraction and comparison (default: one per core)",
    ),
    Setting(
        "dedupe_chunk",
        "STORYLINE_DEDUPE_CHUNK",
        _count,
        "articles the dedupe step indexes at once (default 20,000: ~3.3 GiB held; one update from scratch holds"
        " ~1.7 GiB per 10,000 news articles, and is the fastest way to index a large batch into an empty store)",
    ),
    Setting(
        "cache_dir",
        "STORYLINE_CACHE_DIR",
        str,
        "where tables derived from the gazetteers, and the language model decompressed, are kept between commands"
        " (default $XDG_CACHE_HOME/storyline, else ~/.cache/storyline; 'off' keeps none, and each command builds"
        " them again: ~1.2 s for the tables, ~0.7 s for the model)",
    ),
    Setting(
        "allow_private", "STORYLINE_ALLOW_PRIVATE", _flag, "fetch URLs on private, loopback and link-local addresses"
    ),
    Setting("fetch", "STORYLINE_FETCH", _flag, "fetch the links of local feed files (URL inputs are always fetched)"),
    Setting(
        "host", "STORYLINE_HOST", str, "address `storyline serve` listens on (default 127.0.0.1: this machine only)"
    ),
    Setting("port", "STORYLINE_PORT", _port, "port `storyline serve` listens on (default 8000)"),
    Setting(
        "token",
        "STORYLINE_TOKEN",
        str,
        "the token `POST /api/ingest` needs (Authorization: Bearer TOKEN); unset, the server takes no writes",
    ),
    Setting(
        "max_body", "STORYLINE_MAX_BODY", _size, "largest request body the server reads, in bytes (default 16 MiB)"
    ),
)


@dataclass(frozen=True, slots=True, kw_only=True)
class Settings:
    """What a shell runs storyline with."""

    db: str = DEFAULT_DB
    use_nlp: bool | None = None
    embed: bool = False
    workers: int | None = None
    dedupe_chunk: int | None = None  # None: the pipeline's default (``jobs.DEDUPE_CHUNK``)
    cache_dir: str | None = None  # None: no tables kept on disk (``load`` gives the user's cache directory)
    allow_private: bool = False
    fetch: bool = False
    host: str = "127.0.0.1"
    port: int = 8000
    token: str | None = None
    max_body: int = 16 * 1024 * 1024

    @classmethod
    def load(cls, environ: Mapping[str, str] | None = None, **flags: Any) -> Settings:
        """Defaults, then ``STORYLINE_*`` variables, then ``flags`` that are not None.

        Raises ``StorylineError`` naming the variable when one cannot be read."""
        env = os.environ if environ is None else environ
        values: dict[str, Any] = {}
        for s in SETTINGS:
            raw = env.get(s.env)
            if raw:
                try:
                    values[s.name] = s.parse(raw)
                except ValueError as exc:
                    raise StorylineError(f"${s.env}: {exc}") from None
        known = {f.name for f in fields(cls)}
        unknown = sorted(set(flags) - known)
        if unknown:
            raise TypeError(f"unknown settings: {', '.join(unknown)}")
        values.update({k: v for k, v in flags.items() if v is not None})
        values.setdefault("cache_dir", default_cache_dir(env))
        if values["cache_dir"] == "off":
            values["cache_dir"] = None
        return replace(cls(), **values)
