"""Checks on a domain's registration: expiring, expired, on hold, lapsing while still filed,
and a released name in use again. Pure: they read `ProbeOutcome.registration`, which the
sweep sets on the one asset that speaks for each registrable domain."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta

from checks.model import Finding, ProbeOutcome, Registration, Severity
from checks.rules._kit import RuleContext, finding

EXPIRING_DAYS = 30
URGENT_DAYS = 7
"""Under this many days, domain-expiring is high."""
HOLDS = frozenset({"clienthold", "serverhold"})

REGISTRATION_CHECKS = frozenset(
    {"domain-expiring", "domain-expired", "domain-on-hold", "retired-domain-still-filed"}
)
"""Checks that read the registration alone (a DNS timeout does not keep them from judging)."""


def _registered(outcome: ProbeOutcome) -> Registration | None:
    reg = outcome.registration
    return reg if reg is not None and reg.known else None


def _day(reg: Registration) -> str:
    return reg.expires.date().isoformat() if reg.expires else "?"


def _source(reg: Registration) -> str:
    return f"source={reg.source}" + (f"; registrar={reg.registrar}" if reg.registrar else "")


def domain_expiring(outcome: ProbeOutcome, ctx: RuleContext) -> list[Finding]:
    """domain-expiring: under 30 days left (high under 7)."""
    reg = _registered(outcome)
    if reg is None or not reg.registered or reg.expires is None or reg.expires <= ctx.now:
        return []
    left = reg.expires - ctx.now
    if left >= timedelta(days=EXPIRING_DAYS):
        return []
    evidence = f"domain={reg.domain}; expires={_day(reg)}; days_left={left.days}; {_source(reg)}"
    found = finding(outcome, "domain-expiring", evidence, subject=reg.domain)
    if left < timedelta(days=URGENT_DAYS):
        found = replace(found, severity=Severity.HIGH)
    return [found]


def domain_expired(outcome: ProbeOutcome, ctx: RuleContext) -> list[Finding]:
    """domain-expired: the expiry date has passed, or the registry has no such domain."""
    reg = _registered(outcome)
    if reg is None:
        return []
    if not reg.registered:
        evidence = f"domain={reg.domain}; registry has no such domain; source={reg.source}"
    elif reg.expires is not None and reg.expires <= ctx.now:
        evidence = f"domain={reg.domain}; expired={_day(reg)}; {_source(reg)}"
    else:
        return []
    return [finding(outcome, "domain-expired", evidence, subject=reg.domain)]


def domain_on_hold(outcome: ProbeOutcome, ctx: RuleContext) -> list[Finding]:
    """domain-on-hold: clientHold or serverHold among the statuses."""
    reg = _registered(outcome)
    if reg is None:
        return []
    holds = [s for s in reg.statuses if s.replace(" ", "").lower() in HOLDS]
    if not holds:
        return []
    evidence = f"domain={reg.domain}; status={','.join(reg.statuses)}; {_source(reg)}"
    return [finding(outcome, "domain-on-hold", evidence, subject=reg.domain)]


def retired_domain_still_filed(outcome: ProbeOutcome, ctx: RuleContext) -> list[Finding]:
    """retired-domain-still-filed: a retired site's domain lapses while its filing lives."""
    reg = _registered(outcome)
    asset = outcome.asset
    filed = [f.site_no or f.domain for f in ctx.filings if f.covers(asset.host)]
    if asset.icp and asset.icp not in filed:
        filed.append(asset.icp)
    if reg is None or not filed:
        return []
    if not reg.registered:
        state = "free to register"
    elif reg.expires is not None and reg.expires - ctx.now < timedelta(days=EXPIRING_DAYS):
        state = f"expires={_day(reg)}"
    else:
        return []
    evidence = f"domain={reg.domain}; {state}; filing={','.join(filed)}; {_source(reg)}"
    return [finding(outcome, "retired-domain-still-filed", evidence, subject=reg.domain)]


def released_domain_reused(outcome: ProbeOutcome, ctx: RuleContext) -> list[Finding]:
    """released-domain-reused: registered again after the release, resolves, or serves."""
    released = ctx.released_at
    if released is None:
        return []
    signs = []
    reg = outcome.registration
    if reg is not None and reg.known and reg.registered and reg.created and reg.created > released:
        holder = f" by {reg.registrar}" if reg.registrar else ""
        signs.append(f"registered again on {reg.created.date().isoformat()}{holder}")
    if outcome.dns.resolves:
        signs.append(f"resolves to {','.join(outcome.dns.addresses)}")
    answered = [e for e in outcome.http if e.answered]
    if answered:
        signs.append(f"serves {answered[0].final_url or answered[0].url} {answered[0].status}")
    if not signs:
        return []
    evidence = f"released={released.date().isoformat()}; " + "; ".join(signs)
    return [finding(outcome, "released-domain-reused", evidence)]


def registration_unobserved(outcome: ProbeOutcome) -> tuple[frozenset[str], list[str]]:
    """The registration checks this outcome cannot judge, and why (only for a failed lookup).

    No server known, or lookups skipped (`--light`): the checks wait, said nowhere, as a
    switched-off check does. A lookup that failed makes the asset not fully observed.
    """
    reg = outcome.registration
    if reg is None or reg.known:
        return frozenset(), []
    skipped = REGISTRATION_CHECKS | {"released-domain-reused"}
    why = [f"registration of {reg.domain}: {reg.unknown}"] if reg.lookup_failed else []
    return skipped, why
