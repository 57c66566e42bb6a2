"""A page's accepted baseline: its visible text and script sources, to notice tampering."""

from __future__ import annotations

import hashlib
import html
import re
from dataclasses import dataclass, replace

from checks.compromise import scan_page, script_domains
from checks.models import Asset, HttpEntry, ProbeOutcome
from checks.pages import decode_body, extract_title

_INVISIBLE = re.compile(r"<(script|style|noscript)\b.*?</\1\s*>", re.IGNORECASE | re.DOTALL)
_TAG = re.compile(r"<[^>]+>")
_SPACE = re.compile(r"\s+")
TEXT_CAP = 65536
SHINGLE = 8
"""Characters per shingle: word-free, so Chinese text compares as well as English."""


@dataclass(frozen=True, slots=True)
class Baseline:
    """What the home page looked like when the admin (or the first probe) accepted it."""

    url: str
    title: str
    text: str
    """Visible text, whitespace collapsed, capped at 64 KiB."""
    script_domains: tuple[str, ...]
    sha256: str


def visible_text(page: str) -> str:
    """The text a reader sees: scripts, styles and tags removed, entities decoded."""
    text = _TAG.sub(" ", _INVISIBLE.sub(" ", page))
    return _SPACE.sub(" ", html.unescape(text)).strip()[:TEXT_CAP]


def similarity(a: str, b: str) -> float:
    """Jaccard similarity of the two texts' character shingles: 1.0 identical, 0.0 unrelated."""
    if a == b:
        return 1.0
    sa = {a[i : i + SHINGLE] for i in range(max(1, len(a) - SHINGLE + 1))}
    sb = {b[i : i + SHINGLE] for i in range(max(1, len(b) - SHINGLE + 1))}
    return len(sa & sb) / len(sa | sb) if sa | sb else 1.0


def main_page(outcome: ProbeOutcome) -> HttpEntry | None:
    """The home page the baseline is about: the first URL that answered 2xx with a body."""
    pages = [e for e in outcome.http if e.status is not None and e.status < 300 and e.body]
    pages.sort(key=lambda e: not e.final_url.startswith("https://"))
    return pages[0] if pages else None


def page_baseline(asset: Asset, page: str, url: str = "") -> Baseline:
    """A baseline made of an HTML page (an earlier copy of a site, for instance)."""
    scan = scan_page(page)
    return Baseline(
        url=url,
        title=extract_title(page),
        text=visible_text(page),
        script_domains=tuple(script_domains(scan, asset.host)),
        sha256=hashlib.sha256(page.encode("utf-8")).hexdigest(),
    )


def baseline_from(outcome: ProbeOutcome) -> Baseline | None:
    """A baseline made of the outcome's home page, or None when there is no page."""
    page = main_page(outcome)
    if page is None:
        return None
    text = decode_body(page.header("content-type"), page.body)
    made = page_baseline(outcome.asset, text, page.final_url)
    return replace(made, sha256=hashlib.sha256(page.body).hexdigest())
