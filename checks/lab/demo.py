"""The demo lab's organisations: the incidents of Zhengzhou 2024, and a company's good and bad."""

from __future__ import annotations

from checks.lab.dns_server import Records
from checks.lab.pages import (
    GOOD_HEADERS,
    HEALTHY_PAGE,
    HR_PAGE,
    HR_SPIDER_PAGE,
    NEWS_BEFORE,
    NEWS_DEFACED,
    OA_PAGE,
    PANEL_PAGE,
    PARK_PAGE,
    PHPMYADMIN_PAGE,
    SHOP_PAGE,
    TONGDA_PAGE,
    page,
)
from checks.lab.registry_server import LabDomain
from checks.lab.scenarios import DEMO_ZONES, Ports, Scenario
from checks.lab.web_server import Page, Site, html_page, redirect
from checks.model import Asset, Filing, Kind, Lifecycle
from checks.names import normalize_name

IT = "信息中心 赵磊"
MARKETING = "市场部 陈晨"
ADMIN = "行政部 王强"


class _Demo:
    """Builds the demo scenario one organisation at a time, in inventory order."""

    def __init__(self, ports: Ports) -> None:
        self.ports = ports
        self.s = Scenario(zones=list(DEMO_ZONES))
        self.healthy = {"/": html_page(HEALTHY_PAGE, headers=GOOD_HEADERS)}

    def upgrade(self, host: str) -> dict[str, Page]:
        """Plain HTTP redirects everything to HTTPS."""
        return {"*": redirect(self.ports.https_url(host))}

    def both(self, host: str) -> tuple[str, str]:
        """The host's HTTPS and HTTP URLs on the lab's ports."""
        return self.ports.https_url(host), self.ports.http_url(host)

    def add(
        self,
        name: str,
        kind: Kind,
        owner: str,
        *urls: str,
        lifecycle: Lifecycle = Lifecycle.ACTIVE,
        icp: str = "",
        notes: str = "",
    ) -> None:
        """Record an asset the way the organisation's admin would have."""
        self.s.inventory.append(
            Asset(normalize_name(name), kind, owner, lifecycle, urls, icp, (), notes)
        )

    def healthy_site(self, host: str, owner: str = IT, cert: str = "valid") -> None:
        """A site that redirects to HTTPS and serves good headers there."""
        self.s.host(host)
        self.s.sites.append(Site(host, http=self.upgrade(host), https=self.healthy, cert=cert))
        self.add(host, Kind.WEBSITE, owner, *self.both(host))

    def incidents(self) -> None:
        """The first two companies the regulator summoned (the park follows)."""
        s, ports = self.s, self.ports
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
        self.add(
            hr,
            Kind.WEBSITE,
            "人事部 李娜",
            *self.both(hr),
            lifecycle=Lifecycle.RETIRED,
            icp="豫ICP备13000001号-1",
            notes="2023 年改版后停用",
        )
        # 2. The property company's retired OA system: still online, login over plain HTTP.
        oa = "oa.wuye-pm.test"
        s.host(oa)
        cookie = [("Set-Cookie", "JSESSIONID=7F3A; Path=/seeyon")]
        s.sites.append(Site(oa, http={"/": html_page(OA_PAGE, headers=cookie)}))
        self.add(
            oa,
            Kind.OA,
            ADMIN,
            ports.http_url(oa),
            ports.closed_url(oa),
            lifecycle=Lifecycle.RETIRED,
        )

    def park(self) -> None:
        """3. The industrial park's server: old Apache and PHP, no HTTPS, files in the web root."""
        s, ports = self.s, self.ports
        park = "portal.yuanqu-park.test"
        old = [("Server", "Apache/2.2.15 (CentOS)"), ("X-Powered-By", "PHP/5.3.3")]
        info = page("phpinfo()", "<h1>PHP Version 5.3.3</h1><h2>PHP Extension</h2>")
        env = b"APP_ENV=production\nDB_HOST=127.0.0.1\nDB_PASSWORD=x\n"
        s.host(park)
        s.sites.append(
            Site(
                park,
                http={
                    "/": html_page(PARK_PAGE, headers=old),
                    "/.git/HEAD": Page(b"ref: refs/heads/master\n", headers=old),
                    "/phpinfo.php": html_page(info, headers=old),
                    "/.env": Page(env, headers=old),
                },
            )
        )
        self.add(
            park,
            Kind.WEBSITE,
            IT,
            ports.http_url(park),
            ports.closed_url(park),
            icp="豫ICP备17000002号",
        )

    def company(self) -> None:
        """The healthy company site, its domain, and its broken corners."""
        s, ports = self.s, self.ports
        www = "www.shili-tech.test"
        s.host(www)
        s.sites.append(Site(www, http=self.upgrade(www), https=self.healthy))
        self.add(www, Kind.WEBSITE, IT, *self.both(www), icp="豫ICP备20000003号-1")
        self.add("shili-tech.test", Kind.DOMAIN, IT)
        for name, cert in [
            ("expired", "expired"),
            ("selfsigned", "self-signed"),
            ("wrongname", "wrong-name"),
            ("expiring", "expiring"),
            ("untrusted", "untrusted"),
        ]:
            self.healthy_site(f"{name}.shili-tech.test", cert=cert)
        cdn = "cdn.shili-tech.test"
        s.records[cdn] = Records(cname="shili-static.oss-cn-hangzhou.aliyuncs.test")
        self.add(cdn, Kind.WEBSITE, MARKETING, *self.both(cdn))
        self.add("old-promo.shili-tech.test", Kind.WEBSITE, MARKETING)
        files = "files.shili-tech.test"
        s.host(files)
        # Its page links a customer system nobody inventoried (the prober never follows it), and
        # its certificate also names vpn., which nobody inventoried either.
        linked = HEALTHY_PAGE.replace(
            "<footer>", '<p><a href="https://crm.shili-tech.test/login">客户系统</a></p><footer>'
        )
        page = {"/": html_page(linked, headers=GOOD_HEADERS)}
        s.sites.append(Site(files, http=self.upgrade(files), https=page, cert="shared"))
        self.add(files, Kind.WEBSITE, "", *self.both(files))
        news = "news.shili-tech.test"
        s.host(news)
        # Defaced since its baseline was accepted.
        news_page = {"/": html_page(NEWS_DEFACED, headers=GOOD_HEADERS)}
        s.sites.append(Site(news, http=news_page, https=news_page))
        s.baselines[news] = NEWS_BEFORE
        self.add(news, Kind.WEBSITE, MARKETING, *self.both(news))
        backup = "backup.shili-tech.test"
        s.host(backup)
        closed_http = f"http://{backup}:{ports.closed}/"
        self.add(backup, Kind.WEBSITE, IT, ports.closed_url(backup), closed_http)
        idn = normalize_name("官网.示例.test")
        s.host(idn)
        s.sites.append(Site(idn, http=self.upgrade(idn), https=self.healthy))
        self.add("官网.示例.test", Kind.WEBSITE, IT, *self.both(idn))

    def exposures(self) -> None:
        """A shop with weak headers and cookies, an admin panel, an OA login."""
        s = self.s
        shop = "shop.shili-tech.test"
        s.host(shop)
        weak = [("Server", "nginx"), ("Set-Cookie", "PHPSESSID=9d1f2e; path=/")]
        s.sites.append(
            Site(shop, http=self.upgrade(shop), https={"/": html_page(SHOP_PAGE, headers=weak)})
        )
        self.add(shop, Kind.WEBSITE, MARKETING, *self.both(shop), icp="豫ICP备20000009号-1")
        panel = "panel.yuanqu-park.test"
        s.host(panel)
        pages = {
            "/": html_page(PANEL_PAGE, headers=GOOD_HEADERS),
            "/phpmyadmin/": html_page(PHPMYADMIN_PAGE, headers=GOOD_HEADERS),
        }
        s.sites.append(Site(panel, http=self.upgrade(panel), https=pages))
        self.add(panel, Kind.SERVER, IT, *self.both(panel))
        office = "oa.shili-tech.test"
        s.host(office)
        tongda = {"/": html_page(TONGDA_PAGE, headers=GOOD_HEADERS)}
        s.sites.append(Site(office, http=self.upgrade(office), https=tongda))
        self.add(office, Kind.OA, ADMIN, *self.both(office))

    def takeovers(self) -> None:
        """A deleted OSS bucket and an unpublished GitHub Pages site, still aliased."""
        s = self.s
        static = "static.shili-tech.test"
        bucket = "shili-assets.oss-cn-hangzhou.aliyuncs.com"
        s.records[static] = Records(cname=bucket)
        s.host(bucket)
        no_bucket = (
            '<?xml version="1.0" encoding="UTF-8"?><Error><Code>NoSuchBucket</Code>'
            "<Message>The specified bucket does not exist.</Message></Error>"
        )
        gone = {"*": html_page(no_bucket, status=404, content_type="application/xml")}
        s.sites.append(Site(static, http=gone, https=gone))
        self.add(static, Kind.WEBSITE, MARKETING, *self.both(static))
        docs = "docs.shili-tech.test"
        s.records[docs] = Records(cname="shili-tech.github.io")
        s.host("shili-tech.github.io")
        unpublished = page(
            "Site not found · GitHub Pages",
            "<h1>404</h1><p>There isn't a GitHub Pages site here.</p>",
        )
        gh = html_page(unpublished, status=404)
        s.sites.append(Site(docs, http={"*": gh}, https={"*": gh}))
        self.add(docs, Kind.WEBSITE, IT, *self.both(docs))

    def networks(self) -> None:
        """The park's DNS hands its zone to anyone; its database server faces the internet."""
        s = self.s
        s.axfr.append("yuanqu-park.test")
        for name in ("ns1.yuanqu-park.test", "ns1.shili-tech.test"):
            s.host(name)
        s.host("vpn.yuanqu-park.test")  # names nobody inventoried
        s.host("test.yuanqu-park.test")
        self.add("yuanqu-park.test", Kind.DOMAIN, IT)
        db = "db.yuanqu-park.test"
        s.host(db)
        s.open_ports[db] = [3306, 6379]
        self.add(db, Kind.SERVER, IT)
        mail = "mail.shili-tech.test"
        s.host(mail, mx=[mail])
        self.add(mail, Kind.MAIL, IT)

    def domains(self) -> None:
        """Registrations, the filing list, a released domain taken again, names nobody listed."""
        s = self.s
        s.domains.update(
            {
                "shili-tech.test": LabDomain(expires_in=12),
                "yuanqu-park.test": LabDomain(
                    statuses=("server hold", "client transfer prohibited")
                ),
                "renli-hr.test": LabDomain(expires_in=200),
                "wuye-pm.test": LabDomain(expires_in=200),
                # Released two months ago; someone registered it again 20 days ago.
                "renli-hr.cn": LabDomain(created_ago=20, registrar="某某网络科技有限公司"),
                normalize_name("示例.中国"): LabDomain(expires_in=400, statuses=("ok",)),
            }
        )
        cn, zhongguo = "renli-hr.cn", normalize_name("示例.中国")
        # Its zone exists (the new holder's nameserver) but the name has no address yet.
        s.zones += [cn, zhongguo]
        self.add(
            cn,
            Kind.DOMAIN,
            "人事部 李娜",
            lifecycle=Lifecycle.RETIRED,
            notes="旧官网域名，2026 年释放",
        )
        s.released[cn] = 60
        self.add("示例.中国", Kind.DOMAIN, IT)
        s.filings += [
            Filing("renli-hr.test", "豫ICP备13000001号-1", "豫ICP备13000001号", "仁力人力资源官网"),
            Filing("shili-tech.test", "豫ICP备20000003号-1", "豫ICP备20000003号", "示例科技官网"),
            # The HR firm's recruiting site: filed years ago, in nobody's inventory.
            Filing("renli-zhaopin.test", "豫ICP备13000001号-2", "豫ICP备13000001号", "仁力招聘"),
            Filing("yuanqu-park.test", "豫ICP备17000002号-1", "豫ICP备17000002号", "科创产业园"),
        ]
        # Names of the company nobody inventoried: in DNS (brute force), in a certificate's SANs
        # (vpn is on the shared certificate), in CT logs, linked from the home page (crm).
        for name in ("hr", "erp", "crm"):
            s.host(f"{name}.shili-tech.test")
        vpn = "vpn.shili-tech.test"
        s.host(vpn)
        s.sites.append(Site(vpn, https=self.healthy, cert="shared"))
        s.ct["shili-tech.test"] = [
            "shili-tech.test\nwww.shili-tech.test",
            "*.hr.shili-tech.test",
            "erp.shili-tech.test",
            "oa.shili-tech.test",
            "old-promo.shili-tech.test",
            "mail.shili-tech.test",
        ]


def demo(ports: Ports) -> Scenario:
    """The incidents of Zhengzhou 2024, and the ordinary good and bad of a company's sites."""
    build = _Demo(ports)
    build.incidents()
    build.park()
    build.company()
    build.exposures()
    build.takeovers()
    build.networks()
    build.domains()
    return build.s
