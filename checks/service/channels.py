"""Configuring alert channels and owners' contacts, as both front ends do it: checked input,
secrets masked whenever shown."""

from __future__ import annotations

import os
import re
import stat
from dataclasses import dataclass, field
from pathlib import Path

import httpx

from checks.alerting import (
    DEFAULT_MIN_SEVERITY,
    DEFAULT_RESEND_HOURS,
    Channel,
    ChannelKind,
    Contact,
    EventKind,
    Mail,
    MailSecurity,
    Rules,
    parse_quiet,
    valid_quiet,
    zone_named,
)
from checks.errors import UserError
from checks.intake import person_text
from checks.model import Lang, Severity
from checks.store import Store

_NAME = re.compile(r"^[\w.-]{1,40}$")
_ADDRESS = re.compile(r"^[^@\s<>,;\"]+@[^@\s<>,;\"]+\.[^@\s<>,;\"]+$")
_CONTACT = {
    "dingtalk": re.compile(r"^\+?\d{5,20}$"),
    "wecom": re.compile(r"^[A-Za-z0-9_.@-]{1,64}$"),
    "feishu": re.compile(r"^[A-Za-z0-9_-]{1,64}$"),
    "email": _ADDRESS,
}
"""Contacts go into markup (`<at id=…>`, `<@…>`, `@…`): only these shapes are stored."""


@dataclass(frozen=True, slots=True)
class ChannelInput:
    """What a person typed to add or change a channel (the command line or the dashboard)."""

    kind: str
    name: str
    url: str = ""
    secret: str = field(default="", repr=False)
    """The signing secret, or the email password (read from a variable or a 0600 file)."""
    smtp: str = ""
    """HOST[:PORT] of the SMTP server."""
    sender: str = ""
    recipients: tuple[str, ...] = ()
    security: str = "plain"
    user: str = ""
    min_severity: str = str(DEFAULT_MIN_SEVERITY)
    kinds: tuple[str, ...] = ()
    """Event kinds to send; empty: all."""
    quiet: str = ""
    tz: str = ""
    lang: str = "zh"
    resend_hours: float = DEFAULT_RESEND_HOURS


def _fail(en: str, zh: str) -> UserError:
    return UserError(en, zh)


def _url(kind: ChannelKind, url: str) -> str:
    if kind == ChannelKind.EMAIL:
        return ""
    try:
        parsed = httpx.URL(url.strip())
    except (httpx.InvalidURL, TypeError):
        parsed = None
    if parsed is None or parsed.scheme not in ("http", "https") or not parsed.host:
        raise _fail(
            "--url must be an http:// or https:// address", "--url 须为 http:// 或 https:// 地址"
        )
    return str(parsed)


def _mail(given: ChannelInput) -> Mail:
    host, _, port = (
        given.smtp.strip().rpartition(":") if ":" in given.smtp else (given.smtp, "", "")
    )
    security = MailSecurity(given.security) if given.security in set(MailSecurity) else None
    if not host.strip() or security is None or (port and not port.isdigit()):
        raise _fail(
            "email needs --smtp HOST[:PORT] (and --starttls or --tls at most)",
            "邮件通道需要 --smtp 主机[:端口]（可选 --starttls 或 --tls）",
        )
    default = {MailSecurity.TLS: 465, MailSecurity.STARTTLS: 587}.get(security, 25)
    addresses = [given.sender, *given.recipients]
    if not given.recipients or not all(_ADDRESS.match(a) for a in addresses):
        raise _fail(
            "email needs --from ADDR and at least one valid --to ADDR",
            "邮件通道需要 --from 地址和至少一个有效的 --to 地址",
        )
    user = person_text("user", given.user)
    return Mail(host.strip(), int(port or default), given.sender, given.recipients, security, user)


def _rules(given: ChannelInput) -> Rules:
    known = {str(k) for k in EventKind}
    if given.min_severity not in {str(s) for s in Severity} or not set(given.kinds) <= known:
        raise _fail(
            f"unknown severity or event kind (kinds: {', '.join(sorted(known))})",
            f"未知的严重程度或事件类型（类型：{', '.join(sorted(known))}）",
        )
    if not valid_quiet(given.quiet):
        raise _fail("--quiet must be HH:MM-HH:MM", "--quiet 格式须为 HH:MM-HH:MM")
    if given.tz and zone_named(given.tz) is None:
        raise _fail(f"unknown time zone {given.tz!r}", f"未知时区 {given.tz!r}")
    if given.lang not in set(Lang) or not 0 <= given.resend_hours < 24 * 366:
        raise _fail(
            "--lang is zh or en; --resend is hours (0: never)",
            "--lang 为 zh 或 en；--resend 为小时数（0 为不重发）",
        )
    return Rules(
        min_severity=Severity(given.min_severity),
        kinds=frozenset(EventKind(k) for k in given.kinds) or frozenset(EventKind),
        quiet=parse_quiet(given.quiet),
        tz=given.tz,
        lang=Lang(given.lang),
        resend_hours=given.resend_hours,
    )


def build(given: ChannelInput) -> Channel:
    """A channel from what was typed.

    Raises:
        UserError: an unknown kind, a bad name, URL, address, severity, kind list, quiet hours
            or time zone; a secret on a channel that cannot use one.
    """
    if given.kind not in set(ChannelKind):
        kinds = ", ".join(ChannelKind)
        raise _fail(f"unknown channel kind (use {kinds})", f"未知的通道类型（可用 {kinds}）")
    kind = ChannelKind(given.kind)
    if not _NAME.match(given.name):
        raise _fail(
            "a channel name is 1-40 letters, digits, '.', '_' or '-'",
            "通道名称须为 1-40 个字母、数字、'.'、'_' 或 '-'",
        )
    if kind == ChannelKind.WECOM and given.secret:
        raise _fail(
            "WeCom robots have no signing secret (the key in the URL is the credential)",
            "企业微信机器人没有签名密钥（网址中的 key 即凭据）",
        )
    mail = _mail(given) if kind == ChannelKind.EMAIL else None
    return Channel(
        name=given.name,
        kind=kind,
        url=_url(kind, given.url),
        secret=given.secret,
        rules=_rules(given),
        mail=mail,
    )


def save(store: Store, given: ChannelInput, who: str | None = None) -> tuple[Channel, bool]:
    """Add or change a channel (logged, without its secrets); returns it and whether it is new."""
    return store.channels.save(build(given), who)


def channel_named(store: Store, name: str) -> Channel:
    """The channel with this name.

    Raises:
        UserError: there is none.
    """
    channel = store.channels.get(name)
    if channel is None:
        raise _fail(f"no channel named {name!r}", f"没有名为 {name!r} 的通道")
    return channel


def read_password(env: str | None, path: Path | None) -> str:
    """The SMTP password from an environment variable or a file only its owner can read.

    Never from a command-line value: arguments show in `ps` and in shell history.

    Raises:
        UserError: the variable is unset, or the file is unreadable or readable by others.
    """
    if env:
        value = os.environ.get(env)
        if value is None:
            raise _fail(f"${env} is not set", f"环境变量 ${env} 未设置")
        return value
    if path is None:
        return ""
    try:
        info = path.stat()
        if info.st_mode & (stat.S_IRWXG | stat.S_IRWXO):
            raise _fail(
                f"{path} can be read by others: chmod 600 it first",
                f"{path} 可被他人读取：请先 chmod 600",
            )
        return path.read_text(encoding="utf-8").strip()
    except OSError as exc:
        raise _fail(
            f"cannot read {path}: {exc.strerror}", f"无法读取 {path}：{exc.strerror}"
        ) from None


def mask(secret: str) -> str:
    """A secret as listings show it: `SEC…3f` (the first three and the last two characters)."""
    if not secret:
        return ""
    return f"{secret[:3]}…{secret[-2:]}" if len(secret) >= 12 else "…"


def mask_url(url: str) -> str:
    """A robot's URL with its token masked: query values, a long last path segment, userinfo."""
    if not url:
        return ""
    parsed = httpx.URL(url)
    query = "&".join(f"{k}={mask(v)}" for k, v in parsed.params.multi_items())
    head, _, last = parsed.path.rpartition("/")
    path = f"{head}/{mask(last)}" if len(last) >= 12 else parsed.path
    port = f":{parsed.port}" if parsed.port else ""
    return f"{parsed.scheme}://{parsed.host}{port}{path}" + (f"?{query}" if query else "")


def set_contact(store: Store, contact: Contact, who: str | None = None) -> Contact:
    """Record how an owner is mentioned; only well-formed ids are kept (they go into markup).

    Raises:
        UserError: an empty owner, or a contact of the wrong shape.
    """
    owner = person_text("owner", contact.owner).strip()
    if not owner:
        raise _fail("the owner is required", "须指定负责人")
    for key, shape in _CONTACT.items():
        value = getattr(contact, key)
        if value and not shape.match(value):
            raise _fail(
                f"--{key} {value!r} is not a valid contact", f"--{key} {value!r} 不是有效的联系方式"
            )
    return store.channels.set_contact(
        Contact(owner, contact.dingtalk, contact.wecom, contact.feishu, contact.email), who
    )
