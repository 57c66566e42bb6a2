"""Probe history (summary columns plus the outcome as JSON), page bodies, and baselines."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterable, Iterator
from datetime import timedelta
from typing import Any

from sqlite_utils import Database

from checks.model import RETENTION_DAYS, Asset, Baseline, Clock, Finding, HttpEntry, ProbeOutcome
from checks.store.audit import AuditLog, actor
from checks.store.codec import (
    outcome_digest,
    outcome_from_json,
    outcome_to_json,
    pack,
    same_story,
    ts,
    unpack,
)
from checks.store.dialect import json_texts, postgres
from checks.store.findings import Findings
from checks.store.history import LEGACY_BUDGET_S, History

RECLAIM_PAGES = 65536
"""Free pages one `prune` gives back at most (256 MiB of 4 KiB pages: a short write)."""


def _up(outcome: ProbeOutcome) -> int:
    """1 when the asset answered (any HTTP answer; DNS for assets without URLs)."""
    if outcome.http:
        return int(any(e.answered for e in outcome.http))
    return int(outcome.dns.resolves or bool(outcome.dns.ns))


class Probes:
    """What each probe observed, kept for the retention period."""

    def __init__(self, db: Database, clock: Clock, findings: Findings) -> None:
        self._db = db
        self._clock = clock
        self._findings = findings
        self.trend = History(db, clock)
        """Sparkline points, uptime and the aggregates of compact rows."""

    def record(
        self, results: Iterable[tuple[ProbeOutcome, list[Finding]]], location: str = ""
    ) -> None:
        """Store a batch of outcomes and reconcile their findings, in one transaction.

        Args:
            location: where the probes ran from ('' for this machine, unnamed). Each place
                keeps its own latest probe of an asset, and a finding stays open while any
                place's latest probe sees it (`Findings.reconcile`).
        """
        results = [(o, f) for o, f in results if o.asset.id is not None]
        if not results:
            return
        with self._db.atomic():
            for outcome, findings in results:
                self._record_one(outcome, findings, location)

    def _record_one(self, outcome: ProbeOutcome, findings: list[Finding], location: str) -> None:
        conn = self._db.conn
        asset_id = outcome.asset.id
        assert asset_id is not None
        at = ts(outcome.finished_at)
        digest = outcome_digest(outcome)
        # A compact row only repeats this place's own latest probe: what the inside sees is
        # not what the outside sees.
        last = conn.execute(
            "SELECT p.id, p.digest FROM asset_locations l JOIN probes p ON p.id = l.probe_id "
            "WHERE l.asset_id = ? AND l.location = ?",
            (asset_id, location),
        ).fetchone()
        if last is None and not location:  # a database from before places were kept
            last = conn.execute(
                "SELECT p.id, p.digest FROM assets a JOIN probes p ON p.id = a.last_probe_id "
                "WHERE a.id = ? AND p.location = ''",
                (asset_id,),
            ).fetchone()
        main = next(
            (e for e in outcome.http if e.answered), outcome.http[0] if outcome.http else None
        )
        if last is not None and same_story(digest, last[1]):
            # Nothing changed: a compact row keeps the time, the status and the response time.
            conn.execute(
                "INSERT INTO probe_ticks (asset_id, probe_id, at, http_status, response_ms, up) "
                "VALUES (?, ?, ?, ?, ?, ?)",
                (
                    asset_id,
                    last[0],
                    at,
                    main.status if main else None,
                    outcome.response_ms,
                    _up(outcome),
                ),
            )
            probe_id = last[0]
        else:
            probe_id = self._insert_full(outcome, findings, digest, main, location)
        conn.execute(
            "UPDATE assets SET last_probe_id = ?, last_checked = ?, last_response_ms = ? "
            "WHERE id = ?",
            (probe_id, at, outcome.response_ms, asset_id),
        )
        conn.execute(
            "INSERT INTO asset_locations (asset_id, location, probe_id, at) VALUES (?, ?, ?, ?) "
            "ON CONFLICT (asset_id, location) DO UPDATE SET probe_id = excluded.probe_id, "
            "at = excluded.at",
            (asset_id, location, probe_id, at),
        )
        self._findings.reconcile(asset_id, findings, outcome.skipped, outcome.finished_at, location)

    def _insert_full(
        self,
        outcome: ProbeOutcome,
        findings: list[Finding],
        digest: str,
        main: HttpEntry | None,
        location: str = "",
    ) -> int:
        conn = self._db.conn
        at = ts(outcome.finished_at)
        shas = []
        for entry in (*outcome.http, *([outcome.spider] if outcome.spider else [])):
            if entry.body_sha256:
                shas.append(entry.body_sha256)
                conn.execute(
                    "INSERT INTO pages (sha256, body, first_seen, last_seen) VALUES (?, ?, ?, ?) "
                    "ON CONFLICT(sha256) DO UPDATE SET last_seen = excluded.last_seen",
                    (entry.body_sha256, entry.body, at, at),
                )
        cert = next((e.tls for e in outcome.http if e.tls is not None), None)
        cursor = conn.execute(
            "INSERT INTO probes (asset_id, started_at, at, dns_status, addresses, cname, "
            "http_status, http_error, tls_not_after, response_ms, open_findings, data, digest, "
            "bodies, up, location) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (
                outcome.asset.id,
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
                pack(outcome_to_json(outcome)),
                digest,
                json.dumps(sorted(set(shas))),
                _up(outcome),
                location,
            ),
        )
        assert cursor.lastrowid is not None
        return cursor.lastrowid

    def history(self, asset_id: int, limit: int = 100) -> Iterator[dict[str, Any]]:
        """An asset's probe history, newest first (summary columns and the JSON data)."""
        yield from self._db.table("probes").rows_where(
            "asset_id = ?", [asset_id], order_by="id desc", limit=limit
        )

    def latest(self, asset: Asset, bodies: bool = True) -> ProbeOutcome | None:
        """The asset's latest probe, page bodies included unless `bodies` is False."""
        row = self._db.execute(
            "SELECT data FROM probes WHERE asset_id = ? ORDER BY id DESC LIMIT 1", [asset.id]
        ).fetchone()
        if row is None:
            return None
        if not bodies:
            return outcome_from_json(asset, row[0])
        data = json.loads(unpack(row[0]))
        shas = [e.get("body_sha256") for e in [*data["http"], data.get("spider") or {}] if e]
        found = (
            {
                r[0]: r[1]
                for r in self._db.execute(
                    f"SELECT sha256, body FROM pages WHERE sha256 IN ({','.join('?' * len(shas))})",
                    shas,
                )
            }
            if shas
            else {}
        )
        return outcome_from_json(asset, row[0], found)

    def mark(self) -> int:
        """The id of the newest probe (0 when there is none), for `Views.changed_since`."""
        row = self._db.execute("SELECT coalesce(max(id), 0) FROM probes").fetchone()
        return int(row[0])

    def tick_mark(self) -> int:
        """The id of the newest compact row (0 when there is none)."""
        row = self._db.execute("SELECT coalesce(max(id), 0) FROM probe_ticks").fetchone()
        return int(row[0])

    def prune(self, days: int = RETENTION_DAYS, legacy_budget_s: float = LEGACY_BUDGET_S) -> int:
        """Keep history bounded: probes and page bodies past `days` go (an asset's latest
        probe and its pages always stay), compact rows are rolled up; findings and events stay.
        Rows of older versions are converted first, for up to `legacy_budget_s` seconds in
        short transactions (`History.compact_legacy`), and free pages are given back.

        Returns:
            How many probes were deleted.
        """
        cutoff = ts(self._clock() - timedelta(days=days))
        self.trend.compact_legacy(legacy_budget_s)
        with self._db.atomic():
            deleted = self._db.execute(
                "DELETE FROM probes WHERE at < ? AND id NOT IN "
                "(SELECT last_probe_id FROM assets WHERE last_probe_id IS NOT NULL) "
                "AND id NOT IN (SELECT probe_id FROM asset_locations)",
                [cutoff],
            ).rowcount
            self._db.execute("DELETE FROM probe_runs WHERE due_at < ?", [cutoff])
            self._db.execute(
                "DELETE FROM pages WHERE last_seen < ? AND sha256 NOT IN (SELECT j.value FROM "
                "assets a JOIN probes p ON p.id = a.last_probe_id, "
                f"{json_texts(self._db, 'p.bodies', 'j')})",
                [cutoff],
            )
            self.trend.upkeep(days)
        self.reclaim()
        return int(deleted)

    def reclaim(self, max_pages: int = RECLAIM_PAGES) -> int:
        """Give free pages back to the file system, up to `max_pages` (a short write), when
        the database allows it (`auto_vacuum = incremental`, as new databases are made, or an
        old one after `vacuum`). Skipped inside a transaction or while another process
        writes: the pages stay free for the next rows and the next call. Returns pages freed.
        """
        conn = self._db.conn
        if postgres(self._db):
            return 0  # PostgreSQL's autovacuum gives space back to new rows on its own
        if conn.in_transaction or conn.execute("PRAGMA auto_vacuum").fetchone()[0] != 2:
            return 0
        before = conn.execute("PRAGMA freelist_count").fetchone()[0]
        if not before:
            return 0
        try:
            # executescript steps the pragma to its end; execute() would free one page.
            conn.executescript(
                f"BEGIN IMMEDIATE; PRAGMA incremental_vacuum({int(max_pages)}); COMMIT;"
            )
        except sqlite3.OperationalError as exc:
            if conn.in_transaction:
                conn.rollback()
            if "locked" not in str(exc) and "busy" not in str(exc):
                raise
            return 0
        return int(before - conn.execute("PRAGMA freelist_count").fetchone()[0])

    def vacuum(self) -> None:
        """Rebuild the file at its live size and switch it to incremental auto-vacuum (an old
        database, once its rows are converted). Takes the write lock for as long as copying
        the live data takes and needs that much free disk: run it with nothing else using
        the database. On PostgreSQL: VACUUM (FULL) of the organisation's tables."""
        if postgres(self._db):
            for (table,) in self._db.execute(
                "SELECT tablename FROM pg_tables WHERE schemaname = current_schema()"
            ).fetchall():
                self._db.execute(f'VACUUM (FULL, ANALYZE) "{table}"')
            return
        self._db.conn.execute("PRAGMA auto_vacuum = INCREMENTAL")
        self._db.conn.execute("VACUUM")
        self._db.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")


class Baselines:
    """The accepted home page of each asset."""

    def __init__(self, db: Database, clock: Clock, audit: AuditLog) -> None:
        self._db = db
        self._clock = clock
        self._audit = audit

    def accept(
        self, asset_id: int, baseline: Baseline, who: str | None = None, source: str = "admin"
    ) -> None:
        """Make `baseline` the accepted home page of an asset (logged).

        A "first probe" baseline (trust on first use) never replaces one: two places that
        probe a new asset at once, or an admin's baseline accepted meanwhile, keep the first.
        """
        on_conflict = (
            "DO NOTHING"
            if source == "first probe"
            else "DO UPDATE SET url = excluded.url, title = excluded.title, "
            "text = excluded.text, script_domains = excluded.script_domains, "
            "sha256 = excluded.sha256, accepted_at = excluded.accepted_at, "
            "actor = excluded.actor, source = excluded.source"
        )
        with self._db.atomic():
            added = self._db.conn.execute(
                "INSERT INTO baselines (asset_id, url, title, text, script_domains, sha256, "
                "accepted_at, actor, source) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) "
                f"ON CONFLICT(asset_id) {on_conflict}",
                (
                    asset_id,
                    baseline.url,
                    baseline.title,
                    baseline.text,
                    json.dumps(list(baseline.script_domains)),
                    baseline.sha256,
                    ts(self._clock()),
                    who or actor(),
                    source,
                ),
            ).rowcount
            if not added:
                return
            self._audit.log(
                "baseline.accept",
                asset_id,
                who,
                source=source,
                sha256=baseline.sha256,
                title=baseline.title,
            )

    def all(self) -> dict[int, Baseline]:
        """Every accepted baseline, by asset id."""
        rows = self._db.execute(
            "SELECT asset_id, url, title, text, script_domains, sha256 FROM baselines"
        ).fetchall()
        return {r[0]: Baseline(r[1], r[2], r[3], tuple(json.loads(r[4])), r[5]) for r in rows}
