"""The virtual grid on its own: cursor and paging, moving changed rows, size, CJK, markup."""

from __future__ import annotations

from dataclasses import dataclass

from rich.cells import cell_len
from rich.text import Text
from textual.app import App, ComposeResult

from checks.model import Asset, Kind
from checks.service import inventory
from tests.tui_support import cell, recorded_app
from tui.dashboard.widgets.virtual_grid import GridColumn, VirtualGrid


@dataclass(frozen=True)
class Item:
    id: int
    name: str
    rank: int


def by_rank(item: Item) -> tuple[int, str]:
    return (-item.rank, item.name)


class ItemGrid(VirtualGrid[Item]):
    def row_id(self, row: Item) -> int:
        return row.id

    def cells(self, row: Item) -> list[Text]:
        return [
            Text(row.name, no_wrap=True, overflow="ellipsis"),
            Text(str(row.rank), justify="right"),
        ]


class GridApp(App[None]):
    def __init__(self, items: list[Item]) -> None:
        super().__init__()
        self.items = items
        self.selected: list[int] = []
        self.highlighted: list[int] = []

    def compose(self) -> ComposeResult:
        yield ItemGrid(id="grid")

    def on_mount(self) -> None:
        grid = self.query_one(ItemGrid)
        grid.set_grid_columns([GridColumn("name", "Name", 12), GridColumn("rank", "Rank", 4)])
        grid.set_rows(self.items, by_rank)
        grid.focus()

    def on_virtual_grid_row_selected(self, message: VirtualGrid.RowSelected) -> None:
        self.selected.append(message.key)

    def on_virtual_grid_row_highlighted(self, message: VirtualGrid.RowHighlighted) -> None:
        self.highlighted.append(message.key)


def items(n: int) -> list[Item]:
    return [Item(i, f"item{i:05}", i % 7) for i in range(n)]


def screen_lines(grid: VirtualGrid[Item]) -> list[str]:
    return [grid.render_line(y).text for y in range(grid.size.height)]


async def test_cursor_keys_move_one_row_a_page_and_to_either_end():
    app = GridApp(items(100))
    async with app.run_test(size=(40, 12)) as pilot:
        grid = app.query_one(ItemGrid)
        page = grid.scrollable_content_region.height - 1  # below the header
        await pilot.press("down", "down")
        assert grid.cursor_row == 2
        await pilot.press("up")
        assert grid.cursor_row == 1
        await pilot.press("pagedown")
        assert grid.cursor_row == 1 + page
        await pilot.press("pageup")
        assert grid.cursor_row == 1
        await pilot.press("end")
        assert grid.cursor_row == 99 and grid.scroll_y == grid.max_scroll_y
        await pilot.press("down")
        assert grid.cursor_row == 99  # the last row is the last
        await pilot.press("home")
        assert grid.cursor_row == 0 and grid.scroll_y == 0
        await pilot.press("up")
        assert grid.cursor_row == 0
        await pilot.press("enter")
        await pilot.pause()
        assert app.selected == [grid.ordered_ids[0]]
        assert app.highlighted[-1] == grid.ordered_ids[0]


async def test_a_click_moves_the_cursor_and_a_second_click_selects():
    app = GridApp(items(20))
    async with app.run_test(size=(40, 12)) as pilot:
        grid = app.query_one(ItemGrid)
        await pilot.click(ItemGrid, offset=(2, 3))  # the header is line 0
        assert grid.cursor_row == 2 and app.selected == []
        await pilot.click(ItemGrid, offset=(2, 3))
        await pilot.pause()
        assert app.selected == [grid.ordered_ids[2]]


async def test_a_changed_row_waits_for_resort_then_only_it_moves_and_the_cursor_stays():
    app = GridApp(items(50))
    async with app.run_test(size=(40, 12)) as pilot:
        grid = app.query_one(ItemGrid)
        await pilot.press("down", "down", "down")
        under = grid.selected_key
        before = grid.ordered_ids
        last = before[-1]
        grid.upsert_rows([Item(last, grid.get_row(last).name, 99)])
        assert grid.ordered_ids == before  # rows never move on their own
        assert grid.get_row(last).rank == 99  # the data changed in place
        grid.resort_rows(by_rank)
        assert grid.ordered_ids == [last] + before[:-1]
        assert grid.selected_key == under and grid.cursor_row == 4
        assert grid.scroll_y == 1  # the cursor's row stayed on its line
        ranks = [by_rank(grid.row_at(i)) for i in range(grid.row_count)]
        assert ranks == sorted(ranks)


async def test_new_rows_go_in_order_and_removed_ones_keep_the_cursor_on_its_row():
    app = GridApp([Item(i, f"n{i}", i) for i in (10, 20, 30, 40)])
    async with app.run_test(size=(40, 12)) as pilot:
        grid = app.query_one(ItemGrid)
        await pilot.press("down", "down")
        assert grid.row_at(grid.cursor_row).id == 20
        grid.upsert_rows([Item(25, "n25", 25), Item(5, "n5", 5)])
        assert [grid.row_at(i).id for i in range(grid.row_count)] == [40, 30, 25, 20, 10, 5]
        assert grid.selected_key == 20
        grid.remove_rows([30, 99])
        assert grid.selected_key == 20 and grid.row_count == 5
        grid.remove_rows([20])
        assert grid.selected_key is not None and grid.row_count == 4


async def test_ten_thousand_rows_mount_draw_only_the_screen_and_scroll_to_the_end():
    app = GridApp(items(10_000))
    async with app.run_test(size=(40, 12)) as pilot:
        grid = app.query_one(ItemGrid)
        assert grid.row_count == 10_000
        assert grid.virtual_size.height == 10_001
        assert len(grid._cells) < 50  # cells are made for the lines on screen only
        await pilot.press("end")
        await pilot.pause()
        last = grid.row_at(9_999)
        assert grid.cursor_row == 9_999
        assert last.name in screen_lines(grid)[-1]
        await pilot.press("pageup")
        assert grid.cursor_row < 9_999


class CjkGrid(ItemGrid):
    def cells(self, row: Item) -> list[Text]:
        return [Text(row.name, no_wrap=True, overflow="ellipsis"), Text("|")]


async def test_chinese_names_are_aligned_by_display_width_and_cut_with_an_ellipsis():
    names = ["人事部网站", "oa.example", "物业管理系统登录入口很长的名字", "混合mixed名字"]

    class CjkApp(GridApp):
        def compose(self) -> ComposeResult:
            yield CjkGrid(id="grid")

    app = CjkApp([Item(i, name, 0) for i, name in enumerate(names)])
    async with app.run_test(size=(40, 8)):
        grid = app.query_one(CjkGrid)
        lines = screen_lines(grid)[1 : 1 + len(names)]
        bars = {cell_len(line[: line.index("|")]) for line in lines}
        assert bars == {1 + 12 + 1 + 1}  # padding, the name column, padding, then the next cell
        long = next(line for line in lines if "物业" in line)
        assert "…" in long


async def test_markup_in_a_cell_is_shown_literally(recorded_store, lab):
    owner = "[bold]运维[/bold] [/x]"
    inventory.save(recorded_store, Asset("zz-markup.test", Kind.WEBSITE, owner=owner), who="t")
    app = recorded_app(recorded_store, lab)
    async with app.run_test(size=(200, 40)) as pilot:  # room for the whole owner
        table = app.grid.table
        assert cell(app, "zz-markup.test", "owner") == owner
        await pilot.press("end")
        await pilot.pause()
        index = table.get_row_index(
            next(r.id for r in app.grid.rows.values() if r.asset.name == "zz-markup.test")
        )
        line = table.render_line(index + 1 - round(table.scroll_y)).text
        assert "[bold]运维[/bold]" in line
