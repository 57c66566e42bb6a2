"""The README tells the truth: every check, every command, and the CI's test command."""

from __future__ import annotations

import re
from pathlib import Path

from checks.knowledge.catalog import CATALOG
from tui.cli import build_parser

README = (Path(__file__).resolve().parent.parent / "README.md").read_text(encoding="utf-8")


def test_every_check_is_in_the_catalog_table():
    rows = dict(re.findall(r"^\| `([a-z0-9-]+)` \| (\w+) \|", README, re.MULTILINE))
    assert rows == {spec.id: spec.severity.value for spec in CATALOG}


def test_every_command_is_documented():
    parser = build_parser()
    sub = next(a for a in parser._actions if a.dest == "command")
    for command in sub.choices:
        assert f"`assetwatch {command}" in README, command


def test_the_two_commands_are_there():
    assert "pip install . && .venv/bin/assetwatch demo" in README
    assert "<!-- test-command" in README


def test_every_key_binding_is_in_the_keys_table():
    from tui.app import AssetWatchApp
    from tui.screens.asset_screen import AssetScreen
    from tui.screens.forms import FORM_BINDINGS
    from tui.screens.org_screen import OrgScreen
    from tui.screens.report_screen import ReportScreen
    from tui.widgets.checklist import ChecklistView

    table = set(re.findall(r"^\| `[^`]+` \| `([a-z-]+)` \|", README, re.MULTILINE))
    bindings = [
        *AssetWatchApp.BINDINGS,
        *AssetScreen.BINDINGS,
        *FORM_BINDINGS,
        *ChecklistView.BINDINGS,
        *OrgScreen.BINDINGS,
        *ReportScreen.BINDINGS,
    ]
    ids = {b.id for b in bindings}
    assert ids <= table
    assert "palette" in table


def test_the_install_ships_every_package_and_data_file():
    """A plain `pip install .` (the README's demo command) must carry every subpackage."""
    import tomllib

    from setuptools import find_packages

    root = Path(__file__).resolve().parent.parent
    config = tomllib.loads((root / "pyproject.toml").read_text())["tool"]["setuptools"]
    shipped = set(find_packages(str(root), include=config["packages"]["find"]["include"]))
    on_disk = {
        str(p.parent.relative_to(root)).replace("/", ".")
        for top in ("checks", "tui")
        for p in (root / top).rglob("__init__.py")
    }
    assert on_disk <= shipped
    data = config["package-data"]
    assert "data/*.json" in data["checks"] and "*.tcss" in data["tui"]
