"""What the command line prints: plain-text tables by display width, and the cron contract.

The contract cron jobs rely on lives in this one file: the exit codes, the JSON-lines writer,
and the keys of an asset (`list --json`) and of a finding (`scan --json`, `findings --json`).
Every text that came from the network or from people goes through `checks.text.inert`.
"""

from __future__ import annotations

import sys
import unicodedata
from collections.abc import Mapping
from typing import Any, TextIO

from checks.errors import UserError
from checks.model import Asset, Attestation, FindingRecord, Lang, Severity
from checks.names import display_name
from checks.store.codec import ts
from checks.text import inert, json_text
from tui.i18n import tr

EXIT_OK = 0
"""Done; for `scan`, no open finding at or above `--fail-on`."""
EXIT_FINDINGS = 1
"""`scan`: open findings at or above `--fail-on`; `import`: rows were skipped."""
EXIT_ERROR = 2
"""A user error (bad option, unknown asset, unreadable file) or a bug (with its trace)."""
EXIT_INCOMPLETE = 3
"""`scan`: nothing reached `--fail-on`, but some asset could not be observed (unknown is not 0)."""
EXIT_INTERRUPTED = 130
"""^C, as shells report SIGINT."""

EVIDENCE_MAX = 400
"""Characters of a finding's evidence shown under its row (the JSON has all of it)."""


# -- plain text --------------------------------------------------------------------------


def width(text: str) -> int:
    """Columns `text` takes in a terminal (CJK and fullwidth characters take two)."""
    return sum(
        0 if unicodedata.combining(c) else 2 if unicodedata.east_asian_width(c) in "WF" else 1
        for c in text
    )


def fit(text: str, columns: int) -> str:
    """Cut `text` to `columns` (with … when cut) and pad it to exactly that width."""
    if width(text) > columns:
        out, used = [], 0
        for c in text:
            w = width(c)
            if used + w > columns - 1:
                break
            out.append(c)
            used += w
        text = "".join(out) + "…"
    return text + " " * (columns - width(text))


def table(headers: list[str], rows: list[list[str]], max_widths: list[int] | None = None) -> str:
    """Rows aligned in columns by display width; the last column is never padded.

    Every cell is made inert: tables show names, owners and titles from people and the network.
    """
    cells = [[inert(c) for c in row] for row in [headers, *rows]]
    widths = [max(width(row[i]) for row in cells) for i in range(len(headers))]
    if max_widths:
        widths = [min(w, m) for w, m in zip(widths, max_widths, strict=True)]
    lines = []
    for row in cells:
        parts = [fit(c, widths[i]) for i, c in enumerate(row[:-1])]
        parts.append(row[-1] if len(row[-1]) <= 400 else row[-1][:399] + "…")
        lines.append("  ".join(parts).rstrip())
    return "\n".join(lines)


def signed(attestation: Attestation | None) -> str:
    """Who attested and on which day ("alice 2026-11-29"), or "" when nobody has."""
    if attestation is None:
        return ""
    return f"{inert(attestation.actor)} {ts(attestation.at)[:10]}"


# -- the JSON contract -------------------------------------------------------------------


JSON_EXTRA: dict[str, Any] = {}
"""Keys added to every JSON line (`--org all` adds the organisation's name as "org")."""


def json_line(data: Mapping[str, Any], out: TextIO) -> None:
    """Write one JSON object on one line (see `json_text`)."""
    out.write(json_text({**data, **JSON_EXTRA} if JSON_EXTRA else data) + "\n")


def asset_json(asset: Asset) -> dict[str, Any]:
    """An asset as the `list --json` contract shows it."""
    return {
        "name": asset.display,
        "name_ascii": asset.name,
        "kind": str(asset.kind),
        "owner": asset.owner,
        "status": str(asset.lifecycle),
        "urls": list(asset.urls),
        "icp": asset.icp,
        "tags": list(asset.tags),
        "notes": asset.notes,
        "created_at": ts(asset.created_at) if asset.created_at else None,
        "retiring_at": ts(asset.retiring_at) if asset.retiring_at else None,
        "retired_at": ts(asset.retired_at) if asset.retired_at else None,
    }


def finding_json(record: FindingRecord, lang: str) -> dict[str, Any]:
    """A finding as the `scan --json` / `findings --json` contract shows it."""
    f = record.finding
    return {
        "asset": display_name(f.asset),
        "check": f.check,
        "severity": str(f.severity),
        "title": f.title.text(lang),
        "evidence": f.evidence,
        "first_seen": ts(record.first_seen),
        "last_seen": ts(record.last_seen),
        "status": str(record.status),
        "subject": f.subject,
    }


def severity_word(severity: Severity, lang: str) -> str:
    """CRITICAL, HIGH... in English tables; 严重, 高危... in Chinese ones."""
    word = tr(lang, f"cli.severity.{severity}")
    return word.upper() if lang == Lang.EN else word


def subject_suffix(subject: str) -> str:
    """What follows a finding's title: which file, port or name (" — /.env"), or nothing."""
    return f" — {subject}" if subject else ""


def print_findings(records: list[FindingRecord], lang: str, as_json: bool, out: TextIO) -> None:
    """Findings as JSON lines, or as a table with the evidence under each row and a summary."""
    if as_json:
        for r in records:
            json_line(finding_json(r, lang), out)
        return
    if not records:
        out.write(tr(lang, "cli.findings.none") + "\n")
        return
    rows = [
        [
            severity_word(r.finding.severity, lang),
            display_name(r.finding.asset),
            r.finding.check,
            r.finding.title.text(lang) + subject_suffix(r.finding.subject),
        ]
        for r in records
    ]
    lines = []
    # Header-less: the first line of the table is the (empty) header row.
    body = table(["", "", "", ""], rows, [8, 30, 26, 200]).splitlines()[1:]
    for row, r in zip(body, records, strict=True):
        lines += [row, "    " + inert(r.finding.evidence)[:EVIDENCE_MAX]]
    out.write("\n".join(lines) + "\n")
    counts = {s: sum(1 for r in records if r.finding.severity == s) for s in Severity}
    summary = ", ".join(f"{n} {severity_word(s, lang).lower()}" for s, n in counts.items() if n)
    out.write("\n" + tr(lang, "cli.findings.summary", n=len(records), summary=summary) + "\n")


# -- messages ----------------------------------------------------------------------------


def say(lang: str, key: str, /, *, err: bool = False, **values: object) -> None:
    """Print the message `key` of the string table (on stderr with `err`)."""
    print(tr(lang, key, **values), file=sys.stderr if err else sys.stdout)


def fail(key: str, /, **values: object) -> UserError:
    """A UserError worded by the string table's `key`, in both languages, to raise."""
    return UserError(tr(Lang.EN, key, **values), tr(Lang.ZH, key, **values))
