"""Modal forms: add or edit an asset, confirm a retirement, import a file, settings."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Grid, Horizontal, Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Button, Input, Label, Select, Static

from checks.i18n import UserError
from checks.inventory import ParsedFile, build_asset, parse_file
from checks.models import Asset, Kind, Lifecycle
from checks.resolver import parse_nameserver
from tui.bindings import localize
from tui.render import safe
from tui.strings import tr

FORM_BINDINGS: list[BindingType] = [
    Binding("escape", "cancel", "Cancel", id="cancel"),
    Binding("ctrl+s", "save", "Save", id="save"),
]


class _Form(ModalScreen[object]):
    """A modal with a grid of labelled fields, an error line and Save/Cancel."""

    BINDINGS = FORM_BINDINGS

    def __init__(self, lang: str) -> None:
        super().__init__()
        self.lang = lang
        localize(self, lang)

    def _buttons(self, ok_key: str = "key.save") -> ComposeResult:
        with Horizontal(classes="buttons"):
            yield Button(tr(self.lang, ok_key), variant="primary", id="ok", compact=True)
            yield Button(tr(self.lang, "key.cancel"), id="cancel", compact=True)

    def error(self, message: str) -> None:
        """Show a validation message (plain text, never markup)."""
        self.query_one("#error", Label).update(Text(message))

    def action_cancel(self) -> None:
        """Close without a result."""
        self.dismiss(None)

    def action_save(self) -> None:
        """Validate and close with the result; subclasses implement it."""

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


class AssetForm(_Form):
    """Add a new asset (`asset` None) or edit one; dismisses with the validated Asset."""

    def __init__(self, lang: str, asset: Asset | None = None) -> None:
        super().__init__(lang)
        self.asset = asset

    def compose(self) -> ComposeResult:
        t, a = self.lang, self.asset
        title = tr(t, "form.edit", name=a.display) if a else tr(t, "form.add")
        with Vertical(classes="dialog"):
            yield Label(Text(title), classes="title")
            with VerticalScroll(), Grid(classes="fields"):
                yield Label(tr(t, "form.name"))
                yield Input(a.display if a else "", id="name", compact=True, disabled=a is not None)
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
                    interval,
                    id="interval",
                    compact=True,
                    type="integer",
                    placeholder=tr(t, "form.default"),
                )
            yield Label(tr(t, "form.authorised"), classes="hint")
            yield Label("", id="error", classes="error")
            yield from self._buttons()

    def on_mount(self) -> None:
        self.query_one("#owner" if self.asset else "#name", Input).focus()

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


class ConfirmRetire(ModalScreen[bool]):
    """Ask before retiring an asset."""

    BINDINGS = FORM_BINDINGS

    def __init__(self, lang: str, asset: Asset) -> None:
        super().__init__()
        self.lang = lang
        self.asset = asset
        localize(self, lang)

    def compose(self) -> ComposeResult:
        t = self.lang
        with Vertical(classes="dialog small"):
            yield Label(Text(tr(t, "retire.title", name=safe(self.asset.display))), classes="title")
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


class ImportForm(_Form):
    """Pick a file, see its per-row errors, then import the good rows."""

    def __init__(self, lang: str) -> None:
        super().__init__(lang)
        self.parsed: ParsedFile | None = None

    def compose(self) -> ComposeResult:
        t = self.lang
        with Vertical(classes="dialog"):
            yield Label(tr(t, "import.title"), classes="title")
            yield Label(tr(t, "import.path"))
            yield Input(id="path", compact=True, placeholder="assets.csv")
            yield Label(tr(t, "form.authorised"), classes="hint")
            yield Label("", id="error", classes="error")
            yield VerticalScroll(Static(id="report"), classes="report")
            yield from self._buttons("import.run")

    def on_mount(self) -> None:
        self.query_one("#path", Input).focus()

    def _parse(self) -> None:
        path = Path(self.query_one("#path", Input).value.strip()).expanduser()
        self.parsed = None
        try:
            self.parsed = parse_file(path)
        except UserError as exc:
            self.error(exc.text(self.lang))
            return
        self.error("")
        report = Text()
        report.append(f"{len(self.parsed.assets)} ✓   {len(self.parsed.errors)} ✗\n", style="bold")
        for err in self.parsed.errors:
            report.append(
                tr(self.lang, "import.line", line=err.line, error=safe(err.error.text(self.lang)))
                + "\n"
            )
        self.query_one("#report", Static).update(report)

    def enter_pressed(self) -> None:
        """Enter in the path field shows the file's report; Import (ctrl+s) imports."""
        self._parse()

    def action_save(self) -> None:
        """Parse (if not yet) and close with the parsed file."""
        if self.parsed is None:
            self._parse()
        if self.parsed is not None:
            self.dismiss(self.parsed)


class SettingsForm(_Form):
    """Organisation, interval, concurrency, nameservers and language; dismisses with a dict."""

    def __init__(self, lang: str, values: dict[str, str]) -> None:
        super().__init__(lang)
        self.values = values

    def compose(self) -> ComposeResult:
        t, v = self.lang, self.values
        with Vertical(classes="dialog"):
            yield Label(tr(t, "settings.title"), classes="title")
            with Grid(classes="fields"):
                yield Label(tr(t, "settings.org"))
                yield Input(v["org_name"], id="org_name", compact=True)
                yield Label(tr(t, "settings.interval"))
                yield Input(v["interval_min"], id="interval_min", compact=True, type="integer")
                yield Label(tr(t, "settings.concurrency"))
                yield Input(v["concurrency"], id="concurrency", compact=True, type="integer")
                yield Label(tr(t, "settings.nameservers"))
                yield Input(v["nameservers"], id="nameservers", compact=True)
                yield Label(tr(t, "settings.lang"))
                yield Select(
                    [("中文", "zh"), ("English", "en")],
                    value=v["lang"],
                    allow_blank=False,
                    id="lang",
                    compact=True,
                )
            yield Label("", id="error", classes="error")
            yield from self._buttons()

    def on_mount(self) -> None:
        self.query_one("#org_name", Input).focus()

    def action_save(self) -> None:
        """Validate numbers and nameservers, then close with the new values."""
        values = {
            k: self.query_one(f"#{k}", Input).value.strip()
            for k in ("org_name", "interval_min", "concurrency", "nameservers")
        }
        values["lang"] = str(self.query_one("#lang", Select).value)
        for key, label in (
            ("interval_min", "settings.interval"),
            ("concurrency", "settings.concurrency"),
        ):
            if not values[key].isdigit() or int(values[key]) < 1:
                self.error(tr(self.lang, "error.number", field=tr(self.lang, label)))
                return
        try:
            for spec in values["nameservers"].split():
                parse_nameserver(spec)
        except UserError as exc:
            self.error(exc.text(self.lang))
            return
        self.dismiss(values)


class _TwoFields(_Form):
    """A small dialog with two text fields; subclasses name them and validate."""

    TITLE = ""
    FIELDS: tuple[tuple[str, str, str], ...] = ()
    """(id, label string key, placeholder) of the two fields."""

    def compose(self) -> ComposeResult:
        t = self.lang
        with Vertical(classes="dialog small"):
            yield Label(tr(t, self.TITLE), classes="title")
            for field_id, label, placeholder in self.FIELDS:
                yield Label(tr(t, label))
                yield Input(id=field_id, compact=True, placeholder=placeholder)
            yield Label("", id="error", classes="error")
            yield from self._buttons()

    def on_mount(self) -> None:
        self.query_one(f"#{self.FIELDS[0][0]}", Input).focus()

    def values(self) -> list[str]:
        """The fields' text, stripped, in order."""
        return [self.query_one(f"#{f[0]}", Input).value.strip() for f in self.FIELDS]


class NoteForm(_TwoFields):
    """A note and an evidence path or link for an attestation; dismisses with (note, evidence)."""

    TITLE = "note.title"
    FIELDS = (
        ("note", "note.note", ""),
        ("evidence", "note.evidence", "/srv/evidence/… or https://…"),
    )

    def action_save(self) -> None:
        """Close with the note and the evidence."""
        note, evidence = self.values()
        self.dismiss((note, evidence))


class AcceptRiskForm(_TwoFields):
    """A reason and an expiry date for accepting a finding's risk; dismisses with (reason, date)."""

    TITLE = "risk.title"
    FIELDS = (("reason", "risk.reason", ""), ("until", "risk.until", "2027-03-31"))

    def action_save(self) -> None:
        """Validate the date and close with (reason, date)."""
        reason, until = self.values()
        try:
            date = datetime.fromisoformat(until).replace(tzinfo=UTC)
        except ValueError:
            self.error(tr(self.lang, "risk.bad_date"))
            return
        if not reason:
            self.error(tr(self.lang, "risk.no_reason"))
            return
        self.dismiss((reason, date))
