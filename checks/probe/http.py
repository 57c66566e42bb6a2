"""HTTP(S) probing with httpx, connecting only to the addresses our own DNS step returned."""

from __future__ import annotations

import asyncio
import hashlib
import ssl
import time
import zlib
from collections.abc import Awaitable, Callable, Iterable
from dataclasses import dataclass

import httpcore
import httpx

from checks.model import CertInfo, Hop, HttpEntry, HttpError, PathProbe
from checks.names import redact_url
from checks.probe.policy import ProbePolicy
from checks.probe.streams import connect
from checks.probe.tls import ChainVerifier, presented_chain, read_certificate
from checks.text import decode_body, extract_title

REDIRECTS = (301, 302, 303, 307, 308)

USER_AGENT = (
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/124.0 Safari/537.36 assetwatch/0.1"
)
"""A browser's User-Agent (sites cloak for crawlers) that still says who is asking."""

SPIDER_HEADERS = {
    "User-Agent": "Mozilla/5.0 (compatible; Baiduspider/2.0; +http://www.baidu.com/search/spider.html)",
    "Referer": "https://www.baidu.com/s?wd=",
}
"""How Baidu's crawler arrives: hacked sites often show it (and its visitors) other pages."""

Lookup = Callable[[str], Awaitable[tuple[str, ...]]]


@dataclass(frozen=True, slots=True)
class HttpLimits:
    """How far and how long a fetch may go."""

    connect_timeout: float = 5.0
    read_timeout: float = 10.0
    total_timeout: float = 15.0
    """Seconds for one URL, redirects included; catches servers that drip bytes forever."""
    max_redirects: int = 5
    body_cap: int = 512 * 1024
    """Bytes of (decoded) body kept; nothing past it is read from the network."""


class Unresolved(httpcore.ConnectError):
    """Our DNS step gave no address for a host, so no connection was attempted."""


class _Stopped(Exception):
    """A fetch ends without a page: (HttpError, detail[, final URL])."""


class Blocked(httpcore.ConnectError):
    """The policy refused a host or an address, so no connection was attempted."""


class PinnedBackend(httpcore.AsyncNetworkBackend):
    """An httpcore network backend that resolves hosts through our own DNS step.

    httpcore hands the request's host to `connect_tcp` and later uses it for
    TLS SNI and certificate checks, so pinning here keeps Host and SNI right. The
    policy is checked here too, for every request however it came about (a redirect,
    a well-known path, the Baiduspider fetch, the favicon).
    """

    def __init__(self, lookup: Lookup, policy: ProbePolicy) -> None:
        self._lookup = lookup
        self._policy = policy

    async def connect_tcp(
        self,
        host: str,
        port: int,
        timeout: float | None = None,  # noqa: ASYNC109 (httpcore's interface)
        local_address: str | None = None,
        socket_options: Iterable[httpcore.SOCKET_OPTION] | None = None,
    ) -> httpcore.AsyncNetworkStream:
        """Connect to the first of the host's addresses that the policy allows and that accepts."""
        if not self._policy.may_visit(host):
            raise Blocked(f"{host} is not in the inventory: not contacted")
        addresses = await self._lookup(host)
        if not addresses:
            raise Unresolved(f"{host}: no address from DNS")
        allowed = [a for a in addresses if self._policy.allows(a)]
        if not allowed:
            raise Blocked(f"{host}: {self._policy.refusal(addresses[0])}")
        addresses = tuple(allowed)
        error: Exception | None = None
        for address in addresses:
            try:
                return await connect(address, port, timeout)
            except (httpcore.ConnectError, httpcore.ConnectTimeout) as exc:
                error = exc
        assert error is not None
        raise error

    async def connect_unix_socket(
        self,
        path: str,
        timeout: float | None = None,  # noqa: ASYNC109 (httpcore's interface)
        socket_options: Iterable[httpcore.SOCKET_OPTION] | None = None,
    ) -> httpcore.AsyncNetworkStream:
        """Unix sockets are never probed."""
        raise httpcore.ConnectError("unix sockets are not probed")

    async def sleep(self, seconds: float) -> None:
        """Wait on the running loop."""
        await asyncio.sleep(seconds)


class _PinnedTransport(httpx.AsyncHTTPTransport):
    # httpx's transport takes no network backend, so build its pool ourselves;
    # everything else (exception mapping, streaming) is httpx's own code. This relies on
    # httpx keeping its pool in `_pool` (httpx 0.28): tests/test_probe_http.py pins it.
    def __init__(self, pool: httpcore.AsyncConnectionPool) -> None:
        self._pool = pool


def _client(ctx: ssl.SSLContext, backend: PinnedBackend, limits: HttpLimits) -> httpx.AsyncClient:
    pool = httpcore.AsyncConnectionPool(
        ssl_context=ctx, max_connections=4, keepalive_expiry=5.0, network_backend=backend
    )
    return httpx.AsyncClient(
        transport=_PinnedTransport(pool),
        trust_env=False,
        timeout=httpx.Timeout(
            limits.read_timeout, connect=limits.connect_timeout, pool=limits.total_timeout
        ),
        headers={
            "User-Agent": USER_AGENT,
            "Accept": "text/html,application/xhtml+xml,*/*;q=0.8",
            "Accept-Language": "zh-CN,zh;q=0.9,en;q=0.8",
            "Accept-Encoding": "gzip, deflate",
        },
    )


def _cause(exc: BaseException, kind: type[BaseException]) -> BaseException | None:
    seen: set[int] = set()
    current: BaseException | None = exc
    while current is not None and id(current) not in seen:
        if isinstance(current, kind):
            return current
        seen.add(id(current))
        current = current.__cause__ or current.__context__
    return None


def _classify(exc: Exception) -> tuple[HttpError, str]:
    if isinstance(exc, TimeoutError | httpx.TimeoutException):
        return HttpError.TIMEOUT, str(exc) or type(exc).__name__
    if blocked := _cause(exc, Blocked):
        return HttpError.BLOCKED, str(blocked)
    if _cause(exc, Unresolved):
        return HttpError.UNRESOLVED, str(exc)
    if ssl_error := _cause(exc, ssl.SSLError):
        return HttpError.TLS, str(ssl_error)
    if isinstance(exc, httpx.ProtocolError | httpx.DecodingError):
        return HttpError.PROTOCOL, str(exc)
    if isinstance(exc, httpx.NetworkError):
        return HttpError.CONNECT, str(exc) or type(exc).__name__
    return HttpError.ERROR, f"{type(exc).__name__}: {exc}"


DRAIN = 16 * 1024
"""Bytes of an unread body (a 404 page, a redirect's) read off so its connection is reused."""


async def _drain(resp: httpx.Response) -> None:
    """Read off a small body nobody needs: a connection left mid-body cannot be kept alive."""
    size = 0
    async for raw in resp.aiter_raw():
        size += len(raw)
        if size > DRAIN:
            return


class _Decoder:
    """Content-Encoding decoding that never produces more than the cap."""

    def __init__(self, encoding: str) -> None:
        encoding = encoding.strip().lower()
        self._zlib = zlib.decompressobj(47) if encoding in ("gzip", "x-gzip", "deflate") else None

    def feed(self, data: bytes, room: int) -> bytes:
        if self._zlib is None:
            return data[:room]
        try:
            return self._zlib.decompress(data, room)
        except zlib.error:
            self._zlib = None
            return b""


@dataclass(slots=True)
class _Response:
    status: int
    headers: tuple[tuple[str, str], ...]
    location: str | None
    body: bytes
    address: str
    chain: list[bytes]
    """The certificates the server presented (its own first), as DER; empty on plain HTTP."""
    tls_version: str


class HttpSession:
    """The HTTP client of one asset's probe: one connection pool, one handshake per connection.

    Per asset rather than one per sweep (STYLE.md): each asset's connections are pinned to
    the addresses our DNS step returned for it. The handshake accepts any certificate and the
    presented chain is verified offline (`ChainVerifier`), so a failing certificate costs no
    second handshake, and the well-known paths reuse the page's keep-alive connection.

    Args:
        lookup: our DNS step; every connection goes to an address it returns.
        tls_ctx: the sweep's shared context (accepts any certificate).
        verifier: the sweep's chain verifier.
    """

    def __init__(
        self,
        lookup: Lookup,
        tls_ctx: ssl.SSLContext,
        verifier: ChainVerifier,
        limits: HttpLimits,
        policy: ProbePolicy,
    ) -> None:
        self.policy = policy
        self.limits = limits
        self._verifier = verifier
        self._backend = PinnedBackend(lookup, policy)
        self._client = _client(tls_ctx, self._backend, limits)

    async def aclose(self) -> None:
        """Close the client and its connections."""
        await self._client.aclose()

    async def _get(self, url: str, headers: dict[str, str] | None = None) -> _Response:
        async with self._client.stream("GET", url, headers=headers) as resp:
            raw_headers = tuple(
                (k.decode("latin-1").lower(), v.decode("latin-1")) for k, v in resp.headers.raw
            )
            stream = resp.extensions.get("network_stream")
            sslobj = stream.get_extra_info("ssl_object") if stream is not None else None
            server = stream.get_extra_info("server_addr") if stream is not None else None
            location = resp.headers.get("location") if resp.status_code in REDIRECTS else None
            if location is None:
                body = await self._read_capped(resp)
            else:
                body = b""
                await _drain(resp)
            return _Response(
                status=resp.status_code,
                headers=raw_headers,
                location=location,
                body=body,
                address=server[0] if server else "",
                chain=presented_chain(sslobj) if sslobj is not None else [],
                tls_version=(sslobj.version() or "") if sslobj is not None else "",
            )

    async def _read_capped(self, resp: httpx.Response) -> bytes:
        cap = self.limits.body_cap
        decoder = _Decoder(resp.headers.get("content-encoding", ""))
        parts: list[bytes] = []
        size = 0
        async for raw in resp.aiter_raw():
            data = decoder.feed(raw, cap - size)
            parts.append(data)
            size += len(data)
            if size >= cap:
                break
        return b"".join(parts)

    async def fetch_path(self, url: str, cap: int = 64 * 1024) -> PathProbe:
        """GET one well-known path: no redirects, the first `cap` bytes. Never raises."""
        try:
            async with asyncio.timeout(self.limits.total_timeout):
                async with self._client.stream("GET", url) as resp:
                    head = b""
                    if resp.status_code in (200, 206):
                        decoder = _Decoder(resp.headers.get("content-encoding", ""))
                        async for raw in resp.aiter_raw():
                            head += decoder.feed(raw, cap - len(head))
                            if len(head) >= cap:
                                break
                    else:
                        await _drain(resp)
                    headers = tuple((k.lower(), v) for k, v in resp.headers.multi_items())
                    content_type = resp.headers.get("content-type", "")
                    return PathProbe(url, resp.status_code, content_type, headers, head)
        except Exception:  # a broken server costs this path, nothing more
            return PathProbe(url, None)

    async def fetch(self, url: str, host: str, headers: dict[str, str] | None = None) -> HttpEntry:
        """GET `url`, following up to `max_redirects` redirects, within the total timeout.

        Never raises for network failures: they become the entry's `error`.
        """
        started = time.perf_counter()
        hops: list[Hop] = []
        tls: CertInfo | None = None
        address = ""
        current = url
        last: _Response | None = None
        try:
            async with asyncio.timeout(self.limits.total_timeout):
                while True:
                    last = await self._get(current, headers)
                    if not hops:
                        address = last.address
                        if last.chain:
                            verified, why = self._verifier.verify(last.chain)
                            tls = read_certificate(
                                last.chain[0],
                                host,
                                verified=verified,
                                verify_error=why,
                                tls_version=last.tls_version,
                            )
                    hops.append(Hop(current, last.status))
                    if last.location is None:
                        break
                    current = self._next_hop(current, last.location, len(hops))
        except _Stopped as stop:
            return self._entry(url, started, hops, address, tls, None, *stop.args)
        except Exception as exc:  # every network failure becomes data
            error, detail = _classify(exc)
            return self._entry(url, started, hops, address, tls, None, error, detail)
        return self._entry(url, started, hops, address, tls, last, None, "")

    def _next_hop(self, current: str, location: str, hops: int) -> str:
        """Where a redirect goes, if we may follow it (raises `_Stopped` when not)."""
        if hops > self.limits.max_redirects:
            raise _Stopped(HttpError.TOO_MANY_REDIRECTS, f"more than {self.limits.max_redirects}")
        target = httpx.URL(current).join(location)
        if not self.policy.may_visit(target.host):
            shown = redact_url(str(target))
            raise _Stopped(
                HttpError.BLOCKED, f"redirect to {shown} not followed: not in the inventory", shown
            )
        # Credentials a redirect carries are neither sent nor kept.
        return str(target.copy_with(username=None, password=None))

    def _entry(
        self,
        url: str,
        started: float,
        hops: list[Hop],
        address: str,
        tls: CertInfo | None,
        last: _Response | None,
        error: HttpError | None,
        detail: str,
        final_url: str = "",
    ) -> HttpEntry:
        elapsed = (time.perf_counter() - started) * 1000
        if last is None:
            return HttpEntry(
                url=url,
                error=error,
                error_detail=detail,
                hops=tuple(hops),
                final_url=final_url or (hops[-1].url if hops else ""),
                elapsed_ms=elapsed,
                address=address,
                tls=tls,
            )
        content_type = next((v for k, v in last.headers if k == "content-type"), None)
        return HttpEntry(
            url=url,
            status=last.status,
            hops=tuple(hops),
            final_url=hops[-1].url,
            headers=last.headers,
            elapsed_ms=elapsed,
            title=extract_title(decode_body(content_type, last.body)),
            body_sha256=hashlib.sha256(last.body).hexdigest(),
            body=last.body,
            address=address,
            tls=tls,
        )
