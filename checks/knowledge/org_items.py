"""The organisation checklist's items (checks/data/org_checklist.json): the seven demands."""

from __future__ import annotations

import enum
from dataclasses import dataclass
from functools import cache
from typing import Any

from checks.knowledge import load_data
from checks.model import Bilingual


class ItemMode(enum.StrEnum):
    """Auto items are computed, manual ones attested, semi ones need both."""

    AUTO = "auto"
    SEMI = "semi"
    MANUAL = "manual"


@dataclass(frozen=True, slots=True)
class OrgItem:
    """One item of the checklist."""

    id: str
    group: str
    text: Bilingual
    mode: ItemMode
    auto: dict[str, Any]
    """The rule that computes the item (see `checks.workflow.org`); empty for manual items."""
    law: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Demand:
    """One of the regulator's seven demands, grouping items."""

    id: str
    title: Bilingual


@cache
def demands() -> tuple[Demand, ...]:
    """The seven demands, in order."""
    return tuple(
        Demand(g["id"], Bilingual(g["en"], g["zh"]))
        for g in load_data("org_checklist.json")["groups"]
    )


@cache
def items() -> tuple[OrgItem, ...]:
    """Every item, in order."""
    return tuple(
        OrgItem(
            i["id"],
            i["group"],
            Bilingual(i["en"], i["zh"]),
            ItemMode(i["mode"]),
            i.get("auto", {}),
            tuple(i.get("law", [])),
        )
        for i in load_data("org_checklist.json")["items"]
    )
