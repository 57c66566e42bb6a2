"""The command line's strings: key -> (English, Chinese).

Every key starts with `cli.` so that it never collides with a dashboard key in the one table.
Values in `{braces}` are filled by `tui.i18n.tr`; both languages take the same ones.
"""

from __future__ import annotations

CLI: dict[str, tuple[str, str]] = {
    # -- argparse help: global options ------------------------------------------------------
    "cli.help.description": (
        "Inventory, probe and fix your organisation's internet-facing assets.",
        "盘点、探测并整改本单位的互联网资产。",
    ),
    "cli.help.db": (
        "database file (default: $ASSETWATCH_DB or the user data dir)",
        "数据库文件（默认：$ASSETWATCH_DB 或用户数据目录）",
    ),
    "cli.help.org_option": (
        "organisation to work on (default: $ASSETWATCH_ORG or the default one); `all` reads "
        "every one (list, findings, todo, exposure, discovered, checks)",
        "要操作的组织（默认：$ASSETWATCH_ORG 或默认组织）；`all` 读取所有组织"
        "（list、findings、todo、exposure、discovered、checks）",
    ),
    "cli.help.orgs": (
        "the organisations of this install: list, add, rollup",
        "本安装中的组织：list 列出、add 添加、rollup 汇总",
    ),
    "cli.help.location": (
        "where this sweep runs from (e.g. inside, outside); each place keeps its own view",
        "本次探测的位置（如 inside、outside）；每个位置各自保留探测结果",
    ),
    "cli.help.worker": (
        "probe due assets from the shared PostgreSQL queue (any number, any machine)",
        "从共享的 PostgreSQL 队列领取到期资产并探测（可多台、多个）",
    ),
    "cli.help.worker_jobs": ("assets probed at once (default 16)", "同时探测的资产数（默认 16）"),
    "cli.help.worker_stalled": (
        "seconds without a heartbeat after which a worker's assets go back to the queue "
        "(default 90: well above the 30 s a worker may wait for a busy database)",
        "工作进程无心跳超过此秒数后，其资产重新排队（默认 90，远大于等待繁忙数据库的 30 秒）",
    ),
    "cli.help.worker_until_idle": (
        "stop when nothing is due and no job waits",
        "无到期资产且队列为空时退出",
    ),
    "cli.worker.needs_postgres": (
        "workers share a PostgreSQL database (--db postgresql://…); {db} is a SQLite file",
        "工作进程需要共享的 PostgreSQL 数据库（--db postgresql://…）；{db} 是 SQLite 文件",
    ),
    "cli.worker.started": (
        "worker started (location {where}) on {db}",
        "工作进程已启动（位置 {where}），数据库 {db}",
    ),
    "cli.help.exposure": (
        "findings one place sees and another does not (scan --location, workers)",
        "某处可见、另一处不可见的问题（scan --location、多处探测）",
    ),
    "cli.exposure.none": (
        "every place sees the same findings",
        "各探测位置看到的问题一致",
    ),
    "cli.exposure.col.asset": ("asset", "资产"),
    "cli.exposure.col.check": ("check", "检查项"),
    "cli.exposure.col.seen": ("seen from", "可见于"),
    "cli.exposure.col.unseen": ("not seen from", "不可见于"),
    "cli.help.orgs_name": ("the new organisation's name", "新组织的名称"),
    "cli.help.orgs_parent": (
        "the organisation it belongs to (default: default)",
        "上级组织（默认：default）",
    ),
    "cli.help.orgs_title": ("a title for people", "便于识别的全称"),
    "cli.orgs.added": (
        "organisation {name} added under {parent}",
        "已在 {parent} 下添加组织 {name}",
    ),
    "cli.orgs.col.org": ("organisation", "组织"),
    "cli.orgs.col.parent": ("parent", "上级"),
    "cli.orgs.col.assets": ("assets", "资产"),
    "cli.orgs.col.open": ("open findings", "未解决问题"),
    "cli.orgs.col.last": ("last sweep", "最近一次探测"),
    "cli.orgs.col.checklist": ("checklist", "组织清单"),
    "cli.help.nameserver": (
        "DNS server to ask (repeatable; default: the stored setting, else the system's)",
        "使用的 DNS 服务器（可重复；默认：已保存的设置，否则为系统配置）",
    ),
    "cli.help.ca_bundle": ("verify TLS against these CAs", "用这些 CA 证书校验 TLS"),
    "cli.help.lang": ("zh or en (default: from the locale)", "zh 或 en（默认：随系统语言）"),
    # -- argparse help: commands ------------------------------------------------------------
    "cli.help.add": ("add an asset", "添加资产"),
    "cli.help.check_page": (
        "check a saved page as a site's home page (seo-spam, injected-script); "
        "nothing is fetched or stored",
        "把保存的网页当作网站首页检查（暗链、恶意脚本）；不联网，不保存",
    ),
    "cli.help.check_page_file": ("the saved page (any charset)", "保存的网页文件（任意编码）"),
    "cli.help.check_page_url": (
        "where it was served (default {default})",
        "网页原地址（默认 {default}）",
    ),
    "cli.help.spider_file": (
        "the page Baiduspider got, compared for cloaking",
        "百度蜘蛛获取的网页，用于比对伪装",
    ),
    "cli.help.processes": (
        "processes to probe with (default: one per CPU; sweeps of 200 assets or more)",
        "探测使用的进程数（默认每个 CPU 一个；资产达 200 个及以上时使用）",
    ),
    "cli.help.init": (
        "create the database --db names (other commands refuse a missing one)",
        "新建 --db 指定的数据库（其他命令不会新建）",
    ),
    "cli.org.not_verified": ("not verified: {why}", "无法验证：{why}"),
    "cli.init.done": ("database ready: {path}", "数据库已就绪：{path}"),
    "cli.scan.coverage": (
        "coverage: {observed} observed, {unknown} not observed, {total} in all ({why})",
        "覆盖：已观测 {observed}，未能观测 {unknown}，共 {total}（{why}）",
    ),
    "cli.scan.coverage_full": (
        "coverage: {observed} observed, {unknown} not observed, {total} in all",
        "覆盖：已观测 {observed}，未能观测 {unknown}，共 {total}",
    ),
    "cli.checks.dependents": (
        "note: with {check} off, these are not verified: organisation items {items}; "
        "playbooks {playbooks}",
        "注意：关闭 {check} 后，以下内容将无法验证：组织清单事项 {items}；整改清单 {playbooks}",
    ),
    "cli.help.retire": ("start decommissioning an asset (retiring)", "开始资产下线流程"),
    "cli.help.decommission": ("an asset's decommission checklist", "查看资产下线清单"),
    "cli.help.list": ("list the inventory", "列出资产清单"),
    "cli.help.import": ("import assets from CSV or JSON", "从 CSV 或 JSON 导入资产"),
    "cli.help.scan": (
        "probe every asset once and report open findings",
        "探测全部资产一次并报告问题",
    ),
    "cli.help.findings": ("show stored findings", "查看已记录的问题"),
    "cli.help.checks": ("list the checks; switch one off or on", "列出检查项；关闭或开启某项"),
    "cli.help.baseline": (
        "accept an asset's current home page as its baseline",
        "将资产当前首页设为基线",
    ),
    "cli.help.checklist": ("an asset's remediation checklists", "查看资产的整改清单"),
    "cli.help.attest": ("attest a manual step as done", "确认人工步骤已完成"),
    "cli.help.accept_risk": (
        "accept a finding's risk until a date",
        "在期限内接受某问题的风险",
    ),
    "cli.help.org": (
        "the organisation checklist (the regulator's seven demands)",
        "组织级整改清单（七项要求）",
    ),
    "cli.help.report": ("the rectification report", "生成整改报告"),
    "cli.help.evidence": (
        "save what the latest probe captured, with hashes",
        "保存最近一次探测的证据及哈希",
    ),
    "cli.help.demo": (
        "start the loopback lab and try assetwatch on it",
        "启动本机实验环境并试用 assetwatch",
    ),
    # -- argparse help: arguments and options -----------------------------------------------
    "cli.help.add_name": ("hostname, IP address or URL", "主机名、IP 地址或网址"),
    "cli.help.asset": ("the asset's name", "资产名称"),
    "cli.help.kind": ("one of {kinds}", "可选：{kinds}"),
    "cli.help.owner": ("who is responsible", "责任人"),
    "cli.help.status": ("one of {statuses}", "可选：{statuses}"),
    "cli.help.url": ("URL to probe (repeatable)", "探测网址（可重复）"),
    "cli.help.icp": ("ICP filing number", "ICP 备案号"),
    "cli.help.tag": ("tag (repeatable)", "标签（可重复）"),
    "cli.help.notes": ("free text", "备注"),
    "cli.help.decommission_attest": ("attest a manual step", "确认人工步骤"),
    "cli.help.note": ("what was done", "处理说明"),
    "cli.help.evidence_path": ("a file path or link", "证据文件路径或链接"),
    "cli.help.json": ("one JSON object per line", "每行一个 JSON 对象"),
    "cli.help.import_file": ("a CSV or JSON file", "CSV 或 JSON 文件"),
    "cli.help.json_open": (
        "one JSON object per open finding per line",
        "每个未处理问题输出一行 JSON",
    ),
    "cli.help.fail_on": (
        "exit 1 when an open finding is at or above this severity (default high)",
        "存在不低于此严重程度的未处理问题时退出码为 1（默认 high）",
    ),
    "cli.help.concurrency": (
        "assets probed at once (default {default}, or the stored setting)",
        "同时探测的资产数（默认 {default}，或以已保存的设置为准）",
    ),
    "cli.help.light": (
        "skip the well-known sensitive paths (faster; their findings stay as they were)",
        "跳过敏感路径探测（更快；相关问题保持原状）",
    ),
    "cli.help.timeout": (
        "seconds per URL (default {default}, or the stored setting)",
        "每个网址的超时秒数（默认 {default}，或以已保存的设置为准）",
    ),
    "cli.help.severity": ("minimum severity", "最低严重程度"),
    "cli.help.all": ("include resolved findings", "包括已解决的问题"),
    "cli.help.disable": ("switch this check off", "关闭此检查"),
    "cli.help.enable": ("switch this check back on", "重新开启此检查"),
    "cli.help.check_asset": ("only for this asset", "仅针对此资产"),
    "cli.help.disable_reason": ("why (required to disable)", "原因（关闭时必填）"),
    "cli.help.check": ("check id of the finding", "问题的检查项 id"),
    "cli.help.step": ("step number, as `checklist` shows", "步骤编号（见 `checklist`）"),
    "cli.help.who": ("who did it (default: you)", "执行人（默认当前用户）"),
    "cli.help.subject": (
        "which of several findings of the check: its file, port or name (shown after — in "
        "`checklist`, `findings` and `todo`; `subject` in their JSON)",
        "同一检查项有多个问题时指明哪一个：文件、端口或名称（见 `checklist`、`findings`、"
        "`todo` 中 — 之后的内容，JSON 中的 `subject`）",
    ),
    "cli.help.accept_reason": ("why the risk is accepted", "接受风险的原因"),
    "cli.help.until": ("the day the acceptance ends", "接受风险的截止日期"),
    "cli.help.org_attest": ("attest an item as done", "确认某事项已完成"),
    "cli.help.format": (
        "md, html, json, docx (the document) or xlsx (the findings list); default md",
        "md、html、json、docx（报告文档）或 xlsx（问题清单）；默认 md",
    ),
    "cli.help.prepared_by": (
        "the cover's prepared by (default: the settings')",
        "封面的编制人（默认取设置中的值）",
    ),
    "cli.help.reviewed_by": (
        "the cover's reviewed by (default: the settings')",
        "封面的审核人（默认取设置中的值）",
    ),
    "cli.help.report_lang": ("report language", "报告语言"),
    "cli.help.since": (
        "start of the period (default: 30 days ago)",
        "报告期起始（默认 30 天前）",
    ),
    "cli.help.output": ("write to this file", "写入此文件"),
    "cli.help.folder": ("folder", "目录"),
    "cli.help.demo_scan": (
        "sweep the lab headless and print findings",
        "无界面扫描实验环境并输出问题",
    ),
    # -- table headers ----------------------------------------------------------------------
    "cli.col.name": ("NAME", "名称"),
    "cli.col.kind": ("KIND", "类型"),
    "cli.col.owner": ("OWNER", "负责人"),
    "cli.col.status": ("STATUS", "状态"),
    "cli.col.icp": ("ICP", "备案号"),
    "cli.col.urls": ("URLS", "网址"),
    "cli.col.check": ("CHECK", "检查项"),
    "cli.col.severity": ("SEVERITY", "级别"),
    "cli.col.state": ("STATE", "状态"),
    "cli.col.title": ("TITLE", "标题"),
    # -- checklist steps and items ----------------------------------------------------------
    "cli.step.auto": ("auto", "自动"),
    "cli.step.semi": ("semi", "半自动"),
    "cli.step.manual": ("manual", "人工"),
    "cli.step.verified": ("verified", "已验证"),
    "cli.step.not_yet": ("not yet", "未通过"),
    # -- inventory --------------------------------------------------------------------------
    "cli.add.done": ("added {name} ({kind}, {lifecycle})", "已添加 {name}（{kind}，{lifecycle}）"),
    "cli.retire.already": ("{name} is already {lifecycle}", "{name} 已处于 {lifecycle} 状态"),
    "cli.retire.started": (
        "{name} is retiring: work through `assetwatch decommission {arg}`; "
        "it becomes retired once every step is done and verified",
        "{name} 进入下线流程：请按 `assetwatch decommission {arg}` 逐项完成；"
        "全部完成并验证后转为已下线",
    ),
    "cli.decommission.active": (
        "{name} is active; `assetwatch retire` starts the checklist",
        "{name} 在用；`assetwatch retire` 开始下线清单",
    ),
    "cli.list.empty": (
        "The inventory is empty: add assets with `assetwatch add` or `import`.",
        "资产清单为空：请用 `assetwatch add` 或 `import` 添加。",
    ),
    "cli.import.row_error": (
        "{file}: line {line}: {error} (skipped)",
        "{file}：第 {line} 行：{error}（已跳过）",
    ),
    "cli.import.held": (
        "assets asked to be retired: {n}; they stay retiring until their decommission "
        "checklist holds (`assetwatch decommission NAME`)",
        "要求设为已下线的资产：{n} 个；下线清单全部完成前保持“下线中”"
        "（`assetwatch decommission 名称`）",
    ),
    "cli.import.summary": (
        "imported {rows} rows: {new} new, {existing} existing; {skipped} skipped",
        "已导入 {rows} 行：新增 {new}，已有 {existing}；跳过 {skipped} 行",
    ),
    "cli.import.authorised": (
        "Probe only assets your organisation owns or is authorised to test.",
        "请只探测本单位拥有或已获授权测试的资产。",
    ),
    # -- scanning and findings --------------------------------------------------------------
    "cli.scan.empty": ("The inventory is empty: nothing to scan.", "资产清单为空，无可扫描。"),
    "cli.scan.progress": (
        "probed {done}/{total}  {rate:.0f}/s ",
        "已探测 {done}/{total}  {rate:.0f}/s ",
    ),
    "cli.scan.done": ("{n} assets probed in {seconds} s", "{seconds} 秒内探测了 {n} 个资产"),
    "cli.findings.none": ("No open findings.", "没有未处理的问题。"),
    "cli.findings.summary": ("{n} open findings: {summary}", "共 {n} 个未处理问题：{summary}"),
    # -- remediation ------------------------------------------------------------------------
    "cli.checklist.nothing": ("Nothing to fix.", "无需整改。"),
    "cli.accept.done": (
        "risk accepted until {until}; the finding is {status}",
        "已接受风险至 {until}；该问题状态：{status}",
    ),
    "cli.baseline.done": (
        "baseline of {name} is now {url} «{title}»",
        "{name} 的基线已更新为 {url} «{title}»",
    ),
    # -- reports ----------------------------------------------------------------------------
    "cli.report.written": ("report written to {path}", "报告已写入 {path}"),
    "cli.report.since_future": (
        "--since {day} is after the end of the period ({now})",
        "--since {day} 晚于报告期结束时间（{now}）",
    ),
    "cli.report.cannot_write": ("cannot write {path}: {error}", "无法写入 {path}：{error}"),
    "cli.demo.org": ("Shili Tech (demo lab)", "示例科技（演示环境）"),
    # -- issue 13: the fix-first queue, shared steps, deleting, the demo database -----------
    "cli.help.todo": (
        "the fix-first queue: every unresolved finding, worst first, with owner and due date",
        "优先整改队列：全部未解决问题，最严重的在前，含负责人与整改期限",
    ),
    "cli.help.todo_owner": (
        'only assets whose owner contains this ("-": nobody\'s)',
        "只看负责人包含此文字的资产（“-”表示无人负责）",
    ),
    "cli.help.delete": (
        "delete an asset from the inventory (its findings and history are kept for reports)",
        "从资产清单中删除资产（其问题与历史记录保留，供报告使用）",
    ),
    "cli.help.yes": ("do not ask (for scripts)", "不再询问（供脚本使用）"),
    "cli.help.vacuum": (
        "convert history written by older versions and give freed space back to the disk "
        "(run it while no sweep is writing)",
        "转换旧版本写入的历史记录，并把释放的空间还给磁盘（请在没有扫描写入时运行）",
    ),
    "cli.help.step_key": (
        "a step's key as `checklist` shows it (repeatable; PLAYBOOK.2,3,5 for several); "
        "a step several findings share is attested for all of them",
        "`checklist` 显示的步骤编号（可重复；多个可写作 PLAYBOOK.2,3,5）；"
        "多个问题共有的步骤一次确认即对全部生效",
    ),
    "cli.help.demo_db": (
        "the demo's database (kept; default: a fresh one under {folder})",
        "演示数据库（保留；默认在 {folder} 下新建）",
    ),
    "cli.help.demo_clean": (
        "remove the demo databases (and reports written beside them) under {folder}",
        "删除 {folder} 下的演示数据库（及其旁边写出的报告）",
    ),
    "cli.help.settings": (
        "the stored settings (deadlines per severity, report signatures, probing...)",
        "已保存的设置（各级别整改期限、报告署名、探测参数等）",
    ),
    "cli.help.set": (
        "change a setting (repeatable; an empty value unsets it), e.g. due_days_high=5",
        "修改设置（可重复；值为空即恢复默认），例如 due_days_high=5",
    ),
    "cli.settings.bad": ("{change}: give KEY=VALUE", "{change}：请写作 键=值"),
    "cli.col.due": ("DUE", "期限"),
    "cli.col.age": ("AGE", "已有"),
    "cli.severity.critical": ("critical", "严重"),
    "cli.severity.high": ("high", "高危"),
    "cli.severity.medium": ("medium", "中危"),
    "cli.severity.low": ("low", "低危"),
    "cli.severity.info": ("info", "提示"),
    "cli.status.open": ("open", "待处理"),
    "cli.status.in-progress": ("in progress", "整改中"),
    "cli.status.resolved": ("resolved", "已整改"),
    "cli.status.accepted": ("accepted risk", "已接受风险"),
    "cli.todo.overdue": ("{day} OVERDUE", "{day} 已逾期"),
    "cli.todo.days": ("{n}d", "{n}天"),
    "cli.todo.empty": ("Nothing to fix.", "无需整改。"),
    "cli.todo.summary": (
        "{n} to fix, {late} overdue; `assetwatch checklist NAME` shows what to do",
        "待整改 {n} 项，已逾期 {late} 项；`assetwatch checklist 名称` 查看整改步骤",
    ),
    "cli.delete.ask": (
        "Delete {name} from the inventory? Its findings and history stay for reports. [y/N]",
        "从资产清单中删除 {name}？其问题与历史记录将保留供报告使用。[y/N]",
    ),
    "cli.delete.needs_yes": (
        "not deleting {name}: no terminal to ask on; give --yes",
        "未删除 {name}：没有可询问的终端；请加 --yes",
    ),
    "cli.delete.kept": ("{name} kept", "已保留 {name}"),
    "cli.vacuum.done": (
        "database compacted: {converted} old probes converted, {before} → {after}",
        "数据库已压缩：转换旧探测记录 {converted} 条，{before} → {after}",
    ),
    "cli.delete.done": (
        "deleted {name} from the inventory; its findings and history are kept for reports",
        "已从资产清单中删除 {name}；其问题与历史记录保留供报告使用",
    ),
    "cli.checklist.head": (
        "{name}: {done} of {total} steps done, {findings} findings",
        "{name}：共 {total} 个步骤，已完成 {done} 个，涉及 {findings} 个问题",
    ),
    "cli.checklist.hint": (
        "Attest several steps with one note: assetwatch attest {name} --step KEY --step KEY "
        '--note "..." [--evidence FILE|URL]; a shared step counts for every finding it names.',
        '一次确认多个步骤：assetwatch attest {name} --step 编号 --step 编号 --note "..." '
        "[--evidence 文件|链接]；共有步骤对其列出的每个问题都生效。",
    ),
    "cli.checklist.also": ("also for: {checks}", "同时适用：{checks}"),
    "cli.checklist.above": ("done once above: {keys}", "已在上方一并处理：{keys}"),
    "cli.attest.what": (
        "give the steps: --step KEY (as `assetwatch checklist {name}` shows), or CHECK STEP",
        "请指定步骤：--step 编号（见 `assetwatch checklist {name}`），或 检查项 步骤号",
    ),
    "cli.attest.steps": (
        "attested {steps} steps with one note:",
        "已用同一说明确认 {steps} 个步骤：",
    ),
    "cli.attest.finding": ("  {check}: {status}", "  {check}：{status}"),
    "cli.attest.hash": ("evidence SHA-256 {sha256}", "证据 SHA-256 {sha256}"),
    "cli.demo.db": (
        "demo database: {path} (kept; `assetwatch --db {path} report` reads it after you quit; "
        "`assetwatch demo --clean` removes it)",
        "演示数据库：{path}（保留；退出后可用 `assetwatch --db {path} report` 读取；"
        "`assetwatch demo --clean` 删除）",
    ),
    "cli.help.demo_play": (
        "before the sweep, play a lab control (what `L` does in the dashboard; repeatable): "
        "hr-dns, hr-down, oa-down...",
        "扫描前执行实验环境操作（相当于仪表盘中的 `L`；可重复）：hr-dns、hr-down、oa-down……",
    ),
    "cli.demo.no_control": (
        "no lab control {control} (there are: {known})",
        "没有实验环境操作 {control}（可用：{known}）",
    ),
    "cli.demo.not_demo": (
        "{path} holds an inventory the demo did not make; the demo seeds only its own "
        "databases (give another --db, or none for a fresh one)",
        "{path} 中已有非演示生成的资产清单；演示只写入自己的数据库"
        "（请换一个 --db，或不指定以新建）",
    ),
    "cli.demo.played": ("lab: {what}", "实验环境：{what}"),
    "cli.demo.cleaned": (
        "removed {n} demo files under {folder}",
        "已删除 {folder} 下 {n} 个演示文件",
    ),
    "cli.internal_error": (
        "assetwatch: internal error; please report it with the trace above",
        "assetwatch：内部错误，请附上面的错误信息报告",
    ),
}
