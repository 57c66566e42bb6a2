"""DNS questions to the configured nameservers over a few shared UDP sockets (TCP when truncated).

dnspython's asyncio resolver opens a socket per question and runs a resolution state machine
around it; a sweep asks two questions per asset of the same one or two servers, so that
machinery was most of its DNS cost (bench/compare.py: about 0.8 ms of CPU per question). What
the resolver did that a sweep needs is kept: retries within the question's lifetime, the next
server on SERVFAIL or REFUSED, TCP when an answer is truncated, and answers checked against
their question (on the raw bytes, before anything else is read).

The common answer (A, AAAA and CNAME records of plain names) is read here, in a few
microseconds; anything else (NS, SOA, unusual names or records) is read by dnspython.

Each server gets `SOCKETS` connected sockets with random ports (a socket only takes datagrams
from its server), and every question a random id, so a spoofer must guess a port and an id.
"""

from __future__ import annotations

import asyncio
import secrets
import time
from dataclasses import dataclass, field
from typing import cast

import dns.exception
import dns.ipv6
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


@dataclass(frozen=True, slots=True)
class Reply:
    """What a server answered: its rcode and the answer section as (owner, type, text)."""

    rcode: int
    records: tuple[tuple[str, str, str], ...]
    """Owners lower-cased without the final dot; texts as dnspython writes them."""


class AllFailed(dns.exception.DNSException):
    """Every server refused or failed; `rcodes` holds what they answered."""

    def __init__(self, rcodes: list[int]) -> None:
        super().__init__("every nameserver failed")  # type: ignore[no-untyped-call]
        self.rcodes = rcodes


_LDH = frozenset(b"abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_")
_TYPES = {1: "A", 28: "AAAA", 5: "CNAME"}
_CODES = {"A": 1, "AAAA": 28, "CNAME": 5, "NS": 2, "SOA": 6, "MX": 15, "TXT": 16, "CAA": 257}


class _Unusual(Exception):
    """An answer the quick reader leaves to dnspython."""


def query_wire(name: str, rdtype: str, qid: int) -> bytes:
    """A standard query (recursion desired, no EDNS), as dnspython's make_query writes it."""
    labels = name.rstrip(".").split(".") if name not in ("", ".") else []
    out = bytearray(qid.to_bytes(2, "big") + b"\x01\x00\x00\x01\x00\x00\x00\x00\x00\x00")
    for label in labels:
        raw = label.encode("ascii")
        if not raw or len(raw) > 63 or not _LDH.issuperset(raw):
            raise _Unusual(label)
        out += bytes((len(raw),)) + raw
    return bytes(out + b"\x00" + _CODES[rdtype].to_bytes(2, "big") + b"\x00\x01")


def _name(wire: bytes, at: int) -> tuple[str, int]:
    """The name at `at` (compression followed) and the offset after it in place."""
    labels: list[str] = []
    end = -1
    jumps = 0
    while True:
        size = wire[at]
        if size == 0:
            at += 1
            break
        if size >= 0xC0:
            if end < 0:
                end = at + 2
            pointer = ((size & 0x3F) << 8) | wire[at + 1]
            if pointer >= at:  # only ever backwards, as dnspython insists
                raise _Unusual("forward pointer")
            at = pointer
            jumps += 1
            if jumps > 64:
                raise _Unusual("compression loop")
            continue
        if size > 63:
            raise _Unusual("label type")
        raw = wire[at + 1 : at + 1 + size]
        if len(raw) != size or not _LDH.issuperset(raw):
            raise _Unusual("label")
        labels.append(raw.decode("ascii"))
        at += 1 + size
    return ".".join(labels), (end if end >= 0 else at)


def _quick(wire: bytes) -> Reply:
    """The answer section of a plain answer (A, AAAA, CNAME); raises _Unusual otherwise."""
    answers = int.from_bytes(wire[6:8], "big")
    at = 12
    _, at = _name(wire, at)
    at += 4
    records = []
    for _ in range(answers):
        owner, at = _name(wire, at)
        if not owner:
            raise _Unusual("a record for the root")
        rtype = int.from_bytes(wire[at : at + 2], "big")
        size = int.from_bytes(wire[at + 8 : at + 10], "big")
        data = wire[at + 10 : at + 10 + size]
        if len(data) != size or wire[at + 2 : at + 4] != b"\x00\x01":
            raise _Unusual("record")
        kind = _TYPES.get(rtype)
        if kind == "A" and size == 4:
            text = ".".join(str(b) for b in data)
        elif kind == "AAAA" and size == 16:
            text = dns.ipv6.inet_ntoa(data)
        elif kind == "CNAME":
            target, after = _name(wire, at + 10)
            if after != at + 10 + size:  # the name must fill the record's data exactly
                raise _Unusual("CNAME length")
            text = target + "."
        else:
            raise _Unusual("record type")
        records.append((owner.lower(), kind, text))
        at += 10 + size
    return Reply(wire[3] & 0x0F, tuple(records))


def _full(wire: bytes) -> Reply:
    """Any answer, read by dnspython."""
    message = dns.message.from_wire(wire)
    records = tuple(
        (
            rrset.name.to_text(omit_final_dot=True).lower(),
            dns.rdatatype.to_text(rrset.rdtype),
            rd.to_text(),
        )
        for rrset in message.answer
        for rd in rrset
    )
    return Reply(message.rcode(), records)


def _answers(query: bytes, wire: bytes) -> bool:
    """Whether `wire` is a response to `query`: id, QR, opcode and the question, byte for byte
    (names case-insensitively)."""
    if len(wire) < len(query) or wire[:2] != query[:2] or not wire[2] & 0x80:
        return False
    if (wire[2] & 0x78) != (query[2] & 0x78) or wire[4:6] != b"\x00\x01":
        return False
    end = len(query) - 4
    return wire[12:end].lower() == query[12:end].lower() and wire[end : end + 4] == query[end:]


def read_reply(wire: bytes) -> Reply:
    """The reply in `wire`, by the quick reader when it can.

    Raises:
        dns.exception.DNSException: the message cannot be read.
    """
    try:
        return _quick(wire)
    except (_Unusual, IndexError):
        return _full(wire)


class _Socket(asyncio.DatagramProtocol):
    """One connected UDP socket; answers go to the question waiting with their id."""

    def __init__(self) -> None:
        self.transport: asyncio.DatagramTransport | None = None
        self.waiting: dict[int, tuple[bytes, asyncio.Future[bytes]]] = {}

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        self.transport = cast(asyncio.DatagramTransport, transport)

    def datagram_received(self, data: bytes, addr: tuple[str | object, ...]) -> None:
        if len(data) < 12:
            return
        waiting = self.waiting.get(int.from_bytes(data[:2], "big"))
        # Only an answer to the very question counts; anything else is dropped.
        if waiting is not None and not waiting[1].done() and _answers(waiting[0], data):
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

    async def _udp(self, server: _Server, name: str, rdtype: str, timeout: float) -> bytes:  # noqa: ASYNC109
        sock = await self._socket(server)
        qid = secrets.randbits(16)
        while qid in sock.waiting:
            qid = secrets.randbits(16)
        query = _wire(name, rdtype, qid)
        fut: asyncio.Future[bytes] = asyncio.get_running_loop().create_future()
        sock.waiting[qid] = (query, fut)
        try:
            assert sock.transport is not None
            sock.transport.sendto(query)
            async with asyncio.timeout(timeout):
                wire = await fut
        finally:
            del sock.waiting[qid]
        if wire[2] & 0x02:  # truncated: the whole answer over TCP
            wire = await self._tcp(server, query, timeout)
        return wire

    @staticmethod
    async def _tcp(server: _Server, query: bytes, timeout: float) -> bytes:  # noqa: ASYNC109
        async with asyncio.timeout(max(0.1, timeout)):
            reader, writer = await asyncio.open_connection(server.address, server.port)
            try:
                writer.write(len(query).to_bytes(2, "big") + query)
                await writer.drain()
                size = int.from_bytes(await reader.readexactly(2), "big")
                wire = await reader.readexactly(size)
            finally:
                writer.transport.abort()
        if not _answers(query, wire):
            raise dns.exception.FormError("the TCP answer is not to the question")  # type: ignore[no-untyped-call]
        return wire

    async def ask(self, name: str, rdtype: str) -> Reply:
        """The first usable answer to (name, rdtype): NOERROR or NXDOMAIN.

        Raises:
            dns.exception.Timeout: no server answered within the lifetime.
            AllFailed: every server answered that it cannot tell.
            dns.exception.DNSException: an answer could not be read.
        """
        deadline = time.monotonic() + self.lifetime
        failed: list[int] = []
        servers = list(self._servers)
        while servers:
            for server in list(servers):
                left = deadline - time.monotonic()
                if left <= 0:
                    raise dns.exception.Timeout(timeout=self.lifetime)  # type: ignore[no-untyped-call]
                try:
                    reply = read_reply(
                        await self._udp(server, name, rdtype, min(self.timeout, left))
                    )
                except TimeoutError:
                    continue  # asked again, of the next server or this one, while time is left
                except (OSError, EOFError, asyncio.IncompleteReadError, dns.exception.DNSException):
                    servers.remove(server)  # unreachable, or answers that cannot be read
                    continue
                if reply.rcode in RETRY_RCODES:
                    failed.append(reply.rcode)
                    servers.remove(server)
                    continue
                return reply
        raise AllFailed(failed)

    def close(self) -> None:
        """Close the sockets (questions still waiting fail)."""
        for server in self._servers:
            for sock in server.sockets:
                if sock.transport is not None:
                    sock.transport.close()
            server.sockets = []


def _wire(name: str, rdtype: str, qid: int) -> bytes:
    """The query, by hand for plain names, else by dnspython (IDN, escapes)."""
    try:
        return query_wire(name, rdtype, qid)
    except (_Unusual, UnicodeEncodeError, KeyError):
        query = dns.message.make_query(dns.name.from_text(name), rdtype)
        query.id = qid
        return query.to_wire()
