"""Text for office files: inert, and legal in their XML."""

from __future__ import annotations

import re

from checks.text import inert

_NOT_XML = re.compile("[\ud800-\udfff\ufffe\uffff]")
"""Characters XML 1.0 cannot hold (lone surrogates, the two non-characters); controls are
already shown as escapes by `inert`."""

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
"""How a cell a spreadsheet would read as a formula begins (OWASP's CSV injection list)."""


def office_text(text: object) -> str:
    """Any text made inert and legal in a .docx or .xlsx part."""
    return _NOT_XML.sub("\ufffd", inert(str(text)))
