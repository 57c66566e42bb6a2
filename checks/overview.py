"""The inventory at a glance: one row per asset with its latest probe and open findings."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from checks.decommission import DecommissionStep
from checks.decommission import steps as decommission_steps
from checks.models import (
    Asset,
    DnsStatus,
    FindingRecord,
    FindingStatus,
    Kind,
    Lifecycle,
    ProbeOutcome,
    Severity,
)
from checks.serialize import outcome_from_json
from checks.store import Store, parse_ts, row_to_asset

_RANK_SQL = (
    "CASE severity WHEN 'critical' THEN 4 WHEN 'high' THEN 3 WHEN 'medium' THEN 2 "
    "WHEN 'low' THEN 1 ELSE 0 END"
)
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

    def dns_text(self) -> str:
        """`A×3`, `NXDOMAIN`, `CNAME→target`, or `—` before the first probe."""
        if self.dns_status is None:
            return "—"
        if self.cname:
            return "CNAME→" + self.cname.split(" → ")[-1]
        if self.dns_status == DnsStatus.ANSWER:
            return f"A×{self.addresses}"
        return self.dns_status.upper()

    def http_text(self) -> str:
        """The status code, the error, or `—` when there is nothing to fetch or no probe yet."""
        if self.http_status is not None:
            return str(self.http_status)
        return self.http_error or "—"

    def tls_days(self, now: datetime) -> int | None:
        """Days until the certificate expires (negative once expired)."""
        if self.tls_not_after is None:
            return None
        return (self.tls_not_after - now).days


def asset_rows(store: Store, ids: Iterable[int] | None = None) -> list[AssetRow]:
    """Overview rows for every asset, or for `ids`, in one query."""
    where, args = "", []
    if ids is not None:
        id_list = list(ids)
        if not id_list:
            return []
        where = f"WHERE a.id IN ({','.join('?' * len(id_list))})"
        args = id_list
    sql = f"""
        SELECT a.*, p.dns_status AS p_dns, p.addresses AS p_addresses, p.cname AS p_cname,
               p.http_status AS p_http, p.http_error AS p_error, p.tls_not_after AS p_tls,
               p.response_ms AS p_ms, f.n AS f_n, f.worst AS f_worst, f.alive AS f_alive,
               (SELECT count(*) FROM findings q WHERE q.asset_id = a.id AND q.firing = 0
                AND q.status = 'in-progress') AS pending
        FROM assets a
        LEFT JOIN probes p ON p.id = a.last_probe_id
        LEFT JOIN (
            SELECT asset_id, count(*) AS n, max({_RANK_SQL}) AS worst,
                   max(check_id IN ('retired-still-resolves', 'retired-still-serving')) AS alive
            FROM findings WHERE firing = 1 AND status != 'accepted' GROUP BY asset_id
        ) f ON f.asset_id = a.id
        {where}
    """
    cursor = store.db.execute(sql, args)
    names = [d[0] for d in cursor.description]
    rows = []
    for values in cursor.fetchall():
        r = dict(zip(names, values, strict=True))
        rows.append(
            AssetRow(
                asset=row_to_asset(r),
                risk=_BY_RANK.get(r["f_worst"]) if r["f_worst"] is not None else None,
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
        )
    return rows


@dataclass(frozen=True, slots=True)
class AssetDetail:
    """Everything the asset screen shows about one asset."""

    asset: Asset
    outcome: ProbeOutcome | None
    """The latest probe, page bodies omitted; None before the first probe."""
    findings: list[FindingRecord]
    """Open findings, worst first."""
    history: list[tuple[datetime, float | None, int | None]]
    """(time, response ms, HTTP status) of recent probes, oldest first."""
    events: list[dict[str, Any]]
    """The asset's audit log, oldest first."""
    attestations: dict[int, dict[int, dict[str, str]]] = field(default_factory=dict)
    """Finding id -> step index -> who attested it, when, the note and the evidence."""
    decommission: list[DecommissionStep] = field(default_factory=list)
    """The decommission checklist, while the asset is retiring."""


def asset_detail(store: Store, asset_id: int, history: int = 60) -> AssetDetail | None:
    """Load an asset's screen data, or None if the asset is gone."""
    row = store.db.execute("SELECT * FROM assets WHERE id = ?", [asset_id]).fetchone()
    if row is None:
        return None
    names = [d[0] for d in store.db.execute("SELECT * FROM assets LIMIT 0").description]
    asset = row_to_asset(dict(zip(names, row, strict=True)))
    probes = list(store.probes(asset_id, limit=history))
    outcome = outcome_from_json(asset, probes[0]["data"]) if probes else None
    points = [
        (parse_ts(p["at"]) or store.clock(), p["response_ms"], p["http_status"])
        for p in reversed(probes)
    ]
    findings = [
        r
        for r in store.findings(asset_id=asset_id, active_only=False)
        if r.status != FindingStatus.RESOLVED
    ]
    return AssetDetail(
        asset=asset,
        outcome=outcome,
        findings=findings,
        attestations={r.id: store.attestations(r.id) for r in findings if r.id is not None},
        decommission=(
            decommission_steps(store, asset, store.clock())
            if asset.lifecycle == Lifecycle.RETIRING
            else []
        ),
        history=points,
        events=store.events(asset_id),
    )
