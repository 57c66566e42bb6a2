"""Add an asset or edit one: validated with the same rules as the command line and import."""

from __future__ import annotations

from dataclasses import replace

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Grid, Vertical, VerticalScroll
from textual.widgets import Input, Label, Select

from checks.errors import UserError
from checks.intake import build_asset
from checks.model import Asset, Kind, Lifecycle
from checks.text import inert
from tui.dashboard.dialogs.base import FormDialog
from tui.i18n import tr


class AssetForm(FormDialog[Asset]):
    """Add a new asset (`asset` None) or edit one; dismisses with the validated Asset.

    The lifecycle asked for is only a wish: saving goes through `checks.service.inventory.save`,
    where "retired" on an active asset starts the decommission checklist instead.
    """

    def __init__(
        self, lang: str, asset: Asset | None = None, *, draft: Asset | None = None
    ) -> None:
        super().__init__(lang)
        self.asset = asset
        self.draft = draft
        """A new asset's fields filled in beforehand (a discovered name being adopted)."""

    def compose(self) -> ComposeResult:
        t, a = self.lang, self.asset or self.draft
        title = tr(t, "form.edit", name=inert(a.display)) if self.asset and a else tr(t, "form.add")
        with Vertical(classes="dialog"):
            yield Label(Text(title), classes="title")
            with VerticalScroll(), Grid(classes="fields"):
                yield Label(tr(t, "form.name"))
                yield Input(
                    a.display if a else "", id="name", compact=True, disabled=self.asset is not None
                )
                yield Label(tr(t, "form.kind"))
                yield Select(
                    [(tr(t, f"kind.{k}"), k.value) for k in Kind],
                    value=(a.kind if a else Kind.WEBSITE).value,
                    allow_blank=False,
                    id="kind",
                    compact=True,
                )
                yield Label(tr(t, "form.owner"))
                yield Input(a.owner if a else "", id="owner", compact=True)
                yield Label(tr(t, "form.status"))
                yield Select(
                    [(tr(t, f"life.{s}"), s.value) for s in Lifecycle],
                    value=(a.lifecycle if a else Lifecycle.ACTIVE).value,
                    allow_blank=False,
                    id="status",
                    compact=True,
                )
                yield from self._text_fields()
            yield Label(tr(t, "form.authorised"), classes="hint")
            yield Label("", id="error", classes="error")
            yield from self.buttons()

    def on_mount(self) -> None:
        # query, not query_one: a form pushed as the app quits is never composed
        for field in self.query("#owner" if self.asset else "#name"):
            field.focus()

    def _text_fields(self) -> ComposeResult:
        t, a = self.lang, self.asset or self.draft
        yield Label(tr(t, "form.urls"))
        yield Input(" ".join(a.urls) if a else "", id="urls", compact=True)
        yield Label(tr(t, "form.icp"))
        yield Input(a.icp if a else "", id="icp", compact=True)
        yield Label(tr(t, "form.tags"))
        yield Input(" ".join(a.tags) if a else "", id="tags", compact=True)
        yield Label(tr(t, "form.notes"))
        yield Input(a.notes if a else "", id="notes", compact=True)
        yield Label(tr(t, "form.interval"))
        interval = str(a.interval_s // 60) if a and a.interval_s else ""
        yield Input(
            interval, id="interval", compact=True, type="integer", placeholder=tr(t, "form.default")
        )

    def _value(self, field: str) -> str:
        return self.query_one(f"#{field}", Input).value.strip()

    def action_save(self) -> None:
        """Validate with the same rules as the command line and import."""
        try:
            asset = build_asset(
                {
                    "name": self.asset.name if self.asset else self._value("name"),
                    "kind": str(self.query_one("#kind", Select).value),
                    "owner": self._value("owner"),
                    "status": str(self.query_one("#status", Select).value),
                    "url": self._value("urls"),
                    "icp": self._value("icp"),
                    "tags": self._value("tags"),
                    "notes": self._value("notes"),
                }
            )
        except UserError as exc:
            self.error(exc.text(self.lang))
            return
        minutes = self._value("interval")
        if minutes and (not minutes.isdigit() or int(minutes) < 1):
            self.error(tr(self.lang, "error.number", field=tr(self.lang, "form.interval")))
            return
        asset = replace(asset, interval_s=int(minutes) * 60 if minutes else None)
        if self.asset is not None:
            asset = replace(asset, id=self.asset.id)
        self.dismiss(asset)
