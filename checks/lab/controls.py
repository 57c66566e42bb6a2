"""Lab controls: what an admin would do in the real world (delete a DNS record, shut a site down,
remove a planted script), played on the lab so the demo can go from finding to fixed."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace

from checks.lab import pages as lab_pages
from checks.lab.dns_server import LabDns
from checks.lab.web_server import LabWeb, Page, html_page
from checks.model import Bilingual


@dataclass(frozen=True, slots=True)
class LabControl:
    """A real-world action played on the lab: remove a DNS record, take a site down..."""

    id: str
    text: Bilingual
    host: str
    change: Callable[[LabDns, LabWeb], None]


def _drop_dns(host: str) -> Callable[[LabDns, LabWeb], None]:
    def change(dns: LabDns, web: LabWeb) -> None:
        dns.records.pop(host, None)
        dns.rebuild_names()

    return change


def _take_down(host: str) -> Callable[[LabDns, LabWeb], None]:
    def change(dns: LabDns, web: LabWeb) -> None:
        site = web.sites.get(host)
        if site is not None:
            dead = {"*": Page(behavior="close")}
            web.sites[host] = replace(site, http=dead, https=dead, spider=None)

    return change


def _serve(host: str, http: str, https: str) -> Callable[[LabDns, LabWeb], None]:
    def change(dns: LabDns, web: LabWeb) -> None:
        site = web.sites.get(host)
        if site is not None:
            pages = {"http": site.http, "https": site.https}
            for scheme, page in (("http", http), ("https", https)):
                if page and pages[scheme] is not None:
                    pages[scheme] = {**(pages[scheme] or {}), "/": _page_by_name(page)}
            web.sites[host] = replace(site, http=pages["http"], https=pages["https"], spider=None)

    return change


def _page_by_name(name: str) -> Page:
    made = {
        "park-clean": html_page(lab_pages.PARK_PAGE.replace(lab_pages.PARK_TROJAN, "")),
        "shop-fixed": html_page(lab_pages.SHOP_PAGE, headers=lab_pages.GOOD_HEADERS),
    }
    return made[name]


CONTROLS = (
    LabControl(
        "hr-dns",
        Bilingual(
            "Delete the DNS records of www.renli-hr.test", "删除 www.renli-hr.test 的解析记录"
        ),
        "www.renli-hr.test",
        _drop_dns("www.renli-hr.test"),
    ),
    LabControl(
        "hr-down",
        Bilingual("Shut the HR website's server down", "关闭人力资源网站服务器"),
        "www.renli-hr.test",
        _take_down("www.renli-hr.test"),
    ),
    LabControl(
        "oa-down",
        Bilingual("Shut the retired OA system down", "关闭已下线的 OA 系统"),
        "oa.wuye-pm.test",
        _take_down("oa.wuye-pm.test"),
    ),
    LabControl(
        "oa-dns",
        Bilingual("Delete the DNS records of oa.wuye-pm.test", "删除 oa.wuye-pm.test 的解析记录"),
        "oa.wuye-pm.test",
        _drop_dns("oa.wuye-pm.test"),
    ),
    LabControl(
        "park-script",
        Bilingual("Remove the planted script from the park portal", "清除园区门户被植入的脚本"),
        "portal.yuanqu-park.test",
        _serve("portal.yuanqu-park.test", "park-clean", ""),
    ),
    LabControl(
        "shop-headers",
        Bilingual("Add security headers to the shop", "为商城添加安全响应头"),
        "shop.shili-tech.test",
        _serve("shop.shili-tech.test", "", "shop-fixed"),
    ),
    LabControl(
        "cdn-dns",
        Bilingual(
            "Delete the dangling CNAME cdn.shili-tech.test", "删除悬挂的 CNAME cdn.shili-tech.test"
        ),
        "cdn.shili-tech.test",
        _drop_dns("cdn.shili-tech.test"),
    ),
)


def control_by_id(control_id: str) -> LabControl:
    """The control with this id.

    Raises:
        KeyError: no such control.
    """
    for control in CONTROLS:
        if control.id == control_id:
            return control
    raise KeyError(control_id)
