"""The remediation checklist of an asset's findings: steps with their state, manual ones toggled."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from rich.text import Text
from textual.binding import Binding
from textual.message import Message
from textual.widgets import OptionList
from textual.widgets.option_list import Option

from checks.laws import cite
from checks.overview import AssetDetail
from checks.playbooks import auto_step_done, playbook_for
from tui.bindings import localize
from tui.render import safe
from tui.strings import tr
from tui.widgets.risk import RISK_SYMBOL, risk_style


def progress_bar(done: int, total: int, width: int = 10) -> str:
    """▰▰▰▱▱ style bar."""
    filled = round(width * done / total) if total else width
    return "▰" * filled + "▱" * (width - filled)


class ChecklistView(OptionList):
    """One heading per finding (its progress), then its steps. The app attests; this only asks."""

    BINDINGS = [
        Binding("space", "toggle_step", "Attest", id="attest"),
        Binding("n", "note", "Note", id="note"),
        Binding("k", "accept", "Accept risk", id="accept"),
    ]

    @dataclass
    class StepToggled(Message):
        """The admin wants a manual step attested (or un-attested)."""

        finding_id: int
        step: int
        attested: bool

    @dataclass
    class DecommissionStepToggled(Message):
        """The admin attests a manual step of the asset's decommission checklist."""

        asset_id: int
        step: int

    @dataclass
    class AcceptRequested(Message):
        """The admin wants to accept a finding's risk."""

        finding_id: int

    @dataclass
    class NoteRequested(Message):
        """The admin wants to attest a manual step with a note and evidence."""

        finding_id: int
        step: int

    def __init__(self, lang: str, clock: Callable[[], datetime], **kwargs: object) -> None:
        super().__init__(**kwargs)  # type: ignore[arg-type]
        self.lang = lang
        self.clock = clock
        localize(self, lang)

    def show(self, detail: AssetDetail) -> None:
        """Rebuild the list from the asset's findings, keeping the highlighted step."""
        keep = self.highlighted_option.id if self.highlighted_option else None
        t = self.lang
        firing = {r.finding.check for r in detail.findings if r.firing}
        options: list[Option] = []
        if detail.decommission and detail.asset.id is not None:
            done = sum(s.done for s in detail.decommission)
            head = Text(tr(t, "decommission.title"), style="bold reverse")
            total = len(detail.decommission)
            head.append(f"  {progress_bar(done, total)} {done}/{total}")
            options.append(Option(head, id="h:decommission", disabled=True))
            for s in detail.decommission:
                mark = (
                    ("✓" if s.done else "·") if s.step.kind == "auto" else ("☑" if s.done else "☐")
                )
                line = Text(f"  {mark} ", style="bold" if s.done else "")
                line.append(f"[{tr(t, f'step.{s.step.kind}')}] ", style="dim")
                line.append(s.step.text(t))
                if s.attestation:
                    line.append(
                        f"  {safe(s.attestation['actor'])} {s.attestation['at'][:10]}",
                        style="italic",
                    )
                options.append(
                    Option(line, id=f"d:{detail.asset.id}:{s.index}:{s.step.kind}:{int(s.done)}")
                )
        for record in detail.findings:
            book = playbook_for(record.finding.check)
            if book is None or record.id is None:
                continue
            done_manual = detail.attestations.get(record.id, {})
            states = []
            for index, step in enumerate(book.steps):
                if step.kind == "auto":
                    ok = auto_step_done(
                        step, record.finding.check, firing, detail.outcome, self.clock()
                    )
                else:
                    ok = index in done_manual
                states.append(ok)
            sev = record.finding.severity
            head = Text(f"{RISK_SYMBOL[sev]} ", style=risk_style(self.app, sev))
            head.append(record.finding.title(t), style="bold")
            head.append(f"  [{tr(t, f'status.{record.status}')}]  ")
            head.append(f"{progress_bar(sum(states), len(states))} {sum(states)}/{len(states)}")
            options.append(Option(head, id=f"h:{record.id}", disabled=True))
            for index, (step, ok) in enumerate(zip(book.steps, states, strict=True)):
                mark = ("✓" if ok else "·") if step.kind == "auto" else ("☑" if ok else "☐")
                line = Text(f"  {mark} ", style="bold" if ok else "")
                line.append(f"[{tr(t, f'step.{step.kind}')}] ", style="dim")
                line.append(step.text(t))
                if step.law:
                    line.append(f"  ({cite(step.law, t)})", style="dim")
                who = done_manual.get(index)
                if who:
                    note = f" — {who['note']}" if who["note"] else ""
                    line.append(
                        f"  {safe(who['actor'])} {who['at'][:10]}{safe(note)}", style="italic"
                    )
                options.append(Option(line, id=f"s:{record.id}:{index}:{step.kind}:{int(ok)}"))
        self.clear_options()
        self.add_options(options)
        ids = [o.id for o in options]
        if keep in ids:
            self.highlighted = ids.index(keep)
        elif keep is not None:
            prefix = ":".join(keep.split(":")[:3])
            self.highlighted = next(
                (i for i, o in enumerate(ids) if o and o.startswith(prefix)), None
            )

    def _step(self) -> tuple[int, int, bool] | None:
        option = self.highlighted_option
        if option is not None and option.id and option.id.startswith("d:"):
            _, asset_id, step, kind, ok = option.id.split(":")
            if kind == "manual" and ok == "0":
                self.post_message(self.DecommissionStepToggled(int(asset_id), int(step)))
            elif kind != "manual":
                self.app.notify(tr(self.lang, "notify.auto_step"), severity="warning")
            return None
        if option is None or not option.id or not option.id.startswith("s:"):
            return None
        _, finding_id, step, kind, ok = option.id.split(":")
        if kind != "manual":
            self.app.notify(tr(self.lang, "notify.auto_step"), severity="warning")
            return None
        return int(finding_id), int(step), ok == "1"

    def action_toggle_step(self) -> None:
        """Attest the highlighted manual step, or take the attestation back."""
        step = self._step()
        if step is not None:
            self.post_message(self.StepToggled(step[0], step[1], not step[2]))

    def action_note(self) -> None:
        """Attest the highlighted manual step with a note and evidence."""
        step = self._step()
        if step is not None:
            self.post_message(self.NoteRequested(step[0], step[1]))

    def action_accept(self) -> None:
        """Accept the risk of the finding under the cursor (its heading or one of its steps)."""
        option = self.highlighted_option
        if option is not None and option.id and option.id.startswith("s:"):
            self.post_message(self.AcceptRequested(int(option.id.split(":")[1])))
