"""Checklist state: which steps of a playbook hold, verified from probe data or attested.

The one implementation the command line, the dashboard and the report all show.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from checks.knowledge.playbooks import Playbook, Step, StepKind, Verifier, playbook_for
from checks.model import Attestation, FindingRecord, ProbeOutcome
from checks.names import is_ip

TLS_OK_DAYS = 21
"""A certificate counts as fixed when it verifies with more days left than this."""


@dataclass(frozen=True, slots=True)
class StepState:
    """A step of a checklist and where it stands."""

    index: int
    step: Step
    done: bool
    attestation: Attestation | None = None
    """Who attested a manual step; None for auto steps and steps not yet attested."""


def auto_step_done(
    step: Step,
    check_id: str,
    firing: Collection[str],
    outcome: ProbeOutcome | None,
    now: datetime,
) -> bool:
    """Whether an auto step holds on the latest data.

    Args:
        firing: check ids with a firing finding on the asset.
        outcome: the asset's latest probe (None before the first).
    """
    verify = step.verify
    if verify == Verifier.EVIDENCE:
        return True
    if verify == Verifier.CHECK_CLEAR:
        return check_id not in firing
    if verify == Verifier.CLEAR:
        return step.check not in firing
    if outcome is None or outcome.error:
        return False  # never probed, or the probe failed: nothing is verified
    gone = outcome.dns.absent
    if verify == Verifier.NO_DNS:
        return gone or is_ip(outcome.asset.host)
    if verify == Verifier.NO_HTTP:
        # Every URL refused the connection (or the name is gone): a timeout proves nothing.
        return gone or (bool(outcome.http) and all(e.refused for e in outcome.http))
    if verify == Verifier.NO_PORTS:
        return gone or outcome.open_ports == ()
    if verify == Verifier.TLS_OK:
        certs = [e.tls for e in outcome.http if e.tls is not None]
        return bool(certs) and all(
            c.verified and c.hostname_ok and c.not_after - now > timedelta(days=TLS_OK_DAYS)
            for c in certs
        )
    return False


def step_states(
    book: Playbook,
    check_id: str,
    firing: Collection[str],
    outcome: ProbeOutcome | None,
    attested: Mapping[int, Attestation],
    now: datetime,
) -> list[StepState]:
    """Every step of `book` with its state: auto steps verified, manual ones attested."""
    states = []
    for index, step in enumerate(book.steps):
        if step.kind == StepKind.AUTO:
            done = auto_step_done(step, check_id, firing, outcome, now)
            states.append(StepState(index, step, done))
        else:
            who = attested.get(index)
            states.append(StepState(index, step, who is not None, who))
    return states


@dataclass(frozen=True, slots=True)
class Checklist:
    """One finding's playbook with the state of each step."""

    record: FindingRecord
    book: Playbook
    steps: list[StepState]

    @property
    def done(self) -> int:
        """Steps that hold."""
        return sum(s.done for s in self.steps)


def checklists(
    records: Sequence[FindingRecord],
    outcome: ProbeOutcome | None,
    attested: Mapping[int, Mapping[int, Attestation]],
    now: datetime,
) -> list[Checklist]:
    """The checklist of each finding that has a playbook, in the order given.

    Args:
        records: the asset's unresolved findings.
        attested: finding id -> step index -> attestation (the current round's).
    """
    firing = {r.finding.check for r in records if r.firing}
    out = []
    for record in records:
        book = playbook_for(record.finding.check)
        if book is None or record.id is None:
            continue
        states = step_states(
            book, record.finding.check, firing, outcome, attested.get(record.id, {}), now
        )
        out.append(Checklist(record, book, states))
    return out
