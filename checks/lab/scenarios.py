"""What the lab serves: the three incidents, healthy and broken sites, and edge cases for tests."""

from __future__ import annotations

from dataclasses import dataclass, field

from checks.lab.dns_server import Records
from checks.lab.pages import EDGE_TITLE, GOOD_HEADERS, HEALTHY_PAGE, page
from checks.lab.registry_server import LabDomain
from checks.lab.web_server import Page, Site, html_page, redirect
from checks.model import Asset, Filing, Kind
from checks.names import normalize_name

__all__ = ["EDGE_TITLE", "GOOD_HEADERS", "Ports", "Scenario", "bench", "edge"]

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
WILDCARD_ZONE = "wildcard.test"


@dataclass(frozen=True, slots=True)
class Ports:
    """Where the lab listens: HTTP, HTTPS, a port known to be closed, and a bare TCP service."""

    http: int
    https: int
    closed: int
    service: int = 0
    """Accepts TCP connections and closes them: stands in for Redis, MySQL... on risky ports."""
    registry: int = 0
    """The lab's RDAP server and CT endpoint (HTTP)."""
    whois: int = 0
    """The lab's WHOIS server (TCP, CNNIC's and the ICANN format)."""

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
    domains: dict[str, LabDomain] = field(default_factory=dict)
    """What the lab's registries (RDAP, WHOIS) say, by registrable domain."""
    ct: dict[str, list[str]] = field(default_factory=dict)
    """Names in certificate-transparency logs, by domain (one string per certificate)."""
    ct_bulk: dict[str, int] = field(default_factory=dict)
    """Domains whose CT answer lists this many generated certificates."""
    filings: list[Filing] = field(default_factory=list)
    """The organisation's ICP filing list, as the admin would import it."""
    released: dict[str, float] = field(default_factory=dict)
    """Asset name -> days ago its decommission step "domain released" was attested."""

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
        self.domains.update(other.domains)
        self.ct.update(other.ct)
        self.ct_bulk.update(other.ct_bulk)


SCRIPT_TROJAN = "var r=document.referrer;if(r.indexOf('baidu')>-1){top.location.href='http://www.xpj-casino.test/';}"
"""A planted cloak inside the site's own script file (not in the page)."""
SCRIPTS_PAGE = (
    '<script src="/js/site.js"></script><script src="/js/moved.js"></script>'
    '<script src="/js/huge.js"></script><script src="http://evil-cdn.test/x.js"></script>'
)
"""A page loading its own scripts and a foreign one (which must never be fetched)."""


def edge(ports: Ports) -> Scenario:
    """Misbehaving servers and odd answers, for the tests (not in the demo inventory)."""
    s = Scenario(zones=[EDGE_ZONE, WILDCARD_ZONE])
    # A zone that answers every name (brute force must report only oa, whose address differs).
    s.records[f"*.{WILDCARD_ZONE}"] = Records(a=[LOOPBACK])
    s.records[f"oa.{WILDCARD_ZONE}"] = Records(a=["127.0.0.2"])
    # Registries misbehaving, for the tests.
    s.domains.update(
        {
            "rdap-broken.test": LabDomain(behavior="malformed"),
            "unregistered.test": LabDomain(behavior="missing"),
            "rdap-hang.test": LabDomain(behavior="hang"),
            "whois-hang.cn": LabDomain(behavior="hang"),
            "gone.cn": LabDomain(behavior="missing"),
            "lapsing.test": LabDomain(expires_in=10),
            "lapsed.test": LabDomain(expires_in=-3),
        }
    )
    s.ct_bulk["big.test"] = 50_000

    def site(label: str, http: dict[str, Page], https: dict[str, Page] | None = None) -> str:
        host = f"{label}.{EDGE_ZONE}"
        s.host(host)
        s.sites.append(Site(host, http=http, https=https))
        return host

    site("hang", {"*": Page(behavior="hang")}, {"*": Page(behavior="hang")})
    site("drip", {"*": Page(behavior="drip", headers=[("Content-Type", "text/html")])})
    site("huge", {"*": Page(behavior="huge", size=3 * 1024 * 1024)})
    site("close", {"*": Page(behavior="close")})
    gbk = page("仁力人力资源 - 首页", "<p>欢迎</p>", charset="gbk")
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
    site("markup", {"*": html_page(page(EDGE_TITLE.replace("<", "&lt;").replace(">", "&gt;"), ""))})
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
        {"*": html_page(page("ok", ""))},
    )
    # Sites that try to steer the prober elsewhere (none of it may be followed).
    elsewhere = site("elsewhere", {"*": html_page(page("not ours", ""))})
    site("away", {"*": redirect(ports.http_url(elsewhere, "/phish"), 302)})
    site("to-metadata", {"*": redirect("http://169.254.169.254/latest/meta-data/", 302)})
    site("to-intranet", {"*": redirect("http://100.64.20.30/admin", 302)})
    site("to-inventoried", {"*": redirect(ports.http_url(f"intra.{EDGE_ZONE}", "/"), 302)})
    s.records[f"intra.{EDGE_ZONE}"] = Records(a=["100.64.20.30"])
    s.records[f"metadata.{EDGE_ZONE}"] = Records(a=["169.254.169.254"])
    site(
        "scripts",
        {
            "/": html_page(page("脚本", SCRIPTS_PAGE)),
            "/js/site.js": Page(
                SCRIPT_TROJAN.encode(), headers=[("Content-Type", "application/javascript")]
            ),
            "/js/moved.js": redirect("http://evil-cdn.test/moved.js", 302),
            "/js/huge.js": Page(behavior="huge", size=3 * 1024 * 1024),
        },
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
