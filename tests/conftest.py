"""Shared fixtures: real SQLite stores (in memory and on disk), paths to ../shared data."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from storyline.store import SQLiteStore

ROOT = Path(__file__).resolve().parent.parent
SHARED = ROOT.parent / "shared"
SEEDS = SHARED / "seeds"
SAMPLE = ROOT / "examples" / "sample"
GOLD = ROOT / "tests" / "gold"


@pytest.fixture
def store() -> Iterator[SQLiteStore]:
    s = SQLiteStore(":memory:")
    yield s
    s.close()


@pytest.fixture
def db_path(tmp_path: Path) -> Path:
    return tmp_path / "test.db"


@pytest.fixture
def seeds() -> Path:
    if not SEEDS.is_dir():
        pytest.skip(f"{SEEDS} not found: the seed articles live in ../shared/seeds beside the repository")
    return SEEDS


def read_seed(prefix: str) -> str:
    """The text of seed ``prefix`` (e.g. "000") from ../shared/seeds; skips the test where it is absent."""
    paths = sorted(SEEDS.glob(f"{prefix}_*.txt")) if SEEDS.is_dir() else []
    if not paths:
        pytest.skip(f"../shared/seeds not found: no {SEEDS}/{prefix}_*.txt beside the repository")
    return paths[0].read_text(encoding="utf-8")
