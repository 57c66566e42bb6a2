"""The organisation checklist: the regulator's seven demands, computed where the data allows."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import cache
from typing import Any

from checks.models import Asset, FindingRecord, FindingStatus, Lifecycle
from checks.names import display_name
from checks.signals import load_data
from checks.store import Store, parse_ts


@dataclass(frozen=True, slots=True)
class OrgItem:
    """One item of the checklist."""

    id: str
    group: str
    en: str
    zh: str
    mode: str
    """auto, semi or manual."""
    auto: dict[str, Any]
    law: tuple[str, ...] = ()

    def text(self, lang: str) -> str:
        """The item in "zh" or "en"."""
        return self.zh if lang == "zh" else self.en


@dataclass(frozen=True, slots=True)
class ItemState:
    """An item, what assetwatch computed for it, and who attested it."""

    item: OrgItem
    computed: bool | None
    """The auto part's verdict; None for manual items."""
    detail: str
    attestation: dict[str, str] | None

    @property
    def done(self) -> bool:
        """Auto: computed true; manual: attested; semi: both."""
        if self.item.mode == "auto":
            return bool(self.computed)
        if self.item.mode == "semi":
            return bool(self.computed) and self.attestation is not None
        return self.attestation is not None


@cache
def groups() -> tuple[tuple[str, str, str], ...]:
    """(id, English, Chinese) of the seven demands, in order."""
    return tuple((g["id"], g["en"], g["zh"]) for g in load_data("org_checklist.json")["groups"])


@cache
def items() -> tuple[OrgItem, ...]:
    """Every item of checks/data/org_checklist.json."""
    return tuple(
        OrgItem(
            i["id"],
            i["group"],
            i["en"],
            i["zh"],
            i["mode"],
            i.get("auto", {}),
            tuple(i.get("law", [])),
        )
        for i in load_data("org_checklist.json")["items"]
    )


@dataclass(frozen=True, slots=True)
class _Facts:
    """What the rules look at, read once per evaluation."""

    active: list[FindingRecord]
    assets: list[Asset]
    last_sweep: str
    retention_days: int
    accepted: list[FindingRecord]


def _facts(store: Store) -> _Facts:
    last = store.last_event("sweep")
    return _Facts(
        active=store.findings(),
        assets=store.assets(),
        last_sweep=last["at"] if last else "",
        retention_days=int(store.setting("retention_days", "180")),
        accepted=store.findings(status=FindingStatus.ACCEPTED, active_only=False),
    )


def _compute(rule: dict[str, Any], facts: _Facts, now: datetime) -> tuple[bool, str]:
    # Details are key=value, like finding evidence, so they read the same in both languages.
    active = facts.active
    if "no_findings" in rule:
        hits = [r for r in active if r.finding.check in rule["no_findings"]]
        where = sorted({f"{r.finding.check}@{display_name(r.finding.asset)}" for r in hits})
        return not hits, f"open={len(hits)}" + (f": {', '.join(where[:5])}" if where else "")
    if "no_findings_from" in rule:
        floor = {"critical": 4, "high": 3, "medium": 2, "low": 1}[rule["no_findings_from"]]
        hits = [r for r in active if r.finding.severity.rank >= floor]
        return not hits, f"open>={rule['no_findings_from']}: {len(hits)}"
    assets = facts.assets
    if rule.get("all_owned"):
        missing = [a.display for a in assets if not a.owner.strip()]
        return not missing, f"owner=none: {len(missing)}" + (
            f" ({', '.join(missing[:5])})" if missing else ""
        )
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
        at = parse_ts(facts.last_sweep)
        ok = at is not None and now - at <= timedelta(days=rule["sweep_within_days"])
        return ok, f"last_sweep={facts.last_sweep or '-'}"
    if "retention_min_days" in rule:
        days = facts.retention_days
        return days >= rule["retention_min_days"], f"retention={days}d"
    if rule.get("no_expired_acceptances"):
        expired = [r for r in facts.accepted if r.accepted_until and r.accepted_until <= now]
        return not expired, f"expired_acceptances={len(expired)}"
    raise ValueError(f"unknown rule {rule}")


def evaluate(store: Store, now: datetime) -> list[ItemState]:
    """Every item's state now."""
    attested = store.org_attestations()
    facts = _facts(store)
    states = []
    for item in items():
        computed, detail = (None, "")
        if item.auto:
            computed, detail = _compute(item.auto, facts, now)
        states.append(ItemState(item, computed, detail, attested.get(item.id)))
    return states


def summary(states: list[ItemState]) -> dict[str, tuple[int, int]]:
    """(done, total) per group id."""
    out: dict[str, tuple[int, int]] = {}
    for state in states:
        done, total = out.get(state.item.group, (0, 0))
        out[state.item.group] = (done + state.done, total + 1)
    return out
