"""Signs of compromise in a page: hidden spam links, injected or cloaking scripts.

Pure functions over page text. They are tuned to stay silent on shared/corpus/clean/ (real,
legitimate pages full of analytics, CDN scripts, hidden menus and news about gambling
crackdowns): prefer missing a subtle injection to crying wolf at every news portal.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import cache, lru_cache
from html.parser import HTMLParser
from urllib.parse import urlsplit

from checks.signals import load_data

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
