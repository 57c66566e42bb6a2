"""The organisation's settings: name, interval, concurrency, timeout, DNS servers, language.

They are stored in the database, so `assetwatch scan` and cron jobs probe with them too
(`checks.service.sweeps.config_from`).
"""

from __future__ import annotations

from dataclasses import replace

from textual.app import ComposeResult
from textual.containers import Grid, Vertical
from textual.widgets import Input, Label, Select

from checks.errors import UserError
from checks.model import Lang, Settings
from checks.probe import parse_nameserver
from tui.dashboard.dialogs.base import FormDialog
from tui.i18n import tr

MAX_TIMEOUT_S = 3600
"""The store refuses longer timeouts; a URL that takes an hour is down."""

FIELDS = ("org_name", "interval_min", "concurrency", "timeout", "nameservers")
"""The form's text fields, named as the settings they edit."""
INTEGERS = ("interval_min", "concurrency")


def stored_text(settings: Settings) -> dict[str, str]:
    """Each setting the form edits as the store keeps it (empty: not set, the default applies)."""
    return {
        "org_name": settings.org_name,
        "interval_min": str(settings.interval_min),
        "concurrency": str(settings.concurrency or ""),
        "timeout": f"{settings.timeout:g}" if settings.timeout else "",
        "nameservers": " ".join(settings.nameservers),
        "lang": str(settings.lang or ""),
    }


class SettingsForm(FormDialog[Settings]):
    """Dismisses with the settings as the admin left them (validated)."""

    AUTO_FOCUS = "#org_name"

    def __init__(self, lang: str, settings: Settings) -> None:
        super().__init__(lang)
        self.settings = settings

    def compose(self) -> ComposeResult:
        t = self.lang
        text = stored_text(self.settings)
        with Vertical(classes="dialog"):
            yield Label(tr(t, "settings.title"), classes="title")
            with Grid(classes="fields"):
                for field in FIELDS:
                    yield Label(tr(t, f"settings.{field}"))
                    yield Input(
                        text[field],
                        id=field,
                        compact=True,
                        type="integer" if field in INTEGERS else "text",
                        placeholder=tr(t, "form.default") if field != "org_name" else "",
                    )
                yield Label(tr(t, "settings.lang"))
                yield Select(
                    [("中文", Lang.ZH.value), ("English", Lang.EN.value)],
                    value=str(self.settings.lang or Lang.EN),
                    allow_blank=False,
                    id="lang",
                    compact=True,
                )
            yield Label("", id="error", classes="error")
            yield from self.buttons()

    def _number(self, field: str, required: bool, limit: float = float("inf")) -> float | None:
        raw = self.query_one(f"#{field}", Input).value.strip()
        if not raw and not required:
            return None
        integer = field in INTEGERS
        try:
            value = float(raw) if not integer or raw.isdigit() else 0.0
        except ValueError:
            value = 0.0
        if not 0 < value < limit:
            raise UserError(
                tr(Lang.EN, "error.number", field=tr(Lang.EN, f"settings.{field}")),
                tr(Lang.ZH, "error.number", field=tr(Lang.ZH, f"settings.{field}")),
            )
        return value

    def action_save(self) -> None:
        """Validate numbers and nameservers, then close with the new settings."""
        try:
            interval = self._number("interval_min", required=True)
            concurrency = self._number("concurrency", required=False)
            timeout = self._number("timeout", required=False, limit=MAX_TIMEOUT_S)
            nameservers = tuple(self.query_one("#nameservers", Input).value.split())
            for spec in nameservers:
                parse_nameserver(spec)
        except UserError as exc:
            self.error(exc.text(self.lang))
            return
        self.dismiss(
            replace(
                self.settings,
                org_name=self.query_one("#org_name", Input).value.strip(),
                interval_min=int(interval or 0),
                concurrency=int(concurrency) if concurrency else None,
                timeout=timeout,
                nameservers=nameservers,
                lang=Lang(str(self.query_one("#lang", Select).value)),
            )
        )
