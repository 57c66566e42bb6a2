"""HTTP(S) probing over real sockets: pinning, titles and charsets, redirects, timeouts, caps."""

from __future__ import annotations

import time

import pytest

from checks.lab.scenarios import EDGE_TITLE
from checks.model import HttpError
from checks.names import normalize_name
from checks.probe.dns import DnsProber
from checks.probe.http import HttpLimits, HttpSession
from checks.probe.policy import ProbePolicy
from checks.probe.tls import ChainVerifier, lenient_context


def lab_policy(lab):
    """Every name the lab serves counts as inventoried, on loopback."""
    names = {*lab.scenario.records, *(site.host for site in lab.scenario.sites)}
    names |= {a.host for a in lab.inventory}
    return ProbePolicy.of("", ["127.0.0.1"], names)


@pytest.fixture
async def session(lab):
    dns = DnsProber([lab.nameserver], lifetime=1.0)
    s = HttpSession(
        dns.addresses,
        lenient_context(),
        ChainVerifier(lab.ca_pem),
        HttpLimits(connect_timeout=1.0, read_timeout=1.0, total_timeout=2.0, body_cap=64 * 1024),
        lab_policy(lab),
    )
    yield s
    await s.aclose()
    await dns.aclose()


def url(lab, host, path="/", tls=False):
    return lab.ports.https_url(host, path) if tls else lab.ports.http_url(host, path)


async def test_connects_through_our_dns_with_host_and_sni(lab, session):
    # *.test names exist only in the lab's DNS: a system lookup would fail.
    entry = await session.fetch(url(lab, "www.shili-tech.test", tls=True), "www.shili-tech.test")
    assert entry.status == 200
    assert entry.address == "127.0.0.1"
    assert entry.title == "示例科技 - 官方网站"
    assert entry.tls is not None and entry.tls.verified and entry.tls.hostname_ok
    assert "www.shili-tech.test" in entry.tls.sans
    assert entry.header("strict-transport-security")


async def test_well_known_paths_reuse_the_pages_connections(lab, session):
    import asyncio

    from checks.probe.plan import well_known_paths

    host = "www.shili-tech.test"
    before = lab.connections_for(host), lab.requests_for(host)
    await session.fetch(url(lab, host, tls=True), host)
    paths = await asyncio.gather(
        *(session.fetch_path(url(lab, host, p, tls=True)) for p in well_known_paths())
    )
    assert {p.status for p in paths} == {404}
    assert lab.requests_for(host) - before[1] == 1 + len(paths)
    # The 404 pages are read off, so the page's connection is kept alive and carries them all.
    assert lab.connections_for(host) - before[0] == 1


async def test_redirect_chain_is_recorded(lab, session):
    entry = await session.fetch(url(lab, "www.shili-tech.test"), "www.shili-tech.test")
    assert [h.status for h in entry.hops] == [301, 200]
    assert entry.final_url.startswith("https://www.shili-tech.test:")
    assert entry.status == 200


async def test_too_many_redirects_stops_at_the_bound(lab, session):
    entry = await session.fetch(url(lab, "loop.lab-edge.test", "/0"), "loop.lab-edge.test")
    assert entry.error == HttpError.TOO_MANY_REDIRECTS
    assert len(entry.hops) == 6
    assert entry.answered


@pytest.mark.parametrize("path", ["/header", "/meta", "/sniff"])
async def test_gbk_pages_decode(lab, session, path):
    entry = await session.fetch(url(lab, "gbk.lab-edge.test", path), "gbk.lab-edge.test")
    assert entry.title == "仁力人力资源 - 首页"


async def test_hostile_title_is_kept_literally(lab, session):
    entry = await session.fetch(url(lab, "markup.lab-edge.test"), "markup.lab-edge.test")
    assert entry.title == EDGE_TITLE


async def test_server_that_never_answers_times_out(lab, session):
    started = time.monotonic()
    entry = await session.fetch(url(lab, "hang.lab-edge.test"), "hang.lab-edge.test")
    assert entry.error == HttpError.TIMEOUT
    assert time.monotonic() - started < 3


async def test_dripping_server_is_cut_by_the_total_timeout(lab, session):
    started = time.monotonic()
    entry = await session.fetch(url(lab, "drip.lab-edge.test"), "drip.lab-edge.test")
    assert entry.error == HttpError.TIMEOUT
    assert time.monotonic() - started < 3.5


async def test_body_is_capped(lab, session):
    entry = await session.fetch(url(lab, "huge.lab-edge.test"), "huge.lab-edge.test")
    assert entry.status == 200
    assert len(entry.body) == 64 * 1024  # the cap: nothing past it was read


async def test_small_body_is_kept_whole_with_its_hash(lab, session):
    entry = await session.fetch(url(lab, "www.renli-hr.test"), "www.renli-hr.test")
    assert len(entry.body) < 64 * 1024 and entry.body.rstrip().endswith(b"</html>")
    assert "澳门新葡京".encode() in entry.body
    assert len(entry.body_sha256) == 64


async def test_closed_port_is_a_connect_error(lab, session):
    entry = await session.fetch(lab.ports.closed_url("www.shili-tech.test"), "www.shili-tech.test")
    assert entry.error == HttpError.CONNECT
    assert not entry.answered


async def test_dropped_connection_is_an_error_not_a_crash(lab, session):
    entry = await session.fetch(url(lab, "close.lab-edge.test"), "close.lab-edge.test")
    assert entry.error in (HttpError.PROTOCOL, HttpError.CONNECT)


async def test_unresolvable_host_is_never_looked_up_elsewhere(lab, session):
    entry = await session.fetch(url(lab, "old-promo.shili-tech.test"), "old-promo.shili-tech.test")
    assert entry.error == HttpError.UNRESOLVED


async def test_bad_certificates_are_read_not_fatal(lab, session):
    expired = await session.fetch(
        url(lab, "expired.shili-tech.test", tls=True), "expired.shili-tech.test"
    )
    assert expired.status == 200
    assert expired.tls is not None and not expired.tls.verified
    assert "expired" in expired.tls.verify_error
    selfsigned = await session.fetch(
        url(lab, "selfsigned.shili-tech.test", tls=True), "selfsigned.shili-tech.test"
    )
    assert selfsigned.tls is not None and selfsigned.tls.self_signed and not selfsigned.tls.verified
    wrong = await session.fetch(
        url(lab, "wrongname.shili-tech.test", tls=True), "wrongname.shili-tech.test"
    )
    assert wrong.tls is not None and wrong.tls.verified and not wrong.tls.hostname_ok


async def test_without_the_lab_ca_the_chain_does_not_verify(lab):
    dns = DnsProber([lab.nameserver], lifetime=1.0)
    s = HttpSession(
        dns.addresses,
        lenient_context(),
        ChainVerifier(),
        HttpLimits(total_timeout=2),
        lab_policy(lab),
    )
    try:
        entry = await s.fetch(url(lab, "www.shili-tech.test", tls=True), "www.shili-tech.test")
    finally:
        await s.aclose()
    assert entry.status == 200
    assert entry.tls is not None and not entry.tls.verified


async def test_internationalised_host(lab, session):
    host = normalize_name("官网.示例.test")
    entry = await session.fetch(url(lab, host, tls=True), host)
    assert entry.status == 200
    assert entry.tls is not None and entry.tls.hostname_ok


async def test_steps_left_when_the_time_is_up_are_unanswered_not_lost():
    import asyncio

    from checks.probe.prober import _within

    async def answer(value, delay):
        await asyncio.sleep(delay)
        return value

    async def broken():
        raise OSError("reset")

    found = await _within(0.2, [answer("fast", 0), answer("slow", 5), broken()])
    assert found == ["fast", None, None]


async def _server(handler):
    import asyncio

    server = await asyncio.start_server(handler, "127.0.0.1", 0)
    return server, server.sockets[0].getsockname()[1]


async def _read_request(reader):
    data = b""
    while b"\r\n\r\n" not in data:
        chunk = await reader.read(4096)
        if not chunk:
            return None
        data += chunk
    return data.split(b" ", 2)[1].decode()


def _plain_session(host="t.test", timeout=2.0):
    async def lookup(_host):
        return ("127.0.0.1",)

    return HttpSession(
        lookup,
        lenient_context(),
        ChainVerifier(),
        HttpLimits(connect_timeout=1.0, read_timeout=timeout, total_timeout=timeout),
        ProbePolicy.of(host, ["127.0.0.1"], {host}),
    )


async def test_a_408_sent_on_an_idle_connection_is_not_the_next_paths_answer():
    import asyncio

    asked = []

    async def handler(reader, writer):
        while (path := await _read_request(reader)) is not None:
            asked.append(path)
            writer.write(b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok")
            await writer.drain()
            await asyncio.sleep(0.1)  # the server's idle timeout: it says 408 and goes
            writer.write(b"HTTP/1.1 408 Request Timeout\r\nConnection: close\r\n\r\n")
            writer.close()
            return

    server, port = await _server(handler)
    session = _plain_session()
    try:
        page = await session.fetch(f"http://t.test:{port}/", "t.test")
        await asyncio.sleep(0.3)
        path = await session.fetch_path(f"http://t.test:{port}/.env")
    finally:
        await session.aclose()
        server.close()
    assert page.status == 200
    assert path.status == 200 and asked == ["/", "/.env"]  # asked again, on a new connection


async def test_a_cancelled_probe_leaves_no_path_request_behind():
    import asyncio

    from checks.probe.prober import _within

    asked = []

    async def handler(reader, writer):
        while (path := await _read_request(reader)) is not None:
            asked.append(path)
            await asyncio.sleep(0.3)
            writer.write(b"HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\n\r\n")
            await writer.drain()

    server, port = await _server(handler)
    session = _plain_session(timeout=5.0)
    urls = [f"http://t.test:{port}/p{i}" for i in range(6)]
    try:
        with pytest.raises(TimeoutError):
            async with asyncio.timeout(0.45):
                await _within(5.0, [session.fetch_path(u) for u in urls])
        await session.aclose()
        await asyncio.sleep(1.0)
    finally:
        server.close()
    assert len(asked) <= 2  # nothing asked after the probe gave up


async def test_a_body_that_does_not_decode_is_no_page():
    async def handler(reader, writer):
        await _read_request(reader)
        writer.write(
            b"HTTP/1.1 200 OK\r\nContent-Encoding: gzip\r\nContent-Length: 11\r\n\r\nnot-gzip!!!"
        )
        await writer.drain()
        writer.close()

    server, port = await _server(handler)
    session = _plain_session()
    try:
        entry = await session.fetch(f"http://t.test:{port}/", "t.test")
    finally:
        await session.aclose()
        server.close()
    assert entry.status is None and entry.error == HttpError.PROTOCOL
