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


StepKey = str
"""A step's identity on one asset: its `share` id, else `PLAYBOOK.N` (N counted from 1)."""


def step_key(book: Playbook, index: int) -> StepKey:
    """The identity of step `index` of `book`: several findings of one asset that reach the
    same key (the same playbook, or a step several playbooks share) do it once."""
    return book.steps[index].share or f"{book.id}.{index + 1}"


@dataclass(frozen=True, slots=True)
class WorkStep:
    """A step of an asset's merged worklist and the findings it covers.

    A step that several findings share (same playbook, or the same `share` id) appears once;
    the steps of one finding alone keep that finding. Done when it holds for every finding it
    covers; a manual step's attestation is then the latest of theirs.
    """

    key: StepKey
    step: Step
    done: bool
    attestation: Attestation | None
    findings: tuple[FindingRecord, ...]
    """The findings whose checklists have this step, worst first."""
    indexes: tuple[int, ...]
    """The step's index in each finding's playbook, in the order of `findings`."""

    @property
    def shared(self) -> bool:
        """More than one finding has this step."""
        return len(self.findings) > 1

    @property
    def manual(self) -> bool:
        """Attested by a person (not verified by assetwatch)."""
        return self.step.kind == StepKind.MANUAL


def worklist(lists: Sequence[Checklist]) -> list[WorkStep]:
    """Merge one asset's checklists: each step once, at the first finding that has it.

    Args:
        lists: the asset's checklists, worst finding first (`checklists`).
    """
    covered: dict[StepKey, list[tuple[Checklist, StepState]]] = {}
    for checklist in lists:
        for state in checklist.steps:
            key = step_key(checklist.book, state.index)
            covered.setdefault(key, []).append((checklist, state))
    out = []
    for key, pairs in covered.items():
        states = [state for _, state in pairs]
        done = all(s.done for s in states)
        signed = [s.attestation for s in states if s.attestation is not None]
        out.append(
            WorkStep(
                key,
                states[0].step,
                done,
                max(signed, key=lambda a: a.at) if done and signed else None,
                tuple(c.record for c, _ in pairs),
                tuple(s.index for s in states),
            )
        )
    return out
