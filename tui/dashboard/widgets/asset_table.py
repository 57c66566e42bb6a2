"""The live grid: one row per asset, updated in place as probe results arrive."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from datetime import datetime
from typing import Any

import humanize
from rich.text import Text
from textual.binding import Binding, BindingType
from textual.widgets import DataTable

from checks.rules.web import EXPIRING_DAYS
from checks.store.views import AssetRow
from checks.text import inert
from tui.dashboard.widgets.cells import dns_text, http_text, tls_days
from tui.dashboard.widgets.risk import risk_cell
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
"""DataTable pads each cell with one space on either side."""
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
"""Home and End go to the first and the last row of a table (DataTable's own scroll sideways)."""


class NameCell(Text):
    """The name cell; carries the asset id so that sorting can find the row's data."""

    asset_id: int = 0


SortKey = Callable[[AssetRow], Any]


class AssetTable(DataTable[Any]):
    """The asset grid. Its screen hands it rows; it never reads the store itself."""

    DEFAULT_CSS = """
    AssetTable { height: 1fr; }
    """

    BINDINGS = ROW_KEYS

    def __init__(self, lang: str, clock: Callable[[], datetime], **kwargs: Any) -> None:
        super().__init__(cursor_type="row", zebra_stripes=True, **kwargs)
        self.lang = lang
        self.clock = clock
        self.shown_columns: list[Column] = []
        self._rows: dict[int, AssetRow] = {}
        self._cells: dict[int, dict[str, str]] = {}

    def set_columns(self, width: int) -> bool:
        """Pick the columns for `width`; rebuilds the table when the set changes."""
        wanted = columns_for(width)
        if wanted == self.shown_columns:
            return False
        self.shown_columns = wanted
        self.clear(columns=True)
        for column in wanted:
            self.add_column(tr(self.lang, f"col.{column.key}"), key=column.key, width=column.width)
        self._cells.clear()
        return True

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
            cell = NameCell(inert(row.asset.display))
            cell.asset_id = row.id
            return cell
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
        """Replace the table's content with `rows`, sorted, keeping the cursor on its asset."""
        selected = self.selected_id
        with self.app.batch_update():
            self.clear()
            self._rows = {r.id: r for r in rows}
            self._cells.clear()
            for row in sorted(rows, key=sort_key):
                self._add(row)
            if selected in self._rows:
                self.move_cursor(row=self.get_row_index(str(selected)), animate=False)

    def _add(self, row: AssetRow) -> None:
        cells = {c.key: self._cell(row, c.key) for c in self.shown_columns}
        self._cells[row.id] = {k: _signature(v) for k, v in cells.items()}
        self.add_row(*cells.values(), key=str(row.id))

    def update_rows(self, rows: Sequence[AssetRow], keep: Callable[[AssetRow], bool]) -> None:
        """Update changed cells in place; add new rows; drop rows `keep` rejects. No re-sort."""
        with self.app.batch_update():
            for row in rows:
                self._rows[row.id] = row
                present = row.id in self._cells
                if not keep(row):
                    if present:
                        self.remove_row(str(row.id))
                        del self._cells[row.id]
                    continue
                if not present:
                    self._add(row)
                    continue
                old = self._cells[row.id]
                for column in self.shown_columns:
                    cell = self._cell(row, column.key)
                    sig = _signature(cell)
                    if old.get(column.key) != sig:
                        old[column.key] = sig
                        self.update_cell(str(row.id), column.key, cell)

    def remove_ids(self, ids: set[int]) -> None:
        """Drop the rows of these assets (deleted from the inventory)."""
        for asset_id in ids:
            self._rows.pop(asset_id, None)
            if self._cells.pop(asset_id, None) is not None:
                self.remove_row(str(asset_id))

    def resort(self, sort_key: SortKey) -> None:
        """Re-sort in place; the cursor stays on the same asset at the same screen line."""
        selected = self.selected_id
        offset = self.cursor_row - int(self.scroll_y)
        self.sort("name", key=lambda cell: sort_key(self._rows[cell.asset_id]))
        if self.cursor_row == 0 and offset == 0:
            return  # a cursor at the top stays at the top, on the (new) worst asset
        if selected is not None and str(selected) in self.rows:
            index = self.get_row_index(str(selected))
            self.move_cursor(row=index, animate=False, scroll=False)
            self.scroll_to(y=max(0, index - offset), animate=False)

    @property
    def selected_id(self) -> int | None:
        """The asset id under the cursor, or None for an empty table."""
        if not self.row_count:
            return None
        key = self.coordinate_to_cell_key(self.cursor_coordinate).row_key.value
        return int(key) if key is not None else None


def _signature(text: Text) -> str:
    return f"{text.plain}\x00{text.style}"
