"""IANA's RDAP bootstrap file for domains (RFC 9224, `dns.json`): which server answers a TLD.

A copy ships in checks/data/rdap_dns.json: IANA's file as published 2021-05-11 (taken from a
stored public repository that vendored it, byte for byte; IANA publishes the current one at
data.iana.org/rdap/dns.json). `--rdap-bootstrap FILE` replaces it with a newer copy. It has
no server for .cn or .中国 (CNNIC runs none): those go to WHOIS.
"""

from __future__ import annotations

import json
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any

from checks.errors import UserError

SHIPPED = "rdap_dns.json"


def parse_bootstrap(text: str) -> dict[str, tuple[str, ...]]:
    """TLD (punycode, lower case) -> RDAP base URLs, https first.

    Raises:
        UserError: not a bootstrap file (no `services` list of [[tlds], [urls]] pairs).
    """
    try:
        data: Any = json.loads(text)
        services = data["services"]
        table: dict[str, tuple[str, ...]] = {}
        for tlds, urls in services:
            ordered = sorted((str(u) for u in urls), key=lambda u: not u.startswith("https:"))
            for tld in tlds:
                table[str(tld).lower().rstrip(".")] = tuple(ordered)
    except (ValueError, KeyError, TypeError) as exc:
        raise UserError(
            f"not an RDAP bootstrap file (dns.json format): {exc}",
            f"不是 RDAP 引导文件（dns.json 格式）：{exc}",
        ) from None
    return table


@cache
def shipped() -> dict[str, tuple[str, ...]]:
    """The bootstrap table shipped with assetwatch."""
    text = resources.files("checks").joinpath("data", SHIPPED).read_text(encoding="utf-8")
    return parse_bootstrap(text)


def load(path: str | None) -> dict[str, tuple[str, ...]]:
    """The bootstrap table of `path`, or the shipped one when None.

    Raises:
        UserError: the file cannot be read or is not a bootstrap file.
    """
    if path is None:
        return shipped()
    try:
        text = Path(path).read_text(encoding="utf-8")
    except OSError as exc:
        raise UserError(
            f"cannot read --rdap-bootstrap {path}: {exc}",
            f"无法读取 --rdap-bootstrap {path}：{exc}",
        ) from None
    return parse_bootstrap(text)
