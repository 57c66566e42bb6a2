"""The drill-down: one asset's DNS, responses, certificate, findings, steps and history."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

import humanize
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import Screen
from textual.widgets import Footer, Sparkline, Static, TabbedContent, TabPane

from checks.models import HttpEntry
from checks.overview import AssetDetail
from tui.bindings import localize
from tui.render import safe
from tui.strings import tr
from tui.widgets.checklist import ChecklistView
from tui.widgets.risk import RISK_SYMBOL, risk_style


def _line(text: Text, label: str, value: str, style: str = "") -> None:
    text.append(f"{label}: ", style="bold")
    text.append(safe(value) + "\n", style=style)


class AssetScreen(Screen[None]):
    """Tabs for one asset. The app calls `show()` whenever the asset's data changes."""

    BINDINGS = [
        Binding("escape", "app.pop_screen", "Back", id="back"),
        Binding("r", "app.reprobe", "Probe", id="reprobe"),
        Binding("e", "app.edit", "Edit", id="edit"),
        Binding("x", "app.retire", "Retire", id="retire"),
        Binding("b", "app.accept_baseline", "Baseline", id="baseline"),
    ]
    """Keys of the asset screen; the actions live on the app so the palette offers them too."""

    def __init__(self, detail: AssetDetail, lang: str, clock: Callable[[], datetime]) -> None:
        super().__init__()
        self.detail = detail
        self.lang = lang
        self.clock = clock
        localize(self, lang)

    @property
    def asset_id(self) -> int | None:
        """The asset this screen shows."""
        return self.detail.asset.id

    def compose(self) -> ComposeResult:
        t = self.lang
        yield Static(id="asset-title")
        with TabbedContent():
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
        yield Footer(compact=True)

    def on_mount(self) -> None:
        self.show(self.detail)

    def show(self, detail: AssetDetail) -> None:
        """Render `detail` into the tabs."""
        self.detail = detail
        t = self.lang
        asset = detail.asset
        title = Text(safe(asset.display), style="bold")
        title.append(f"  {tr(t, f'kind.{asset.kind}')} · {tr(t, f'life.{asset.lifecycle}')}")
        if detail.findings:
            worst = detail.findings[0].finding.severity
            title.append("  ")
            title.append(
                f"{RISK_SYMBOL[worst]} {tr(t, f'risk.{worst}')}", style=risk_style(self.app, worst)
            )
        self.query_one("#asset-title", Static).update(title)
        self.query_one("#overview-body", Static).update(self._overview())
        self.query_one("#findings-body", Static).update(self._findings())
        self.query_one("#checklist-body", ChecklistView).show(detail)
        times = [ms for _, ms, _ in detail.history if ms is not None]
        self.query_one("#sparkline", Sparkline).data = times or [0.0]
        self.query_one("#history-body", Static).update(self._history())

    def _overview(self) -> Text:
        t, d = self.lang, self.detail
        text = Text()
        _line(text, tr(t, "detail.owner"), d.asset.owner or "—")
        if d.asset.icp:
            _line(text, tr(t, "detail.icp"), d.asset.icp)
        if d.asset.urls:
            _line(text, tr(t, "detail.urls"), " ".join(d.asset.urls))
        if d.asset.notes:
            _line(text, tr(t, "detail.notes"), d.asset.notes)
        outcome = d.outcome
        if outcome is None:
            text.append("\n" + tr(t, "detail.never"), style="italic")
            return text
        dns = outcome.dns
        text.append(f"\n{tr(t, 'detail.dns')}\n", style="bold underline")
        text.append(f"  {dns.status.upper()}  {', '.join(dns.addresses) or '—'}\n")
        if dns.cname_chain:
            text.append("  CNAME " + safe(" → ".join((dns.name, *dns.cname_chain))) + "\n")
        if dns.ns:
            text.append("  NS " + safe(", ".join(dns.ns)) + "\n")
        if dns.soa:
            text.append("  SOA " + safe(dns.soa) + "\n")
        if dns.error:
            text.append("  " + safe(dns.error) + "\n", style="dim")
        if outcome.http:
            text.append(f"\n{tr(t, 'detail.http')}\n", style="bold underline")
            for entry in outcome.http:
                self._entry(text, entry)
        certs = [e for e in outcome.http if e.tls is not None]
        if certs and certs[0].tls is not None:
            cert = certs[0].tls
            now = self.clock()
            text.append(f"\n{tr(t, 'detail.tls')}\n", style="bold underline")
            text.append(f"  subject  {safe(cert.subject)}\n  issuer   {safe(cert.issuer)}\n")
            text.append(f"  SANs     {safe(', '.join(cert.sans))}\n")
            text.append(f"  valid    {cert.not_before:%Y-%m-%d} → {cert.not_after:%Y-%m-%d} ")
            text.append(f"({(cert.not_after - now).days}d)\n", style="bold")
            verdict = "verified" if cert.verified else f"NOT verified: {cert.verify_error}"
            text.append(
                f"  chain    {safe(verdict)}; name {'ok' if cert.hostname_ok else 'MISMATCH'}\n"
            )
        return text

    def _entry(self, text: Text, entry: HttpEntry) -> None:
        text.append(f"  {safe(entry.url)}\n", style="bold")
        if entry.hops:
            chain = " → ".join(f"{h.status}" for h in entry.hops)
            text.append(f"    {chain}  {entry.elapsed_ms:.0f} ms")
            if entry.address:
                text.append(f"  @{entry.address}")
            text.append("\n")
        if entry.error:
            text.append(f"    {entry.error}: {safe(entry.error_detail)}\n", style="dim")
        if entry.title:
            text.append(f"    «{safe(entry.title)}»\n")
        server = entry.header("server")
        if server:
            text.append(f"    Server: {safe(server)}\n", style="dim")
        if len(entry.hops) > 1:
            for hop in entry.hops:
                text.append(f"      {hop.status} {safe(hop.url)}\n", style="dim")

    def _findings(self) -> Text:
        t = self.lang
        text = Text()
        if not self.detail.findings:
            return Text(tr(t, "detail.no_findings"), style="italic")
        now = self.clock()
        for record in self.detail.findings:
            f = record.finding
            text.append(
                f"{RISK_SYMBOL[f.severity]} {tr(t, f'risk.{f.severity}')} ",
                style=risk_style(self.app, f.severity),
            )
            text.append(f"{f.title(t)}  ", style="bold")
            text.append(f"{f.check}\n", style="dim")
            text.append(f"  {safe(f.evidence)}\n")
            first = humanize.naturaltime(record.first_seen, when=now)
            last = humanize.naturaltime(record.last_seen, when=now)
            text.append(
                f"  {tr(t, 'detail.first_seen')} {first} · {tr(t, 'detail.last_seen')} {last}\n\n",
                style="dim",
            )
        return text

    def _history(self) -> Text:
        t = self.lang
        text = Text()
        now = self.clock()
        for at, ms, status in reversed(self.detail.history[-10:]):
            when = humanize.naturaltime(at, when=now)
            text.append(f"  {when:<18} HTTP {status if status is not None else '—':<4} ")
            text.append(f"{ms:.0f} ms\n" if ms is not None else "—\n")
        text.append(f"\n{tr(t, 'detail.events')}\n", style="bold underline")
        for event in reversed(self.detail.events):
            text.append(
                f"  {event['at'][:16].replace('T', ' ')}  {safe(event['actor'])}  {event['action']}"
            )
            changes = event["detail"].get("changes")
            if changes:
                text.append(
                    "  " + safe(", ".join(f"{k}: {a!s} → {b!s}" for k, (a, b) in changes.items()))
                )
            text.append("\n")
        return text
