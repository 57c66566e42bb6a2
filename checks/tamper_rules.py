"""Checks for signs of compromise: seo-spam, injected-script, content-changed."""

from __future__ import annotations

from checks.baseline import Baseline, baseline_from, similarity
from checks.compromise import (
    PageScan,
    scan_page,
    script_domains,
    script_signals,
    spam_links,
    spam_words,
)
from checks.models import Finding, HttpEntry, ProbeOutcome
from checks.pages import decode_body
from checks.rule_kit import finding

CHANGED_BELOW = 0.5
"""content-changed fires when the page's text keeps less than half its baseline shingles."""


def _scanned(entry: HttpEntry) -> tuple[str, PageScan]:
    text = decode_body(entry.header("content-type"), entry.body)
    return text, scan_page(text)


def seo_spam(outcome: ProbeOutcome) -> list[Finding]:
    """seo-spam: gambling, adult or pharma words in links to other sites, hidden or in bulk."""
    host = outcome.asset.host
    for entry in [e for e in outcome.http if e.body] + ([outcome.spider] if outcome.spider else []):
        _, scan = _scanned(entry)
        hidden, anywhere = spam_links(scan, host)
        if len(hidden) >= 2:
            evidence = f"{entry.final_url}: hidden links to other sites with {', '.join(hidden)}"
            return [finding(outcome, "seo-spam", evidence)]
        if len(anywhere) >= 4:
            evidence = f"{entry.final_url}: links to other sites with {', '.join(anywhere)}"
            return [finding(outcome, "seo-spam", evidence)]
    return []


def _spam_in_title(title: str) -> list[str]:
    lower = title.lower()
    return [w for w in spam_words() if w in lower]


def injected_script(outcome: ProbeOutcome, baseline: Baseline | None) -> list[Finding]:
    """injected-script: cloaking or packed redirect code, spider-only pages, new script hosts."""
    host = outcome.asset.host
    signals: list[str] = []
    browser = [e for e in outcome.http if e.body]
    for entry in browser:
        text, scan = _scanned(entry)
        signals += [f"{entry.final_url}: {s}" for s in script_signals(text, scan, host)]
        if baseline is not None and baseline.url in ("", entry.final_url):
            new = sorted(set(script_domains(scan, host)) - set(baseline.script_domains))
            if new:
                signals.append(
                    f"{entry.final_url}: scripts from {', '.join(new)} (not in the baseline)"
                )
    spider = outcome.spider
    if spider is not None and spider.status is not None and browser:
        seen_by_people = next((e for e in browser if e.url == spider.url), browser[0])
        spam = _spam_in_title(spider.title)
        if spam and not _spam_in_title(seen_by_people.title):
            signals.append(
                f"cloaking: Baiduspider gets title {spider.title!r}, "
                f"browsers {seen_by_people.title!r}"
            )
        if (
            spider.final_url
            and seen_by_people.final_url
            and (spider.final_url.split("/")[2] != seen_by_people.final_url.split("/")[2])
        ):
            signals.append(f"cloaking: Baiduspider is sent to {spider.final_url}")
    if not signals:
        return []
    return [finding(outcome, "injected-script", "; ".join(dict.fromkeys(signals)))]


def content_changed(outcome: ProbeOutcome, baseline: Baseline | None) -> list[Finding]:
    """content-changed: the home page's text moved away from the accepted baseline."""
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
