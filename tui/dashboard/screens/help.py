"""Every key of the screen the admin is on, in their language."""

from __future__ import annotations

from rich.cells import cell_len
from rich.console import Group
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Label, Static

from tui.dashboard.bindings import localize
from tui.dashboard.widgets.wrap import Hanging
from tui.i18n import STRINGS, tr


class HelpScreen(ModalScreen[None]):
    """Lists bindings (key, what it does); any of escape, q or ? closes it."""

    BINDINGS = [
        Binding("escape,q,question_mark", "dismiss", "Back", id="back"),
    ]
    """Keys of the help."""

    def __init__(self, lang: str, keys: list[tuple[str, str]]) -> None:
        """Args: keys: (key as shown, binding id) pairs."""
        super().__init__()
        self.lang = lang
        self.keys = keys
        localize(self, lang)

    def compose(self) -> ComposeResult:
        width = min(12, max((cell_len(key) for key, _ in self.keys), default=1))
        lines = []
        for key, binding_id in self.keys:
            help_key = f"help.{binding_id}"
            what = tr(self.lang, help_key) if help_key in STRINGS else binding_id
            pad = " " * max(0, width - cell_len(key))
            lead = Text(f"{pad}{key}  ", style="bold")
            lines.append(Hanging(lead, Text(what)))
        with Vertical(classes="dialog"):
            yield Label(tr(self.lang, "help.title"), classes="title")
            yield VerticalScroll(Static(Group(*lines)))
            yield Label(tr(self.lang, "help.close"), classes="hint")
