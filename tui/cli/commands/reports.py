"""What goes to the regulator: the organisation checklist, the report, evidence files."""

from __future__ import annotations

import argparse
import sys
from datetime import timedelta
from pathlib import Path

from checks.intake import parse_day
from checks.knowledge.org_items import demands
from checks.report import Report
from checks.report.html import to_html
from checks.report.markdown import to_markdown
from checks.service import evidence as evidence_service
from checks.service import org as org_service
from checks.service.files import write_private
from checks.service.inventory import asset_named
from checks.service.reports import attestation_json, build_report
from checks.store import Store
from checks.text import inert, json_text
from checks.workflow.org import ItemState, progress
from tui.cli.output import EXIT_OK, fail, json_line, say, signed
from tui.i18n import tr

REPORT_DAYS = 30
"""The report's period when `--since` is not given."""


def _item_json(s: ItemState, lang: str) -> dict[str, object]:
    return {
        "group": s.item.group,
        "item": s.item.id,
        "mode": str(s.item.mode),
        "done": s.done,
        "computed": s.computed,
        "detail": s.detail,
        "text": s.item.text.text(lang),
        "attestation": attestation_json(s.attestation),
        "not_verified": s.not_verified,
    }


def org(args: argparse.Namespace, store: Store) -> int:
    """`assetwatch org [--attest ITEM]`: the seven demands and their items."""
    if args.attest:
        org_service.attest(store, args.attest, args.note, args.evidence)
    states = org_service.states(store)
    if args.json:
        for s in states:
            json_line(_item_json(s, args.lang), sys.stdout)
        return EXIT_OK
    for demand in demands():
        done, total = progress(states, demand.id)
        print(f"{demand.title.text(args.lang)}  {done}/{total}")
        for s in (s for s in states if s.item.group == demand.id):
            mode = tr(args.lang, f"cli.step.{s.item.mode}")
            extra = inert(s.detail) or signed(s.attestation)
            if s.not_verified:
                extra += "  " + tr(args.lang, "cli.org.not_verified", why=inert(s.not_verified))
            mark = "x" if s.done else "?" if s.not_verified else " "
            text = s.item.text.text(args.lang)
            print(f"  [{mark}] {s.item.id} ({mode}) {text}  {extra}")
    return EXIT_OK


BINARY = ("docx", "xlsx")
"""Formats that are files, not text: never written to a terminal."""


def _rendered(data: Report, fmt: str) -> str | bytes:
    if fmt == "docx":
        from checks.report.docx_doc import to_docx  # python-docx loads only when asked

        return to_docx(data)
    if fmt == "xlsx":
        from checks.report.xlsx_sheet import to_xlsx

        return to_xlsx(data)
    if fmt == "json":
        return json_text(data, indent=1) + "\n"
    return to_html(data) if fmt == "html" else to_markdown(data)


def report(args: argparse.Namespace, store: Store) -> int:
    """`assetwatch report [--format F] [--since DAY] [-o FILE]`: the rectification report.

    A Word or Excel file goes to `-o FILE`, to stdout when that is a pipe, else to
    `assetwatch-report-<time>.<format>` in the current folder: binary never reaches a terminal.
    """
    lang = args.report_lang or args.lang
    now = store.clock()
    since = parse_day(args.since) if args.since else now - timedelta(days=REPORT_DAYS)
    if since > now:
        raise fail("cli.report.since_future", day=args.since, now=now.strftime("%Y-%m-%d"))
    data = build_report(
        store,
        since,
        now,
        lang,
        prepared_by=getattr(args, "prepared_by", None),
        reviewed_by=getattr(args, "reviewed_by", None),
    )
    body = _rendered(data, args.format)
    output = args.output
    if output is None and args.format in BINARY and sys.stdout.isatty():
        output = Path(f"assetwatch-report-{now:%Y%m%d-%H%M}.{args.format}")
    if output is None:
        if isinstance(body, str):
            sys.stdout.write(body)
        else:
            sys.stdout.flush()
            sys.stdout.buffer.write(body)
        return EXIT_OK
    write_private(output, body.encode("utf-8") if isinstance(body, str) else body)
    say(lang, "cli.report.written", err=True, path=inert(str(output)))
    return EXIT_OK


def evidence(args: argparse.Namespace, store: Store) -> int:
    """`assetwatch evidence NAME -o DIR`: the latest probe's captures, with SHA256SUMS."""
    files = evidence_service.export(store, asset_named(store, args.name), args.output)
    for path in files:
        print(inert(str(path)))
    return EXIT_OK
