"""Sweeps as both front ends run them: the probe config from settings, then probe → rules → store.

`assetwatch scan`, the dashboard's worker and anything headless later call the same
`config_from()` and `run_sweep()`: two compositions already drifted once (the dashboard's DNS
servers never reached cron scans).
"""

from __future__ import annotations

import asyncio
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
        self.done = 0
        self.last_flush = self.started
        self.baselines = store.baselines.all()
        self.unobserved: list[tuple[str, str]] = []

    @property
    def progress(self) -> SweepProgress:
        elapsed = time.perf_counter() - self.started
        return SweepProgress(self.done, self.total, elapsed, tuple(self.unobserved))

    def add(self, judged: Judged) -> None:
        """Take one judged outcome into the batch."""
        if judged.why:
            self.unobserved.append((judged.outcome.asset.name, judged.why))
        outcome = judged.outcome
        findings = self.domains.settle(outcome.asset.id or 0, judged.names, judged.findings)
        self.batch.append((outcome, findings))
        self.done += 1

    def flush(self) -> None:
        store = self.store
        # One transaction for the batch and what follows from it (a commit per first baseline
        # was a third of a first sweep's writing).
        with store.atomic():
            if self.due_at is not None:
                # A worker's run: its result and its claim of the due time land together;
                # another worker's result for the same due time already stored wins.
                self.batch = [
                    (o, f)
                    for o, f in self.batch
                    if store.runs.claim(o.asset.id or 0, self.due_at, self.location, self.worker)
                ]
            store.probes.record(self.batch, location=self.location)
            self.domains.flush()
            for outcome, _ in self.batch:
                if outcome.asset.lifecycle == Lifecycle.RETIRING:
                    complete_if_verified(store, outcome.asset)
                # Trust on first use: the first page seen is the baseline until one is accepted.
                asset_id = outcome.asset.id
                if (
                    asset_id
                    and asset_id not in self.baselines
                    and (first := baseline_from(outcome))
                ):
                    store.baselines.accept(asset_id, first, who="assetwatch", source="first probe")
                    self.baselines[asset_id] = first
        if self.on_batch is not None:
            self.on_batch(self.batch, self.progress)
        self.batch = []
        self.last_flush = time.perf_counter()


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
