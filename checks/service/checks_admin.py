"""Switching checks off and on, and where each check stands."""

from __future__ import annotations

from dataclasses import dataclass

from checks.errors import UserError
from checks.knowledge.catalog import BY_ID, CATALOG, CheckSpec, spec
from checks.knowledge.org_items import items as org_items
from checks.knowledge.playbooks import Verifier, playbooks
from checks.model import Severity
from checks.store import Store


@dataclass(frozen=True, slots=True)
class CheckState:
    """A check of the catalog and whether it runs."""

    spec: CheckSpec
    off: bool
    """Switched off everywhere."""
    off_for: list[str]
    """Assets (as shown) it is switched off for, when it runs elsewhere."""
    reason: str
    """Why it is off everywhere; "" otherwise."""

    @property
    def state(self) -> str:
        """ "on", "off" or "off for a, b" (the `checks` command's STATE column and JSON)."""
        if self.off:
            return "off"
        return f"off for {', '.join(self.off_for)}" if self.off_for else "on"


def known(check_id: str) -> str:
    """The check id, if the catalog has it.

    Raises:
        UserError: an unknown id.
    """
    if check_id not in BY_ID:
        raise UserError(
            f"unknown check {check_id!r}; see `assetwatch checks`",
            f"未知检查项 {check_id!r}；请查看 `assetwatch checks`",
        )
    return check_id


def disable(
    store: Store, check_id: str, reason: str, asset_id: int | None = None, who: str | None = None
) -> None:
    """Switch a check off everywhere or for one asset (logged, with the reason)."""
    store.checks.disable(known(check_id), reason, asset_id, who)


def enable(
    store: Store, check_id: str, asset_id: int | None = None, who: str | None = None
) -> None:
    """Switch a check back on (logged)."""
    store.checks.enable(known(check_id), asset_id, who)


def dependents(check_id: str) -> tuple[list[str], list[str]]:
    """What switching a check off leaves unverified: organisation items, playbooks' steps.

    Returns:
        The ids of the organisation items computed from the check, and of the playbooks
        with an auto step that waits for it to clear.
    """
    floor = spec(check_id).severity.rank
    items = [
        i.id
        for i in org_items()
        if check_id in i.auto.get("no_findings", ())
        or ("no_findings_from" in i.auto and floor >= Severity(i.auto["no_findings_from"]).rank)
    ]
    books = [
        b.id
        for b in playbooks()
        if any(
            s.verify == Verifier.CLEAR
            and s.check == check_id
            or s.verify == Verifier.CHECK_CLEAR
            and check_id in b.checks
            for s in b.steps
        )
    ]
    return items, books


def states(store: Store) -> list[CheckState]:
    """Every check of the catalog, in catalog order, with its state."""
    off = store.checks.all()
    names = {a.id: a.display for a in store.assets.all()}
    return [
        CheckState(
            spec,
            (spec.id, 0) in off,
            sorted(names.get(a, str(a)) for (c, a) in off if c == spec.id and a),
            off.get((spec.id, 0), ""),
        )
        for spec in CATALOG
    ]
