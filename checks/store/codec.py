"""Rows and JSON to and from domain values: assets, timestamps, probe outcomes (bodies apart)."""

from __future__ import annotations

import json
from dataclasses import asdict, fields
from datetime import UTC, datetime
from typing import Any

from checks.model import (
    Asset,
    Attestation,
    CertInfo,
    DnsAnswer,
    DnsStatus,
    Hop,
    HttpEntry,
    HttpError,
    Kind,
    Lifecycle,
    PathProbe,
    ProbeOutcome,
    Registration,
    ScriptFile,
    ZoneTransfer,
)


def ts(value: datetime) -> str:
    """A stored timestamp: ISO 8601 in UTC, to the second."""
    return value.astimezone(UTC).isoformat(timespec="seconds")


def parse_ts(value: str | None) -> datetime | None:
    """The inverse of `ts`; None stays None."""
    return datetime.fromisoformat(value) if value else None


def asset_row(asset: Asset) -> dict[str, Any]:
    """The columns of the assets table a person can change."""
    return {
        "name": asset.name,
        "kind": str(asset.kind),
        "owner": asset.owner,
        "lifecycle": str(asset.lifecycle),
        "urls": json.dumps(list(asset.urls)),
        "icp": asset.icp,
        "tags": json.dumps(list(asset.tags), ensure_ascii=False),
        "notes": asset.notes,
        "interval_s": asset.interval_s,
    }


def row_to_asset(row: dict[str, Any]) -> Asset:
    """An Asset from its row in the assets table."""
    return Asset(
        id=row["id"],
        name=row["name"],
        kind=Kind(row["kind"]),
        owner=row["owner"] or "",
        lifecycle=Lifecycle(row["lifecycle"]),
        urls=tuple(json.loads(row["urls"] or "[]")),
        icp=row["icp"] or "",
        tags=tuple(json.loads(row["tags"] or "[]")),
        notes=row["notes"] or "",
        interval_s=row["interval_s"],
        created_at=parse_ts(row["created_at"]),
        retiring_at=parse_ts(row["retiring_at"]),
        retired_at=parse_ts(row["retired_at"]),
    )


def attestation(actor: str, at: str, note: str | None, evidence: str | None) -> Attestation:
    """An Attestation from the columns every attestation table shares."""
    return Attestation(
        actor, parse_ts(at) or datetime.min.replace(tzinfo=UTC), note or "", evidence or ""
    )


def _known(cls: type, data: dict[str, Any]) -> dict[str, Any]:
    # Rows written by older versions may carry fields since removed (ipv4, body_truncated).
    names = {f.name for f in fields(cls)}
    return {k: v for k, v in data.items() if k in names}


def _default(value: object) -> object:
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, bytes):
        return None
    raise TypeError(type(value).__name__)


def outcome_to_json(outcome: ProbeOutcome) -> str:
    """The outcome without the asset and the page bodies (bodies live in `pages` by hash).

    Fetched scripts keep their URL, status and hash; their bodies are read by the rules at
    sweep time and not stored.
    """
    data = {
        "started_at": outcome.started_at,
        "finished_at": outcome.finished_at,
        "error": outcome.error,
        "dns": asdict(outcome.dns),
        "http": [{**asdict(e), "body": None} for e in outcome.http],
        "paths": [{**asdict(p), "head": None} for p in outcome.paths],
        "spider": {**asdict(outcome.spider), "body": None} if outcome.spider else None,
        "skipped": sorted(outcome.skipped),
        "open_ports": list(outcome.open_ports) if outcome.open_ports is not None else None,
        "zone_transfer": asdict(outcome.zone_transfer) if outcome.zone_transfer else None,
        "scripts": [
            {"url": s.url, "status": s.status, "body_sha256": s.body_sha256}
            for s in outcome.scripts
        ],
        "registration": registration_to_dict(outcome.registration)
        if outcome.registration
        else None,
    }
    return json.dumps(data, default=_default, ensure_ascii=False)


def registration_to_dict(reg: Registration) -> dict[str, Any]:
    """A registration as JSON-ready data (stored in probes and in the day's cache)."""
    data = asdict(reg)
    for key in ("checked_at", "expires", "created", "changed"):
        data[key] = ts(data[key]) if data[key] else None
    return data


def registration_from_dict(data: dict[str, Any]) -> Registration:
    """The inverse of `registration_to_dict`."""
    known = _known(Registration, data)
    for key in ("expires", "created", "changed"):
        known[key] = parse_ts(known.get(key))
    known["checked_at"] = parse_ts(known["checked_at"]) or datetime.min.replace(tzinfo=UTC)
    known["statuses"] = tuple(known.get("statuses") or ())
    known["nameservers"] = tuple(known.get("nameservers") or ())
    return Registration(**known)


def _cert(data: dict[str, Any] | None) -> CertInfo | None:
    if data is None:
        return None
    return CertInfo(
        **{
            **data,
            "sans": tuple(data["sans"]),
            "not_before": datetime.fromisoformat(data["not_before"]),
            "not_after": datetime.fromisoformat(data["not_after"]),
        }
    )


def _zone(data: dict[str, Any] | None) -> ZoneTransfer | None:
    return ZoneTransfer(data["server"], tuple(data["names"])) if data else None


def _entry(e: dict[str, Any], bodies: dict[str, bytes] | None) -> HttpEntry:
    return HttpEntry(
        **{
            **_known(HttpEntry, e),
            "error": HttpError(e["error"]) if e["error"] else None,
            "hops": tuple(Hop(**h) for h in e["hops"]),
            "headers": tuple((k, v) for k, v in e["headers"]),
            "body": (bodies or {}).get(e["body_sha256"], b""),
            "tls": _cert(e["tls"]),
        }
    )


def outcome_from_json(
    asset: Asset, text: str, bodies: dict[str, bytes] | None = None
) -> ProbeOutcome:
    """Rebuild a stored outcome; `bodies` maps sha256 to page bodies when they are needed."""
    data = json.loads(text)
    dns = _known(DnsAnswer, data["dns"])
    for key in ("addresses", "cname_chain", "ns"):
        dns[key] = tuple(dns[key])
    entries = [_entry(e, bodies) for e in data["http"]]
    return ProbeOutcome(
        asset=asset,
        started_at=datetime.fromisoformat(data["started_at"]),
        finished_at=datetime.fromisoformat(data["finished_at"]),
        dns=DnsAnswer(**{**dns, "status": DnsStatus(dns["status"])}),
        http=tuple(entries),
        paths=tuple(
            PathProbe(**{**p, "headers": tuple(map(tuple, p.get("headers", []))), "head": b""})
            for p in data.get("paths", [])
        ),
        skipped=frozenset(data.get("skipped", [])),
        spider=_entry(data["spider"], bodies) if data.get("spider") else None,
        open_ports=tuple(data["open_ports"]) if data.get("open_ports") is not None else None,
        zone_transfer=_zone(data.get("zone_transfer")),
        error=data["error"],
        # rows written before scripts were fetched have no "scripts"
        scripts=tuple(
            ScriptFile(s["url"], s.get("status"), body_sha256=s.get("body_sha256", ""))
            for s in data.get("scripts") or []
        ),
        # rows written before registrations were looked up have none
        registration=registration_from_dict(data["registration"])
        if data.get("registration")
        else None,
    )
