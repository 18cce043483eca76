"""Which language a text is in: py3langid's classifier, its model kept decompressed between processes.

py3langid ships its model as an xz-compressed npz and decompresses it in every process that classifies a text:
about 0.7 s, most of what a command-line ``storyline ingest`` of a few articles spends reading them
(BENCHMARKS.md). The decompressed npz is written once to the table cache's directory (``tablecache``: named by a
digest of the installed py3langid and of this module, so an upgrade names a new file) and later processes load it
uncompressed. The classifier is py3langid's own ``LanguageIdentifier`` over the same arrays, so every answer is the
one ``py3langid.classify`` gives (tests/test_language.py). A damaged file is written again. Without a cache
directory, when it cannot be written, or when the model's layout is not the one read here (another py3langid
version), py3langid loads its model as usual.
"""

from __future__ import annotations

import logging
import lzma
import os
import shutil
import tempfile
from array import array
from functools import lru_cache
from pathlib import Path
from typing import Any, Protocol

from storyline import tablecache

__all__ = ["Classifier", "classifier", "detect_language"]

log = logging.getLogger(__name__)


class Classifier(Protocol):
    def classify(self, text: str) -> tuple[str, float]: ...


@lru_cache(maxsize=1)
def classifier() -> Classifier:
    """py3langid's classifier (loaded once per process), from the cached decompressed model when there is one."""
    import py3langid

    path = tablecache.file_for("langid-model", ("py3langid",), [__file__], suffix=".npz")
    if path is None:
        return py3langid  # type: ignore[no-any-return]  # the module's classify, over its own model
    if path.exists():
        try:
            found: Classifier = _identifier(path)
            return found
        except _UNREADABLE as exc:
            log.warning("language model cache: %s could not be read (%s); decompressing the model again", path, exc)
    try:
        _decompress(path)
        found = _identifier(path)
        return found
    except _UNREADABLE as exc:
        log.warning("language model cache: %s not used (%s); py3langid loads its own model", path, exc)
        return py3langid  # type: ignore[no-any-return]


# what a cache file that is damaged, unwritable or of another py3langid layout raises
_UNREADABLE = (OSError, ValueError, KeyError, TypeError, EOFError, lzma.LZMAError)


def detect_language(text: str) -> str | None:
    """ISO 639-1 code of the text's language (py3langid), or None for very short texts."""
    if len(text) < 20:
        return None
    lang, _score = classifier().classify(text[:2000])
    return str(lang)


def _model_file() -> Path:
    from py3langid.langid import MODEL_DIR, MODEL_FILE

    return Path(MODEL_DIR) / str(MODEL_FILE)


def _decompress(path: Path) -> None:
    """py3langid's model decompressed to ``path``: written under a temporary name, then renamed."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".langid-", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as out, lzma.open(_model_file()) as src:
            shutil.copyfileobj(src, out, length=1 << 20)
        os.replace(tmp, path)
    except BaseException:
        os.unlink(tmp)
        raise


def _identifier(path: Path) -> Any:
    """py3langid's ``LanguageIdentifier`` over the arrays of the decompressed model at ``path``, as py3langid's own
    ``modelio.load_model`` hands them over (its DFA tables as stdlib arrays)."""
    import numpy as np
    from py3langid.langid import LanguageIdentifier

    with np.load(path, allow_pickle=False) as data:
        ptc, pc, classes = data["ptc"], data["pc"], data["classes"].tolist()
        nextmove, row, output = _array(data["nextmove"]), _array(data["nextmove_row"]), data["out_feat"].tolist()
    return LanguageIdentifier(np.asarray(ptc), np.asarray(pc), classes, nextmove, output, tk_row=row)


_TYPECODES = {2: "H", 4: "I", 8: "L"}


def _array(values: Any) -> array[int]:
    """An unsigned integer numpy array as a stdlib ``array`` (what py3langid's DFA walk indexes fastest)."""
    import numpy as np

    out = array(_TYPECODES[values.dtype.itemsize])
    out.frombytes(np.ascontiguousarray(values).data.cast("B"))  # no intermediate copy of the bytes
    return out
