"""Whose host a URL names, and what is knowable offline about a foreign one.

The site is the registrable domain (Public Suffix List), so www.example.com.cn and
m.example.com.cn are one site and two github.io pages are two.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from checks.knowledge.compromise import KnownHost, script_hosts
from checks.names import is_ip, registrable_domain
from checks.rules.compromise.words import spam_terms

_ALNUM_SWITCH = re.compile(r"[a-z][0-9]|[0-9][a-z]")


@dataclass(frozen=True, slots=True)
class Place:
    """The host and port an absolute (or protocol-relative) URL names."""

    host: str
    port: int | None
    url: str


_AUTHORITY = re.compile(
    r"\s*(?:[hH][tT][tT][pP][sS]?:)?//(?:[^/?#@\s]*@)?(\[[0-9a-fA-F:.]+\]|[^/?#:\s\\]+)(?::(\d{1,5}))?"
)


@lru_cache(maxsize=4096)
def place(url: str) -> Place | None:
    """Where an absolute or `//host/...` URL points; None for relative URLs and other schemes."""
    match = _AUTHORITY.match(url)
    if match is None:
        return None
    host = match.group(1).strip("[]").rstrip(".").lower()
    if not host:
        return None
    return Place(host, int(match.group(2)) if match.group(2) else None, url.strip())


_INVENTORY_SITES: dict[int, tuple[frozenset[str], frozenset[str]]] = {}
"""id of an inventory's host set -> (the set, kept alive; its registrable domains)."""


def sites_of(hosts: frozenset[str]) -> frozenset[str]:
    """The registrable domains of `hosts` (the inventory's hosts: one set a sweep, kept).

    An inventory's are remembered by the set's identity: every page of a sweep asks with the
    same set. Not by equality (`lru_cache`): a worker's or the dashboard's next sweep makes
    an equal new set, and each page then compared 100,000 hosts with the cached set's, nor
    for one asset's own few hosts (a baseline's page), which evicted the inventory's.
    """
    if len(hosts) < 64:
        return frozenset(registrable_domain(h) for h in hosts if h)
    known = _INVENTORY_SITES.get(id(hosts))
    if known is not None and known[0] is hosts:
        return known[1]
    sites = frozenset(registrable_domain(h) for h in hosts if h)
    while len(_INVENTORY_SITES) >= 8:  # a few organisations' inventories at once
        del _INVENTORY_SITES[next(iter(_INVENTORY_SITES))]
    _INVENTORY_SITES[id(hosts)] = (hosts, sites)
    return sites


@dataclass(frozen=True, slots=True)
class Sites:
    """Registrable domains, asked only `in`: the inventory's (one set a sweep, shared by every
    page) and a few of one page's own."""

    inventory: frozenset[str]
    page: frozenset[str] = frozenset()

    def __contains__(self, site: object) -> bool:
        return site in self.page or site in self.inventory


def foreign_place(url: str, own_sites: Sites | frozenset[str]) -> Place | None:
    """The place of `url` when it is on none of `own_sites` (registrable domains)."""
    where = place(url)
    if where is None or registrable_domain(where.host) in own_sites:
        return None
    return where


def known_host(host: str) -> KnownHost | None:
    """The well-known CDN or analytics entry covering `host`, if any."""
    return script_hosts().known_host(host)


def _looks_random(label: str) -> bool:
    # Letters and digits interleaved (a8k3j2x, 7h2k9q): generated names. Pinyin initials
    # (hnzwfw) and numbers (163, 51job) are ordinary Chinese domain names and do not count.
    return len(label) >= 6 and len(_ALNUM_SWITCH.findall(label)) >= 3


def traits(where: Place) -> list[str]:
    """What makes a foreign host suspicious on its own, offline; empty when nothing does."""
    host = where.host.lower()
    found: list[str] = []
    if is_ip(host.strip("[]")):
        found.append("an IP address")
    if where.port is not None and where.port not in (80, 443):
        found.append(f"port {where.port}")
    if found:
        return found
    if known_host(host) is not None:
        return []
    knowledge = script_hosts()
    tld = host.rsplit(".", 1)[-1]
    if tld in knowledge.spam_tlds:
        found.append(f"the .{tld} TLD")
    site = registrable_domain(host, private=False)
    if _looks_random(site.split(".", 1)[0]):
        found.append("a random-looking name")
    for label in knowledge.lookalike_labels:
        if label in host:
            found.append(f"a look-alike of {label}")
            break
    terms = spam_terms(where.url)
    if terms:
        found.append("spam words " + ", ".join(sorted(terms)))
    return found
