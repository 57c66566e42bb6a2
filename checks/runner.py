"""A sweep from start to stored findings: probe, evaluate, write in batches."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable, Coroutine, Sequence
from dataclasses import dataclass
from typing import Any, TypeVar

from checks.baseline import baseline_from
from checks.decommission import complete_if_verified
from checks.models import Asset, Finding, Lifecycle, ProbeOutcome
from checks.rules import evaluate
from checks.store import Store
from checks.sweep import ProbeConfig, Prober, sweep


@dataclass(frozen=True, slots=True)
class Progress:
    """How far a sweep has come."""

    done: int
    total: int
    elapsed_s: float

    @property
    def rate(self) -> float:
        """Assets per second so far."""
        return self.done / self.elapsed_s if self.elapsed_s > 0 else 0.0


T = TypeVar("T")


def run_async(coro: Coroutine[Any, Any, T]) -> T:
    """Run a coroutine on uvloop where it is installed (15-20 % less CPU per probe)."""
    try:
        import uvloop
    except ImportError:
        return asyncio.run(coro)
    with asyncio.Runner(loop_factory=uvloop.new_event_loop) as runner:
        return runner.run(coro)


OnBatch = Callable[[list[tuple[ProbeOutcome, list[Finding]]], Progress], None]


async def run_sweep(
    store: Store,
    config: ProbeConfig,
    assets: Sequence[Asset] | None = None,
    on_batch: OnBatch | None = None,
    batch_size: int = 200,
    flush_s: float = 0.25,
) -> Progress:
    """Probe `assets` (default: the whole inventory) and store outcomes and findings.

    Writes a batch every `batch_size` outcomes or `flush_s` seconds, whichever
    comes first, then calls `on_batch` with it. A full sweep is logged and prunes
    history past the retention period.
    """
    full = assets is None
    todo = list(store.assets() if assets is None else assets)
    started = time.perf_counter()
    batch: list[tuple[ProbeOutcome, list[Finding]]] = []
    done = 0
    last_flush = started

    def flush() -> None:
        nonlocal batch, last_flush
        store.record(batch)
        for outcome, _ in batch:
            if outcome.asset.lifecycle == Lifecycle.RETIRING:
                complete_if_verified(store, outcome.asset)
            # Trust on first use: the first page seen is the baseline until an admin accepts one.
            asset_id = outcome.asset.id
            if asset_id and asset_id not in baselines and (first := baseline_from(outcome)):
                store.accept_baseline(asset_id, first, who="assetwatch", source="first probe")
                baselines[asset_id] = first
        if on_batch is not None:
            on_batch(batch, Progress(done, len(todo), time.perf_counter() - started))
        batch = []
        last_flush = time.perf_counter()

    store.expire_acceptances()
    off = store.disabled_checks()
    known = frozenset(a.host for a in store.assets())
    baselines = store.baselines()
    async with Prober(config, store.clock) as prober:
        async for outcome in sweep(todo, prober, config.concurrency):
            asset_id = outcome.asset.id or 0
            found = [
                f
                for f in evaluate(outcome, store.clock(), known, baselines.get(asset_id))
                if (f.check, 0) not in off and (f.check, outcome.asset.id or 0) not in off
            ]
            batch.append((outcome, found))
            done += 1
            if len(batch) >= batch_size or time.perf_counter() - last_flush >= flush_s:
                flush()
                await asyncio.sleep(0)
    flush()
    progress = Progress(done, len(todo), time.perf_counter() - started)
    if full:
        store.prune(int(store.setting("retention_days", "180")))
        store.log("sweep", None, assets=done, seconds=round(progress.elapsed_s, 2))
    return progress
