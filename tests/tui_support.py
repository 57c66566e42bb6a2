"""Helpers of the dashboard's Pilot and snapshot tests (fixtures live in conftest.py)."""

from __future__ import annotations

import json
import sys
from collections.abc import Awaitable, Callable
from pathlib import Path

from rich.console import Group
from rich.text import Text
from textual.message import Message
from textual.notifications import Notify
from textual.pilot import Pilot
from textual.widgets import Input

from checks.lab import LabView
from checks.service.sweeps import ProbeOverrides
from checks.store import Store
from tui.dashboard import AssetWatchApp, make_app
from tui.dashboard.widgets.wrap import Hanging


def recorded_app(
    store: Store,
    lab: LabView,
    lang: str = "en",
    overrides: ProbeOverrides | None = None,
) -> AssetWatchApp:
    """The dashboard on the recorded sweep: no background sweep, the store's fixed clock.

    Probes that a key starts (r, a new asset) go to the loopback lab, never the system resolver.
    Animations are off.
    """
    overrides = overrides or lab.overrides()
    app = make_app(store, overrides, auto_sweep=False, clock=store.clock, lang=lang)
    quiet(app)
    return app


def quiet(app: AssetWatchApp) -> AssetWatchApp:
    """No animations (a tab's underline slides for 0.3 s): the end state, at once."""
    app.animation_level = "none"
    return app


def steady_cursors(app: AssetWatchApp) -> None:
    """Stop every input's cursor blinking, so a screenshot never depends on when it was taken."""
    for screen in app.screen_stack:
        for box in screen.query(Input):
            box.cursor_blink = False


def press(*keys: str, wait: float = 0.0) -> Callable[[Pilot[None]], Awaitable[None]]:
    """A snapshot's `run_before`: press the keys, let the app settle, steady the cursors."""

    async def run(pilot: Pilot[None]) -> None:
        await pilot.press(*keys)
        await pilot.app.workers.wait_for_complete()
        await pilot.pause(wait or None)
        assert isinstance(pilot.app, AssetWatchApp)
        steady_cursors(pilot.app)
        await pilot.pause()

    return run


def names_in_order(app: AssetWatchApp) -> list[str]:
    """The grid's asset names, top to bottom."""
    grid = app.grid
    return [grid.rows[asset_id].asset.name for asset_id in grid.table.ordered_ids]


def cell(app: AssetWatchApp, name: str, column: str) -> str:
    """The plain text of one asset's cell in the grid."""
    row = next(r for r in app.grid.rows.values() if r.asset.name == name)
    return app.grid.table.cell_text(row.id, column).plain


def texts(renderable) -> list[Text]:
    """The Rich Text pieces of a Static's content (a Text, or a Group of Text and Hanging)."""
    if isinstance(renderable, Text):
        return [renderable]
    if isinstance(renderable, Hanging):
        return [renderable.lead, renderable.body]
    if isinstance(renderable, Group):
        return [t for r in renderable.renderables for t in texts(r)]
    raise TypeError(type(renderable))


def plain(renderable) -> str:
    """The text of a Static's content, unwrapped."""
    return "".join(t.plain for t in texts(renderable))


def notices(messages: list[Message]) -> list[str]:
    """The text of every notification posted (from `run_test(message_hook=messages.append)`)."""
    return [m.notification.message for m in messages if isinstance(m, Notify)]


def select(app: AssetWatchApp, name: str) -> None:
    """Put the grid's cursor on an asset (as the arrow keys would, without the key presses)."""
    row = next(r for r in app.grid.rows.values() if r.asset.name == name)
    table = app.grid.table
    table.move_cursor(table.get_row_index(row.id))


_SWEEP_ELSEWHERE = """
import asyncio, json, sys
from checks.service.sweeps import ProbeOverrides, config_from, run_sweep
from checks.store import Store
spec = json.loads(sys.argv[2])
overrides = ProbeOverrides(
    nameservers=tuple(tuple(n) for n in spec["nameservers"]),
    ca_bundle=spec["ca_bundle"],
    timeout=spec["timeout"],
    lab={"port_map": tuple(tuple(p) for p in spec["port_map"]), "axfr_port": spec["axfr_port"]},
)
store = Store(sys.argv[1])
assets = [store.assets.get(name) for name in spec["names"]]
asyncio.run(run_sweep(store, config_from(store.settings.read(), overrides), assets))
"""
"""What `assetwatch scan` does, in a process of its own (the CLI itself is another front end)."""


def sweep_elsewhere_argv(db: Path | str, lab: LabView, names: list[str]) -> list[str]:
    """The command line of a process that probes `names` through the lab into `db`."""
    overrides = lab.overrides()
    spec = {
        "nameservers": overrides.nameservers,
        "ca_bundle": overrides.ca_bundle,
        "timeout": overrides.timeout,
        "port_map": overrides.lab["port_map"],
        "axfr_port": overrides.lab["axfr_port"],
        "names": names,
    }
    return [sys.executable, "-c", _SWEEP_ELSEWHERE, str(db), json.dumps(spec)]
