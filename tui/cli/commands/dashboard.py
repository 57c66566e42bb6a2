"""The commands that open the dashboard: none at all, and `demo` (which may sweep headless).

Textual is imported only inside `open_dashboard`: headless commands and cron jobs never load it
(tests/test_layering.py checks this in a fresh interpreter).
"""

from __future__ import annotations

import argparse
import tempfile
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING

from checks.service.sweeps import ProbeOverrides
from checks.store import Store
from tui.cli.commands.scan import probe_overrides, sweep_and_report
from tui.cli.output import EXIT_ERROR, EXIT_OK
from tui.i18n import tr

if TYPE_CHECKING:
    from checks.lab import Lab, LabView


def open_dashboard(
    args: argparse.Namespace,
    store: Store,
    overrides: ProbeOverrides,
    lab: Lab | None = None,
) -> int:
    """Run the dashboard until the user quits it; its exit code (non-zero after a crash).

    Textual restores the terminal and prints the error itself; the code tells a script.
    """
    # The dashboard is the only front end that pays for importing Textual.
    from tui.dashboard import make_app

    app = make_app(store, overrides, lang=args.explicit_lang, lab=lab)
    app.run()
    return EXIT_ERROR if app.return_code else EXIT_OK


def dashboard(args: argparse.Namespace, store: Store) -> int:
    """`assetwatch` with no command: the dashboard on the user's database."""
    try:
        return open_dashboard(args, store, probe_overrides(args))
    finally:
        store.close()


def demo_overrides(lab: LabView, user: ProbeOverrides) -> ProbeOverrides:
    """The lab's wiring (its DNS server first, its CA, its port map) with the user's options.

    The timeout is the user's or the stored one, not the lab's short test timeout.
    """
    wired = lab.overrides(light=user.light)
    return replace(
        wired,
        nameservers=(*wired.nameservers, *user.nameservers),
        ca_bundle=user.ca_bundle or wired.ca_bundle,
        timeout=user.timeout,
        concurrency=user.concurrency,
    )


def discover_on_lab(store: Store, lab: LabView, wired: ProbeOverrides) -> None:
    """Ask the lab's CT log and DNS for the company's names, so some wait in triage at once."""
    from checks.service import domains, sweeps

    config = sweeps.config_from(store.settings.read(), wired)
    sweeps.run_async(
        domains.discover(store, "shili-tech.test", config, ct_url=lab.ct_url, brute=True)
    )


def demo(args: argparse.Namespace) -> int:
    """`assetwatch demo [--scan] [--json]`: the loopback lab in a temporary database."""
    from checks.lab import Lab  # only the demo needs the lab's servers and CA
    from checks.lab.robots import RobotLab, demo_channels

    overrides = probe_overrides(args)
    with (
        Lab() as lab,
        RobotLab() as robots,
        tempfile.TemporaryDirectory(prefix="assetwatch-demo-") as folder,
    ):
        store = Store(args.db or Path(folder) / "demo.db")
        try:
            lab.seed(store)
            wired = demo_overrides(lab, overrides)
            discover_on_lab(store, lab, wired)
            if args.scan or args.json:
                return sweep_and_report(args, store, wired)
            store.settings.set("org_name", tr(args.lang, "cli.demo.org"))
            demo_channels(store, robots, args.lang)  # alerts go to the lab's robots
            return open_dashboard(args, store, wired, lab)
        finally:
            store.close()
