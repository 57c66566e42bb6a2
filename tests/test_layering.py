"""The headless core never pulls in the UI: cron runs must not import Textual.

Rich is checked by import-linter for direct imports only: httpx imports it for its own CLI.
"""

from __future__ import annotations

import pkgutil
import subprocess
import sys

import checks
import checks.lab


def test_checks_imports_neither_textual_nor_the_ui():
    modules = [f"checks.{m.name}" for m in pkgutil.iter_modules(checks.__path__)]
    modules += [f"checks.lab.{m.name}" for m in pkgutil.iter_modules(checks.lab.__path__)]
    code = (
        "import importlib, sys\n"
        f"for m in {modules!r}: importlib.import_module(m)\n"
        "bad = sorted(m for m in sys.modules if m.split('.')[0] in ('textual', 'tui'))\n"
        "print(','.join(bad))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == ""
    assert len(modules) > 10


def test_headless_commands_do_not_import_textual():
    code = "import sys\nfrom tui import cli\nprint('textual' in sys.modules)\n"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"
