"""The rectification report (整改报告) as data, built from the audit log, findings and settings.

`checks.report` lays it out (Markdown, HTML, Word, Excel); `--format json` prints it as it is.
Everything is read once: the assets with their latest probe, the findings, the audit log; the
report is assembled in memory (no query per asset or per finding).
"""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import replace
from datetime import datetime
from typing import Any

from checks.knowledge.org_items import demands, items
from checks.knowledge.playbooks import decommission, playbook_for
from checks.model import Attestation, FindingRecord, FindingStatus, Lifecycle, Settings
from checks.names import display_name
from checks.report import SCHEMA, Report
from checks.service.org import facts as org_facts
from checks.service.orgs import effective_settings
from checks.store import DEFAULT_ORG, Store
from checks.store.audit import Event
from checks.store.codec import ts
from checks.workflow.deadlines import due_at, overdue
from checks.workflow.org import Facts, ItemState, evaluate

ATTESTED_ACTIONS = (
    "step.attest",
    "step.unattest",
    "decommission.attest",
    "org.attest",
    "risk.accept",
    "asset.update",
    "discovery.decide",
    "evidence.export",
    "asset.delete",
)
"""Audit events the report lists as the record of what people did."""

RETIRED_CHECKS = ("retired-still-resolves", "retired-still-serving")
"""The checks that prove a retired asset dark when they are on and do not fire."""


def attestation_json(a: Attestation | None) -> dict[str, str] | None:
    """An attestation as the JSON contracts show it."""
    if a is None:
        return None
    out = {"actor": a.actor, "at": ts(a.at), "note": a.note, "evidence": a.evidence}
    if a.evidence_sha256:
        out["evidence_sha256"] = a.evidence_sha256
    return out


def _demands(states: list[ItemState], lang: str) -> list[dict[str, Any]]:
    out = []
    for demand in demands():
        mine = [s for s in states if s.item.group == demand.id]
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


class _Context:
    """What the report is assembled from, read once."""

    def __init__(self, store: Store, since: datetime, now: datetime, lang: str) -> None:
        self.lang = lang
        self.since = since
        self.now = now
        self.settings: Settings = effective_settings(store)
        if store.org != DEFAULT_ORG and not store.settings.get("org_name"):
            self.settings = replace(self.settings, org_name=store.org)  # names its own org
        self.findings = store.findings.query(active_only=False, include_deleted=True)
        self.facts: Facts = org_facts(store, self.findings)
        self.events = store.audit.events()
        everyone = store.assets.all(include_deleted=True)
        self.deleted = {a.name for a in everyone if a.deleted_at is not None}
        self.names = {a.id: display_name(a.name) for a in everyone if a.id is not None}
        self.owners = {a.name: a.owner for a in everyone}
        self.by_id = {r.id: r for r in self.findings if r.id is not None}
        self._rows: dict[int, dict[str, Any]] = {}

    def step_text(self, check: str, step: int) -> str:
        """The text of a playbook's step (1-based, as the audit log counts)."""
        book = decommission() if not check else playbook_for(check)
        if book is None or not 0 < step <= len(book.steps):
            return f"#{step}"
        return book.steps[step - 1].text.text(self.lang)

    def finding(self, record: FindingRecord) -> dict[str, Any]:
        """A finding as the report lists it (a fresh copy: the problems add to theirs)."""
        key = record.id or id(record)
        known = self._rows.get(key)
        if known is None:
            known = self._rows[key] = self._finding(record)
        return dict(known)

    def _finding(self, record: FindingRecord) -> dict[str, Any]:
        f = record.finding
        due = record.accepted_until or due_at(record, self.settings)
        return {
            "id": record.id,
            "asset": display_name(f.asset),
            "subject": f.subject,
            "owner": self.owners.get(f.asset, ""),
            "check": f.check,
            "severity": str(f.severity),
            "title": f.title.text(self.lang),
            "evidence": f.evidence,
            "status": str(record.status),
            "first_seen": ts(record.first_seen),
            "last_seen": ts(record.last_seen),
            "resolved_at": ts(record.resolved_at) if record.resolved_at else None,
            "due": ts(due) if due else "",
            "overdue": overdue(record, self.settings, self.now),
            "asset_deleted": f.asset in self.deleted,
        }


def _measure(e: Event, ctx: _Context) -> dict[str, Any]:
    """One attested step of a finding's playbook, from its audit event."""
    d = e.detail
    return {
        "step": d.get("step", 0),
        "text": ctx.step_text(str(d.get("check", "")), int(d.get("step", 0))),
        "actor": e.actor,
        "at": ts(e.at),
        "note": str(d.get("note", "")),
        "evidence": str(d.get("evidence", "")),
        "evidence_sha256": str(d.get("sha256") or d.get("evidence_sha256") or ""),
    }


def _finding_ids(detail: dict[str, Any]) -> list[int]:
    """The findings an attestation event covers: one, or several sharing a step."""
    many = detail.get("findings")
    if isinstance(many, list):
        return [int(i) for i in many]
    one = detail.get("finding")
    return [int(one)] if one is not None else []


def _problems(ctx: _Context, chosen: list[FindingRecord]) -> list[dict[str, Any]]:
    """Per problem: what was found, the measures taken, the result, the evidence."""
    measures: dict[int, dict[int, dict[str, Any]]] = defaultdict(dict)
    accepted: dict[int, dict[str, Any]] = {}
    exports: dict[int, list[dict[str, Any]]] = defaultdict(list)
    for e in ctx.events:
        if e.action == "step.attest":
            for fid in _finding_ids(e.detail):
                measures[fid][int(e.detail.get("step", 0))] = _measure(e, ctx)
        elif e.action == "step.unattest":
            for fid in _finding_ids(e.detail):
                measures[fid].pop(int(e.detail.get("step", 0)), None)
        elif e.action == "risk.accept":
            for fid in _finding_ids(e.detail):
                accepted[fid] = {
                    "actor": e.actor,
                    "at": ts(e.at),
                    "reason": str(e.detail.get("reason", "")),
                    "until": str(e.detail.get("until", "")),
                }
        elif e.action == "evidence.export" and e.asset_id is not None:
            files = e.detail.get("files") or {}
            exports[e.asset_id].append(
                {
                    "actor": e.actor,
                    "at": ts(e.at),
                    "folder": str(e.detail.get("folder", "")),
                    "files": [{"name": str(n), "sha256": str(h)} for n, h in files.items()],
                }
            )
    asset_ids = {name: i for i, name in ctx.names.items()}
    out = []
    for record in chosen:
        row = ctx.finding(record)
        fid = record.id or 0
        book = playbook_for(record.finding.check)
        done = record.status == FindingStatus.RESOLVED
        row["measures"] = sorted(measures.get(fid, {}).values(), key=lambda m: m["step"])
        row["verification"] = {
            "verified": done,
            "at": row["resolved_at"],
            "auto_steps": [
                s.text.text(ctx.lang) for s in (book.steps if book else ()) if s.kind == "auto"
            ],
            "last_seen": row["last_seen"],
            "firing": record.firing,
        }
        row["accepted"] = accepted.get(fid) if record.status == FindingStatus.ACCEPTED else None
        row["evidence_exports"] = exports.get(asset_ids.get(row["asset"], -1), [])
        out.append(row)
    return out


def _summary(ctx: _Context, raised: list[FindingRecord], fixed: list[FindingRecord]) -> Any:
    """The one-page summary's figures."""
    by_severity: dict[str, dict[str, int]] = {
        s: {"raised": 0, "fixed": 0, "open": 0}
        for s in ("critical", "high", "medium", "low", "info")
    }
    for r in raised:
        by_severity[str(r.finding.severity)]["raised"] += 1
    for r in fixed:
        by_severity[str(r.finding.severity)]["fixed"] += 1
    for r in ctx.findings:
        if r.status != FindingStatus.RESOLVED and r.finding.asset not in ctx.deleted:
            by_severity[str(r.finding.severity)]["open"] += 1
    kinds: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for a in ctx.facts.assets:
        kinds[str(a.kind)][str(a.lifecycle)] += 1
    alive = {
        r.finding.asset for r in ctx.findings if r.firing and r.finding.check in RETIRED_CHECKS
    }
    off = ctx.facts.disabled
    retired = {"total": 0, "dark": 0, "alive": 0, "not_verified": 0}
    for a in ctx.facts.assets:
        if a.lifecycle != Lifecycle.RETIRED:
            continue
        retired["total"] += 1
        blind = a.id in ctx.facts.unobserved or any(
            (c, 0) in off or (c, a.id or 0) in off for c in RETIRED_CHECKS
        )
        key = "alive" if a.name in alive else "not_verified" if blind else "dark"
        retired[key] += 1
    return {
        "assets_by_kind": {k: dict(v) for k, v in kinds.items()},
        "findings_by_severity": by_severity,
        "retired": retired,
        "overdue": sum(
            1
            for r in ctx.findings
            if r.finding.asset not in ctx.deleted and overdue(r, ctx.settings, ctx.now)
        ),
    }


def _sweep_summary(ctx: _Context, sweeps: list[Event]) -> dict[str, Any]:
    """Sweeps in the period, summarised: how many, how complete, the first and the last."""
    total = len(ctx.facts.assets)
    last = sweeps[-1] if sweeps else None
    days = max(1, (ctx.now - ctx.since).days)
    return {
        "count": len(sweeps),
        "full": sum(1 for e in sweeps if not e.detail.get("light")),
        "light": sum(1 for e in sweeps if e.detail.get("light")),
        "first": ts(sweeps[0].at) if sweeps else None,
        "last": ts(last.at) if last else None,
        "days_with_sweep": len({e.at.date() for e in sweeps}),
        "days": days,
        "last_assets": int(last.detail.get("assets", 0)) if last else 0,
        "last_unobserved": int(last.detail.get("unobserved", 0)) if last else 0,
        "inventory": total,
    }


def _record_text(e: Event, ctx: _Context) -> dict[str, Any]:
    """An audit event of the attestation record, with the asset's name and what it was about."""
    d = e.detail
    fids = _finding_ids(d)
    record = ctx.by_id.get(fids[0]) if fids else None
    out: dict[str, Any] = {
        "at": ts(e.at),
        "actor": e.actor,
        "action": e.action,
        "detail": d,
        "asset": ctx.names.get(e.asset_id, str(d.get("name", "")))
        if e.asset_id is not None
        else "",
    }
    if record is not None:
        out["finding"] = record.finding.title.text(ctx.lang)
        out["subject"] = record.finding.subject
    if e.action in ("step.attest", "step.unattest"):
        out["step"] = ctx.step_text(str(d.get("check", "")), int(d.get("step", 0)))
    elif e.action == "decommission.attest":
        out["step"] = ctx.step_text("", int(d.get("step", 0)))
    elif e.action == "org.attest":
        texts = {i.id: i.text.text(ctx.lang) for i in items()}
        out["step"] = texts.get(str(d.get("item", "")), str(d.get("item", "")))
    return out


def build_report(
    store: Store,
    since: datetime,
    now: datetime,
    lang: str,
    prepared_by: str | None = None,
    reviewed_by: str | None = None,
) -> Report:
    """The report as data (what the JSON format prints; checks/data/report.schema.json).

    Args:
        prepared_by: the cover's 编制人; the settings' `report_prepared_by` when None.
        reviewed_by: the cover's 审核人; the settings' `report_reviewed_by` when None.
    """
    ctx = _Context(store, since, now, lang)
    assets = ctx.facts.assets
    everything = ctx.findings
    period = [e for e in ctx.events if e.at >= since]
    raised = [r for r in everything if r.first_seen >= since]
    fixed = [r for r in everything if r.resolved_at is not None and r.resolved_at >= since]
    unresolved = [
        r
        for r in everything
        if r.status != FindingStatus.RESOLVED and r.finding.asset not in ctx.deleted
    ]
    chosen_ids = {r.id for r in (*raised, *fixed, *unresolved)}
    sweeps = [e for e in period if e.action == "sweep"]
    settings = ctx.settings
    return {
        "schema": SCHEMA,
        "language": lang,
        "organization": settings.org_name,
        "generated_at": ts(now),
        "period": {"since": ts(since), "until": ts(now)},
        "cover": {
            "prepared_by": settings.report_prepared_by if prepared_by is None else prepared_by,
            "reviewed_by": settings.report_reviewed_by if reviewed_by is None else reviewed_by,
            "date": ts(now)[:10],
            "number": f"AW-{now:%Y%m%d-%H%M}",
        },
        "summary": _summary(ctx, raised, fixed),
        "inventory": {
            "total": len(assets),
            "by_kind": dict(Counter(str(a.kind) for a in assets)),
            "by_lifecycle": dict(Counter(str(a.lifecycle) for a in assets)),
            "by_owner": dict(Counter(a.owner or "-" for a in assets)),
        },
        "findings_raised": [ctx.finding(r) for r in raised],
        "findings_fixed": [ctx.finding(r) for r in fixed],
        "problems": _problems(ctx, [r for r in everything if r.id in chosen_ids]),
        "demands": _demands(evaluate(ctx.facts, store.attestations.org(), now), lang),
        "attestations": [_record_text(e, ctx) for e in period if e.action in ATTESTED_ACTIONS],
        "open_items": [ctx.finding(r) for r in unresolved],
        "sweeps": [{"at": ts(e.at), "actor": e.actor, **e.detail} for e in sweeps],
        "sweep_summary": _sweep_summary(ctx, sweeps),
        "discovery": _discovery(store, period),
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
