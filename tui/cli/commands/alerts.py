"""`watch` and `notify …`: the unattended watcher and the channels it tells.

Secrets are never printed: URLs and secrets are masked in `notify list` (`SEC…3f`), and the
watcher's log names channels, never their addresses.
"""

from __future__ import annotations

import argparse
import sys
from datetime import datetime
from functools import partial
from typing import Any

from checks.alerting import Channel, Contact, EventKind
from checks.errors import UserError
from checks.names import display_name
from checks.service import alerts, channels
from checks.service.sweeps import run_async
from checks.service.watch import Cycle, watch, watch_lock
from checks.store import Store
from checks.store.codec import ts
from checks.store.deliveries import ChannelState
from checks.store.outbox import UNOBSERVED_SETTING
from checks.text import inert
from tui.cli.commands.scan import probe_overrides
from tui.cli.output import EXIT_ERROR, EXIT_FINDINGS, EXIT_OK, fail, json_line, say
from tui.i18n import tr


def _short(at: datetime | None) -> str:
    return at.astimezone().strftime("%Y-%m-%d %H:%M") if at else "-"


def _log(lang: str, cycle: Cycle) -> None:
    if not cycle.worth_a_line:
        return
    d = cycle.delivery
    at = cycle.at.astimezone().strftime("%Y-%m-%d %H:%M:%S")
    alerts_part = tr(
        lang,
        "cli.watch.alerts",
        events=cycle.events,
        sent=d.sent,
        failed=d.failed,
        waiting=d.waiting,
    )
    if cycle.swept is not None:
        p = cycle.swept
        line = tr(
            lang,
            "cli.watch.swept",
            at=at,
            done=p.done,
            total=p.total,
            seconds=f"{p.elapsed_s:.1f}",
            unknown=len(p.unobserved),
        )
    elif cycle.interrupted:
        line = tr(lang, "cli.watch.interrupted", at=at)
    else:
        line = tr(lang, "cli.watch.idle", at=at)
    if d.busy:
        alerts_part = tr(lang, "cli.watch.busy")
    print(f"{line}; {alerts_part}", file=sys.stderr, flush=True)


def watch_command(args: argparse.Namespace, store: Store) -> int:
    """`assetwatch watch [--once]`: probe what is due, tell the channels; one per database."""
    if args.unobserved_after is not None:
        if args.unobserved_after < 1:
            raise fail("cli.watch.unobserved_bad")
        store.settings.set(UNOBSERVED_SETTING, str(args.unobserved_after))
    lock = watch_lock(store)
    if not lock.try_acquire():
        say(args.lang, "cli.watch.another", err=True, path=store.target)
        return EXIT_ERROR
    try:
        if not args.once:
            say(args.lang, "cli.watch.started", err=True, path=store.target)
        overrides = probe_overrides(args)

        def failed(exc: UserError) -> None:
            say(args.lang, "cli.watch.failed", err=True, error=exc.text(args.lang))

        log = partial(_log, args.lang)
        stopped = run_async(watch(store, overrides, log, args.once, on_error=failed))
        if stopped:
            say(args.lang, "cli.watch.stopped", err=True)
        return EXIT_OK
    finally:
        lock.release()


# -- notify ----------------------------------------------------------------------------------


def _input(args: argparse.Namespace, store: Store) -> channels.ChannelInput:
    secret = args.secret
    if args.secret_env:
        secret = channels.read_password(args.secret_env, None)
    if args.kind == "email":
        secret = channels.read_password(args.password_env, args.password_file)
    security = "tls" if args.tls else "starttls" if args.starttls else "plain"
    lang = args.channel_lang or str(store.settings.read().lang or "zh")
    kinds = tuple(k.strip() for k in args.events.split(",") if k.strip())
    return channels.ChannelInput(
        kind=args.kind,
        name=args.name,
        url=args.url,
        secret=secret,
        smtp=args.smtp,
        sender=args.sender,
        recipients=tuple(args.recipients),
        security=security,
        user=args.user,
        min_severity=args.min_severity,
        kinds=kinds,
        quiet=args.quiet,
        tz=args.tz,
        lang=lang,
        resend_hours=args.resend,
    )


def _where(channel: Channel) -> str:
    if channel.mail is not None:
        m = channel.mail
        return f"smtp://{m.host}:{m.port} → {', '.join(m.recipients)}"
    return channels.mask_url(channel.url)


def _rules(channel: Channel) -> str:
    r = channel.rules
    parts = [f"≥{r.min_severity}", str(r.lang)]
    if r.quiet:
        parts.append(f"quiet {r.quiet}" + (f" {r.tz}" if r.tz else ""))
    if r.kinds != frozenset(EventKind):
        parts.append("events " + ",".join(sorted(r.kinds)))
    if r.resend_hours:
        parts.append(f"resend {r.resend_hours:g}h")
    return " ".join(parts)


def state_json(state: ChannelState) -> dict[str, Any]:
    """A channel as `notify list --json` shows it: its secrets masked."""
    ch, r = state.channel, state.channel.rules
    return {
        "name": ch.name,
        "kind": str(ch.kind),
        "url": channels.mask_url(ch.url),
        "secret": channels.mask(ch.secret),
        "min_severity": str(r.min_severity),
        "events": sorted(str(k) for k in r.kinds),
        "quiet": str(r.quiet) if r.quiet else "",
        "tz": r.tz,
        "lang": str(r.lang),
        "resend_hours": r.resend_hours,
        "recipients": list(ch.mail.recipients) if ch.mail else [],
        "waiting": state.waiting,
        "last_sent": ts(state.last_sent) if state.last_sent else None,
        "failures": state.failures,
        "last_answer": state.last_answer,
        "paused_until": ts(state.paused_until) if state.paused_until else None,
    }


def _list(args: argparse.Namespace, store: Store) -> int:
    states = store.deliveries.states()
    inherited = store.channels.inherited_from()
    if getattr(args, "json", False):
        for state in states:
            line = state_json(state)
            line["inherited_from"] = inherited.get(state.channel.name, "")
            json_line(line, sys.stdout)
        return EXIT_OK
    if not states:
        say(args.lang, "cli.notify.none")
        return EXIT_OK
    t = args.lang
    for s in states:
        secret = channels.mask(s.channel.secret)
        head = f"{s.channel.name}  {s.channel.kind}  {_where(s.channel)}"
        if s.channel.name in inherited:
            head += "  (" + tr(t, "cli.notify.inherited", org=inherited[s.channel.name]) + ")"
        key = "cli.notify.failing" if s.failing else "cli.notify.healthy"
        delivery = tr(
            t,
            key,
            waiting=s.waiting,
            last=_short(s.last_sent),
            failures=s.failures,
            answer=s.last_answer or "-",
        )
        if s.paused_until is not None and s.paused_until > store.clock():
            delivery += "; " + tr(t, "cli.notify.paused", until=_short(s.paused_until))
        print(inert(head + (f"  secret {secret}" if secret else "")))
        print("    " + inert(tr(t, "cli.notify.rules", rules=_rules(s.channel))))
        print("    " + inert(tr(t, "cli.notify.delivery", delivery=delivery)))
    return EXIT_OK


def _add(args: argparse.Namespace, store: Store) -> int:
    channel, new = channels.save(store, _input(args, store))
    say(args.lang, "cli.notify.added" if new else "cli.notify.updated", name=channel.name)
    return EXIT_OK


def _test(args: argparse.Namespace, store: Store) -> int:
    channel = channels.channel_named(store, args.name)
    answer = run_async(alerts.test(channel, args.ca_bundle))
    key = "cli.notify.test_ok" if answer.ok else "cli.notify.test_failed"
    say(args.lang, key, name=channel.name, outcome=answer.outcome, answer=answer.text)
    return EXIT_OK if answer.ok else EXIT_FINDINGS


def _remove(args: argparse.Namespace, store: Store) -> int:
    dropped = store.channels.remove(args.name)
    say(args.lang, "cli.notify.removed", name=args.name, dropped=dropped)
    return EXIT_OK


def _contact(args: argparse.Namespace, store: Store) -> int:
    if args.remove:
        gone = store.channels.remove_contact(args.owner)
        key = "cli.notify.contact_removed" if gone else "cli.notify.contact_none"
        say(args.lang, key, owner=args.owner)
        return EXIT_OK
    given = Contact(args.owner, args.dingtalk, args.wecom, args.feishu, args.email)
    saved = channels.set_contact(store, given)
    shown = ", ".join(
        f"{k} {v}" for k in ("dingtalk", "wecom", "feishu", "email") if (v := getattr(saved, k))
    )
    say(
        args.lang,
        "cli.notify.contact_saved",
        owner=display_name(saved.owner),
        contacts=shown or "-",
    )
    return EXIT_OK


def notify(args: argparse.Namespace, store: Store) -> int:
    """`assetwatch notify add|list|test|remove|contact …`."""
    actions = {"add": _add, "list": _list, "test": _test, "remove": _remove, "contact": _contact}
    return actions[args.notify_command](args, store)
