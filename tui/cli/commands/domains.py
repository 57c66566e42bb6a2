"""Domains: the ICP filing list (`icp import`, `icp list`), discovery (`discover`) and the
Discovered list (`discovered`). Nothing here looks filings up online."""

from __future__ import annotations

import argparse
import sys

from checks.service import domains, sweeps
from checks.store import Store
from checks.store.codec import ts
from checks.store.domains import Triage
from checks.text import inert
from tui.cli.commands.scan import probe_overrides
from tui.cli.output import EXIT_FINDINGS, EXIT_INCOMPLETE, EXIT_OK, json_line, say, table
from tui.i18n import tr


def icp(args: argparse.Namespace, store: Store) -> int:
    """`assetwatch icp import FILE` / `assetwatch icp list [--json]`."""
    if args.icp_command == "import":
        done = domains.import_filings(store, args.file)
        for line, error in done.parsed.errors:
            say(
                args.lang,
                "cli.icp.skipped",
                err=True,
                file=args.file.name,
                line=line,
                error=error.text(args.lang),
            )
        say(
            args.lang,
            "cli.icp.imported",
            n=len(done.parsed.filings),
            file=inert(args.file.name),
            unlisted=done.plan.unlisted_count,
            retired=done.plan.retired_count,
        )
        return EXIT_FINDINGS if done.parsed.errors else EXIT_OK
    filings = store.filings.all()
    if args.json:
        for f in filings:
            json_line(
                {
                    "domain": f.domain,
                    "site_no": f.site_no,
                    "entity_no": f.entity_no,
                    "site_name": f.site_name,
                },
                sys.stdout,
            )
        return EXIT_OK
    if not filings:
        say(args.lang, "cli.icp.none")
        return EXIT_OK
    when, source = store.filings.imported()
    say(
        args.lang,
        "cli.icp.offline",
        err=True,
        when=ts(when)[:10] if when else "-",
        file=inert(source),
    )
    cols = ("domain", "site_no", "entity_no", "site_name")
    headers = [tr(args.lang, f"cli.col.{c}") for c in cols]
    rows = [[f.domain, f.site_no, f.entity_no, f.site_name] for f in filings]
    print(table(headers, rows, [40, 24, 22, 200]))
    return EXIT_OK


def discover(args: argparse.Namespace, store: Store) -> int:
    """`assetwatch discover DOMAIN [--ct [--ct-url URL]] [--brute [--wordlist FILE]]`.

    The new names wait in the Discovered list; the asset they are reported under is probed
    at once, so that each becomes an `unknown-asset` finding. Exit 3 when a source gave no
    answer (unknown is never 0).
    """
    config = sweeps.config_from(store.settings.read(), probe_overrides(args))
    words = domains.wordlist(args.wordlist) if args.brute else None
    found = sweeps.run_async(
        domains.discover(
            store,
            args.domain,
            config,
            ct_url=args.ct_url if args.ct else None,
            brute=args.brute,
            words=words,
            ct_timeout=args.timeout or 60.0,
        )
    )
    sweeps.run_async(sweeps.run_sweep(store, config, [found.anchor]))
    if args.json:
        for name, how in found.found:
            json_line(
                {
                    "name": name,
                    "found_by": how,
                    "new": name in found.new,
                    "under": found.anchor.display,
                },
                sys.stdout,
            )
    else:
        for name, how in found.found:
            print(f"{'+' if name in found.new else ' '} {inert(name)}  {inert(how)}")
    t = args.lang
    if found.ct is not None:
        more = tr(t, "cli.discover.more") if found.ct.truncated else ""
        say(
            t,
            "cli.discover.ct",
            err=True,
            entries=found.ct.entries,
            names=len(found.ct.names),
            more=more,
        )
    if found.brute is not None:
        b = found.brute
        wild = tr(t, "cli.discover.wild", addresses=",".join(b.wildcard)) if b.wildcard else ""
        lost = tr(t, "cli.discover.lost", n=b.unanswered) if b.unanswered else ""
        say(
            t,
            "cli.discover.brute",
            err=True,
            asked=b.asked,
            found=len(b.names),
            wild=wild,
            lost=lost,
        )
    for error in found.errors:
        say(t, "cli.discover.failed", err=True, error=inert(error))
    say(
        t,
        "cli.discover.done",
        err=True,
        domain=args.domain,
        found=len(found.found),
        new=len(found.new),
        anchor=found.anchor.display,
    )
    return EXIT_INCOMPLETE if found.errors or (found.brute and found.brute.unanswered) else EXIT_OK


def discovered(args: argparse.Namespace, store: Store) -> int:
    """`assetwatch discovered [--json] [--not-ours NAME | --ignore NAME --reason R]`."""
    for name, state in ((args.not_ours, Triage.NOT_OURS), (args.ignore, Triage.IGNORED)):
        if name:
            domains.mark(store, name, state, args.reason)
            say(
                args.lang,
                "cli.discovered.marked",
                err=True,
                name=name,
                state=tr(args.lang, f"disc.state.{state}"),
            )
    rows = store.discovered.rows()
    if args.json:
        for r in rows:
            json_line(
                {
                    "name": r.name,
                    "under": r.asset,
                    "found_by": r.how,
                    "sources": list(r.sources),
                    "state": str(r.state),
                    "reason": r.reason,
                    "first_seen": ts(r.first_seen),
                    "last_seen": ts(r.last_seen),
                },
                sys.stdout,
            )
        return EXIT_OK
    if not rows:
        say(args.lang, "cli.discovered.none")
        return EXIT_OK
    headers = [tr(args.lang, f"cli.col.{c}") for c in ("name", "state", "under", "found_by")]
    body = [[r.name, tr(args.lang, f"disc.state.{r.state}"), r.asset, r.how] for r in rows]
    print(table(headers, body, [40, 16, 30, 200]))
    return EXIT_OK
