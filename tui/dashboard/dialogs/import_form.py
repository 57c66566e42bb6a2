"""Import a CSV or JSON file: every rejected row is shown with its line before anything is saved."""

from __future__ import annotations

from pathlib import Path

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Vertical, VerticalScroll
from textual.widgets import Input, Label, Static

from checks.errors import UserError
from checks.intake import ParsedFile, parse_file
from checks.text import inert
from tui.dashboard.dialogs.base import FormDialog
from tui.i18n import tr


class ImportForm(FormDialog[ParsedFile]):
    """Pick a file, see its per-row errors, then import the good rows; dismisses with the parse."""

    AUTO_FOCUS = "#path"

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
            yield from self.buttons("import.run")

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
            line = tr(self.lang, "import.line", line=err.line, error=err.error.text(self.lang))
            report.append(inert(line) + "\n")
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
