"""Evidence files: what the latest probe captured of an asset, written with their hashes."""

from __future__ import annotations

import hashlib
import json
from dataclasses import asdict
from pathlib import Path

from checks.errors import UserError
from checks.model import Asset, FindingRecord, HttpEntry, ProbeOutcome
from checks.service.files import write_private
from checks.store import Store
from checks.store.codec import ts


def _entry_json(entry: HttpEntry) -> dict[str, object]:
    data = asdict(entry)
    data["body"] = None
    return data


def _json(data: object) -> bytes:
    return json.dumps(data, ensure_ascii=False, indent=1, default=str).encode()


def _files(outcome: ProbeOutcome, findings: list[FindingRecord], asset: Asset) -> dict[str, bytes]:
    """File name -> content of everything the evidence folder holds (SHA256SUMS aside)."""
    files: dict[str, bytes] = {}
    for index, entry in enumerate(outcome.http):
        if entry.body:
            files[f"page-{index + 1}-{entry.scheme}.html"] = entry.body
    if outcome.spider is not None and outcome.spider.body:
        files["page-baiduspider.html"] = outcome.spider.body
    responses = [_entry_json(e) for e in outcome.http]
    if outcome.spider is not None:
        responses.append({**_entry_json(outcome.spider), "fetched_as": "Baiduspider"})
    files["responses.json"] = _json(responses)
    files["dns.json"] = _json(asdict(outcome.dns))
    rows = [
        {
            "check": r.finding.check,
            "subject": r.finding.subject,
            "severity": str(r.finding.severity),
            "status": str(r.status),
            "evidence": r.finding.evidence,
            "first_seen": ts(r.first_seen),
            "last_seen": ts(r.last_seen),
        }
        for r in findings
    ]
    files["findings.json"] = _json(
        {"asset": asset.display, "probed_at": ts(outcome.finished_at), "findings": rows}
    )
    return files


def export(store: Store, asset: Asset, folder: Path, who: str | None = None) -> list[Path]:
    """Write the latest probe of `asset` into `folder`: the pages (as a browser and as
    Baiduspider got them), the responses and headers, the DNS answers, the findings,
    and SHA256SUMS over them all. Logged in the audit trail.

    Raises:
        UserError: the asset was never probed, or the folder cannot be written.
    """
    outcome = store.probes.latest(asset)
    if outcome is None:
        raise UserError(f"{asset.display} has not been probed yet", f"{asset.display} 尚未探测")
    files = _files(outcome, store.findings.query(asset_id=asset.id, active_only=False), asset)
    try:
        folder.mkdir(parents=True, exist_ok=True, mode=0o700)
    except OSError as exc:
        raise UserError(
            f"cannot write evidence to {folder}: {exc.strerror}",
            f"无法写入证据目录 {folder}：{exc.strerror}",
        ) from None
    written = []
    for name, data in files.items():
        write_private(folder / name, data)
        written.append(folder / name)
    sums = "".join(f"{hashlib.sha256(d).hexdigest()}  {n}\n" for n, d in files.items())
    write_private(folder / "SHA256SUMS", sums.encode("ascii"))
    store.audit.log(
        "evidence.export",
        asset.id,
        who,
        folder=str(folder),
        files={n: hashlib.sha256(d).hexdigest() for n, d in files.items()},
    )
    return [*written, folder / "SHA256SUMS"]
