"""The report as one self-contained HTML page that prints on A4 (`report --format html`).

Line breaking is CJK-safe: Chinese breaks between characters as it should, while words, dates,
severities and numbers are never split (`word-break: keep-all` on short columns,
`overflow-wrap: anywhere` only where long URLs and evidence must wrap). Each section starts on a
new page when printed.
"""

from __future__ import annotations

import html
import re

from checks.report import Report, word
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

_CSS = """
@page{size:A4;margin:18mm 16mm 20mm}
html{font-family:"Noto Sans CJK SC","Source Han Sans SC","Microsoft YaHei","PingFang SC",
system-ui,sans-serif;color:#111;line-height:1.55;font-size:10.5pt}
body{margin:2em auto;max-width:58em;line-break:strict;word-break:normal;overflow-wrap:normal}
h1{font-size:1.9em;text-align:center;margin:4em 0 .4em}
.org{text-align:center;font-size:1.3em;margin-bottom:3em}
h2{font-size:1.3em;border-bottom:1.5px solid #111;margin-top:0;padding-top:.6em}
h3{font-size:1.1em;margin:1.2em 0 .4em}h4{font-size:1em;margin:1em 0 .3em}
table{border-collapse:collapse;width:100%;table-layout:fixed;margin:.4em 0 1em}
th,td{border:1px solid #999;padding:.25em .4em;text-align:left;vertical-align:top}
th{background:#eee;word-break:keep-all;overflow-wrap:normal}
td{overflow-wrap:anywhere}td.k{word-break:keep-all;overflow-wrap:normal;white-space:nowrap}
dl{display:grid;grid-template-columns:max-content 1fr;gap:.15em 1em;margin:.4em 0 .8em}
dt{font-weight:bold;white-space:nowrap}dd{margin:0;overflow-wrap:anywhere}
ul{margin:.3em 0 .8em;padding-left:1.4em}li{overflow-wrap:anywhere}
.seal{margin-top:4em;line-height:3;white-space:pre-wrap}.seal p{margin:0}
.nb{white-space:nowrap}.cover dl{width:70%;margin:2em auto}
section{break-before:page;page-break-before:always}section.cover{break-before:auto}
h2,h3,h4{break-after:avoid;page-break-after:avoid}
tr,li{break-inside:avoid;page-break-inside:avoid}
h5{font-size:1em;margin:.6em 0 .2em}
@media print{body{margin:0;max-width:none}}
"""


_STAMP = re.compile(r"\d{4}-\d{2}-\d{2}(?:[T ]\d{2}:\d{2}(?::\d{2})?(?:Z|[+-]\d{2}:\d{2})?)?")
"""A date or a time, kept on one line wherever it appears (`202 6- 12- 01` never)."""


def _e(text: str) -> str:
    """Text made inert for HTML: markup escaped, control and direction characters shown."""
    escaped = html.escape(inert(text))
    return _STAMP.sub(lambda m: f"<span class=nb>{m.group()}</span>", escaped)


def _block(block: Block) -> str:
    if isinstance(block, Title):
        return f"<h1>{_e(block.text)}</h1><p class=org>{_e(block.subtitle)}</p>"
    if isinstance(block, Heading):
        tag = f"h{block.level + 1}"
        return f"<{tag}>{_e(block.text)}</{tag}>"
    if isinstance(block, Para):
        return f"<p>{_e(block.text)}</p>"
    if isinstance(block, Bullets):
        return "<ul>" + "".join(f"<li>{_e(i)}</li>" for i in block.items) + "</ul>"
    if isinstance(block, Fields):
        rows = "".join(f"<dt>{_e(k)}</dt><dd>{_e(v)}</dd>" for k, v in block.rows)
        return f"<dl>{rows}</dl>"
    if isinstance(block, Table):
        total = sum(block.widths) or 1
        cols = "".join(f'<col style="width:{100 * w / total:.1f}%">' for w in block.widths)
        head = "".join(f"<th>{_e(h)}</th>" for h in block.headers)
        body = "".join(
            "<tr>"
            + "".join(
                f"<td class=k>{_e(c)}</td>" if i in block.keep else f"<td>{_e(c)}</td>"
                for i, c in enumerate(row)
            )
            + "</tr>"
            for row in block.rows
        )
        return f"<table><colgroup>{cols}</colgroup><thead><tr>{head}</tr></thead>{body}</table>"
    if isinstance(block, Seal):
        return "<div class=seal>" + "".join(f"<p>{_e(line)}</p>" for line in block.lines) + "</div>"
    raise TypeError(block)


def to_html(report: Report) -> str:
    """The report as one self-contained HTML page that prints well. All text is escaped."""
    lang = report["language"]
    parts = [
        f'<!DOCTYPE html><html lang="{"zh-CN" if lang == "zh" else "en"}"><head>'
        f'<meta charset="utf-8"><title>{_e(word("title", lang))}</title><style>{_CSS}</style>'
        "</head><body><section class=cover>"
    ]
    for block in blocks(report):
        if isinstance(block, PageBreak):
            parts.append("</section><section>")
        else:
            parts.append(_block(block))
    parts.append("</section></body></html>\n")
    return "".join(parts)
