"""Registration data for registrable domains: RDAP where IANA's bootstrap has a server,
WHOIS on port 43 where it has none (.cn and .中国: CNNIC), unknown where neither is known."""

from __future__ import annotations

import asyncio
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache
from types import TracebackType
from typing import Any

import httpx

from checks.errors import UserError
from checks.knowledge import load_data
from checks.model import Clock, Registration, utcnow
from checks.names import normalize_name
from checks.registry import bootstrap
from checks.registry.clients import RDAP_CAP, http_get, whois_query
from checks.registry.rdap_parse import parse_rdap
from checks.registry.whois_parse import PARSERS

WHOIS_PORT = 43


@dataclass(frozen=True, slots=True)
class WhoisServer:
    """Where to ask about a TLD on port 43, and how its answers read."""

    host: str
    port: int = WHOIS_PORT
    format: str = "icann"


@cache
def whois_table() -> dict[str, WhoisServer]:
    """The shipped WHOIS servers (checks/data/whois_servers.json, with their sources)."""
    raw: dict[str, Any] = load_data("whois_servers.json")["servers"]
    return {tld: WhoisServer(s["host"], WHOIS_PORT, s["format"]) for tld, s in raw.items()}


def parse_whois_server(spec: str) -> tuple[str, str, int]:
    """`--whois-server TLD=HOST[:PORT]` as (tld in punycode, host, port).

    Raises:
        UserError: not TLD=HOST[:PORT].
    """
    tld, sep, where = spec.partition("=")
    host, _, port = where.rpartition(":") if ":" in where else (where, "", "")
    try:
        if not sep or not tld.strip() or not host.strip():
            raise ValueError(spec)
        number = int(port) if port else WHOIS_PORT
        if not 0 < number < 65536:
            raise ValueError(spec)
        return normalize_name(tld.strip().lstrip(".")), host.strip(), number
    except (ValueError, UserError):
        raise UserError(
            f"--whois-server wants TLD=HOST[:PORT], not {spec!r}",
            f"--whois-server 的格式是 TLD=HOST[:PORT]，而不是 {spec!r}",
        ) from None


@dataclass(frozen=True, slots=True)
class RegistryConfig:
    """Where registration data comes from, and how long a lookup may take."""

    bootstrap: str | None = None
    """An RDAP bootstrap file (dns.json format); None is the copy shipped with assetwatch."""
    whois: tuple[tuple[str, str, int], ...] = ()
    """(tld, host, port) overriding the shipped WHOIS table; formats stay the table's."""
    timeout: float = 8.0
    """Seconds for one lookup, connection and answer included."""
    concurrency: int = 16


class Registry:
    """Looks registrable domains up; one per sweep (it holds one HTTP client).

    Use as an async context manager.

    Raises:
        UserError: the bootstrap file cannot be read.
    """

    def __init__(self, config: RegistryConfig, clock: Clock = utcnow) -> None:
        self.config = config
        self.clock = clock
        self.rdap = bootstrap.load(config.bootstrap)
        table = dict(whois_table())
        for tld, host, port in config.whois:
            known = table.get(tld)
            table[tld] = WhoisServer(host, port, known.format if known else _format_for(tld))
        self.whois = table
        self._client = httpx.AsyncClient(
            timeout=config.timeout,
            follow_redirects=True,
            max_redirects=3,
            headers={"Accept": "application/rdap+json, application/json"},
        )

    async def __aenter__(self) -> Registry:
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self._client.aclose()

    def has_server(self, domain: str) -> bool:
        """Whether any registry server is known for the domain's TLD."""
        tld = domain.rsplit(".", 1)[-1]
        return tld in self.rdap or tld in self.whois

    async def lookup(self, domain: str) -> Registration:
        """The registration of one registrable domain (punycode). Never raises."""
        tld = domain.rsplit(".", 1)[-1]
        now = self.clock()
        bases = self.rdap.get(tld)
        if bases:
            return await self._rdap(domain, bases[0])
        server = self.whois.get(tld)
        if server is not None:
            return await self._whois(domain, server)
        return Registration(domain, now, unknown=f"no RDAP or WHOIS server known for .{tld}")

    async def _rdap(self, domain: str, base: str) -> Registration:
        url = base.rstrip("/") + "/domain/" + domain
        answer = await http_get(self._client, url, RDAP_CAP, self.config.timeout)
        now = self.clock()
        if answer.error:
            return Registration(domain, now, unknown=f"RDAP {answer.error}", lookup_failed=True)
        if answer.status == 404:
            # RFC 7480 section 5.3: the server has no such object: nobody holds the domain.
            return Registration(domain, now, source=f"rdap {base}", registered=False)
        if answer.status != 200 or answer.truncated:
            why = "answer too large" if answer.truncated else f"HTTP {answer.status}"
            return Registration(domain, now, unknown=f"RDAP {why}", lookup_failed=True)
        return parse_rdap(answer.text, domain, now, f"rdap {base}")

    async def _whois(self, domain: str, server: WhoisServer) -> Registration:
        answer = await whois_query(server.host, server.port, domain, self.config.timeout)
        now = self.clock()
        if answer.error:
            return Registration(domain, now, unknown=f"WHOIS {answer.error}", lookup_failed=True)
        if answer.truncated:
            return Registration(domain, now, unknown="WHOIS answer too large", lookup_failed=True)
        parse = PARSERS.get(server.format, PARSERS["icann"])
        return parse(answer.text, domain, now, f"whois {server.host}")

    async def lookup_many(self, domains: Iterable[str]) -> dict[str, Registration]:
        """Every domain looked up once, `concurrency` at a time."""
        wanted = sorted(set(domains))
        gate = asyncio.Semaphore(max(1, self.config.concurrency))

        async def one(domain: str) -> Registration:
            async with gate:
                return await self.lookup(domain)

        found = await asyncio.gather(*(one(d) for d in wanted))
        return dict(zip(wanted, found, strict=True))


def _format_for(tld: str) -> str:
    return "cnnic" if tld in ("cn", "xn--fiqs8s", "xn--fiqz9s") else "icann"
