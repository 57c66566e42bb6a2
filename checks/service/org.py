"""The organisation checklist (the regulator's seven demands) as both front ends show it."""

from __future__ import annotations

from checks.errors import UserError
from checks.knowledge.org_items import items
from checks.model import FindingRecord, FindingStatus
from checks.service.remediation import evidence_file
from checks.store import Store
from checks.workflow.org import Facts, ItemState, evaluate


def facts(store: Store, findings: list[FindingRecord] | None = None) -> Facts:
    """What the computed items look at, read once.

    Args:
        findings: every stored finding (`query(active_only=False)`), when the caller has read
            them already (the report): the active and accepted ones are taken from it.
    """
    last = store.audit.last("sweep")
    rows = store.views.asset_rows()
    disabled = store.checks.all()
    if findings is None:
        active = store.findings.query()
        accepted = store.findings.query(status=FindingStatus.ACCEPTED, active_only=False)
    else:
        ids = {r.asset.name: r.id for r in rows}  # assets deleted since are not counted
        mine = [r for r in findings if r.finding.asset in ids]
        accepted = [r for r in mine if r.status == FindingStatus.ACCEPTED]
        active = [
            r
            for r in mine
            if r.firing
            and r.status != FindingStatus.ACCEPTED
            and (r.finding.check, 0) not in disabled
            and (r.finding.check, ids[r.finding.asset]) not in disabled
        ]
    blind = {r.finding.asset for r in active if r.finding.check == "probe-incomplete"}
    return Facts(
        active=active,
        accepted=accepted,
        assets=[r.asset for r in rows],
        last_sweep=last.at if last else None,
        retention_days=store.settings.read().retention_days,
        last_full_sweep=store.audit.last_full_sweep(),
        disabled=disabled,
        unobserved=frozenset(r.id for r in rows if not r.probed or r.asset.name in blind),
    )


def states(store: Store) -> list[ItemState]:
    """Every item's state now."""
    return evaluate(facts(store), store.attestations.org(), store.clock())


def attest(
    store: Store, item_id: str, note: str = "", evidence: str = "", who: str | None = None
) -> None:
    """Attest an item (logged).

    Raises:
        UserError: no such item.
    """
    if item_id not in {i.id for i in items()}:
        raise UserError(f"no checklist item {item_id!r}", f"没有清单事项 {item_id!r}")
    evidence, sha256 = evidence_file(evidence)
    store.attestations.attest_org(item_id, note, evidence, who, evidence_sha256=sha256)
