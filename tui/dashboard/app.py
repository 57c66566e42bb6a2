"""The dashboard app: the language, the screens, the schedule and the probe workers.

Everything else lives where it is used: each screen owns its keys and what they do, the
dialogs return typed values, and every decision is the core's (`checks.service`).
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from datetime import datetime
from typing import Any, Protocol

from textual import events, on, work
from textual.app import App, SystemCommand
from textual.command import CommandPalette
from textual.reactive import reactive
from textual.screen import Screen
from textual.timer import Timer
from textual.worker import Worker, WorkerState, get_current_worker

from checks.errors import UserError
from checks.lab.controls import LabControl
from checks.model import Asset, Clock, SweepProgress, utcnow
from checks.probe import ProbeConfig
from checks.service import alerts, schedule, sweeps
from checks.service.sweeps import Batch, ProbeOverrides
from checks.store import Store
from tui.dashboard.messages import SweepFinished, SweepProgressed
from tui.dashboard.screens.base import DashboardScreen
from tui.dashboard.screens.grid import GridScreen
from tui.dashboard.screens.orgs import OrgsScreen
from tui.i18n import STRINGS, detect_lang, tr, use_language


class DemoLab(Protocol):
    """What the dashboard needs of the lab in `assetwatch demo`: `checks.lab.Lab`, `RemoteLab`."""

    def controls(self) -> list[LabControl]:
        """The real-world fixes the lab can play."""

    def apply(self, control_id: str) -> str:
        """Play one; returns the host it changed."""


SYNC_EVERY_S = 0.5
"""How often a running sweep's stored batches are taken into the grid, at most."""
_RUNNING = (WorkerState.PENDING, WorkerState.RUNNING)
_ENDED = (WorkerState.SUCCESS, WorkerState.ERROR, WorkerState.CANCELLED)


class AssetWatchApp(App[None]):
    """The assetwatch dashboard. Build it with `tui.dashboard.make_app`.

    The database is the message bus: our own sweep thread, `assetwatch scan` in another
    process and a cron job all write to it, and `sync()` picks up what changed (on every
    progress message and every `poll_s` seconds) through `store.views.changed_since`.

    Args:
        store: a database file (the probe workers open their own connection to it).
        overrides: what the command line said about probing; the stored settings fill the rest.
        auto_sweep: sweep what is due as soon as the dashboard opens. False waits for a key
            (`R`, `p` twice, an import); after any sweep the schedule runs as usual.
        lab: the loopback lab, in `assetwatch demo`: its controls play real-world fixes.
        everyone: `--org all`: open on the roll-up of every organisation, read-only; nothing is
            swept (`store` is the default organisation's, where the registry is).
    """

    CSS_PATH = "app.tcss"
    TITLE = "assetwatch"

    paused: reactive[bool] = reactive(False, init=False)
    """Background probing is paused (a running sweep was stopped)."""

    def __init__(
        self,
        store: Store,
        overrides: ProbeOverrides,
        *,
        clock: Clock = utcnow,
        lang: str | None = None,
        auto_sweep: bool = True,
        lab: DemoLab | None = None,
        poll_s: float = 2.0,
        everyone: bool = False,
    ) -> None:
        if store.target == ":memory:":
            raise ValueError("the dashboard needs a database its workers can connect to")
        super().__init__()
        self.store = store
        self.overrides = overrides
        self.clock = clock
        self.lang: str = lang or store.settings.read().lang or detect_lang()
        self.everyone = everyone
        self.auto_sweep = auto_sweep and not everyone
        self.lab = lab
        self.poll_s = poll_s
        self.progress: SweepProgress | None = None
        """The running (or last) sweep's progress."""
        self.sweeping = False
        self.next_sweep: datetime | None = None
        self._timer: Timer | None = None
        self._last_sync = 0.0
        self._sync_pending = False
        self.last_key = 0.0
        """When the last key press arrived (time.monotonic): the grid re-sorts only after."""
        self.marks = store.views.marks()
        """How far `sync()` has read the probe history and the audit log."""
        self.grid = GridScreen(self.lang, clock)
        use_language(self.lang)

    def get_default_screen(self) -> DashboardScreen:
        """The grid is the screen everything else opens from; with `--org all`, the roll-up."""
        if self.everyone:
            return OrgsScreen(self.lang, everyone=True)
        return self.grid

    def on_mount(self) -> None:
        self.set_interval(self.poll_s, self.sync)

    def on_grid_screen_loaded(self) -> None:
        if self.auto_sweep:
            self.reschedule()

    @contextmanager
    def user_errors(self) -> Iterator[None]:
        """Show a `UserError` raised inside as a notification instead of crashing."""
        try:
            yield
        except UserError as exc:
            self.notify(exc.text(self.lang), severity="error", markup=False)

    def sync(self) -> None:
        """Pick up whatever was written since the last look: our sweeps, the CLI, a cron job."""
        self.marks, changed = self.store.views.changed_since(self.marks)
        if changed:
            for screen in self.screen_stack:
                if isinstance(screen, DashboardScreen):
                    screen.data_changed(changed)

    def set_language(self, lang: str) -> None:
        """Switch every label, column and key description to `lang`."""
        self.lang = lang
        use_language(lang)
        self.grid.set_language(lang)

    def action_command_palette(self) -> None:
        """The command palette, its prompt in the user's language."""
        if self.use_command_palette and not CommandPalette.is_open(self):  # type: ignore[arg-type]
            placeholder = tr(self.lang, "palette.search")
            self.push_screen(CommandPalette(placeholder=placeholder, id="--command-palette"))

    def get_system_commands(self, screen: Screen[Any]) -> Iterable[SystemCommand]:
        """The palette offers the actions of the screen it was opened on."""
        if isinstance(screen, DashboardScreen):
            yield from screen.commands()

    # -- the schedule ----------------------------------------------------------------------

    def sweep_status(self) -> str:
        """The sweep's state, as the summary line shows it."""
        t = self.lang
        if self.paused:
            return tr(t, "sum.paused")
        if self.sweeping and self.progress is not None:
            return tr(t, "sum.sweeping", done=self.progress.done, total=self.progress.total)
        if self.next_sweep is not None:
            return tr(t, "sum.next", when=self.next_sweep.astimezone().strftime("%H:%M"))
        return tr(t, "sum.idle")

    def probe_config(self) -> ProbeConfig:
        """What every sweep and re-probe probes with: the overrides, then the stored settings.

        Raises:
            UserError: a stored setting cannot be used (a malformed DNS server).
        """
        return sweeps.config_from(self.store.settings.read(), self.overrides)

    def reschedule(self) -> None:
        """Sweep the assets that are due; otherwise wait (one timer) until the next one is."""
        if self._timer is not None:
            self._timer.stop()
            self._timer = None
        if self.paused or self.sweeping:
            return
        now = self.clock()
        last = [(r.asset, r.last_checked) for r in self.grid.rows.values()]
        plan = schedule.due(last, self.store.settings.read(), now)
        if plan.due:
            self.start_sweep(None if plan.everything else plan.due)
            return
        self.next_sweep = plan.next_at
        if plan.next_at is not None:
            delay = max(1.0, (plan.next_at - now).total_seconds())
            self._timer = self.set_timer(delay, self.reschedule)
        self.grid.update_summary()

    def start_sweep(self, assets: list[Asset] | None) -> None:
        """Sweep `assets` (None: everything) in the background, replacing a running sweep."""
        with self.user_errors():
            config = self.probe_config()
            self.sweeping = True
            self.next_sweep = None
            total = len(assets) if assets is not None else len(self.grid.rows)
            self.progress = SweepProgress(0, total, 0.0)
            self.grid.update_summary()
            self.run_sweep(assets, config)

    def action_sweep_all(self) -> None:
        """Sweep every asset now (and resume background probing, saying so)."""
        if self.paused:
            self.notify(tr(self.lang, "notify.resumed"), markup=False)
        self.set_reactive(AssetWatchApp.paused, False)
        self.start_sweep(None)

    def action_pause(self) -> None:
        """Pause or resume background probing (a running sweep is stopped)."""
        self.paused = not self.paused

    def watch_paused(self, paused: bool) -> None:
        if not paused:
            self.reschedule()
            return
        self.workers.cancel_group(self, "sweep")
        if self._timer is not None:
            self._timer.stop()
        self.sweeping = False
        self.grid.update_summary()

    def reprobe(self, asset: Asset, *, tell: bool = False) -> None:
        """Probe one asset now, outside the schedule (`tell`: say so, for the `r` key)."""
        with self.user_errors():
            self.probe_now([asset], self.probe_config())
            if tell:
                self.notify(tr(self.lang, "notify.probing", name=asset.display), markup=False)

    # -- the workers -----------------------------------------------------------------------

    def _probe_in_thread(
        self, assets: list[Asset] | None, config: ProbeConfig, report: bool
    ) -> SweepProgress | None:
        """Probe on this worker thread, with its own event loop and its own database connection.

        Probing is CPU-bound (TLS handshakes, parsing): as an async worker on the UI's event
        loop it made key presses wait for seconds; on a thread they take ~2 ms during a sweep
        (bench/dashboard.py). sqlite3 connections belong to one thread, hence our own `Store`.
        Results reach the UI through the database, exactly as a cron job's would; `report`
        posts the progress after each stored batch. Returns None when the worker was cancelled.
        """
        worker = get_current_worker()

        def on_batch(batch: Batch, progress: SweepProgress) -> None:
            if report:
                self.post_message(SweepProgressed(progress))
            if worker.is_cancelled and (task := asyncio.current_task()) is not None:
                task.cancel()  # the sweep stops at its next await and cancels its probes

        store = self.store.reopen(clock=self.clock)

        async def sweep_and_tell() -> SweepProgress:
            progress = await sweeps.run_sweep(store, config, assets, on_batch=on_batch)
            if self.lab is not None:  # the demo: no watcher runs on its temporary database
                await alerts.deliver(store, ca_bundle=self.overrides.ca_bundle)
            return progress

        try:
            return sweeps.run_async(sweep_and_tell())
        except asyncio.CancelledError:
            return None
        finally:
            store.close()

    @work(
        thread=True,
        exclusive=True,
        group="sweep",
        name="run_sweep",
        exit_on_error=False,
        description="Probing assets",
    )
    def run_sweep(self, assets: list[Asset] | None, config: ProbeConfig) -> SweepProgress | None:
        """The sweep worker: probes and stores, and reports only through messages."""
        progress = self._probe_in_thread(assets, config, report=True)
        if progress is not None:
            self.post_message(SweepFinished(progress))
        return progress

    @work(thread=True, group="reprobe", name="reprobe", exit_on_error=False, description="Probing")
    def probe_now(self, assets: list[Asset], config: ProbeConfig) -> SweepProgress | None:
        """The re-probe worker: a few assets now, beside any running sweep."""
        return self._probe_in_thread(assets, config, report=False)

    async def on_event(self, event: events.Event) -> None:
        if isinstance(event, events.Key):
            self.last_key = time.monotonic()
        await super().on_event(event)

    def on_sweep_progressed(self, message: SweepProgressed) -> None:
        self.progress = message.progress
        # Batches can land many times a second; the grid takes them in at most every
        # SYNC_EVERY_S (each sync reads, redraws and may re-sort), so key presses stay answered.
        if self._sync_pending:
            return
        wait = self._last_sync + SYNC_EVERY_S - time.monotonic()
        if wait > 0:
            self._sync_pending = True
            self.set_timer(wait, self._sweep_sync)
        else:
            self._sweep_sync()

    def _sweep_sync(self) -> None:
        self._sync_pending = False
        self._last_sync = time.monotonic()
        self.sync()
        self.grid.update_summary()

    def on_sweep_finished(self, message: SweepFinished) -> None:
        self.progress = message.progress
        self.sync()
        self.grid.resort()

    @on(Worker.StateChanged)
    def _worker_changed(self, event: Worker.StateChanged) -> None:
        worker = event.worker
        if event.state == WorkerState.ERROR:
            key = f"error.{worker.name}" if f"error.{worker.name}" in STRINGS else "error.worker"
            self.notify(tr(self.lang, key, error=str(worker.error)), severity="error", markup=False)
        if event.state not in _ENDED:
            return
        if worker.group == "reprobe":
            self.sync()
        # A sweep replaced by a newer one (R) is cancelled too: only an idle app reschedules.
        if worker.group == "sweep" and not any(
            w.group == "sweep" and w.state in _RUNNING for w in self.workers
        ):
            self.sweeping = False
            self.reschedule()
