"""Remediation playbooks (checks/data/playbooks.json) and the law citations their steps carry.

Data only: whether a step holds is decided in `checks.workflow.checklists`.
"""

from __future__ import annotations

import enum
import re
from dataclasses import dataclass
from functools import cache
from typing import Any

from checks.knowledge import load_data
from checks.model import Bilingual, Lang


class StepKind(enum.StrEnum):
    """Auto steps are verified from probe data; manual ones are attested by a person."""

    AUTO = "auto"
    MANUAL = "manual"


class Verifier(enum.StrEnum):
    """How an auto step is verified (`CLEAR` takes the check id from the step)."""

    EVIDENCE = "evidence"
    """The probe itself preserved the evidence: holds as soon as the finding exists."""
    CHECK_CLEAR = "check-clear"
    """The finding's own check no longer fires."""
    CLEAR = "clear"
    """Another check (`Step.check`) no longer fires on the asset."""
    NO_DNS = "no-dns"
    NO_HTTP = "no-http"
    NO_PORTS = "no-ports"
    TLS_OK = "tls-ok"


@dataclass(frozen=True, slots=True)
class Step:
    """One thing to do."""

    kind: StepKind
    text: Bilingual
    law: str = ""
    """Short citations ("CSL 23(1); PIPL 47"), written out by `cite`."""
    verify: Verifier | None = None
    """For auto steps: how assetwatch verifies it."""
    check: str = ""
    """For `Verifier.CLEAR`: the check that must no longer fire."""
    share: str = ""
    """The same action in another playbook has this id too: on one asset it is done once
    (`checks.workflow.checklists.step_key`)."""


@dataclass(frozen=True, slots=True)
class Playbook:
    """The steps from a finding to fixed, for one or more checks."""

    id: str
    checks: tuple[str, ...]
    title: Bilingual
    steps: tuple[Step, ...]

    @property
    def manual(self) -> list[int]:
        """Indexes of the manual steps."""
        return [i for i, s in enumerate(self.steps) if s.kind == StepKind.MANUAL]


def _step(raw: dict[str, Any]) -> Step:
    verify, _, check = str(raw.get("verify", "")).partition(":")
    return Step(
        StepKind(raw["kind"]),
        Bilingual(raw["en"], raw["zh"]),
        raw.get("law", ""),
        Verifier(verify) if verify else None,
        check,
        raw.get("share", ""),
    )


def _playbook(raw: dict[str, Any]) -> Playbook:
    return Playbook(
        raw["id"],
        tuple(raw.get("checks", ())),
        Bilingual(raw["title"]["en"], raw["title"]["zh"]),
        tuple(_step(s) for s in raw["steps"]),
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


def manual_steps(check_id: str) -> list[int]:
    """Indexes of the manual steps in the check's playbook."""
    book = playbook_for(check_id)
    return book.manual if book else []


_CSL = re.compile(r"CSL (\d+)((?:\(\d+\))*)(?: \[old \d+\])?")


@cache
def _laws() -> dict[str, Any]:
    return dict(load_data("laws.json"))


def cite(text: str, lang: str) -> str:
    """Expand short citations ("CSL 23(1); PIPL 47") into current-with-old article names.

    checks/data/laws.json is the one table of article numbers.
    """
    table = _laws()

    def csl(match: re.Match[str]) -> str:
        article, clauses = match.group(1), match.group(2)
        old = table["csl"].get(article, {}).get("old")
        if lang == Lang.ZH:
            return f"网络安全法第{article}条{clauses}" + (f"（原第{old}条）" if old else "")
        return f"Cybersecurity Law Art. {article}{clauses}" + (f" (formerly {old})" if old else "")

    out = _CSL.sub(csl, text)
    for short, names in table["names"].items():
        if short != "CSL":
            out = re.sub(
                rf"\b{re.escape(short)}\b", Bilingual(names["en"], names["zh"]).text(lang), out
            )
    return out
