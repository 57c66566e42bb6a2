"""Which events a change produces, and which channel is told what, when.

Pure: the store calls `finding_events` inside the transaction that changes the finding (so an
event can never be lost between the change and the outbox), and `wants` to fan it out; the
sender asks `held_until` (quiet hours), `retry_delay` (back-off) and `resend_due`.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from checks.alerting import FINDING_EVENTS, AlertEvent, EventKind, Rules
from checks.model import FindingStatus, Severity

RETIRED_CHECKS = frozenset({"retired-still-resolves", "retired-still-serving"})
"""A retired asset alive again: its findings are `retired-alive` events, always critical."""


@dataclass(frozen=True, slots=True)
class State:
    """What reconciliation knows of a finding, before or after a probe."""

    status: FindingStatus
    severity: Severity
    firing: bool


def finding_events(check: str, before: State | None, after: State) -> list[EventKind]:
    """The events of one finding's change (none for a finding whose risk is accepted).

    Args:
        before: the stored finding before the change; None for a new one.
    """
    alive = check in RETIRED_CHECKS
    if before is None:
        return [EventKind.RETIRED_ALIVE if alive else EventKind.OPENED] if after.firing else []
    kinds: list[EventKind] = []
    if before.status == FindingStatus.ACCEPTED and after.status != FindingStatus.ACCEPTED:
        kinds.append(EventKind.ACCEPTANCE_EXPIRED)
    if after.status == FindingStatus.ACCEPTED:
        return kinds
    if before.status == FindingStatus.RESOLVED and after.firing:
        kinds.append(EventKind.RETIRED_ALIVE if alive else EventKind.REOPENED)
    elif after.firing and before.firing and after.severity.rank > before.severity.rank:
        kinds.append(EventKind.ESCALATED)
    if after.status == FindingStatus.RESOLVED and before.status != FindingStatus.RESOLVED:
        kinds.append(EventKind.RESOLVED)
    return kinds


def event_severity(kind: EventKind, finding: Severity | None) -> Severity:
    """The severity an event is sent with: the finding's, critical for a retired asset alive."""
    if kind == EventKind.RETIRED_ALIVE:
        return Severity.CRITICAL
    if kind == EventKind.UNOBSERVED:
        return Severity.MEDIUM
    if finding is None:
        return Severity.INFO
    return finding


def wants(rules: Rules, kind: EventKind, severity: Severity) -> bool:
    """Whether a channel with these rules is told about such an event at all.

    The minimum severity applies to events about findings; asset events (unobserved,
    decommissioned) go by their kind alone. A critical retired asset alive always passes the
    severity (it is critical), not a kinds list that leaves it out.
    """
    if kind not in rules.kinds:
        return False
    return kind not in FINDING_EVENTS or severity.rank >= rules.min_severity.rank


def held_until(rules: Rules, severity: Severity, now: datetime) -> datetime | None:
    """When a held event may go (the end of the quiet hours), or None to send it now.

    Critical events always go through.
    """
    quiet = rules.quiet
    if quiet is None or severity == Severity.CRITICAL:
        return None
    local = now.astimezone(rules.zone())
    if not quiet.covers(local.time().replace(tzinfo=None)):
        return None
    end = local.replace(hour=quiet.end.hour, minute=quiet.end.minute, second=0, microsecond=0)
    if end <= local:
        end += timedelta(days=1)
    return end.astimezone(UTC)


RETRY_BASE_S = 30.0
RETRY_MAX_S = 3600.0


def retry_delay(attempts: int) -> timedelta:
    """How long a failed message waits: 30 s, 1 min, 2 min... at most an hour."""
    return timedelta(seconds=min(RETRY_BASE_S * 2 ** max(attempts - 1, 0), RETRY_MAX_S))


def resend_due(last_told: datetime, now: datetime, hours: float) -> bool:
    """Whether a still-open critical finding is told again (`hours` 0 means never)."""
    return hours > 0 and now - last_told >= timedelta(hours=hours)


_KIND_ORDER = {EventKind.RETIRED_ALIVE: -1} | {
    k: i for i, k in enumerate(EventKind) if k != EventKind.RETIRED_ALIVE
}


def worst_first(events: list[AlertEvent]) -> list[AlertEvent]:
    """A digest's order: severity, then retired-alive before opened..., then asset and check."""
    return sorted(
        events, key=lambda e: (-e.severity.rank, _KIND_ORDER[e.kind], e.asset, e.check, e.id)
    )
