"""The ICP filing list against the inventory: filed domains nobody inventoried, retired assets
still filed. Pure: the filing list is what the admin imported; nothing is looked up online."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field

from checks.model import Asset, Filing, Finding, Lifecycle, ProbeOutcome
from checks.rules._kit import RuleContext, finding

_ENTITY = re.compile(r"^(.*?号)(?:-\d+)?$")


def entity_of(number: str) -> str:
    """豫ICP备13000001号-1 -> 豫ICP备13000001号 (the entity's number; itself when already one)."""
    match = _ENTITY.match(number.strip())
    return match.group(1) if match else number.strip()


@dataclass(slots=True)
class FilingPlan:
    """Which filings each asset answers for."""

    unlisted: dict[str, list[Filing]] = field(default_factory=dict)
    """Asset name -> filed domains no asset covers, reported on that asset."""
    retired: dict[str, list[Filing]] = field(default_factory=dict)
    """Retired asset name -> filings that cover it and no live asset."""

    @property
    def unlisted_count(self) -> int:
        """Filed domains no asset covers."""
        return sum(len(v) for v in self.unlisted.values())

    @property
    def retired_count(self) -> int:
        """Retired assets still filed."""
        return len(self.retired)


def _anchor(filing: Filing, assets: Sequence[Asset]) -> Asset:
    """Where a filing nobody covers is reported: an asset of the same filing entity (主体),
    else the first asset with an ICP number, else the first asset of the inventory."""
    entity = filing.entity_no or entity_of(filing.site_no)
    if entity:
        same = [a for a in assets if a.icp and entity_of(a.icp) == entity]
        if same:
            return same[0]
    return next((a for a in assets if a.icp), assets[0])


def reconcile(filings: Sequence[Filing], assets: Sequence[Asset]) -> FilingPlan:
    """Match the filing list with the inventory (assets in id order)."""
    plan = FilingPlan()
    if not assets:
        return plan
    live = [a for a in assets if a.lifecycle != Lifecycle.RETIRED]
    retired = [a for a in assets if a.lifecycle == Lifecycle.RETIRED]
    for filing in dict.fromkeys(filings):
        covering = [a for a in assets if filing.covers(a.host)]
        if not covering:
            plan.unlisted.setdefault(_anchor(filing, assets).name, []).append(filing)
            continue
        if any(filing.covers(a.host) for a in live):
            continue
        for asset in retired:
            if filing.covers(asset.host):
                plan.retired.setdefault(asset.name, []).append(filing)
    return plan


def _label(f: Filing) -> str:
    parts = [f"domain={f.domain}"]
    if f.site_no:
        parts.append(f"site_no={f.site_no}")
    if f.entity_no:
        parts.append(f"entity_no={f.entity_no}")
    if f.site_name:
        parts.append(f"site_name={f.site_name}")
    return "; ".join(parts)


def icp_filed_not_inventoried(outcome: ProbeOutcome, ctx: RuleContext) -> list[Finding]:
    """icp-filed-not-inventoried: a filed domain no asset covers (one finding per domain)."""
    return [
        finding(outcome, "icp-filed-not-inventoried", _label(f) + "; no asset covers it", f.domain)
        for f in ctx.unlisted_filings
    ]


def icp_filed_but_retired(outcome: ProbeOutcome, ctx: RuleContext) -> list[Finding]:
    """icp-filed-but-retired: a retired asset's domain is still on the filing list."""
    if outcome.asset.lifecycle != Lifecycle.RETIRED:
        return []
    return [
        finding(outcome, "icp-filed-but-retired", _label(f) + "; still filed", f.domain)
        for f in ctx.retired_filings
    ]


def filed_number(host: str, filings: Sequence[Filing]) -> str:
    """The website number (网站备案号) the filing list gives for a host, "" when none."""
    covering = sorted(
        (f for f in filings if f.covers(host) and f.site_no), key=lambda f: -len(f.domain)
    )
    return covering[0].site_no if covering else ""
