"""The line above the grid: organisation, findings by severity, up and down, sweep state."""

from __future__ import annotations

from collections import Counter

from rich.text import Text
from textual.widgets import Static

from checks.model import Lifecycle, Severity
from checks.store.views import AssetRow
from checks.text import inert
from tui.dashboard.widgets.risk import RISK_SYMBOL, risk_style
from tui.i18n import tr


class SummaryBar(Static):
    """Shows the state of the whole inventory; the parent calls `show()`."""

    DEFAULT_CSS = """
    SummaryBar { height: 2; background: $panel; padding: 0 1; }
    """

    def show(
        self,
        org: str,
        rows: list[AssetRow],
        lang: str,
        sweep: str,
        view: str,
        alerts_failing: int = 0,
    ) -> None:
        """Render the summary of `rows` with the sweep state and the view (filter, sort).

        Args:
            alerts_failing: alert channels whose last delivery failed (shown only when any).
        """
        text = Text(no_wrap=True, overflow="ellipsis", end="")
        text.append(inert(org), style="bold")
        text.append("  ")
        # Assets by their worst finding, as the grid's risk column shows them: the two agree.
        counts = Counter(r.risk for r in rows)
        # A retired asset that went dark is not "down": dark is what retiring it is for.
        states = Counter(r.up for r in rows if r.asset.lifecycle == Lifecycle.ACTIVE)
        for sev in (Severity.CRITICAL, Severity.HIGH, Severity.MEDIUM, Severity.LOW):
            n = counts[sev]
            text.append(f"{RISK_SYMBOL[sev]}{n}", style=risk_style(self.app, sev) if n else "")
            text.append(" ")
        down = states[False]
        text.append(" " + tr(lang, "sum.up", n=states[True]))
        text.append(" " + tr(lang, "sum.down", n=down), style="bold" if down else "")
        alive = sum(1 for r in rows if r.retired_alive)
        if alive:
            text.append("  ")
            text.append(f" ‼ {tr(lang, 'sum.retired_alive', n=alive)} ", style="bold reverse")
        if alerts_failing:
            text.append("  ")
            failing = tr(lang, "sum.alerts_failing", n=alerts_failing)
            text.append(f" ✗ {failing} ", style="bold reverse")
        text.append("\n")
        text.append(tr(lang, "sum.open", n=sum(r.open_findings for r in rows)) + "  ")
        text.append(sweep)
        if view:
            text.append(f"   {view}", style="italic")
        self.update(text)
