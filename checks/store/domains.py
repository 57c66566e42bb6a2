"""Domains in the store: registrations cached for a day, the ICP filing list, discovered names."""

from __future__ import annotations

import enum
import json
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlite_utils import Database

from checks.errors import UserError
from checks.intake import person_text
from checks.knowledge.playbooks import decommission
from checks.model import Clock, Filing, Registration
from checks.store.audit import AuditLog, actor
from checks.store.codec import parse_ts, registration_from_dict, registration_to_dict, ts

CACHE_AGE = timedelta(days=1)
"""A registration looked up less than this long ago is not asked again."""


class Registrations:
    """What registries said, one row per registrable domain (known answers only)."""

    def __init__(self, db: Database, clock: Clock) -> None:
        self._db = db
        self._clock = clock

    def fresh(self, domains: Iterable[str], age: timedelta = CACHE_AGE) -> dict[str, Registration]:
        """The cached registrations of these domains looked up within `age`."""
        wanted = sorted(set(domains))
        if not wanted:
            return {}
        cutoff = ts(self._clock() - age)
        rows = self._db.execute(
            f"SELECT domain, data FROM registrations WHERE checked_at > ? AND domain IN "
            f"({','.join('?' * len(wanted))})",
            [cutoff, *wanted],
        ).fetchall()
        return {r[0]: registration_from_dict(json.loads(r[1])) for r in rows}

    def save(self, found: Iterable[Registration]) -> None:
        """Cache the answers (an unknown one is never cached: it is asked again next sweep)."""
        rows = [
            {
                "domain": r.domain,
                "checked_at": ts(r.checked_at),
                "data": json.dumps(registration_to_dict(r), ensure_ascii=False),
            }
            for r in found
            if r.known
        ]
        if rows:
            with self._db.atomic():
                self._db.table("registrations").upsert_all(rows, pk="domain")


class Filings:
    """The organisation's ICP filing list as last imported (an import replaces it whole)."""

    def __init__(self, db: Database, clock: Clock, audit: AuditLog) -> None:
        self._db = db
        self._clock = clock
        self._audit = audit

    def replace(self, filings: list[Filing], source: str, who: str | None = None) -> None:
        """Make `filings` the filing list (logged)."""
        at = ts(self._clock())
        with self._db.atomic():
            self._db.execute("DELETE FROM icp_filings")
            self._db.table("icp_filings").insert_all(
                (
                    {
                        "domain": f.domain,
                        "site_no": f.site_no,
                        "entity_no": f.entity_no,
                        "site_name": f.site_name,
                        "imported_at": at,
                        "source": source,
                    }
                    for f in filings
                ),
                pk="id",
            )
            self._audit.log("icp.import", None, who, source=source, filings=len(filings))

    def all(self) -> list[Filing]:
        """Every filing, in the file's order."""
        rows = self._db.execute(
            "SELECT domain, site_no, entity_no, site_name FROM icp_filings ORDER BY id"
        ).fetchall()
        return [Filing(*r) for r in rows]

    def imported(self) -> tuple[datetime | None, str]:
        """When the list was imported, and from which file."""
        row = self._db.execute("SELECT imported_at, source FROM icp_filings LIMIT 1").fetchone()
        return (parse_ts(row[0]), row[1]) if row else (None, "")


class Triage(enum.StrEnum):
    """Where a discovered name stands."""

    NEW = "new"
    """Waiting for someone to decide."""
    ADOPTED = "adopted"
    """Added to the inventory."""
    NOT_OURS = "not-ours"
    IGNORED = "ignored"
    RETIRED = "retired"
    """Adopted and retired at once (the decommission checklist takes over)."""


QUIET = frozenset({Triage.NOT_OURS, Triage.IGNORED})
"""Decisions that keep a name quiet when it is found again."""


@dataclass(frozen=True, slots=True)
class DiscoveredName:
    """One row of the Discovered list."""

    name: str
    asset: str
    """The inventoried asset it was found under ("" if that asset is gone)."""
    how: str
    """How it was first found (AXFR, certificate SAN, link, CT, brute-force DNS)."""
    sources: tuple[str, ...]
    first_seen: datetime
    last_seen: datetime
    state: Triage
    reason: str = ""
    actor: str = ""
    decided_at: datetime | None = None


def _kind(how: str) -> str:
    for word, kind in (("AXFR", "axfr"), ("SAN", "san"), ("linked", "link"), ("CT", "ct")):
        if word in how:
            return kind
    return "brute" if "brute" in how else "other"


class Discovered:
    """Names found under inventoried domains that the inventory lacks, and what was decided."""

    def __init__(self, db: Database, clock: Clock, audit: AuditLog) -> None:
        self._db = db
        self._clock = clock
        self._audit = audit

    def record(self, found: Iterable[tuple[int, str, str]]) -> int:
        """Remember (asset id, name, how) sightings; returns how many names are new.

        A name seen again keeps its state (a decision stays) and gets a new last_seen.
        """
        at = ts(self._clock())
        new = 0
        with self._db.atomic():
            for asset_id, name, how in found:
                row = self._db.execute(
                    "SELECT sources FROM discovered WHERE name = ?", [name]
                ).fetchone()
                if row is None:
                    self._db.execute(
                        "INSERT INTO discovered (name, asset_id, how, sources, first_seen, "
                        "last_seen) VALUES (?, ?, ?, ?, ?, ?)",
                        [name, asset_id, how, json.dumps([_kind(how)]), at, at],
                    )
                    new += 1
                    continue
                sources = sorted({*json.loads(row[0]), _kind(how)})
                self._db.execute(
                    "UPDATE discovered SET last_seen = ?, sources = ? WHERE name = ?",
                    [at, json.dumps(sources), name],
                )
        return new

    def waiting(self) -> dict[int, list[tuple[str, str]]]:
        """Asset id -> (name, how) still waiting in triage."""
        out: dict[int, list[tuple[str, str]]] = {}
        for asset_id, name, how in self._db.execute(
            "SELECT asset_id, name, how FROM discovered "
            "WHERE state = 'new' AND asset_id IS NOT NULL"
        ):
            out.setdefault(asset_id, []).append((name, how))
        return out

    def anchors(self) -> dict[str, int]:
        """Name -> the asset it is reported under (the first that found it)."""
        rows = self._db.execute("SELECT name, asset_id FROM discovered WHERE asset_id IS NOT NULL")
        return {r[0]: r[1] for r in rows}

    def quiet(self) -> frozenset[str]:
        """Names marked not ours or ignored."""
        rows = self._db.execute(
            f"SELECT name FROM discovered WHERE state IN ({','.join('?' * len(QUIET))})",
            [str(q) for q in QUIET],
        )
        return frozenset(r[0] for r in rows)

    def rows(self) -> list[DiscoveredName]:
        """Every discovered name: waiting ones first, then by name."""
        rows = self._db.execute(
            "SELECT d.name, coalesce(a.name, ''), d.how, d.sources, d.first_seen, d.last_seen, "
            "d.state, d.reason, d.actor, d.decided_at FROM discovered d "
            "LEFT JOIN assets a ON a.id = d.asset_id "
            "ORDER BY d.state != 'new', d.name"
        ).fetchall()
        now = self._clock()
        return [
            DiscoveredName(
                r[0],
                r[1],
                r[2],
                tuple(json.loads(r[3])),
                parse_ts(r[4]) or now,
                parse_ts(r[5]) or now,
                Triage(r[6]),
                r[7],
                r[8],
                parse_ts(r[9]),
            )
            for r in rows
        ]

    def decide(self, name: str, state: Triage, reason: str = "", who: str | None = None) -> None:
        """Record what was decided about a discovered name (logged).

        Raises:
            UserError: no such discovered name, or not ours / ignored without a reason.
        """
        reason = person_text("reason", reason).strip()
        who = person_text("who", who) or None
        if state in QUIET and not reason:
            raise UserError(
                "marking a name not ours or ignored needs a reason",
                "标记为非本单位或忽略须说明理由",
            )
        with self._db.atomic():
            row = self._db.execute(
                "SELECT asset_id FROM discovered WHERE name = ?", [name]
            ).fetchone()
            if row is None:
                raise UserError(f"{name} was not discovered", f"未发现过 {name}")
            self._audit.log(
                "discovery.decide", row[0], who, name=name, state=str(state), reason=reason
            )
            self._db.execute(
                "UPDATE discovered SET state = ?, reason = ?, actor = ?, decided_at = ? "
                "WHERE name = ?",
                [str(state), reason, who or actor(), ts(self._clock()), name],
            )


def released_step() -> int:
    """Index of the decommission step "Domain released" (the released-domain watch)."""
    steps = decommission().steps
    return next(i for i, s in enumerate(steps) if s.text.en.startswith("Domain released"))


def released_at(db: Database) -> dict[int, datetime]:
    """Asset id -> when its decommission step "domain released" was attested."""
    rows = db.execute(
        "SELECT asset_id, at FROM decommission_steps WHERE step = ?", [released_step()]
    ).fetchall()
    return {r[0]: at for r in rows if (at := parse_ts(r[1])) is not None}
