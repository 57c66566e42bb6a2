"""Checking a saved page: the compromise checks on a file, as if it were a site's home page.

For admins who saved a suspicious page, for incident responders, and for testing the checks
on files (`assetwatch check-page FILE [--url URL] [--spider-file FILE] [--json]`). Nothing
is fetched and nothing is stored: the page is read as the prober would have received it.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from pathlib import Path

from checks.errors import UserError
from checks.model import (
    Asset,
    DnsAnswer,
    DnsStatus,
    FindingRecord,
    FindingStatus,
    Hop,
    HttpEntry,
    Kind,
    ProbeOutcome,
    utcnow,
)
from checks.names import host_of, normalize_url
from checks.rules import RuleContext, evaluate
from checks.text import decode_body, extract_title

DEFAULT_URL = "http://localhost/"
PAGE_CHECKS = ("seo-spam", "injected-script")
"""What a saved page can show: the page-content compromise checks."""
BODY_CAP = 2 * 1024 * 1024
"""Bytes of a saved page read. More than the prober keeps (512 KiB), so that the tail of a
large Chinese page (3 bytes a character) is read; the checks still read at most 512 Ki
characters of it (checks.rules.compromise.scan.PAGE_CAP)."""


def read_saved(path: Path) -> bytes:
    """The first `BODY_CAP` bytes of a saved page.

    Raises:
        UserError: the file cannot be read.
    """
    try:
        with path.open("rb") as file:
            return file.read(BODY_CAP)
    except OSError as exc:
        raise UserError(
            f"cannot read {path}: {exc.strerror}", f"无法读取 {path}：{exc.strerror}"
        ) from None


def _entry(url: str, body: bytes) -> HttpEntry:
    body = body[:BODY_CAP]
    return HttpEntry(
        url,
        status=200,
        hops=(Hop(url, 200),),
        final_url=url,
        headers=(("content-type", "text/html"),),
        title=extract_title(decode_body(None, body)),
        body=body,
    )


def page_outcome(
    page: bytes, url: str = DEFAULT_URL, spider: bytes | None = None, *, now: datetime
) -> ProbeOutcome:
    """The probe outcome a site serving `page` at `url` would have given.

    Raises:
        UserError: `url` is not an http(s) URL.
    """
    url = normalize_url(url)
    host = host_of(url)
    asset = Asset(host, Kind.WEBSITE, urls=(url,))
    return ProbeOutcome(
        asset,
        now,
        now,
        DnsAnswer(host, DnsStatus.ANSWER),
        (_entry(url, page),),
        spider=_entry(url, spider) if spider is not None else None,
    )


def check_page(
    page: bytes,
    url: str = DEFAULT_URL,
    spider: bytes | None = None,
    *,
    known_hosts: Iterable[str] = (),
    now: datetime | None = None,
) -> list[FindingRecord]:
    """Findings of the page checks on a saved page, shaped as `scan` reports them (open, now).

    Args:
        page: the page as saved (any charset the prober understands).
        url: where it was served; its host is the page's own site.
        spider: the page Baiduspider got, when saved too (cloaking is then compared).
        known_hosts: other hosts of the organisation (their scripts are not foreign).
        now: the time the findings are dated with (default: now).

    Raises:
        UserError: `url` is not an http(s) URL.
    """
    when = now or utcnow()
    outcome = page_outcome(page, url, spider, now=when)
    ctx = RuleContext(when, frozenset(known_hosts))
    return [
        FindingRecord(f, FindingStatus.OPEN, when, when)
        for f in evaluate(outcome, ctx)
        if f.check in PAGE_CHECKS
    ]
