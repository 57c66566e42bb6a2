"""The report as one self-contained HTML page that prints (`report --format html`)."""

from __future__ import annotations

import html

from checks.report import Report, inventory_lines, sections, word
from checks.text import inert

_CSS = """
body{font-family:"Noto Sans CJK SC","Microsoft YaHei",system-ui,sans-serif;margin:2em auto;
max-width:60em;color:#111;line-height:1.5}
h1{font-size:1.6em;border-bottom:2px solid #111}h2{font-size:1.2em;margin-top:1.6em}
table{border-collapse:collapse;width:100%;font-size:.9em}th,td{border:1px solid #999;
padding:.25em .4em;text-align:left;vertical-align:top;word-break:break-word}th{background:#eee}
@media print{body{margin:0;max-width:none}h2{page-break-after:avoid}tr{page-break-inside:avoid}}
"""


def to_html(report: Report) -> str:
    """The report as one self-contained HTML page that prints well. All text is escaped."""
    lang = report["language"]

    def e(text: str) -> str:
        # Markup escaped, and control or direction characters shown, never passed on.
        return html.escape(inert(text))

    period = report["period"]
    parts = [
        f'<!DOCTYPE html><html lang="{"zh-CN" if lang == "zh" else "en"}"><head>'
        f'<meta charset="utf-8"><title>{e(word("title", lang))}</title><style>{_CSS}</style>'
        f"</head><body><h1>{e(word('title', lang))}</h1><ul>"
        f"<li>{e(word('org', lang))}: {e(report['organization'] or '-')}</li>"
        f"<li>{e(word('period', lang))}: {e(period['since'][:10])} — {e(period['until'][:10])}</li>"
        f"<li>{e(word('generated', lang))}: {e(report['generated_at'])}</li></ul>",
        f"<h2>{e(word('inventory', lang))}</h2>"
        f"<p>{report['inventory']['total']} {e(word('assets', lang))}.</p><ul>",
    ]
    parts += [f"<li>{e(label)}: {e(value)}</li>" for label, value in inventory_lines(report)]
    parts.append("</ul>")
    for title, headers, rows in sections(report):
        parts.append(f"<h2>{e(title)}</h2>")
        if not rows:
            parts.append(f"<p>{e(word('none', lang))}</p>")
            continue
        parts.append("<table><tr>" + "".join(f"<th>{e(h)}</th>" for h in headers) + "</tr>")
        parts += ["<tr>" + "".join(f"<td>{e(c)}</td>" for c in row) + "</tr>" for row in rows]
        parts.append("</table>")
    parts.append("</body></html>\n")
    return "".join(parts)
