"""Sweep N lab sites over HTTP and HTTPS and print assets/s, CPU seconds and peak memory.

    python bench/sweep.py [--assets 1000] [--concurrency 64]
                          [--dns-latency 0.01] [--http-latency 0.05]

The lab runs in its own process (python -m checks.lab) on 127.0.1.x addresses, with
injected latency; this process runs the real sweep: DNS, HTTP and HTTPS fetches,
the checks, and batched writes to a temporary database.
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from checks.lab.scenarios import Ports, bench
from checks.probe import ProbeConfig
from checks.service.sweeps import run_async, run_sweep
from checks.store import Store


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--assets", type=int, default=1000)
    parser.add_argument("--concurrency", type=int, default=64)
    parser.add_argument(
        "--addresses", type=int, default=32, help="loopback addresses for the sites"
    )
    parser.add_argument("--dns-latency", type=float, default=0.010)
    parser.add_argument("--http-latency", type=float, default=0.050)
    parser.add_argument("--light", action="store_true", help="skip the sensitive-path probes")
    args = parser.parse_args()

    lab = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "checks.lab",
            "--bench",
            str(args.assets),
            "--addresses",
            str(args.addresses),
            "--dns-latency",
            str(args.dns_latency),
            "--http-latency",
            str(args.http_latency),
        ],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert lab.stdout is not None
        info = json.loads(lab.stdout.readline())
        ports = Ports(info["http"], info["https"], info["closed"])
        assets = bench(ports, args.assets, info["addresses"]).inventory
        with tempfile.TemporaryDirectory() as folder:
            store = Store(Path(folder) / "bench.db")
            with store.atomic():
                for asset in assets:
                    store.assets.save(asset)
            config = ProbeConfig(
                nameservers=((info["dns"][0], info["dns"][1]),),
                ca_bundle=info["ca_pem"],
                concurrency=args.concurrency,
                paths=not args.light,
            )
            cpu0 = time.process_time()
            progress = run_async(run_sweep(store, config))
            cpu = time.process_time() - cpu0
            probes = sum(1 for r in store.views.asset_rows() if r.http_status == 200)
            store.close()
    finally:
        if lab.stdin:
            lab.stdin.close()
        lab.wait(10)
    peak_mib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"assets           {progress.done}")
    print(f"answered 200     {probes}")
    print(f"wall seconds     {progress.elapsed_s:.2f}")
    print(f"assets/s         {progress.rate:.0f}")
    print(f"CPU seconds      {cpu:.2f}  ({cpu / max(progress.done, 1) * 1000:.2f} ms/asset)")
    print(f"peak memory MiB  {peak_mib:.0f}")
    print(
        f"latency          DNS {args.dns_latency * 1000:.0f} ms, "
        f"HTTP {args.http_latency * 1000:.0f} ms; concurrency {args.concurrency}; "
        f"{'light (no well-known paths)' if args.light else 'full (18 well-known paths per site)'}"
    )


if __name__ == "__main__":
    main()
