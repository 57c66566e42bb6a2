"""Due runs and the places workers probe from.

A run is one asset probed for one due time from one place: its row is written in the same
transaction as the probe's result, so a worker killed before it wrote leaves no row (another
takes the asset), and a second worker that probed the same due time finds the row and keeps
nothing (no asset is counted twice for one due time).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlite_utils import Database

from checks.model import Clock
from checks.store.codec import parse_ts, ts


@dataclass(frozen=True, slots=True)
class Location:
    """A place workers probe from, as the workers last reported it."""

    name: str
    first_seen: datetime
    last_seen: datetime
    worker: str


class Runs:
    """The probe_runs and locations tables."""

    def __init__(self, db: Database, clock: Clock) -> None:
        self._db = db
        self._clock = clock

    def done(self, asset_id: int, due_at: str, location: str = "") -> bool:
        """Whether this asset's probe for this due time from this place is stored."""
        row = self._db.execute(
            "SELECT 1 FROM probe_runs WHERE asset_id = ? AND due_at = ? AND location = ?",
            [asset_id, due_at, location],
        ).fetchone()
        return row is not None

    def claim(self, asset_id: int, due_at: str, location: str = "", worker: str = "") -> bool:
        """Record the run; False when it was already recorded (keep nothing of this one).

        Call it in the `store.atomic()` that records the probe, before recording it.
        """
        cursor = self._db.execute(
            "INSERT INTO probe_runs (asset_id, due_at, location, at, worker) "
            "VALUES (?, ?, ?, ?, ?) ON CONFLICT DO NOTHING",
            [asset_id, due_at, location, ts(self._clock()), worker],
        )
        return bool(cursor.rowcount)

    def done_since(self, due_at: str, location: str = "") -> set[tuple[int, str]]:
        """(asset id, due time) of the runs from this place due at or after `due_at`."""
        rows = self._db.execute(
            "SELECT asset_id, due_at FROM probe_runs WHERE due_at >= ? AND location = ?",
            [due_at, location],
        ).fetchall()
        return {(r[0], r[1]) for r in rows}

    def queued(self, queue: str) -> set[str]:
        """The queueing locks of the jobs waiting or running in a worker queue (PostgreSQL).

        Reads procrastinate's job table (in the database's public schema), which the
        workers share: a scheduler defers only what is not there already.
        """
        rows = self._db.execute(
            "SELECT queueing_lock FROM public.procrastinate_jobs WHERE queue_name = ? "
            "AND status IN ('todo', 'doing') AND queueing_lock IS NOT NULL",
            [queue],
        ).fetchall()
        return {r[0] for r in rows}

    def analyze_queue(self) -> None:
        """Refresh the planner's statistics of procrastinate's job table (PostgreSQL).

        Its fetch query is a self-join the planner only gets right with statistics: on a
        table it still believes empty, 20,000 waiting jobs took 4 s a fetch instead of 1 ms.
        A scheduler that has just deferred many jobs calls this.
        """
        self._db.execute("ANALYZE public.procrastinate_jobs")

    def prune(self, before: datetime) -> int:
        """Forget runs whose due time is older than `before`; how many."""
        cursor = self._db.execute("DELETE FROM probe_runs WHERE due_at < ?", [ts(before)])
        return int(cursor.rowcount or 0)

    def seen_location(self, name: str, worker: str = "") -> None:
        """A worker in `name` is alive now."""
        now = ts(self._clock())
        with self._db.atomic():
            self._db.execute(
                "INSERT INTO locations (name, first_seen, last_seen, worker) VALUES (?, ?, ?, ?) "
                "ON CONFLICT (name) DO UPDATE SET last_seen = excluded.last_seen, "
                "worker = excluded.worker",
                [name, now, now, worker],
            )

    def locations(self) -> list[Location]:
        """The places workers have reported from, by name."""
        rows = self._db.execute(
            "SELECT name, first_seen, last_seen, worker FROM locations ORDER BY name"
        ).fetchall()
        return [
            Location(r[0], parse_ts(r[1]) or self._clock(), parse_ts(r[2]) or self._clock(), r[3])
            for r in rows
        ]
