"""Workers on PostgreSQL: N lab assets swept by 1, 2 and 4 `assetwatch worker` processes, beside
one `scan` process writing to the same PostgreSQL and to SQLite, in one run.

    python bench/workers.py [--assets 2000] [--workers 1,2,4] [--jobs 64] [--baselines sqlite,pg]

Every run is a light sweep (home URLs only) of a fresh database on the lab of bench/compare.py
(10 ms DNS, 50 ms HTTP). For each: wall time, assets per second, and the database's cost per
asset from pg_stat_database (transactions committed, rows written) and the CPU the PostgreSQL
server's processes used (from /proc).
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.compare import start_lab  # noqa: E402
from checks.lab.postgres import LabPostgres  # noqa: E402
from checks.lab.scenarios import Ports, bench  # noqa: E402
from checks.model import Settings  # noqa: E402
from checks.service.sweeps import ProbeOverrides, config_from, run_async, run_sweep  # noqa: E402
from checks.store import Store  # noqa: E402

WORKER = """
import json, sys
from checks.service import workers
from checks.service.sweeps import ProbeOverrides, run_async
spec = json.loads(sys.argv[2])
overrides = ProbeOverrides(nameservers=(tuple(spec["dns"]),), light=True, timeout=10)
run_async(workers.run_worker(workers.WorkerOptions(
    url=sys.argv[1], overrides=overrides, concurrency=spec["jobs"], until_idle=True,
    schedule_s=5.0,
)))
"""


def _server_cpu(pg: LabPostgres) -> float:
    """CPU seconds of the server: the postmaster, its running backends, and the ended ones
    (their CPU is the postmaster's children's time once reaped)."""
    total = 0.0
    tick = os.sysconf("SC_CLK_TCK")
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            cmd = (entry / "cmdline").read_bytes()
            stat = (entry / "stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if entry.name == str(pg._pid()):  # the postmaster, with its ended backends' CPU
            total += sum(int(v) for v in stat[11:15]) / tick
        elif stat[1] == str(pg._pid()) and b"postgres" in cmd:  # backends still running
            total += (int(stat[11]) + int(stat[12])) / tick
    return total


def _stats(url: str) -> tuple[int, int]:
    import psycopg

    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute("SELECT pg_stat_clear_snapshot()")
        row = conn.execute(
            "SELECT xact_commit, tup_inserted + tup_updated + tup_deleted FROM pg_stat_database "
            "WHERE datname = current_database()"
        ).fetchone()
    assert row is not None
    return int(row[0]), int(row[1])


def _seed(target: str, assets: list) -> None:  # type: ignore[type-arg]
    store = Store(target)
    with store.atomic():
        for asset in assets:
            store.assets.save(asset)
    store.settings.set("interval_min", "1440")
    store.close()


def _show(row: tuple[str, float, int, int, float], n: int) -> None:
    """A row as soon as it is measured (a long run can be read as it goes)."""
    name, wall, commits, written, cpu = row
    print(f"measured: {name}: {wall:.1f} s, {n / wall:.0f} assets/s", flush=True)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--assets", type=int, default=2000)
    parser.add_argument("--workers", default="1,2,4")
    parser.add_argument("--jobs", type=int, default=64, help="assets at once per worker")
    parser.add_argument(
        "--baselines", default="sqlite,pg", help="the scan runs to compare with: sqlite, pg, both"
    )
    parser.add_argument("--dns-latency", type=float, default=0.010)
    parser.add_argument("--http-latency", type=float, default=0.050)
    args = parser.parse_args()
    load = os.getloadavg()
    lab, info = start_lab(args)
    rows = []
    try:
        ports = Ports(int(info["http"]), int(info["https"]), int(info["closed"]))  # type: ignore[call-overload]
        assets = bench(ports, args.assets, info["addresses"]).inventory  # type: ignore[arg-type]
        dns = list(info["dns"])  # type: ignore[call-overload]
        with LabPostgres() as pg:
            # Baselines: one scan process, into SQLite and into PostgreSQL.
            wanted = args.baselines.split(",")
            with tempfile.TemporaryDirectory() as folder:
                for name, target in (
                    (
                        "scan --light, SQLite",
                        str(Path(folder) / "b.db") if "sqlite" in wanted else "",
                    ),
                    (
                        "scan --light, PostgreSQL",
                        pg.fresh_database("scan") if "pg" in wanted else "",
                    ),
                ):
                    if not target:
                        continue
                    _seed(target, assets)
                    pg_url = target if target.startswith("postgresql") else None
                    before = _stats(pg_url) if pg_url else (0, 0)
                    cpu0 = _server_cpu(pg)
                    store = Store(target)
                    config = config_from(
                        Settings(), ProbeOverrides(nameservers=((dns[0], dns[1]),), light=True)
                    )
                    t0 = time.perf_counter()
                    run_async(run_sweep(store, config))
                    wall = time.perf_counter() - t0
                    store.close()
                    after = _stats(pg_url) if pg_url else (0, 0)
                    rows.append(
                        (
                            name,
                            wall,
                            after[0] - before[0],
                            after[1] - before[1],
                            _server_cpu(pg) - cpu0 if pg_url else 0.0,
                        )
                    )
                    _show(rows[-1], args.assets)
            _seed(pg.fresh_database("seeded"), assets)  # copied for each run (a template)
            for count in (int(n) for n in args.workers.split(",")):
                url = pg.fresh_database(f"w{count}", template="seeded")
                spec = json.dumps({"dns": dns, "jobs": args.jobs})
                before, cpu0 = _stats(url), _server_cpu(pg)
                t0 = time.perf_counter()
                procs = [
                    subprocess.Popen([sys.executable, "-c", WORKER, url, spec])
                    for _ in range(count)
                ]
                for p in procs:
                    p.wait()
                wall = time.perf_counter() - t0
                after = _stats(url)
                check = Store(url)
                done = check.db.execute("SELECT count(*) FROM probe_runs").fetchone()[0]
                check.close()
                assert done == len(assets), (done, len(assets))
                rows.append(
                    (
                        f"{count} worker process(es), PostgreSQL",
                        wall,
                        after[0] - before[0],
                        after[1] - before[1],
                        _server_cpu(pg) - cpu0,
                    )
                )
                _show(rows[-1], args.assets)
    finally:
        if lab.stdin:
            lab.stdin.close()
        lab.wait(10)
    n = args.assets
    print(
        f"{n} lab sites, light sweeps; latency DNS {args.dns_latency * 1000:.0f} ms, HTTP "
        f"{args.http_latency * 1000:.0f} ms; {args.jobs} assets at once per worker"
    )
    print(
        f"{'':38} {'wall s':>7} {'assets/s':>9} {'commits/asset':>14} {'rows/asset':>11} "
        f"{'server CPU ms/asset':>20}"
    )
    for name, wall, commits, written, cpu in rows:
        print(
            f"{name:38} {wall:7.1f} {n / wall:9.0f} {commits / n:14.2f} {written / n:11.1f} "
            f"{cpu * 1000 / n:20.2f}"
        )
    print(
        f"load average before the run: {load[0]:.2f} (2 cores, shared with the lab and the server)"
    )


if __name__ == "__main__":
    main()
