"""The inventory: assets, with every change logged."""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from typing import Any

from sqlite_utils import Database

from checks.errors import UserError
from checks.model import Asset, Clock, Lifecycle
from checks.store.audit import AuditLog
from checks.store.codec import asset_row, json_list, row_to_asset, ts

_EDITABLE = ("kind", "owner", "lifecycle", "urls", "icp", "tags", "notes", "interval_s")


def _lifecycle_dates(old: Lifecycle | None, new: Lifecycle, now: str) -> dict[str, str | None]:
    if old == new:
        return {}
    if new == Lifecycle.RETIRED:
        return {"retired_at": now}
    if new == Lifecycle.RETIRING:
        return {"retiring_at": now, "retired_at": None}
    return {"retiring_at": None, "retired_at": None}


_LOGGED = ("name", *_EDITABLE)
_UNSET = frozenset({None, "", "[]"})


def _loggable(row: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k in _LOGGED if (v := row[k]) not in _UNSET}


_IN_CHUNK = 500
"""Names bound in one `IN (...)` query (well under SQLite's limit on parameters)."""


def _chunks(names: Iterable[str]) -> Iterator[tuple[str, list[str]]]:
    """`names` a few hundred at a time, each chunk with its `?,?,...` placeholders."""
    wanted = list(names)
    for start in range(0, len(wanted), _IN_CHUNK):
        chunk = wanted[start : start + _IN_CHUNK]
        yield ",".join("?" * len(chunk)), chunk


_INSERTED = (*_LOGGED, "created_at", "updated_at", "retiring_at", "retired_at")
"""The columns an import writes for a new asset, in the order of `_insert_values`."""
_INSERT = f"INSERT INTO assets ({', '.join(_INSERTED)}) VALUES ({', '.join('?' * len(_INSERTED))})"


def _insert_values(asset: Asset, now: str) -> tuple[Any, ...]:
    """A new asset's row as `_INSERT` takes it: `asset_row`'s values, then the dates."""
    lifecycle = asset.lifecycle
    return (
        asset.name,
        str(asset.kind),
        asset.owner,
        str(lifecycle),
        json_list(asset.urls),
        asset.icp,
        json_list(asset.tags),
        asset.notes,
        asset.interval_s,
        now,
        now,
        now if lifecycle == Lifecycle.RETIRING else None,
        now if lifecycle == Lifecycle.RETIRED else None,
    )


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
        return self._ids(names, "deleted_at IS NOT NULL")

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
        found: dict[str, Asset] = {}
        for marks, chunk in _chunks(dict.fromkeys(names)):
            rows = self._db.table("assets").rows_where(
                f"deleted_at IS NULL AND name IN ({marks})", chunk
            )
            found.update((r["name"], row_to_asset(r)) for r in rows)
        return found

    def _ids(self, names: Iterable[str], where: str = "1 = 1") -> dict[str, int]:
        """Name -> id of the stored assets among `names` that match `where` (one query per
        500 names)."""
        found: dict[str, int] = {}
        for marks, chunk in _chunks(names):
            sql = f"SELECT name, id FROM assets WHERE {where} AND name IN ({marks})"
            found.update(self._db.execute(sql, chunk).fetchall())
        return found

    def _max_id(self) -> int:
        return int(self._db.execute("SELECT coalesce(max(id), 0) FROM assets").fetchone()[0])

    def save_many(
        self,
        pairs: Sequence[tuple[Asset, Asset | None]],
        who: str | None = None,
        source: str = "",
    ) -> list[bool]:
        """Insert or update many assets in one transaction, logging each change (imports).

        Rows go in as prepared tuples, one `executemany` for the new ones and one per shape
        of update, and their audit events in one `executemany` too: 100,000 rows of
        per-row dicts and sqlite-utils calls cost seconds.

        Args:
            pairs: (the asset as it should be, the stored one or None), names unique.

        Returns:
            Per pair, whether it was new.
        """
        now = ts(self._clock())
        inserts = [_insert_values(asset, now) for asset, old in pairs if old is None]
        updates: dict[tuple[str, ...], list[tuple[Any, ...]]] = {}
        """The changed rows, by the columns they set (one statement each)."""
        events: list[tuple[str, int | None, dict[str, Any]]] = []
        back: list[tuple[int]] = []
        """Assets made active again: their decommission steps go."""
        for asset, old in pairs:
            if old is None or asset is old:  # `merge` gives the stored asset when unchanged
                continue
            row, before = asset_row(asset), asset_row(old)
            changes = {k: [before[k], row[k]] for k in _EDITABLE if before[k] != row[k]}
            if not changes:
                continue
            row.update(updated_at=now)
            row.update(_lifecycle_dates(old.lifecycle, asset.lifecycle, now))
            assert old.id is not None
            updates.setdefault(tuple(row), []).append((*row.values(), old.id))
            if asset.lifecycle == Lifecycle.ACTIVE and old.lifecycle != Lifecycle.ACTIVE:
                back.append((old.id,))
            events.append(("asset.update", old.id, {"source": source, "changes": changes}))
        with self._db.atomic():
            conn = self._db.conn
            self._revive(r[0] for r in inserts)
            first = self._max_id()
            conn.executemany(_INSERT, inserts)
            last = self._max_id()
            # New rows take max(id) + 1 each, in order; should SQLite ever pick otherwise
            # (its largest rowid used up), the names are looked up instead.
            if last - first == len(inserts):
                ids: Iterable[int] = range(first + 1, last + 1)
            else:
                by_name = self._ids(r[0] for r in inserts)
                ids = [by_name[r[0]] for r in inserts]
            added = [
                (
                    "asset.add",
                    asset_id,
                    {
                        "source": source,
                        **{k: v for k, v in zip(_LOGGED, r, strict=False) if v not in _UNSET},
                    },
                )
                for asset_id, r in zip(ids, inserts, strict=True)
            ]
            for columns, values in updates.items():
                sets = ", ".join(f"{c} = ?" for c in columns)
                conn.executemany(f"UPDATE assets SET {sets} WHERE id = ?", values)
            conn.executemany("DELETE FROM decommission_steps WHERE asset_id = ?", back)
            self._audit.log_many([*added, *events], who)
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

    def intervals(self) -> list[tuple[int, int]]:
        """(id, own re-probe interval in seconds, 0 for the organisation's) of every asset not
        deleted: what a scheduler needs, without reading whole assets."""
        rows = self._db.execute(
            "SELECT id, COALESCE(interval_s, 0) FROM assets WHERE deleted_at IS NULL"
        ).fetchall()
        return [(int(r[0]), int(r[1])) for r in rows]

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
