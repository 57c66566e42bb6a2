"""Delivering alerts to the lab's robots and a real SMTP server, over loopback sockets:
signatures, wrong secrets, a receiver down then up, rate limits, quiet hours, digests, resends,
@owner and crash recovery. The store's clock is fixed; signatures use the real clock, as the
services check them against theirs."""

from __future__ import annotations

import asyncio
import json
import socket
from datetime import timedelta

import pytest

from checks.alerting import Contact, EventKind
from checks.lab.robots import RobotLab
from checks.model import Asset, DnsAnswer, DnsStatus, Finding, ProbeOutcome, Severity
from checks.notify import Outcome
from checks.service import alerts, channels
from checks.service.locks import FileLock, lock_path
from checks.store import Store


@pytest.fixture(scope="module")
def robots():
    with RobotLab() as lab:
        yield lab


@pytest.fixture
def store(tmp_path, clock):
    s = Store(tmp_path / "aw.db", clock=clock)
    yield s
    s.close()


def channel(store, kind, name, robot, secret=None, **rules):
    given = channels.ChannelInput(
        kind=kind,
        name=name,
        url=robot.url,
        secret=robot.secret if secret is None else secret,
        lang=rules.pop("lang", "en"),
        min_severity=rules.pop("min_severity", "low"),
        **rules,
    )
    return channels.save(store, given)[0]


def probe(store, clock, name, *findings, owner="IT"):
    asset = store.assets.get(name) or store.assets.add(Asset(name, owner=owner))
    out = ProbeOutcome(asset, clock(), clock(), DnsAnswer(name, DnsStatus.ANSWER, ("127.0.0.1",)))
    found = [
        Finding(name, c, s, f"{c} title", f"{c} 标题", f"evidence of {c}") for c, s in findings
    ]
    store.probes.record([(out, found)])


def deliver(store, everything=False):
    return asyncio.run(alerts.deliver(store, everything))


def webhook_event_ids(robot):
    return [e["id"] for r in robot.received for e in r.body["events"]]


def test_signed_dingtalk_feishu_and_webhook_channels_are_accepted(store, clock, robots):
    ding = robots.add("dingtalk", "SEC" + "a1" * 16)
    fs = robots.add("feishu", "feishu-secret-1")
    hook = robots.add("webhook", "hook-secret-1")
    wc = robots.add("wecom")
    for kind, robot in (("dingtalk", ding), ("feishu", fs), ("webhook", hook), ("wecom", wc)):
        channel(store, kind, kind, robot)
    probe(store, clock, "www.example.test", ("tls-expired", Severity.HIGH))
    report = deliver(store)
    assert report.sent == 4 and report.failed == 0 and report.waiting == 0
    for robot in (ding, fs, hook, wc):
        assert len(robot.received) == 1 and robot.refused == []
    assert "tls-expired" in ding.received[0].body["markdown"]["text"]
    assert fs.received[0].body["msg_type"] == "interactive"
    assert hook.received[0].headers["x-assetwatch-signature-256"].startswith("sha256=")
    assert deliver(store).sent == 0  # nothing new: nothing sent


@pytest.mark.parametrize(
    ("kind", "refusal"),
    [
        ("dingtalk", {"errcode": 310000}),
        ("feishu", {"code": 19021}),
        ("webhook", {"error": "bad signature"}),
    ],
)
def test_a_wrong_secret_is_refused_kept_and_delivered_once_fixed(
    store, clock, robots, kind, refusal
):
    robot = robots.add(kind, "the-right-secret-42")
    channel(store, kind, "ch", robot, secret="a-wrong-secret-42")
    probe(store, clock, "www.example.test", ("http-down", Severity.MEDIUM))
    report = deliver(store)
    assert report.sent == 0 and report.failed == 1 and report.waiting == 1
    assert robot.received == [] and all(robot.refused[0][k] == v for k, v in refusal.items())
    [(_, answer)] = report.answers
    assert answer.outcome == Outcome.REJECTED and "a-wrong-secret" not in answer.text
    [state] = store.deliveries.states()
    assert state.failing and state.waiting == 1
    channel(store, kind, "ch", robot)  # the admin fixes the secret: the queue is kept
    report = deliver(store, everything=True)
    assert report.sent == 1 and len(robot.received) == 1


def test_a_test_message_prints_the_services_answer(store, robots):
    robot = robots.add("dingtalk", "SECtest-secret-77")
    good = channel(store, "dingtalk", "good", robot)
    bad = channel(store, "dingtalk", "bad", robot, secret="SECnot-the-secret")
    ok = asyncio.run(alerts.test(good))
    assert ok.ok and ok.text == "errcode 0 ok"
    refused = asyncio.run(alerts.test(bad))
    assert refused.outcome == Outcome.REJECTED and "310000" in refused.text
    assert "not-the-secret" not in refused.text and "access_token" not in refused.text


def test_a_receiver_down_then_up_loses_nothing_and_doubles_nothing(store, clock, robots):
    hook = robots.add("webhook", "s3cret-hook")
    ding = robots.add("dingtalk", "SEC" + "b2" * 16)
    channel(store, "webhook", "hook", hook)
    channel(store, "dingtalk", "ding", ding)
    hook.down()
    ding.down()
    try:
        probe(store, clock, "a.example.test", ("http-down", Severity.MEDIUM))
        first = deliver(store)
        assert first.sent == 0 and first.failed == 2 and first.waiting == 2
        clock.now += timedelta(seconds=5)  # within the back-off: not tried again
        assert deliver(store).failed == 0
        probe(store, clock, "b.example.test", ("tls-expired", Severity.HIGH))
        clock.now += timedelta(minutes=5)
        again = deliver(store)
        assert again.failed == 2 and again.waiting == 4  # still down: everything waits
    finally:
        hook.up()
        ding.up()
    clock.now += timedelta(minutes=5)
    back = deliver(store)
    assert back.failed == 0 and back.waiting == 0
    # the old digest, then one digest of what happened since; every event exactly once
    assert len(hook.received) == 2 and len(ding.received) == 2
    ids = webhook_event_ids(hook)
    assert sorted(ids) == sorted(set(ids)) and len(ids) == 2
    assert hook.duplicates == 0
    assert deliver(store, everything=True).sent == 0


def test_a_rate_limit_answer_pauses_the_channel_as_long_as_the_service_says(store, clock, robots):
    robot = robots.add("dingtalk", "SEC" + "c3" * 16)
    channel(store, "dingtalk", "ding", robot)
    robot.throttle(1)
    probe(store, clock, "www.example.test", ("http-down", Severity.MEDIUM))
    report = deliver(store)
    assert report.answers[0][1].outcome == Outcome.LIMITED and "130101" in report.answers[0][1].text
    [state] = store.deliveries.states()
    assert state.paused_until == clock.now + timedelta(minutes=10)
    requests = robot.requests
    clock.now += timedelta(minutes=5)
    assert deliver(store, everything=True).sent == 0 and robot.requests == requests
    clock.now += timedelta(minutes=6)
    assert deliver(store).sent == 1 and len(robot.received) == 1


def test_the_sender_stays_under_twenty_a_minute(store, clock, robots):
    robot = robots.add("wecom")
    channel(store, "wecom", "wc", robot)
    for n in range(25):
        probe(store, clock, f"h{n}.example.test", ("http-down", Severity.MEDIUM))
        deliver(store)  # one digest per sweep
    assert len(robot.received) == 20 and not any(r.get("errcode") == 45009 for r in robot.refused)
    clock.now += timedelta(minutes=2)
    robot.minute_passed()  # the robot's real clock: as if the minute had passed there too
    deliver(store)
    assert len(robot.received) == 21  # the five that waited go as one digest
    assert robot.received[-1].body["markdown"]["content"].count("**●") == 5


def test_quiet_hours_hold_all_but_critical(store, clock, robots):
    robot = robots.add("webhook", "quiet-secret")
    # the fixed clock says 08:00 UTC
    channel(store, "webhook", "hook", robot, quiet="07:00-09:00", tz="UTC")
    probe(store, clock, "a.example.test", ("http-down", Severity.MEDIUM))
    deliver(store)
    assert robot.received == []
    probe(store, clock, "b.example.test", ("retired-still-serving", Severity.CRITICAL))
    deliver(store)
    assert webhook_event_ids(robot) == [2]  # the critical one only
    clock.now += timedelta(hours=1, minutes=1)
    deliver(store)
    assert webhook_event_ids(robot) == [2, 1]


def test_several_events_of_one_sweep_are_one_digest_worst_first(store, clock, robots):
    robot = robots.add("feishu", "digest-secret")
    channel(store, "feishu", "fs", robot, lang="zh")
    probe(
        store,
        clock,
        "www.example.test",
        ("missing-security-headers", Severity.LOW),
        ("tls-expired", Severity.HIGH),
        ("retired-still-serving", Severity.CRITICAL),
    )
    deliver(store)
    [message] = robot.received
    card = message.body["card"]
    text = card["elements"][0]["text"]["content"]
    assert card["header"]["template"] == "red" and "3 项变化" in card["header"]["title"]["content"]
    order = [
        text.index(c) for c in ("retired-still-serving", "tls-expired", "missing-security-headers")
    ]
    assert order == sorted(order)
    assert "首次发现" in text and "第一步" in text


def test_still_open_criticals_are_told_again_after_the_resend_interval(store, clock, robots):
    robot = robots.add("webhook", "resend-secret")
    channel(store, "webhook", "hook", robot, resend_hours=24)
    probe(store, clock, "www.example.test", ("retired-still-serving", Severity.CRITICAL))
    deliver(store)
    assert alerts.queue_resends(store) == 0
    clock.now += timedelta(hours=25)
    assert alerts.queue_resends(store) == 1
    assert alerts.queue_resends(store) == 0  # once per interval
    deliver(store)
    kinds = [e["kind"] for r in robot.received for e in r.body["events"]]
    assert kinds == ["retired-alive", "still-open"]


def test_owners_are_mentioned_with_their_contact(store, clock, robots):
    ding = robots.add("dingtalk", "SEC" + "d4" * 16)
    channel(store, "dingtalk", "ding", ding)
    channels.set_contact(store, Contact("HR", dingtalk="13800000000"))
    probe(store, clock, "www.example.test", ("http-down", Severity.MEDIUM), owner="HR")
    probe(store, clock, "files.example.test", ("http-down", Severity.MEDIUM), owner="nobody")
    deliver(store)
    body = ding.received[0].body
    assert body["at"]["atMobiles"] == ["13800000000"]
    assert "@13800000000" in body["markdown"]["text"]
    with pytest.raises(Exception, match="not a valid contact"):
        channels.set_contact(store, Contact("HR", feishu="<at id=all>"))


def test_hostile_titles_reach_the_robot_escaped(store, clock, robots):
    robot = robots.add("wecom")
    channel(store, "wecom", "wc", robot)
    asset = store.assets.add(Asset("www.example.test"))
    out = ProbeOutcome(
        asset, clock(), clock(), DnsAnswer(asset.name, DnsStatus.ANSWER, ("127.0.0.1",))
    )
    evil = '<@all> [win](http://evil.test) **免费** <font color="warning">!</font>'
    store.probes.record(
        [(out, [Finding(asset.name, "seo-spam", Severity.CRITICAL, evil, evil, evil)])]
    )
    deliver(store)
    content = robot.received[0].body["markdown"]["content"]
    assert "<@all>" not in content and "[win]" not in content and "<font" not in content
    assert "＜＠all＞" in content


def test_a_message_left_sending_by_a_crash_is_sent_again(store, clock, robots):
    robot = robots.add("webhook", "crash-secret")
    ch = channel(store, "webhook", "hook", robot)
    probe(store, clock, "www.example.test", ("http-down", Severity.MEDIUM))
    events = store.deliveries.waiting(ch.id)
    message = store.deliveries.bundle(ch.id, [e.id for e in events], "uuid-crash-1")
    store.deliveries.start(message)  # ... and the process died here
    report = deliver(store)
    assert report.sent == 1 and webhook_event_ids(robot) == [events[0].id]
    assert robot.received[0].headers["x-assetwatch-delivery"] == "uuid-crash-1"


def test_one_sender_at_a_time(store, clock, robots):
    robot = robots.add("webhook", "lock-secret")
    channel(store, "webhook", "hook", robot)
    probe(store, clock, "www.example.test", ("http-down", Severity.MEDIUM))
    holder = FileLock(lock_path(store, "send"))
    assert holder.try_acquire()
    try:
        alerts.SEND_LOCK_WAIT_S, saved = 0.2, alerts.SEND_LOCK_WAIT_S
        try:
            assert deliver(store).busy and robot.received == []
        finally:
            alerts.SEND_LOCK_WAIT_S = saved
    finally:
        holder.release()
    assert deliver(store).sent == 1


# -- email ----------------------------------------------------------------------------------


class Inbox:
    def __init__(self):
        self.messages = []

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 (aiosmtpd's name)
        self.messages.append(envelope)
        return "250 OK"


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def smtp():
    from aiosmtpd.controller import Controller
    from aiosmtpd.smtp import AuthResult

    inbox = Inbox()

    def check(server, session, envelope, mechanism, auth_data):
        ok = auth_data.login == b"alerts" and auth_data.password == b"pa55-word"
        return AuthResult(success=ok, handled=False)  # handled=False: aiosmtpd answers 535

    controller = Controller(
        inbox,
        hostname="127.0.0.1",
        port=free_port(),
        authenticator=check,
        auth_require_tls=False,
    )
    controller.start()
    yield controller, inbox
    controller.stop()


def test_email_goes_to_a_real_smtp_server_with_a_password_from_a_private_file(
    store, clock, smtp, tmp_path
):
    controller, inbox = smtp
    secret = tmp_path / "smtp.pass"
    secret.write_text("pa55-word\n")
    secret.chmod(0o644)
    with pytest.raises(Exception, match="chmod 600"):
        channels.read_password(None, secret)
    secret.chmod(0o600)
    password = channels.read_password(None, secret)
    given = channels.ChannelInput(
        kind="email",
        name="mail",
        smtp=f"127.0.0.1:{controller.port}",
        sender="assetwatch@example.test",
        recipients=("it@example.test",),
        user="alerts",
        secret=password,
        min_severity="low",
        lang="zh",
    )
    channels.save(store, given)
    channels.set_contact(store, Contact("HR", email="hr@example.test"))
    probe(store, clock, "www.example.test", ("tls-expired", Severity.HIGH), owner="HR")
    report = deliver(store)
    assert report.sent == 1, report.answers
    [envelope] = inbox.messages
    assert set(envelope.rcpt_tos) == {"it@example.test", "hr@example.test"}
    text = envelope.content.decode("utf-8", "replace")
    assert "X-Assetwatch-Delivery" in text and "pa55-word" not in text


def test_a_refused_smtp_login_is_a_rejection_without_the_password(store, clock, smtp):
    controller, _ = smtp
    given = channels.ChannelInput(
        kind="email",
        name="mail",
        smtp=f"127.0.0.1:{controller.port}",
        sender="a@example.test",
        recipients=("b@example.test",),
        user="alerts",
        secret="wrong-password-1",
    )
    channels.save(store, given)
    answer = asyncio.run(alerts.test(store.channels.get("mail")))
    assert answer.outcome == Outcome.REJECTED and "wrong-password-1" not in answer.text


def test_listings_mask_secrets():
    assert channels.mask("SEC1234567890abcdef3f") == "SEC…3f"
    masked = channels.mask_url("https://oapi.dingtalk.com/robot/send?access_token=0123456789abcdef")
    assert masked == "https://oapi.dingtalk.com/robot/send?access_token=012…ef"
    hook = channels.mask_url("https://open.feishu.cn/open-apis/bot/v2/hook/0f1e2d3c-4b5a-6978-aaaa")
    assert "0f1e2d3c-4b5a-6978-aaaa" not in hook
    assert json.dumps(masked)
    assert EventKind.STILL_OPEN == "still-open"


async def test_a_failed_watch_round_is_reported_and_the_watcher_goes_on(store):
    from checks.service.sweeps import ProbeOverrides
    from checks.service.watch import watch

    store.settings.set("nameservers", "not-a-server")  # a stored setting that cannot be used
    store.assets.add(Asset("www.example.test"))
    stop = asyncio.Event()
    errors = []

    def failed(exc):
        errors.append(exc)
        stop.set()

    stopped = await watch(store, ProbeOverrides(), lambda c: None, stop=stop, on_error=failed)
    assert stopped and len(errors) == 1
    with pytest.raises(Exception, match="nameserver|DNS|server"):
        await watch(store, ProbeOverrides(), lambda c: None, once=True)
