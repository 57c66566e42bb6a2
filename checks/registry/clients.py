"""The wire: an RDAP GET (httpx), a WHOIS question on TCP port 43, a CT JSON GET.

Each is bounded (one timeout for the whole exchange, a cap on what is read) and returns text
or a short reason; none raises for a server that is down, slow, wrong or too talkative.
"""

from __future__ import annotations

import asyncio
import contextlib
from dataclasses import dataclass

import httpx

RDAP_CAP = 256 * 1024
"""Bytes of an RDAP answer read at most (a domain object is a few KiB)."""
WHOIS_CAP = 64 * 1024
CT_CAP = 48 * 1024 * 1024
"""Bytes of a CT answer read at most (50,000 crt.sh entries are about 20 MiB)."""


@dataclass(frozen=True, slots=True)
class Answer:
    """What a server sent (`text`), or why nothing usable came (`error`)."""

    text: str = ""
    status: int | None = None
    error: str = ""
    truncated: bool = False


async def _read_capped(response: httpx.Response, cap: int) -> tuple[bytes, bool]:
    chunks: list[bytes] = []
    size = 0
    async for chunk in response.aiter_bytes():
        chunks.append(chunk)
        size += len(chunk)
        if size > cap:
            return b"".join(chunks)[:cap], True
    return b"".join(chunks), False


async def http_get(client: httpx.AsyncClient, url: str, cap: int, seconds: float) -> Answer:
    """GET `url`, reading at most `cap` bytes, all within `seconds` seconds."""
    try:
        async with asyncio.timeout(seconds):
            async with client.stream("GET", url) as response:
                body, truncated = await _read_capped(response, cap)
                text = body.decode("utf-8", "replace")
                return Answer(text, response.status_code, truncated=truncated)
    except TimeoutError:
        return Answer(error=f"no answer within {seconds:g} s")
    except httpx.HTTPError as exc:
        return Answer(error=f"{type(exc).__name__}: {exc}"[:200])


async def whois_query(host: str, port: int, query: str, seconds: float) -> Answer:
    """Ask a WHOIS server one question (RFC 3912) and read its answer until it closes."""
    writer: asyncio.StreamWriter | None = None
    try:
        async with asyncio.timeout(seconds):
            reader, writer = await asyncio.open_connection(host, port)
            writer.write(query.encode("utf-8") + b"\r\n")
            await writer.drain()
            data = b""
            while len(data) <= WHOIS_CAP:
                chunk = await reader.read(8192)
                if not chunk:
                    break
                data += chunk
    except TimeoutError:
        return Answer(error=f"{host}:{port} gave no answer within {seconds:g} s")
    except OSError as exc:
        return Answer(error=f"{host}:{port}: {exc.strerror or exc}")
    finally:
        if writer is not None:
            writer.close()
            with contextlib.suppress(Exception):
                await writer.wait_closed()
    truncated = len(data) > WHOIS_CAP
    data = data[:WHOIS_CAP]
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        text = data.decode("gb18030", "replace")
    return Answer(text, truncated=truncated)


async def http_get_new(url: str, cap: int, seconds: float) -> Answer:
    """`http_get` with a client of its own (one request: a CT query)."""
    async with httpx.AsyncClient(timeout=seconds, follow_redirects=True, max_redirects=3) as c:
        return await http_get(c, url, cap, seconds)
