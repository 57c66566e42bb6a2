"""Checks on names: retired names still alive, dangling CNAMEs, takeovers, zone transfers."""

from __future__ import annotations

from checks.knowledge.fingerprints import takeover_services
from checks.model import DnsStatus, Finding, Kind, ProbeOutcome
from checks.names import is_ip
from checks.rules._kit import RuleContext, finding, page_text
from checks.rules.coverage import dns_unknown
from checks.rules.web import entry_text


def _addresses(outcome: ProbeOutcome) -> str:
    return ",".join(outcome.dns.addresses)


def retired_still_resolves(outcome: ProbeOutcome, ctx: RuleContext) -> list[Finding]:
    """A retired asset's name still has addresses."""
    if not outcome.dns.resolves or is_ip(outcome.asset.host):
        return []
    evidence = f"addresses={_addresses(outcome)}"
    if outcome.dns.cname_chain:
        evidence += f"; cname={' -> '.join(outcome.dns.cname_chain)}"
    return [finding(outcome, "retired-still-resolves", evidence)]


def retired_still_serving(outcome: ProbeOutcome, ctx: RuleContext) -> list[Finding]:
    """A retired asset still answers HTTP(S)."""
    answered = [e for e in outcome.http if e.answered]
    if not answered:
        return []
    return [finding(outcome, "retired-still-serving", "; ".join(entry_text(e) for e in answered))]


def dangling_cname(outcome: ProbeOutcome, ctx: RuleContext) -> list[Finding]:
    """The CNAME chain ends at a name with no address."""
    dns = outcome.dns
    if not dns.cname_chain or dns.resolves or dns.cname_loop:
        return []
    if dns.status not in (DnsStatus.NXDOMAIN, DnsStatus.NODATA):
        return []
    evidence = f"cname={dns.name} -> {' -> '.join(dns.cname_chain)}; target={dns.status}"
    return [finding(outcome, "dangling-cname", evidence)]


def dns_unresolvable(outcome: ProbeOutcome, ctx: RuleContext) -> list[Finding]:
    """An active asset without a working DNS answer (dangling CNAMEs have their own check)."""
    dns = outcome.dns
    if outcome.error or dns_unknown(outcome):
        return []  # unknown is not "unresolvable": probe-incomplete says so
    if outcome.asset.kind == Kind.DOMAIN:
        if dns.soa or dns.ns or dns.resolves:
            return []
    elif dns.resolves:
        return []
    if (
        dns.cname_chain
        and not dns.cname_loop
        and dns.status in (DnsStatus.NXDOMAIN, DnsStatus.NODATA)
    ):
        return []
    evidence = f"status={dns.status}"
    if dns.cname_loop:
        evidence += f"; cname_loop={dns.name} -> {' -> '.join(dns.cname_chain)}"
    if dns.error:
        evidence += f"; error={dns.error}"
    return [finding(outcome, "dns-unresolvable", evidence)]


def takeover(outcome: ProbeOutcome, ctx: RuleContext) -> list[Finding]:
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
                text = page_text(entry) if entry.body else ""
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


def zone_transfer(outcome: ProbeOutcome, ctx: RuleContext) -> list[Finding]:
    """zone-transfer-allowed: an authoritative nameserver hands the zone to anyone."""
    transfer = outcome.zone_transfer
    if transfer is None:
        return []
    evidence = (
        f"AXFR {outcome.asset.host} allowed by {transfer.server}: {len(transfer.names)} names"
    )
    return [finding(outcome, "zone-transfer-allowed", evidence)]
