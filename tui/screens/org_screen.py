"""The organisation checklist: the regulator's seven demands, computed or attested."""

from __future__ import annotations

from dataclasses import dataclass

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.message import Message
from textual.screen import Screen
from textual.widgets import Footer, OptionList, Static
from textual.widgets.option_list import Option

from checks.org_checklist import ItemState, groups
from tui.bindings import localize
from tui.render import safe
from tui.strings import tr
from tui.widgets.checklist import progress_bar


class OrgScreen(Screen[None]):
    """Items grouped under the demands; space attests a manual item, n attests with a note."""

    BINDINGS = [
        Binding("escape", "app.pop_screen", "Back", id="back"),
        Binding("space", "attest", "Attest", id="attest"),
        Binding("n", "note", "Note", id="note"),
    ]

    @dataclass
    class AttestRequested(Message):
        """The admin attests an organisation checklist item."""

        item_id: str
        with_note: bool

    def __init__(self, lang: str, states: list[ItemState]) -> None:
        super().__init__()
        self.lang = lang
        self.states = states
        localize(self, lang)

    def compose(self) -> ComposeResult:
        yield Static(Text(tr(self.lang, "org.title"), style="bold"), id="asset-title")
        yield OptionList(id="org-items")
        yield Footer(compact=True)

    def on_mount(self) -> None:
        self.show(self.states)
        self.query_one(OptionList).focus()

    def show(self, states: list[ItemState]) -> None:
        """Render the items, keeping the highlighted one."""
        self.states = states
        t = self.lang
        view = self.query_one(OptionList)
        keep = view.highlighted_option.id if view.highlighted_option else None
        options = []
        for gid, en, zh in groups():
            mine = [s for s in states if s.item.group == gid]
            done = sum(s.done for s in mine)
            head = Text(zh if t == "zh" else en, style="bold")
            head.append(f"  {progress_bar(done, len(mine))} {done}/{len(mine)}")
            options.append(Option(head, id=f"g:{gid}", disabled=True))
            for s in mine:
                line = Text(f"  {'☑' if s.done else '☐'} ", style="bold" if s.done else "")
                line.append(f"[{tr(t, f'mode.{s.item.mode}')}] ", style="dim")
                line.append(s.item.text(t))
                if s.detail:
                    line.append(f"  {safe(s.detail)}", style="dim")
                if s.attestation:
                    who = s.attestation
                    note = f" — {who['note']}" if who["note"] else ""
                    line.append(
                        f"  {safe(who['actor'])} {who['at'][:10]}{safe(note)}", style="italic"
                    )
                options.append(Option(line, id=f"i:{s.item.id}:{s.item.mode}"))
        view.clear_options()
        view.add_options(options)
        ids = [o.id for o in options]
        if keep in ids:
            view.highlighted = ids.index(keep)

    def _item(self) -> str | None:
        option = self.query_one(OptionList).highlighted_option
        if option is None or not option.id or not option.id.startswith("i:"):
            return None
        _, item_id, mode = option.id.split(":")
        if mode == "auto":
            self.app.notify(tr(self.lang, "notify.auto_step"), severity="warning")
            return None
        return item_id

    def action_attest(self) -> None:
        """Attest the highlighted manual or semi-automatic item."""
        if item := self._item():
            self.post_message(self.AttestRequested(item, False))

    def action_note(self) -> None:
        """Attest it with a note and evidence."""
        if item := self._item():
            self.post_message(self.AttestRequested(item, True))
