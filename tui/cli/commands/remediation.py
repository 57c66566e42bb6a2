"""From finding to fixed: checklist, attest, accept-risk, baseline.

Checklist states come from `checks.service.remediation.asset_checklists`, the same states the
dashboard shows: auto steps verified on the latest probe, manual steps attested.
"""

from __future__ import annotations

import argparse

from checks.intake import parse_day
from checks.knowledge.playbooks import StepKind, cite
from checks.model import FindingRecord
from checks.service import remediation
from checks.service.inventory import asset_named
from checks.store import Store
from checks.text import inert
from checks.workflow.checklists import StepState
from tui.cli.output import EXIT_OK, say, signed
from tui.i18n import tr


def _finding(args: argparse.Namespace, store: Store) -> FindingRecord:
    asset = asset_named(store, args.name)
    return remediation.finding_of(store, asset, args.check, args.subject)


def _step_line(s: StepState, lang: str) -> str:
    if s.step.kind == StepKind.AUTO:
        who = tr(lang, "cli.step.verified" if s.done else "cli.step.not_yet")
    else:
        who = signed(s.attestation)
    kind = tr(lang, f"cli.step.{s.step.kind}")
    law = f" ({cite(s.step.law, lang)})" if s.step.law else ""
    mark = "x" if s.done else " "
    return f"  {s.index + 1:>2}. [{mark}] ({kind}) {inert(s.step.text.text(lang))}{law}  {who}"


def checklist(args: argparse.Namespace, store: Store) -> int:
    """`assetwatch checklist NAME`: each unresolved finding's steps and where they stand."""
    lists = remediation.asset_checklists(store, asset_named(store, args.name))
    if not lists:
        say(args.lang, "cli.checklist.nothing")
        return EXIT_OK
    for c in lists:
        f = c.record.finding
        print(f"{f.check}  [{c.record.status}]  {inert(f.title.text(args.lang))}")
        for s in c.steps:
            print(_step_line(s, args.lang))
        print()
    return EXIT_OK


def attest(args: argparse.Namespace, store: Store) -> int:
    """`assetwatch attest NAME CHECK STEP`: a manual step is done (logged)."""
    record = _finding(args, store)
    assert record.id is not None  # finding_of returns stored findings only
    status = store.findings.attest(record.id, args.step - 1, args.note, args.evidence, args.who)
    say(args.lang, "cli.attest.done", step=args.step, status=status)
    return EXIT_OK


def accept_risk(args: argparse.Namespace, store: Store) -> int:
    """`assetwatch accept-risk NAME CHECK --reason R --until DAY` (logged)."""
    record = _finding(args, store)
    assert record.id is not None  # finding_of returns stored findings only
    status = store.findings.accept_risk(record.id, args.reason, parse_day(args.until))
    say(args.lang, "cli.accept.done", until=inert(args.until), status=status)
    return EXIT_OK


def baseline(args: argparse.Namespace, store: Store) -> int:
    """`assetwatch baseline NAME`: the latest home page becomes the baseline."""
    asset = asset_named(store, args.name)
    page = remediation.accept_baseline(store, asset)
    say(
        args.lang,
        "cli.baseline.done",
        name=inert(asset.display),
        url=inert(page.url),
        title=inert(page.title),
    )
    return EXIT_OK
