"""The store: file safety, migrations, the finding lifecycle, the audit log, retention."""

from __future__ import annotations

import hashlib
import os
import sqlite3
import stat
from dataclasses import replace
from datetime import timedelta

import pytest

from checks.errors import UserError
from checks.model import (
    Asset,
    DnsAnswer,
    DnsStatus,
    Finding,
    FindingStatus,
    HttpEntry,
    HttpError,
    Lifecycle,
    ProbeOutcome,
    Severity,
)
from checks.store import Store
from checks.store.codec import outcome_from_json
from checks.store.schema import KNOWN, MIGRATIONS


def test_database_file_is_private_and_in_wal_mode(tmp_path):
    path = tmp_path / "sub" / "aw.db"
    store = Store(path)
    store.assets.add(Asset("www.example.test"))
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o600
    assert store.db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    store.close()


def test_migrations_apply_once_and_record_the_version(db_target):
    Store(db_target).close()
    again = Store(db_target)
    latest = len(KNOWN)
    assert again.schema_version == latest
    if again.backend == "sqlite":
        assert again.db.execute("PRAGMA user_version").fetchone()[0] == latest
    else:
        rows = again.db.execute("SELECT name FROM assetwatch_migrations ORDER BY seq").fetchall()
        assert [r[0] for r in rows] == KNOWN
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
    assert store.schema_version == len(KNOWN)
    assert store.assets.get("old.example.test") is not None
    assert store.checks.all() == {} and store.attestations.org() == {}
    store.close()


def test_a_newer_database_is_refused_not_damaged(db_target):
    store = Store(db_target)
    store.assets.add(Asset("kept.example.test"))
    with store.atomic():
        if store.backend == "sqlite":
            store.db.execute(
                "INSERT INTO _sqlite_migrations (migration_set, name, applied_at) "
                "VALUES ('assetwatch', 'm999_future', 'x')"
            )
        else:
            store.db.execute(
                "INSERT INTO assetwatch_migrations (seq, name, applied_at) "
                "VALUES (999, 'm999_future', 'x')"
            )
    store.close()
    with pytest.raises(UserError, match="newer"):
        Store(db_target)
    if not db_target.startswith("postgresql"):
        conn = sqlite3.connect(db_target)
        assert conn.execute("SELECT name FROM assets").fetchall() == [("kept.example.test",)]
        conn.close()


def test_two_connections_share_the_database(db_target):
    a, b = Store(db_target), Store(db_target)
    a.assets.add(Asset("one.example.test"))
    assert b.assets.get("one.example.test") is not None
    a.close()
    b.close()


def test_changes_are_logged_with_who_and_what(store):
    added = store.assets.add(Asset("www.example.test", owner="IT"), who="alice")
    store.assets.save(replace(added, lifecycle=Lifecycle.RETIRED), who="bob")
    events = store.audit.events()
    assert [(e.action, e.actor) for e in events] == [
        ("asset.add", "alice"),
        ("asset.update", "bob"),
    ]
    assert events[1].detail["changes"]["lifecycle"] == ["active", "retired"]
    asset = store.assets.get("www.example.test")
    assert asset.retired_at is not None


def test_adding_an_existing_name_is_refused(store):
    store.assets.add(Asset("www.example.test"))
    with pytest.raises(UserError, match="already exists"):
        store.assets.add(Asset("www.example.test"))


def _outcome(asset, clock, status=200, body=b"<p>hi</p>", headers=(), error=None):
    return ProbeOutcome(
        asset,
        clock(),
        clock(),
        DnsAnswer(asset.name, DnsStatus.ANSWER, ("127.0.0.1",)),
        (
            HttpEntry(
                "http://x/",
                status=status,
                error=error,
                body=body,
                body_sha256=hashlib.sha256(body).hexdigest(),
                headers=tuple(headers),
            ),
        ),
    )


def _finding(asset, check="http-down"):
    return Finding(asset.name, check, Severity.MEDIUM, "t", "标题", "evidence=1")


def test_finding_lifecycle_open_in_progress_resolved_reopened(db_target, clock):
    from checks.knowledge.playbooks import manual_steps

    store = Store(db_target, clock=clock)
    asset = store.assets.add(Asset("www.example.test"))
    store.probes.record([(_outcome(asset, clock), [_finding(asset)])])
    first = store.findings.query()[0]
    assert first.status == FindingStatus.OPEN and first.firing

    clock.now += timedelta(hours=1)
    store.probes.record([(_outcome(asset, clock), [_finding(asset)])])
    again = store.findings.query()[0]
    assert again.first_seen == first.first_seen and again.last_seen == clock.now

    manual = manual_steps("http-down")
    assert store.findings.attest(
        first.id, manual[0], note="owner says it is still needed", who="alice"
    ) == (FindingStatus.IN_PROGRESS)

    clock.now += timedelta(hours=1)
    store.probes.record([(_outcome(asset, clock), [])])
    assert store.findings.query() == []  # no longer firing: nothing for cron to report
    stopped = store.findings.query(active_only=False)[0]
    assert stopped.status == FindingStatus.IN_PROGRESS and not stopped.firing

    for step in manual[1:]:
        status = store.findings.attest(first.id, step, who="alice")
    assert status == FindingStatus.RESOLVED
    assert (
        store.findings.query(status=FindingStatus.RESOLVED, active_only=False)[0].resolved_at
        == clock.now
    )
    assert [e.action for e in store.audit.events()].count("step.attest") == len(manual)

    clock.now += timedelta(hours=1)
    store.probes.record([(_outcome(asset, clock), [_finding(asset)])])
    reopened = store.findings.query()[0]
    assert reopened.status == FindingStatus.OPEN and reopened.first_seen == first.first_seen
    assert store.db.execute("SELECT reopened FROM findings").fetchone()[0] == 1
    assert store.findings.attestations(first.id) == {}  # a reopened finding starts a new round
    store.close()


def test_accepted_risk_lasts_until_its_expiry(db_target, clock):
    store = Store(db_target, clock=clock)
    asset = store.assets.add(Asset("www.example.test"))
    store.probes.record([(_outcome(asset, clock), [_finding(asset)])])
    record = store.findings.query()[0]
    with pytest.raises(UserError):
        store.findings.accept_risk(record.id, "", clock.now + timedelta(days=30))
    with pytest.raises(UserError):
        store.findings.accept_risk(record.id, "vendor patch due", clock.now - timedelta(days=1))
    assert store.findings.accept_risk(
        record.id, "vendor patch due", clock.now + timedelta(days=30)
    ) == (FindingStatus.ACCEPTED)
    assert store.findings.query() == []  # accepted: not reported, not failing cron
    clock.now += timedelta(days=31)
    store.findings.expire_acceptances()
    assert store.findings.query()[0].status == FindingStatus.OPEN
    assert any(e.action == "risk.accept" for e in store.audit.events())
    store.close()


def test_only_manual_steps_can_be_attested(store):
    from checks.knowledge.playbooks import StepKind, playbook_for

    asset = store.assets.add(Asset("www.example.test"))
    store.probes.record([(_outcome(asset, store.clock), [_finding(asset)])])
    record = store.findings.query()[0]
    auto = next(i for i, s in enumerate(playbook_for("http-down").steps) if s.kind == StepKind.AUTO)
    with pytest.raises(UserError, match="not a manual step"):
        store.findings.attest(record.id, auto)


def test_findings_filter_by_severity_and_sort_worst_first(store):
    asset = store.assets.add(Asset("www.example.test"))
    low = Finding(asset.name, "https-not-enforced", Severity.LOW, "a", "甲", "e")
    crit = Finding(asset.name, "retired-still-serving", Severity.CRITICAL, "b", "乙", "e")
    store.probes.record([(_outcome(asset, store.clock), [low, crit])])
    assert [r.finding.check for r in store.findings.query()] == [
        "retired-still-serving",
        "https-not-enforced",
    ]
    assert [r.finding.check for r in store.findings.query(min_severity=Severity.HIGH)] == [
        "retired-still-serving"
    ]


def test_probe_history_round_trips_and_bodies_are_stored_once(store):
    asset = store.assets.add(Asset("www.example.test"))
    store.probes.record([(_outcome(asset, store.clock), [])])
    store.probes.record([(_outcome(asset, store.clock), [])])
    rows = list(store.probes.history(asset.id))
    assert len(rows) == 1  # the second probe changed nothing: a compact row
    assert len(store.probes.trend.points(asset.id)) == 2
    assert store.db.execute("SELECT count(*) FROM pages").fetchone()[0] == 1
    sha = hashlib.sha256(b"<p>hi</p>").hexdigest()
    back = outcome_from_json(asset, rows[0]["data"], {sha: b"<p>hi</p>"})
    assert back.http[0].status == 200 and back.http[0].body == b"<p>hi</p>"
    assert store.assets.get("www.example.test") is not None


def test_retention_prunes_old_probes_but_keeps_the_latest_and_the_findings(db_target, clock):
    store = Store(db_target, clock=clock)
    a = store.assets.add(Asset("a.example.test"))
    b = store.assets.add(Asset("b.example.test"))
    store.probes.record([(_outcome(a, clock), [_finding(a)]), (_outcome(b, clock), [])])
    clock.now += timedelta(days=10)
    store.probes.record([(_outcome(b, clock, status=503), [])])  # a change: a full row
    clock.now += timedelta(days=175)
    assert store.probes.prune(180) == 1  # b's first probe; a's only probe is its latest
    assert len(list(store.probes.history(a.id))) == 1
    assert len(store.findings.query()) == 1
    store.close()


def test_a_probe_that_changed_nothing_is_a_compact_row_and_a_change_is_a_full_one(store):
    asset = store.assets.add(Asset("www.example.test"))
    clock = store.clock
    first = _outcome(asset, clock, body=b"<p>visits 41</p>", headers=[("date", "Mon, 01 Dec")])
    store.probes.record([(first, [])])
    # another Date header, another counter in the page: the same story
    same = _outcome(asset, clock, body=b"<p>visits 42</p>", headers=[("date", "Tue, 02 Dec")])
    store.probes.record([(same, [])])
    assert len(list(store.probes.history(asset.id))) == 1
    store.probes.record([(_outcome(asset, clock, status=500), [])])
    assert [r["http_status"] for r in store.probes.history(asset.id)] == [500, 200]
    assert store.db.execute("SELECT count(*) FROM probe_ticks").fetchone()[0] == 1
    row = store.views.asset_rows([asset.id])[0]
    assert row.http_status == 500 and row.last_checked is not None


def test_compact_rows_roll_up_and_uptime_survives(db_target, clock):
    store = Store(db_target, clock=clock)
    asset = store.assets.add(Asset("www.example.test"))
    start = clock.now
    for i in range(8 * 24 * 4):  # eight days every 15 minutes, down one probe in four
        down = i % 4 == 0  # refused: not an answer (a 503 would be one)
        outcome = _outcome(
            asset, clock, status=None if down else 200, error=HttpError.CONNECT if down else None
        )
        store.probes.record([(outcome, [])])
        clock.now += timedelta(minutes=15)
    before = store.probes.trend.uptime(asset.id, start)
    store.probes.prune(180)
    after = store.probes.trend.uptime(asset.id, start)
    assert before.probes == after.probes == 8 * 24 * 4
    assert before.up == after.up and after.ratio == 0.75
    week_ago = (clock.now - timedelta(days=7)).isoformat(timespec="seconds")
    old = store.db.execute("SELECT count(*) FROM probe_ticks WHERE at < ?", [week_ago])
    assert old.fetchone()[0] == 0  # what is older than a week is aggregated
    assert store.db.execute("SELECT count(*) FROM probe_ticks").fetchone()[0] > 0
    hours = store.db.execute("SELECT count(*) FROM probe_rollups").fetchone()[0]
    assert hours >= 24  # the day older than a week, by the hour
    store.close()


def test_an_old_database_is_compacted_as_it_is_used(tmp_path, clock):
    from sqlite_utils import Database

    path = tmp_path / "old.db"
    store = Store(path, clock=clock)
    asset = store.assets.add(Asset("www.example.test"))
    for _ in range(5):
        store.probes.record([(_outcome(asset, clock, status=500), [])])
        store.probes.record([(_outcome(asset, clock), [])])  # alternating: five full rows each
    store.close()
    raw = Database(path)  # written as an older assetwatch would have: no digests, plain JSON
    raw.execute("UPDATE probes SET digest = NULL")
    # ... and before m012, which notes where such rows can be when it upgrades the file
    raw.execute("DELETE FROM _sqlite_migrations WHERE name = 'm012_legacy_history'")
    raw.execute("DELETE FROM settings WHERE key = '_history.legacy_until'")
    raw.conn.commit()
    raw.close()
    store = Store(path, clock=clock)
    before = store.db.execute("SELECT count(*) FROM probes").fetchone()[0]
    store.probes.prune(180)
    after = store.db.execute("SELECT count(*) FROM probes").fetchone()[0]
    assert (
        after <= before
        and store.db.execute("SELECT count(*) FROM probes WHERE digest IS NULL").fetchone()[0] == 0
    )
    assert store.probes.latest(asset).http[0].status == 200
    store.close()


def test_stored_outcomes_read_whichever_way_they_were_written():
    import json
    import zlib

    from checks.store.codec import pack, unpack

    text = json.dumps({"dns": {"status": "answer"}, "http": [], "title": "示例"})
    packed = pack(text)
    assert packed[1] & 0x20  # compressed with the preset dictionary, which it names
    assert unpack(packed) == text
    assert unpack(zlib.compress(text.encode())) == text  # rows of the first m010 databases
    assert unpack(text) == text  # rows written before m010
    big = json.dumps({"headers": [["content-type", "text/html; charset=utf-8"]] * 4})
    assert len(pack(big)) < len(zlib.compress(big.encode(), 6))


def test_a_finding_seen_from_one_place_stays_open_while_the_other_does_not_see_it(db_target, clock):
    store = Store(db_target, clock=clock)
    asset = store.assets.add(Asset("oa.example.test"))
    exposed = _finding(asset, "risky-port")
    store.probes.record([(_outcome(asset, clock), [exposed])], location="inside")
    clock.now += timedelta(minutes=5)
    # The outside does not see the port: that is not a fix while the inside still does.
    store.probes.record([(_outcome(asset, clock), [])], location="outside")
    (record,) = store.findings.query()
    assert record.firing and record.status == FindingStatus.OPEN
    places = store.findings.sightings(asset.id)[record.id]
    assert {p: seen for p, (seen, _) in places.items()} == {"inside": True, "outside": False}
    # Each place keeps its own latest probe (the grid shows the newest of any place).
    rows = store.db.execute(
        "SELECT location FROM asset_locations WHERE asset_id = ? ORDER BY location", [asset.id]
    ).fetchall()
    assert [r[0] for r in rows] == ["inside", "outside"]
    # Once the inside stops seeing it too, it stops firing.
    clock.now += timedelta(minutes=5)
    store.probes.record([(_outcome(asset, clock), [])], location="inside")
    assert store.findings.query() == []
    store.close()


def test_a_place_that_stopped_probing_holds_a_finding_open_only_for_a_while(db_target, clock):
    from checks.store.findings import SIGHTING_DAYS

    store = Store(db_target, clock=clock)
    asset = store.assets.add(Asset("www.example.test"))
    store.probes.record([(_outcome(asset, clock), [_finding(asset)])], location="branch")
    (record,) = store.findings.query()
    assert set(store.findings.sightings(asset.id)[record.id]) == {"branch"}
    clock.now += timedelta(days=SIGHTING_DAYS, minutes=1)
    store.probes.record([(_outcome(asset, clock), [])])
    assert store.findings.query() == []
    # Nor does its old sighting say "not seen from here" any more (the asset screen).
    assert set(store.findings.sightings(asset.id).get(record.id, {})) == {""}
    assert store.findings.split_by_place() == []
    store.close()


def test_a_check_skipped_here_leaves_the_other_places_sighting_alone(db_target, clock):
    store = Store(db_target, clock=clock)
    asset = store.assets.add(Asset("www.example.test"))
    store.probes.record([(_outcome(asset, clock), [_finding(asset)])], location="outside")
    skipped = replace(_outcome(asset, clock), skipped=frozenset({"http-down"}))
    store.probes.record([(skipped, [])], location="inside")
    (record,) = store.findings.query()
    assert set(store.findings.sightings(asset.id)[record.id]) == {"outside"}
    store.close()


def test_unchanged_probes_from_two_places_are_compact_rows_of_their_own_place(db_target, clock):
    store = Store(db_target, clock=clock)
    asset = store.assets.add(Asset("www.example.test"))
    for _ in range(3):
        for place in ("inside", "outside"):
            clock.now += timedelta(minutes=1)
            store.probes.record([(_outcome(asset, clock), [])], location=place)
    full = store.db.execute("SELECT location FROM probes ORDER BY id").fetchall()
    assert [r[0] for r in full] == ["inside", "outside"]
    assert store.db.execute("SELECT count(*) FROM probe_ticks").fetchone()[0] == 4
    store.close()
