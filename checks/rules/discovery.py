"""Names of the organisation nobody inventoried, as one probe shows them, at no extra request:
a zone transfer, the SANs of the certificates we fetched, and same-site hosts linked from the
pages we fetched (read, never followed). Plus the names still waiting in the Discovered list
(found by `assetwatch discover`: certificate transparency, brute-force DNS)."""

from __future__ import annotations

import re

from checks.errors import UserError
from checks.model import Finding, ProbeOutcome
from checks.names import is_ip, normalize_name, registrable_domain
from checks.rules._kit import RuleContext, finding, page_text

_LINK = re.compile(
    r"""(?:href|src|action|data-src)\s*=\s*["']?(?:https?:)?//([^/"'\s>:?#]+)""", re.IGNORECASE
)
MAX_PASSIVE = 200
"""Names taken from one probe at most (a page with thousands of links is not a zone)."""


def _name(raw: str) -> str:
    raw = raw.strip().lower().rstrip(".")
    if raw.startswith("*."):
        raw = raw[2:]
    try:
        name = normalize_name(raw)
    except UserError:
        return ""
    return "" if is_ip(name) else name


def found_names(outcome: ProbeOutcome, ctx: RuleContext) -> list[tuple[str, str]]:
    """(name, how it was found) of every name this probe shows under the asset's own site."""
    asset = outcome.asset
    if is_ip(asset.host):
        return []
    site = registrable_domain(asset.host)
    found: dict[str, str] = {}
    if outcome.zone_transfer is not None:
        for name in outcome.zone_transfer.names:
            found.setdefault(name, f"AXFR of {asset.host}")
    for entry in outcome.http:
        if entry.tls is not None:
            for san in entry.tls.sans:
                if (name := _name(san)) and registrable_domain(name) == site:
                    found.setdefault(name, f"certificate SAN at {entry.url}")
        if entry.body and entry.status is not None:
            for match in _LINK.finditer(page_text(entry)):
                if (name := _name(match.group(1))) and registrable_domain(name) == site:
                    found.setdefault(name, f"linked from {entry.final_url or entry.url}")
        if len(found) > MAX_PASSIVE:
            break
    for name, how in ctx.waiting:
        found.setdefault(name, how)
    ns = set(outcome.dns.ns)
    return [
        (name, how)
        for name, how in list(found.items())[: MAX_PASSIVE + len(ctx.waiting)]
        # the zone's own nameservers and _service labels are infrastructure, not assets
        if name != asset.host
        and name not in ctx.known_hosts
        and name not in ctx.quiet
        and name not in ns
        and not name.startswith("_")
    ]


def unknown_assets(outcome: ProbeOutcome, ctx: RuleContext) -> list[Finding]:
    """unknown-asset: one finding per name found under the asset that the inventory lacks."""
    return [
        finding(outcome, "unknown-asset", f"{name} found by {how}, not in the inventory", name)
        for name, how in found_names(outcome, ctx)
    ]
