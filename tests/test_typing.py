"""The package is mypy --strict clean (STYLE practice 3)."""

from __future__ import annotations

import importlib.util
import subprocess
import sys

import pytest

from conftest import ROOT


def test_mypy_strict_passes() -> None:
    # a failure, not a skip: the `dev` extra that brings pytest brings mypy, so a missing mypy is a broken setup (and
    # a skip here would let CI pass with the typing check never run)
    if importlib.util.find_spec("mypy") is None:
        pytest.fail("mypy is not installed in this interpreter: pip install 'storyline[dev]'")
    result = subprocess.run(
        [sys.executable, "-m", "mypy", "src/storyline"], cwd=ROOT, capture_output=True, text=True, timeout=600
    )
    assert result.returncode == 0, result.stdout + result.stderr
