"""Messages to channels and their attempts: the state machine that sends each event once.

A message bundles the waiting deliveries of one channel (a digest) and keeps a uuid for its
whole life. Each attempt is committed as `sending` *before* the request goes out and as `sent`
(or back to `pending`, with when to retry) right after the answer, so a crash leaves at worst a
`sending` message, which the next delivery pass sends again (see checks.service.alerts).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlite_utils import Database

from checks.alerting import AlertEvent, Channel
from checks.model import Clock
from checks.store.channels import CHANNEL_COLUMNS, channel_from_row
from checks.store.codec import parse_ts, ts
from checks.store.outbox import EVENT_COLUMNS, event_from_row

PENDING, SENDING, SENT = "pending", "sending", "sent"


@dataclass(frozen=True, slots=True)
class Message:
    """One digest to one channel."""

    id: int
    channel_id: int
    uuid: str
    """The same on every retry: the webhook's X-Assetwatch-Delivery, the email's Message-ID."""
    state: str
    attempts: int
    next_at: datetime | None


@dataclass(frozen=True, slots=True)
class ChannelState:
    """A channel and how its deliveries stand, for `notify list` and the dashboard."""

    channel: Channel
    waiting: int
    """Events not delivered yet (held, queued or failing)."""
    last_sent: datetime | None
    failures: int
    """Failed attempts since the last success."""
    last_answer: str
    """The service's last answer ("errcode 0 ok", "connect refused")."""
    paused_until: datetime | None

    @property
    def failing(self) -> bool:
        """The last attempt failed."""
        return self.failures > 0


def _message(row: tuple[Any, ...]) -> Message:
    return Message(row[0], row[1], row[2], row[3], row[4], parse_ts(row[5]))


_MESSAGE = "id, channel_id, uuid, state, attempts, next_at"


class Deliveries:
    """Bundling, attempts and their outcomes."""

    def __init__(self, db: Database, clock: Clock) -> None:
        self._db = db
        self._clock = clock

    def waiting(self, channel_id: int) -> list[AlertEvent]:
        """Events for a channel that no message carries yet, oldest first."""
        rows = self._db.execute(
            f"SELECT {EVENT_COLUMNS} FROM notify_deliveries d JOIN notify_events e "
            "ON e.id = d.event_id WHERE d.channel_id = ? AND d.message_id IS NULL ORDER BY e.id",
            [channel_id],
        ).fetchall()
        return [event_from_row(r) for r in rows]

    def bundle(self, channel_id: int, event_ids: list[int], uuid: str) -> Message:
        """One message carrying these waiting events, in one transaction."""
        with self._db.atomic():
            cursor = self._db.execute(
                "INSERT INTO notify_messages (channel_id, uuid, state, created_at) "
                "VALUES (?, ?, 'pending', ?)",
                [channel_id, uuid, ts(self._clock())],
            )
            message_id = int(cursor.lastrowid or 0)
            self._db.conn.executemany(
                "UPDATE notify_deliveries SET message_id = ? "
                "WHERE event_id = ? AND channel_id = ? AND message_id IS NULL",
                [(message_id, e, channel_id) for e in event_ids],
            )
        return Message(message_id, channel_id, uuid, PENDING, 0, None)

    def due(self, channel_id: int, now: datetime, everything: bool) -> list[Message]:
        """Unsent messages of a channel to try now, oldest first.

        A `sending` one is always due: only a pass that died mid-attempt leaves one (passes
        hold the send lock). `everything` ignores the back-off (a watcher's first pass).
        """
        rows = self._db.execute(
            f"SELECT {_MESSAGE} FROM notify_messages WHERE channel_id = ? AND state != 'sent' "
            "ORDER BY id",
            [channel_id],
        ).fetchall()
        messages = [_message(r) for r in rows]
        return [
            m
            for m in messages
            if everything or m.state == SENDING or m.next_at is None or m.next_at <= now
        ]

    def events_of(self, message: Message) -> list[AlertEvent]:
        """The events a message carries, oldest first."""
        rows = self._db.execute(
            f"SELECT {EVENT_COLUMNS} FROM notify_deliveries d JOIN notify_events e "
            "ON e.id = d.event_id WHERE d.message_id = ? ORDER BY e.id",
            [message.id],
        ).fetchall()
        return [event_from_row(r) for r in rows]

    def start(self, message: Message) -> None:
        """Commit that an attempt is under way, before the request leaves."""
        with self._db.atomic():
            self._db.execute(
                "UPDATE notify_messages SET state = 'sending', attempts = attempts + 1 "
                "WHERE id = ?",
                [message.id],
            )

    def finish(
        self, message: Message, ok: bool, outcome: str, answer: str, retry: datetime | None
    ) -> None:
        """Commit an attempt's outcome: sent, or pending again until `retry`."""
        now = ts(self._clock())
        with self._db.atomic():
            self._db.execute(
                "INSERT INTO notify_attempts (message_id, channel_id, at, outcome, answer) "
                "VALUES (?, ?, ?, ?, ?)",
                [message.id, message.channel_id, now, outcome, answer],
            )
            if ok:
                self._db.execute(
                    "UPDATE notify_messages SET state = 'sent', sent_at = ?, next_at = NULL, "
                    "last_error = '' WHERE id = ?",
                    [now, message.id],
                )
            else:
                self._db.execute(
                    "UPDATE notify_messages SET state = 'pending', next_at = ?, last_error = ? "
                    "WHERE id = ?",
                    [ts(retry) if retry else None, answer, message.id],
                )

    def attempts_since(self, channel_id: int, since: datetime) -> int:
        """Attempts made to a channel since a time (to stay under its rate limit)."""
        row = self._db.execute(
            "SELECT count(*) FROM notify_attempts WHERE channel_id = ? AND at >= ?",
            [channel_id, ts(since)],
        ).fetchone()
        return int(row[0])

    def last_told(self, channel_id: int) -> dict[int, datetime]:
        """When a channel was last queued an event about each finding, by finding id."""
        rows = self._db.execute(
            "SELECT e.finding_id, max(d.created_at) FROM notify_deliveries d "
            "JOIN notify_events e ON e.id = d.event_id "
            "WHERE d.channel_id = ? AND e.finding_id IS NOT NULL GROUP BY e.finding_id",
            [channel_id],
        ).fetchall()
        return {r[0]: at for r in rows if (at := parse_ts(r[1])) is not None}

    def sent_messages(self, channel_id: int | None = None) -> int:
        """How many messages were sent (to one channel, or to all)."""
        where, args = ("AND channel_id = ?", [channel_id]) if channel_id is not None else ("", [])
        row = self._db.execute(
            f"SELECT count(*) FROM notify_messages WHERE state = 'sent' {where}", args
        ).fetchone()
        return int(row[0])

    def states(self) -> list[ChannelState]:
        """Every channel's delivery state, by name."""
        rows = self._db.execute(
            f"SELECT {CHANNEL_COLUMNS}, paused_until FROM notify_channels ORDER BY name"
        ).fetchall()
        return [self._state(channel_from_row(r), parse_ts(r[7])) for r in rows]

    def _state(self, channel: Channel, paused: datetime | None) -> ChannelState:
        cid = channel.id
        waiting = self._db.execute(
            "SELECT count(*) FROM notify_deliveries d LEFT JOIN notify_messages m "
            "ON m.id = d.message_id WHERE d.channel_id = ? AND (m.id IS NULL OR m.state != 'sent')",
            [cid],
        ).fetchone()[0]
        last_ok = self._db.execute(
            "SELECT max(id), max(at) FROM notify_attempts WHERE channel_id = ? AND outcome = 'ok'",
            [cid],
        ).fetchone()
        failures = self._db.execute(
            "SELECT count(*) FROM notify_attempts WHERE channel_id = ? AND id > ?",
            [cid, last_ok[0] or 0],
        ).fetchone()[0]
        last = self._db.execute(
            "SELECT answer FROM notify_attempts WHERE channel_id = ? ORDER BY id DESC LIMIT 1",
            [cid],
        ).fetchone()
        return ChannelState(
            channel,
            int(waiting),
            parse_ts(last_ok[1]),
            int(failures),
            last[0] if last else "",
            paused,
        )

    def failing_channels(self) -> int:
        """How many channels' last attempt failed (the dashboard's header shows it)."""
        return sum(1 for s in self.states() if s.failing)
