"""httpcore's network stream on the running asyncio loop's own transports.

httpcore's default backend goes through anyio, whose TLS layer pumps every read and write
through a memory BIO in Python, under a cancel scope. The sweep runs on uvloop, whose SSL
transport does that in C: the same requests, the same httpcore state machine above, about
half the CPU per request on a keep-alive connection (bench/compare.py).
"""

from __future__ import annotations

import asyncio
import ssl
from typing import Any

import httpcore
from httpcore._utils import is_socket_readable

_READ = 64 * 1024
"""Bytes the stream reader buffers before it pauses the transport."""


def _timeout(seconds: float | None) -> asyncio.Timeout:
    return asyncio.timeout(seconds)


class AsyncioStream(httpcore.AsyncNetworkStream):
    """One TCP (or TLS) connection as httpcore reads and writes it."""

    def __init__(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        self._reader = reader
        self._writer = writer

    async def read(self, max_bytes: int, timeout: float | None = None) -> bytes:  # noqa: ASYNC109
        """Up to `max_bytes`; b"" at the end of the stream."""
        try:
            async with _timeout(timeout):
                return await self._reader.read(max_bytes)
        except TimeoutError as exc:
            raise httpcore.ReadTimeout(str(exc) or "read timed out") from exc
        except (OSError, ssl.SSLError) as exc:
            raise httpcore.ReadError(str(exc) or type(exc).__name__) from exc

    async def write(self, buffer: bytes, timeout: float | None = None) -> None:  # noqa: ASYNC109
        """Send `buffer` (waiting only while the transport's buffer is full)."""
        if not buffer:
            return
        try:
            self._writer.write(buffer)
            async with _timeout(timeout):
                await self._writer.drain()
        except TimeoutError as exc:
            raise httpcore.WriteTimeout(str(exc) or "write timed out") from exc
        except (OSError, ssl.SSLError, RuntimeError) as exc:
            raise httpcore.WriteError(str(exc) or type(exc).__name__) from exc

    async def aclose(self) -> None:
        """Close at once: nobody waits for a probed server's goodbye."""
        self._writer.transport.abort()

    async def start_tls(
        self,
        ssl_context: ssl.SSLContext,
        server_hostname: str | None = None,
        timeout: float | None = None,  # noqa: ASYNC109
    ) -> httpcore.AsyncNetworkStream:
        """The TLS handshake on this connection; the same stream object speaks TLS after."""
        try:
            async with _timeout(timeout):
                await self._writer.start_tls(ssl_context, server_hostname=server_hostname)
        except TimeoutError as exc:
            await self.aclose()
            raise httpcore.ConnectTimeout(str(exc) or "TLS handshake timed out") from exc
        except (OSError, ssl.SSLError, ConnectionError) as exc:
            await self.aclose()
            raise httpcore.ConnectError(str(exc) or type(exc).__name__) from exc
        return self

    def get_extra_info(self, info: str) -> Any:
        """What httpcore and our probe ask of a connection."""
        if info == "ssl_object":
            return self._writer.get_extra_info("ssl_object")
        if info == "server_addr":
            return self._writer.get_extra_info("peername")
        if info == "client_addr":
            return self._writer.get_extra_info("sockname")
        if info == "socket":
            return self._writer.get_extra_info("socket")
        if info == "is_readable":
            sock = self._writer.get_extra_info("socket")
            return sock is not None and is_socket_readable(sock)
        return None


async def connect(address: str, port: int, timeout: float | None) -> AsyncioStream:  # noqa: ASYNC109
    """A TCP connection to `address` (an IP address our DNS step returned), as httpcore expects.

    Raises:
        httpcore.ConnectTimeout, httpcore.ConnectError: no connection.
    """
    try:
        async with _timeout(timeout):
            reader, writer = await asyncio.open_connection(address, port, limit=_READ)
    except TimeoutError as exc:
        raise httpcore.ConnectTimeout(str(exc) or "connect timed out") from exc
    except OSError as exc:
        raise httpcore.ConnectError(str(exc) or type(exc).__name__) from exc
    return AsyncioStream(reader, writer)
