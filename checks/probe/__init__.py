"""Network I/O only: DNS, HTTP(S), TLS, risky ports and zone transfers. Returns outcomes.

Probes never raise for network failures; what they can observe, and what each outcome
means to the rules:

* answered  DnsStatus.ANSWER; HttpEntry.status set             -> evidence either way
* absent    DnsStatus.NXDOMAIN, NODATA; HttpError.CONNECT       -> evidence of absence
* unknown   DnsStatus.TIMEOUT, SERVFAIL, ERROR; HttpError.TIMEOUT,
            TLS, PROTOCOL, ERROR; ProbeOutcome.error            -> not evidence of anything

Every connection goes to an address our own DNS step returned (`checks.probe.wire.Pool`).
"""

from __future__ import annotations

from checks.probe.dns import parse_nameserver
from checks.probe.plan import probe_urls, well_known_paths
from checks.probe.prober import LIGHT_SKIPS, ProbeConfig, Prober, sweep

__all__ = [
    "LIGHT_SKIPS",
    "ProbeConfig",
    "Prober",
    "parse_nameserver",
    "probe_urls",
    "sweep",
    "well_known_paths",
]
