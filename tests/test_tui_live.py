"""The few dashboard tests that sweep the loopback lab live: the workers, the schedule, the poll.

Everything else runs on the recorded sweep (`recorded_store`); these need real probing.
"""

from __future__ import annotations

import asyncio
import time
from datetime import timedelta

import pytest
from textual.widgets import OptionList
from textual.worker import Worker, WorkerState

from checks.lab.remote import RemoteLab
from checks.model import FindingStatus
from checks.report.markdown import to_markdown
from checks.service import remediation
from checks.service.reports import build_report
from checks.store import Store
from tests.tui_support import cell, names_in_order, quiet, select, sweep_elsewhere_argv
from tui.dashboard import make_app
from tui.dashboard.messages import SweepFinished, SweepProgressed
from tui.dashboard.screens.lab import LabScreen
from tui.dashboard.widgets.checklist import ChecklistView
from tui.dashboard.widgets.summary_bar import SummaryBar

pytestmark = pytest.mark.live_lab


def seeded(target, lab):
    store = Store(target if isinstance(target, str) else target / "aw.db")
    lab.seed(store)
    return store


def probed(store):
    return {r.asset.name for r in store.views.asset_rows() if r.probed}


async def test_pause_holds_the_sweep_and_resuming_fills_the_grid(db_target, lab):
    store = seeded(db_target, lab)
    messages = []
    app = quiet(make_app(store, lab.overrides(), lang="en", auto_sweep=False))
    async with app.run_test(size=(80, 24), message_hook=messages.append) as pilot:
        await pilot.press("p")
        assert app.paused and "PAUSED" in str(app.query_one(SummaryBar).content)
        app.reschedule()  # what the schedule's timer does
        await app.workers.wait_for_complete()
        assert not app.workers and probed(store) == set()
        await pilot.press("p")
        await app.workers.wait_for_complete()
        await pilot.pause()
        everything = {a.name for a in lab.inventory}
        assert probed(store) == everything
        # the grid filled through the progress messages, nobody asked it to re-read
        progress = [m.progress for m in messages if isinstance(m, SweepProgressed)]
        assert progress and all(p.total == len(everything) for p in progress)
        finished = [m.progress for m in messages if isinstance(m, SweepFinished)]
        assert [p.done for p in finished] == [len(everything)]
        assert app.grid.table.row_count == len(everything)
        assert set(names_in_order(app)[:2]) == {"www.renli-hr.test", "oa.wuye-pm.test"}
        assert cell(app, "www.renli-hr.test", "risk") == "‼ CRIT"
        assert cell(app, "cdn.shili-tech.test", "dns").startswith("CNAME→")
        assert cell(app, "old-promo.shili-tech.test", "dns") == "NXDOMAIN"
        summary = str(app.query_one(SummaryBar).content)
        assert "RETIRED BUT ALIVE 2" in summary and "next sweep" in summary
        assert not app.sweeping and app.next_sweep is not None


async def test_sweep_all_key_replaces_a_running_sweep_and_ends_idle(tmp_path, lab):
    store = seeded(tmp_path, lab)
    states = []

    def hook(message):
        if isinstance(message, Worker.StateChanged) and message.worker.group == "sweep":
            states.append((message.worker, message.state))

    app = quiet(make_app(store, lab.overrides(), lang="en"))  # sweeps at once: nothing probed yet
    async with app.run_test(size=(80, 24), message_hook=hook) as pilot:
        (first,) = [w for w in app.workers if w.group == "sweep"]
        assert first.state in (WorkerState.PENDING, WorkerState.RUNNING)
        await pilot.press("R")
        await app.workers.wait_for_complete()
        await pilot.pause()
        sweeps = list(dict.fromkeys(w for w, _ in states))
        assert len(sweeps) == 2 and sweeps[0] is first
        assert first.state == WorkerState.CANCELLED
        assert sweeps[1].state == WorkerState.SUCCESS
        assert [e.action for e in store.audit.events()].count("sweep") == 1  # only R's finished
        assert store.audit.events()[-1].action == "sweep"
        assert probed(store) == {a.name for a in lab.inventory}
        assert not app.sweeping and app.next_sweep is not None


async def test_results_written_by_another_process_appear_within_two_seconds(db_target, lab):
    """The README: a cron `assetwatch scan` on the same database shows up within two seconds."""
    store = seeded(db_target, lab)
    messages = []
    app = quiet(make_app(store, lab.overrides(), lang="en", auto_sweep=False))
    async with app.run_test(size=(80, 24), message_hook=messages.append) as pilot:
        assert cell(app, "www.renli-hr.test", "risk").endswith("new")
        argv = sweep_elsewhere_argv(db_target, lab, ["www.renli-hr.test"])
        other = await asyncio.create_subprocess_exec(*argv)
        assert await other.wait() == 0
        written = time.monotonic()
        while cell(app, "www.renli-hr.test", "risk") != "‼ CRIT":
            assert time.monotonic() - written < 2.5, "not picked up within the 2 s poll"
            await pilot.pause(0.05)
        assert not any(isinstance(m, SweepProgressed) for m in messages)  # the poll did it
        assert not app.workers


async def test_demo_takes_the_retired_hr_site_from_critical_to_resolved(tmp_path):
    """The issue-5 demo flow, inside the dashboard, on a lab of its own (controls change it)."""
    with RemoteLab() as own_lab:
        store = seeded(tmp_path, own_lab)
        # Its filings were cancelled already (the filing checks have their own tests).
        kept = [f for f in store.filings.all() if "renli" not in f.domain]
        store.filings.replace(kept, "filings.csv")
        app = quiet(make_app(store, own_lab.overrides(), lang="en", lab=own_lab))
        async with app.run_test(size=(120, 40)) as pilot:
            await app.workers.wait_for_complete()
            await pilot.pause()
            assert cell(app, "www.renli-hr.test", "risk") == "‼ CRIT"
            await pilot.press("L")
            assert isinstance(app.screen, LabScreen)
            ids = [c.id for c in own_lab.controls()]
            app.screen.query_one(OptionList).highlighted = ids.index("hr-dns")
            await pilot.press("enter")
            await app.workers.wait_for_complete()  # the re-probe of the HR site
            await pilot.pause()
            hr = store.assets.get("www.renli-hr.test")
            records = store.findings.query(asset_id=hr.id, active_only=False)
            assert records and not any(r.firing for r in records)
            assert cell(app, "www.renli-hr.test", "dns") == "NXDOMAIN"
            assert cell(app, "www.renli-hr.test", "risk") == "◐ steps"  # manual steps left
            # Another admin attests all but one step from the command line; the last one here.
            last = attest_all_but_one(store, hr)
            await attest_in_the_checklist(app, pilot, "www.renli-hr.test", last)
            statuses = {r.status for r in store.findings.query(asset_id=hr.id, active_only=False)}
            assert statuses == {FindingStatus.RESOLVED}
            assert cell(app, "www.renli-hr.test", "risk") == "✓ OK"
        now = store.clock()
        for lang, title in (
            ("zh", "已下线资产仍在提供网页服务"),
            ("en", "Retired asset still serves"),
        ):
            report = build_report(store, now - timedelta(days=1), now, lang)
            fixed = {(f["asset"], f["check"]) for f in report["findings_fixed"]}
            assert ("www.renli-hr.test", "retired-still-serving") in fixed
            assert title in to_markdown(report)


def attest_all_but_one(store, asset):
    """Attest every manual step of the asset's checklists but the last; returns that one."""
    todo = [
        (checklist.record.id, state.index)
        for checklist in remediation.asset_checklists(store, asset)
        for state in checklist.steps
        if state.step.kind == "manual" and not state.done
    ]
    for finding_id, index in todo[:-1]:
        store.findings.attest(finding_id, index, who="admin")
    return todo[-1]


async def attest_in_the_checklist(app, pilot, name, step):
    """Open the asset's checklist and press space on the step, as the admin would."""
    select(app, name)
    await pilot.press("enter", "right", "right")
    view = app.screen.query_one(ChecklistView)
    view.focus()
    refs = {i: r for i in range(view.option_count) if (r := view.ref_at(i)) is not None}
    left = [i for i, r in refs.items() if r.manual and not r.done]
    assert len(left) == 1 and step[0] in refs[left[0]].covers  # the one step still to attest
    view.highlighted = left[0]
    await pilot.press("space")
    for _ in range(50):  # the list redraws once the store has the attestation (a loaded CI)
        await pilot.pause(0.1)
        if view.option_count == 0:
            break
    assert view.option_count == 0  # nothing left to fix
    await pilot.press("escape")


async def test_the_demo_dashboard_delivers_alerts_after_a_sweep(tmp_path, lab):
    from checks.lab.robots import RobotLab, demo_channels

    store = Store(tmp_path / "aw.db")
    store.assets.add(replace_asset(next(a for a in lab.inventory if a.name == "www.renli-hr.test")))
    with RobotLab() as robots:
        made = demo_channels(store, robots, "zh")
        app = quiet(make_app(store, lab.overrides(), lang="zh", auto_sweep=False, lab=lab))
        async with app.run_test(size=(80, 24)) as pilot:
            await pilot.press("R")
            await app.workers.wait_for_complete()
            await pilot.pause()
        for robot in made:
            assert len(robot.received) == 1 and robot.refused == []
        assert "已下线资产重新上线" in made[0].received[0].body["markdown"]["text"]
        assert made[0].received[0].body["at"]["atMobiles"] == ["13800000000"]  # 人事部 李娜
    store.close()


def replace_asset(asset):
    from dataclasses import replace

    return replace(asset, id=None)
