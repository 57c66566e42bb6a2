"""What a page is made of for the compromise checks: blocks, links, scripts, frames.

`PageScan` answers whether a block is visible: by its own attributes, a <style> rule, a
framework class, a script that hides it on load, or text coloured like its background.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from checks.rules.compromise.css import (
    FRAMEWORK_HIDERS,
    css_text,
    hiding_rules,
    script_hiders,
    style_facts,
    tint_rules,
)
from checks.rules.compromise.words import terms_per_item

ITEM_CAP = 4096
"""Characters of one link's or text node's text matched against the spam words."""


@dataclass(slots=True, eq=False)
class Block:
    """One element of the page, with what its own attributes say about visibility."""

    tag: str
    parent: Block | None
    ident: str = ""
    classes: str = ""
    """The class attribute as written."""
    style: str = ""
    """The style attribute as written (read only when visibility is asked)."""
    reason: str = ""
    """Why its other attributes hide it ("hidden attribute", "1x1-pixel marquee"), or ""."""
    facts: tuple[str, str, str] | None = None
    """style_facts(style), once computed."""
    resolved: str | None = None

    def own_facts(self) -> tuple[str, str, str]:
        """(hiding reason, colour, background) of its own attributes."""
        if self.facts is None:
            facts = style_facts(self.style) if self.style else ("", "", "")
            self.facts = (self.reason or facts[0], facts[1], facts[2])
        return self.facts


@dataclass(slots=True)
class Link:
    """An <a href> and its text (alt and title of images inside included)."""

    href: str
    block: Block
    text: str = ""


@dataclass(slots=True)
class Script:
    """A <script>: its src, or its inline code."""

    src: str
    code: str
    block: Block | None
    outside: bool = False
    """Before <html> or after </html>: where injected code is often appended."""
    kind: str = ""
    """The type attribute, lower case ("" for plain JavaScript)."""


@dataclass(slots=True)
class Frame:
    """An <iframe> or <frame> and whether its own size or style hides it."""

    src: str
    block: Block | None
    reason: str = ""
    full: bool = False
    """width and height 100%: an overlay that replaces the page."""


@dataclass
class PageScan:
    """What a page holds that matters for compromise checks."""

    title: str = ""
    metas: dict[str, str] = field(default_factory=dict)
    """keywords and description, as written."""
    refreshes: list[str] = field(default_factory=list)
    """content of <meta http-equiv=refresh> outside <noscript>."""
    links: list[Link] = field(default_factory=list)
    scripts: list[Script] = field(default_factory=list)
    frames: list[Frame] = field(default_factory=list)
    styles: list[str] = field(default_factory=list)
    texts: list[tuple[Block | None, str]] = field(default_factory=list)
    handlers: list[str] = field(default_factory=list)
    """Code of onload/onerror/onpageshow attributes: it runs with no click."""
    self_urls: list[str] = field(default_factory=list)
    """Where the page says it lives: <link rel=canonical>, og:url, <base href>."""
    background: str = "#ffffff"
    """The page's background colour, as far as <body> says."""
    hiders: dict[str, str] = field(default_factory=dict)
    """'.class' or '#id' -> why it hides its element (a <style> rule, a script)."""
    tints_found: dict[str, tuple[str, str]] | None = None
    """'.class' or '#id' -> (colour, background) from <style> rules, once read (`tints`)."""
    css_text: str | None = None
    link_terms: list[set[str]] | None = None
    """Spam words of each link (text and href), once computed (see `terms`)."""
    text_terms: list[set[str]] | None = None
    inherit: PageScan | None = None
    """For HTML a script writes: the page it is written into (its rules apply)."""
    resolved: bool = False
    """Whether <style> rules and hiding scripts were read (done on the first `hidden`)."""

    def terms(self) -> tuple[list[set[str]], list[set[str]]]:
        """Spam words of every link and of every text node, computed once."""
        if self.link_terms is None or self.text_terms is None:
            # An item is read up to ITEM_CAP characters: spam words open a link's text.
            self.link_terms = terms_per_item(
                [f"{link.text[:ITEM_CAP]} {_host(link.href)[:256]}" for link in self.links]
            )
            self.text_terms = terms_per_item([text[:ITEM_CAP] for _, text in self.texts])
        return self.link_terms, self.text_terms

    def css(self) -> str:
        """The page's <style> text, comments and @-blocks removed (computed once)."""
        if self.css_text is None:
            self.css_text = css_text(self.styles)
        return self.css_text

    @property
    def tints(self) -> dict[str, tuple[str, str]]:
        """'.class' or '#id' -> (colour, background) of <style> rules (read on first use)."""
        if self.tints_found is None:
            own = tint_rules(self.css())
            self.tints_found = {**self.inherit.tints, **own} if self.inherit else own
        return self.tints_found

    def resolve(self) -> None:
        """Read <style> rules and hiding scripts (once; most pages never need it)."""
        if self.resolved:
            return
        self.resolved = True
        self.hiders.update(hiding_rules(self.css()))
        for key, why in script_hiders([s.code for s in self.scripts if s.code]).items():
            self.hiders.setdefault(key, why)
        if self.inherit is not None:
            self.inherit.resolve()
            self.hiders = {**self.inherit.hiders, **self.hiders}
            self.background = self.inherit.background

    def hidden(self, block: Block | None) -> str:
        """Why the text of `block` is hidden (by it or an ancestor), or "" when it is visible."""
        return self.concealed(block) or (self._same_colour(block) if block is not None else "")

    def concealed(self, block: Block | None) -> str:
        """Why `block` or an ancestor is not displayed (styles, classes, scripts), or ""."""
        self.resolve()
        chain: list[Block] = []
        reason = ""
        current = block
        while current is not None:
            if current.resolved is not None:
                reason = current.resolved
                break
            chain.append(current)
            current = current.parent
        for item in reversed(chain):
            reason = reason or self._own(item)
            item.resolved = reason
        return reason

    def _own(self, block: Block) -> str:
        reason = block.own_facts()[0]
        if reason:
            return reason
        keys = _keys(block)
        for key in keys:
            if key in self.hiders:
                return f"{key} {{{self.hiders[key]}}}"
            if key in FRAMEWORK_HIDERS:
                return f"{key} (a framework class that hides)"
        return ""

    def _colour_of(self, block: Block) -> str:
        own = block.own_facts()[1]
        return own or next((self.tints[k][0] for k in _keys(block) if k in self.tints), "")

    def _same_colour(self, block: Block) -> str:
        # The text's colour is its own or the nearest ancestor's; so is the background.
        holder: Block | None = block
        colour = ""
        while holder is not None and not (colour := self._colour_of(holder)):
            holder = holder.parent
        if not colour:
            return ""
        current: Block | None = block
        while current is not None:
            tint = current.own_facts()[2] or next(
                (self.tints[k][1] for k in _keys(current) if k in self.tints and self.tints[k][1]),
                "",
            )
            if tint:
                return f"text coloured {colour} on {tint}" if tint == colour else ""
            current = current.parent
        return f"text coloured {colour} on {colour}" if colour == self.background else ""


_HOST = re.compile(r"\s*(?:[a-zA-Z]+:)?//([^/?#\s]+)")


def _host(href: str) -> str:
    # Spam words in a link's address are in its host (www.bet365-xx.com): paths and queries
    # are long and hold nothing the words list needs.
    match = _HOST.match(href)
    return match.group(1) if match else ""


def _keys(block: Block) -> list[str]:
    keys = [f"#{block.ident}"] if block.ident else []
    return keys + [f".{c}" for c in block.classes.split()] if block.classes else keys
