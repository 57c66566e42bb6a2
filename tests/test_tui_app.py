"""The dashboard driven with Pilot: live sweeps against the lab, keys, screens, forms."""

from __future__ import annotations

import asyncio
import sys

from checks.lab.scenarios import EDGE_TITLE
from checks.models import Asset, Kind, Lifecycle
from checks.names import display_name
from checks.store import Store
from tui.app import make_app
from tui.screens.asset_screen import AssetScreen
from tui.screens.forms import AssetForm, ImportForm, SettingsForm
from tui.screens.help_screen import HelpScreen
from tui.widgets.summary_bar import SummaryBar


def seeded(tmp_path, lab, extra=()):
    store = Store(tmp_path / "aw.db")
    lab.seed(store)
    for asset in extra:
        store.save(asset)
    return store


async def settle(app, pilot):
    await app.workers.wait_for_complete()
    await pilot.pause()
    app.sync_from_db()
    await pilot.pause()


def names_in_order(app):
    table = app.table
    return [table.row_data(int(row.key.value)).asset.name for row in table.ordered_rows]


def cell(app, name, column):
    row = next(r for r in app.rows.values() if r.asset.name == name)
    return app.table.get_cell(str(row.id), column).plain


async def test_grid_fills_after_a_sweep_with_the_retired_sites_on_top(tmp_path, lab):
    store = seeded(tmp_path, lab)
    app = make_app(store, lab.probe_config(), lang="en")
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot)
        assert app.table.row_count == len(lab.inventory)
        assert set(names_in_order(app)[:2]) == {"www.renli-hr.test", "oa.wuye-pm.test"}
        assert cell(app, "www.renli-hr.test", "risk") == "‼ CRIT"
        assert cell(app, "cdn.shili-tech.test", "dns").startswith("CNAME→")
        assert cell(app, "old-promo.shili-tech.test", "dns") == "NXDOMAIN"
        summary = str(app.query_one(SummaryBar).content)
        assert "RETIRED BUT ALIVE 2" in summary


async def test_columns_give_way_at_80_but_the_essentials_stay(recorded_store):
    app = make_app(recorded_store, auto_sweep=False, clock=recorded_store.clock, lang="en")
    async with app.run_test(size=(80, 24)):
        keys = [c.key for c in app.table.shown_columns]
        assert {"risk", "name", "lifecycle", "dns", "http", "findings"} <= set(keys)
        assert sum(c.width + 2 for c in app.table.shown_columns) <= 80
    app = make_app(recorded_store, auto_sweep=False, clock=recorded_store.clock, lang="en")
    async with app.run_test(size=(160, 40)):
        assert len(app.table.shown_columns) == 11


async def test_filter_severity_and_sort_keys(recorded_store):
    app = make_app(recorded_store, auto_sweep=False, clock=recorded_store.clock, lang="en")
    async with app.run_test(size=(80, 24)) as pilot:
        total = app.table.row_count
        await pilot.press("slash", *"renli")
        assert app.table.row_count == 1
        await pilot.press("escape")
        assert app.table.row_count == total and app.filter_text == ""
        await pilot.press("f")
        critical = [
            r for r in app.rows.values() if r.risk is not None and r.risk.value == "critical"
        ]
        assert app.table.row_count == len(critical) >= 2
        await pilot.press("f", "f", "f", "f")
        assert app.table.row_count == total
        await pilot.press("s")
        shown = [display_name(n) for n in names_in_order(app)]
        assert shown == sorted(shown)


async def test_enter_opens_the_asset_screen_with_evidence_and_steps(recorded_store):
    app = make_app(recorded_store, auto_sweep=False, clock=recorded_store.clock, lang="zh")
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("enter")
        screen = app.screen
        assert isinstance(screen, AssetScreen)
        assert screen.detail.asset.lifecycle == Lifecycle.RETIRED
        findings = str(screen.query_one("#findings-body").content)
        assert "已下线资产仍在提供网页服务" in findings
        view = screen.query_one("#checklist-body")
        lines = [str(view.get_option_at_index(i).prompt) for i in range(view.option_count)]
        assert any("注销ICP备案" in line for line in lines)
        assert lines[0].startswith("‼") and "[待处理]" in lines[0]
        await pilot.press("escape")
        assert not isinstance(app.screen, AssetScreen)


async def test_retiring_starts_the_decommission_checklist_and_is_logged(tmp_path, lab):
    from tui.widgets.checklist import ChecklistView

    store = seeded(tmp_path, lab)
    app = make_app(store, lab.probe_config(), lang="en")
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(app, pilot)
        await pilot.press("slash", *"www.shili", "enter")
        await pilot.press("x")
        await pilot.press("enter")
        await settle(app, pilot)
        asset = store.asset("www.shili-tech.test")
        assert asset.lifecycle == Lifecycle.RETIRING
        event = next(e for e in reversed(store.events(asset.id)) if e["action"] == "asset.update")
        assert event["detail"]["changes"]["lifecycle"] == ["active", "retiring"]
        assert cell(app, "www.shili-tech.test", "lifecycle") == "retiring"
        await pilot.press("enter", "right", "right")
        view = app.screen.query_one(ChecklistView)
        ids = [view.get_option_at_index(i).id for i in range(view.option_count)]
        assert ids[0] == "h:decommission"
        view.focus()
        view.highlighted = 1  # the owner's sign-off
        await pilot.press("space")
        await pilot.pause()
        assert 0 in store.decommission_attestations(asset.id)


async def test_markup_and_escapes_in_a_page_title_stay_literal(tmp_path, lab):
    hostile = Asset(
        "markup.lab-edge.test",
        Kind.WEBSITE,
        "IT",
        urls=(lab.ports.http_url("markup.lab-edge.test"),),
    )
    store = Store(tmp_path / "aw.db")
    store.save(hostile)
    app = make_app(store, lab.probe_config(), lang="en")
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(app, pilot)
        await pilot.press("enter")
        overview = app.screen.query_one("#overview-body").content
        plain = overview.plain
        assert "[bold red]pwned[/]" in plain
        assert "\\x1b[31m" in plain and "\x1b" not in plain
        assert not overview.spans or all("red" not in str(s.style) for s in overview.spans)
        assert EDGE_TITLE.startswith("[bold red]")


async def test_add_form_validates_and_saves(recorded_store):
    app = make_app(recorded_store, auto_sweep=False, clock=recorded_store.clock, lang="en")
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("a")
        assert isinstance(app.screen, AssetForm)
        await pilot.press(*"bad_name!", "enter")
        error = str(app.screen.query_one("#error").content)
        assert "invalid hostname" in error
        app.screen.query_one("#name").value = "new.example.test"
        app.screen.query_one("#owner").value = "信息中心"
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert not isinstance(app.screen, AssetForm)
        assert recorded_store.asset("new.example.test").owner == "信息中心"
        assert recorded_store.events()[-1]["action"] == "asset.add"
        app.workers.cancel_all()


async def test_import_form_shows_row_errors(recorded_store, tmp_path):
    csv = tmp_path / "a.csv"
    csv.write_text(
        "name,kind,owner,status,url,icp\nok.example.test,website,IT,active,,\nbad.example.test,fax,IT,active,,\n"
    )
    app = make_app(recorded_store, auto_sweep=False, clock=recorded_store.clock, lang="en")
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("i")
        assert isinstance(app.screen, ImportForm)
        app.screen.query_one("#path").value = str(csv)
        await pilot.press("enter")
        report = str(app.screen.query_one("#report").content)
        assert "line 3: unknown kind 'fax'" in report
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert recorded_store.asset("ok.example.test") is not None
        assert recorded_store.asset("bad.example.test") is None


async def test_settings_change_the_organisation_and_are_logged(recorded_store):
    app = make_app(recorded_store, auto_sweep=False, clock=recorded_store.clock, lang="en")
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("o")
        assert isinstance(app.screen, SettingsForm)
        app.screen.query_one("#org_name").value = "Renli HR"
        app.screen.query_one("#concurrency").value = "zero"
        await pilot.press("ctrl+s")
        assert "must be a positive number" in str(app.screen.query_one("#error").content)
        app.screen.query_one("#concurrency").value = "16"
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert recorded_store.setting("org_name") == "Renli HR"
        assert "Renli HR" in str(app.query_one(SummaryBar).content)
        assert {
            e["detail"]["key"] for e in recorded_store.events() if e["action"] == "setting.change"
        } >= {"org_name", "concurrency"}


async def test_help_lists_every_key_and_the_palette_offers_every_action(recorded_store):
    app = make_app(recorded_store, auto_sweep=False, clock=recorded_store.clock, lang="en")
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("question_mark")
        assert isinstance(app.screen, HelpScreen)
        ids = {binding_id for _, binding_id in app.screen.keys}
        assert ids >= {b.id for b in app.BINDINGS} - {"lab"}  # lab controls exist in the demo only
        await pilot.press("escape")
        titles = {c.title for c in app.get_system_commands(app.screen)}
        assert {"Probe", "Sweep all", "Pause", "Retire", "Import", "Settings"} <= titles


async def test_pause_stops_background_probing(tmp_path, lab):
    store = seeded(tmp_path, lab)
    app = make_app(store, lab.probe_config(), lang="en", auto_sweep=False)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("p")
        assert app.paused
        app.schedule_due()
        await settle(app, pilot)
        assert store.db.execute("SELECT count(*) FROM probes").fetchone()[0] == 0
        await pilot.press("p")
        await settle(app, pilot)
        assert store.db.execute("SELECT count(*) FROM probes").fetchone()[0] == len(lab.inventory)


async def test_results_written_by_another_process_appear(tmp_path, lab):
    store = seeded(tmp_path, lab)
    app = make_app(store, lab.probe_config(), lang="en", auto_sweep=False)
    async with app.run_test(size=(80, 24)) as pilot:
        assert cell(app, "www.renli-hr.test", "risk").endswith("new")
        cli = await asyncio.create_subprocess_exec(
            sys.executable,
            "-m",
            "tui.cli",
            "--db",
            str(tmp_path / "aw.db"),
            "--nameserver",
            f"127.0.0.1:{lab.dns_port}",
            "--ca-bundle",
            lab.ca_pem,
            "scan",
            "--json",
            stdout=asyncio.subprocess.DEVNULL,
        )
        assert await cli.wait() == 1
        app.sync_from_db()
        await pilot.pause()
        assert cell(app, "www.renli-hr.test", "risk") == "‼ CRIT"


async def test_sweep_all_key_replaces_a_running_sweep_and_ends_idle(tmp_path, lab):
    store = seeded(tmp_path, lab)
    app = make_app(store, lab.probe_config(), lang="en")
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("R")
        await settle(app, pilot)
        assert not app.sweeping
        probed = {r[0] for r in store.db.execute("SELECT DISTINCT asset_id FROM probes")}
        assert len(probed) == len(lab.inventory)
        assert app.next_sweep is not None
        assert store.events()[-1]["action"] == "sweep"


async def test_checklist_attests_manual_steps_with_space_and_notes(recorded_store):
    from tui.widgets.checklist import ChecklistView

    app = make_app(recorded_store, auto_sweep=False, clock=recorded_store.clock, lang="en")
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("enter")
        screen = app.screen
        view = screen.query_one(ChecklistView)
        await pilot.press("right", "right")
        view.focus()
        ids = [view.get_option_at_index(i).id for i in range(view.option_count)]
        first_manual = next(i for i, o in enumerate(ids) if o.endswith(":manual:0"))
        view.highlighted = first_manual
        finding_id, step = (
            int(ids[first_manual].split(":")[1]),
            int(ids[first_manual].split(":")[2]),
        )
        await pilot.press("space")
        await pilot.pause()
        assert step in recorded_store.attestations(finding_id)
        assert view.highlighted_option.id.endswith(":manual:1")
        await pilot.press("space")
        await pilot.pause()
        assert step not in recorded_store.attestations(finding_id)
        await pilot.press("n")
        app.screen.query_one("#note").value = "owner signed the form"
        app.screen.query_one("#evidence").value = "/srv/evidence/signoff.pdf"
        await pilot.press("ctrl+s")
        await pilot.pause()
        attested = recorded_store.attestations(finding_id)[step]
        assert attested["note"] == "owner signed the form"
        assert attested["evidence"] == "/srv/evidence/signoff.pdf"
        assert recorded_store.events()[-1]["action"] == "step.attest"


async def test_demo_takes_the_retired_hr_site_from_critical_to_resolved(tmp_path):
    """The issue-5 demo flow, inside the dashboard, on a lab of its own (controls change it)."""
    from checks.finding_state import manual_steps
    from checks.lab import Lab
    from checks.models import FindingStatus
    from tui.screens.lab_screen import LabScreen

    with Lab() as own_lab:
        store = seeded(tmp_path, own_lab)
        app = make_app(store, own_lab.probe_config(), lang="en", lab=own_lab)
        async with app.run_test(size=(120, 40)) as pilot:
            await settle(app, pilot)
            assert cell(app, "www.renli-hr.test", "risk") == "‼ CRIT"
            await pilot.press("L")
            assert isinstance(app.screen, LabScreen)
            app.screen.dismiss("hr-dns")
            await pilot.pause()
            await settle(app, pilot)
            hr = store.asset("www.renli-hr.test")
            records = store.findings(asset_id=hr.id, active_only=False)
            assert records and not any(r.firing for r in records)
            assert cell(app, "www.renli-hr.test", "dns") == "NXDOMAIN"
            assert cell(app, "www.renli-hr.test", "risk") == "◐ steps"  # manual steps left
            for record in records:
                for step in manual_steps(record.finding.check):
                    store.attest(record.id, step, who="admin")
            app.sync_from_db()
            await pilot.pause()
            statuses = {r.status for r in store.findings(asset_id=hr.id, active_only=False)}
            assert statuses == {FindingStatus.RESOLVED}
            assert cell(app, "www.renli-hr.test", "risk") == "✓ OK"
        from datetime import timedelta

        from checks.report import build_report, to_markdown

        now = store.clock()
        for lang, title in (
            ("zh", "已下线资产仍在提供网页服务"),
            ("en", "Retired asset still serves"),
        ):
            report = build_report(store, now - timedelta(days=1), now, lang)
            fixed = {(f["asset"], f["check"]) for f in report["findings_fixed"]}
            assert ("www.renli-hr.test", "retired-still-serving") in fixed
            assert title in to_markdown(report)


async def test_org_checklist_screen_attests_manual_items(recorded_store):
    from tui.screens.org_screen import OrgScreen

    app = make_app(recorded_store, auto_sweep=False, clock=recorded_store.clock, lang="en")
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("g")
        screen = app.screen
        assert isinstance(screen, OrgScreen)
        view = screen.query_one("#org-items")
        ids = [view.get_option_at_index(i).id for i in range(view.option_count)]
        assert sum(1 for i in ids if i.startswith("g:")) == 7
        view.highlighted = ids.index("i:security-officer:manual")
        await pilot.press("space")
        await pilot.pause()
        assert "security-officer" in recorded_store.org_attestations()
        view.highlighted = ids.index("i:ir-plan:manual")
        await pilot.press("n")
        app.screen.query_one("#note").value = "plan v2 approved"
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert recorded_store.org_attestations()["ir-plan"]["note"] == "plan v2 approved"


async def test_report_screen_reads_and_writes_the_report(recorded_store):
    from tui.screens.report_screen import ReportScreen

    app = make_app(recorded_store, auto_sweep=False, clock=recorded_store.clock, lang="zh")
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("w")
        assert isinstance(app.screen, ReportScreen)
        assert app.screen.markdown.startswith("# 网络安全整改报告")
        await pilot.press("w")
        await pilot.pause()
        written = sorted(recorded_store.path.parent.glob("assetwatch-report-*"))
        assert [p.suffix for p in written] == [".html", ".json", ".md"]


async def test_accepting_a_risk_from_the_checklist(recorded_store):
    from checks.models import FindingStatus
    from tui.widgets.checklist import ChecklistView

    app = make_app(recorded_store, auto_sweep=False, clock=recorded_store.clock, lang="en")
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("enter", "right", "right")
        view = app.screen.query_one(ChecklistView)
        view.focus()
        view.highlighted = 1
        finding_id = int(view.highlighted_option.id.split(":")[1])
        await pilot.press("k")
        app.screen.query_one("#reason").value = "vendor patch due in March"
        app.screen.query_one("#until").value = "next week"
        await pilot.press("ctrl+s")
        assert "YYYY-MM-DD" in str(app.screen.query_one("#error").content)
        app.screen.query_one("#until").value = "2099-03-31"
        await pilot.press("ctrl+s")
        await pilot.pause()
        record = next(r for r in recorded_store.findings(active_only=False) if r.id == finding_id)
        assert record.status == FindingStatus.ACCEPTED
        assert record.accepted_reason == "vendor patch due in March"
