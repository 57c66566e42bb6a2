"""The store: file safety, migrations, the finding lifecycle, the audit log, retention."""

from __future__ import annotations

import os
import sqlite3
import stat
from dataclasses import replace
from datetime import timedelta

import pytest

from checks.i18n import UserError
from checks.models import (
    Asset,
    DnsAnswer,
    DnsStatus,
    Finding,
    FindingStatus,
    HttpEntry,
    Lifecycle,
    ProbeOutcome,
    Severity,
)
from checks.schema import MIGRATIONS
from checks.serialize import outcome_from_json
from checks.store import Store


def test_database_file_is_private_and_in_wal_mode(tmp_path):
    path = tmp_path / "sub" / "aw.db"
    store = Store(path)
    store.add(Asset("www.example.test"))
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o600
    assert store.db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    store.close()


def test_migrations_apply_once_and_record_the_version(tmp_path):
    path = tmp_path / "aw.db"
    Store(path).close()
    again = Store(path)
    latest = len(MIGRATIONS._migrations)
    assert again.schema_version == latest
    assert again.db.execute("PRAGMA user_version").fetchone()[0] == latest
    again.close()


def test_an_older_database_is_migrated_forward_keeping_its_data(tmp_path):
    from sqlite_utils import Database

    path = tmp_path / "old.db"
    old = Database(path)
    MIGRATIONS.apply(old, stop_before="m002_disabled_checks")
    when = "2026-01-01T00:00:00+00:00"
    old.execute(
        "INSERT INTO assets (name, kind, created_at, updated_at) VALUES (?, 'website', ?, ?)",
        ["old.example.test", when, when],
    )
    old.conn.commit()
    old.close()
    store = Store(path)
    assert store.schema_version == len(MIGRATIONS._migrations)
    assert store.asset("old.example.test") is not None
    assert store.disabled_checks() == {} and store.org_attestations() == {}
    store.close()


def test_a_newer_database_is_refused_not_damaged(tmp_path):
    path = tmp_path / "aw.db"
    Store(path).close()
    conn = sqlite3.connect(path)
    conn.execute(
        "INSERT INTO _sqlite_migrations (migration_set, name, applied_at) "
        "VALUES ('assetwatch', 'm999_future', 'x')"
    )
    conn.commit()
    conn.close()
    with pytest.raises(UserError, match="newer"):
        Store(path)


def test_two_connections_share_the_file(tmp_path):
    path = tmp_path / "aw.db"
    a, b = Store(path), Store(path)
    a.add(Asset("one.example.test"))
    assert b.asset("one.example.test") is not None
    a.close()
    b.close()


def test_changes_are_logged_with_who_and_what(store):
    added = store.add(Asset("www.example.test", owner="IT"), who="alice")
    store.save(replace(added, lifecycle=Lifecycle.RETIRED), who="bob")
    events = store.events()
    assert [(e["action"], e["actor"]) for e in events] == [
        ("asset.add", "alice"),
        ("asset.update", "bob"),
    ]
    assert events[1]["detail"]["changes"]["lifecycle"] == ["active", "retired"]
    asset = store.asset("www.example.test")
    assert asset.retired_at is not None


def test_adding_an_existing_name_is_refused(store):
    store.add(Asset("www.example.test"))
    with pytest.raises(UserError, match="already exists"):
        store.add(Asset("www.example.test"))


def _outcome(asset, clock):
    return ProbeOutcome(
        asset,
        clock(),
        clock(),
        DnsAnswer(asset.name, DnsStatus.ANSWER, ("127.0.0.1",)),
        (HttpEntry("http://x/", status=200, body=b"<p>hi</p>", body_sha256="ab" * 32),),
    )


def _finding(asset, check="http-down"):
    return Finding(asset.name, check, Severity.MEDIUM, "t", "标题", "evidence=1")


def test_finding_lifecycle_open_in_progress_resolved_reopened(tmp_path, clock):
    from checks.finding_state import manual_steps

    store = Store(tmp_path / "aw.db", clock=clock)
    asset = store.add(Asset("www.example.test"))
    store.record([(_outcome(asset, clock), [_finding(asset)])])
    first = store.findings()[0]
    assert first.status == FindingStatus.OPEN and first.firing

    clock.now += timedelta(hours=1)
    store.record([(_outcome(asset, clock), [_finding(asset)])])
    again = store.findings()[0]
    assert again.first_seen == first.first_seen and again.last_seen == clock.now

    manual = manual_steps("http-down")
    assert store.attest(first.id, manual[0], note="owner says it is still needed", who="alice") == (
        FindingStatus.IN_PROGRESS
    )

    clock.now += timedelta(hours=1)
    store.record([(_outcome(asset, clock), [])])
    assert store.findings() == []  # no longer firing: nothing for cron to report
    stopped = store.findings(active_only=False)[0]
    assert stopped.status == FindingStatus.IN_PROGRESS and not stopped.firing

    for step in manual[1:]:
        status = store.attest(first.id, step, who="alice")
    assert status == FindingStatus.RESOLVED
    assert (
        store.findings(status=FindingStatus.RESOLVED, active_only=False)[0].resolved_at == clock.now
    )
    assert [e["action"] for e in store.events()].count("step.attest") == len(manual)

    clock.now += timedelta(hours=1)
    store.record([(_outcome(asset, clock), [_finding(asset)])])
    reopened = store.findings()[0]
    assert reopened.status == FindingStatus.OPEN and reopened.first_seen == first.first_seen
    assert store.db.execute("SELECT reopened FROM findings").fetchone()[0] == 1
    assert store.attestations(first.id) == {}  # a reopened finding starts a new round
    store.close()


def test_accepted_risk_lasts_until_its_expiry(tmp_path, clock):
    store = Store(tmp_path / "aw.db", clock=clock)
    asset = store.add(Asset("www.example.test"))
    store.record([(_outcome(asset, clock), [_finding(asset)])])
    record = store.findings()[0]
    with pytest.raises(UserError):
        store.accept_risk(record.id, "", clock.now + timedelta(days=30))
    with pytest.raises(UserError):
        store.accept_risk(record.id, "vendor patch due", clock.now - timedelta(days=1))
    assert store.accept_risk(record.id, "vendor patch due", clock.now + timedelta(days=30)) == (
        FindingStatus.ACCEPTED
    )
    assert store.findings() == []  # accepted: not reported, not failing cron
    clock.now += timedelta(days=31)
    store.expire_acceptances()
    assert store.findings()[0].status == FindingStatus.OPEN
    assert any(e["action"] == "risk.accept" for e in store.events())
    store.close()


def test_only_manual_steps_can_be_attested(store):
    from checks.playbooks import playbook_for

    asset = store.add(Asset("www.example.test"))
    store.record([(_outcome(asset, store.clock), [_finding(asset)])])
    record = store.findings()[0]
    auto = next(i for i, s in enumerate(playbook_for("http-down").steps) if s.kind == "auto")
    with pytest.raises(UserError, match="not a manual step"):
        store.attest(record.id, auto)


def test_findings_filter_by_severity_and_sort_worst_first(store):
    asset = store.add(Asset("www.example.test"))
    low = Finding(asset.name, "https-not-enforced", Severity.LOW, "a", "甲", "e")
    crit = Finding(asset.name, "retired-still-serving", Severity.CRITICAL, "b", "乙", "e")
    store.record([(_outcome(asset, store.clock), [low, crit])])
    assert [r.finding.check for r in store.findings()] == [
        "retired-still-serving",
        "https-not-enforced",
    ]
    assert [r.finding.check for r in store.findings(min_severity=Severity.HIGH)] == [
        "retired-still-serving"
    ]


def test_probe_history_round_trips_and_bodies_are_stored_once(store):
    asset = store.add(Asset("www.example.test"))
    store.record([(_outcome(asset, store.clock), [])])
    store.record([(_outcome(asset, store.clock), [])])
    rows = list(store.probes(asset.id))
    assert len(rows) == 2
    assert store.db.execute("SELECT count(*) FROM pages").fetchone()[0] == 1
    back = outcome_from_json(asset, rows[0]["data"], {"ab" * 32: b"<p>hi</p>"})
    assert back.http[0].status == 200 and back.http[0].body == b"<p>hi</p>"
    assert store.asset("www.example.test") is not None


def test_retention_prunes_old_probes_but_keeps_the_latest_and_the_findings(tmp_path, clock):
    store = Store(tmp_path / "aw.db", clock=clock)
    a = store.add(Asset("a.example.test"))
    b = store.add(Asset("b.example.test"))
    store.record([(_outcome(a, clock), [_finding(a)]), (_outcome(b, clock), [])])
    clock.now += timedelta(days=10)
    store.record([(_outcome(b, clock), [])])
    clock.now += timedelta(days=175)
    assert store.prune(180) == 1  # b's first probe; a's only probe is its latest
    assert len(list(store.probes(a.id))) == 1
    assert len(store.findings()) == 1
    store.close()


def test_every_check_has_a_playbook_with_steps():
    from checks.catalog import CATALOG
    from checks.playbooks import playbook_for, playbooks

    for spec in CATALOG:
        book = playbook_for(spec.id)
        assert book is not None, spec.id
        assert book.steps and all(s.en and s.zh for s in book.steps)
    verifiers = {"evidence", "check-clear", "no-dns", "no-http", "tls-ok"}
    for book in playbooks():
        for step in book.steps:
            assert step.kind in ("auto", "manual")
            if step.kind == "auto":
                assert step.verify in verifiers or step.verify.startswith("clear:"), step.verify


def test_law_citations_come_from_one_table():
    from checks.laws import cite

    assert cite("CSL 23(1)", "zh") == "网络安全法第23条(1)（原第21条）"
    assert cite("CSL 27; PIPL 57", "en") == (
        "Cybersecurity Law Art. 27 (formerly 25); Personal Information Protection Law 57"
    )


def test_every_auto_step_kind_is_verified_from_probe_data():
    from datetime import UTC, datetime, timedelta

    from checks.models import CertInfo
    from checks.playbooks import Step, auto_step_done

    now = datetime(2026, 11, 29, tzinfo=UTC)
    asset = Asset("www.example.test")

    def probe(resolves=True, answered=True, ports=(), cert_days=90, verified=True):
        dns = DnsAnswer(
            asset.name,
            DnsStatus.ANSWER if resolves else DnsStatus.NXDOMAIN,
            ("127.0.0.1",) if resolves else (),
        )
        cert = CertInfo(
            "CN=x",
            "CN=ca",
            ("www.example.test",),
            now - timedelta(days=10),
            now + timedelta(days=cert_days),
            False,
            verified,
        )
        entry = HttpEntry("https://www.example.test/", status=200 if answered else None, tls=cert)
        return ProbeOutcome(asset, now, now, dns, (entry,), open_ports=ports)

    def done(verify, outcome, firing=frozenset()):
        return auto_step_done(
            Step("auto", "", "", verify=verify), "http-down", set(firing), outcome, now
        )

    assert done("evidence", None)
    assert done("check-clear", probe()) and not done("check-clear", probe(), {"http-down"})
    assert done("clear:no-https", probe(), {"http-down"})
    assert not done("clear:no-https", probe(), {"no-https"})
    assert done("no-dns", probe(resolves=False)) and not done("no-dns", probe())
    assert done("no-http", probe(answered=False)) and not done("no-http", probe())
    assert done("no-ports", probe()) and not done("no-ports", probe(ports=(3306,)))
    assert done("tls-ok", probe()) and not done("tls-ok", probe(cert_days=10))
    assert not done("tls-ok", probe(verified=False))
    assert not done("no-dns", None)
