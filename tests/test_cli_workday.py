"""Issue 13 on the command line: `todo`, `checklist` and `attest --step`, `delete`, `add URL`."""

from __future__ import annotations

import hashlib
import json
import sqlite3

import pytest

from tests.conftest import RECORDED_SWEEP
from tui.cli import main

HR = "www.renli-hr.test"


@pytest.fixture
def db(tmp_path):
    """A database holding one recorded sweep of the demo lab."""
    path = tmp_path / "recorded.db"
    conn = sqlite3.connect(path)
    conn.executescript(RECORDED_SWEEP.read_text(encoding="utf-8"))
    conn.close()
    return str(path)


def run(capsys, *argv):
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def lines(out):
    return [json.loads(line) for line in out.splitlines() if line.strip()]


def test_todo_json_keys_and_order(capsys, db):
    code, out, _ = run(capsys, "--db", db, "--lang", "en", "todo", "--json")
    queue = lines(out)
    assert queue and all(
        {"asset", "check", "subject", "severity", "status", "owner", "due_at", "overdue"} <= set(q)
        for q in queue
    )
    order = ["critical", "high", "medium", "low", "info"]
    assert [order.index(q["severity"]) for q in queue] == sorted(
        order.index(q["severity"]) for q in queue
    )
    # The recorded sweep is days old by the real clock: the critical ones are overdue, exit 1.
    assert code == 1 and all(q["overdue"] for q in queue if q["severity"] == "critical")
    subjects = {q["subject"] for q in queue if q["check"] == "sensitive-file-exposed"}
    assert len(subjects) > 1 and "" not in subjects  # which file, in the JSON lines
    code, out, _ = run(capsys, "--db", db, "--lang", "zh", "todo", "--owner", "李娜")
    assert "严重" in out and "已逾期" in out and "critical" not in out
    rows = out.splitlines()[1:-1]
    assert rows and all(HR in row or "renli-hr.cn" in row for row in rows)
    assert any("renli-hr.cn" in row for row in rows) and "shili-tech" not in out


def test_findings_json_and_table_carry_the_subject(capsys, db):
    _, out, _ = run(capsys, "--db", db, "findings", "--json")
    assert all("subject" in f for f in lines(out))
    files = [f for f in lines(out) if f["check"] == "sensitive-file-exposed"]
    _, table, _ = run(capsys, "--db", db, "--lang", "en", "findings")
    assert all(f"— {f['subject']}" in table for f in files)


def test_attest_several_shared_steps_with_one_note_and_a_hashed_file(capsys, db, tmp_path):
    _, out, _ = run(capsys, "--db", db, "--lang", "en", "checklist", HR)
    assert "cancel-icp-filing" in out and "also for: icp-filed-but-retired" in out
    assert out.count("retired-asset-alive.1") == 1  # shared by both retired-* findings
    order = tmp_path / "order.pdf"
    order.write_bytes(b"%PDF cancellation order")
    code, out, _ = run(
        capsys,
        "--db",
        db,
        "--lang",
        "en",
        "attest",
        HR,
        "--step",
        "retired-asset-alive.1,2",
        "--step",
        "cancel-icp-filing",
        "--note",
        "signed off; filing cancelled",
        "--evidence",
        str(order),
    )
    assert code == 0 and "attested 3 steps" in out
    assert hashlib.sha256(b"%PDF cancellation order").hexdigest() in out
    for check in ("retired-still-resolves", "retired-still-serving", "icp-filed-but-retired"):
        assert f"{check}" in out
    _, out, _ = run(capsys, "--db", db, "--lang", "en", "checklist", HR)
    done = [line for line in out.splitlines() if line.strip().startswith("[x]")]
    assert any("cancel-icp-filing" in line for line in done)
    # The old form still works, and counts for every finding that shares the step.
    code, out, _ = run(capsys, "--db", db, "attest", HR, "retired-still-serving", "5")
    assert code == 0 and "retired-still-resolves" in out
    code, _, err = run(capsys, "--db", db, "--lang", "zh", "attest", HR, "--step", "nope.1")
    assert code == 2 and "没有步骤" in err
    code, _, err = run(
        capsys, "--db", db, "--lang", "en", "attest", HR, "--step", "retired-asset-alive.8",
        "--evidence", str(tmp_path / "missing.png"),
    )  # fmt: skip
    assert code == 2 and "not found" in err


def test_delete_asks_or_needs_yes_and_keeps_the_record(capsys, db, monkeypatch):
    name = "docs.shili-tech.test"
    code, _, err = run(capsys, "--db", db, "--lang", "en", "delete", name)
    assert code == 2 and "--yes" in err  # no terminal to ask on: nothing deleted
    monkeypatch.setattr("sys.stdin.isatty", lambda: True)
    monkeypatch.setattr("builtins.input", lambda prompt: "n")
    code, out, _ = run(capsys, "--db", db, "--lang", "en", "delete", name)
    assert code == 0 and "kept" in out
    _, out, _ = run(capsys, "--db", db, "list", "--json")
    assert name in {a["name"] for a in lines(out)}
    code, out, _ = run(capsys, "--db", db, "--lang", "zh", "delete", name, "--yes")
    assert code == 0 and "已从资产清单中删除" in out
    _, out, _ = run(capsys, "--db", db, "list", "--json")
    assert name not in {a["name"] for a in lines(out)}
    _, out, _ = run(capsys, "--db", db, "findings", "--json")
    assert name not in {f["asset"] for f in lines(out)}
    conn = sqlite3.connect(db)
    [(detail,)] = conn.execute("SELECT detail FROM events WHERE action = 'asset.delete'")
    kept = conn.execute(
        "SELECT count(*) FROM findings f JOIN assets a ON a.id = f.asset_id WHERE a.name = ?",
        [name],
    ).fetchone()[0]
    conn.close()
    assert json.loads(detail)["name"] == name and kept > 0


def test_add_a_url_names_the_host_and_keeps_the_url(capsys, tmp_path):
    db = str(tmp_path / "aw.db")
    code, _, _ = run(capsys, "--db", db, "add", "https://HR.Example.com/portal?x=1")
    assert code == 0
    _, out, _ = run(capsys, "--db", db, "list", "--json")
    [asset] = lines(out)
    assert asset["name"] == "hr.example.com"
    assert asset["urls"] == ["https://hr.example.com/portal?x=1"]


def test_demo_clean_removes_only_its_folder(capsys, tmp_path, monkeypatch):
    import importlib

    dashboard = importlib.import_module("tui.cli.commands.dashboard")
    folder = tmp_path / "data" / "demo"
    folder.mkdir(parents=True)
    (folder / "demo-1.db").write_bytes(b"x")
    (folder / "report.html").write_bytes(b"x")
    keep = tmp_path / "data" / "assetwatch.db"
    keep.write_bytes(b"x")
    monkeypatch.setattr(dashboard, "demo_folder", lambda: folder)
    code, out, _ = run(capsys, "--lang", "en", "demo", "--clean")
    assert code == 0 and "removed 2 demo files" in out
    assert not folder.exists() and keep.exists()


def test_the_demo_never_seeds_a_real_inventory(capsys, db):
    code, _, err = run(capsys, "--lang", "en", "demo", "--db", db, "--scan")
    assert code == 2 and "the demo did not make" in err
    _, out, _ = run(capsys, "--db", db, "list", "--json")
    assert len(lines(out)) == 26  # untouched


def test_demo_keeps_its_database_and_plays_controls(capsys, tmp_path):
    db = tmp_path / "demo.db"
    code, out, err = run(capsys, "--lang", "en", "demo", "--db", str(db), "--scan", "--json")
    assert code == 1 and str(db.resolve()) in err and db.exists()
    assert HR in {f["asset"] for f in lines(out)}
    argv = ["--lang", "en", "demo", "--db", str(db), "--scan", "--json", "--play", "hr-dns"]
    code, out, err = run(capsys, *argv)
    assert "Delete the DNS records of www.renli-hr.test" in err
    assert "retired-still-resolves" not in {f["check"] for f in lines(out) if f["asset"] == HR}
    code, _, err = run(capsys, "--lang", "zh", "demo", "--db", str(db), "--play", "nothing")
    assert code == 2 and "没有实验环境操作" in err


def test_settings_shows_and_changes_deadlines(capsys, db):
    code, out, _ = run(capsys, "--db", db, "settings", "--set", "due_days_critical=3", "--json")
    values = {line["key"]: line["value"] for line in lines(out)}
    assert code == 0 and values["due_days_critical"] == 3 and values["due_days_high"] == 3
    _, out, _ = run(capsys, "--db", db, "todo", "--json")
    hr = next(q for q in lines(out) if q["asset"] == HR and q["severity"] == "critical")
    assert hr["due_at"][:10] > hr["first_seen"][:10]  # three days after
    for bad in ("due_days_high=soon", "no_such_key=1", "due_days_high"):
        code, _, err = run(capsys, "--db", db, "--lang", "en", "settings", "--set", bad)
        assert code == 2 and err
    code, out, _ = run(capsys, "--db", db, "settings", "--set", "due_days_critical=")
    assert code == 0 and "due_days_critical   1" in out  # unset: the default again


def test_accept_risk_says_which_finding_with_the_subject(capsys, db):
    park = "portal.yuanqu-park.test"
    argv = ["--db", db, "--lang", "en", "accept-risk", park, "sensitive-file-exposed"]
    dates = ["--reason", "file removed, waiting for the re-probe", "--until", "2099-01-01"]
    code, _, err = run(capsys, *argv, *dates)
    assert code == 2 and "--subject" in err and "/.env" in err  # several: which one?
    code, out, _ = run(capsys, *argv, *dates, "--subject", "/.env")
    assert code == 0
    _, out, _ = run(capsys, "--db", db, "findings", "--json")
    left = {f["subject"] for f in lines(out) if f["check"] == "sensitive-file-exposed"}
    assert "/.env" not in left and left
