"""An asset's remediation checklist without busywork: each step once, however many findings share
it (`checks.workflow.checklists.worklist`), and the decommission checklist while it retires.

The widget renders what the core computed and never decides whether a step holds. Its keys only
ask: the asset screen attests, through the service. Several steps can be marked (`m`) and then
attested together, with one note (`n`) or without (`space`).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime

from rich.text import Text
from textual.binding import Binding
from textual.message import Message
from textual.widgets import OptionList
from textual.widgets.option_list import Option

from checks.knowledge.playbooks import Step, StepKind, cite
from checks.model import Attestation, FindingRecord
from checks.store.views import AssetDetail
from checks.text import inert
from checks.workflow.checklists import Checklist, StepKey, worklist
from tui.dashboard.bindings import localize
from tui.dashboard.widgets.cells import attested_by, progress_bar
from tui.dashboard.widgets.risk import RISK_SYMBOL, risk_style
from tui.dashboard.widgets.wrap import Hanging
from tui.i18n import tr


@dataclass(frozen=True, slots=True)
class StepRef:
    """What one option of the checklist stands for: a worklist step or a decommission step."""

    step: Step
    done: bool
    attestation: Attestation | None = None
    key: StepKey = ""
    """The worklist key (`attest_steps`); empty for a decommission step."""
    index: int = 0
    """The decommission step's index (from 0)."""
    finding_id: int | None = None
    """The finding the step is listed under (the worst it covers); None for decommission."""
    covers: tuple[int, ...] = ()
    """Every finding the step covers (done once for all of them)."""

    @property
    def manual(self) -> bool:
        """A person attests it (auto steps are verified by the next probe)."""
        return self.step.kind == StepKind.MANUAL

    @property
    def decommission(self) -> bool:
        """A step of the decommission checklist."""
        return not self.key


def finding_label(record: FindingRecord, lang: str) -> str:
    """A finding's title and subject: three `sensitive-file-exposed` read as three."""
    subject = f" {record.finding.subject}" if record.finding.subject else ""
    return inert(record.finding.title.text(lang) + subject)


class ChecklistView(OptionList):
    """One heading per finding (its progress), then the steps listed under it."""

    BINDINGS = [
        Binding("space", "toggle_step", "Attest", id="attest"),
        Binding("n", "note", "Note", id="note"),
        Binding("m", "mark", "Mark", id="mark"),
        Binding("k", "accept", "Accept risk", id="accept"),
    ]
    """Keys of the checklist tab."""

    @dataclass
    class StepToggled(Message):
        """Attest these manual steps (the marked ones), or take one step's attestation back."""

        refs: list[StepRef]

    @dataclass
    class NoteRequested(Message):
        """Attest these manual steps with one note and evidence."""

        refs: list[StepRef]

    @dataclass
    class AcceptRequested(Message):
        """The admin wants to accept a finding's risk."""

        finding_id: int

    def __init__(self, lang: str, clock: Callable[[], datetime], **kwargs: object) -> None:
        super().__init__(**kwargs)  # type: ignore[arg-type]
        self.lang = lang
        self.clock = clock
        self._refs: dict[str, StepRef] = {}
        self.marked: set[str] = set()
        """Option ids of the marked steps."""
        self._findings: dict[int | None, Checklist] = {}
        self._plain: dict[str, str] = {}
        self._common: dict[int | None, set[int]] = {}
        """Per heading finding: the findings that share every step listed under it."""
        localize(self, lang)

    def show(self, detail: AssetDetail) -> None:
        """Rebuild the list from the asset's checklists, keeping the highlighted step."""
        keep = self.highlighted_option.id if self.highlighted_option else None
        options: list[Option] = []
        self._refs, self._plain = {}, {}
        if detail.decommission:
            options.append(self._heading("decommission", self._decommission_head(detail)))
            for state in detail.decommission:
                ref = StepRef(state.step, state.done, state.attestation, index=state.index)
                options.append(self._step(f"decommission-{state.index}", ref))
        by_finding = self._findings = {c.record.id: c for c in detail.checklists}
        listed: dict[int | None, list[StepRef]] = {}
        for work in worklist(detail.checklists):
            ids = tuple(r.id for r in work.findings if r.id is not None)
            ref = StepRef(
                work.step, work.done, work.attestation, work.key, finding_id=ids[0], covers=ids
            )
            listed.setdefault(ids[0], []).append(ref)
        every = [r for refs in listed.values() for r in refs]
        for finding_id, checklist in by_finding.items():
            mine = listed.get(finding_id, [])
            # findings that share every step listed here are named once, in the heading
            shared = [set(r.covers[1:]) for r in mine]
            common = set.intersection(*shared) if shared else set()
            self._common[finding_id] = common
            elsewhere = [r.finding_id for r in every if finding_id in r.covers[1:]]
            head = self._finding_head(checklist, common, elsewhere if not mine else [])
            options.append(self._heading(f"finding-{finding_id}", head))
            for ref in mine:
                options.append(self._step(f"work-{ref.key}", ref))
        self.marked &= self._refs.keys()
        self.clear_options()
        self.add_options(options)
        option_ids = [o.id for o in options]
        if keep in option_ids:
            self.highlighted = option_ids.index(keep)
        else:  # the first manual step to attest, else the first step
            steps = [i for i, o in enumerate(options) if o.id in self._refs]
            todo = [i for i in steps if self._refs[str(options[i].id)].manual]
            todo = [i for i in todo if not self._refs[str(options[i].id)].done] or steps
            if todo:
                self.highlighted = todo[0]

    def ref_at(self, index: int) -> StepRef | None:
        """The step the option at `index` stands for (None for a heading)."""
        option_id = self.get_option_at_index(index).id
        return self._refs.get(option_id) if option_id else None

    @property
    def highlighted_ref(self) -> StepRef | None:
        """The step under the cursor, if the cursor is on a step."""
        option = self.highlighted_option
        return self._refs.get(option.id) if option is not None and option.id else None

    def highlight_finding(self, finding_id: int) -> None:
        """Put the cursor on the first step that `finding_id` needs done (or has)."""
        refs = [(i, self.ref_at(i)) for i in range(self.option_count)]
        covering = [(i, r) for i, r in refs if r is not None and finding_id in r.covers]
        todo = [i for i, r in covering if not r.done] or [i for i, _ in covering]
        if todo:
            self.highlighted = todo[0]

    # -- rendering -----------------------------------------------------------------------

    def _heading(self, option_id: str, text: Text | Hanging) -> Option:
        self._plain[option_id] = str(text)
        return Option(text, id=option_id, disabled=True)

    def plain_at(self, index: int) -> str:
        """The text of the option at `index`, as the admin reads it."""
        return self._plain.get(self.get_option_at_index(index).id or "", "")

    def _decommission_head(self, detail: AssetDetail) -> Text:
        done = sum(s.done for s in detail.decommission)
        total = len(detail.decommission)
        head = Text(tr(self.lang, "decommission.title"), style="bold reverse")
        head.append(f"  {progress_bar(done, total)} {done}/{total}")
        return head

    def _labels(self, finding_ids: Iterable[int | None]) -> str:
        found = self._findings
        return "; ".join(
            finding_label(found[i].record, self.lang)
            for i in dict.fromkeys(finding_ids)
            if i in found
        )

    def _finding_head(
        self, checklist: Checklist, common: set[int], elsewhere: list[int | None]
    ) -> Hanging:
        """The finding, its status and progress; the findings its steps are done once with, or
        (all its steps shared) where they are listed."""
        t = self.lang
        record = checklist.record
        severity = record.finding.severity
        total = len(checklist.steps)
        lead = Text(f"{RISK_SYMBOL[severity]} ", style=risk_style(self.app, severity))
        head = Text()
        head.append(finding_label(record, t), style="bold")
        head.append(f"  [{tr(t, f'status.{record.status}')}]  ")
        head.append(f"{progress_bar(checklist.done, total)} {checklist.done}/{total}")
        if common:
            ids = [i for i in self._findings if i in common]
            head.append("\n⇄ " + tr(t, "step.covers_all", what=self._labels(ids)), style="dim")
        if elsewhere:
            head.append("\n⇄ " + tr(t, "step.listed_under", what=self._labels(elsewhere)))
        return Hanging(lead, head)

    def _step(self, option_id: str, ref: StepRef) -> Option:
        """A step: its mark, then (wrapped under itself, Chinese too) its kind, text, the law,
        the findings it covers, who attested."""
        t, findings = self.lang, self._findings
        marks = ("☐", "☑") if ref.manual else ("·", "✓")
        picked = "▶" if option_id in self.marked else " "
        style = "bold" if ref.done or picked != " " else ""
        mark = Text(f" {picked}{marks[ref.done]} ", style=style)
        body = Text()
        body.append(f"[{tr(t, f'step.{ref.step.kind}')}] ", style="dim")
        body.append(ref.step.text.text(t))
        if ref.step.law:
            body.append(f"  ({cite(ref.step.law, t)})", style="dim")
        common = self._common.get(ref.finding_id, set())
        others = [i for i in ref.covers[1:] if i in findings and i not in common]
        if others:
            body.append("\n⇄ " + tr(t, "step.covers", what=self._labels(others)), style="dim")
        if ref.attestation is not None:
            body.append(f"\n{attested_by(ref.attestation)}", style="italic")
        self._refs[option_id] = ref
        self._plain[option_id] = mark.plain + body.plain
        return Option(Hanging(mark, body), id=option_id)

    # -- keys ------------------------------------------------------------------------------

    def _marked_refs(self) -> list[StepRef]:
        return [r for option_id, r in self._refs.items() if option_id in self.marked]

    def _manual_step_or_warn(self) -> StepRef | None:
        ref = self.highlighted_ref
        if ref is not None and not ref.manual:
            self.app.notify(tr(self.lang, "notify.auto_step"), severity="warning", markup=False)
            return None
        return ref

    def action_mark(self) -> None:
        """Mark the highlighted manual step (or unmark it), to attest several at once."""
        ref = self._manual_step_or_warn()
        option = self.highlighted_option
        if ref is None or option is None or option.id is None:
            return
        if ref.done:
            self.app.notify(tr(self.lang, "notify.already_attested"), markup=False)
            return
        self.marked ^= {option.id}
        self.replace_option_prompt(option.id, self._step(option.id, ref).prompt)
        self._advance()

    def action_toggle_step(self) -> None:
        """Attest the marked steps, or the highlighted one; on an attested step: take it back."""
        if marked := self._marked_refs():
            self.post_message(self.StepToggled(marked))
            self.marked.clear()
            return
        if ref := self._manual_step_or_warn():
            self.post_message(self.StepToggled([ref]))
            if not ref.done:
                self._advance()

    def action_note(self) -> None:
        """Attest the marked steps (or the highlighted one) with one note and evidence."""
        if marked := self._marked_refs():
            self.post_message(self.NoteRequested(marked))
            self.marked.clear()
            return
        if ref := self._manual_step_or_warn():
            self.post_message(self.NoteRequested([ref]))

    def _advance(self) -> None:
        """Move to the next manual step still to attest (after attesting or marking one)."""
        start = (self.highlighted or 0) + 1
        for i in range(start, self.option_count):
            ref = self.ref_at(i)
            option_id = self.get_option_at_index(i).id
            if ref is not None and ref.manual and not ref.done and option_id not in self.marked:
                self.highlighted = i
                return

    def action_accept(self) -> None:
        """Accept the risk of the finding whose step is under the cursor."""
        ref = self.highlighted_ref
        if ref is not None and ref.finding_id is not None:
            self.post_message(self.AcceptRequested(ref.finding_id))
