"""The organisation checklist: the regulator's seven demands, computed or attested."""

from __future__ import annotations

from functools import partial

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.widgets import OptionList, Static
from textual.widgets.option_list import Option

from checks.knowledge.org_items import ItemMode, OrgItem, demands
from checks.service import org
from checks.text import inert
from checks.workflow.org import ItemState, progress
from tui.dashboard.dialogs.note import Note, NoteForm
from tui.dashboard.screens.base import DashboardScreen
from tui.dashboard.widgets.cells import attested_by, progress_bar
from tui.dashboard.widgets.key_bar import KeyBar
from tui.dashboard.widgets.wrap import Hanging
from tui.i18n import tr

NO_NOTE = Note("", "")
"""What space attests with."""


class OrgScreen(DashboardScreen):
    """Items grouped under the demands; space attests a manual item, n attests with a note."""

    BINDINGS = [
        Binding("escape", "back", "Back", id="back"),
        Binding("space", "attest", "Attest", id="attest"),
        Binding("n", "note", "Note", id="note"),
        Binding("question_mark", "help", "Help", id="help", key_display="?"),
        Binding("q", "quit", "Quit", id="quit"),
    ]
    """Keys of the organisation checklist."""

    def __init__(self, lang: str) -> None:
        super().__init__(lang)
        self.items: dict[str, OrgItem] = {}
        """Option id -> the item it shows (the option id is the item's id)."""

    def compose(self) -> ComposeResult:
        yield Static(Text(tr(self.lang, "org.title"), style="bold"), id="asset-title")
        yield OptionList(id="org-items")
        yield KeyBar()

    def on_mount(self) -> None:
        self.show(org.states(self.dash.store))
        self.query_one(OptionList).focus()

    def data_changed(self, changed: set[int]) -> None:
        """Findings or assets changed: the computed items may have too."""
        self.show(org.states(self.dash.store))

    def show(self, states: list[ItemState]) -> None:
        """Render the items, keeping the highlighted one."""
        t = self.lang
        view = self.query_one(OptionList)
        keep = view.highlighted_option.id if view.highlighted_option else None
        options = []
        self.items = {}
        for demand in demands():
            done, total = progress(states, demand.id)
            head = Text(demand.title.text(t), style="bold")
            head.append(f"  {progress_bar(done, total)} {done}/{total}")
            options.append(Option(head, disabled=True))
            for state in (s for s in states if s.item.group == demand.id):
                options.append(self._line(state))
        view.clear_options()
        view.add_options(options)
        ids = [o.id for o in options]
        if keep in ids:
            view.highlighted = ids.index(keep)

    def _line(self, state: ItemState) -> Option:
        t = self.lang
        # ☑ done, ☐ not done, ? could not be verified (unknown is never ☑)
        mark = "☑" if state.done else "?" if state.not_verified else "☐"
        lead = Text(f"  {mark} ", style="bold" if state.done else "")
        line = Text()
        line.append(f"[{tr(t, f'mode.{state.item.mode}')}] ", style="dim")
        line.append(state.item.text.text(t))
        if state.detail:
            line.append(f"  {inert(state.detail)}", style="dim")
        if state.not_verified:
            why = tr(t, "org.not_verified", why=inert(state.not_verified))
            line.append(f"  {why}", style="bold")
        if state.attestation is not None:
            line.append(f"  {attested_by(state.attestation)}", style="italic")
        self.items[state.item.id] = state.item
        return Option(Hanging(lead, line), id=state.item.id)

    def highlighted_item(self) -> OrgItem | None:
        """The item under the cursor."""
        option = self.query_one(OptionList).highlighted_option
        return self.items.get(option.id) if option is not None and option.id else None

    def _attestable_or_warn(self) -> OrgItem | None:
        item = self.highlighted_item()
        if item is not None and item.mode == ItemMode.AUTO:
            self.notify(tr(self.lang, "notify.auto_step"), severity="warning", markup=False)
            return None
        return item

    def _attest(self, item: OrgItem, note: Note = NO_NOTE) -> None:
        with self.dash.user_errors():
            org.attest(self.dash.store, item.id, note.note, note.evidence)
            self.show(org.states(self.dash.store))

    def action_attest(self) -> None:
        """Attest the highlighted manual or semi-automatic item."""
        if item := self._attestable_or_warn():
            self._attest(item)

    def action_note(self) -> None:
        """Attest it with a note and evidence."""
        if item := self._attestable_or_warn():
            self.app.push_screen(NoteForm(self.lang), partial(self._noted, item))

    def _noted(self, item: OrgItem, note: Note | None) -> None:
        if note is not None:
            self._attest(item, note)
