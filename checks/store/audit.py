"""The audit log: every change a person (or assetwatch itself) makes, with who and when."""

from __future__ import annotations

import getpass
import json
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlite_utils import Database

from checks.model import Clock
from checks.store.codec import parse_ts, ts
from checks.store.dialect import json_flag


def actor() -> str:
    """Who is making a change: the OS user."""
    try:
        return getpass.getuser()
    except (KeyError, OSError):
        return "unknown"


@dataclass(frozen=True, slots=True)
class Event:
    """One entry of the audit log."""

    id: int
    at: datetime
    actor: str
    action: str
    """A dotted verb: asset.add, step.attest, sweep..."""
    asset_id: int | None
    detail: dict[str, Any]


def _detail_encoder() -> Callable[[dict[str, Any]], str]:
    """`json.dumps(detail, ensure_ascii=False, default=str)`, its C encoder made once: the
    standard `encode` builds one per call, a third of the cost of logging an import's rows."""
    encoder = getattr(json.encoder, "c_make_encoder", None)
    if encoder is None:  # an interpreter without the C accelerator
        return json.JSONEncoder(ensure_ascii=False, default=str).encode
    make = encoder(None, str, json.encoder.encode_basestring, None, ": ", ", ", False, False, True)
    return lambda detail: "".join(make(detail, 0))


_encode_detail = _detail_encoder()


def _event(row: dict[str, Any]) -> Event:
    at = parse_ts(row["at"])
    assert at is not None
    return Event(
        row["id"],
        at,
        row["actor"],
        row["action"],
        row["asset_id"],
        json.loads(row["detail"] or "{}"),
    )


class AuditLog:
    """Append-only: nothing here updates or deletes."""

    def __init__(self, db: Database, clock: Clock) -> None:
        self._db = db
        self._clock = clock

    def log(
        self, action: str, asset_id: int | None = None, who: str | None = None, **detail: Any
    ) -> None:
        """Append one event (its own transaction, or a savepoint in the caller's)."""
        with self._db.atomic():
            self._db.conn.execute(
                "INSERT INTO events (at, actor, action, asset_id, detail) VALUES (?, ?, ?, ?, ?)",
                (ts(self._clock()), who or actor(), action, asset_id, _encode_detail(detail)),
            )

    def log_many(
        self, entries: Iterable[tuple[str, int | None, dict[str, Any]]], who: str | None = None
    ) -> None:
        """Append many events at once: (action, asset id, detail) each, one actor and time."""
        at, by = ts(self._clock()), who or actor()
        self._db.conn.executemany(
            "INSERT INTO events (at, actor, action, asset_id, detail) VALUES (?, ?, ?, ?, ?)",
            [(at, by, action, asset_id, _encode_detail(d)) for action, asset_id, d in entries],
        )

    def events(self, asset_id: int | None = None, since: datetime | None = None) -> list[Event]:
        """Events, oldest first, optionally of one asset and from a time on."""
        clauses: list[str] = []
        args: list[object] = []
        if asset_id is not None:
            clauses.append("asset_id = ?")
            args.append(asset_id)
        if since is not None:
            clauses.append("at >= ?")
            args.append(ts(since))
        where = " AND ".join(clauses) or None
        return [_event(r) for r in self._db.table("events").rows_where(where, args, order_by="id")]

    def last(self, action: str) -> Event | None:
        """The newest event of one kind (e.g. "sweep"), or None."""
        rows = list(
            self._db.table("events").rows_where("action = ?", [action], order_by="id desc", limit=1)
        )
        return _event(rows[0]) if rows else None

    def last_full_sweep(self) -> datetime | None:
        """When the whole inventory was last swept with the well-known paths (not --light)."""
        row = self._db.execute(
            "SELECT at FROM events WHERE action = 'sweep' AND "
            f"{json_flag(self._db, 'detail', 'light')} = 0 ORDER BY id DESC LIMIT 1"
        ).fetchone()
        return parse_ts(row[0]) if row else None

    def mark(self) -> int:
        """The id of the newest event (0 when there is none), for `since_mark`."""
        row = self._db.execute("SELECT coalesce(max(id), 0) FROM events").fetchone()
        return int(row[0])
