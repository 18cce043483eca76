"""The package is mypy --strict clean (STYLE practice 3)."""

from __future__ import annotations

import shutil
import subprocess
import sys

import pytest

from conftest import ROOT


def test_mypy_strict_passes() -> None:
    if shutil.which("mypy") is None and not (ROOT / ".venv" / "bin" / "mypy").exists():
        pytest.skip("mypy is not installed: pip install 'storyline[dev]'")
    result = subprocess.run(
        [sys.executable, "-m", "mypy", "src/storyline"], cwd=ROOT, capture_output=True, text=True, timeout=600
    )
    assert result.returncode == 0, result.stdout + result.stderr
