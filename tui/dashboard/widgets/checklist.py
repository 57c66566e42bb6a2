"""The remediation checklists of an asset: each step as the core computed it; manual ones attested.

The widget renders `AssetDetail.checklists` and `.decommission` and never decides whether a step
holds. Its keys only ask: the asset screen attests, through the store and the service.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from rich.text import Text
from textual.binding import Binding
from textual.message import Message
from textual.widgets import OptionList
from textual.widgets.option_list import Option

from checks.knowledge.playbooks import StepKind, cite
from checks.store.views import AssetDetail
from checks.workflow.checklists import Checklist, StepState
from tui.dashboard.bindings import localize
from tui.dashboard.widgets.cells import attested_by, progress_bar
from tui.dashboard.widgets.risk import RISK_SYMBOL, risk_style
from tui.i18n import tr


@dataclass(frozen=True, slots=True)
class StepRef:
    """What one option of the checklist stands for."""

    state: StepState
    finding_id: int | None = None
    """The finding whose playbook the step is in; None for a decommission step."""

    @property
    def manual(self) -> bool:
        """A person attests it (auto steps are verified by the next probe)."""
        return self.state.step.kind == StepKind.MANUAL


class ChecklistView(OptionList):
    """One heading per checklist (its progress), then its steps."""

    BINDINGS = [
        Binding("space", "toggle_step", "Attest", id="attest"),
        Binding("n", "note", "Note", id="note"),
        Binding("k", "accept", "Accept risk", id="accept"),
    ]
    """Keys of the checklist tab."""

    @dataclass
    class StepToggled(Message):
        """The admin wants a manual step attested, or its attestation taken back."""

        ref: StepRef

    @dataclass
    class NoteRequested(Message):
        """The admin wants to attest a manual step with a note and evidence."""

        ref: StepRef

    @dataclass
    class AcceptRequested(Message):
        """The admin wants to accept a finding's risk."""

        finding_id: int

    def __init__(self, lang: str, clock: Callable[[], datetime], **kwargs: object) -> None:
        super().__init__(**kwargs)  # type: ignore[arg-type]
        self.lang = lang
        self.clock = clock
        self._refs: dict[str, StepRef] = {}
        localize(self, lang)

    def show(self, detail: AssetDetail) -> None:
        """Rebuild the list from the asset's checklists, keeping the highlighted step."""
        keep = self.highlighted_option.id if self.highlighted_option else None
        options: list[Option] = []
        self._refs = {}
        if detail.decommission:
            options.append(self._heading("decommission", self._decommission_head(detail)))
            for state in detail.decommission:
                options.append(self._step(f"decommission-{state.index}", StepRef(state)))
        for checklist in detail.checklists:
            finding_id = checklist.record.id
            options.append(self._heading(f"finding-{finding_id}", self._finding_head(checklist)))
            for state in checklist.steps:
                ref = StepRef(state, finding_id)
                options.append(self._step(f"finding-{finding_id}-{state.index}", ref))
        self.clear_options()
        self.add_options(options)
        ids = [o.id for o in options]
        if keep in ids:
            self.highlighted = ids.index(keep)

    def ref_at(self, index: int) -> StepRef | None:
        """The step the option at `index` stands for (None for a heading)."""
        option_id = self.get_option_at_index(index).id
        return self._refs.get(option_id) if option_id else None

    @property
    def highlighted_ref(self) -> StepRef | None:
        """The step under the cursor, if the cursor is on a step."""
        option = self.highlighted_option
        return self._refs.get(option.id) if option is not None and option.id else None

    # -- rendering -----------------------------------------------------------------------

    def _heading(self, option_id: str, text: Text) -> Option:
        return Option(text, id=option_id, disabled=True)

    def _decommission_head(self, detail: AssetDetail) -> Text:
        done = sum(s.done for s in detail.decommission)
        total = len(detail.decommission)
        head = Text(tr(self.lang, "decommission.title"), style="bold reverse")
        head.append(f"  {progress_bar(done, total)} {done}/{total}")
        return head

    def _finding_head(self, checklist: Checklist) -> Text:
        t = self.lang
        record = checklist.record
        severity = record.finding.severity
        total = len(checklist.steps)
        head = Text(f"{RISK_SYMBOL[severity]} ", style=risk_style(self.app, severity))
        head.append(record.finding.title.text(t), style="bold")
        head.append(f"  [{tr(t, f'status.{record.status}')}]  ")
        head.append(f"{progress_bar(checklist.done, total)} {checklist.done}/{total}")
        return head

    def _step(self, option_id: str, ref: StepRef) -> Option:
        t = self.lang
        state = ref.state
        marks = ("☐", "☑") if ref.manual else ("·", "✓")
        mark = marks[state.done]
        line = Text(f"  {mark} ", style="bold" if state.done else "")
        line.append(f"[{tr(t, f'step.{state.step.kind}')}] ", style="dim")
        line.append(state.step.text.text(t))
        if state.step.law:
            line.append(f"  ({cite(state.step.law, t)})", style="dim")
        if state.attestation is not None:
            line.append(f"  {attested_by(state.attestation)}", style="italic")
        self._refs[option_id] = ref
        return Option(line, id=option_id)

    # -- keys ------------------------------------------------------------------------------

    def _manual_step_or_warn(self) -> StepRef | None:
        ref = self.highlighted_ref
        if ref is not None and not ref.manual:
            self.app.notify(tr(self.lang, "notify.auto_step"), severity="warning", markup=False)
            return None
        return ref

    def action_toggle_step(self) -> None:
        """Attest the highlighted manual step, or take the attestation back."""
        if ref := self._manual_step_or_warn():
            self.post_message(self.StepToggled(ref))

    def action_note(self) -> None:
        """Attest the highlighted manual step with a note and evidence."""
        if ref := self._manual_step_or_warn():
            self.post_message(self.NoteRequested(ref))

    def action_accept(self) -> None:
        """Accept the risk of the finding whose step is under the cursor."""
        ref = self.highlighted_ref
        if ref is not None and ref.finding_id is not None:
            self.post_message(self.AcceptRequested(ref.finding_id))
