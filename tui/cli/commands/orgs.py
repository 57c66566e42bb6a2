"""`assetwatch orgs` and `exposure`: several organisations and several places in one install."""

from __future__ import annotations

import argparse
import sys

from checks.model import Severity
from checks.service.orgs import rollup
from checks.store import Store, org_name
from checks.text import inert
from tui.cli.output import EXIT_OK, json_line, say, table
from tui.i18n import tr


def orgs(args: argparse.Namespace, store: Store) -> int:
    """`orgs [list|add NAME [--parent P] [--title T]|rollup] [--json]`."""
    if args.action == "add":
        if store.org != "default":
            store = store.reopen(org="default")  # the registry is the default one's
        name = org_name(args.name)
        store.orgs.add(name, org_name(args.parent), args.title)
        say(args.lang, "cli.orgs.added", name=name, parent=args.parent)
        return EXIT_OK
    states = rollup(store)
    if args.json:
        for s in states:
            json_line(
                {
                    "org": s.name,
                    "parent": s.parent,
                    "title": s.title,
                    "assets": s.assets,
                    "open_findings": s.open_findings,
                    "last_sweep": s.last_sweep.isoformat() if s.last_sweep else None,
                    "checklist": {"done": s.checklist[0], "total": s.checklist[1]},
                },
                sys.stdout,
            )
        return EXIT_OK
    headers = [tr(args.lang, f"cli.orgs.col.{c}") for c in ("org", "parent", "assets", "open")]
    headers += [tr(args.lang, f"cli.orgs.col.{c}") for c in ("checklist", "last")]
    rows = []
    for s in states:
        worst = [f"{s.open_findings[str(v)]} {v}" for v in Severity if s.open_findings[str(v)]]
        rows.append(
            [
                s.name + (f" ({s.title})" if s.title else ""),
                s.parent or "-",
                str(sum(s.assets.values())),
                ", ".join(worst) or "0",
                f"{s.checklist[0]}/{s.checklist[1]}",
                s.last_sweep.strftime("%Y-%m-%d %H:%M") if s.last_sweep else "-",
            ]
        )
    print(table(headers, rows))
    return EXIT_OK


def exposure(args: argparse.Namespace, store: Store) -> int:
    """`assetwatch exposure [--json]`: what one place sees and another does not."""
    split = store.findings.split_by_place()
    places = store.findings.places()
    if args.json:
        for asset, check, subject, severity, seen, unseen in split:
            json_line(
                {
                    "asset": asset,
                    "check": check,
                    "subject": subject,
                    "severity": severity,
                    "seen_from": seen,
                    "not_seen_from": unseen,
                },
                sys.stdout,
            )
        return EXIT_OK
    if not split:
        say(args.lang, "cli.exposure.none")
    else:
        headers = [
            tr(args.lang, f"cli.exposure.col.{c}") for c in ("asset", "check", "seen", "unseen")
        ]
        rows = [
            [inert(a), c + (f" {inert(s)}" if s else ""), ", ".join(seen), ", ".join(unseen)]
            for a, c, s, _sev, seen, unseen in split
        ]
        print(table(headers, rows))
    many: dict[str, list[str]] = {}
    for asset, place, at, dns, status, error in places:
        many.setdefault(asset, []).append(f"{place or '-'}: {dns} {status or error or '-'} ({at})")
    for asset, lines in many.items():
        if len(lines) > 1:
            print(inert(asset))
            for line in lines:
                print("  " + inert(line))
    return EXIT_OK
