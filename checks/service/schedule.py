"""Which assets are due for a probe, and when the next one is: the dashboard and any headless
watcher use this same code."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta

from checks.model import Asset, Settings


@dataclass(frozen=True, slots=True)
class Schedule:
    """The answer to "what now?"."""

    due: list[Asset]
    """Assets whose interval has passed (or that were never probed)."""
    next_at: datetime | None
    """When the earliest of the others falls due; None when there are none."""
    everything: bool
    """Every asset is due: a full sweep (logged, and it prunes history)."""


def interval(asset: Asset, settings: Settings) -> timedelta:
    """The asset's own re-probe interval, else the organisation's."""
    return timedelta(seconds=asset.interval_s or settings.interval_min * 60)


def due(
    assets: Iterable[tuple[Asset, datetime | None]], settings: Settings, now: datetime
) -> Schedule:
    """Split assets, each with its last probe time, into due now and the next due time."""
    pairs = list(assets)
    at = [(a, (last + interval(a, settings)) if last else now) for a, last in pairs]
    ready = [a for a, when in at if when <= now]
    later = [when for _, when in at if when > now]
    return Schedule(ready, min(later) if later else None, bool(pairs) and len(ready) == len(pairs))
