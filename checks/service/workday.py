"""The admin's day: the fix-first queue both front ends show (`assetwatch todo`, the dashboard).

Every unresolved finding of every asset in the inventory, worst first: severity, then overdue,
then the oldest. Open and in-progress findings only: an accepted risk is not work until its
acceptance expires (it is `open` again then, and back in the queue), and the findings of a
check switched off are not reported anywhere, here neither.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from checks.model import FindingStatus, TodoItem
from checks.store import Store
from checks.workflow.deadlines import due_at, overdue

QUEUED = (FindingStatus.OPEN, FindingStatus.IN_PROGRESS)


def owned_by(owner: str, wanted: str) -> bool:
    """`--owner`: a case-insensitive part of the owner ("赵磊" finds "信息中心 赵磊"); "-" finds
    the assets nobody owns."""
    wanted = wanted.strip()
    if wanted == "-":
        return not owner.strip()
    return wanted.casefold() in owner.casefold()


def todo(store: Store, owner: str | None = None, now: datetime | None = None) -> list[TodoItem]:
    """The queue: unresolved findings across assets, worst first.

    Args:
        owner: only the assets whose owner matches (`owned_by`).
        now: the time deadlines are measured at (the store's clock by default).
    """
    now = now or store.clock()
    settings = store.settings.read()
    assets = {a.name: a for a in store.assets.all()}
    off = store.checks.all()
    items = []
    for record in store.findings.query(active_only=False):
        asset = assets.get(record.finding.asset)
        if asset is None or record.status not in QUEUED:
            continue
        check = record.finding.check
        if (check, 0) in off or (check, asset.id or 0) in off:
            continue
        if owner is not None and not owned_by(asset.owner, owner):
            continue
        items.append(
            TodoItem(
                record=record,
                asset=asset,
                owner=asset.owner,
                due_at=due_at(record, settings),
                overdue=overdue(record, settings, now),
                age=max(now - record.first_seen, timedelta(0)),
            )
        )
    items.sort(
        key=lambda t: (
            -t.record.finding.severity.rank,
            not t.overdue,
            t.record.first_seen,
            t.asset.name,
            t.record.finding.check,
            t.subject,
        )
    )
    return items
