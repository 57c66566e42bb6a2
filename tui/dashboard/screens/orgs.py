"""Organisations: the roll-up of every organisation of the install, read-only
(`checks.service.orgs.rollup`, what `assetwatch orgs rollup` prints)."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.widgets import DataTable, Static

from checks.model import Severity
from checks.service.orgs import OrgState, rollup
from checks.text import inert
from tui.dashboard.screens.base import DashboardScreen
from tui.dashboard.widgets.key_bar import KeyBar
from tui.i18n import tr

COLUMNS = ("org", "assets", "critical", "high", "medium", "low", "last_sweep")


def org_row(state: OrgState, lang: str, current: str) -> list[Text]:
    """One organisation's cells: name (and title), assets in service of all, open findings by
    severity (the worst in bold), the last sweep."""
    name = inert(state.name + (f" {state.title}" if state.title else ""))
    mark = "▸ " if state.name == current else "  "
    total = sum(state.assets.values())
    cells = [Text(mark + name, style="bold" if state.name == current else "")]
    cells.append(Text(f"{state.assets.get('active', 0)}/{total}", justify="right"))
    for severity in (Severity.CRITICAL, Severity.HIGH, Severity.MEDIUM, Severity.LOW):
        n = state.open_findings.get(str(severity), 0)
        bold = n and severity in (Severity.CRITICAL, Severity.HIGH)
        cells.append(Text(str(n), justify="right", style="bold reverse" if bold else ""))
    when = state.last_sweep.astimezone().strftime("%m-%d %H:%M") if state.last_sweep else "-"
    cells.append(Text(when if state.last_sweep else tr(lang, "orgs.never")))
    return cells


class OrgsScreen(DashboardScreen):
    """Each organisation's state, one row each; the one this dashboard works on is marked."""

    BINDINGS = [
        Binding("escape", "back", "Back", id="back"),
        Binding("r", "refresh_orgs", "Refresh", id="refresh-orgs"),
        Binding("question_mark", "help", "Help", id="help", key_display="?"),
        Binding("q", "quit", "Quit", id="quit"),
    ]
    """Keys of the organisations screen."""

    AUTO_FOCUS = "#orgs"

    def compose(self) -> ComposeResult:
        yield Static(Text(tr(self.lang, "orgs.title"), style="bold"), id="asset-title")
        yield Static(Text(tr(self.lang, "orgs.hint")), id="orgs-hint")
        yield DataTable(id="orgs", cursor_type="row", zebra_stripes=False)
        yield KeyBar()

    def on_mount(self) -> None:
        table = self.query_one(DataTable)
        for key in COLUMNS:
            table.add_column(tr(self.lang, f"orgs.col.{key}"), key=key)
        self.show()

    def data_changed(self, changed: set[int]) -> None:
        """A sweep changed this organisation's findings."""
        self.show()

    def show(self) -> None:
        """Read the roll-up again and redraw it."""
        table = self.query_one(DataTable)
        table.clear()
        current = self.dash.store.org
        for state in rollup(self.dash.store):
            table.add_row(*org_row(state, self.lang, current), key=state.name)

    def action_refresh_orgs(self) -> None:
        """Read every organisation's state again (another one's sweeps are not watched)."""
        self.show()
