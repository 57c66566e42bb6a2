"""What every check module needs to raise a finding from the catalog."""

from __future__ import annotations

from checks.catalog import spec
from checks.models import Finding, ProbeOutcome


def finding(outcome: ProbeOutcome, check_id: str, evidence: str, subject: str = "") -> Finding:
    """A finding of `check_id` on the outcome's asset, titled and graded from the catalog."""
    s = spec(check_id)
    return Finding(
        asset=outcome.asset.name,
        check=check_id,
        severity=s.severity,
        title_en=s.title_en,
        title_zh=s.title_zh,
        evidence=evidence,
        subject=subject,
    )
