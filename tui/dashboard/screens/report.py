"""The rectification report, read in the dashboard and written to files next to the database."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.widgets import Markdown, Static

from checks.errors import UserError
from checks.report import Report
from checks.report.html import to_html
from checks.report.markdown import to_markdown
from checks.service.files import write_private
from checks.service.reports import build_report
from checks.text import inert, json_text
from tui.dashboard.screens.base import DashboardScreen
from tui.dashboard.widgets.key_bar import KeyBar
from tui.i18n import tr


class ReportScreen(DashboardScreen):
    """The report of `since`..`until` as Markdown; w writes it as Markdown, HTML and JSON."""

    BINDINGS = [
        Binding("escape", "back", "Back", id="back"),
        Binding("w", "write", "Write", id="write"),
        Binding("question_mark", "help", "Help", id="help", key_display="?"),
        Binding("q", "quit", "Quit", id="quit"),
    ]
    """Keys of the report screen."""

    def __init__(self, lang: str, since: datetime, until: datetime) -> None:
        super().__init__(lang)
        self.since = since
        self.until = until
        self.report: Report | None = None
        """None while the report is being built."""
        self.markdown = ""

    def compose(self) -> ComposeResult:
        yield Static(tr(self.lang, "report.building"), id="report-state")
        with VerticalScroll():
            yield Markdown("", id="report-body")
        yield KeyBar()

    def on_mount(self) -> None:
        self.build()

    @work(thread=True, exclusive=True, group="report", name="report", exit_on_error=False)
    def build(self) -> None:
        """Build the report on a worker thread with its own database connection: the screen
        answers keys (esc, q) meanwhile. The report reads the whole audit log of the period."""
        store = self.dash.store.reopen(clock=self.dash.clock)
        try:
            report = build_report(store, self.since, self.until, self.lang)
        finally:
            store.close()
        markdown = to_markdown(report)
        # call_from_thread awaits a coroutine function's result; its stub types only plain ones
        self.app.call_from_thread(self._built, report, markdown)  # type: ignore[arg-type]

    async def _built(self, report: Report, markdown: str) -> None:
        if not self.is_mounted:
            return  # the admin left before it was ready
        self.report, self.markdown = report, markdown
        await self.query_one("#report-body", Markdown).update(markdown)
        self.query_one("#report-state", Static).display = False
        self.refresh_keys()

    def applies(self, action: str) -> bool:
        """w writes the report once it is built."""
        return self.report is not None if action == "write" else True

    def action_write(self) -> None:
        """Write the report as Markdown, HTML and JSON next to the database."""
        report = self.report
        if report is None:
            self.notify(tr(self.lang, "report.not_ready"), markup=False)
            return
        path = self.dash.store.path
        folder = path.parent if path is not None else Path.cwd()
        stamp = self.until.strftime("%Y%m%d-%H%M")
        files = []
        try:
            for ext, text in (
                ("md", self.markdown),
                ("html", to_html(report)),
                ("json", json_text(report, indent=1)),
            ):
                out = folder / f"assetwatch-report-{stamp}.{ext}"
                write_private(out, text.encode("utf-8"))
                files.append(inert(str(out)))
        except UserError as exc:
            failed = tr(self.lang, "notify.report_failed", error=exc.text(self.lang))
            self.notify(failed, severity="error", markup=False)
            return
        written = tr(self.lang, "notify.report", files=", ".join(files))
        self.notify(written, markup=False, timeout=10)
