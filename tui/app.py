"""The dashboard: a live grid of every asset, re-probed in the background, with drill-downs."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable
from dataclasses import replace
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from textual import on, work
from textual.app import App, ComposeResult, SystemCommand
from textual.binding import Binding
from textual.events import Resize
from textual.reactive import reactive
from textual.screen import ModalScreen, Screen
from textual.timer import Timer
from textual.widgets import DataTable, Footer, Input
from textual.worker import Worker, WorkerState, get_current_worker

from checks.baseline import baseline_from
from checks.decommission import attest as attest_decommission
from checks.decommission import start as start_decommission
from checks.i18n import UserError, detect_lang
from checks.inventory import ParsedFile, merge
from checks.lab import Lab
from checks.models import Asset, Lifecycle, ProbeOutcome, Severity
from checks.org_checklist import evaluate as org_evaluate
from checks.overview import AssetRow, asset_detail, asset_rows
from checks.report import build_report, to_html, to_markdown
from checks.resolver import parse_nameserver
from checks.runner import Progress, run_async, run_sweep
from checks.store import Store
from checks.sweep import Clock, ProbeConfig, utcnow
from tui.bindings import localize
from tui.messages import ResultsBatch, SweepFinished
from tui.screens.asset_screen import AssetScreen
from tui.screens.forms import (
    AcceptRiskForm,
    AssetForm,
    ConfirmRetire,
    ImportForm,
    NoteForm,
    SettingsForm,
)
from tui.screens.help_screen import HelpScreen
from tui.screens.lab_screen import LabScreen
from tui.screens.org_screen import OrgScreen
from tui.screens.report_screen import ReportScreen
from tui.strings import tr, use_language
from tui.widgets.asset_table import AssetTable
from tui.widgets.checklist import ChecklistView
from tui.widgets.summary_bar import SummaryBar

SORTS = ("risk", "name", "owner", "checked", "time")
SEVERITY_FILTERS = (None, Severity.CRITICAL, Severity.HIGH, Severity.MEDIUM, Severity.LOW)
DEFAULT_INTERVAL_MIN = 15
GRID_ONLY = {
    "org",
    "report",
    "open",
    "filter",
    "cycle_severity",
    "cycle_sort",
    "add",
    "import_file",
    "settings",
}
"""Actions that only make sense on the grid (hidden elsewhere)."""
OUR_ACTIONS = GRID_ONLY | {
    "lab",
    "reprobe",
    "sweep_all",
    "pause",
    "edit",
    "retire",
    "accept_baseline",
    "help",
    "quit",
}


class SweepCancelled(Exception):
    """Raised inside a sweep thread to stop it (pause, or a newer sweep)."""


def _sort_key(name: str) -> Callable[[AssetRow], Any]:
    def risk(r: AssetRow) -> Any:
        if r.risk is not None:
            rank: float = r.risk.rank
        else:
            rank = -0.5 if r.pending else (-1 if r.probed else -2)
        return (-rank, not r.retired_alive, r.asset.display)

    keys: dict[str, Callable[[AssetRow], Any]] = {
        "risk": risk,
        "name": lambda r: r.asset.display,
        "owner": lambda r: (r.asset.owner == "", r.asset.owner, r.asset.display),
        # the stalest first: never probed, then the longest ago
        "checked": lambda r: (
            r.last_checked.timestamp() if r.last_checked else 0.0,
            r.asset.display,
        ),
        "time": lambda r: (r.response_ms is None, -(r.response_ms or 0), r.asset.display),
    }
    return keys[name]


class AssetWatchApp(App[None]):
    """The assetwatch dashboard. Build it with `make_app`."""

    CSS_PATH = "app.tcss"
    TITLE = "assetwatch"

    BINDINGS = [
        Binding("enter", "open", "Open", id="open", show=False),
        Binding("slash", "filter", "Filter", id="filter", key_display="/"),
        Binding("f", "cycle_severity", "Severity", id="severity"),
        Binding("s", "cycle_sort", "Sort", id="sort"),
        Binding("r", "reprobe", "Probe", id="reprobe"),
        Binding("R", "sweep_all", "Sweep all", id="sweep", show=False),
        Binding("p", "pause", "Pause", id="pause"),
        Binding("a", "add", "Add", id="add"),
        Binding("e", "edit", "Edit", id="edit", show=False),
        Binding("x", "retire", "Retire", id="retire"),
        Binding("b", "accept_baseline", "Baseline", id="baseline", show=False),
        Binding("i", "import_file", "Import", id="import", show=False),
        Binding("o", "settings", "Settings", id="settings", show=False),
        Binding("g", "org", "Demands", id="org", show=False),
        Binding("w", "report", "Report", id="report", show=False),
        Binding("L", "lab", "Lab", id="lab"),
        Binding("question_mark", "help", "Help", id="help", key_display="?"),
        Binding("q", "quit", "Quit", id="quit"),
    ]
    """Main-screen keys; the footer shows the ones with show=True, `?` lists them all."""

    filter_text: reactive[str] = reactive("")
    """Text the grid is filtered by (name, owner, kind, status, DNS, HTTP)."""
    severity_filter: reactive[int] = reactive(0)
    """Index into SEVERITY_FILTERS: show assets whose risk is at least that severity."""
    sort_index: reactive[int] = reactive(0)
    """Index into SORTS."""
    paused: reactive[bool] = reactive(False)
    """Background probing is paused."""

    def __init__(
        self,
        store: Store,
        config: ProbeConfig,
        clock: Clock = utcnow,
        lang: str | None = None,
        auto_sweep: bool = True,
        poll_s: float = 2.0,
        lab: Lab | None = None,
    ) -> None:
        super().__init__()
        self.lab = lab
        """The loopback lab, in `assetwatch demo`: its controls play real-world fixes."""
        self.store = store
        self.base_config = config
        self.clock = clock
        self.lang = lang or store.setting("lang") or detect_lang()
        self.auto_sweep = auto_sweep
        self.poll_s = poll_s
        self.rows: dict[int, AssetRow] = {}
        self.progress: Progress | None = None
        self.sweeping = False
        self.next_sweep: datetime | None = None
        self._timer: Timer | None = None
        self._probe_mark = 0
        self._event_mark = 0
        self._started = False
        localize(self, self.lang)
        use_language(self.lang)

    # -- layout --------------------------------------------------------------------

    def compose(self) -> ComposeResult:
        yield SummaryBar(id="summary")
        yield Input(id="filter", compact=True, placeholder="/")
        yield AssetTable(self.lang, self.clock, id="grid")
        yield Footer(compact=True)

    @property
    def table(self) -> AssetTable:
        """The grid."""
        return self.query_one("#grid", AssetTable)

    def on_mount(self) -> None:
        self.table.set_columns(self.size.width)
        self.table.focus()
        self._probe_mark = self._max_id("probes")
        self._event_mark = self._max_id("events")
        self.rows = {r.id: r for r in asset_rows(self.store)}
        self._show_all()
        self.set_interval(self.poll_s, self.sync_from_db)
        self._started = True
        if self.auto_sweep:
            self.schedule_due()

    def on_resize(self, event: Resize) -> None:
        if self.table.set_columns(event.size.width):
            self._show_all()

    # -- data flow -----------------------------------------------------------------

    def _max_id(self, table: str) -> int:
        row = self.store.db.execute(f"SELECT coalesce(max(id), 0) FROM {table}").fetchone()
        return int(row[0])

    def _visible(self, row: AssetRow) -> bool:
        wanted = SEVERITY_FILTERS[self.severity_filter]
        if wanted is not None and (row.risk is None or row.risk.rank < wanted.rank):
            return False
        if not self.filter_text:
            return True
        haystack = " ".join(
            (
                row.asset.display,
                row.asset.name,
                row.asset.owner,
                tr(self.lang, f"kind.{row.asset.kind}"),
                row.asset.kind,
                row.asset.lifecycle,
                tr(self.lang, f"life.{row.asset.lifecycle}"),
                row.dns_text(),
                row.http_text(),
            )
        ).lower()
        return all(word in haystack for word in self.filter_text.lower().split())

    def _show_all(self) -> None:
        self.table.show_rows([r for r in self.rows.values() if self._visible(r)], self._key())
        self._update_summary()

    def _key(self) -> Callable[[AssetRow], Any]:
        return _sort_key(SORTS[self.sort_index])

    def _update_summary(self) -> None:
        t = self.lang
        if self.paused:
            sweep = tr(t, "sum.paused")
        elif self.sweeping and self.progress is not None:
            sweep = tr(t, "sum.sweeping", done=self.progress.done, total=self.progress.total)
        elif self.next_sweep is not None:
            sweep = tr(t, "sum.next", when=self.next_sweep.astimezone().strftime("%H:%M"))
        else:
            sweep = tr(t, "sum.idle")
        view = [tr(t, "sum.sort", key=tr(t, f"sort.{SORTS[self.sort_index]}"))]
        severity = SEVERITY_FILTERS[self.severity_filter]
        if severity is not None:
            view.append(tr(t, "sum.severity", sev=tr(t, f"risk.{severity}")))
        if self.filter_text:
            view.append(tr(t, "sum.filter", text=self.filter_text))
        org = self.store.setting("org_name") or tr(t, "org.default")
        self.query_one(SummaryBar).show(org, list(self.rows.values()), t, sweep, "  ".join(view))

    def refresh_assets(self, ids: Iterable[int]) -> None:
        """Reload these assets from the store and update their rows and any open asset screen."""
        ids = set(ids)
        if not ids:
            return
        fresh = asset_rows(self.store, ids)
        for row in fresh:
            self.rows[row.id] = row
        self.table.update_rows(fresh, self._visible)
        self._update_summary()
        screen = self.screen
        if isinstance(screen, AssetScreen) and screen.asset_id in ids:
            detail = asset_detail(self.store, screen.asset_id)
            if detail is not None:
                screen.show(detail)

    def sync_from_db(self) -> None:
        """Pick up whatever was written since the last look: our sweeps, the CLI, a cron job."""
        changed: set[int] = set()
        for table, mark in (("probes", "_probe_mark"), ("events", "_event_mark")):
            rows = self.store.db.execute(
                f"SELECT id, asset_id FROM {table} WHERE id > ?", [getattr(self, mark)]
            ).fetchall()
            if rows:
                setattr(self, mark, max(r[0] for r in rows))
                changed.update(r[1] for r in rows if r[1] is not None)
        self.refresh_assets(changed)

    def on_results_batch(self, message: ResultsBatch) -> None:
        self.progress = message.progress
        self.sync_from_db()

    # -- background probing ------------------------------------------------------------

    def probe_config(self) -> ProbeConfig:
        """The base config with the settings the admin changed in the dashboard."""
        config = self.base_config
        concurrency = self.store.setting("concurrency")
        nameservers = self.store.setting("nameservers")
        if concurrency.isdigit():
            config = replace(config, concurrency=int(concurrency))
        if nameservers and not config.nameservers:
            config = replace(
                config, nameservers=tuple(parse_nameserver(n) for n in nameservers.split())
            )
        return config

    def _interval(self, asset: Asset) -> timedelta:
        minutes = self.store.setting("interval_min", str(DEFAULT_INTERVAL_MIN))
        seconds = asset.interval_s or int(minutes) * 60
        return timedelta(seconds=seconds)

    def schedule_due(self) -> None:
        """Sweep the assets whose interval has passed; otherwise wait until the next one is due."""
        if self._timer is not None:
            self._timer.stop()
            self._timer = None
        if self.paused or self.sweeping:
            return
        now = self.clock()
        due_at = {
            r.id: (r.last_checked + self._interval(r.asset)) if r.last_checked else now
            for r in self.rows.values()
        }
        due = [self.rows[i].asset for i, at in due_at.items() if at <= now]
        if due:
            self.start_sweep(None if len(due) == len(self.rows) else due)
            return
        if due_at:
            self.next_sweep = min(due_at.values())
            delay = max(1.0, (self.next_sweep - now).total_seconds())
            self._timer = self.set_timer(delay, self.schedule_due)
        self._update_summary()

    def start_sweep(self, assets: list[Asset] | None) -> None:
        """Start a sweep of `assets` (None: everything) in the background."""
        self.sweeping = True
        self.next_sweep = None
        self.progress = Progress(0, len(assets) if assets is not None else len(self.rows), 0.0)
        self._update_summary()
        self.sweep(assets, self.probe_config())

    def _probe_in_thread(self, assets: list[Asset] | None, config: ProbeConfig) -> Progress:
        """Run a sweep on this worker thread, with its own event loop and database connection.

        Probing is CPU-bound (TLS handshakes, parsing); on the UI's event loop it
        made key presses wait for seconds. Results reach the UI as messages and
        through the database, exactly as a cron job's would.
        """
        worker = get_current_worker()
        assert self.store.path is not None

        def on_batch(batch: list[tuple[ProbeOutcome, Any]], progress: Progress) -> None:
            self.post_message(ResultsBatch([o.asset.id for o, _ in batch if o.asset.id], progress))
            if worker.is_cancelled:
                raise SweepCancelled

        store = Store(self.store.path, clock=self.clock)
        try:
            return run_async(run_sweep(store, config, assets, on_batch=on_batch))
        finally:
            store.close()

    @work(thread=True, exclusive=True, group="sweep", exit_on_error=False, description="sweep")
    def sweep(self, assets: list[Asset] | None, config: ProbeConfig) -> None:
        """The sweep worker: probes, stores, and reports only through messages."""
        try:
            progress = self._probe_in_thread(assets, config)
        except SweepCancelled:
            return
        self.post_message(SweepFinished(progress, assets is None))

    @work(thread=True, group="reprobe", exit_on_error=False, description="re-probe")
    def reprobe(self, asset: Asset, config: ProbeConfig) -> None:
        """Probe one asset now, outside the schedule."""
        self._probe_in_thread([asset], config)

    def on_sweep_finished(self, message: SweepFinished) -> None:
        self.sweeping = False
        self.progress = message.progress
        self.sync_from_db()
        self.table.resort(self._key())
        self.schedule_due()

    @on(Worker.StateChanged)
    def _worker_state(self, event: Worker.StateChanged) -> None:
        worker = event.worker
        if event.state == WorkerState.ERROR:
            self.notify(
                tr(self.lang, "notify.sweep_failed", error=str(worker.error)),
                severity="error",
                markup=False,
            )
        if worker.group == "sweep" and event.state in (WorkerState.ERROR, WorkerState.CANCELLED):
            # A sweep replaced by a newer one (R) is cancelled too: only an idle app reschedules.
            running = (WorkerState.PENDING, WorkerState.RUNNING)
            if not any(w.group == "sweep" and w.state in running for w in self.workers):
                self.sweeping = False
                self.schedule_due()

    # -- actions -------------------------------------------------------------------

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """Grid-only keys are hidden on the asset screen; none of ours work under a modal."""
        screen = self.screen
        if isinstance(screen, ModalScreen):
            return action not in OUR_ACTIONS
        if action == "lab" and self.lab is None:
            return False
        return not (action in GRID_ONLY and isinstance(screen, AssetScreen))

    def _selected(self) -> AssetRow | None:
        screen = self.screen
        asset_id = screen.asset_id if isinstance(screen, AssetScreen) else self.table.selected_id
        row = self.rows.get(asset_id) if asset_id is not None else None
        if row is None:
            self.notify(tr(self.lang, "notify.no_selection"), severity="warning")
        return row

    def action_open(self) -> None:
        """Open the asset screen of the selected row."""
        row = self._selected()
        detail = asset_detail(self.store, row.id) if row else None
        if detail is not None:
            self.push_screen(AssetScreen(detail, self.lang, self.clock))

    @on(DataTable.RowSelected, "#grid")
    def _row_selected(self) -> None:
        self.action_open()

    def action_filter(self) -> None:
        """Show the filter box."""
        box = self.query_one("#filter", Input)
        box.display = True
        box.focus()

    @on(Input.Changed, "#filter")
    def _filter_changed(self, event: Input.Changed) -> None:
        self.filter_text = event.value.strip()

    @on(Input.Submitted, "#filter")
    def _filter_done(self) -> None:
        box = self.query_one("#filter", Input)
        box.display = bool(box.value)
        self.table.focus()

    def on_key(self, event: Any) -> None:
        box = self.query_one("#filter", Input)
        if event.key == "escape" and box.has_focus:
            box.value = ""
            box.display = False
            self.table.focus()
            event.stop()

    def action_cycle_severity(self) -> None:
        """Show only assets at or above the next severity (then all again)."""
        self.severity_filter = (self.severity_filter + 1) % len(SEVERITY_FILTERS)

    def action_cycle_sort(self) -> None:
        """Sort by the next key: risk, name, owner, last checked, response time."""
        self.sort_index = (self.sort_index + 1) % len(SORTS)

    def watch_filter_text(self) -> None:
        if self._started:
            self._show_all()

    def watch_severity_filter(self) -> None:
        if self._started:
            self._show_all()

    def watch_sort_index(self) -> None:
        if self._started:
            self.table.resort(self._key())
            self._update_summary()

    def action_reprobe(self) -> None:
        """Re-probe the selected asset now."""
        row = self._selected()
        if row is not None:
            self.reprobe(row.asset, self.probe_config())

    def action_sweep_all(self) -> None:
        """Sweep every asset now."""
        self.paused = False
        self.start_sweep(None)

    def action_pause(self) -> None:
        """Pause or resume background probing (a running sweep is stopped)."""
        self.paused = not self.paused

    def watch_paused(self, paused: bool) -> None:
        if not self._started:
            return
        if paused:
            self.workers.cancel_group(self, "sweep")
            if self._timer is not None:
                self._timer.stop()
            self.sweeping = False
            self._update_summary()
        else:
            self.schedule_due()

    def action_add(self) -> None:
        """Add an asset through the form."""
        self.push_screen(AssetForm(self.lang), self._saved_new)

    def _saved_new(self, asset: object) -> None:
        if not isinstance(asset, Asset):
            return
        try:
            stored = self.store.add(asset)
        except UserError as exc:
            self.notify(exc.text(self.lang), severity="error", markup=False)
            return
        self.notify(tr(self.lang, "notify.saved", name=stored.display), markup=False)
        self.sync_from_db()
        self.reprobe(stored, self.probe_config())

    def action_edit(self) -> None:
        """Edit the selected asset."""
        row = self._selected()
        if row is not None:
            self.push_screen(AssetForm(self.lang, row.asset), self._saved_edit)

    def _saved_edit(self, asset: object) -> None:
        if isinstance(asset, Asset):
            stored, _ = self.store.save(asset)
            self.notify(tr(self.lang, "notify.saved", name=stored.display), markup=False)
            self.sync_from_db()

    def action_retire(self) -> None:
        """Retire the selected asset, after confirmation; then verify it went dark."""
        row = self._selected()
        if row is None or row.asset.lifecycle != Lifecycle.ACTIVE:
            return
        asset = row.asset

        def done(confirmed: bool | None) -> None:
            if confirmed:
                retired = start_decommission(self.store, asset)
                self.notify(tr(self.lang, "retire.done", name=retired.display), markup=False)
                self.sync_from_db()
                self.reprobe(retired, self.probe_config())

        self.push_screen(ConfirmRetire(self.lang, asset), done)

    def action_accept_baseline(self) -> None:
        """Accept the selected asset's current home page as its baseline (after a real change)."""
        row = self._selected()
        outcome = self.store.latest_outcome(row.asset) if row else None
        page = baseline_from(outcome) if outcome else None
        if row is None or page is None:
            return
        self.store.accept_baseline(row.id, page)
        self.notify(tr(self.lang, "notify.baseline", name=row.asset.display), markup=False)
        self.sync_from_db()
        self.reprobe(row.asset, self.probe_config())

    @on(ChecklistView.StepToggled)
    def _step_toggled(self, event: ChecklistView.StepToggled) -> None:
        if event.attested:
            self.store.attest(event.finding_id, event.step)
        else:
            self.store.unattest(event.finding_id, event.step)
        self.sync_from_db()

    @on(ChecklistView.DecommissionStepToggled)
    def _decommission_step(self, event: ChecklistView.DecommissionStepToggled) -> None:
        row = self.rows.get(event.asset_id)
        if row is not None:
            attest_decommission(self.store, row.asset, event.step)
            self.sync_from_db()

    @on(ChecklistView.AcceptRequested)
    def _accept_requested(self, event: ChecklistView.AcceptRequested) -> None:
        def done(result: object) -> None:
            if isinstance(result, tuple):
                reason, until = result
                try:
                    self.store.accept_risk(event.finding_id, reason, until)
                except UserError as exc:
                    self.notify(exc.text(self.lang), severity="error", markup=False)
                self.sync_from_db()

        self.push_screen(AcceptRiskForm(self.lang), done)

    @on(ChecklistView.NoteRequested)
    def _note_requested(self, event: ChecklistView.NoteRequested) -> None:
        def done(result: object) -> None:
            if isinstance(result, tuple):
                note, evidence = result
                self.store.attest(event.finding_id, event.step, note, evidence)
                self.sync_from_db()

        self.push_screen(NoteForm(self.lang), done)

    def action_org(self) -> None:
        """The organisation checklist."""
        self.push_screen(OrgScreen(self.lang, org_evaluate(self.store, self.clock())))

    @on(OrgScreen.AttestRequested)
    def _org_attest(self, event: OrgScreen.AttestRequested) -> None:
        def save(note: str = "", evidence: str = "") -> None:
            self.store.attest_org(event.item_id, note, evidence)
            screen = self.screen
            if isinstance(screen, OrgScreen):
                screen.show(org_evaluate(self.store, self.clock()))

        if not event.with_note:
            save()
            return

        def done(result: object) -> None:
            if isinstance(result, tuple):
                save(*result)

        self.push_screen(NoteForm(self.lang), done)

    def _report_data(self) -> dict[str, Any]:
        now = self.clock()
        return build_report(self.store, now - timedelta(days=30), now, self.lang)

    def action_report(self) -> None:
        """Read the rectification report (the last 30 days)."""
        self.push_screen(ReportScreen(self.lang, to_markdown(self._report_data())))

    def action_write_report(self) -> None:
        """Write the report as Markdown, HTML and JSON next to the database."""
        data = self._report_data()
        folder = self.store.path.parent if self.store.path else Path.cwd()
        stamp = self.clock().strftime("%Y%m%d-%H%M")
        files = []
        for ext, text in (
            ("md", to_markdown(data)),
            ("html", to_html(data)),
            ("json", json.dumps(data, ensure_ascii=False, indent=1)),
        ):
            path = folder / f"assetwatch-report-{stamp}.{ext}"
            path.write_text(text, encoding="utf-8")
            files.append(str(path))
        self.notify(
            tr(self.lang, "notify.report", files=", ".join(files)), markup=False, timeout=10
        )

    def action_lab(self) -> None:
        """Demo mode: pick a real-world fix to play on the lab."""
        if self.lab is None:
            return
        lab = self.lab

        def done(control_id: str | None) -> None:
            if not control_id:
                return
            host = lab.apply(control_id)
            what = next(c for c in lab.controls() if c.id == control_id).text(self.lang)
            self.notify(tr(self.lang, "lab.done", what=what), markup=False)
            row = next((r for r in self.rows.values() if r.asset.host == host), None)
            if row is not None:
                self.reprobe(row.asset, self.probe_config())

        self.push_screen(LabScreen(self.lang, lab.controls()), done)

    def action_import_file(self) -> None:
        """Import a CSV or JSON file, showing its per-row errors first."""
        self.push_screen(ImportForm(self.lang), self._imported)

    def _imported(self, parsed: object) -> None:
        if not isinstance(parsed, ParsedFile):
            return
        new = 0
        for _line, asset, present in parsed.assets:
            _, created = self.store.save(
                merge(self.store.asset(asset.name), asset, present), source="import"
            )
            new += created
        n = len(parsed.assets)
        self.notify(
            tr(self.lang, "import.done", n=n, new=new, old=n - new, bad=len(parsed.errors)),
            markup=False,
        )
        self.sync_from_db()
        self.schedule_due()

    def action_settings(self) -> None:
        """Edit the organisation's settings."""
        values = {
            "org_name": self.store.setting("org_name"),
            "interval_min": self.store.setting("interval_min", str(DEFAULT_INTERVAL_MIN)),
            "concurrency": self.store.setting("concurrency", str(self.base_config.concurrency)),
            "nameservers": self.store.setting("nameservers"),
            "lang": self.lang,
        }

        def done(result: object) -> None:
            if not isinstance(result, dict):
                return
            for key, value in result.items():
                if value != values[key]:
                    self.store.set_setting(key, value)
            self.notify(tr(result["lang"], "settings.saved"))
            if result["lang"] != self.lang:
                self.set_language(result["lang"])
            self._update_summary()
            self.schedule_due()

        self.push_screen(SettingsForm(self.lang, values), done)

    def set_language(self, lang: str) -> None:
        """Switch every label, column and key description to `lang`."""
        self.lang = lang
        localize(self, lang)
        use_language(lang)
        self.table.lang = lang
        self.table.shown_columns = []
        self.table.set_columns(self.size.width)
        self._show_all()
        self.refresh_bindings()

    def help_keys(self) -> list[tuple[str, str]]:
        """(key as shown, binding id) for every main-screen binding, plus the palette."""
        keys = [
            (b.key_display or b.key, b.id or "")
            for b in self.BINDINGS
            if isinstance(b, Binding) and (b.id != "lab" or self.lab is not None)
        ]
        return [*keys, ("ctrl+p", "palette")]

    def action_help(self) -> None:
        """Show every key."""
        self.push_screen(HelpScreen(self.lang, self.help_keys()))

    def get_system_commands(self, screen: Screen[Any]) -> Iterable[SystemCommand]:
        """Every action in the command palette, in the user's language."""
        t = self.lang
        for binding in self.BINDINGS:
            if isinstance(binding, Binding) and binding.id and (binding.id != "lab" or self.lab):
                action = getattr(self, f"action_{binding.action}")
                yield SystemCommand(tr(t, f"key.{binding.id}"), tr(t, f"help.{binding.id}"), action)
        for index, severity in enumerate(SEVERITY_FILTERS[1:], start=1):
            title = tr(t, "palette.filter_sev", sev=tr(t, f"risk.{severity}"))
            yield SystemCommand(title, title, lambda i=index: setattr(self, "severity_filter", i))
        for index, key in enumerate(SORTS):
            title = tr(t, "palette.sort", key=tr(t, f"sort.{key}"))
            yield SystemCommand(title, title, lambda i=index: setattr(self, "sort_index", i))


def make_app(
    store: Store,
    config: ProbeConfig | None = None,
    clock: Clock = utcnow,
    lang: str | None = None,
    auto_sweep: bool = True,
    lab: Lab | None = None,
) -> AssetWatchApp:
    """Build the dashboard; the CLI and the tests both come through here."""
    return AssetWatchApp(store, config or ProbeConfig(), clock, lang, auto_sweep, lab=lab)
