"""Asset names: hostnames (internationalised ones as punycode), IP addresses and URLs."""

from __future__ import annotations

import ipaddress
import re
from functools import cache
from urllib.parse import urlsplit, urlunsplit

from publicsuffixlist import PublicSuffixList

from checks.errors import UserError

_LABEL = re.compile(r"^(?!-)[a-z0-9-]{1,63}(?<!-)$")


def _to_ascii_host(host: str) -> str:
    host = host.strip().rstrip(".").lower()
    if not host:
        raise UserError("empty name", "名称为空")
    if host.startswith("[") and host.endswith("]"):
        host = host[1:-1]
    try:
        return ipaddress.ip_address(host).compressed
    except ValueError:
        pass
    labels = []
    for label in host.split("."):
        try:
            ascii_label = label.encode("idna").decode("ascii") if not label.isascii() else label
        except UnicodeError:
            ascii_label = ""
        if not _LABEL.match(ascii_label):
            raise UserError(
                f"invalid hostname {host!r}: bad label {label!r}",
                f"无效的主机名 {host!r}：标签 {label!r} 不合法",
            )
        labels.append(ascii_label)
    if len(".".join(labels)) > 253:
        raise UserError(f"hostname too long: {host!r}", f"主机名过长：{host!r}")
    return ".".join(labels)


def normalize_name(raw: str) -> str:
    """Return the stored form of an asset name.

    Hostnames are lower-cased and stored as punycode; IP addresses in their
    compressed form; URLs with a lower-cased scheme and a punycode host.

    Raises:
        UserError: the name is empty or not a valid hostname, address or URL.
    """
    raw = raw.strip()
    if "://" not in raw:
        return _to_ascii_host(raw)
    return normalize_url(raw)


def normalize_url(raw: str) -> str:
    """Return an http(s) URL with a punycode host and an explicit path.

    Raises:
        UserError: not an http or https URL, or its host is invalid.
    """
    parts = urlsplit(raw.strip())
    if parts.scheme.lower() not in ("http", "https"):
        raise UserError(f"not an http(s) URL: {raw!r}", f"不是 http(s) 网址：{raw!r}")
    if not parts.hostname:
        raise UserError(f"URL without a host: {raw!r}", f"网址缺少主机：{raw!r}")
    try:
        port = parts.port
    except ValueError:
        raise UserError(f"bad port in URL: {raw!r}", f"网址端口无效：{raw!r}") from None
    host = _to_ascii_host(parts.hostname)
    netloc = f"[{host}]" if ":" in host else host
    if port is not None:
        netloc += f":{port}"
    return urlunsplit((parts.scheme.lower(), netloc, parts.path or "/", parts.query, ""))


def host_of(name: str) -> str:
    """The host of a stored name: the name itself, or a URL's host."""
    if "://" in name:
        return urlsplit(name).hostname or ""
    return name


def is_ip(host: str) -> bool:
    """True when `host` is an IPv4 or IPv6 address literal."""
    try:
        ipaddress.ip_address(host)
    except ValueError:
        return False
    return True


def display_name(name: str) -> str:
    """The name with punycode labels shown in Unicode (例子.中国, not xn--...)."""
    if "xn--" not in name:
        return name
    host = host_of(name)
    labels = []
    for label in host.split("."):
        try:
            labels.append(
                label.encode("ascii").decode("idna") if label.startswith("xn--") else label
            )
        except UnicodeError:
            labels.append(label)
    return name.replace(host, ".".join(labels), 1)


@cache
def _psl(private: bool) -> PublicSuffixList:
    # The list ships inside the package: built once per process (about 40 ms), never fetched.
    return PublicSuffixList(only_icann=not private)


@cache
def registrable_domain(host: str, *, private: bool = True) -> str:
    """The part of `host` a registrant owns (example.com.cn for www.example.com.cn).

    From the Public Suffix List, by default with its private section, so two github.io sites
    are two sites; `private=False` uses the ICANN section alone (the registrar's customer:
    cloudfront.net for abc123.cloudfront.net). An IP address, a bare public suffix or a
    single label is its own site.
    """
    host = host.strip().rstrip(".").lower()
    if host.startswith("[") and host.endswith("]"):
        host = host[1:-1]
    if not host or is_ip(host):
        return host
    return _psl(private).privatesuffix(host) or host


def same_site(a: str, b: str) -> bool:
    """True when two hosts share a registrable domain (www.example.cn and m.example.cn)."""
    return registrable_domain(a) == registrable_domain(b)
