"""The organisation checklist (the regulator's seven demands) as both front ends show it."""

from __future__ import annotations

from checks.errors import UserError
from checks.knowledge.org_items import items
from checks.model import FindingStatus
from checks.service.remediation import evidence_file
from checks.store import Store
from checks.workflow.org import Facts, ItemState, evaluate


def facts(store: Store) -> Facts:
    """What the computed items look at, read once."""
    last = store.audit.last("sweep")
    active = store.findings.query()
    blind = {r.finding.asset for r in active if r.finding.check == "probe-incomplete"}
    rows = store.views.asset_rows()
    return Facts(
        active=active,
        accepted=store.findings.query(status=FindingStatus.ACCEPTED, active_only=False),
        assets=[r.asset for r in rows],
        last_sweep=last.at if last else None,
        retention_days=store.settings.read().retention_days,
        last_full_sweep=store.audit.last_full_sweep(),
        disabled=store.checks.all(),
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
