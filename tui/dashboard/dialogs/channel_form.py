"""Add or change an alert channel, and confirm removing one. Secrets are typed into password
fields and never shown again."""

from __future__ import annotations

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.containers import Grid, Horizontal, Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Button, Input, Label, Select, Static

from checks.alerting import DEFAULT_MIN_SEVERITY, ChannelKind, MailSecurity
from checks.errors import UserError
from checks.model import Lang, Severity
from checks.service.channels import ChannelInput, build
from checks.text import inert
from tui.dashboard.bindings import localize
from tui.dashboard.dialogs.base import FORM_BINDINGS, FormDialog
from tui.i18n import tr

TEXT_FIELDS = ("name", "url", "secret", "quiet", "smtp", "sender", "recipients", "user")
"""The form's text fields (ChannelInput's names); the secret is a password field."""


class ChannelForm(FormDialog[ChannelInput]):
    """Dismisses with what was typed, already checked by `checks.service.channels.build`."""

    AUTO_FOCUS = "#name"

    def __init__(self, lang: str) -> None:
        super().__init__(lang)

    def compose(self) -> ComposeResult:
        t = self.lang
        with Vertical(classes="dialog"):
            yield Label(tr(t, "channels.form_title"), classes="title")
            with VerticalScroll(), Grid(classes="fields"):
                yield Label(tr(t, "channels.field.kind"))
                kinds = [(str(k), str(k)) for k in ChannelKind]
                yield Select(kinds, value="dingtalk", allow_blank=False, id="kind", compact=True)
                for field in TEXT_FIELDS:
                    yield Label(tr(t, f"channels.field.{field}"))
                    yield Input(id=field, compact=True, password=field == "secret")
                yield Label(tr(t, "channels.field.security"))
                security = [(str(s), str(s)) for s in MailSecurity]
                yield Select(
                    security, value="plain", allow_blank=False, id="security", compact=True
                )
                yield Label(tr(t, "channels.field.min_severity"))
                severities = [(str(s), str(s)) for s in Severity]
                default = str(DEFAULT_MIN_SEVERITY)
                yield Select(
                    severities, value=default, allow_blank=False, id="min_severity", compact=True
                )
                yield Label(tr(t, "channels.field.lang"))
                langs = [("中文", Lang.ZH.value), ("English", Lang.EN.value)]
                yield Select(langs, value=t, allow_blank=False, id="lang", compact=True)
            yield Label("", id="error", classes="error")
            yield from self.buttons()

    def typed(self) -> ChannelInput:
        """What the fields say."""
        text = {f: self.query_one(f"#{f}", Input).value.strip() for f in TEXT_FIELDS}
        picked = {
            f: str(self.query_one(f"#{f}", Select).value)
            for f in ("kind", "security", "min_severity", "lang")
        }
        return ChannelInput(
            kind=picked["kind"],
            name=text["name"],
            url=text["url"],
            secret=self.query_one("#secret", Input).value,
            smtp=text["smtp"],
            sender=text["sender"],
            recipients=tuple(text["recipients"].replace(",", " ").split()),
            security=picked["security"],
            user=text["user"],
            min_severity=picked["min_severity"],
            quiet=text["quiet"],
            lang=picked["lang"],
        )

    def action_save(self) -> None:
        """Check the channel; close with it, or say what is wrong."""
        given = self.typed()
        try:
            build(given)
        except UserError as exc:
            self.error(exc.text(self.lang))
            return
        self.dismiss(given)


class ConfirmRemoveChannel(ModalScreen[bool]):
    """Dismisses with True to remove the channel (and what it has not delivered)."""

    BINDINGS = FORM_BINDINGS

    def __init__(self, lang: str, name: str, waiting: int) -> None:
        super().__init__()
        self.lang = lang
        self.channel_name = name
        self.waiting = waiting
        localize(self, lang)

    def compose(self) -> ComposeResult:
        t = self.lang
        with Vertical(classes="dialog small"):
            title = tr(t, "channels.remove_title", name=inert(self.channel_name))
            yield Label(Text(title), classes="title")
            yield Static(Text(tr(t, "channels.remove_body", n=self.waiting)))
            with Horizontal(classes="buttons"):
                yield Button(tr(t, "channels.remove_yes"), variant="error", id="ok", compact=True)
                yield Button(tr(t, "key.cancel"), id="cancel", compact=True)

    def action_save(self) -> None:
        """Remove it."""
        self.dismiss(True)

    def action_cancel(self) -> None:
        """Keep it."""
        self.dismiss(False)

    @on(Button.Pressed, "#ok")
    def _ok(self) -> None:
        self.dismiss(True)

    @on(Button.Pressed, "#cancel")
    def _cancel(self) -> None:
        self.dismiss(False)
