"""Probing and what it found: scan, findings, checks.

`scan` composes its probe configuration exactly as the dashboard does
(`checks.service.sweeps.config_from`): the command-line options, then the stored settings
(the dashboard's settings form), then the defaults.
"""

from __future__ import annotations

import argparse
import sys

from checks.model import Severity, SweepProgress
from checks.names import display_name
from checks.probe import parse_nameserver
from checks.registry import parse_whois_server
from checks.service import checks_admin, pages, sweeps
from checks.service.inventory import asset_named
from checks.store import Store
from checks.text import inert
from tui.cli.output import (
    EXIT_FINDINGS,
    EXIT_INCOMPLETE,
    EXIT_OK,
    json_line,
    print_findings,
    say,
    table,
)
from tui.i18n import tr


def probe_overrides(args: argparse.Namespace) -> sweeps.ProbeOverrides:
    """What the global and sweep options say; an option not given is None ("not said").

    Raises:
        UserError: a `--nameserver` is not an IP address[:port].
    """
    return sweeps.ProbeOverrides(
        nameservers=tuple(parse_nameserver(n) for n in args.nameserver),
        ca_bundle=args.ca_bundle,
        timeout=getattr(args, "timeout", None),
        concurrency=getattr(args, "concurrency", None),
        light=getattr(args, "light", False),
        processes=getattr(args, "processes", None),
        rdap_bootstrap=getattr(args, "rdap_bootstrap", None),
        whois_servers=tuple(parse_whois_server(s) for s in getattr(args, "whois_server", [])),
        location=sweeps.location_name(getattr(args, "location", None) or ""),
    )


def _progress_printer(lang: str) -> sweeps.OnBatch | None:
    if not sys.stderr.isatty():
        return None

    def show(_batch: sweeps.Batch, p: SweepProgress) -> None:
        sys.stderr.write(
            "\r" + tr(lang, "cli.scan.progress", done=p.done, total=p.total, rate=p.rate)
        )
        sys.stderr.flush()

    return show


def sweep_and_report(
    args: argparse.Namespace, store: Store, overrides: sweeps.ProbeOverrides
) -> int:
    """Probe every asset once, print the open findings; exit 1 if any is at `--fail-on`.

    The probe configuration is `config_from(stored settings, overrides)`: the dashboard's.

    Raises:
        UserError: a timeout or concurrency is not positive, or a stored nameserver is malformed.
    """
    config = sweeps.config_from(store.settings.read(), overrides)
    if not store.assets.all():
        say(args.lang, "cli.scan.empty", err=True)
    show = _progress_printer(args.lang)
    progress = sweeps.run_async(
        sweeps.run_sweep(store, config, on_batch=show, location=overrides.location)
    )
    if show is not None:
        sys.stderr.write("\n")
    records = store.findings.query()
    print_findings(records, args.lang, args.json, sys.stdout)
    if not args.json:
        say(
            args.lang,
            "cli.scan.done",
            err=True,
            n=progress.done,
            seconds=f"{progress.elapsed_s:.1f}",
        )
    coverage(args.lang, progress)
    worst = max((r.finding.severity.rank for r in records), default=-1)
    if worst >= Severity(args.fail_on).rank:
        return EXIT_FINDINGS
    return EXIT_OK if progress.complete else EXIT_INCOMPLETE


def coverage(lang: str, progress: SweepProgress) -> None:
    """The last line on stderr: how many assets were observed, how many not, and why."""
    unknown = len(progress.unobserved)
    why = "; ".join(f"{display_name(n)}: {w}" for n, w in progress.unobserved[:5])
    if unknown > 5:
        why += f"; +{unknown - 5}"
    say(
        lang,
        "cli.scan.coverage" if unknown else "cli.scan.coverage_full",
        err=True,
        observed=progress.done - unknown,
        unknown=unknown,
        total=progress.total,
        why=inert(why),
    )


def scan(args: argparse.Namespace, store: Store) -> int:
    """`assetwatch scan [...]`: one sweep of the inventory, for people and cron."""
    return sweep_and_report(args, store, probe_overrides(args))


def findings(args: argparse.Namespace, store: Store) -> int:
    """`assetwatch findings [--severity SEV] [--all]`: stored findings, no probing."""
    records = store.findings.query(min_severity=Severity(args.severity), active_only=not args.all)
    print_findings(records, args.lang, args.json, sys.stdout)
    return EXIT_OK


def checks(args: argparse.Namespace, store: Store) -> int:
    """`assetwatch checks [--disable ID --reason R] [--enable ID] [--asset NAME]`."""
    asset_id = asset_named(store, args.asset).id if args.asset else None
    # Both ids are checked before either change is made.
    for check_id in filter(None, (args.disable, args.enable)):
        checks_admin.known(check_id)
    if args.disable:
        checks_admin.disable(store, args.disable, args.reason, asset_id)
        items, books = checks_admin.dependents(args.disable)
        if items or books:
            say(
                args.lang,
                "cli.checks.dependents",
                err=True,
                check=args.disable,
                items=", ".join(items) or "-",
                playbooks=", ".join(books) or "-",
            )
    if args.enable:
        checks_admin.enable(store, args.enable, asset_id)
    states = checks_admin.states(store)
    if args.json:
        for s in states:
            json_line(
                {
                    "check": s.spec.id,
                    "severity": str(s.spec.severity),
                    "title": s.spec.title.text(args.lang),
                    "state": s.state,
                    "reason": s.reason,
                },
                sys.stdout,
            )
        return EXIT_OK
    headers = [tr(args.lang, f"cli.col.{c}") for c in ("check", "severity", "state", "title")]
    rows = [
        [s.spec.id, str(s.spec.severity), s.state, s.spec.title.text(args.lang)] for s in states
    ]
    print(table(headers, rows, [26, 8, 24, 200]))
    return EXIT_OK


def check_page(args: argparse.Namespace) -> int:
    """`assetwatch check-page FILE [--url URL] [--spider-file FILE]`: nothing fetched or stored."""
    page = pages.read_saved(args.file)
    spider = pages.read_saved(args.spider_file) if args.spider_file else None
    records = pages.check_page(page, args.url, spider)
    print_findings(records, args.lang, args.json, sys.stdout)
    worst = max((r.finding.severity.rank for r in records), default=-1)
    return EXIT_FINDINGS if worst >= Severity(args.fail_on).rank else EXIT_OK
