"""How a row's probe results read in a cell: presentation, kept out of the core's read models."""

from __future__ import annotations

from datetime import datetime

from checks.model import Attestation, DnsStatus
from checks.store.views import AssetRow
from checks.text import inert


def dns_text(row: AssetRow) -> str:
    """`A×3`, `NXDOMAIN`, `CNAME→target`, or `—` before the first probe."""
    if row.dns_status is None:
        return "—"
    if row.cname:
        return "CNAME→" + row.cname.split(" → ")[-1]
    if row.dns_status == DnsStatus.ANSWER:
        return f"A×{row.addresses}"
    return row.dns_status.upper()


def http_text(row: AssetRow) -> str:
    """The status code, the error, or `—` when there is nothing to fetch or no probe yet."""
    if row.http_status is not None:
        return str(row.http_status)
    return row.http_error or "—"


def tls_days(row: AssetRow, now: datetime) -> int | None:
    """Days until the certificate expires (negative once expired); None without one."""
    if row.tls_not_after is None:
        return None
    return (row.tls_not_after - now).days


def progress_bar(done: int, total: int, width: int = 10) -> str:
    """▰▰▰▱▱ style bar."""
    filled = round(width * done / total) if total else width
    return "▰" * filled + "▱" * (width - filled)


def attested_by(attestation: Attestation) -> str:
    """`actor 2026-11-29 — note`, made inert (people type these, and paste from anywhere)."""
    note = f" — {attestation.note}" if attestation.note else ""
    return inert(f"{attestation.actor} {attestation.at:%Y-%m-%d}{note}")
