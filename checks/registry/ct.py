"""Names in certificate-transparency answers (crt.sh's JSON: a list of objects whose
`name_value` holds one name per line), deduplicated, wildcards folded, bounded.

Pure. The array is read one object at a time (`json.JSONDecoder.raw_decode`), so memory
holds the answer's text and the names, never a list of 50,000 decoded certificates.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass

from checks.errors import UserError
from checks.names import normalize_name

MAX_ENTRIES = 200_000
"""Certificates read from one answer at most; the rest is not looked at."""
MAX_NAMES = 5_000
"""Distinct names kept from one answer at most."""

_SPACE = re.compile(r"\s*")


@dataclass(frozen=True, slots=True)
class CtNames:
    """What one CT answer says about a domain."""

    names: tuple[str, ...]
    """Distinct names under the domain (punycode), sorted; `*.x` folded into `x`."""
    entries: int
    """Certificates read."""
    truncated: bool = False
    """MAX_ENTRIES or MAX_NAMES was reached: more names may exist."""


_ASCII_NAME = re.compile(r"^(?:(?!-)[a-z0-9_-]{1,63}(?<!-)\.)+(?!-)[a-z0-9-]{1,63}(?<!-)$")
"""An ASCII hostname: checked by one regex, without the full IDNA path (50,000 names)."""


def _under(name: str, domain: str) -> str:
    name = name.strip().lower().rstrip(".")
    if name.startswith("*."):
        name = name[2:]
    if name.isascii():
        # the suffix test first: most lines of a big answer are someone's other names
        if not (name == domain or name.endswith("." + domain)) or len(name) > 253:
            return ""
        return name if _ASCII_NAME.match(name) and "_" not in name else ""
    try:
        name = normalize_name(name)
    except UserError:
        return ""
    return name if name == domain or name.endswith("." + domain) else ""


def ct_names(
    text: str, domain: str, max_entries: int = MAX_ENTRIES, max_names: int = MAX_NAMES
) -> CtNames:
    """The names a crt.sh-style JSON answer lists under `domain`.

    Raises:
        ValueError: the answer is not a JSON array of objects.
    """
    decoder = json.JSONDecoder()
    pos = _SPACE.match(text, 0).end()  # type: ignore[union-attr]
    if text[pos : pos + 1] != "[":
        raise ValueError("a CT answer is a JSON array")
    pos += 1
    found: set[str] = set()
    entries = 0
    truncated = False
    while True:
        pos = _SPACE.match(text, pos).end()  # type: ignore[union-attr]
        if text[pos : pos + 1] == "]":
            break
        if entries >= max_entries:
            truncated = True
            break
        entry, pos = decoder.raw_decode(text, pos)
        entries += 1
        if isinstance(entry, dict):
            raw = f"{entry.get('common_name') or ''}\n{entry.get('name_value') or ''}"
            for line in raw.split("\n"):
                if (name := _under(line, domain)) and name not in found:
                    if len(found) >= max_names:
                        truncated = True
                        break
                    found.add(name)
        pos = _SPACE.match(text, pos).end()  # type: ignore[union-attr]
        if text[pos : pos + 1] == ",":
            pos += 1
    return CtNames(tuple(sorted(found)), entries, truncated)
