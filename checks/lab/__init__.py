"""The loopback lab: DNS, HTTP and HTTPS servers on 127.0.0.0/8 that replay real incidents.

`assetwatch demo` and the tests share it. It runs its own event loop on a thread,
so that it serves whatever loop (or process) the prober uses.
"""

from __future__ import annotations

import asyncio
import contextlib
import socket
import ssl
import tempfile
import threading
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import timedelta
from pathlib import Path
from types import TracebackType

from checks.baseline import page_baseline
from checks.lab import scenarios
from checks.lab.certs import LabCA
from checks.lab.dns_server import LabDns, serve_dns
from checks.lab.scenarios import Ports, Scenario, demo, edge
from checks.lab.web_server import LabWeb, Page, html_page, serve_web
from checks.models import Asset
from checks.signals import risky_ports
from checks.store import Store
from checks.sweep import ProbeConfig

ScenarioFactory = Callable[[Ports], Scenario]


def _default_scenario(ports: Ports) -> Scenario:
    scenario = demo(ports)
    scenario.merge(edge(ports))
    return scenario


@dataclass(frozen=True, slots=True)
class LabControl:
    """A real-world action played on the lab: remove a DNS record, take a site down..."""

    id: str
    en: str
    zh: str
    host: str
    change: Callable[[Lab, LabDns, LabWeb], None]

    def text(self, lang: str) -> str:
        """The action in "zh" or "en"."""
        return self.zh if lang == "zh" else self.en


def _drop_dns(host: str) -> Callable[[Lab, LabDns, LabWeb], None]:
    def change(lab: Lab, dns: LabDns, web: LabWeb) -> None:
        dns.records.pop(host, None)
        dns.rebuild_names()

    return change


def _take_down(host: str) -> Callable[[Lab, LabDns, LabWeb], None]:
    def change(lab: Lab, dns: LabDns, web: LabWeb) -> None:
        site = web.sites.get(host)
        if site is not None:
            dead = {"*": Page(behavior="close")}
            web.sites[host] = replace(site, http=dead, https=dead, spider=None)

    return change


def _serve(host: str, http: str, https: str) -> Callable[[Lab, LabDns, LabWeb], None]:
    def change(lab: Lab, dns: LabDns, web: LabWeb) -> None:
        site = web.sites.get(host)
        if site is not None:
            pages = {"http": site.http, "https": site.https}
            for scheme, page in (("http", http), ("https", https)):
                if page and pages[scheme] is not None:
                    pages[scheme] = {**(pages[scheme] or {}), "/": _page_by_name(page)}
            web.sites[host] = replace(site, http=pages["http"], https=pages["https"], spider=None)

    return change


def _page_by_name(name: str) -> Page:
    pages = {
        "park-clean": html_page(scenarios.PARK_PAGE.replace(scenarios.PARK_TROJAN, "")),
        "shop-fixed": html_page(scenarios.SHOP_PAGE, headers=scenarios.GOOD_HEADERS),
    }
    return pages[name]


CONTROLS = (
    LabControl(
        "hr-dns",
        "Delete the DNS records of www.renli-hr.test",
        "删除 www.renli-hr.test 的解析记录",
        "www.renli-hr.test",
        _drop_dns("www.renli-hr.test"),
    ),
    LabControl(
        "hr-down",
        "Shut the HR website's server down",
        "关闭人力资源网站服务器",
        "www.renli-hr.test",
        _take_down("www.renli-hr.test"),
    ),
    LabControl(
        "oa-down",
        "Shut the retired OA system down",
        "关闭已下线的 OA 系统",
        "oa.wuye-pm.test",
        _take_down("oa.wuye-pm.test"),
    ),
    LabControl(
        "oa-dns",
        "Delete the DNS records of oa.wuye-pm.test",
        "删除 oa.wuye-pm.test 的解析记录",
        "oa.wuye-pm.test",
        _drop_dns("oa.wuye-pm.test"),
    ),
    LabControl(
        "park-script",
        "Remove the planted script from the park portal",
        "清除园区门户被植入的脚本",
        "portal.yuanqu-park.test",
        _serve("portal.yuanqu-park.test", "park-clean", ""),
    ),
    LabControl(
        "shop-headers",
        "Add security headers to the shop",
        "为商城添加安全响应头",
        "shop.shili-tech.test",
        _serve("shop.shili-tech.test", "", "shop-fixed"),
    ),
    LabControl(
        "cdn-dns",
        "Delete the dangling CNAME cdn.shili-tech.test",
        "删除悬挂的 CNAME cdn.shili-tech.test",
        "cdn.shili-tech.test",
        _drop_dns("cdn.shili-tech.test"),
    ),
)


async def _accept_and_close(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
    writer.close()


def _check_loopback(address: str) -> None:
    if not (address.startswith("127.") or address == "::1"):
        raise ValueError(f"the lab only listens on loopback, not {address}")


class Lab:
    """Start with `with Lab() as lab:` or `start()`/`stop()`.

    Args:
        scenario: builds the lab's content once its ports are known.
        addresses: loopback addresses to serve HTTP(S) on (all on the same ports).
        dns_latency, http_latency: seconds added before every answer.
    """

    def __init__(
        self,
        scenario: ScenarioFactory = _default_scenario,
        addresses: tuple[str, ...] = ("127.0.0.1",),
        dns_latency: float = 0.0,
        http_latency: float = 0.0,
    ) -> None:
        for address in addresses:
            _check_loopback(address)
        self._factory = scenario
        self.addresses = addresses
        self.dns_latency = dns_latency
        self.http_latency = http_latency
        self._tmp = tempfile.TemporaryDirectory(prefix="assetwatch-lab-")
        self.folder = Path(self._tmp.name)
        self._thread: threading.Thread | None = None
        self._loop: asyncio.AbstractEventLoop | None = None
        self._stop: asyncio.Event | None = None
        self._ready = threading.Event()
        self._error: BaseException | None = None
        self.dns_port = 0
        self.ports = Ports(0, 0, 0)
        self.scenario = Scenario(zones=[])
        self.ca_pem = ""
        self.dns: LabDns | None = None
        self.web: LabWeb | None = None
        self._closed_sock: socket.socket | None = None

    @property
    def nameserver(self) -> tuple[str, int]:
        """The lab's DNS server as (address, port)."""
        return (self.addresses[0], self.dns_port)

    @property
    def inventory(self) -> list[Asset]:
        """The assets an admin of the lab's organisations would have recorded."""
        return list(self.scenario.inventory)

    def controls(self) -> list[LabControl]:
        """What an admin would do in the real world, played on the lab (for `assetwatch demo`)."""
        return list(CONTROLS)

    def apply(self, control_id: str) -> str:
        """Play a lab control; returns the host it changed.

        Raises:
            KeyError: no such control.
        """
        control = next(c for c in CONTROLS if c.id == control_id)
        assert self._loop is not None and self.dns is not None and self.web is not None
        dns, web = self.dns, self.web
        done = threading.Event()

        def change() -> None:
            try:
                control.change(self, dns, web)
            finally:
                done.set()

        self._loop.call_soon_threadsafe(change)
        done.wait(5)
        return control.host

    def seed(self, store: Store, source: str = "demo") -> None:
        """Fill a store with the lab's inventory and the baselines accepted before the incidents."""
        for asset in self.scenario.inventory:
            stored, _ = store.save(asset, source=source)
            html = self.scenario.baselines.get(asset.name)
            if html is not None and stored.id is not None:
                store.accept_baseline(stored.id, page_baseline(asset, html), source=source)

    def probe_config(self, **overrides: object) -> ProbeConfig:
        """A ProbeConfig that resolves through the lab and trusts its CA."""
        values: dict[str, object] = {
            "nameservers": (self.nameserver,),
            "ca_bundle": self.ca_pem,
            "timeout": 3.0,
            "port_map": self.port_map(),
            "axfr_port": self.dns_port,
        }
        values.update(overrides)
        return ProbeConfig(**values)  # type: ignore[arg-type]

    def port_map(self) -> tuple[tuple[str, int, int], ...]:
        """Where risky ports of lab servers really are: the service port if open, else closed.

        Every lab server's risky port is mapped, so that services running on this machine
        (a developer's own MySQL on 3306) never leak into the lab's results.
        """
        servers = {a.host for a in self.scenario.inventory if a.kind == "server"}
        servers |= set(self.scenario.open_ports)
        mapping = []
        for host in sorted(servers):
            opened = self.scenario.open_ports.get(host, [])
            for risky in risky_ports():
                real = self.ports.service if risky.port in opened else self.ports.closed
                mapping.append((host, risky.port, real))
        return tuple(mapping)

    def __enter__(self) -> Lab:
        self.start()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()

    def start(self) -> None:
        """Start serving; returns once every socket listens.

        Raises:
            OSError: the lab could not bind its sockets.
        """
        self._thread = threading.Thread(target=self._run, name="assetwatch-lab", daemon=True)
        self._thread.start()
        self._ready.wait(30)
        if self._error is not None:
            raise self._error

    def stop(self) -> None:
        """Stop serving and remove the lab's certificates."""
        if self._loop is not None and self._stop is not None:
            with contextlib.suppress(RuntimeError):
                self._loop.call_soon_threadsafe(self._stop.set)
        if self._thread is not None:
            self._thread.join(10)
        if self._closed_sock is not None:
            self._closed_sock.close()
        self._tmp.cleanup()

    def _run(self) -> None:
        try:
            asyncio.run(self._serve())
        except BaseException as exc:  # reported to the starting thread
            self._error = exc
            self._ready.set()

    def _closed_port(self) -> int:
        # Bound but never listening: connections are refused, and nobody else takes the port.
        self._closed_sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self._closed_sock.bind((self.addresses[0], 0))
        port: int = self._closed_sock.getsockname()[1]
        return port

    async def _serve(self) -> None:
        self._loop = asyncio.get_running_loop()
        self._stop = asyncio.Event()
        ca = LabCA(self.folder)
        self.ca_pem = str(ca.pem_path)
        web = LabWeb([], self.http_latency)
        http_servers, http_port = await serve_web(web, list(self.addresses), None)
        # Placeholder ports are replaced once HTTPS binds; contexts are filled in below.
        contexts: dict[str, ssl.SSLContext] = {
            "default": ca.issue("default", ["lab.invalid"]).server_context()
        }
        https_servers, https_port = await serve_web(web, list(self.addresses), contexts)
        service = await asyncio.start_server(_accept_and_close, self.addresses[0], 0)
        service_port = service.sockets[0].getsockname()[1]
        self.ports = Ports(http_port, https_port, self._closed_port(), service_port)
        self.scenario = self._factory(self.ports)
        web.sites = {site.host.lower(): site for site in self.scenario.sites}
        self.web = web
        contexts.update(self._contexts(ca))
        self.dns = LabDns(
            self.scenario.zones,
            self.scenario.records,
            self.dns_latency,
            frozenset(self.scenario.axfr),
        )
        dns_tasks: set[asyncio.Task[None]] = set()
        udp, tcp = await serve_dns(self.dns, self.addresses[0], 0, dns_tasks)
        self.dns_port = udp.get_extra_info("sockname")[1]
        self._ready.set()
        try:
            await self._stop.wait()
        finally:
            udp.close()
            for server in [tcp, service, *http_servers, *https_servers]:
                server.close()
            for task in [*web.tasks, *dns_tasks]:
                task.cancel()
            await asyncio.gather(*web.tasks, *dns_tasks, return_exceptions=True)

    def _contexts(self, ca: LabCA) -> dict[str, ssl.SSLContext]:
        by_cert: dict[str, list[str]] = {}
        for site in self.scenario.sites:
            if site.https is not None:
                by_cert.setdefault(site.cert, []).append(site.host)
        issued: dict[str, ssl.SSLContext] = {}
        for cert, hosts in by_cert.items():
            if cert == "valid":
                issued[cert] = ca.issue("valid", hosts).server_context()
            elif cert == "wildcard":
                suffixes = sorted({h.split(".", 1)[1] for h in hosts})
                issued[cert] = ca.issue("wildcard", [f"*.{s}" for s in suffixes]).server_context()
            elif cert == "expired":
                issued[cert] = ca.issue(
                    "expired",
                    hosts,
                    valid_from=timedelta(days=-400),
                    valid_until=timedelta(days=-35),
                ).server_context()
            elif cert == "expiring":
                issued[cert] = ca.issue(
                    "expiring", hosts, valid_until=timedelta(days=10, hours=1)
                ).server_context()
            elif cert == "self-signed":
                issued[cert] = ca.issue("self-signed", hosts, self_signed=True).server_context()
            elif cert == "untrusted":
                # Signed by a CA nobody trusts (not in the lab's bundle): the chain fails.
                stranger = self.folder / "stranger"
                stranger.mkdir(exist_ok=True)
                unknown = LabCA(stranger, name="Unknown Issuing CA")
                issued[cert] = unknown.issue("untrusted", hosts).server_context()
            elif cert == "wrong-name":
                issued[cert] = ca.issue("wrong-name", ["www.other-company.test"]).server_context()
        return issued
