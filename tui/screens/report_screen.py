"""The rectification report, read in the dashboard and written to a file."""

from __future__ import annotations

from pathlib import Path

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import Screen
from textual.widgets import Footer, Markdown

from tui.bindings import localize


class ReportScreen(Screen[None]):
    """Shows the Markdown report; w writes it (Markdown, HTML and JSON) next to the database."""

    BINDINGS = [
        Binding("escape", "app.pop_screen", "Back", id="back"),
        Binding("w", "app.write_report", "Write", id="write"),
    ]

    def __init__(self, lang: str, markdown: str, folder: Path | None = None) -> None:
        super().__init__()
        self.lang = lang
        self.markdown = markdown
        self.folder = folder
        localize(self, lang)

    def compose(self) -> ComposeResult:
        with VerticalScroll():
            yield Markdown(self.markdown)
        yield Footer(compact=True)
