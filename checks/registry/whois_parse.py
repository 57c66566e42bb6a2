"""Reading WHOIS answers: CNNIC's format (.cn, .中国) and the ICANN gTLD format.

Pure: text in, `Registration` out. The parser is chosen by the TLD in punycode (xn--fiqs8s for
.中国), never by how the name was typed: python-whois picks its parser by `.endswith(".中国")`
after converting the name to punycode, and so loses .中国 expiry (design/anchors §B10).

**CNNIC's times carry no zone.** CNNIC's WHOIS help page (webwhois.cnnic.cn/HelpServlet)
defines "Registration Time: the official time which the domain name was registered" and
"Expiration Time: the expired time of the domain name" without naming a zone; CNNIC is in
Beijing and its other services print Beijing time, so they are read as Beijing time
(UTC+8, no daylight saving). This could not be verified against a known domain from here
(design/anchors §G lists it open); at worst a date is 8 hours off, which no 30- or 7-day
threshold notices.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime

from checks.model import Registration
from checks.registry.rdap_parse import parse_date

BEIJING = "+0800"
"""CNNIC's WHOIS times are Beijing time, UTC+8 (see the module docstring)."""

_LINE = re.compile(r"^\s*([A-Za-z][A-Za-z /&-]*?)\s*:\s*(.*?)\s*$")
_NOT_FOUND = (
    "no matching record",  # CNNIC
    "no match for",  # Verisign, many gTLDs
    "not found",
    "no data found",
    "no entries found",
    "domain not found",
)


def fields(text: str) -> dict[str, list[str]]:
    """Lower-cased keys -> every value given for them, in order (`Name Server` repeats)."""
    out: dict[str, list[str]] = {}
    for line in text.splitlines():
        match = _LINE.match(line)
        if match and match.group(2):
            out.setdefault(match.group(1).lower(), []).append(match.group(2))
    return out


def _first(found: dict[str, list[str]], *keys: str) -> str:
    return next((found[k][0] for k in keys if k in found), "")


def _not_found(text: str) -> bool:
    head = text.strip().lower()[:400]
    return any(marker in head for marker in _NOT_FOUND)


def _status(value: str) -> str:
    # ICANN format: "clientHold https://icann.org/epp#clientHold"
    return value.split()[0] if value.split() else value


def _cnnic_time(value: str) -> datetime | None:
    try:
        local = datetime.strptime(f"{value.strip()} {BEIJING}", "%Y-%m-%d %H:%M:%S %z")
    except ValueError:
        return None
    return local.astimezone(UTC)  # +0800: Beijing time (module docstring)


def parse_cnnic(text: str, domain: str, now: datetime, source: str) -> Registration:
    """CNNIC's answer: `Registration Time` / `Expiration Time` in Beijing time, statuses."""
    if _not_found(text):
        return Registration(domain, now, source=source, registered=False)
    found = fields(text)
    expires = _cnnic_time(_first(found, "expiration time"))
    created = _cnnic_time(_first(found, "registration time"))
    if expires is None and created is None:
        return Registration(
            domain, now, unknown="WHOIS answer without CNNIC's time fields", lookup_failed=True
        )
    return Registration(
        domain,
        now,
        source=source,
        expires=expires,
        created=created,
        statuses=tuple(_status(s) for s in found.get("domain status", [])),
        registrar=_first(found, "sponsoring registrar"),
        nameservers=tuple(n.lower().rstrip(".") for n in found.get("name server", [])),
    )


def parse_icann(text: str, domain: str, now: datetime, source: str) -> Registration:
    """The ICANN gTLD format (`Registry Expiry Date: 2027-03-17T12:48:36Z`, UTC)."""
    if _not_found(text):
        return Registration(domain, now, source=source, registered=False)
    found = fields(text)
    expires = parse_date(
        _first(found, "registry expiry date", "registrar registration expiration date")
    )
    created = parse_date(_first(found, "creation date"))
    if expires is None and created is None:
        return Registration(
            domain, now, unknown="WHOIS answer without expiry or creation date", lookup_failed=True
        )
    return Registration(
        domain,
        now,
        source=source,
        expires=expires,
        created=created,
        changed=parse_date(_first(found, "updated date")),
        statuses=tuple(_status(s) for s in found.get("domain status", [])),
        registrar=_first(found, "registrar"),
        nameservers=tuple(n.lower().rstrip(".") for n in found.get("name server", [])),
    )


PARSERS = {"cnnic": parse_cnnic, "icann": parse_icann}
"""WHOIS formats by name (checks/data/whois_servers.json says which server speaks which)."""
