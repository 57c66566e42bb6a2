"""The live grid: one row per asset, updated in place as probe results arrive."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from datetime import datetime
from typing import Any

import humanize
from rich.text import Text
from textual.binding import Binding, BindingType

from checks.rules.web import EXPIRING_DAYS
from checks.store.views import AssetRow
from checks.text import inert
from tui.dashboard.widgets.cells import dns_text, http_text, tls_days
from tui.dashboard.widgets.risk import risk_cell
from tui.dashboard.widgets.virtual_grid import GridColumn, VirtualGrid
from tui.i18n import tr


@dataclass(frozen=True, slots=True)
class Column:
    """A grid column: key, width, and how readily it gives way on a narrow terminal."""

    key: str
    width: int
    priority: int
    """0 always stays; higher numbers are dropped first when space runs out."""
    grow: int = 0
    """Cells it may take beyond `width` on a wide terminal (the name first, then the rest)."""


COLUMNS = (
    Column("risk", 7, 0),
    Column("name", 24, 0, 24),
    Column("kind", 7, 4),
    Column("owner", 12, 1, 10),
    Column("lifecycle", 8, 0),
    Column("dns", 10, 0, 18),
    Column("http", 10, 0, 4),
    Column("tls", 5, 2),
    Column("time", 6, 5),
    Column("findings", 4, 0),
    Column("checked", 13, 3, 4),
)

CELL_PADDING = 2
"""Each cell is padded with one space on either side (the grid's and DataTable's)."""
SCROLLBAR = 2
"""The vertical scrollbar's cells, kept free so that it never covers a column."""


def columns_for(width: int) -> list[Column]:
    """The columns that fit `width` cells, dropping the highest priorities first; then the space
    left widens them, the name first, so that the name is the last text cut short."""
    chosen = list(COLUMNS)
    room = width - SCROLLBAR
    for priority in (5, 4, 3, 2, 1):
        if sum(c.width + CELL_PADDING for c in chosen) <= room:
            break
        chosen = [c for c in chosen if c.priority != priority]
    spare = room - sum(c.width + CELL_PADDING for c in chosen)
    widened = []
    for column in chosen:
        extra = max(0, min(column.grow, spare))
        spare -= extra
        widened.append(replace(column, width=column.width + extra))
    return widened


ROW_KEYS: list[BindingType] = [
    Binding("home", "scroll_top", "First", id="first", show=False),
    Binding("end", "scroll_bottom", "Last", id="last", show=False),
]
"""Home and End go to the first and the last row of a `DataTable` (its own scroll sideways)."""


SortKey = Callable[[AssetRow], Any]


class AssetTable(VirtualGrid[AssetRow]):
    """The asset grid. Its screen hands it rows; it never reads the store itself.

    Rows are drawn as they come on screen, so 100,000 assets cost their sort, not their cells.
    """

    DEFAULT_CSS = """
    AssetTable { height: 1fr; }
    """

    def __init__(self, lang: str, clock: Callable[[], datetime], **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.lang = lang
        self.clock = clock
        self.shown_columns: list[Column] = []

    def set_columns(self, width: int) -> bool:
        """Pick the columns for `width`; redraws the grid when the set changes."""
        wanted = columns_for(width)
        if wanted == self.shown_columns:
            return False
        self.shown_columns = wanted
        self.set_grid_columns(
            [GridColumn(c.key, tr(self.lang, f"col.{c.key}"), c.width) for c in wanted]
        )
        return True

    def row_id(self, row: AssetRow) -> int:
        """The asset's id."""
        return row.id

    def cells(self, row: AssetRow) -> list[Text]:
        """The row's cells in the shown columns' order."""
        return [self._cell(row, c.key) for c in self.shown_columns]

    def cell_text(self, asset_id: int, key: str) -> Text:
        """The cell of one asset in column `key`, as drawn."""
        return self._cell(self.get_row(asset_id), key)

    def _cell(self, row: AssetRow, key: str) -> Text:
        """One cell; text cut to fit the column ends with `…`."""
        cell = self._content(row, key)
        cell.no_wrap = True
        cell.overflow = "ellipsis"
        return cell

    def _content(self, row: AssetRow, key: str) -> Text:
        lang = self.lang
        if key == "risk":
            return risk_cell(self.app, row.risk, row.probed, lang, row.pending)
        if key == "name":
            return Text(inert(row.asset.display))
        if key == "kind":
            return Text(tr(lang, f"kind.{row.asset.kind}"))
        if key == "owner":
            return Text(inert(row.asset.owner) or "—", style="" if row.asset.owner else "dim")
        if key == "lifecycle":
            style = "bold reverse" if row.retired_alive else ""
            return Text(tr(lang, f"life.{row.asset.lifecycle}"), style=style)
        if key == "dns":
            return Text(inert(dns_text(row)))
        if key == "http":
            if row.http_status is None and row.http_error:
                return Text(tr(lang, f"http.{row.http_error}"), style="dim")
            return Text(http_text(row), style="" if row.http_status else "dim")
        if key == "tls":
            days = tls_days(row, self.clock())
            if days is None:
                return Text("—", style="dim")
            return Text(f"{days}d", style="bold" if days < EXPIRING_DAYS else "")
        if key == "time":
            return Text(
                "—" if row.response_ms is None else f"{row.response_ms:.0f}ms", justify="right"
            )
        if key == "findings":
            return Text(str(row.open_findings) if row.open_findings else "·", justify="right")
        if key == "checked":
            if row.last_checked is None:
                return Text("—", style="dim")
            return Text(humanize.naturaltime(row.last_checked, when=self.clock()))
        raise KeyError(key)

    def show_rows(self, rows: Sequence[AssetRow], sort_key: SortKey) -> None:
        """Replace the grid's content with `rows`, sorted, keeping the cursor on its asset."""
        self.set_rows(rows, sort_key)

    def update_rows(self, rows: Sequence[AssetRow], keep: Callable[[AssetRow], bool]) -> None:
        """Update changed rows in place; add new rows in order; drop rows `keep` rejects.

        A row whose sort key changed stays where it is until `resort`.
        """
        self.remove_rows(row.id for row in rows if not keep(row))
        self.upsert_rows(row for row in rows if keep(row))

    def remove_ids(self, ids: set[int]) -> None:
        """Drop the rows of these assets (deleted from the inventory)."""
        self.remove_rows(ids)

    def resort(self, sort_key: SortKey) -> None:
        """Move the rows whose sort key changed (all rows for another `sort_key`)."""
        self.resort_rows(sort_key)

    @property
    def selected_id(self) -> int | None:
        """The asset id under the cursor, or None for an empty grid."""
        return self.selected_key
