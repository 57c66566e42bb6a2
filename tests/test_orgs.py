"""Organisations in one install: each its own namespace, registered in the default one."""

from __future__ import annotations

import json

import pytest

from checks.errors import UserError
from checks.model import Asset
from checks.service.orgs import open_org, rollup
from checks.store import Store
from tui.cli import main


def run(capsys, *argv):
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_an_organisations_assets_never_show_in_another(db_target):
    root = Store(db_target)
    root.orgs.add("acme", title="ACME Group")
    root.orgs.add("acme-hr", parent="acme")
    root.assets.add(Asset("www.root.example.test"))
    acme = open_org(db_target, "acme")
    acme.assets.add(Asset("www.acme.example.test"))
    hr = open_org(db_target, "acme-hr")
    assert [a.name for a in hr.assets.all()] == []
    assert [a.name for a in acme.assets.all()] == ["www.acme.example.test"]
    assert [a.name for a in root.assets.all()] == ["www.root.example.test"]
    assert root.orgs.lineage("acme-hr") == ["acme-hr", "acme", "default"]
    states = {s.name: s for s in rollup(hr)}
    assert set(states) == {"default", "acme", "acme-hr"}
    assert states["acme"].assets["active"] == 1 and states["acme-hr"].assets["active"] == 0
    assert states["acme-hr"].parent == "acme"
    for s in (root, acme, hr):
        s.close()


def test_unknown_organisations_and_bad_names_are_refused(db_target):
    Store(db_target).close()
    with pytest.raises(UserError, match="no organisation nope"):
        open_org(db_target, "nope")
    with pytest.raises(UserError, match="not an organisation name"):
        open_org(db_target, "Bad Name")
    root = Store(db_target)
    with pytest.raises(UserError, match="no organisation ghost"):
        root.orgs.add("child", parent="ghost")
    root.orgs.add("child")
    with pytest.raises(UserError, match="exists"):
        root.orgs.add("child")
    root.close()


def test_the_command_line_works_on_one_organisation_and_rolls_up_all(capsys, db_target):
    assert run(capsys, "--db", db_target, "init")[0] == 0
    assert run(capsys, "--db", db_target, "orgs", "add", "city-a", "--title", "City A")[0] == 0
    code, _, err = run(capsys, "--db", db_target, "--org", "city-b", "list")
    assert code == 2 and "city-b" in err
    assert run(capsys, "--db", db_target, "--org", "city-a", "add", "www.a.example.test")[0] == 0
    _, out, _ = run(capsys, "--db", db_target, "--org", "city-a", "list", "--json")
    assert [json.loads(line)["name"] for line in out.splitlines()] == ["www.a.example.test"]
    _, out, _ = run(capsys, "--db", db_target, "list", "--json")
    assert out.strip() == ""
    _, out, _ = run(capsys, "--db", db_target, "orgs", "rollup", "--json")
    rows = {r["org"]: r for r in map(json.loads, out.splitlines())}
    assert rows["city-a"]["assets"]["active"] == 1 and rows["default"]["assets"]["active"] == 0
    assert rows["city-a"]["title"] == "City A" and rows["city-a"]["parent"] == "default"
    # The organisation checklist's progress, per organisation: an attestation counts only
    # where it was made.
    from checks.knowledge.org_items import items
    from checks.service import org as org_checklist

    before = rows["city-a"]["checklist"]
    assert 0 <= before["done"] < before["total"] == len(items())
    manual = next(i for i in items() if not i.auto)
    city = open_org(db_target, "city-a")
    org_checklist.attest(city, manual.id, note="rules adopted")
    city.close()
    _, out, _ = run(capsys, "--db", db_target, "orgs", "rollup", "--json")
    after = {r["org"]: r["checklist"] for r in map(json.loads, out.splitlines())}
    assert after["city-a"]["done"] == before["done"] + 1
    assert after["default"] == rows["default"]["checklist"]
    code, out, _ = run(capsys, "--db", db_target, "--lang", "zh", "orgs")
    assert code == 0 and "组织" in out and "city-a (City A)" in out


def test_exposure_names_what_one_place_sees_and_another_does_not(capsys, db_target, clock):
    from tests.test_store import _finding, _outcome

    store = Store(db_target, clock=clock)
    asset = store.assets.add(Asset("oa.example.test"))
    store.probes.record([(_outcome(asset, clock), [_finding(asset)])], location="inside")
    store.probes.record([(_outcome(asset, clock), [])], location="outside")
    store.close()
    code, out, _ = run(capsys, "--db", db_target, "exposure", "--json")
    (row,) = map(json.loads, out.splitlines())
    assert code == 0 and row["asset"] == "oa.example.test" and row["check"] == "http-down"
    assert row["seen_from"] == ["inside"] and row["not_seen_from"] == ["outside"]
    code, out, _ = run(capsys, "--db", db_target, "--lang", "zh", "exposure")
    assert "可见于" in out and "inside" in out and "outside:" in out


def test_the_asset_screen_says_where_it_was_probed_from_and_what_each_place_saw(db_target, clock):
    from tests.test_store import _finding, _outcome
    from tui.dashboard.screens.asset_text import overview, place_split

    store = Store(db_target, clock=clock)
    asset = store.assets.add(Asset("oa.example.test"))
    store.probes.record([(_outcome(asset, clock), [_finding(asset)])], location="inside")
    store.probes.record([(_outcome(asset, clock, status=503), [])], location="outside")
    detail = store.views.asset_detail(asset.id)
    assert [(p[0], p[2], p[3]) for p in detail.places] == [
        ("inside", "answer", 200),
        ("outside", "answer", 503),
    ]
    text = overview(detail, "en", clock()).plain
    assert "Probed from" in text and "inside" in text and "outside" in text and "503" in text
    (record,) = detail.findings
    assert place_split(record, detail, "en").startswith("seen from inside; not from outside")
    assert "inside 可见" in place_split(record, detail, "zh")
    # One machine, one unnamed place: nothing about places is said.
    single = store.assets.add(Asset("www.example.test"))
    store.probes.record([(_outcome(single, clock), [_finding(single)])])
    alone = store.views.asset_detail(single.id)
    assert "Probed from" not in overview(alone, "en", clock()).plain
    assert place_split(alone.findings[0], alone, "en") == ""
    store.close()


def test_scan_from_a_named_place_records_it(capsys, lab, db_target):
    from tests.test_cli import add_lab_sites, lab_args

    add_lab_sites(capsys, lab, db_target, "www.shili-tech.test")
    args = lab_args(lab, db_target)
    assert run(capsys, *args, "scan", "--light", "--location", "branch-2")[0] in (0, 1)
    store = Store(db_target)
    assert [p[1] for p in store.findings.places()] == ["branch-2"]
    store.close()
    code, _, err = run(capsys, *args, "scan", "--location", "Not Valid")
    assert code == 2 and "location" in err


def test_settings_inherit_from_the_parent_up_to_the_default_one(db_target):
    from checks.model import Settings
    from checks.service.orgs import effective_settings

    root = Store(db_target)
    root.orgs.add("group")
    root.orgs.add("group-sub", parent="group")
    root.settings.set("interval_min", "30")
    root.settings.set("org_name", "Root Co")
    group = open_org(db_target, "group")
    group.settings.set("interval_min", "10")
    sub = open_org(db_target, "group-sub")
    sub.settings.set("org_name", "Sub Co")
    sub.settings.set("retention_days", "")  # empty is unset: falls through
    got = effective_settings(sub)
    assert got.interval_min == 10  # the parent's overrides the root's
    assert got.org_name == "Sub Co"  # the child's own overrides both
    assert got.retention_days == Settings().retention_days  # nobody sets it: built-in
    assert effective_settings(group).org_name == "Root Co"  # unset falls through to root
    assert effective_settings(root) == root.settings.read()
    assert sub.settings.read().interval_min == Settings().interval_min  # own rows only
    for s in (root, group, sub):
        s.close()


def test_the_report_names_its_organisation_and_sweeps_use_inherited_settings(db_target, clock):
    from datetime import timedelta

    from checks.service.reports import build_report
    from checks.service.watch import due_now

    root = Store(db_target, clock=clock)
    root.orgs.add("branch")
    root.settings.set("org_name", "Root Co")
    root.settings.set("interval_min", "45")
    branch = open_org(db_target, "branch", clock=clock)
    now = clock()
    assert build_report(branch, now - timedelta(days=7), now, "en")["organization"] == ("branch")
    assert build_report(root, now - timedelta(days=7), now, "en")["organization"] == ("Root Co")
    branch.settings.set("org_name", "Branch Ltd")
    assert build_report(branch, now - timedelta(days=7), now, "en")["organization"] == (
        "Branch Ltd"
    )
    due_now(branch)  # the watcher's schedule reads the inherited settings without error
    for s in (root, branch):
        s.close()


def test_channels_and_contacts_inherit_until_an_organisation_has_its_own(db_target):
    from checks.alerting import Channel, ChannelKind, Contact, Rules
    from checks.model import Severity

    root = Store(db_target)
    root.orgs.add("group")
    root.orgs.add("group-sub", parent="group")
    root.channels.save(Channel("root-bot", ChannelKind.WEBHOOK, "http://127.0.0.1:9/root"))
    root.channels.set_contact(Contact("ops", dingtalk="13800000000"))
    group = open_org(db_target, "group")
    group.channels.save(
        Channel("group-bot", ChannelKind.WEBHOOK, "http://127.0.0.1:9/g", secret="s3")
    )
    sub = open_org(db_target, "group-sub")
    # The nearest ancestor with channels of its own gives them; contacts come from all.
    assert [c.name for c in sub.channels.all()] == ["group-bot"]
    assert sub.channels.get("group-bot").secret == "s3"
    assert sub.channels.inherited_from() == {"group-bot": "group"}
    assert sub.channels.contacts()["ops"].dingtalk == "13800000000"
    assert [c.name for c in group.channels.all()] == ["group-bot"]  # it has its own
    # A change in the parent reaches the child when it is opened next; a removal too.
    group.channels.save(
        Channel(
            "group-bot",
            ChannelKind.WEBHOOK,
            "http://127.0.0.1:9/g2",
            rules=Rules(min_severity=Severity.HIGH),
        )
    )
    sub.close()
    sub = open_org(db_target, "group-sub")
    assert sub.channels.get("group-bot").url == "http://127.0.0.1:9/g2"
    assert sub.channels.get("group-bot").rules.min_severity == Severity.HIGH
    group.channels.remove("group-bot")
    sub.close()
    sub = open_org(db_target, "group-sub")
    assert [c.name for c in sub.channels.all()] == ["root-bot"]  # next ancestor up
    # Channels of its own end the inheritance.
    sub.channels.save(Channel("sub-bot", ChannelKind.WEBHOOK, "http://127.0.0.1:9/s"))
    sub.close()
    sub = open_org(db_target, "group-sub")
    assert [c.name for c in sub.channels.all()] == ["sub-bot"]
    assert sub.channels.inherited_from() == {}
    for s in (root, group, sub):
        s.close()


def test_org_all_reads_every_organisation_and_refuses_to_write(capsys, db_target):
    assert run(capsys, "--db", db_target, "init")[0] == 0
    assert run(capsys, "--db", db_target, "orgs", "add", "city-a")[0] == 0
    assert run(capsys, "--db", db_target, "orgs", "add", "city-b")[0] == 0
    assert run(capsys, "--db", db_target, "--org", "city-a", "add", "www.a.example.test")[0] == 0
    assert run(capsys, "--db", db_target, "--org", "city-b", "add", "www.b.example.test")[0] == 0
    code, out, _ = run(capsys, "--db", db_target, "--org", "all", "list", "--json")
    assert code == 0
    got = sorted((r["org"], r["name"]) for r in map(json.loads, out.splitlines()))
    assert got == [("city-a", "www.a.example.test"), ("city-b", "www.b.example.test")]
    code, out, _ = run(capsys, "--db", db_target, "--org", "all", "list")
    assert "== city-a ==" in out and "== city-b ==" in out and "== default ==" in out
    assert out.index("www.a.example.test") < out.index("== city-b ==")
    for argv in (
        ("add", "www.c.example.test"),
        ("scan",),
        ("attest", "x", "y"),
        ("checks", "--disable", "http-down", "--reason", "x"),  # reading commands that write
        ("discovered", "--not-ours", "x.example.test"),
    ):
        code, _, err = run(capsys, "--db", db_target, "--org", "all", *argv)
        assert code == 2 and "--org all" in err, argv
    code, _, err = run(capsys, "--db", db_target, "orgs", "add", "all")
    assert code == 2 and "all" in err
    _, out, _ = run(capsys, "--db", db_target, "--org", "all", "list", "--json")
    assert len(out.splitlines()) == 2  # nothing was added by the refused commands
    _, out, _ = run(capsys, "--db", db_target, "--org", "city-a", "checks", "--json")
    states = {r["check"]: r["state"] for r in map(json.loads, out.splitlines())}
    assert states["http-down"] == "on"


async def test_the_dashboard_rolls_up_every_organisation_read_only(recorded_store, lab):
    from textual.widgets import DataTable

    from checks.model import Asset
    from tests.tui_support import recorded_app
    from tui.dashboard.screens.orgs import OrgsScreen

    recorded_store.orgs.add("city-a", title="A 市")
    other = recorded_store.reopen(org="city-a")
    other.assets.save(Asset("www.a.example.test"))
    app = recorded_app(recorded_store, lab)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("O")
        await pilot.pause()
        assert isinstance(app.screen, OrgsScreen)
        table = app.screen.query_one(DataTable)
        rows = {str(k.value): table.get_row(k) for k in table.rows}
        assert set(rows) == {"default", "city-a"}
        assert str(rows["city-a"][1]) == "1/1" and str(rows["city-a"][7]) == "never swept"
        done, total = map(int, str(rows["city-a"][6]).split("/"))
        assert 0 <= done < total  # a new organisation has not done its checklist
        assert str(rows["default"][0]).startswith("▸")  # the one this dashboard works on
        critical = int(str(rows["default"][2]))
        assert critical == sum(
            1
            for r in recorded_store.findings.query()
            if r.finding.severity == "critical" and r.status != "accepted"
        )
        other.assets.save(Asset("www2.a.example.test"))
        await pilot.press("r")
        await pilot.pause()
        assert str(table.get_row("city-a")[1]) == "2/2"
        await pilot.press("escape")
        assert not isinstance(app.screen, OrgsScreen)
    other.close()


async def _swept_org(recorded_store, lab, name="city-a"):
    """Organisation `name` with the recorded store's worst asset, swept on the lab (it finds
    something there)."""
    from dataclasses import replace

    from checks.service.sweeps import config_from, run_sweep

    worst = recorded_store.findings.query()[0]  # worst first
    asset = recorded_store.assets.get(worst.finding.asset)
    recorded_store.orgs.add(name)
    other = recorded_store.reopen(org=name)
    other.assets.save(replace(asset, id=None))
    await run_sweep(other, config_from(other.settings.read(), lab.overrides()))
    return other


async def test_the_roll_up_opens_another_organisations_queue_read_only(recorded_store, lab):
    from textual.widgets import DataTable

    from tests.tui_support import recorded_app
    from tui.dashboard.screens.orgs import OrgsScreen
    from tui.dashboard.screens.todo import TodoScreen

    other = await _swept_org(recorded_store, lab)
    checks = {r.finding.check for r in other.findings.query()}
    assert checks  # its own findings, from its own sweep
    app = recorded_app(recorded_store, lab)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("O")
        await pilot.pause()
        table = app.screen.query_one(DataTable)
        table.move_cursor(row=table.get_row_index("city-a"))
        await pilot.press("enter")
        await pilot.pause()
        queue = app.screen
        assert isinstance(queue, TodoScreen) and queue.store.org == "city-a"
        assert {i.record.finding.check for i in queue.items} == checks
        assert not queue.available("open")  # read-only: enter opens no checklist
        await pilot.press("enter")
        await pilot.pause()
        assert app.screen is queue
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, OrgsScreen)
        # This dashboard's own organisation opens its own queue, enter working as usual.
        table.move_cursor(row=table.get_row_index("default"))
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, TodoScreen) and app.screen.org is None
        assert app.screen.available("open")
    other.close()


async def test_org_all_opens_the_dashboard_on_the_roll_up_and_sweeps_nothing(recorded_store, lab):
    from textual.widgets import DataTable

    from tui.dashboard import make_app
    from tui.dashboard.screens.orgs import OrgsScreen

    other = await _swept_org(recorded_store, lab)
    before = recorded_store.db.execute("SELECT count(*) FROM probes").fetchone()[0]
    app = make_app(recorded_store, lab.overrides(), clock=recorded_store.clock, everyone=True)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause(0.5)
        assert isinstance(app.screen, OrgsScreen) and app.screen.everyone
        table = app.screen.query_one(DataTable)
        assert set(map(str, (k.value for k in table.rows))) == {"default", "city-a"}
        assert not any(str(table.get_row(k)[0]).startswith("▸") for k in table.rows)
        await pilot.press("escape")  # nothing to go back to
        await pilot.pause()
        assert isinstance(app.screen, OrgsScreen)
        assert not app.sweeping
    after = recorded_store.db.execute("SELECT count(*) FROM probes").fetchone()[0]
    assert after == before
    other.close()


def test_a_workers_due_times_follow_the_inherited_interval(db_target):
    from datetime import UTC, datetime, timedelta

    from checks.service.workers import _due, due_slot

    root = Store(db_target)
    root.orgs.add("group")
    root.orgs.add("group-sub", parent="group")
    group = open_org(db_target, "group")
    group.settings.set("interval_min", "30")
    sub = open_org(db_target, "group-sub")
    asset = sub.assets.add(Asset("www.sub.example.test"))
    now = datetime(2026, 12, 3, 12, 44, tzinfo=UTC)
    assert _due(sub, "", now) == [(asset.id, due_slot(now, timedelta(minutes=30)))]
    group.settings.set("interval_min", "120")  # read again every round
    assert _due(sub, "", now) == [(asset.id, due_slot(now, timedelta(minutes=120)))]
    for s in (root, group, sub):
        s.close()


async def test_a_running_watcher_takes_up_its_parents_channel_changes(db_target, lab):
    import asyncio

    from checks.alerting import Channel, ChannelKind
    from checks.service.watch import cycle

    root = Store(db_target)
    root.orgs.add("city-a")
    city = open_org(db_target, "city-a")  # the watcher's store, open for months
    assert city.channels.all() == []
    root.channels.save(Channel("root-bot", ChannelKind.WEBHOOK, "http://127.0.0.1:9/root"))
    await cycle(city, lab.overrides(), asyncio.Event())
    assert [c.name for c in city.channels.all()] == ["root-bot"]
    root.channels.remove("root-bot")
    await cycle(city, lab.overrides(), asyncio.Event())
    assert city.channels.all() == []
    city.close()
    root.close()
