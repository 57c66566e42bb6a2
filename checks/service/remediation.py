"""Remediation as both front ends do it: checklists, attestations, risk acceptance, baselines,
and the decommission checklist that takes an asset from retiring to retired."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime

from checks.alerting import EventKind
from checks.errors import UserError
from checks.model import Asset, Baseline, FindingRecord, FindingStatus, Lifecycle
from checks.rules.compromise import baseline_from
from checks.store import Store
from checks.workflow import decommission
from checks.workflow.checklists import Checklist, StepState, checklists


def unresolved(store: Store, asset: Asset) -> list[FindingRecord]:
    """Every finding of the asset not resolved (open, in progress, accepted), worst first."""
    return [
        r
        for r in store.findings.query(asset_id=asset.id, active_only=False)
        if r.status != FindingStatus.RESOLVED
    ]


def asset_checklists(store: Store, asset: Asset) -> list[Checklist]:
    """The checklist of each unresolved finding, auto steps verified on the latest probe."""
    records = unresolved(store, asset)
    attested = {r.id: store.findings.attestations(r.id) for r in records if r.id is not None}
    return checklists(records, store.probes.latest(asset, bodies=False), attested, store.clock())


def finding_of(store: Store, asset: Asset, check_id: str, subject: str = "") -> FindingRecord:
    """The finding of `check_id` on the asset.

    Raises:
        UserError: the asset has no such finding.
    """
    record = store.findings.one(asset.name, check_id, subject)
    if record is None or record.id is None:
        raise UserError(
            f"{asset.display} has no {check_id} finding", f"{asset.display} 没有 {check_id} 问题"
        )
    return record


def accept_baseline(store: Store, asset: Asset, who: str | None = None) -> Baseline:
    """Accept the asset's latest home page as its baseline (after a legitimate change).

    Raises:
        UserError: the asset has no probed home page yet.
    """
    outcome = store.probes.latest(asset)
    page = baseline_from(outcome) if outcome else None
    if page is None or asset.id is None:
        raise UserError(
            f"{asset.display} has no probed home page yet; run `assetwatch scan` first",
            f"{asset.display} 尚无已探测的首页；请先运行 `assetwatch scan`",
        )
    store.baselines.accept(asset.id, page, who)
    return page


# -- decommissioning --------------------------------------------------------------------


def decommission_steps(store: Store, asset: Asset, now: datetime | None = None) -> list[StepState]:
    """The decommission checklist of an asset with each step's state on the latest probe."""
    assert asset.id is not None
    return decommission.steps(
        store.probes.latest(asset, bodies=False),
        store.attestations.decommission(asset.id),
        now or store.clock(),
    )


def attest_decommission(
    store: Store,
    asset: Asset,
    index: int,
    note: str = "",
    evidence: str = "",
    who: str | None = None,
) -> Asset:
    """Attest a manual step; completes the retirement when everything holds.

    Raises:
        UserError: the asset is not retiring, or the step is not a manual one.
    """
    if asset.lifecycle != Lifecycle.RETIRING or asset.id is None:
        raise UserError(
            f"{asset.display} is not being retired (use retire first)",
            f"{asset.display} 不在下线流程中（请先执行 retire）",
        )
    if not decommission.manual_step(index):
        raise UserError(
            f"step {index + 1} is not a manual step of the decommission checklist",
            f"第 {index + 1} 步不是下线清单中的人工步骤",
        )
    store.attestations.attest_decommission(asset.id, index, note, evidence, who)
    return complete_if_verified(store, asset)


def complete_if_verified(store: Store, asset: Asset) -> Asset:
    """Mark a retiring asset retired once every step holds (logged); returns the asset."""
    if asset.lifecycle != Lifecycle.RETIRING:
        return asset
    if decommission.verified(decommission_steps(store, asset)):
        with store.atomic():  # the outbox event commits with the change, or neither does
            retired = store.assets.save(
                replace(asset, lifecycle=Lifecycle.RETIRED),
                who="assetwatch",
                source="decommission verified",
            )[0]
            if retired.id is not None:
                store.outbox.asset_event(EventKind.DECOMMISSIONED, retired.id)
        return retired
    return asset
