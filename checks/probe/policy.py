"""Where the prober may go: only where the inventory says, to addresses our own DNS returned.

A page cannot steer the prober. Redirects are followed only to the asset's own host or to
another inventoried host; connections go only to addresses our DNS step returned for them;
link-local, cloud-metadata, multicast, unspecified and reserved addresses are never contacted;
loopback and private ranges only when the asset's own name resolves into them (an intranet OA
is legitimate; being redirected into the intranet is not).
"""

from __future__ import annotations

import enum
import ipaddress
from collections.abc import Iterable
from dataclasses import dataclass

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address

METADATA = frozenset(
    ipaddress.ip_address(a)
    for a in (
        "169.254.169.254",  # AWS, Azure, GCP, Huawei Cloud, OpenStack
        "169.254.170.2",  # AWS ECS task metadata
        "169.254.0.23",  # Tencent Cloud (metadata.tencentyun.com)
        "100.100.100.200",  # Alibaba Cloud
        "fd00:ec2::254",  # AWS over IPv6
    )
)
"""Cloud instance-metadata endpoints: credentials live there, whatever range they sit in."""

_SHARED = ipaddress.ip_network("100.64.0.0/10")
_THIS_NETWORK = ipaddress.ip_network("0.0.0.0/8")


class Reach(enum.StrEnum):
    """How far away an address is, for the policy."""

    FORBIDDEN = "forbidden"
    LOOPBACK = "loopback"
    PRIVATE = "private"
    GLOBAL = "global"


def reach(address: str) -> Reach:
    """The class of an address (IPv4-mapped IPv6 addresses are judged as IPv4)."""
    try:
        ip: IPAddress = ipaddress.ip_address(address.split("%", 1)[0])
    except ValueError:
        return Reach.FORBIDDEN
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped
    if ip.is_loopback:
        return Reach.LOOPBACK
    if (
        ip in METADATA
        or ip.is_link_local
        or ip.is_multicast
        or ip.is_unspecified
        or ip.is_reserved
        or (
            isinstance(ip, ipaddress.IPv4Address)
            and (ip in _THIS_NETWORK or ip.packed == b"\xff" * 4)
        )
    ):
        return Reach.FORBIDDEN
    if ip.is_private or (isinstance(ip, ipaddress.IPv4Address) and ip in _SHARED):
        return Reach.PRIVATE
    return Reach.GLOBAL


@dataclass(frozen=True, slots=True)
class ProbePolicy:
    """What one asset's probe may contact."""

    host: str
    """The asset's own host."""
    known_hosts: frozenset[str] = frozenset()
    """Every inventoried host (the sweep's one set, lower case): redirects may go there too."""
    own: frozenset[Reach] = frozenset()
    """The classes of the addresses the asset's own name resolved to."""
    extra: frozenset[str] = frozenset()
    """Hosts of the asset's own URLs."""

    @classmethod
    def of(
        cls,
        host: str,
        addresses: Iterable[str],
        known: Iterable[str] = (),
        extra: Iterable[str] = (),
    ) -> ProbePolicy:
        """The policy of an asset whose name resolved to `addresses`.

        `known` is shared by every asset of a sweep: a frozenset of lower-case names is kept
        as it is (copying 10,000 names for each asset made sweeps quadratic).
        """
        own = frozenset(reach(a) for a in addresses) - {Reach.FORBIDDEN}
        if not isinstance(known, frozenset):
            known = frozenset(h.lower() for h in known)
        return cls(host.lower(), known, own, frozenset(h.lower() for h in extra))

    def may_visit(self, host: str) -> bool:
        """A host we may send a request to: the asset's own, or another inventoried one."""
        host = host.lower().rstrip(".").strip("[]")
        return host == self.host or host in self.extra or host in self.known_hosts

    def allows(self, address: str) -> bool:
        """An address we may connect to."""
        where = reach(address)
        return where == Reach.GLOBAL or (where != Reach.FORBIDDEN and where in self.own)

    def allows_nameserver(self, name: str, address: str) -> bool:
        """A nameserver address for a zone transfer: as `allows`, or in the zone's bailiwick."""
        if self.allows(address):
            return True
        name = name.lower().rstrip(".")
        inside = name == self.host or name.endswith("." + self.host)
        return inside and reach(address) in (Reach.LOOPBACK, Reach.PRIVATE)

    def refusal(self, address: str) -> str:
        """Why an address is refused, for the evidence."""
        return f"{address} is {reach(address)}: not contacted"
