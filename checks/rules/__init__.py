"""The checks: pure functions `(ProbeOutcome, RuleContext) -> list[Finding]`. No I/O, no store.

`evaluate` runs every rule, then keeps what the catalog says applies to the asset's
lifecycle (`CheckSpec.applies_to`) and what is not switched off.
"""

from __future__ import annotations

from collections.abc import Collection

from checks.knowledge.catalog import spec
from checks.model import Finding, ProbeOutcome
from checks.rules import compromise, coverage, discovery, dns, domains, exposure, filings, web
from checks.rules._kit import Rule, RuleContext

__all__ = ["RULES", "Rule", "RuleContext", "evaluate", "unobserved"]

unobserved = coverage.unobserved

RULES: tuple[Rule, ...] = (
    dns.retired_still_resolves,
    dns.retired_still_serving,
    dns.dangling_cname,
    dns.dns_unresolvable,
    web.http_down,
    web.tls_checks,
    web.https_checks,
    web.unowned_asset,
    dns.zone_transfer,
    dns.takeover,
    exposure.risky_ports_open,
    exposure.sensitive_files,
    exposure.exposed_products,
    web.login_checks,
    exposure.software_checks,
    web.missing_headers,
    web.insecure_cookies,
    web.icp_number,
    discovery.unknown_assets,
    domains.domain_expiring,
    domains.domain_expired,
    domains.domain_on_hold,
    domains.retired_domain_still_filed,
    domains.released_domain_reused,
    filings.icp_filed_not_inventoried,
    filings.icp_filed_but_retired,
    compromise.seo_spam,
    compromise.injected_script,
    compromise.content_changed,
    coverage.probe_incomplete,
)
"""Every rule, in the order their findings are listed."""


def evaluate(
    outcome: ProbeOutcome, ctx: RuleContext, disabled: Collection[str] = ()
) -> list[Finding]:
    """Every finding the rules raise for one probe outcome.

    Args:
        disabled: check ids switched off for this asset (everywhere or for it alone).
    """
    lifecycle = outcome.asset.lifecycle
    return [
        f
        for rule in RULES
        for f in rule(outcome, ctx)
        if lifecycle in spec(f.check).applies_to and f.check not in disabled
    ]
