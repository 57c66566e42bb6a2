"""Asset names: hostnames (internationalised ones as punycode), IP addresses and URLs.

Internationalised names follow IDNA 2008 with the UTS #46 mapping (the kept `idna` package):
`straße.de` stays `xn--strae-oqa.de`, where Python's built-in IDNA 2003 codec would make it
`strasse.de`, another domain the organisation may not own.
"""

from __future__ import annotations

import ipaddress
import re
import unicodedata
from functools import cache
from urllib.parse import urlsplit, urlunsplit

import idna
from publicsuffixlist import PublicSuffixList

from checks.errors import UserError
from checks.text import excerpt

_LABEL = re.compile(r"^(?!-)[a-z0-9-]{1,63}(?<!-)$")


_PLAIN_HOST = re.compile(r"(?:(?!-)[a-z0-9-]{1,63}(?<!-)\.)*(?!-)[a-z0-9-]{1,63}(?<!-)")
"""A host already in its stored form (lower-case LDH labels): nearly every name, at no cost."""
_PLAIN_URL = re.compile(r"(https?)://([a-z0-9.-]+)(?::([0-9]{1,5}))?(/[^?#\s]*)?(\?[^#\s]+)?")


def _to_ascii_host(host: str) -> str:
    if len(host) <= 253 and _PLAIN_HOST.fullmatch(host) and not _may_be_ip(host):
        return host
    host = host.strip().rstrip(".").lower()
    if not host:
        raise UserError("empty name", "名称为空")
    if host.startswith("[") and host.endswith("]"):
        host = host[1:-1]
    if _may_be_ip(host):
        try:
            return ipaddress.ip_address(host).compressed
        except ValueError:
            pass
    labels = []
    for label in host.split("."):
        try:
            ascii_label = label if label.isascii() else idna.encode(label, uts46=True).decode()
        except (idna.IDNAError, UnicodeError):
            ascii_label = ""
        if not _LABEL.match(ascii_label):
            raise UserError(
                f"invalid hostname {excerpt(host)}: bad label {excerpt(label)}",
                f"无效的主机名 {excerpt(host)}：标签 {excerpt(label)} 不合法",
            )
        labels.append(ascii_label)
    if len(".".join(labels)) > 253:
        raise UserError(f"hostname too long: {excerpt(host)}", f"主机名过长：{excerpt(host)}")
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
    raw = raw.strip()
    plain = _PLAIN_URL.fullmatch(raw)
    if plain and (plain[3] is None or int(plain[3]) <= 65535):
        scheme, host, port, path, query = plain.groups()
        host = _to_ascii_host(host)
        netloc = host + (f":{int(port)}" if port is not None else "")
        return f"{scheme}://{netloc}{path or '/'}{query or ''}"
    parts = urlsplit(raw)
    if parts.scheme.lower() not in ("http", "https"):
        raise UserError(
            f"not an http(s) URL: {excerpt(redact_url(raw))}",
            f"不是 http(s) 网址：{excerpt(redact_url(raw))}",
        )
    if not parts.hostname:
        raise UserError(
            f"URL without a host: {excerpt(redact_url(raw))}",
            f"网址缺少主机：{excerpt(redact_url(raw))}",
        )
    try:
        port = parts.port
    except ValueError:
        raise UserError(
            f"bad port in URL: {excerpt(redact_url(raw))}",
            f"网址端口无效：{excerpt(redact_url(raw))}",
        ) from None
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


def _may_be_ip(host: str) -> bool:
    # What ipaddress could accept: a colon (IPv6), or digits and dots (IPv4). Cheaper than
    # letting it raise for every hostname.
    return ":" in host or host.replace(".", "").isdigit()


def is_ip(host: str) -> bool:
    """True when `host` is an IPv4 or IPv6 address literal."""
    if not _may_be_ip(host):
        return False
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
            labels.append(idna.decode(label) if label.startswith("xn--") else label)
        except (idna.IDNAError, UnicodeError):
            labels.append(label)
    return name.replace(host, ".".join(labels), 1)


_CONFUSABLE_SCRIPTS = frozenset({"LATIN", "CYRILLIC", "GREEK", "ARMENIAN"})
"""Scripts whose letters look alike: one label mixing them is a classic look-alike domain."""


def _scripts(label: str) -> set[str]:
    found = set()
    for char in label:
        if char.isalpha():
            found.add(unicodedata.name(char, "?").split(" ", 1)[0])
    return found


def confusable(name: str) -> str:
    """Why a name may imitate another ("" when it does not): a label mixing Latin with
    Cyrillic or Greek letters (`аpple.com` with a Cyrillic а), shown as it will be shown."""
    for label in display_name(host_of(name)).split("."):
        mixed = _scripts(label) & _CONFUSABLE_SCRIPTS
        if len(mixed) > 1:
            return f"label {excerpt(label)} mixes {' and '.join(sorted(mixed))} letters"
    return ""


def redact_url(url: str) -> str:
    """The URL with any credentials (`user:password@`) replaced by `***@`.

    Credentials in an inventory URL or a redirect's Location are never stored or printed.
    """
    parts = urlsplit(url)
    if "@" not in parts.netloc:
        return url
    netloc = "***@" + parts.netloc.rsplit("@", 1)[1]
    return urlunsplit((parts.scheme, netloc, parts.path, parts.query, parts.fragment))


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
