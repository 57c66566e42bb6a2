"""The organisation checklist's state: auto items computed from the facts, the rest attested.

Pure: the service layer reads the facts from the store once per evaluation.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from checks.knowledge.catalog import CATALOG, spec
from checks.knowledge.org_items import ItemMode, OrgItem, items
from checks.model import Asset, Attestation, FindingRecord, Lifecycle, Severity
from checks.names import display_name

VERIFY_WITHIN_DAYS = 7
"""A computed item needs a sweep of the whole inventory at most this old."""


@dataclass(frozen=True, slots=True)
class Facts:
    """What the rules look at."""

    active: list[FindingRecord]
    """Findings that fire now and whose risk is not accepted."""
    accepted: list[FindingRecord]
    assets: list[Asset]
    last_sweep: datetime | None
    """The last sweep of the whole inventory (light or full)."""
    retention_days: int
    last_full_sweep: datetime | None = None
    """The last whole-inventory sweep that also asked the well-known paths (not --light)."""
    disabled: dict[tuple[str, int], str] = field(default_factory=dict)
    """(check id, asset id or 0 for everywhere) -> reason."""
    unobserved: frozenset[int] = frozenset()
    """Assets never probed, or not fully observed by their latest probe (probe-incomplete)."""


@dataclass(frozen=True, slots=True)
class ItemState:
    """An item, what assetwatch computed for it, and who attested it."""

    item: OrgItem
    computed: bool | None
    """The auto part's verdict; None for manual items."""
    detail: str
    """What the verdict rests on, as key=value (reads the same in both languages)."""
    attestation: Attestation | None
    not_verified: str = ""
    """Why the auto part could not be judged (computed is then None): unknown is never ✓."""

    @property
    def done(self) -> bool:
        """Auto: computed true; manual: attested; semi: both. Not verified is not done."""
        if self.item.mode == ItemMode.AUTO:
            return bool(self.computed)
        if self.item.mode == ItemMode.SEMI:
            return bool(self.computed) and self.attestation is not None
        return self.attestation is not None


def _listed(names: list[str]) -> str:
    return f" ({', '.join(names[:5])})" if names else ""


PATH_CHECKS = frozenset({"sensitive-file-exposed", "oa-exposed", "admin-panel-exposed"})
"""Checks a light sweep does not gather data for."""


def _checks_of(rule: dict[str, Any]) -> list[str]:
    if "no_findings" in rule:
        return list(rule["no_findings"])
    if "no_findings_from" in rule:
        floor = Severity(rule["no_findings_from"]).rank
        return [c.id for c in CATALOG if c.severity.rank >= floor]
    return []


def unverified(rule: dict[str, Any], facts: Facts, now: datetime) -> str:
    """Why a computed item cannot be trusted now ("" when it can), as key=value."""
    if not facts.assets:
        return "inventory=empty"
    checks = _checks_of(rule)
    if not checks:
        return ""
    off = sorted({c for (c, _) in facts.disabled if c in checks})
    if off:
        return f"checks_off={','.join(off)}"
    window = timedelta(days=VERIFY_WITHIN_DAYS)
    last = facts.last_full_sweep if PATH_CHECKS & set(checks) else facts.last_sweep
    if last is None or now - last > window:
        kind = "full_sweep" if PATH_CHECKS & set(checks) else "sweep"
        return f"no_{kind}_within={VERIFY_WITHIN_DAYS}d"
    lifecycles = {life for c in checks for life in spec(c).applies_to}
    blind = [
        a.display for a in facts.assets if a.id in facts.unobserved and a.lifecycle in lifecycles
    ]
    if blind:
        return f"unobserved={len(blind)}" + _listed(sorted(blind))
    return ""


def _compute(rule: dict[str, Any], facts: Facts, now: datetime) -> tuple[bool, str]:
    active = facts.active
    if "no_findings" in rule:
        hits = [r for r in active if r.finding.check in rule["no_findings"]]
        where = sorted({f"{r.finding.check}@{display_name(r.finding.asset)}" for r in hits})
        return not hits, f"open={len(hits)}" + (f": {', '.join(where[:5])}" if where else "")
    if "no_findings_from" in rule:
        floor = Severity(rule["no_findings_from"]).rank
        hits = [r for r in active if r.finding.severity.rank >= floor]
        return not hits, f"open>={rule['no_findings_from']}: {len(hits)}"
    assets = facts.assets
    if rule.get("all_owned"):
        missing = [a.display for a in assets if not a.owner.strip()]
        return not missing, f"owner=none: {len(missing)}" + _listed(missing)
    if "retiring_max_days" in rule:
        limit = now - timedelta(days=rule["retiring_max_days"])
        stale = [
            a.display
            for a in assets
            if a.lifecycle == Lifecycle.RETIRING
            and a.retiring_at is not None
            and a.retiring_at < limit
        ]
        return not stale, f"retiring>{rule['retiring_max_days']}d: {len(stale)}"
    if "sweep_within_days" in rule:
        at = facts.last_sweep
        ok = at is not None and now - at <= timedelta(days=rule["sweep_within_days"])
        return ok, f"last_sweep={at.isoformat(timespec='seconds') if at else '-'}"
    if "retention_min_days" in rule:
        days = facts.retention_days
        return days >= rule["retention_min_days"], f"retention={days}d"
    if rule.get("no_expired_acceptances"):
        expired = [r for r in facts.accepted if r.accepted_until and r.accepted_until <= now]
        return not expired, f"expired_acceptances={len(expired)}"
    raise ValueError(f"unknown rule {rule}")


def evaluate(facts: Facts, attested: dict[str, Attestation], now: datetime) -> list[ItemState]:
    """Every item's state now."""
    states = []
    for item in items():
        computed: bool | None = None
        detail = why = ""
        if item.auto:
            computed, detail = _compute(item.auto, facts, now)
            # A problem seen is a verdict; "no problem" needs coverage behind it.
            if computed and (why := unverified(item.auto, facts, now)):
                computed = None
        states.append(ItemState(item, computed, detail, attested.get(item.id), why))
    return states


def progress(states: list[ItemState], group: str) -> tuple[int, int]:
    """(done, total) of one demand's items."""
    mine = [s for s in states if s.item.group == group]
    return sum(s.done for s in mine), len(mine)
