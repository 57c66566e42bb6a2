"""Law citations, written out from the one table of article numbers (checks/data/laws.json)."""

from __future__ import annotations

import re
from functools import cache
from typing import Any

from checks.signals import load_data

_CSL = re.compile(r"CSL (\d+)((?:\(\d+\))*)(?: \[old \d+\])?")


@cache
def _table() -> dict[str, Any]:
    return dict(load_data("laws.json"))


def cite(text: str, lang: str) -> str:
    """Expand short citations ("CSL 23(1); PIPL 47") into current-with-old article names."""
    table = _table()

    def csl(match: re.Match[str]) -> str:
        article, clauses = match.group(1), match.group(2)
        old = table["csl"].get(article, {}).get("old")
        if lang == "zh":
            return f"网络安全法第{article}条{clauses}" + (f"（原第{old}条）" if old else "")
        return f"Cybersecurity Law Art. {article}{clauses}" + (f" (formerly {old})" if old else "")

    out = _CSL.sub(csl, text)
    for short, names in table["names"].items():
        if short != "CSL":
            out = re.sub(rf"\b{re.escape(short)}\b", names[lang if lang == "zh" else "en"], out)
    return out
