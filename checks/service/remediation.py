"""Remediation as both front ends do it: checklists, attestations, risk acceptance, baselines,
and the decommission checklist that takes an asset from retiring to retired."""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import replace
from datetime import datetime
from pathlib import Path

from checks.alerting import EventKind
from checks.errors import UserError
from checks.intake import person_text
from checks.knowledge.playbooks import playbook_for
from checks.model import Asset, Baseline, FindingRecord, FindingStatus, Lifecycle
from checks.rules.compromise import baseline_from
from checks.store import Store
from checks.workflow import decommission
from checks.workflow.checklists import (
    Checklist,
    StepKey,
    StepState,
    WorkStep,
    checklists,
    step_key,
    worklist,
)


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


def evidence_file(evidence: str) -> tuple[str, str]:
    """The evidence as stored and its SHA-256: a link (http, https) is kept as it is, with no
    hash; anything else is a file that must exist, stored as its absolute path.

    Raises:
        UserError: no such file (or it is a folder), or it cannot be read.
    """
    evidence = person_text("evidence", evidence)
    if not evidence or evidence.lower().startswith(("http://", "https://")):
        return evidence, ""
    path = Path(evidence).expanduser()
    if not path.is_file():
        what = ("a folder", "是文件夹") if path.is_dir() else ("not found", "不存在")
        raise UserError(
            f"evidence {evidence}: {what[0]}; give a file (its SHA-256 is recorded) or an "
            "http(s) link",
            f"证据 {evidence}：{what[1]}；请给出文件（将记录其 SHA-256）或 http(s) 链接",
        )
    digest = hashlib.sha256()
    try:
        with path.open("rb") as handle:
            for block in iter(lambda: handle.read(1 << 20), b""):
                digest.update(block)
    except OSError as exc:
        raise UserError(
            f"evidence {evidence}: cannot read it ({exc.strerror})",
            f"证据 {evidence}：无法读取（{exc.strerror}）",
        ) from None
    return str(path.resolve()), digest.hexdigest()


def asset_worklist(store: Store, asset: Asset) -> list[WorkStep]:
    """The asset's merged checklist: a step several of its findings share appears once (and is
    attested once for all of them); the steps of one finding alone stay with it."""
    return worklist(asset_checklists(store, asset))


def _steps_named(store: Store, asset: Asset, keys: Sequence[StepKey]) -> list[WorkStep]:
    """The worklist steps `keys` name, in the order given.

    Raises:
        UserError: a key is not a step of the asset's worklist.
    """
    steps = {w.key: w for w in asset_worklist(store, asset)}
    unknown = [k for k in keys if k not in steps]
    if unknown or not keys:
        listed = ", ".join(unknown) or "-"
        raise UserError(
            f"{asset.display} has no step {listed} in its checklist (`assetwatch checklist "
            f"{asset.display}` lists the keys)",
            f"{asset.display} 的整改清单中没有步骤 {listed}（`assetwatch checklist "
            f"{asset.display}` 列出步骤编号）",
        )
    return [steps[k] for k in dict.fromkeys(keys)]


def attest_steps(
    store: Store,
    asset: Asset,
    keys: Sequence[StepKey],
    note: str = "",
    evidence: str = "",
    who: str | None = None,
) -> list[WorkStep]:
    """Attest several manual steps of the asset's worklist with one note, for every finding
    each step covers: all of them or none (one transaction), each finding's step logged.

    Returns:
        The worklist after the change.

    Raises:
        UserError: a key that is not a step of the worklist, an auto step (assetwatch
            verifies those), or evidence that is not a file or a link.
    """
    steps = _steps_named(store, asset, keys)
    auto = [w.key for w in steps if not w.manual]
    if auto:
        raise UserError(
            f"{', '.join(auto)}: verified by assetwatch at the next probe, not attested",
            f"{', '.join(auto)}：由 assetwatch 在下次探测时验证，无须人工确认",
        )
    evidence, sha256 = evidence_file(evidence)
    with store.atomic():
        for w in steps:
            for record, index in zip(w.findings, w.indexes, strict=True):
                assert record.id is not None  # checklists hold stored findings only
                store.findings.attest(
                    record.id, index, note, evidence, who, evidence_sha256=sha256, key=w.key
                )
    return asset_worklist(store, asset)


def unattest_step(
    store: Store, asset: Asset, key: StepKey, who: str | None = None
) -> list[WorkStep]:
    """Take back a step's attestation for every finding it covers (logged, one transaction).

    Returns:
        The worklist after the change.

    Raises:
        UserError: no such step in the worklist.
    """
    [w] = _steps_named(store, asset, [key])
    with store.atomic():
        for record, index in zip(w.findings, w.indexes, strict=True):
            assert record.id is not None
            store.findings.unattest(record.id, index, who)
    return asset_worklist(store, asset)


def key_of(record: FindingRecord, step: int) -> StepKey:
    """The worklist key of step `step` (from 0) of a finding's playbook.

    Raises:
        UserError: the finding's playbook has no such step.
    """
    book = playbook_for(record.finding.check)
    if book is None or not 0 <= step < len(book.steps):
        raise UserError(
            f"step {step + 1} is not a step of this finding's checklist",
            f"第 {step + 1} 步不是该问题整改清单中的步骤",
        )
    return step_key(book, step)


def finding_of(store: Store, asset: Asset, check_id: str, subject: str = "") -> FindingRecord:
    """The finding of `check_id` on the asset; `subject` picks one when the check fired for
    several files, ports or names of it.

    Raises:
        UserError: the asset has no such finding, or several and no subject says which.
    """
    found = [
        r
        for r in store.findings.query(asset_id=asset.id, active_only=False)
        if r.finding.check == check_id and r.id is not None
    ]
    if subject:
        found = [r for r in found if r.finding.subject == subject]
    if not found:
        what = f"{check_id} ({subject})" if subject else check_id
        raise UserError(
            f"{asset.display} has no {what} finding", f"{asset.display} 没有 {what} 问题"
        )
    unresolved = [r for r in found if r.status != FindingStatus.RESOLVED] or found
    if len({r.finding.subject for r in unresolved}) > 1:
        listed = ", ".join(sorted(r.finding.subject for r in unresolved))
        raise UserError(
            f"{asset.display} has several {check_id} findings; say which with --subject ({listed})",
            f"{asset.display} 有多个 {check_id} 问题；请用 --subject 指明（{listed}）",
        )
    return unresolved[0]


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
    evidence, sha256 = evidence_file(evidence)
    store.attestations.attest_decommission(
        asset.id, index, note, evidence, who, evidence_sha256=sha256
    )
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
