"""Retiring an asset: lifecycle transitions, and the checklist from `retiring` to `retired`.

Retiring starts the checklist; the asset stays `retiring` until every manual step is attested and
assetwatch verifies the auto ones (no DNS answer, no HTTP answer, no risky port), and is `retired`
after. If a retired asset ever answers again, retired-still-resolves / -serving fire as critical.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime

from checks.knowledge.playbooks import StepKind, decommission
from checks.model import Attestation, Lifecycle, ProbeOutcome
from checks.workflow.checklists import StepState, step_states


@dataclass(frozen=True, slots=True)
class Transition:
    """What asking for a lifecycle makes of an asset."""

    lifecycle: Lifecycle
    """The lifecycle the asset gets."""
    starts_decommission: bool = False
    """The asset enters the decommission checklist."""
    held: bool = False
    """The asked-for lifecycle was not granted (`retired` waits for the checklist)."""


def transition(old: Lifecycle | None, wanted: Lifecycle) -> Transition:
    """The one rule every form, import and command goes through.

    A new asset is recorded as it is (an inventory of what was retired long ago is legitimate,
    and the retired-* checks verify it). An existing asset becomes `retired` only through the
    decommission checklist: asking for `retired` (or `retiring`) starts it; a retiring asset
    stays retiring until the checklist holds. Going back to `active` is always allowed.
    """
    if old is None or old == wanted or wanted == Lifecycle.ACTIVE:
        return Transition(wanted)
    if old == Lifecycle.ACTIVE:
        return Transition(Lifecycle.RETIRING, True, held=wanted == Lifecycle.RETIRED)
    # retiring -> retired waits for the checklist; retired -> retiring changes nothing.
    return Transition(old, held=True)


def steps(
    outcome: ProbeOutcome | None, attested: Mapping[int, Attestation], now: datetime
) -> list[StepState]:
    """The decommission checklist with each step's state on the latest probe."""
    return step_states(decommission(), "", (), outcome, attested, now)


def manual_step(index: int) -> bool:
    """Whether `index` is a manual step of the decommission checklist."""
    book = decommission()
    return 0 <= index < len(book.steps) and book.steps[index].kind == StepKind.MANUAL


def verified(states: list[StepState]) -> bool:
    """Every step holds: the asset may become `retired`."""
    return all(s.done for s in states)
