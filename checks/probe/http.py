"""HTTP(S) probing (`checks.probe.wire`), connecting only to addresses our own DNS step returned."""

from __future__ import annotations

import asyncio
import hashlib
import ssl
import time
import zlib
from dataclasses import dataclass
from functools import lru_cache

import httpx

from checks.model import CertInfo, Hop, HttpEntry, HttpError, PathProbe
from checks.names import redact_url
from checks.probe.policy import ProbePolicy
from checks.probe.tls import ChainVerifier, presented_chain, read_certificate
from checks.probe.wire import Lookup, Origin, Pool, Reply, WireError
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


class _Stopped(Exception):
    """A fetch ends without a page: (HttpError, detail[, final URL])."""


REQUEST_HEADERS = (
    (b"Accept", b"text/html,application/xhtml+xml,*/*;q=0.8"),
    (b"Accept-Encoding", b"gzip, deflate"),
    (b"Connection", b"keep-alive"),
    (b"User-Agent", USER_AGENT.encode()),
    (b"Accept-Language", b"zh-CN,zh;q=0.9,en;q=0.8"),
)
"""What every request carries (a browser's set); a fetch's own headers replace these by name."""


def _classify(exc: Exception) -> tuple[HttpError, str]:
    if isinstance(exc, WireError):
        return exc.kind, str(exc)
    if isinstance(exc, TimeoutError):
        return HttpError.TIMEOUT, str(exc) or type(exc).__name__
    return HttpError.ERROR, f"{type(exc).__name__}: {exc}"


_PLAIN = frozenset(
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~/?=&%+,;:!$'()*@"
)
"""Characters a URL's path and query may hold as they are sent (no encoding needed)."""


_HOST = frozenset("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-.")


@lru_cache(maxsize=4096)
def _origin(prefix: str) -> tuple[Origin, bytes]:
    """(origin, Host header) of "scheme://netloc", parsed once per origin by httpx's rules.

    Raises:
        WireError: not an http(s) URL with a host.
    """
    scheme, _, authority = prefix.partition("://")
    scheme = scheme.lower()
    host, _, port_text = authority.partition(":")
    if (
        scheme in ("http", "https")
        and host
        and _HOST.issuperset(host)
        and (not port_text or (port_text.isdigit() and 0 < int(port_text) < 65536))
    ):
        # A plain name or IPv4 address: what httpx would make of it, without parsing a URL.
        host, port = host.lower(), int(port_text) if port_text else None
    else:
        try:
            parsed = httpx.URL(prefix + "/")
        except httpx.InvalidURL as exc:
            raise WireError(HttpError.ERROR, f"bad URL: {exc}") from exc
        scheme = parsed.scheme
        if scheme not in ("http", "https") or not parsed.raw_host:
            raise WireError(HttpError.ERROR, f"not an http(s) URL: {redact_url(prefix)}")
        host, port = parsed.raw_host.decode("ascii"), parsed.port
    default = 443 if scheme == "https" else 80
    port = port or default
    netloc = f"[{host}]" if ":" in host else host
    if port != default:
        netloc += f":{port}"
    return Origin(scheme, host, port), netloc.encode("ascii")


def _target(url: str) -> tuple[Origin, bytes, bytes]:
    """(origin, request target, Host header) of an http(s) URL.

    The origin is parsed once (a site's paths share it); a path and query of plain characters
    are sent as they are, anything else is encoded by httpx.

    Raises:
        WireError: not an http(s) URL with a host.
    """
    scheme_end = url.find("://")
    slash = url.find("/", scheme_end + 3) if scheme_end > 0 else -1
    prefix, rest = (url, "") if slash < 0 else (url[:slash], url[slash:])
    if "@" in prefix or "#" in prefix or "?" in prefix or not prefix.isascii():
        # Credentials, an IDN or an odd URL: httpx parses the whole of it.
        try:
            whole = httpx.URL(url)
        except httpx.InvalidURL as exc:
            raise WireError(HttpError.ERROR, f"bad URL: {exc}") from exc
        origin, netloc = _origin(f"{whole.scheme}://{whole.netloc.decode('ascii')}")
        return origin, whole.raw_path or b"/", netloc
    origin, netloc = _origin(prefix)
    if not rest:
        return origin, b"/", netloc
    if not _PLAIN.issuperset(rest):
        try:
            return origin, httpx.URL(url).raw_path or b"/", netloc
        except httpx.InvalidURL as exc:
            raise WireError(HttpError.ERROR, f"bad URL: {exc}") from exc
    return origin, rest.encode("ascii"), netloc


DRAIN = 16 * 1024
"""Bytes of an unread body (a 404 page, a redirect's) read off so its connection is reused."""


async def _drain(reply: Reply) -> None:
    """Read off a small body nobody needs: a connection left mid-body cannot be kept alive."""
    size = 0
    async for raw in reply.chunks():
        size += len(raw)
        if size > DRAIN:
            return


class _Decoder:
    """Content-Encoding decoding that never produces more than the cap."""

    def __init__(self, encoding: str | None) -> None:
        encoding = (encoding or "").strip().lower()
        self._zlib = zlib.decompressobj(47) if encoding in ("gzip", "x-gzip", "deflate") else None

    def feed(self, data: bytes, room: int) -> bytes:
        if self._zlib is None:
            return data[:room]
        try:
            return self._zlib.decompress(data, room)
        except zlib.error as exc:  # a broken body is no page: not evidence of anything
            raise WireError(HttpError.PROTOCOL, f"body not decodable: {exc}") from exc


async def _read_capped(reply: Reply, cap: int) -> bytes:
    """The decoded body, at most `cap` bytes; nothing past it is read from the network."""
    decoder = _Decoder(reply.header(b"content-encoding"))
    parts: list[bytes] = []
    size = 0
    async for raw in reply.chunks():
        data = decoder.feed(raw, cap - size)
        parts.append(data)
        size += len(data)
        if size >= cap:
            break
    return b"".join(parts)


def _text_headers(raw: list[tuple[bytes, bytes]]) -> tuple[tuple[str, str], ...]:
    """Header names and values as text: UTF-8 where all of them are, else Latin-1 (as httpx)."""
    try:
        return tuple((k.decode("ascii"), v.decode("utf-8")) for k, v in raw)
    except UnicodeDecodeError:
        return tuple((k.decode("latin-1"), v.decode("latin-1")) for k, v in raw)


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
        self._pool = Pool(
            lookup, self._refusal, tls_ctx, limits.connect_timeout, limits.read_timeout
        )

    def _refusal(self, host: str, address: str) -> str | None:
        """Why the policy refuses `host` (address "") or one of its addresses; None if allowed."""
        if not address:
            return (
                None
                if self.policy.may_visit(host)
                else f"{host} is not in the inventory: not contacted"
            )
        return None if self.policy.allows(address) else f"{host}: {self.policy.refusal(address)}"

    async def aclose(self) -> None:
        """Close the session's connections."""
        self._pool.close()

    @staticmethod
    def _headers(netloc: bytes, extra: dict[str, str] | None) -> list[tuple[bytes, bytes]]:
        if not extra:
            return [(b"Host", netloc), *REQUEST_HEADERS]
        replaced = {k.lower() for k in extra}
        own = [(k, v) for k, v in REQUEST_HEADERS if k.decode().lower() not in replaced]
        return [(b"Host", netloc), *own, *((k.encode(), v.encode()) for k, v in extra.items())]

    async def _get(self, url: str, headers: dict[str, str] | None = None) -> _Response:
        origin, target, netloc = _target(url)
        # The wait for the origin's connection counts towards the URL's timeout: a site near
        # it may show a timeout on a redirect (unknown, never clear).
        async with self._pool.get(origin, target, self._headers(netloc, headers)) as reply:
            sslobj = reply.conn.ssl_object
            location = reply.header(b"location") if reply.status in REDIRECTS else None
            if location is None:
                body = await _read_capped(reply, self.limits.body_cap)
            else:
                body = b""
                await _drain(reply)
            return _Response(
                status=reply.status,
                headers=tuple((k.decode("latin-1"), v.decode("latin-1")) for k, v in reply.headers),
                location=location,
                body=body,
                address=reply.conn.address,
                chain=presented_chain(sslobj) if sslobj is not None else [],
                tls_version=(sslobj.version() or "") if sslobj is not None else "",
            )

    async def fetch_path(self, url: str, cap: int = 64 * 1024) -> PathProbe:
        """GET one well-known path: no redirects, the first `cap` bytes. Never raises."""
        try:
            async with asyncio.timeout(self.limits.total_timeout):
                origin, target, netloc = _target(url)
                async with self._pool.get(origin, target, self._headers(netloc, None)) as reply:
                    head = b""
                    if reply.status in (200, 206):
                        head = await _read_capped(reply, cap)
                    else:
                        await _drain(reply)
                    content_type = reply.header(b"content-type") or ""
                    headers = _text_headers(reply.headers)
                    return PathProbe(url, reply.status, content_type, headers, head)
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
