"""The checks: pure functions from an asset's latest probe to its findings. No I/O."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta
from urllib.parse import urlsplit

from checks.baseline import Baseline
from checks.models import (
    DnsStatus,
    Finding,
    HttpEntry,
    Kind,
    Lifecycle,
    ProbeOutcome,
)
from checks.names import is_ip
from checks.page_rules import PAGE_RULES, unknown_assets
from checks.rule_kit import finding
from checks.tamper_rules import content_changed, injected_script, seo_spam

EXPIRING_DAYS = 21

Rule = Callable[[ProbeOutcome, datetime], list[Finding]]


def _addresses(outcome: ProbeOutcome) -> str:
    return ",".join(outcome.dns.addresses)


def _entry_text(entry: HttpEntry) -> str:
    if entry.status is not None:
        text = f"{entry.url} {entry.status}"
        return f"{text} title={entry.title!r}" if entry.title else text
    if entry.hops:
        return f"{entry.url} {entry.hops[-1].status} then {entry.error}"
    return f"{entry.url} {entry.error}"


def _retired(outcome: ProbeOutcome) -> bool:
    return outcome.asset.lifecycle == Lifecycle.RETIRED


def retired_still_resolves(outcome: ProbeOutcome, now: datetime) -> list[Finding]:
    """A retired asset's name still has addresses."""
    if not _retired(outcome) or not outcome.dns.resolves or is_ip(outcome.asset.host):
        return []
    evidence = f"addresses={_addresses(outcome)}"
    if outcome.dns.cname_chain:
        evidence += f"; cname={' -> '.join(outcome.dns.cname_chain)}"
    return [finding(outcome, "retired-still-resolves", evidence)]


def retired_still_serving(outcome: ProbeOutcome, now: datetime) -> list[Finding]:
    """A retired asset still answers HTTP(S)."""
    answered = [e for e in outcome.http if e.answered]
    if not _retired(outcome) or not answered:
        return []
    return [finding(outcome, "retired-still-serving", "; ".join(_entry_text(e) for e in answered))]


def dangling_cname(outcome: ProbeOutcome, now: datetime) -> list[Finding]:
    """The CNAME chain ends at a name with no address."""
    dns = outcome.dns
    if not dns.cname_chain or dns.resolves or dns.cname_loop:
        return []
    if dns.status not in (DnsStatus.NXDOMAIN, DnsStatus.NODATA):
        return []
    evidence = f"cname={dns.name} -> {' -> '.join(dns.cname_chain)}; target={dns.status}"
    return [finding(outcome, "dangling-cname", evidence)]


def dns_unresolvable(outcome: ProbeOutcome, now: datetime) -> list[Finding]:
    """An active asset without a working DNS answer (dangling CNAMEs have their own check)."""
    dns = outcome.dns
    if _retired(outcome) or outcome.error:
        return []
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


def http_down(outcome: ProbeOutcome, now: datetime) -> list[Finding]:
    """The name resolves, yet none of the asset's URLs answered."""
    if _retired(outcome) or not outcome.http or not outcome.dns.resolves:
        return []
    if any(e.answered for e in outcome.http):
        return []
    evidence = "; ".join(f"{e.url} {e.error}: {e.error_detail}" for e in outcome.http)
    return [finding(outcome, "http-down", evidence)]


def _https_entries(outcome: ProbeOutcome) -> list[HttpEntry]:
    return [e for e in outcome.http if e.scheme == "https" and e.tls is not None]


def tls_checks(outcome: ProbeOutcome, now: datetime) -> list[Finding]:
    """Expired, expiring, self-signed, wrong-name and otherwise untrusted certificates."""
    if _retired(outcome):
        return []
    findings = []
    seen: set[tuple[str, str]] = set()
    for entry in _https_entries(outcome):
        cert = entry.tls
        assert cert is not None
        dates = f"not_after={cert.not_after:%Y-%m-%dT%H:%M:%SZ}"
        checks: list[tuple[str, str]] = []
        if cert.not_after < now:
            days = (now - cert.not_after).days
            checks.append(("tls-expired", f"{dates} ({days} days ago)"))
        elif cert.not_after - now < timedelta(days=EXPIRING_DAYS):
            days = (cert.not_after - now).days
            checks.append(("tls-expiring", f"{dates} ({days} days left)"))
        if cert.self_signed and not cert.verified:
            checks.append(("tls-self-signed", f"subject=issuer={cert.subject}"))
        if not cert.hostname_ok:
            host = urlsplit(entry.url).hostname
            checks.append(("tls-hostname-mismatch", f"host={host}; sans={','.join(cert.sans)}"))
        explained = cert.self_signed or cert.not_after < now
        if not cert.verified and not explained:
            checks.append(("tls-untrusted", f"issuer={cert.issuer}; error={cert.verify_error}"))
        for check_id, evidence in checks:
            key = (check_id, cert.not_after.isoformat() + cert.subject)
            if key not in seen:
                seen.add(key)
                findings.append(finding(outcome, check_id, f"{entry.url}: {evidence}"))
    return findings


def https_checks(outcome: ProbeOutcome, now: datetime) -> list[Finding]:
    """Plain HTTP answers but HTTPS does not, or HTTP serves pages instead of redirecting."""
    if _retired(outcome):
        return []
    http = [e for e in outcome.http if e.scheme == "http" and e.answered]
    https = [e for e in outcome.http if e.scheme == "https" and e.answered]
    if not http:
        return []
    if not https:
        failed = [e for e in outcome.http if e.scheme == "https"]
        why = "; ".join(f"{e.url} {e.error}" for e in failed)
        return [finding(outcome, "no-https", f"{_entry_text(http[0])}; {why}")]
    for entry in http:
        first = entry.hops[0] if entry.hops else None
        upgraded = entry.final_url.startswith("https://")
        if first is not None and not upgraded and entry.status is not None and entry.status < 400:
            return [
                finding(
                    outcome, "https-not-enforced", f"{_entry_text(entry)}; no redirect to https"
                )
            ]
    return []


def unowned_asset(outcome: ProbeOutcome, now: datetime) -> list[Finding]:
    """Nobody is recorded as the asset's owner."""
    if outcome.asset.owner.strip():
        return []
    return [finding(outcome, "unowned-asset", f"owner=; kind={outcome.asset.kind}")]


RULES: tuple[Rule, ...] = (
    retired_still_resolves,
    retired_still_serving,
    dangling_cname,
    dns_unresolvable,
    http_down,
    tls_checks,
    https_checks,
    unowned_asset,
    *PAGE_RULES,
)


def evaluate(
    outcome: ProbeOutcome,
    now: datetime,
    known: frozenset[str] = frozenset(),
    baseline: Baseline | None = None,
) -> list[Finding]:
    """Every finding the rules raise for one probe outcome.

    Args:
        known: hosts of every inventoried asset, for unknown-asset.
        baseline: the asset's accepted home page, for content-changed and injected-script.
    """
    found = [f for rule in RULES for f in rule(outcome, now)]
    found += unknown_assets(outcome, known)
    found += seo_spam(outcome)
    found += injected_script(outcome, baseline)
    found += content_changed(outcome, baseline)
    return found
