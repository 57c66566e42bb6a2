"""Zone transfer (AXFR) attempts against a domain's authoritative nameservers."""

from __future__ import annotations

import dns.asyncquery
import dns.exception
import dns.message
import dns.rcode
import dns.rdatatype

from checks.model import ZoneTransfer


async def try_axfr(
    zone: str, server: str, address: str, port: int, seconds: float
) -> ZoneTransfer | None:
    """Ask one nameserver for the whole zone over TCP. None when refused or unreachable.

    Only the first response message is read: enough to prove the transfer is allowed and
    to list the names of a small zone.
    """
    query = dns.message.make_query(zone, dns.rdatatype.AXFR)
    try:
        response = await dns.asyncquery.tcp(query, address, timeout=seconds, port=port)
    except (dns.exception.DNSException, OSError, EOFError):
        return None
    if response.rcode() != dns.rcode.NOERROR:
        return None
    if not any(r.rdtype == dns.rdatatype.SOA for r in response.answer):
        return None
    names = sorted({r.name.to_text(omit_final_dot=True).lower() for r in response.answer})
    return ZoneTransfer(f"{server} ({address})", tuple(names))
