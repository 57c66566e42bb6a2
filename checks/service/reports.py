"""The rectification report (整改报告) as data, built from the audit log, findings and settings.

`checks.report` lays it out (Markdown, HTML); `--format json` prints it as it is.
"""

from __future__ import annotations

from collections import Counter
from datetime import datetime, timedelta
from typing import Any

from checks.knowledge.org_items import demands
from checks.model import Attestation, FindingRecord, FindingStatus, Severity
from checks.names import display_name
from checks.report import SCHEMA, Report
from checks.service.org import states
from checks.store import Store
from checks.store.audit import Event
from checks.store.codec import ts
from checks.workflow.org import ItemState

DUE_DAYS = {
    Severity.CRITICAL: 1,
    Severity.HIGH: 7,
    Severity.MEDIUM: 30,
    Severity.LOW: 90,
    Severity.INFO: 180,
}
"""Days from first seen to the due date of an open finding, by severity."""

ATTESTED_ACTIONS = ("step.attest", "org.attest", "risk.accept", "asset.update", "discovery.decide")
"""Audit events the report lists as attestations."""


def _finding(record: FindingRecord, lang: str, owners: dict[str, str]) -> dict[str, Any]:
    f = record.finding
    due = record.accepted_until or (record.first_seen + timedelta(days=DUE_DAYS[f.severity]))
    return {
        "asset": display_name(f.asset),
        "owner": owners.get(f.asset, ""),
        "check": f.check,
        "severity": str(f.severity),
        "title": f.title.text(lang),
        "evidence": f.evidence,
        "status": str(record.status),
        "first_seen": ts(record.first_seen),
        "last_seen": ts(record.last_seen),
        "resolved_at": ts(record.resolved_at) if record.resolved_at else None,
        "due": ts(due),
    }


def attestation_json(a: Attestation | None) -> dict[str, str] | None:
    """An attestation as the JSON contracts show it."""
    if a is None:
        return None
    return {"actor": a.actor, "at": ts(a.at), "note": a.note, "evidence": a.evidence}


def _demands(items: list[ItemState], lang: str) -> list[dict[str, Any]]:
    out = []
    for demand in demands():
        mine = [s for s in items if s.item.group == demand.id]
        out.append(
            {
                "id": demand.id,
                "title": demand.title.text(lang),
                "done": sum(s.done for s in mine),
                "total": len(mine),
                "items": [
                    {
                        "id": s.item.id,
                        "text": s.item.text.text(lang),
                        "mode": str(s.item.mode),
                        "computed": s.computed,
                        "detail": s.detail,
                        "done": s.done,
                        "attestation": attestation_json(s.attestation),
                        "not_verified": s.not_verified,
                    }
                    for s in mine
                ],
            }
        )
    return out


def build_report(store: Store, since: datetime, now: datetime, lang: str) -> Report:
    """The report as data (what the JSON format prints; checks/data/report.schema.json)."""
    assets = store.assets.all()
    owners = {a.name: a.owner for a in assets}
    everything = store.findings.query(active_only=False)
    events = store.audit.events(since=since)
    return {
        "schema": SCHEMA,
        "language": lang,
        "organization": store.settings.read().org_name,
        "generated_at": ts(now),
        "period": {"since": ts(since), "until": ts(now)},
        "inventory": {
            "total": len(assets),
            "by_kind": dict(Counter(str(a.kind) for a in assets)),
            "by_lifecycle": dict(Counter(str(a.lifecycle) for a in assets)),
            "by_owner": dict(Counter(a.owner or "-" for a in assets)),
        },
        "findings_raised": [_finding(r, lang, owners) for r in everything if r.first_seen >= since],
        "findings_fixed": [
            _finding(r, lang, owners)
            for r in everything
            if r.resolved_at is not None and r.resolved_at >= since
        ],
        "demands": _demands(states(store), lang),
        "attestations": [
            {"at": ts(e.at), "actor": e.actor, "action": e.action, "detail": e.detail}
            for e in events
            if e.action in ATTESTED_ACTIONS
        ],
        "open_items": [
            _finding(r, lang, owners) for r in everything if r.status != FindingStatus.RESOLVED
        ],
        "sweeps": [
            {"at": ts(e.at), "actor": e.actor, **e.detail} for e in events if e.action == "sweep"
        ],
        "discovery": _discovery(store, events),
    }


def _discovery(store: Store, events: list[Event]) -> dict[str, Any]:
    """Names found outside the inventory, by source and by decision, and the filing list."""
    rows = store.discovered.rows()
    return {
        "total": len(rows),
        "by_source": dict(Counter(s for r in rows for s in r.sources)),
        "by_state": dict(Counter(str(r.state) for r in rows)),
        "decided_in_period": sum(1 for e in events if e.action == "discovery.decide"),
        "filings": len(store.filings.all()),
    }
