"""DNS probing over real UDP/TCP against the lab's authoritative server."""

from __future__ import annotations

import time

import dns.asyncquery
import dns.flags
import dns.message
import dns.rrset
import pytest

from checks.errors import UserError
from checks.model import DnsStatus
from checks.probe.dns import DnsProber, parse_nameserver


@pytest.fixture
def prober(lab):
    return DnsProber([lab.nameserver], lifetime=1.0)


async def test_a_record_answer(prober):
    answer = await prober.probe("www.shili-tech.test")
    assert answer.status == DnsStatus.ANSWER
    assert answer.addresses == ("127.0.0.1",)
    assert answer.cname_chain == ()


async def test_ipv6_only_name_resolves_through_aaaa(prober):
    answer = await prober.probe("v6.lab-edge.test")
    assert answer.status == DnsStatus.ANSWER
    assert answer.addresses == ("::1",)  # AAAA only: no A address came back


async def test_nxdomain(prober):
    answer = await prober.probe("old-promo.shili-tech.test")
    assert answer.status == DnsStatus.NXDOMAIN
    assert not answer.resolves


async def test_nodata_when_the_name_has_other_records(prober):
    answer = await prober.probe("nodata.lab-edge.test")
    assert answer.status == DnsStatus.NODATA


async def test_servfail(prober):
    answer = await prober.probe("servfail.lab-edge.test")
    assert answer.status == DnsStatus.SERVFAIL


async def test_timeout_ends_within_the_lifetime(prober):
    started = time.monotonic()
    answer = await prober.probe("timeout.lab-edge.test")
    assert answer.status == DnsStatus.TIMEOUT
    assert time.monotonic() - started < 3


async def test_cname_chain_is_followed(prober):
    answer = await prober.probe("alias.lab-edge.test")
    assert answer.cname_chain == ("www.lab-edge.test",)
    assert answer.addresses == ("127.0.0.1",)


async def test_dangling_cname_keeps_its_chain(prober):
    answer = await prober.probe("cdn.shili-tech.test")
    assert answer.status == DnsStatus.NXDOMAIN
    assert answer.cname_chain == ("shili-static.oss-cn-hangzhou.aliyuncs.test",)


async def test_cname_loop_is_detected(prober):
    answer = await prober.probe("loop-a.lab-edge.test")
    assert answer.cname_loop
    assert not answer.resolves
    assert "loop-b.lab-edge.test" in answer.cname_chain


async def test_domain_assets_get_ns_and_soa(prober):
    answer = await prober.probe("shili-tech.test", with_zone=True)
    assert answer.ns == ("ns1.shili-tech.test",)
    assert answer.soa.startswith("ns1.shili-tech.test. hostmaster.shili-tech.test.")


async def test_repeated_questions_are_answered_from_the_sweep_cache(lab, prober):
    before = lab.dns_queries
    await prober.probe("www.renli-hr.test")
    await prober.probe("www.renli-hr.test")
    assert lab.dns_queries - before == 2  # one A and one AAAA, asked once


async def test_ip_assets_skip_dns(lab, prober):
    before = lab.dns_queries
    answer = await prober.probe("127.0.0.1")
    assert answer.addresses == ("127.0.0.1",)
    assert lab.dns_queries == before


async def test_lab_answers_over_tcp(lab):
    query = dns.message.make_query("www.shili-tech.test", "A")
    response = await dns.asyncquery.tcp(query, "127.0.0.1", port=lab.dns_port, timeout=2)
    assert response.answer[0][0].to_text() == "127.0.0.1"


async def test_names_outside_the_lab_are_refused(prober):
    answer = await prober.probe("example.com")
    assert answer.status in (DnsStatus.ERROR, DnsStatus.SERVFAIL)
    assert not answer.resolves


def test_nameserver_specs():
    assert parse_nameserver("127.0.0.1:5353") == ("127.0.0.1", 5353)
    assert parse_nameserver("127.0.0.1") == ("127.0.0.1", 53)
    assert parse_nameserver("[::1]:5353") == ("::1", 5353)
    assert parse_nameserver("::1") == ("::1", 53)
    with pytest.raises(UserError):
        parse_nameserver("dns.example:53")
    with pytest.raises(UserError):
        parse_nameserver("127.0.0.1:0")


async def test_port_probe_tells_open_from_closed(lab):
    from checks.probe.ports import open_ports

    found = await open_ports("127.0.0.1", [1, 2], 1.0, {1: lab.ports.service, 2: lab.ports.closed})
    assert found == (1,)


class _Tricky:
    """A small real DNS server on loopback: first a datagram with the right id for another
    question, then the real answer with the TC bit set; the full answer over TCP."""

    def __init__(self):
        self.tcp_questions = 0

    def answer(self, query, truncated):
        response = dns.message.make_response(query)
        if truncated:
            response.flags |= dns.flags.TC
        else:
            response.answer.append(
                dns.rrset.from_text(query.question[0].name, 60, "IN", "A", "127.0.0.9")
            )
        return response

    async def start(self):
        import asyncio

        server = self
        loop = asyncio.get_running_loop()

        class Udp(asyncio.DatagramProtocol):
            def connection_made(self, transport):
                self.transport = transport

            def datagram_received(self, data, addr):
                query = dns.message.from_wire(data)
                other = dns.message.make_query("forged.example", "A")
                other.id = query.id
                self.transport.sendto(dns.message.make_response(other).to_wire(), addr)
                self.transport.sendto(server.answer(query, truncated=True).to_wire(), addr)

        async def tcp(reader, writer):
            size = int.from_bytes(await reader.readexactly(2), "big")
            query = dns.message.from_wire(await reader.readexactly(size))
            server.tcp_questions += 1
            wire = server.answer(query, truncated=False).to_wire()
            writer.write(len(wire).to_bytes(2, "big") + wire)
            await writer.drain()
            writer.close()

        for _ in range(50):  # a port free for both UDP and TCP
            self.udp, _ = await loop.create_datagram_endpoint(Udp, local_addr=("127.0.0.1", 0))
            port = self.udp.get_extra_info("sockname")[1]
            try:
                self.tcp = await asyncio.start_server(tcp, "127.0.0.1", port)
            except OSError:
                self.udp.close()
                continue
            return port
        raise OSError("no port free for both UDP and TCP")

    def close(self):
        self.udp.close()
        self.tcp.close()


async def test_forged_datagrams_are_ignored_and_truncated_answers_are_asked_over_tcp():
    server = _Tricky()
    port = await server.start()
    prober = DnsProber([("127.0.0.1", port)], lifetime=2.0)
    try:
        answer = await prober.probe("www.tricky.test")
    finally:
        await prober.aclose()
        server.close()
    assert answer.status == DnsStatus.ANSWER
    assert answer.addresses == ("127.0.0.9",)  # not the forged answer, not the empty truncated one
    assert server.tcp_questions == 2  # A and AAAA


async def test_an_unreachable_nameserver_gives_way_to_the_next(lab):
    import socket

    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as sock:
        sock.bind(("127.0.0.1", 0))
        dead = sock.getsockname()  # closed again: nothing listens there
    prober = DnsProber([dead, lab.nameserver], lifetime=3.0)
    started = time.monotonic()
    try:
        answer = await prober.probe("www.shili-tech.test")
    finally:
        await prober.aclose()
    assert answer.status == DnsStatus.ANSWER and answer.addresses == ("127.0.0.1",)
    assert time.monotonic() - started < 1.0  # refused at once, not a 2 s try waited out


@pytest.mark.parametrize(
    ("qname", "rdtype", "records"),
    [
        ("www.shili-tech.test", "A", [("www.shili-tech.test.", "A", "127.0.0.1")]),
        ("Mixed.Case.test", "AAAA", [("mixed.case.test.", "AAAA", "::ffff:192.0.2.4")]),
        ("v6.test", "AAAA", [("v6.test.", "AAAA", "2001:db8::1"), ("v6.test.", "AAAA", "::1")]),
        (
            "a.test",
            "A",
            [("a.test.", "CNAME", "b.cdn.test."), ("b.cdn.test.", "A", "192.0.2.7")],
        ),
        ("ns.test", "NS", [("ns.test.", "NS", "ns1.ns.test.")]),  # left to dnspython
        ("odd.test", "A", [("odd.test.", "TXT", '"hello"')]),  # left to dnspython
        ("xn--fsq092h.test", "A", []),  # NODATA
    ],
)
def test_the_quick_reader_reads_as_dnspython_does(qname, rdtype, records):
    from checks.probe.dnsclient import _answers, _full, query_wire, read_reply

    wire = query_wire(qname, rdtype, 4242)
    query = dns.message.from_wire(wire)
    assert query.to_wire() == wire  # the hand-built query is a standard one
    response = dns.message.make_response(query)
    for owner, kind, text in records:
        response.answer.append(dns.rrset.from_text(owner, 60, "IN", kind, text))
    answer = response.to_wire()  # dnspython compresses the names
    assert _answers(wire, answer)
    assert read_reply(answer) == _full(answer)


def test_an_answer_to_another_question_is_not_an_answer():
    from checks.probe.dnsclient import _answers, query_wire

    wire = query_wire("www.shili-tech.test", "A", 7)
    other = dns.message.make_response(dns.message.from_wire(query_wire("evil.test", "A", 7)))
    aaaa = dns.message.make_response(
        dns.message.from_wire(query_wire("www.shili-tech.test", "AAAA", 7))
    )
    assert not _answers(wire, other.to_wire())
    assert not _answers(wire, aaaa.to_wire())
    assert not _answers(wire, wire)  # a query is not a response


def test_the_quick_reader_leaves_malformed_answers_to_dnspython():
    from checks.probe.dnsclient import _quick, _Unusual, query_wire

    query = query_wire("a.test", "A", 1)
    header = b"\x00\x01\x81\x80\x00\x01\x00\x01\x00\x00\x00\x00"
    question = query[12:]
    # a CNAME whose data is longer than the name in it
    cname = b"\xc0\x0c\x00\x05\x00\x01\x00\x00\x00\x3c\x00\x09\x03cdn\x00xxxx"
    with pytest.raises(_Unusual):
        _quick(header + question + cname)
    # a compression pointer pointing forward
    forward = b"\xc0\x30\x00\x01\x00\x01\x00\x00\x00\x3c\x00\x04\x7f\x00\x00\x01"
    with pytest.raises((_Unusual, IndexError)):
        _quick(header + question + forward)
