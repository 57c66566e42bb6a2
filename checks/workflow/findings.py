"""The life of a finding: open, in progress, resolved, accepted risk, reopened.

A finding is *firing* while its check fires on the latest probe. It is **resolved** when it no
longer fires and every manual step of its playbook is attested; **in progress** while something
is attested but it still fires, or it stopped firing with manual steps left; **accepted** while a
risk acceptance (reason and expiry) lasts; **reopened** (open again, a new round of attestations)
when a resolved finding fires again.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from dataclasses import dataclass, field
from datetime import datetime

from checks.knowledge.playbooks import manual_steps
from checks.model import Finding, FindingStatus


def status_of(
    firing: bool,
    check_id: str,
    attested: Collection[int],
    accepted_until: datetime | None,
    now: datetime,
) -> FindingStatus:
    """The status a finding has, given what is known about it."""
    if accepted_until is not None and accepted_until > now:
        return FindingStatus.ACCEPTED
    if firing:
        return FindingStatus.IN_PROGRESS if attested else FindingStatus.OPEN
    if all(step in attested for step in manual_steps(check_id)):
        return FindingStatus.RESOLVED
    return FindingStatus.IN_PROGRESS


@dataclass(frozen=True, slots=True)
class Known:
    """A stored finding of the asset, as reconciliation needs it."""

    id: int
    firing: bool


@dataclass(slots=True)
class Reconciliation:
    """What one probe's findings change in the asset's stored ones."""

    new: list[Finding] = field(default_factory=list)
    again: list[tuple[int, Finding]] = field(default_factory=list)
    """Stored findings that fire again (their evidence and last_seen are refreshed)."""
    stopped: list[int] = field(default_factory=list)
    """Stored findings that fired before and do not now."""


def reconcile(
    known: Mapping[tuple[str, str], Known], fired: list[Finding], skipped: Collection[str]
) -> Reconciliation:
    """Match one probe's findings against the stored ones, keyed by (check id, subject).

    Args:
        skipped: checks the probe gathered no data for: their findings stay as they were.
    """
    plan = Reconciliation()
    seen: set[tuple[str, str]] = set()
    for f in fired:
        key = (f.check, f.subject)
        seen.add(key)
        row = known.get(key)
        if row is None:
            plan.new.append(f)
        else:
            plan.again.append((row.id, f))
    plan.stopped = [
        row.id
        for key, row in known.items()
        if key not in seen and row.firing and key[0] not in skipped
    ]
    return plan
