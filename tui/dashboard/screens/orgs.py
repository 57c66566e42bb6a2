"""Organisations: the roll-up of every organisation of the install, read-only
(`checks.service.orgs.rollup`, what `assetwatch orgs rollup` prints); enter shows one's
fix-first queue.

It is also the whole dashboard of `assetwatch --org all`: every organisation, nothing swept,
nothing changed."""

from __future__ import annotations

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.widgets import DataTable, Static

from checks.model import Severity
from checks.service.orgs import OrgState, rollup
from checks.text import inert
from tui.dashboard.screens.base import DashboardScreen
from tui.dashboard.screens.todo import TodoScreen
from tui.dashboard.widgets.key_bar import KeyBar
from tui.i18n import tr

COLUMNS = ("org", "assets", "critical", "high", "medium", "low", "checklist", "last_sweep")


def org_row(state: OrgState, lang: str, current: str) -> list[Text]:
    """One organisation's cells: name (and title), assets in service of all, open findings by
    severity (the worst in bold), the organisation checklist's items done, the last sweep."""
    name = inert(state.name + (f" {state.title}" if state.title else ""))
    mark = "▸ " if state.name == current else "  "
    total = sum(state.assets.values())
    cells = [Text(mark + name, style="bold" if state.name == current else "")]
    cells.append(Text(f"{state.assets.get('active', 0)}/{total}", justify="right"))
    for severity in (Severity.CRITICAL, Severity.HIGH, Severity.MEDIUM, Severity.LOW):
        n = state.open_findings.get(str(severity), 0)
        bold = n and severity in (Severity.CRITICAL, Severity.HIGH)
        cells.append(Text(str(n), justify="right", style="bold reverse" if bold else ""))
    done, total = state.checklist
    cells.append(Text(f"{done}/{total}", justify="right", style="" if done == total else "bold"))
    when = state.last_sweep.astimezone().strftime("%m-%d %H:%M") if state.last_sweep else "-"
    cells.append(Text(when if state.last_sweep else tr(lang, "orgs.never")))
    return cells


class OrgsScreen(DashboardScreen):
    """Each organisation's state, one row each; the one this dashboard works on is marked."""

    BINDINGS = [
        Binding("escape", "back", "Back", id="back"),
        Binding("enter", "open_org", "Queue", id="orgs-open"),
        Binding("r", "refresh_orgs", "Refresh", id="refresh-orgs"),
        Binding("question_mark", "help", "Help", id="help", key_display="?"),
        Binding("q", "quit", "Quit", id="quit"),
    ]
    """Keys of the organisations screen."""

    AUTO_FOCUS = "#orgs"

    def __init__(self, lang: str, *, everyone: bool = False) -> None:
        """Args:
        everyone: the dashboard of `--org all`: this is its first screen (esc goes nowhere),
            and it works on no organisation in particular.
        """
        super().__init__(lang)
        self.everyone = everyone

    def compose(self) -> ComposeResult:
        yield Static(Text(tr(self.lang, "orgs.title"), style="bold"), id="asset-title")
        hint = "orgs.hint_all" if self.everyone else "orgs.hint"
        yield Static(Text(tr(self.lang, hint)), id="orgs-hint")
        yield DataTable(id="orgs", cursor_type="row", zebra_stripes=False)
        yield KeyBar()

    def on_mount(self) -> None:
        table = self.query_one(DataTable)
        for key in COLUMNS:
            table.add_column(tr(self.lang, f"orgs.col.{key}"), key=key)
        self.show()

    def show(self) -> None:
        """Read the roll-up again and redraw it, the cursor staying on its organisation.

        Only when opened and on `r`: reading every organisation is not done on each change
        the dashboard's own sweep makes (the cursor would jump under the user's hands).
        """
        table = self.query_one(DataTable)
        keep = (
            table.coordinate_to_cell_key(table.cursor_coordinate).row_key.value
            if table.row_count
            else None
        )
        table.clear()
        current = "" if self.everyone else self.dash.store.org
        for state in rollup(self.dash.store):
            table.add_row(*org_row(state, self.lang, current), key=state.name)
        if keep is not None and keep in {str(k.value) for k in table.rows}:
            table.move_cursor(row=table.get_row_index(keep), animate=False)

    def available(self, action: str) -> bool:
        """The dashboard of `--org all` opens here: there is nothing to go back to."""
        return not self.everyone if action == "back" else True

    @on(DataTable.RowSelected, "#orgs")
    def _row_selected(self) -> None:
        self.action_open_org()

    def action_open_org(self) -> None:
        """The fix-first queue of the organisation under the cursor: this dashboard's own
        (enter opens an asset's checklist), or another's, read-only."""
        table = self.query_one(DataTable)
        if not table.row_count:
            return
        name = table.coordinate_to_cell_key(table.cursor_coordinate).row_key.value
        dash = self.dash
        if not self.everyone and name == dash.store.org:
            screen = TodoScreen(self.lang, dash.clock, dash.grid.open_checklist)
        else:
            screen = TodoScreen(self.lang, dash.clock, None, dash.store.reopen(org=name))
        self.app.push_screen(screen)

    def action_refresh_orgs(self) -> None:
        """Read every organisation's state again (another one's sweeps are not watched)."""
        self.show()
