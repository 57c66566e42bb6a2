"""The headless watcher: probe what is due, queue resends, deliver the outbox; again and again.

It uses the dashboard's own schedule (`checks.service.schedule.due`) and sweep
(`checks.service.sweeps.run_sweep`), so both probe the same assets with the same configuration.
One watcher per database (`<db>.watch.lock`); SIGTERM lets the batch in flight be stored (and a
delivery attempt in flight be recorded), then it stops.
"""

from __future__ import annotations

import asyncio
import contextlib
import signal
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import datetime

from checks.errors import UserError
from checks.model import SweepProgress
from checks.service import schedule, sweeps
from checks.service.alerts import DeliveryReport, deliver, queue_resends
from checks.service.locks import FileLock, lock_for
from checks.service.orgs import effective_settings, inherit_channels
from checks.service.sweeps import Batch, ProbeOverrides
from checks.store import Store

IDLE_MAX_S = 30.0
"""The longest the watcher sleeps: events that `scan` or the dashboard wrote go out within it."""


@dataclass(frozen=True, slots=True)
class Cycle:
    """What one round of the watcher did (one line of its log)."""

    at: datetime
    swept: SweepProgress | None
    """None when no asset was due."""
    interrupted: bool
    """SIGTERM stopped the sweep after a stored batch."""
    events: int
    """Events the round added to the outbox (by the sweep and the resends)."""
    resends: int
    delivery: DeliveryReport
    next_at: datetime | None
    """When the next asset falls due."""

    @property
    def worth_a_line(self) -> bool:
        """A sweep ran, or a delivery was tried: the log gets a line."""
        d = self.delivery
        return self.swept is not None or bool(d.sent or d.failed or d.busy)


def due_now(store: Store) -> schedule.Schedule:
    """What is due, from every asset's last probe: the dashboard's schedule."""
    rows = store.views.asset_rows()
    return schedule.due(
        [(r.asset, r.last_checked) for r in rows], effective_settings(store), store.clock()
    )


def watch_lock(store: Store) -> FileLock:
    """The lock that makes a watcher the only one on its database."""
    return lock_for(store, "watch")


async def _sweep(
    store: Store, overrides: ProbeOverrides, plan: schedule.Schedule, stop: asyncio.Event
) -> tuple[SweepProgress | None, bool]:
    config = sweeps.config_from(effective_settings(store), overrides)
    assets = None if plan.everything else plan.due
    task: asyncio.Task[SweepProgress] | None = None

    def on_batch(_batch: Batch, _progress: SweepProgress) -> None:
        # Called once a batch is stored: stopping here loses nothing.
        if stop.is_set() and task is not None:
            task.cancel()

    task = asyncio.create_task(sweeps.run_sweep(store, config, assets, on_batch=on_batch))
    try:
        return await task, False
    except asyncio.CancelledError:
        if not task.cancelled():
            raise
        return None, True


async def cycle(
    store: Store,
    overrides: ProbeOverrides,
    stop: asyncio.Event,
    first: bool = False,
) -> Cycle:
    """One round: sweep the due assets, queue resends, deliver.

    Args:
        first: retry every undelivered message now, whatever its back-off.
    """
    at = store.clock()
    inherit_channels(store)  # a parent's channel added, changed or removed since the last round
    before = store.outbox.last_id()
    plan = due_now(store)
    swept, interrupted = (None, False)
    if plan.due:
        swept, interrupted = await _sweep(store, overrides, plan, stop)
    resends = 0 if interrupted else queue_resends(store)
    if interrupted:
        delivery = DeliveryReport()
    else:
        delivery = await deliver(store, first, overrides.ca_bundle, stop.is_set)
    events = store.outbox.last_id() - before
    return Cycle(at, swept, interrupted, events, resends, delivery, due_now(store).next_at)


def _sleep_s(store: Store, last: Cycle) -> float:
    now = store.clock()
    wake = [IDLE_MAX_S]
    if last.next_at is not None:
        wake.append((last.next_at - now).total_seconds())
    return max(1.0, min(wake))


@contextlib.contextmanager
def _signals(stop: asyncio.Event) -> Iterator[None]:
    loop = asyncio.get_running_loop()
    installed = []
    for sig in (signal.SIGTERM, signal.SIGINT):
        with contextlib.suppress(NotImplementedError, RuntimeError):
            loop.add_signal_handler(sig, stop.set)
            installed.append(sig)
    try:
        yield None
    finally:
        for sig in installed:
            loop.remove_signal_handler(sig)


async def watch(
    store: Store,
    overrides: ProbeOverrides,
    on_cycle: Callable[[Cycle], None],
    once: bool = False,
    stop: asyncio.Event | None = None,
    on_error: Callable[[UserError], None] | None = None,
) -> bool:
    """Run rounds until SIGTERM/SIGINT (or one round with `once`); True when stopped by a signal.

    The caller holds `watch_lock`. Without `once`, a round that fails with a UserError (the
    database busy past its timeout, a stored setting that cannot be used) is reported to
    `on_error` and tried again later: events already in the outbox wait, none is lost.
    """
    stop = stop or asyncio.Event()
    first = True
    with _signals(stop):
        while True:
            try:
                done = await cycle(store, overrides, stop, first)
            except UserError as exc:
                if once or on_error is None:
                    raise
                on_error(exc)  # a busy database, a bad stored setting: try again later
                pause = IDLE_MAX_S
            else:
                first = False
                on_cycle(done)
                if once or stop.is_set():
                    return stop.is_set()
                pause = _sleep_s(store, done)
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(stop.wait(), pause)
            if stop.is_set():
                return True
