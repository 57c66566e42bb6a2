"""Inventory changes as every front end makes them: add, edit, import, retire.

Lifecycle changes go through `checks.workflow.decommission.transition`: a form or a file that
says "retired" starts the decommission checklist; only the checklist makes an asset retired.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, replace
from itertools import islice
from pathlib import Path

from checks.errors import UserError
from checks.intake import ParsedFile, Row, RowError, merge, read_rows
from checks.model import Asset, Lifecycle
from checks.names import host_of, normalize_name
from checks.store import Store
from checks.workflow.decommission import Transition, transition


@dataclass(frozen=True, slots=True)
class Saved:
    """What a save did."""

    asset: Asset
    created: bool
    transition: Transition
    """How the lifecycle asked for was applied (`held` when it was not granted as asked)."""


def asset_named(store: Store, name: str) -> Asset:
    """The asset a person named (in any spelling the inventory accepts).

    Raises:
        UserError: no such asset, or not a valid name.
    """
    asset = store.assets.get(normalize_name(name))
    if asset is None:
        raise UserError(f"no asset named {name}", f"没有名为 {name} 的资产")
    return asset


def from_url(asset: Asset) -> Asset:
    """An asset named by a URL (`add https://host/path`) is named by its host, and the URL
    becomes the first of its URLs (the one the probes ask)."""
    if "://" not in asset.name:
        return asset
    url = asset.name
    urls = (url, *(u for u in asset.urls if u != url))
    return replace(asset, name=normalize_name(host_of(url)), urls=urls)


def save(store: Store, asset: Asset, who: str | None = None, source: str = "") -> Saved:
    """Insert or update an asset, its lifecycle through the decommission rule."""
    old = store.assets.get(asset.name)
    step = transition(old.lifecycle if old else None, asset.lifecycle)
    stored, created = store.assets.save(replace(asset, lifecycle=step.lifecycle), who, source)
    return Saved(stored, created, step)


def add(store: Store, asset: Asset, who: str | None = None) -> Saved:
    """Insert a new asset.

    Raises:
        UserError: an asset with that name exists.
    """
    if store.assets.get(asset.name) is not None:
        raise UserError(f"asset {asset.display} already exists", f"资产 {asset.display} 已存在")
    return save(store, asset, who)


@dataclass(frozen=True, slots=True)
class Imported:
    """What an import did."""

    rows: int
    new: int
    held: int = 0
    """Rows asking for `retired` that started the decommission checklist instead."""
    errors: tuple[RowError, ...] = ()
    """Rows refused, by line: the others landed."""

    @property
    def existing(self) -> int:
        """Rows that updated an asset already in the inventory."""
        return self.rows - self.new


IMPORT_CHUNK = 5000
"""Rows looked up and written together; the whole import is still one transaction."""


def import_file(
    store: Store,
    path: Path,
    who: str | None = None,
    on_progress: Callable[[int], None] | None = None,
) -> Imported:
    """Import an inventory file, streaming its rows into one transaction (all of them, or none).

    Raises:
        UserError: the file cannot be read, or is broken as a whole (nothing is written).
    """
    return import_rows(store, read_rows(path), who, on_progress)


def import_parsed(
    store: Store,
    parsed: ParsedFile,
    who: str | None = None,
    on_progress: Callable[[int], None] | None = None,
) -> Imported:
    """Import rows already parsed (a previewed file)."""
    rows: list[Row] = [*parsed.errors, *parsed.assets]
    return import_rows(store, rows, who, on_progress)


def import_rows(
    store: Store,
    rows: Iterable[Row],
    who: str | None = None,
    on_progress: Callable[[int], None] | None = None,
) -> Imported:
    """Save the good rows in one transaction, a chunk at a time; bad ones are returned.

    The file's columns win, absent ones keep their value; a name given twice takes the later
    row's columns; lifecycles go through the decommission rule (from the lifecycle the asset
    had before the import). `on_progress` is called with the rows written so far.
    """
    errors: list[RowError] = []
    before: dict[str, Lifecycle | None] = {}
    """Each name's lifecycle before this import (None: new), as a row is first seen."""
    total = new = held = 0
    with store.atomic():
        rows = iter(rows)
        while chunk := list(islice(rows, IMPORT_CHUNK)):
            good = [r for r in chunk if not isinstance(r, RowError)]
            errors += [r for r in chunk if isinstance(r, RowError)]
            stored = store.assets.by_names(a.name for _, a, _ in good)
            wanted: dict[str, tuple[Asset, Asset | None]] = {}
            for _line, asset, present in good:
                old = stored.get(asset.name)
                base = wanted[asset.name][0] if asset.name in wanted else old
                merged = merge(base, asset, present)
                first = asset.name not in before
                if first:
                    before[asset.name] = old.lifecycle if old else None
                step = transition(before[asset.name], merged.lifecycle)
                held += step.held and first
                if merged.lifecycle != step.lifecycle:
                    merged = replace(merged, lifecycle=step.lifecycle)
                wanted[asset.name] = (merged, old)
            new += sum(store.assets.save_many(list(wanted.values()), who, "import"))
            total += len(good)
            if on_progress:
                on_progress(total)
    errors.sort(key=lambda e: e.line)
    return Imported(total, new, held, tuple(errors))


def retire(store: Store, asset: Asset, who: str | None = None) -> Asset:
    """Begin decommissioning: an active asset becomes `retiring` (logged), others stay.

    Only the decommission checklist makes it `retired` (`remediation.complete_if_verified`).
    """
    if asset.lifecycle != Lifecycle.ACTIVE:
        return asset
    return save(store, replace(asset, lifecycle=Lifecycle.RETIRING), who).asset


def delete(store: Store, asset: Asset, who: str | None = None) -> None:
    """Delete an asset from the inventory (logged in the audit log).

    It is no longer listed, probed, counted or shown in the queue; its findings, attestations
    and probe history stay in the database, so a report whose period covers it still names it
    (`store.findings.query(include_deleted=True)`). Adding the name again starts a new asset.

    Raises:
        UserError: no such asset in the inventory.
    """
    store.assets.delete(asset, who)
