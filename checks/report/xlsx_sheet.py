"""The findings list as an Excel workbook (`report --format xlsx`), through openpyxl.

One row per problem of the report (worst first): the asset, what was found and its subject, the
severity (critical and high in red), status, owner, due date, when it was fixed, the measures
and the evidence; a second sheet holds the cover. Every cell is text written as text: a value
from the network that begins like a formula (= + - @) is stored as a string with Excel's quote
prefix, so opening the file never evaluates it.
"""

from __future__ import annotations

import io
from typing import Any

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Alignment, Font, PatternFill

from checks.report import SEVERITY, STATUS, Report, label, word
from checks.report.document import day, due_text, finding_name, measure_text, minute, result_text
from checks.report.office import FORMULA_START, office_text

_RED = PatternFill("solid", fgColor="FFC7CE")
_ORANGE = PatternFill("solid", fgColor="FFE4C4")
_FILL = {"critical": _RED, "high": _RED, "medium": _ORANGE}
_WRAP = Alignment(wrap_text=True, vertical="top")
_BOLD = Font(bold=True)
_LONG = frozenset({2, 9, 10, 11})
"""Columns whose text wraps: the finding, the measures, the result, the evidence."""
_WIDTHS = (6, 28, 36, 22, 8, 10, 18, 14, 16, 60, 60, 50)


def _cell(
    ws: Any, value: object, bold: bool = False, fill: PatternFill | None = None, wrap: bool = False
) -> Any:
    text = office_text(value)
    cell = WriteOnlyCell(ws, value=text)
    cell.data_type = "s"  # never a formula, a number or a date: what was written, as text
    if text.startswith(FORMULA_START):
        cell.quotePrefix = True
    if wrap:  # only the long columns: a styled cell costs openpyxl several times a plain one
        cell.alignment = _WRAP
    if bold:
        cell.font = _BOLD
    if fill is not None:
        cell.fill = fill
    return cell


def _row(n: int, p: dict[str, Any], lang: str) -> list[str]:
    sep = "\n"
    return [
        str(n),
        p["asset"],
        finding_name(p, lang),
        p["check"],
        label(SEVERITY, p["severity"], lang),
        label(STATUS, p["status"], lang),
        p["owner"] or word("no_owner", lang),
        minute(p["first_seen"]),
        day(p["resolved_at"]) if p["status"] == "resolved" else due_text(p, lang),
        sep.join(measure_text(m, lang) for m in p.get("measures") or ()),
        result_text(p, lang),
        p["evidence"],
    ]


def to_xlsx(report: Report) -> bytes:
    """The findings list as the bytes of an .xlsx file."""
    lang = report["language"]
    wb = Workbook(write_only=True)
    ws = wb.create_sheet(word("finding", lang) if lang == "en" else "问题清单")
    for i, width in enumerate(_WIDTHS):
        ws.column_dimensions[chr(ord("A") + i)].width = width
    ws.freeze_panes = "A2"
    headers = ["#", *(word(k, lang) for k in ("asset", "finding", "check", "severity", "status"))]
    headers += [word(k, lang) for k in ("owner", "first_seen")]
    headers += [f"{word('resolved', lang)} / {word('due', lang)}"]
    headers += [word(k, lang) for k in ("measures", "result", "evidence")]
    ws.append([_cell(ws, h, bold=True) for h in headers])
    problems = report.get("problems") or []
    for n, p in enumerate(problems, 1):
        fill = _FILL.get(p["severity"])
        ws.append(
            [
                _cell(ws, v, fill=fill if i == 4 else None, wrap=i in _LONG)
                for i, v in enumerate(_row(n, p, lang))
            ]
        )
    ws.auto_filter.ref = f"A1:{chr(ord('A') + len(headers) - 1)}{len(problems) + 1}"
    cover = wb.create_sheet(word("title", lang))
    cover.column_dimensions["A"].width = 16
    cover.column_dimensions["B"].width = 60
    info = report.get("cover") or {}
    period = report["period"]
    for key, value in (
        ("org", report["organization"] or word("not_set", lang)),
        ("period", f"{day(period['since'])} — {day(period['until'])}"),
        ("prepared_by", info.get("prepared_by") or ""),
        ("reviewed_by", info.get("reviewed_by") or ""),
        ("date", info.get("date") or day(report["generated_at"])),
        ("number", info.get("number") or ""),
    ):
        cover.append([_cell(cover, word(key, lang), bold=True), _cell(cover, value)])
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()
