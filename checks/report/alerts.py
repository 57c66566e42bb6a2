"""One digest, laid out for each kind of channel: the bodies the senders post (`checks.notify`).

Pure: the events come from the outbox, worst first (`checks.workflow.events.worst_first`); the
sender adds what changes per attempt (DingTalk's and Feishu's signatures). Chat robots get at most
`CHAT_ITEMS` items within their size limit and a count of the rest; email and webhooks get all.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, tzinfo
from typing import Any

from checks.alerting import AlertEvent, ChannelKind
from checks.model import Severity
from checks.names import display_name
from checks.report.alert_text import (
    SEVERITY_MARK,
    SEVERITY_WORDS,
    WORDS,
    counts,
    facts,
    headline,
    md_text,
    plain_text,
)

CHAT_ITEMS = 10
"""Items a chat message details; the rest are counted (the whole list is `assetwatch findings`)."""
LIMIT_BYTES = {
    ChannelKind.WECOM: 4000,  # WeCom: markdown content at most 4096 bytes
    ChannelKind.DINGTALK: 18000,
    ChannelKind.FEISHU: 25000,  # Feishu: a card at most 30 KB
}
SCHEMA = "assetwatch-alert/1"
"""The webhook body's `schema`."""
_CARD_COLOUR = {
    Severity.CRITICAL: "red",
    Severity.HIGH: "orange",
    Severity.MEDIUM: "yellow",
    Severity.LOW: "blue",
    Severity.INFO: "grey",
}


@dataclass(frozen=True, slots=True)
class Digest:
    """The events one message carries, and how to word them."""

    events: list[AlertEvent]
    """Worst first."""
    lang: str
    zone: tzinfo | None = None
    """Where times are shown; None is the machine's zone."""
    org: str = ""
    mentions: tuple[str, ...] = ()
    """Contacts of the owners concerned, for this kind of channel (validated when stored)."""

    @property
    def worst(self) -> Severity:
        """The worst severity in the digest."""
        return max((e.severity for e in self.events), key=lambda s: s.rank, default=Severity.INFO)

    def title(self) -> str:
        """ "‼ assetwatch: 3 change(s) · Org", org escaped for markdown by the caller."""
        head = WORDS["title"].text(self.lang).format(n=len(self.events))
        return f"{SEVERITY_MARK[self.worst]} {head}"


def _iso(at: datetime | None) -> str | None:
    return at.astimezone(UTC).isoformat(timespec="seconds") if at else None


def _item_md(event: AlertEvent, digest: Digest, br: str) -> str:
    sev, what, name = headline(event, digest.lang)
    lines = [f"**{sev} · {what}** {md_text(name, 120)}"]
    for label, value in facts(event, digest.lang, digest.zone):
        text = md_text(value)
        lines.append(f"- {label}：{text}" if label else f"- {text}")
    return br.join(lines)


def _mention(kind: ChannelKind, contact: str) -> str:
    if kind == ChannelKind.WECOM:
        return f"<@{contact}>"
    if kind == ChannelKind.FEISHU:
        return f"<at id={contact}></at>"
    return f"@{contact}"


def chat_markdown(digest: Digest, kind: ChannelKind) -> tuple[str, str]:
    """(title, markdown body) for a chat robot, within its size limit."""
    br = "  \n" if kind == ChannelKind.DINGTALK else "\n"
    org = f" · {md_text(digest.org, 60)}" if digest.org else ""
    title = digest.title()
    head = f"### {title}{org}"
    tail = ""
    if digest.mentions:
        who = " ".join(_mention(kind, c) for c in digest.mentions)
        tail = f"{WORDS['notify'].text(digest.lang)}：{who}"
    limit = LIMIT_BYTES[kind] - 200  # room for the "and N more" line
    blocks: list[str] = []
    used = len(head.encode()) + len(tail.encode())
    for event in digest.events[:CHAT_ITEMS]:
        block = _item_md(event, digest, br)
        size = len(block.encode()) + 2
        if blocks and used + size > limit:
            break
        blocks.append(block)
        used += size
    rest = digest.events[len(blocks) :]
    if rest:
        more = WORDS["more"].text(digest.lang)
        blocks.append(more.format(n=len(rest), counts=counts(rest, digest.lang)))
    body = (br + br).join([head, *blocks, *([tail] if tail else [])])
    return title, body


def dingtalk(digest: Digest) -> dict[str, Any]:
    """A DingTalk custom robot's markdown message; owners' mobiles in `at.atMobiles`."""
    title, text = chat_markdown(digest, ChannelKind.DINGTALK)
    return {
        "msgtype": "markdown",
        "markdown": {"title": title, "text": text},
        "at": {"atMobiles": list(digest.mentions), "isAtAll": False},
    }


def wecom(digest: Digest) -> dict[str, Any]:
    """A WeCom group robot's markdown message; owners as `<@userid>` in the text."""
    _, text = chat_markdown(digest, ChannelKind.WECOM)
    return {"msgtype": "markdown", "markdown": {"content": text}}


def feishu(digest: Digest) -> dict[str, Any]:
    """A Feishu custom bot's interactive card (the sender adds `timestamp` and `sign`)."""
    title, text = chat_markdown(digest, ChannelKind.FEISHU)
    body = text.split("\n\n", 1)[1] if "\n\n" in text else ""
    return {
        "msg_type": "interactive",
        "card": {
            "config": {"wide_screen_mode": True},
            "header": {
                "title": {"tag": "plain_text", "content": title},
                "template": _CARD_COLOUR[digest.worst],
            },
            "elements": [{"tag": "div", "text": {"tag": "lark_md", "content": body}}],
        },
    }


def email(digest: Digest) -> tuple[str, str]:
    """(subject, plain-text body) of an email; every quoted text inert and on one line."""
    org = f" · {plain_text(digest.org, 60)}" if digest.org else ""
    subject = plain_text(digest.title() + org, 200)
    parts = []
    for event in digest.events:
        sev, what, name = headline(event, digest.lang)
        lines = [f"{sev} · {what}: {plain_text(name, 200)}"]
        for label, value in facts(event, digest.lang, digest.zone):
            lines.append(f"    {label}: {plain_text(value)}" if label else f"    {value}")
        parts.append("\n".join(lines))
    return subject, "\n\n".join(parts) + "\n\n-- assetwatch\n"


def finding_object(event: AlertEvent, lang: str) -> dict[str, Any] | None:
    """The finding as the `scan --json` contract shows it (same keys), or None for asset events."""
    if not event.check:
        return None
    return {
        "asset": display_name(event.asset),
        "check": event.check,
        "severity": str(event.severity),
        "title": event.title.text(lang),
        "evidence": event.evidence,
        "first_seen": _iso(event.first_seen),
        "last_seen": _iso(event.last_seen),
        "status": event.status,
        "subject": event.subject,
    }


def webhook(digest: Digest, delivery: str, channel: str) -> dict[str, Any]:
    """The webhook's JSON: every event, each with the finding object of the scan contract.

    Args:
        delivery: the message's id, the same on every retry (`X-Assetwatch-Delivery` too).
    """
    return {
        "schema": SCHEMA,
        "id": delivery,
        "channel": channel,
        "organization": digest.org,
        "events": [
            {
                "id": e.id,
                "kind": str(e.kind),
                "at": _iso(e.at),
                "severity": str(e.severity),
                "asset": display_name(e.asset),
                "asset_ascii": e.asset,
                "owner": e.owner,
                "previous_severity": e.previous or None,
                "detail": e.detail,
                "finding": finding_object(e, digest.lang),
            }
            for e in digest.events
        ],
    }


def test_message(kind: ChannelKind, lang: str) -> dict[str, Any]:
    """What `notify test` posts to a robot or webhook: a short message in its own format."""
    text = WORDS["test"].text(lang)
    title = WORDS["test_title"].text(lang)
    if kind == ChannelKind.DINGTALK:
        return {"msgtype": "markdown", "markdown": {"title": title, "text": text}}
    if kind == ChannelKind.WECOM:
        return {"msgtype": "markdown", "markdown": {"content": text}}
    if kind == ChannelKind.FEISHU:
        header = {"title": {"tag": "plain_text", "content": title}, "template": "green"}
        div = {"tag": "div", "text": {"tag": "lark_md", "content": text}}
        return {"msg_type": "interactive", "card": {"header": header, "elements": [div]}}
    return {"schema": SCHEMA, "test": True, "message": text, "events": []}


def test_email(lang: str) -> tuple[str, str]:
    """(subject, body) of `notify test` on an email channel."""
    return WORDS["test_title"].text(lang), WORDS["test"].text(lang) + "\n"


__all__ = [
    "CHAT_ITEMS",
    "SEVERITY_WORDS",
    "Digest",
    "chat_markdown",
    "dingtalk",
    "email",
    "feishu",
    "finding_object",
    "test_email",
    "test_message",
    "webhook",
    "wecom",
]
