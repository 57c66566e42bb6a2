"""The Discovered list: names found outside the inventory, waiting for someone to decide.

Adopt opens the add form filled in; not ours and ignore ask for a reason (logged) and keep
the name quiet when it is found again; adopt and retire adds it as retiring, so that its
decommission checklist verifies it goes dark.
"""

from __future__ import annotations

from functools import partial

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.widgets import OptionList, Static
from textual.widgets.option_list import Option

from checks.model import Asset, Kind
from checks.names import display_name
from checks.service import domains
from checks.store.domains import DiscoveredName, Triage
from checks.text import inert
from tui.dashboard.dialogs.asset_form import AssetForm
from tui.dashboard.dialogs.reason import ReasonForm
from tui.dashboard.screens.base import DashboardScreen
from tui.dashboard.widgets.key_bar import KeyBar
from tui.i18n import tr


class DiscoveredScreen(DashboardScreen):
    """One line per discovered name, waiting ones first."""

    BINDINGS = [
        Binding("escape", "back", "Back", id="back"),
        Binding("a", "adopt", "Adopt", id="adopt"),
        Binding("n", "not_ours", "Not ours", id="not-ours"),
        Binding("i", "ignore", "Ignore", id="ignore"),
        Binding("x", "adopt_retire", "Adopt+retire", id="adopt-retire"),
        Binding("question_mark", "help", "Help", id="help", key_display="?"),
        Binding("q", "quit", "Quit", id="quit"),
    ]
    """Keys of the Discovered list."""

    def __init__(self, lang: str) -> None:
        super().__init__(lang)
        self.names: dict[str, DiscoveredName] = {}
        """Option id (the name) -> its row."""

    def compose(self) -> ComposeResult:
        yield Static(Text(tr(self.lang, "disc.title"), style="bold"), id="asset-title")
        yield OptionList(id="discovered")
        yield KeyBar()

    def on_mount(self) -> None:
        self.show()
        self.query_one(OptionList).focus()

    def data_changed(self, changed: set[int]) -> None:
        """A sweep may have found more names."""
        self.show()

    def show(self) -> None:
        """Render the list, keeping the highlighted name."""
        t = self.lang
        view = self.query_one(OptionList)
        keep = view.highlighted_option.id if view.highlighted_option else None
        rows = self.dash.store.discovered.rows()
        self.names = {r.name: r for r in rows}
        options: list[Option] = []
        for r in rows:
            line = Text("● " if r.state == Triage.NEW else "  ", style="bold")
            line.append(display_name(r.name), style="bold" if r.state == Triage.NEW else "")
            line.append(f"  {tr(t, f'disc.state.{r.state}')}", style="italic")
            line.append(f"  ← {inert(display_name(r.asset))}" if r.asset else "", style="dim")
            line.append(f"  {inert(r.how)}", style="dim")
            if r.reason:
                line.append(f"  “{inert(r.reason)}”", style="dim")
            options.append(Option(line, id=r.name))
        if not options:
            options.append(Option(Text(tr(t, "disc.empty")), disabled=True))
        view.clear_options()
        view.add_options(options)
        ids = [o.id for o in options]
        if keep in ids:
            view.highlighted = ids.index(keep)

    def _waiting(self) -> DiscoveredName | None:
        option = self.query_one(OptionList).highlighted_option
        row = self.names.get(option.id) if option is not None and option.id else None
        if row is None:
            self.notify(tr(self.lang, "notify.no_selection"), severity="warning", markup=False)
            return None
        if row.state != Triage.NEW:
            state = tr(self.lang, f"disc.state.{row.state}")
            self.notify(tr(self.lang, "disc.decided", name=row.name, state=state), markup=False)
            return None
        return row

    def _done(self, name: str, state: Triage) -> None:
        text = tr(
            self.lang,
            "disc.done",
            name=display_name(name),
            state=tr(self.lang, f"disc.state.{state}"),
        )
        self.notify(text, markup=False)
        self.dash.sync()
        self.show()

    def action_adopt(self) -> None:
        """Open the add form with the name filled in."""
        if row := self._waiting():
            draft = Asset(row.name, Kind.WEBSITE)
            form = AssetForm(self.lang, draft=draft)
            self.app.push_screen(form, partial(self._adopted, row.name))

    def _adopted(self, name: str, asset: Asset | None) -> None:
        if asset is None:
            return
        with self.dash.user_errors():
            saved = domains.adopt(self.dash.store, asset, name)
            self._done(name, Triage.ADOPTED)
            self.dash.reprobe(saved.asset)

    def action_not_ours(self) -> None:
        """Mark the name not ours, with a reason."""
        if row := self._waiting():
            self.app.push_screen(
                ReasonForm(self.lang), partial(self._marked, row.name, Triage.NOT_OURS)
            )

    def action_ignore(self) -> None:
        """Ignore the name, with a reason."""
        if row := self._waiting():
            self.app.push_screen(
                ReasonForm(self.lang), partial(self._marked, row.name, Triage.IGNORED)
            )

    def _marked(self, name: str, state: Triage, reason: str | None) -> None:
        if not reason:
            return
        with self.dash.user_errors():
            domains.mark(self.dash.store, name, state, reason)
            self._done(name, state)

    def action_adopt_retire(self) -> None:
        """Add the name as retiring: its decommission checklist starts."""
        if row := self._waiting():
            with self.dash.user_errors():
                saved = domains.adopt_and_retire(self.dash.store, row.name)
                self._done(row.name, Triage.RETIRED)
                self.dash.reprobe(saved.asset)
