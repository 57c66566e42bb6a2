"""The lab's HTTP and HTTPS servers: name-based virtual hosts over asyncio streams."""

from __future__ import annotations

import asyncio
import contextlib
import ssl
from dataclasses import dataclass, field
from email.utils import formatdate

REASONS = {
    200: "OK",
    301: "Moved Permanently",
    302: "Found",
    403: "Forbidden",
    404: "Not Found",
    500: "Internal Server Error",
    502: "Bad Gateway",
}


@dataclass(slots=True)
class Page:
    """One response the lab serves, and how it misbehaves."""

    body: bytes = b""
    status: int = 200
    headers: list[tuple[str, str]] = field(default_factory=list)
    behavior: str = ""
    """"" serves; "hang" accepts and never answers; "drip" sends a byte a second forever;
    "close" drops the connection; "huge" sends `size` bytes."""
    size: int = 0


def html_page(
    body: str,
    *,
    charset: str = "utf-8",
    headers: list[tuple[str, str]] | None = None,
    content_type: str | None = None,
    status: int = 200,
) -> Page:
    """A text/html page, encoded with `charset`."""
    ctype = content_type if content_type is not None else f"text/html; charset={charset}"
    return Page(body.encode(charset), status, [("Content-Type", ctype), *(headers or [])])


def redirect(location: str, status: int = 301) -> Page:
    """A redirect to `location`."""
    return Page(b"", status, [("Location", location)])


@dataclass(slots=True)
class Site:
    """A virtual host: its pages over HTTP and over HTTPS (None: that scheme is not served)."""

    host: str
    http: dict[str, Page] | None = None
    https: dict[str, Page] | None = None
    cert: str = "valid"
    """Which certificate the HTTPS server presents for this name (a key of the lab's contexts)."""
    spider: dict[str, Page] | None = None
    """Pages shown to Baiduspider instead (cloaking, as on hacked sites)."""


NOT_FOUND = html_page("<html><head><title>404 Not Found</title></head></html>", status=404)


class LabWeb:
    """Serves `sites` by Host header; HTTPS picks the certificate by SNI."""

    def __init__(self, sites: list[Site], latency: float = 0.0) -> None:
        self.sites = {s.host.lower(): s for s in sites}
        self.latency = latency
        self.requests = 0
        self.hosts: dict[str, int] = {}
        """Requests served, by Host header: what a test may assert was never asked."""
        self.connections: dict[str, int] = {}
        """Connections accepted, by the Host header of their first request (keep-alive)."""
        self.tasks: set[asyncio.Task[None]] = set()

    def page(self, host: str, path: str, tls: bool, agent: str = "") -> Page:
        """The page for a request, or 404."""
        site = self.sites.get(host.lower())
        pages = None if site is None else (site.https if tls else site.http)
        if site is not None and site.spider is not None and "baiduspider" in agent.lower():
            pages = site.spider
        if pages is None:
            return NOT_FOUND
        return pages.get(path.split("?", 1)[0]) or pages.get("*") or NOT_FOUND

    async def handle(
        self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter, tls: bool
    ) -> None:
        """Serve one connection, keep-alive included."""
        task = asyncio.current_task()
        if task is not None:
            self.tasks.add(task)
        try:
            first = True
            while await self._one(reader, writer, tls, first):
                first = False
        except (
            asyncio.CancelledError,  # the lab stopping while a "hang" page holds a connection
            asyncio.IncompleteReadError,
            asyncio.LimitOverrunError,
            ConnectionError,
            ssl.SSLError,
            TimeoutError,
            ValueError,
        ):
            pass
        finally:
            if task is not None:
                self.tasks.discard(task)
            writer.close()
            with contextlib.suppress(Exception):
                await writer.wait_closed()

    async def _one(
        self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter, tls: bool, first: bool
    ) -> bool:
        head = await asyncio.wait_for(reader.readuntil(b"\r\n\r\n"), 30)
        lines = head.decode("latin-1").split("\r\n")
        method, target, version = lines[0].split(" ", 2)
        headers = {}
        for line in lines[1:]:
            if ":" in line:
                key, value = line.split(":", 1)
                headers[key.strip().lower()] = value.strip()
        if length := int(headers.get("content-length", "0") or 0):
            await reader.readexactly(min(length, 1 << 20))
        self.requests += 1
        host = headers.get("host", "")
        host = host.rsplit(":", 1)[0] if not host.endswith("]") else host
        self.hosts[host.lower()] = self.hosts.get(host.lower(), 0) + 1
        if first:
            self.connections[host.lower()] = self.connections.get(host.lower(), 0) + 1
        page = self.page(host.strip("[]"), target, tls, headers.get("user-agent", ""))
        if self.latency:
            await asyncio.sleep(self.latency)
        if page.behavior == "hang":
            await asyncio.sleep(3600)
        if page.behavior == "close":
            return False
        keep = version == "HTTP/1.1" and headers.get("connection", "").lower() != "close"
        size = page.size if page.behavior == "huge" else len(page.body)
        out = [
            f"HTTP/1.1 {page.status} {REASONS.get(page.status, 'OK')}",
            f"Date: {formatdate(usegmt=True)}",
        ]
        out += [f"{k}: {v}" for k, v in page.headers]
        if page.behavior != "drip":
            out.append(f"Content-Length: {size}")
        out.append(f"Connection: {'keep-alive' if keep else 'close'}")
        writer.write(("\r\n".join(out) + "\r\n\r\n").encode("utf-8"))
        if method == "HEAD":
            pass
        elif page.behavior == "drip":
            while True:
                writer.write(b"<")
                await writer.drain()
                await asyncio.sleep(1)
        elif page.behavior == "huge":
            chunk = b"x" * 65536
            for start in range(0, size, len(chunk)):
                writer.write(chunk[: size - start])
                await writer.drain()
        else:
            writer.write(page.body)
        await writer.drain()
        return keep


async def serve_web(
    web: LabWeb,
    hosts: list[str],
    contexts: dict[str, ssl.SSLContext] | None,
    port: int = 0,
) -> tuple[list[asyncio.Server], int]:
    """Listen on `port` (0: pick one) on every address in `hosts`; TLS when `contexts` is given."""
    ssl_ctx: ssl.SSLContext | None = None
    if contexts is not None:
        ssl_ctx = contexts["default"]

        def pick(sslobj: ssl.SSLObject, server_name: str | None, _: ssl.SSLContext) -> None:
            ctx = _context_for(web, contexts, server_name or "")
            if ctx is not None:
                sslobj.context = ctx

        ssl_ctx.sni_callback = pick
    tls = ssl_ctx is not None

    async def handler(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        await web.handle(reader, writer, tls)

    for _ in range(20):
        servers: list[asyncio.Server] = []
        try:
            first = await asyncio.start_server(handler, hosts[0], port, ssl=ssl_ctx)
            servers.append(first)
            chosen = first.sockets[0].getsockname()[1]
            for host in hosts[1:]:
                servers.append(await asyncio.start_server(handler, host, chosen, ssl=ssl_ctx))
            return servers, chosen
        except OSError:
            for s in servers:
                s.close()
            if port:
                raise
    raise OSError("no free port on every lab address")


def _context_for(
    web: LabWeb, contexts: dict[str, ssl.SSLContext], name: str
) -> ssl.SSLContext | None:
    site = web.sites.get(name.lower())
    if site is None:
        return None
    return contexts.get(f"{site.cert}:{site.host.lower()}") or contexts.get(site.cert)
