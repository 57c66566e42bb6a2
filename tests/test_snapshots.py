"""Snapshots of the main screens at 80×24 and 120×40, from a recorded lab sweep (fixed clock)."""

from __future__ import annotations

import pytest

from tui.app import make_app


def app_for(store, lang="en"):
    return make_app(store, auto_sweep=False, clock=store.clock, lang=lang)


@pytest.mark.parametrize("size", [(80, 24), (120, 40)], ids=["80x24", "120x40"])
@pytest.mark.parametrize("lang", ["en", "zh"])
def test_grid(snap_compare, recorded_store, size, lang):
    assert snap_compare(app_for(recorded_store, lang), terminal_size=size)


@pytest.mark.parametrize("size", [(80, 24), (120, 40)], ids=["80x24", "120x40"])
def test_asset_screen(snap_compare, recorded_store, size):
    assert snap_compare(app_for(recorded_store), press=["enter"], terminal_size=size)


def test_asset_findings_tab(snap_compare, recorded_store):
    assert snap_compare(
        app_for(recorded_store, "zh"), press=["enter", "right"], terminal_size=(80, 24)
    )


def test_asset_checklist_tab(snap_compare, recorded_store):
    assert snap_compare(
        app_for(recorded_store), press=["enter", "right", "right"], terminal_size=(80, 24)
    )


def test_add_form(snap_compare, recorded_store):
    assert snap_compare(app_for(recorded_store), press=["a"], terminal_size=(80, 24))


def test_retire_confirmation(snap_compare, recorded_store):
    assert snap_compare(
        app_for(recorded_store, "zh"), press=["down", "down", "x"], terminal_size=(80, 24)
    )


def test_help(snap_compare, recorded_store):
    assert snap_compare(app_for(recorded_store), press=["question_mark"], terminal_size=(80, 24))


def test_filtered_grid(snap_compare, recorded_store):
    assert snap_compare(
        app_for(recorded_store),
        press=["slash", *"shili", "enter", "f", "f"],
        terminal_size=(80, 24),
    )


def test_org_checklist(snap_compare, recorded_store):
    assert snap_compare(app_for(recorded_store, "zh"), press=["g"], terminal_size=(80, 24))


def test_report(snap_compare, recorded_store):
    assert snap_compare(app_for(recorded_store, "zh"), press=["w"], terminal_size=(80, 24))


def test_palette(snap_compare, recorded_store):
    async def search(pilot):
        await pilot.press("ctrl+p", *"sweep")
        await pilot.app.workers.wait_for_complete()
        await pilot.pause(0.3)

    assert snap_compare(app_for(recorded_store), run_before=search, terminal_size=(80, 24))
