"""The grid's filter: a one-line input shown by `/`; escape clears it and hands back the grid."""

from __future__ import annotations

from textual.binding import Binding
from textual.message import Message
from textual.widgets import Input


class FilterBox(Input):
    """Its screen filters on `Input.Changed` and hides it on `Closed`."""

    BINDINGS = [Binding("escape", "clear", "Clear", id="clear-filter", show=False)]
    """Escape empties the filter (Enter keeps it and goes back to the grid)."""

    class Closed(Message):
        """The admin is done with the filter: focus goes back to the grid."""

    def action_clear(self) -> None:
        """Empty the filter and close the box."""
        self.value = ""
        self.post_message(self.Closed())
