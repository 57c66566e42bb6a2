"""180 days of 15-minute history for N assets, written through the store's own code.

    python bench/history.py [--assets 1000] [--days 180]

Outcomes are recorded ones from the demo lab (tests/data/lab-sweep.sql: real pages, headers,
certificates, 18 well-known paths), re-timed for every probe. Change rates are those of a
small company's sites: most never change in a month, a sixth change once a day (news, a
rotated banner), one in twenty on every probe (a page that shows the time to the second, a
random token), and a site goes down now and then. A full sweep runs daily; the rest are
light. History upkeep (`prune`) runs once a simulated day, as a full sweep would.
"""

from __future__ import annotations

import argparse
import random
import sqlite3
import tempfile
import time
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path

from checks.model import HttpEntry, HttpError
from checks.probe.prober import LIGHT_SKIPS
from checks.store import Store
from checks.store.codec import outcome_from_json

WORDS = ["新闻", "公告", "活动", "招聘", "产品", "服务", "合作", "动态", "通知", "案例"]
"""A dynamic page rotates words (its digits alone would not make it another page)."""
RECORDED = Path(__file__).resolve().parent.parent / "tests" / "data" / "lab-sweep.sql"


class Clock:
    def __init__(self, now: datetime) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return self.now


def templates() -> list:
    """Recorded lab outcomes that fetched pages (their bodies included)."""
    conn = sqlite3.connect(":memory:")
    conn.executescript(RECORDED.read_text(encoding="utf-8"))
    bodies = dict(conn.execute("SELECT sha256, body FROM pages"))
    from checks.model import Asset

    out = []
    for (data,) in conn.execute("SELECT data FROM probes"):
        outcome = outcome_from_json(Asset("template"), data, bodies)
        if outcome.http and any(e.body for e in outcome.http):
            out.append(outcome)
    return out


def changed(entry: HttpEntry, token: str) -> HttpEntry:
    if not entry.body:
        return entry
    body = entry.body + f"<!-- {token} -->".encode()
    import hashlib

    return replace(entry, body=body, body_sha256=hashlib.sha256(body).hexdigest())


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--assets", type=int, default=1000)
    parser.add_argument("--days", type=int, default=180)
    args = parser.parse_args()
    rng = random.Random(1)
    models = templates()
    start = datetime(2026, 6, 1, tzinfo=UTC)
    clock = Clock(start)
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "history.db"
        store = Store(path, clock=clock)
        with store.atomic():
            assets = [
                store.assets.save(replace(models[0].asset, name=f"h{i}.example.test"))[0]
                for i in range(args.assets)
            ]
        kind = [rng.choices(("static", "daily", "dynamic"), (80, 15, 5))[0] for _ in assets]
        shape = [rng.choice(models) for _ in assets]
        probes = 0
        started = time.perf_counter()
        for day in range(args.days):
            for slot in range(96):
                clock.now = start + timedelta(days=day, minutes=15 * slot)
                full = slot == 0
                batch = []
                for i, asset in enumerate(assets):
                    base = shape[i]
                    token = {
                        "static": str(day // 30),
                        "daily": str(day),
                        "dynamic": rng.choice(WORDS) + rng.choice(WORDS),
                    }[kind[i]]
                    http = tuple(changed(e, token) for e in base.http)
                    if rng.random() < 0.002:  # down now and then
                        http = tuple(
                            replace(e, status=None, error=HttpError.CONNECT, body=b"", hops=())
                            for e in http
                        )
                    outcome = replace(
                        base,
                        asset=asset,
                        started_at=clock.now,
                        finished_at=clock.now,
                        http=http,
                        paths=base.paths if full else (),
                        spider=base.spider if full else None,
                        scripts=base.scripts if full else (),
                        skipped=frozenset() if full else LIGHT_SKIPS,
                    )
                    batch.append((outcome, []))
                for chunk in range(0, len(batch), 200):
                    store.probes.record(batch[chunk : chunk + 200])
                probes += len(batch)
            store.probes.prune(180)
            if day % 10 == 9:
                size = path.stat().st_size / 2**20
                spent = time.perf_counter() - started
                line = f"day {day + 1:3}: {probes:,} probes, {size:,.0f} MiB, {spent:,.0f} s"
                print(line, flush=True)
        store.close()
        conn = sqlite3.connect(path)
        counts = {
            t: conn.execute(f"SELECT count(*) FROM {t}").fetchone()[0]
            for t in ("probes", "probe_ticks", "probe_rollups", "pages")
        }
        conn.close()
        size = path.stat().st_size / 2**20
        wal = Path(str(path) + "-wal")
        spent = time.perf_counter() - started
        wal_mib = wal.stat().st_size / 2**20 if wal.exists() else 0
        shape = f"{args.assets} assets x {args.days} days x 96 probes"
        print(f"{shape} = {probes:,} probes in {spent:,.0f} s")
        print(f"database {size:,.0f} MiB (+ WAL {wal_mib:,.0f} MiB); rows: {counts}")


if __name__ == "__main__":
    main()
