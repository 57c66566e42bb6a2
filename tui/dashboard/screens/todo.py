"""Fix first: every unresolved finding across assets, worst and most overdue first
(`checks.service.workday.todo`), filterable by owner; enter opens the asset's checklist.

From the organisations screen it shows another organisation's queue, read-only."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from typing import Any

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.events import Resize
from textual.reactive import reactive
from textual.widgets import DataTable, Static

from checks.model import TodoItem
from checks.service import workday
from checks.store import Store
from checks.text import inert
from tui.dashboard.screens.base import DashboardScreen
from tui.dashboard.widgets.asset_table import CELL_PADDING, ROW_KEYS, SCROLLBAR
from tui.dashboard.widgets.key_bar import KeyBar
from tui.dashboard.widgets.risk import risk_cell
from tui.i18n import tr

NOBODY = "-"
"""The owner filter that finds the findings of assets nobody owns (as `todo --owner -`)."""


@dataclass(frozen=True, slots=True)
class TodoColumn:
    """A column of the queue: key, width at 80 columns, cells it may take on a wider terminal."""

    key: str
    width: int
    grow: int = 0


TODO_COLUMNS = (
    TodoColumn("risk", 6),
    TodoColumn("asset", 16, 24),
    TodoColumn("problem", 18, 40),
    TodoColumn("owner", 6, 12),
    TodoColumn("age", 4),
    TodoColumn("due", 6),
)


def todo_columns(width: int) -> list[TodoColumn]:
    """The columns widened to `width`: the finding first, then the asset, then the owner."""
    spare = width - SCROLLBAR - sum(c.width + CELL_PADDING for c in TODO_COLUMNS)
    out = []
    for column in sorted(TODO_COLUMNS, key=lambda c: -c.grow):  # the widest growth first
        extra = max(0, min(column.grow, spare))
        spare -= extra
        out.append(replace(column, width=column.width + extra))
    order = [c.key for c in TODO_COLUMNS]
    return sorted(out, key=lambda c: order.index(c.key))


def age_text(age: timedelta, lang: str) -> str:
    """`3d`, `5h`, `10m` (`3天`, `5小时`, `10分`)."""
    if age.days:
        return tr(lang, "age.d", n=age.days)
    hours = age.seconds // 3600
    if hours:
        return tr(lang, "age.h", n=hours)
    return tr(lang, "age.m", n=age.seconds // 60)


def problem_text(item: TodoItem, lang: str) -> Text:
    """Which file, port or name first (what tells three findings of one check apart), then the
    finding's title."""
    text = Text()
    if item.subject:
        text.append(inert(item.subject), style="bold")
        text.append(" ")
    text.append(item.record.finding.title.text(lang))
    return text


def due_text(item: TodoItem) -> Text:
    """The due day; an overdue one is marked `!` and in reverse (not by colour alone), and the
    title counts them in words."""
    if item.due_at is None:
        return Text("—", style="dim")
    day = f"{item.due_at.astimezone():%m-%d}"
    if item.overdue:
        return Text(f"!{day}", style="bold reverse")
    return Text(f" {day}")


class TodoTable(DataTable[Any]):
    """The queue's table (Home and End go to the first and the last row)."""

    BINDINGS = ROW_KEYS


class TodoScreen(DashboardScreen):
    """The fix-first queue; the app calls `data_changed()` when the store has news."""

    BINDINGS = [
        Binding("escape", "back_or_clear", "Back", id="back"),
        Binding("enter", "open", "Checklist", id="todo-open"),
        Binding("o", "cycle_owner", "Owner", id="todo-owner"),
        Binding("question_mark", "help", "Help", id="help", key_display="?"),
        Binding("q", "quit", "Quit", id="quit"),
    ]
    """Keys of the fix-first screen."""

    AUTO_FOCUS = "#todo"

    owner: reactive[str | None] = reactive(None, init=False)
    """The owner shown (None: everybody; NOBODY: the findings of assets nobody owns)."""

    def __init__(
        self,
        lang: str,
        clock: Callable[[], datetime],
        opener: Callable[[int, int | None], None] | None,
        org: Store | None = None,
    ) -> None:
        """Args:
        opener: opens an asset's checklist: (asset id, finding id to highlight); None:
            the queue is read-only (enter does nothing).
        org: another organisation's store, shown read-only and closed with the screen
            (None: the dashboard's own).
        """
        super().__init__(lang)
        self.clock = clock
        self.opener = opener
        self.org = org
        self.items: list[TodoItem] = []
        self._columns: list[TodoColumn] = []

    def compose(self) -> ComposeResult:
        yield Static(id="todo-title")
        yield TodoTable(id="todo", cursor_type="row", zebra_stripes=True)
        yield KeyBar()

    @property
    def store(self) -> Store:
        """The organisation whose queue this is."""
        return self.org or self.dash.store

    def on_unmount(self) -> None:
        if self.org is not None:
            self.org.close()

    @property
    def table(self) -> TodoTable:
        """The queue."""
        return self.query_one("#todo", TodoTable)

    def on_mount(self) -> None:
        self._set_columns(self.app.size.width)
        self.reload()

    def on_resize(self, event: Resize) -> None:
        if self._set_columns(event.size.width):
            self.reload()

    def _set_columns(self, width: int) -> bool:
        wanted = todo_columns(width)
        if wanted == self._columns:
            return False
        self._columns = wanted
        self.table.clear(columns=True)
        for column in wanted:
            self.table.add_column(
                tr(self.lang, f"col.{column.key}"), key=column.key, width=column.width
            )
        return True

    def owners(self) -> list[str]:
        """Every owner in the queue, then NOBODY if some asset has none."""
        everyone = workday.todo(self.store, now=self.clock())
        named = sorted({i.owner for i in everyone if i.owner.strip()})
        return [*named, *([NOBODY] if any(not i.owner.strip() for i in everyone) else [])]

    def reload(self) -> None:
        """Read the queue again, keeping the cursor on its finding."""
        keep = self.selected_item()
        self.items = workday.todo(self.store, owner=self.owner, now=self.clock())
        table, t = self.table, self.lang
        with self.app.batch_update():
            table.clear()
            for item in self.items:
                cells = {
                    "risk": risk_cell(self.app, item.record.finding.severity, True, t),
                    "asset": Text(inert(item.asset.display)),
                    "problem": problem_text(item, t),
                    "owner": Text(inert(item.owner) or "—", style="" if item.owner else "dim"),
                    "age": Text(age_text(item.age, t), justify="right"),
                    "due": due_text(item),
                }
                for cell in cells.values():
                    cell.no_wrap, cell.overflow = True, "ellipsis"
                table.add_row(*(cells[c.key] for c in self._columns), key=str(item.record.id))
            if keep is not None and keep.record.id in {i.record.id for i in self.items}:
                table.move_cursor(row=table.get_row_index(str(keep.record.id)), animate=False)
        title = Text(tr(t, "todo.title", n=len(self.items)), style="bold")
        if self.org is not None:
            title = Text.assemble((inert(self.org.org), "bold reverse"), " ", title)
            title.append("   " + tr(t, "todo.read_only"), style="italic")
        if self.owner is not None:
            who = tr(t, "todo.nobody") if self.owner == NOBODY else inert(self.owner)
            title.append("   " + tr(t, "todo.owner", owner=who), style="italic")
        overdue = sum(i.overdue for i in self.items)
        if overdue:
            title.append("   ")
            title.append(f" {tr(t, 'todo.overdue', n=overdue)} ", style="bold reverse")
        if not self.items:
            title.append("   " + tr(t, "todo.none"))
        self.query_one("#todo-title", Static).update(title)
        self.refresh_keys()

    def data_changed(self, changed: set[int]) -> None:
        """Findings changed in the dashboard's organisation: read its queue again (another
        organisation's queue is what it was when opened)."""
        if self.org is None:
            self.reload()

    def selected_item(self) -> TodoItem | None:
        """The finding under the cursor."""
        if not self.items or not self.is_mounted or not self.table.row_count:
            return None
        key = self.table.coordinate_to_cell_key(self.table.cursor_coordinate).row_key.value
        return next((i for i in self.items if str(i.record.id) == key), None)

    def watch_owner(self) -> None:
        self.reload()

    # -- keys --------------------------------------------------------------------------------

    def available(self, action: str) -> bool:
        """Another organisation's queue is read-only: enter opens nothing."""
        return self.opener is not None if action == "open" else True

    def applies(self, action: str) -> bool:
        """Enter needs a finding under the cursor."""
        return bool(self.items) if action == "open" else True

    def action_open(self) -> None:
        """Open the checklist of the asset of the finding under the cursor."""
        item = self.selected_item()
        if item is not None and item.asset.id is not None and self.opener is not None:
            self.opener(item.asset.id, item.record.id)

    @on(DataTable.RowSelected, "#todo")
    def _row_selected(self) -> None:
        self.action_open()

    def action_cycle_owner(self) -> None:
        """Show the next owner's findings (after the last, everybody's again)."""
        choices: list[str | None] = [None, *self.owners()]
        at = choices.index(self.owner) if self.owner in choices else 0
        self.owner = choices[(at + 1) % len(choices)]

    def action_back_or_clear(self) -> None:
        """esc: clear the owner filter if one is applied, else back to the grid."""
        if self.owner is not None:
            self.owner = None
        else:
            self.action_back()
