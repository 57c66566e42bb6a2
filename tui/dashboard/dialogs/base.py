"""What every form of the dashboard shares: Save and Cancel keys and buttons, an error line."""

from __future__ import annotations

from typing import Generic, TypeVar

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal
from textual.screen import ModalScreen
from textual.widgets import Button, Input, Label

from tui.dashboard.bindings import localize
from tui.i18n import tr

R = TypeVar("R")

FORM_BINDINGS: list[BindingType] = [
    Binding("escape", "cancel", "Cancel", id="cancel"),
    Binding("ctrl+s", "save", "Save", id="save"),
]
"""Keys of every form."""


class FormDialog(ModalScreen[R | None], Generic[R]):
    """A modal form that dismisses with a validated `R`, or None when cancelled."""

    BINDINGS = FORM_BINDINGS

    def __init__(self, lang: str) -> None:
        super().__init__()
        self.lang = lang
        localize(self, lang)

    def buttons(self, ok_key: str = "key.save") -> ComposeResult:
        """The OK and Cancel buttons, in the user's language."""
        with Horizontal(classes="buttons"):
            ok = f"{tr(self.lang, ok_key)} (^s)"
            yield Button(ok, variant="primary", id="ok", compact=True)
            yield Button(f"{tr(self.lang, 'key.cancel')} (esc)", id="cancel", compact=True)

    def error(self, message: str) -> None:
        """Show a validation message (plain text, never markup)."""
        self.query_one("#error", Label).update(Text(message))

    def action_cancel(self) -> None:
        """Close without a result."""
        self.dismiss(None)

    def action_save(self) -> None:
        """Validate, then `dismiss()` with the result; each form implements it."""
        raise NotImplementedError

    @on(Button.Pressed, "#ok")
    def _ok(self) -> None:
        self.action_save()

    @on(Button.Pressed, "#cancel")
    def _cancel(self) -> None:
        self.action_cancel()

    @on(Input.Submitted)
    def _submitted(self) -> None:
        self.enter_pressed()

    def enter_pressed(self) -> None:
        """Enter in a field saves; a form may do something else first."""
        self.action_save()
