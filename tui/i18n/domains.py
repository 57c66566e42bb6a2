"""Strings of the domain commands and the Discovered screen: key -> (English, Chinese)."""

from __future__ import annotations

DOMAINS: dict[str, tuple[str, str]] = {
    # -- argparse help ----------------------------------------------------------------------
    "cli.help.rdap_bootstrap": (
        "RDAP bootstrap file (IANA's dns.json format) replacing the shipped copy",
        "替换内置副本的 RDAP 引导文件（IANA dns.json 格式）",
    ),
    "cli.help.whois_server": (
        "WHOIS server for a TLD, TLD=HOST[:PORT] (repeatable)",
        "指定某顶级域的 WHOIS 服务器，TLD=HOST[:PORT]（可重复）",
    ),
    "cli.help.icp_group": (
        "the ICP filing list (备案): import it, list it; nothing is looked up online",
        "ICP 备案列表：导入、查看；不在线查询",
    ),
    "cli.help.icp_import": (
        "import the filing list (CSV in UTF-8 or GBK, or XLSX) exported from MIIT or a "
        "provider's 备案 console; replaces the one before",
        "导入从工信部或接入商备案系统导出的备案列表（UTF-8 或 GBK 的 CSV，或 XLSX）；替换原列表",
    ),
    "cli.help.icp_file": (
        "columns 主体备案号, 网站备案号, 网站名称, 网站域名 (or entity_no, site_no, site_name, "
        "domain)",
        "列：主体备案号、网站备案号、网站名称、网站域名"
        "（或 entity_no、site_no、site_name、domain）",
    ),
    "cli.help.icp_list": ("the imported filing list", "已导入的备案列表"),
    "cli.help.discover": (
        "find names under a domain that the inventory lacks; they wait in the Discovered list",
        "查找某域名下未登记的名称；结果进入“发现”列表待处理",
    ),
    "cli.help.discover_domain": (
        "a domain of the inventory (例子.中国 works)",
        "台账中的域名（支持 例子.中国）",
    ),
    "cli.help.ct": (
        "ask certificate-transparency logs (a crt.sh-compatible JSON API)",
        "查询证书透明度日志（兼容 crt.sh 的 JSON 接口）",
    ),
    "cli.help.ct_url": ("the CT API (default {default})", "证书透明度接口（默认 {default}）"),
    "cli.help.brute": (
        "ask our own DNS servers for common subdomains (wildcards detected)",
        "向本单位使用的 DNS 服务器查询常见子域名（可识别泛解析）",
    ),
    "cli.help.wordlist": (
        "words to try, one a line (default: the shipped list)",
        "要尝试的子域名，每行一个（默认：内置列表）",
    ),
    "cli.help.discovered": (
        "the Discovered list: names found outside the inventory and what was decided",
        "“发现”列表：台账之外发现的名称及处理情况",
    ),
    "cli.help.not_ours": (
        "mark NAME not ours (needs --reason)",
        "将 NAME 标记为非本单位（须 --reason）",
    ),
    "cli.help.ignore": ("mark NAME ignored (needs --reason)", "将 NAME 标记为忽略（须 --reason）"),
    "cli.help.triage_reason": ("why (logged)", "理由（记入审计日志）"),
    # -- command output ---------------------------------------------------------------------
    "cli.icp.imported": (
        "imported {n} filings from {file}; {unlisted} filed domains no asset covers, "
        "{retired} retired assets still filed (findings at the next scan)",
        "已从 {file} 导入 {n} 条备案；{unlisted} 个备案域名不在台账中，"
        "{retired} 个已下线资产仍在备案（下次扫描生成问题）",
    ),
    "cli.icp.skipped": (
        "{file}: line {line}: {error} (skipped)",
        "{file}：第 {line} 行：{error}（已跳过）",
    ),
    "cli.icp.none": (
        "no filing list imported (assetwatch icp import FILE)",
        "尚未导入备案列表（assetwatch icp import FILE）",
    ),
    "cli.icp.offline": (
        "nothing is looked up online: this is the list as imported {when} from {file}",
        "未在线查询：以下为 {when} 从 {file} 导入的列表",
    ),
    "cli.discover.done": (
        "{domain}: {found} names outside the inventory, {new} new; reported under {anchor}",
        "{domain}：台账外名称 {found} 个，新增 {new} 个；归入 {anchor}",
    ),
    "cli.discover.ct": (
        "CT: {entries} certificates, {names} names{more}",
        "证书透明度：{entries} 张证书，{names} 个名称{more}",
    ),
    "cli.discover.brute": (
        "brute force: {asked} names asked, {found} answer{wild}{lost}",
        "字典查询：查询 {asked} 个，{found} 个有解析{wild}{lost}",
    ),
    "cli.discover.wild": (
        "; wildcard zone ({addresses}) filtered",
        "；已过滤泛解析（{addresses}）",
    ),
    "cli.discover.lost": ("; {n} unanswered", "；{n} 个无应答"),
    "cli.discover.more": (" (cut: more may exist)", "（已截断：可能还有更多）"),
    "cli.discover.failed": ("unknown: {error}", "未知：{error}"),
    "cli.discovered.none": ("nothing discovered yet", "尚未发现任何名称"),
    "cli.discovered.marked": ("{name}: {state}", "{name}：{state}"),
    "cli.col.found_by": ("FOUND BY", "发现方式"),
    "cli.col.under": ("UNDER", "所属资产"),
    "cli.col.domain": ("DOMAIN", "网站域名"),
    "cli.col.site_no": ("SITE NO.", "网站备案号"),
    "cli.col.entity_no": ("ENTITY NO.", "主体备案号"),
    "cli.col.site_name": ("SITE NAME", "网站名称"),
    # -- the dashboard's Discovered screen --------------------------------------------------
    "key.discovered": ("Discovered", "发现"),
    "help.discovered": (
        "names found outside the inventory: adopt, not ours, ignore, adopt and retire",
        "台账之外发现的名称：纳入、非本单位、忽略、纳入并下线",
    ),
    "key.adopt": ("Adopt", "纳入"),
    "help.adopt": (
        "add the name to the inventory (the add form, filled in)",
        "纳入台账（打开已填好的添加表单）",
    ),
    "key.not-ours": ("Not ours", "非本单位"),
    "help.not-ours": (
        "mark it not ours, with a reason (logged)",
        "标记为非本单位并说明理由（留痕）",
    ),
    "key.ignore": ("Ignore", "忽略"),
    "help.ignore": (
        "ignore it, with a reason (logged); it stays quiet",
        "忽略并说明理由（留痕）；此后不再提示",
    ),
    "key.adopt-retire": ("Adopt+retire", "纳入并下线"),
    "help.adopt-retire": (
        "add it as retiring: its decommission checklist starts",
        "以“下线中”纳入台账：开始下线清单",
    ),
    "detail.registration": ("Registration", "域名注册"),
    "detail.unregistered": ("not registered: anyone can take it", "未注册：任何人都可注册"),
    "disc.title": ("Discovered: names nobody inventoried", "发现：未登记的名称"),
    "disc.empty": (
        "Nothing discovered yet. Sweeps read certificates and links; assetwatch discover DOMAIN "
        "--ct --brute asks CT logs and DNS.",
        "尚未发现名称。扫描会读取证书与链接；"
        "assetwatch discover DOMAIN --ct --brute 查询证书透明度与 DNS。",
    ),
    "disc.state.new": ("waiting", "待处理"),
    "disc.state.adopted": ("adopted", "已纳入"),
    "disc.state.not-ours": ("not ours", "非本单位"),
    "disc.state.ignored": ("ignored", "已忽略"),
    "disc.state.retired": ("adopted, retiring", "已纳入并下线"),
    "disc.reason": ("Reason (logged)", "理由（记入审计日志）"),
    "disc.done": ("{name}: {state}", "{name}：{state}"),
    "disc.decided": ("{name} was already decided: {state}", "{name} 已处理：{state}"),
}
"""Merged into `tui.i18n.STRINGS`."""
