"""The dashboard's forms, driven with Pilot on the recorded sweep: add, edit, import, settings."""

from __future__ import annotations

from dataclasses import replace

from textual.worker import Worker

from checks.knowledge.playbooks import decommission
from checks.model import Lifecycle
from checks.service.sweeps import config_from
from tests.tui_support import cell, names_in_order, notices, recorded_app, select
from tui.dashboard.dialogs.asset_form import AssetForm
from tui.dashboard.dialogs.import_form import ImportForm
from tui.dashboard.dialogs.settings import SettingsForm
from tui.dashboard.screens.grid import GridScreen
from tui.dashboard.widgets.summary_bar import SummaryBar


async def test_add_form_validates_and_saves(recorded_store, lab):
    store = recorded_store
    queries = lab.dns_queries
    app = recorded_app(store, lab)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("a")
        assert isinstance(app.screen, AssetForm)
        await pilot.press(*"bad_name!", "enter")
        error = str(app.screen.query_one("#error").content)
        assert "invalid hostname" in error
        app.screen.query_one("#name").value = "new.example.test"
        app.screen.query_one("#owner").value = "信息中心"
        await pilot.press("ctrl+s")
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert isinstance(app.screen, GridScreen)
        added = store.assets.get("new.example.test")
        assert added.owner == "信息中心"
        assert store.audit.events(added.id)[0].action == "asset.add"
        # it was probed at once, through the lab's resolver (never the system's)
        assert store.probes.latest(added) is not None
        assert lab.dns_queries > queries
        # the grid shows the new row, probed (the lab knows no such zone)
        assert cell(app, "new.example.test", "dns") != "—"
        assert not cell(app, "new.example.test", "risk").endswith("new")


async def test_adding_an_existing_asset_is_refused_without_crashing(recorded_store, lab):
    messages = []
    app = recorded_app(recorded_store, lab)
    async with app.run_test(size=(80, 24), message_hook=messages.append) as pilot:
        await pilot.press("a")
        app.screen.query_one("#name").value = "www.renli-hr.test"
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert isinstance(app.screen, GridScreen)
        assert "asset www.renli-hr.test already exists" in notices(messages)


async def test_the_edit_form_cannot_retire_an_active_asset(recorded_store, lab):
    """Retired comes only at the end of the decommission checklist, whatever the form says."""
    store = recorded_store
    messages = []
    app = recorded_app(store, lab)
    async with app.run_test(size=(80, 24), message_hook=messages.append) as pilot:
        select(app, "www.shili-tech.test")
        await pilot.press("e")
        assert isinstance(app.screen, AssetForm)
        app.screen.query_one("#status").value = "retired"
        await pilot.press("ctrl+s")
        await app.workers.wait_for_complete()
        await pilot.pause()
        asset = store.assets.get("www.shili-tech.test")
        assert asset.lifecycle == Lifecycle.RETIRING
        steps = store.views.asset_detail(asset.id).decommission
        assert len(steps) == len(decommission().steps) and not all(s.done for s in steps)
        said = notices(messages)
        assert (
            "www.shili-tech.test stays retiring: only its decommission checklist makes it retired"
            in said
        )
        assert "www.shili-tech.test is retiring: see its checklist" in said


async def test_import_form_shows_row_errors(recorded_store, lab, tmp_path):
    csv = tmp_path / "a.csv"
    csv.write_text(
        "name,kind,owner,status,url,icp\n"
        "ok.example.test,website,IT,active,,\n"
        "bad.example.test,fax,IT,active,,\n"
        "www.shili-tech.test,website,IT,retired,,\n"
    )
    store = recorded_store
    messages = []
    app = recorded_app(store, lab)
    async with app.run_test(size=(80, 24), message_hook=messages.append) as pilot:
        await pilot.press("i")
        assert isinstance(app.screen, ImportForm)
        app.screen.query_one("#path").value = str(csv)
        await pilot.press("enter")
        report = str(app.screen.query_one("#report").content)
        assert "line 3: unknown kind 'fax'" in report
        await pilot.press("ctrl+s")
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert store.assets.get("ok.example.test") is not None
        assert store.assets.get("bad.example.test") is None
        assert "ok.example.test" in names_in_order(app)
        assert store.assets.get("www.shili-tech.test").lifecycle == Lifecycle.RETIRING
        said = notices(messages)
        assert "Imported 2 rows: 1 new, 1 existing; 1 skipped" in said
        assert any(n.startswith("1 rows asked for retired") for n in said)
        # the rows were written on a worker thread (keys stay answered through a long file)
        workers = [m.worker for m in messages if isinstance(m, Worker.StateChanged)]
        assert any(w.name == "import" and w._thread_worker for w in workers)
        assert app.grid.importing is None and "Importing" not in str(
            app.grid.query_one("#summary").content
        )


async def test_settings_change_the_organisation_and_are_logged(recorded_store, lab):
    store = recorded_store
    app = recorded_app(store, lab)
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
        assert isinstance(app.screen, GridScreen)
        assert store.settings.read().org_name == "Renli HR"
        assert store.settings.read().concurrency == 16
        assert "Renli HR" in str(app.query_one(SummaryBar).content)
        changed = {e.detail["key"] for e in store.audit.events() if e.action == "setting.change"}
        assert changed == {"org_name", "concurrency"}  # untouched settings are not rewritten


async def test_the_timeout_setting_is_stored_and_the_next_sweep_probes_with_it(recorded_store, lab):
    store = recorded_store
    unsaid = replace(lab.overrides(), timeout=None)  # no --timeout on the command line
    app = recorded_app(store, lab, overrides=unsaid)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("o")
        app.screen.query_one("#timeout").value = "99999"
        await pilot.press("ctrl+s")
        assert "must be a positive number" in str(app.screen.query_one("#error").content)
        app.screen.query_one("#timeout").value = "7.5"
        app.screen.query_one("#nameservers").value = "not-an-ip"
        await pilot.press("ctrl+s")
        assert "nameserver must be an IP address" in str(app.screen.query_one("#error").content)
        app.screen.query_one("#nameservers").value = ""
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert isinstance(app.screen, GridScreen)
        assert store.settings.get("timeout") == "7.5"
        assert store.settings.read().timeout == 7.5
        # every sweep and re-probe takes its config from here
        assert app.probe_config().timeout == 7.5
        assert app.probe_config().nameservers == unsaid.nameservers
    # a --timeout given on the command line still wins over the stored one
    assert config_from(store.settings.read(), lab.overrides()).timeout == 3.0


async def test_choosing_chinese_in_the_settings_relabels_the_grid(recorded_store, lab):
    store = recorded_store
    app = recorded_app(store, lab)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("o")
        app.screen.query_one("#lang").value = "zh"
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert isinstance(app.screen, GridScreen)
        assert store.settings.read().lang == "zh" and app.lang == "zh"
        labels = [c.label for c in app.grid.table.columns]
        assert labels[:2] == ["风险", "名称"]
        assert app.screen.active_bindings["a"].binding.description == "添加"
        assert cell(app, "www.renli-hr.test", "risk") == "‼ 严重"
