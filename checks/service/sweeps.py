"""Sweeps as both front ends run them: the probe config from settings, then probe → rules → store.

`assetwatch scan`, the dashboard's worker and anything headless later call the same
`config_from()` and `run_sweep()`: two compositions already drifted once (the dashboard's DNS
servers never reached cron scans).
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import re
import time
from collections.abc import AsyncIterator, Callable, Coroutine, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, TypeVar

from checks.errors import UserError
from checks.model import (
    Asset,
    Baseline,
    Finding,
    Lifecycle,
    ProbeOutcome,
    Settings,
    SweepProgress,
)
from checks.probe import ProbeConfig, Prober, parse_nameserver, sweep
from checks.rules import RuleContext
from checks.rules.compromise import baseline_from
from checks.service.domains import DomainFacts, SweepDomains
from checks.service.remediation import complete_if_verified
from checks.service.shards import SHARD_FROM, Judged, judge, judged_in_shards, off_for
from checks.store import Store

DEFAULT_CONCURRENCY = 256
DEFAULT_TIMEOUT = 10.0


@dataclass(frozen=True, slots=True)
class ProbeOverrides:
    """What a front end was told explicitly (command-line options); None means "not said".

    Precedence, the same for every front end: these, then the stored settings, then defaults.
    """

    nameservers: tuple[tuple[str, int], ...] = ()
    ca_bundle: str | None = None
    timeout: float | None = None
    concurrency: int | None = None
    light: bool = False
    """Skip the well-known paths (`scan --light`)."""
    processes: int | None = None
    """Processes a sweep shards its assets over (`--processes`); None: one per CPU."""
    lab: dict[str, Any] = field(default_factory=dict)
    """Lab wiring (port_map, axfr_port): only the loopback lab sets it."""
    rdap_bootstrap: str | None = None
    """`--rdap-bootstrap FILE`: replaces the shipped copy of IANA's dns.json."""
    whois_servers: tuple[tuple[str, str, int], ...] = ()
    """`--whois-server TLD=HOST[:PORT]`, each overriding one shipped WHOIS server."""
    location: str = ""
    """`scan --location NAME`: where this sweep runs from (the inside, a branch, the outside);
    each place keeps its own latest probe and a finding stays open while any place sees it."""


_PLACE = re.compile(r"[a-z0-9][a-z0-9-]{0,39}")


def location_name(name: str) -> str:
    """A valid place name ('' for this machine, unnamed).

    Raises:
        UserError: anything but lower-case letters, digits and hyphens (up to 40).
    """
    if name and not _PLACE.fullmatch(name):
        raise UserError(
            f"not a location name: {name!r} (lower-case letters, digits and hyphens, up to 40)",
            f"位置名称无效：{name!r}（小写字母、数字和连字符，最多 40 个）",
        )
    return name


def _positive(value: float | None, what: str) -> None:
    # NaN fails every comparison, so `not value > 0` refuses it too.
    if value is not None and not (0 < value < float("inf")):
        raise UserError(f"{what} must be a positive number", f"{what} 必须为正数")


def config_from(settings: Settings, overrides: ProbeOverrides) -> ProbeConfig:
    """The probe configuration: command-line overrides, then stored settings, then defaults.

    Raises:
        UserError: a number is not positive, or a stored nameserver is malformed.
    """
    _positive(overrides.timeout, "--timeout")
    _positive(overrides.concurrency, "--concurrency")
    _positive(overrides.processes, "--processes")
    nameservers = overrides.nameservers or tuple(parse_nameserver(n) for n in settings.nameservers)
    concurrency = overrides.concurrency or settings.concurrency or DEFAULT_CONCURRENCY
    return ProbeConfig(
        nameservers=nameservers,
        ca_bundle=overrides.ca_bundle,
        timeout=overrides.timeout or settings.timeout or DEFAULT_TIMEOUT,
        concurrency=int(concurrency),
        paths=not overrides.light,
        processes=overrides.processes or os.cpu_count() or 1,
        registration=not overrides.light,
        rdap_bootstrap=overrides.rdap_bootstrap,
        whois_servers=overrides.whois_servers,
        **overrides.lab,
    )


T = TypeVar("T")


def run_async(coro: Coroutine[Any, Any, T]) -> T:
    """Run a coroutine on uvloop where it is installed (15-20 % less CPU per probe).

    ASSETWATCH_EVENT_LOOP=asyncio keeps the standard loop: the test suite sets it, because
    uvloop connects below Python's socket module, where the suite's loopback guard sits.
    """
    try:
        if os.environ.get("ASSETWATCH_EVENT_LOOP") == "asyncio":
            raise ImportError
        import uvloop
    except ImportError:
        return asyncio.run(coro)
    with asyncio.Runner(loop_factory=uvloop.new_event_loop) as runner:
        return runner.run(coro)


Batch = list[tuple[ProbeOutcome, list[Finding]]]
OnBatch = Callable[[Batch, SweepProgress], None]


class _Recorder:
    """Writes batches, and does what follows a stored probe: decommission and first baselines."""

    def __init__(
        self,
        store: Store,
        total: int,
        on_batch: OnBatch | None,
        domains: SweepDomains,
        location: str = "",
        due_at: str | None = None,
        worker: str = "",
    ) -> None:
        self.store = store
        self.location = location
        self.due_at = due_at
        self.worker = worker
        self.domains = domains
        self.total = total
        self.on_batch = on_batch
        self.started = time.perf_counter()
        self.batch: Batch = []
        self.dues: list[str | None] = []
        """The due time each outcome of the batch was probed for (None: not a worker's run)."""
        self.done = 0
        self.last_flush = self.started
        self.baselines = store.baselines.all()
        self.unobserved: list[tuple[str, str]] = []

    @property
    def progress(self) -> SweepProgress:
        elapsed = time.perf_counter() - self.started
        return SweepProgress(self.done, self.total, elapsed, tuple(self.unobserved))

    def add(self, judged: Judged, due_at: str | None = None) -> None:
        """Take one judged outcome into the batch (a worker's with its own due time)."""
        if judged.why:
            self.unobserved.append((judged.outcome.asset.name, judged.why))
        outcome = judged.outcome
        findings = self.domains.settle(outcome.asset.id or 0, judged.names, judged.findings)
        self.batch.append((outcome, findings))
        self.dues.append(due_at or self.due_at)
        self.done += 1

    def flush(self) -> Batch:
        """Store the batch in one transaction; what was kept (another worker's result for the
        same due time wins). A failed write drops the batch: its runs are not recorded, so
        the assets are due again."""
        store = self.store
        batch, dues = self.batch, self.dues
        self.batch, self.dues = [], []
        # One transaction for the batch and what follows from it (a commit per first baseline
        # was a third of a first sweep's writing).
        firsts: dict[int, Baseline] = {}
        with store.atomic():
            # A worker's run: its result and its claim of the due time land together.
            batch = [
                (o, f)
                for (o, f), due in zip(batch, dues, strict=True)
                if due is None or store.runs.claim(o.asset.id or 0, due, self.location, self.worker)
            ]
            store.probes.record(batch, location=self.location)
            self.domains.flush()
            for outcome, _ in batch:
                if outcome.asset.lifecycle == Lifecycle.RETIRING:
                    complete_if_verified(store, outcome.asset)
                # Trust on first use: the first page seen is the baseline until one is accepted.
                asset_id = outcome.asset.id
                if (
                    asset_id
                    and asset_id not in self.baselines
                    and asset_id not in firsts
                    and (first := baseline_from(outcome))
                ):
                    store.baselines.accept(asset_id, first, who="assetwatch", source="first probe")
                    firsts[asset_id] = first
        self.baselines.update(firsts)
        if self.on_batch is not None:
            self.on_batch(batch, self.progress)
        self.last_flush = time.perf_counter()
        return batch


async def _judged_here(
    store: Store,
    config: ProbeConfig,
    todo: Sequence[Asset],
    known: frozenset[str],
    baselines: Mapping[int, Baseline],
    disabled: Mapping[tuple[str, int], str],
    facts: DomainFacts,
) -> AsyncIterator[Judged]:
    """Judged outcomes, probed in this process (small sweeps, one CPU)."""
    async with Prober(config, store.clock, known) as prober:
        async for outcome in sweep(todo, prober, config.concurrency):
            ctx = RuleContext(store.clock(), known, baselines.get(outcome.asset.id or 0))
            yield judge(outcome, ctx, off_for(disabled, outcome.asset), facts)


async def run_sweep(
    store: Store,
    config: ProbeConfig,
    assets: Sequence[Asset] | None = None,
    on_batch: OnBatch | None = None,
    batch_size: int = 200,
    flush_s: float = 0.25,
    shard_from: int = SHARD_FROM,
    location: str = "",
    due_at: str | None = None,
    worker: str = "",
) -> SweepProgress:
    """Probe `assets` (default: the whole inventory) and store outcomes and findings.

    Writes a batch every `batch_size` outcomes or `flush_s` seconds, whichever comes first,
    then calls `on_batch` with it. A full sweep is logged and prunes history past retention.
    From `shard_from` assets on, the probing and judging run in `config.processes` worker
    processes (`checks.service.shards`); this process stays the only writer.
    """
    full = assets is None
    todo = list(store.assets.all() if assets is None else assets)
    domains = SweepDomains(store, config)
    await domains.prepare(todo)
    recorder = _Recorder(
        store, len(todo), on_batch, domains, location_name(location), due_at, worker
    )
    store.findings.expire_acceptances()
    disabled = store.checks.all()
    known = store.assets.hosts()
    if config.processes > 1 and len(todo) >= shard_from:
        judged = judged_in_shards(config, todo, known, recorder.baselines, disabled, domains.facts)
    else:
        judged = _judged_here(
            store, config, todo, known, recorder.baselines, disabled, domains.facts
        )
    async for item in judged:
        recorder.add(item)
        if (
            len(recorder.batch) >= batch_size
            or time.perf_counter() - recorder.last_flush >= flush_s
        ):
            recorder.flush()
            await asyncio.sleep(0)
    recorder.flush()
    progress = recorder.progress
    if full:
        store.probes.prune(store.settings.read().retention_days)
        store.audit.log(
            "sweep",
            None,
            assets=recorder.done,
            seconds=round(progress.elapsed_s, 2),
            light=not config.paths,
            unobserved=len(progress.unobserved),
            location=location,
        )
    return progress


class StandingSweep:
    """A sweep that does not end: a worker's, for one organisation, fed one asset at a time.

    Queue jobs call `probe(asset_id, due_at)` as they are handed out. What the rules need
    (inventoried hosts, baselines, switched-off checks, domain facts) is read once per
    `refresh`, not per asset, and one writer stores what finished every `flush_s` (or
    `batch_size` outcomes), each result with its claim of its due time in one transaction.
    `probe` returns once its result is stored, or found stored by another worker: a job is
    never finished before its result is safe, and a failed write fails its jobs (their due
    times stay open, so they are probed again).
    """

    def __init__(
        self,
        store: Store,
        config: ProbeConfig,
        location: str = "",
        worker: str = "",
        flush_s: float = 0.2,
        batch_size: int = 200,
    ) -> None:
        self.store = store
        self.config = config
        self.location = location_name(location)
        self.worker = worker
        self.flush_s = flush_s
        self.batch_size = batch_size
        self._recorder: _Recorder | None = None
        self._prober: Prober | None = None
        self._probing: dict[Prober, int] = {}
        self._known: frozenset[str] = frozenset()
        self._disabled: dict[tuple[str, int], str] = {}
        self._waiting: list[asyncio.Future[bool]] = []
        self._wake = asyncio.Event()
        self._writer: asyncio.Task[None] | None = None
        self._first = asyncio.Lock()

    async def refresh(self) -> None:
        """Read again what the rules need, and start a new prober (a fresh DNS cache)."""
        store = self.store
        store.findings.expire_acceptances()
        domains = SweepDomains(store, self.config)
        everything = store.assets.all()
        await domains.prepare(everything, everything)
        if self._recorder is None:
            self._recorder = _Recorder(store, 0, None, domains, self.location, None, self.worker)
        else:
            if self._waiting:  # what was judged with the old facts is stored with them
                self._flush()
            self._recorder.domains = domains
            self._recorder.baselines = store.baselines.all()
        self._known = frozenset(a.host.lower() for a in everything)
        self._disabled = store.checks.all()
        old, self._prober = self._prober, Prober(self.config, store.clock, self._known)
        self._probing[self._prober] = 0
        if old is not None:
            await self._release(old, 0)
        if self._writer is None:
            self._writer = asyncio.create_task(self._write())

    async def probe(self, asset_id: int, due_at: str) -> bool:
        """Probe one asset for one due time; whether its result is this worker's to keep.

        Raises:
            Exception: the store could not write the batch it was in.
        """
        store = self.store
        async with self._first:  # the first jobs wait for one reading, not one each
            if self._recorder is None or self._prober is None:
                await self.refresh()
        if store.runs.done(asset_id, due_at, self.location):
            return False
        asset = store.assets.by_id(asset_id)
        if asset is None or asset.deleted_at is not None:
            return False
        prober = self._prober
        assert prober is not None and self._recorder is not None
        self._probing[prober] += 1
        try:
            outcome = await prober.probe(asset)
        finally:
            await self._release(prober, 1)
        ctx = RuleContext(store.clock(), self._known, self._recorder.baselines.get(asset_id))
        judged = judge(outcome, ctx, off_for(self._disabled, asset), self._recorder.domains.facts)
        kept: asyncio.Future[bool] = asyncio.get_running_loop().create_future()
        self._recorder.add(judged, due_at)
        self._waiting.append(kept)
        if len(self._waiting) >= self.batch_size:
            self._wake.set()
        return await kept

    async def _release(self, prober: Prober, done: int) -> None:
        self._probing[prober] -= done
        if prober is not self._prober and self._probing[prober] <= 0:
            del self._probing[prober]
            await prober.__aexit__(None, None, None)

    async def _write(self) -> None:
        recorder = self._recorder
        assert recorder is not None
        while True:
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._wake.wait(), self.flush_s)
            self._wake.clear()
            if self._waiting:
                self._flush()

    def _flush(self) -> None:
        assert self._recorder is not None
        waiting, self._waiting = self._waiting, []
        self._recorder.unobserved.clear()  # nobody reads a standing sweep's progress
        asset_ids = [o.asset.id for o, _ in self._recorder.batch]
        try:
            kept = {o.asset.id for o, _ in self._recorder.flush()}
        except Exception as exc:  # noqa: BLE001 - each job fails with the write's error
            for future in waiting:
                if not future.done():
                    future.set_exception(exc)
            return
        for future, asset_id in zip(waiting, asset_ids, strict=True):
            if not future.done():
                future.set_result(asset_id in kept)

    async def aclose(self) -> None:
        """Store what finished, and close the probers."""
        if self._writer is not None:
            self._writer.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._writer
            self._writer = None
        if self._waiting:
            self._flush()
        for prober in list(self._probing):
            await prober.__aexit__(None, None, None)
        self._probing.clear()
        self._prober = None
