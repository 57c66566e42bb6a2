"""The outbox: events written in the transaction of the change they describe, fanned out to the
channels that want them (one delivery row each), and the unobserved streaks.

`Findings` calls `finding_event` from inside `Probes.record`'s (or an attestation's)
transaction: if that transaction rolls back, the event goes with it, and if it commits, the event
is there. A crash between the finding change and the outbox write cannot happen.
"""

from __future__ import annotations

import json
import time
from collections.abc import Collection
from datetime import UTC, datetime
from typing import Any

from sqlite_utils import Database

from checks.alerting import DEFAULT_UNOBSERVED_PROBES, AlertEvent, Channel, EventKind
from checks.lang import Bilingual
from checks.model import Clock, Severity
from checks.store.channels import channel_from_row
from checks.store.codec import parse_ts, ts
from checks.store.dialect import changes_of, postgres
from checks.workflow.events import event_severity, wants

UNOBSERVED_SETTING = "alert_unobserved_probes"
"""Settings key: probes in a row an asset may miss before an `unobserved` event."""


def event_from_row(row: tuple[Any, ...]) -> AlertEvent:
    """An outbox row (id, at, kind, severity, data) as an AlertEvent."""
    data = json.loads(row[4])
    return AlertEvent(
        id=row[0],
        kind=EventKind(row[2]),
        at=parse_ts(row[1]) or datetime.fromtimestamp(0, UTC),
        severity=Severity(row[3]),
        asset=data.get("asset", ""),
        owner=data.get("owner", ""),
        check=data.get("check", ""),
        subject=data.get("subject", ""),
        title=Bilingual(data.get("title_en", ""), data.get("title_zh", "")),
        evidence=data.get("evidence", ""),
        first_seen=parse_ts(data.get("first_seen")),
        last_seen=parse_ts(data.get("last_seen")),
        status=data.get("status", ""),
        detail=data.get("detail", ""),
        previous=data.get("previous", ""),
    )


EVENT_COLUMNS = "e.id, e.at, e.kind, e.severity, e.data"


class Outbox:
    """Writes events and their deliveries; reading and sending them is `Deliveries`' part."""

    def __init__(self, db: Database, clock: Clock) -> None:
        self._db = db
        self._clock = clock
        self._cache: tuple[tuple[object, int], list[tuple[int, Channel]]] | None = None
        self._generation = 0
        self._asked = 0.0

    def channels_changed(self) -> None:
        """This process changed a channel: read them again at the next event."""
        self._generation += 1

    def _channels(self) -> list[tuple[int, Channel]]:
        """The channels, read again only when they may have changed (a sweep reads them once).

        SQLite's `data_version` changes when another connection commits (another process adding
        a channel); `channels_changed` counts this process's own changes. On PostgreSQL, where
        asking costs a scan of the channels, it is asked at most once a second.
        """
        if (
            self._cache is not None
            and self._cache[0][1] == self._generation
            and postgres(self._db)
            and time.monotonic() - self._asked < 1.0
        ):
            return self._cache[1]
        self._asked = time.monotonic()
        version = changes_of(self._db, "notify_channels")
        key = (version, self._generation)
        if self._cache is not None and self._cache[0] == key:
            return self._cache[1]
        rows = self._db.execute(
            "SELECT id, name, kind, url, secret, options, created_at FROM notify_channels"
        ).fetchall()
        found = [(r[0], channel_from_row(r)) for r in rows]
        self._cache = (key, found)
        return found

    def _write(
        self,
        kind: EventKind,
        severity: Severity,
        asset_id: int | None,
        finding_id: int | None,
        data: dict[str, Any],
        at: datetime | None,
        only: Collection[int] | None,
    ) -> int | None:
        channels = [
            cid
            for cid, ch in self._channels()
            if wants(ch.rules, kind, severity) and (only is None or cid in only)
        ]
        if not channels:
            return None  # no channel would ever be told: nothing to keep
        stamp = ts(at or self._clock())
        cursor = self._db.execute(
            "INSERT INTO notify_events (at, kind, severity, asset_id, finding_id, data) "
            "VALUES (?, ?, ?, ?, ?, ?)",
            [stamp, str(kind), str(severity), asset_id, finding_id, json.dumps(data)],
        )
        event_id = int(cursor.lastrowid or 0)
        now = ts(self._clock())
        self._db.conn.executemany(
            "INSERT INTO notify_deliveries (event_id, channel_id, created_at) VALUES (?, ?, ?)",
            [(event_id, cid, now) for cid in channels],
        )
        return event_id

    def finding_event(
        self,
        kind: EventKind,
        finding_id: int,
        at: datetime | None = None,
        previous: Severity | None = None,
        only: Collection[int] | None = None,
    ) -> int | None:
        """Record an event about a finding as it stands now (call inside the change's transaction).

        Args:
            previous: the severity before, for `escalated`.
            only: channel ids to tell (resends); None: every channel that wants it.

        Returns:
            The event's id, or None when no channel wants it (then nothing is written).
        """
        row = self._db.execute(
            "SELECT a.name, a.owner, f.check_id, f.subject, f.severity, f.title_en, f.title_zh, "
            "f.evidence, f.first_seen, f.last_seen, f.status, f.asset_id "
            "FROM findings f JOIN assets a ON a.id = f.asset_id WHERE f.id = ?",
            [finding_id],
        ).fetchone()
        if row is None:
            return None
        keys = ("asset", "owner", "check", "subject", "severity", "title_en", "title_zh")
        data = dict(zip(keys, row[:7], strict=True))
        data.update(evidence=row[7], first_seen=row[8], last_seen=row[9], status=row[10])
        if previous is not None:
            data["previous"] = str(previous)
        severity = event_severity(kind, Severity(row[4]))
        return self._write(kind, severity, row[11], finding_id, data, at, only)

    def asset_event(
        self, kind: EventKind, asset_id: int, detail: str = "", at: datetime | None = None
    ) -> int | None:
        """Record an event about an asset (unobserved, decommissioned)."""
        row = self._db.execute("SELECT name, owner FROM assets WHERE id = ?", [asset_id]).fetchone()
        if row is None:
            return None
        data = {"asset": row[0], "owner": row[1], "detail": detail}
        severity = event_severity(kind, None)
        return self._write(kind, severity, asset_id, None, data, at, None)

    def unobserved(self, asset_id: int, missed: bool, why: str, at: datetime) -> None:
        """Count a probe that missed part of the asset (or reset the count); at the N-th miss in
        a row, record an `unobserved` event (once per streak)."""
        if not missed:
            self._db.execute("DELETE FROM notify_streaks WHERE asset_id = ?", [asset_id])
            return
        row = self._db.execute(
            "INSERT INTO notify_streaks (asset_id, unobserved) VALUES (?, 1) "
            "ON CONFLICT(asset_id) DO UPDATE SET unobserved = notify_streaks.unobserved + 1 "
            "RETURNING unobserved",
            [asset_id],
        ).fetchone()
        setting = self._db.execute(
            "SELECT value FROM settings WHERE key = ?", [UNOBSERVED_SETTING]
        ).fetchone()
        raw = str(setting[0]) if setting else ""
        limit = int(raw) if raw.isdigit() and int(raw) > 0 else DEFAULT_UNOBSERVED_PROBES
        if int(row[0]) == limit:
            self.asset_event(EventKind.UNOBSERVED, asset_id, why, at)

    def firing_criticals(self) -> int:
        """How many critical findings fire and are not resolved or accepted (one indexed count)."""
        row = self._db.execute(
            "SELECT count(*) FROM findings WHERE severity = 'critical' AND firing = 1 "
            "AND status IN ('open', 'in-progress')"
        ).fetchone()
        return int(row[0])

    def last_id(self) -> int:
        """The newest event's id (0 when there is none)."""
        return int(self._db.execute("SELECT coalesce(max(id), 0) FROM notify_events").fetchone()[0])

    def events(self, since_id: int = 0) -> list[AlertEvent]:
        """Every recorded event after an id, oldest first."""
        rows = self._db.execute(
            f"SELECT {EVENT_COLUMNS} FROM notify_events e WHERE e.id > ? ORDER BY e.id", [since_id]
        ).fetchall()
        return [event_from_row(r) for r in rows]
