"""Alerts, pure parts: which events a change makes, routing rules, quiet hours, digests, escaping,
and the signatures as the services document them."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
from datetime import UTC, datetime, time, timedelta
from urllib.parse import unquote_plus

import pytest

from checks.alerting import (
    AlertEvent,
    ChannelKind,
    EventKind,
    Quiet,
    Rules,
    parse_quiet,
    valid_quiet,
)
from checks.lang import Bilingual
from checks.model import FindingStatus, Lang, Severity
from checks.notify import dingtalk, feishu, wecom
from checks.notify.base import Outcome, scrub, url_secrets
from checks.notify.signing import dingtalk_sign, feishu_sign, webhook_signature
from checks.report import alerts as compose
from checks.report.alert_text import md_text
from checks.workflow.events import (
    State,
    finding_events,
    held_until,
    resend_due,
    retry_delay,
    wants,
    worst_first,
)

NOW = datetime(2026, 11, 29, 8, 0, tzinfo=UTC)
OPEN = FindingStatus.OPEN


def event(n=1, severity=Severity.HIGH, kind=EventKind.OPENED, **fields) -> AlertEvent:
    base = dict(
        id=n,
        kind=kind,
        at=NOW,
        severity=severity,
        asset=f"site{n}.example.test",
        owner="信息中心",
        check="tls-expired",
        title=Bilingual("TLS certificate expired", "TLS 证书已过期"),
        evidence="not_after=2026-10-01",
        first_seen=NOW,
        status="open",
    )
    base.update(fields)
    return AlertEvent(**base)


# -- events ---------------------------------------------------------------------------------


def test_a_new_firing_finding_is_opened_and_a_retired_check_is_retired_alive():
    after = State(OPEN, Severity.MEDIUM, True)
    assert finding_events("http-down", None, after) == [EventKind.OPENED]
    assert finding_events("retired-still-serving", None, after) == [EventKind.RETIRED_ALIVE]
    assert finding_events("http-down", None, State(OPEN, Severity.MEDIUM, False)) == []


def test_reopened_escalated_resolved_and_expired_acceptances():
    resolved = State(FindingStatus.RESOLVED, Severity.MEDIUM, False)
    firing = State(OPEN, Severity.MEDIUM, True)
    assert finding_events("http-down", resolved, firing) == [EventKind.REOPENED]
    assert finding_events("retired-still-resolves", resolved, firing) == [EventKind.RETIRED_ALIVE]
    worse = State(OPEN, Severity.HIGH, True)
    assert finding_events("x", firing, worse) == [EventKind.ESCALATED]
    assert finding_events("x", worse, firing) == []  # better is not news
    assert finding_events("x", firing, firing) == []  # seen again: nothing new
    stopped = State(FindingStatus.IN_PROGRESS, Severity.MEDIUM, False)
    assert finding_events("x", stopped, resolved) == [EventKind.RESOLVED]
    accepted = State(FindingStatus.ACCEPTED, Severity.MEDIUM, True)
    assert finding_events("x", firing, accepted) == []  # the admin accepted the risk
    assert finding_events("x", accepted, firing) == [EventKind.ACCEPTANCE_EXPIRED]


def test_min_severity_applies_to_findings_and_kinds_to_everything():
    rules = Rules(min_severity=Severity.HIGH)
    assert wants(rules, EventKind.OPENED, Severity.HIGH)
    assert not wants(rules, EventKind.OPENED, Severity.MEDIUM)
    assert wants(rules, EventKind.DECOMMISSIONED, Severity.INFO)  # asset events by kind only
    only = Rules(kinds=frozenset({EventKind.RESOLVED}))
    assert not wants(only, EventKind.OPENED, Severity.CRITICAL)
    assert wants(only, EventKind.RESOLVED, Severity.MEDIUM)


def test_quiet_hours_hold_all_but_critical_until_they_end():
    quiet = parse_quiet("22:00-07:30")
    assert quiet == Quiet(time(22, 0), time(7, 30)) and str(quiet) == "22:00-07:30"
    rules = Rules(quiet=quiet, tz="Asia/Shanghai")
    night = datetime(2026, 11, 29, 15, 0, tzinfo=UTC)  # 23:00 in Shanghai
    end = held_until(rules, Severity.HIGH, night)
    assert end == datetime(2026, 11, 29, 23, 30, tzinfo=UTC)  # 07:30 the next morning there
    assert held_until(rules, Severity.CRITICAL, night) is None
    day = datetime(2026, 11, 29, 4, 0, tzinfo=UTC)  # noon there
    assert held_until(rules, Severity.LOW, day) is None
    assert not valid_quiet("25:00-07:00") and not valid_quiet("07:00-07:00") and valid_quiet("")


def test_back_off_doubles_to_an_hour_and_resends_wait_their_interval():
    assert [retry_delay(n).total_seconds() for n in (1, 2, 3)] == [30, 60, 120]
    assert retry_delay(50) == timedelta(hours=1)
    assert resend_due(NOW - timedelta(hours=24), NOW, 24)
    assert not resend_due(NOW - timedelta(hours=23), NOW, 24)
    assert not resend_due(NOW - timedelta(days=9), NOW, 0)  # 0: never


def test_a_digest_is_worst_first_and_retired_alive_leads_its_severity():
    events = [
        event(1, Severity.LOW),
        event(2, Severity.CRITICAL, EventKind.OPENED, asset="a.test"),
        event(3, Severity.CRITICAL, EventKind.RETIRED_ALIVE, asset="z.test"),
        event(4, Severity.HIGH),
    ]
    assert [e.id for e in worst_first(events)] == [3, 2, 4, 1]


# -- composing ------------------------------------------------------------------------------

HOSTILE = (
    "[click](http://evil.example/) **bold** <at id=all></at> <@all> <font color=red>x</font> "
    "@13800000000 `code` &lt;b&gt;\n# heading\n- item \x1b[31m"
)


def test_hostile_titles_and_evidence_stay_text_in_every_chat_dialect():
    hostile = event(1, Severity.CRITICAL, title=Bilingual(HOSTILE, HOSTILE), evidence=HOSTILE)
    digest = compose.Digest([hostile], "en")
    bodies = [
        compose.dingtalk(digest)["markdown"]["text"],
        compose.wecom(digest)["markdown"]["content"],
        compose.feishu(digest)["card"]["elements"][0]["text"]["content"],
    ]
    for body in bodies:
        for markup in ("[click]", "**bold**", "<at", "<@", "<font", "@138", "`code`", "&lt;"):
            assert markup not in body
        assert "\n# heading" not in body and "\n- item" not in body and "\x1b" not in body
        assert "＼x1b" in body  # visible, not acted on
        assert "［click］" in body and "＊＊bold＊＊" in body  # still readable
    assert md_text("a\nb") == "a b"


def test_mentions_use_each_services_syntax():
    digest = compose.Digest([event()], "zh", mentions=("13800000000",))
    ding = compose.dingtalk(digest)
    assert ding["at"] == {"atMobiles": ["13800000000"], "isAtAll": False}
    assert "@13800000000" in ding["markdown"]["text"]
    wecom_digest = compose.Digest([event()], "zh", mentions=("zhaolei",))
    assert "<@zhaolei>" in compose.wecom(wecom_digest)["markdown"]["content"]
    feishu_digest = compose.Digest([event()], "zh", mentions=("ou_123",))
    card = compose.feishu(feishu_digest)["card"]
    assert "<at id=ou_123></at>" in card["elements"][0]["text"]["content"]


def test_a_chat_digest_details_ten_and_counts_the_rest_within_wecoms_4096_bytes():
    many = [
        event(n, Severity.HIGH if n % 2 else Severity.MEDIUM, evidence="证" * 300)
        for n in range(40)
    ]
    digest = compose.Digest(worst_first(many), "zh")
    content = compose.wecom(digest)["markdown"]["content"]
    assert len(content.encode()) <= 4096
    assert "另有" in content and "assetwatch findings" in content
    text = compose.dingtalk(digest)["markdown"]["text"]
    assert text.count("**▲") + text.count("**●") == compose.CHAT_ITEMS
    assert "另有 30 项" in text


def test_the_digest_names_asset_check_severity_evidence_first_seen_and_the_first_step():
    one = event(1, Severity.HIGH)
    text = compose.dingtalk(compose.Digest([one], "en"))["markdown"]["text"]
    for part in (
        "HIGH",
        "New finding",
        "site1.example.test",
        "tls-expired",
        "not＿after",
        "First seen",
        "First step",
    ):
        assert part in text
    card = compose.feishu(compose.Digest([one], "zh"))["card"]
    assert card["header"]["template"] == "orange"
    assert "高危" in card["header"]["title"]["content"] or "▲" in card["header"]["title"]["content"]


def test_the_webhook_body_carries_the_scan_contracts_finding_objects():
    from tui.cli.output import finding_json

    body = compose.webhook(compose.Digest([event(7)], "en"), "uuid-1", "hook")
    assert body["schema"] == "assetwatch-alert/1" and body["id"] == "uuid-1"
    [item] = body["events"]
    assert item["kind"] == "opened" and item["id"] == 7
    from checks.model import Finding, FindingRecord

    record = FindingRecord(
        Finding("a", "b", Severity.LOW, "t", "t", "e"), FindingStatus.OPEN, NOW, NOW
    )
    assert set(item["finding"]) == set(finding_json(record, "en"))
    json.dumps(body)  # serialisable
    asset_only = compose.webhook(
        compose.Digest([event(8, kind=EventKind.DECOMMISSIONED, check="")], "en"), "u", "h"
    )
    assert asset_only["events"][0]["finding"] is None


def test_email_is_plain_inert_text_with_a_one_line_subject():
    hostile = event(1, title=Bilingual(HOSTILE, HOSTILE))
    subject, body = compose.email(compose.Digest([hostile], "en", org="Org\r\nBcc: x@y"))
    assert "\n" not in subject and "\r" not in subject
    assert "\x1b" not in body and "\\x1b" in body


# -- signatures -----------------------------------------------------------------------------


def test_dingtalk_sign_matches_a_published_vector_and_is_url_encoded():
    # The `dingding` crate's test vector for timestamp 1700000000000 and secret "secret".
    expected = "OuzzJR5%2BxZ4%2FEYwqtNt6sMYZQMTa%2FHEGvc9miJe7XzY%3D"
    assert dingtalk_sign("secret", 1700000000000) == expected
    url = dingtalk.signed_url(
        "https://robot.test/robot/send?access_token=t", "secret", 1700000000000
    )
    assert url.endswith(f"&timestamp=1700000000000&sign={expected}")
    assert (
        dingtalk.signed_url("https://r.test/x?access_token=t", "", 1)
        == "https://r.test/x?access_token=t"
    )
    # What DingTalk decodes from the query is the base64 of the HMAC.
    digest = hmac.new(b"secret", b"1700000000000\nsecret", hashlib.sha256).digest()
    assert unquote_plus(expected) == base64.b64encode(digest).decode()


def test_feishu_sign_is_keyed_with_timestamp_and_secret_over_an_empty_message():
    sign = feishu_sign("secret", 1599360473)
    key = b"1599360473\nsecret"
    assert sign == base64.b64encode(hmac.new(key, b"", hashlib.sha256).digest()).decode()
    # DingTalk's construction (key = secret, message = "ts\nsecret") is a different value:
    # the mistake Feishu answers with 19021.
    wrong = base64.b64encode(hmac.new(b"secret", key, hashlib.sha256).digest()).decode()
    assert sign != wrong
    body = feishu.signed({"msg_type": "interactive"}, "secret", 1599360473)
    assert body["timestamp"] == "1599360473" and body["sign"] == sign
    assert feishu.signed({"a": 1}, "", 1) == {"a": 1}


def test_webhook_signature_covers_timestamp_and_body():
    sig = webhook_signature("s3cret", 100, b'{"a":1}')
    assert sig == "sha256=" + hmac.new(b"s3cret", b'100.{"a":1}', hashlib.sha256).hexdigest()
    assert sig != webhook_signature("s3cret", 101, b'{"a":1}')


def test_each_services_answer_codes():
    assert dingtalk.judge({"errcode": 0, "errmsg": "ok"}).outcome == Outcome.OK
    assert (
        dingtalk.judge({"errcode": 310000, "errmsg": "sign not match"}).outcome == Outcome.REJECTED
    )
    limited = dingtalk.judge({"errcode": 130101, "errmsg": "send too fast"})
    assert limited.outcome == Outcome.LIMITED and limited.retry_after == 600
    assert (
        wecom.judge({"errcode": 45009, "errmsg": "api freq out of limit"}).outcome
        == Outcome.LIMITED
    )
    assert (
        wecom.judge({"errcode": 93000, "errmsg": "invalid webhook url"}).outcome == Outcome.REJECTED
    )
    assert feishu.judge({"code": 19021, "msg": "sign match fail"}).outcome == Outcome.REJECTED
    assert feishu.judge({"code": 11232, "msg": "frequency limited"}).outcome == Outcome.LIMITED
    assert feishu.judge({"StatusCode": 0, "StatusMessage": "success"}).outcome == Outcome.OK
    assert dingtalk.judge({"unexpected": True}) is None


def test_answers_never_carry_tokens_or_secrets():
    url = "https://oapi.dingtalk.test/robot/send?access_token=abcdef0123456789"
    hidden = url_secrets(url) + ["SECsupersecret"]
    text = scrub(f"failed {url} with SECsupersecret and \x1b[2J", hidden)
    assert "abcdef0123456789" not in text and "SECsupersecret" not in text and "\x1b" not in text
    feishu_url = "https://open.feishu.test/open-apis/bot/v2/hook/0f1e2d3c-4b5a-6978"
    assert "0f1e2d3c-4b5a-6978" in url_secrets(feishu_url)


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_test_messages_are_in_the_channel_language(lang):
    msg = compose.test_message(ChannelKind.DINGTALK, lang)
    assert ("测试" in msg["markdown"]["text"]) == (lang == Lang.ZH)
