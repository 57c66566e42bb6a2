"""The grid screen driven with Pilot on the recorded sweep: columns, filter, sort, help, palette."""

from __future__ import annotations

from checks.model import Lifecycle, Severity
from checks.names import display_name
from tests.tui_support import cell, names_in_order, plain, recorded_app
from tui.dashboard.screens.asset import AssetScreen
from tui.dashboard.screens.grid import GridScreen
from tui.dashboard.screens.help import HelpScreen
from tui.dashboard.widgets.summary_bar import SummaryBar


async def test_the_recorded_sweep_fills_the_grid_with_the_retired_sites_on_top(recorded_store, lab):
    app = recorded_app(recorded_store, lab)
    async with app.run_test(size=(80, 24)):
        assert isinstance(app.screen, GridScreen)
        assert app.grid.table.row_count == len(lab.inventory)
        assert set(names_in_order(app)[:2]) == {"www.renli-hr.test", "oa.wuye-pm.test"}
        assert cell(app, "www.renli-hr.test", "risk") == "‼ CRIT"
        assert cell(app, "cdn.shili-tech.test", "dns").startswith("CNAME→")
        assert cell(app, "old-promo.shili-tech.test", "dns") == "NXDOMAIN"
        assert "RETIRED BUT ALIVE 2" in str(app.query_one(SummaryBar).content)


async def test_columns_give_way_at_80_but_the_essentials_stay(recorded_store, lab):
    app = recorded_app(recorded_store, lab)
    async with app.run_test(size=(80, 24)):
        keys = [c.key for c in app.grid.table.shown_columns]
        assert {"risk", "name", "lifecycle", "dns", "http", "findings"} <= set(keys)
        assert sum(c.width + 2 for c in app.grid.table.shown_columns) <= 80
    app = recorded_app(recorded_store, lab)
    async with app.run_test(size=(160, 40)):
        assert len(app.grid.table.shown_columns) == 11


async def test_filter_severity_and_sort_keys(recorded_store, lab):
    app = recorded_app(recorded_store, lab)
    async with app.run_test(size=(80, 24)) as pilot:
        grid = app.grid
        total = grid.table.row_count
        await pilot.press("slash", *"renli-hr.test")
        assert grid.table.row_count == 1
        await pilot.press("escape")
        assert grid.table.row_count == total and grid.filter_text == ""
        assert grid.table.has_focus and not grid.query_one("#filter").display
        await pilot.press("f")
        critical = [r for r in grid.rows.values() if r.risk == Severity.CRITICAL]
        assert grid.table.row_count == len(critical) >= 2
        await pilot.press("f", "f", "f", "f")
        assert grid.table.row_count == total
        await pilot.press("s")
        shown = [display_name(n) for n in names_in_order(app)]
        assert shown == sorted(shown)


async def test_the_filter_matches_status_and_dns_words_and_enter_keeps_it(recorded_store, lab):
    app = recorded_app(recorded_store, lab)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("slash", *"retired", "enter")
        grid = app.grid
        assert grid.table.has_focus and grid.query_one("#filter").display
        retired = {
            r.asset.name for r in grid.rows.values() if r.asset.lifecycle == Lifecycle.RETIRED
        }
        assert set(names_in_order(app)) == retired and len(retired) >= 2
        await pilot.press("slash", "ctrl+a", "ctrl+k", *"nxdo", "enter")
        nxdomain = names_in_order(app)
        assert nxdomain and {cell(app, n, "dns") for n in nxdomain} == {"NXDOMAIN"}
        assert "filter: nxdo" in str(app.query_one(SummaryBar).content)


async def test_enter_opens_the_asset_screen_with_evidence_and_steps(recorded_store, lab):
    app = recorded_app(recorded_store, lab, "zh")
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("enter")
        screen = app.screen
        assert isinstance(screen, AssetScreen)
        assert screen.detail.asset.lifecycle == Lifecycle.RETIRED
        findings = plain(screen.query_one("#findings-body").content)
        assert "已下线资产仍在提供网页服务" in findings
        view = screen.query_one("#checklist-body")
        lines = [view.plain_at(i) for i in range(view.option_count)]
        assert any("注销ICP备案" in line for line in lines)
        assert lines[0].startswith("‼") and "[待处理]" in lines[0]
        await pilot.press("escape")
        assert isinstance(app.screen, GridScreen)


async def test_help_lists_every_grid_key_and_the_palette_offers_every_action(recorded_store, lab):
    app = recorded_app(recorded_store, lab)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("question_mark")
        assert isinstance(app.screen, HelpScreen)
        ids = {binding_id for _, binding_id in app.screen.keys}
        # lab controls exist in the demo only
        assert ids == {b.id for b in GridScreen.BINDINGS} - {"lab"} | {"palette", "move"}
        await pilot.press("escape")
        commands = list(app.get_system_commands(app.screen))
        titles = [c.title for c in commands]
        assert len(titles) == len(set(titles))  # each action once
        assert all(c.help != c.title for c in commands)  # no entry shows its title twice
        assert {"Probe", "Sweep all", "Pause", "Retire", "Import", "Settings"} <= set(titles)
        assert "Lab" not in titles
        assert "Sort by name" in titles and "Show assets at or above HIGH" in titles
        assert "Show every asset (no severity filter)" in titles
        probe = next(c for c in commands if c.title == "Probe")
        assert probe.help.startswith("r  ")  # the palette names the key


async def test_a_palette_command_runs_the_screens_action(recorded_store, lab):
    app = recorded_app(recorded_store, lab)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("ctrl+p", *"pause")
        await app.workers.wait_for_complete()  # the palette searches in a worker
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, GridScreen) and app.paused
        commands = {c.title: c for c in app.get_system_commands(app.screen)}
        commands["Sort by name"].callback()
        await pilot.pause()
        shown = [display_name(n) for n in names_in_order(app)]
        assert shown == sorted(shown)
