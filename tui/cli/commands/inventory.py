"""Inventory commands: add, retire, decommission, list, import."""

from __future__ import annotations

import argparse
import sys

import humanize

from checks.intake import build_asset
from checks.model import Lifecycle
from checks.service import inventory as service
from checks.service import remediation, upkeep
from checks.store import Store
from checks.text import inert
from tui.cli.output import (
    EXIT_FINDINGS,
    EXIT_OK,
    asset_json,
    fail,
    json_line,
    say,
    signed,
    table,
)
from tui.i18n import tr


def add(args: argparse.Namespace, store: Store) -> int:
    """`assetwatch add NAME [...]`: record an asset."""
    row = {
        "name": args.name,
        "kind": args.kind,
        "owner": args.owner,
        "status": args.status,
        "url": list(args.url),
        "icp": args.icp,
        "tags": list(args.tag),
        "notes": args.notes,
    }
    stored = service.add(store, service.from_url(build_asset(row))).asset
    say(
        args.lang,
        "cli.add.done",
        name=inert(stored.display),
        kind=stored.kind,
        lifecycle=stored.lifecycle,
    )
    return EXIT_OK


def delete(args: argparse.Namespace, store: Store) -> int:
    """`assetwatch delete NAME [--yes]`: out of the inventory, kept for the report (logged).

    On a terminal it asks first; a script says `--yes` (without it, nothing is deleted).
    """
    asset = service.asset_named(store, args.name)
    name = inert(asset.display)
    if not args.yes:
        if not sys.stdin.isatty():
            raise fail("cli.delete.needs_yes", name=asset.display)
        answer = input(tr(args.lang, "cli.delete.ask", name=name) + " ")
        if answer.strip().lower() not in ("y", "yes", "是"):
            say(args.lang, "cli.delete.kept", name=name)
            return EXIT_OK
    service.delete(store, asset)
    say(args.lang, "cli.delete.done", name=name)
    return EXIT_OK


def vacuum(args: argparse.Namespace, store: Store) -> int:
    """`assetwatch vacuum`: convert old history, then give the freed space back to the disk."""
    done = upkeep.vacuum(store)
    say(
        args.lang,
        "cli.vacuum.done",
        converted=done.converted,
        before=humanize.naturalsize(done.before_bytes, binary=True),
        after=humanize.naturalsize(done.after_bytes, binary=True),
    )
    return EXIT_OK


def retire(args: argparse.Namespace, store: Store) -> int:
    """`assetwatch retire NAME`: start the decommission checklist."""
    before = service.asset_named(store, args.name)
    after = service.retire(store, before)
    name = inert(after.display)
    if after == before:
        say(args.lang, "cli.retire.already", name=name, lifecycle=after.lifecycle)
    else:
        say(args.lang, "cli.retire.started", name=name, arg=inert(args.name))
    return EXIT_OK


def decommission(args: argparse.Namespace, store: Store) -> int:
    """`assetwatch decommission NAME [--attest STEP]`: the decommission checklist."""
    asset = service.asset_named(store, args.name)
    if args.attest is not None:
        asset = remediation.attest_decommission(
            store, asset, args.attest - 1, args.note, args.evidence
        )
    if asset.lifecycle == Lifecycle.ACTIVE:
        raise fail("cli.decommission.active", name=asset.display)
    print(f"{inert(asset.display)}  [{asset.lifecycle}]")
    for s in remediation.decommission_steps(store, asset):
        kind = tr(args.lang, f"cli.step.{s.step.kind}")
        who = signed(s.attestation)
        mark = "x" if s.done else " "
        text = inert(s.step.text.text(args.lang))
        print(f"  {s.index + 1:>2}. [{mark}] ({kind}) {text}" + (f"  {who}" if who else ""))
    return EXIT_OK


def list_assets(args: argparse.Namespace, store: Store) -> int:
    """`assetwatch list [--json]`: the inventory."""
    assets = store.assets.all()
    if args.json:
        for asset in assets:
            json_line(asset_json(asset), sys.stdout)
        return EXIT_OK
    if not assets:
        say(args.lang, "cli.list.empty")
        return EXIT_OK
    columns = ("name", "kind", "owner", "status", "icp", "urls")
    headers = [tr(args.lang, f"cli.col.{c}") for c in columns]
    rows = [
        [a.display, a.kind, a.owner or "-", a.lifecycle, a.icp or "-", " ".join(a.urls) or "-"]
        for a in assets
    ]
    print(table(headers, rows, [40, 8, 16, 9, 22, 200]))
    return EXIT_OK


def import_file(args: argparse.Namespace, store: Store) -> int:
    """`assetwatch import FILE`: good rows land, bad rows are reported by line (exit 1)."""
    done = service.import_file(store, args.file)
    for err in done.errors:
        say(
            args.lang,
            "cli.import.row_error",
            err=True,
            file=inert(str(args.file)),
            line=err.line,
            error=inert(err.error.text(args.lang)),
        )
    if done.held:
        say(args.lang, "cli.import.held", err=True, n=done.held)
    say(
        args.lang,
        "cli.import.summary",
        rows=done.rows,
        new=done.new,
        existing=done.existing,
        skipped=len(done.errors),
    )
    say(args.lang, "cli.import.authorised", err=True)
    return EXIT_FINDINGS if done.errors else EXIT_OK


def init(args: argparse.Namespace, store: Store) -> int:
    """`assetwatch init`: create the database (it is, by now) and say where it is."""
    say(args.lang, "cli.init.done", path=inert(store.target))
    return EXIT_OK
