"""The report as Markdown (what the dashboard shows, and `report --format md`)."""

from __future__ import annotations

import re

from checks.report import Report
from checks.report.document import (
    Block,
    Bullets,
    Fields,
    Heading,
    PageBreak,
    Para,
    Seal,
    Table,
    Title,
    blocks,
)
from checks.text import inert

_MD_SPECIAL = re.compile(r"([\\`*_\[\]<>|#!~])")


_PLAIN = re.compile(
    r"[\\`*_\[\]<>|#!~\n\x00-\x1f\x7f-\x9f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]"
)
"""Anything md_text would change; most text has none (a report has hundreds of thousands)."""


def md_text(value: str) -> str:
    """Text from the network made inert in Markdown: syntax escaped, control characters shown."""
    if not _PLAIN.search(value):
        return value
    value = inert(value.replace("\n", " "))
    return _MD_SPECIAL.sub(r"\\\1", value)


def _md_table(headers: tuple[str, ...], rows: tuple[tuple[str, ...], ...]) -> list[str]:
    out = ["| " + " | ".join(md_text(h) for h in headers) + " |", "|" + "---|" * len(headers)]
    out += ["| " + " | ".join(md_text(c) for c in row) + " |" for row in rows]
    return out


def _block(block: Block, colon: str) -> list[str]:
    if isinstance(block, Title):
        return [f"# {md_text(block.text)}", "", f"**{md_text(block.subtitle)}**", ""]
    if isinstance(block, Heading):
        return [f"{'#' * (block.level + 1)} {md_text(block.text)}", ""]
    if isinstance(block, Para):
        return [md_text(block.text), ""]
    if isinstance(block, Bullets):
        return [*(f"- {md_text(i)}" for i in block.items), ""]
    if isinstance(block, Fields):
        # One paragraph of lines (hard breaks), not a list: lighter to read and to show.
        return [*(f"**{md_text(k)}**{colon}{md_text(v)}  " for k, v in block.rows), ""]
    if isinstance(block, Table):
        return [*_md_table(block.headers, block.rows), ""]
    if isinstance(block, Seal):
        return [*(f"{md_text(line)}  " for line in block.lines), ""]
    if isinstance(block, PageBreak):
        return ["---", ""]
    raise TypeError(block)


def to_markdown(report: Report) -> str:
    """The report as Markdown."""
    colon = "：" if report["language"] == "zh" else ": "
    lines: list[str] = []
    for block in blocks(report):
        lines += _block(block, colon)
    return "\n".join(lines).rstrip() + "\n"
