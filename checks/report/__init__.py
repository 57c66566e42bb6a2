"""Renderers of the rectification report (整改报告): Markdown and HTML from a `Report`.

Pure: `checks.service.reports.build_report` gathers the data; these only lay it out. Every
text that came from the network or from people is made inert for the format.
"""

from __future__ import annotations

from typing import Any, TypedDict

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


def sections(report: Report) -> list[Section]:
    """The report's tables, in order, with their headers in the report's language."""
    lang = report["language"]

    def w(key: str) -> str:
        return word(key, lang)

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


def inventory_lines(report: Report) -> list[tuple[str, str]]:
    """(label, summary) of the inventory by kind, lifecycle and owner."""
    lang = report["language"]
    inv = report["inventory"]
    return [
        (word("by_kind", lang), ", ".join(f"{k} {v}" for k, v in inv["by_kind"].items())),
        (word("by_lifecycle", lang), ", ".join(f"{k} {v}" for k, v in inv["by_lifecycle"].items())),
        (word("by_owner", lang), ", ".join(f"{k} {v}" for k, v in inv["by_owner"].items())),
    ]
