"""The vendored stop list is scikit-learn's ``ENGLISH_STOP_WORDS``, word for word (clustering output depends on it)."""

from __future__ import annotations

import hashlib

from storyline.stopwords import ENGLISH_STOP_WORDS


def test_the_stop_list_is_scikit_learns_318_words() -> None:
    # sha256 of the sorted words joined by one space, taken from scikit-learn 1.9.1's ENGLISH_STOP_WORDS
    digest = hashlib.sha256(" ".join(sorted(ENGLISH_STOP_WORDS)).encode()).hexdigest()
    assert len(ENGLISH_STOP_WORDS) == 318
    assert digest == "e570e9b41eab43e963c44d1d8b7ad441d084fa84f1104e01c9e8b41ad43feb89"
    assert {"the", "and", "whereupon", "amoungst"} <= ENGLISH_STOP_WORDS  # the list's own spellings, kept
