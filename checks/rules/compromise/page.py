"""A page as both compromise checks read it: its scan, its own site, its code and what it writes.

Code is every inline script, on* attribute and fetched same-site script, normalized, plus
every payload the static decoders recover from them; HTML that code writes
(`document.write`, `innerHTML`) or that a decoder recovers is parsed like the page. All
of it is bounded (`CODE_BUDGET`, `WRITTEN_BUDGET`) and cached per page.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field
from functools import lru_cache

from checks.names import registrable_domain
from checks.rules.compromise.deobfuscate import CODE_CAP, decode_layers
from checks.rules.compromise.elements import Block, PageScan
from checks.rules.compromise.hosts import Sites, place, sites_of
from checks.rules.compromise.js import Action, actions, normalize
from checks.rules.compromise.scan import parse, scan_page

CODE_BUDGET = 400
"""Pieces of code read per page (scripts, attributes, decoded payloads)."""
WRITTEN_BUDGET = 64
"""Pieces of script-written HTML parsed per page."""
_NOT_CODE = ("json", "template", "html", "x-tmpl", "text/plain", "text/markdown")
_DECODABLE = ("unescape", "atob", "fromCharCode", "decodeURI", "\\x", "\\u", "p,a,c,k,e")
_TAG = re.compile(r"<\s*(?:a|script|iframe|title|div|span|p|meta|marquee|style|frame)\b", re.I)


@dataclass(frozen=True, slots=True)
class Code:
    """One piece of JavaScript of the page."""

    text: str
    """Normalized (see js.normalize)."""
    origin: str
    """"inline script", "on* attribute", or the URL of a fetched script."""
    undone: tuple[str, ...]
    """Disguises normalize() undid (\\x escapes, bracket notation)."""
    chain: str
    """How it was hidden, when a decoder recovered it ("atob", "unescape > packer"); "" if plain."""
    block: Block | None
    actions: tuple[Action, ...]


@dataclass(frozen=True, slots=True)
class Written:
    """HTML a script writes into the page, or a decoder recovered."""

    technique: str
    scan: PageScan
    block: Block | None
    """Where the writing script sits: written content inherits its hiding."""
    html: str
    context: str = "load"
    """The condition the write runs under (js.context): spider and referrer are cloaking."""


@dataclass
class PageView:
    """Everything the compromise checks read from one page."""

    url: str
    scan: PageScan
    own: Sites
    """The page's own sites (registrable domains): of the asset and the inventory, of the URL,
    of canonical/og:url/base, and of the main navigation."""
    codes: list[Code] = field(default_factory=list)
    written: list[Written] = field(default_factory=list)


def _dominant_site(scan: PageScan) -> str | None:
    # Links with spam words are left out: a planted block must not make its target "own".
    sites: Counter[str] = Counter()
    for link, terms in zip(scan.links, scan.terms()[0], strict=True):
        where = place(link.href)
        if where is not None and not terms:
            sites[registrable_domain(where.host)] += 1
    if not sites:
        return None
    site, count = sites.most_common(1)[0]
    return site if count >= 5 and count * 10 >= sum(sites.values()) * 3 else None


def own_sites(scan: PageScan, url: str, hosts: frozenset[str]) -> Sites:
    """The page's own sites: of `hosts`, the URL, where the page says it lives, its nav.

    The inventory's sites are one shared set, not copied per page (a copy per page made a
    sweep of 100,000 assets quadratic).
    """
    own = set()
    for candidate in [url, *scan.self_urls]:
        where = place(candidate)
        if where is not None:
            own.add(registrable_domain(where.host))
    if (site := _dominant_site(scan)) is not None:
        own.add(site)
    return Sites(sites_of(hosts), frozenset(own))


class _Reader:
    def __init__(self, view: PageView) -> None:
        self.view = view
        self.room = CODE_BUDGET

    def add_code(self, raw: str, origin: str, chain: str, block: Block | None, depth: int) -> None:
        if self.room <= 0 or not raw.strip():
            return
        self.room -= 1
        text, undone = normalize(raw[:CODE_CAP])
        found = tuple(actions(text))
        self.view.codes.append(Code(text, origin, undone, chain, block, found))
        self.add_writes(
            found, f"{chain} > document.write" if chain else "document.write", block, depth
        )
        if depth < 2 and any(marker in raw for marker in _DECODABLE):
            # bracket notation and escapes hide decoder calls too: window["atob"]("...")
            sources = [raw, text] if undone else [raw]
            items = [item for source in sources for item in decode_layers(source)]
            for item in dict.fromkeys(items):
                technique = f"{chain} > {item.technique}" if chain else item.technique
                if _TAG.search(item.text):
                    self.add_written(item.text, technique, block, depth + 1)
                self.add_decoded(item.text, origin, technique, block, depth + 1)

    def add_decoded(
        self, text: str, origin: str, chain: str, block: Block | None, depth: int
    ) -> None:
        if self.room <= 0:
            return
        self.room -= 1
        normal, undone = normalize(text[:CODE_CAP])
        found = tuple(actions(normal))
        self.view.codes.append(Code(normal, origin, undone, chain, block, found))
        self.add_writes(found, f"{chain} > document.write", block, depth)

    def add_writes(
        self, found: tuple[Action, ...], technique: str, block: Block | None, depth: int
    ) -> None:
        """What one piece of code writes, as one fragment per condition.

        Consecutive writes build one piece of HTML (`write('<div style=display:none>')`,
        then the links, then `write('</div>')`), so they are parsed together.
        """
        by_context: dict[str, list[str]] = {}
        for action in found:
            if action.kind == "write" and action.target:
                by_context.setdefault(action.context, []).append(action.target)
        for context, parts in by_context.items():
            html = "".join(parts)
            if "<" in html:
                self.add_written(html, technique, block, depth, context)

    def add_written(
        self, html: str, technique: str, block: Block | None, depth: int, context: str = "load"
    ) -> None:
        if len(self.view.written) >= WRITTEN_BUDGET:
            return
        fragment = parse(html)
        fragment.inherit = self.view.scan
        self.view.written.append(Written(technique, fragment, block, html, context))
        for script in fragment.scripts:
            if script.code and depth < 3:
                self.add_code(script.code, "written script", technique, block, depth + 1)


def _is_code(script_type: str) -> bool:
    return not any(word in script_type for word in _NOT_CODE)


@lru_cache(maxsize=32)
def page_view(
    text: str, url: str, hosts: frozenset[str], fetched: tuple[tuple[str, str], ...] = ()
) -> PageView:
    """Read a page (cached: both checks read the same pages). Treat the result as read-only.

    Args:
        text: the page.
        url: where it was served (its host is the page's own).
        hosts: hosts of the asset and of other inventoried assets.
        fetched: (URL, body) of same-site scripts the prober fetched.
    """
    scan = scan_page(text)
    view = PageView(url, scan, own_sites(scan, url, hosts))
    reader = _Reader(view)
    for script in scan.scripts:
        if script.code and _is_code(script.kind):
            reader.add_code(script.code, "inline script", "", script.block, 0)
    for handler in scan.handlers[:200]:
        reader.add_code(handler, "on* attribute", "", None, 1)
    for source, body in fetched:
        reader.add_code(body, source, "", None, 0)
    return view
