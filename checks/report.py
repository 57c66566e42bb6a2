"""The rectification report (整改报告), built from the audit log, findings and probe history."""

from __future__ import annotations

import html
import re
from collections import Counter
from datetime import datetime, timedelta
from typing import Any

from checks.models import FindingRecord, Severity
from checks.names import display_name
from checks.org_checklist import evaluate, groups
from checks.store import Store, parse_ts, ts

SCHEMA = "assetwatch-report/1"
DUE_DAYS = {
    Severity.CRITICAL: 1,
    Severity.HIGH: 7,
    Severity.MEDIUM: 30,
    Severity.LOW: 90,
    Severity.INFO: 180,
}
"""Days from first seen to the due date of an open finding, by severity."""

_WORDS = {
    "title": ("Rectification report", "网络安全整改报告"),
    "org": ("Organisation", "单位"),
    "period": ("Period", "报告期"),
    "generated": ("Generated", "生成时间"),
    "inventory": ("1. Inventory of network assets", "一、网络资产梳理情况"),
    "assets": ("assets", "项资产"),
    "by_kind": ("By kind", "按类型"),
    "by_lifecycle": ("By lifecycle", "按生命周期"),
    "by_owner": ("By owner", "按责任人"),
    "raised": ("2. Findings raised in the period", "二、报告期内发现的问题"),
    "fixed": ("3. Findings fixed in the period", "三、报告期内已整改的问题"),
    "demands": ("4. The regulator's demands", "四、监管要求落实情况"),
    "attestations": ("5. Attestations", "五、人工确认记录"),
    "open": ("6. Open items", "六、尚未完成事项"),
    "sweeps": ("7. Assessments (sweeps)", "七、定期评估（扫描）记录"),
    "none": ("None.", "无。"),
    "asset": ("Asset", "资产"),
    "check": ("Check", "检查项"),
    "severity": ("Severity", "级别"),
    "finding": ("Finding", "问题"),
    "evidence": ("Evidence", "证据"),
    "first_seen": ("First seen", "首次发现"),
    "resolved": ("Resolved", "整改完成"),
    "status": ("Status", "状态"),
    "owner": ("Owner", "责任人"),
    "due": ("Due", "期限"),
    "item": ("Item", "事项"),
    "done": ("Done", "完成"),
    "how": ("How it stands", "情况"),
    "when": ("When", "时间"),
    "who": ("Who", "人员"),
    "what": ("What", "内容"),
    "yes": ("yes", "是"),
    "no": ("no", "否"),
}


def _w(key: str, lang: str) -> str:
    en, zh = _WORDS[key]
    return zh if lang == "zh" else en


def _finding(record: FindingRecord, lang: str, owners: dict[str, str]) -> dict[str, Any]:
    f = record.finding
    due = record.accepted_until or (record.first_seen + timedelta(days=DUE_DAYS[f.severity]))
    return {
        "asset": display_name(f.asset),
        "owner": owners.get(f.asset, ""),
        "check": f.check,
        "severity": str(f.severity),
        "title": f.title(lang),
        "evidence": f.evidence,
        "status": str(record.status),
        "first_seen": ts(record.first_seen),
        "last_seen": ts(record.last_seen),
        "resolved_at": ts(record.resolved_at) if record.resolved_at else None,
        "due": ts(due),
    }


def build_report(store: Store, since: datetime, now: datetime, lang: str) -> dict[str, Any]:
    """The report as data (what the JSON format prints; checks/data/report.schema.json)."""
    assets = store.assets()
    owners = {a.name: a.owner for a in assets}
    everything = store.findings(active_only=False)
    raised = [r for r in everything if r.first_seen >= since]
    fixed = [r for r in everything if r.resolved_at is not None and r.resolved_at >= since]
    open_items = [r for r in everything if r.status != "resolved"]
    events = [e for e in store.events() if (parse_ts(e["at"]) or now) >= since]
    states = evaluate(store, now)
    demands = []
    for gid, en, zh in groups():
        mine = [s for s in states if s.item.group == gid]
        demands.append(
            {
                "id": gid,
                "title": zh if lang == "zh" else en,
                "done": sum(s.done for s in mine),
                "total": len(mine),
                "items": [
                    {
                        "id": s.item.id,
                        "text": s.item.text(lang),
                        "mode": s.item.mode,
                        "computed": s.computed,
                        "detail": s.detail,
                        "done": s.done,
                        "attestation": s.attestation,
                    }
                    for s in mine
                ],
            }
        )
    return {
        "schema": SCHEMA,
        "language": lang,
        "organization": store.setting("org_name"),
        "generated_at": ts(now),
        "period": {"since": ts(since), "until": ts(now)},
        "inventory": {
            "total": len(assets),
            "by_kind": dict(Counter(str(a.kind) for a in assets)),
            "by_lifecycle": dict(Counter(str(a.lifecycle) for a in assets)),
            "by_owner": dict(Counter(a.owner or "-" for a in assets)),
        },
        "findings_raised": [_finding(r, lang, owners) for r in raised],
        "findings_fixed": [_finding(r, lang, owners) for r in fixed],
        "demands": demands,
        "attestations": [
            {"at": e["at"], "actor": e["actor"], "action": e["action"], "detail": e["detail"]}
            for e in events
            if e["action"] in ("step.attest", "org.attest", "risk.accept", "asset.update")
        ],
        "open_items": [_finding(r, lang, owners) for r in open_items],
        "sweeps": [
            {"at": e["at"], "actor": e["actor"], **e["detail"]}
            for e in events
            if e["action"] == "sweep"
        ],
    }


_MD_SPECIAL = re.compile(r"([\\`*_\[\]<>|#!~])")
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]")


def md_text(value: str) -> str:
    """Text from the network made inert in Markdown: syntax escaped, control characters shown."""
    value = _CONTROL.sub(lambda m: f"\\x{ord(m.group()):02x}", value.replace("\n", " "))
    return _MD_SPECIAL.sub(r"\\\1", value)


def _md_table(headers: list[str], rows: list[list[str]]) -> list[str]:
    def cell(value: str) -> str:
        return md_text(value)

    out = ["| " + " | ".join(headers) + " |", "|" + "---|" * len(headers)]
    out += ["| " + " | ".join(cell(c) for c in row) + " |" for row in rows]
    return out


def _sections(report: dict[str, Any]) -> list[tuple[str, list[str], list[list[str]]]]:
    lang = report["language"]

    def w(key: str) -> str:
        return _w(key, lang)

    finding_cols = [w("asset"), w("severity"), w("finding"), w("evidence"), w("first_seen")]
    raised = [
        [
            f["asset"],
            f["severity"],
            f"{f['title']} ({f['check']})",
            f["evidence"],
            f["first_seen"][:10],
        ]
        for f in report["findings_raised"]
    ]
    fixed = [
        [
            f["asset"],
            f["severity"],
            f"{f['title']} ({f['check']})",
            f["evidence"],
            (f["resolved_at"] or "")[:10],
        ]
        for f in report["findings_fixed"]
    ]
    demand_rows = [
        [
            d["title"],
            f"{d['done']}/{d['total']}",
            "; ".join(f"{'✓' if i['done'] else '✗'} {i['text']}" for i in d["items"]),
        ]
        for d in report["demands"]
    ]
    attest_rows = [
        [a["at"][:16].replace("T", " "), a["actor"], a["action"], str(a["detail"])]
        for a in report["attestations"]
    ]
    open_rows = [
        [
            f["asset"],
            f["owner"] or "-",
            f["severity"],
            f"{f['title']} ({f['check']})",
            f["status"],
            f["due"][:10],
        ]
        for f in report["open_items"]
    ]
    sweep_rows = [
        [s["at"][:16].replace("T", " "), s["actor"], str(s.get("assets", ""))]
        for s in report["sweeps"]
    ]
    return [
        (w("raised"), finding_cols, raised),
        (w("fixed"), finding_cols[:4] + [w("resolved")], fixed),
        (w("demands"), [w("item"), w("done"), w("how")], demand_rows),
        (w("attestations"), [w("when"), w("who"), w("what"), w("evidence")], attest_rows),
        (
            w("open"),
            [w("asset"), w("owner"), w("severity"), w("finding"), w("status"), w("due")],
            open_rows,
        ),
        (w("sweeps"), [w("when"), w("who"), w("assets")], sweep_rows),
    ]


def _inventory_lines(report: dict[str, Any]) -> list[tuple[str, str]]:
    lang = report["language"]
    inv = report["inventory"]
    return [
        (_w("by_kind", lang), ", ".join(f"{k} {v}" for k, v in inv["by_kind"].items())),
        (_w("by_lifecycle", lang), ", ".join(f"{k} {v}" for k, v in inv["by_lifecycle"].items())),
        (_w("by_owner", lang), ", ".join(f"{k} {v}" for k, v in inv["by_owner"].items())),
    ]


def to_markdown(report: dict[str, Any]) -> str:
    """The report as Markdown."""
    lang = report["language"]
    period = report["period"]
    lines = [
        f"# {_w('title', lang)}",
        "",
        f"- {_w('org', lang)}: {md_text(report['organization'] or '-')}",
        f"- {_w('period', lang)}: {period['since'][:10]} — {period['until'][:10]}",
        f"- {_w('generated', lang)}: {report['generated_at']}",
        "",
        f"## {_w('inventory', lang)}",
        "",
        f"{report['inventory']['total']} {_w('assets', lang)}.",
        "",
    ]
    lines += [f"- {label}: {md_text(value)}" for label, value in _inventory_lines(report)]
    for title, headers, rows in _sections(report):
        lines += ["", f"## {title}", ""]
        lines += _md_table(headers, rows) if rows else [_w("none", lang)]
    return "\n".join(lines) + "\n"


_CSS = """
body{font-family:"Noto Sans CJK SC","Microsoft YaHei",system-ui,sans-serif;margin:2em auto;
max-width:60em;color:#111;line-height:1.5}
h1{font-size:1.6em;border-bottom:2px solid #111}h2{font-size:1.2em;margin-top:1.6em}
table{border-collapse:collapse;width:100%;font-size:.9em}th,td{border:1px solid #999;
padding:.25em .4em;text-align:left;vertical-align:top;word-break:break-word}th{background:#eee}
@media print{body{margin:0;max-width:none}h2{page-break-after:avoid}tr{page-break-inside:avoid}}
"""


def to_html(report: dict[str, Any]) -> str:
    """The report as one self-contained HTML page that prints well. All text is escaped."""
    lang = report["language"]
    e = html.escape
    period = report["period"]
    parts = [
        f'<!DOCTYPE html><html lang="{"zh-CN" if lang == "zh" else "en"}"><head>'
        f'<meta charset="utf-8"><title>{e(_w("title", lang))}</title><style>{_CSS}</style>'
        f"</head><body><h1>{e(_w('title', lang))}</h1><ul>"
        f"<li>{e(_w('org', lang))}: {e(report['organization'] or '-')}</li>"
        f"<li>{e(_w('period', lang))}: {e(period['since'][:10])} — {e(period['until'][:10])}</li>"
        f"<li>{e(_w('generated', lang))}: {e(report['generated_at'])}</li></ul>",
        f"<h2>{e(_w('inventory', lang))}</h2>"
        f"<p>{report['inventory']['total']} {e(_w('assets', lang))}.</p><ul>",
    ]
    parts += [f"<li>{e(label)}: {e(value)}</li>" for label, value in _inventory_lines(report)]
    parts.append("</ul>")
    for title, headers, rows in _sections(report):
        parts.append(f"<h2>{e(title)}</h2>")
        if not rows:
            parts.append(f"<p>{e(_w('none', lang))}</p>")
            continue
        parts.append("<table><tr>" + "".join(f"<th>{e(h)}</th>" for h in headers) + "</tr>")
        parts += ["<tr>" + "".join(f"<td>{e(c)}</td>" for c in row) + "</tr>" for row in rows]
        parts.append("</table>")
    parts.append("</body></html>\n")
    return "".join(parts)
