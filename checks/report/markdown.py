"""The report as Markdown (what the dashboard shows, and `report --format md`)."""

from __future__ import annotations

import re

from checks.report import Report, inventory_lines, sections, word
from checks.text import inert

_MD_SPECIAL = re.compile(r"([\\`*_\[\]<>|#!~])")


def md_text(value: str) -> str:
    """Text from the network made inert in Markdown: syntax escaped, control characters shown."""
    value = inert(value.replace("\n", " "))
    return _MD_SPECIAL.sub(r"\\\1", value)


def _md_table(headers: list[str], rows: list[list[str]]) -> list[str]:
    def cell(value: str) -> str:
        return md_text(value)

    out = ["| " + " | ".join(headers) + " |", "|" + "---|" * len(headers)]
    out += ["| " + " | ".join(cell(c) for c in row) + " |" for row in rows]
    return out


def to_markdown(report: Report) -> str:
    """The report as Markdown."""
    lang = report["language"]
    period = report["period"]
    lines = [
        f"# {word('title', lang)}",
        "",
        f"- {word('org', lang)}: {md_text(report['organization'] or '-')}",
        f"- {word('period', lang)}: {period['since'][:10]} — {period['until'][:10]}",
        f"- {word('generated', lang)}: {report['generated_at']}",
        "",
        f"## {word('inventory', lang)}",
        "",
        f"{report['inventory']['total']} {word('assets', lang)}.",
        "",
    ]
    lines += [f"- {label}: {md_text(value)}" for label, value in inventory_lines(report)]
    for title, headers, rows in sections(report):
        lines += ["", f"## {title}", ""]
        lines += _md_table(headers, rows) if rows else [word("none", lang)]
    return "\n".join(lines) + "\n"
