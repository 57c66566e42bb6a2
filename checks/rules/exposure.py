"""Checks on what should never face the internet: products' logins and admin panels, outdated
software, sensitive files, risky ports."""

from __future__ import annotations

import base64
import re

from checks.knowledge.fingerprints import (
    Product,
    ProductKind,
    exposures,
    outdated,
    products,
    risky_ports,
)
from checks.model import Finding, ProbeOutcome
from checks.rules._kit import RuleContext, finding, header_values, page_text, pages
from checks.text import decode_body

_GENERATOR = re.compile(
    r"<meta\b[^>]*name\s*=\s*[\"']generator[\"'][^>]*content\s*=\s*[\"']([^\"']+)", re.IGNORECASE
)
_VERSION = re.compile(r"\d+\.\d+")
_BANNER_HEADERS = ("server", "x-powered-by", "x-aspnet-version", "x-aspnetmvc-version")

_C1, _C2 = 0xCC9E2D51, 0x1B873593
_MASK = 0xFFFFFFFF


def _rotl(x: int, r: int) -> int:
    return ((x << r) | (x >> (32 - r))) & _MASK


def murmur3_32(data: bytes, seed: int = 0) -> int:
    """MurmurHash3 x86 32-bit as a signed int, like `mmh3.hash` (no C extension needed)."""
    h = seed & _MASK
    tail_at = len(data) - len(data) % 4
    for i in range(0, tail_at, 4):
        k = int.from_bytes(data[i : i + 4], "little")
        k = (_rotl((k * _C1) & _MASK, 15) * _C2) & _MASK
        h = (_rotl(h ^ k, 13) * 5 + 0xE6546B64) & _MASK
    k = 0
    for shift, byte in enumerate(data[tail_at:]):
        k |= byte << (8 * shift)
    if k:
        h ^= (_rotl((k * _C1) & _MASK, 15) * _C2) & _MASK
    h ^= len(data)
    h ^= h >> 16
    h = (h * 0x85EBCA6B) & _MASK
    h ^= h >> 13
    h = (h * 0xC2B2AE35) & _MASK
    h ^= h >> 16
    return h - (1 << 32) if h & 0x80000000 else h


def favicon_hash(icon: bytes) -> int:
    """The hash FOFA's `icon_hash=` and Shodan's `http.favicon.hash:` use."""
    return murmur3_32(base64.encodebytes(icon))


def _matches(product: Product, headers: tuple[tuple[str, str], ...], text: str) -> str | None:
    for kind, values in product.signals:
        if kind == "body" and all(v in text for v in values):
            return "body contains " + " + ".join(repr(v) for v in values)
        if kind == "header":
            name, needle = values
            if any(k == name and needle.lower() in v.lower() for k, v in headers):
                return f"header {name}" + (f" contains {needle!r}" if needle else "")
    return None


def _sightings(outcome: ProbeOutcome) -> list[tuple[str, str, tuple[tuple[str, str], ...]]]:
    """(url, text, headers) of every page worth matching: the home pages and login paths."""
    seen = [(e.final_url, page_text(e), e.headers) for e in pages(outcome, with_body=True)]
    for probe in outcome.paths:
        if probe.status in (200, 401) and not probe.url.endswith("/favicon.ico"):
            seen.append((probe.url, decode_body(probe.content_type, probe.head), probe.headers))
    return seen


def exposed_products(
    outcome: ProbeOutcome, ctx: RuleContext, catalog: tuple[Product, ...] | None = None
) -> list[Finding]:
    """oa-exposed and admin-panel-exposed: a recognised product answers on the internet.

    Args:
        catalog: the fingerprints; checks/data/products.json unless given.
    """
    catalog = products() if catalog is None else catalog
    found: dict[str, tuple[Product, str]] = {}
    for url, text, headers in _sightings(outcome):
        for product in catalog:
            if product.id not in found and (signal := _matches(product, headers, text)):
                found[product.id] = (product, f"url={url}; {signal}")
    icon = next(
        (p for p in outcome.paths if p.url.endswith("/favicon.ico") and p.status == 200 and p.head),
        None,
    )
    if icon is not None:
        digest = favicon_hash(icon.head)
        for product in catalog:
            if product.id not in found and digest in product.favicons:
                found[product.id] = (product, f"url={icon.url}; favicon hash {digest}")
    return [
        finding(
            outcome,
            "oa-exposed" if product.kind == ProductKind.OA else "admin-panel-exposed",
            f"product={product.name} ({product.name_zh}); {signal}",
            subject=product.id,
        )
        for product, signal in found.values()
    ]


def software_checks(outcome: ProbeOutcome, ctx: RuleContext) -> list[Finding]:
    """outdated-software (end of life, known vulnerable) and version-disclosure (exact versions)."""
    banners: dict[str, str] = {}
    for entry in pages(outcome, with_body=True) or [e for e in outcome.http if e.headers]:
        for name in _BANNER_HEADERS:
            for value in header_values(entry, name):
                banners.setdefault(f"{name}: {value}", value)
        generator = _GENERATOR.search(page_text(entry)) if entry.body else None
        if generator:
            banners.setdefault(f"generator: {generator.group(1)}", generator.group(1))
    findings = []
    old = [
        (label, sw, v, why) for label, value in banners.items() for sw, v, why in outdated(value)
    ]
    if old:
        evidence = "; ".join(f"{sw.name} {v} ({label}): {why}" for label, sw, v, why in old)
        findings.append(finding(outcome, "outdated-software", evidence))
    disclosed = [label for label, value in banners.items() if _VERSION.search(value)]
    if disclosed:
        findings.append(finding(outcome, "version-disclosure", "; ".join(disclosed)))
    return findings


def sensitive_files(outcome: ProbeOutcome, ctx: RuleContext) -> list[Finding]:
    """sensitive-file-exposed: a well-known file answers, proved by its content."""
    by_path = {e.path: e for e in exposures()}
    findings = []
    for probe in outcome.paths:
        path = "/" + probe.url.split("/", 3)[-1] if probe.url.count("/") >= 3 else probe.url
        exposure = by_path.get(path)
        if exposure is None or probe.status not in (200, 206) or not exposure.proved_by(probe.head):
            continue
        evidence = f"{probe.url} {probe.status}: {exposure.what} ({len(probe.head)}+ bytes)"
        findings.append(finding(outcome, "sensitive-file-exposed", evidence, subject=path))
    return findings


def risky_ports_open(outcome: ProbeOutcome, ctx: RuleContext) -> list[Finding]:
    """risky-port-open: one finding per risky service a server exposes."""
    by_port = {p.port: p for p in risky_ports()}
    address = outcome.dns.addresses[0] if outcome.dns.addresses else ""
    return [
        finding(
            outcome,
            "risky-port-open",
            f"{address}:{port} ({by_port[port].service}) accepts connections: {by_port[port].why}",
            subject=str(port),
        )
        for port in outcome.open_ports or ()
        if port in by_port
    ]
