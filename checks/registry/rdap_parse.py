"""Reading an RDAP domain answer (RFC 9083): events, status, registrar and nameservers.

Pure: text in, `Registration` out. RDAP status values are RFC 8056's words ("client hold");
they are turned into the EPP names WHOIS prints ("clientHold") so that one check reads both.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any

from checks.model import Registration

_EPP_OF_RDAP = {"active": "ok"}
"""RFC 8056 section 2: RDAP "active" is EPP "ok"; the rest map word for word to camel case."""


def epp_status(value: str) -> str:
    """ "client hold" -> "clientHold" (RFC 8056), "clientHold" stays, "active" -> "ok"."""
    value = value.strip()
    if value.lower() in _EPP_OF_RDAP:
        return _EPP_OF_RDAP[value.lower()]
    words = value.replace("_", " ").split()
    if len(words) <= 1:
        return value
    return words[0].lower() + "".join(w[:1].upper() + w[1:].lower() for w in words[1:])


def parse_date(value: object) -> datetime | None:
    """An RDAP or WHOIS timestamp as UTC (a date without a zone is taken as UTC); None if bad."""
    if not isinstance(value, str) or not value.strip():
        return None
    text = value.strip().replace(" ", "T", 1) if "T" not in value else value.strip()
    try:
        parsed = datetime.fromisoformat(text)
    except ValueError:
        return None
    return parsed.replace(tzinfo=UTC) if parsed.tzinfo is None else parsed.astimezone(UTC)


def _registrar(entities: object) -> str:
    if not isinstance(entities, list):
        return ""
    for entity in entities:
        if not isinstance(entity, dict) or "registrar" not in (entity.get("roles") or []):
            continue
        vcard = entity.get("vcardArray")
        if isinstance(vcard, list) and len(vcard) > 1 and isinstance(vcard[1], list):
            for prop in vcard[1]:
                if isinstance(prop, list) and len(prop) > 3 and prop[0] == "fn":
                    return str(prop[3])
        handle = entity.get("handle")
        if handle:
            return str(handle)
    return ""


def parse_rdap(text: str | bytes, domain: str, now: datetime, source: str) -> Registration:
    """A registration from an RDAP domain object; unknown (with why) when it is not one."""
    try:
        data: Any = json.loads(text)
    except (ValueError, UnicodeDecodeError) as exc:
        why = f"malformed RDAP answer: {exc}"
        return Registration(domain, now, unknown=why, lookup_failed=True)
    if not isinstance(data, dict) or data.get("objectClassName") != "domain":
        return Registration(
            domain, now, unknown="RDAP answer is not a domain object", lookup_failed=True
        )
    events: dict[str, datetime] = {}
    for event in data.get("events") or []:
        if isinstance(event, dict) and (when := parse_date(event.get("eventDate"))):
            events.setdefault(str(event.get("eventAction", "")).lower(), when)
    statuses = tuple(epp_status(str(s)) for s in data.get("status") or [] if isinstance(s, str))
    servers = tuple(
        str(ns["ldhName"]).lower().rstrip(".")
        for ns in data.get("nameservers") or []
        if isinstance(ns, dict) and ns.get("ldhName")
    )
    return Registration(
        domain,
        now,
        source=source,
        expires=events.get("expiration"),
        created=events.get("registration"),
        changed=events.get("last changed"),
        statuses=statuses,
        registrar=_registrar(data.get("entities")),
        nameservers=servers,
    )
