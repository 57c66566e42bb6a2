"""The SQLite store: inventory, probe history, findings and the audit log, via sqlite-utils."""

from __future__ import annotations

import getpass
import json
import os
import sqlite3
from collections.abc import Iterable, Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import platformdirs
from sqlite_utils import Database

from checks.baseline import Baseline
from checks.finding_state import manual_steps, reconcile, refresh
from checks.i18n import UserError
from checks.models import (
    Asset,
    Finding,
    FindingRecord,
    FindingStatus,
    Kind,
    Lifecycle,
    ProbeOutcome,
    Severity,
)
from checks.schema import MIGRATIONS, schema_version
from checks.serialize import outcome_from_json, outcome_to_json
from checks.sweep import Clock, utcnow

RETENTION_DAYS = 180
"""Probe history kept by default: the Cybersecurity Law asks for six months of network logs."""


def default_db_path() -> Path:
    """ASSETWATCH_DB, else assetwatch.db in the platform's user data directory."""
    env = os.environ.get("ASSETWATCH_DB")
    if env:
        return Path(env)
    return Path(platformdirs.user_data_dir("assetwatch", appauthor=False)) / "assetwatch.db"


def ts(value: datetime) -> str:
    """A stored timestamp: ISO 8601 in UTC, to the second."""
    return value.astimezone(UTC).isoformat(timespec="seconds")


def parse_ts(value: str | None) -> datetime | None:
    """The inverse of `ts`; None stays None."""
    return datetime.fromisoformat(value) if value else None


def actor() -> str:
    """Who is making a change: the OS user."""
    try:
        return getpass.getuser()
    except (KeyError, OSError):
        return "unknown"


def _asset_row(asset: Asset) -> dict[str, Any]:
    return {
        "name": asset.name,
        "kind": str(asset.kind),
        "owner": asset.owner,
        "lifecycle": str(asset.lifecycle),
        "urls": json.dumps(list(asset.urls)),
        "icp": asset.icp,
        "tags": json.dumps(list(asset.tags), ensure_ascii=False),
        "notes": asset.notes,
        "interval_s": asset.interval_s,
    }


def row_to_asset(row: dict[str, Any]) -> Asset:
    """An Asset from its row in the assets table."""
    return Asset(
        id=row["id"],
        name=row["name"],
        kind=Kind(row["kind"]),
        owner=row["owner"] or "",
        lifecycle=Lifecycle(row["lifecycle"]),
        urls=tuple(json.loads(row["urls"] or "[]")),
        icp=row["icp"] or "",
        tags=tuple(json.loads(row["tags"] or "[]")),
        notes=row["notes"] or "",
        interval_s=row["interval_s"],
        created_at=parse_ts(row["created_at"]),
        retiring_at=parse_ts(row["retiring_at"]),
        retired_at=parse_ts(row["retired_at"]),
    )


_EDITABLE = ("kind", "owner", "lifecycle", "urls", "icp", "tags", "notes", "interval_s")


class Store:
    """One assetwatch database. Create and use it on one thread.

    Args:
        path: database file, created with mode 0600 (its folder 0700) if missing.
        memory: an in-memory database, for tests.
        clock: where timestamps come from.
    """

    def __init__(
        self, path: str | Path | None = None, *, memory: bool = False, clock: Clock = utcnow
    ) -> None:
        self.clock = clock
        if memory:
            self.path: Path | None = None
            conn = sqlite3.connect(":memory:")
        else:
            self.path = Path(path) if path is not None else default_db_path()
            conn = self._connect(self.path)
        self.db = Database(conn, execute_plugins=False)
        self._migrate()

    @staticmethod
    def _connect(path: Path) -> sqlite3.Connection:
        try:
            path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
            if not path.exists():
                os.close(os.open(path, os.O_CREAT | os.O_WRONLY, 0o600))
            conn = sqlite3.connect(path, timeout=15.0)
            conn.execute("PRAGMA journal_mode=WAL")
        except (OSError, sqlite3.Error) as exc:
            raise UserError(
                f"cannot open database {path}: {exc}", f"无法打开数据库 {path}：{exc}"
            ) from None
        conn.execute("PRAGMA synchronous=NORMAL")
        conn.execute("PRAGMA foreign_keys=ON")
        return conn

    def _migrate(self) -> None:
        conn = self.db.conn
        known = {m.name for m in MIGRATIONS._migrations}
        applied = {m.name for m in MIGRATIONS.applied(self.db)}
        if applied - known:
            raise UserError(
                "this database was written by a newer assetwatch; upgrade assetwatch to open it",
                "此数据库由更新版本的 assetwatch 写入；请升级 assetwatch 后再打开",
            )
        if applied == known:
            return
        # IMMEDIATE takes the write lock first, so two processes never migrate at once.
        conn.execute("BEGIN IMMEDIATE")
        try:
            MIGRATIONS.apply(self.db)
            conn.execute(f"PRAGMA user_version={schema_version(self.db)}")
            conn.execute("COMMIT")
        except BaseException:
            conn.execute("ROLLBACK")
            raise

    @property
    def schema_version(self) -> int:
        """How many migrations this database has had."""
        return schema_version(self.db)

    def close(self) -> None:
        """Close the connection."""
        self.db.close()

    # -- audit log ---------------------------------------------------------

    def log(
        self, action: str, asset_id: int | None = None, who: str | None = None, **detail: Any
    ) -> None:
        """Append one event to the audit log."""
        self.db.table("events").insert(
            {
                "at": ts(self.clock()),
                "actor": who or actor(),
                "action": action,
                "asset_id": asset_id,
                "detail": json.dumps(detail, ensure_ascii=False, default=str),
            }
        )

    def events(self, asset_id: int | None = None) -> list[dict[str, Any]]:
        """Audit events, oldest first, optionally for one asset."""
        where, args = ("asset_id = ?", [asset_id]) if asset_id is not None else (None, [])
        rows = self.db.table("events").rows_where(where, args, order_by="id")
        return [{**r, "detail": json.loads(r["detail"] or "{}")} for r in rows]

    def last_event(self, action: str) -> dict[str, Any] | None:
        """The newest audit event of one kind (e.g. "sweep"), or None."""
        rows = list(
            self.db.table("events").rows_where("action = ?", [action], order_by="id desc", limit=1)
        )
        return rows[0] if rows else None

    # -- inventory ---------------------------------------------------------

    def assets(self, lifecycle: Lifecycle | None = None) -> list[Asset]:
        """The inventory, by name."""
        where, args = ("lifecycle = ?", [str(lifecycle)]) if lifecycle else (None, [])
        return [
            row_to_asset(r)
            for r in self.db.table("assets").rows_where(where, args, order_by="name")
        ]

    def asset(self, name: str) -> Asset | None:
        """The asset with this stored name, or None."""
        rows = list(self.db.table("assets").rows_where("name = ?", [name], limit=1))
        return row_to_asset(rows[0]) if rows else None

    def add(self, asset: Asset, who: str | None = None) -> Asset:
        """Insert a new asset.

        Raises:
            UserError: an asset with that name exists.
        """
        if self.asset(asset.name) is not None:
            raise UserError(f"asset {asset.display} already exists", f"资产 {asset.display} 已存在")
        return self.save(asset, who)[0]

    def save(self, asset: Asset, who: str | None = None, source: str = "") -> tuple[Asset, bool]:
        """Insert or update an asset by name, logging what changed.

        Returns:
            The stored asset and whether it was new.
        """
        now = ts(self.clock())
        old = self.asset(asset.name)
        row = _asset_row(asset)
        with self.db.atomic():
            if old is None:
                row.update(created_at=now, updated_at=now)
                row.update(self._lifecycle_dates(None, asset.lifecycle, now))
                new_id = self.db.table("assets").insert(row).last_pk
                self.log("asset.add", new_id, who, source=source, **_loggable(row))
            else:
                before = _asset_row(old)
                changes = {k: [before[k], row[k]] for k in _EDITABLE if before[k] != row[k]}
                if not changes:
                    return old, False
                row.update(updated_at=now)
                row.update(self._lifecycle_dates(old.lifecycle, asset.lifecycle, now))
                assert old.id is not None
                self.db.table("assets").update(old.id, row)
                if asset.lifecycle == Lifecycle.ACTIVE and old.lifecycle != Lifecycle.ACTIVE:
                    self.db.execute("DELETE FROM decommission_steps WHERE asset_id = ?", [old.id])
                self.log("asset.update", old.id, who, source=source, changes=changes)
                new_id = old.id
        assert new_id is not None
        stored = self.db.table("assets").get(new_id)
        return row_to_asset(stored), old is None

    @staticmethod
    def _lifecycle_dates(old: Lifecycle | None, new: Lifecycle, now: str) -> dict[str, str | None]:
        if old == new:
            return {}
        if new == Lifecycle.RETIRED:
            return {"retired_at": now}
        if new == Lifecycle.RETIRING:
            return {"retiring_at": now, "retired_at": None}
        return {"retiring_at": None, "retired_at": None}

    # -- probes and findings -------------------------------------------------

    def record(self, results: Iterable[tuple[ProbeOutcome, list[Finding]]]) -> None:
        """Store a batch of probe outcomes and reconcile their findings, in one transaction.

        A finding seen again keeps its first_seen and gets a new last_seen; a
        resolved one that fires again is reopened; an open finding of a probed
        asset that no longer fires is marked resolved, never deleted.
        """
        results = [(o, f) for o, f in results if o.asset.id is not None]
        if not results:
            return
        with self.db.atomic():
            for outcome, findings in results:
                self._record_one(outcome, findings)

    def _record_one(self, outcome: ProbeOutcome, findings: list[Finding]) -> None:
        conn = self.db.conn
        asset_id = outcome.asset.id
        at = ts(outcome.finished_at)
        for entry in (*outcome.http, *([outcome.spider] if outcome.spider else [])):
            if entry.body_sha256:
                conn.execute(
                    "INSERT INTO pages (sha256, body, first_seen, last_seen) VALUES (?, ?, ?, ?) "
                    "ON CONFLICT(sha256) DO UPDATE SET last_seen = excluded.last_seen",
                    (entry.body_sha256, entry.body, at, at),
                )
        main = next(
            (e for e in outcome.http if e.answered), outcome.http[0] if outcome.http else None
        )
        cert = next((e.tls for e in outcome.http if e.tls is not None), None)
        cursor = conn.execute(
            "INSERT INTO probes (asset_id, started_at, at, dns_status, addresses, cname, "
            "http_status, http_error, tls_not_after, response_ms, open_findings, data) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (
                asset_id,
                ts(outcome.started_at),
                at,
                str(outcome.dns.status),
                ",".join(outcome.dns.addresses),
                " → ".join(outcome.dns.cname_chain),
                main.status if main else None,
                str(main.error) if main and main.error else None,
                ts(cert.not_after) if cert else None,
                outcome.response_ms,
                len(findings),
                outcome_to_json(outcome),
            ),
        )
        conn.execute(
            "UPDATE assets SET last_probe_id = ?, last_checked = ? WHERE id = ?",
            (cursor.lastrowid, at, asset_id),
        )
        assert asset_id is not None
        reconcile(conn, asset_id, findings, outcome.skipped, at)

    def findings(
        self,
        status: FindingStatus | None = None,
        min_severity: Severity = Severity.INFO,
        asset_id: int | None = None,
        active_only: bool = True,
    ) -> list[FindingRecord]:
        """Stored findings, worst first, then by asset name and check id.

        Args:
            status: only findings in this state.
            active_only: only findings whose check fires now and whose risk is not accepted
                (what `scan` reports and `--fail-on` weighs).
        """
        clauses: list[str] = []
        args: list[str | int] = []
        if status is not None:
            clauses.append("f.status = ?")
            args.append(str(status))
        if active_only:
            clauses.append("f.firing = 1 AND f.status != 'accepted'")
        if asset_id is not None:
            clauses.append("f.asset_id = ?")
            args.append(asset_id)
        where = f"WHERE {' AND '.join(clauses)}" if clauses else ""
        rows = self.db.execute(
            "SELECT f.id, a.name, f.check_id, f.subject, f.severity, f.title_en, f.title_zh, "
            "f.evidence, f.status, f.first_seen, f.last_seen, f.resolved_at, f.firing, "
            "f.accepted_reason, f.accepted_until "
            f"FROM findings f JOIN assets a ON a.id = f.asset_id {where}",
            args,
        ).fetchall()
        records = [
            FindingRecord(
                id=r[0],
                finding=Finding(r[1], r[2], Severity(r[4]), r[5], r[6], r[7], r[3]),
                status=FindingStatus(r[8]),
                first_seen=parse_ts(r[9]) or self.clock(),
                last_seen=parse_ts(r[10]) or self.clock(),
                resolved_at=parse_ts(r[11]),
                firing=bool(r[12]),
                accepted_reason=r[13] or "",
                accepted_until=parse_ts(r[14]),
            )
            for r in rows
        ]
        records = [r for r in records if r.finding.severity.rank >= min_severity.rank]
        records.sort(key=lambda r: (-r.finding.severity.rank, r.finding.asset, r.finding.check))
        return records

    def finding(self, asset_name: str, check_id: str, subject: str = "") -> FindingRecord | None:
        """One stored finding of an asset, by check id (and subject when a check fires per URL)."""
        for record in self.findings(active_only=False):
            f = record.finding
            if (
                f.asset == asset_name
                and f.check == check_id
                and (not subject or f.subject == subject)
            ):
                return record
        return None

    def attest(
        self,
        finding_id: int,
        step: int,
        note: str = "",
        evidence: str = "",
        who: str | None = None,
    ) -> FindingStatus:
        """Attest a manual step of a finding's playbook (logged); returns the new status.

        Raises:
            UserError: the step is not a manual step of the playbook.
        """
        row = self.db.execute(
            "SELECT check_id, reopened, asset_id FROM findings WHERE id = ?", [finding_id]
        ).fetchone()
        if row is None or step not in manual_steps(row[0]):
            raise UserError(
                f"step {step + 1} is not a manual step of this finding's checklist",
                f"第 {step + 1} 步不是该问题整改清单中的人工步骤",
            )
        now = ts(self.clock())
        with self.db.atomic():
            self.db.execute(
                "INSERT INTO attestations (finding_id, round, step, actor, at, note, evidence) "
                "VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT(finding_id, round, step) DO UPDATE SET "
                "actor = excluded.actor, at = excluded.at, note = excluded.note, "
                "evidence = excluded.evidence",
                [finding_id, row[1], step, who or actor(), now, note, evidence],
            )
            self.log(
                "step.attest",
                row[2],
                who,
                finding=finding_id,
                check=row[0],
                step=step + 1,
                note=note,
                evidence=evidence,
            )
            return refresh(self.db.conn, finding_id, now)

    def unattest(self, finding_id: int, step: int, who: str | None = None) -> FindingStatus:
        """Take an attestation back (logged)."""
        row = self.db.execute(
            "SELECT check_id, reopened, asset_id FROM findings WHERE id = ?", [finding_id]
        ).fetchone()
        now = ts(self.clock())
        with self.db.atomic():
            self.db.execute(
                "DELETE FROM attestations WHERE finding_id = ? AND round = ? AND step = ?",
                [finding_id, row[1], step],
            )
            self.log("step.unattest", row[2], who, finding=finding_id, check=row[0], step=step + 1)
            return refresh(self.db.conn, finding_id, now)

    def attestations(self, finding_id: int) -> dict[int, dict[str, Any]]:
        """The current round's attestations of a finding, by step index."""
        rows = self.db.execute(
            "SELECT a.step, a.actor, a.at, a.note, a.evidence FROM attestations a "
            "JOIN findings f ON f.id = a.finding_id AND a.round = f.reopened WHERE f.id = ?",
            [finding_id],
        ).fetchall()
        return {r[0]: {"actor": r[1], "at": r[2], "note": r[3], "evidence": r[4]} for r in rows}

    def accept_risk(
        self, finding_id: int, reason: str, until: datetime, who: str | None = None
    ) -> FindingStatus:
        """Accept a finding's risk until a date, with a reason (logged); returns the new status.

        Raises:
            UserError: no reason, or an expiry not in the future.
        """
        if not reason.strip() or until <= self.clock():
            raise UserError(
                "accepting a risk needs a reason and an expiry date in the future",
                "接受风险须说明原因并给出将来的到期日",
            )
        now = ts(self.clock())
        with self.db.atomic():
            asset_id = self.db.execute(
                "SELECT asset_id FROM findings WHERE id = ?", [finding_id]
            ).fetchone()[0]
            self.db.execute(
                "UPDATE findings SET accepted_reason = ?, accepted_until = ? WHERE id = ?",
                [reason.strip(), ts(until), finding_id],
            )
            self.log(
                "risk.accept",
                asset_id,
                who,
                finding=finding_id,
                reason=reason.strip(),
                until=ts(until),
            )
            return refresh(self.db.conn, finding_id, now)

    def expire_acceptances(self) -> None:
        """Findings whose accepted risk has expired go back to their real state."""
        now = ts(self.clock())
        rows = self.db.execute(
            "SELECT id FROM findings WHERE status = 'accepted' AND accepted_until <= ?", [now]
        ).fetchall()
        with self.db.atomic():
            for (finding_id,) in rows:
                refresh(self.db.conn, finding_id, now)

    def probes(self, asset_id: int, limit: int = 100) -> Iterator[dict[str, Any]]:
        """An asset's probe history, newest first (summary columns and the JSON data)."""
        yield from self.db.table("probes").rows_where(
            "asset_id = ?", [asset_id], order_by="id desc", limit=limit
        )

    def prune(self, days: int = RETENTION_DAYS) -> int:
        """Delete probes and unreferenced page bodies older than `days`; findings and events stay.

        Returns:
            How many probes were deleted.
        """
        cutoff = ts(self.clock() - timedelta(days=days))
        with self.db.atomic():
            deleted = self.db.execute(
                "DELETE FROM probes WHERE at < ? AND id NOT IN "
                "(SELECT last_probe_id FROM assets WHERE last_probe_id IS NOT NULL)",
                [cutoff],
            ).rowcount
            self.db.execute("DELETE FROM pages WHERE last_seen < ?", [cutoff])
        return int(deleted)

    # -- baselines -------------------------------------------------------------

    def accept_baseline(
        self, asset_id: int, baseline: Baseline, who: str | None = None, source: str = "admin"
    ) -> None:
        """Make `baseline` the accepted home page of an asset (logged)."""
        with self.db.atomic():
            self.db.table("baselines").upsert(
                {
                    "asset_id": asset_id,
                    "url": baseline.url,
                    "title": baseline.title,
                    "text": baseline.text,
                    "script_domains": json.dumps(list(baseline.script_domains)),
                    "sha256": baseline.sha256,
                    "accepted_at": ts(self.clock()),
                    "actor": who or actor(),
                    "source": source,
                },
                pk="asset_id",
            )
            self.log(
                "baseline.accept",
                asset_id,
                who,
                source=source,
                sha256=baseline.sha256,
                title=baseline.title,
            )

    def baselines(self) -> dict[int, Baseline]:
        """Every accepted baseline, by asset id."""
        rows = self.db.execute(
            "SELECT asset_id, url, title, text, script_domains, sha256 FROM baselines"
        ).fetchall()
        return {r[0]: Baseline(r[1], r[2], r[3], tuple(json.loads(r[4])), r[5]) for r in rows}

    def latest_outcome(self, asset: Asset) -> ProbeOutcome | None:
        """The asset's latest probe, page bodies included."""
        row = self.db.execute(
            "SELECT data FROM probes WHERE asset_id = ? ORDER BY id DESC LIMIT 1", [asset.id]
        ).fetchone()
        if row is None:
            return None
        data = json.loads(row[0])
        shas = [e.get("body_sha256") for e in [*data["http"], data.get("spider") or {}] if e]
        bodies = (
            {
                r[0]: r[1]
                for r in self.db.execute(
                    f"SELECT sha256, body FROM pages WHERE sha256 IN ({','.join('?' * len(shas))})",
                    shas,
                )
            }
            if shas
            else {}
        )
        return outcome_from_json(asset, row[0], bodies)

    # -- decommissioning -------------------------------------------------------

    def attest_decommission(
        self, asset_id: int, step: int, note: str = "", evidence: str = "", who: str | None = None
    ) -> None:
        """Attest a manual step of an asset's decommission checklist (logged)."""
        with self.db.atomic():
            self.db.table("decommission_steps").upsert(
                {
                    "asset_id": asset_id,
                    "step": step,
                    "actor": who or actor(),
                    "at": ts(self.clock()),
                    "note": note,
                    "evidence": evidence,
                },
                pk=("asset_id", "step"),
            )
            self.log(
                "decommission.attest", asset_id, who, step=step + 1, note=note, evidence=evidence
            )

    def decommission_attestations(self, asset_id: int) -> dict[int, dict[str, str]]:
        """Step index -> {actor, at, note, evidence} for an asset."""
        rows = self.db.execute(
            "SELECT step, actor, at, note, evidence FROM decommission_steps WHERE asset_id = ?",
            [asset_id],
        )
        return {r[0]: {"actor": r[1], "at": r[2], "note": r[3], "evidence": r[4]} for r in rows}

    # -- organisation checklist ------------------------------------------------

    def attest_org(
        self, item_id: str, note: str = "", evidence: str = "", who: str | None = None
    ) -> None:
        """Attest an item of the organisation checklist (logged)."""
        with self.db.atomic():
            self.db.table("org_attestations").upsert(
                {
                    "item_id": item_id,
                    "actor": who or actor(),
                    "at": ts(self.clock()),
                    "note": note,
                    "evidence": evidence,
                },
                pk="item_id",
            )
            self.log("org.attest", None, who, item=item_id, note=note, evidence=evidence)

    def org_attestations(self) -> dict[str, dict[str, str]]:
        """Item id -> {actor, at, note, evidence}."""
        rows = self.db.execute("SELECT item_id, actor, at, note, evidence FROM org_attestations")
        return {r[0]: {"actor": r[1], "at": r[2], "note": r[3], "evidence": r[4]} for r in rows}

    # -- switched-off checks ---------------------------------------------------

    def disable_check(
        self, check_id: str, reason: str, asset_id: int | None = None, who: str | None = None
    ) -> None:
        """Switch a check off everywhere, or for one asset; the reason goes to the audit log.

        Raises:
            UserError: no reason given.
        """
        if not reason.strip():
            raise UserError(
                "say why the check is switched off (--reason)",
                "请说明关闭该检查的原因（--reason）",
            )
        with self.db.atomic():
            self.db.table("disabled_checks").upsert(
                {
                    "check_id": check_id,
                    "asset_id": asset_id or 0,
                    "reason": reason.strip(),
                    "at": ts(self.clock()),
                    "actor": who or actor(),
                },
                pk=("check_id", "asset_id"),
            )
            self.log("check.disable", asset_id, who, check=check_id, reason=reason.strip())

    def enable_check(
        self, check_id: str, asset_id: int | None = None, who: str | None = None
    ) -> None:
        """Switch a check back on (logged)."""
        with self.db.atomic():
            self.db.execute(
                "DELETE FROM disabled_checks WHERE check_id = ? AND asset_id = ?",
                [check_id, asset_id or 0],
            )
            self.log("check.enable", asset_id, who, check=check_id)

    def disabled_checks(self) -> dict[tuple[str, int], str]:
        """(check id, asset id or 0 for everywhere) -> reason."""
        rows = self.db.execute("SELECT check_id, asset_id, reason FROM disabled_checks").fetchall()
        return {(r[0], r[1]): r[2] for r in rows}

    # -- settings ------------------------------------------------------------

    def setting(self, key: str, default: str = "") -> str:
        """A stored setting, or `default`."""
        row = self.db.execute("SELECT value FROM settings WHERE key = ?", [key]).fetchone()
        return str(row[0]) if row else default

    def set_setting(self, key: str, value: str, who: str | None = None) -> None:
        """Change a setting (logged)."""
        with self.db.atomic():
            self.db.table("settings").upsert({"key": key, "value": value}, pk="key")
            self.log("setting.change", None, who, key=key, value=value)


def _loggable(row: dict[str, Any]) -> dict[str, Any]:
    return {k: row[k] for k in ("name", *_EDITABLE) if row.get(k) not in (None, "", "[]")}
