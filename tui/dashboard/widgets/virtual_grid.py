"""A table drawn line by line (Textual's line API): rows stay plain data, only visible lines render.

`DataTable` holds a renderable per cell, measures each one and re-sorts all rows to move one:
at 10,000 assets that cost seconds to fill and a tenth of a second per sort. This grid keeps
each row's data object and its place in a sorted list of `(sort key, row id)`; a line is drawn
when it comes on screen, and a row whose sort key changed is moved with two bisections.

Its look is `DataTable`'s (the same component styles, padding, zebra stripes and row cursor), so
the screens read the same.
"""

from __future__ import annotations

from bisect import bisect_left, insort
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from itertools import count
from typing import Any, ClassVar, Generic, TypeVar

from rich.console import ConsoleOptions
from rich.segment import Segment
from rich.style import Style
from rich.text import Text
from textual import events
from textual.binding import Binding, BindingType
from textual.geometry import Region, Size
from textual.message import Message
from textual.scroll_view import ScrollView
from textual.strip import Strip

R = TypeVar("R")

CELL_PADDING = 1
"""Cells on either side of every cell's text (as `DataTable`'s default)."""
HEADER_HEIGHT = 1
CACHE_LIMIT = 4096
"""Rendered lines and cells kept; past it the caches start again (a screen needs ~40 lines)."""


@dataclass(frozen=True, slots=True)
class GridColumn:
    """A column as the grid draws it."""

    key: str
    label: str
    width: int
    """Text cells, without the padding."""

    @property
    def render_width(self) -> int:
        """Cells on screen, padding included."""
        return self.width + 2 * CELL_PADDING


class VirtualGrid(ScrollView, Generic[R], can_focus=True):
    """Rows of `R` keyed by an int id, sorted by a key function, drawn only where visible.

    A subclass says how a row reads (`row_id`, `cells`). The parent hands rows down with
    `set_rows`, `upsert_rows`, `remove_rows` and `resort_rows`; the grid posts `RowHighlighted` and
    `RowSelected` up.
    """

    ALLOW_SELECT = False

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("enter", "select_cursor", "Select", id="select-row", show=False),
        Binding("up", "cursor_up", "Cursor up", id="row-up", show=False),
        Binding("down", "cursor_down", "Cursor down", id="row-down", show=False),
        Binding("pageup", "page_up", "Page up", id="page-up", show=False),
        Binding("pagedown", "page_down", "Page down", id="page-down", show=False),
        Binding("home,ctrl+home", "first", "First", id="first", show=False),
        Binding("end,ctrl+end", "last", "Last", id="last", show=False),
    ]
    """Row keys: the cursor is a whole row."""

    COMPONENT_CLASSES: ClassVar[set[str]] = {
        "virtual-grid--cursor",
        "virtual-grid--hover",
        "virtual-grid--header",
        "virtual-grid--odd-row",
        "virtual-grid--even-row",
    }
    """The cursor row, the row under the mouse, the header line and the zebra stripes."""

    DEFAULT_CSS = """
    VirtualGrid {
        background: $surface;
        color: $foreground;
        height: auto;
        max-height: 100%;
        &:focus {
            background-tint: $foreground 5%;
            & > .virtual-grid--cursor {
                background: $block-cursor-background;
                color: $block-cursor-foreground;
                text-style: $block-cursor-text-style;
            }
            & > .virtual-grid--header {
                background-tint: $foreground 5%;
            }
        }
        &:dark > .virtual-grid--even-row {
            background: $surface-darken-1 40%;
        }
        & > .virtual-grid--header {
            text-style: bold;
            background: $panel;
            color: $foreground;
        }
        &:ansi > .virtual-grid--header {
            background: ansi_bright_blue;
            color: ansi_default;
        }
        & > .virtual-grid--even-row {
            background: $surface-lighten-1 50%;
        }
        & > .virtual-grid--cursor {
            background: $block-cursor-blurred-background;
            color: $block-cursor-blurred-foreground;
            text-style: $block-cursor-blurred-text-style;
        }
        & > .virtual-grid--hover {
            background: $block-hover-background;
        }
    }
    """

    @dataclass
    class _RowMessage(Message):
        grid: VirtualGrid[Any]
        key: int
        """The row's id."""
        index: int

        @property
        def control(self) -> VirtualGrid[Any]:
            """The grid (for `@on(..., "#selector")`)."""
            return self.grid

    class RowHighlighted(_RowMessage):
        """The cursor moved to another row (or the table under it changed)."""

    class RowSelected(_RowMessage):
        """Enter, or a click on the cursor's row."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.columns: list[GridColumn] = []
        """The columns shown, left to right."""
        self._data: dict[int, R] = {}
        self._order: list[tuple[Any, int]] = []
        """(sort key when placed, id), sorted: the rows top to bottom."""
        self._placed: dict[int, Any] = {}
        """Each row's sort key where it stands now (it may have changed since: `_moved`)."""
        self._moved: set[int] = set()
        """Rows whose sort key changed since they were placed; `resort_rows` moves them."""
        self._sort_key: Callable[[R], Any] = lambda row: 0
        self._stamps: dict[int, int] = {}
        """A number per row that changes whenever its data does (cache keys)."""
        self._stamp = count()
        self._cursor = 0
        self._hover = -1
        self._show_hover = False
        self._lines: dict[tuple[Any, ...], Strip] = {}
        self._cells: dict[tuple[int, int], Sequence[Text]] = {}
        self._styles: tuple[Any, ...] | None = None
        self._pseudo: tuple[bool, ...] = ()
        self._options: ConsoleOptions | None = None

    # -- what a subclass says ---------------------------------------------------------------

    def row_id(self, row: R) -> int:
        """The row's id (unique in the grid)."""
        raise NotImplementedError

    def cells(self, row: R) -> Sequence[Text]:
        """The row's cells, one per column in `columns` order (never markup: Text only)."""
        raise NotImplementedError

    # -- data down ---------------------------------------------------------------------------

    @property
    def row_count(self) -> int:
        """Rows in the grid."""
        return len(self._order)

    @property
    def cursor_row(self) -> int:
        """The cursor's row index (0 in an empty grid)."""
        return self._cursor

    @property
    def ordered_ids(self) -> list[int]:
        """Row ids, top to bottom."""
        return [key for _, key in self._order]

    def row_at(self, index: int) -> R:
        """The data of the row at `index`."""
        return self._data[self._order[index][1]]

    def get_row(self, key: int) -> R:
        """The data of the row `key`."""
        return self._data[key]

    def __contains__(self, key: object) -> bool:
        return key in self._data

    def get_row_index(self, key: int) -> int:
        """Where row `key` stands, top first.

        Raises:
            KeyError: no such row.
        """
        entry = (self._placed[key], key)
        return bisect_left(self._order, entry)

    def set_grid_columns(self, columns: Sequence[GridColumn]) -> None:
        """Show these columns; every line is drawn again."""
        self.columns = list(columns)
        self._clear_caches()
        self._update_size()
        self.refresh()

    def set_rows(self, rows: Iterable[R], sort_key: Callable[[R], Any]) -> None:
        """Hold exactly `rows`, sorted by `sort_key`; the cursor stays on its row if it is kept."""
        selected = self.selected_key
        self._sort_key = sort_key
        self._data = {self.row_id(r): r for r in rows}
        self._placed = {k: sort_key(r) for k, r in self._data.items()}
        self._order = sorted((v, k) for k, v in self._placed.items())
        self._moved.clear()
        stamp = next(self._stamp)
        self._stamps = dict.fromkeys(self._data, stamp)
        self._clear_caches()
        self._update_size()
        self.scroll_to(0, 0, animate=False, force=True)
        index = self.get_row_index(selected) if selected in self._data else 0
        self._cursor = -1  # whatever was there, the highlight is news
        self.move_cursor(index)
        self.refresh()

    def upsert_rows(self, rows: Iterable[R]) -> None:
        """Update rows in place (a new sort key waits for `resort_rows`); insert new ones sorted.

        A row inserted above the cursor scrolls the view with it: the cursor's row stays put.
        """
        for row in rows:
            key = self.row_id(row)
            self._stamps[key] = next(self._stamp)
            if key in self._data:
                self._data[key] = row
                if self._sort_key(row) != self._placed[key]:
                    self._moved.add(key)
                else:
                    self._moved.discard(key)
                self._refresh_row(self.get_row_index(key))
                continue
            self._data[key] = row
            self._placed[key] = placed = self._sort_key(row)
            index = bisect_left(self._order, (placed, key))
            self._order.insert(index, (placed, key))
            self._shifted(index, +1)

    def remove_rows(self, keys: Iterable[int]) -> None:
        """Drop these rows (missing ones are ignored); the cursor stays on its row."""
        for key in keys:
            if key not in self._data:
                continue
            index = self.get_row_index(key)
            del self._order[index]
            del self._data[key], self._placed[key], self._stamps[key]
            self._moved.discard(key)
            self._shifted(index, -1)

    def resort_rows(self, sort_key: Callable[[R], Any]) -> None:
        """Put moved rows in their place (all rows, for another `sort_key`).

        The cursor stays on its row at the same screen line; a cursor on the top line stays
        on the top line (on whatever row is first now: the worst, when sorted worst first).
        """
        if sort_key is not self._sort_key:
            self._sort_key = sort_key
            self._moved = set(self._data)
        if not self._moved:
            return
        selected = self.selected_key
        offset = self._cursor - round(self.scroll_y)
        moved, self._moved = self._moved, set()
        if len(moved) * 8 > len(self._order):
            for key in moved:
                self._placed[key] = sort_key(self._data[key])
            self._order = sorted((v, k) for k, v in self._placed.items())
        else:
            for key in moved:
                del self._order[self.get_row_index(key)]
                self._placed[key] = placed = sort_key(self._data[key])
                insort(self._order, (placed, key))
        self._lines.clear()
        self.refresh()
        if self._cursor == 0 and offset == 0:
            self._highlighted()
            return
        if selected is not None:
            index = self.get_row_index(selected)
            self.move_cursor(index, scroll=False)
            self.scroll_to(y=max(0, index - offset), animate=False, force=True)

    # -- the cursor --------------------------------------------------------------------------

    @property
    def selected_key(self) -> int | None:
        """The id of the row under the cursor; None in an empty grid."""
        if not self._order:
            return None
        return self._order[self._cursor][1]

    def move_cursor(self, row: int, *, scroll: bool = True, animate: bool = False) -> None:
        """Put the cursor on row index `row` (clamped) and, unless `scroll` is False, in view."""
        row = max(0, min(row, len(self._order) - 1))
        old, self._cursor = self._cursor, row
        if old != row:
            self._refresh_row(old)
            self._refresh_row(row)
            self._highlighted()
        if scroll:
            self.scroll_to_cursor(animate=animate)

    def scroll_to_cursor(self, *, animate: bool = False) -> None:
        """Scroll just enough for the cursor's row to be seen below the header."""
        page = self._page()
        top = round(self.scroll_y)
        if self._cursor < top:
            self.scroll_to(y=self._cursor, animate=animate, force=True)
        elif self._cursor >= top + page:
            self.scroll_to(y=self._cursor - page + 1, animate=animate, force=True)

    def _page(self) -> int:
        return max(1, self.scrollable_content_region.height - HEADER_HEIGHT)

    def _highlighted(self) -> None:
        key = self.selected_key
        if key is not None:
            self.post_message(self.RowHighlighted(self, key, self._cursor))

    def _shifted(self, index: int, delta: int) -> None:
        """A row was inserted (+1) or removed (-1) at `index`: the cursor stays on its row, on
        its screen line; a cursor on the top line stays there (on a new first row)."""
        self._lines.clear()
        self._update_size()
        top = round(self.scroll_y)
        if delta > 0 and len(self._order) > 1:
            if self._cursor == 0 and top == 0:
                if index == 0:
                    self._highlighted()
            elif index <= self._cursor:
                self._cursor += 1
                self.scroll_to(y=top + 1, animate=False, force=True)
        elif delta < 0:
            if index < self._cursor:
                self._cursor -= 1
                self.scroll_to(y=max(0, top - 1), animate=False, force=True)
            elif index == self._cursor:
                self._cursor = max(0, min(self._cursor, len(self._order) - 1))
                self._highlighted()  # another row is under the cursor now
        self.refresh()

    def action_cursor_up(self) -> None:
        """One row up."""
        self._show_hover = False
        self.move_cursor(self._cursor - 1)

    def action_cursor_down(self) -> None:
        """One row down."""
        self._show_hover = False
        self.move_cursor(self._cursor + 1)

    def action_page_down(self) -> None:
        """A page down: the view and the cursor move together."""
        self._show_hover = False
        page = self._page()
        self.scroll_to(y=self.scroll_y + page, animate=False, force=True)
        self.move_cursor(self._cursor + page)

    def action_page_up(self) -> None:
        """A page up."""
        self._show_hover = False
        page = self._page()
        self.scroll_to(y=self.scroll_y - page, animate=False, force=True)
        self.move_cursor(self._cursor - page)

    def action_first(self) -> None:
        """The first row."""
        self._show_hover = False
        self.move_cursor(0)

    def action_last(self) -> None:
        """The last row."""
        self._show_hover = False
        self.move_cursor(len(self._order) - 1)

    def action_select_cursor(self) -> None:
        """Select the cursor's row."""
        key = self.selected_key
        if key is not None:
            self.post_message(self.RowSelected(self, key, self._cursor))

    # -- the mouse ---------------------------------------------------------------------------

    def _index_at(self, y: int) -> int | None:
        index = y - HEADER_HEIGHT + round(self.scroll_y)
        return index if y >= HEADER_HEIGHT and 0 <= index < len(self._order) else None

    async def _on_click(self, event: events.Click) -> None:
        index = self._index_at(event.y)
        if index is None:
            return
        event.stop()
        if index == self._cursor:
            self.action_select_cursor()
        else:
            self.move_cursor(index)

    def _on_mouse_move(self, event: events.MouseMove) -> None:
        index = self._index_at(event.y)
        hover = -1 if index is None else index
        if hover != self._hover or not self._show_hover:
            self._refresh_row(self._hover)
            self._hover, self._show_hover = hover, True
            self._refresh_row(hover)

    def _on_leave(self, _: events.Leave) -> None:
        if self._show_hover:
            self._show_hover = False
            self._refresh_row(self._hover)

    # -- drawing -----------------------------------------------------------------------------

    def _update_size(self) -> None:
        width = sum(c.render_width for c in self.columns)
        self.virtual_size = Size(width, len(self._order) + HEADER_HEIGHT)

    def _refresh_row(self, index: int) -> None:
        """Redraw row `index` if it is on screen (the header line never scrolls)."""
        y = index + HEADER_HEIGHT - round(self.scroll_y)
        if 0 <= index < len(self._order) and HEADER_HEIGHT <= y < self.size.height:
            self.refresh(Region(0, y, self.size.width, 1))

    def _clear_caches(self) -> None:
        self._lines.clear()
        self._cells.clear()
        self._styles = None

    def notify_style_update(self) -> None:
        """A theme or CSS change: every line is drawn again."""
        super().notify_style_update()
        self._clear_caches()

    def render_lines(self, crop: Any) -> list[Strip]:
        """Lines on screen; the styles are read once for all of them."""
        pseudo = tuple(self.get_pseudo_class_state())
        if pseudo != self._pseudo or self._styles is None:
            self._pseudo = pseudo
            self._styles = self._read_styles()
        self._options = self.app.console_options.update(height=1, no_wrap=True)
        return super().render_lines(crop)

    def _read_styles(self) -> tuple[Style, Style, Style, Style, Style, Style]:
        def style(name: str) -> Style:
            return self.get_component_styles(name).rich_style

        return (
            self.rich_style,
            style("virtual-grid--header"),
            style("virtual-grid--even-row"),
            style("virtual-grid--odd-row"),
            self.get_component_rich_style("virtual-grid--cursor"),
            self.get_component_rich_style("virtual-grid--hover"),
        )

    def render_line(self, y: int) -> Strip:
        """Screen line `y`: the header, a row, or blank below the last row."""
        assert self._styles is not None
        base = self._styles[0]
        width = self.size.width
        scroll_x, scroll_y = self.scroll_offset
        if y < HEADER_HEIGHT:
            line = self._line(-1, width)
        else:
            index = y - HEADER_HEIGHT + scroll_y
            if index >= len(self._order):
                return Strip.blank(width, base)
            line = self._line(index, width)
        return line.crop(scroll_x, scroll_x + width).adjust_cell_length(width, base).simplify()

    def _line(self, index: int, width: int) -> Strip:
        """Row `index` (-1: the header) drawn whole, cached until its data or state changes."""
        key = -1 if index < 0 else self._order[index][1]
        cursor = index == self._cursor and index >= 0
        hover = self._show_hover and index == self._hover
        cache_key = (key, self._stamps.get(key, -1), index, cursor, hover, width, self._pseudo)
        line = self._lines.get(cache_key)
        if line is None:
            if len(self._lines) > CACHE_LIMIT:
                self._lines.clear()
            line = self._lines[cache_key] = self._draw(index, key, width, cursor, hover)
        return line

    def _draw(self, index: int, key: int, width: int, cursor: bool, hover: bool) -> Strip:
        assert self._styles is not None
        _, header, even, odd, cursor_style, hover_style = self._styles
        if index < 0:
            row_style = header
            cells: Sequence[Text] = [Text(c.label) for c in self.columns]
        else:
            row_style = odd if index % 2 else even
            cells = self._row_cells(key)
        component = Style()
        if hover:
            component += hover_style
        if cursor:
            component += cursor_style
        # The cursor's colour wins over a cell's own (a red badge stays readable on the cursor);
        # its background does not.
        post = Style.from_color(color=component.color) if component.color else None
        segments: list[Segment] = []
        for column_index, (column, cell) in enumerate(zip(self.columns, cells, strict=False)):
            meta = Style.from_meta({"row": index, "column": column_index})
            segments += self._draw_cell(
                cell, column.render_width, row_style + meta + component, post
            )
        used = sum(c.render_width for c in self.columns)
        extend = row_style + component + Style.from_meta({"row": index, "column": 0, "out": True})
        segments.append(Segment(" " * max(0, width - used), extend))
        return Strip(segments)

    def _draw_cell(self, cell: Text, width: int, pre: Style, post: Style | None) -> list[Segment]:
        """One cell, padded: its own styles over the row's, the cursor's colour over both."""
        assert self._options is not None
        options = self._options.update_width(width - 2 * CELL_PADDING)
        (line,) = self.app.console.render_lines(cell, options, pad=True)
        pad = Segment(" " * CELL_PADDING)
        return list(Segment.apply_style([pad, *line, pad], pre, post))

    def _row_cells(self, key: int) -> Sequence[Text]:
        cache_key = (key, self._stamps[key])
        cells = self._cells.get(cache_key)
        if cells is None:
            if len(self._cells) > CACHE_LIMIT:
                self._cells.clear()
            cells = self._cells[cache_key] = self.cells(self._data[key])
        return cells
