"""The admin's day on the dashboard (issue 13): keys that can be found and not regretted, a grid
that stays worst first and agrees with its header and the asset screen, text readable anywhere."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from rich.cells import cell_len
from textual.widgets import TabbedContent

from checks.model import Lifecycle, Severity
from checks.service import workday
from tests.tui_support import cell, names_in_order, recorded_app, select
from tui.dashboard.dialogs.note import NoteForm
from tui.dashboard.dialogs.retire import Confirm, ConfirmRetire
from tui.dashboard.screens.asset import AssetScreen
from tui.dashboard.screens.grid import GridScreen
from tui.dashboard.screens.todo import TodoScreen
from tui.dashboard.widgets.asset_table import columns_for
from tui.dashboard.widgets.checklist import ChecklistView
from tui.dashboard.widgets.key_bar import KeyBar, fit
from tui.dashboard.widgets.risk import risk_style
from tui.dashboard.widgets.summary_bar import SummaryBar


def key_bar(app) -> str:
    return str(app.screen.query_one(KeyBar).content)


def summary(app) -> str:
    return str(app.query_one(SummaryBar).content)


def test_the_key_bar_drops_whole_hints_and_keeps_its_tail():
    keys = [("enter", "Open"), ("t", "Fix first"), ("/", "Filter"), ("s", "Sort")]
    tail = [("?", "Help"), ("q", "Quit")]
    assert fit(keys, tail, 200) == [*keys, *tail]
    narrow = fit(keys, tail, 30)
    assert narrow[-2:] == tail and narrow[:1] == [("enter", "Open")]
    assert len(narrow) < len(keys) + len(tail)
    assert fit(keys, tail, 5) == tail  # nothing else fits: help and quit still do


@pytest.mark.parametrize("lang", ["en", "zh"])
@pytest.mark.parametrize(
    ("keys", "screen"), [((), "grid"), (("enter",), "asset"), (("g",), "org"), (("w",), "report")]
)
async def test_every_screen_shows_its_own_keys_and_help_and_quit_at_80(
    recorded_store, lab, lang, keys, screen
):
    app = recorded_app(recorded_store, lab, lang)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press(*keys)
        await app.workers.wait_for_complete()
        await pilot.pause()
        bar = key_bar(app)
        assert cell_len(bar) <= 78 and "…" not in bar
        help_word, quit_word = ("Help", "Quit") if lang == "en" else ("帮助", "退出")
        assert bar.rstrip().endswith(f"? {help_word}  q {quit_word}")
        if screen == "grid":
            assert bar.startswith("enter")
        if screen == "asset":
            assert bar.startswith("esc")
            assert "/" not in bar.split()  # the grid's filter is not offered here


async def test_esc_on_the_grid_clears_an_applied_filter(recorded_store, lab):
    app = recorded_app(recorded_store, lab)
    async with app.run_test(size=(80, 24)) as pilot:
        grid = app.grid
        total = grid.table.row_count
        assert "esc" not in key_bar(app)  # nothing to clear yet
        await pilot.press("slash", *"renli", "enter", "f")
        assert grid.table.row_count < total and "esc Clear" in key_bar(app)
        await pilot.press("escape")
        assert (grid.filter_text, grid.severity_filter) == ("", 0)
        assert grid.table.row_count == total and "filter:" not in summary(app)
        assert not grid.query_one("#filter").display


async def test_home_and_end_go_to_the_first_and_last_row(recorded_store, lab):
    app = recorded_app(recorded_store, lab)
    async with app.run_test(size=(80, 24)) as pilot:
        table = app.grid.table
        await pilot.press("end")
        assert table.cursor_row == table.row_count - 1
        await pilot.press("home")
        assert table.cursor_row == 0
        await pilot.press("pagedown")
        assert table.cursor_row > 0


async def test_the_retire_dialog_defaults_to_cancel(recorded_store, lab):
    store = recorded_store
    app = recorded_app(store, lab)
    async with app.run_test(size=(80, 24)) as pilot:
        select(app, "www.shili-tech.test")
        await pilot.press("x")
        assert isinstance(app.screen, ConfirmRetire)
        assert app.screen.focused is not None and app.screen.focused.id == "cancel"
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, GridScreen)
        assert store.assets.get("www.shili-tech.test").lifecycle == Lifecycle.ACTIVE


async def test_accepting_a_baseline_asks_first(recorded_store, lab):
    store = recorded_store
    app = recorded_app(store, lab)
    async with app.run_test(size=(80, 24)) as pilot:
        select(app, "news.shili-tech.test")
        before = len(store.audit.events())
        await pilot.press("b")
        assert isinstance(app.screen, Confirm)
        assert "news.shili-tech.test" in str(app.screen.title_text)
        await pilot.press("enter")  # Cancel has the focus
        await pilot.pause()
        assert len(store.audit.events()) == before
        await pilot.press("b", "ctrl+s")
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert store.audit.events()[before].action.startswith("baseline")


def _header_counts(text: str) -> dict[str, int]:
    return {sym: int(n) for sym, n in re.findall(r"([‼▲●○])(\d+)", text.splitlines()[0])}


async def test_the_header_counts_what_the_grid_shows(recorded_store, lab):
    app = recorded_app(recorded_store, lab)
    async with app.run_test(size=(120, 40)):
        names = names_in_order(app)
        risks = [cell(app, n, "risk")[0] for n in names]
        counts = _header_counts(summary(app))
        assert counts == {s: risks.count(s) for s in "‼▲●○"}
        opened = sum(int(c) for n in names if (c := cell(app, n, "findings")) != "·")
        assert f"{opened} open" in summary(app)


async def test_the_grid_resorts_when_risk_changes_and_the_asset_header_agrees(recorded_store, lab):
    store = recorded_store
    app = recorded_app(store, lab)
    async with app.run_test(size=(120, 40)) as pilot:
        top = names_in_order(app)[0]
        asset = store.assets.get(top)
        until = store.clock() + timedelta(days=30)
        for record in store.findings.query(asset_id=asset.id):
            store.findings.accept_risk(record.id, "decided by the board", until)
        app.sync()
        await pilot.pause()
        order = names_in_order(app)
        assert order[0] != top
        risks = [app.grid.rows[i].risk for i in app.grid.table.ordered_ids]
        ranks = [r.rank if r is not None else -1 for r in risks]
        assert ranks[: ranks.index(-1)] == sorted(ranks[: ranks.index(-1)], reverse=True)
        select(app, top)
        await pilot.press("enter")
        assert isinstance(app.screen, AssetScreen)
        header = str(app.screen.query_one("#asset-title").content)
        assert cell(app, top, "risk") in header and "CRIT" not in header


async def test_rows_never_move_under_keys_the_grid_resorts_once_they_stop(recorded_store, lab):
    store = recorded_store
    app = recorded_app(store, lab)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("down")  # someone is at the keyboard
        top = names_in_order(app)[0]
        asset = store.assets.get(top)
        until = store.clock() + timedelta(days=30)
        for record in store.findings.query(asset_id=asset.id):
            store.findings.accept_risk(record.id, "decided by the board", until)
        app.sync()
        await pilot.pause()
        assert names_in_order(app)[0] == top  # the cell changed, the order waits
        await pilot.pause(1.2)  # RESORT_IDLE_S without a key
        assert names_in_order(app)[0] != top


async def test_no_color_gives_reverse_and_bold_badges(recorded_store, lab, monkeypatch):
    monkeypatch.setenv("NO_COLOR", "1")
    app = recorded_app(recorded_store, lab)
    async with app.run_test(size=(80, 24)):
        critical = risk_style(app, Severity.CRITICAL)
        high = risk_style(app, Severity.HIGH)
        assert critical.reverse and critical.bold and critical.color is None
        assert high.reverse and high.color is None
        assert risk_style(app, Severity.MEDIUM).bold


def test_wide_terminals_widen_the_name_first():
    at_80 = {c.key: c.width for c in columns_for(80)}
    at_200 = {c.key: c.width for c in columns_for(200)}
    assert at_200["name"] > at_80["name"] >= 24
    assert sum(c.width + 2 for c in columns_for(80)) <= 78
    assert len(at_200) == 11 and at_200["owner"] > 12


async def test_text_cut_to_fit_ends_with_an_ellipsis(recorded_store, lab):
    app = recorded_app(recorded_store, lab)
    async with app.run_test(size=(80, 24)):
        table = app.grid.table
        row = next(r for r in app.grid.rows.values() if r.asset.name == "cdn.shili-tech.test")
        rendered = table._cell(row, "dns")
        width = next(c.width for c in table.shown_columns if c.key == "dns")
        assert rendered.overflow == "ellipsis" and rendered.no_wrap
        lines = rendered.wrap(app.console, width)
        assert len(lines) == 1 and str(lines[0]).endswith("…")


async def test_fix_first_lists_every_unresolved_finding_worst_first_and_opens_its_checklist(
    recorded_store, lab
):
    store = recorded_store
    app = recorded_app(store, lab)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("t")
        screen = app.screen
        assert isinstance(screen, TodoScreen)
        table = screen.table
        assert table.row_count == len(screen.items) == len(workday.todo(store)) > 10
        ranks = [i.record.finding.severity.rank for i in screen.items]
        assert ranks == sorted(ranks, reverse=True)
        # three findings of one check on one site are three rows that say which file
        portal = [
            str(table.get_cell(str(i.record.id), "problem").plain)
            for i in screen.items
            if i.record.finding.check == "sensitive-file-exposed"
        ]
        assert len(portal) == len(set(portal)) >= 2
        assert all(p.startswith("/") for p in portal)
        # owner filter: o cycles owners, esc shows everybody again
        await pilot.press("o")
        owner = screen.owner
        assert owner and {i.owner for i in screen.items} <= {owner}
        assert table.row_count < len(workday.todo(store))
        assert owner in str(screen.query_one("#todo-title").content)
        await pilot.press("escape")
        assert screen.owner is None and isinstance(app.screen, TodoScreen)
        # enter: the asset's checklist, at that finding's first step to do
        await pilot.press("down", "down")
        item = screen.selected_item()
        await pilot.press("enter")
        asset_screen = app.screen
        assert isinstance(asset_screen, AssetScreen)
        assert asset_screen.detail.asset.id == item.asset.id
        view = asset_screen.query_one(ChecklistView)
        assert view.has_focus and asset_screen.query_one(TabbedContent).active == "checklist"
        assert item.record.id in view.highlighted_ref.covers


async def test_fix_first_marks_overdue_findings_in_words_and_reverse(recorded_store, lab):
    store = recorded_store
    app = recorded_app(store, lab)
    later = store.clock() + timedelta(days=40)  # every deadline has passed
    app.grid.clock = app.clock = lambda: later
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("t")
        screen = app.screen
        late = [i for i in screen.items if i.overdue]
        assert late
        due = screen.table.get_cell(str(late[0].record.id), "due")
        assert due.plain.startswith("!") and "reverse" in str(due.style)
        assert f"{len(late)} OVERDUE" in str(screen.query_one("#todo-title").content)


async def test_a_shared_step_is_shown_once_and_attested_for_every_finding(recorded_store, lab):
    store = recorded_store
    app = recorded_app(store, lab)
    async with app.run_test(size=(120, 40)) as pilot:
        select(app, "www.renli-hr.test")
        await pilot.press("enter", "right", "right")
        view = app.screen.query_one(ChecklistView)
        view.focus()
        refs = [r for i in range(view.option_count) if (r := view.ref_at(i)) is not None]
        keys = [r.key for r in refs if not r.decommission]
        assert len(keys) == len(set(keys))  # each step once
        shared = next(r for r in refs if len(r.covers) > 1 and r.manual and not r.done)
        at = next(i for i in range(view.option_count) if view.ref_at(i) == shared)
        heading = next(
            i
            for i in range(view.option_count)
            if view.get_option_at_index(i).id == f"finding-{shared.finding_id}"
        )
        # which other findings it covers: said on the step, or once in its finding's heading
        said = view.plain_at(at) + view.plain_at(heading)
        assert "done once, also for" in said
        view.highlighted = at
        await pilot.press("space")
        await pilot.pause()
        for finding_id in shared.covers:
            assert store.findings.attestations(finding_id)  # one key, every finding


async def test_marked_steps_are_attested_together_with_one_note(recorded_store, lab):
    store = recorded_store
    app = recorded_app(store, lab)
    async with app.run_test(size=(120, 40)) as pilot:
        select(app, "portal.yuanqu-park.test")
        await pilot.press("enter", "right", "right")
        view = app.screen.query_one(ChecklistView)
        view.focus()
        manual = [
            i
            for i in range(view.option_count)
            if (r := view.ref_at(i)) is not None and r.manual and not r.done
        ]
        view.highlighted = manual[0]
        await pilot.press("m")
        view.highlighted = manual[2]
        await pilot.press("m")
        picked = [view.ref_at(manual[0]), view.ref_at(manual[2])]
        assert view.plain_at(manual[0]).lstrip().startswith("▶")
        await pilot.press("n")
        form = app.screen
        assert isinstance(form, NoteForm)
        assert picked[1].step.text.text("en") in str(form.about)  # the form says what it attests
        form.query_one("#note").value = "removed .git, .env and phpinfo.php"
        await pilot.press("ctrl+s")
        await pilot.pause()
        events = [e for e in store.audit.events() if e.action == "step.attest"]
        covered = sum(len(r.covers) for r in picked)
        assert len(events) == covered
        assert {e.detail["note"] for e in events} == {"removed .git, .env and phpinfo.php"}
        assert not view.marked


async def test_deleting_an_asset_asks_then_takes_it_off_the_grid(recorded_store, lab):
    store = recorded_store
    app = recorded_app(store, lab)
    async with app.run_test(size=(80, 24)) as pilot:
        select(app, "files.shili-tech.test")
        rows = app.grid.table.row_count
        await pilot.press("delete")
        assert isinstance(app.screen, Confirm)
        await pilot.press("enter")  # Cancel
        await pilot.pause()
        assert store.assets.get("files.shili-tech.test") is not None
        await pilot.press("delete", "ctrl+s")
        await pilot.pause()
        assert store.assets.get("files.shili-tech.test") is None
        assert app.grid.table.row_count == rows - 1
        assert "files.shili-tech.test" not in names_in_order(app)
        assert store.audit.events()[-1].action == "asset.delete"


def test_chinese_wraps_between_characters_under_its_own_text():
    from rich.console import Console
    from rich.text import Text

    from tui.dashboard.widgets.wrap import Hanging, wrap

    body = Text(
        "[人工] 排查webshell与后门：查杀工具扫描，近期修改文件、.htaccess/.user.ini、计划任务"
    )
    console = Console(width=30, record=True)
    console.print(Hanging(Text("  ☐ "), body))
    lines = console.export_text().splitlines()
    assert lines[0].startswith("  ☐ [人工] 排查")  # not left alone on its line
    assert all(line.startswith("    ") for line in lines[1:])  # the hanging indent
    assert all(cell_len(line) <= 30 for line in lines)
    assert any(".htaccess/.user.ini" in line for line in lines)  # one line: never split
    assert not any(line.strip().startswith(("，", "、", "：")) for line in lines)
    assert [line.plain for line in wrap(Text("a" * 25), 10)] == ["a" * 10, "a" * 10, "a" * 5]


async def test_the_checklist_tab_takes_the_focus_and_arrows_still_switch_tabs(recorded_store, lab):
    app = recorded_app(recorded_store, lab)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("enter", "right", "right")
        screen = app.screen
        tabs = screen.query_one(TabbedContent)
        assert tabs.active == "checklist" and screen.query_one(ChecklistView).has_focus
        assert "space" in key_bar(app)
        await pilot.press("right")
        assert tabs.active == "history"
        await pilot.press("left")
        assert tabs.active == "checklist" and screen.query_one(ChecklistView).has_focus
