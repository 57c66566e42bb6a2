"""The organisations of one install, kept in the default organisation's store.

Each organisation's rows live in its own namespace (`Store(org=...)`); this table only names
them and their parents.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlite_utils import Database

from checks.errors import UserError
from checks.model import Clock
from checks.store.audit import AuditLog
from checks.store.codec import parse_ts, ts

ROOT = "default"


@dataclass(frozen=True, slots=True)
class Org:
    """An organisation: its name, its parent (None for the root) and a title for people."""

    name: str
    parent: str | None
    title: str
    created_at: datetime | None


class Orgs:
    """The orgs table."""

    def __init__(self, db: Database, clock: Clock, audit: AuditLog) -> None:
        self._db = db
        self._clock = clock
        self._audit = audit

    def all(self) -> list[Org]:
        """Every organisation, the root first, then by name."""
        rows = self._db.execute("SELECT name, parent, title, created_at FROM orgs").fetchall()
        found = {r[0]: Org(r[0], r[1], r[2], parse_ts(r[3])) for r in rows}
        found.setdefault(ROOT, Org(ROOT, None, "", None))
        return sorted(found.values(), key=lambda o: (o.name != ROOT, o.name))

    def get(self, name: str) -> Org | None:
        """One organisation by name, or None."""
        return next((o for o in self.all() if o.name == name), None)

    def lineage(self, name: str) -> list[str]:
        """The organisation, its parent, and so on up to the root."""
        by_name = {o.name: o for o in self.all()}
        chain: list[str] = []
        current: str | None = name
        while current is not None and current not in chain and current in by_name:
            chain.append(current)
            current = by_name[current].parent
        return chain

    def add(self, name: str, parent: str = ROOT, title: str = "", who: str | None = None) -> Org:
        """Register an organisation under `parent`.

        Raises:
            UserError: the name is taken or the parent does not exist.
        """
        if name == "all":
            raise UserError(
                "`all` is not an organisation's name: `--org all` reads every one",
                "`all` 不能作组织名称：`--org all` 表示读取所有组织",
            )
        if self.get(name) is not None:
            raise UserError(f"organisation {name} exists", f"组织 {name} 已存在")
        if self.get(parent) is None:
            raise UserError(f"no organisation {parent}", f"没有组织 {parent}")
        now = self._clock()
        with self._db.atomic():
            self._db.execute(
                "INSERT INTO orgs (name, parent, title, created_at) VALUES (?, ?, ?, ?)",
                [name, parent, title, ts(now)],
            )
            self._audit.log("org.add", None, who, name=name, parent=parent, title=title)
        return Org(name, parent, title, now)
