"""The inventory: assets, with every change logged."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from sqlite_utils import Database

from checks.errors import UserError
from checks.model import Asset, Clock, Lifecycle
from checks.store.audit import AuditLog
from checks.store.codec import asset_row, row_to_asset, ts

_EDITABLE = ("kind", "owner", "lifecycle", "urls", "icp", "tags", "notes", "interval_s")


def _lifecycle_dates(old: Lifecycle | None, new: Lifecycle, now: str) -> dict[str, str | None]:
    if old == new:
        return {}
    if new == Lifecycle.RETIRED:
        return {"retired_at": now}
    if new == Lifecycle.RETIRING:
        return {"retiring_at": now, "retired_at": None}
    return {"retiring_at": None, "retired_at": None}


def _loggable(row: dict[str, Any]) -> dict[str, Any]:
    return {k: row[k] for k in ("name", *_EDITABLE) if row.get(k) not in (None, "", "[]")}


class Assets:
    """The assets table. Lifecycle rules are the service's (`checks.workflow.decommission`)."""

    def __init__(self, db: Database, clock: Clock, audit: AuditLog) -> None:
        self._db = db
        self._clock = clock
        self._audit = audit

    def all(self, lifecycle: Lifecycle | None = None, include_deleted: bool = False) -> list[Asset]:
        """The inventory, by name (without the deleted assets unless asked)."""
        clauses, args = [] if include_deleted else ["deleted_at IS NULL"], []
        if lifecycle:
            clauses.append("lifecycle = ?")
            args.append(str(lifecycle))
        where = " AND ".join(clauses) or None
        return [
            row_to_asset(r)
            for r in self._db.table("assets").rows_where(where, args, order_by="name")
        ]

    def get(self, name: str) -> Asset | None:
        """The asset with this stored name, or None (a deleted one is not in the inventory)."""
        rows = list(
            self._db.table("assets").rows_where("name = ? AND deleted_at IS NULL", [name], limit=1)
        )
        return row_to_asset(rows[0]) if rows else None

    def _deleted(self, names: Iterable[str]) -> dict[str, int]:
        """Name -> id of the deleted assets among `names` (a new one of that name revives it)."""
        wanted = list(names)
        found: dict[str, int] = {}
        for start in range(0, len(wanted), 500):
            chunk = wanted[start : start + 500]
            found.update(
                self._db.execute(
                    f"SELECT name, id FROM assets WHERE deleted_at IS NOT NULL AND name IN "
                    f"({','.join('?' * len(chunk))})",
                    chunk,
                ).fetchall()
            )
        return found

    def delete(self, asset: Asset, who: str | None = None, source: str = "") -> None:
        """Take an asset out of the inventory (logged): it is no longer listed, probed or
        counted, but its row, findings, attestations and history stay for the report.

        Raises:
            UserError: no such asset in the inventory.
        """
        if asset.id is None or self.get(asset.name) is None:
            raise UserError(f"no asset named {asset.display}", f"没有名为 {asset.display} 的资产")
        with self._db.atomic():
            self._db.execute(
                "UPDATE assets SET deleted_at = ?, updated_at = ? WHERE id = ?",
                [ts(self._clock()), ts(self._clock()), asset.id],
            )
            self._audit.log(
                "asset.delete",
                asset.id,
                who,
                source=source,
                name=asset.name,
                kind=str(asset.kind),
                owner=asset.owner,
                lifecycle=str(asset.lifecycle),
            )

    def by_id(self, asset_id: int) -> Asset | None:
        """The asset with this id, deleted or not, or None."""
        rows = list(self._db.table("assets").rows_where("id = ?", [asset_id], limit=1))
        return row_to_asset(rows[0]) if rows else None

    def by_names(self, names: Iterable[str]) -> dict[str, Asset]:
        """The stored assets among `names`, by name (one query per 500 names)."""
        wanted = list(dict.fromkeys(names))
        found: dict[str, Asset] = {}
        for start in range(0, len(wanted), 500):
            chunk = wanted[start : start + 500]
            rows = self._db.table("assets").rows_where(
                f"deleted_at IS NULL AND name IN ({','.join('?' * len(chunk))})", chunk
            )
            found.update((r["name"], row_to_asset(r)) for r in rows)
        return found

    def _ids(self, names: Iterable[str]) -> dict[str, int]:
        """Name -> id of the stored assets among `names` (one query per 500 names)."""
        wanted = list(names)
        found: dict[str, int] = {}
        for start in range(0, len(wanted), 500):
            chunk = wanted[start : start + 500]
            found.update(
                self._db.execute(
                    f"SELECT name, id FROM assets WHERE name IN ({','.join('?' * len(chunk))})",
                    chunk,
                ).fetchall()
            )
        return found

    def save_many(
        self,
        pairs: Sequence[tuple[Asset, Asset | None]],
        who: str | None = None,
        source: str = "",
    ) -> list[bool]:
        """Insert or update many assets in one transaction, logging each change (imports).

        Args:
            pairs: (the asset as it should be, the stored one or None), names unique.

        Returns:
            Per pair, whether it was new.
        """
        now = ts(self._clock())
        inserts: list[dict[str, Any]] = []
        updates: list[tuple[int, dict[str, Any], dict[str, Any], bool]] = []
        for asset, old in pairs:
            row = asset_row(asset)
            if old is None:
                row.update(created_at=now, updated_at=now)
                row.update(_lifecycle_dates(None, asset.lifecycle, now))
                inserts.append(row)
                continue
            before = asset_row(old)
            changes = {k: [before[k], row[k]] for k in _EDITABLE if before[k] != row[k]}
            if changes:
                row.update(updated_at=now)
                row.update(_lifecycle_dates(old.lifecycle, asset.lifecycle, now))
                back = asset.lifecycle == Lifecycle.ACTIVE and old.lifecycle != Lifecycle.ACTIVE
                assert old.id is not None
                updates.append((old.id, row, changes, back))
        columns = [*asset_row(Asset("x")), "created_at", "updated_at", "retiring_at", "retired_at"]
        insert = (
            f"INSERT INTO assets ({', '.join(columns)}) VALUES ({', '.join('?' * len(columns))})"
        )
        with self._db.atomic():
            self._revive(r["name"] for r in inserts)
            for start in range(0, len(inserts), 5000):
                chunk = inserts[start : start + 5000]
                self._db.conn.executemany(insert, ([r.get(c) for c in columns] for r in chunk))
            ids = self._ids(r["name"] for r in inserts)
            events = [
                ("asset.add", ids[r["name"]], {"source": source, **_loggable(r)}) for r in inserts
            ]
            for asset_id, row, changes, back in updates:
                self._db.table("assets").update(asset_id, row)
                if back:
                    self._db.execute(
                        "DELETE FROM decommission_steps WHERE asset_id = ?", [asset_id]
                    )
                events.append(("asset.update", asset_id, {"source": source, "changes": changes}))
            self._audit.log_many(events, who)
        return [old is None for _, old in pairs]

    def _revive(self, names: Iterable[str]) -> None:
        """A deleted asset added again: its old row makes way for the new one.

        The old row (and the findings and history the report needs) stays, under a name that
        cannot be typed as a host (`name#deleted-ID`); the audit log keeps the real name.
        """
        for name, asset_id in self._deleted(names).items():
            self._db.execute(
                "UPDATE assets SET name = ? WHERE id = ?", [f"{name}#deleted-{asset_id}", asset_id]
            )

    def hosts(self) -> frozenset[str]:
        """The host of every asset (for unknown-asset)."""
        return frozenset(a.host.lower() for a in self.all())

    def add(self, asset: Asset, who: str | None = None) -> Asset:
        """Insert a new asset.

        Raises:
            UserError: an asset with that name exists.
        """
        if self.get(asset.name) is not None:
            raise UserError(f"asset {asset.display} already exists", f"资产 {asset.display} 已存在")
        return self.save(asset, who)[0]

    def save(self, asset: Asset, who: str | None = None, source: str = "") -> tuple[Asset, bool]:
        """Insert or update an asset by name, logging what changed.

        Returns:
            The stored asset and whether it was new.
        """
        now = ts(self._clock())
        old = self.get(asset.name)
        row = asset_row(asset)
        with self._db.atomic():
            if old is None:
                self._revive([asset.name])
                row.update(created_at=now, updated_at=now)
                row.update(_lifecycle_dates(None, asset.lifecycle, now))
                new_id = self._db.table("assets").insert(row).last_pk
                self._audit.log("asset.add", new_id, who, source=source, **_loggable(row))
            else:
                before = asset_row(old)
                changes = {k: [before[k], row[k]] for k in _EDITABLE if before[k] != row[k]}
                if not changes:
                    return old, False
                row.update(updated_at=now)
                row.update(_lifecycle_dates(old.lifecycle, asset.lifecycle, now))
                assert old.id is not None
                self._db.table("assets").update(old.id, row)
                if asset.lifecycle == Lifecycle.ACTIVE and old.lifecycle != Lifecycle.ACTIVE:
                    self._db.execute("DELETE FROM decommission_steps WHERE asset_id = ?", [old.id])
                self._audit.log("asset.update", old.id, who, source=source, changes=changes)
                new_id = old.id
        assert new_id is not None
        stored = self._db.table("assets").get(new_id)
        return row_to_asset(stored), old is None
