"""Probing assets: one asset (DNS, then its URLs over HTTP and HTTPS), or a whole sweep."""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
from collections.abc import AsyncIterator, Awaitable, Iterable, Sequence
from contextlib import AbstractAsyncContextManager
from dataclasses import dataclass
from typing import TypeVar
from urllib.parse import urlsplit

from checks.knowledge.fingerprints import risky_ports
from checks.model import (
    Asset,
    Clock,
    DnsAnswer,
    DnsStatus,
    HttpEntry,
    HttpError,
    Kind,
    Lifecycle,
    PathProbe,
    ProbeOutcome,
    ScriptFile,
    ZoneTransfer,
    utcnow,
)
from checks.probe.dns import DnsProber
from checks.probe.http import SPIDER_HEADERS, HttpLimits, HttpSession
from checks.probe.plan import (
    catch_all,
    own_script_urls,
    probe_urls,
    served_origin,
    well_known_paths,
)
from checks.probe.policy import ProbePolicy
from checks.probe.ports import open_ports
from checks.probe.tls import ChainVerifier, lenient_context
from checks.probe.zone import try_axfr

T = TypeVar("T")

LIGHT_SKIPS = frozenset(
    {"sensitive-file-exposed", "oa-exposed", "admin-panel-exposed", "seo-spam", "injected-script"}
)
"""Checks a light sweep cannot clear: it asks no well-known paths, no scripts and not as
Baiduspider. They may still fire on what the home pages show; they resolve only in a full sweep."""


@dataclass(frozen=True, slots=True)
class ProbeConfig:
    """Everything a sweep needs to know, from the command line or the settings."""

    nameservers: tuple[tuple[str, int], ...] = ()
    """(address, port) pairs; empty means the system's resolvers."""
    ca_bundle: str | None = None
    timeout: float = 10.0
    """Seconds for one URL, redirects included; DNS gets up to 4 s of it."""
    concurrency: int = 64
    per_address: int = 8
    """Assets probed at once against one IP address (shared hosting, one server)."""
    body_cap: int = 512 * 1024
    max_redirects: int = 5
    port_timeout: float = 1.5
    """Seconds for one TCP connect to a risky port."""
    port_map: tuple[tuple[str, int, int], ...] = ()
    """(host, port, where to really connect): only the loopback lab uses it."""
    axfr_port: int = 53
    """Port of the nameservers for zone-transfer attempts (the lab's is a high port)."""
    paths: bool = True
    """Also fetch the well-known sensitive paths (checks/data/exposures.json) on the main origin,
    and the home page's own scripts."""
    processes: int = 1
    """Worker processes a sweep shards its assets over (one writer: the calling process)."""
    scripts: int = 8
    """Scripts of the home page fetched per site (own site or inventoried hosts only)."""
    script_cap: int = 128 * 1024
    """Bytes of each fetched script kept."""
    registration: bool = True
    """Look registrable domains up (RDAP, WHOIS) where the day's cache has nothing; off in a
    light sweep, where only cached registrations are judged."""
    rdap_bootstrap: str | None = None
    """An RDAP bootstrap file (dns.json format); None is the shipped copy."""
    whois_servers: tuple[tuple[str, str, int], ...] = ()
    """(tld, host, port) overriding the shipped WHOIS servers."""


class Prober:
    """Probes assets; holds what a sweep shares (DNS cache, SSL contexts, per-address caps).

    Use as an async context manager, one per sweep, so that the DNS cache is fresh.

    Departs from STYLE.md's "probes take their dependencies as parameters": the prober builds
    its resolver and SSL contexts from the `ProbeConfig`, because every connection must be
    pinned to our own DNS answers (`wire.Pool`), which a caller-made client could bypass.
    """

    def __init__(
        self, config: ProbeConfig, clock: Clock = utcnow, known_hosts: frozenset[str] = frozenset()
    ) -> None:
        self.config = config
        self.clock = clock
        self.known_hosts = known_hosts
        """Every inventoried host: redirects may go there, nowhere else (`ProbePolicy`)."""
        lifetime = min(4.0, config.timeout)
        self.dns = DnsProber(list(config.nameservers), lifetime=lifetime)
        self._verifier = ChainVerifier(config.ca_bundle)
        self._tls_ctx = lenient_context()
        self._limits = HttpLimits(
            connect_timeout=min(5.0, config.timeout),
            read_timeout=config.timeout,
            total_timeout=config.timeout,
            max_redirects=config.max_redirects,
            body_cap=max(1, config.body_cap),
        )
        self._per_address: dict[str, asyncio.Semaphore] = {}
        # Every step has its own bound (DNS lifetime, one timeout per URL, per path, for the
        # spider, per port); this is only a safety net, and it errs long: running out of it
        # makes the whole outcome unknown, never clear.
        # The web part: the pages, the first path, the other paths, the spider, the scripts.
        self._budget = 3 * lifetime + 5 * config.timeout + 4 * config.port_timeout + 10

    async def __aenter__(self) -> Prober:
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        await self.dns.aclose()

    async def probe(self, asset: Asset) -> ProbeOutcome:
        """Probe one asset. Never raises: an unexpected failure is kept in `error`."""
        started = self.clock()
        try:
            dns = await self.dns.probe(asset.host, with_zone=asset.kind == Kind.DOMAIN)
            policy = ProbePolicy.of(asset.host, dns.addresses, self.known_hosts, _url_hosts(asset))
            async with self._politeness(dns), asyncio.timeout(self._budget):
                http, paths, spider, scripts = await self._web(asset, dns, policy)
                ports = await self._ports(asset, dns, policy)
                axfr = await self._axfr(asset, dns, policy)
            skipped = frozenset() if self.config.paths else LIGHT_SKIPS
            return ProbeOutcome(
                asset,
                started,
                self.clock(),
                dns,
                http,
                paths,
                spider,
                axfr,
                ports,
                skipped,
                scripts=scripts,
            )
        except Exception as exc:  # one asset must never stop a sweep
            return ProbeOutcome(
                asset,
                started,
                self.clock(),
                DnsAnswer(asset.host, DnsStatus.ERROR),
                error=f"{type(exc).__name__}: {exc}",
            )

    def _politeness(self, dns: DnsAnswer) -> AbstractAsyncContextManager[object]:
        """At most `per_address` assets at once against one address (shared hosting)."""
        if not dns.addresses:
            return contextlib.nullcontext()
        return self._per_address.setdefault(
            dns.addresses[0], asyncio.Semaphore(self.config.per_address)
        )

    async def _axfr(self, asset: Asset, dns: DnsAnswer, policy: ProbePolicy) -> ZoneTransfer | None:
        if asset.kind != Kind.DOMAIN:
            return None
        for server in dns.ns:
            for address in await self.dns.addresses(server):
                if not policy.allows_nameserver(server, address):
                    continue
                result = await try_axfr(
                    asset.host, server, address, self.config.axfr_port, self.config.port_timeout * 2
                )
                if result is not None:
                    return result
        return None

    async def _ports(
        self, asset: Asset, dns: DnsAnswer, policy: ProbePolicy
    ) -> tuple[int, ...] | None:
        # Servers, and anything being retired: a retired site must not keep a database open.
        wanted_here = asset.kind == Kind.SERVER or asset.lifecycle != Lifecycle.ACTIVE
        if not wanted_here or not dns.resolves or not policy.allows(dns.addresses[0]):
            return None
        wanted = [p.port for p in risky_ports()]
        mapping = {p: real for h, p, real in self.config.port_map if h == asset.host}
        return await open_ports(dns.addresses[0], wanted, self.config.port_timeout, mapping)

    async def _web(
        self, asset: Asset, dns: DnsAnswer, policy: ProbePolicy
    ) -> tuple[
        tuple[HttpEntry, ...], tuple[PathProbe, ...], HttpEntry | None, tuple[ScriptFile, ...]
    ]:
        host = asset.host
        urls = probe_urls(asset)
        if not urls:
            return (), (), None, ()
        if not dns.resolves:
            detail = f"{host}: {dns.status}"
            return (
                tuple(HttpEntry(u, error=HttpError.UNRESOLVED, error_detail=detail) for u in urls),
                (),
                None,
                (),
            )
        session = HttpSession(
            self.dns.addresses, self._tls_ctx, self._verifier, self._limits, policy
        )
        try:
            entries = await asyncio.gather(
                *(session.fetch(u, urlsplit(u).hostname or host) for u in urls)
            )
            origin = served_origin(entries)
            paths = await self._paths(session, origin, entries) if self.config.paths else []
            spider = await self._spider(session, asset, entries) if self.config.paths else None
            scripts = await self._scripts(session, asset, entries)
        finally:
            await session.aclose()
        return tuple(entries), tuple(paths), spider, scripts

    async def _paths(
        self, session: HttpSession, origin: str, entries: Sequence[HttpEntry]
    ) -> list[PathProbe]:
        """The well-known paths on the served origin; one first, to spot a catch-all site.

        A site that answers the first path with its home page answers every path that way
        (hacked and single-page sites do): none of them could prove anything, so none is asked.
        The rest share the origin's one kept-alive connection, within `timeout` in all: a path
        not answered by then is unanswered (its checks are not verified), never absent.
        """
        if not origin:
            return []
        first, *rest = well_known_paths()
        probe = await session.fetch_path(origin + first)
        if catch_all(probe, entries, origin):
            return [probe]
        urls = [origin + p for p in rest]
        found = await _within(self.config.timeout, [session.fetch_path(u) for u in urls])
        rest_found = (f or PathProbe(u, None) for u, f in zip(urls, found, strict=True))
        return [probe, *rest_found]

    async def _scripts(
        self, session: HttpSession, asset: Asset, entries: Sequence[HttpEntry]
    ) -> tuple[ScriptFile, ...]:
        """The home page's scripts on its own site or inventoried hosts, bounded; full sweeps only.

        No redirects are followed (a redirect could lead to a foreign host), each body is cut
        at `script_cap`, and connections go only where the probe policy allows.
        """
        if not self.config.paths or asset.kind not in (Kind.WEBSITE, Kind.OA):
            return ()
        config = self.config
        urls = own_script_urls(entries, asset, self.known_hosts, config.scripts)
        fetched = await _within(
            config.timeout, [session.fetch_path(u, config.script_cap) for u in urls]
        )
        return tuple(
            ScriptFile(
                p.url, p.status, p.head, hashlib.sha256(p.head).hexdigest() if p.head else ""
            )
            if p is not None
            else ScriptFile(u, None, b"", "")
            for u, p in zip(urls, fetched, strict=True)
        )

    @staticmethod
    async def _spider(
        session: HttpSession, asset: Asset, entries: Sequence[HttpEntry]
    ) -> HttpEntry | None:
        main = next((e for e in entries if e.status is not None), None)
        if main is None or asset.kind not in (Kind.WEBSITE, Kind.OA):
            return None
        headers = {**SPIDER_HEADERS, "Referer": SPIDER_HEADERS["Referer"] + asset.host}
        return await session.fetch(main.url, urlsplit(main.url).hostname or asset.host, headers)


async def _within(seconds: float, steps: Sequence[Awaitable[T]]) -> list[T | None]:
    """Run `steps` together for at most `seconds`: each one's result, None where time ran out."""
    tasks = [asyncio.ensure_future(s) for s in steps]
    if not tasks:
        return []
    try:
        _, pending = await asyncio.wait(tasks, timeout=seconds)
    finally:  # cancelled too (the probe's budget, a stopped sweep): no request outlives it
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
    return [None if t in pending or t.cancelled() or t.exception() else t.result() for t in tasks]


def _url_hosts(asset: Asset) -> set[str]:
    """Hosts of the URLs the admin gave: the inventory names them, so they may be contacted."""
    return {h for u in asset.urls if (h := urlsplit(u).hostname)}


async def sweep(
    assets: Iterable[Asset], prober: Prober, concurrency: int | None = None
) -> AsyncIterator[ProbeOutcome]:
    """Probe every asset with at most `concurrency` at once, yielding outcomes as they finish."""
    todo: asyncio.Queue[Asset] = asyncio.Queue()
    for asset in assets:
        todo.put_nowait(asset)
    total = todo.qsize()
    limit = max(1, min(concurrency or prober.config.concurrency, total or 1))
    # Bounded: while the caller is behind (a busy writer), no new probe starts, so finished
    # outcomes (each with its pages) never pile up in memory.
    done: asyncio.Queue[ProbeOutcome] = asyncio.Queue(maxsize=limit)

    async def worker() -> None:
        while True:
            try:
                asset = todo.get_nowait()
            except asyncio.QueueEmpty:
                return
            await done.put(await prober.probe(asset))

    workers = [asyncio.ensure_future(worker()) for _ in range(limit)]
    try:
        for _ in range(total):
            yield await done.get()
    finally:
        for task in workers:
            task.cancel()
        await asyncio.gather(*workers, return_exceptions=True)
