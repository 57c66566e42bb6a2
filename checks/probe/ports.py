"""TCP connect probes: is a risky port open on a server's address? Nothing is sent."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Mapping


async def port_open(address: str, port: int, seconds: float) -> bool:
    """True when a TCP connection to address:port is accepted within `seconds`."""
    try:
        async with asyncio.timeout(seconds):
            _reader, writer = await asyncio.open_connection(address, port)
    except (OSError, TimeoutError):
        return False
    writer.close()
    with contextlib.suppress(OSError):
        await writer.wait_closed()
    return True


async def open_ports(
    address: str, ports: list[int], seconds: float, port_map: Mapping[int, int] | None = None
) -> tuple[int, ...]:
    """The ports of `ports` that accept a connection, all tried at once.

    Args:
        port_map: where to really connect for a port (the loopback lab serves "3306" on a free
            high port); empty in real use.
    """
    mapped = port_map or {}
    results = await asyncio.gather(*(port_open(address, mapped.get(p, p), seconds) for p in ports))
    return tuple(p for p, is_open in zip(ports, results, strict=True) if is_open)
