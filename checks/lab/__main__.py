"""Run the lab on its own: `python -m checks.lab [--bench N | --control]`.

Prints where it listens as one JSON line, then serves until standard input closes. With
`--control` it also answers commands, one per line: `apply CONTROL` plays a lab control and
answers `ok HOST`; `queries` answers `ok N`, the DNS questions answered so far; `registry` the
RDAP, WHOIS and CT questions; `requests HOST` the HTTP requests served for that Host;
`connections HOST` the connections opened for it.
"""

from __future__ import annotations

import argparse
import json
import sys
from functools import partial

from checks.lab import Lab
from checks.lab.scenarios import bench


def _serve_commands(lab: Lab) -> None:
    for line in sys.stdin:
        verb, _, arg = line.strip().partition(" ")
        try:
            if verb == "apply":
                answer = f"ok {lab.apply(arg)}"
            elif verb == "queries":
                assert lab.dns is not None
                answer = f"ok {lab.dns.queries}"
            elif verb == "registry":
                answer = f"ok {lab.registry.queries}"
            elif verb == "requests":
                assert lab.web is not None
                answer = f"ok {lab.web.hosts.get(arg.lower(), 0)}"
            elif verb == "connections":
                assert lab.web is not None
                answer = f"ok {lab.web.connections.get(arg.lower(), 0)}"
            else:
                answer = f"error unknown command {verb!r}"
        except (KeyError, TimeoutError) as exc:
            answer = f"error {exc}"
        print(answer, flush=True)


def main() -> None:
    """Start the lab, print its ports, serve until stdin closes."""
    parser = argparse.ArgumentParser(prog="python -m checks.lab")
    parser.add_argument("--bench", type=int, default=0, metavar="N", help="serve N bench sites")
    parser.add_argument(
        "--control", action="store_true", help="answer commands on stdin (apply, queries)"
    )
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
                    "service": lab.ports.service,
                    "registry": lab.ports.registry,
                    "whois": lab.ports.whois,
                    "rdap_bootstrap": lab.rdap_bootstrap,
                    "ca_pem": lab.ca_pem,
                    "addresses": list(addresses),
                }
            ),
            flush=True,
        )
        if args.control:
            _serve_commands(lab)
        else:
            sys.stdin.read()


if __name__ == "__main__":
    main()
