"""The product's sweeps against a bare, tuned httpx prober, side by side on one lab, in one run.

    python bench/compare.py [--assets 1000] [--trusted-ca] [--processes N] [--concurrency N]

The lab (python -m checks.lab) serves N sites on 32 loopback addresses, each on HTTP and HTTPS,
with injected latency (10 ms DNS, 50 ms HTTP). By default its certificates are not trusted,
as many small-company servers' certificates are not (self-signed, private CAs): every HTTPS
certificate fails verification. `--trusted-ca` trusts the lab's CA instead.

The bare prober is what a careful engineer would write in an afternoon: one process, dnspython
for A records, one httpx client (no verification, keep-alive), one GET per scheme, the title
by regex, 64 at once. It stores nothing and checks nothing.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import re
import resource
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import dns.asyncresolver
import dns.nameserver
import httpx

from checks.lab.scenarios import Ports, bench
from checks.model import Settings
from checks.service.sweeps import ProbeOverrides, config_from, run_async, run_sweep
from checks.store import Store

TITLE = re.compile(rb"<title[^>]*>(.*?)</title", re.I | re.S)


def start_lab(args: argparse.Namespace) -> tuple[subprocess.Popen[str], dict[str, object]]:
    lab = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "checks.lab",
            "--bench",
            str(args.assets),
            "--addresses",
            "32",
            "--dns-latency",
            str(args.dns_latency),
            "--http-latency",
            str(args.http_latency),
        ],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    assert lab.stdout is not None
    return lab, json.loads(lab.stdout.readline())


async def bare(info: dict[str, object], hosts: list[str], ports: Ports) -> tuple[float, int]:
    """The bare prober: (seconds, pages with a title)."""
    resolver = dns.asyncresolver.Resolver(configure=False)
    address, port = info["dns"]  # type: ignore[misc]
    resolver.nameservers = [dns.nameserver.Do53Nameserver(address, port)]
    # Tuned: no idle connections kept (each site is a new origin, and httpcore scans its pool
    # on every request, so a large idle pool costs more CPU than it saves).
    limits = httpx.Limits(max_connections=64, max_keepalive_connections=0)
    sem = asyncio.Semaphore(64)
    titles = 0
    async with httpx.AsyncClient(verify=False, limits=limits, timeout=10) as client:

        async def one(host: str) -> None:
            nonlocal titles
            async with sem:
                answer = await resolver.resolve(host, "A")
                ip = answer[0].to_text()
                for scheme, p in (("http", ports.http), ("https", ports.https)):
                    url = f"{scheme}://{ip}:{p}/"
                    extensions = {"sni_hostname": host} if scheme == "https" else {}
                    resp = await client.get(url, headers={"Host": host}, extensions=extensions)
                    titles += bool(TITLE.search(resp.content))

        started = time.perf_counter()
        await asyncio.gather(*(one(h) for h in hosts))
        return time.perf_counter() - started, titles


def product(
    info: dict[str, object],
    ports: Ports,
    count: int,
    light: bool,
    trusted: bool,
    processes: int,
    concurrency: int,
) -> tuple[float, float, int]:
    """The product's sweep into a fresh database: (wall seconds, CPU seconds, pages 200)."""
    assets = bench(ports, count, info["addresses"]).inventory  # type: ignore[arg-type]
    with tempfile.TemporaryDirectory() as folder:
        store = Store(Path(folder) / "bench.db")
        with store.atomic():
            for asset in assets:
                store.assets.save(asset)
        address, port = info["dns"]  # type: ignore[misc]
        overrides = ProbeOverrides(
            nameservers=((address, port),),
            ca_bundle=str(info["ca_pem"]) if trusted else None,
            light=light,
            processes=processes or None,
            concurrency=concurrency or None,
        )
        config = config_from(Settings(), overrides)
        cpu0 = _cpu()
        progress = run_async(run_sweep(store, config))
        cpu = _cpu() - cpu0
        served = sum(1 for r in store.views.asset_rows() if r.http_status == 200)
        store.close()
    return progress.elapsed_s, cpu, served


def _lab_cpu(lab: subprocess.Popen[str]) -> float:
    """CPU seconds the lab has used so far (Linux /proc; 0 elsewhere)."""
    try:
        fields = Path(f"/proc/{lab.pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


class PssPeak:
    """The peak of this process's and its children's PSS, sampled every 0.2 s (Linux /proc).

    PSS counts a page shared by forked workers once, split between them: the sweep's own
    memory. The lab is left out (it is not the product)."""

    def __init__(self, lab_pid: int) -> None:
        self.lab_pid = lab_pid
        self.peak_kib = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def __enter__(self) -> PssPeak:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()

    def _run(self) -> None:
        me = os.getpid()
        while not self._stop.wait(0.2):
            try:
                kids = Path(f"/proc/{me}/task/{me}/children").read_text().split()
            except OSError:
                return
            total = 0
            for pid in [str(me), *kids]:
                if pid == str(self.lab_pid):
                    continue
                try:
                    text = Path(f"/proc/{pid}/smaps_rollup").read_text()
                except OSError:
                    continue
                total += next(
                    (int(x.split()[1]) for x in text.splitlines() if x.startswith("Pss:")), 0
                )
            self.peak_kib = max(self.peak_kib, total)


def _cpu() -> float:
    """CPU seconds of this process and of its finished worker processes (the sweep's shards)."""
    own = resource.getrusage(resource.RUSAGE_SELF)
    kids = resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + kids.ru_utime + kids.ru_stime


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--assets", type=int, default=1000)
    parser.add_argument("--dns-latency", type=float, default=0.010)
    parser.add_argument("--http-latency", type=float, default=0.050)
    parser.add_argument("--trusted-ca", action="store_true", help="trust the lab's CA")
    parser.add_argument("--processes", type=int, default=0, help="sweep processes (0: auto)")
    parser.add_argument(
        "--concurrency", type=int, default=0, help="assets at once (0: the product's default)"
    )
    args = parser.parse_args()
    load = os.getloadavg()
    lab, info = start_lab(args)
    try:
        ports = Ports(int(info["http"]), int(info["https"]), int(info["closed"]))  # type: ignore[call-overload]
        hosts = [a.name for a in bench(ports, args.assets, info["addresses"]).inventory]  # type: ignore[arg-type]
        cpu0, lab0 = _cpu(), _lab_cpu(lab)
        bare_s, titles = asyncio.run(bare(info, hosts, ports))
        rows = [
            (
                "bare httpx prober (HTTP + HTTPS, title)",
                bare_s,
                _cpu() - cpu0,
                _lab_cpu(lab) - lab0,
                titles,
            )
        ]
        peaks = []
        for light in (True, False):
            lab0 = _lab_cpu(lab)
            with PssPeak(lab.pid) as pss:
                wall, cpu, served = product(
                    info,
                    ports,
                    args.assets,
                    light,
                    args.trusted_ca,
                    args.processes,
                    args.concurrency,
                )
            peaks.append(pss.peak_kib / 1024)
            name = "assetwatch scan --light" if light else "assetwatch scan (full)"
            rows.append((name, wall, cpu, _lab_cpu(lab) - lab0, served))
        # Children waited for so far: the sweep workers (the lab is still running).
        workers_peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    finally:
        if lab.stdin:
            lab.stdin.close()
        lab.wait(10)
    certs = "trusted CA" if args.trusted_ca else "certificates not trusted (self-signed/private CA)"
    print(
        f"{args.assets} lab sites, HTTP and HTTPS, {certs}; latency DNS "
        f"{args.dns_latency * 1000:.0f} ms, HTTP {args.http_latency * 1000:.0f} ms"
    )
    print(
        f"{'':44} {'wall s':>8} {'assets/s':>9} {'ratio':>6} {'CPU s':>7} {'lab CPU s':>9} "
        f"{'ok':>6}"
    )
    for name, wall, cpu, lab_cpu, ok in rows:
        rate = args.assets / wall
        ratio = rate / (args.assets / bare_s)
        print(f"{name:44} {wall:8.2f} {rate:9.0f} {ratio:6.2f} {cpu:7.1f} {lab_cpu:9.1f} {ok:6}")
    print(
        f"load average before the run: {load[0]:.2f} (2 cores; the lab shares them, its CPU is "
        "the servers' share, which on a real network is not this machine's)"
    )
    print(
        f"peak memory of the sweep in all (writer and workers, PSS): light {peaks[0]:.0f} MiB, "
        f"full {peaks[1]:.0f} MiB"
    )
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(
        f"peak memory: {peak:.0f} MiB in this process (bare prober, the sweeps' writer), "
        f"{workers_peak:.0f} MiB in the largest sweep worker (the lab runs in its own process)"
    )


if __name__ == "__main__":
    main()
