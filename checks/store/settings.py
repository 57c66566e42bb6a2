"""Stored settings (typed as `checks.model.Settings`) and the checks switched off."""

from __future__ import annotations

from dataclasses import fields

from sqlite_utils import Database

from checks.errors import UserError
from checks.intake import person_text
from checks.model import Clock, Lang, Settings
from checks.store.audit import AuditLog, actor
from checks.store.codec import ts


def typed(key: str, raw: str) -> object:
    """A stored setting's value, typed; None when `raw` is not a valid value for `key`."""
    return _typed(key, raw)


def _typed(key: str, raw: str) -> object:
    if key == "lang":
        return Lang(raw) if raw in tuple(Lang) else None
    if key in ("interval_min", "concurrency", "retention_days"):
        return int(raw) if raw.isdigit() and int(raw) > 0 else None
    if key.startswith("due_days_"):
        return int(raw) if raw.isdigit() else None
    if key == "timeout":
        try:
            value = float(raw)
        except ValueError:
            return None
        return value if 0 < value < 3600 else None
    if key == "nameservers":
        return tuple(raw.split())
    return raw


class SettingsRepo:
    """Key-value settings; `read()` gives them typed, with defaults for what is unset."""

    def __init__(self, db: Database, audit: AuditLog) -> None:
        self._db = db
        self._audit = audit

    def get(self, key: str, default: str = "") -> str:
        """A stored setting as text, or `default`."""
        row = self._db.execute("SELECT value FROM settings WHERE key = ?", [key]).fetchone()
        return str(row[0]) if row else default

    def set(self, key: str, value: str, who: str | None = None) -> None:
        """Change a setting (logged).

        Raises:
            UserError: control or direction characters in the value.
        """
        value = person_text(key, value)
        with self._db.atomic():
            self._db.table("settings").upsert({"key": key, "value": value}, pk="key")
            self._audit.log("setting.change", None, who, key=key, value=value)

    def read(self) -> Settings:
        """Every setting, typed; unset or unreadable values keep their defaults."""
        stored = dict(self._db.execute("SELECT key, value FROM settings").fetchall())
        values = {}
        for f in fields(Settings):
            if f.name in stored:
                typed = _typed(f.name, str(stored[f.name]))
                if typed is not None:
                    values[f.name] = typed
        return Settings(**values)  # type: ignore[arg-type]


class DisabledChecks:
    """Checks switched off everywhere (asset id 0) or for one asset, with the reason."""

    def __init__(self, db: Database, clock: Clock, audit: AuditLog) -> None:
        self._db = db
        self._clock = clock
        self._audit = audit

    def disable(
        self, check_id: str, reason: str, asset_id: int | None = None, who: str | None = None
    ) -> None:
        """Switch a check off; the reason goes to the audit log.

        Raises:
            UserError: no reason given.
        """
        reason = person_text("reason", reason)
        if not reason:
            raise UserError(
                "say why the check is switched off (--reason)",
                "请说明关闭该检查的原因（--reason）",
            )
        with self._db.atomic():
            self._db.table("disabled_checks").upsert(
                {
                    "check_id": check_id,
                    "asset_id": asset_id or 0,
                    "reason": reason.strip(),
                    "at": ts(self._clock()),
                    "actor": who or actor(),
                },
                pk=("check_id", "asset_id"),
            )
            self._audit.log("check.disable", asset_id, who, check=check_id, reason=reason.strip())

    def enable(self, check_id: str, asset_id: int | None = None, who: str | None = None) -> None:
        """Switch a check back on (logged)."""
        with self._db.atomic():
            self._db.execute(
                "DELETE FROM disabled_checks WHERE check_id = ? AND asset_id = ?",
                [check_id, asset_id or 0],
            )
            self._audit.log("check.enable", asset_id, who, check=check_id)

    def all(self) -> dict[tuple[str, int], str]:
        """(check id, asset id or 0 for everywhere) -> reason."""
        rows = self._db.execute("SELECT check_id, asset_id, reason FROM disabled_checks").fetchall()
        return {(r[0], r[1]): r[2] for r in rows}

    def for_asset(self, asset_id: int | None) -> frozenset[str]:
        """Check ids switched off for one asset (everywhere, or for it alone)."""
        return frozenset(c for (c, a) in self.all() if a in (0, asset_id or 0))
