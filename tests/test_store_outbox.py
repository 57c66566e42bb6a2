"""The outbox: events commit with the finding change that makes them, or not at all."""

from __future__ import annotations

import sqlite3
from datetime import timedelta

import pytest

from checks.alerting import Channel, ChannelKind, Contact, EventKind, Rules
from checks.knowledge.playbooks import manual_steps
from checks.model import Asset, DnsAnswer, DnsStatus, Finding, ProbeOutcome, Severity
from checks.store import Store
from checks.store.schema import MIGRATIONS


def outcome(asset, clock):
    return ProbeOutcome(
        asset, clock(), clock(), DnsAnswer(asset.name, DnsStatus.ANSWER, ("127.0.0.1",))
    )


def fired(asset, check="http-down", severity=Severity.MEDIUM, evidence="e=1"):
    return Finding(asset.name, check, severity, "title", "标题", evidence)


@pytest.fixture
def watched(db_target, clock):
    store = Store(db_target, clock=clock)
    store.channels.save(
        Channel(
            "ops",
            ChannelKind.WEBHOOK,
            "http://127.0.0.1:9/hook",
            rules=Rules(min_severity=Severity.INFO),
        )
    )
    yield store
    store.close()


def kinds(store):
    return [e.kind for e in store.outbox.events()]


def test_no_channel_means_no_event_kept(db_target, clock):
    store = Store(db_target, clock=clock)
    asset = store.assets.add(Asset("www.example.test"))
    store.probes.record([(outcome(asset, clock), [fired(asset)])])
    assert store.outbox.events() == [] and store.findings.query()
    store.close()


def test_a_findings_life_makes_opened_escalated_resolved_reopened(watched, clock):
    store = watched
    asset = store.assets.add(Asset("www.example.test", owner="HR"))
    store.probes.record([(outcome(asset, clock), [fired(asset)])])
    store.probes.record([(outcome(asset, clock), [fired(asset)])])  # seen again: nothing
    assert kinds(store) == [EventKind.OPENED]
    first = store.outbox.events()[0]
    assert first.asset == "www.example.test" and first.owner == "HR" and first.check == "http-down"
    store.probes.record([(outcome(asset, clock), [fired(asset, severity=Severity.HIGH)])])
    assert kinds(store)[-1] == EventKind.ESCALATED
    assert store.outbox.events()[-1].previous == "medium"
    store.probes.record([(outcome(asset, clock), [])])  # stopped, steps left: not resolved
    assert len(kinds(store)) == 2
    record = store.findings.query(active_only=False)[0]
    for step in manual_steps("http-down"):
        store.findings.attest(record.id, step)
    assert kinds(store)[-1] == EventKind.RESOLVED  # resolved by the last attestation
    store.probes.record([(outcome(asset, clock), [fired(asset)])])
    assert kinds(store)[-1] == EventKind.REOPENED
    # every event was fanned out to the channel
    waiting = store.deliveries.waiting(store.channels.get("ops").id)
    assert [e.kind for e in waiting] == kinds(store)


def test_a_retired_asset_alive_is_critical(watched, clock):
    asset = watched.assets.add(Asset("old.example.test"))
    finding = fired(asset, "retired-still-serving", Severity.CRITICAL)
    watched.probes.record([(outcome(asset, clock), [finding])])
    [event] = watched.outbox.events()
    assert event.kind == EventKind.RETIRED_ALIVE and event.severity == Severity.CRITICAL


def test_an_expired_acceptance_is_an_event(watched, clock):
    asset = watched.assets.add(Asset("www.example.test"))
    watched.probes.record([(outcome(asset, clock), [fired(asset)])])
    record = watched.findings.query()[0]
    watched.findings.accept_risk(record.id, "vendor fix", clock.now + timedelta(days=1))
    clock.now += timedelta(days=2)
    watched.findings.expire_acceptances()
    assert kinds(watched) == [EventKind.OPENED, EventKind.ACCEPTANCE_EXPIRED]


def test_events_roll_back_with_the_change_that_made_them(watched, clock):
    asset = watched.assets.add(Asset("www.example.test"))
    # A failure after the finding was written but before its outbox row: all or nothing.
    if watched.backend == "sqlite":
        watched.db.execute(
            "CREATE TRIGGER boom BEFORE INSERT ON notify_deliveries "
            "BEGIN SELECT RAISE(ABORT, 'x'); END"
        )
        failure: type[Exception] = sqlite3.IntegrityError
    else:
        import psycopg

        watched.db.executescript(
            "CREATE FUNCTION boom() RETURNS trigger AS $$ BEGIN RAISE EXCEPTION 'x'; END $$ "
            "LANGUAGE plpgsql; CREATE TRIGGER boom BEFORE INSERT ON notify_deliveries "
            "FOR EACH ROW EXECUTE FUNCTION boom()"
        )
        failure = psycopg.Error
    with pytest.raises(failure):
        watched.probes.record([(outcome(asset, clock), [fired(asset)])])
    assert watched.findings.query(active_only=False) == []
    assert watched.outbox.events() == []
    assert watched.db.execute("SELECT count(*) FROM probes").fetchone()[0] == 0
    if watched.backend == "sqlite":
        watched.db.execute("DROP TRIGGER boom")
    else:
        watched.db.execute("DROP TRIGGER boom ON notify_deliveries")
    watched.probes.record([(outcome(asset, clock), [fired(asset)])])
    assert kinds(watched) == [EventKind.OPENED]


def test_channels_only_get_the_events_they_want(watched, clock):
    watched.channels.save(
        Channel(
            "high-only",
            ChannelKind.WEBHOOK,
            "http://127.0.0.1:9/h",
            rules=Rules(min_severity=Severity.HIGH),
        )
    )
    asset = watched.assets.add(Asset("www.example.test"))
    watched.probes.record([(outcome(asset, clock), [fired(asset, "http-down", Severity.MEDIUM)])])
    assert watched.deliveries.waiting(watched.channels.get("high-only").id) == []
    assert len(watched.deliveries.waiting(watched.channels.get("ops").id)) == 1


def test_unobserved_after_n_probes_in_a_row_once_per_streak(watched, clock):
    asset = watched.assets.add(Asset("www.example.test"))
    missed = fired(asset, "probe-incomplete", Severity.LOW, "dns=timeout")
    for _ in range(4):
        watched.probes.record([(outcome(asset, clock), [missed])])
    assert kinds(watched).count(EventKind.UNOBSERVED) == 1
    unobserved = [e for e in watched.outbox.events() if e.kind == EventKind.UNOBSERVED][0]
    assert unobserved.detail == "dns=timeout" and unobserved.severity == Severity.MEDIUM
    watched.probes.record([(outcome(asset, clock), [])])  # observed: the streak starts again
    for _ in range(3):
        watched.probes.record([(outcome(asset, clock), [missed])])
    assert kinds(watched).count(EventKind.UNOBSERVED) == 2


def test_channel_secrets_stay_out_of_the_audit_log(watched):
    watched.channels.save(
        Channel(
            "ding",
            ChannelKind.DINGTALK,
            "https://r.test/send?access_token=TOKEN1234567",
            "SECretvalue99",
        )
    )
    logged = str([e.detail for e in watched.audit.events()])
    assert "TOKEN1234567" not in logged and "SECretvalue99" not in logged and "ding" in logged


def test_removing_a_channel_drops_its_queue(watched, clock):
    asset = watched.assets.add(Asset("www.example.test"))
    watched.probes.record([(outcome(asset, clock), [fired(asset)])])
    assert watched.channels.remove("ops") == 1
    assert watched.db.execute("SELECT count(*) FROM notify_deliveries").fetchone()[0] == 0
    assert watched.channels.get("ops") is None


def test_contacts_merge(watched):
    watched.channels.set_contact(Contact("HR", dingtalk="13800000000"))
    watched.channels.set_contact(Contact("HR", wecom="zhaolei"))
    assert watched.channels.contacts()["HR"] == Contact("HR", "13800000000", "zhaolei")


def test_a_database_from_before_alerts_migrates_forward(tmp_path):
    from sqlite_utils import Database

    path = tmp_path / "old.db"
    old = Database(path)
    MIGRATIONS.apply(old, stop_before="m007_notifications")
    old["assets"].insert(
        {
            "name": "kept.example.test",
            "kind": "website",
            "created_at": "2026-01-01T00:00:00+00:00",
            "updated_at": "2026-01-01T00:00:00+00:00",
        }
    )
    old.close()
    store = Store(path)
    assert store.assets.get("kept.example.test") is not None
    assert store.channels.all() == [] and store.outbox.events() == []
    store.close()


def test_a_verified_decommission_is_an_event(watched, clock):
    from checks.knowledge.playbooks import decommission
    from checks.service import inventory, remediation

    asset = inventory.retire(watched, watched.assets.add(Asset("old.example.test")))
    for index, step in enumerate(decommission().steps):
        if step.kind == "manual":
            remediation.attest_decommission(watched, asset, index, "done", "", "alice")
    dark = ProbeOutcome(
        asset, clock(), clock(), DnsAnswer(asset.name, DnsStatus.NXDOMAIN), open_ports=()
    )
    watched.probes.record([(dark, [])])
    retired = remediation.complete_if_verified(watched, watched.assets.get(asset.name))
    assert retired.lifecycle == "retired"
    [event] = [e for e in watched.outbox.events() if e.kind == EventKind.DECOMMISSIONED]
    assert event.asset == "old.example.test" and event.severity == Severity.INFO


def test_reports_and_the_audit_trail_never_hold_a_channels_secrets(watched, clock):
    from checks.service.reports import build_report
    from checks.text import json_text

    watched.channels.save(
        Channel(
            "ding",
            ChannelKind.DINGTALK,
            "https://r.test/robot/send?access_token=TOKEN1234567890",
            "SECretvalue99",
        )
    )
    asset = watched.assets.add(Asset("www.example.test"))
    watched.probes.record([(outcome(asset, clock), [fired(asset)])])
    report = json_text(build_report(watched, clock.now - timedelta(days=30), clock.now, "en"))
    for secret in ("TOKEN1234567890", "SECretvalue99"):
        assert secret not in report
