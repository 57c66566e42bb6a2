"""180 days of 15-minute history for N assets, written through the store's own code.

    python bench/history.py [--assets 1000] [--days 180] [--old]

Outcomes are recorded ones from the demo lab (tests/data/lab-sweep.sql: real pages, headers,
certificates, 18 well-known paths), re-timed for every probe. Change rates are those of a
small company's sites: most never change in a month, a sixth change once a day (news, a
rotated banner), one in twenty on every probe (a page that shows the time to the second, a
random token), and a site goes down now and then. A full sweep runs daily; the rest are
light. History upkeep (`prune`) runs once a simulated day, as a full sweep would.

`--old` writes the same history as versions before m010 did (a plain-JSON row a probe), opens
it with today's store and prunes until its rows are converted: the time, and the file's size
before, after and after `vacuum`.
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
from checks.store.history import LEGACY_BUDGET_S

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


def sweeps(assets: list, models: list, rng: random.Random, start: datetime, days: int):
    """Every 15-minute sweep of `days` days: (when, the day, whether full, the outcomes)."""
    kind = [rng.choices(("static", "daily", "dynamic"), (80, 15, 5))[0] for _ in assets]
    shape = [rng.choice(models) for _ in assets]
    for day in range(days):
        for slot in range(96):
            now = start + timedelta(days=day, minutes=15 * slot)
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
                batch.append(
                    replace(
                        base,
                        asset=asset,
                        started_at=now,
                        finished_at=now,
                        http=http,
                        paths=base.paths if full else (),
                        spider=base.spider if full else None,
                        scripts=base.scripts if full else (),
                        skipped=frozenset() if full else LIGHT_SKIPS,
                    )
                )
            yield now, day, full, batch


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--assets", type=int, default=1000)
    parser.add_argument("--days", type=int, default=180)
    parser.add_argument(
        "--old",
        action="store_true",
        help="write the history as versions before m010 did (plain JSON, a row a probe), "
        "then time its conversion and print the size before and after",
    )
    args = parser.parse_args()
    if args.old:
        old(args.assets, args.days)
        return
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
        probes = 0
        started = time.perf_counter()
        for now, day, _full, batch in sweeps(assets, models, rng, start, args.days):
            clock.now = now
            for chunk in range(0, len(batch), 200):
                store.probes.record([(o, []) for o in batch[chunk : chunk + 200]])
            probes += len(batch)
            if now.hour == 23 and now.minute == 45:
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


def old(count: int, days: int) -> None:
    """An old database (schema before m010, every probe a row of plain JSON, its pages by
    hash), then what `prune` makes of it: the time to convert, the size before and after."""
    from sqlite_utils import Database

    from checks.model import Asset
    from checks.store.codec import outcome_to_json, ts
    from checks.store.schema import MIGRATIONS

    rng = random.Random(1)
    models = templates()
    start = datetime(2026, 6, 1, tzinfo=UTC)
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "old.db"
        db = Database(path)
        MIGRATIONS.apply(db, stop_before="m010_history")
        assets = []
        for i in range(count):
            name = f"h{i}.example.test"
            db.execute(
                "INSERT INTO assets (name, kind, created_at, updated_at) "
                "VALUES (?, 'website', ?, ?)",
                [name, ts(start), ts(start)],
            )
            assets.append(Asset(name, id=i + 1))
        started = time.perf_counter()
        db.execute("BEGIN")
        probes = 0
        for now, _day, _full, batch in sweeps(assets, models, rng, start, days):
            for o in batch:
                for e in (*o.http, *([o.spider] if o.spider else [])):
                    if e.body_sha256:
                        db.execute(
                            "INSERT INTO pages VALUES (?, ?, ?, ?) ON CONFLICT(sha256) "
                            "DO UPDATE SET last_seen = excluded.last_seen",
                            [e.body_sha256, e.body, ts(now), ts(now)],
                        )
                main = next((e for e in o.http if e.answered), o.http[0] if o.http else None)
                probe_id = db.execute(
                    "INSERT INTO probes (asset_id, started_at, at, dns_status, addresses, cname, "
                    "http_status, http_error, response_ms, open_findings, data) "
                    "VALUES (?, ?, ?, ?, ?, '', ?, ?, ?, 0, ?)",
                    [
                        o.asset.id,
                        ts(now),
                        ts(now),
                        str(o.dns.status),
                        ",".join(o.dns.addresses),
                        main.status if main else None,
                        str(main.error) if main and main.error else None,
                        o.response_ms,
                        outcome_to_json(o),
                    ],
                ).lastrowid
                db.execute(
                    "UPDATE assets SET last_probe_id = ?, last_checked = ? WHERE id = ?",
                    [probe_id, ts(now), o.asset.id],
                )
            probes += len(batch)
        db.conn.commit()
        db.close()
        before = path.stat().st_size / 2**20
        print(
            f"old database: {count} assets x {days} days x 96 = {probes:,} probes, "
            f"{before:,.0f} MiB, written in {time.perf_counter() - started:,.0f} s"
        )
        clock = Clock(start + timedelta(days=days))
        store = Store(path, clock=clock)
        started = time.perf_counter()
        prunes = 0
        while store.probes.trend.legacy_left():
            store.probes.prune(180)
            prunes += 1
        spent = time.perf_counter() - started
        store.db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        free = store.db.execute("PRAGMA freelist_count").fetchone()[0]
        page = store.db.execute("PRAGMA page_size").fetchone()[0]
        rows = {
            t: store.db.execute(f"SELECT count(*) FROM {t}").fetchone()[0]
            for t in ("probes", "probe_ticks", "probe_rollups")
        }
        print(
            f"converted in {spent:,.1f} s ({probes / spent:,.0f} rows/s, {prunes} prune(s) "
            f"of at most {LEGACY_BUDGET_S:.0f} s); rows now {rows}"
        )
        print(
            f"file {path.stat().st_size / 2**20:,.0f} MiB, of which free "
            f"{free * page / 2**20:,.0f} MiB (reused by new rows)"
        )
        started = time.perf_counter()
        store.probes.vacuum()
        print(
            f"after vacuum: {path.stat().st_size / 2**20:,.0f} MiB "
            f"({time.perf_counter() - started:,.1f} s)"
        )
        store.close()


if __name__ == "__main__":
    main()
