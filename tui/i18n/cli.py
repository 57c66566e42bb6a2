"""The command line's strings: key -> (English, Chinese)."""

from __future__ import annotations

CLI: dict[str, tuple[str, str]] = {}
