"""What every rule needs: a finding from the catalog, the pages of an outcome, the context."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from checks.knowledge.catalog import spec
from checks.model import Baseline, Filing, Finding, HttpEntry, ProbeOutcome
from checks.text import decode_body


@dataclass(frozen=True, slots=True)
class RuleContext:
    """Everything a rule may know besides the outcome itself."""

    now: datetime
    known_hosts: frozenset[str] = frozenset()
    """Hosts of every inventoried asset (for unknown-asset)."""
    baseline: Baseline | None = None
    """The asset's accepted home page (for content-changed and injected-script)."""
    filings: tuple[Filing, ...] = ()
    """The imported ICP filing list, every row (icp-number-missing compares with it)."""
    unlisted_filings: tuple[Filing, ...] = ()
    """Filed domains no asset covers, reported on this asset (icp-filed-not-inventoried)."""
    retired_filings: tuple[Filing, ...] = ()
    """Filings that cover this retired asset and no live one (icp-filed-but-retired)."""
    released_at: datetime | None = None
    """When the decommission step "domain released" was attested (released-domain-reused)."""
    waiting: tuple[tuple[str, str], ...] = ()
    """Discovered names under this asset still waiting in triage: (name, how it was found)."""
    quiet: frozenset[str] = frozenset()
    """Names not reported on this asset: marked not ours or ignored (found again, they stay
    quiet), or reported under the asset that found them first."""


Rule = Callable[[ProbeOutcome, RuleContext], list[Finding]]
"""The one signature of every rule: pure, no I/O."""


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


def pages(outcome: ProbeOutcome, *, below: int = 1000, with_body: bool = False) -> list[HttpEntry]:
    """Entries that ended in a response with a status under `below`, those on HTTPS first.

    The one definition of "the pages of an asset" that every rule uses.
    """
    found = [
        e
        for e in outcome.http
        if e.status is not None and e.status < below and (e.body or not with_body)
    ]
    return sorted(found, key=lambda e: not e.final_url.startswith("https://"))


def main_page(
    outcome: ProbeOutcome, *, below: int = 1000, with_body: bool = False
) -> HttpEntry | None:
    """The first of `pages`: the page the asset serves, HTTPS preferred."""
    found = pages(outcome, below=below, with_body=with_body)
    return found[0] if found else None


def page_text(entry: HttpEntry) -> str:
    """An entry's body as text."""
    return decode_body(entry.header("content-type"), entry.body)


def header_values(entry: HttpEntry, name: str) -> list[str]:
    """Every value of a header of the entry's final response (names are lower case)."""
    return [v for k, v in entry.headers if k == name]
