"""Signs of compromise: hidden spam links, injected or cloaking scripts, a changed home page.

Pure functions over page text. They are tuned to stay silent on shared/corpus/clean/ (real,
legitimate pages full of analytics, CDN scripts, hidden menus and news about gambling
crackdowns): prefer missing a subtle injection to crying wolf at every news portal.
"""

from __future__ import annotations

import hashlib
import html
import re
from dataclasses import dataclass, field, replace
from functools import cache, lru_cache
from html.parser import HTMLParser
from urllib.parse import urlsplit

from checks.knowledge import load_data
from checks.model import Asset, Baseline, Finding, HttpEntry, ProbeOutcome
from checks.rules._kit import RuleContext, finding, main_page, page_text
from checks.text import extract_title

_HIDDEN_STYLE = re.compile(
    r"display\s*:\s*none|visibility\s*:\s*hidden|font-size\s*:\s*0(?:px|pt|em)?\s*(?:;|$)"
    r"|(?:left|top|text-indent)\s*:\s*-\d{3,}px",
    re.IGNORECASE,
)
_VOID = {
    "area",
    "base",
    "br",
    "col",
    "embed",
    "hr",
    "img",
    "input",
    "link",
    "meta",
    "source",
    "track",
    "wbr",
}
SEARCH_ENGINES = re.compile(r"baidu|sogou|so\.com|360|google|bing|sm\.cn|yahoo|toutiao", re.I)
_REFERRER_REDIRECT = re.compile(
    r"document\.referrer.{0,400}?(?:location(?:\.href)?\s*=|location\.replace\(|window\.open\()"
    r"\s*[\"'](https?://[^\"']+)",
    re.IGNORECASE | re.DOTALL,
)
_PACKED_REDIRECT = re.compile(
    r"eval\(function\(p,a,c,k,e,[dr]\).{0,4000}?(?:location|window\.open)",
    re.IGNORECASE | re.DOTALL,
)
_OBFUSCATOR_MARKS = ("jsjiami.com.v", "sojson.v")
_META_REFRESH = re.compile(
    r"<meta[^>]+http-equiv\s*=\s*[\"']?refresh[^>]*content\s*=\s*[\"'][^\"']*url\s*=\s*(https?://[^\"'>\s]+)",
    re.IGNORECASE,
)
_NOSCRIPT = re.compile(r"<noscript\b.*?</noscript>", re.IGNORECASE | re.DOTALL)


@cache
def spam_words() -> tuple[str, ...]:
    """Every strong spam keyword (lower case), from checks/data/spam.json."""
    data = load_data("spam.json")["keywords"]
    return tuple(sorted({w.lower() for words in data.values() for w in words}))


@dataclass
class _Link:
    href: str
    hidden: bool
    text: str = ""


@dataclass
class PageScan:
    """What a page holds that matters for compromise checks."""

    links: list[_Link] = field(default_factory=list)
    scripts: list[str] = field(default_factory=list)
    """src URLs of <script> elements."""
    inline_js: list[str] = field(default_factory=list)


class _Scanner(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.scan = PageScan()
        self._stack: list[tuple[str, bool]] = []
        self._link: _Link | None = None
        self._in_script = False
        self._script: list[str] = []

    def _hidden(self) -> bool:
        return any(hidden for _, hidden in self._stack)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = {k: v or "" for k, v in attrs}
        hidden = bool(_HIDDEN_STYLE.search(values.get("style", ""))) or "hidden" in values
        if tag == "script":
            if values.get("src"):
                self.scan.scripts.append(values["src"])
            self._in_script = True
            self._script = []
        if tag == "a" and values.get("href"):
            self._link = _Link(values["href"], hidden or self._hidden())
            self.scan.links.append(self._link)
        if tag not in _VOID:
            self._stack.append((tag, hidden))

    def handle_endtag(self, tag: str) -> None:
        if tag == "script" and self._in_script:
            self._in_script = False
            self.scan.inline_js.append("".join(self._script))
        if tag == "a":
            self._link = None
        for index in range(len(self._stack) - 1, -1, -1):
            if self._stack[index][0] == tag:
                del self._stack[index:]
                break

    def handle_data(self, data: str) -> None:
        if self._in_script:
            self._script.append(data)
        elif self._link is not None:
            self._link.text += data


@lru_cache(maxsize=32)
def scan_page(text: str) -> PageScan:
    """Parse a page leniently; broken HTML yields what could be read.

    Cached: several checks read the same page in one evaluation. Treat the result as read-only.
    """
    scanner = _Scanner()
    try:
        scanner.feed(text)
        scanner.close()
    except (AssertionError, ValueError):
        pass
    return scanner.scan


def _site(host: str) -> str:
    """The registrable-ish part of a host: the last two labels (three under .com.cn and kin)."""
    labels = host.lower().rstrip(".").split(".")
    if len(labels) >= 3 and labels[-2] in ("com", "net", "org", "gov", "edu", "ac"):
        return ".".join(labels[-3:])
    return ".".join(labels[-2:])


def foreign(url: str, own_host: str) -> str | None:
    """The host of an absolute URL on another site than `own_host`, else None."""
    host = urlsplit(url if "//" in url else "").hostname
    if not host:
        return None
    return host if _site(host) != _site(own_host) else None


def spam_links(scan: PageScan, own_host: str) -> tuple[list[str], list[str]]:
    """Distinct spam words in links to other sites: (in hidden blocks, anywhere)."""
    words = spam_words()
    hidden: set[str] = set()
    anywhere: set[str] = set()
    for link in scan.links:
        if foreign(link.href, own_host) is None:
            continue
        text = (link.text + " " + link.href).lower()
        found = {w for w in words if w in text}
        anywhere |= found
        if link.hidden:
            hidden |= found
    return sorted(hidden), sorted(anywhere)


def script_signals(text: str, scan: PageScan, own_host: str) -> list[str]:
    """Cloaking and obfuscated redirects: referrer-driven jumps to other sites, packed redirects."""
    signals = []
    for js in scan.inline_js:
        match = _REFERRER_REDIRECT.search(js)
        if match and SEARCH_ENGINES.search(js) and foreign(match.group(1), own_host):
            signals.append(f"script sends visitors from search engines to {match.group(1)}")
        if _PACKED_REDIRECT.search(js):
            signals.append("packed eval(function(p,a,c,k,e,d)) script that redirects")
        for mark in _OBFUSCATOR_MARKS:
            if mark in js and re.search(r"location|document\.write", js):
                signals.append(f"{mark} obfuscated script that redirects or writes the page")
    for match in _META_REFRESH.finditer(_NOSCRIPT.sub("", text)):
        if foreign(match.group(1), own_host):
            signals.append(f"meta refresh to {match.group(1)}")
    return list(dict.fromkeys(signals))


def script_domains(scan: PageScan, own_host: str) -> list[str]:
    """Hosts of other sites the page loads scripts from."""
    return sorted({h for src in scan.scripts if (h := foreign(src, own_host))})


# -- the accepted baseline -----------------------------------------------------------

_INVISIBLE = re.compile(r"<(script|style|noscript)\b.*?</\1\s*>", re.IGNORECASE | re.DOTALL)
_TAG = re.compile(r"<[^>]+>")
_SPACE = re.compile(r"\s+")
TEXT_CAP = 65536
SHINGLE = 8
"""Characters per shingle: word-free, so Chinese text compares as well as English."""


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
    scan = scan_page(page)
    return Baseline(
        url=url,
        title=extract_title(page),
        text=visible_text(page),
        script_domains=tuple(script_domains(scan, asset.host)),
        sha256=hashlib.sha256(page.encode("utf-8")).hexdigest(),
    )


def baseline_from(outcome: ProbeOutcome) -> Baseline | None:
    """A baseline made of the outcome's home page (the first 2xx page with a body), or None."""
    page = main_page(outcome, below=300, with_body=True)
    if page is None:
        return None
    made = page_baseline(outcome.asset, page_text(page), page.final_url)
    return replace(made, sha256=hashlib.sha256(page.body).hexdigest())


# -- the checks ------------------------------------------------------------------------

CHANGED_BELOW = 0.5
"""content-changed fires when the page's text keeps less than half its baseline shingles."""


def _scanned(entry: HttpEntry) -> tuple[str, PageScan]:
    text = page_text(entry)
    return text, scan_page(text)


def seo_spam(outcome: ProbeOutcome, ctx: RuleContext) -> list[Finding]:
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


def injected_script(outcome: ProbeOutcome, ctx: RuleContext) -> list[Finding]:
    """injected-script: cloaking or packed redirect code, spider-only pages, new script hosts."""
    host = outcome.asset.host
    baseline = ctx.baseline
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
