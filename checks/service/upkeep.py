"""Database upkeep the admin runs by hand: converting old history, then giving space back."""

from __future__ import annotations

import os
from dataclasses import dataclass

from checks.store import Store


@dataclass(frozen=True, slots=True)
class Compacted:
    """What `vacuum` did: rows of older versions converted, the file's size before and after."""

    converted: int
    before_bytes: int
    after_bytes: int


def _size(store: Store) -> int:
    if store.path is None:
        return 0
    return sum(
        os.path.getsize(p)
        for p in (store.path, store.path.with_name(store.path.name + "-wal"))
        if p.exists()
    )


def vacuum(store: Store) -> Compacted:
    """Convert every row older versions wrote (as `prune` does a minute at a time), then
    rebuild the file at its live size with incremental auto-vacuum, so that it stays small.

    Holds the write lock for as long as copying the live data takes and needs that much free
    disk: run it while no sweep is writing (other writers wait up to the busy timeout).
    """
    before = _size(store)
    converted = 0
    while batch := store.probes.trend.compact_legacy(budget_s=60.0):
        converted += batch
    store.probes.vacuum()
    done = Compacted(converted, before, _size(store))
    store.audit.log("vacuum", None, converted=converted, before=before, after=done.after_bytes)
    return done
