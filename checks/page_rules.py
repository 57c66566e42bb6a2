"""Checks on what the home page says: exposed logins and products, software versions, hygiene.

Pure functions over the probe outcome already fetched: no extra requests.
"""

from __future__ import annotations

import re
from datetime import datetime

from checks.favicon import favicon_hash
from checks.models import DnsStatus, Finding, HttpEntry, Kind, Lifecycle, ProbeOutcome
from checks.pages import decode_body
from checks.rule_kit import finding
from checks.signals import (
    Product,
    exposures,
    outdated,
    products,
    risky_ports,
    takeover_services,
)

_PASSWORD = re.compile(r"<input\b[^>]*\btype\s*=\s*[\"']?password\b", re.IGNORECASE)
_FORM_ACTION = re.compile(r"<form\b[^>]*\baction\s*=\s*[\"']?(http://[^\"' >]+)", re.IGNORECASE)
_GENERATOR = re.compile(
    r"<meta\b[^>]*name\s*=\s*[\"']generator[\"'][^>]*content\s*=\s*[\"']([^\"']+)", re.IGNORECASE
)
_ICP = re.compile(
    r"([京津沪渝冀豫云辽黑湘皖鲁新苏浙赣鄂桂甘晋蒙陕吉闽贵粤青藏川宁琼])\s*ICP\s*[备证]\s*(\d+)\s*号"
    r"(?:\s*-\s*(\d+))?"
)
_SESSION_COOKIE = re.compile(r"sess|sid|token|auth|login|jsessionid|phpsessid", re.IGNORECASE)
_VERSION = re.compile(r"\d+\.\d+")
_BANNER_HEADERS = ("server", "x-powered-by", "x-aspnet-version", "x-aspnetmvc-version")


def _pages(outcome: ProbeOutcome) -> list[HttpEntry]:
    """Entries that ended in a page, HTTPS first."""
    pages = [e for e in outcome.http if e.status is not None and e.body]
    return sorted(pages, key=lambda e: not e.final_url.startswith("https://"))


def _main_page(outcome: ProbeOutcome) -> HttpEntry | None:
    answered = [e for e in outcome.http if e.status is not None and e.status < 400]
    return (
        sorted(answered, key=lambda e: not e.final_url.startswith("https://"))[0]
        if answered
        else None
    )


def _text(entry: HttpEntry) -> str:
    return decode_body(entry.header("content-type"), entry.body)


def _headers(entry: HttpEntry, name: str) -> list[str]:
    return [v for k, v in entry.headers if k == name]


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
    seen = [(e.final_url, _text(e), e.headers) for e in _pages(outcome)]
    for probe in outcome.paths:
        if probe.status in (200, 401) and not probe.url.endswith("/favicon.ico"):
            seen.append((probe.url, decode_body(probe.content_type, probe.head), probe.headers))
    return seen


def exposed_products(
    outcome: ProbeOutcome, now: datetime, catalog: tuple[Product, ...] | None = None
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
            "oa-exposed" if product.kind == "oa" else "admin-panel-exposed",
            f"product={product.name} ({product.name_zh}); {signal}",
            subject=product.id,
        )
        for product, signal in found.values()
    ]


def login_checks(outcome: ProbeOutcome, now: datetime) -> list[Finding]:
    """login-exposed (a password form answers) and login-over-http (served or posted in clear)."""
    findings = []
    forms = [(e, _text(e)) for e in _pages(outcome)]
    forms = [(e, t) for e, t in forms if _PASSWORD.search(t)]
    if forms:
        entry = forms[0][0]
        findings.append(finding(outcome, "login-exposed", f"password form at {entry.final_url}"))
    for entry, text in forms:
        if entry.final_url.startswith("http://"):
            findings.append(
                finding(
                    outcome,
                    "login-over-http",
                    f"password form served over HTTP at {entry.final_url}",
                )
            )
            break
        action = _FORM_ACTION.search(text)
        if action:
            findings.append(
                finding(
                    outcome,
                    "login-over-http",
                    f"form at {entry.final_url} posts to {action.group(1)}",
                )
            )
            break
    return findings


def software_checks(outcome: ProbeOutcome, now: datetime) -> list[Finding]:
    """outdated-software (end of life, known vulnerable) and version-disclosure (exact versions)."""
    banners: dict[str, str] = {}
    for entry in _pages(outcome) or [e for e in outcome.http if e.headers]:
        for name in _BANNER_HEADERS:
            for value in _headers(entry, name):
                banners.setdefault(f"{name}: {value}", value)
        generator = _GENERATOR.search(_text(entry)) if entry.body else None
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
    if disclosed and outcome.asset.lifecycle != Lifecycle.RETIRED:
        findings.append(finding(outcome, "version-disclosure", "; ".join(disclosed)))
    return findings


def missing_headers(outcome: ProbeOutcome, now: datetime) -> list[Finding]:
    """missing-security-headers: one finding listing what the main page lacks."""
    page = _main_page(outcome)
    if page is None or outcome.asset.lifecycle == Lifecycle.RETIRED:
        return []
    csp = " ".join(_headers(page, "content-security-policy")).lower()
    missing = []
    if page.final_url.startswith("https://") and not page.header("strict-transport-security"):
        missing.append("Strict-Transport-Security")
    if not csp:
        missing.append("Content-Security-Policy")
    if "frame-ancestors" not in csp and not page.header("x-frame-options"):
        missing.append("X-Frame-Options (or CSP frame-ancestors)")
    if (page.header("x-content-type-options") or "").lower() != "nosniff":
        missing.append("X-Content-Type-Options: nosniff")
    if not page.header("referrer-policy"):
        missing.append("Referrer-Policy")
    if not missing:
        return []
    return [
        finding(outcome, "missing-security-headers", f"{page.final_url} lacks {', '.join(missing)}")
    ]


def insecure_cookies(outcome: ProbeOutcome, now: datetime) -> list[Finding]:
    """insecure-cookie: a session cookie without Secure (on HTTPS), HttpOnly or SameSite."""
    if outcome.asset.lifecycle == Lifecycle.RETIRED:
        return []
    problems = []
    for entry in outcome.http:
        https = entry.final_url.startswith("https://")
        for value in _headers(entry, "set-cookie"):
            name, _, rest = value.partition("=")
            if not _SESSION_COOKIE.search(name):
                continue
            attrs = {a.strip().split("=", 1)[0].lower() for a in rest.split(";")[1:]}
            lacking = [
                flag
                for flag, present in (
                    ("Secure", "secure" in attrs or not https),
                    ("HttpOnly", "httponly" in attrs),
                    ("SameSite", "samesite" in attrs),
                )
                if not present
            ]
            if lacking:
                problems.append(
                    f"{name.strip()} at {entry.final_url or entry.url} lacks {', '.join(lacking)}"
                )
    if not problems:
        return []
    return [finding(outcome, "insecure-cookie", "; ".join(dict.fromkeys(problems)))]


def _icp_key(text: str) -> tuple[str, str] | None:
    match = _ICP.search(text)
    return (match.group(1), match.group(2)) if match else None


def icp_number(outcome: ProbeOutcome, now: datetime) -> list[Finding]:
    """icp-number-missing: the home page does not show the recorded ICP filing number."""
    asset = outcome.asset
    if asset.kind != Kind.WEBSITE or asset.lifecycle != Lifecycle.ACTIVE or not asset.icp:
        return []
    page = _main_page(outcome)
    if page is None or not page.body:
        return []
    recorded = _icp_key(asset.icp)
    shown = [(m.group(1), m.group(2)) for m in _ICP.finditer(_text(page))]
    if recorded is not None and recorded in shown:
        return []
    seen = ", ".join(f"{p}ICP备{n}号" for p, n in shown) or "none"
    return [
        finding(
            outcome,
            "icp-number-missing",
            f"recorded={asset.icp}; shown={seen}; url={page.final_url}",
        )
    ]


def sensitive_files(outcome: ProbeOutcome, now: datetime) -> list[Finding]:
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


def risky_ports_open(outcome: ProbeOutcome, now: datetime) -> list[Finding]:
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


def takeover(outcome: ProbeOutcome, now: datetime) -> list[Finding]:
    """takeover-possible: a CNAME into a hosting service that answers 'unclaimed'."""
    dns = outcome.dns
    for target in dns.cname_chain:
        for service in takeover_services():
            if not service.hosts(target):
                continue
            signal = ""
            if service.nxdomain and dns.status == DnsStatus.NXDOMAIN:
                signal = f"target={dns.status}"
            for entry in outcome.http:
                text = _text(entry) if entry.body else ""
                hit = next((f for f in service.fingerprints if f in text), None)
                if hit and not signal:
                    signal = f"{entry.final_url or entry.url} {entry.status} says {hit!r}"
            if signal:
                evidence = (
                    f"cname={dns.name} -> {' -> '.join(dns.cname_chain)}; "
                    f"service={service.service} ({service.status}); {signal}"
                )
                return [finding(outcome, "takeover-possible", evidence)]
    return []


def zone_transfer(outcome: ProbeOutcome, now: datetime) -> list[Finding]:
    """zone-transfer-allowed: an authoritative nameserver hands the zone to anyone."""
    transfer = outcome.zone_transfer
    if transfer is None:
        return []
    evidence = (
        f"AXFR {outcome.asset.host} allowed by {transfer.server}: {len(transfer.names)} names"
    )
    return [finding(outcome, "zone-transfer-allowed", evidence)]


def unknown_assets(outcome: ProbeOutcome, known: frozenset[str]) -> list[Finding]:
    """unknown-asset: names the zone transfer revealed that the inventory does not hold."""
    transfer = outcome.zone_transfer
    if transfer is None:
        return []
    apex = outcome.asset.host
    return [
        finding(
            outcome,
            "unknown-asset",
            f"{name} found by AXFR of {apex}, not in the inventory",
            subject=name,
        )
        for name in transfer.names
        # the zone's own nameservers and _service labels are infrastructure, not assets
        if name != apex
        and name not in known
        and name not in outcome.dns.ns
        and not name.startswith("_")
    ]


PAGE_RULES = (
    zone_transfer,
    takeover,
    risky_ports_open,
    sensitive_files,
    exposed_products,
    login_checks,
    software_checks,
    missing_headers,
    insecure_cookies,
    icp_number,
)
