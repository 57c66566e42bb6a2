"""The code checks CI relies on: formatting, lint, strict typing, and the layering contract."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


@pytest.mark.parametrize(
    "command",
    [
        ["ruff", "format", "--check", "."],
        ["ruff", "check", "."],
        ["mypy"],
        ["lint-imports"],
    ],
    ids=["ruff-format", "ruff-check", "mypy-strict", "import-linter"],
)
def test_tool_passes(command):
    exe = Path(sys.executable).parent / command[0]
    result = subprocess.run([str(exe), *command[1:]], cwd=ROOT, capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr
