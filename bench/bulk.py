"""Bulk paths at scale: import, side by side with a bare loader, each in a fresh process.

    python bench/bulk.py [--rows 100000] [--json-mb 50]

1. `import` of a CSV of N rows into an empty database (parsing, validation, IDNA, one
   transaction, an audit event a row), beside a bare loader: csv.reader and one executemany
   into a table of the same columns, no validation and no log.
2. The same for a JSON file of about M MB (objects with every column; notes make up the size).

Each measurement runs in a process of its own, so its peak memory (ru_maxrss) is its own.
"""

from __future__ import annotations

import argparse
import csv
import json
import resource
import sqlite3
import subprocess
import sys
import tempfile
import time
from pathlib import Path

KINDS = ("website", "oa", "domain", "server")


def write_csv(path: Path, rows: int) -> None:
    with path.open("w", newline="", encoding="utf-8") as out:
        writer = csv.writer(out)
        writer.writerow(["name", "kind", "owner", "status", "url", "icp", "tags", "notes"])
        for i in range(rows):
            writer.writerow(_row(i, ""))


def write_json(path: Path, megabytes: int) -> int:
    notes = "机房迁移后保留，负责人变更见工单。" * 8
    items = []
    size = 0
    i = 0
    while size < megabytes * 2**20:
        item = dict(
            zip(
                ["name", "kind", "owner", "status", "url", "icp", "tags", "notes"],
                _row(i, notes),
                strict=True,
            )
        )
        text = json.dumps(item, ensure_ascii=False)
        size += len(text.encode()) + 2
        items.append(text)
        i += 1
    path.write_text("[" + ",\n".join(items) + "]", encoding="utf-8")
    return i


def _row(i: int, notes: str) -> list[str]:
    name = f"site{i}.dept{i % 97}.example.com"
    return [
        name,
        KINDS[i % 4],
        f"信息部 员工{i % 300}",
        "active" if i % 10 else "retiring",
        f"https://{name}/",
        f"豫ICP备{13000000 + i % 1000}号-{i % 9 + 1}",
        f"t{i % 7} 区域{i % 5}",
        notes,
    ]


def product(path: Path) -> None:
    from checks.service.inventory import import_file
    from checks.store import Store

    with tempfile.TemporaryDirectory() as folder:
        store = Store(Path(folder) / "bench.db", create=True)
        done = import_file(store, path, who="bench")
        store.close()
    print(json.dumps({"rows": done.rows}))


def bare(path: Path) -> None:
    with tempfile.TemporaryDirectory() as folder:
        conn = sqlite3.connect(Path(folder) / "bare.db")
        conn.execute(
            "CREATE TABLE assets (id INTEGER PRIMARY KEY, name TEXT UNIQUE, kind TEXT, owner TEXT,"
            " lifecycle TEXT, urls TEXT, icp TEXT, tags TEXT, notes TEXT)"
        )
        if path.suffix == ".json":
            data = json.loads(path.read_text(encoding="utf-8"))
            rows = [tuple(d.values()) for d in data]
        else:
            with path.open(newline="", encoding="utf-8") as handle:
                reader = csv.reader(handle)
                next(reader)
                rows = list(map(tuple, reader))
        with conn:
            conn.executemany(
                "INSERT INTO assets (name, kind, owner, lifecycle, urls, icp, tags, notes) "
                "VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                rows,
            )
        conn.close()
    print(json.dumps({"rows": len(rows)}))


def _peak_mib() -> float:
    """This process's peak resident memory. VmHWM, not ru_maxrss: on Linux ru_maxrss survives
    exec, so a child would report its parent's peak."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def measure(which: str, path: Path) -> tuple[float, float, int]:
    started = time.perf_counter()
    result = subprocess.run(
        [sys.executable, __file__, "--run", which, str(path)],
        capture_output=True,
        text=True,
        check=True,
    )
    wall = time.perf_counter() - started
    peak = json.loads(result.stderr.strip().splitlines()[-1])["peak_mib"]
    return wall, peak, json.loads(result.stdout)["rows"]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--json-mb", type=int, default=50)
    parser.add_argument("--run", nargs=2, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.run:
        which, path = args.run
        (product if which == "product" else bare)(Path(path))
        print(json.dumps({"peak_mib": _peak_mib()}), file=sys.stderr)
        return
    with tempfile.TemporaryDirectory() as folder:
        sheet = Path(folder) / "assets.csv"
        write_csv(sheet, args.rows)
        big = Path(folder) / "assets.json"
        items = write_json(big, args.json_mb)
        print(f"{'':46} {'wall s':>7} {'peak MiB':>9} {'rows':>8}")
        for label, path in (
            (f"CSV, {args.rows:,} rows", sheet),
            (f"JSON, {big.stat().st_size / 2**20:.0f} MB ({items:,} rows)", big),
        ):
            for which in ("bare", "product"):
                wall, peak, rows = measure(which, path)
                name = f"{label}: {'bare loader' if which == 'bare' else 'assetwatch import'}"
                print(f"{name:46} {wall:7.2f} {peak:9.0f} {rows:8,}")


if __name__ == "__main__":
    main()
