"""The main screen: the grid of every asset, its filter and summary line, and the grid's keys.

The grid's keys are bound here, so they do nothing on any other screen.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable
from dataclasses import replace
from datetime import datetime, timedelta
from functools import partial

from textual import on, work
from textual.app import ComposeResult, SystemCommand
from textual.binding import Binding
from textual.events import Resize
from textual.message import Message
from textual.reactive import reactive
from textual.widgets import Input

from checks.errors import UserError
from checks.intake import ParsedFile
from checks.lab.controls import control_by_id
from checks.model import Asset, Lang, Settings
from checks.service import inventory
from checks.service.inventory import Imported
from checks.store.views import AssetRow
from checks.text import inert
from tui.dashboard.bindings import localize
from tui.dashboard.dialogs.asset_form import AssetForm
from tui.dashboard.dialogs.import_form import ImportForm
from tui.dashboard.dialogs.retire import Confirm
from tui.dashboard.dialogs.settings import SettingsForm, stored_text
from tui.dashboard.screens.asset import AssetScreen
from tui.dashboard.screens.base import AssetActions
from tui.dashboard.screens.channels import ChannelsScreen
from tui.dashboard.screens.discovered import DiscoveredScreen
from tui.dashboard.screens.grid_view import SEVERITY_FILTERS, SORTS, shown, sort_key
from tui.dashboard.screens.lab import LabScreen
from tui.dashboard.screens.org import OrgScreen
from tui.dashboard.screens.orgs import OrgsScreen
from tui.dashboard.screens.report import ReportScreen
from tui.dashboard.screens.todo import TodoScreen
from tui.dashboard.widgets.asset_table import AssetTable
from tui.dashboard.widgets.filter_box import FilterBox
from tui.dashboard.widgets.key_bar import KeyBar
from tui.dashboard.widgets.summary_bar import SummaryBar
from tui.i18n import tr

RESORT_IDLE_S = 1.0
"""Seconds without a key press before the grid re-sorts itself after a change."""


class GridScreen(AssetActions):
    """Every asset, worst first; the app tells it what changed (`data_changed`)."""

    BINDINGS = [
        Binding("enter", "open", "Open", id="open"),
        Binding("t", "todo", "Fix first", id="todo"),
        Binding("slash", "filter", "Filter", id="filter", key_display="/"),
        Binding("escape", "clear_filter", "Clear", id="clear-filter"),
        Binding("f", "cycle_severity", "Severity", id="severity"),
        Binding("s", "cycle_sort", "Sort", id="sort"),
        Binding("r", "reprobe", "Probe", id="reprobe"),
        Binding("a", "add", "Add", id="add"),
        Binding("e", "edit", "Edit", id="edit"),
        Binding("x", "retire", "Retire", id="retire"),
        Binding("g", "org", "Demands", id="org"),
        Binding("w", "report", "Report", id="report"),
        Binding("d", "discovered", "Discovered", id="discovered"),
        Binding("i", "import_file", "Import", id="import"),
        Binding("R", "sweep_all", "Sweep all", id="sweep"),
        Binding("p", "pause", "Pause", id="pause"),
        Binding("b", "accept_baseline", "Baseline", id="baseline"),
        Binding("o", "settings", "Settings", id="settings"),
        Binding("c", "channels", "Alerts", id="channels"),
        Binding("O", "orgs", "Orgs", id="orgs"),
        Binding("delete", "delete_asset", "Delete", id="delete"),
        Binding("L", "lab", "Lab", id="lab"),
        Binding("question_mark", "help", "Help", id="help", key_display="?"),
        Binding("q", "quit", "Quit", id="quit"),
    ]
    """The grid's keys; the footer shows those with show=True, `?` lists them all."""

    AUTO_FOCUS = "#grid"

    filter_text: reactive[str] = reactive("", init=False)
    """Text the grid is filtered by (name, owner, kind, status, DNS, HTTP)."""
    severity_filter: reactive[int] = reactive(0, init=False)
    """Index into SEVERITY_FILTERS: show assets whose risk is at least that severity."""
    sort_index: reactive[int] = reactive(0, init=False)
    """Index into SORTS."""

    class Loaded(Message):
        """The grid holds every asset's row: the schedule can start."""

    def __init__(self, lang: str, clock: Callable[[], datetime]) -> None:
        super().__init__(lang)
        self.clock = clock
        self.rows: dict[int, AssetRow] = {}
        """Every asset's row, shown or filtered out."""
        self.importing: int | None = None
        """Rows an import running in the background has written so far (None: no import)."""
        self._resort_due = False

    def compose(self) -> ComposeResult:
        yield SummaryBar(id="summary")
        yield FilterBox(id="filter", compact=True, placeholder="/")
        yield AssetTable(self.lang, self.clock, id="grid")
        yield KeyBar()

    @property
    def table(self) -> AssetTable:
        """The grid."""
        return self.query_one("#grid", AssetTable)

    def on_mount(self) -> None:
        self.table.set_columns(self.app.size.width)
        self.rows = {r.id: r for r in self.dash.store.views.asset_rows()}
        self.show_all()
        self.post_message(self.Loaded())

    def on_resize(self, event: Resize) -> None:
        if self.table.set_columns(event.size.width):
            self.show_all()

    def available(self, action: str) -> bool:
        """The lab's key exists only in the demo."""
        return self.dash.lab is not None if action == "lab" else True

    def applies(self, action: str) -> bool:
        """esc clears the filters only while one is applied."""
        return bool(self.filter_text or self.severity_filter) if action == "clear_filter" else True

    # -- what is shown -----------------------------------------------------------------------

    def _visible(self, row: AssetRow) -> bool:
        return shown(row, SEVERITY_FILTERS[self.severity_filter], self.filter_text, self.lang)

    def show_all(self) -> None:
        """Rebuild the grid from `rows` with the current filters and sort."""
        visible = [r for r in self.rows.values() if self._visible(r)]
        self.table.show_rows(visible, sort_key(SORTS[self.sort_index]))
        self.update_summary()
        self.refresh_keys()

    def resort(self) -> None:
        """Sort again (after a sweep), keeping the cursor's asset in place."""
        self.table.resort(sort_key(SORTS[self.sort_index]))

    def update_summary(self) -> None:
        """Redraw the summary line: inventory state, sweep state, filters and sort."""
        bars = self.query(SummaryBar)
        if not bars:  # the app is closing: a last sync arrived after the screen emptied
            return
        t = self.lang
        view = [tr(t, "sum.sort", key=tr(t, f"sort.{SORTS[self.sort_index]}"))]
        severity = SEVERITY_FILTERS[self.severity_filter]
        if severity is not None:
            view.append(tr(t, "sum.severity", sev=tr(t, f"risk.{severity}")))
        if self.filter_text:
            view.append(tr(t, "sum.filter", text=self.filter_text))
        if self.importing is not None:
            view.insert(0, tr(t, "import.progress", n=self.importing))
        org = self.dash.store.settings.read().org_name or tr(t, "org.default")
        summary = bars.first()
        failing = self.dash.store.deliveries.failing_channels()
        rows = list(self.rows.values())
        summary.show(org, rows, t, self.dash.sweep_status(), "  ".join(view), failing)

    def data_changed(self, changed: set[int]) -> None:
        """Reload these assets' rows and update their cells in place."""
        if not self.query(AssetTable):  # the app is closing
            return
        fresh = self.dash.store.views.asset_rows(changed)
        key = sort_key(SORTS[self.sort_index])
        moved = any(r.id not in self.rows or key(self.rows[r.id]) != key(r) for r in fresh)
        for row in fresh:
            self.rows[row.id] = row
        gone = (changed & self.rows.keys()) - {r.id for r in fresh}  # deleted meanwhile
        for asset_id in gone:
            del self.rows[asset_id]
        self.table.update_rows(fresh, self._visible)
        self.table.remove_ids(gone)
        if moved:  # a row's risk (or other sort key) changed: worst first, always
            self.resort_when_idle()
        self.update_summary()

    def resort_when_idle(self) -> None:
        """Re-sort now, or once the keyboard has been still for RESORT_IDLE_S: rows never move
        under a person's keys, and a sort of many rows never delays a key press."""
        wait = self.dash.last_key + RESORT_IDLE_S - time.monotonic()
        if wait <= 0:
            self._resort_due = False
            self.resort()
        elif not self._resort_due:
            self._resort_due = True
            self.set_timer(wait, self._resort_later)

    def _resort_later(self) -> None:
        self._resort_due = False
        self.resort_when_idle()

    def set_language(self, lang: str) -> None:
        """Relabel the keys, the columns and every cell in `lang`."""
        self.lang = lang
        localize(self, lang)
        self.table.lang = lang
        self.table.shown_columns = []
        self.table.set_columns(self.app.size.width)
        self.show_all()
        self.refresh_bindings()
        self.refresh_keys()

    def watch_filter_text(self) -> None:
        self.show_all()

    def watch_severity_filter(self) -> None:
        self.show_all()

    def watch_sort_index(self) -> None:
        self.resort()
        self.update_summary()

    # -- keys --------------------------------------------------------------------------------

    def selected_asset(self) -> Asset | None:
        """The asset under the grid's cursor."""
        row = self.rows.get(self.table.selected_id or 0)
        return row.asset if row is not None else None

    def action_open(self) -> None:
        """Open the asset screen of the selected row."""
        asset = self._selected()
        detail = self.dash.store.views.asset_detail(asset.id) if asset and asset.id else None
        if detail is not None:
            self.app.push_screen(AssetScreen(detail, self.lang, self.clock))

    def open_checklist(self, asset_id: int, finding_id: int | None = None) -> None:
        """Open an asset's screen on its checklist, at the steps of `finding_id`."""
        detail = self.dash.store.views.asset_detail(asset_id)
        if detail is not None:
            screen = AssetScreen(detail, self.lang, self.clock, tab="checklist", finding=finding_id)
            self.app.push_screen(screen)

    def action_todo(self) -> None:
        """Fix first: every unresolved finding across assets, worst first."""
        self.app.push_screen(TodoScreen(self.lang, self.clock, self.open_checklist))

    @on(AssetTable.RowSelected, "#grid")
    def _row_selected(self) -> None:
        self.action_open()

    def action_filter(self) -> None:
        """Show the filter box."""
        box = self.query_one(FilterBox)
        box.display = True
        box.focus()

    @on(Input.Changed, "#filter")
    def _filter_changed(self, event: Input.Changed) -> None:
        self.filter_text = event.value.strip()

    @on(Input.Submitted, "#filter")
    @on(FilterBox.Closed)
    def _filter_done(self) -> None:
        box = self.query_one(FilterBox)
        box.display = bool(box.value)
        self.table.focus()

    def action_clear_filter(self) -> None:
        """Clear the text and severity filters: every asset again."""
        box = self.query_one(FilterBox)
        box.value = ""
        box.display = False
        self.filter_text = ""
        self.severity_filter = 0
        self.table.focus()

    def action_cycle_severity(self) -> None:
        """Show only assets at or above the next severity (then all again)."""
        self.severity_filter = (self.severity_filter + 1) % len(SEVERITY_FILTERS)

    def action_cycle_sort(self) -> None:
        """Sort by the next key: risk, name, owner, last checked, response time."""
        self.sort_index = (self.sort_index + 1) % len(SORTS)

    def action_add(self) -> None:
        """Add an asset through the form; it is probed at once."""
        self.app.push_screen(AssetForm(self.lang), self._added)

    def _added(self, asset: Asset | None) -> None:
        if asset is None:
            return
        with self.dash.user_errors():
            saved = inventory.add(self.dash.store, asset)
            self.saved(saved)
            self.dash.reprobe(saved.asset)

    def action_delete_asset(self) -> None:
        """Delete the selected asset from the inventory, after confirmation (logged)."""
        asset = self._selected()
        if asset is None:
            return
        t = self.lang
        title = tr(t, "delete.title", name=inert(asset.display))
        ask = Confirm(t, title, tr(t, "delete.body"), tr(t, "delete.yes"))
        self.app.push_screen(ask, partial(self._delete, asset))

    def _delete(self, asset: Asset, confirmed: bool | None) -> None:
        if not confirmed:
            return
        with self.dash.user_errors():
            inventory.delete(self.dash.store, asset)
            self.notify(tr(self.lang, "delete.done", name=asset.display), markup=False)
            self.dash.sync()

    def action_import_file(self) -> None:
        """Import a CSV or JSON file, showing its per-row errors first."""
        if self.importing is not None:
            self.notify(tr(self.lang, "import.busy"), severity="warning", markup=False)
            return
        self.app.push_screen(ImportForm(self.lang), self._imported)

    def _imported(self, parsed: ParsedFile | None) -> None:
        if parsed is None:
            return
        self.importing = 0
        self.update_summary()
        self.import_rows(parsed)

    @work(thread=True, exclusive=True, group="import", name="import", exit_on_error=False)
    def import_rows(self, parsed: ParsedFile) -> None:
        """Write the imported rows on a worker thread with its own database connection, so that
        keys stay answered through a long file; progress shows on the summary line."""
        store = self.dash.store.reopen(clock=self.dash.clock)
        try:
            done = inventory.import_parsed(
                store, parsed, on_progress=partial(self.app.call_from_thread, self._import_progress)
            )
        except UserError as exc:
            self.app.call_from_thread(self._import_ended, None, exc)
            return
        finally:
            store.close()
        self.app.call_from_thread(self._import_ended, (done, len(parsed.errors)), None)

    def _import_progress(self, rows: int) -> None:
        self.importing = rows
        self.update_summary()

    def _import_ended(self, result: tuple[Imported, int] | None, error: UserError | None) -> None:
        t = self.lang
        self.importing = None
        if error is not None or result is None:
            text = error.text(t) if error is not None else ""
            self.notify(text, severity="error", markup=False)
            self.update_summary()
            return
        done, bad = result
        text = tr(t, "import.done", n=done.rows, new=done.new, old=done.existing, bad=bad)
        self.notify(text, markup=False)
        if done.held:
            self.notify(tr(t, "import.held", n=done.held), severity="warning", markup=False)
        self.dash.sync()
        self.update_summary()
        self.dash.reschedule()

    def action_settings(self) -> None:
        """Edit the organisation's settings."""
        current = replace(self.dash.store.settings.read(), lang=Lang(self.lang))
        self.app.push_screen(SettingsForm(self.lang, current), partial(self._settings, current))

    def _settings(self, before: Settings, after: Settings | None) -> None:
        if after is None:
            return
        old, new = stored_text(before), stored_text(after)
        with self.dash.user_errors():
            for key, value in new.items():
                if value != old[key]:
                    self.dash.store.settings.set(key, value)
            lang = str(after.lang or self.lang)
            self.notify(tr(lang, "settings.saved"), markup=False)
            if lang != self.lang:
                self.dash.set_language(lang)
            self.update_summary()
            self.dash.reschedule()

    def action_org(self) -> None:
        """The organisation checklist."""
        self.app.push_screen(OrgScreen(self.lang))

    def action_report(self) -> None:
        """Read the rectification report (the last 30 days)."""
        now = self.clock()
        self.app.push_screen(ReportScreen(self.lang, now - timedelta(days=30), now))

    def action_discovered(self) -> None:
        """The Discovered list: names found outside the inventory, to adopt or dismiss."""
        self.app.push_screen(DiscoveredScreen(self.lang))

    def action_orgs(self) -> None:
        """Every organisation's state (the roll-up), read-only."""
        self.app.push_screen(OrgsScreen(self.lang))

    def action_channels(self) -> None:
        """Alert channels and their delivery state."""
        self.app.push_screen(ChannelsScreen(self.lang))

    def action_lab(self) -> None:
        """Demo mode: pick a real-world fix to play on the lab."""
        if self.dash.lab is not None:
            self.app.push_screen(LabScreen(self.lang, self.dash.lab.controls()), self._lab_played)

    def _lab_played(self, control_id: str | None) -> None:
        lab = self.dash.lab
        if not control_id or lab is None:
            return
        try:
            host = lab.apply(control_id)
        except (KeyError, TimeoutError) as exc:  # the lab said no, or did not answer
            failed = tr(self.lang, "lab.failed", error=str(exc))
            self.notify(failed, severity="error", markup=False)
            return
        what = control_by_id(control_id).text.text(self.lang)
        self.notify(tr(self.lang, "lab.done", what=what), markup=False)
        row = next((r for r in self.rows.values() if r.asset.host == host), None)
        if row is not None:
            self.dash.reprobe(row.asset)

    def commands(self) -> Iterable[SystemCommand]:
        """The grid's keys, then every severity filter and every sort."""
        yield from super().commands()
        t = self.lang
        severity_help = f"f  {tr(t, 'help.severity')}"
        title = tr(t, "palette.filter_all")
        yield SystemCommand(title, severity_help, partial(setattr, self, "severity_filter", 0))
        for index, severity in enumerate(SEVERITY_FILTERS[1:], start=1):
            title = tr(t, "palette.filter_sev", sev=tr(t, f"risk.{severity}"))
            yield SystemCommand(
                title, severity_help, partial(setattr, self, "severity_filter", index)
            )
        sort_help = f"s  {tr(t, 'help.sort')}"
        for index, key in enumerate(SORTS):
            title = tr(t, "palette.sort", key=tr(t, f"sort.{key}"))
            yield SystemCommand(title, sort_help, partial(setattr, self, "sort_index", index))
