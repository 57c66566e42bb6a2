"""Probe history at a bounded cost: recent compact rows, then hourly and daily aggregates.

A probe whose outcome did not change (`codec.outcome_digest`) is a compact row in
`probe_ticks`; past `TICKS_DAYS` those rows become hourly aggregates in `probe_rollups`, and
past `HOURLY_DAYS` the hourly ones become daily ones. Every change stays a full row in `probes`
(what findings, evidence and the report need: every change, with its time), for the retention.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlite_utils import Database

from checks.model import Asset, Clock
from checks.store.codec import outcome_digest, outcome_from_json, pack, parse_ts, same_story, ts

TICKS_DAYS = 7
"""Compact rows kept one by one for this long."""
HOURLY_DAYS = 30
"""Hourly aggregates kept this long; older ones are merged into days."""
_ROLLED = "_history.rolled_until"
_ADD = (
    " ON CONFLICT (asset_id, period, start) DO UPDATE SET probes = probes + excluded.probes,"
    " up = up + excluded.up, ms_sum = ms_sum + excluded.ms_sum,"
    " ms_count = ms_count + excluded.ms_count"
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
           coalesce(up, http_error IS NULL AND http_status IS NOT NULL) AS up
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
            f"FROM ({_ALL_ROWS}) WHERE at >= :start AND at < :cutoff "
            "GROUP BY asset_id, substr(at, 1, 13) " + _ADD,
            {"start": start, "cutoff": ts(cutoff)},
        )
        self._db.execute("DELETE FROM probe_ticks WHERE at < ?", [ts(cutoff)])
        self._db.execute(
            "INSERT OR REPLACE INTO settings (key, value) VALUES (?, ?)", [_ROLLED, ts(cutoff)]
        )
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

    def compact_legacy(self, limit: int = 20000) -> int:
        """Rows written before digests existed: digest them, compress them, and turn repeats
        into compact rows (an old database shrinks as it is used). Returns rows handled."""
        rows = self._db.execute(
            "SELECT id, asset_id, at, data, response_ms, http_status, http_error FROM probes "
            "WHERE digest IS NULL ORDER BY asset_id, id LIMIT ?",
            [limit],
        ).fetchall()
        latest = {r[0] for r in self._db.execute("SELECT last_probe_id FROM assets")}
        previous: dict[int, tuple[int, str]] = {}
        for probe_id, asset_id, at, data, ms, status, error in rows:
            outcome = outcome_from_json(Asset(""), data)
            digest = outcome_digest(outcome)
            before = previous.get(asset_id)
            if before and same_story(digest, before[1]) and probe_id not in latest:
                up = int(error is None and status is not None)
                self._db.execute(
                    "INSERT INTO probe_ticks (asset_id, probe_id, at, http_status, response_ms, "
                    "up) VALUES (?, ?, ?, ?, ?, ?)",
                    [asset_id, before[0], at, status, ms, up],
                )
                self._db.execute("DELETE FROM probes WHERE id = ?", [probe_id])
                continue
            packed = pack(data) if isinstance(data, str) else data
            self._db.execute(
                "UPDATE probes SET digest = ?, data = ? WHERE id = ?", [digest, packed, probe_id]
            )
            previous[asset_id] = (probe_id, digest)
        return len(rows)


_ALL_ROWS = (
    "SELECT asset_id, at, response_ms, "
    "coalesce(up, http_error IS NULL AND http_status IS NOT NULL) AS up FROM probes "
    "UNION ALL SELECT asset_id, at, response_ms, up FROM probe_ticks"
)
