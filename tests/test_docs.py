"""The README tells the truth: every check, every command, and the CI's test command."""

from __future__ import annotations

import hashlib
import re
from pathlib import Path

import pytest

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


def test_every_notify_action_is_documented():
    parser = build_parser()
    sub = next(a for a in parser._actions if a.dest == "command")
    notify = sub.choices["notify"]
    actions = next(a for a in notify._actions if a.dest == "notify_command")
    for action in actions.choices:
        assert f"assetwatch notify {action}" in README, action
    for unit in ("[Service]", "ExecStart=", "assetwatch watch --once"):
        assert unit in README


def test_the_two_commands_are_there():
    assert "pip install . && .venv/bin/assetwatch demo" in README
    assert "<!-- test-command" in README


def _keyed_classes():
    """Every screen, dialog and widget of the dashboard that binds keys."""
    import importlib
    import inspect
    import pkgutil

    from textual.dom import DOMNode

    import tui.dashboard

    found = {}
    for info in pkgutil.walk_packages(tui.dashboard.__path__, "tui.dashboard."):
        module = importlib.import_module(info.name)
        for _, cls in inspect.getmembers(module, inspect.isclass):
            if issubclass(cls, DOMNode) and cls.__module__.startswith("tui.dashboard"):
                found[cls.__qualname__] = cls
    return found


def test_every_key_binding_is_in_the_keys_table():
    from textual.binding import Binding

    table = set(re.findall(r"^\| `[^`]+` \| `([a-z-]+)` \|", README, re.MULTILINE))
    classes = _keyed_classes()
    # the screens, dialogs and widgets the admin meets, including help and the lab controls
    assert {
        "GridScreen",
        "AssetScreen",
        "OrgScreen",
        "ReportScreen",
        "HelpScreen",
        "LabScreen",
        "AssetForm",
        "ConfirmRetire",
        "ImportForm",
        "SettingsForm",
        "NoteForm",
        "AcceptRiskForm",
        "ChecklistView",
        "FilterBox",
        "ChannelsScreen",
        "ChannelForm",
        "ConfirmRemoveChannel",
    } <= set(classes)
    ids = {
        b.id
        for cls in classes.values()
        for b in cls.__dict__.get("BINDINGS", [])  # its own, not those Textual gives it
        if isinstance(b, Binding)
    }
    assert None not in ids, "every binding has an id"
    assert ids | {"palette"} == table


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
    shipped_data = {
        path
        for package, patterns in data.items()
        for pattern in patterns
        for path in (root / package.replace(".", "/")).glob(pattern)
    }
    on_disk_data = {p for top in ("checks", "tui") for p in (root / top).rglob("*.tcss")}
    on_disk_data |= set((root / "checks" / "data").glob("*.json"))
    assert on_disk_data and on_disk_data <= shipped_data


def _story() -> list[list[str]]:
    """The README story's command lines, as argument lists (without `assetwatch`)."""
    import shlex

    block = README.split("<!-- story:", 1)[1].split("```sh\n", 1)[1].split("```", 1)[0]
    lines = [shlex.split(line) for line in block.splitlines() if line.strip()]
    assert all(line[0] == "assetwatch" for line in lines)
    return [line[1:] for line in lines]


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_the_readme_story_works_to_its_last_line(lang, tmp_path, monkeypatch, capsys):
    """Issue 13: the retired HR site from critical to resolved, literally, in both languages."""
    import json

    from tui.cli import main

    monkeypatch.chdir(tmp_path)
    codes, outputs = [], []
    for argv in _story():
        codes.append(main(["--lang", lang, *argv]))
        outputs.append(capsys.readouterr())
    # The first sweep finds the critical findings; the rest of the story runs without error.
    assert codes[0] == 1 and 2 not in codes, [o.err for o in outputs]
    assert "hr-story.db" in outputs[0].err  # the demo says where its database is, and keeps it
    assert (tmp_path / "hr-story.db").exists()
    queue = outputs[1].out
    assert queue.index("retired-still-serving") < queue.index("icp-filed-but-retired")
    resolved = "已整改" if lang == "zh" else "resolved"
    attested = outputs[5].out + outputs[6].out
    assert attested.count(resolved) == 4
    assert "SHA-256" in outputs[5].out
    assert "retired-still" not in outputs[7].out  # the queue keeps only the filing work
    assert "www.renli-hr.test" in outputs[8].out  # the report names the site
    # The report's findings fixed: the four critical findings of the HR site, with evidence.
    assert main(["--lang", lang, "--db", "hr-story.db", "report", "--format", "json"]) == 0
    report = json.loads(capsys.readouterr().out)
    fixed = {f["check"] for f in report["findings_fixed"] if f["asset"] == "www.renli-hr.test"}
    assert fixed == {
        "retired-still-resolves",
        "retired-still-serving",
        "seo-spam",
        "injected-script",
    }
    sums = (tmp_path / "hr-evidence" / "SHA256SUMS").read_bytes()
    assert hashlib.sha256(sums).hexdigest() in json.dumps(report["attestations"])
