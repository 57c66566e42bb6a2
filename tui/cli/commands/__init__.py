"""The commands: each is `args -> checks.service -> output`, and this table dispatches them."""

from __future__ import annotations

import argparse
import os
from collections.abc import Callable

from checks.errors import UserError
from checks.service.orgs import open_org
from checks.store import Store
from checks.text import inert
from tui.cli.commands import (
    alerts,
    domains,
    inventory,
    orgs,
    remediation,
    reports,
    scan,
    workday,
    worker,
)
from tui.cli.commands.dashboard import dashboard, demo
from tui.cli.output import JSON_EXTRA

ALL_ORGS = "all"

StoreCommand = Callable[[argparse.Namespace, Store], int]
"""A command that works on the user's database; returns the exit code."""

COMMANDS: dict[str, StoreCommand] = {
    "add": inventory.add,
    "retire": inventory.retire,
    "vacuum": inventory.vacuum,
    "delete": inventory.delete,
    "decommission": inventory.decommission,
    "list": inventory.list_assets,
    "import": inventory.import_file,
    "scan": scan.scan,
    "findings": scan.findings,
    "checks": scan.checks,
    "baseline": remediation.baseline,
    "checklist": remediation.checklist,
    "todo": workday.todo,
    "settings": workday.settings,
    "attest": remediation.attest,
    "accept-risk": remediation.accept_risk,
    "org": reports.org,
    "report": reports.report,
    "evidence": reports.evidence,
    "init": inventory.init,
    "icp": domains.icp,
    "discover": domains.discover,
    "discovered": domains.discovered,
    "watch": alerts.watch_command,
    "orgs": orgs.orgs,
    "exposure": orgs.exposure,
    "worker": worker.worker,
    "notify": alerts.notify,
}
"""Command name -> what runs it (every command but `demo` and the dashboard)."""


CREATING = frozenset({"add", "import", "init"})
"""Commands that may create the database a `--db` (or ASSETWATCH_DB) names."""


def open_store(args: argparse.Namespace) -> Store:
    """The database the user named; only `add`, `import` and `init` create a missing one.

    A typo in `--db` must not start an empty inventory that cron scans forever with exit 0.
    The default per-user database is created on first use.

    Raises:
        UserError: the named database does not exist.
    """
    named = args.db is not None or bool(os.environ.get("ASSETWATCH_DB"))
    org = getattr(args, "org", None) or os.environ.get("ASSETWATCH_ORG") or None
    return open_org(args.db, org, create=not named or args.command in CREATING)


ACROSS = frozenset({"list", "findings", "todo", "exposure", "discovered", "checks"})
"""Commands that only read, and so may run on every organisation at once (`--org all`)."""

WRITING_OPTIONS = {"checks": ("disable", "enable"), "discovered": ("not_ours", "ignore")}
"""The options that make a reading command change data: refused with `--org all`."""


def _across(args: argparse.Namespace) -> int:
    """Run a reading command on each organisation in turn: a heading before each one's text,
    "org" in each JSON line; the exit code is the highest.

    Raises:
        UserError: the command changes data (or an option would: `checks --disable`).
    """
    command = args.command
    writing = [o for o in WRITING_OPTIONS.get(command, ()) if getattr(args, o, None)]
    if command not in ACROSS or writing:
        what = " ".join([command, *(f"--{o.replace('_', '-')}" for o in writing)])
        raise UserError(
            f"--org all only reads ({', '.join(sorted(ACROSS))}): `{what}` changes data, "
            "name one organisation",
            f"--org all 只能读取（{'、'.join(sorted(ACROSS))}）：`{what}` 会修改数据，"
            "请指定一个组织",
        )
    root = open_org(args.db, None, create=False)
    try:
        names = [o.name for o in root.orgs.all()]
    finally:
        root.close()
    code = 0
    as_json = getattr(args, "json", False)
    try:
        for name in names:
            store = Store(args.db, org=name, create=False)  # as it is: nothing inherited now
            try:
                if as_json:
                    JSON_EXTRA["org"] = name
                else:
                    print(inert(f"== {name} =="), flush=True)
                code = max(code, COMMANDS[command](args, store))
            finally:
                store.close()
    finally:
        JSON_EXTRA.pop("org", None)
    return code


def dispatch(args: argparse.Namespace) -> int:
    """Run the parsed command on the database it names; returns the exit code."""
    org = getattr(args, "org", None) or os.environ.get("ASSETWATCH_ORG") or None
    if org == ALL_ORGS and args.command is None:  # the roll-up, read-only
        return dashboard(args, open_org(args.db, None, create=False), everyone=True)
    if org == ALL_ORGS:
        return _across(args)
    if args.command is None:
        return dashboard(args, open_store(args))
    if args.command == "demo":
        return demo(args)
    if args.command == "check-page":
        return scan.check_page(args)
    store = open_store(args)
    try:
        return COMMANDS[args.command](args, store)
    finally:
        store.close()
