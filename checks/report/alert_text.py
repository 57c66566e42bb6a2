"""The words of an alert and the escaping of what it quotes: one digest item as lines of text.

Titles, evidence, owners and names come from the network and from people. In a chat robot's
markdown they must stay text: `[x](http://…)`, `**`, `<at id=all>`, `<@all>`, `<font>`, `@138…`
or a line break followed by `# ` would otherwise become links, mentions, colours or headings.
`md_text` turns every character that any of the three dialects (DingTalk markdown, WeCom
markdown, Feishu lark_md) treats as markup into its full-width twin, which no renderer reads,
folds line breaks into spaces and makes control characters visible (`checks.text.inert`).
"""

from __future__ import annotations

from datetime import datetime, tzinfo

from checks.alerting import AlertEvent, EventKind
from checks.knowledge.playbooks import playbook_for
from checks.lang import Bilingual
from checks.model import Severity
from checks.names import display_name
from checks.text import inert

KIND_WORDS = {
    EventKind.OPENED: Bilingual("New finding", "新问题"),
    EventKind.REOPENED: Bilingual("Reopened", "问题复现"),
    EventKind.ESCALATED: Bilingual("Severity raised", "严重程度上升"),
    EventKind.RESOLVED: Bilingual("Resolved", "已解决"),
    EventKind.RETIRED_ALIVE: Bilingual("Retired asset alive again", "已下线资产重新上线"),
    EventKind.UNOBSERVED: Bilingual("Not observed", "无法观测"),
    EventKind.ACCEPTANCE_EXPIRED: Bilingual("Risk acceptance expired", "风险接受已到期"),
    EventKind.DECOMMISSIONED: Bilingual("Decommissioned", "已完成下线"),
    EventKind.STILL_OPEN: Bilingual("Still open", "仍未整改"),
}
SEVERITY_WORDS = {
    Severity.CRITICAL: Bilingual("CRITICAL", "严重"),
    Severity.HIGH: Bilingual("HIGH", "高危"),
    Severity.MEDIUM: Bilingual("MEDIUM", "中危"),
    Severity.LOW: Bilingual("LOW", "低危"),
    Severity.INFO: Bilingual("INFO", "提示"),
}
SEVERITY_MARK = {
    Severity.CRITICAL: "‼",
    Severity.HIGH: "▲",
    Severity.MEDIUM: "●",
    Severity.LOW: "○",
    Severity.INFO: "·",
}
"""The dashboard's symbols, so a message reads the same without colour."""
WORDS = {
    "title": Bilingual("assetwatch: {n} change(s)", "assetwatch：{n} 项变化"),
    "check": Bilingual("Check", "检查项"),
    "evidence": Bilingual("Evidence", "证据"),
    "first_seen": Bilingual("First seen", "首次发现"),
    "first_step": Bilingual("First step", "第一步"),
    "owner": Bilingual("Owner", "负责人"),
    "was": Bilingual("was {severity}", "原为 {severity}"),
    "why": Bilingual("Why", "原因"),
    "more": Bilingual(
        "… and {n} more ({counts}): `assetwatch findings`",
        "…… 另有 {n} 项（{counts}）：`assetwatch findings`",
    ),
    "notify": Bilingual("To be told", "请知悉"),
    "test": Bilingual(
        "assetwatch test message: this channel works.", "assetwatch 测试消息：此通道工作正常。"
    ),
    "test_title": Bilingual("assetwatch test", "assetwatch 测试"),
}

_MARKUP = str.maketrans(
    {
        "\\": "＼",
        "`": "｀",
        "*": "＊",
        "_": "＿",
        "~": "～",
        "#": "＃",
        "[": "［",
        "]": "］",
        "<": "＜",
        ">": "＞",
        "|": "｜",
        "!": "！",
        "&": "＆",
        "@": "＠",
        "$": "＄",
    }
)


def md_text(text: str, limit: int = 300) -> str:
    """Network or people's text made literal in chat markdown, on one line, at most `limit`."""
    flat = inert(" ".join(text.split()))
    if len(flat) > limit:
        flat = flat[: limit - 1] + "…"
    return flat.translate(_MARKUP)


def plain_text(text: str, limit: int = 2000) -> str:
    """Network or people's text for a plain-text email: inert, one line, at most `limit`."""
    flat = inert(" ".join(text.split()))
    return flat if len(flat) <= limit else flat[: limit - 1] + "…"


def when(at: datetime | None, zone: tzinfo | None) -> str:
    """A time as people read it in the channel's zone: 2026-11-29 16:00 +08:00."""
    if at is None:
        return "-"
    return at.astimezone(zone).strftime("%Y-%m-%d %H:%M %z").replace("+0000", "UTC")


def first_step(check: str, lang: str) -> str:
    """The first step of the check's playbook, in `lang`; "" when it has none."""
    book = playbook_for(check) if check else None
    return book.steps[0].text.text(lang) if book and book.steps else ""


def headline(event: AlertEvent, lang: str) -> tuple[str, str, str]:
    """(severity mark and word, what happened, the asset's display name), unescaped."""
    sev = f"{SEVERITY_MARK[event.severity]} {SEVERITY_WORDS[event.severity].text(lang)}"
    return sev, KIND_WORDS[event.kind].text(lang), display_name(event.asset)


def facts(event: AlertEvent, lang: str, zone: tzinfo | None) -> list[tuple[str, str]]:
    """(label, value) pairs under an item's headline, values unescaped (the caller escapes)."""
    w = {k: v.text(lang) for k, v in WORDS.items()}
    rows: list[tuple[str, str]] = []
    if event.check:
        title = event.title.text(lang)
        rows.append((w["check"], f"{event.check} · {title}" if title else event.check))
    if event.kind == EventKind.ESCALATED and event.previous:
        previous = SEVERITY_WORDS.get(Severity(event.previous), Bilingual("", "")).text(lang)
        rows.append(("", w["was"].format(severity=previous)))
    if event.evidence:
        rows.append((w["evidence"], event.evidence))
    if event.detail:
        rows.append((w["why"], event.detail))
    if event.first_seen is not None:
        rows.append((w["first_seen"], when(event.first_seen, zone)))
    step = first_step(event.check, lang)
    if step and event.kind != EventKind.RESOLVED:
        rows.append((w["first_step"], step))
    if event.owner:
        rows.append((w["owner"], event.owner))
    return rows


def counts(events: list[AlertEvent], lang: str) -> str:
    """ "2 HIGH, 1 MEDIUM": how many of each severity, worst first."""
    parts = []
    for severity in Severity:
        n = sum(1 for e in events if e.severity == severity)
        if n:
            parts.append(f"{n} {SEVERITY_WORDS[severity].text(lang)}")
    return ", ".join(parts)
