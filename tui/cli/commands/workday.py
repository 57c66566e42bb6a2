"""`assetwatch todo`: the fix-first queue (`checks.service.workday.todo`), as the dashboard's;
`assetwatch settings`: the stored settings its deadlines (and everything else) come from."""

from __future__ import annotations

import argparse
import sys
from dataclasses import astuple, fields
from typing import Any

from checks.model import Settings, TodoItem
from checks.service import settings as settings_service
from checks.service import workday
from checks.store import Store
from checks.store.codec import ts
from tui.cli.output import (
    EXIT_FINDINGS,
    EXIT_OK,
    fail,
    finding_json,
    json_line,
    say,
    severity_word,
    subject_suffix,
    table,
)
from tui.i18n import tr


def todo_json(item: TodoItem, lang: str) -> dict[str, Any]:
    """A queue item as `todo --json` shows it: a finding's keys and the queue's own."""
    return finding_json(item.record, lang) | {
        "owner": item.owner,
        "due_at": ts(item.due_at) if item.due_at else None,
        "overdue": item.overdue,
        "age_days": item.age.days,
    }


def _due(item: TodoItem, lang: str) -> str:
    if item.due_at is None:
        return "-"
    day = ts(item.due_at)[:10]
    return tr(lang, "cli.todo.overdue", day=day) if item.overdue else day


def todo(args: argparse.Namespace, store: Store) -> int:
    """`assetwatch todo [--owner X] [--json]`: exit 1 when something is overdue."""
    queue = workday.todo(store, owner=args.owner)
    if args.json:
        for item in queue:
            json_line(todo_json(item, args.lang), sys.stdout)
    elif not queue:
        say(args.lang, "cli.todo.empty")
    else:
        columns = ("severity", "due", "age", "name", "owner", "check")
        headers = [tr(args.lang, f"cli.col.{c}") for c in columns]
        rows = [
            [
                severity_word(t.record.finding.severity, args.lang),
                _due(t, args.lang),
                tr(args.lang, "cli.todo.days", n=t.age.days),
                t.asset.display,
                t.owner or "-",
                t.record.finding.check + subject_suffix(t.subject),
            ]
            for t in queue
        ]
        print(table(headers, rows, [8, 18, 5, 26, 14, 200]))
        late = sum(t.overdue for t in queue)
        say(args.lang, "cli.todo.summary", n=len(queue), late=late)
    return EXIT_FINDINGS if any(t.overdue for t in queue) else EXIT_OK


def _shown(value: object) -> str:
    if value is None:
        return "-"
    if isinstance(value, tuple):
        return " ".join(str(v) for v in value) or "-"
    return str(value) if value != "" else "-"


def settings(args: argparse.Namespace, store: Store) -> int:
    """`assetwatch settings [--set KEY=VALUE]... [--json]`: show (and change) the settings."""
    current: Settings = store.settings.read()
    for change in args.changes:
        key, eq, value = change.partition("=")
        if not eq:
            raise fail("cli.settings.bad", change=change)
        current = settings_service.change(store, key.strip(), value)
    pairs = list(zip((f.name for f in fields(Settings)), astuple(current), strict=True))
    if args.json:
        for key, value in pairs:
            shown = list(value) if isinstance(value, tuple) else value
            json_line({"key": key, "value": shown}, sys.stdout)
        return EXIT_OK
    print(table(["", ""], [[k, _shown(v)] for k, v in pairs]).split("\n", 1)[1])
    return EXIT_OK
