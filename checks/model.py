"""Typed domain values shared by the probes, the rules, the store and every interface.

Standard library only: importing the model never loads dnspython, httpx or SQLite.
"""

from __future__ import annotations

import enum
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from checks.lang import Bilingual as Bilingual
from checks.lang import Lang as Lang
from checks.names import display_name, host_of

Clock = Callable[[], datetime]
"""Where time comes from: logic never calls datetime.now() itself."""


def utcnow() -> datetime:
    """The real clock, in UTC."""
    return datetime.now(UTC)


class Kind(enum.StrEnum):
    """What an asset is; decides which probes run on it."""

    WEBSITE = "website"
    DOMAIN = "domain"
    OA = "oa"
    SERVER = "server"
    MAIL = "mail"
    OTHER = "other"


class Lifecycle(enum.StrEnum):
    """Where an asset stands between going live and being decommissioned."""

    ACTIVE = "active"
    RETIRING = "retiring"
    RETIRED = "retired"


class Severity(enum.StrEnum):
    """How urgent a finding is; ordered by `rank` (critical is 4)."""

    CRITICAL = "critical"
    HIGH = "high"
    MEDIUM = "medium"
    LOW = "low"
    INFO = "info"

    @property
    def rank(self) -> int:
        """4 for critical down to 0 for info, so that `max()` finds the worst."""
        return _SEVERITY_RANK[self]


_SEVERITY_RANK = {
    Severity.CRITICAL: 4,
    Severity.HIGH: 3,
    Severity.MEDIUM: 2,
    Severity.LOW: 1,
    Severity.INFO: 0,
}


class DnsStatus(enum.StrEnum):
    """The outcome of one DNS question, as a resolver reports it."""

    ANSWER = "answer"
    NXDOMAIN = "nxdomain"
    NODATA = "nodata"
    SERVFAIL = "servfail"
    TIMEOUT = "timeout"
    ERROR = "error"


class HttpError(enum.StrEnum):
    """Why an HTTP(S) request produced no response."""

    UNRESOLVED = "unresolved"
    """Our own DNS step gave no address for the host; nothing was sent."""
    CONNECT = "connect"
    TIMEOUT = "timeout"
    TLS = "tls"
    PROTOCOL = "protocol"
    TOO_MANY_REDIRECTS = "too-many-redirects"
    BLOCKED = "blocked"
    """The prober refused to go there: another site, or an address it never contacts."""
    ERROR = "error"


class FindingStatus(enum.StrEnum):
    """Where a stored finding stands (see checks.finding_state)."""

    OPEN = "open"
    IN_PROGRESS = "in-progress"
    RESOLVED = "resolved"
    ACCEPTED = "accepted"


@dataclass(frozen=True, slots=True)
class Asset:
    """One entry of the organisation's inventory."""

    name: str
    """Hostname (punycode, lower case), IP address, or URL with a punycode host."""
    kind: Kind = Kind.WEBSITE
    owner: str = ""
    lifecycle: Lifecycle = Lifecycle.ACTIVE
    urls: tuple[str, ...] = ()
    """URLs given by the admin; empty means the defaults for the kind."""
    icp: str = ""
    """ICP filing number (备案号), e.g. 京ICP备12345678号-1."""
    tags: tuple[str, ...] = ()
    notes: str = ""
    id: int | None = None
    created_at: datetime | None = None
    retiring_at: datetime | None = None
    retired_at: datetime | None = None
    interval_s: int | None = None
    """Re-probe interval for this asset; None means the global setting."""
    deleted_at: datetime | None = None
    """When it was deleted from the inventory (kept, with its findings, for the report)."""

    @property
    def host(self) -> str:
        """The host part of the name (the name itself unless it is a URL)."""
        return host_of(self.name)

    @property
    def display(self) -> str:
        """The name as people read it: internationalised labels in Unicode."""
        return display_name(self.name)


@dataclass(frozen=True, slots=True)
class DnsAnswer:
    """What our resolver learned about one host."""

    name: str
    status: DnsStatus
    addresses: tuple[str, ...] = ()
    """A then AAAA addresses, in the order the server gave them."""
    cname_chain: tuple[str, ...] = ()
    """Targets followed from `name`, in order; empty when there is no CNAME."""
    cname_loop: bool = False
    ns: tuple[str, ...] = ()
    soa: str = ""
    error: str = ""
    """Resolver message for SERVFAIL, TIMEOUT and ERROR outcomes."""
    elapsed_ms: float = 0.0

    @property
    def resolves(self) -> bool:
        """True when the name has at least one address."""
        return bool(self.addresses)

    @property
    def absent(self) -> bool:
        """The DNS says the name has no address: NXDOMAIN or NODATA, an authoritative "no".

        Not the same as `not resolves`: a timeout or a SERVFAIL says nothing about the name.
        """
        return not self.addresses and self.status in (DnsStatus.NXDOMAIN, DnsStatus.NODATA)


@dataclass(frozen=True, slots=True)
class CertInfo:
    """The certificate a TLS server presented, and what we made of it."""

    subject: str
    issuer: str
    sans: tuple[str, ...]
    not_before: datetime
    not_after: datetime
    """UTC; the certificate is expired once this is in the past."""
    self_signed: bool
    """Issuer equals subject and the signature is the certificate's own."""
    verified: bool
    """The chain verified against the system store or the --ca-bundle."""
    verify_error: str = ""
    hostname_ok: bool = True
    """The SANs (or the CN when there are none) cover the host we asked for."""
    tls_version: str = ""


@dataclass(frozen=True, slots=True)
class Hop:
    """One request in a redirect chain."""

    url: str
    status: int


@dataclass(frozen=True, slots=True)
class HttpEntry:
    """The outcome of fetching one URL of an asset, redirects followed."""

    url: str
    status: int | None = None
    """Final status after redirects; None when no response came."""
    error: HttpError | None = None
    error_detail: str = ""
    hops: tuple[Hop, ...] = ()
    """Every response in order, the final one included."""
    final_url: str = ""
    headers: tuple[tuple[str, str], ...] = ()
    """Headers of the final response, names lower-cased, in wire order."""
    elapsed_ms: float = 0.0
    title: str = ""
    body_sha256: str = ""
    body: bytes = field(default=b"", repr=False)
    """Body of the final response, decoded from its content-encoding, capped."""
    address: str = ""
    """The address the first request connected to."""
    tls: CertInfo | None = None
    """Certificate of the first HTTPS hop, when the URL is https."""

    @property
    def scheme(self) -> str:
        """ "http" or "https"."""
        return self.url.split(":", 1)[0]

    @property
    def answered(self) -> bool:
        """True when the server sent an HTTP response (any status)."""
        return self.status is not None or bool(self.hops)

    @property
    def refused(self) -> bool:
        """The connection was refused or reset: evidence that nothing serves there."""
        return not self.answered and self.error == HttpError.CONNECT

    def header(self, name: str) -> str | None:
        """The first value of a header of the final response, or None."""
        wanted = name.lower()
        return next((v for k, v in self.headers if k == wanted), None)


@dataclass(frozen=True, slots=True)
class PathProbe:
    """A request for one well-known path (no redirects followed)."""

    url: str
    status: int | None
    content_type: str = ""
    headers: tuple[tuple[str, str], ...] = ()
    """Response headers, names lower-cased."""
    head: bytes = field(default=b"", repr=False)
    """The first bytes of the body (capped); kept in memory for the proofs, never stored."""


@dataclass(frozen=True, slots=True)
class ZoneTransfer:
    """A nameserver that handed out the zone, and the names the transfer listed."""

    server: str
    """"ns1.example.com (192.0.2.1)"."""
    names: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class ScriptFile:
    """A script on the asset's own site (or another inventoried host) its home page loads.

    Fetched, bounded, so that injected-script reads its code like inline code. Scripts on
    foreign hosts are never fetched.
    """

    url: str
    status: int | None
    """HTTP status; None when the fetch failed."""
    body: bytes = field(default=b"", repr=False)
    """The first bytes of the script (at most the prober's script cap); not stored."""
    body_sha256: str = ""


@dataclass(frozen=True, slots=True)
class Registration:
    """What the registry says about one registrable domain (RDAP or WHOIS), or why nothing.

    Three states, like every observation: registered (with dates and statuses), not registered
    (the registry answered that it has no such domain), and unknown (`unknown` says why: no
    server, a timeout, a malformed answer). Unknown never clears a registration check.
    """

    domain: str
    """The registrable domain asked about, punycode (例子.中国 is xn--fsqu00a.xn--fiqs8s)."""
    checked_at: datetime
    source: str = ""
    """"rdap" or "whois" (with the server), "" when unknown."""
    registered: bool = True
    """False when the registry answered that the domain does not exist (free to register)."""
    expires: datetime | None = None
    """UTC."""
    created: datetime | None = None
    """UTC; a date after the decommission step "domain released" means someone else holds it."""
    changed: datetime | None = None
    statuses: tuple[str, ...] = ()
    """EPP status values in camel case (clientHold, serverHold, ok...), as registries print them."""
    registrar: str = ""
    nameservers: tuple[str, ...] = ()
    unknown: str = ""
    """Why nothing is known ("" when the registry answered)."""
    lookup_failed: bool = False
    """A server was asked and gave no usable answer (a timeout, a malformed answer): the
    sweep counts the asset as not fully observed. No server known, or lookups skipped
    (`--light`), leave the checks waiting without saying so."""

    @property
    def known(self) -> bool:
        """The registry answered: the registration checks can judge."""
        return not self.unknown


@dataclass(frozen=True, slots=True)
class Filing:
    """One website of the organisation's ICP filing list (备案), as imported from a file."""

    domain: str
    """网站域名, punycode, lower case."""
    site_no: str = ""
    """网站备案号, e.g. 豫ICP备13000001号-1."""
    entity_no: str = ""
    """主体备案号, e.g. 豫ICP备13000001号."""
    site_name: str = ""
    """网站名称."""

    def covers(self, host: str) -> bool:
        """The filed domain is this host or a parent of it."""
        return host == self.domain or host.endswith("." + self.domain)


@dataclass(frozen=True, slots=True)
class ProbeOutcome:
    """Everything one probe of one asset observed."""

    asset: Asset
    started_at: datetime
    finished_at: datetime
    dns: DnsAnswer
    http: tuple[HttpEntry, ...] = ()
    paths: tuple[PathProbe, ...] = ()
    """Well-known paths fetched on the main origin (sensitive files)."""
    spider: HttpEntry | None = None
    """The main URL fetched again as Baiduspider from a Baidu search, to catch cloaking."""
    zone_transfer: ZoneTransfer | None = None
    """Set when an authoritative nameserver of a domain asset allowed AXFR."""
    open_ports: tuple[int, ...] | None = None
    """Risky ports that accepted a connection; None when ports were not probed (not a server)."""
    skipped: frozenset[str] = frozenset()
    """Checks this probe gathered no data for (a light sweep): their findings stay as they were."""
    error: str = ""
    """Set when the probe itself failed unexpectedly; the sweep went on."""
    scripts: tuple[ScriptFile, ...] = ()
    """Same-site scripts of the home page, fetched for injected-script (empty when none)."""
    registration: Registration | None = None
    """The registry's data for the asset's registrable domain, on the one asset that speaks
    for that domain in a sweep (None elsewhere: the registration checks do not look)."""

    @property
    def response_ms(self) -> float | None:
        """Time of the fastest answered HTTP entry, for the grid."""
        times = [e.elapsed_ms for e in self.http if e.answered]
        return min(times) if times else None


@dataclass(frozen=True, slots=True)
class Finding:
    """A check fired on an asset; what a rule returns."""

    asset: str
    check: str
    severity: Severity
    title_en: str
    title_zh: str
    evidence: str
    """What was observed, as `key=value; key=value` so it reads in any language."""
    subject: str = ""
    """Distinguishes several findings of one check on one asset (a URL, a port)."""

    @property
    def title(self) -> Bilingual:
        """The title in both languages."""
        return Bilingual(self.title_en, self.title_zh)


@dataclass(frozen=True, slots=True)
class FindingRecord:
    """A finding as stored: a Finding plus its history."""

    finding: Finding
    status: FindingStatus
    first_seen: datetime
    last_seen: datetime
    resolved_at: datetime | None = None
    id: int | None = None
    firing: bool = True
    """The check fired on the latest probe of the asset."""
    accepted_reason: str = ""
    accepted_until: datetime | None = None


@dataclass(frozen=True, slots=True)
class Attestation:
    """Who said a manual step or item is done, when, and with what note and evidence.

    One shape for the three things people attest: a finding's playbook step, a
    decommission step and an item of the organisation checklist.
    """

    actor: str
    at: datetime
    note: str = ""
    evidence: str = ""
    """A file path or a link."""
    evidence_sha256: str = ""
    """The SHA-256 (hex) of the evidence file when `evidence` is a path; empty for a link."""


@dataclass(frozen=True, slots=True)
class TodoItem:
    """An unresolved finding in the fix-first queue (`checks.service.workday.todo`)."""

    record: FindingRecord
    asset: Asset
    owner: str
    """The asset's owner ("" when nobody is recorded)."""
    due_at: datetime | None
    """First seen plus the deadline of its severity; None when the severity has none."""
    overdue: bool
    age: timedelta
    """Since the finding was first seen."""

    @property
    def subject(self) -> str:
        """Which file, port or name of the asset (empty when the check fires once per asset)."""
        return self.record.finding.subject


@dataclass(frozen=True, slots=True)
class Baseline:
    """What the home page looked like when the admin (or the first probe) accepted it."""

    url: str
    title: str
    text: str
    """Visible text, whitespace collapsed, capped at 64 KiB."""
    script_domains: tuple[str, ...]
    sha256: str


@dataclass(frozen=True, slots=True)
class SweepProgress:
    """How far a sweep has come."""

    done: int
    total: int
    elapsed_s: float
    unobserved: tuple[tuple[str, str], ...] = ()
    """(asset name, why) of every probed asset not fully observed (`probe-incomplete`)."""

    @property
    def complete(self) -> bool:
        """Every asset was probed and fully observed."""
        return self.done == self.total and not self.unobserved

    @property
    def rate(self) -> float:
        """Assets per second so far."""
        return self.done / self.elapsed_s if self.elapsed_s > 0 else 0.0


DEFAULT_INTERVAL_MIN = 15
"""Minutes between two probes of an asset when neither the asset nor the settings say."""
RETENTION_DAYS = 180
"""Probe history kept by default: the Cybersecurity Law asks for six months of network logs."""


@dataclass(frozen=True, slots=True)
class Settings:
    """The organisation's settings, stored in the database; every front end applies them.

    `None` means "not set": the front end's own default (or its command-line option) applies.
    """

    org_name: str = ""
    lang: Lang | None = None
    interval_min: int = DEFAULT_INTERVAL_MIN
    concurrency: int | None = None
    timeout: float | None = None
    """Seconds for one URL."""
    nameservers: tuple[str, ...] = ()
    """HOST[:PORT] specs; empty means the system's resolvers."""
    retention_days: int = RETENTION_DAYS
    due_days_critical: int = 1
    """Days a finding of this severity has from first seen until it is due (0: no deadline)."""
    due_days_high: int = 3
    due_days_medium: int = 14
    due_days_low: int = 30
    due_days_info: int = 0
    report_prepared_by: str = ""
    """The 整改报告 cover's "prepared by" (编制人) and "reviewed by" (审核人)."""
    report_reviewed_by: str = ""
