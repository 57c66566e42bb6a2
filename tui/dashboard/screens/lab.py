"""Demo mode: play the admin's real-world actions on the loopback lab."""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Label, OptionList
from textual.widgets.option_list import Option

from checks.lab.controls import LabControl
from tui.dashboard.bindings import localize
from tui.i18n import tr


class LabScreen(ModalScreen[str | None]):
    """Pick a lab control; dismisses with its id (the grid applies it and re-probes)."""

    BINDINGS = [Binding("escape", "dismiss(None)", "Back", id="back")]
    """Keys of the lab controls."""

    def __init__(self, lang: str, controls: list[LabControl]) -> None:
        super().__init__()
        self.lang = lang
        self.controls = controls
        localize(self, lang)

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Label(tr(self.lang, "lab.title"), classes="title")
            yield Label(tr(self.lang, "lab.hint"), classes="hint")
            yield OptionList(*(Option(c.text.text(self.lang), id=c.id) for c in self.controls))

    @on(OptionList.OptionSelected)
    def _chosen(self, event: OptionList.OptionSelected) -> None:
        self.dismiss(event.option.id)
