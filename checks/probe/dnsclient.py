"""DNS questions to the configured nameservers over a few shared UDP sockets (TCP when truncated).

dnspython builds and parses every message. Its asyncio resolver opens a socket per question and
runs a resolution state machine around it; a sweep asks two questions per asset of the same one
or two servers, so that machinery was most of its DNS cost (bench/compare.py: about 0.8 ms of
CPU per question, against about 0.15 ms here). What the resolver did that a sweep needs is kept:
retries within the question's lifetime, the next server on SERVFAIL or REFUSED, TCP when an
answer is truncated, and answers checked against their question.

Each server gets `SOCKETS` connected sockets with random ports (a socket only takes datagrams
from its server), and every question a random id, so a spoofer must guess a port and an id.
"""

from __future__ import annotations

import asyncio
import secrets
import time
from dataclasses import dataclass, field
from typing import cast

import dns.asyncquery
import dns.exception
import dns.flags
import dns.message
import dns.name
import dns.rcode
import dns.rdatatype

SOCKETS = 4
"""Shared UDP sockets per nameserver."""

RETRY_RCODES = frozenset(
    {dns.rcode.SERVFAIL, dns.rcode.REFUSED, dns.rcode.FORMERR, dns.rcode.NOTIMP}
)
"""Answers that say "this server cannot tell": the next server is asked."""


class AllFailed(dns.exception.DNSException):
    """Every server refused or failed; `responses` holds what they answered (by server)."""

    def __init__(self, responses: list[dns.message.Message]) -> None:
        super().__init__("every nameserver failed")  # type: ignore[no-untyped-call]
        self.responses = responses


class _Socket(asyncio.DatagramProtocol):
    """One connected UDP socket; answers go to the question waiting with their id."""

    def __init__(self) -> None:
        self.transport: asyncio.DatagramTransport | None = None
        self.waiting: dict[int, tuple[dns.message.Message, asyncio.Future[bytes]]] = {}

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        self.transport = cast(asyncio.DatagramTransport, transport)

    def datagram_received(self, data: bytes, addr: tuple[str | object, ...]) -> None:
        if len(data) < 12:
            return
        waiting = self.waiting.get(int.from_bytes(data[:2], "big"))
        if waiting is not None and not waiting[1].done():
            waiting[1].set_result(data)

    def error_received(self, exc: Exception) -> None:
        # An ICMP error (port unreachable) concerns every question on this socket.
        for _, fut in self.waiting.values():
            if not fut.done():
                fut.set_exception(exc)

    def connection_lost(self, exc: Exception | None) -> None:
        for _, fut in self.waiting.values():
            if not fut.done():
                fut.set_exception(exc or ConnectionError("DNS socket closed"))
        self.transport = None


@dataclass(slots=True)
class _Server:
    address: str
    port: int
    sockets: list[_Socket] = field(default_factory=list)
    opening: asyncio.Lock = field(default_factory=asyncio.Lock)


class DnsClient:
    """Asks questions of `servers` in turn, each try within `timeout`, all within `lifetime`."""

    def __init__(
        self, servers: list[tuple[str, int]], timeout: float = 2.0, lifetime: float = 4.0
    ) -> None:
        self._servers = [_Server(a, p) for a, p in servers]
        self.timeout = timeout
        self.lifetime = lifetime

    async def _socket(self, server: _Server) -> _Socket:
        if len(server.sockets) < SOCKETS:
            async with server.opening:
                if len(server.sockets) < SOCKETS:
                    loop = asyncio.get_running_loop()
                    _, proto = await loop.create_datagram_endpoint(
                        _Socket, remote_addr=(server.address, server.port)
                    )
                    server.sockets.append(proto)
        server.sockets = [s for s in server.sockets if s.transport is not None]
        if not server.sockets:
            raise ConnectionError(f"no UDP socket to {server.address}")
        return server.sockets[secrets.randbelow(len(server.sockets))]

    async def _udp(self, server: _Server, query: dns.message.Message, timeout: float) -> bytes:  # noqa: ASYNC109
        sock = await self._socket(server)
        while query.id in sock.waiting:
            query.id = secrets.randbits(16)
        fut: asyncio.Future[bytes] = asyncio.get_running_loop().create_future()
        sock.waiting[query.id] = (query, fut)
        try:
            assert sock.transport is not None
            sock.transport.sendto(query.to_wire())
            async with asyncio.timeout(timeout):
                return await fut
        finally:
            del sock.waiting[query.id]

    async def _one(
        self,
        server: _Server,
        query: dns.message.Message,
        timeout: float,  # noqa: ASYNC109
    ) -> dns.message.Message:
        deadline = time.monotonic() + timeout
        while True:
            response = dns.message.from_wire(await self._udp(server, query, timeout))
            if query.is_response(response):
                break
            # Not an answer to this question (a datagram with its id): ask again while time is left.
            timeout = deadline - time.monotonic()
            if timeout <= 0:
                raise TimeoutError
        if response.flags & dns.flags.TC:
            try:
                response = await dns.asyncquery.tcp(
                    query, server.address, timeout=max(0.1, timeout), port=server.port
                )
            except dns.exception.Timeout:
                raise TimeoutError from None
        return response

    async def ask(self, qname: dns.name.Name, rdtype: str) -> dns.message.Message:
        """The first usable answer to (qname, rdtype): NOERROR or NXDOMAIN.

        Raises:
            dns.exception.Timeout: no server answered within the lifetime.
            AllFailed: every server answered that it cannot tell.
            dns.exception.DNSException: an answer could not be read.
        """
        deadline = time.monotonic() + self.lifetime
        failed: list[dns.message.Message] = []
        servers = list(self._servers)
        while servers:
            for server in list(servers):
                left = deadline - time.monotonic()
                if left <= 0:
                    raise dns.exception.Timeout(timeout=self.lifetime)  # type: ignore[no-untyped-call]
                query = dns.message.make_query(qname, rdtype)
                query.id = secrets.randbits(16)
                try:
                    response = await self._one(server, query, min(self.timeout, left))
                except TimeoutError:
                    continue  # asked again, of the next server or this one, while time is left
                except (OSError, dns.exception.DNSException):
                    servers.remove(server)  # unreachable, or answers that cannot be read
                    continue
                if response.rcode() in RETRY_RCODES:
                    failed.append(response)
                    servers.remove(server)
                    continue
                return response
        raise AllFailed(failed)

    def close(self) -> None:
        """Close the sockets (questions still waiting fail)."""
        for server in self._servers:
            for sock in server.sockets:
                if sock.transport is not None:
                    sock.transport.close()
            server.sockets = []
