"""Remediation playbooks (checks/data/playbooks.json) and the state of their auto steps."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import cache
from typing import Any

from checks.models import ProbeOutcome
from checks.signals import load_data


@dataclass(frozen=True, slots=True)
class Step:
    """One thing to do: `auto` steps are verified from probe data, `manual` ones attested."""

    kind: str
    en: str
    zh: str
    law: str = ""
    verify: str = ""
    """For auto steps: evidence, check-clear, clear:<check>, no-dns, no-http or tls-ok."""

    def text(self, lang: str) -> str:
        """The step in "zh" or "en"."""
        return self.zh if lang == "zh" else self.en


@dataclass(frozen=True, slots=True)
class Playbook:
    """The steps from a finding to fixed, for one or more checks."""

    id: str
    checks: tuple[str, ...]
    title_en: str
    title_zh: str
    steps: tuple[Step, ...]

    def title(self, lang: str) -> str:
        """The title in "zh" or "en"."""
        return self.title_zh if lang == "zh" else self.title_en


def _playbook(raw: dict[str, Any]) -> Playbook:
    return Playbook(
        raw["id"],
        tuple(raw.get("checks", ())),
        raw["title"]["en"],
        raw["title"]["zh"],
        tuple(
            Step(s["kind"], s["en"], s["zh"], s.get("law", ""), s.get("verify", ""))
            for s in raw["steps"]
        ),
    )


@cache
def playbooks() -> tuple[Playbook, ...]:
    """Every playbook in the data file."""
    return tuple(_playbook(b) for b in load_data("playbooks.json")["playbooks"])


@cache
def decommission() -> Playbook:
    """The checklist that takes an asset from retiring to retired."""
    return _playbook(load_data("playbooks.json")["decommission"])


def playbook_for(check_id: str) -> Playbook | None:
    """The playbook that covers a check id."""
    return next((b for b in playbooks() if check_id in b.checks), None)


def auto_step_done(
    step: Step, check_id: str, firing: set[str], outcome: ProbeOutcome | None, now: datetime
) -> bool:
    """Whether an auto step holds on the latest data.

    Args:
        firing: check ids with an open finding on the asset.
        outcome: the asset's latest probe (None before the first).
    """
    verify = step.verify
    if verify == "evidence":
        return True
    if verify == "check-clear":
        return check_id not in firing
    if verify.startswith("clear:"):
        return verify.removeprefix("clear:") not in firing
    if outcome is None:
        return False
    if verify == "no-dns":
        return not outcome.dns.resolves
    if verify == "no-http":
        return not any(e.answered for e in outcome.http)
    if verify == "no-ports":
        return not outcome.open_ports
    if verify == "tls-ok":
        certs = [e.tls for e in outcome.http if e.tls is not None]
        return bool(certs) and all(
            c.verified and c.hostname_ok and c.not_after - now > timedelta(days=21) for c in certs
        )
    return False
