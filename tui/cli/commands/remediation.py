"""From finding to fixed: checklist, attest, accept-risk, baseline.

Checklist states come from `checks.service.remediation.asset_checklists`, the same states the
dashboard shows: auto steps verified on the latest probe, manual steps attested.
"""

from __future__ import annotations

import argparse
from collections.abc import Sequence

from checks.intake import parse_day
from checks.knowledge.playbooks import StepKind, cite, playbook_for
from checks.model import Attestation, FindingRecord
from checks.service import remediation
from checks.service.inventory import asset_named
from checks.store import Store
from checks.text import inert
from checks.workflow.checklists import StepState, WorkStep, step_key, worklist
from tui.cli.output import EXIT_OK, fail, say, signed, subject_suffix
from tui.i18n import tr


def _finding(args: argparse.Namespace, store: Store) -> FindingRecord:
    asset = asset_named(store, args.name)
    return remediation.finding_of(store, asset, args.check, args.subject)


def _mark(done: bool, kind: StepKind, attestation: Attestation | None, lang: str) -> str:
    if kind == StepKind.AUTO:
        return tr(lang, "cli.step.verified" if done else "cli.step.not_yet")
    return signed(attestation)


def _step_line(s: StepState, lang: str) -> str:
    who = _mark(s.done, s.step.kind, s.attestation, lang)
    kind = tr(lang, f"cli.step.{s.step.kind}")
    law = f" ({cite(s.step.law, lang)})" if s.step.law else ""
    mark = "x" if s.done else " "
    return f"  {s.index + 1:>2}. [{mark}] ({kind}) {inert(s.step.text.text(lang))}{law}  {who}"


def _finding_line(record: FindingRecord, lang: str) -> str:
    f = record.finding
    status = tr(lang, f"cli.status.{record.status}")
    title = inert(f.title.text(lang) + subject_suffix(f.subject))
    return f"{f.check}  [{status}]  {title}"


def _work_line(w: WorkStep, group: Sequence[FindingRecord], lang: str) -> str:
    who = _mark(w.done, w.step.kind, w.attestation, lang)
    kind = tr(lang, f"cli.step.{w.step.kind}")
    law = f" ({cite(w.step.law, lang)})" if w.step.law else ""
    mark = "x" if w.done else " "
    line = f"  [{mark}] {w.key}  ({kind}) {inert(w.step.text.text(lang))}{law}  {who}".rstrip()
    others = [r for r in w.findings if r not in group]
    if others:
        checks = ", ".join(
            inert(r.finding.check + subject_suffix(r.finding.subject)) for r in others
        )
        line += "\n        " + tr(lang, "cli.checklist.also", checks=checks)
    return line


def checklist(args: argparse.Namespace, store: Store) -> int:
    """`assetwatch checklist NAME`: the asset's merged worklist, findings that share a playbook
    together, each step once with its key (`attest --step KEY`)."""
    asset = asset_named(store, args.name)
    lists = remediation.asset_checklists(store, asset)
    if not lists:
        say(args.lang, "cli.checklist.nothing")
        return EXIT_OK
    work = worklist(lists)
    say(
        args.lang,
        "cli.checklist.head",
        name=inert(asset.display),
        done=sum(w.done for w in work),
        total=len(work),
        findings=len(lists),
    )
    groups: dict[str, list[FindingRecord]] = {}
    for c in lists:
        groups.setdefault(c.book.id, []).append(c.record)
    first = {w.key: w.findings[0] for w in work}
    for book_id, group in groups.items():
        print()
        for record in group:
            print(_finding_line(record, args.lang))
        mine = [w for w in work if first[w.key] in group and _book(w) == book_id]
        for w in mine:
            print(_work_line(w, group, args.lang))
        book = next(c.book for c in lists if c.book.id == book_id)
        elsewhere = [
            step_key(book, i)
            for i in range(len(book.steps))
            if step_key(book, i) not in {w.key for w in mine}
        ]
        if elsewhere:
            print("        " + tr(args.lang, "cli.checklist.above", keys=", ".join(elsewhere)))
    print()
    say(args.lang, "cli.checklist.hint", name=inert(asset.display))
    return EXIT_OK


def _book(w: WorkStep) -> str:
    book = playbook_for(w.findings[0].finding.check)
    return book.id if book else ""


def step_keys(raw: Sequence[str]) -> list[str]:
    """`--step` values, with `PLAYBOOK.2,3,5` standing for PLAYBOOK.2, PLAYBOOK.3, PLAYBOOK.5."""
    keys = []
    for value in raw:
        for part in value.split():
            head, dot, tail = part.rpartition(".")
            if dot and "," in tail:
                keys += [f"{head}.{n.strip()}" for n in tail.split(",") if n.strip()]
            else:
                keys += [k for k in part.split(",") if k]
    return keys


def attest(args: argparse.Namespace, store: Store) -> int:
    """`assetwatch attest NAME (CHECK STEP | --step KEY...)`: manual steps are done (logged).

    A step several findings of the asset share is attested for each of them, with one note.
    """
    asset = asset_named(store, args.name)
    keys = step_keys(args.keys)
    if args.check is not None or args.step is not None:
        if args.check is None or args.step is None:
            raise fail("cli.attest.what", name=asset.display)
        record = remediation.finding_of(store, asset, args.check, args.subject)
        keys.insert(0, remediation.key_of(record, args.step - 1))
    if not keys:
        raise fail("cli.attest.what", name=asset.display)
    before = {w.key: w for w in remediation.asset_worklist(store, asset)}
    remediation.attest_steps(store, asset, keys, args.note, args.evidence, args.who)
    say(args.lang, "cli.attest.steps", steps=len(dict.fromkeys(keys)))
    touched = dict.fromkeys(r.id for k in keys if k in before for r in before[k].findings)
    records = {r.id: r for r in store.findings.query(asset_id=asset.id, active_only=False)}
    for finding_id in touched:
        record = records[finding_id]
        check = inert(record.finding.check + subject_suffix(record.finding.subject))
        status = tr(args.lang, f"cli.status.{record.status}")
        say(args.lang, "cli.attest.finding", check=check, status=status)
    first = before[keys[0]]  # every step of the call got the same evidence
    signed_first = store.findings.attestations(first.findings[0].id or 0).get(first.indexes[0])
    if signed_first is not None and signed_first.evidence_sha256:
        say(args.lang, "cli.attest.hash", sha256=signed_first.evidence_sha256)
    return EXIT_OK


def accept_risk(args: argparse.Namespace, store: Store) -> int:
    """`assetwatch accept-risk NAME CHECK --reason R --until DAY` (logged)."""
    record = _finding(args, store)
    assert record.id is not None  # finding_of returns stored findings only
    status = store.findings.accept_risk(record.id, args.reason, parse_day(args.until))
    status_text = tr(args.lang, f"cli.status.{status}")
    say(args.lang, "cli.accept.done", until=inert(args.until), status=status_text)
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
