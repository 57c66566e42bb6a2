"""The lab's registries: an RDAP server (HTTP JSON per RFC 9083), a WHOIS server on TCP
speaking CNNIC's format (.cn, .中国) and the ICANN gTLD format, and a crt.sh-compatible
certificate-transparency endpoint. Loopback only; dates are relative to the moment asked."""

from __future__ import annotations

import asyncio
import contextlib
import json
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta, timezone
from urllib.parse import parse_qs, unquote, urlsplit

from checks.errors import UserError
from checks.names import normalize_name

BEIJING = timezone(timedelta(hours=8))


@dataclass(frozen=True, slots=True)
class LabDomain:
    """What the lab's registry holds for one registrable domain."""

    expires_in: float = 365.0
    """Days from the moment asked to the expiry (negative: expired)."""
    created_ago: float = 2000.0
    """Days since registration."""
    statuses: tuple[str, ...] = ("active",)
    """RDAP words (RFC 8056); WHOIS answers print their EPP names."""
    registrar: str = "Lab Registrar Ltd."
    behavior: str = ""
    """"" answers; "malformed" sends broken JSON; "missing" says no such domain; "hang" never
    answers."""


@dataclass(slots=True)
class LabRegistry:
    """The registries' data: domains by punycode name, CT names by domain."""

    domains: dict[str, LabDomain] = field(default_factory=dict)
    ct: dict[str, list[str]] = field(default_factory=dict)
    """Domain -> names in its certificates (`*.` kept: the client folds them)."""
    ct_bulk: dict[str, int] = field(default_factory=dict)
    """Domain -> how many generated certificates its CT answer lists (the 50,000 case)."""
    default: LabDomain | None = field(default_factory=LabDomain)
    """For .test names not listed; None answers "no such domain"."""
    queries: int = 0
    tasks: set[asyncio.Task[None]] = field(default_factory=set)

    def lookup(self, name: str) -> LabDomain | None:
        """The domain's data, the default for unlisted ones, None when not registered."""
        found = self.domains.get(name.lower().rstrip("."))
        return found if found is not None else self.default


def _epp(status: str) -> str:
    words = status.split()
    if status == "active":
        return "ok"
    return words[0] + "".join(w.capitalize() for w in words[1:]) if words else status


def rdap_json(name: str, d: LabDomain, now: datetime) -> bytes:
    """An RFC 9083 domain object."""

    def stamp(days: float) -> str:
        return (now + timedelta(days=days)).strftime("%Y-%m-%dT%H:%M:%SZ")

    return json.dumps(
        {
            "objectClassName": "domain",
            "rdapConformance": ["rdap_level_0"],
            "ldhName": name.upper(),
            "status": list(d.statuses),
            "events": [
                {"eventAction": "registration", "eventDate": stamp(-d.created_ago)},
                {"eventAction": "expiration", "eventDate": stamp(d.expires_in)},
                {"eventAction": "last changed", "eventDate": stamp(-30)},
            ],
            "entities": [
                {
                    "objectClassName": "entity",
                    "roles": ["registrar"],
                    "vcardArray": [
                        "vcard",
                        [["version", {}, "text", "4.0"], ["fn", {}, "text", d.registrar]],
                    ],
                }
            ],
            "nameservers": [{"objectClassName": "nameserver", "ldhName": f"NS1.{name.upper()}"}],
        }
    ).encode()


def whois_text(name: str, d: LabDomain | None, now: datetime) -> str:
    """An answer in CNNIC's format for .cn and .中国, else the ICANN gTLD format."""
    cnnic = name.endswith((".cn", ".xn--fiqs8s", ".xn--fiqz9s"))
    if d is None or d.behavior == "missing":
        return "No matching record.\r\n" if cnnic else f'No match for "{name.upper()}".\r\n'
    statuses = [_epp(s) for s in d.statuses]
    if cnnic:

        def local(days: float) -> str:
            return (now + timedelta(days=days)).astimezone(BEIJING).strftime("%Y-%m-%d %H:%M:%S")

        lines = [f"Domain Name: {name}", "ROID: 20240101s10001s00000000-cn"]
        lines += [f"Domain Status: {s}" for s in statuses]
        lines += [
            "Registrant: 某某网络科技有限公司",
            f"Sponsoring Registrar: {d.registrar}",
            f"Name Server: ns1.{name}",
            f"Registration Time: {local(-d.created_ago)}",
            f"Expiration Time: {local(d.expires_in)}",
            "DNSSEC: unsigned",
        ]
        return "\r\n".join(lines) + "\r\n"

    def utc(days: float) -> str:
        return (now + timedelta(days=days)).strftime("%Y-%m-%dT%H:%M:%SZ")

    lines = [
        f"   Domain Name: {name.upper()}",
        f"   Registrar: {d.registrar}",
        f"   Updated Date: {utc(-30)}",
        f"   Creation Date: {utc(-d.created_ago)}",
        f"   Registry Expiry Date: {utc(d.expires_in)}",
    ]
    lines += [f"   Domain Status: {s} https://icann.org/epp#{s}" for s in statuses]
    lines += [f"   Name Server: NS1.{name.upper()}", ">>> Last update of whois database <<<"]
    return "\r\n".join(lines) + "\r\n"


def ct_json(registry: LabRegistry, domain: str) -> bytes:
    """A crt.sh `output=json` answer for `%.domain`."""
    entries = []
    for i, names in enumerate(registry.ct.get(domain, [])):
        entries.append(
            {
                "issuer_ca_id": 1,
                "issuer_name": "C=CN, O=Lab CA",
                "common_name": names.split("\n", 1)[0],
                "name_value": names,
                "id": 1000 + i,
                "entry_timestamp": "2026-01-01T00:00:00",
                "not_before": "2026-01-01T00:00:00",
                "not_after": "2027-01-01T00:00:00",
                "serial_number": f"{i:032x}",
            }
        )
    bulk = registry.ct_bulk.get(domain, 0)
    if not bulk:
        return json.dumps(entries).encode()
    head = json.dumps(entries)[:-1]
    parts = [head] if entries else ["["]
    # 50,000 certificates: about 20 MiB, written once per request.
    for i in range(bulk):
        sep = "," if i or entries else ""
        parts.append(
            f'{sep}{{"issuer_ca_id":1,"issuer_name":"C=CN, O=Lab CA","common_name":"h{i}.{domain}",'
            f'"name_value":"h{i}.{domain}\\n*.h{i}.{domain}","id":{i},"entry_timestamp":"2026-01-01",'
            f'"not_before":"2026-01-01T00:00:00","not_after":"2027-01-01T00:00:00",'
            f'"serial_number":"{i:032x}"}}'
        )
    parts.append("]")
    return "".join(parts).encode()


async def _http(
    registry: LabRegistry, reader: asyncio.StreamReader, writer: asyncio.StreamWriter
) -> None:
    try:
        head = await asyncio.wait_for(reader.readuntil(b"\r\n\r\n"), 10)
        target = head.split(b" ", 2)[1].decode("latin-1")
        registry.queries += 1
        parts = urlsplit(target)
        status, body, ctype = 404, b'{"errorCode":404,"title":"Not Found"}', "application/rdap+json"
        if parts.path.startswith("/rdap/domain/"):
            name = unquote(parts.path.rsplit("/", 1)[1]).lower()
            d = registry.lookup(name)
            if d is not None and d.behavior == "hang":
                await asyncio.sleep(3600)
            if d is not None and d.behavior == "malformed":
                status, body = 200, b'{"objectClassName": "domain", "events": [{"eventAction": '
            elif d is not None and d.behavior != "missing":
                status, body = 200, rdap_json(name, d, datetime.now(UTC))
        elif parts.path.rstrip("/") == "/ct":
            query = parse_qs(parts.query).get("q", [""])[0]
            status, ctype = 200, "application/json"
            body = ct_json(registry, query.removeprefix("%.").lower())
        out = (
            f"HTTP/1.1 {status} {'OK' if status == 200 else 'Not Found'}\r\n"
            f"Content-Type: {ctype}\r\nContent-Length: {len(body)}\r\nConnection: close\r\n\r\n"
        )
        writer.write(out.encode() + body)
        await writer.drain()
    except (
        asyncio.IncompleteReadError,
        asyncio.LimitOverrunError,
        ConnectionError,
        TimeoutError,
        IndexError,
        asyncio.CancelledError,
    ):
        pass
    finally:
        writer.close()
        with contextlib.suppress(Exception):
            await writer.wait_closed()


async def _whois(
    registry: LabRegistry, reader: asyncio.StreamReader, writer: asyncio.StreamWriter
) -> None:
    try:
        line = await asyncio.wait_for(reader.readline(), 10)
        registry.queries += 1
        name = line.decode("utf-8", "replace").strip().lower()
        with contextlib.suppress(UserError):
            name = normalize_name(name)
        d = registry.domains.get(name)
        if d is not None and d.behavior == "hang":
            await asyncio.sleep(3600)
        writer.write(whois_text(name, d, datetime.now(UTC)).encode("utf-8"))
        await writer.drain()
    except (ConnectionError, TimeoutError, asyncio.CancelledError):
        pass
    finally:
        writer.close()
        with contextlib.suppress(Exception):
            await writer.wait_closed()


async def serve_registries(
    registry: LabRegistry, host: str
) -> tuple[list[asyncio.Server], int, int]:
    """Listen for RDAP and CT (one HTTP port) and WHOIS (another), on `host`."""

    async def http(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        task = asyncio.current_task()
        if task is not None:
            registry.tasks.add(task)
        try:
            await _http(registry, reader, writer)
        finally:
            if task is not None:
                registry.tasks.discard(task)

    async def whois(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        task = asyncio.current_task()
        if task is not None:
            registry.tasks.add(task)
        try:
            await _whois(registry, reader, writer)
        finally:
            if task is not None:
                registry.tasks.discard(task)

    web = await asyncio.start_server(http, host, 0)
    port43 = await asyncio.start_server(whois, host, 0)
    return [web, port43], web.sockets[0].getsockname()[1], port43.sockets[0].getsockname()[1]


def bootstrap_json(address: str, port: int) -> str:
    """A dns.json (RFC 9224) that sends .test to the lab's RDAP server."""
    return json.dumps(
        {
            "description": "assetwatch lab: RDAP bootstrap for .test",
            "publication": "2026-01-01T00:00:00Z",
            "version": "1.0",
            "services": [[["test"], [f"http://{address}:{port}/rdap/"]]],
        }
    )
