"""Delivering the outbox: digests per channel, retries with back-off, rate limits, resends.

**Exactly once, and where it is only "at least once".** An event reaches a channel through a
message (a digest). Before each attempt the message is committed as `sending`; the moment the
service answers, the outcome is committed (`sent`, or `pending` with a retry time). Delivery
passes hold the send lock (`<db>.send.lock`), so a `sending` message found by a pass was left by
one that died mid-attempt (a crash, `kill -9`, a power cut) and is sent again:

- when the service never got it (down, refused, timed out before sending, answered an error), the
  retry is its only delivery: **exactly once**;
- when the process died after the service took the message but before the commit of `sent`
  (the time of one HTTP response plus one SQLite commit, a few milliseconds), the message is sent
  twice. A webhook carries the same `X-Assetwatch-Delivery` id both times, so its receiver drops
  the copy: still exactly once. An email keeps its Message-ID. The chat robots (DingTalk, WeCom,
  Feishu) have no idempotency key, so in that window the group sees the digest twice: **at least
  once**, never lost. Nothing is committed between the answer and `sent`, to keep the window
  that small.

While a channel has an unsent message, new events wait for it rather than pile up as more
messages: a channel that comes back after hours gets the old digest, then one digest of all
that happened since.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

import httpx

from checks.alerting import AlertEvent, Channel, ChannelKind, EventKind
from checks.model import FindingStatus, Severity
from checks.notify import Answer, Outcome, dingtalk, feishu, mail, webhook, wecom
from checks.notify.base import client as http_client
from checks.report import alerts as compose
from checks.service.locks import lock_for
from checks.service.orgs import effective_settings
from checks.store import Store
from checks.store.deliveries import Message
from checks.workflow.events import held_until, resend_due, retry_delay, worst_first

RATE_PER_MINUTE = 20
"""Messages a minute to one channel at most: DingTalk's and WeCom's robot limit."""
SEND_LOCK_WAIT_S = 120.0


@dataclass(slots=True)
class DeliveryReport:
    """What one delivery pass did."""

    sent: int = 0
    """Messages the services took."""
    events: int = 0
    """Events those messages carried."""
    failed: int = 0
    """Attempts that failed (each is retried later)."""
    waiting: int = 0
    """Events still not delivered after the pass (held, queued or failing)."""
    busy: bool = False
    """Another process held the send lock for too long: nothing was tried."""
    answers: list[tuple[str, Answer]] = field(default_factory=list)


def mentions(store: Store, channel: Channel, events: list[AlertEvent]) -> tuple[str, ...]:
    """The contacts, on this channel's kind, of the owners of these events, in order."""
    contacts = store.channels.contacts()
    found: list[str] = []
    for event in events:
        contact = contacts.get(event.owner)
        value = contact.on(channel.kind) if contact else ""
        if value and value not in found:
            found.append(value)
    return tuple(found)


def digest(store: Store, channel: Channel, events: list[AlertEvent]) -> compose.Digest:
    """The digest of these events as this channel words it."""
    return compose.Digest(
        worst_first(events),
        str(channel.rules.lang),
        channel.rules.zone(),
        effective_settings(store).org_name,
        mentions(store, channel, events),
    )


def _payload(channel: Channel, body: compose.Digest | None, delivery: str) -> dict[str, Any]:
    if body is None:
        data = compose.test_message(channel.kind, str(channel.rules.lang))
        if channel.kind == ChannelKind.WEBHOOK:
            data.update(id=delivery, channel=channel.name)
        return data
    shape = {
        ChannelKind.DINGTALK: compose.dingtalk,
        ChannelKind.WECOM: compose.wecom,
        ChannelKind.FEISHU: compose.feishu,
    }.get(channel.kind)
    return shape(body) if shape else compose.webhook(body, delivery, channel.name)


async def post(
    client: httpx.AsyncClient,
    channel: Channel,
    body: compose.Digest | None,
    delivery: str,
    ca_bundle: str | None = None,
) -> Answer:
    """Send one digest (or, with None, the test message) to a channel; never raises."""
    kind = channel.kind
    if kind == ChannelKind.EMAIL:
        assert channel.mail is not None
        lang = str(channel.rules.lang)
        subject, text = compose.email(body) if body is not None else compose.test_email(lang)
        cc = body.mentions if body is not None else ()
        return await mail.send(channel.mail, channel.secret, subject, text, cc, delivery, ca_bundle)
    data = _payload(channel, body, delivery)
    if kind == ChannelKind.DINGTALK:
        return await dingtalk.send(client, channel.url, channel.secret, data)
    if kind == ChannelKind.WECOM:
        return await wecom.send(client, channel.url, data)
    if kind == ChannelKind.FEISHU:
        return await feishu.send(client, channel.url, channel.secret, data)
    event = "alert" if body is not None else "test"
    return await webhook.send(client, channel.url, channel.secret, data, delivery, event)


async def test(channel: Channel, ca_bundle: str | None = None) -> Answer:
    """`notify test`: send the test message now and return the service's answer."""
    async with http_client() as client:
        return await post(client, channel, None, f"test-{uuid.uuid4()}", ca_bundle)


def _ready(store: Store, channel: Channel, now: datetime) -> list[AlertEvent]:
    """Waiting events that may go now: not held by quiet hours (critical ones never are)."""
    assert channel.id is not None
    waiting = store.deliveries.waiting(channel.id)
    return [e for e in waiting if held_until(channel.rules, e.severity, now) is None]


async def _attempt(
    store: Store,
    client: httpx.AsyncClient,
    channel: Channel,
    message: Message,
    report: DeliveryReport,
    ca_bundle: str | None,
    events: list[AlertEvent] | None = None,
) -> bool:
    events = events if events is not None else store.deliveries.events_of(message)
    store.deliveries.start(message)  # committed before the request leaves
    answer = await post(client, channel, digest(store, channel, events), message.uuid, ca_bundle)
    now = store.clock()
    if answer.ok:
        store.deliveries.finish(message, True, str(answer.outcome), answer.text, None)
        report.sent += 1
        report.events += len(events)
    else:
        retry = now + retry_delay(message.attempts + 1)
        if answer.outcome == Outcome.LIMITED and answer.retry_after:
            retry = max(retry, now + timedelta(seconds=answer.retry_after))
            store.channels.pause(channel, answer.retry_after)
        store.deliveries.finish(message, False, str(answer.outcome), answer.text, retry)
        report.failed += 1
    report.answers.append((channel.name, answer))
    return answer.ok


def _under_rate(store: Store, channel: Channel, now: datetime) -> bool:
    assert channel.id is not None
    since = now - timedelta(minutes=1)
    return store.deliveries.attempts_since(channel.id, since) < RATE_PER_MINUTE


async def _channel(
    store: Store,
    client: httpx.AsyncClient,
    channel: Channel,
    everything: bool,
    report: DeliveryReport,
    ca_bundle: str | None,
) -> None:
    assert channel.id is not None
    for _ in range(RATE_PER_MINUTE):
        now = store.clock()
        paused = store.channels.paused_until(channel)
        if (paused is not None and paused > now) or not _under_rate(store, channel, now):
            return
        unsent = store.deliveries.due(channel.id, now, everything=True)
        events: list[AlertEvent] | None = None
        if unsent:
            message = unsent[0]
            due = store.deliveries.due(channel.id, now, everything)
            if not due or due[0].id != message.id:
                return  # the oldest waits for its retry time; newer events wait behind it
        else:
            ready = _ready(store, channel, now)
            if not ready:
                return
            events = ready
            message = store.deliveries.bundle(channel.id, [e.id for e in ready], str(uuid.uuid4()))
        if not await _attempt(store, client, channel, message, report, ca_bundle, events):
            return
        everything = False


async def deliver(
    store: Store,
    everything: bool = False,
    ca_bundle: str | None = None,
    stop: Callable[[], bool] | None = None,
) -> DeliveryReport:
    """One delivery pass over every channel, under the send lock.

    Args:
        everything: retry failed messages now, whatever their back-off (a watcher's first pass,
            `watch --once`): a restart is when an admin expects a channel to be tried again.
        stop: asked before each channel; True ends the pass (SIGTERM). An attempt under way
            is always finished.
    """
    report = DeliveryReport()
    lock = lock_for(store, "send")
    if not await lock.acquire(SEND_LOCK_WAIT_S):
        report.busy = True
        return report
    try:
        async with http_client() as client:
            for channel in store.channels.all():
                if stop is not None and stop():
                    break
                await _channel(store, client, channel, everything, report, ca_bundle)
    finally:
        lock.release()
    report.waiting = sum(s.waiting for s in store.deliveries.states())
    return report


def queue_resends(store: Store) -> int:
    """Queue `still-open` events for critical findings a channel was told about long enough ago.

    "Long enough" is the channel's resend interval (default 24 h) since it was last queued an
    event about the finding (or since the channel was added). Returns how many were queued.
    """
    now = store.clock()
    resending = [c for c in store.channels.all() if c.rules.resend_hours > 0]
    if not resending or not store.outbox.firing_criticals():
        return 0  # the cheap answer, every 30 s of an idle watcher
    open_criticals = [
        r
        for r in store.findings.query(min_severity=Severity.CRITICAL)
        if r.status in (FindingStatus.OPEN, FindingStatus.IN_PROGRESS) and r.id is not None
    ]
    if not open_criticals:
        return 0
    queued = 0
    with store.atomic():
        for channel in resending:
            if channel.id is None or EventKind.STILL_OPEN not in channel.rules.kinds:
                continue
            told = store.deliveries.last_told(channel.id)
            for record in open_criticals:
                assert record.id is not None
                last = told.get(record.id) or channel.created_at or now
                if resend_due(last, now, channel.rules.resend_hours):
                    event = store.outbox.finding_event(
                        EventKind.STILL_OPEN, record.id, now, only=[channel.id]
                    )
                    queued += event is not None
    return queued
