"""DNS probing (questions by `checks.probe.dnsclient`): addresses, the CNAME chain, NS and SOA."""

from __future__ import annotations

import asyncio
import time
from dataclasses import dataclass

import dns.exception
import dns.rcode
import dns.resolver

from checks.errors import UserError
from checks.model import DnsAnswer, DnsStatus
from checks.names import is_ip
from checks.probe.dnsclient import AllFailed, DnsClient, Reply

MAX_CHAIN = 8
"""CNAME hops we follow before calling it a loop."""


def parse_nameserver(spec: str) -> tuple[str, int]:
    """Parse HOST[:PORT], [V6]:PORT or a bare IPv6 address into (address, port).

    Raises:
        UserError: the address is not an IP address or the port is not a number.
    """
    spec = spec.strip()
    host, port = spec, 53
    if spec.startswith("["):
        host, _, rest = spec[1:].partition("]")
        if rest.startswith(":"):
            port = _port(rest[1:], spec)
    elif spec.count(":") == 1:
        host, _, raw_port = spec.partition(":")
        port = _port(raw_port, spec)
    if not is_ip(host):
        raise UserError(
            f"nameserver must be an IP address[:port], got {spec!r}",
            f"DNS 服务器须为 IP 地址[:端口]，收到 {spec!r}",
        )
    return host, port


def _port(text: str, spec: str) -> int:
    if text.isdigit() and 0 < int(text) < 65536:
        return int(text)
    raise UserError(f"bad port in nameserver {spec!r}", f"DNS 服务器端口无效：{spec!r}")


@dataclass(frozen=True, slots=True)
class Lookup:
    """The answer to one DNS question."""

    status: DnsStatus
    values: tuple[str, ...] = ()
    chain: tuple[str, ...] = ()
    loop: bool = False
    error: str = ""


def _system_nameservers() -> list[tuple[str, int]]:
    """The system's resolvers (resolv.conf), as dnspython reads them.

    Raises:
        UserError: the system has no DNS configuration.
    """
    try:
        resolver = dns.resolver.Resolver(configure=True)
    except dns.resolver.NoResolverConfiguration:
        resolver = None
    servers = [(str(n), resolver.port) for n in resolver.nameservers] if resolver else []
    if not servers:
        raise UserError(
            "no system DNS configuration; give --nameserver HOST[:PORT]",
            "系统没有 DNS 配置；请用 --nameserver 主机[:端口] 指定",
        )
    return servers


def _chain_in(reply: Reply, name: str) -> tuple[list[str], bool]:
    """Follow CNAMEs from `name` through a reply's answer section: (targets, looped)."""
    cnames = {owner: text for owner, kind, text in reply.records if kind == "CNAME"}
    chain: list[str] = []
    seen = {name.lower().rstrip(".")}
    current = next(iter(seen))
    while (target := cnames.get(current)) is not None:
        shown = target.rstrip(".")
        chain.append(shown)
        current = shown.lower()
        if current in seen or len(chain) > MAX_CHAIN * 2:
            return chain, True
        seen.add(current)
    return chain, False


class DnsProber:
    """Asks DNS questions for a sweep, answering repeated ones from a per-sweep cache.

    Args:
        nameservers: (address, port) pairs; empty means the system's resolvers.
        lifetime: seconds one question may take, retries included.
    """

    def __init__(self, nameservers: list[tuple[str, int]] | None = None, lifetime: float = 4.0):
        if not nameservers:
            nameservers = _system_nameservers()
        self.client = DnsClient(nameservers, timeout=min(2.0, lifetime), lifetime=lifetime)
        self._cache: dict[tuple[str, str], asyncio.Future[Lookup]] = {}

    async def aclose(self) -> None:
        """Cancel questions still in flight and close the sockets."""
        for fut in self._cache.values():
            fut.cancel()
        self._cache.clear()
        self.client.close()

    async def lookup(self, name: str, rdtype: str) -> Lookup:
        """One question, asked once per sweep however many assets need it."""
        key = (name, rdtype)
        fut = self._cache.get(key)
        if fut is None:
            fut = asyncio.ensure_future(self._query(name, rdtype))
            self._cache[key] = fut
        return await asyncio.shield(fut)

    async def _query(self, name: str, rdtype: str) -> Lookup:
        try:
            reply = await self.client.ask(name, rdtype)
        except dns.exception.Timeout as exc:
            return Lookup(DnsStatus.TIMEOUT, error=str(exc))
        except AllFailed as exc:
            if dns.rcode.SERVFAIL in exc.rcodes:
                return Lookup(DnsStatus.SERVFAIL, error="SERVFAIL")
            return Lookup(DnsStatus.ERROR, error=str(exc))
        except dns.exception.DNSException as exc:
            return Lookup(DnsStatus.ERROR, error=f"{type(exc).__name__}: {exc}")
        chain, loop = _chain_in(reply, name)
        if reply.rcode == dns.rcode.NXDOMAIN:
            return Lookup(DnsStatus.NXDOMAIN, (), tuple(chain), loop)
        if reply.rcode != dns.rcode.NOERROR:
            rcode = dns.rcode.to_text(dns.rcode.Rcode.make(reply.rcode))
            return Lookup(DnsStatus.ERROR, error=f"the nameserver answered {rcode}")
        if loop:
            return Lookup(DnsStatus.ERROR, (), tuple(chain), True, "CNAME loop")
        final = chain[-1].lower() if chain else name.lower().rstrip(".")
        values = tuple(
            dict.fromkeys(
                t for owner, kind, t in reply.records if owner == final and kind == rdtype
            )
        )
        return Lookup(DnsStatus.ANSWER if values else DnsStatus.NODATA, values, tuple(chain))

    async def follow(self, name: str, rdtype: str) -> Lookup:
        """Like `lookup`, but follows a CNAME chain the server left unfinished, detecting loops."""
        result = await self.lookup(name, rdtype)
        chain = list(result.chain)
        seen = {name, *chain}
        while result.status == DnsStatus.NODATA and result.chain and len(chain) < MAX_CHAIN:
            result = await self.lookup(chain[-1], rdtype)
            if not result.chain:
                break
            for target in result.chain:
                if target in seen:
                    return Lookup(DnsStatus.ERROR, (), (*chain, target), True, "CNAME loop")
                seen.add(target)
                chain.append(target)
        if len(chain) >= MAX_CHAIN and result.status == DnsStatus.NODATA and result.chain:
            return Lookup(DnsStatus.ERROR, (), tuple(chain), True, "CNAME chain too long")
        return Lookup(result.status, result.values, tuple(chain), result.loop, result.error)

    async def addresses(self, host: str) -> tuple[str, ...]:
        """IPv4 then IPv6 addresses of a host, as our own DNS step sees them."""
        if is_ip(host):
            return (host,)
        a, aaaa = await asyncio.gather(self.follow(host, "A"), self.follow(host, "AAAA"))
        return a.values + aaaa.values

    async def probe(self, host: str, *, with_zone: bool = False) -> DnsAnswer:
        """Resolve a host: A and AAAA in parallel, and NS and SOA when `with_zone`.

        Never raises for DNS failures: they become the answer's status.
        """
        if is_ip(host):
            return DnsAnswer(host, DnsStatus.ANSWER, (host,))
        started = time.perf_counter()
        queries = [self.follow(host, "A"), self.follow(host, "AAAA")]
        if with_zone:
            queries += [self.lookup(host, "NS"), self.lookup(host, "SOA")]
        results = await asyncio.gather(*queries)
        a, aaaa = results[0], results[1]
        ns, soa = (results[2], results[3]) if with_zone else (None, None)
        addresses = a.values + aaaa.values
        if addresses:
            status = DnsStatus.ANSWER
        elif DnsStatus.NXDOMAIN in (a.status, aaaa.status):
            status = DnsStatus.NXDOMAIN
        elif a.status == aaaa.status == DnsStatus.NODATA:
            status = DnsStatus.NODATA
        else:
            status = a.status if a.status != DnsStatus.NODATA else aaaa.status
        main = a if a.chain or not aaaa.chain else aaaa
        return DnsAnswer(
            name=host,
            status=status,
            addresses=addresses,
            cname_chain=main.chain,
            cname_loop=a.loop or aaaa.loop,
            ns=tuple(sorted(v.rstrip(".") for v in ns.values)) if ns else (),
            soa=soa.values[0] if soa and soa.values else "",
            error=a.error or aaaa.error,
            elapsed_ms=(time.perf_counter() - started) * 1000,
        )
