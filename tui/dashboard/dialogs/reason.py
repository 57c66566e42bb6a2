"""A reason for a triage decision (a discovered name marked not ours or ignored)."""

from __future__ import annotations

from tui.dashboard.dialogs.note import TwoFieldForm
from tui.i18n import tr


class ReasonForm(TwoFieldForm[str]):
    """One line: why. Dismisses with the reason; an empty one is refused."""

    HEADING = "disc.reason"
    FIELDS = (("reason", "disc.reason", ""),)

    def action_save(self) -> None:
        """Close with the reason, if there is one."""
        (reason,) = self.values()
        if not reason:
            self.error(tr(self.lang, "risk.no_reason"))
            return
        self.dismiss(reason)
