"""Alert channels and owners' contacts. Secrets stay in the database file (mode 0600): the
audit log records a channel's name, kind and rules, never its URL, secret or password."""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import replace
from datetime import datetime, timedelta
from typing import Any

from sqlite_utils import Database

from checks.alerting import (
    Channel,
    ChannelKind,
    Contact,
    EventKind,
    Mail,
    MailSecurity,
    Rules,
    parse_quiet,
)
from checks.errors import UserError
from checks.model import Clock, Lang, Severity
from checks.store.audit import AuditLog
from checks.store.codec import parse_ts, ts

CHANNEL_COLUMNS = "id, name, kind, url, secret, options, created_at"


def options_json(channel: Channel) -> dict[str, Any]:
    """A channel's rules and mail settings, as stored (no secret in here)."""
    r = channel.rules
    out: dict[str, Any] = {
        "min_severity": str(r.min_severity),
        "kinds": sorted(str(k) for k in r.kinds),
        "quiet": str(r.quiet) if r.quiet else "",
        "tz": r.tz,
        "lang": str(r.lang),
        "resend_hours": r.resend_hours,
    }
    if channel.mail is not None:
        m = channel.mail
        out["mail"] = {
            "host": m.host,
            "port": m.port,
            "sender": m.sender,
            "recipients": list(m.recipients),
            "security": str(m.security),
            "user": m.user,
        }
    return out


def channel_from_row(row: tuple[Any, ...]) -> Channel:
    """A `notify_channels` row (CHANNEL_COLUMNS) as a Channel."""
    opts = json.loads(row[5] or "{}")
    known = {str(k) for k in EventKind}
    rules = Rules(
        min_severity=Severity(opts.get("min_severity", "medium")),
        kinds=frozenset(EventKind(k) for k in opts.get("kinds", list(known)) if k in known),
        quiet=parse_quiet(opts.get("quiet", "")),
        tz=opts.get("tz", ""),
        lang=Lang(opts.get("lang", "zh")),
        resend_hours=float(opts.get("resend_hours", 24.0)),
    )
    mail = None
    if "mail" in opts:
        m = opts["mail"]
        mail = Mail(
            m["host"],
            int(m["port"]),
            m["sender"],
            tuple(m["recipients"]),
            MailSecurity(m.get("security", "plain")),
            m.get("user", ""),
        )
    return Channel(
        name=row[1],
        kind=ChannelKind(row[2]),
        url=row[3],
        secret=row[4],
        rules=rules,
        mail=mail,
        id=row[0],
        created_at=parse_ts(row[6]),
    )


class Channels:
    """The channels, and the contacts that @-mention owners on them."""

    def __init__(
        self, db: Database, clock: Clock, audit: AuditLog, changed: Callable[[], None]
    ) -> None:
        self._db = db
        self._clock = clock
        self._audit = audit
        self._changed = changed
        """Told after every change (the outbox caches the channels)."""

    def all(self) -> list[Channel]:
        """Every channel, by name."""
        rows = self._db.execute(
            f"SELECT {CHANNEL_COLUMNS} FROM notify_channels ORDER BY name"
        ).fetchall()
        return [channel_from_row(r) for r in rows]

    def get(self, name: str) -> Channel | None:
        """The channel with this name, or None."""
        row = self._db.execute(
            f"SELECT {CHANNEL_COLUMNS} FROM notify_channels WHERE name = ?", [name]
        ).fetchone()
        return channel_from_row(row) if row else None

    def save(
        self, channel: Channel, who: str | None = None, inherited_from: str = ""
    ) -> tuple[Channel, bool]:
        """Add a channel, or change the one of that name (its queue is kept); logged.

        A channel of this organisation's own (`inherited_from` empty) ends the inheritance:
        the copies of an ancestor's channels are removed.

        Returns:
            The stored channel and whether it was new.
        """
        old = self.get(channel.name)
        options = json.dumps(options_json(channel))
        logged = {"name": channel.name, "kind": str(channel.kind), **options_json(channel)}
        with self._db.atomic():
            if old is None:
                self._db.execute(
                    "INSERT INTO notify_channels (name, kind, url, secret, options, created_at, "
                    "inherited_from) VALUES (?, ?, ?, ?, ?, ?, ?)",
                    [channel.name, str(channel.kind), channel.url, channel.secret, options]
                    + [ts(self._clock()), inherited_from],
                )
                self._audit.log("notify.add", None, who, **logged)
            else:
                self._db.execute(
                    "UPDATE notify_channels SET kind = ?, url = ?, secret = ?, options = ?, "
                    "paused_until = NULL, inherited_from = ? WHERE id = ?",
                    [str(channel.kind), channel.url, channel.secret, options, inherited_from]
                    + [old.id],
                )
                self._audit.log("notify.update", None, who, **logged)
        if not inherited_from:
            for name, source in self.inherited_from().items():
                self.remove(name, who=f"inherited from {source}")
        self._changed()
        stored = self.get(channel.name)
        assert stored is not None
        return stored, old is None

    def remove(self, name: str, who: str | None = None) -> int:
        """Remove a channel with its queue and attempts (logged); returns the dropped deliveries.

        Raises:
            UserError: no such channel.
        """
        channel = self.get(name)
        if channel is None:
            raise UserError(f"no channel named {name!r}", f"没有名为 {name!r} 的通道")
        with self._db.atomic():
            dropped = self._db.execute(
                "DELETE FROM notify_deliveries WHERE channel_id = ? AND (message_id IS NULL OR "
                "message_id IN (SELECT id FROM notify_messages WHERE channel_id = ? "
                "AND state != 'sent'))",
                [channel.id, channel.id],
            ).rowcount
            for table in ("notify_deliveries", "notify_messages", "notify_attempts"):
                self._db.execute(f"DELETE FROM {table} WHERE channel_id = ?", [channel.id])
            self._db.execute("DELETE FROM notify_channels WHERE id = ?", [channel.id])
            self._audit.log("notify.remove", None, who, name=name, unsent=dropped)
        self._changed()
        return int(dropped)

    def pause(self, channel: Channel, seconds: float) -> None:
        """Send nothing to a channel for a while (its service asked us to slow down)."""
        until = ts(self._clock() + timedelta(seconds=seconds))
        with self._db.atomic():
            self._db.execute(
                "UPDATE notify_channels SET paused_until = ? WHERE id = ?", [until, channel.id]
            )

    def paused_until(self, channel: Channel) -> datetime | None:
        """When a paused channel may be sent to again (None: not paused)."""
        row = self._db.execute(
            "SELECT paused_until FROM notify_channels WHERE id = ?", [channel.id]
        ).fetchone()
        return parse_ts(row[0]) if row else None

    def inherited_from(self) -> dict[str, str]:
        """Channel name -> the organisation it is inherited from (own channels: absent)."""
        rows = self._db.execute(
            "SELECT name, inherited_from FROM notify_channels WHERE inherited_from != ''"
        ).fetchall()
        return {r[0]: r[1] for r in rows}

    def own(self) -> list[Channel]:
        """The channels set in this organisation itself (not inherited), by name."""
        inherited = self.inherited_from()
        return [c for c in self.all() if c.name not in inherited]

    def inherit(self, org: str, channels: list[Channel], contacts: dict[str, Contact]) -> bool:
        """Keep copies of an ancestor's channels (none when this organisation has its own)
        and the contacts of owners it does not know; whether anything changed.

        Changes are logged like the admin's (`notify.add` ... with who `inherited from ORG`).
        """
        who = f"inherited from {org}"
        changed = False
        # One transaction, read inside it: workers opening the organisation together take
        # turns, and the second finds the first's copies.
        with self._db.atomic():
            have = self.inherited_from()
            mine = {c.name for c in self.all()} - set(have)
            wanted = {} if mine else {c.name: c for c in channels}
            for name in set(have) - set(wanted):
                self.remove(name, who=f"inherited from {have[name]}")
                changed = True
            for name, channel in wanted.items():
                old = self.get(name)
                if old is not None and replace(old, id=None, created_at=None) == replace(
                    channel, id=None, created_at=None
                ):
                    continue
                self.save(channel, who=who, inherited_from=org)
                changed = True
            known = self.contacts()
            for owner, contact in contacts.items():
                if owner not in known:
                    self.set_contact(contact, who=who)
                    changed = True
        return changed

    # -- contacts --------------------------------------------------------------------------

    def set_contact(self, contact: Contact, who: str | None = None) -> Contact:
        """Record how an owner is mentioned (fields left empty keep their stored value); logged."""
        old = self.contacts().get(contact.owner, Contact(contact.owner))
        merged = replace(
            old,
            dingtalk=contact.dingtalk or old.dingtalk,
            wecom=contact.wecom or old.wecom,
            feishu=contact.feishu or old.feishu,
            email=contact.email or old.email,
        )
        with self._db.atomic():
            self._db.table("notify_contacts").upsert(
                {
                    "owner": merged.owner,
                    "dingtalk": merged.dingtalk,
                    "wecom": merged.wecom,
                    "feishu": merged.feishu,
                    "email": merged.email,
                },
                pk="owner",
            )
            self._audit.log("notify.contact", None, who, owner=merged.owner)
        return merged

    def remove_contact(self, owner: str, who: str | None = None) -> bool:
        """Forget an owner's contacts (logged); False when there were none."""
        with self._db.atomic():
            gone = self._db.execute("DELETE FROM notify_contacts WHERE owner = ?", [owner]).rowcount
            if gone:
                self._audit.log("notify.contact_remove", None, who, owner=owner)
        return bool(gone)

    def contacts(self) -> dict[str, Contact]:
        """Every owner's contacts, by owner."""
        rows = self._db.execute(
            "SELECT owner, dingtalk, wecom, feishu, email FROM notify_contacts ORDER BY owner"
        ).fetchall()
        return {r[0]: Contact(*r) for r in rows}
