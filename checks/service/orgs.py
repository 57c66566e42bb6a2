"""Organisations: opening one (known to the registry), and the roll-up of them all."""

from __future__ import annotations

from dataclasses import dataclass, fields
from datetime import datetime
from pathlib import Path

from checks.alerting import Channel, Contact
from checks.errors import UserError
from checks.model import Clock, FindingStatus, Lifecycle, Settings, Severity, utcnow
from checks.service import org as org_checklist
from checks.store import DEFAULT_ORG, Store, org_name
from checks.store.settings import typed
from checks.workflow.org import evaluate


def open_org(
    target: str | Path | None, org: str | None, *, clock: Clock = utcnow, create: bool = True
) -> Store:
    """The store of organisation `org` (the default one when None).

    Raises:
        UserError: the name is not valid, or no such organisation is registered.
    """
    name = org_name(org)
    if name == DEFAULT_ORG:
        return Store(target, clock=clock, create=create)
    root = Store(target, clock=clock, create=False)
    try:
        if root.orgs.get(name) is None:
            raise UserError(
                f"no organisation {name} (`assetwatch orgs add {name}` registers it)",
                f"没有组织 {name}（用 `assetwatch orgs add {name}` 登记）",
            )
    finally:
        root.close()
    store = Store(target, clock=clock, org=name)
    inherit_channels(store)
    return store


def inherit_channels(store: Store) -> bool:
    """Give an organisation without channels of its own its nearest ancestor's channels, and
    its ancestors' contacts for owners it does not know; whether anything changed.

    Run whenever an organisation's store is opened for work (`open_org`, workers), so that a
    channel the parent adds, changes or removes reaches the children at their next sweep.
    """
    if store.org == DEFAULT_ORG:
        return False
    root = store.reopen(org=DEFAULT_ORG)
    try:
        chain = root.orgs.lineage(store.org)[1:]
    finally:
        root.close()
    source, channels = "", list[Channel]()
    contacts: dict[str, Contact] = {}
    for name in chain:
        ancestor = store.reopen(org=name)
        try:
            for owner, contact in ancestor.channels.contacts().items():
                contacts.setdefault(owner, contact)
            own = ancestor.channels.own()
            if own and not source:
                source, channels = name, own
        finally:
            ancestor.close()
    return store.channels.inherit(source, channels, contacts)


@dataclass(frozen=True, slots=True)
class OrgState:
    """One organisation's line of the roll-up."""

    name: str
    parent: str | None
    title: str
    assets: dict[str, int]
    """Assets by lifecycle."""
    open_findings: dict[str, int]
    """Firing findings (not accepted) by severity."""
    last_sweep: datetime | None
    checklist: tuple[int, int] = (0, 0)
    """The organisation checklist (the regulator's demands): items done, items in all."""


def rollup(any_store: Store) -> list[OrgState]:
    """Each organisation's state, read-only: assets, open findings, the last sweep, how far
    its organisation checklist is done (an item counts only when verified or attested)."""
    root = any_store.reopen(org=DEFAULT_ORG)
    try:
        orgs = root.orgs.all()
    finally:
        root.close()
    states = []
    for org in orgs:
        store = any_store.reopen(org=org.name)
        try:
            facts = org_checklist.facts(store)  # one reading for the counts and the items
            assets = {str(c): 0 for c in Lifecycle}
            for asset in facts.assets:
                assets[str(asset.lifecycle)] += 1
            findings = {str(s): 0 for s in Severity}
            for record in facts.active:
                if record.status != FindingStatus.ACCEPTED:
                    findings[str(record.finding.severity)] += 1
            last = store.audit.last("sweep")
            items = evaluate(facts, store.attestations.org(), store.clock())
            done = (sum(s.done for s in items), len(items))
            states.append(
                OrgState(
                    org.name,
                    org.parent,
                    org.title,
                    assets,
                    findings,
                    last.at if last else None,
                    done,
                )
            )
        finally:
            store.close()
    return states


def effective_settings(store: Store) -> Settings:
    """The settings of `store`'s organisation, with inheritance.

    A setting not set (or set empty, or unreadable) in the organisation comes from its parent,
    then the grandparent, and so on up to the default organisation; what none sets keeps the
    built-in default. The default organisation's settings are just `store.settings.read()`.
    """
    if store.org == DEFAULT_ORG:
        return store.settings.read()
    root = store.reopen(org=DEFAULT_ORG)
    try:
        chain = root.orgs.lineage(store.org)
    finally:
        root.close()
    values: dict[str, object] = {}
    for name in chain:
        org_store = store if name == store.org else store.reopen(org=name)
        try:
            for f in fields(Settings):
                if f.name in values:
                    continue
                raw = org_store.settings.get(f.name)
                value = typed(f.name, raw) if raw else None
                if value is not None:
                    values[f.name] = value
        finally:
            if org_store is not store:
                org_store.close()
    return Settings(**values)  # type: ignore[arg-type]
