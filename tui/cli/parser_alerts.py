"""The options of `watch` and `notify add|list|test|remove|contact`, help in the user's language."""

from __future__ import annotations

import argparse
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from checks.alerting import (
    DEFAULT_MIN_SEVERITY,
    DEFAULT_RESEND_HOURS,
    DEFAULT_UNOBSERVED_PROBES,
    ChannelKind,
    EventKind,
)
from checks.model import Severity
from checks.service.sweeps import DEFAULT_CONCURRENCY, DEFAULT_TIMEOUT
from tui.i18n import LANGS, tr

if TYPE_CHECKING:
    from tui.cli.parser import Subparsers


def add_alert_parsers(sub: Subparsers, lang: str) -> None:
    """`watch` and `notify`: unattended probing and who is told."""

    def h(key: str, **values: object) -> str:
        return tr(lang, f"cli.help.{key}", **values)

    watch = sub.add_parser("watch", help=h("watch"))
    watch.add_argument("--once", action="store_true", help=h("watch_once"))
    watch.add_argument("--light", action="store_true", help=h("light"))
    watch.add_argument(
        "--unobserved-after",
        type=int,
        metavar="N",
        help=h("watch_unobserved", default=DEFAULT_UNOBSERVED_PROBES),
    )
    watch.add_argument("--timeout", type=float, help=h("timeout", default=f"{DEFAULT_TIMEOUT:g}"))
    watch.add_argument(
        "--concurrency", type=int, help=h("concurrency", default=DEFAULT_CONCURRENCY)
    )

    notify = sub.add_parser("notify", help=h("notify"))
    verbs = notify.add_subparsers(dest="notify_command", metavar="ACTION", required=True)
    _add_channel_parser(verbs.add_parser("add", help=h("notify_add")), h)
    lst = verbs.add_parser("list", help=h("notify_list"))
    lst.add_argument("--json", action="store_true", help=h("json"))
    test = verbs.add_parser("test", help=h("notify_test"))
    test.add_argument("name", help=h("notify_name"))
    remove = verbs.add_parser("remove", help=h("notify_remove"))
    remove.add_argument("name", help=h("notify_name"))

    contact = verbs.add_parser("contact", help=h("notify_contact"))
    contact.add_argument("owner", help=h("owner"))
    for kind in ("dingtalk", "wecom", "feishu", "email"):
        contact.add_argument(f"--{kind}", default="", help=h(f"contact_{kind}"))
    contact.add_argument("--remove", action="store_true", help=h("contact_remove"))


def _add_channel_parser(add: argparse.ArgumentParser, h: Callable[..., str]) -> None:
    """`notify add KIND NAME …`: where, how it is signed, and the channel's rules."""
    add.add_argument("kind", choices=[str(k) for k in ChannelKind], help=h("notify_kind"))
    add.add_argument("name", help=h("notify_name"))
    add.add_argument("--url", default="", help=h("notify_url"))
    add.add_argument("--secret", default="", metavar="SEC", help=h("notify_secret"))
    add.add_argument("--secret-env", metavar="VAR", help=h("notify_secret_env"))
    add.add_argument("--smtp", default="", metavar="HOST[:PORT]", help=h("notify_smtp"))
    add.add_argument("--from", dest="sender", default="", metavar="ADDR", help=h("notify_from"))
    add.add_argument(
        "--to", dest="recipients", action="append", default=[], metavar="ADDR", help=h("notify_to")
    )
    tls = add.add_mutually_exclusive_group()
    tls.add_argument("--starttls", action="store_true", help=h("notify_starttls"))
    tls.add_argument("--tls", action="store_true", help=h("notify_tls"))
    add.add_argument("--user", default="", help=h("notify_user"))
    add.add_argument("--password-env", metavar="VAR", help=h("notify_password_env"))
    add.add_argument("--password-file", type=Path, metavar="FILE", help=h("notify_password_file"))
    add.add_argument(
        "--min-severity",
        choices=[str(s) for s in Severity],
        default=str(DEFAULT_MIN_SEVERITY),
        help=h("notify_min_severity", default=DEFAULT_MIN_SEVERITY),
    )
    add.add_argument(
        "--events",
        default="",
        metavar="KIND,...",
        help=h("notify_events", kinds=", ".join(EventKind)),
    )
    add.add_argument("--quiet", default="", metavar="HH:MM-HH:MM", help=h("notify_quiet"))
    add.add_argument("--tz", default="", metavar="ZONE", help=h("notify_tz"))
    add.add_argument("--lang", dest="channel_lang", choices=LANGS, help=h("notify_lang"))
    add.add_argument(
        "--resend",
        type=float,
        default=DEFAULT_RESEND_HOURS,
        metavar="HOURS",
        help=h("notify_resend", default=f"{DEFAULT_RESEND_HOURS:g}"),
    )
