"""Findings: their history, their attestations and risk acceptances. Status via the workflow."""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import replace
from datetime import datetime, timedelta
from typing import Any

from sqlite_utils import Database

from checks.errors import UserError
from checks.intake import person_text
from checks.knowledge.playbooks import manual_steps
from checks.model import (
    Attestation,
    Clock,
    Finding,
    FindingRecord,
    FindingStatus,
    Severity,
)
from checks.store.audit import AuditLog, actor
from checks.store.codec import attestation, parse_ts, ts
from checks.store.outbox import Outbox
from checks.workflow.events import State, finding_events
from checks.workflow.findings import Known, reconcile, status_of

SIGHTING_DAYS = 2
"""How long another place's sighting keeps a finding open after that place last probed the
asset (a place whose workers are gone does not hold findings open for ever)."""
INCOMPLETE = "probe-incomplete"
"""The check that says a probe missed part of an asset (it counts unobserved streaks)."""

_COLUMNS = (
    "f.id, a.name, f.check_id, f.subject, f.severity, f.title_en, f.title_zh, f.evidence, "
    "f.status, f.first_seen, f.last_seen, f.resolved_at, f.firing, f.accepted_reason, "
    "f.accepted_until, f.reopened, f.asset_id"
)


def _record(r: tuple[Any, ...], clock: Clock) -> FindingRecord:
    finding = Finding(r[1], r[2], Severity(r[4]), r[5], r[6], r[7], r[3])
    return FindingRecord(
        id=r[0],
        finding=finding,
        status=FindingStatus(r[8]),
        first_seen=parse_ts(r[9]) or clock(),
        last_seen=parse_ts(r[10]) or clock(),
        resolved_at=parse_ts(r[11]),
        firing=bool(r[12]),
        accepted_reason=r[13] or "",
        accepted_until=parse_ts(r[14]),
    )


class Findings:
    """The findings table and the attestations of their playbook steps."""

    def __init__(self, db: Database, clock: Clock, audit: AuditLog, outbox: Outbox) -> None:
        self._db = db
        self._clock = clock
        self._audit = audit
        self._outbox = outbox

    def query(
        self,
        status: FindingStatus | None = None,
        min_severity: Severity = Severity.INFO,
        asset_id: int | None = None,
        active_only: bool = True,
        include_deleted: bool = False,
    ) -> list[FindingRecord]:
        """Stored findings, worst first, then by asset name and check id.

        Args:
            status: only findings in this state.
            include_deleted: also the findings of assets deleted from the inventory (the
                report's period still names them); left out otherwise.
            active_only: only findings whose check fires now, whose risk is not accepted and
                whose check is not switched off (what `scan` reports and `--fail-on` weighs).
        """
        clauses, args = [], []
        if asset_id is not None:
            clauses.append("f.asset_id = ?")
            args.append(asset_id)
        if not include_deleted:
            clauses.append("a.deleted_at IS NULL")
        where = f"WHERE {' AND '.join(clauses)}" if clauses else ""
        rows = self._db.execute(
            f"SELECT {_COLUMNS} FROM findings f JOIN assets a ON a.id = f.asset_id {where}", args
        ).fetchall()
        now = self._clock()
        off = set(self._db.execute("SELECT check_id, asset_id FROM disabled_checks").fetchall())
        records = []
        for row in rows:
            record = self._now(row, now)
            if status is not None and record.status != status:
                continue
            if record.finding.severity.rank < min_severity.rank:
                continue
            switched_off = (record.finding.check, 0) in off or (
                record.finding.check,
                row[16],
            ) in off
            if active_only and (
                not record.firing or record.status == FindingStatus.ACCEPTED or switched_off
            ):
                continue
            records.append(record)
        records.sort(key=lambda r: (-r.finding.severity.rank, r.finding.asset, r.finding.check))
        return records

    def _now(self, row: tuple[Any, ...], now: datetime) -> FindingRecord:
        """A finding as it stands now: an acceptance that has expired no longer holds.

        Computed when read, so `findings` and the report never show a stale acceptance.
        """
        record = _record(row, self._clock)
        if record.status != FindingStatus.ACCEPTED or (
            record.accepted_until is not None and record.accepted_until > now
        ):
            return record
        attested = self._attested(record.id or 0, row[15])
        status = status_of(
            record.firing, record.finding.check, attested, record.accepted_until, now
        )
        return replace(record, status=status)

    def one(self, asset_name: str, check_id: str, subject: str = "") -> FindingRecord | None:
        """One stored finding of an asset, by check id (and subject when a check fires per URL)."""
        for record in self.query(active_only=False):
            f = record.finding
            if (
                f.asset == asset_name
                and f.check == check_id
                and (not subject or f.subject == subject)
            ):
                return record
        return None

    # -- the state machine, applied ----------------------------------------------------------

    def _attested(self, finding_id: int, round_: int) -> set[int]:
        rows = self._db.execute(
            "SELECT step FROM attestations WHERE finding_id = ? AND round = ?", (finding_id, round_)
        )
        return {r[0] for r in rows}

    def _state(self, finding_id: int) -> tuple[str, State]:
        row = self._db.execute(
            "SELECT check_id, status, severity, firing FROM findings WHERE id = ?", (finding_id,)
        ).fetchone()
        if row is None:
            raise UserError(f"no finding #{finding_id}", f"没有编号为 {finding_id} 的问题")
        return row[0], State(FindingStatus(row[1]), Severity(row[2]), bool(row[3]))

    def _tell(
        self, finding_id: int, check: str, before: State | None, after: State, at: datetime
    ) -> None:
        """Write the events of a finding's change to the outbox, in the change's transaction.

        Pure until there is an event: a finding seen again costs no query.
        """
        for kind in finding_events(check, before, after):
            previous = before.severity if before is not None else None
            self._outbox.finding_event(kind, finding_id, at, previous)

    def refresh(
        self, finding_id: int, now: datetime | None = None, tell: bool = True
    ) -> FindingStatus:
        """Recompute and store one finding's status (checks.workflow.findings); returns it.

        Args:
            now: the time of the change (a probe's time when reconciling); the clock's otherwise.
            tell: write the events of the change to the outbox (reconciliation does it itself,
                knowing the state before the probe).
        """
        row = self._db.execute(
            "SELECT check_id, firing, reopened, accepted_until, status FROM findings WHERE id = ?",
            (finding_id,),
        ).fetchone()
        if row is None:
            raise UserError(f"no finding #{finding_id}", f"没有编号为 {finding_id} 的问题")
        check_id, firing, round_, accepted_until, old = row
        now = now or self._clock()
        new = status_of(
            bool(firing),
            check_id,
            self._attested(finding_id, round_),
            parse_ts(accepted_until),
            now,
        )
        if new != old:
            before = self._state(finding_id)[1] if tell else None
            resolved_at = ts(now) if new == FindingStatus.RESOLVED else None
            self._db.execute(
                "UPDATE findings SET status = ?, resolved_at = ? WHERE id = ?",
                (str(new), resolved_at, finding_id),
            )
            if before is not None:
                self._tell(finding_id, check_id, before, self._state(finding_id)[1], now)
        return new

    def reconcile(
        self,
        asset_id: int,
        fired: list[Finding],
        skipped: Collection[str],
        at: datetime,
        location: str = "",
    ) -> None:
        """Apply one probe's findings to the asset's stored ones (inside the caller's transaction).

        A finding seen again keeps its first_seen and gets a new last_seen; a resolved one that
        fires again is reopened; one that no longer fires is marked so, never deleted. What
        changed goes to the outbox in the same transaction (checks.workflow.events).

        Each place's sighting is kept: a finding this place no longer sees still fires while
        another place's latest probe (of the last `SIGHTING_DAYS`) saw it. The inside of a
        network seeing an exposure the outside does not, or the reverse, is data, not a fix.
        """
        rows = self._db.execute(
            "SELECT id, check_id, subject, firing, status, severity FROM findings "
            "WHERE asset_id = ?",
            (asset_id,),
        ).fetchall()
        known = {(r[1], r[2]): Known(r[0], bool(r[3])) for r in rows}
        before = {r[0]: State(FindingStatus(r[4]), Severity(r[5]), bool(r[3])) for r in rows}
        check_of = {r[0]: r[1] for r in rows}
        plan = reconcile(known, fired, skipped)
        stamp = ts(at)
        elsewhere = self._seen_elsewhere(asset_id, location, at)
        kept = [fid for fid in plan.stopped if fid in elsewhere]
        if kept:
            plan = replace(plan, stopped=[fid for fid in plan.stopped if fid not in elsewhere])
        for f in plan.new:
            cursor = self._db.execute(
                "INSERT INTO findings (asset_id, check_id, subject, severity, title_en, title_zh, "
                "evidence, status, first_seen, last_seen, reopened, firing) "
                "VALUES (?, ?, ?, ?, ?, ?, ?, 'open', ?, ?, 0, 1)",
                (asset_id, f.check, f.subject, str(f.severity), f.title_en, f.title_zh, f.evidence)
                + (stamp, stamp),
            )
            opened = State(FindingStatus.OPEN, f.severity, True)
            self._tell(int(cursor.lastrowid or 0), f.check, None, opened, at)
        for finding_id, f in plan.again:
            self._db.execute(
                "UPDATE findings SET severity = ?, title_en = ?, title_zh = ?, evidence = ?, "
                "last_seen = ?, firing = 1, "
                "reopened = reopened + CASE WHEN status = 'resolved' THEN 1 ELSE 0 END "
                "WHERE id = ?",
                (str(f.severity), f.title_en, f.title_zh, f.evidence, stamp, finding_id),
            )
            status = self.refresh(finding_id, at, tell=False)
            self._tell(finding_id, f.check, before[finding_id], State(status, f.severity, True), at)
        self._sight(asset_id, fired, skipped, location, stamp)
        for finding_id in plan.stopped:
            self._db.execute("UPDATE findings SET firing = 0 WHERE id = ?", (finding_id,))
            status = self.refresh(finding_id, at, tell=False)
            was = before[finding_id]
            self._tell(
                finding_id, check_of[finding_id], was, State(status, was.severity, False), at
            )
        missed = next((f for f in fired if f.check == INCOMPLETE), None)
        if missed is not None or known.get((INCOMPLETE, ""), Known(0, False)).firing:
            self._outbox.unobserved(
                asset_id, missed is not None, missed.evidence if missed else "", at
            )

    def _seen_elsewhere(self, asset_id: int, location: str, at: datetime) -> set[int]:
        """The asset's findings another place's recent latest probe saw."""
        since = ts(at - timedelta(days=SIGHTING_DAYS))
        rows = self._db.execute(
            "SELECT s.finding_id FROM finding_sightings s JOIN findings f ON f.id = s.finding_id "
            "WHERE f.asset_id = ? AND s.location <> ? AND s.seen = 1 AND s.at >= ?",
            (asset_id, location, since),
        ).fetchall()
        return {r[0] for r in rows}

    def _sight(
        self,
        asset_id: int,
        fired: list[Finding],
        skipped: Collection[str],
        location: str,
        stamp: str,
    ) -> None:
        """Record what this place's probe saw of each of the asset's findings (skipped checks
        are not verified from here: their sightings stay as they were)."""
        rows = self._db.execute(
            "SELECT id, check_id, subject FROM findings WHERE asset_id = ?", (asset_id,)
        ).fetchall()
        seen = {(f.check, f.subject) for f in fired}
        values = [
            (r[0], location, 1 if (r[1], r[2]) in seen else 0, stamp)
            for r in rows
            if (r[1], r[2]) in seen or r[1] not in skipped
        ]
        self._db.conn.executemany(
            "INSERT INTO finding_sightings (finding_id, location, seen, at) VALUES (?, ?, ?, ?) "
            "ON CONFLICT (finding_id, location) DO UPDATE SET seen = excluded.seen, "
            "at = excluded.at",
            values,
        )

    def sightings(self, asset_id: int) -> dict[int, dict[str, tuple[bool, datetime]]]:
        """Per finding of the asset: each place's latest sighting (seen or not, when), within
        `SIGHTING_DAYS` of the finding's newest one (a place that stopped probing has no say
        after that)."""
        rows = self._db.execute(
            "SELECT s.finding_id, s.location, s.seen, s.at FROM finding_sightings s "
            "JOIN findings f ON f.id = s.finding_id WHERE f.asset_id = ? ORDER BY s.location",
            (asset_id,),
        ).fetchall()
        out: dict[int, dict[str, tuple[bool, datetime]]] = {}
        for fid, place, seen, at in _recent(rows, 0, 3):
            out.setdefault(fid, {})[place] = (bool(seen), parse_ts(at) or self._clock())
        return out

    def split_by_place(self) -> list[tuple[str, str, str, str, list[str], list[str]]]:
        """Firing findings one place sees and another does not (inside-vs-outside exposure):
        (asset, check, subject, severity, places that see it, places that do not), from the
        sightings within `SIGHTING_DAYS` of each finding's newest."""
        rows = self._db.execute(
            "SELECT f.id, a.name, f.check_id, f.subject, f.severity, s.location, s.seen, s.at "
            "FROM findings f JOIN assets a ON a.id = f.asset_id "
            "JOIN finding_sightings s ON s.finding_id = f.id "
            "WHERE f.firing = 1 AND a.deleted_at IS NULL "
            "ORDER BY a.name, f.check_id, f.subject, s.location"
        ).fetchall()
        return _split([r[1:7] for r in _recent(rows, 0, 7)])

    def places(
        self, asset_id: int | None = None
    ) -> list[tuple[str, str, str, str, int | None, str | None]]:
        """Each asset's (or one asset's) latest probe from each place: (asset, place, at, DNS
        status, HTTP status, HTTP error), by asset then place."""
        one = "AND a.id = ? " if asset_id is not None else ""
        rows = self._db.execute(
            "SELECT a.name, l.location, l.at, p.dns_status, p.http_status, p.http_error "
            "FROM asset_locations l JOIN assets a ON a.id = l.asset_id "
            f"JOIN probes p ON p.id = l.probe_id WHERE a.deleted_at IS NULL {one}"
            "ORDER BY a.name, l.location",
            [asset_id] if asset_id is not None else [],
        ).fetchall()
        return [tuple(r) for r in rows]

    # -- people's part ------------------------------------------------------------------

    def _head(self, finding_id: int) -> tuple[str, int, int]:
        row = self._db.execute(
            "SELECT check_id, reopened, asset_id FROM findings WHERE id = ?", [finding_id]
        ).fetchone()
        if row is None:
            raise UserError(f"no finding #{finding_id}", f"没有编号为 {finding_id} 的问题")
        return str(row[0]), int(row[1]), int(row[2])

    def attest(
        self,
        finding_id: int,
        step: int,
        note: str = "",
        evidence: str = "",
        who: str | None = None,
        evidence_sha256: str = "",
        key: str = "",
    ) -> FindingStatus:
        """Attest a manual step of a finding's playbook (logged); returns the new status.

        Args:
            evidence_sha256: the evidence file's hash (the service checks and hashes the file).
            key: the step's identity in the asset's worklist, logged when several findings
                share the step (`checks.workflow.checklists.step_key`).

        Raises:
            UserError: no such finding, or the step is not a manual step of its playbook.
        """
        note, evidence = person_text("note", note), person_text("evidence", evidence)
        who = person_text("who", who) or None
        check_id, round_, asset_id = self._head(finding_id)
        if step not in manual_steps(check_id):
            raise UserError(
                f"step {step + 1} is not a manual step of this finding's checklist",
                f"第 {step + 1} 步不是该问题整改清单中的人工步骤",
            )
        with self._db.atomic():
            self._db.execute(
                "INSERT INTO attestations (finding_id, round, step, actor, at, note, evidence, "
                "evidence_sha256) VALUES (?, ?, ?, ?, ?, ?, ?, ?) "
                "ON CONFLICT(finding_id, round, step) DO UPDATE SET "
                "actor = excluded.actor, at = excluded.at, note = excluded.note, "
                "evidence = excluded.evidence, evidence_sha256 = excluded.evidence_sha256",
                [finding_id, round_, step, who or actor(), ts(self._clock()), note, evidence]
                + [evidence_sha256],
            )
            extra = {"sha256": evidence_sha256} if evidence_sha256 else {}
            self._audit.log(
                "step.attest",
                asset_id,
                who,
                finding=finding_id,
                check=check_id,
                step=step + 1,
                note=note,
                evidence=evidence,
                **extra,
                **({"key": key} if key else {}),
            )
            return self.refresh(finding_id)

    def unattest(self, finding_id: int, step: int, who: str | None = None) -> FindingStatus:
        """Take an attestation back (logged).

        Raises:
            UserError: no such finding.
        """
        check_id, round_, asset_id = self._head(finding_id)
        with self._db.atomic():
            self._db.execute(
                "DELETE FROM attestations WHERE finding_id = ? AND round = ? AND step = ?",
                [finding_id, round_, step],
            )
            self._audit.log(
                "step.unattest", asset_id, who, finding=finding_id, check=check_id, step=step + 1
            )
            return self.refresh(finding_id)

    def attestations(self, finding_id: int) -> dict[int, Attestation]:
        """The current round's attestations of a finding, by step index."""
        rows = self._db.execute(
            "SELECT a.step, a.actor, a.at, a.note, a.evidence, a.evidence_sha256 "
            "FROM attestations a "
            "JOIN findings f ON f.id = a.finding_id AND a.round = f.reopened WHERE f.id = ?",
            [finding_id],
        ).fetchall()
        return {r[0]: attestation(*r[1:]) for r in rows}

    def accept_risk(
        self, finding_id: int, reason: str, until: datetime, who: str | None = None
    ) -> FindingStatus:
        """Accept a finding's risk until a date, with a reason (logged); returns the new status.

        Raises:
            UserError: no such finding, no reason, or an expiry not in the future.
        """
        reason, who = person_text("reason", reason), person_text("who", who) or None
        if not reason or until <= self._clock():
            raise UserError(
                "accepting a risk needs a reason and an expiry date in the future",
                "接受风险须说明原因并给出将来的到期日",
            )
        _, _, asset_id = self._head(finding_id)
        with self._db.atomic():
            self._db.execute(
                "UPDATE findings SET accepted_reason = ?, accepted_until = ? WHERE id = ?",
                [reason.strip(), ts(until), finding_id],
            )
            self._audit.log(
                "risk.accept",
                asset_id,
                who,
                finding=finding_id,
                reason=reason.strip(),
                until=ts(until),
            )
            return self.refresh(finding_id)

    def expire_acceptances(self) -> None:
        """Findings whose accepted risk has expired go back to their real state."""
        rows = self._db.execute(
            "SELECT id FROM findings WHERE status = 'accepted' AND accepted_until <= ?",
            [ts(self._clock())],
        ).fetchall()
        with self._db.atomic():
            for (finding_id,) in rows:
                self.refresh(finding_id)


def _recent(rows: list[Any], key: int, at: int) -> list[Any]:
    """The sightings within `SIGHTING_DAYS` of the newest one of the same finding (row[key]:
    the finding, row[at]: when), in their order."""
    newest: dict[Any, datetime] = {}
    for row in rows:
        when = parse_ts(row[at])
        if when is not None and (row[key] not in newest or when > newest[row[key]]):
            newest[row[key]] = when
    window = timedelta(days=SIGHTING_DAYS)
    return [r for r in rows if (when := parse_ts(r[at])) is None or when >= newest[r[key]] - window]


def _split(rows: list[tuple[Any, ...]]) -> list[tuple[str, str, str, str, list[str], list[str]]]:
    """(asset, check, subject, severity, seen from, not seen from) where the places differ."""
    grouped: dict[tuple[str, str, str, str], tuple[list[str], list[str]]] = {}
    for asset, check, subject, severity, place, seen in rows:
        seen_from, unseen = grouped.setdefault((asset, check, subject, severity), ([], []))
        (seen_from if seen else unseen).append(place)
    return [(*key, s, u) for key, (s, u) in grouped.items() if s and u]
