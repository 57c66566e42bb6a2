"""Inventory changes as every front end makes them: add, edit, import, retire.

Lifecycle changes go through `checks.workflow.decommission.transition`: a form or a file that
says "retired" starts the decommission checklist; only the checklist makes an asset retired.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace

from checks.errors import UserError
from checks.intake import ParsedFile, merge
from checks.model import Asset, Lifecycle
from checks.names import normalize_name
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

    @property
    def existing(self) -> int:
        """Rows that updated an asset already in the inventory."""
        return self.rows - self.new


def import_parsed(
    store: Store,
    parsed: ParsedFile,
    who: str | None = None,
    on_progress: Callable[[int], None] | None = None,
) -> Imported:
    """Save the good rows of a parsed file in one transaction (all of them, or none).

    The file's columns win, absent ones keep their value; a name given twice takes the later
    row's columns; lifecycles go through the decommission rule.
    """
    stored = store.assets.by_names(a.name for _, a, _ in parsed.assets)
    wanted: dict[str, tuple[Asset, Asset | None]] = {}
    held = 0
    for _line, asset, present in parsed.assets:
        old = stored.get(asset.name)
        base = wanted[asset.name][0] if asset.name in wanted else old
        merged = merge(base, asset, present)
        step = transition(old.lifecycle if old else None, merged.lifecycle)
        held += step.held and asset.name not in wanted
        wanted[asset.name] = (replace(merged, lifecycle=step.lifecycle), old)
    created = store.assets.save_many(list(wanted.values()), who, "import", on_progress)
    return Imported(len(parsed.assets), sum(created), held)


def retire(store: Store, asset: Asset, who: str | None = None) -> Asset:
    """Begin decommissioning: an active asset becomes `retiring` (logged), others stay.

    Only the decommission checklist makes it `retired` (`remediation.complete_if_verified`).
    """
    if asset.lifecycle != Lifecycle.ACTIVE:
        return asset
    return save(store, replace(asset, lifecycle=Lifecycle.RETIRING), who).asset
