"""Plain-text output for the command line: safe text, CJK-aware widths, tables."""

from __future__ import annotations

import re
import unicodedata

_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]")


def safe(text: str) -> str:
    """Network text made inert for a terminal: control characters become visible escapes."""
    return _CONTROL.sub(lambda m: f"\\x{ord(m.group()):02x}", text)


def width(text: str) -> int:
    """Columns `text` takes in a terminal (CJK and fullwidth characters take two)."""
    return sum(
        0 if unicodedata.combining(c) else 2 if unicodedata.east_asian_width(c) in "WF" else 1
        for c in text
    )


def fit(text: str, columns: int) -> str:
    """Cut `text` to `columns` (with … when cut) and pad it to exactly that width."""
    if width(text) > columns:
        out, used = [], 0
        for c in text:
            w = width(c)
            if used + w > columns - 1:
                break
            out.append(c)
            used += w
        text = "".join(out) + "…"
    return text + " " * (columns - width(text))


def table(headers: list[str], rows: list[list[str]], max_widths: list[int] | None = None) -> str:
    """Rows aligned in columns by display width; the last column is never padded."""
    cells = [[safe(c) for c in row] for row in [headers, *rows]]
    widths = [max(width(row[i]) for row in cells) for i in range(len(headers))]
    if max_widths:
        widths = [min(w, m) for w, m in zip(widths, max_widths, strict=True)]
    lines = []
    for row in cells:
        parts = [fit(c, widths[i]) for i, c in enumerate(row[:-1])]
        parts.append(row[-1] if len(row[-1]) <= 400 else row[-1][:399] + "…")
        lines.append("  ".join(parts).rstrip())
    return "\n".join(lines)
