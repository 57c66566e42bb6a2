"""Every screen owns its keys: the grid's keys do nothing on the screens that hide the grid (B3)."""

from __future__ import annotations

import pytest

from tests.tui_support import recorded_app
from tui.dashboard.screens.asset import AssetScreen
from tui.dashboard.screens.grid import GridScreen
from tui.dashboard.screens.org import OrgScreen
from tui.dashboard.screens.report import ReportScreen

GRID_KEYS = ("a", "x", "e", "r", "b", "i", "o", "g", "w", "f", "s", "slash", "R", "L", "enter")
"""Keys bound on the grid; each screen below is checked with those it does not bind itself."""


def own_keys(screen_type):
    return {key for b in screen_type.BINDINGS for key in b.key.split(",")}


@pytest.mark.parametrize(
    ("opening", "screen_type"),
    [(("g",), OrgScreen), (("w",), ReportScreen), (("enter",), AssetScreen)],
    ids=["org", "report", "asset"],
)
async def test_grid_keys_do_nothing_on_the_other_screens(recorded_store, lab, opening, screen_type):
    store = recorded_store
    app = recorded_app(store, lab)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press(*opening)
        screen = app.screen
        assert isinstance(screen, screen_type)
        events, stack = len(store.audit.events()), len(app.screen_stack)
        for key in GRID_KEYS:
            if key in own_keys(screen_type):
                continue
            await pilot.press(key)
            assert app.screen is screen, key  # no form, no confirmation, no other screen
        assert len(app.screen_stack) == stack
        assert len(store.audit.events()) == events
        assert not app.workers  # nothing was probed or swept
        grid = app.grid
        assert (grid.filter_text, grid.severity_filter, grid.sort_index) == ("", 0, 0)
        assert isinstance(app.screen_stack[0], GridScreen)
