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
from dataclasses import replace
from datetime import timedelta
from pathlib import Path
from types import TracebackType
from typing import Any

from checks.knowledge.fingerprints import risky_ports
from checks.lab.certs import LabCA
from checks.lab.controls import CONTROLS, LabControl, control_by_id
from checks.lab.demo import demo
from checks.lab.dns_server import LabDns, serve_dns
from checks.lab.registry_server import LabRegistry, bootstrap_json, serve_registries
from checks.lab.scenarios import Ports, Scenario, edge
from checks.lab.web_server import LabWeb, serve_web
from checks.model import Asset, Settings
from checks.probe import ProbeConfig
from checks.rules.compromise import page_baseline
from checks.service import inventory
from checks.service.sweeps import ProbeOverrides, config_from
from checks.store import Store
from checks.store.domains import released_step

ScenarioFactory = Callable[[Ports], Scenario]


def _default_scenario(ports: Ports) -> Scenario:
    scenario = demo(ports)
    scenario.merge(edge(ports))
    return scenario


async def _accept_and_close(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
    writer.close()


class LabView:
    """What a client of the lab knows: where it listens, what it serves, how to probe it.

    Shared by the in-process `Lab` and `RemoteLab` (the lab in a process of its own).
    """

    addresses: tuple[str, ...]
    dns_port: int
    ports: Ports
    scenario: Scenario
    ca_pem: str
    rdap_bootstrap: str
    """A dns.json sending .test to the lab's RDAP server (the sweep's --rdap-bootstrap)."""

    @property
    def whois_servers(self) -> tuple[tuple[str, str, int], ...]:
        """.cn and .中国 to the lab's WHOIS server (the sweep's --whois-server)."""
        return tuple(
            (tld, self.addresses[0], self.ports.whois) for tld in ("cn", "xn--fiqs8s", "xn--fiqz9s")
        )

    @property
    def ct_url(self) -> str:
        """The lab's crt.sh-compatible endpoint (`discover --ct --ct-url`)."""
        return f"http://{self.addresses[0]}:{self.ports.registry}/ct/"

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

    def seed(self, store: Store, source: str = "demo") -> None:
        """Fill a store with the lab's inventory, the baselines accepted before the incidents,
        the organisation's ICP filing list and the domains it released."""
        for asset in self.scenario.inventory:
            stored = inventory.save(store, asset, source=source).asset
            html = self.scenario.baselines.get(asset.name)
            if html is not None and stored.id is not None:
                store.baselines.accept(stored.id, page_baseline(asset, html), source=source)
            days = self.scenario.released.get(asset.name)
            if days is not None and stored.id is not None:
                store.attestations.attest_decommission(
                    stored.id,
                    released_step(),
                    "released at the registrar",
                    at=store.clock() - timedelta(days=days),
                )
        if self.scenario.filings:
            store.filings.replace(list(self.scenario.filings), source)

    def overrides(self, timeout: float = 3.0, light: bool = False) -> ProbeOverrides:
        """What a front end is told to probe the lab: its DNS server, its CA, its port map."""
        return ProbeOverrides(
            nameservers=(self.nameserver,),
            ca_bundle=self.ca_pem,
            timeout=timeout,
            light=light,
            lab={"port_map": self.port_map(), "axfr_port": self.dns_port},
            rdap_bootstrap=self.rdap_bootstrap,
            whois_servers=self.whois_servers,
        )

    def probe_config(self, **changes: Any) -> ProbeConfig:
        """A ProbeConfig that resolves through the lab and trusts its CA (no stored settings)."""
        return replace(config_from(Settings(), self.overrides()), **changes)

    def port_map(self) -> tuple[tuple[str, int, int], ...]:
        """Where risky ports of lab hosts really are: the service port if open, else closed.

        Every lab host's risky port is mapped, so that services running on this machine
        (a developer's own MySQL on 3306) never leak into the lab's results.
        """
        # Every name the lab serves: any asset may be a server, or retired (its ports probed).
        servers = {a.host for a in self.scenario.inventory} | set(self.scenario.records)
        servers |= set(self.scenario.open_ports)
        mapping = []
        for host in sorted(servers):
            opened = self.scenario.open_ports.get(host, [])
            for risky in risky_ports():
                real = self.ports.service if risky.port in opened else self.ports.closed
                mapping.append((host, risky.port, real))
        return tuple(mapping)


def _check_loopback(address: str) -> None:
    if not (address.startswith("127.") or address == "::1"):
        raise ValueError(f"the lab only listens on loopback, not {address}")


class Lab(LabView):
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
        self.rdap_bootstrap = ""
        self.registry = LabRegistry()
        self.dns: LabDns | None = None
        self.web: LabWeb | None = None
        self._closed_sock: socket.socket | None = None

    def apply(self, control_id: str) -> str:
        """Play a lab control; returns the host it changed.

        Raises:
            KeyError: no such control.
        """
        control = control_by_id(control_id)
        assert self._loop is not None and self.dns is not None and self.web is not None
        dns, web = self.dns, self.web
        done = threading.Event()

        def change() -> None:
            try:
                control.change(dns, web)
            finally:
                done.set()

        self._loop.call_soon_threadsafe(change)
        if not done.wait(5):
            raise TimeoutError(f"the lab did not apply {control_id} within 5 s")
        return control.host

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
        from checks.service.sweeps import run_async  # uvloop where the sweeps use it

        try:
            run_async(self._serve())
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
        registries, rdap_port, whois_port = await serve_registries(self.registry, self.addresses[0])
        self.ports = Ports(
            http_port, https_port, self._closed_port(), service_port, rdap_port, whois_port
        )
        self.scenario = self._factory(self.ports)
        self.registry.domains.update(self.scenario.domains)
        self.registry.ct.update(self.scenario.ct)
        self.registry.ct_bulk.update(self.scenario.ct_bulk)
        bootstrap = self.folder / "rdap_dns.json"
        bootstrap.write_text(bootstrap_json(self.addresses[0], rdap_port), encoding="utf-8")
        self.rdap_bootstrap = str(bootstrap)
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
            for server in [tcp, service, *http_servers, *https_servers, *registries]:
                server.close()
            for task in [*web.tasks, *dns_tasks, *self.registry.tasks]:
                task.cancel()
            await asyncio.gather(
                *web.tasks, *dns_tasks, *self.registry.tasks, return_exceptions=True
            )

    def _contexts(self, ca: LabCA) -> dict[str, ssl.SSLContext]:
        by_cert: dict[str, list[str]] = {}
        for site in self.scenario.sites:
            if site.https is not None:
                by_cert.setdefault(site.cert, []).append(site.host)
        issued: dict[str, ssl.SSLContext] = {}
        for cert, hosts in by_cert.items():
            if cert == "valid":
                # One certificate per site, as ACME issues them: a shared one would show every
                # other site's name in its SANs (passive discovery reads them).
                for host in hosts:
                    issued[f"valid:{host.lower()}"] = ca.issue(
                        f"valid-{host}", [host]
                    ).server_context()
            elif cert == "shared":
                issued[cert] = ca.issue(cert, hosts).server_context()
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
