"""The drill-down: one asset's DNS, responses, certificate, findings, checklists and history."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from functools import partial

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.widgets import Sparkline, Static, TabbedContent, TabPane, Tabs

from checks.model import Asset
from checks.service import remediation
from checks.store.views import AssetDetail
from checks.text import inert
from tui.dashboard.dialogs.note import Acceptance, AcceptRiskForm, Note, NoteForm
from tui.dashboard.dialogs.retire import Confirm
from tui.dashboard.screens import asset_text
from tui.dashboard.screens.base import AssetActions
from tui.dashboard.widgets.cells import attested_by
from tui.dashboard.widgets.checklist import ChecklistView, StepRef
from tui.dashboard.widgets.key_bar import KeyBar
from tui.dashboard.widgets.risk import risk_cell
from tui.i18n import tr


class AssetScreen(AssetActions):
    """Tabs for one asset; the app calls `data_changed()` when the store has news of it."""

    BINDINGS = [
        Binding("escape", "back", "Back", id="back"),
        Binding("r", "reprobe", "Probe", id="reprobe"),
        Binding("e", "edit", "Edit", id="edit"),
        Binding("x", "retire", "Retire", id="retire"),
        Binding("b", "accept_baseline", "Baseline", id="baseline"),
        Binding("p", "pause", "Pause", id="pause"),
        Binding("left", "tab(-1)", "Previous tab", id="tab-prev", show=False, key_display="←"),
        Binding("right", "tab(1)", "Next tab", id="tab-next", show=False, key_display="→"),
        Binding("question_mark", "help", "Help", id="help", key_display="?"),
        Binding("q", "quit", "Quit", id="quit"),
    ]
    """Keys of the asset screen (the checklist tab adds its own)."""

    TABS = ("overview", "findings", "checklist", "history")

    HELP_ALSO = (ChecklistView,)
    HELP_EXTRA = (("Tab", "tabs"), ("PgUp PgDn", "move"))

    def __init__(
        self,
        detail: AssetDetail,
        lang: str,
        clock: Callable[[], datetime],
        *,
        tab: str = "overview",
        finding: int | None = None,
    ) -> None:
        """Args:
        tab: the tab to open on (`checklist` from the fix-first screen).
        finding: on the checklist, put the cursor on this finding's first step to do.
        """
        super().__init__(lang)
        self.detail = detail
        self.clock = clock
        self.tab = tab
        self.finding = finding

    @property
    def asset_id(self) -> int | None:
        """The asset this screen shows."""
        return self.detail.asset.id

    def selected_asset(self) -> Asset | None:
        """The asset this screen shows, as the store last had it."""
        return self.detail.asset

    def compose(self) -> ComposeResult:
        t = self.lang
        yield Static(id="asset-title")
        with TabbedContent(initial=self.tab):
            with TabPane(tr(t, "tab.overview"), id="overview"):
                yield VerticalScroll(Static(id="overview-body"))
            with TabPane(tr(t, "tab.findings"), id="findings"):
                yield VerticalScroll(Static(id="findings-body"))
            with TabPane(tr(t, "tab.checklist"), id="checklist"):
                yield ChecklistView(self.lang, self.clock, id="checklist-body")
            with TabPane(tr(t, "tab.history"), id="history"):
                yield Static(tr(t, "detail.response"), classes="label")
                yield Sparkline([], id="sparkline")
                yield VerticalScroll(Static(id="history-body"))
        yield KeyBar()

    def shown_bindings(self) -> list[Binding]:
        """On the checklist tab its keys come first (after esc): attest, note, mark, accept."""
        own = super().shown_bindings()
        if self.query_one(TabbedContent).active != "checklist":
            return own
        steps = [b for b in ChecklistView.BINDINGS if isinstance(b, Binding)]
        return [*own[:1], *steps, *own[1:]]

    @on(TabbedContent.TabActivated)
    def _tab_changed(self) -> None:
        """The checklist's keys work at once: its list takes the focus (← → still switch)."""
        tabs = self.query_one(TabbedContent)
        if tabs.active == "checklist":
            self.query_one("#checklist-body", ChecklistView).focus()
        else:
            tabs.query_one(Tabs).focus()  # ← → keep switching tabs
        self.refresh_keys()

    def action_tab(self, step: int) -> None:
        """The previous or next tab (from the checklist; the tab bar does this itself)."""
        tabs = self.query_one(TabbedContent)
        at = self.TABS.index(tabs.active) if tabs.active in self.TABS else 0
        tabs.active = self.TABS[(at + step) % len(self.TABS)]

    def on_mount(self) -> None:
        self.show(self.detail)
        if self.tab == "checklist":
            view = self.query_one("#checklist-body", ChecklistView)
            if self.finding is not None:
                view.highlight_finding(self.finding)
            view.focus()

    def data_changed(self, changed: set[int]) -> None:
        """Reload the asset when it changed."""
        if self.asset_id in changed and self.asset_id is not None:
            detail = self.dash.store.views.asset_detail(self.asset_id)
            if detail is not None:
                self.show(detail)

    def show(self, detail: AssetDetail) -> None:
        """Render `detail` into the tabs."""
        self.detail = detail
        t, now = self.lang, self.clock()
        asset = detail.asset
        title = Text(inert(asset.display), style="bold", no_wrap=True, overflow="ellipsis")
        title.append(f"  {tr(t, f'kind.{asset.kind}')} · {tr(t, f'life.{asset.lifecycle}')}  ")
        # The grid's own row: the header says what the grid says (risk, open findings).
        rows = self.dash.store.views.asset_rows([asset.id]) if asset.id is not None else []
        if rows:
            row = rows[0]
            title.append_text(risk_cell(self.app, row.risk, row.probed, t, row.pending))
            if row.open_findings:
                title.append(f"  {tr(t, 'sum.open', n=row.open_findings)}")
        self.query_one("#asset-title", Static).update(title)
        self.query_one("#overview-body", Static).update(asset_text.overview(detail, t, now))
        findings = asset_text.findings(self.app, detail, t, now)
        self.query_one("#findings-body", Static).update(findings)
        self.query_one("#checklist-body", ChecklistView).show(detail)
        times = [ms for _, ms, _ in detail.history if ms is not None]
        self.query_one("#sparkline", Sparkline).data = times or [0.0]
        self.query_one("#history-body", Static).update(asset_text.history(detail, t, now))

    # -- the checklist tab asks; this attests -----------------------------------------------

    def _attest(self, refs: list[StepRef], note: str = "", evidence: str = "") -> None:
        """Attest manual steps not yet done: worklist steps together (one transaction, for
        every finding each covers), decommission steps one by one."""
        store, asset = self.dash.store, self.detail.asset
        todo = [r for r in refs if r.manual and not r.done]
        with self.dash.user_errors():
            keys = [r.key for r in todo if not r.decommission]
            if keys:
                remediation.attest_steps(store, asset, keys, note, evidence)
            for ref in todo:
                if ref.decommission:
                    remediation.attest_decommission(store, asset, ref.index, note, evidence)
        self.dash.sync()

    @on(ChecklistView.StepToggled)
    def _toggled(self, event: ChecklistView.StepToggled) -> None:
        refs = event.refs
        if len(refs) > 1 or not refs[0].done:
            self._attest(refs)
        elif not refs[0].decommission:
            self._ask_unattest(refs[0])
        else:
            self.notify(tr(self.lang, "notify.decommission_attested"), markup=False)

    def _ask_unattest(self, ref: StepRef) -> None:
        """A second space asks before the attestation (and its note) is taken back."""
        t = self.lang
        body = tr(t, "unattest.body")
        if ref.attestation is not None:
            body = f"{attested_by(ref.attestation)}\n\n{body}"
        if len(ref.covers) > 1:
            body += "\n" + tr(t, "unattest.shared", n=len(ref.covers))
        title = tr(t, "unattest.title", step=ref.step.text.text(t))
        ask = Confirm(t, title, body, tr(t, "unattest.yes"))
        self.app.push_screen(ask, partial(self._unattest, ref))

    def _unattest(self, ref: StepRef, confirmed: bool | None) -> None:
        if not confirmed:
            return
        with self.dash.user_errors():
            remediation.unattest_step(self.dash.store, self.detail.asset, ref.key)
        self.dash.sync()

    @on(ChecklistView.NoteRequested)
    def _note_requested(self, event: ChecklistView.NoteRequested) -> None:
        t = self.lang
        about = "\n".join(f"☐ {r.step.text.text(t)}" for r in event.refs)
        form = NoteForm(t, about)
        self.app.push_screen(form, partial(self._noted, event.refs))

    def _noted(self, refs: list[StepRef], note: Note | None) -> None:
        if note is not None:
            self._attest(refs, note.note, note.evidence)

    @on(ChecklistView.AcceptRequested)
    def _accept_requested(self, event: ChecklistView.AcceptRequested) -> None:
        done = partial(self._accepted, event.finding_id)
        self.app.push_screen(AcceptRiskForm(self.lang, self.clock()), done)

    def _accepted(self, finding_id: int, acceptance: Acceptance | None) -> None:
        if acceptance is None:
            return
        with self.dash.user_errors():
            self.dash.store.findings.accept_risk(finding_id, acceptance.reason, acceptance.until)
            self.dash.sync()
