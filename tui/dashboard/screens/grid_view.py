"""How the grid orders and filters its rows: the sorts, the severity filter, the text filter."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from checks.model import Severity
from checks.store.views import AssetRow
from tui.dashboard.widgets.cells import dns_text, http_text
from tui.i18n import tr

SORTS = ("risk", "name", "owner", "checked", "time")
"""The sort keys `s` cycles through."""
SEVERITY_FILTERS = (None, Severity.CRITICAL, Severity.HIGH, Severity.MEDIUM, Severity.LOW)
"""What `f` cycles through: everything, then at least each severity."""

SortKey = Callable[[AssetRow], Any]


def _by_risk(r: AssetRow) -> Any:
    if r.risk is not None:
        rank: float = r.risk.rank
    else:
        rank = -0.5 if r.pending else (-1 if r.probed else -2)
    return (-rank, not r.retired_alive, r.asset.display)


_KEYS: dict[str, SortKey] = {
    "risk": _by_risk,
    "name": lambda r: r.asset.display,
    "owner": lambda r: (r.asset.owner == "", r.asset.owner, r.asset.display),
    # the stalest first: never probed, then the longest ago
    "checked": lambda r: (r.last_checked.timestamp() if r.last_checked else 0.0, r.asset.display),
    "time": lambda r: (r.response_ms is None, -(r.response_ms or 0), r.asset.display),
}


def sort_key(name: str) -> SortKey:
    """The key function of one of `SORTS`."""
    return _KEYS[name]


def shown(row: AssetRow, severity: Severity | None, text: str, lang: str) -> bool:
    """Whether the row passes the severity filter and every word of the text filter.

    The words match the name, owner, kind, status, DNS and HTTP cells, in either language.
    """
    if severity is not None and (row.risk is None or row.risk.rank < severity.rank):
        return False
    if not text:
        return True
    haystack = " ".join(
        (
            row.asset.display,
            row.asset.name,
            row.asset.owner,
            tr(lang, f"kind.{row.asset.kind}"),
            row.asset.kind,
            row.asset.lifecycle,
            tr(lang, f"life.{row.asset.lifecycle}"),
            dns_text(row),
            http_text(row),
        )
    ).lower()
    return all(word in haystack for word in text.lower().split())
