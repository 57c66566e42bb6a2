"""The check catalog: stable ids, severities and titles in both languages.

Ids are a promise to users' cron jobs: add new ones, never rename or remove.
"""

from __future__ import annotations

from dataclasses import dataclass

from checks.model import Bilingual, Lifecycle, Severity

ALL = frozenset(Lifecycle)
LIVE = frozenset({Lifecycle.ACTIVE, Lifecycle.RETIRING})
"""Availability, TLS and hygiene: noise on a retired asset, where the fix is to take it down."""
RETIRED_ONLY = frozenset({Lifecycle.RETIRED})
ACTIVE_ONLY = frozenset({Lifecycle.ACTIVE})
LEAVING = frozenset({Lifecycle.RETIRING, Lifecycle.RETIRED})
"""Assets on their way out or gone: where a released name must stay watched."""


@dataclass(frozen=True, slots=True)
class CheckSpec:
    """One check as users see it in the catalog."""

    id: str
    severity: Severity
    title_en: str
    title_zh: str
    meaning_en: str
    """One sentence: what firing means, for the README and `assetwatch checks`."""
    applies_to: frozenset[Lifecycle] = ALL
    """The lifecycles whose assets this check looks at; the rules never raise it elsewhere."""

    @property
    def title(self) -> Bilingual:
        """The title in both languages."""
        return Bilingual(self.title_en, self.title_zh)


CATALOG: tuple[CheckSpec, ...] = (
    CheckSpec(
        "retired-still-resolves",
        Severity.CRITICAL,
        "Retired asset still resolves in DNS",
        "已下线资产的域名仍在解析",
        "A retired asset's name still has A/AAAA records: whoever controls that address controls "
        "your name.",
        RETIRED_ONLY,
    ),
    CheckSpec(
        "retired-still-serving",
        Severity.CRITICAL,
        "Retired asset still serves web pages",
        "已下线资产仍在提供网页服务",
        "A retired asset still answers HTTP or HTTPS: an unmaintained system left online.",
        RETIRED_ONLY,
    ),
    CheckSpec(
        "dangling-cname",
        Severity.HIGH,
        "CNAME points to a name that does not resolve",
        "CNAME 指向不存在的域名（悬挂解析）",
        "The name is an alias of a target that no longer exists: anyone who registers the target "
        "takes over the name.",
    ),
    CheckSpec(
        "dns-unresolvable",
        Severity.MEDIUM,
        "Active asset does not resolve",
        "在用资产的域名无法解析",
        "An active asset's name does not exist (NXDOMAIN), has no address, or loops through "
        "CNAMEs: the inventory or the zone is wrong.",
        ACTIVE_ONLY,
    ),
    CheckSpec(
        "http-down",
        Severity.MEDIUM,
        "Web service does not answer",
        "网站服务无响应",
        "The name resolves but no URL of the asset answered over HTTP or HTTPS.",
        ACTIVE_ONLY,
    ),
    CheckSpec(
        "tls-expired",
        Severity.HIGH,
        "TLS certificate has expired",
        "TLS 证书已过期",
        "The certificate served on HTTPS is past its notAfter date.",
        LIVE,
    ),
    CheckSpec(
        "tls-expiring",
        Severity.MEDIUM,
        "TLS certificate expires within 21 days",
        "TLS 证书将在 21 天内过期",
        "The certificate served on HTTPS expires in less than 21 days.",
        LIVE,
    ),
    CheckSpec(
        "tls-self-signed",
        Severity.HIGH,
        "Self-signed TLS certificate",
        "TLS 证书为自签名",
        "The certificate is signed by itself, so browsers reject it and users learn to click "
        "through warnings.",
        LIVE,
    ),
    CheckSpec(
        "tls-hostname-mismatch",
        Severity.HIGH,
        "TLS certificate is for another name",
        "TLS 证书与域名不匹配",
        "No SAN of the certificate covers the asset's host name.",
        LIVE,
    ),
    CheckSpec(
        "tls-untrusted",
        Severity.HIGH,
        "TLS certificate chain does not verify",
        "TLS 证书链校验失败",
        "The chain does not verify against the trust store for another reason (unknown issuer, "
        "missing intermediate, revoked).",
        LIVE,
    ),
    CheckSpec(
        "no-https",
        Severity.MEDIUM,
        "No HTTPS",
        "未启用 HTTPS",
        "The site answers over plain HTTP but not over HTTPS: logins and pages travel in clear.",
        LIVE,
    ),
    CheckSpec(
        "https-not-enforced",
        Severity.LOW,
        "HTTP does not redirect to HTTPS",
        "HTTP 未强制跳转到 HTTPS",
        "HTTPS works, but plain HTTP serves the page instead of redirecting to HTTPS.",
        LIVE,
    ),
    CheckSpec(
        "unowned-asset",
        Severity.MEDIUM,
        "Asset has no owner",
        "资产没有责任人",
        "Nobody is recorded as responsible for the asset: nobody will retire or patch it.",
    ),
    CheckSpec(
        "login-exposed",
        Severity.MEDIUM,
        "Login form reachable from the internet",
        "登录页面暴露在互联网",
        "A page with a password field answers from the internet: it will be brute-forced.",
    ),
    CheckSpec(
        "login-over-http",
        Severity.HIGH,
        "Password form served or posted over plain HTTP",
        "登录表单通过明文 HTTP 传输",
        "Passwords travel in clear: the login page is served over HTTP or posts to an http:// URL.",
    ),
    CheckSpec(
        "oa-exposed",
        Severity.HIGH,
        "Office automation (OA) system exposed",
        "OA 办公系统暴露在互联网",
        "A recognised OA or ERP product (Seeyon, Weaver, Tongda, Landray, Yonyou, Kingdee...) "
        "answers from the internet.",
    ),
    CheckSpec(
        "admin-panel-exposed",
        Severity.HIGH,
        "Administration panel exposed",
        "管理后台暴露在互联网",
        "A server or application admin panel (Baota, phpMyAdmin, Tomcat manager, WebLogic, "
        "Jenkins, Nacos...) answers from the internet.",
    ),
    CheckSpec(
        "outdated-software",
        Severity.HIGH,
        "End-of-life or vulnerable software version",
        "软件版本已停止维护或存在已知漏洞",
        "A banner names a version that is end of life or has published vulnerabilities.",
    ),
    CheckSpec(
        "version-disclosure",
        Severity.LOW,
        "Exact software versions disclosed",
        "泄露了具体软件版本",
        "Server, X-Powered-By or generator banners give exact versions, a map for attackers.",
        LIVE,
    ),
    CheckSpec(
        "missing-security-headers",
        Severity.LOW,
        "Security headers missing",
        "缺少安全响应头",
        "The main page lacks HSTS (on HTTPS), CSP, X-Frame-Options or frame-ancestors, "
        "X-Content-Type-Options or Referrer-Policy.",
        LIVE,
    ),
    CheckSpec(
        "insecure-cookie",
        Severity.MEDIUM,
        "Session cookie without Secure, HttpOnly or SameSite",
        "会话 Cookie 缺少安全属性",
        "A session cookie lacks Secure (on HTTPS), HttpOnly or SameSite.",
        LIVE,
    ),
    CheckSpec(
        "icp-number-missing",
        Severity.LOW,
        "ICP filing number not shown on the home page",
        "首页未展示备案号或与登记不符",
        "An active website's home page does not show its recorded ICP filing number, or shows "
        "another one.",
        ACTIVE_ONLY,
    ),
    CheckSpec(
        "sensitive-file-exposed",
        Severity.HIGH,
        "Sensitive file exposed",
        "敏感文件可被下载",
        "A file that must never be served (.git, .env, .svn, .DS_Store, backups, phpinfo, "
        "WEB-INF/web.xml, server-status) answers, proved by its content.",
    ),
    CheckSpec(
        "risky-port-open",
        Severity.HIGH,
        "Risky service port open to the internet",
        "高危端口对互联网开放",
        "A server accepts TCP connections on a port that should never face the internet (FTP, "
        "Telnet, SMB, databases, RDP, VNC, Redis, Docker API...).",
    ),
    CheckSpec(
        "takeover-possible",
        Severity.CRITICAL,
        "Subdomain can be taken over",
        "子域名可被接管",
        "The name is a CNAME into a hosting service (OSS, COS, OBS, Qiniu, S3, GitHub Pages, "
        "Heroku, Azure, Fastly, Shopify) that answers that the resource is unclaimed.",
    ),
    CheckSpec(
        "zone-transfer-allowed",
        Severity.HIGH,
        "DNS zone transfer allowed",
        "DNS 允许区域传送",
        "An authoritative nameserver of a domain asset answers AXFR: anyone can list every name "
        "in the zone.",
    ),
    CheckSpec(
        "unknown-asset",
        Severity.MEDIUM,
        "Name not in the inventory",
        "发现未登记的资产",
        "A name found under an inventoried domain (zone transfer, certificate transparency, "
        "brute-force DNS, certificates' SANs, links on our pages) is not in the inventory.",
    ),
    CheckSpec(
        "seo-spam",
        Severity.CRITICAL,
        "Injected SEO spam (gambling, adult, pharma links)",
        "页面被植入赌博、色情等暗链",
        "Links to other sites with gambling, adult or pharma words sit in hidden blocks, "
        "or in bulk: "
        "the classic sign of a hacked Chinese site.",
    ),
    CheckSpec(
        "injected-script",
        Severity.CRITICAL,
        "Injected or cloaking script",
        "页面被植入恶意脚本或对搜索引擎劫持",
        "Code that sends search-engine visitors elsewhere, packed redirect code, a different page "
        "for Baiduspider, or scripts from a host the baseline did not have.",
    ),
    CheckSpec(
        "content-changed",
        Severity.MEDIUM,
        "Home page changed from its baseline",
        "首页内容与基线相比发生较大变化",
        "Less than half of the accepted baseline's text remains on the home page.",
    ),
    CheckSpec(
        "probe-incomplete",
        Severity.LOW,
        "Asset could not be fully observed",
        "资产未能完整探测",
        "Part of the asset went unobserved (a DNS timeout or SERVFAIL, a TLS or protocol error, "
        "a timeout, a probe error): its other findings keep their state until it is observed.",
    ),
)

CATALOG += (
    CheckSpec(
        "domain-expiring",
        Severity.MEDIUM,
        "Domain registration expires within 30 days",
        "域名将在 30 天内到期",
        "The registry (RDAP or WHOIS) says the domain expires in under 30 days (high under 7): "
        "renew it, or someone else will.",
        LIVE,
    ),
    CheckSpec(
        "domain-expired",
        Severity.HIGH,
        "Domain registration has expired",
        "域名注册已到期",
        "The registry says the domain's expiry date has passed, or that it holds no such domain "
        "any more: it can be registered by anyone.",
        LIVE,
    ),
    CheckSpec(
        "domain-on-hold",
        Severity.HIGH,
        "Domain suspended by the registry or registrar (hold)",
        "域名被注册局或注册商暂停解析（Hold）",
        "The domain carries clientHold or serverHold: it is taken out of DNS, e.g. for a missing "
        "filing or real-name verification.",
        LIVE,
    ),
    CheckSpec(
        "retired-domain-still-filed",
        Severity.HIGH,
        "Retired site's domain is lapsing while its ICP filing is live",
        "已下线网站的域名即将到期，但备案仍未注销",
        "A retired asset's domain expires within 30 days, has expired or is free, while its ICP "
        "filing is still live: whoever registers it next serves under your filing.",
        RETIRED_ONLY,
    ),
    CheckSpec(
        "released-domain-reused",
        Severity.HIGH,
        "Released domain is in use again",
        "已释放的域名被重新使用",
        "After the decommission step 'domain released' was attested, the name was registered "
        "again (a registration date after the release), resolves or serves.",
        LEAVING,
    ),
    CheckSpec(
        "icp-filed-not-inventoried",
        Severity.HIGH,
        "ICP-filed domain that no asset covers",
        "已备案域名不在资产台账中",
        "The imported ICP filing list holds a domain that no inventoried asset is or lies under: "
        "a forgotten site the company answers for.",
    ),
    CheckSpec(
        "icp-filed-but-retired",
        Severity.HIGH,
        "Retired asset's domain is still ICP-filed",
        "已下线资产的域名仍在备案",
        "A retired asset's domain is still on the imported ICP filing list: the filing must be "
        "cancelled (注销备案), not just the access (取消接入).",
        RETIRED_ONLY,
    ),
)

BY_ID: dict[str, CheckSpec] = {spec.id: spec for spec in CATALOG}


def spec(check_id: str) -> CheckSpec:
    """The catalog entry of a check id (KeyError for an unknown id)."""
    return BY_ID[check_id]
