"""The values of alerting: what happened (an alert event), where it goes (a channel), and the
rules a channel applies (minimum severity, kinds of event, quiet hours, language, resends).

Standard library only, like `checks.model`: the store, the rules of routing
(`checks.workflow.events`), the message composer (`checks.report.alerts`) and the senders
(`checks.notify`) all speak these types without knowing each other.
"""

from __future__ import annotations

import enum
import re
from dataclasses import dataclass, field
from datetime import datetime, time
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from checks.lang import Bilingual
from checks.model import Lang, Severity


class EventKind(enum.StrEnum):
    """What a notification is about. The ids are a promise to webhook receivers."""

    OPENED = "opened"
    """A finding fired for the first time."""
    REOPENED = "reopened"
    """A resolved finding fires again."""
    ESCALATED = "escalated"
    """A finding that still fires got a worse severity."""
    RESOLVED = "resolved"
    """A finding no longer fires and every manual step of its checklist is attested."""
    RETIRED_ALIVE = "retired-alive"
    """A retired asset resolves or serves again: always critical, never held."""
    UNOBSERVED = "unobserved"
    """An asset could not be fully observed for N probes in a row."""
    ACCEPTANCE_EXPIRED = "acceptance-expired"
    """A risk acceptance ran out: the finding counts again."""
    DECOMMISSIONED = "decommissioned"
    """A retiring asset was verified dark with every step attested: it is retired."""
    STILL_OPEN = "still-open"
    """A critical finding is still open after the channel's resend interval."""


FINDING_EVENTS = frozenset(
    {
        EventKind.OPENED,
        EventKind.REOPENED,
        EventKind.ESCALATED,
        EventKind.RESOLVED,
        EventKind.RETIRED_ALIVE,
        EventKind.ACCEPTANCE_EXPIRED,
        EventKind.STILL_OPEN,
    }
)
"""Events about a finding: a channel's minimum severity applies to them (asset events go by
their kind alone)."""


class ChannelKind(enum.StrEnum):
    """Where a channel delivers."""

    DINGTALK = "dingtalk"
    WECOM = "wecom"
    FEISHU = "feishu"
    EMAIL = "email"
    WEBHOOK = "webhook"


CHAT_KINDS = frozenset({ChannelKind.DINGTALK, ChannelKind.WECOM, ChannelKind.FEISHU})
"""Group robots: they cannot de-duplicate a message sent twice (see checks.service.alerts)."""


@dataclass(frozen=True, slots=True)
class AlertEvent:
    """One event of the outbox, as it stood when it happened (a snapshot, not a live row)."""

    id: int
    kind: EventKind
    at: datetime
    severity: Severity
    asset: str
    """The asset's name as stored (punycode); displays go through `checks.names`."""
    owner: str = ""
    check: str = ""
    """The finding's check id; empty for asset events."""
    subject: str = ""
    title: Bilingual = Bilingual("", "")
    evidence: str = ""
    """What the probe observed: network text, escaped wherever it is written."""
    first_seen: datetime | None = None
    last_seen: datetime | None = None
    status: str = ""
    """The finding's status right after the change (open, in-progress, resolved...)."""
    detail: str = ""
    """For asset events: why (the probe's own words for `unobserved`)."""
    previous: str = ""
    """For `escalated`: the severity before."""


@dataclass(frozen=True, slots=True)
class Quiet:
    """Quiet hours, local time: [start, end), across midnight when end <= start."""

    start: time
    end: time

    def covers(self, at: time) -> bool:
        """Whether a local time of day falls in the quiet hours."""
        if self.start < self.end:
            return self.start <= at < self.end
        return at >= self.start or at < self.end

    def __str__(self) -> str:
        return f"{self.start:%H:%M}-{self.end:%H:%M}"


_QUIET = re.compile(r"^([01]?\d|2[0-3]):([0-5]\d)-([01]?\d|2[0-3]):([0-5]\d)$")


def parse_quiet(text: str) -> Quiet | None:
    """`22:00-07:30` as quiet hours; "" is none; anything else is None too (see `valid_quiet`)."""
    match = _QUIET.match(text.strip())
    if not match:
        return None
    h1, m1, h2, m2 = (int(g) for g in match.groups())
    if (h1, m1) == (h2, m2):
        return None
    return Quiet(time(h1, m1), time(h2, m2))


def valid_quiet(text: str) -> bool:
    """Empty (no quiet hours) or HH:MM-HH:MM with two different times."""
    return not text.strip() or parse_quiet(text) is not None


DEFAULT_MIN_SEVERITY = Severity.MEDIUM
DEFAULT_RESEND_HOURS = 24.0
"""Still-open critical findings are told again after this long (0: never)."""
DEFAULT_UNOBSERVED_PROBES = 3
"""An asset not fully observed this many probes in a row is an `unobserved` event."""


@dataclass(frozen=True, slots=True)
class Rules:
    """What a channel is told, and when."""

    min_severity: Severity = DEFAULT_MIN_SEVERITY
    kinds: frozenset[EventKind] = frozenset(EventKind)
    quiet: Quiet | None = None
    """Non-critical events wait until the quiet hours are over."""
    tz: str = ""
    """IANA time zone of the quiet hours ("Asia/Shanghai"); "" is the machine's own."""
    lang: Lang = Lang.ZH
    resend_hours: float = DEFAULT_RESEND_HOURS

    def zone(self) -> ZoneInfo | None:
        """The time zone of the quiet hours and of times in messages; None is the machine's."""
        return zone_named(self.tz)


def zone_named(name: str) -> ZoneInfo | None:
    """An IANA time zone by name; None for "" or a name this machine does not know."""
    if not name:
        return None
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return None


class MailSecurity(enum.StrEnum):
    """How the SMTP connection is protected."""

    PLAIN = "plain"
    STARTTLS = "starttls"
    TLS = "tls"


@dataclass(frozen=True, slots=True)
class Mail:
    """Where an email channel's messages go."""

    host: str
    port: int
    sender: str
    recipients: tuple[str, ...]
    security: MailSecurity = MailSecurity.PLAIN
    user: str = ""


@dataclass(frozen=True, slots=True)
class Channel:
    """A place alerts go. `url` and `secret` are secrets: never printed (see `mask`)."""

    name: str
    kind: ChannelKind
    url: str = field(default="", repr=False)
    """The robot's or receiver's URL; its token is a credential."""
    secret: str = field(default="", repr=False)
    """The signing secret, or the SMTP password."""
    rules: Rules = Rules()
    mail: Mail | None = None
    id: int | None = None
    created_at: datetime | None = None


@dataclass(frozen=True, slots=True)
class Contact:
    """How an owner is @-mentioned on each kind of channel (empty: not mentioned there)."""

    owner: str
    dingtalk: str = ""
    """Mobile number (DingTalk's atMobiles)."""
    wecom: str = ""
    """WeCom user id (`<@userid>` in markdown)."""
    feishu: str = ""
    """Feishu open_id (`<at id=ou_...>`)."""
    email: str = ""

    def on(self, kind: ChannelKind) -> str:
        """The contact for one kind of channel ("" for webhooks)."""
        return {
            ChannelKind.DINGTALK: self.dingtalk,
            ChannelKind.WECOM: self.wecom,
            ChannelKind.FEISHU: self.feishu,
            ChannelKind.EMAIL: self.email,
        }.get(kind, "")
