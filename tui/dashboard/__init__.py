"""The Textual dashboard: a live grid of every asset, re-probed in the background, with drill-downs.

`make_app` is the one way in, for the command line (`assetwatch`, `assetwatch demo`) and the tests.
"""

from __future__ import annotations

from checks.model import Clock, utcnow
from checks.service.sweeps import ProbeOverrides
from checks.store import Store
from tui.dashboard.app import AssetWatchApp, DemoLab

__all__ = ["AssetWatchApp", "DemoLab", "make_app"]


def make_app(
    store: Store,
    overrides: ProbeOverrides,
    *,
    clock: Clock = utcnow,
    lang: str | None = None,
    auto_sweep: bool = True,
    lab: DemoLab | None = None,
    everyone: bool = False,
) -> AssetWatchApp:
    """Build the dashboard on `store`.

    Args:
        store: the database (a file: the probe workers open their own connection).
        overrides: what the command line said about probing (DNS servers, CA bundle, timeout,
            concurrency); required, so that nothing (no test) falls back to the system's
            resolvers by accident. Stored settings fill in what it leaves unsaid.
        clock: where "now" comes from (tests fix it).
        lang: "zh" or "en"; default: the stored setting, else the locale.
        auto_sweep: sweep what is due as soon as the dashboard opens (False: wait for a key;
            tests on a recorded sweep use it).
        lab: the loopback lab (`assetwatch demo`), whose controls `L` plays.
        everyone: `--org all`: the roll-up of every organisation, read-only, nothing swept.
    """
    return AssetWatchApp(
        store, overrides, clock=clock, lang=lang, auto_sweep=auto_sweep, lab=lab, everyone=everyone
    )
