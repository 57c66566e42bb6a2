"""Ask before retiring an asset (it then goes through the decommission checklist)."""

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


class ConfirmRetire(ModalScreen[bool]):
    """Dismisses with True to retire the asset, False to keep it as it is."""

    BINDINGS = FORM_BINDINGS

    def __init__(self, lang: str, asset: Asset) -> None:
        super().__init__()
        self.lang = lang
        self.asset = asset
        localize(self, lang)

    def compose(self) -> ComposeResult:
        t = self.lang
        with Vertical(classes="dialog small"):
            title = tr(t, "retire.title", name=inert(self.asset.display))
            yield Label(Text(title), classes="title")
            yield Static(tr(t, "retire.body"))
            with Horizontal(classes="buttons"):
                yield Button(tr(t, "retire.yes"), variant="error", id="ok", compact=True)
                yield Button(tr(t, "key.cancel"), id="cancel", compact=True)

    def action_save(self) -> None:
        """Confirm."""
        self.dismiss(True)

    def action_cancel(self) -> None:
        """Keep the asset as it is."""
        self.dismiss(False)

    @on(Button.Pressed, "#ok")
    def _ok(self) -> None:
        self.dismiss(True)

    @on(Button.Pressed, "#cancel")
    def _cancel(self) -> None:
        self.dismiss(False)
