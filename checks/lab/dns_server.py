"""The lab's authoritative DNS server (UDP and TCP), built on dnspython's message API."""

from __future__ import annotations

import asyncio
import struct
from dataclasses import dataclass, field

import dns.exception
import dns.flags
import dns.message
import dns.name
import dns.rcode
import dns.rdataclass
import dns.rdatatype
import dns.rrset

TTL = 60


@dataclass(slots=True)
class Records:
    """What the lab's zones hold for one name, and how the server misbehaves for it."""

    a: list[str] = field(default_factory=list)
    aaaa: list[str] = field(default_factory=list)
    cname: str = ""
    txt: list[str] = field(default_factory=list)
    mx: list[str] = field(default_factory=list)
    behavior: str = ""
    """"" answers; "servfail" answers SERVFAIL; "drop" never answers (a timeout)."""


class LabDns:
    """Answers for the names in `records`, authoritative for `zones`.

    Like a server authoritative for every lab zone, it follows CNAMEs into the
    zones it holds and stops at a loop.
    """

    def __init__(
        self,
        zones: list[str],
        records: dict[str, Records],
        latency: float = 0.0,
        axfr: frozenset[str] = frozenset(),
    ) -> None:
        self.zones = [z.lower().rstrip(".") for z in zones]
        self.records = {k.lower().rstrip("."): v for k, v in records.items()}
        self.latency = latency
        self.axfr = axfr
        """Zones handed out by AXFR (the misconfiguration zone-transfer-allowed finds)."""
        self.queries = 0
        self._names: set[str] = set()
        self.rebuild_names()

    def rebuild_names(self) -> None:
        """Recompute which names exist (after records were added or removed)."""
        self._names = set(self.records)
        for name in self.records:
            parts = name.split(".")
            self._names.update(".".join(parts[i:]) for i in range(1, len(parts)))

    def _record(self, name: str) -> Records | None:
        """The name's records, or a wildcard's (`*.zone`) for a name that does not exist."""
        found = self.records.get(name)
        if found is None and name not in self._names and "." in name:
            found = self.records.get("*." + name.split(".", 1)[1])
        return found

    def _zone(self, name: str) -> str | None:
        best = None
        for zone in self.zones:
            if (name == zone or name.endswith("." + zone)) and (
                best is None or len(zone) > len(best)
            ):
                best = zone
        return best

    def _soa(self, zone: str) -> dns.rrset.RRset:
        return dns.rrset.from_text(
            zone + ".",
            TTL,
            "IN",
            "SOA",
            f"ns1.{zone}. hostmaster.{zone}. 2026112901 3600 600 86400 {TTL}",
        )

    def answer(self, query: dns.message.Message) -> dns.message.Message | None:
        """The response to a query, or None to stay silent."""
        self.queries += 1
        response = dns.message.make_response(query)
        if not query.question:
            response.set_rcode(dns.rcode.FORMERR)
            return response
        question = query.question[0]
        name = question.name.to_text(omit_final_dot=True).lower()
        rdtype = question.rdtype
        zone = self._zone(name)
        if zone is None:
            response.set_rcode(dns.rcode.REFUSED)
            return response
        response.flags |= dns.flags.AA
        if rdtype == dns.rdatatype.AXFR:
            return self._transfer(response, zone, name)
        seen = {name}
        while True:
            rec = self._record(name)
            if rec is not None and rec.behavior == "drop":
                return None
            if rec is not None and rec.behavior == "servfail":
                response.set_rcode(dns.rcode.SERVFAIL)
                return response
            if rec is not None and rec.cname and rdtype != dns.rdatatype.CNAME:
                response.answer.append(
                    dns.rrset.from_text(name + ".", TTL, "IN", "CNAME", rec.cname + ".")
                )
                target = rec.cname.lower().rstrip(".")
                if target in seen or self._zone(target) is None:
                    return response
                seen.add(target)
                name, zone = target, self._zone(target) or zone
                continue
            break
        values = self._values(name, zone, rdtype, rec)
        if values:
            response.answer.append(
                dns.rrset.from_text_list(
                    name + ".", TTL, "IN", dns.rdatatype.to_text(rdtype), values
                )
            )
        elif rec is None and name not in self._names and name != zone:
            response.set_rcode(dns.rcode.NXDOMAIN)
            response.authority.append(self._soa(zone))
        else:
            response.authority.append(self._soa(zone))
        return response

    def _transfer(self, response: dns.message.Message, zone: str, name: str) -> dns.message.Message:
        if name != zone or zone not in self.axfr:
            response.set_rcode(dns.rcode.REFUSED)
            return response
        response.answer.append(self._soa(zone))
        response.answer.append(dns.rrset.from_text(zone + ".", TTL, "IN", "NS", f"ns1.{zone}."))
        for owner, rec in sorted(self.records.items()):
            if self._zone(owner) != zone:
                continue
            for rdtype in ("A", "AAAA", "CNAME", "TXT", "MX"):
                values = self._values(owner, zone, dns.rdatatype.from_text(rdtype), rec)
                if values:
                    response.answer.append(
                        dns.rrset.from_text_list(owner + ".", TTL, "IN", rdtype, values)
                    )
        response.answer.append(self._soa(zone))
        return response

    def _values(self, name: str, zone: str, rdtype: int, rec: Records | None) -> list[str]:
        if name == zone and rdtype == dns.rdatatype.SOA:
            return [self._soa(zone)[0].to_text()]
        if name == zone and rdtype == dns.rdatatype.NS:
            return [f"ns1.{zone}."]
        if rec is None:
            return []
        if rdtype == dns.rdatatype.A:
            return rec.a
        if rdtype == dns.rdatatype.AAAA:
            return rec.aaaa
        if rdtype == dns.rdatatype.CNAME and rec.cname:
            return [rec.cname + "."]
        if rdtype == dns.rdatatype.TXT:
            return ['"' + t.replace("\\", "\\\\").replace('"', '\\"') + '"' for t in rec.txt]
        if rdtype == dns.rdatatype.MX:
            return [f"10 {m}." for m in rec.mx]
        return []

    async def respond(self, wire: bytes, max_size: int) -> bytes | None:
        """Parse a query, wait the injected latency, and return the response's wire form."""
        try:
            query = dns.message.from_wire(wire)
        except dns.exception.DNSException:
            return None
        if self.latency:
            await asyncio.sleep(self.latency)
        response = self.answer(query)
        if response is None:
            return None
        try:
            return response.to_wire(max_size=max_size)
        except dns.exception.TooBig:
            response.answer.clear()
            response.flags |= dns.flags.TC
            return response.to_wire()


class _Udp(asyncio.DatagramProtocol):
    def __init__(self, server: LabDns, tasks: set[asyncio.Task[None]]) -> None:
        self.server = server
        self.tasks = tasks
        self.transport: asyncio.DatagramTransport | None = None

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        self.transport = transport  # type: ignore[assignment]

    def datagram_received(self, data: bytes, addr: tuple[str, int]) -> None:
        task = asyncio.ensure_future(self._reply(data, addr))
        self.tasks.add(task)
        task.add_done_callback(self.tasks.discard)

    async def _reply(self, data: bytes, addr: tuple[str, int]) -> None:
        wire = await self.server.respond(data, 512)
        if wire is not None and self.transport is not None:
            self.transport.sendto(wire, addr)


async def serve_dns(
    server: LabDns, host: str, port: int, tasks: set[asyncio.Task[None]]
) -> tuple[asyncio.DatagramTransport, asyncio.Server]:
    """Listen on UDP and TCP `host:port` (port 0 picks a port free on both)."""
    loop = asyncio.get_running_loop()

    async def tcp(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            while True:
                (size,) = struct.unpack("!H", await reader.readexactly(2))
                wire = await server.respond(await reader.readexactly(size), 65535)
                if wire is None:
                    continue
                writer.write(struct.pack("!H", len(wire)) + wire)
                await writer.drain()
        except (asyncio.IncompleteReadError, ConnectionError):
            pass
        finally:
            writer.close()

    for _ in range(20):
        udp, _proto = await loop.create_datagram_endpoint(
            lambda: _Udp(server, tasks), local_addr=(host, port)
        )
        chosen = udp.get_extra_info("sockname")[1]
        try:
            tcp_server = await asyncio.start_server(tcp, host, chosen)
        except OSError:
            udp.close()
            if port:
                raise
            continue
        return udp, tcp_server
    raise OSError("no port free for both UDP and TCP")
