"""Line breaking for mixed Chinese and English text, with a hanging indent.

Rich breaks lines at spaces only: a Chinese sentence is one long "word", so it moves whole to
the next line (leaving `☐ [人工]` alone) and is then cut anywhere, `.user.ini` included. Here a
line may also break between two Chinese characters, never before closing punctuation or after
opening punctuation, and never inside a run of Latin letters, digits or symbols unless the run
alone is wider than the line.
"""

from __future__ import annotations

from rich.cells import cell_len
from rich.console import Console, ConsoleOptions, RenderResult
from rich.measure import Measurement
from rich.text import Text

NO_BREAK_BEFORE = set("，。、；：？！）》」』】〕,.;:?!)]}>%…—·")
"""A line never starts with these."""
NO_BREAK_AFTER = set("（《「『【〔([{<")
"""A line never ends with these."""


def _wide(char: str) -> bool:
    return cell_len(char) == 2


def break_points(plain: str, width: int) -> list[int]:
    """Offsets where `plain` (one paragraph, no newline) breaks to fit `width` cells."""
    breaks: list[int] = []
    start, used, last_ok = 0, 0, -1
    for i, char in enumerate(plain):
        if i > start:
            prev = plain[i - 1]
            ok = prev == " " or ((_wide(prev) or _wide(char)) and char != " ")
            if ok and char not in NO_BREAK_BEFORE and prev not in NO_BREAK_AFTER:
                last_ok = i
        size = cell_len(char)
        if used + size > width and i > start and char != " ":
            cut = last_ok if last_ok > start else i  # a run wider than the line is cut
            breaks.append(cut)
            start, last_ok = cut, -1
            used = cell_len(plain[cut:i])
        used += size
    return breaks


def wrap(text: Text, width: int) -> list[Text]:
    """`text` as lines of at most `width` cells (styles kept; spaces at a break dropped)."""
    lines: list[Text] = []
    for paragraph in text.split("\n", allow_blank=True):
        offsets = break_points(paragraph.plain, max(1, width))
        for line in paragraph.divide(offsets) if offsets else [paragraph]:
            line.rstrip()
            stripped = len(line.plain) - len(line.plain.lstrip(" "))
            lines.append(line[stripped:] if lines and stripped else line)
    return lines


class Hanging:
    """A lead (a tick, a mark) and a body wrapped beside it: wrapped lines start under the
    body, not under the lead."""

    def __init__(self, lead: Text, body: Text) -> None:
        self.lead = lead
        self.body = body

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        indent = cell_len(self.lead.plain)
        lines = wrap(self.body, options.max_width - indent)
        out = Text()
        for i, line in enumerate(lines):
            if i:
                out.append("\n" + " " * indent)
            else:
                out.append_text(self.lead)
            out.append_text(line)
        out.no_wrap = True
        yield out

    def __rich_measure__(self, console: Console, options: ConsoleOptions) -> Measurement:
        return Measurement(cell_len(self.lead.plain) + 1, options.max_width)

    def __str__(self) -> str:
        """The text, unwrapped."""
        return self.lead.plain + self.body.plain
