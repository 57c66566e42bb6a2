"""Read models for the front ends: the grid's rows, one asset's screen, what changed since a mark.

The database is the message bus between a sweep (in a worker thread, in cron, in another
process) and the dashboard: `changed_since` tells which assets to redraw.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING, Any

from sqlite_utils import Database

from checks.model import (
    Asset,
    Clock,
    DnsStatus,
    FindingRecord,
    FindingStatus,
    Kind,
    Lifecycle,
    ProbeOutcome,
    Severity,
)
from checks.store.audit import Event
from checks.store.codec import parse_ts, row_to_asset, ts
from checks.store.dialect import json_ints
from checks.workflow.checklists import Checklist, StepState, checklists
from checks.workflow.decommission import steps as decommission_steps

if TYPE_CHECKING:
    from checks.store import Store

_RANK_SQL = (
    "CASE severity " + " ".join(f"WHEN '{s.value}' THEN {s.rank}" for s in Severity) + " ELSE 0 END"
)
"""Severity.rank in SQL, written from the enum so the two cannot disagree."""
_BY_RANK = {s.rank: s for s in Severity}


@dataclass(frozen=True, slots=True)
class AssetRow:
    """An asset, the summary of its latest probe, and its open findings."""

    asset: Asset
    risk: Severity | None
    """The worst open finding's severity; None when nothing is open."""
    open_findings: int
    retired_alive: bool
    """A retired asset that still resolves or serves (the number that got companies summoned)."""
    pending: int = 0
    """Findings that stopped firing but still have manual steps to attest."""
    dns_status: DnsStatus | None = None
    """None until the first probe."""
    addresses: int = 0
    cname: str = ""
    """The CNAME chain, " → " between names."""
    http_status: int | None = None
    http_error: str = ""
    tls_not_after: datetime | None = None
    response_ms: float | None = None
    last_checked: datetime | None = None

    @property
    def id(self) -> int:
        """The asset's id."""
        assert self.asset.id is not None
        return self.asset.id

    @property
    def probed(self) -> bool:
        """True once the asset has been probed."""
        return self.dns_status is not None

    @property
    def up(self) -> bool | None:
        """Answering (HTTP, or DNS for assets without URLs); None before the first probe."""
        if not self.probed:
            return None
        if self.http_status is not None:
            return True
        if self.http_error:
            return False
        if self.asset.kind == Kind.DOMAIN:
            return self.dns_status in (DnsStatus.ANSWER, DnsStatus.NODATA)
        return self.addresses > 0


@dataclass(frozen=True, slots=True)
class AssetDetail:
    """Everything the asset screen shows about one asset."""

    asset: Asset
    outcome: ProbeOutcome | None
    """The latest probe, page bodies omitted; None before the first probe."""
    findings: list[FindingRecord]
    """Every finding not resolved (open, in progress, accepted), worst first."""
    history: list[tuple[datetime, float | None, int | None]]
    """(time, response ms, HTTP status) of recent probes, oldest first."""
    events: list[Event]
    """The asset's audit log, oldest first."""
    checklists: list[Checklist] = field(default_factory=list)
    """The playbook of each unresolved finding, each step's state computed."""
    decommission: list[StepState] = field(default_factory=list)
    """The decommission checklist, while the asset is retiring."""
    places: list[tuple[str, datetime | None, str, int | None, str | None]] = field(
        default_factory=list
    )
    """The latest probe from each place it is probed from: (place, at, DNS status, HTTP
    status, HTTP error); one unnamed place ("") for a single machine."""
    sightings: dict[int, dict[str, tuple[bool, datetime]]] = field(default_factory=dict)
    """Per finding id: whether each place saw it at its latest probe, and when."""


@dataclass(frozen=True, slots=True)
class Marks:
    """How far a reader has read the probe history and the audit log."""

    probe: int = 0
    event: int = 0
    tick: int = 0
    """Compact rows (probes that changed nothing) count too: the time and status moved."""


class Views:
    """Queries that join several tables for one screen."""

    def __init__(self, db: Database, clock: Clock, store: Store) -> None:
        self._db = db
        self._clock = clock
        self._store = store

    def asset_rows(self, ids: Iterable[int] | None = None) -> list[AssetRow]:
        """Overview rows for every asset, or for `ids`, in one query.

        Given `ids`, only their findings are counted (the grid asks for the few assets a sweep
        batch changed: counting every asset's findings cost 0.1 s at 10,000 assets), and the ids
        travel as one JSON parameter, however many there are.
        """
        where, only, args = "", "", {}
        if ids is not None:
            id_list = list(ids)
            if not id_list:
                return []
            where = f"AND a.id IN ({json_ints(self._db, ':ids')})"
            only = f"AND findings.asset_id IN ({json_ints(self._db, ':ids')})"
            args = {"ids": json.dumps(id_list)}
        sql = f"""
            SELECT a.*, p.dns_status AS p_dns, p.addresses AS p_addresses, p.cname AS p_cname,
                   p.http_status AS p_http, p.http_error AS p_error, p.tls_not_after AS p_tls,
                   coalesce(a.last_response_ms, p.response_ms) AS p_ms,
                   f.n AS f_n, f.worst AS f_worst, f.alive AS f_alive,
                   (SELECT count(*) FROM findings q WHERE q.asset_id = a.id AND q.firing = 0
                    AND q.status = 'in-progress') AS pending
            FROM assets a
            LEFT JOIN probes p ON p.id = a.last_probe_id
            LEFT JOIN (
                SELECT asset_id, count(*) AS n, max({_RANK_SQL}) AS worst,
                       max(CASE WHEN check_id IN ('retired-still-resolves', 'retired-still-serving')
                           THEN 1 ELSE 0 END) AS alive
                FROM findings WHERE firing = 1 {only}
                    AND NOT (status = 'accepted' AND accepted_until > :now)
                    AND NOT EXISTS (SELECT 1 FROM disabled_checks d WHERE d.check_id =
                        findings.check_id AND d.asset_id IN (0, findings.asset_id))
                GROUP BY asset_id
            ) f ON f.asset_id = a.id
            WHERE a.deleted_at IS NULL {where}
        """
        cursor = self._db.execute(sql, {"now": ts(self._clock()), **args})
        names = [d[0] for d in cursor.description]
        return [_row(dict(zip(names, values, strict=True))) for values in cursor.fetchall()]

    def asset_detail(self, asset_id: int, history: int = 60) -> AssetDetail | None:
        """Load an asset's screen data, or None if the asset is gone."""
        store = self._store
        asset = store.assets.by_id(asset_id)
        if asset is None:
            return None
        outcome = store.probes.latest(asset, bodies=False)
        now = self._clock()
        points = [
            (p.at, p.response_ms, p.http_status)
            for p in store.probes.trend.points(asset_id, history)
        ]
        findings = [
            r
            for r in store.findings.query(asset_id=asset_id, active_only=False)
            if r.status != FindingStatus.RESOLVED
        ]
        attested = {r.id: store.findings.attestations(r.id) for r in findings if r.id is not None}
        return AssetDetail(
            asset=asset,
            outcome=outcome,
            findings=findings,
            checklists=checklists(findings, outcome, attested, now),
            decommission=(
                decommission_steps(outcome, store.attestations.decommission(asset_id), now)
                if asset.lifecycle == Lifecycle.RETIRING
                else []
            ),
            history=points,
            events=store.audit.events(asset_id),
            places=[
                (place, parse_ts(at), dns, status, error)
                for _, place, at, dns, status, error in store.findings.places(asset_id)
            ],
            sightings=store.findings.sightings(asset_id),
        )

    def marks(self) -> Marks:
        """Where the probe history and the audit log end now."""
        probes = self._store.probes
        return Marks(probes.mark(), self._store.audit.mark(), probes.tick_mark())

    def changed_since(self, marks: Marks) -> tuple[Marks, set[int]]:
        """The assets with a probe or an audit event after `marks`, and the new marks.

        Whoever wrote them (a sweep thread, the command line, a cron job) does not matter.
        """
        changed: set[int] = set()
        new = {"probe": marks.probe, "event": marks.event, "tick": marks.tick}
        for table, key in (("probes", "probe"), ("events", "event"), ("probe_ticks", "tick")):
            rows = self._db.execute(
                f"SELECT id, asset_id FROM {table} WHERE id > ?", [new[key]]
            ).fetchall()
            if rows:
                new[key] = max(r[0] for r in rows)
                changed.update(r[1] for r in rows if r[1] is not None)
        return Marks(new["probe"], new["event"], new["tick"]), changed


def _row(r: dict[str, Any]) -> AssetRow:
    worst = r["f_worst"]
    return AssetRow(
        asset=row_to_asset(r),
        risk=_BY_RANK.get(worst) if isinstance(worst, int) else None,
        open_findings=r["f_n"] or 0,
        retired_alive=bool(r["f_alive"]) and r["lifecycle"] == Lifecycle.RETIRED,
        pending=r["pending"] or 0,
        dns_status=DnsStatus(r["p_dns"]) if r["p_dns"] else None,
        addresses=len(r["p_addresses"].split(",")) if r["p_addresses"] else 0,
        cname=r["p_cname"] or "",
        http_status=r["p_http"],
        http_error=r["p_error"] or "",
        tls_not_after=parse_ts(r["p_tls"]),
        response_ms=r["p_ms"],
        last_checked=parse_ts(r["last_checked"]),
    )
