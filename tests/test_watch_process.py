"""`assetwatch watch` as a real process against the lab and its robots: one digest per channel
for a change, nothing for no change, kill -9 while a receiver is down, the crash window, one
watcher per database, SIGTERM."""

from __future__ import annotations

import json
import signal
import subprocess
import sys
import time
from dataclasses import replace

import pytest

from checks.lab.remote import RemoteLab
from checks.lab.robots import RobotLab
from checks.store import Store

SITE = "cdn.shili-tech.test"


@pytest.fixture(scope="module")
def own_lab():
    """A lab of our own: these tests change it (cdn-dns)."""
    with RemoteLab() as running:
        yield running


@pytest.fixture
def robots():
    with RobotLab() as lab:
        yield lab


def cli(db, lab, *argv):
    return [
        sys.executable,
        "-m",
        "tui.cli",
        "--db",
        str(db),
        "--lang",
        "en",
        "--nameserver",
        f"127.0.0.1:{lab.dns_port}",
        "--ca-bundle",
        lab.ca_pem,
        *argv,
    ]


def run(db, lab, *argv):
    return subprocess.run(cli(db, lab, *argv), capture_output=True, text=True, timeout=120)


def setup_db(tmp_path, lab, robots, *names):
    db = tmp_path / "aw.db"
    for name in names:
        urls = ["--url", lab.ports.https_url(name), "--url", lab.ports.http_url(name)]
        assert run(db, lab, "add", name, "--owner", "IT", *urls).returncode == 0
    store = Store(db)
    for name in names:  # due at every run: the watcher's schedule is the dashboard's
        store.assets.save(replace(store.assets.get(name), interval_s=1))
    store.close()
    made = {}
    for kind in ("dingtalk", "feishu", "webhook"):
        robot = robots.add(kind, f"{kind}-secret-0123456789")
        made[kind] = robot
        done = run(
            db, lab, "notify", "add", kind, kind, "--url", robot.url, "--secret", robot.secret
        )
        assert done.returncode == 0, done.stderr
    return db, made


def counts(made):
    return [len(r.received) for r in made.values()]


def test_watch_once_sends_one_digest_per_channel_for_a_change_and_nothing_without(tmp_path, robots):
    with RemoteLab() as lab:  # its cdn record is deleted below
        db, made = setup_db(tmp_path, lab, robots, SITE)
        first = run(db, lab, "watch", "--once")
        assert first.returncode == 0, first.stderr
        assert counts(made) == [1, 1, 1]  # the dangling CNAME found at the first sweep
        assert "swept 1/1" in first.stderr and len(first.stderr.strip().splitlines()) == 1
        time.sleep(1.1)
        lab.apply("cdn-dns")
        changed = run(db, lab, "watch", "--once")
        assert counts(made) == [2, 2, 2]
        assert "dns-unresolvable" in made["dingtalk"].received[-1].body["markdown"]["text"]
        card = made["feishu"].received[-1].body["card"]["elements"][0]["text"]["content"]
        assert "dns-unresolvable" in card
        events = made["webhook"].received[-1].body["events"]
        assert [(e["kind"], e["finding"]["check"]) for e in events] == [
            ("opened", "dns-unresolvable")
        ]
        assert "3 message(s) sent" in changed.stderr
        time.sleep(1.1)
        again = run(db, lab, "watch", "--once")
        assert again.returncode == 0 and counts(made) == [2, 2, 2]
        assert "0 message(s) sent" in again.stderr
        for robot in made.values():
            assert robot.refused == []  # every signature was right


def wait_for(predicate, seconds=30.0):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.05)
    return False


def attempts(db):
    store = Store(db)
    try:
        return store.db.execute("SELECT count(*) FROM notify_attempts").fetchone()[0]
    finally:
        store.close()


def test_kill_9_while_receivers_are_down_then_restart_delivers_each_event_once(
    tmp_path, own_lab, robots
):
    db, made = setup_db(tmp_path, own_lab, robots, SITE, "www.renli-hr.test")
    for robot in made.values():
        robot.down()
    proc = subprocess.Popen(cli(db, own_lab, "watch"), stderr=subprocess.PIPE, text=True)
    try:
        assert wait_for(lambda: attempts(db) >= 3), "the watcher never tried the channels"
    finally:
        proc.kill()  # kill -9: no chance to clean up
        proc.wait(10)
    assert proc.returncode == -signal.SIGKILL
    store = Store(db)
    waiting = {s.channel.name: s.waiting for s in store.deliveries.states()}
    recorded = len(store.outbox.events())
    store.close()
    assert recorded > 0 and all(n > 0 for n in waiting.values())
    for robot in made.values():
        robot.up()
    done = run(db, own_lab, "watch", "--once")
    assert done.returncode == 0, done.stderr
    store = Store(db)
    assert all(s.waiting == 0 for s in store.deliveries.states())
    all_ids = {e.id for e in store.outbox.events()}
    store.close()
    ids = [e["id"] for r in made["webhook"].received for e in r.body["events"]]
    assert sorted(ids) == sorted(set(ids)) and set(ids) == all_ids  # every event, once
    for robot in made.values():
        assert robot.refused == []
    assert len(made["dingtalk"].received) == len(made["feishu"].received)
    assert made["webhook"].duplicates == 0
    run(db, own_lab, "watch", "--once")
    assert len({e["id"] for r in made["webhook"].received for e in r.body["events"]}) == len(ids)


@pytest.mark.parametrize("kind", ["dingtalk", "webhook"])
def test_the_crash_window_is_at_least_once_for_robots_and_deduplicated_for_webhooks(
    tmp_path, own_lab, robots, kind
):
    db, made = setup_db(tmp_path, own_lab, robots, "www.renli-hr.test")
    store = Store(db)
    for other in set(made) - {kind}:
        store.channels.remove(other)
    store.close()
    robot = made[kind]
    release = robot.hold()
    proc = subprocess.Popen(cli(db, own_lab, "watch"), stderr=subprocess.PIPE, text=True)
    try:
        # the service took the message and has not answered yet: the window
        assert wait_for(robot.got_request.is_set)
    finally:
        proc.kill()
        proc.wait(10)
        release.set()
    robot.held = None
    assert len(robot.received) == 1
    done = run(db, own_lab, "watch", "--once")
    assert done.returncode == 0, done.stderr
    store = Store(db)
    assert all(s.waiting == 0 for s in store.deliveries.states())
    store.close()
    if kind == "webhook":
        # sent again with the same X-Assetwatch-Delivery id: the receiver drops the copy
        assert len(robot.received) == 1 and robot.duplicates == 1
    else:
        # a group robot has no idempotency key: in this window the digest comes twice
        assert len(robot.received) == 2
        assert robot.received[0].body["markdown"] == robot.received[1].body["markdown"]


def test_a_second_watcher_says_so_and_exits_2(tmp_path, own_lab, robots):
    db, _ = setup_db(tmp_path, own_lab, robots, "www.renli-hr.test")
    proc = subprocess.Popen(cli(db, own_lab, "watch"), stderr=subprocess.PIPE, text=True)
    try:
        assert wait_for(lambda: (db.parent / "aw.db.watch.lock").exists())
        time.sleep(0.5)
        second = run(db, own_lab, "watch", "--once")
        assert second.returncode == 2 and "another assetwatch watch is running" in second.stderr
    finally:
        proc.send_signal(signal.SIGTERM)
        _, err = proc.communicate(timeout=60)
    assert proc.returncode == 0 and "stopped" in err


def test_sigterm_stores_the_batch_in_flight(tmp_path, own_lab, robots):
    db, made = setup_db(tmp_path, own_lab, robots, SITE)
    proc = subprocess.Popen(cli(db, own_lab, "watch"), stderr=subprocess.PIPE, text=True)
    try:
        assert wait_for(lambda: any(counts(made)))
    finally:
        proc.send_signal(signal.SIGTERM)
        _, err = proc.communicate(timeout=60)
    assert proc.returncode == 0
    lines = [json.dumps(line) for line in err.strip().splitlines()]
    assert any("swept" in line for line in lines)
    store = Store(db)
    assert store.db.execute("SELECT count(*) FROM probes").fetchone()[0] >= 1
    waiting = sum(s.waiting for s in store.deliveries.states())
    store.close()
    if waiting:  # stopped between storing and sending: kept, and the next round sends them
        assert run(db, own_lab, "watch", "--once").returncode in (0, 1)
        store = Store(db)
        assert all(s.waiting == 0 for s in store.deliveries.states())
        store.close()
