"""HTTP/1.1 for the prober: h11's state machine on the running loop's own transports.

Why not httpx here (it stays for webhooks, RDAP and CT): a sweep asks one site's pages and
paths and never needs cookies, auth, proxies, HTTP/2 or a shared pool, yet httpx and httpcore
build those layers around every request. On bench/compare.py's lab this client costs about
half the CPU per request of httpx over httpcore over the same h11 (measured in the commit that
brought it). h11 does the parsing (chunked bodies, framing, keep-alive rules); the TLS, on
uvloop, is done in C by the loop's own SSL transport.

Every failure is a `WireError` that says which `HttpError` it is, so the probe never guesses.
"""

from __future__ import annotations

import asyncio
import ssl
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass, field

import h11

from checks.model import HttpError

MAX_HEAD = 100 * 1024
"""Bytes a response's status line and headers may take (httpcore's figure)."""

_READ = 64 * 1024
"""Bytes asked of the transport at once."""

Lookup = Callable[[str], Awaitable[tuple[str, ...]]]


class WireError(Exception):
    """A request that got no (complete) answer: `kind` says how, the message says why."""

    def __init__(self, kind: HttpError, detail: str) -> None:
        super().__init__(detail)
        self.kind = kind


def _why(exc: BaseException) -> str:
    return str(exc) or type(exc).__name__


class Connection:
    """One TCP (or TLS) connection to one origin, one request at a time."""

    def __init__(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        self._reader = reader
        self._writer = writer
        self._h11 = h11.Connection(h11.CLIENT, max_incomplete_event_size=MAX_HEAD)
        self.idle_since = 0.0
        peer = writer.get_extra_info("peername")
        self.address: str = peer[0] if peer else ""

    @property
    def ssl_object(self) -> ssl.SSLObject | None:
        """The TLS session, None on plain HTTP."""
        sslobj: ssl.SSLObject | None = self._writer.get_extra_info("ssl_object")
        return sslobj

    async def start_tls(self, ctx: ssl.SSLContext, server_hostname: str, timeout: float) -> None:  # noqa: ASYNC109
        """The handshake, within `timeout` seconds."""
        try:
            async with asyncio.timeout(timeout):
                await self._writer.start_tls(ctx, server_hostname=server_hostname)
        except TimeoutError:
            self.close()
            raise WireError(HttpError.TIMEOUT, "TLS handshake timed out") from None
        except ssl.SSLError as exc:
            self.close()
            raise WireError(HttpError.TLS, _why(exc)) from exc
        except (OSError, ConnectionError) as exc:
            self.close()
            raise WireError(HttpError.CONNECT, _why(exc)) from exc

    async def request(
        self,
        target: bytes,
        headers: list[tuple[bytes, bytes]],
        timeout: float,  # noqa: ASYNC109
    ) -> h11.Response:
        """Send a GET and read up to its response's headers (1xx answers are skipped)."""
        try:
            data = self._h11.send(h11.Request(method=b"GET", target=target, headers=headers))
            data = (data or b"") + (self._h11.send(h11.EndOfMessage()) or b"")
        except h11.LocalProtocolError as exc:
            raise WireError(HttpError.ERROR, f"request not sent: {exc}") from exc
        try:
            self._writer.write(data)
            async with asyncio.timeout(timeout):
                await self._writer.drain()
        except TimeoutError:
            raise WireError(HttpError.TIMEOUT, "write timed out") from None
        except ssl.SSLError as exc:
            raise WireError(HttpError.TLS, _why(exc)) from exc
        except (OSError, RuntimeError) as exc:
            raise WireError(HttpError.CONNECT, _why(exc)) from exc
        while True:
            event = await self._next(timeout)
            if isinstance(event, h11.Response):
                return event
            if not isinstance(event, h11.InformationalResponse):
                raise WireError(HttpError.PROTOCOL, f"unexpected {type(event).__name__}")

    async def body(self, timeout: float) -> AsyncIterator[bytes]:  # noqa: ASYNC109
        """The response body as it arrives (decoded from chunked framing, not from gzip)."""
        while True:
            event = await self._next(timeout)
            if isinstance(event, h11.Data):
                yield bytes(event.data)
            elif isinstance(event, h11.EndOfMessage):
                return

    async def _next(self, timeout: float) -> h11.Event:  # noqa: ASYNC109
        while True:
            try:
                event = self._h11.next_event()
            except h11.RemoteProtocolError as exc:
                raise WireError(HttpError.PROTOCOL, _why(exc)) from exc
            if isinstance(event, h11.ConnectionClosed):
                raise WireError(HttpError.PROTOCOL, "server disconnected without an answer")
            if isinstance(event, h11.Event):
                return event
            if event is h11.PAUSED:
                raise WireError(HttpError.PROTOCOL, "the exchange is already over")
            try:
                async with asyncio.timeout(timeout):
                    data = await self._reader.read(_READ)
            except TimeoutError:
                raise WireError(HttpError.TIMEOUT, "read timed out") from None
            except ssl.SSLError as exc:
                raise WireError(HttpError.TLS, _why(exc)) from exc
            except OSError as exc:
                raise WireError(HttpError.CONNECT, _why(exc)) from exc
            self._h11.receive_data(data)

    def reusable(self) -> bool:
        """Both sides finished the exchange and neither asked to close: ready for the next."""
        if self._h11.our_state is h11.DONE and self._h11.their_state is h11.DONE:
            self._h11.start_next_cycle()
            return not self._reader.at_eof()
        return False

    def fresh(self) -> bool:
        """Idle as it was left: the server sent nothing meanwhile (a 408 it sends as it drops
        an idle connection would otherwise pass for the next request's answer) and did not
        close it."""
        buffered = getattr(self._reader, "_buffer", b"")
        return not buffered and not self._reader.at_eof() and not self._h11.trailing_data[0]

    def close(self) -> None:
        """Close at once: nobody waits for a probed server's goodbye."""
        self._writer.transport.abort()


async def open_connection(address: str, port: int, timeout: float) -> Connection:  # noqa: ASYNC109
    """A TCP connection to `address` (an IP address our DNS step returned)."""
    try:
        async with asyncio.timeout(timeout):
            reader, writer = await asyncio.open_connection(address, port, limit=_READ)
    except TimeoutError:
        raise WireError(HttpError.TIMEOUT, "connect timed out") from None
    except OSError as exc:
        raise WireError(HttpError.CONNECT, _why(exc)) from exc
    return Connection(reader, writer)


@dataclass(frozen=True, slots=True)
class Origin:
    """Where a request goes: scheme, host (IDNA, as sent) and port."""

    scheme: str
    host: str
    port: int


@dataclass(slots=True)
class Reply:
    """A response whose headers have arrived; read `chunks()` inside the `Pool.get` block."""

    status: int
    headers: list[tuple[bytes, bytes]]
    """As sent, names lower-cased (h11)."""
    conn: Connection
    timeout: float
    finished: bool = field(default=False)

    def header(self, name: bytes) -> str | None:
        """A header's values joined by ", " (as httpx does), None when absent."""
        values = [v.decode("latin-1") for k, v in self.headers if k == name]
        return ", ".join(values) if values else None

    async def chunks(self) -> AsyncIterator[bytes]:
        """The body, piece by piece; stopping early closes the connection afterwards."""
        async for data in self.conn.body(self.timeout):
            yield data
        self.finished = True


class Pool:
    """One asset's connections: one per origin, kept alive for the paths, at most `size` in all.

    One connection per origin costs the server one handshake per scheme however many paths
    are asked; a sweep hides the paths' round trips by probing more assets at once.

    Every connection goes to an address `lookup` (our DNS step) gave for the host and that
    `allows` (the probe policy) accepts.
    """

    def __init__(
        self,
        lookup: Lookup,
        allows: Callable[[str, str], str | None],
        tls_ctx: ssl.SSLContext,
        connect_timeout: float,
        read_timeout: float,
        size: int = 4,
        keepalive_s: float = 5.0,
    ) -> None:
        self._lookup = lookup
        self._allows = allows
        self._tls_ctx = tls_ctx
        self._connect_timeout = connect_timeout
        self._read_timeout = read_timeout
        self._keepalive_s = keepalive_s
        self._slots = asyncio.Semaphore(size)
        self._origins: dict[Origin, asyncio.Lock] = {}
        self._closed = False
        self._idle: dict[Origin, list[Connection]] = {}

    async def _connect(self, origin: Origin) -> Connection:
        if refusal := self._allows(origin.host, ""):
            raise WireError(HttpError.BLOCKED, refusal)
        addresses = await self._lookup(origin.host)
        if not addresses:
            raise WireError(HttpError.UNRESOLVED, f"{origin.host}: no address from DNS")
        allowed = [a for a in addresses if not self._allows(origin.host, a)]
        if not allowed:
            raise WireError(HttpError.BLOCKED, self._allows(origin.host, addresses[0]) or "")
        error: WireError | None = None
        for address in allowed:
            try:
                conn = await open_connection(address, origin.port, self._connect_timeout)
                break
            except WireError as exc:
                error = exc
        else:
            assert error is not None
            raise error
        if origin.scheme == "https":
            await conn.start_tls(self._tls_ctx, origin.host, self._connect_timeout)
        return conn

    def _reuse(self, origin: Origin) -> Connection | None:
        idle = self._idle.get(origin)
        now = time.monotonic()
        while idle:
            conn = idle.pop()
            if now - conn.idle_since < self._keepalive_s and conn.fresh():
                return conn
            conn.close()
        return None

    @asynccontextmanager
    async def get(
        self, origin: Origin, target: bytes, headers: list[tuple[bytes, bytes]]
    ) -> AsyncIterator[Reply]:
        """GET `target` on `origin`; the reply is readable inside the block.

        Requests to one origin take turns on its one kept-alive connection (a redirect to the
        origin whose page is in flight reuses it: no second handshake). A kept-alive
        connection the server has meanwhile closed (or answered 408 on) is retried once on a
        new one, as browsers do for a GET.
        """
        turn = self._origins.setdefault(origin, asyncio.Lock())
        async with turn, self._slots:
            conn = self._reuse(origin)
            try:
                if conn is not None:
                    try:
                        response = await conn.request(target, headers, self._read_timeout)
                        if response.status_code == 408:
                            raise WireError(HttpError.PROTOCOL, "408 on a kept connection")
                    except WireError as exc:
                        if exc.kind not in (HttpError.PROTOCOL, HttpError.CONNECT):
                            raise
                        conn.close()
                        conn = None
                if conn is None:
                    conn = await self._connect(origin)
                    response = await conn.request(target, headers, self._read_timeout)
                reply = Reply(
                    response.status_code, list(response.headers), conn, self._read_timeout
                )
                yield reply
            except BaseException:
                if conn is not None:
                    conn.close()
                raise
            if reply.finished and not self._closed and conn.reusable():
                conn.idle_since = time.monotonic()
                self._idle.setdefault(origin, []).append(conn)
            else:
                conn.close()

    def close(self) -> None:
        """Close every kept connection; one still in use is closed when its request ends."""
        self._closed = True
        for idle in self._idle.values():
            for conn in idle:
                conn.close()
        self._idle.clear()
