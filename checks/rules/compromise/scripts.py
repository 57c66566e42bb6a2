"""injected-script: code that cloaks, redirects or loads what the site did not put there.

Signals, each named in the evidence with the decoded payload quoted:
- crawler cloaking: a user-agent test for Baiduspider, Sogou, 360Spider, Bytespider,
  Googlebot... followed by a redirect, a title rewrite or a write;
- referrer cloaking: a document.referrer test against search engines, then a redirect
  or a write (bracket notation and \\x escapes undone first);
- a redirect to another site run on load (top.location.href=, location.replace(),
  self.location=), or a mobile-only one to a host with suspicious traits;
- anything a static decoder (unescape, atob, String.fromCharCode, \\x escapes, the packer)
  recovers that redirects, loads or names a foreign host that is not a known CDN;
- a script, hidden frame or meta refresh from a foreign host with suspicious traits
  (IP address, odd port, spam TLD, random-looking name, look-alike of a CDN), appended
  outside <html>, or absent from the accepted baseline;
- Baiduspider getting a spam title or another site than browsers.
"""

from __future__ import annotations

import ipaddress
import re

from checks.model import Baseline, Finding, HttpEntry, ProbeOutcome
from checks.rules._kit import RuleContext, finding
from checks.rules.compromise.elements import PageScan
from checks.rules.compromise.hosts import Place, foreign_place, known_host, place, traits
from checks.rules.compromise.js import Action
from checks.rules.compromise.page import Code, PageView
from checks.rules.compromise.reading import entries, view_of
from checks.rules.compromise.words import quote, spam_terms

_OBFUSCATORS = ("jsjiami.com.v", "sojson.v", "_0x")
_OBFUSCATOR_ACTS = re.compile(r"location|document\.write|createElement|\.src\s*=")
_URL = re.compile(r"(?:https?:)?//[a-z0-9.-]+\.[a-z]{2,}(?::\d+)?[^\s\"'<>)\\]*", re.I)
_REFRESH_URL = re.compile(r"url\s*=\s*['\"]?([^'\"\s>]+)", re.I)
_WHY = {
    "spider": "crawler cloaking (a user-agent test for search-engine spiders)",
    "referrer": "referrer cloaking (visitors arriving from a search engine)",
    "mobile": "for mobile browsers",
    "domain": "after a test of the page's host",
    "load": "on every visit",
}


def _hidden_how(code: Code) -> str:
    how = [code.chain] if code.chain else []
    how += list(code.undone)
    where = "" if code.origin in ("inline script", "on* attribute") else f" in {code.origin}"
    return (f" ({', '.join(how)})" if how else "") + where


def _foreign(url: str, view: PageView) -> Place | None:
    """The place of `url` when it is foreign and neither a known host nor a private address."""
    where = foreign_place(url, view.own)
    if where is None or known_host(where.host) is not None or _private(where.host):
        return None
    return where


def _private(host: str) -> bool:
    # An intranet address (an OA page sending staff to a private 192.168 address) is the
    # organisation's own network, not a planted host.
    try:
        address = ipaddress.ip_address(host)
    except ValueError:
        return False
    return address.is_private or address.is_loopback or address.is_link_local


def _redirect(action: Action, code: Code, view: PageView) -> str | None:
    if action.context == "handler":
        return None
    where = _foreign(action.target, view) if action.target else None
    if action.context == "spider" or (where is not None and action.context in ("referrer", "load")):
        target = action.target or "a computed address"
        how = f" (written with {action.hidden_by})" if action.hidden_by else ""
        return f"{_WHY[action.context]} redirects to {target}{how}"
    if where is not None and (code.chain or action.hidden_by or traits(where)):
        suspicious = ", ".join(traits(where)) or f"written with {action.hidden_by or code.chain}"
        return f"redirect {_WHY[action.context]} to {action.target} ({suspicious})"
    return None


def _loader(
    url: str, how: str, view: PageView, *, hidden: bool, context: str = "load"
) -> str | None:
    where = _foreign(url, view)
    if where is None:
        return None
    found = traits(where)
    if found:
        return f"{how} loads {url} ({', '.join(found)})"
    if hidden:
        return f"{how} loads {url} from a host that is not a known CDN or analytics service"
    if context in ("spider", "referrer"):
        return f"{_WHY[context]} loads {url}"
    return None


def _names_foreign(text: str, view: PageView) -> bool:
    return any(_foreign(m.group(), view) for m in _URL.finditer(text[:20000]))


def _action(action: Action, code: Code, view: PageView) -> str | None:
    if action.kind == "redirect":
        return _redirect(action, code, view)
    if action.kind == "title":
        if spam_terms(action.target):
            return f"document.title rewritten to {quote(action.target)} {_WHY[action.context]}"
        return None
    if action.kind == "write":
        cloaked = action.context in ("spider", "referrer")
        if cloaked and (spam_terms(action.target) or _names_foreign(action.target, view)):
            return f"{_WHY[action.context]} writes {quote(action.target)}"
        return None
    if action.context == "handler":
        return None
    hidden = bool(code.chain) or action.context in ("spider", "referrer")
    return _loader(
        action.target,
        f"a created <{'script' if action.kind == 'loader' else 'iframe'}>",
        view,
        hidden=hidden,
        context=action.context,
    )


def _code_signals(code: Code, view: PageView) -> list[str]:
    signals = []
    for action in code.actions:
        if (signal := _action(action, code, view)) is not None:
            signals.append(signal + _hidden_how(code))
    if "packer" in code.chain and not signals:
        # the packer hides any payload; unescape, atob... around plain links are seo-spam's
        for match in _URL.finditer(code.text[:20000]):
            if _foreign(match.group(), view) is not None:
                signals.append(f"{code.chain} hides {quote(code.text, 120)} naming {match.group()}")
                break
    if (
        not code.chain
        and any(m in code.text for m in _OBFUSCATORS)
        and _OBFUSCATOR_ACTS.search(code.text)
    ):
        mark = next(m for m in _OBFUSCATORS if m in code.text)
        signals.append(f"{mark}… obfuscated code that redirects, loads or writes the page")
    return signals


def _scan_signals(scan: PageScan, view: PageView, how: str) -> list[str]:
    signals = []
    written = how != "page"
    hidden_source = written and how != "written by document.write"
    for script in scan.scripts:
        if script.src:
            label = (
                f"<script> {how}"
                if written
                else ("<script> outside <html>" if script.outside else "<script>")
            )
            signal = _loader(script.src, label, view, hidden=hidden_source or script.outside)
            if signal:
                signals.append(signal)
    for frame in scan.frames:
        if not frame.src or _foreign(frame.src, view) is None:
            continue
        concealed = frame.reason or scan.concealed(frame.block)
        if concealed or frame.full or hidden_source:
            what = concealed or ("full-page" if frame.full else how)
            signals.append(f"{what} iframe of {frame.src}")
    for content in scan.refreshes:
        match = _REFRESH_URL.search(content)
        if match and _foreign(match.group(1), view) is not None:
            signals.append(f"meta refresh to {match.group(1)}" + (f" ({how})" if written else ""))
    return signals


def page_signals(view: PageView) -> list[str]:
    """Every injected-script signal of one page."""
    signals = _scan_signals(view.scan, view, "page")
    for code in view.codes:
        signals += _code_signals(code, view)
    for written in view.written:
        signals += _scan_signals(written.scan, view, f"written by {written.technique}")
    return list(dict.fromkeys(signals))


def script_hosts_of(view: PageView) -> set[str]:
    """Foreign hosts the page loads scripts from (tags, created and written scripts)."""
    urls = [s.src for s in view.scan.scripts if s.src]
    urls += [s.src for w in view.written for s in w.scan.scripts if s.src]
    urls += [a.target for c in view.codes for a in c.actions if a.kind == "loader"]
    return {where.host for url in urls if (where := foreign_place(url, view.own)) is not None}


def _new_hosts(view: PageView, baseline: Baseline) -> list[str]:
    new = script_hosts_of(view) - set(baseline.script_domains)
    return sorted(h for h in new if known_host(h) is None)


def _spider_signals(outcome: ProbeOutcome, browser: list[HttpEntry]) -> list[str]:
    spider = outcome.spider
    if spider is None or spider.status is None or not browser:
        return []
    people = next((e for e in browser if e.url == spider.url), browser[0])
    signals = []
    if spam_terms(spider.title) and not spam_terms(people.title):
        signals.append(
            f"cloaking: Baiduspider gets title {spider.title!r}, browsers {people.title!r}"
        )
    spider_at, people_at = place(spider.final_url), place(people.final_url)
    if spider_at and people_at and spider_at.host != people_at.host:
        signals.append(f"cloaking: Baiduspider is sent to {spider.final_url}")
    return signals


def injected_script(outcome: ProbeOutcome, ctx: RuleContext) -> list[Finding]:
    """injected-script: cloaking, redirecting, obfuscated or foreign code (see the module)."""
    signals: list[str] = []
    browser = [e for e in outcome.http if e.body]
    for entry in entries(outcome):
        view = view_of(outcome, entry, ctx)
        signals += [f"{entry.final_url}: {s}" for s in page_signals(view)]
        baseline = ctx.baseline
        if (
            baseline is not None
            and entry is not outcome.spider
            and baseline.url in ("", entry.final_url)
        ) and (new := _new_hosts(view, baseline)):
            signals.append(
                f"{entry.final_url}: scripts from {', '.join(new)} (not in the baseline)"
            )
    signals += _spider_signals(outcome, browser)
    if not signals:
        return []
    return [finding(outcome, "injected-script", "; ".join(dict.fromkeys(signals)))]
