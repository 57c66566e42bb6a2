"""The life of a finding: open, in progress, resolved, accepted risk, reopened.

A finding is *firing* while its check fires on the latest probe. It is **resolved** when it no
longer fires and every manual step of its playbook is attested; **in progress** while something
is attested but it still fires, or it stopped firing with manual steps left; **accepted** while a
risk acceptance (reason and expiry) lasts; **reopened** (open again, `reopened` + 1) when a
resolved finding fires again. Attestations belong to a round, so a reopened finding starts over.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Collection

from checks.models import Finding, FindingStatus
from checks.playbooks import playbook_for


def manual_steps(check_id: str) -> list[int]:
    """Indexes of the manual steps in the check's playbook."""
    book = playbook_for(check_id)
    return [i for i, s in enumerate(book.steps) if s.kind == "manual"] if book else []


def status_of(
    firing: bool, check_id: str, attested: Collection[int], accepted_until: str | None, now: str
) -> FindingStatus:
    """The status a finding has given what is known about it (timestamps as stored strings)."""
    if accepted_until and accepted_until > now:
        return FindingStatus.ACCEPTED
    manual = manual_steps(check_id)
    if firing:
        return FindingStatus.IN_PROGRESS if attested else FindingStatus.OPEN
    if all(step in attested for step in manual):
        return FindingStatus.RESOLVED
    return FindingStatus.IN_PROGRESS


def _attested(conn: sqlite3.Connection, finding_id: int, round_: int) -> set[int]:
    rows = conn.execute(
        "SELECT step FROM attestations WHERE finding_id = ? AND round = ?", (finding_id, round_)
    )
    return {r[0] for r in rows}


def refresh(conn: sqlite3.Connection, finding_id: int, now: str) -> FindingStatus:
    """Recompute and store one finding's status; returns it."""
    row = conn.execute(
        "SELECT check_id, firing, reopened, accepted_until, status FROM findings WHERE id = ?",
        (finding_id,),
    ).fetchone()
    check_id, firing, round_, accepted_until, old = row
    new = status_of(
        bool(firing), check_id, _attested(conn, finding_id, round_), accepted_until, now
    )
    if new != old:
        resolved_at = now if new == FindingStatus.RESOLVED else None
        conn.execute(
            "UPDATE findings SET status = ?, resolved_at = ? WHERE id = ?",
            (str(new), resolved_at, finding_id),
        )
    return new


def reconcile(
    conn: sqlite3.Connection,
    asset_id: int,
    findings: list[Finding],
    skipped: Collection[str],
    at: str,
) -> None:
    """Apply one probe's findings to the asset's stored ones."""
    existing = {
        (r[1], r[2]): r
        for r in conn.execute(
            "SELECT id, check_id, subject, status, firing FROM findings WHERE asset_id = ?",
            (asset_id,),
        )
    }
    fired = set()
    for f in findings:
        key = (f.check, f.subject)
        fired.add(key)
        row = existing.get(key)
        if row is None:
            conn.execute(
                "INSERT INTO findings (asset_id, check_id, subject, severity, title_en, title_zh, "
                "evidence, status, first_seen, last_seen, reopened, firing) "
                "VALUES (?, ?, ?, ?, ?, ?, ?, 'open', ?, ?, 0, 1)",
                (
                    asset_id,
                    f.check,
                    f.subject,
                    str(f.severity),
                    f.title_en,
                    f.title_zh,
                    f.evidence,
                    at,
                    at,
                ),
            )
            continue
        conn.execute(
            "UPDATE findings SET severity = ?, title_en = ?, title_zh = ?, evidence = ?, "
            "last_seen = ?, firing = 1, reopened = reopened + (status = 'resolved') WHERE id = ?",
            (str(f.severity), f.title_en, f.title_zh, f.evidence, at, row[0]),
        )
        refresh(conn, row[0], at)
    for key, row in existing.items():
        if key not in fired and row[4] and key[0] not in skipped:
            conn.execute("UPDATE findings SET firing = 0 WHERE id = ?", (row[0],))
            refresh(conn, row[0], at)
