"""Run the lab on its own: `python -m checks.lab [--bench N]`; prints where it listens as JSON.

The benchmark uses this to keep the lab's CPU out of the prober's process.
Stops when standard input closes.
"""

from __future__ import annotations

import argparse
import json
import sys
from functools import partial

from checks.lab import Lab
from checks.lab.scenarios import bench


def main() -> None:
    """Start the lab, print its ports, serve until stdin closes."""
    parser = argparse.ArgumentParser(prog="python -m checks.lab")
    parser.add_argument("--bench", type=int, default=0, metavar="N", help="serve N bench sites")
    parser.add_argument(
        "--addresses", type=int, default=1, help="loopback addresses to spread over"
    )
    parser.add_argument("--dns-latency", type=float, default=0.0, help="seconds")
    parser.add_argument("--http-latency", type=float, default=0.0, help="seconds")
    args = parser.parse_args()
    addresses = (
        tuple(f"127.0.1.{i + 1}" for i in range(args.addresses))
        if args.addresses > 1
        else ("127.0.0.1",)
    )
    kwargs = {}
    if args.bench:
        kwargs["scenario"] = partial(bench, count=args.bench, addresses=list(addresses))
    lab = Lab(
        addresses=addresses, dns_latency=args.dns_latency, http_latency=args.http_latency, **kwargs
    )
    with lab:
        print(
            json.dumps(
                {
                    "dns": list(lab.nameserver),
                    "http": lab.ports.http,
                    "https": lab.ports.https,
                    "closed": lab.ports.closed,
                    "ca_pem": lab.ca_pem,
                    "addresses": list(addresses),
                }
            ),
            flush=True,
        )
        sys.stdin.read()


if __name__ == "__main__":
    main()
