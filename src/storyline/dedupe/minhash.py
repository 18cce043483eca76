"""Near-duplicate candidates: one-permutation MinHash signatures, LSH band keys, and the exact Jaccard.

Two articles whose word-shingle sets reach ``DedupeOptions.near_threshold - lsh_margin`` very likely share
a band key; the exact Jaccard of the shingle sets then decides (``index.Corpus``).
"""

from __future__ import annotations

import functools

import numpy as np
import numpy.typing as npt

from storyline.dedupe.tokens import I64, POLY, U64, mix

_MAX_U64 = np.uint64(2**64 - 1)


def band_keys(sig: npt.NDArray[np.uint64], b: int, r: int) -> U64:
    """LSH band keys from MinHash signatures: ``b`` bands of ``r`` rows (the band number keeps bands apart)."""
    n = sig.shape[0]
    s = sig[:, : b * r].reshape(n, b, r)
    keys = np.full((n, b), np.uint64(b), dtype=np.uint64)
    with np.errstate(over="ignore"):
        for j in range(r):
            keys = np.asarray(keys * POLY + s[:, :, j], dtype=np.uint64)
        banded = np.asarray(keys + np.arange(b, dtype=np.uint64), dtype=np.uint64)
    return mix(banded)


# ``lsh_params`` for the default options (threshold 0.7 - 0.2, 128 permutations), as datasketch picks them:
# importing datasketch (and the scipy it integrates with) costs ~0.8 s, once per process, which an ingest of
# one article would pay every time. tests/test_dedupe_incremental.py checks the table against datasketch.
KNOWN_LSH_PARAMS = {(0.5, 128): (25, 5)}


@functools.lru_cache(maxsize=16)
def lsh_params(threshold: float, num_perm: int) -> tuple[int, int]:
    """Bands and rows that datasketch's ``MinHashLSH`` picks for ``threshold`` (equal FP/FN weights)."""
    known = KNOWN_LSH_PARAMS.get((round(threshold, 9), num_perm))
    if known is not None:
        return known
    from datasketch import MinHashLSH  # only its parameter choice is used; loaded when first needed

    lsh = MinHashLSH(threshold=threshold, num_perm=num_perm)
    return int(lsh.b), int(lsh.r)


def oph_signatures(shingles: U64, docs: I64, n: int, num_perm: int) -> npt.NDArray[np.uint64]:
    """One-permutation MinHash with densification (Li et al. 2012; Shrivastava 2017), one row per set.

    ``shingles[i]`` belongs to set ``docs[i]`` (repeats do not matter: only minima are kept). One hash
    per shingle instead of ``num_perm`` (datasketch's ``MinHash`` costs ~1.4 ms per 1,000-word article):
    each mixed hash falls in one of ``num_perm`` bins by its top bits and each bin keeps its minimum; an
    empty bin borrows the value of the bin a fixed, per-bin probe sequence reaches first, so equal sets
    give equal signatures and the collision probability of a bin stays the Jaccard similarity.
    """
    sig = np.full((n, num_perm), _MAX_U64, dtype=np.uint64)
    if n == 0:
        return sig
    vals = mix(shingles ^ np.uint64(0x5EED0F0F)) if shingles.size else np.zeros(0, np.uint64)
    bins = ((vals >> np.uint64(32)) % np.uint64(num_perm)).astype(np.int64)
    np.minimum.at(sig.ravel(), docs * num_perm + bins, vals)
    empty = sig == _MAX_U64
    if empty.any():
        filled = ~empty
        out = sig.copy()
        todo = empty & filled.any(axis=1, keepdims=True)
        probe = np.arange(num_perm, dtype=np.uint64)
        for attempt in range(1, 4 * num_perm):
            if not todo.any():
                break
            with np.errstate(over="ignore"):
                target = (mix(probe * np.uint64(num_perm * 7919) + np.uint64(attempt)) % np.uint64(num_perm)).astype(
                    np.int64
                )
            rows, cols = np.nonzero(todo)
            src = target[cols]
            ok = filled[rows, src]
            out[rows[ok], cols[ok]] = sig[rows[ok], src[ok]]
            todo[rows[ok], cols[ok]] = False
        if todo.any():  # a set so small no probe found a filled bin: take the set's minimum
            rows, cols = np.nonzero(todo)
            out[rows, cols] = sig.min(axis=1)[rows]
        sig = out
    return sig


def jaccard(a: U64, b: U64) -> float:
    if a.size == 0 and b.size == 0:
        return 0.0
    inter = np.intersect1d(a, b, assume_unique=True).size
    return inter / (a.size + b.size - inter)
