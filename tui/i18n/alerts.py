"""The strings of alerts (watch, notify, the channels screen): key -> (English, Chinese)."""

from __future__ import annotations

ALERTS: dict[str, tuple[str, str]] = {
    # -- argparse help ------------------------------------------------------------------------
    "cli.help.watch": (
        "probe each asset when it is due and send alerts, until stopped (one per database)",
        "按周期探测资产并发送告警，直到停止（每个数据库仅一个）",
    ),
    "cli.help.watch_once": (
        "run one cycle (what is due, then deliveries) and exit: for cron and timers",
        "只运行一轮（到期的探测，然后投递）后退出：用于 cron 与定时器",
    ),
    "cli.help.watch_unobserved": (
        "an asset not fully observed N probes in a row is an event (default {default}; stored)",
        "资产连续 N 次探测未能完全观测即为一个事件（默认 {default}；会保存）",
    ),
    "cli.watch.unobserved_bad": (
        "--unobserved-after must be 1 or more",
        "--unobserved-after 须不小于 1",
    ),
    "cli.help.notify": ("alert channels and owners' contacts", "告警通道与负责人联系方式"),
    "cli.help.notify_add": ("add or change a channel", "添加或修改通道"),
    "cli.help.notify_list": ("channels and their delivery state", "通道及其投递状态"),
    "cli.help.notify_test": (
        "send a test message and print the service's answer",
        "发送测试消息并显示服务的回应",
    ),
    "cli.help.notify_remove": ("remove a channel and its queue", "删除通道及其队列"),
    "cli.help.notify_contact": (
        "how an owner is @-mentioned on each kind of channel",
        "负责人在各类通道中被 @ 的方式",
    ),
    "cli.help.notify_kind": (
        "dingtalk, wecom, feishu, email or webhook",
        "dingtalk、wecom、feishu、email 或 webhook",
    ),
    "cli.help.notify_name": ("the channel's name", "通道名称"),
    "cli.help.notify_url": (
        "the robot's or receiver's webhook URL",
        "机器人或接收端的 Webhook 地址",
    ),
    "cli.help.notify_secret": (
        "signing secret (DingTalk 加签, Feishu 签名校验, webhook HMAC)",
        "签名密钥（钉钉加签、飞书签名校验、Webhook HMAC）",
    ),
    "cli.help.notify_secret_env": (
        "read the signing secret from this environment variable instead",
        "改为从此环境变量读取签名密钥",
    ),
    "cli.help.notify_smtp": ("SMTP server", "SMTP 服务器"),
    "cli.help.notify_from": ("sender address", "发件人地址"),
    "cli.help.notify_to": ("recipient (repeatable)", "收件人（可重复）"),
    "cli.help.notify_starttls": ("upgrade with STARTTLS (port 587)", "使用 STARTTLS（端口 587）"),
    "cli.help.notify_tls": ("implicit TLS (port 465)", "直接 TLS（端口 465）"),
    "cli.help.notify_user": ("SMTP login", "SMTP 登录名"),
    "cli.help.notify_password_env": (
        "the SMTP password is in this environment variable",
        "SMTP 密码所在的环境变量",
    ),
    "cli.help.notify_password_file": (
        "the SMTP password is in this file (mode 0600)",
        "SMTP 密码所在的文件（权限须为 0600）",
    ),
    "cli.help.notify_min_severity": (
        "findings below this are not sent (default {default})",
        "低于此严重程度的问题不发送（默认 {default}）",
    ),
    "cli.help.notify_events": (
        "only these kinds of event, comma-separated ({kinds}); default all",
        "只发送这些事件类型，逗号分隔（{kinds}）；默认全部",
    ),
    "cli.help.notify_quiet": (
        "quiet hours: other than critical, events wait until they end",
        "免打扰时段：除严重级外，事件等到时段结束再发",
    ),
    "cli.help.notify_tz": (
        "time zone of the quiet hours and of times in messages (default: this machine's)",
        "免打扰时段与消息中时间的时区（默认本机时区）",
    ),
    "cli.help.notify_lang": ("language of the messages", "消息语言"),
    "cli.help.notify_resend": (
        "hours before a still-open critical finding is sent again (default {default}; 0 never)",
        "严重问题仍未整改时再次提醒的间隔小时数（默认 {default}；0 不重发）",
    ),
    "cli.help.contact_dingtalk": ("mobile number on DingTalk", "钉钉手机号"),
    "cli.help.contact_wecom": ("WeCom user id", "企业微信 userid"),
    "cli.help.contact_feishu": ("Feishu open_id (ou_…)", "飞书 open_id（ou_…）"),
    "cli.help.contact_email": ("email address (copied on alerts)", "邮箱（告警抄送）"),
    "cli.help.contact_remove": ("forget this owner's contacts", "删除该负责人的联系方式"),
    # -- watch ----------------------------------------------------------------------------------
    "cli.watch.another": (
        "another assetwatch watch is running on {path}: not starting a second one",
        "{path} 上已有 assetwatch watch 在运行：不再启动第二个",
    ),
    "cli.watch.started": (
        "watching {path} (SIGTERM or ^C stops)",
        "正在监视 {path}（SIGTERM 或 ^C 停止）",
    ),
    "cli.watch.stopped": (
        "stopped: the batch in flight was stored",
        "已停止：进行中的批次已保存",
    ),
    "cli.watch.swept": (
        "{at} swept {done}/{total} in {seconds} s ({unknown} not fully observed)",
        "{at} 探测 {done}/{total}，用时 {seconds} 秒（{unknown} 个未完全观测）",
    ),
    "cli.watch.interrupted": (
        "{at} sweep stopped after a stored batch",
        "{at} 探测在一批保存后停止",
    ),
    "cli.watch.idle": ("{at} nothing due", "{at} 无到期探测"),
    "cli.watch.alerts": (
        "alerts: {events} new event(s), {sent} message(s) sent, {failed} failed, {waiting} waiting",
        "告警：新事件 {events} 个，已发送 {sent} 条，失败 {failed} 次，待发 {waiting} 个",
    ),
    "cli.watch.failed": (
        "this round failed, trying again in 30 s: {error}",
        "本轮失败，30 秒后重试：{error}",
    ),
    "cli.watch.busy": (
        "alerts: another assetwatch is delivering; left to it",
        "告警：另一个 assetwatch 正在投递，由其处理",
    ),
    # -- notify ---------------------------------------------------------------------------------
    "cli.notify.none": (
        "no channels (assetwatch notify add KIND NAME --url URL)",
        "尚无通道（assetwatch notify add 类型 名称 --url 地址）",
    ),
    "cli.notify.added": ("added channel {name}", "已添加通道 {name}"),
    "cli.notify.updated": (
        "updated channel {name} (its queue is kept)",
        "已更新通道 {name}（队列保留）",
    ),
    "cli.notify.removed": (
        "removed channel {name} ({dropped} undelivered event(s) dropped)",
        "已删除通道 {name}（丢弃未投递事件 {dropped} 个）",
    ),
    "cli.notify.test_ok": ("{name}: sent ({answer})", "{name}：已发送（{answer}）"),
    "cli.notify.test_failed": ("{name}: {outcome}: {answer}", "{name}：{outcome}：{answer}"),
    "cli.notify.healthy": (
        "{waiting} waiting, last sent {last}",
        "待发 {waiting}，最近发送 {last}",
    ),
    "cli.notify.failing": (
        "{waiting} waiting, last sent {last}, FAILING ×{failures}: {answer}",
        "待发 {waiting}，最近发送 {last}，失败 ×{failures}：{answer}",
    ),
    "cli.notify.contact_saved": ("{owner}: {contacts}", "{owner}：{contacts}"),
    "cli.notify.contact_removed": ("forgot the contacts of {owner}", "已删除 {owner} 的联系方式"),
    "cli.notify.contact_none": ("{owner} had no contacts", "{owner} 没有联系方式"),
    "cli.notify.rules": ("rules: {rules}", "规则：{rules}"),
    "cli.notify.delivery": ("delivery: {delivery}", "投递：{delivery}"),
    "cli.notify.inherited": ("inherited from {org}", "继承自 {org}"),
    "cli.notify.paused": ("paused until {until} (rate limit)", "限流暂停至 {until}"),
    # -- the dashboard ----------------------------------------------------------------------
    "key.channels": ("Alerts", "告警"),
    "help.channels": (
        "alert channels and their delivery state (add, remove, test)",
        "告警通道及投递状态（添加、删除、测试）",
    ),
    "key.add-channel": ("Add", "添加"),
    "help.add-channel": ("add or change a channel", "添加或修改通道"),
    "key.remove-channel": ("Remove", "删除"),
    "help.remove-channel": ("remove the highlighted channel", "删除所选通道"),
    "key.test-channel": ("Test", "测试"),
    "help.test-channel": ("send the highlighted channel a test message", "向所选通道发送测试消息"),
    "sum.alerts_failing": ("ALERTS FAILING {n}", "告警发送失败 {n}"),
    "channels.title": ("Alert channels", "告警通道"),
    # -- the dashboard's organisations screen (the roll-up) ---------------------------------
    "key.orgs": ("Orgs", "组织"),
    "help.orgs": (
        "every organisation of the install: assets, open findings, last sweep (read-only)",
        "本系统的所有组织：资产、未处理问题、最近巡检（只读）",
    ),
    "key.refresh-orgs": ("Refresh", "刷新"),
    "help.refresh-orgs": ("read every organisation's state again", "重新读取各组织的状态"),
    "orgs.title": ("Organisations", "组织"),
    "orgs.hint": (
        "Each organisation's state; ▸ marks the one this dashboard works on (--org NAME: another).",
        "各组织的状态；▸ 为当前仪表盘所管理的组织（用 --org 名称 打开其他组织）。",
    ),
    "orgs.hint_all": (
        "Every organisation, read-only (--org all): nothing is swept or changed here.",
        "所有组织，只读（--org all）：此处不巡检、不修改任何数据。",
    ),
    "key.orgs-open": ("Queue", "整改队列"),
    "help.orgs-open": (
        "the fix-first queue of the organisation under the cursor (another's: read-only)",
        "光标所在组织的优先整改队列（其他组织：只读）",
    ),
    "orgs.col.checklist": ("Checklist", "清单"),
    "orgs.never": ("never swept", "从未巡检"),
    "orgs.col.org": ("Organisation", "组织"),
    "orgs.col.assets": ("In use", "在用"),
    "orgs.col.critical": ("Crit", "严重"),
    "orgs.col.high": ("High", "高"),
    "orgs.col.medium": ("Med", "中"),
    "orgs.col.low": ("Low", "低"),
    "orgs.col.last_sweep": ("Last sweep", "最近巡检"),
    "channels.hint": (
        "Delivered by `assetwatch watch` (in the demo, after each sweep)",
        "由 `assetwatch watch` 投递（演示环境中每轮扫描后投递）",
    ),
    "channels.none": (
        "no channels yet: press a, or `assetwatch notify add`",
        "尚无通道：按 a，或使用 `assetwatch notify add`",
    ),
    "channels.secret": ("secret", "密钥"),
    "channels.quiet": ("quiet", "免打扰"),
    "channels.waiting": ("{n} waiting", "待发 {n}"),
    "channels.last_sent": ("last sent {when}", "最近发送 {when}"),
    "channels.failing": ("FAILING ×{n}: {answer}", "发送失败 ×{n}：{answer}"),
    "channels.paused": ("paused until {until} (rate limit)", "限流暂停至 {until}"),
    "channels.added": ("added channel {name}", "已添加通道 {name}"),
    "channels.updated": ("updated channel {name}", "已更新通道 {name}"),
    "channels.removed": ("removed channel {name}", "已删除通道 {name}"),
    "channels.testing": ("sending a test message to {name}…", "正在向 {name} 发送测试消息……"),
    "channels.test_ok": ("{name}: sent ({answer})", "{name}：已发送（{answer}）"),
    "channels.test_failed": ("{name}: not sent: {answer}", "{name}：发送失败：{answer}"),
    "channels.form_title": ("Alert channel", "告警通道"),
    "channels.field.kind": ("Kind", "类型"),
    "channels.field.name": ("Name", "名称"),
    "channels.field.url": ("Webhook URL", "Webhook 地址"),
    "channels.field.secret": ("Secret / password", "密钥 / 密码"),
    "channels.field.quiet": ("Quiet hours", "免打扰时段"),
    "channels.field.smtp": ("SMTP host:port (email)", "SMTP 主机:端口（邮件）"),
    "channels.field.sender": ("From (email)", "发件人（邮件）"),
    "channels.field.recipients": ("To (email)", "收件人（邮件）"),
    "channels.field.user": ("SMTP login (email)", "SMTP 登录名（邮件）"),
    "channels.field.security": ("SMTP security", "SMTP 加密"),
    "channels.field.min_severity": ("Minimum severity", "最低严重程度"),
    "channels.field.lang": ("Language", "语言"),
    "channels.remove_title": ("Remove channel {name}?", "删除通道 {name}？"),
    "channels.remove_body": (
        "{n} event(s) it has not delivered yet are dropped with it.",
        "其尚未投递的 {n} 个事件将一并丢弃。",
    ),
    "channels.remove_yes": ("Remove", "删除"),
}
