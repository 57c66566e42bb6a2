"""Two small forms of the checklists: a note with evidence, and a risk accepted until a date."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import TypeVar

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.widgets import Input, Label, Static

from checks.errors import UserError
from checks.service import remediation
from tui.dashboard.dialogs.base import FormDialog
from tui.i18n import tr

R = TypeVar("R")


@dataclass(frozen=True, slots=True)
class Note:
    """What a person says about a step they attest."""

    note: str
    evidence: str
    """A file path or a link."""


@dataclass(frozen=True, slots=True)
class Acceptance:
    """A finding's risk accepted for now."""

    reason: str
    until: datetime
    """Midnight UTC of the day the acceptance ends."""


class TwoFieldForm(FormDialog[R]):
    """A small dialog with two text fields; subclasses name them and validate."""

    HEADING = ""
    """String key of the dialog's heading."""
    FIELDS: tuple[tuple[str, str, str], ...] = ()
    """(id, label string key, placeholder) of the two fields."""

    about = ""
    """What the form acts on (the steps being attested), shown under its heading."""

    def on_mount(self) -> None:
        # query, not query_one: a form pushed as the app quits is never composed
        for field in self.query(f"#{self.FIELDS[0][0]}"):
            field.focus()

    def compose(self) -> ComposeResult:
        t = self.lang
        with Vertical(classes="dialog small"):
            yield Label(tr(t, self.HEADING), classes="title")
            if self.about:
                yield Static(Text(self.about), classes="about")
            for field_id, label, placeholder in self.FIELDS:
                yield Label(tr(t, label))
                yield Input(id=field_id, compact=True, placeholder=placeholder)
            yield Label("", id="error", classes="error")
            yield from self.buttons()

    def values(self) -> list[str]:
        """The fields' text, stripped, in order."""
        return [self.query_one(f"#{f[0]}", Input).value.strip() for f in self.FIELDS]


class NoteForm(TwoFieldForm[Note]):
    """A note and an evidence path or link for an attestation."""

    HEADING = "note.title"
    FIELDS = (
        ("note", "note.note", ""),
        ("evidence", "note.evidence", "/srv/evidence/… or https://…"),
    )

    def __init__(self, lang: str, about: str = "") -> None:
        """Args: about: what is being attested (the steps), plain text."""
        super().__init__(lang)
        self.about = about

    def action_save(self) -> None:
        """Close with the note and the evidence; evidence that is neither a file nor a link is
        refused here, with what was typed kept."""
        note, evidence = self.values()
        try:
            remediation.evidence_file(evidence)
        except UserError as exc:
            self.error(exc.text(self.lang))
            return
        self.dismiss(Note(note, evidence))


class AcceptRiskForm(TwoFieldForm[Acceptance]):
    """A reason and an expiry date for accepting a finding's risk."""

    HEADING = "risk.title"
    FIELDS = (("reason", "risk.reason", ""), ("until", "risk.until", "YYYY-MM-DD"))

    def __init__(self, lang: str, now: datetime) -> None:
        super().__init__(lang)
        self.now = now

    def action_save(self) -> None:
        """Validate the reason, then the date (in the future); an error keeps what was typed."""
        reason, until = self.values()
        if not reason:
            self.error(tr(self.lang, "risk.no_reason"))
            return
        try:
            date = datetime.fromisoformat(until).replace(tzinfo=UTC)
        except ValueError:
            self.error(tr(self.lang, "risk.bad_date"))
            return
        if date <= self.now:
            self.error(tr(self.lang, "risk.past_date"))
            return
        self.dismiss(Acceptance(reason, date))
