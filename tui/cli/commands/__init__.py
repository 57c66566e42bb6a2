"""The commands: each is `args -> checks.service -> output`, and this table dispatches them."""

from __future__ import annotations

import argparse
from collections.abc import Callable

from checks.store import Store
from tui.cli.commands import inventory, remediation, reports, scan
from tui.cli.commands.dashboard import dashboard, demo

StoreCommand = Callable[[argparse.Namespace, Store], int]
"""A command that works on the user's database; returns the exit code."""

COMMANDS: dict[str, StoreCommand] = {
    "add": inventory.add,
    "retire": inventory.retire,
    "decommission": inventory.decommission,
    "list": inventory.list_assets,
    "import": inventory.import_file,
    "scan": scan.scan,
    "findings": scan.findings,
    "checks": scan.checks,
    "baseline": remediation.baseline,
    "checklist": remediation.checklist,
    "attest": remediation.attest,
    "accept-risk": remediation.accept_risk,
    "org": reports.org,
    "report": reports.report,
    "evidence": reports.evidence,
}
"""Command name -> what runs it (every command but `demo` and the dashboard)."""


def dispatch(args: argparse.Namespace) -> int:
    """Run the parsed command on the database it names; returns the exit code."""
    if args.command is None:
        return dashboard(args)
    if args.command == "demo":
        return demo(args)
    store = Store(args.db)
    try:
        return COMMANDS[args.command](args, store)
    finally:
        store.close()
