"""Brute-force discovery: DNS questions for common subdomains, to our own resolver only.

Only questions are asked (A and AAAA through the configured nameservers); no name found is
ever connected to. A wildcard zone answers every name: three random labels are asked first,
and a name whose addresses are all the wildcard's is not reported, so a wildcard yields
nothing false.
"""

from __future__ import annotations

import asyncio
import secrets
from collections.abc import Iterable
from dataclasses import dataclass

from checks.probe.dns import DnsProber

MAX_WORDS = 5_000
"""Words tried per domain at most (a bigger --wordlist is cut)."""


@dataclass(frozen=True, slots=True)
class BruteResult:
    """What the brute force found under a domain."""

    names: tuple[str, ...]
    """Names that resolve (and not only to the wildcard's addresses), sorted."""
    asked: int
    wildcard: tuple[str, ...] = ()
    """The addresses every random name resolves to ("" when the zone has no wildcard)."""
    unanswered: int = 0
    """Words whose question timed out or failed: unknown, not absent."""


async def brute_force(
    domain: str,
    words: Iterable[str],
    nameservers: list[tuple[str, int]],
    lifetime: float = 3.0,
    concurrency: int = 32,
) -> BruteResult:
    """Ask for WORD.domain for every word, `concurrency` at a time."""
    dns = DnsProber(nameservers, lifetime=lifetime)
    try:
        probes = [f"aw-{secrets.token_hex(6)}.{domain}" for _ in range(3)]
        wild: set[str] = set()
        for name in probes:
            wild.update(await dns.addresses(name))
        wanted = list(dict.fromkeys(w.strip().lower() for w in words if w.strip()))[:MAX_WORDS]
        gate = asyncio.Semaphore(concurrency)

        async def one(word: str) -> tuple[str, tuple[str, ...], bool]:
            name = f"{word}.{domain}"
            async with gate:
                a, aaaa = await asyncio.gather(dns.follow(name, "A"), dns.follow(name, "AAAA"))
            lost = not a.values and not aaaa.values and a.error != "" and not a.chain
            return name, a.values + aaaa.values, lost

        results = await asyncio.gather(*(one(w) for w in wanted))
    finally:
        await dns.aclose()
    found = sorted(n for n, addresses, _ in results if addresses and not set(addresses) <= wild)
    lost = sum(1 for *_, gone in results if gone)
    return BruteResult(tuple(found), len(wanted), tuple(sorted(wild)), lost)
