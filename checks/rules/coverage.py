"""What a probe did not observe: the checks it cannot judge, and why.

Unknown is never clear. A check whose inputs were not observed (a DNS timeout, a TLS error,
a path that never answered, a probe that failed) is *skipped*: its stored finding keeps its
state and the time it was last verified. `probe-incomplete` names what was missed.
"""

from __future__ import annotations

from checks.knowledge.catalog import CATALOG
from checks.model import DnsStatus, Finding, HttpEntry, HttpError, Kind, Lifecycle, ProbeOutcome
from checks.names import is_ip
from checks.rules._kit import RuleContext, finding
from checks.rules.domains import REGISTRATION_CHECKS, registration_unobserved

EVERY_CHECK = frozenset(spec.id for spec in CATALOG)
DNS_UNKNOWN = frozenset({DnsStatus.TIMEOUT, DnsStatus.SERVFAIL, DnsStatus.ERROR})
"""Resolver answers that say nothing about the name: the question went unanswered."""
HTTP_UNKNOWN = frozenset(
    {HttpError.TIMEOUT, HttpError.TLS, HttpError.PROTOCOL, HttpError.ERROR, HttpError.BLOCKED}
)
"""Failures that say nothing about whether the site serves (a refused connection does)."""
WITHOUT_PROBE = frozenset(
    {"unowned-asset", "probe-incomplete", "icp-filed-not-inventoried", "icp-filed-but-retired"}
)
"""Checks that need nothing from the network."""
WEB = frozenset(
    {
        "retired-still-serving",
        "http-down",
        "tls-expired",
        "tls-expiring",
        "tls-self-signed",
        "tls-hostname-mismatch",
        "tls-untrusted",
        "no-https",
        "https-not-enforced",
        "login-exposed",
        "login-over-http",
        "oa-exposed",
        "admin-panel-exposed",
        "outdated-software",
        "version-disclosure",
        "missing-security-headers",
        "insecure-cookie",
        "icp-number-missing",
        "sensitive-file-exposed",
        "takeover-possible",
        "seo-spam",
        "injected-script",
        "content-changed",
    }
)
"""Checks that read the asset's HTTP(S) answers."""
PATHS = frozenset({"sensitive-file-exposed", "oa-exposed", "admin-panel-exposed"})


def dns_unknown(outcome: ProbeOutcome) -> bool:
    """The resolver gave no usable answer (a CNAME loop is an answer: a broken zone)."""
    dns = outcome.dns
    if is_ip(outcome.asset.host) or dns.resolves or dns.cname_loop:
        return False
    if outcome.asset.kind == Kind.DOMAIN and (dns.ns or dns.soa):
        return False
    return dns.status in DNS_UNKNOWN


def entry_unknown(entry: HttpEntry, outcome: ProbeOutcome) -> bool:
    """An entry that neither answered nor proved the site absent."""
    if entry.answered or entry.refused:
        return False
    if entry.error == HttpError.UNRESOLVED:
        return not outcome.dns.absent
    return entry.error in HTTP_UNKNOWN


def unobserved(outcome: ProbeOutcome) -> tuple[frozenset[str], list[str]]:
    """The checks this outcome cannot judge, and why (for the evidence)."""
    if outcome.error:
        return EVERY_CHECK - {"unowned-asset"}, [f"probe failed: {outcome.error}"]
    registration, why = registration_unobserved(outcome)
    skipped: set[str] = set(registration)
    if dns_unknown(outcome):
        detail = f"; {outcome.dns.error}" if outcome.dns.error else ""
        blind = (EVERY_CHECK - WITHOUT_PROBE - REGISTRATION_CHECKS) | registration
        return blind, [f"dns={outcome.dns.status}{detail}", *why]
    lost = [e for e in outcome.http if entry_unknown(e, outcome)]
    if lost:
        skipped |= WEB
        why += [f"{e.url} {e.error}" for e in lost]
    unanswered = [p for p in outcome.paths if p.status is None]
    if unanswered:
        skipped |= PATHS
        why.append(f"{len(unanswered)} well-known paths unanswered")
    unfetched = [s for s in outcome.scripts if s.status is None]
    if unfetched:
        skipped.add("injected-script")  # code nobody read proves nothing either way
        why.append(f"{len(unfetched)} of the home page's scripts not fetched")
    if outcome.spider is not None and entry_unknown(outcome.spider, outcome):
        skipped.add("injected-script")
        why.append(f"Baiduspider fetch {outcome.spider.error}")
    ports_wanted = outcome.asset.kind == Kind.SERVER or outcome.asset.lifecycle != Lifecycle.ACTIVE
    if ports_wanted and outcome.dns.resolves and outcome.open_ports is None:
        skipped.add("risky-port-open")
        why.append("risky ports not probed: address refused by the probe policy")
    return frozenset(skipped), why


def probe_incomplete(outcome: ProbeOutcome, ctx: RuleContext) -> list[Finding]:
    """probe-incomplete: part of the asset could not be observed; its other findings wait."""
    _, why = unobserved(outcome)
    if not why:
        return []
    return [finding(outcome, "probe-incomplete", "; ".join(why))]
