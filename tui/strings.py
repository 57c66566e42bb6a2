"""Every string the dashboard shows, in English and Chinese."""

from __future__ import annotations

import humanize

STRINGS: dict[str, tuple[str, str]] = {
    # columns
    "col.risk": ("Risk", "风险"),
    "col.name": ("Name", "名称"),
    "col.kind": ("Kind", "类型"),
    "col.owner": ("Owner", "负责人"),
    "col.lifecycle": ("Status", "状态"),
    "col.dns": ("DNS", "DNS"),
    "col.http": ("HTTP", "HTTP"),
    "col.tls": ("TLS", "证书"),
    "col.time": ("Time", "耗时"),
    "col.findings": ("Open", "问题"),
    "col.checked": ("Checked", "检查于"),
    # risk labels
    "risk.critical": ("CRIT", "严重"),
    "risk.high": ("HIGH", "高危"),
    "risk.medium": ("MED", "中危"),
    "risk.low": ("LOW", "低危"),
    "risk.info": ("INFO", "提示"),
    "risk.ok": ("OK", "正常"),
    "risk.new": ("new", "待测"),
    # lifecycle and kinds
    "life.active": ("active", "在用"),
    "life.retiring": ("retiring", "下线中"),
    "life.retired": ("retired", "已下线"),
    "kind.website": ("website", "网站"),
    "kind.domain": ("domain", "域名"),
    "kind.oa": ("OA", "OA"),
    "kind.server": ("server", "服务器"),
    "kind.mail": ("mail", "邮件"),
    "kind.other": ("other", "其他"),
    # summary bar
    "sum.assets": ("{n} assets", "{n} 个资产"),
    "sum.up": ("up {n}", "在线 {n}"),
    "sum.down": ("down {n}", "异常 {n}"),
    "sum.retired_alive": ("RETIRED BUT ALIVE {n}", "已下线仍存活 {n}"),
    "sum.sweeping": ("sweep {done}/{total}", "扫描 {done}/{total}"),
    "sum.paused": ("PAUSED", "已暂停"),
    "sum.next": ("next sweep {when}", "下次扫描 {when}"),
    "sum.idle": ("all up to date", "均为最新"),
    "sum.filter": ("filter: {text}", "筛选：{text}"),
    "sum.severity": ("≥ {sev}", "≥ {sev}"),
    "sum.sort": ("sort: {key}", "排序：{key}"),
    "sort.risk": ("risk", "风险"),
    "sort.name": ("name", "名称"),
    "sort.owner": ("owner", "负责人"),
    "sort.checked": ("checked", "检查时间"),
    "sort.time": ("time", "耗时"),
    # bindings
    "key.open": ("Open", "详情"),
    "key.filter": ("Filter", "筛选"),
    "key.severity": ("Severity", "级别"),
    "key.sort": ("Sort", "排序"),
    "key.reprobe": ("Probe", "重测"),
    "key.sweep": ("Sweep all", "全部扫描"),
    "key.pause": ("Pause", "暂停"),
    "key.add": ("Add", "添加"),
    "key.edit": ("Edit", "编辑"),
    "key.retire": ("Retire", "下线"),
    "key.import": ("Import", "导入"),
    "key.settings": ("Settings", "设置"),
    "key.help": ("Help", "帮助"),
    "key.quit": ("Quit", "退出"),
    "key.baseline": ("Baseline", "设基线"),
    "key.back": ("Back", "返回"),
    "key.save": ("Save", "保存"),
    "key.cancel": ("Cancel", "取消"),
    "key.palette": ("Commands", "命令"),
    # help and palette
    "help.title": ("Keys", "快捷键"),
    "help.open": ("open the selected asset", "打开所选资产"),
    "help.filter": ("filter by text (Esc clears)", "按文字筛选（Esc 清除）"),
    "help.severity": ("cycle the severity filter", "切换严重程度筛选"),
    "help.sort": ("cycle the sort order", "切换排序方式"),
    "help.reprobe": ("re-probe the selected asset now", "立即重新探测所选资产"),
    "help.sweep": ("sweep every asset now", "立即扫描全部资产"),
    "help.pause": ("pause or resume background probing", "暂停或恢复后台探测"),
    "help.add": ("add an asset", "添加资产"),
    "help.edit": ("edit the selected asset", "编辑所选资产"),
    "help.retire": ("retire the selected asset", "将所选资产下线"),
    "help.import": ("import a CSV or JSON file", "导入 CSV 或 JSON 文件"),
    "help.settings": (
        "organisation, interval, concurrency, DNS, language",
        "单位、间隔、并发、DNS、语言",
    ),
    "help.help": ("show this help", "显示本帮助"),
    "help.quit": ("quit", "退出"),
    "help.baseline": ("accept the current home page as the baseline", "将当前首页设为基线"),
    "help.palette": ("command palette: every action", "命令面板：全部操作"),
    "help.back": ("back to the grid", "返回列表"),
    # asset screen
    "tab.overview": ("Overview", "概况"),
    "tab.findings": ("Findings", "问题"),
    "tab.checklist": ("Checklist", "整改清单"),
    "tab.history": ("History", "历史"),
    "detail.never": ("Not probed yet. Press r to probe now.", "尚未探测。按 r 立即探测。"),
    "detail.dns": ("DNS", "DNS"),
    "detail.http": ("HTTP(S)", "HTTP(S)"),
    "detail.tls": ("Certificate", "证书"),
    "detail.no_findings": ("No open findings.", "没有未处理的问题。"),
    "detail.first_seen": ("first seen", "首次发现"),
    "detail.last_seen": ("last seen", "最近发现"),
    "detail.no_steps": ("Nothing to fix.", "无需整改。"),
    "step.auto": ("auto", "自动"),
    "step.manual": ("manual", "人工"),
    "detail.response": ("Response time (ms), oldest to newest", "响应时间（毫秒），从旧到新"),
    "detail.events": ("Changes", "变更记录"),
    "detail.owner": ("Owner", "负责人"),
    "detail.icp": ("ICP filing", "备案号"),
    "detail.urls": ("URLs", "网址"),
    "detail.notes": ("Notes", "备注"),
    # forms
    "form.add": ("Add an asset", "添加资产"),
    "form.edit": ("Edit {name}", "编辑 {name}"),
    "form.name": ("Name (hostname, IP or URL)", "名称（主机名、IP 或网址）"),
    "form.kind": ("Kind", "类型"),
    "form.owner": ("Owner", "负责人"),
    "form.status": ("Status", "状态"),
    "form.urls": ("URLs (space separated)", "网址（空格分隔）"),
    "form.icp": ("ICP filing number", "ICP 备案号"),
    "form.tags": ("Tags (space separated)", "标签（空格分隔）"),
    "form.notes": ("Notes", "备注"),
    "form.interval": ("Probe every (minutes)", "探测间隔（分钟）"),
    "form.default": ("default", "默认"),
    "form.authorised": (
        "Probe only assets your organisation owns or is authorised to test.",
        "请只探测本单位拥有或已获授权测试的资产。",
    ),
    "retire.title": ("Retire {name}?", "将 {name} 下线？"),
    "retire.body": (
        "From now on it must neither resolve nor serve: if it does, assetwatch raises a critical "
        "finding.",
        "下线后该资产不应再解析或提供服务，否则 assetwatch 将报告严重问题。",
    ),
    "retire.yes": ("Retire", "下线"),
    "retire.done": ("{name} is retired", "{name} 已下线"),
    "import.title": ("Import assets", "导入资产"),
    "import.path": ("File (CSV or JSON)", "文件（CSV 或 JSON）"),
    "import.run": ("Import", "导入"),
    "import.done": (
        "Imported {n} rows: {new} new, {old} existing; {bad} skipped",
        "已导入 {n} 行：新增 {new}，已有 {old}；跳过 {bad} 行",
    ),
    "import.line": ("line {line}: {error}", "第 {line} 行：{error}"),
    "settings.title": ("Settings", "设置"),
    "settings.org": ("Organisation name", "单位名称"),
    "settings.interval": ("Re-probe interval (minutes)", "探测间隔（分钟）"),
    "settings.concurrency": ("Concurrency", "并发数"),
    "settings.nameservers": (
        "DNS servers (HOST[:PORT], space separated; empty: system)",
        "DNS 服务器（主机[:端口]，空格分隔；留空用系统配置）",
    ),
    "settings.lang": ("Language", "语言"),
    "settings.saved": ("Settings saved", "设置已保存"),
    "error.number": ("{field} must be a positive number", "{field} 须为正数"),
    "notify.sweep_failed": ("A sweep failed: {error}", "扫描失败：{error}"),
    "notify.no_selection": ("No asset selected", "未选择资产"),
    "notify.saved": ("Saved {name}", "已保存 {name}"),
    "notify.baseline": ("Baseline of {name} accepted", "{name} 的基线已更新"),
    "palette.filter_sev": ("Show findings of at least {sev}", "只显示不低于 {sev} 的资产"),
    "palette.sort": ("Sort by {key}", "按{key}排序"),
    "org.default": ("My organisation", "本单位"),
    # why an HTTP request got no response (checks.models.HttpError)
    "http.unresolved": ("no DNS", "无解析"),
    "http.connect": ("refused", "连接失败"),
    "http.timeout": ("timeout", "超时"),
    "http.tls": ("TLS error", "TLS 错误"),
    "http.protocol": ("bad HTTP", "协议错误"),
    "http.too-many-redirects": ("redirects", "跳转过多"),
    "http.error": ("error", "错误"),
}


def use_language(lang: str) -> None:
    """Make humanize ("3 minutes ago") speak `lang` too."""
    if lang == "zh":
        humanize.i18n.activate("zh_CN")
    else:
        humanize.i18n.deactivate()


def tr(lang: str, key: str, /, **values: object) -> str:
    """The string `key` in `lang` ("zh" or "en"), with `{placeholders}` filled."""
    en, zh = STRINGS[key]
    text = zh if lang == "zh" else en
    return text.format(**values) if values else text
