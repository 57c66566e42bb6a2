"""The bottom line of every screen: its keys, most important first, help and quit always there."""

from __future__ import annotations

from rich.cells import cell_len
from rich.text import Text
from textual.widgets import Static

KeyHint = tuple[str, str]
"""(key as shown, what it does), in the user's language."""

GAP = 2
"""Cells between two hints."""


def fit(keys: list[KeyHint], tail: list[KeyHint], width: int) -> list[KeyHint]:
    """The hints that fit `width` cells: `tail` always, then `keys` in order while they fit.

    A hint that does not fit is dropped whole, never cut: `?` lists every key anyway.
    """

    def size(hints: list[KeyHint]) -> int:
        return sum(cell_len(k) + 1 + cell_len(d) for k, d in hints) + GAP * max(0, len(hints) - 1)

    chosen: list[KeyHint] = []
    room = width - size(tail) - (GAP if tail else 0)
    for hint in keys:
        need = size([hint]) + (GAP if chosen else 0)
        if need > room:
            break
        chosen.append(hint)
        room -= need
    return [*chosen, *tail]


class KeyBar(Static):
    """Shows the hints its screen gives it (`show`); redraws them to fit on every resize."""

    DEFAULT_CSS = """
    KeyBar { dock: bottom; height: 1; background: $panel; padding: 0 1; }
    """

    def __init__(self, **kwargs: object) -> None:
        super().__init__(**kwargs)  # type: ignore[arg-type]
        self._keys: list[KeyHint] = []
        self._tail: list[KeyHint] = []

    def show(self, keys: list[KeyHint], tail: list[KeyHint]) -> None:
        """Show `keys` (most important first) and `tail` (never dropped, at the right)."""
        self._keys, self._tail = keys, tail
        self._draw()

    def on_resize(self) -> None:
        self._draw()

    def _draw(self) -> None:
        width = max(0, self.size.width - 2) or (self.app.size.width - 2)
        text = Text(no_wrap=True, overflow="ellipsis", end="")
        for i, (key, what) in enumerate(fit(self._keys, self._tail, width)):
            if i:
                text.append(" " * GAP)
            text.append(key, style="bold reverse")
            text.append(" " + what)
        self.update(text)
