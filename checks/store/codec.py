"""Rows and JSON to and from domain values: assets, timestamps, probe outcomes (bodies apart)."""

from __future__ import annotations

import hashlib
import json
import re
import zlib
from collections.abc import Sequence
from dataclasses import asdict, fields
from datetime import UTC, datetime
from pathlib import Path
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
from checks.probe.prober import LIGHT_SKIPS


def ts(value: datetime) -> str:
    """A stored timestamp: ISO 8601 in UTC, to the second."""
    return value.astimezone(UTC).isoformat(timespec="seconds")


def parse_ts(value: str | None) -> datetime | None:
    """The inverse of `ts`; None stays None."""
    return datetime.fromisoformat(value) if value else None


_JSON = json.JSONEncoder(ensure_ascii=False).encode
"""json.dumps(..., ensure_ascii=False) without building an encoder per call (bulk imports)."""


_ESCAPED = re.compile(r'["\\\x00-\x1f]')
"""What json.dumps(..., ensure_ascii=False) escapes in a string: quote, backslash, controls
(everything else, Chinese included, it writes as it is)."""


def json_list(values: tuple[str, ...]) -> str:
    """`json.dumps(list(values), ensure_ascii=False)`, built without the encoder when no
    value needs escaping (nearly every list of URLs or tags)."""
    if not values:
        return "[]"
    if not any(map(_ESCAPED.search, values)):
        return '["' + '", "'.join(values) + '"]'
    return _JSON(list(values))


def asset_row(asset: Asset) -> dict[str, Any]:
    """The columns of the assets table a person can change."""
    return {
        "name": asset.name,
        "kind": str(asset.kind),
        "owner": asset.owner,
        "lifecycle": str(asset.lifecycle),
        "urls": json_list(asset.urls),
        "icp": asset.icp,
        "tags": json_list(asset.tags),
        "notes": asset.notes,
        "interval_s": asset.interval_s,
    }


def _list_of_json(text: str | None) -> tuple[str, ...]:
    # The inverse of `json_list`: its plain output split by hand, anything else decoded.
    if not text or text == "[]":
        return ()
    if text.startswith('["') and text.endswith('"]') and "\\" not in text:
        values = text[2:-2].split('", "')
        if text.count('"') == 2 * len(values):
            return tuple(values)
    return tuple(json.loads(text))


_KINDS = {k.value: k for k in Kind}
_LIFECYCLES = {c.value: c for c in Lifecycle}


def row_to_asset(row: dict[str, Any]) -> Asset:
    """An Asset from its row in the assets table."""
    return Asset(
        id=row["id"],
        name=row["name"],
        kind=_KINDS.get(row["kind"]) or Kind(row["kind"]),
        owner=row["owner"] or "",
        lifecycle=_LIFECYCLES.get(row["lifecycle"]) or Lifecycle(row["lifecycle"]),
        urls=_list_of_json(row["urls"]),
        icp=row["icp"] or "",
        tags=_list_of_json(row["tags"]),
        notes=row["notes"] or "",
        interval_s=row["interval_s"],
        created_at=parse_ts(row["created_at"]),
        retiring_at=parse_ts(row["retiring_at"]),
        retired_at=parse_ts(row["retired_at"]),
        deleted_at=parse_ts(row.get("deleted_at")),
    )


def attestation(
    actor: str, at: str, note: str | None, evidence: str | None, sha256: str | None = ""
) -> Attestation:
    """An Attestation from the columns every attestation table shares."""
    return Attestation(
        actor,
        parse_ts(at) or datetime.min.replace(tzinfo=UTC),
        note or "",
        evidence or "",
        sha256 or "",
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
        "dns": _flat(outcome.dns),
        "http": [_entry_dict(e) for e in outcome.http],
        "paths": [_path_dict(p) for p in outcome.paths],
        "spider": _entry_dict(outcome.spider) if outcome.spider else None,
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


_FIELD_NAMES: dict[type, tuple[str, ...]] = {}


def _field_names(cls: type) -> tuple[str, ...]:
    names = _FIELD_NAMES.get(cls)
    if names is None:
        names = _FIELD_NAMES[cls] = tuple(f.name for f in fields(cls))
    return names


def _flat(obj: DnsAnswer | CertInfo) -> dict[str, Any]:
    """A flat dataclass (fields of scalars and tuples) as a dict: what `asdict` gives, without
    its deep copy (json.dumps writes the tuples as lists all the same)."""
    return {name: getattr(obj, name) for name in _field_names(type(obj))}


def _entry_dict(e: HttpEntry) -> dict[str, Any]:
    # By hand: dataclasses.asdict deep-copies every header tuple, the costliest part of a write.
    return {
        "url": e.url,
        "status": e.status,
        "error": e.error,
        "error_detail": e.error_detail,
        "hops": [{"url": h.url, "status": h.status} for h in e.hops],
        "final_url": e.final_url,
        "headers": [list(h) for h in e.headers],
        "elapsed_ms": e.elapsed_ms,
        "title": e.title,
        "body_sha256": e.body_sha256,
        "body": None,
        "address": e.address,
        "tls": _flat(e.tls) if e.tls is not None else None,
    }


def _path_dict(p: PathProbe) -> dict[str, Any]:
    return {
        "url": p.url,
        "status": p.status,
        "content_type": p.content_type,
        "headers": [list(h) for h in p.headers],
        "head": None,
    }


_VOLATILE = frozenset(
    {
        "date",
        "expires",
        "age",
        "last-modified",
        "etag",
        "content-length",
        "x-request-id",
        "x-trace-id",
        "cf-ray",
        "x-cache",
        "x-served-by",
        "via",
        "server-timing",
        "report-to",
        "nel",
    }
)
"""Headers that change from one response to the next without anything having changed."""
_DIGITS = re.compile(rb"\d+")


def _stable(body: bytes) -> str:
    # Counters, clocks and nonces in a page are digits: they do not make it another page.
    return hashlib.sha256(_DIGITS.sub(b"0", body)).hexdigest()[:16]


def _header_view(headers: Sequence[tuple[str, str]]) -> list[str]:
    out = []
    for name, value in headers:
        if name in _VOLATILE:
            continue
        if name == "set-cookie":  # the cookie's name and attributes matter, not its value
            first, _, attrs = value.partition(";")
            value = first.split("=", 1)[0] + ";" + attrs.lower()
        out.append(f"{name}:{value}")
    return sorted(out)


def _entry_view(e: HttpEntry | None) -> list[Any] | None:
    if e is None:
        return None
    cert = e.tls
    return [
        e.url,
        e.status,
        str(e.error or ""),
        [(h.url, h.status) for h in e.hops],
        e.final_url,
        e.title,
        _header_view(e.headers),
        _stable(e.body) if e.body else "",
        [cert.subject, cert.issuer, cert.not_after.isoformat(), cert.verified, cert.hostname_ok]
        if cert
        else None,
    ]


def outcome_digest(outcome: ProbeOutcome) -> str:
    """What an outcome says, without what changes at every probe (times, dates, counters).

    Two parts, `core:full`: the well-known paths, the scripts and the Baiduspider page are
    asked only by full sweeps, so a light probe (full part "-") is compared on its core alone.
    A probe that tells the same story as the last full row is kept as a compact row; only a
    change writes a full row (store.probes).
    """
    dns = outcome.dns
    core = [
        outcome.error,
        [str(dns.status), sorted(dns.addresses), list(dns.cname_chain), dns.cname_loop],
        [list(dns.ns), dns.soa],
        [_entry_view(e) for e in outcome.http],
        list(outcome.open_ports) if outcome.open_ports is not None else None,
        list(outcome.zone_transfer.names) if outcome.zone_transfer else None,
        sorted(outcome.skipped - LIGHT_SKIPS),
    ]
    full = "-"
    if not light(outcome):
        seen = [
            [(p.url, p.status, p.content_type, _stable(p.head)) for p in outcome.paths],
            _entry_view(outcome.spider),
            [(s.url, s.status, s.body_sha256) for s in outcome.scripts],
            sorted(outcome.skipped & LIGHT_SKIPS),
            _registration_view(outcome.registration),
        ]
        full = _hash(seen)
    return f"{_hash(core)}:{full}"


def _registration_view(reg: Registration | None) -> object:
    if reg is None:
        return None
    view = registration_to_dict(reg)
    view.pop("checked_at", None)
    return view


def light(outcome: ProbeOutcome) -> bool:
    """Whether the outcome is a light sweep's (it asked none of what only full sweeps ask)."""
    return outcome.skipped >= LIGHT_SKIPS and not outcome.paths and outcome.spider is None


def same_story(new: str, old: str | None) -> bool:
    """Whether a probe's digest tells nothing the last full row's did not."""
    if old is None or ":" not in old:
        return False
    core, full = new.split(":", 1)
    old_core, old_full = old.split(":", 1)
    return core == old_core and (full == "-" or full == old_full)


def _hash(view: object) -> str:
    text = json.dumps(view, default=str, ensure_ascii=False)
    return hashlib.sha256(text.encode()).hexdigest()[:16]  # 64 bits: one asset's changes


ZDICT_PATH = Path(__file__).resolve().parent.parent / "data" / "outcome-1.zdict"
"""zlib's preset dictionary for stored outcomes (bench/zdict.py). Never change a shipped one:
the rows written with it name it by its Adler-32 and need it to be read."""
_ZDICT = ZDICT_PATH.read_bytes()
_ZDICTS = {zlib.adler32(_ZDICT): _ZDICT}


def pack(text: str) -> bytes:
    """A stored outcome, compressed with the preset dictionary (a fifteenth of its JSON)."""
    packer = zlib.compressobj(6, zdict=_ZDICT)
    return packer.compress(text.encode()) + packer.flush()


def unpack(data: str | bytes) -> str:
    """The JSON of a stored outcome: with a dictionary, compressed alone, or (old rows) plain."""
    if isinstance(data, str):
        return data
    if len(data) > 6 and data[1] & 0x20:  # FDICT: the dictionary's Adler-32 follows
        unpacker = zlib.decompressobj(zdict=_ZDICTS[int.from_bytes(data[2:6], "big")])
        return (unpacker.decompress(data) + unpacker.flush()).decode()
    return zlib.decompress(data).decode()


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
    asset: Asset, text: str | bytes, bodies: dict[str, bytes] | None = None
) -> ProbeOutcome:
    """Rebuild a stored outcome; `bodies` maps sha256 to page bodies when they are needed."""
    return outcome_from_data(asset, json.loads(unpack(text)), bodies)


def body_shas(data: dict[str, Any]) -> list[str]:
    """The page bodies a stored outcome's JSON (decoded) names: its responses' and the
    Baiduspider page's, in order, without the empty ones."""
    entries = [*data["http"], data.get("spider") or {}]
    return [sha for e in entries if (sha := e.get("body_sha256"))]


def legacy_digest(outcome: ProbeOutcome, missing: Sequence[str]) -> str:
    """`outcome_digest` of an outcome whose page bodies named `missing` are no longer stored
    (an old row's): those pages count by their exact hash, so a change is never lost."""
    digest = outcome_digest(outcome)
    if not missing:
        return digest
    core, full = digest.split(":", 1)
    return f"{_hash([core, sorted(missing)])}:{full}"


def outcome_from_data(
    asset: Asset, data: dict[str, Any], bodies: dict[str, bytes] | None = None
) -> ProbeOutcome:
    """`outcome_from_json` of JSON already decoded."""
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
