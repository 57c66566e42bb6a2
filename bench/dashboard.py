"""Dashboard startup and responsiveness with many assets; prints the figures.

    python bench/dashboard.py [--assets 1000 10000 100000] [--live 10000]

1. Startup: a database with N assets (each with a probe and findings) -> seconds
   until the grid holds every row, measured in the headless app at 80x24; then, on that
   grid, the milliseconds to take in a sweep batch of 200 assets, to move 200 rows whose
   risk changed (the idle re-sort) and to sort every row by another key.
2. Responsiveness: the dashboard sweeps `--live` lab sites (lab in its own process,
   10 ms DNS / 50 ms HTTP) while the benchmark presses `down` repeatedly; prints how
   long each key press took to move the cursor (median, 99th percentile, worst).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import random
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from pathlib import Path

from textual import events

from checks.lab.scenarios import Ports, bench
from checks.model import (
    Asset,
    DnsAnswer,
    DnsStatus,
    Finding,
    HttpEntry,
    Kind,
    ProbeOutcome,
    Severity,
)
from checks.service import inventory
from checks.service.sweeps import ProbeOverrides
from checks.store import Store
from tui.dashboard import make_app
from tui.dashboard.screens.grid_view import sort_key

NOWHERE = ProbeOverrides(nameservers=(("127.0.0.1", 9),))
"""The startup phase probes nothing; should it ever try, it asks a closed loopback port."""


def fill(store: Store, count: int) -> None:
    now = datetime.now(UTC)
    with store.atomic():
        for i in range(count):
            asset = Asset(f"site{i}.bench.test", Kind.WEBSITE, owner=f"部门{i % 17}")
            inventory.save(store, asset, who="bench")
    assets = store.assets.all()
    batch = []
    for i, asset in enumerate(assets):
        outcome = ProbeOutcome(
            asset,
            now,
            now,
            DnsAnswer(asset.name, DnsStatus.ANSWER, ("127.0.0.1",)),
            (HttpEntry(f"https://{asset.name}/", status=200, elapsed_ms=30.0 + i % 50),),
        )
        findings = (
            [Finding(asset.name, "https-not-enforced", Severity.LOW, "t", "标题", "e")]
            if i % 3
            else []
        )
        batch.append((outcome, findings))
    store.probes.record(batch)


@dataclass(frozen=True, slots=True)
class Startup:
    """Seconds until the grid is full, then what a live grid does, in milliseconds."""

    full_s: float
    sync_ms: float
    """Taking in a sweep batch of BATCH assets: their rows read, redrawn, the summary redone."""
    move_ms: float
    """The idle re-sort after BATCH rows changed risk (only they move)."""
    sort_ms: float
    """Sorting every row by another key (`s`)."""


BATCH = 200
"""Assets in one stored sweep batch (the sweep writes batches of up to 200)."""


async def startup(path: Path, count: int) -> Startup:
    store = Store(path)
    started = time.perf_counter()
    app = make_app(store, NOWHERE, auto_sweep=False, lang="en")
    async with app.run_test(size=(80, 24)) as pilot:
        while app.grid.table.row_count < count:
            await pilot.pause(0.01)
        elapsed = time.perf_counter() - started
        grid = app.grid
        ids = set(random.Random(1).sample(sorted(grid.rows), min(BATCH, count)))
        sync = time.perf_counter()
        grid.data_changed(ids)
        sync_ms = (time.perf_counter() - sync) * 1000
        # Those assets turn critical: their rows change in place, then the re-sort moves them.
        worse = [replace(grid.rows[i], risk=Severity.CRITICAL, open_findings=1) for i in ids]
        grid.table.update_rows(worse, lambda row: True)
        move = time.perf_counter()
        grid.table.resort(sort_key("risk"))
        move_ms = (time.perf_counter() - move) * 1000
        sort = time.perf_counter()
        grid.table.resort(sort_key("name"))
        sort_ms = (time.perf_counter() - sort) * 1000
        await pilot.pause()
    store.close()
    return Startup(elapsed, sync_ms, move_ms, sort_ms)


async def responsiveness(path: Path, count: int) -> list[float]:
    lab = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "checks.lab",
            "--bench",
            str(count),
            "--addresses",
            "32",
            "--dns-latency",
            "0.01",
            "--http-latency",
            "0.05",
        ],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert lab.stdout is not None
        info = json.loads(lab.stdout.readline())
        store = Store(path)
        ports = Ports(info["http"], info["https"], info["closed"])
        with store.atomic():
            for asset in bench(ports, count, info["addresses"]).inventory:
                inventory.save(store, asset, who="bench")
        lab_dns = (str(info["dns"][0]), int(info["dns"][1]))
        overrides = ProbeOverrides(nameservers=(lab_dns,), ca_bundle=info["ca_pem"])
        app = make_app(store, overrides, lang="en")
        delays: list[float] = []
        async with app.run_test(size=(80, 24)):
            deadline = time.perf_counter() + 30
            while not app.sweeping and time.perf_counter() < deadline:
                await asyncio.sleep(0.01)
            while app.sweeping and len(delays) < 1000:
                before = app.grid.table.cursor_row
                started = time.perf_counter()
                key = "down" if (len(delays) // 10) % 2 == 0 else "up"
                if before <= 0 or before >= app.grid.table.row_count - 1:
                    key = "down" if before <= 0 else "up"  # never against an edge
                # As a terminal's key would arrive; Pilot.press waits until the process is idle,
                # which it never is during a sweep.
                app.post_message(events.Key(key, None))
                deadline = started + 5
                while app.grid.table.cursor_row == before and time.perf_counter() < deadline:
                    await asyncio.sleep(0.001)
                delays.append(time.perf_counter() - started)
                await asyncio.sleep(0.02)
            await app.workers.wait_for_complete()
        store.close()
        return delays
    finally:
        if lab.stdin:
            lab.stdin.close()
        lab.wait(10)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--assets", type=int, nargs="+", default=[1000, 10000, 100000])
    parser.add_argument(
        "--live", type=int, default=10000, help="lab sites swept during the key test"
    )
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        for count in args.assets:
            path = Path(folder) / f"{count}.db"
            store = Store(path)
            fill(store, count)
            store.close()
            figures = asyncio.run(startup(path, count))
            print(
                f"startup, {count:>6} assets: grid full after {figures.full_s:.2f} s; "
                f"a batch of {BATCH} taken in {figures.sync_ms:.0f} ms, "
                f"moved by the re-sort in {figures.move_ms:.1f} ms; "
                f"sorted by name in {figures.sort_ms:.0f} ms"
            )
        delays = asyncio.run(responsiveness(Path(folder) / "live.db", args.live))
        if delays:
            ms = sorted(d * 1000 for d in delays)
            p99 = ms[min(len(ms) - 1, int(len(ms) * 0.99))]
            print(
                f"key presses during a live sweep of {args.live} sites: {len(ms)}, "
                f"median {statistics.median(ms):.0f} ms, 99th percentile {p99:.0f} ms, "
                f"worst {ms[-1]:.0f} ms"
            )


if __name__ == "__main__":
    main()
