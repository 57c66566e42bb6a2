"""`assetwatch notify …` on the command line: secrets masked, input checked, answers printed."""

from __future__ import annotations

import json

import pytest

from checks.lab.robots import RobotLab
from tui.cli import main


@pytest.fixture(scope="module")
def robots():
    with RobotLab() as lab:
        yield lab


def run(capsys, *argv):
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


@pytest.fixture
def db(tmp_path, capsys):
    path = str(tmp_path / "aw.db")
    assert run(capsys, "--db", path, "init")[0] == 0
    return path


def test_add_list_test_remove(capsys, db, robots):
    robot = robots.add("dingtalk", "SEC0123456789abcdef3f")
    code, out, _ = run(
        capsys, "--db", db, "--lang", "en", "notify", "add", "dingtalk", "ops",
        "--url", robot.url, "--secret", robot.secret, "--quiet", "22:00-07:00",
        "--tz", "Asia/Shanghai",
    )  # fmt: skip
    assert code == 0 and "added channel ops" in out
    code, out, _ = run(capsys, "--db", db, "--lang", "en", "notify", "list")
    assert code == 0 and "ops" in out and "quiet 22:00-07:00 Asia/Shanghai" in out
    assert robot.token not in out and robot.secret not in out and "SEC…3f" in out
    code, out, _ = run(capsys, "--db", db, "notify", "list", "--json")
    [row] = [json.loads(line) for line in out.splitlines()]
    assert row["secret"] == "SEC…3f" and robot.token not in row["url"] and row["waiting"] == 0
    code, out, _ = run(capsys, "--db", db, "--lang", "en", "notify", "test", "ops")
    assert code == 0 and "ops: sent (errcode 0 ok)" in out
    assert len(robot.received) == 1
    code, out, _ = run(capsys, "--db", db, "--lang", "zh", "notify", "remove", "ops")
    assert code == 0 and "已删除通道 ops" in out
    code, out, _ = run(capsys, "--db", db, "--lang", "en", "notify", "list")
    assert "no channels" in out


def test_a_failing_test_exits_1_with_the_services_answer(capsys, db, robots):
    robot = robots.add("feishu", "right-secret-1")
    run(
        capsys,
        "--db",
        db,
        "notify",
        "add",
        "feishu",
        "fs",
        "--url",
        robot.url,
        "--secret",
        "wrong-1",
    )
    code, out, _ = run(capsys, "--db", db, "--lang", "en", "notify", "test", "fs")
    assert code == 1 and "rejected" in out and "19021" in out and "wrong-1" not in out


def test_secrets_from_the_environment(capsys, db, robots, monkeypatch):
    robot = robots.add("webhook", "env-secret-123")
    monkeypatch.setenv("HOOK_SECRET", robot.secret)
    code, _, _ = run(
        capsys, "--db", db, "notify", "add", "webhook", "hook", "--url", robot.url,
        "--secret-env", "HOOK_SECRET",
    )  # fmt: skip
    assert code == 0
    assert run(capsys, "--db", db, "notify", "test", "hook")[0] == 0
    assert robot.received[-1].headers["x-assetwatch-event"] == "test"


U = "http://127.0.0.1:9/"


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["wecom", "w", "--url", U + "x?key=k", "--secret", "s"], "no signing secret"),
        (["dingtalk", "d", "--url", "ftp://x"], "http:// or https://"),
        (["dingtalk", "d d", "--url", U], "channel name"),
        (["dingtalk", "d", "--url", U, "--quiet", "9-5"], "HH:MM-HH:MM"),
        (["dingtalk", "d", "--url", U, "--events", "opened,nope"], "event kind"),
        (["dingtalk", "d", "--url", U, "--tz", "Mars/Base"], "time zone"),
        (["email", "m", "--smtp", "127.0.0.1:25", "--from", "a@b.test"], "--to"),
        (["email", "m", "--smtp", "127.0.0.1", "--from", "a@b.test", "--to", "c@d.test",
          "--password-env", "UNSET_FOR_SURE_42"], "UNSET_FOR_SURE_42"),
    ],
)  # fmt: skip
def test_bad_input_is_a_clear_error(capsys, db, argv, message):
    code, _, err = run(capsys, "--db", db, "--lang", "en", "notify", "add", *argv)
    assert code == 2 and message in err


def test_a_world_readable_password_file_is_refused(capsys, db, tmp_path):
    secret = tmp_path / "pw"
    secret.write_text("hunter22")
    secret.chmod(0o644)
    code, _, err = run(
        capsys, "--db", db, "--lang", "en", "notify", "add", "email", "m", "--smtp", "127.0.0.1",
        "--from", "a@b.test", "--to", "c@d.test", "--user", "u", "--password-file", str(secret),
    )  # fmt: skip
    assert code == 2 and "chmod 600" in err and "hunter22" not in err


def test_contacts(capsys, db):
    code, out, _ = run(
        capsys, "--db", db, "--lang", "en", "notify", "contact", "信息中心",
        "--dingtalk", "13800000000", "--feishu", "ou_abc123",
    )  # fmt: skip
    assert code == 0 and "dingtalk 13800000000" in out and "feishu ou_abc123" in out
    code, _, err = run(
        capsys, "--db", db, "--lang", "en", "notify", "contact", "信息中心", "--wecom", "<@all>"
    )
    assert code == 2 and "not a valid contact" in err
    code, out, _ = run(
        capsys, "--db", db, "--lang", "en", "notify", "contact", "信息中心", "--remove"
    )
    assert code == 0 and "forgot" in out


def test_watch_needs_an_existing_database(capsys, tmp_path):
    code, _, err = run(capsys, "--db", str(tmp_path / "nope.db"), "--lang", "en", "watch", "--once")
    assert code == 2 and "no database" in err


def test_watch_once_on_an_empty_inventory_and_the_unobserved_setting(capsys, db):
    from checks.store import Store
    from checks.store.outbox import UNOBSERVED_SETTING

    code, _, err = run(
        capsys, "--db", db, "--lang", "en", "watch", "--once", "--unobserved-after", "5"
    )
    assert code == 0 and err == ""  # nothing due, nothing sent: no log line
    store = Store(db)
    assert store.settings.get(UNOBSERVED_SETTING) == "5"
    store.close()
    code, _, err = run(
        capsys, "--db", db, "--lang", "en", "watch", "--once", "--unobserved-after", "0"
    )
    assert code == 2 and "1 or more" in err
