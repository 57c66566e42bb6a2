"""Workers on a shared PostgreSQL: `assetwatch worker [--location NAME]`, on any number of
machines, through procrastinate's queue in the same database.

* Due times are slots: an asset with an interval of 15 minutes is due once per quarter hour
  (`due_slot`). Every worker schedules: for each asset of each organisation without a stored
  run for the current slot from its place, it defers one job, with a queueing lock per asset
  and place (at most one waiting job) and a lock (never two running).
* A job probes its one asset and writes the result together with the run's row
  (`store.runs.claim`) in one transaction: a result already stored for that due time wins,
  so no asset counts twice for one due time.
* Workers send procrastinate heartbeats; jobs of a worker that stopped sending them (killed,
  machine gone) are put back in the queue by the next worker's upkeep: nothing is lost.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import socket
import time
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime, timedelta
from typing import Any

from checks.model import Clock, utcnow
from checks.probe import ProbeConfig
from checks.service import sweeps
from checks.service.orgs import effective_settings, inherit_channels
from checks.store import DEFAULT_ORG, Store
from checks.store.codec import ts

TASK = "assetwatch.probe_asset"
log = logging.getLogger("assetwatch.worker")


def queue_of(location: str) -> str:
    """The queue of one place's jobs."""
    return f"probe@{location or 'here'}"


def due_slot(now: datetime, every: timedelta) -> str:
    """The start of the interval `now` falls in: one due time per asset per interval."""
    seconds = max(int(every.total_seconds()), 1)
    epoch = int(now.timestamp())
    return ts(datetime.fromtimestamp(epoch - epoch % seconds, UTC))


@dataclass
class WorkerOptions:
    """How one worker runs."""

    url: str
    location: str = ""
    concurrency: int = 16
    overrides: sweeps.ProbeOverrides = field(default_factory=sweeps.ProbeOverrides)
    schedule_s: float = 5.0
    """How often this worker looks for due assets and stalled jobs."""
    heartbeat_s: float = 2.0
    stalled_s: float = 90.0
    """A worker silent this long is gone: its jobs go back to the queue. Keep it well above
    BUSY_TIMEOUT_S (30 s): a live worker waiting for a busy database sends no heartbeats."""
    refresh_s: float = 60.0
    """How often a worker reads again what the rules need (hosts, baselines, switched-off
    checks, domain facts) and starts a fresh DNS cache."""
    until_idle: bool = False
    """Stop once a scheduling round finds nothing due and no job is waiting (tests, bench)."""
    clock: Clock = utcnow


def worker_name(location: str) -> str:
    return f"{socket.gethostname()}:{os.getpid()}@{location or 'here'}"


class Stores:
    """One store per organisation in this process, opened when first needed."""

    def __init__(self, url: str, clock: Clock) -> None:
        self.url = url
        self.clock = clock
        self._open: dict[str, Store] = {}

    def get(self, org: str) -> Store:
        if org not in self._open:
            self._open[org] = Store(self.url, clock=self.clock, org=org, create=False)
            inherit_channels(self._open[org])
        return self._open[org]

    def orgs(self) -> list[str]:
        return [o.name for o in self.get(DEFAULT_ORG).orgs.all()]

    def close(self) -> None:
        for store in self._open.values():
            store.close()
        self._open.clear()


def make_app(url: str) -> Any:
    """A procrastinate app on the store's PostgreSQL, with the probe task."""
    import procrastinate

    return procrastinate.App(connector=procrastinate.PsycopgConnector(conninfo=url))


async def ensure_queue_schema(app: Any, url: str) -> None:
    """Apply procrastinate's schema once (in the database's public schema)."""
    import psycopg

    async with await psycopg.AsyncConnection.connect(url, autocommit=True) as conn:
        await conn.execute("SELECT pg_advisory_lock(hashtext('assetwatch:queue-schema'))")
        row = await (
            await conn.execute("SELECT to_regclass('public.procrastinate_jobs') IS NOT NULL")
        ).fetchone()
        if not (row and row[0]):
            await app.schema_manager.apply_schema_async()
        await conn.execute("SELECT pg_advisory_unlock(hashtext('assetwatch:queue-schema'))")


def _due(store: Store, location: str, now: datetime) -> list[tuple[int, str]]:
    """(asset id, due time) of the assets with no stored run for their current due time."""
    default = effective_settings(store).interval_min * 60
    of: dict[int, str] = {}  # interval -> its current slot: a few intervals, many assets
    slots = [
        (
            asset_id,
            of.get(own) or of.setdefault(own, due_slot(now, timedelta(seconds=own or default))),
        )
        for asset_id, own in store.assets.intervals()
    ]
    if not slots:
        return []
    done = store.runs.done_since(min(s for _, s in slots), location)  # one query a round
    return [pair for pair in slots if pair not in done]


def _round_ended(
    store: Store, org: str, due: int, rounds: dict[str, Round], options: WorkerOptions
) -> None:
    """Begin an organisation's round when assets are due; log the sweep when it is done."""
    if due:
        rounds.setdefault(org, Round(time.monotonic(), due))
        return
    begun = rounds.pop(org, None)
    if begun is None:
        return
    settings = effective_settings(store)
    config = sweeps.config_from(settings, options.overrides)
    store.probes.prune(settings.retention_days)
    store.audit.log(
        "sweep",
        None,
        assets=begun.assets,
        seconds=round(time.monotonic() - begun.started, 2),
        light=not config.paths,
        unobserved=0,
        location=options.location,
        workers=True,
    )


def _job_key(org: str, asset_id: int, location: str) -> str:
    return f"{org}:{asset_id}:{location}"


@dataclass
class Round:
    """An organisation's round of due assets, as this scheduler saw it begin."""

    started: float
    """time.monotonic() when the scheduler first saw assets due."""
    assets: int
    """How many were due then."""


async def schedule_round(
    app: Any, stores: Stores, options: WorkerOptions, rounds: dict[str, Round] | None = None
) -> tuple[int, int]:
    """Defer a job for every due asset of every organisation that has none waiting or
    running; (how many were deferred, how many are due in all).

    Args:
        rounds: the rounds this scheduler saw begin, by organisation. When one ends (nothing
            of it due any more: every asset probed for its due time), it is a sweep: logged
            as `scan` logs one (what the roll-up and the organisation checklist read), and
            history past the retention is pruned.
    """
    from procrastinate import jobs
    from procrastinate.exceptions import AlreadyEnqueued

    now = options.clock()
    queue = queue_of(options.location)
    todo: list[Any] = []
    due_count = 0
    queued: set[str] | None = None  # the whole queue, read once a round
    for org in stores.orgs():
        store = stores.get(org)
        due = _due(store, options.location, now)
        due_count += len(due)
        if rounds is not None:
            _round_ended(store, org, len(due), rounds, options)
        if not due:
            continue
        if queued is None:
            queued = store.runs.queued(queue)
        for asset_id, slot in due:
            key = _job_key(org, asset_id, options.location)
            if key not in queued:
                todo.append(
                    jobs.Job(
                        id=None,
                        queue=queue,
                        task_name=TASK,
                        lock=key,
                        queueing_lock=key,
                        task_kwargs={
                            "org": org,
                            "asset_id": asset_id,
                            "due": slot,
                            "location": options.location,
                        },
                    )
                )
    deferred = 0
    for start in range(0, len(todo), 1000):
        chunk = todo[start : start + 1000]
        try:  # a statement per thousand jobs
            deferred += len(await app.job_manager.batch_defer_jobs_async(chunk))
        except AlreadyEnqueued:  # another scheduler came first with some: one at a time
            for job in chunk:
                with contextlib.suppress(AlreadyEnqueued):
                    await app.job_manager.defer_job_async(job)
                    deferred += 1
    if deferred >= 500:
        stores.get(DEFAULT_ORG).runs.analyze_queue()
    return deferred, due_count


async def requeue_stalled(app: Any, options: WorkerOptions) -> int:
    """Put the jobs of workers that stopped sending heartbeats back in the queue."""
    from procrastinate import jobs

    requeued = 0
    for job in await app.job_manager.get_stalled_jobs(
        queue=queue_of(options.location), seconds_since_heartbeat=options.stalled_s
    ):
        try:
            await app.job_manager.retry_job(job)
            requeued += 1
        except Exception:  # a newer job for the asset waits already: it covers the due time
            await app.job_manager.finish_job_by_id_async(
                job.id, status=jobs.Status.FAILED, delete_job=False
            )
    return requeued


async def _waiting(app: Any, location: str) -> int:
    rows = await app.job_manager.list_jobs_async(queue=queue_of(location), status="todo")
    doing = await app.job_manager.list_jobs_async(queue=queue_of(location), status="doing")
    return len(list(rows)) + len(list(doing))


class Sweeps:
    """This worker's standing sweep of each organisation, opened when its first job comes."""

    def __init__(self, stores: Stores, options: WorkerOptions, name: str) -> None:
        self.stores = stores
        self.options = options
        self.name = name
        self._open: dict[str, sweeps.StandingSweep] = {}
        self._refreshed = 0.0
        self._took = 0.0

    def _config(self, store: Store) -> ProbeConfig:
        """What this organisation is probed with: its settings, inherited where unset."""
        config = sweeps.config_from(effective_settings(store), self.options.overrides)
        return replace(config, processes=1)

    def get(self, org: str) -> sweeps.StandingSweep:
        if org not in self._open:
            store = self.stores.get(org)
            self._open[org] = sweeps.StandingSweep(
                store, self._config(store), self.options.location, self.name
            )
        return self._open[org]

    async def refresh(self) -> None:
        """Read each sweep's context again, every `refresh_s` or twenty times as long as
        reading it took (a large inventory is not read again every minute)."""
        if time.monotonic() - self._refreshed < max(self.options.refresh_s, 20 * self._took):
            return
        started = time.monotonic()
        for org, sweep in list(self._open.items()):  # a job may open another meanwhile
            store = self.stores.get(org)
            inherit_channels(store)  # a parent's channel changes reach a running worker
            sweep.config = self._config(store)  # and so do changed settings
            await sweep.refresh()
        self._refreshed = time.monotonic()
        self._took = self._refreshed - started

    async def aclose(self) -> None:
        for sweep in list(self._open.values()):
            await sweep.aclose()
        self._open.clear()


async def run_worker(options: WorkerOptions) -> None:
    """Probe due assets until stopped (SIGTERM, SIGINT), or until idle with `until_idle`.

    Every worker runs the jobs of its place's queue; the one holding the place's scheduling
    lock (the server lets go of it when its holder dies) also defers the due assets.
    """
    location = sweeps.location_name(options.location)
    options = replace(options, location=location)
    name = worker_name(location)
    app = make_app(options.url)
    stores = Stores(options.url, options.clock)
    main = stores.get(DEFAULT_ORG)
    main.runs.seen_location(location, name)
    scheduler = main.server_lock(f"schedule:{queue_of(location)}")
    assert scheduler is not None  # a PostgreSQL store
    standing = Sweeps(stores, options, name)
    rounds: dict[str, Round] = {}

    async def probe_asset(org: str, asset_id: int, due: str, location: str) -> None:
        await standing.get(org).probe(asset_id, due)

    app.task(name=TASK)(probe_asset)
    async with app.open_async():
        await ensure_queue_schema(app, options.url)
        worker = asyncio.create_task(
            app.run_worker_async(
                queues=[queue_of(location)],
                name=name,
                concurrency=options.concurrency,
                wait=True,
                install_signal_handlers=True,
                update_heartbeat_interval=options.heartbeat_s,
                stalled_worker_timeout=options.stalled_s,
                fetch_job_polling_interval=1.0,
                delete_jobs="successful",  # the runs table keeps what was done
            )
        )
        try:
            while not worker.done():
                due = -1
                if scheduler.try_acquire():
                    _, due = await schedule_round(app, stores, options, rounds)
                    await requeue_stalled(app, options)
                elif options.until_idle:
                    due = sum(
                        len(_due(stores.get(o), location, options.clock())) for o in stores.orgs()
                    )
                main.runs.seen_location(location, name)
                await standing.refresh()
                if options.until_idle and due == 0 and not await _waiting(app, location):
                    break
                await asyncio.wait({worker}, timeout=options.schedule_s)
        finally:
            if not worker.done():
                worker.cancel()
                with contextlib.suppress(asyncio.CancelledError):
                    await worker
            await standing.aclose()
            scheduler.release()
            stores.close()
