"""Renderers of the rectification report (整改报告): Markdown and HTML from a `Report`.

Pure: `checks.service.reports.build_report` gathers the data; these only lay it out. Every
text that came from the network or from people is made inert for the format.
"""

from __future__ import annotations

from typing import Any, NotRequired, TypedDict

from checks.model import Bilingual

SCHEMA = "assetwatch-report/1"


class Period(TypedDict):
    """The report's period, as stored timestamps."""

    since: str
    until: str


class Report(TypedDict):
    """The report as data: exactly what `--format json` prints (checks/data/report.schema.json)."""

    schema: str
    language: str
    organization: str
    generated_at: str
    period: Period
    inventory: dict[str, Any]
    findings_raised: list[dict[str, Any]]
    findings_fixed: list[dict[str, Any]]
    demands: list[dict[str, Any]]
    attestations: list[dict[str, Any]]
    open_items: list[dict[str, Any]]
    sweeps: list[dict[str, Any]]
    discovery: NotRequired[dict[str, Any]]
    """What discovery found (by source), what was decided (by state), and the filing list."""


WORDS = {
    "title": ("Rectification report", "网络安全整改报告"),
    "org": ("Organisation", "单位"),
    "period": ("Period", "报告期"),
    "generated": ("Generated", "生成时间"),
    "inventory": ("1. Inventory of network assets", "一、网络资产梳理情况"),
    "assets": ("assets", "项资产"),
    "by_kind": ("By kind", "按类型"),
    "by_lifecycle": ("By lifecycle", "按生命周期"),
    "by_owner": ("By owner", "按责任人"),
    "discovery": ("Names found outside the inventory", "台账外发现的名称"),
    "filings": ("ICP filings (imported list)", "ICP 备案（导入的列表）"),
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


def word(key: str, lang: str) -> str:
    """A word of the report's vocabulary in `lang`."""
    en, zh = WORDS[key]
    return Bilingual(en, zh).text(lang)


Section = tuple[str, list[str], list[list[str]]]
"""(title, column headers, rows)."""


def _finding_row(f: dict[str, Any], date_key: str) -> list[str]:
    return [
        f["asset"],
        f["severity"],
        f"{f['title']} ({f['check']})",
        f["evidence"],
        (f[date_key] or "")[:10],
    ]


def _mark(item: dict[str, Any]) -> str:
    """✓ done, ✗ not done, ? not verified (unknown is never ✓)."""
    if item["done"]:
        return "✓"
    return "?" if item.get("not_verified") else "✗"


def _minute(stamp: str) -> str:
    return stamp[:16].replace("T", " ")


def sections(report: Report) -> list[Section]:
    """The report's tables, in order, with their headers in the report's language."""
    lang = report["language"]

    def w(*keys: str) -> list[str]:
        return [word(key, lang) for key in keys]

    demand_rows = [
        [
            d["title"],
            f"{d['done']}/{d['total']}",
            "; ".join(f"{_mark(i)} {i['text']}" for i in d["items"]),
        ]
        for d in report["demands"]
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
    found = w("asset", "severity", "finding", "evidence")
    return [
        (
            word("raised", lang),
            [*found, *w("first_seen")],
            [_finding_row(f, "first_seen") for f in report["findings_raised"]],
        ),
        (
            word("fixed", lang),
            [*found, *w("resolved")],
            [_finding_row(f, "resolved_at") for f in report["findings_fixed"]],
        ),
        (word("demands", lang), w("item", "done", "how"), demand_rows),
        (
            word("attestations", lang),
            w("when", "who", "what", "evidence"),
            [
                [_minute(a["at"]), a["actor"], a["action"], str(a["detail"])]
                for a in report["attestations"]
            ],
        ),
        (
            word("open", lang),
            w("asset", "owner", "severity", "finding", "status", "due"),
            open_rows,
        ),
        (
            word("sweeps", lang),
            w("when", "who", "assets"),
            [[_minute(s["at"]), s["actor"], str(s.get("assets", ""))] for s in report["sweeps"]],
        ),
    ]


def inventory_lines(report: Report) -> list[tuple[str, str]]:
    """(label, summary) of the inventory by kind, lifecycle and owner."""
    lang = report["language"]
    inv = report["inventory"]
    return [
        (word("by_kind", lang), ", ".join(f"{k} {v}" for k, v in inv["by_kind"].items())),
        (word("by_lifecycle", lang), ", ".join(f"{k} {v}" for k, v in inv["by_lifecycle"].items())),
        (word("by_owner", lang), ", ".join(f"{k} {v}" for k, v in inv["by_owner"].items())),
        *_discovery_lines(report),
    ]


def _discovery_lines(report: Report) -> list[tuple[str, str]]:
    found = report.get("discovery")
    if not found:
        return []
    lang = report["language"]
    sources = ", ".join(f"{k} {v}" for k, v in found["by_source"].items()) or "-"
    states = ", ".join(f"{k} {v}" for k, v in found["by_state"].items()) or "-"
    return [
        (word("discovery", lang), f"{found['total']} ({sources}; {states})"),
        (word("filings", lang), str(found["filings"])),
    ]
