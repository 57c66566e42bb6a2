"""The application layer both front ends call: probe config, schedule, inventory, remediation."""

from __future__ import annotations

from datetime import timedelta

import pytest

from checks.errors import UserError
from checks.intake import ParsedFile
from checks.model import Asset, Lifecycle, Settings
from checks.service import inventory, remediation
from checks.service.schedule import due
from checks.service.sweeps import ProbeOverrides, config_from, run_async, run_sweep


def test_command_line_beats_settings_beats_defaults():
    stored = Settings(concurrency=16, timeout=4.0, nameservers=("127.0.0.1:5353",))
    config = config_from(stored, ProbeOverrides())
    assert (config.concurrency, config.timeout) == (16, 4.0)
    assert config.nameservers == (("127.0.0.1", 5353),)
    told = ProbeOverrides(nameservers=(("127.0.0.2", 53),), timeout=2.0, concurrency=8, light=True)
    config = config_from(stored, told)
    assert (config.concurrency, config.timeout, config.paths) == (8, 2.0, False)
    assert config.nameservers == (("127.0.0.2", 53),)
    default = config_from(Settings(), ProbeOverrides())
    assert (default.concurrency, default.timeout, default.nameservers) == (256, 10.0, ())


@pytest.mark.parametrize("bad", [0.0, -1.0, float("nan"), float("inf")])
def test_numbers_that_are_not_positive_are_refused(bad):
    with pytest.raises(UserError, match="positive"):
        config_from(Settings(), ProbeOverrides(timeout=bad))


def test_stored_settings_are_read_typed(store):
    store.settings.set("concurrency", "12")
    store.settings.set("timeout", "2.5")
    store.settings.set("nameservers", "127.0.0.1:53 127.0.0.2")
    store.settings.set("interval_min", "not a number")
    read = store.settings.read()
    assert (read.concurrency, read.timeout, read.interval_min) == (12, 2.5, 15)
    assert read.nameservers == ("127.0.0.1:53", "127.0.0.2")


def test_due_assets_and_the_next_due_time(clock):
    now = clock()
    fresh, stale, never = Asset("a.test", id=1), Asset("b.test", id=2), Asset("c.test", id=3)
    own = Asset("d.test", id=4, interval_s=60)
    schedule = due(
        [
            (fresh, now - timedelta(minutes=5)),
            (stale, now - timedelta(minutes=20)),
            (never, None),
            (own, now - timedelta(seconds=30)),
        ],
        Settings(interval_min=15),
        now,
    )
    assert [a.name for a in schedule.due] == ["b.test", "c.test"]
    assert schedule.next_at == now + timedelta(seconds=30) and not schedule.everything
    assert due([(never, None)], Settings(), now).everything


def test_a_form_or_file_saying_retired_starts_the_decommission_checklist(store):
    created = inventory.add(store, Asset("old.example.test", lifecycle=Lifecycle.RETIRED))
    assert created.asset.lifecycle == Lifecycle.RETIRED  # a new record is taken as it is
    live = inventory.add(store, Asset("www.example.test")).asset
    saved = inventory.save(store, Asset(live.name, lifecycle=Lifecycle.RETIRED))
    assert saved.asset.lifecycle == Lifecycle.RETIRING and saved.transition.held
    parsed = ParsedFile()
    parsed.assets.append((2, Asset("shop.example.test"), frozenset()))
    parsed.assets.append(
        (3, Asset("www.example.test", lifecycle=Lifecycle.RETIRED), frozenset({"status"}))
    )
    result = inventory.import_parsed(store, parsed)
    assert (result.rows, result.new, result.existing) == (2, 1, 1)
    assert store.assets.get("www.example.test").lifecycle == Lifecycle.RETIRING


def test_unknown_names_are_a_user_error(store):
    with pytest.raises(UserError, match="no asset named"):
        inventory.asset_named(store, "nowhere.example.test")


def test_decommission_completes_only_when_every_step_holds(tmp_path, lab):
    from checks.store import Store

    store = Store(tmp_path / "aw.db")
    lab.seed(store)
    hr = inventory.retire(store, store.assets.get("www.shili-tech.test"))
    assert hr.lifecycle == Lifecycle.RETIRING
    with pytest.raises(UserError, match="not a manual step"):
        remediation.attest_decommission(store, hr, 2)  # "DNS removed" is verified, not attested
    config = config_from(store.settings.read(), lab.overrides())
    run_async(run_sweep(store, config, [hr]))
    steps = remediation.decommission_steps(store, hr)
    for step in steps:
        if step.step.kind == "manual":
            hr = remediation.attest_decommission(store, hr, step.index, who="admin")
    # the site still resolves and serves: the auto steps hold it back
    assert store.assets.get(hr.name).lifecycle == Lifecycle.RETIRING
    assert not all(s.done for s in remediation.decommission_steps(store, hr))
    store.close()


def test_a_blind_sweep_certifies_nothing_and_clears_nothing(tmp_path, lab):
    """A resolver that never answers: findings stay, no decommission completes, no ✓."""
    import socket
    from dataclasses import replace

    from checks.model import FindingStatus
    from checks.service import org
    from checks.store import Store

    store = Store(tmp_path / "aw.db")
    lab.seed(store)
    run_async(run_sweep(store, config_from(store.settings.read(), lab.overrides())))
    alive = {
        (r.finding.asset, r.finding.check): r
        for r in store.findings.query()
        if r.finding.check.startswith("retired-still")
    }
    assert len(alive) == 4  # the HR site and the OA both resolve and serve
    www = inventory.retire(store, store.assets.get("www.shili-tech.test"))
    for step in remediation.decommission_steps(store, www):
        if step.step.kind == "manual":
            remediation.attest_decommission(store, www, step.index, who="admin")

    deaf = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    deaf.bind(("127.0.0.1", 0))  # receives the questions, never answers
    blind = replace(lab.overrides(timeout=1.0), nameservers=(deaf.getsockname(),))
    try:
        progress = run_async(run_sweep(store, config_from(store.settings.read(), blind)))
    finally:
        deaf.close()

    assert not progress.complete and len(progress.unobserved) == progress.done
    for key, before in alive.items():
        now = store.findings.one(*key)
        assert now.firing and now.status == FindingStatus.OPEN
        assert now.last_seen == before.last_seen  # last verified: the sweep that saw it
    assert store.assets.get("www.shili-tech.test").lifecycle == Lifecycle.RETIRING
    states = {s.item.id: s for s in org.states(store)}
    network = [s for s in states.values() if s.item.auto.get("no_findings")]
    assert network and not any(s.done or s.computed for s in network)
    assert states["retired-assets-dark"].computed is False  # still open: a verdict
    store.close()


def test_a_blind_sweep_turns_a_clean_bill_into_not_verified(tmp_path, lab):
    import socket
    from dataclasses import replace

    from checks.service import org
    from checks.store import Store

    store = Store(tmp_path / "aw.db")
    for asset in lab.inventory:
        if asset.name in ("www.shili-tech.test", "shili-tech.test"):
            inventory.save(store, asset)
    run_async(run_sweep(store, config_from(store.settings.read(), lab.overrides())))
    clean = {s.item.id: s for s in org.states(store)}["tls-everywhere"]
    assert clean.computed is True and clean.done
    deaf = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    deaf.bind(("127.0.0.1", 0))
    blind = replace(lab.overrides(timeout=1.0), nameservers=(deaf.getsockname(),))
    try:
        run_async(run_sweep(store, config_from(store.settings.read(), blind)))
    finally:
        deaf.close()
    after = {s.item.id: s for s in org.states(store)}["tls-everywhere"]
    assert after.computed is None and not after.done
    assert after.not_verified.startswith("unobserved=2")
    store.close()


def test_an_empty_inventory_verifies_nothing(store):
    from checks.service import org

    computed = [s for s in org.states(store) if s.item.auto]
    assert computed and not any(s.done for s in computed)
    assert all(s.computed is not True for s in computed)


def test_switching_a_check_off_makes_its_items_not_verified(recorded_store):
    from checks.service import checks_admin, org

    checks_admin.disable(recorded_store, "retired-still-serving", "noise")
    checks_admin.disable(recorded_store, "retired-still-resolves", "noise")
    dark = next(s for s in org.states(recorded_store) if s.item.id == "retired-assets-dark")
    assert not dark.done and dark.computed is None and "checks_off=" in dark.not_verified
    # the findings are not resolved by switching off: they wait, unreported
    kept = recorded_store.findings.query(active_only=False)
    assert any(r.finding.check == "retired-still-serving" and r.firing for r in kept)
    assert not any(r.finding.check.startswith("retired") for r in recorded_store.findings.query())


def test_an_expired_acceptance_shows_at_once_not_at_the_next_sweep(recorded_store):
    from checks.model import FindingStatus

    clock = recorded_store.clock
    record = recorded_store.findings.query()[0]
    recorded_store.findings.accept_risk(record.id, "patch due", clock() + timedelta(days=1))
    assert record.id not in {r.id for r in recorded_store.findings.query()}
    clock.now += timedelta(days=2)  # no sweep in between
    again = next(r for r in recorded_store.findings.query() if r.id == record.id)
    assert again.status == FindingStatus.OPEN


def test_files_handed_on_are_private_and_never_written_through_a_symlink(tmp_path):
    import os
    import stat

    from checks.service.files import write_private

    target = tmp_path / "elsewhere.txt"
    target.write_text("untouched")
    link = tmp_path / "report.html"
    link.symlink_to(target)
    with pytest.raises(UserError, match="symbolic link"):
        write_private(link, b"<html>")
    assert target.read_text() == "untouched"
    plain = tmp_path / "report.md"
    plain.write_text("old")
    os.chmod(plain, 0o644)
    write_private(plain, b"# new")
    assert plain.read_bytes() == b"# new" and stat.S_IMODE(plain.stat().st_mode) == 0o600


def test_evidence_files_are_private(tmp_path, recorded_store):
    import stat

    from checks.service.evidence import export

    asset = recorded_store.assets.get("www.renli-hr.test")
    files = export(recorded_store, asset, tmp_path / "ev")
    assert files and all(stat.S_IMODE(f.stat().st_mode) == 0o600 for f in files)


def test_a_sweep_sharded_over_processes_finds_what_one_process_finds(tmp_path, lab):
    from dataclasses import replace

    from checks.store import Store

    found = []
    for processes in (1, 2):
        store = Store(tmp_path / f"p{processes}.db")
        lab.seed(store)
        config = replace(config_from(store.settings.read(), lab.overrides()), processes=processes)
        progress = run_async(run_sweep(store, config, shard_from=2))
        assert progress.done == len(lab.inventory)
        found.append(
            sorted(
                (r.finding.asset, r.finding.check, r.finding.subject)
                for r in store.findings.query()
            )
        )
        store.close()
    assert found[0] == found[1] and len(found[0]) > 30


async def test_a_sweep_starts_no_new_probe_while_its_reader_is_behind():
    import asyncio
    from types import SimpleNamespace

    from checks.model import Asset, DnsAnswer, DnsStatus, ProbeOutcome, utcnow
    from checks.probe import sweep

    started: list[str] = []

    class Counting:
        config = SimpleNamespace(concurrency=4)

        async def probe(self, asset: Asset) -> ProbeOutcome:
            started.append(asset.name)
            await asyncio.sleep(0)
            now = utcnow()
            return ProbeOutcome(asset, now, now, DnsAnswer(asset.name, DnsStatus.ANSWER))

    outcomes = sweep([Asset(f"a{i}.test") for i in range(100)], Counting())  # type: ignore[arg-type]
    first = await anext(outcomes)
    await asyncio.sleep(0.05)  # a writer that is busy
    assert first.asset.name == "a0.test"
    assert len(started) <= 4 + 4 + 1  # in flight, waiting to be read, and the one read
    rest = [o async for o in outcomes]
    assert len(rest) == 99 and len(started) == 100


@pytest.mark.parametrize("guarded", [True, False])
def test_sweep_workers_start_under_a_captured_stderr(guarded):
    # Inside the dashboard Textual captures stderr with an object whose fileno() is -1, which
    # multiprocessing hands its resource tracker: starting sweep workers failed there.
    import subprocess
    import sys

    script = f"""
import contextlib, multiprocessing, os, sys
class Captured:
    def write(self, text): return len(text)
    def flush(self): pass
    def fileno(self): return -1
sys.stderr = Captured()
from checks.service.shards import _real_stderr
try:
    with _real_stderr() if {guarded} else contextlib.nullcontext():
        context = multiprocessing.get_context("spawn")
        out = context.Queue()
        worker = context.Process(target=os.getpid)
        worker.start()
except ValueError as exc:
    print("failed", exc)
    raise SystemExit(1)
worker.join(30)
print("exit", worker.exitcode)
"""
    run = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=60)
    if guarded:
        assert run.returncode == 0 and "exit 0" in run.stdout, run.stderr
    else:  # the failure the guard prevents, still there in multiprocessing
        assert run.returncode == 1 and "fds_to_keep" in run.stdout


# -- issue 13: the fix-first queue, shared steps, evidence hashes, deleting an asset ----------

HR = "www.renli-hr.test"


def test_the_queue_is_worst_first_with_deadlines_and_owners(recorded_store):
    from checks.service import workday

    store = recorded_store
    queue = workday.todo(store)
    ranks = [t.record.finding.severity.rank for t in queue]
    assert queue and ranks == sorted(ranks, reverse=True)
    assert all(t.record.status in workday.QUEUED for t in queue)
    critical = next(t for t in queue if t.asset.name == HR)
    assert critical.record.finding.severity.value == "critical"
    assert critical.due_at == critical.record.first_seen + timedelta(days=1)
    assert not critical.overdue and critical.age == timedelta(minutes=3)
    assert critical.owner == "人事部 李娜"
    # Two days on, the critical ones are overdue; a low one (30 days) is not.
    later = workday.todo(store, now=store.clock() + timedelta(days=2))
    assert all(t.overdue for t in later if t.record.finding.severity.value == "critical")
    assert not any(t.overdue for t in later if t.record.finding.severity.value == "low")
    # Owner filter: a part of the owner, any case; "-" is nobody's.
    assert {t.asset.name for t in workday.todo(store, owner="李娜")} == {HR, "renli-hr.cn"}
    assert {t.asset.name for t in workday.todo(store, owner="-")} == {"files.shili-tech.test"}
    # A deadline is a setting; 0 means none.
    store.settings.set("due_days_critical", "0")
    assert workday.todo(store, owner="李娜")[0].due_at is None


def test_an_accepted_risk_leaves_the_queue_until_it_expires(recorded_store):
    from checks.service import workday

    store = recorded_store
    record = store.findings.one(HR, "seo-spam")
    assert record is not None and record.id is not None
    store.findings.accept_risk(record.id, "court order pending", store.clock() + timedelta(days=3))
    assert record.id not in {t.record.id for t in workday.todo(store)}
    store.clock.now += timedelta(days=4)
    assert record.id in {t.record.id for t in workday.todo(store)}


def test_a_step_several_findings_share_is_attested_once_for_all(recorded_store):
    store = recorded_store
    asset = inventory.asset_named(store, HR)
    work = {w.key: w for w in remediation.asset_worklist(store, asset)}
    both = work["retired-asset-alive.1"]
    assert [r.finding.check for r in both.findings] == [
        "retired-still-resolves",
        "retired-still-serving",
    ]
    # One action several playbooks ask for: the ICP filing is cancelled once.
    assert len(work["cancel-icp-filing"].findings) == 3
    assert not work["icp-unlisted.2"].shared  # a finding's own steps stay its own
    keys = ["retired-asset-alive.1", "cancel-icp-filing"]
    after = remediation.attest_steps(store, asset, keys, note="signed off", who="李娜")
    done = {w.key: w for w in after}
    assert done["retired-asset-alive.1"].done and done["cancel-icp-filing"].done
    assert done["cancel-icp-filing"].attestation is not None
    assert done["cancel-icp-filing"].attestation.note == "signed off"
    for record, index in zip(both.findings, both.indexes, strict=True):
        assert record.id is not None and index in store.findings.attestations(record.id)
    logged = [e for e in store.audit.events() if e.action == "step.attest"]
    assert len(logged) == 2 + 3 and {e.detail["key"] for e in logged} == set(keys)
    # Taking it back takes it back everywhere.
    back = {w.key: w for w in remediation.unattest_step(store, asset, "cancel-icp-filing")}
    assert not back["cancel-icp-filing"].done and back["retired-asset-alive.1"].done
    assert [e.action for e in store.audit.events()].count("step.unattest") == 3


def test_attesting_several_steps_is_all_or_nothing(recorded_store):
    store = recorded_store
    asset = inventory.asset_named(store, HR)
    for keys in (
        ["retired-asset-alive.2", "no-such-step"],
        ["retired-asset-alive.2", "icp-cancel.1"],
    ):
        with pytest.raises(UserError) as raised:
            remediation.attest_steps(store, asset, keys)
        assert raised.value.zh and raised.value.en != raised.value.zh
    work = {w.key: w for w in remediation.asset_worklist(store, asset)}
    assert not work["retired-asset-alive.2"].done
    assert not [e for e in store.audit.events() if e.action == "step.attest"]


def test_evidence_files_are_hashed_and_links_kept(recorded_store, tmp_path):
    import hashlib

    store = recorded_store
    asset = inventory.asset_named(store, HR)
    shot = tmp_path / "beian-empty.png"
    shot.write_bytes(b"\x89PNG screenshot")
    after = remediation.attest_steps(
        store, asset, ["cancel-icp-filing"], note="order 123", evidence=str(shot)
    )
    signed = next(w for w in after if w.key == "cancel-icp-filing").attestation
    assert signed is not None
    assert signed.evidence == str(shot.resolve())
    assert signed.evidence_sha256 == hashlib.sha256(b"\x89PNG screenshot").hexdigest()
    link = "https://beian.miit.gov.cn/#/Integrated/recordQuery"
    after = remediation.attest_steps(store, asset, ["cancel-police-filing"], evidence=link)
    signed = next(w for w in after if w.key == "cancel-police-filing").attestation
    assert signed is not None and (signed.evidence, signed.evidence_sha256) == (link, "")
    with pytest.raises(UserError) as raised:
        remediation.attest_steps(
            store, asset, ["retired-asset-alive.2"], evidence=str(tmp_path / "missing.png")
        )
    assert "not found" in raised.value.en and "不存在" in raised.value.zh
    with pytest.raises(UserError, match="folder"):
        remediation.evidence_file(str(tmp_path))


def test_a_deleted_asset_leaves_the_inventory_but_not_the_record(recorded_store):
    from checks.service import workday

    store = recorded_store
    asset = inventory.asset_named(store, "docs.shili-tech.test")
    before = store.findings.query(asset_id=asset.id, active_only=False)
    assert before
    inventory.delete(store, asset, who="赵磊")
    assert store.assets.get(asset.name) is None
    assert asset.name not in {a.name for a in store.assets.all()}
    assert asset.name not in {r.asset.name for r in store.views.asset_rows()}
    assert not store.findings.query(asset_id=asset.id, active_only=False)
    assert asset.name not in {t.asset.name for t in workday.todo(store)}
    kept = store.findings.query(asset_id=asset.id, active_only=False, include_deleted=True)
    assert [r.id for r in kept] == [r.id for r in before]
    gone = store.assets.by_id(asset.id or 0)
    assert gone is not None and gone.name == asset.name and gone.deleted_at is not None
    event = store.audit.last("asset.delete")
    assert event is not None and event.detail["name"] == asset.name and event.actor == "赵磊"
    with pytest.raises(UserError):
        inventory.delete(store, asset)
    # The name can be added again: a new asset, the old record kept apart.
    again = inventory.add(store, Asset(asset.name)).asset
    assert again.id != asset.id and inventory.asset_named(store, asset.name).id == again.id
    assert store.assets.by_id(asset.id or 0) is not None


def test_importing_a_deleted_name_starts_a_new_asset(recorded_store, tmp_path):
    store = recorded_store
    asset = inventory.asset_named(store, "docs.shili-tech.test")
    inventory.delete(store, asset)
    rows = tmp_path / "assets.csv"
    rows.write_text("name,owner\ndocs.shili-tech.test,市场部\n", encoding="utf-8")
    done = inventory.import_file(store, rows)
    assert (done.new, done.errors) == (1, ())
    again = inventory.asset_named(store, "docs.shili-tech.test")
    assert again.id != asset.id and again.owner == "市场部"
    old = store.assets.by_id(asset.id or 0)
    assert old is not None and old.deleted_at is not None
    assert store.findings.query(asset_id=asset.id, active_only=False, include_deleted=True)


def test_a_url_given_as_a_name_becomes_host_and_url():
    asset = inventory.from_url(
        Asset("https://hr.example.com:8443/portal", urls=("http://x.test/",))
    )
    assert asset.name == "hr.example.com"
    assert asset.urls == ("https://hr.example.com:8443/portal", "http://x.test/")
    assert inventory.from_url(Asset("hr.example.com")) == Asset("hr.example.com")
