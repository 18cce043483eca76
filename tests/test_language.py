"""The language classifier over the cached decompressed model answers as py3langid does, and a cache file that cannot
be read leaves py3langid's own model in use."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from pathlib import Path

import py3langid
import pytest

from storyline import language, tablecache

TEXTS = [
    "The minister said on Tuesday that talks would resume next week in the capital.",
    "Le ministre a déclaré mardi que les négociations reprendraient la semaine prochaine.",
    "Der Minister sagte am Dienstag, die Gespräche würden nächste Woche wieder aufgenommen.",
    "El ministro dijo el martes que las conversaciones se reanudarían la próxima semana.",
    "Министр заявил во вторник, что переговоры возобновятся на следующей неделе.",
    "장관은 화요일 회담이 다음 주에 재개될 것이라고 말했다.",
    "大臣は火曜日、協議は来週再開されると述べた。",
    "قال الوزير يوم الثلاثاء إن المحادثات ستستأنف الأسبوع المقبل.",
    "THE MINISTER SAID ON TUESDAY THAT TALKS WOULD RESUME",
    "Pyongyang, Seoul, Tokyo, Moscow 2024-03-01 12:00 KST",
    "a b c d e f g h i j k l m n o p q r s t u v w x y z",
    "ſome long s and dotless ı and the Kelvin sign K in a ﬁne ligature",
    "Il ministro ha detto martedì che i colloqui riprenderanno la prossima settimana.",
    "De minister zei dinsdag dat de gesprekken volgende week worden hervat.",
    "\u00a0\u00a0 spaces\u2003everywhere \u2009 and tabs\tbetween the words of this line",
]


@pytest.fixture
def cache_dir(tmp_path: Path) -> Iterator[Path]:
    before = tablecache.directory()
    tablecache.use_dir(tmp_path)
    language.classifier.cache_clear()
    try:
        yield tmp_path
    finally:
        tablecache.use_dir(before)
        language.classifier.cache_clear()


def test_the_cached_model_classifies_as_py3langid_does(cache_dir: Path) -> None:
    first = language.classifier()
    assert first is not py3langid  # the model was decompressed into the cache and read from there
    (written,) = cache_dir.glob("langid-model-*.npz")
    assert [first.classify(t) for t in TEXTS] == [py3langid.classify(t) for t in TEXTS]
    # a later process (the lru cache cleared) reads the same file: not written again
    stamp = written.stat().st_mtime_ns
    language.classifier.cache_clear()
    again = language.classifier()
    assert again is not py3langid and again is not first
    assert written.stat().st_mtime_ns == stamp
    assert [again.classify(t) for t in TEXTS] == [py3langid.classify(t) for t in TEXTS]
    assert {language.detect_language(t) for t in TEXTS[:8]} == {"en", "fr", "de", "es", "ru", "ko", "ja", "ar"}


def test_a_damaged_cache_file_is_written_again(cache_dir: Path, caplog: pytest.LogCaptureFixture) -> None:
    language.classifier()
    (written,) = cache_dir.glob("langid-model-*.npz")
    written.write_bytes(b"not an npz")
    language.classifier.cache_clear()
    with caplog.at_level(logging.WARNING, logger="storyline.language"):
        got = language.classifier()
    assert "could not be read" in caplog.text and written.name in caplog.text
    assert got is not py3langid and written.stat().st_size > 1_000_000
    assert [got.classify(t) for t in TEXTS] == [py3langid.classify(t) for t in TEXTS]


def test_an_unwritable_cache_leaves_py3langid_in_charge(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    before = tablecache.directory()
    blocker = tmp_path / "a-file"
    blocker.write_text("not a directory")
    tablecache.use_dir(blocker / "cache")  # cannot be created: a file is in the way
    language.classifier.cache_clear()
    try:
        with caplog.at_level(logging.WARNING, logger="storyline.language"):
            assert language.classifier() is py3langid
        assert "not used" in caplog.text
        assert language.detect_language(TEXTS[1]) == "fr"
    finally:
        tablecache.use_dir(before)
        language.classifier.cache_clear()


def test_without_a_cache_directory_py3langid_loads_its_own_model() -> None:
    before = tablecache.directory()
    tablecache.use_dir(None)
    language.classifier.cache_clear()
    try:
        assert language.classifier() is py3langid
        assert language.detect_language("short") is None
    finally:
        tablecache.use_dir(before)
        language.classifier.cache_clear()
