"""The commands that open the dashboard: none at all, and `demo` (which may sweep headless).

Textual is imported only inside `open_dashboard`: headless commands and cron jobs never load it
(tests/test_layering.py checks this in a fresh interpreter).
"""

from __future__ import annotations

import argparse
import shutil
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING

import platformdirs

from checks.service.sweeps import ProbeOverrides
from checks.store import Store
from checks.store.postgres import is_postgres, masked
from checks.text import inert
from tui.cli.commands.scan import probe_overrides, sweep_and_report
from tui.cli.output import EXIT_ERROR, EXIT_OK, fail, say
from tui.i18n import tr

if TYPE_CHECKING:
    from checks.lab import Lab, LabView


def open_dashboard(
    args: argparse.Namespace,
    store: Store,
    overrides: ProbeOverrides,
    lab: Lab | None = None,
    *,
    everyone: bool = False,
) -> int:
    """Run the dashboard until the user quits it; its exit code (non-zero after a crash).

    Textual restores the terminal and prints the error itself; the code tells a script.
    """
    # The dashboard is the only front end that pays for importing Textual.
    from tui.dashboard import make_app

    app = make_app(store, overrides, lang=args.explicit_lang, lab=lab, everyone=everyone)
    app.run()
    return EXIT_ERROR if app.return_code else EXIT_OK


def dashboard(args: argparse.Namespace, store: Store, *, everyone: bool = False) -> int:
    """`assetwatch` with no command: the dashboard on the user's database (`everyone`:
    `--org all`, the roll-up, read-only)."""
    try:
        return open_dashboard(args, store, probe_overrides(args), everyone=everyone)
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


def demo_folder() -> Path:
    """Where `assetwatch demo` keeps its databases when `--db` does not say (`--clean`)."""
    return Path(platformdirs.user_data_dir("assetwatch", appauthor=False)) / "demo"


def demo_db(args: argparse.Namespace) -> Path | str:
    """The demo's database: `demo --db PATH|URL` (or the global `--db`), else a fresh file."""
    named = args.demo_db or args.db
    if named:
        return named if is_postgres(named) else Path(named)
    stamp = datetime.now(UTC).strftime("%Y%m%d-%H%M%S")
    path = demo_folder() / f"demo-{stamp}.db"
    n = 1
    while path.exists():
        n += 1
        path = demo_folder() / f"demo-{stamp}-{n}.db"
    return path


DEMO_MARK = "demo_lab"
"""The setting that marks a database the demo made: only such a one is seeded again."""


def claim_for_demo(store: Store) -> None:
    """Mark a new database as the demo's; refuse one that holds a real inventory.

    `demo --db ~/assetwatch.db` must not pour the lab's incidents into the user's inventory.

    Raises:
        UserError: the database has assets and was not made by the demo.
    """
    if store.settings.get(DEMO_MARK):
        return
    if store.assets.all(include_deleted=True):
        raise fail("cli.demo.not_demo", path=store.target)
    store.settings.set(DEMO_MARK, "1", who="assetwatch demo")


def play(lab: Lab, control: str) -> None:
    """Play a lab control by id (`demo --play`).

    Raises:
        UserError: no such control.
    """
    try:
        lab.apply(control)
    except KeyError:
        known = ", ".join(c.id for c in lab.controls())
        raise fail("cli.demo.no_control", control=control, known=known) from None


def clean_demo(args: argparse.Namespace) -> int:
    """`assetwatch demo --clean`: remove the demo folder (databases, reports beside them)."""
    folder = demo_folder()
    files = [p for p in folder.rglob("*") if p.is_file()] if folder.is_dir() else []
    shutil.rmtree(folder, ignore_errors=True)
    say(args.lang, "cli.demo.cleaned", n=len(files), folder=inert(str(folder)))
    return EXIT_OK


def demo(args: argparse.Namespace) -> int:
    """`assetwatch demo [--db PATH] [--scan] [--play CONTROL]... [--clean]`: the loopback lab
    on a database that is kept (its path is printed before and after)."""
    if args.clean:
        return clean_demo(args)
    from checks.lab import Lab  # only the demo needs the lab's servers and CA
    from checks.lab.controls import control_by_id
    from checks.lab.robots import RobotLab, demo_channels

    overrides = probe_overrides(args)
    path = demo_db(args)
    shown = masked(path) if isinstance(path, str) else str(path.resolve())
    headless = args.scan or args.json
    # On stderr for a headless sweep: its stdout is the findings (JSON lines with --json).
    say(args.lang, "cli.demo.db", err=bool(headless), path=inert(shown))
    with Lab() as lab, RobotLab() as robots:
        store = Store(path)
        try:
            claim_for_demo(store)
            lab.seed(store)
            for control in args.play:
                play(lab, control)
                text = control_by_id(control).text.text(args.lang)
                say(args.lang, "cli.demo.played", err=bool(headless), what=text)
            wired = demo_overrides(lab, overrides)
            discover_on_lab(store, lab, wired)
            if headless:
                return sweep_and_report(args, store, wired)
            store.settings.set("org_name", tr(args.lang, "cli.demo.org"))
            demo_channels(store, robots, args.lang)  # alerts go to the lab's robots
            return open_dashboard(args, store, wired, lab)
        finally:
            store.close()
            if not headless:
                say(args.lang, "cli.demo.db", path=inert(shown))
