"""Probe history at a bounded cost: recent compact rows, then hourly and daily aggregates.

A probe whose outcome did not change (`codec.outcome_digest`) is a compact row in
`probe_ticks`; past `TICKS_DAYS` those rows become hourly aggregates in `probe_rollups`, and
past `HOURLY_DAYS` the hourly ones become daily ones. Every change stays a full row in `probes`
(what findings, evidence and the report need: every change, with its time), for the retention.
"""

from __future__ import annotations

import json
import sqlite3
import time
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlite_utils import Database

from checks.model import Asset, Clock
from checks.store.codec import (
    body_shas,
    legacy_digest,
    outcome_from_data,
    pack,
    parse_ts,
    same_story,
    ts,
    unpack,
)

TICKS_DAYS = 7
"""Compact rows kept one by one for this long."""
HOURLY_DAYS = 30
"""Hourly aggregates kept this long; older ones are merged into days."""
_ROLLED = "_history.rolled_until"
_LEGACY = "_history.legacy"
_UNTIL = "_history.legacy_until"
"""Where the conversion of old rows stands: [asset id, last probe id handled, that asset's
last full row], or "done"."""
LEGACY_BATCH_S = 0.25
"""How long one transaction of that conversion may hold the write lock."""
LEGACY_BUDGET_S = 60.0
"""How long one `prune` may spend on it (in batches; a big old database takes several)."""
_LEGACY_ROWS = 100
"""Old rows read at a time (each a whole outcome, some kilobytes of JSON)."""
_ADD = (
    " ON CONFLICT (asset_id, period, start) DO UPDATE SET"
    " probes = probe_rollups.probes + excluded.probes, up = probe_rollups.up + excluded.up,"
    " ms_sum = probe_rollups.ms_sum + excluded.ms_sum,"
    " ms_count = probe_rollups.ms_count + excluded.ms_count"
)


@dataclass(frozen=True, slots=True)
class Point:
    """One probe as a sparkline point."""

    at: datetime
    response_ms: float | None
    http_status: int | None


@dataclass(frozen=True, slots=True)
class Uptime:
    """How often an asset answered over a period."""

    probes: int
    up: int
    avg_ms: float | None

    @property
    def ratio(self) -> float | None:
        """Share of probes that answered; None without probes."""
        return self.up / self.probes if self.probes else None


_UNION = """
    SELECT at, response_ms, http_status,
           coalesce(up, CASE WHEN http_error IS NULL AND http_status IS NOT NULL
                        THEN 1 ELSE 0 END) AS up
    FROM probes WHERE asset_id = :asset {since_full}
    UNION ALL
    SELECT at, response_ms, http_status, up FROM probe_ticks WHERE asset_id = :asset {since_tick}
"""


class History:
    """Points, uptime and the upkeep that keeps history bounded."""

    def __init__(self, db: Database, clock: Clock) -> None:
        self._db = db
        self._clock = clock

    def points(self, asset_id: int, limit: int = 60) -> list[Point]:
        """The newest probes (changed or not), oldest first."""
        sql = _UNION.format(since_full="", since_tick="") + " ORDER BY at DESC LIMIT :limit"
        rows = self._db.execute(sql, {"asset": asset_id, "limit": limit}).fetchall()
        return [Point(parse_ts(r[0]) or self._clock(), r[1], r[2]) for r in reversed(rows)]

    def rolled_until(self) -> datetime | None:
        """Probes before this time are counted in the aggregates."""
        row = self._db.execute("SELECT value FROM settings WHERE key = ?", [_ROLLED]).fetchone()
        return parse_ts(row[0]) if row else None

    def uptime(self, asset_id: int, since: datetime) -> Uptime:
        """Probes and answers since a time: aggregates for the old part, rows for the rest."""
        rolled = self.rolled_until()
        probes = up = ms_count = 0
        ms_sum = 0.0
        if rolled is not None and since < rolled:
            row = self._db.execute(
                "SELECT coalesce(sum(probes), 0), coalesce(sum(up), 0), coalesce(sum(ms_sum), 0), "
                "coalesce(sum(ms_count), 0) FROM probe_rollups WHERE asset_id = ? AND start >= ?",
                [asset_id, ts(since)],
            ).fetchone()
            probes, up, ms_sum, ms_count = row[0], row[1], row[2], row[3]
        start = ts(max(since, rolled) if rolled else since)
        sql = _UNION.format(since_full="AND at >= :start", since_tick="AND at >= :start")
        for _at, ms, _status, answered in self._db.execute(
            sql, {"asset": asset_id, "start": start}
        ).fetchall():
            probes += 1
            up += bool(answered)
            if ms is not None:
                ms_sum += ms
                ms_count += 1
        return Uptime(probes, up, ms_sum / ms_count if ms_count else None)

    def upkeep(self, days: int) -> None:
        """Roll compact rows past a week into hours, hours past a month into days; drop what
        is past retention (`days`). Inside the caller's transaction."""
        now = self._clock()
        cutoff = (now - timedelta(days=TICKS_DAYS)).replace(minute=0, second=0, microsecond=0)
        rolled = self.rolled_until()
        start = ts(rolled) if rolled else ""
        self._db.execute(
            "INSERT INTO probe_rollups (asset_id, period, start, probes, up, ms_sum, ms_count, "
            "ms_min, ms_max) "
            "SELECT asset_id, 'hour', substr(at, 1, 13) || ':00:00+00:00', count(*), sum(up), "
            "coalesce(sum(response_ms), 0), count(response_ms), min(response_ms), max(response_ms) "
            f"FROM ({_ALL_ROWS}) AS r WHERE at >= :start AND at < :cutoff "
            "GROUP BY asset_id, substr(at, 1, 13) " + _ADD,
            {"start": start, "cutoff": ts(cutoff)},
        )
        self._db.execute("DELETE FROM probe_ticks WHERE at < ?", [ts(cutoff)])
        self._db.execute(_SET_SETTING, [_ROLLED, ts(cutoff)])
        self._merge_days(now)
        old = ts(now - timedelta(days=days))
        self._db.execute("DELETE FROM probe_rollups WHERE start < ?", [old])

    def _merge_days(self, now: datetime) -> None:
        edge = ts((now - timedelta(days=HOURLY_DAYS)).replace(hour=0, minute=0, second=0))
        self._db.execute(
            "INSERT INTO probe_rollups (asset_id, period, start, probes, up, ms_sum, ms_count, "
            "ms_min, ms_max) "
            "SELECT asset_id, 'day', substr(start, 1, 10) || 'T00:00:00+00:00', sum(probes), "
            "sum(up), sum(ms_sum), sum(ms_count), min(ms_min), max(ms_max) FROM probe_rollups "
            "WHERE period = 'hour' AND start < ? GROUP BY asset_id, substr(start, 1, 10) " + _ADD,
            [edge],
        )
        self._db.execute("DELETE FROM probe_rollups WHERE period = 'hour' AND start < ?", [edge])

    def compact_legacy(self, budget_s: float = LEGACY_BUDGET_S) -> int:
        """Convert rows written before digests existed, as the writer of today would have
        written them, for up to `budget_s` seconds; the next call goes on where this one
        stopped. Returns the rows handled (0 once there are none left).

        Each batch is its own short transaction (`LEGACY_BATCH_S`), so a sweep, the
        dashboard or the command line writing meanwhile waits a fraction of a second, never
        minutes; a batch cut short leaves the database as consistent as the one before it.
        """
        done = 0
        deadline = time.monotonic() + budget_s
        while time.monotonic() < deadline:
            with self._db.atomic():
                handled = self._legacy_batch()
            if handled is None:
                break
            done += handled
        return done

    def legacy_left(self) -> bool:
        """Whether rows written before digests may still wait to be converted."""
        return self._legacy_cursor() is not None

    def _legacy_cursor(self) -> tuple[int, int, int | None] | None:
        """(asset id, the last probe id handled, the asset's last full row) or None: done."""
        row = self._db.execute("SELECT value FROM settings WHERE key = ?", [_LEGACY]).fetchone()
        if row is not None:
            if row[0] == "done":
                return None
            asset, after, prev = json.loads(row[0])
            return int(asset), int(after), prev
        return (-1, 0, None) if self._legacy_until() else None

    def _legacy_until(self) -> int:
        """No old row has a higher id (m012 noted it; 0: a database made without them)."""
        row = self._db.execute("SELECT value FROM settings WHERE key = ?", [_UNTIL]).fetchone()
        return int(row[0]) if row else 0

    def _legacy_batch(self) -> int | None:
        """One transaction's worth of old rows, an asset at a time in the order they were
        written; None when every asset is done."""
        cursor = self._legacy_cursor()
        if cursor is None:
            return None
        asset, after, prev = cursor
        conn = self._db.conn
        started = time.monotonic()
        handled = 0
        pages: dict[str, bytes] = {}
        prev_digest = _digest_of(conn, prev)
        latest = _last_probe(conn, asset)
        until = self._legacy_until()
        while True:
            rows = conn.execute(
                "SELECT id, at, data, response_ms, http_status, http_error, digest FROM probes "
                "WHERE asset_id = ? AND id > ? AND id <= ? ORDER BY id LIMIT ?",
                (asset, after, until, _LEGACY_ROWS),
            ).fetchall()
            rows_done = len(rows) < _LEGACY_ROWS
            for probe_id, at, raw, ms, status, error, digest in rows:
                after = probe_id
                if digest is not None:  # written (or converted) by a digesting version
                    prev, prev_digest = probe_id, digest
                    continue
                handled += 1
                data = json.loads(unpack(raw))
                shas = body_shas(data)
                wanted = [h for h in shas if h not in pages]
                if wanted:
                    pages.update(
                        conn.execute(
                            f"SELECT sha256, body FROM pages WHERE sha256 IN "
                            f"({','.join('?' * len(wanted))})",
                            wanted,
                        ).fetchall()
                    )
                outcome = outcome_from_data(Asset(""), data, pages)
                digest = legacy_digest(outcome, [h for h in shas if h not in pages])
                if prev is not None and same_story(digest, prev_digest) and probe_id != latest:
                    # `up` as the row was counted (old rows have none of their own).
                    conn.execute(
                        "INSERT INTO probe_ticks (asset_id, probe_id, at, http_status, "
                        "response_ms, up) VALUES (?, ?, ?, ?, ?, ?)",
                        (asset, prev, at, status, ms, int(error is None and status is not None)),
                    )
                    conn.execute("DELETE FROM probes WHERE id = ?", (probe_id,))
                    continue
                conn.execute(
                    "UPDATE probes SET digest = ?, data = ?, bodies = ? WHERE id = ?",
                    (
                        digest,
                        pack(raw) if isinstance(raw, str) else raw,
                        json.dumps(sorted(set(shas))),
                        probe_id,
                    ),
                )
                prev, prev_digest = probe_id, digest
            if rows_done:
                row = conn.execute(
                    "SELECT min(asset_id) FROM probes WHERE asset_id > ? AND id <= ?",
                    (asset, until),
                ).fetchone()
                if row[0] is None:
                    self._set(_LEGACY, "done")
                    return handled
                asset, after, prev, prev_digest = int(row[0]), 0, None, None
                latest = _last_probe(conn, asset)
            if time.monotonic() - started >= LEGACY_BATCH_S:
                break
        self._set(_LEGACY, json.dumps([asset, after, prev]))
        return handled

    def _set(self, key: str, value: str) -> None:
        self._db.execute(_SET_SETTING, [key, value])


def _digest_of(conn: sqlite3.Connection, probe_id: int | None) -> str | None:
    if probe_id is None:
        return None
    row = conn.execute("SELECT digest FROM probes WHERE id = ?", (probe_id,)).fetchone()
    return row[0] if row else None


def _last_probe(conn: sqlite3.Connection, asset_id: int) -> int | None:
    row = conn.execute("SELECT last_probe_id FROM assets WHERE id = ?", (asset_id,)).fetchone()
    return row[0] if row else None


_SET_SETTING = (
    "INSERT INTO settings (key, value) VALUES (?, ?) "
    "ON CONFLICT (key) DO UPDATE SET value = excluded.value"
)
_ALL_ROWS = (
    "SELECT asset_id, at, response_ms, "
    "coalesce(up, CASE WHEN http_error IS NULL AND http_status IS NOT NULL THEN 1 ELSE 0 END) "
    "AS up FROM probes "
    "UNION ALL SELECT asset_id, at, response_ms, up FROM probe_ticks"
)
