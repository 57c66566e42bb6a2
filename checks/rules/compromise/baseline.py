"""The accepted baseline of a home page, and content-changed against it."""

from __future__ import annotations

import hashlib
import html
import re
from dataclasses import replace

from checks.model import Asset, Baseline, Finding, ProbeOutcome
from checks.rules._kit import RuleContext, finding, main_page, page_text
from checks.rules.compromise.page import page_view
from checks.rules.compromise.scripts import script_hosts_of
from checks.text import extract_title

_INVISIBLE = re.compile(r"<(script|style|noscript)\b.*?</\1\s*>", re.IGNORECASE | re.DOTALL)
_TAG = re.compile(r"<[^>]+>")
_SPACE = re.compile(r"\s+")
TEXT_CAP = 65536
SHINGLE = 8
"""Characters per shingle: word-free, so Chinese text compares as well as English."""
CHANGED_BELOW = 0.5
"""content-changed fires when the page's text keeps less than half its baseline shingles."""


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


def page_baseline(asset: Asset, page: str, url: str = "") -> Baseline:
    """A baseline made of an HTML page (an earlier copy of a site, for instance)."""
    view = page_view(page, url or f"https://{asset.host}/", frozenset({asset.host}))
    return Baseline(
        url=url,
        title=extract_title(page),
        text=visible_text(page),
        script_domains=tuple(sorted(script_hosts_of(view))),
        sha256=hashlib.sha256(page.encode("utf-8")).hexdigest(),
    )


def baseline_from(outcome: ProbeOutcome) -> Baseline | None:
    """A baseline made of the outcome's home page (the first 2xx page with a body), or None."""
    page = main_page(outcome, below=300, with_body=True)
    if page is None:
        return None
    made = page_baseline(outcome.asset, page_text(page), page.final_url)
    return replace(made, sha256=hashlib.sha256(page.body).hexdigest())


def content_changed(outcome: ProbeOutcome, ctx: RuleContext) -> list[Finding]:
    """content-changed: the home page's text moved away from the accepted baseline."""
    baseline = ctx.baseline
    if baseline is None:
        return []
    current = baseline_from(outcome)
    if current is None or current.sha256 == baseline.sha256:
        return []
    score = similarity(baseline.text, current.text)
    if score >= CHANGED_BELOW:
        return []
    evidence = (
        f"{current.url}: {score:.0%} of the baseline text remains; "
        f"title {baseline.title!r} -> {current.title!r}"
    )
    return [finding(outcome, "content-changed", evidence)]
