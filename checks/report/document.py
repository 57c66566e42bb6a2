"""The report laid out as the document a company sends after an interview, format-free.

Cover (organisation, period, prepared and reviewed by, date, a place for the seal), a one-page
summary with figures, then per problem what was found, the measures taken, the result and its
evidence; open items; the seven demands; the inventory; the sweeps summarised; the record of
attestations. Markdown, HTML and Word render these blocks; text stays raw here and each
renderer makes it inert for its format.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from checks.report import (
    DISCOVERY_SOURCE,
    DISCOVERY_STATE,
    KIND,
    LIFECYCLE,
    MODE,
    SEVERITY,
    STATUS,
    Report,
    label,
    word,
)


@dataclass(frozen=True, slots=True)
class Title:
    """The cover's title and the organisation under it."""

    text: str
    subtitle: str


@dataclass(frozen=True, slots=True)
class Heading:
    """A section (level 1, on a new page when printed) or a part of one (2, 3)."""

    text: str
    level: int = 1


@dataclass(frozen=True, slots=True)
class Para:
    """A paragraph."""

    text: str


@dataclass(frozen=True, slots=True)
class Bullets:
    """A list of sentences."""

    items: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Fields:
    """Label: value lines (the cover, a problem's facts)."""

    rows: tuple[tuple[str, str], ...]


@dataclass(frozen=True, slots=True)
class Table:
    """A table; `widths` are relative column widths, `keep` the columns never broken inside."""

    headers: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]
    widths: tuple[int, ...]
    keep: frozenset[int] = field(default_factory=frozenset)


@dataclass(frozen=True, slots=True)
class Seal:
    """The place for the seal and the signature."""

    lines: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class PageBreak:
    """The next section starts on a new page."""


Block = Title | Heading | Para | Bullets | Fields | Table | Seal | PageBreak


def day(stamp: str | None) -> str:
    """A stored timestamp as its day ("2026-12-01")."""
    return (stamp or "")[:10]


def minute(stamp: str | None) -> str:
    """A stored timestamp to the minute ("2026-12-01 08:03")."""
    return (stamp or "")[:16].replace("T", " ")


def _stop(text: str, lang: str) -> str:
    """A sentence ended once, in the language's full stop."""
    text = text.rstrip().rstrip("。.;；")
    return text + ("。" if lang == "zh" else ".")


def _sep(lang: str) -> str:
    return "；" if lang == "zh" else "; "


def finding_name(f: dict[str, Any], lang: str) -> str:
    """A finding's title with its subject (the file, port or name it is about)."""
    subject = f.get("subject") or ""
    if not subject:
        return str(f["title"])
    return f"{f['title']}（{subject}）" if lang == "zh" else f"{f['title']} ({subject})"


def due_text(f: dict[str, Any], lang: str) -> str:
    """The due day, marked when overdue."""
    if not f.get("due"):
        return word("no_deadline", lang)
    text = day(f["due"])
    if f.get("overdue"):
        text += f"（{word('overdue', lang)}）" if lang == "zh" else f" ({word('overdue', lang)})"
    return text


def measure_text(m: dict[str, Any], lang: str) -> str:
    """An attested step as a sentence: when, who, what, the note and the evidence with its hash."""
    zh = lang == "zh"
    parts = [f"{minute(m['at'])} {m['actor']}{'：' if zh else ': '}{_stop(m['text'], lang)}"]
    if m.get("note"):
        parts.append(_stop(f"{word('note', lang)}{'：' if zh else ': '}{m['note']}", lang))
    if m.get("evidence"):
        ev = f"{word('evidence', lang)}{'：' if zh else ': '}{m['evidence']}"
        if m.get("evidence_sha256"):
            ev += (
                f"（SHA-256：{m['evidence_sha256']}）"
                if zh
                else f" (SHA-256 {m['evidence_sha256']})"
            )
        parts.append(_stop(ev, lang))
    return ("" if zh else " ").join(parts)


def result_text(p: dict[str, Any], lang: str) -> str:
    """The result of a problem and how it was verified."""
    zh = lang == "zh"
    v = p.get("verification") or {}
    auto = _sep(lang).join(v.get("auto_steps") or [])
    if p["status"] == "resolved":
        text = (
            f"已整改。assetwatch 于 {minute(p['resolved_at'])} 复测，该问题不再出现"
            if zh
            else f"Fixed. assetwatch re-probed on {minute(p['resolved_at'])} and the problem "
            "no longer appears"
        )
        if auto:
            text += f"；自动验证：{auto}" if zh else f"; verified automatically: {auto}"
        return _stop(text, lang)
    accepted = p.get("accepted")
    if p["status"] == "accepted" and accepted:
        return _stop(
            f"已接受风险至 {day(accepted['until'])}"
            f"（{accepted['actor']}，理由：{accepted['reason']}）"
            if zh
            else f"Risk accepted until {day(accepted['until'])} by {accepted['actor']}: "
            f"{accepted['reason']}",
            lang,
        )
    if not v.get("firing", True):
        return _stop(
            "复测已不再出现该问题，尚有人工步骤待确认"
            if zh
            else "The problem no longer appears on re-probing; manual steps remain to attest",
            lang,
        )
    return _stop(
        f"尚未整改：最近一次于 {minute(p['last_seen'])} 仍检测到该问题"
        if zh
        else f"Not fixed yet: still detected on {minute(p['last_seen'])}",
        lang,
    )


def _cover(report: Report) -> list[Block]:
    lang = report["language"]
    cover = report.get("cover") or {}
    period = report["period"]
    unset = word("not_set", lang)
    return [
        Title(word("doc_title", lang), report["organization"] or unset),
        Fields(
            (
                (word("org", lang), report["organization"] or unset),
                (word("period", lang), f"{day(period['since'])} — {day(period['until'])}"),
                (word("prepared_by", lang), cover.get("prepared_by") or ""),
                (word("reviewed_by", lang), cover.get("reviewed_by") or ""),
                (word("date", lang), cover.get("date") or day(report["generated_at"])),
                (word("number", lang), cover.get("number") or ""),
            )
        ),
        Para(word("utc", lang)),
        Seal((word("seal", lang), word("signature", lang), word("sign_date", lang))),
    ]


def _lead(report: Report) -> str:
    lang = report["language"]
    s = report.get("summary") or {}
    sev = s.get("findings_by_severity") or {}
    raised = sum(v["raised"] for v in sev.values())
    fixed = sum(v["fixed"] for v in sev.values())
    open_ = sum(v["open"] for v in sev.values())
    r = s.get("retired") or {"total": 0, "dark": 0, "alive": 0, "not_verified": 0}
    p = report["period"]
    n = report["inventory"]["total"]
    if lang == "zh":
        return (
            f"报告期 {day(p['since'])} 至 {day(p['until'])}，本单位共梳理网络资产 {n} 项；"
            f"报告期内发现问题 {raised} 项，已整改 {fixed} 项，尚未完成 {open_} 项"
            f"（其中逾期 {s.get('overdue', 0)} 项）。已下线资产 {r['total']} 项，"
            f"经复测确认已下线（不再解析、不再提供服务）{r['dark']} 项，仍可访问 {r['alive']} 项，"
            f"未能验证 {r['not_verified']} 项。"
        )
    return (
        f"From {day(p['since'])} to {day(p['until'])} the organisation kept {n} network assets "
        f"in its inventory; {raised} problems were found in the period, {fixed} were fixed and "
        f"{open_} remain open ({s.get('overdue', 0)} overdue). Of {r['total']} retired assets, "
        f"{r['dark']} were verified dark (no DNS answer, nothing served), {r['alive']} still "
        f"answer and {r['not_verified']} could not be verified."
    )


def _summary(report: Report) -> list[Block]:
    lang = report["language"]
    s = report.get("summary") or {}
    kinds: dict[str, dict[str, int]] = s.get("assets_by_kind") or {}
    lifes = list(LIFECYCLE)
    kind_rows = [
        (
            label(KIND, kind, lang),
            *(str(counts.get(life, 0)) for life in lifes),
            str(sum(counts.values())),
        )
        for kind, counts in kinds.items()
    ]
    sev = s.get("findings_by_severity") or {}
    sev_rows = [
        (label(SEVERITY, k, lang), str(v["raised"]), str(v["fixed"]), str(v["open"]))
        for k, v in sev.items()
        if any(v.values())
    ]
    demand_rows = [(d["title"], f"{d['done']}/{d['total']}") for d in report["demands"]]
    return [
        Heading(word("summary", lang)),
        Para(_lead(report)),
        Heading(word("assets_by_kind", lang), 2),
        Table(
            (
                word("kind", lang),
                *(label(LIFECYCLE, x, lang) for x in lifes),
                word("total", lang),
            ),
            tuple(kind_rows),
            (3, 1, 1, 1, 1),
            frozenset(range(5)),
        ),
        Heading(word("by_severity", lang), 2),
        Table(
            tuple(word(k, lang) for k in ("severity", "raised", "fixed", "still_open")),
            tuple(sev_rows),
            (2, 1, 1, 1),
            frozenset(range(4)),
        ),
        Heading(word("demands_state", lang), 2),
        Table(
            (word("demand", lang), word("done", lang)), tuple(demand_rows), (5, 1), frozenset({1})
        ),
    ]


def _problem(n: int, p: dict[str, Any], lang: str) -> list[Block]:
    sev = label(SEVERITY, p["severity"], lang)
    head = f"{n}. [{sev}] {p['asset']} — {finding_name(p, lang)}"
    asset = p["asset"]
    if p.get("asset_deleted"):
        asset += f"（{word('deleted', lang)}）" if lang == "zh" else f" ({word('deleted', lang)})"
    facts = [
        (word("asset", lang), asset),
        (word("finding", lang), finding_name(p, lang)),
        (word("check", lang), p["check"]),
        (word("severity", lang), sev),
        (word("first_seen", lang), minute(p["first_seen"])),
        (word("evidence", lang), p["evidence"]),
        (word("owner", lang), p["owner"] or word("no_owner", lang)),
        (word("status", lang), label(STATUS, p["status"], lang)),
    ]
    if p["status"] == "resolved":
        facts.append((word("resolved", lang), minute(p["resolved_at"])))
    else:
        facts.append((word("due", lang), due_text(p, lang)))
    measures = tuple(measure_text(m, lang) for m in p.get("measures") or ())
    files = tuple(
        f"{minute(x['at'])} {x['actor']} {x['folder']}: {f['name']} SHA-256 {f['sha256']}"
        for x in p.get("evidence_exports") or ()
        for f in x["files"]
    )
    blocks: list[Block] = [
        Heading(head, 3),
        Fields(tuple(facts)),
        Heading(word("measures", lang), 4),
        Bullets(measures) if measures else Para(word("no_measures", lang)),
        Fields(((word("result", lang), result_text(p, lang)),)),
    ]
    if files:
        blocks += [Heading(word("evidence_files", lang), 4), Bullets(files)]
    return blocks


def _open_items(report: Report) -> list[Block]:
    lang = report["language"]
    rows = tuple(
        (
            f["asset"],
            finding_name(f, lang),
            label(SEVERITY, f["severity"], lang),
            label(STATUS, f["status"], lang),
            f["owner"] or word("no_owner", lang),
            due_text(f, lang),
        )
        for f in report["open_items"]
    )
    headers = tuple(
        word(k, lang) for k in ("asset", "finding", "severity", "status", "owner", "due")
    )
    return [
        Heading(word("open", lang)),
        Table(headers, rows, (3, 4, 1, 1, 2, 2), frozenset({2, 3, 5}))
        if rows
        else Para(word("none", lang)),
    ]


def _mark(item: dict[str, Any]) -> str:
    """✓ done, ✗ not done, ? not verified (unknown is never ✓)."""
    if item["done"]:
        return "✓"
    return "?" if item.get("not_verified") else "✗"


_DETAIL_ZH = (
    (re.compile(r"^open>=(\w+)"), lambda m: f"未处理的{label(SEVERITY, m[1], 'zh')}及以上问题"),
    (re.compile(r"^open="), lambda m: "未处理="),
    (re.compile(r"^owner=none"), lambda m: "无责任人"),
    (re.compile(r"^retiring>(\d+)d"), lambda m: f"下线中超过 {m[1]} 天"),
    (re.compile(r"^unobserved="), lambda m: "未完整观测="),
    (re.compile(r"^last_sweep="), lambda m: "最近扫描="),
    (re.compile(r"^retention=(\d+)d"), lambda m: f"历史保留 {m[1]} 天"),
    (re.compile(r"^checks_off="), lambda m: "已关闭的检查="),
    (re.compile(r"^expired_acceptances="), lambda m: "已过期的风险接受="),
    (re.compile(r"^inventory=empty"), lambda m: "台账为空"),
    (
        re.compile(r"^no_(full_sweep|sweep)_within=(\d+)d"),
        lambda m: f"{m[2]} 天内无{'完整' if m[1] == 'full_sweep' else ''}扫描",
    ),
)
"""The computed items' key=value details, their keys said in Chinese (the values are data)."""


def detail_text(detail: str, lang: str) -> str:
    """A computed item's detail as a reader of `lang` sees it."""
    if lang != "zh":
        return detail
    for pattern, said in _DETAIL_ZH:
        detail = pattern.sub(said, detail, count=1)
    return detail


def _how(item: dict[str, Any], lang: str) -> str:
    a = item.get("attestation")
    parts = [detail_text(item["detail"], lang)] if item.get("detail") else []
    if item.get("not_verified"):
        parts.append(detail_text(item["not_verified"], lang))
    if a:
        signed = f"{a['actor']} {day(a['at'])}"
        if a.get("note"):
            signed += f"{'：' if lang == 'zh' else ': '}{a['note']}"
        if a.get("evidence"):
            signed += f" ({a['evidence']})"
        parts.append(signed)
    return _sep(lang).join(parts)


def _demands(report: Report) -> list[Block]:
    lang = report["language"]
    blocks: list[Block] = [Heading(word("demands", lang))]
    for d in report["demands"]:
        blocks.append(Heading(f"{d['title']}（{d['done']}/{d['total']}）", 2))
        rows = tuple(
            (_mark(i), i["text"], label(MODE, i["mode"], lang), _how(i, lang)) for i in d["items"]
        )
        headers = tuple(word(k, lang) for k in ("done", "item", "mode", "how"))
        blocks.append(Table(headers, rows, (1, 6, 2, 5), frozenset({0, 2})))
    return blocks


def _counts(table: dict[str, tuple[str, str]], counts: dict[str, int], lang: str) -> str:
    sep = "，" if lang == "zh" else ", "
    return sep.join(f"{label(table, k, lang)} {v}" for k, v in counts.items()) or "-"


def _inventory(report: Report) -> list[Block]:
    lang = report["language"]
    inv = report["inventory"]
    sep = "，" if lang == "zh" else ", "
    rows = [
        (word("total", lang), str(inv["total"])),
        (word("by_kind", lang), _counts(KIND, inv["by_kind"], lang)),
        (word("by_lifecycle", lang), _counts(LIFECYCLE, inv["by_lifecycle"], lang)),
        (word("by_owner", lang), sep.join(f"{k} {v}" for k, v in inv["by_owner"].items()) or "-"),
    ]
    found = report.get("discovery")
    if found:
        sources = _counts(DISCOVERY_SOURCE, found["by_source"], lang)
        states = _counts(DISCOVERY_STATE, found["by_state"], lang)
        rows.append((word("discovery", lang), f"{found['total']}（{sources}{_sep(lang)}{states}）"))
        rows.append((word("filings", lang), str(found["filings"])))
    return [Heading(word("inventory", lang)), Fields(tuple(rows))]


def _sweeps(report: Report) -> list[Block]:
    lang = report["language"]
    s = report.get("sweep_summary")
    if not s or not s["count"]:
        return [Heading(word("sweeps", lang)), Para(word("none", lang))]
    zh = lang == "zh"
    count = (
        f"{s['count']} 次（完整扫描 {s['full']} 次，轻量扫描 {s['light']} 次）"
        if zh
        else f"{s['count']} ({s['full']} full, {s['light']} light)"
    )
    coverage = (
        f"{s['days']} 天中有 {s['days_with_sweep']} 天进行了扫描；最近一次扫描覆盖 "
        f"{s['last_assets']}/{s['inventory']} 项资产，未完整观测 {s['last_unobserved']} 项"
        if zh
        else f"sweeps on {s['days_with_sweep']} of {s['days']} days; the last one covered "
        f"{s['last_assets']} of {s['inventory']} assets, {s['last_unobserved']} not fully observed"
    )
    return [
        Heading(word("sweeps", lang)),
        Fields(
            (
                (word("count", lang), count),
                (word("coverage", lang), coverage),
                (word("first", lang), minute(s["first"])),
                (word("last", lang), minute(s["last"])),
            )
        ),
    ]


_ACTION = {
    "step.attest": ("attested", "确认完成"),
    "step.unattest": ("took back the attestation of", "撤回确认"),
    "decommission.attest": ("attested the decommission step", "确认下线步骤"),
    "org.attest": ("attested the item", "确认事项"),
    "risk.accept": ("accepted the risk of", "接受风险"),
    "asset.update": ("changed the asset", "修改资产"),
    "discovery.decide": ("decided on a discovered name", "处理台账外名称"),
    "evidence.export": ("saved the probe's evidence of", "导出探测证据"),
    "asset.delete": ("deleted from the inventory", "从台账删除资产"),
}


def record_text(a: dict[str, Any], lang: str) -> str:
    """An attestation event as a sentence: the action, the asset, the step, note and evidence."""
    zh = lang == "zh"
    en_word, zh_word = _ACTION.get(a["action"], (a["action"], a["action"]))
    d = a.get("detail") or {}
    parts = [zh_word if zh else en_word]
    if a.get("asset"):
        parts.append(a["asset"])
    if a.get("finding"):
        parts.append(finding_name({"title": a["finding"], "subject": a.get("subject")}, lang))
    if a.get("step"):
        parts.append(f"「{a['step']}」" if zh else f"“{a['step']}”")
    extra = []
    if a["action"] == "asset.update":
        changes = d.get("changes") or {}
        extra += [_change(k, v[0], v[1], lang) for k, v in changes.items() if isinstance(v, list)]
    if a["action"] == "risk.accept":
        extra.append(f"{day(d.get('until'))} {d.get('reason', '')}")
    if a["action"] == "discovery.decide":
        extra.append(f"{d.get('name', '')} {label(DISCOVERY_STATE, str(d.get('state')), lang)}")
        extra.append(str(d.get("reason", "")))
    if a["action"] == "evidence.export":
        extra.append(f"{len(d.get('files') or {})} {'个文件' if zh else 'files'}")
    if d.get("note"):
        extra.append(f"{word('note', lang)}{'：' if zh else ': '}{d['note']}")
    if d.get("evidence"):
        ev = f"{word('evidence', lang)}{'：' if zh else ': '}{d['evidence']}"
        if d.get("sha256"):
            ev += f" SHA-256 {d['sha256']}"
        extra.append(ev)
    text = " ".join(str(p) for p in parts)
    extra = [e.strip() for e in extra if e.strip()]
    if not extra:
        return text
    return text + ("（" + "；".join(extra) + "）" if zh else " (" + "; ".join(extra) + ")")


_FIELD = {
    "name": ("name", "名称"),
    "kind": ("kind", "类型"),
    "owner": ("owner", "责任人"),
    "lifecycle": ("lifecycle", "生命周期"),
    "urls": ("URLs", "网址"),
    "icp": ("ICP number", "备案号"),
    "tags": ("tags", "标签"),
    "notes": ("notes", "备注"),
    "interval_s": ("probe interval (s)", "探测间隔（秒）"),
}


def _change(key: str, old: Any, new: Any, lang: str) -> str:
    """One changed field of an asset, its values as a reader sees them."""
    table = {"kind": KIND, "lifecycle": LIFECYCLE}.get(key)

    def shown(value: Any) -> str:
        return label(table, str(value), lang) if table else str(value or "-")

    return f"{label(_FIELD, key, lang)}{'：' if lang == 'zh' else ': '}{shown(old)} → {shown(new)}"


def _record(report: Report) -> list[Block]:
    lang = report["language"]
    rows = tuple(
        (minute(a["at"]), a["actor"], record_text(a, lang)) for a in report["attestations"]
    )
    headers = tuple(word(k, lang) for k in ("when", "who", "what"))
    return [
        Heading(word("attestations", lang)),
        Table(headers, rows, (2, 2, 8), frozenset({0})) if rows else Para(word("none", lang)),
    ]


def blocks(report: Report) -> list[Block]:
    """The whole document, in order; a PageBreak between sections."""
    lang = report["language"]
    problems = report.get("problems") or []
    body: list[Block] = [Heading(word("problems", lang))]
    for n, p in enumerate(problems, 1):
        body += _problem(n, p, lang)
    if not problems:
        body.append(Para(word("none", lang)))
    sections = [
        _summary(report),
        body,
        _open_items(report),
        _demands(report),
        _inventory(report),
        _sweeps(report),
        _record(report),
    ]
    out: list[Block] = _cover(report)
    for section in sections:
        out.append(PageBreak())
        out += section
    return out
