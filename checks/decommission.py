"""Retiring an asset: the guided checklist from `retiring` to `retired`.

Retiring starts the checklist; the asset stays `retiring` until every manual step is attested and
assetwatch verifies the auto ones (no DNS answer, no HTTP answer, no risky port), and is `retired`
after. If a retired asset ever answers again, retired-still-resolves / -serving fire as critical.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime

from checks.i18n import UserError
from checks.models import Asset, Lifecycle
from checks.playbooks import Step, auto_step_done, decommission
from checks.store import Store


@dataclass(frozen=True, slots=True)
class DecommissionStep:
    """A step of the checklist and where it stands."""

    index: int
    step: Step
    done: bool
    attestation: dict[str, str] | None


def start(store: Store, asset: Asset, who: str | None = None) -> Asset:
    """Begin decommissioning: the asset becomes `retiring` (logged)."""
    if asset.lifecycle != Lifecycle.ACTIVE:
        return asset
    return store.save(replace(asset, lifecycle=Lifecycle.RETIRING), who)[0]


def steps(store: Store, asset: Asset, now: datetime) -> list[DecommissionStep]:
    """The checklist of an asset with each step's state on the latest probe."""
    assert asset.id is not None
    outcome = store.latest_outcome(asset)
    attested = store.decommission_attestations(asset.id)
    out = []
    for index, step in enumerate(decommission().steps):
        if step.kind == "auto":
            done = auto_step_done(step, "", set(), outcome, now)
        else:
            done = index in attested
        out.append(DecommissionStep(index, step, done, attested.get(index)))
    return out


def attest(
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
    book = decommission()
    if not 0 <= index < len(book.steps) or book.steps[index].kind != "manual":
        raise UserError(
            f"step {index + 1} is not a manual step of the decommission checklist",
            f"第 {index + 1} 步不是下线清单中的人工步骤",
        )
    store.attest_decommission(asset.id, index, note, evidence, who)
    return complete_if_verified(store, asset)


def complete_if_verified(store: Store, asset: Asset) -> Asset:
    """Mark a retiring asset retired once every step holds (logged); returns the asset."""
    if asset.lifecycle != Lifecycle.RETIRING:
        return asset
    if all(s.done for s in steps(store, asset, store.clock())):
        return store.save(
            replace(asset, lifecycle=Lifecycle.RETIRED),
            who="assetwatch",
            source="decommission verified",
        )[0]
    return asset
