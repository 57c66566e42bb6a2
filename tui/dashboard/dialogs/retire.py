"""Ask before a one-key action that destroys or silences: retire, delete, accept a baseline,
take an attestation back. Cancel has the focus: Enter alone never does the harm."""

from __future__ import annotations

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Label, Static

from checks.model import Asset
from checks.text import inert
from tui.dashboard.bindings import localize
from tui.dashboard.dialogs.base import FORM_BINDINGS
from tui.i18n import tr


class Confirm(ModalScreen[bool]):
    """Dismisses with True to go ahead, False to leave things as they are.

    Args:
        title: the question, naming what it acts on (plain text: names come from anywhere).
        body: what going ahead does.
        yes: the label of the button that goes ahead.
    """

    BINDINGS = FORM_BINDINGS
    AUTO_FOCUS = "#cancel"
    """Cancel has the focus: Enter alone never goes ahead."""

    def __init__(self, lang: str, title: str, body: str, yes: str) -> None:
        super().__init__()
        self.lang = lang
        self.title_text = title
        self.body = body
        self.yes = yes
        localize(self, lang)

    def compose(self) -> ComposeResult:
        t = self.lang
        with Vertical(classes="dialog small"):
            yield Label(Text(self.title_text), classes="title")
            yield Static(Text(self.body))
            with Horizontal(classes="buttons"):
                yield Button(f"{self.yes} (^s)", variant="error", id="ok", compact=True)
                yield Button(f"{tr(t, 'key.cancel')} (esc)", id="cancel", compact=True)

    def action_save(self) -> None:
        """Go ahead."""
        self.dismiss(True)

    def action_cancel(self) -> None:
        """Leave things as they are."""
        self.dismiss(False)

    @on(Button.Pressed, "#ok")
    def _ok(self) -> None:
        self.dismiss(True)

    @on(Button.Pressed, "#cancel")
    def _cancel(self) -> None:
        self.dismiss(False)


class ConfirmRetire(Confirm):
    """Retire an asset? It then goes through the decommission checklist."""

    def __init__(self, lang: str, asset: Asset) -> None:
        title = tr(lang, "retire.title", name=inert(asset.display))
        super().__init__(lang, title, tr(lang, "retire.body"), tr(lang, "retire.yes"))
        self.asset = asset
