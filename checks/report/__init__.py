"""Renderers of the rectification report (整改报告): Markdown, HTML, Word and Excel from a `Report`.

Pure: `checks.service.reports.build_report` gathers the data; `checks.report.document` lays it
out as a document (cover, summary, problems, open items...), and each format renders that. Every
text that came from the network or from people is made inert for the format.
"""

from __future__ import annotations

from functools import cache
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
    cover: NotRequired[dict[str, Any]]
    """Prepared by, reviewed by, the date and the document number."""
    summary: NotRequired[dict[str, Any]]
    """The one-page summary's figures."""
    problems: NotRequired[list[dict[str, Any]]]
    """Per finding of the period: what was found, the measures, the result, the evidence."""
    sweep_summary: NotRequired[dict[str, Any]]
    """The sweeps of the period summarised (count, coverage, first and last)."""


WORDS = {
    "title": ("Rectification report", "网络安全整改报告"),
    "doc_title": (
        "Report on the rectification of network security problems",
        "关于网络安全问题整改情况的报告",
    ),
    "org": ("Organisation", "单位"),
    "period": ("Period", "报告期"),
    "generated": ("Generated", "生成时间"),
    "prepared_by": ("Prepared by", "编制人"),
    "reviewed_by": ("Reviewed by", "审核人"),
    "date": ("Date", "报告日期"),
    "number": ("Document no.", "文号"),
    "utc": ("All times are UTC.", "文中时间均为协调世界时（UTC）。"),
    "seal": ("Seal of the organisation:", "单位（盖章）："),
    "signature": ("Signature of the person in charge:", "负责人（签字）："),
    "sign_date": ("Date:", "日期：      年    月    日"),
    "summary": ("1. Summary", "一、总体情况"),
    "problems": ("2. Problems found and how they were fixed", "二、问题及整改情况"),
    "open": ("3. Open items", "三、尚未完成事项"),
    "demands": ("4. The regulator's demands", "四、监管要求落实情况"),
    "inventory": ("5. Inventory of network assets", "五、网络资产梳理情况"),
    "sweeps": ("6. Regular assessment (sweeps)", "六、定期评估（扫描）情况"),
    "attestations": ("Appendix: record of attestations", "附：人工确认记录"),
    "assets_by_kind": ("Assets by kind and lifecycle", "资产按类型和生命周期"),
    "by_severity": ("Findings by severity", "问题按级别"),
    "demands_state": ("The seven demands", "七项监管要求"),
    "by_kind": ("By kind", "按类型"),
    "by_lifecycle": ("By lifecycle", "按生命周期"),
    "by_owner": ("By owner", "按责任人"),
    "discovery": ("Names found outside the inventory", "台账外发现的名称"),
    "filings": ("ICP filings (imported list)", "ICP 备案（导入的列表）"),
    "none": ("None.", "无。"),
    "asset": ("Asset", "资产"),
    "kind": ("Kind", "类型"),
    "total": ("Total", "合计"),
    "check": ("Check", "检查项"),
    "severity": ("Severity", "级别"),
    "finding": ("Finding", "问题"),
    "subject": ("Subject", "对象"),
    "evidence": ("Evidence", "证据"),
    "first_seen": ("First seen", "首次发现"),
    "raised": ("Raised", "发现"),
    "fixed": ("Fixed", "已整改"),
    "still_open": ("Open", "未完成"),
    "resolved": ("Completed", "完成时间"),
    "status": ("Status", "状态"),
    "owner": ("Owner", "责任人"),
    "due": ("Due", "整改期限"),
    "overdue": ("overdue", "已逾期"),
    "item": ("Item", "事项"),
    "mode": ("How", "方式"),
    "done": ("Done", "完成"),
    "how": ("How it stands", "情况"),
    "when": ("When", "时间"),
    "who": ("Who", "人员"),
    "what": ("What", "内容"),
    "measures": ("Measures taken", "整改措施"),
    "result": ("Result and verification", "整改结果及验证"),
    "evidence_files": ("Evidence files", "证据文件"),
    "no_measures": ("No step attested yet.", "尚无人工确认的整改步骤。"),
    "count": ("Sweeps", "扫描次数"),
    "first": ("First", "首次"),
    "last": ("Last", "最近一次"),
    "coverage": ("Coverage", "覆盖情况"),
    "demand": ("Demand", "监管要求"),
    "note": ("Note", "备注"),
    "no_owner": ("none named", "未指定"),
    "deleted": ("deleted from the inventory since", "已从台账删除"),
    "no_deadline": ("no deadline", "无期限"),
    "not_set": ("not set", "未设置"),
    "no": ("no", "否"),
    "yes": ("yes", "是"),
}
"""The report's own words, English and Chinese."""

SEVERITY = {
    "critical": ("critical", "严重"),
    "high": ("high", "高危"),
    "medium": ("medium", "中危"),
    "low": ("low", "低危"),
    "info": ("info", "提示"),
}
STATUS = {
    "open": ("open", "待处理"),
    "in-progress": ("in progress", "整改中"),
    "resolved": ("resolved", "已整改"),
    "accepted": ("risk accepted", "已接受风险"),
}
KIND = {
    "website": ("website", "网站"),
    "domain": ("domain", "域名"),
    "oa": ("OA system", "OA 系统"),
    "server": ("server", "服务器"),
    "mail": ("mail", "邮件系统"),
    "other": ("other", "其他"),
}
LIFECYCLE = {
    "active": ("active", "在用"),
    "retiring": ("retiring", "下线中"),
    "retired": ("retired", "已下线"),
}
MODE = {
    "auto": ("automatic", "自动"),
    "semi": ("semi-automatic", "半自动"),
    "manual": ("manual", "人工"),
}
DISCOVERY_STATE = {
    "new": ("waiting", "待处理"),
    "adopted": ("adopted", "已纳入台账"),
    "not-ours": ("not ours", "非本单位"),
    "ignored": ("ignored", "已忽略"),
    "retired": ("adopted and retired", "纳入台账并下线"),
}
DISCOVERY_SOURCE = {
    "ct": ("certificate logs", "证书透明日志"),
    "brute": ("subdomain guessing", "子域名字典"),
    "san": ("certificate names", "证书域名"),
    "link": ("links", "页面链接"),
    "axfr": ("zone transfer", "区域传送"),
    "other": ("other", "其他"),
}
"""The closed sets a reader sees, in both languages (the JSON keeps the ids)."""


@cache
def word(key: str, lang: str) -> str:
    """A word of the report's vocabulary in `lang`."""
    en, zh = WORDS[key]
    return Bilingual(en, zh).text(lang)


def label(table: dict[str, tuple[str, str]], value: str, lang: str) -> str:
    """An id of a closed set (severity, status, kind...) as a reader sees it in `lang`."""
    pair = table.get(value)
    if pair is None:
        return value
    return Bilingual(*pair).text(lang)
