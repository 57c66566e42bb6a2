"""Which pages of an outcome the compromise checks read, and how each is read."""

from __future__ import annotations

from checks.model import HttpEntry, ProbeOutcome
from checks.rules._kit import RuleContext, page_text
from checks.rules.compromise.page import PageView, page_view
from checks.text import decode_body

SCRIPT_CAP = 256 * 1024
"""Characters of a fetched script that are read."""


def entries(outcome: ProbeOutcome) -> list[HttpEntry]:
    """The pages to read: every browser page with a body, then the one Baiduspider got."""
    found = [e for e in outcome.http if e.body]
    if outcome.spider is not None and outcome.spider.body:
        found.append(outcome.spider)
    return found


def _fetched(outcome: ProbeOutcome) -> tuple[tuple[str, str], ...]:
    return tuple(
        (s.url, decode_body("text/javascript", s.body)[:SCRIPT_CAP])
        for s in outcome.scripts
        if s.body and s.status is not None and s.status < 300
    )


def view_of(outcome: ProbeOutcome, entry: HttpEntry, ctx: RuleContext) -> PageView:
    """The page of `entry`, read with the asset's and the inventory's hosts as its own."""
    hosts = ctx.known_hosts
    if outcome.asset.host not in hosts:
        hosts = hosts | {outcome.asset.host}
    url = entry.final_url or entry.url
    return page_view(page_text(entry), url, hosts, _fetched(outcome))
