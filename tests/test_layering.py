"""The layers hold at run time too: cron never imports Textual, the pure core no I/O library.

import-linter checks the imports statically (pyproject.toml); these tests prove what a fresh
interpreter really loads. Rich is left to import-linter: httpx imports it for its own CLI.
"""

from __future__ import annotations

import pkgutil
import subprocess
import sys

import pytest

import checks


def _loaded(statement: str, watched: tuple[str, ...]) -> list[str]:
    code = (
        f"{statement}\nimport sys\n"
        f"print(','.join(sorted({{m.split('.')[0] for m in sys.modules}} & set({watched!r}))))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    return [m for m in out.stdout.strip().split(",") if m]


def test_checks_imports_neither_textual_nor_the_ui():
    modules = [m.name for m in pkgutil.walk_packages(checks.__path__, "checks.")]
    statement = "import importlib\n" + "\n".join(f"importlib.import_module({m!r})" for m in modules)
    assert _loaded(statement, ("textual", "tui")) == []
    assert len(modules) > 40


PURE = ["checks.model", "checks.rules", "checks.workflow.org", "checks.workflow.checklists",
        "checks.knowledge.catalog", "checks.report.markdown", "checks.intake",
        "checks.alerting", "checks.workflow.events", "checks.report.alerts"]  # fmt: skip
"""Pure layers: importing them must not load the network or the database stack."""


@pytest.mark.parametrize("module", PURE)
def test_the_pure_core_loads_no_network_or_sql_library(module):
    heavy = ("httpx", "httpcore", "dns", "sqlite3", "sqlite_utils", "cryptography", "textual")
    assert _loaded(f"import {module}", heavy) == []


def test_headless_commands_do_not_import_textual():
    assert _loaded("from tui import cli", ("textual",)) == []
