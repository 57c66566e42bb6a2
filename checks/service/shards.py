"""A sweep on every core: its assets sharded over worker processes, results to one writer.

Each worker process has its own event loop, HTTP clients and DNS cache, probes its share and
judges each outcome (rules included: page analysis is much of the CPU); the calling process
stays the only writer of the database, and settles what needs the whole sweep (which asset
reports a name several found). Politeness holds across processes: there are never more
workers than `per_address`, each gets `per_address // processes` and `concurrency // processes`,
so the totals are the configured ones.
"""

from __future__ import annotations

import asyncio
import contextlib
import multiprocessing
import queue
import sys
import threading
import traceback
from collections.abc import AsyncIterator, Collection, Iterator, Mapping, Sequence
from dataclasses import dataclass, replace
from typing import Any

from checks.model import Asset, Baseline, Finding, ProbeOutcome, utcnow
from checks.probe import ProbeConfig, Prober, sweep
from checks.rules import RuleContext, evaluate, unobserved
from checks.rules.discovery import found_names
from checks.service.domains import DomainFacts


@contextlib.contextmanager
def _real_stderr() -> Iterator[None]:
    """sys.stderr as a real file while worker processes start.

    multiprocessing hands `sys.stderr.fileno()` to its resource tracker; inside the dashboard
    Textual captures stderr with an object whose fileno() is -1, and starting a worker fails
    ("bad value(s) in fds_to_keep"). The original stderr stands in for that moment.
    """
    try:
        usable = sys.stderr is not None and sys.stderr.fileno() >= 0
    except (AttributeError, OSError, ValueError):
        usable = False
    if usable or sys.__stderr__ is None:
        yield
        return
    captured, sys.stderr = sys.stderr, sys.__stderr__
    try:
        yield
    finally:
        sys.stderr = captured


SHARD_FROM = 200
"""Sweeps of fewer assets stay in one process: starting workers costs about half a second."""


@dataclass(frozen=True, slots=True)
class Judged:
    """An outcome with what it did not observe folded into `skipped`, and its findings."""

    outcome: ProbeOutcome
    findings: list[Finding]
    why: str
    """Why part of the asset went unobserved ("" when it was fully observed)."""
    names: tuple[tuple[str, str], ...] = ()
    """(name, how) of the names under the asset's site the probe showed, not inventoried."""


def judge(
    outcome: ProbeOutcome, ctx: RuleContext, off: frozenset[str], facts: DomainFacts
) -> Judged:
    """Evaluate one outcome; its unobserved and switched-off checks keep their findings' state."""
    outcome, ctx = facts.apply(outcome, ctx)
    blind, why = unobserved(outcome)
    outcome = replace(outcome, skipped=outcome.skipped | blind | off)
    names = tuple(found_names(outcome, ctx))
    return Judged(outcome, evaluate(outcome, ctx, off), "; ".join(why), names)


def off_for(disabled: Mapping[tuple[str, int], str], asset: Asset) -> frozenset[str]:
    """Check ids switched off for an asset (everywhere or for it alone)."""
    return frozenset(c for (c, a) in disabled if a in (0, asset.id or 0))


@dataclass(frozen=True, slots=True)
class _Shard:
    config: ProbeConfig
    assets: tuple[Asset, ...]
    known: frozenset[str]
    baselines: dict[int, Baseline]
    disabled: dict[tuple[str, int], str]
    facts: DomainFacts


def _work(shard: _Shard, out: Any) -> None:
    """A worker process: probe and judge its assets, put each result on `out`, then None."""

    async def main() -> None:
        async with Prober(shard.config, utcnow, shard.known) as prober:
            async for outcome in sweep(shard.assets, prober, shard.config.concurrency):
                asset = outcome.asset
                ctx = RuleContext(utcnow(), shard.known, shard.baselines.get(asset.id or 0))
                judged = judge(outcome, ctx, off_for(shard.disabled, asset), shard.facts)
                # The queue is bounded: wait for room without blocking this loop's probes.
                await asyncio.get_running_loop().run_in_executor(None, out.put, judged)

    from checks.service.sweeps import run_async

    try:
        run_async(main())
    except BaseException:  # reported to the writer, which raises it
        out.put(("error", traceback.format_exc()))
    finally:
        out.put(None)


async def judged_in_shards(
    config: ProbeConfig,
    todo: Sequence[Asset],
    known: frozenset[str],
    baselines: Mapping[int, Baseline],
    disabled: Mapping[tuple[str, int], str],
    facts: DomainFacts,
) -> AsyncIterator[Judged]:
    """Judged outcomes of `todo` from `config.processes` worker processes, as they come.

    Raises:
        RuntimeError: a worker failed (its traceback is the message).
    """
    # Politeness holds across processes: each gets its share of `per_address`, so at most
    # `per_address` connections go to one address however many processes there are.
    count = max(1, min(config.processes, len(todo), config.per_address))
    share = replace(
        config,
        concurrency=max(1, config.concurrency // count),
        per_address=config.per_address // count,
    )
    context = _context()
    workers = []
    with _real_stderr():
        # Bounded: an outcome carries its pages (up to 512 KiB each), so a slow writer holds
        # workers back rather than letting outcomes pile up in memory.
        out = context.Queue(maxsize=128)
        for index in range(count):
            assets = tuple(todo[index::count])
            mine = {a.id: baselines[a.id] for a in assets if a.id is not None and a.id in baselines}
            shard = _Shard(share, assets, known, mine, dict(disabled), facts.for_assets(assets))
            workers.append(context.Process(target=_work, args=(shard, out), daemon=True))
        for worker in workers:
            worker.start()
    loop = asyncio.get_running_loop()
    try:
        running = count
        while running:
            item = await loop.run_in_executor(None, _next, out, workers)
            if item is None:
                running -= 1
            elif isinstance(item, tuple):
                raise RuntimeError(f"a sweep worker failed:\n{item[1]}")
            elif isinstance(item, Judged):
                yield item
    finally:
        for worker in workers:
            if worker.is_alive():
                worker.terminate()
            worker.join(5)


def _context() -> Any:
    """Fork while this process runs one thread (the command line): a forked worker starts in
    milliseconds with everything imported, where a spawned one spends about half a second of
    CPU importing. With other threads running (the dashboard), a fork could copy a lock some
    thread holds, so workers are spawned.
    """
    if threading.active_count() == 1 and "fork" in multiprocessing.get_all_start_methods():
        return multiprocessing.get_context("fork")
    return multiprocessing.get_context("spawn")


def _next(out: Any, workers: Collection[multiprocessing.process.BaseProcess]) -> Any:
    """The next item, waking up now and then: a worker that died without a word is an error."""
    while True:
        try:
            return out.get(timeout=0.5)
        except queue.Empty:
            if not any(w.is_alive() for w in workers):
                try:
                    return out.get(timeout=0.5)
                except queue.Empty:
                    return ("error", "every sweep worker exited without finishing")
