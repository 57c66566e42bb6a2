"""What the lab serves: the three incidents, healthy and broken sites, and edge cases for tests."""

from __future__ import annotations

from dataclasses import dataclass, field

from checks.lab.dns_server import Records
from checks.lab.web_server import Page, Site, html_page, redirect
from checks.model import Asset, Kind, Lifecycle
from checks.names import normalize_name

LOOPBACK = "127.0.0.1"

DEMO_ZONES = [
    "renli-hr.test",
    "wuye-pm.test",
    "yuanqu-park.test",
    "shili-tech.test",
    normalize_name("示例.test"),
    "oss-cn-hangzhou.aliyuncs.test",
    # Providers' real zone names, answered only by the lab's own DNS server on loopback.
    "oss-cn-hangzhou.aliyuncs.com",
    "github.io",
]
EDGE_ZONE = "lab-edge.test"

GOOD_HEADERS = [
    ("Strict-Transport-Security", "max-age=31536000; includeSubDomains"),
    ("Content-Security-Policy", "default-src 'self'; frame-ancestors 'none'"),
    ("X-Frame-Options", "DENY"),
    ("X-Content-Type-Options", "nosniff"),
    ("Referrer-Policy", "strict-origin-when-cross-origin"),
    ("Server", "nginx"),
]


@dataclass(frozen=True, slots=True)
class Ports:
    """Where the lab listens: HTTP, HTTPS, a port known to be closed, and a bare TCP service."""

    http: int
    https: int
    closed: int
    service: int = 0
    """Accepts TCP connections and closes them: stands in for Redis, MySQL... on risky ports."""

    def http_url(self, host: str, path: str = "/") -> str:
        """http://HOST:PORT/path on the lab."""
        return f"http://{host}:{self.http}{path}"

    def https_url(self, host: str, path: str = "/") -> str:
        """https://HOST:PORT/path on the lab."""
        return f"https://{host}:{self.https}{path}"

    def closed_url(self, host: str) -> str:
        """An https URL on a port where nothing listens (connection refused)."""
        return f"https://{host}:{self.closed}/"


@dataclass(slots=True)
class Scenario:
    """DNS records, web sites and the inventory an admin would have for them."""

    zones: list[str]
    records: dict[str, Records] = field(default_factory=dict)
    sites: list[Site] = field(default_factory=list)
    inventory: list[Asset] = field(default_factory=list)
    axfr: list[str] = field(default_factory=list)
    """Zones whose nameserver allows AXFR."""
    open_ports: dict[str, list[int]] = field(default_factory=dict)
    """Risky ports the lab pretends are open, by host (all others read as closed)."""
    baselines: dict[str, str] = field(default_factory=dict)
    """Home pages (HTML) accepted before the incident, by asset name, for content-changed."""

    def host(self, name: str, *addresses: str, **rec: object) -> None:
        """Add an A record (127.0.0.1 unless given) and any other record fields."""
        self.records[name] = Records(a=list(addresses or [LOOPBACK]), **rec)  # type: ignore[arg-type]

    def merge(self, other: Scenario) -> None:
        """Serve another scenario's names as well (its inventory is not merged)."""
        self.zones += other.zones
        self.records.update(other.records)
        self.sites += other.sites
        self.open_ports.update(other.open_ports)
        self.axfr += other.axfr


def _page(title: str, body: str, charset: str = "utf-8") -> str:
    return (
        f'<!DOCTYPE html><html lang="zh-CN"><head><meta charset="{charset}"><title>{title}</title>'
        f"</head><body>{body}</body></html>"
    )


HR_PAGE = _page(
    "仁力人力资源 - 专业人才派遣与招聘服务",
    "<h1>仁力人力资源</h1><p>为企业提供人才派遣、招聘外包与薪酬服务。</p>"
    '<div style="display:none">'
    '<a href="http://www.xpj-casino.test/">澳门新葡京娱乐城</a> '
    '<a href="http://bet365-cn.test/">体育投注 真人百家乐</a> '
    '<a href="http://www.lottery-pk10.test/">北京赛车pk10 开奖直播</a>'
    "</div>"
    "<footer>豫ICP备13000001号-1</footer>",
)

OA_PAGE = _page(
    "致远A8+协同管理软件 V7.0SP1",
    '<form method="post" action="/seeyon/main.do?method=login">'
    '<input name="login_username" placeholder="用户名">'
    '<input type="password" name="login_password">'
    "<button>登录</button></form><p>Copyright © 2015 北京致远互联软件股份有限公司</p>",
)

PARK_TROJAN = (
    "<script>var r=document.referrer;"
    "if(/baidu|sogou|so\\.com|sm\\.cn/.test(r)){window.location.href='http://www.xpj-casino.test/?from=park';}"
    "</script>"
)
"""A planted script: visitors arriving from a search engine are sent to a gambling site."""

PARK_PAGE = _page(
    "科创产业园 - 园区服务平台",
    "<h1>科创产业园</h1><p>入驻企业服务、物业报修、园区新闻。</p><footer>豫ICP备17000002号</footer>"
    + PARK_TROJAN,
)

SHOP_PAGE = _page(
    "示例科技 - 在线商城",
    "<h1>商城</h1><p>工业软件许可证在线购买。</p><footer>豫ICP备20000003号-1</footer>",
)

PHPMYADMIN_PAGE = _page(
    "phpMyAdmin",
    '<form method="post" action="index.php"><input name="pma_username">'
    '<input type="password" name="pma_password"></form>',
)

PANEL_PAGE = _page(
    "宝塔Linux面板",
    '<form method="post" action="/login"><input name="username">'
    '<input type="password" name="password"><button>登录</button></form>',
)

TONGDA_PAGE = _page(
    "通达OA网络智能办公系统",
    '<link rel="shortcut icon" href="/static/images/tongda.ico">'
    '<form name="form1" method="post" action="http://oa.shili-tech.test/logincheck.php">'
    '<input name="UNAME"><input type="password" name="PASSWORD"></form>'
    "<p>Office Anywhere 2019</p>",
)

HR_SPIDER_PAGE = _page(
    "澳门新葡京娱乐城-百家乐-体育投注官方网站",
    '<a href="http://www.xpj-casino.test/">澳门新葡京</a> <a href="http://bet365-cn.test/">真人百家乐</a>',
)


NEWS_BEFORE = _page(
    "示例科技 - 新闻中心",
    "<h1>新闻中心</h1><ul><li>示例科技发布工业数据平台 3.0 版本，支持边缘设备接入与实时告警。</li>"
    "<li>公司荣获省级专精特新中小企业称号，研发投入持续增长。</li>"
    "<li>示例科技与郑州大学共建工业软件联合实验室，培养复合型人才。</li></ul>",
)
NEWS_DEFACED = _page(
    "Hacked by Dark Lotus Team",
    "<h1>Hacked by Dark Lotus Team</h1><p>Your security is zero. We were here. 安全意识为零。</p>",
)

HEALTHY_PAGE = _page(
    "示例科技 - 官方网站",
    "<h1>示例科技有限公司</h1><p>工业软件与数据服务。</p>"
    '<footer><a href="https://beian.miit.gov.cn/">豫ICP备20000003号-1</a></footer>',
)


def demo(ports: Ports) -> Scenario:
    """The incidents of Zhengzhou 2024, and the ordinary good and bad of a company's sites."""
    s = Scenario(zones=list(DEMO_ZONES))
    healthy_https = {"/": html_page(HEALTHY_PAGE, headers=GOOD_HEADERS)}

    def upgrade(host: str) -> dict[str, Page]:
        return {"*": redirect(ports.https_url(host))}

    def add(
        name: str,
        kind: Kind,
        owner: str,
        *urls: str,
        lifecycle: Lifecycle = Lifecycle.ACTIVE,
        icp: str = "",
        notes: str = "",
    ) -> None:
        s.inventory.append(
            Asset(normalize_name(name), kind, owner, lifecycle, urls, icp, (), notes)
        )

    # 1. The HR company's retired website: still resolves and serves planted gambling links.
    hr = "www.renli-hr.test"
    s.host(hr)
    # Like many hacked sites it answers 200 with its page to every path: no file is proved.
    s.sites.append(
        Site(
            hr,
            http={"*": html_page(HR_PAGE)},
            https={"*": html_page(HR_PAGE)},
            spider={"*": html_page(HR_SPIDER_PAGE)},
        )
    )
    add(
        hr,
        Kind.WEBSITE,
        "人事部 李娜",
        ports.https_url(hr),
        ports.http_url(hr),
        lifecycle=Lifecycle.RETIRED,
        icp="豫ICP备13000001号-1",
        notes="2023 年改版后停用",
    )

    # 2. The property company's retired OA system: still online, login over plain HTTP.
    oa = "oa.wuye-pm.test"
    s.host(oa)
    s.sites.append(
        Site(
            oa,
            http={
                "/": html_page(OA_PAGE, headers=[("Set-Cookie", "JSESSIONID=7F3A; Path=/seeyon")])
            },
        )
    )
    add(
        oa,
        Kind.OA,
        "行政部 王强",
        ports.http_url(oa),
        ports.closed_url(oa),
        lifecycle=Lifecycle.RETIRED,
    )

    # 3. The industrial park's server: old Apache and PHP, no HTTPS, files left in the web root.
    park = "portal.yuanqu-park.test"
    old = [("Server", "Apache/2.2.15 (CentOS)"), ("X-Powered-By", "PHP/5.3.3")]
    s.host(park)
    s.sites.append(
        Site(
            park,
            http={
                "/": html_page(PARK_PAGE, headers=old),
                "/.git/HEAD": Page(b"ref: refs/heads/master\n", headers=old),
                "/phpinfo.php": html_page(
                    _page("phpinfo()", "<h1>PHP Version 5.3.3</h1><h2>PHP Extension</h2>"),
                    headers=old,
                ),
                "/.env": Page(
                    b"APP_ENV=production\nDB_HOST=127.0.0.1\nDB_PASSWORD=x\n", headers=old
                ),
            },
        )
    )
    add(
        park,
        Kind.WEBSITE,
        "信息中心 赵磊",
        ports.http_url(park),
        ports.closed_url(park),
        icp="豫ICP备17000002号",
    )

    # The healthy company site, its domain, and its broken corners.
    www = "www.shili-tech.test"
    s.host(www)
    s.sites.append(Site(www, http=upgrade(www), https=healthy_https))
    add(
        www,
        Kind.WEBSITE,
        "信息中心 赵磊",
        ports.https_url(www),
        ports.http_url(www),
        icp="豫ICP备20000003号-1",
    )
    add("shili-tech.test", Kind.DOMAIN, "信息中心 赵磊")

    for name, cert in [
        ("expired", "expired"),
        ("selfsigned", "self-signed"),
        ("wrongname", "wrong-name"),
        ("expiring", "expiring"),
        ("untrusted", "untrusted"),
    ]:
        host = f"{name}.shili-tech.test"
        s.host(host)
        s.sites.append(Site(host, http=upgrade(host), https=healthy_https, cert=cert))
        add(host, Kind.WEBSITE, "信息中心 赵磊", ports.https_url(host), ports.http_url(host))

    cdn = "cdn.shili-tech.test"
    s.records[cdn] = Records(cname="shili-static.oss-cn-hangzhou.aliyuncs.test")
    add(cdn, Kind.WEBSITE, "市场部 陈晨", ports.https_url(cdn), ports.http_url(cdn))

    add("old-promo.shili-tech.test", Kind.WEBSITE, "市场部 陈晨")

    files = "files.shili-tech.test"
    s.host(files)
    s.sites.append(Site(files, http=upgrade(files), https=healthy_https))
    add(files, Kind.WEBSITE, "", ports.https_url(files), ports.http_url(files))

    news = "news.shili-tech.test"
    s.host(news)
    # Defaced since its baseline was accepted.
    news_page = {"/": html_page(NEWS_DEFACED, headers=GOOD_HEADERS)}
    s.sites.append(Site(news, http=news_page, https=news_page))
    s.baselines[news] = NEWS_BEFORE
    add(news, Kind.WEBSITE, "市场部 陈晨", ports.https_url(news), ports.http_url(news))

    backup = "backup.shili-tech.test"
    s.host(backup)
    add(
        backup,
        Kind.WEBSITE,
        "信息中心 赵磊",
        ports.closed_url(backup),
        f"http://{backup}:{ports.closed}/",
    )

    idn = "官网.示例.test"
    idn_ascii = normalize_name(idn)
    s.host(idn_ascii)
    s.sites.append(Site(idn_ascii, http=upgrade(idn_ascii), https=healthy_https))
    add(idn, Kind.WEBSITE, "信息中心 赵磊", ports.https_url(idn_ascii), ports.http_url(idn_ascii))

    # Exposure and hygiene: a shop with weak headers and cookies, an admin panel, an OA login.
    shop = "shop.shili-tech.test"
    s.host(shop)
    shop_headers = [("Server", "nginx"), ("Set-Cookie", "PHPSESSID=9d1f2e; path=/")]
    s.sites.append(
        Site(shop, http=upgrade(shop), https={"/": html_page(SHOP_PAGE, headers=shop_headers)})
    )
    add(
        shop,
        Kind.WEBSITE,
        "市场部 陈晨",
        ports.https_url(shop),
        ports.http_url(shop),
        icp="豫ICP备20000009号-1",
    )

    panel = "panel.yuanqu-park.test"
    s.host(panel)
    s.sites.append(
        Site(
            panel,
            http=upgrade(panel),
            https={
                "/": html_page(PANEL_PAGE, headers=GOOD_HEADERS),
                "/phpmyadmin/": html_page(PHPMYADMIN_PAGE, headers=GOOD_HEADERS),
            },
        )
    )
    add(panel, Kind.SERVER, "信息中心 赵磊", ports.https_url(panel), ports.http_url(panel))

    office = "oa.shili-tech.test"
    s.host(office)
    s.sites.append(
        Site(
            office, http=upgrade(office), https={"/": html_page(TONGDA_PAGE, headers=GOOD_HEADERS)}
        )
    )
    add(office, Kind.OA, "行政部 王强", ports.https_url(office), ports.http_url(office))

    # Takeovers: a deleted OSS bucket and an unpublished GitHub Pages site still aliased.
    static = "static.shili-tech.test"
    bucket = "shili-assets.oss-cn-hangzhou.aliyuncs.com"
    s.records[static] = Records(cname=bucket)
    s.host(bucket)
    no_bucket = (
        '<?xml version="1.0" encoding="UTF-8"?><Error><Code>NoSuchBucket</Code>'
        "<Message>The specified bucket does not exist.</Message></Error>"
    )
    s.sites.append(
        Site(
            static,
            http={"*": html_page(no_bucket, status=404, content_type="application/xml")},
            https={"*": html_page(no_bucket, status=404, content_type="application/xml")},
        )
    )
    add(static, Kind.WEBSITE, "市场部 陈晨", ports.https_url(static), ports.http_url(static))

    docs = "docs.shili-tech.test"
    s.records[docs] = Records(cname="shili-tech.github.io")
    s.host("shili-tech.github.io")
    gh = html_page(
        _page(
            "Site not found · GitHub Pages",
            "<h1>404</h1><p>There isn't a GitHub Pages site here.</p>",
        ),
        status=404,
    )
    s.sites.append(Site(docs, http={"*": gh}, https={"*": gh}))
    add(docs, Kind.WEBSITE, "信息中心 赵磊", ports.https_url(docs), ports.http_url(docs))

    # The park's DNS hands its zone to anyone, and names nobody inventoried show up.
    s.axfr.append("yuanqu-park.test")
    s.host("ns1.yuanqu-park.test")
    s.host("ns1.shili-tech.test")
    s.host("vpn.yuanqu-park.test")
    s.host("test.yuanqu-park.test")
    add("yuanqu-park.test", Kind.DOMAIN, "信息中心 赵磊")

    # The park's database server: Redis and MySQL reachable from anywhere.
    db = "db.yuanqu-park.test"
    s.host(db)
    s.open_ports[db] = [3306, 6379]
    add(db, Kind.SERVER, "信息中心 赵磊")

    mail = "mail.shili-tech.test"
    s.host(mail, mx=[mail])
    add(mail, Kind.MAIL, "信息中心 赵磊")
    return s


EDGE_TITLE = "[bold red]pwned[/] \x1b[31mred\x1b[0m \x1b]0;owned\x07 <b>x</b>"
"""A hostile page title: Rich markup, a colour escape and a window-title escape."""


def edge(ports: Ports) -> Scenario:
    """Misbehaving servers and odd answers, for the tests (not in the demo inventory)."""
    s = Scenario(zones=[EDGE_ZONE])

    def site(label: str, http: dict[str, Page], https: dict[str, Page] | None = None) -> str:
        host = f"{label}.{EDGE_ZONE}"
        s.host(host)
        s.sites.append(Site(host, http=http, https=https))
        return host

    site("hang", {"*": Page(behavior="hang")}, {"*": Page(behavior="hang")})
    site("drip", {"*": Page(behavior="drip", headers=[("Content-Type", "text/html")])})
    site("huge", {"*": Page(behavior="huge", size=3 * 1024 * 1024)})
    site("close", {"*": Page(behavior="close")})
    gbk = _page("仁力人力资源 - 首页", "<p>欢迎</p>", charset="gbk")
    site(
        "gbk",
        {
            "/header": html_page(gbk, charset="gbk"),
            "/meta": html_page(
                gbk.replace('charset="gbk"', 'charset="gb2312"'),
                charset="gb18030",
                content_type="text/html",
            ),
            "/sniff": html_page(
                gbk.replace('<meta charset="gbk">', ""), charset="gb18030", content_type="text/html"
            ),
        },
    )
    site(
        "markup", {"*": html_page(_page(EDGE_TITLE.replace("<", "&lt;").replace(">", "&gt;"), ""))}
    )
    site(
        "loop",
        {
            f"/{i}": redirect(ports.http_url(f"loop.{EDGE_ZONE}", f"/{i + 1}"), 302)
            for i in range(10)
        },
    )
    site(
        "www",
        {"*": redirect(ports.https_url(f"www.{EDGE_ZONE}"))},
        {"*": html_page(_page("ok", ""))},
    )
    s.records[f"servfail.{EDGE_ZONE}"] = Records(behavior="servfail")
    s.records[f"timeout.{EDGE_ZONE}"] = Records(behavior="drop")
    s.records[f"nodata.{EDGE_ZONE}"] = Records(txt=["v=spf1 -all"])
    s.records[f"loop-a.{EDGE_ZONE}"] = Records(cname=f"loop-b.{EDGE_ZONE}")
    s.records[f"loop-b.{EDGE_ZONE}"] = Records(cname=f"loop-a.{EDGE_ZONE}")
    s.records[f"alias.{EDGE_ZONE}"] = Records(cname=f"www.{EDGE_ZONE}")
    s.records[f"v6.{EDGE_ZONE}"] = Records(a=[], aaaa=["::1"])
    return s


def bench(ports: Ports, count: int, addresses: list[str]) -> Scenario:
    """`count` healthy sites spread over `addresses`, as a benchmark inventory."""
    s = Scenario(zones=["bench.test"])
    page = {"/": html_page(HEALTHY_PAGE, headers=GOOD_HEADERS)}
    for i in range(count):
        host = f"h{i}.bench.test"
        s.host(host, addresses[i % len(addresses)])
        s.sites.append(Site(host, http=page, https=page, cert="wildcard"))
        s.inventory.append(
            Asset(host, Kind.WEBSITE, "bench", urls=(ports.https_url(host), ports.http_url(host)))
        )
    return s
