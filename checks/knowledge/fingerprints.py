"""Fingerprints from checks/data/: products, software versions, exposed files, ports, takeovers."""

from __future__ import annotations

import enum
import re
from dataclasses import dataclass
from functools import cache

from checks.knowledge import load_data


class ProductKind(enum.StrEnum):
    """What a recognised product is: it decides between oa-exposed and admin-panel-exposed."""

    OA = "oa"
    ADMIN = "admin"


@dataclass(frozen=True, slots=True)
class Product:
    """A product recognisable from a home page: an OA system or an admin panel."""

    id: str
    name: str
    name_zh: str
    kind: ProductKind
    signals: tuple[tuple[str, tuple[str, ...]], ...]
    """("body", strings that must all appear) or ("header", (name, substring))."""
    source: str
    paths: tuple[str, ...] = ()
    """Where the product's login page usually is, fetched besides the home page."""
    favicons: tuple[int, ...] = ()
    """FOFA/Shodan favicon hashes of the product's /favicon.ico."""


@dataclass(frozen=True, slots=True)
class Software:
    """A banner product with the versions that are still supported."""

    id: str
    name: str
    pattern: re.Pattern[str]
    supported_from: tuple[int, ...]
    eol_why: str
    branches: tuple[tuple[tuple[int, ...], tuple[int, ...], str], ...]
    """(branch prefix, safe-from version, why) for supported branches with known-bad releases."""
    source: str


@dataclass(frozen=True, slots=True)
class Exposure:
    """A file that must not be served, and how its content proves it is there."""

    path: str
    what: str
    all: tuple[bytes, ...]
    any: tuple[bytes, ...]
    regex: re.Pattern[bytes] | None
    magic: tuple[bytes, ...]
    not_: tuple[bytes, ...]
    source: str

    def proved_by(self, head: bytes) -> bool:
        """True when the body's first bytes prove the file is exposed."""
        lower = head.lower()
        return (
            all(s in head for s in self.all)
            and (not self.any or any(s in head for s in self.any))
            and (self.regex is None or self.regex.search(head) is not None)
            and (not self.magic or head.startswith(self.magic))
            and not any(s in lower for s in self.not_)
        )


@cache
def exposures() -> tuple[Exposure, ...]:
    """checks/data/exposures.json."""

    def raw(values: list[str]) -> tuple[bytes, ...]:
        return tuple(v.encode("utf-8") for v in values)

    return tuple(
        Exposure(
            e["path"],
            e["what"],
            raw(e.get("all", [])),
            raw(e.get("any", [])),
            re.compile(e["regex"].encode(), re.MULTILINE) if "regex" in e else None,
            tuple(bytes.fromhex(m) for m in e.get("magic", [])),
            tuple(v.lower() for v in raw(e.get("not", []))),
            e["source"],
        )
        for e in load_data("exposures.json")["files"]
    )


@dataclass(frozen=True, slots=True)
class RiskyPort:
    """A TCP port that should not face the internet."""

    port: int
    service: str
    why: str


@cache
def risky_ports() -> tuple[RiskyPort, ...]:
    """checks/data/ports.json."""
    return tuple(
        RiskyPort(p["port"], p["service"], p["why"]) for p in load_data("ports.json")["ports"]
    )


@dataclass(frozen=True, slots=True)
class TakeoverService:
    """A hosting service whose unclaimed resources anyone can claim."""

    service: str
    service_zh: str
    suffixes: tuple[str, ...]
    fingerprints: tuple[str, ...]
    nxdomain: bool
    status: str
    source: str

    def hosts(self, name: str) -> bool:
        """True when `name` is inside this service."""
        name = name.lower().rstrip(".")
        return any(name.endswith(s) or name == s.lstrip(".") for s in self.suffixes)


@cache
def takeover_services() -> tuple[TakeoverService, ...]:
    """checks/data/takeover.json."""
    return tuple(
        TakeoverService(
            s["service"],
            s["service_zh"],
            tuple(s["suffixes"]),
            tuple(s["fingerprints"]),
            bool(s.get("nxdomain")),
            s["status"],
            s["source"],
        )
        for s in load_data("takeover.json")["services"]
    )


def version(text: str) -> tuple[int, ...]:
    """ "2.4.62" -> (2, 4, 62); non-numeric parts are dropped."""
    return tuple(int(p) for p in re.findall(r"\d+", text))


@cache
def products() -> tuple[Product, ...]:
    """checks/data/products.json."""
    out = []
    for p in load_data("products.json")["products"]:
        signals = tuple(
            ("body", tuple(s["body"])) if "body" in s else ("header", tuple(s["header"]))
            for s in p["signals"]
        )
        out.append(
            Product(
                p["id"],
                p["name"],
                p["name_zh"],
                ProductKind(p["kind"]),
                signals,
                p["source"],
                tuple(p.get("paths", [])),
                tuple(p.get("favicons", [])),
            )
        )
    return tuple(out)


@cache
def software() -> tuple[Software, ...]:
    """checks/data/software.json."""
    return tuple(
        Software(
            s["id"],
            s["name"],
            re.compile(s["pattern"], re.IGNORECASE),
            version(s["supported_from"]),
            s["eol_why"],
            tuple((version(b["branch"]), version(b["safe_from"]), b["why"]) for b in s["branches"]),
            s["source"],
        )
        for s in load_data("software.json")["software"]
    )


def outdated(banner: str) -> list[tuple[Software, str, str]]:
    """(software, version, why) for every outdated product named in a banner."""
    found = []
    for sw in software():
        for match in sw.pattern.finditer(banner):
            seen = version(match.group(1))
            branch = next((b for b in sw.branches if seen[: len(b[0])] == b[0]), None)
            if branch is not None and seen < branch[1]:
                found.append((sw, match.group(1), branch[2]))
            elif branch is None and seen < sw.supported_from:
                found.append((sw, match.group(1), sw.eol_why))
    return found
