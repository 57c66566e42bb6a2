"""Reading a page for the compromise checks: links, scripts, frames, head, and what is hidden.

One lenient html.parser pass records every element as a `Block` (its inline style, id and
classes); after it, `<style>` rules and scripts that hide elements on load are resolved, so
a block is hidden by an inline style, a class or id rule, or a script. Input and work are
bounded: the first `PAGE_CAP` characters, at most `MAX_DEPTH` open elements.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache
from html.parser import HTMLParser

from checks.rules.compromise.words import terms_per_item

PAGE_CAP = 512 * 1024
"""Characters of a page that are read (the prober keeps 512 KiB of body too)."""
MAX_DEPTH = 256
TAG_CAP = 10000
"""Start tags read per page (the busiest page of the clean corpus has 2,600)."""
STRAY_LT_MAX = 100_000
"""More "<" than this and those that open no tag are blanked before parsing."""
TEXT_CAP = 256 * 1024
"""Characters of element text kept for hidden-text checks."""
STYLE_CAP = 256 * 1024
ITEM_CAP = 4096
"""Characters of one link's or text node's text matched against the spam words."""

_HIDING = tuple(
    (hint, re.compile(pattern))
    for hint, pattern in (
        ("display", r"display\s*:\s*none"),
        ("visibility", r"visibility\s*:\s*hidden"),
        ("opacity", r"opacity\s*:\s*0(?:\.0+)?\s*(?:;|$|!)"),
        ("font-size", r"font-size\s*:\s*(?:0|1|0?\.\d+)(?:px|pt|em|rem)?\s*(?:;|$|!)"),
        ("-", r"(?:left|top|right|text-indent|margin-left|margin-top)\s*:\s*-\d{3,}"),
        ("height", r"(?<![-\w])(?:max-)?height\s*:\s*0(?:px)?\s*(?:;|$|!)"),
        ("clip", r"clip\s*:\s*rect\(\s*0[^)]*\)"),
        ("scale", r"transform\s*:\s*scale\(\s*0\s*\)"),
    )
)
"""(substring, pattern) pairs: a pattern runs only when its substring is in the style."""
_TINY = re.compile(r"(?<![-\w])(width|height)\s*:\s*([0-2])(?:px)?\s*(?:;|$|!)", re.I)
_COLOR = re.compile(r"(?<![-\w])(color|background-color|background)\s*:\s*([^;!]+)", re.I)
_NAMED = {"white": "#ffffff", "black": "#000000", "#fff": "#ffffff", "#000": "#000000"}
_SPECIAL = frozenset(
    [
        "html",
        "a",
        "img",
        "meta",
        "base",
        "link",
        "iframe",
        "frame",
        "script",
        "style",
        "title",
        "noscript",
    ]
)
"""Tags whose attributes or content the scan records."""
FRAMEWORK_HIDERS = frozenset(
    (".hidden", ".hide", ".d-none", ".invisible", ".sr-only", ".visually-hidden")
    + (".screen-reader-text", ".element-invisible", ".layui-hide", ".is-hidden", ".u-hide")
)
"""Classes CSS frameworks (Bootstrap, WordPress, Drupal, layui, Bulma) define as hidden: a
block using one is hidden even when the rule sits in an external stylesheet."""
_BLOCK_TAGS = frozenset({"a", "body", "marquee", "noscript", "font"})
"""Tags that get a Block even without id, class or style (links, the page, marquees)."""
_ON_LOAD = ("onload", "onerror", "onpageshow")
"""Event attributes that run without the visitor doing anything (onclick and kin do not)."""
_VOID = frozenset(
    ("area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source")
    + ("track", "wbr", "param", "keygen")
)


def _colour(value: str) -> str:
    value = value.strip().lower().split()[0] if value.strip() else ""
    if re.fullmatch(r"#[0-9a-f]{3}", value):
        value = "#" + "".join(c * 2 for c in value[1:])
    return _NAMED.get(value, value)


def hiding(style: str) -> str:
    """Why a declaration block hides its element ("display:none", "1-pixel box"), or ""."""
    lower = style.lower()
    for hint, pattern in _HIDING:
        if hint in lower and (match := pattern.search(lower)):
            return re.sub(r"\s+", "", match.group()).rstrip(";!")
    if "width" in lower and "height" in lower:
        tiny = {m.group(1) for m in _TINY.finditer(lower)}
        if tiny == {"width", "height"}:
            return "1-pixel box"
    return ""


def style_facts(style: str) -> tuple[str, str, str]:
    """(hiding reason or "", text colour, background colour) of a declaration block."""
    reason = hiding(style)
    lower = style.lower()
    colour = background = ""
    if "color" in lower or "background" in lower:
        for m in _COLOR.finditer(lower):
            value = _colour(m.group(2))
            if m.group(1) == "color":
                colour = value
            elif value.startswith("#") or value.isalpha():
                background = value
    return reason, colour, background


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
            self.css_text = _css(self)
        return self.css_text

    @property
    def tints(self) -> dict[str, tuple[str, str]]:
        """'.class' or '#id' -> (colour, background) of <style> rules (read on first use)."""
        if self.tints_found is None:
            own = _resolve_tints(self)
            self.tints_found = {**self.inherit.tints, **own} if self.inherit else own
        return self.tints_found

    def resolve(self) -> None:
        """Read <style> rules and hiding scripts (once; most pages never need it)."""
        if self.resolved:
            return
        self.resolved = True
        _resolve_styles(self)
        _resolve_scripts(self, [s.code for s in self.scripts if s.code])
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


class _Scanner(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.scan = PageScan()
        self._stack: list[Block | None] = []
        self._tags: list[str] = []
        """Open elements; `_stack` holds the Block each one's content belongs to."""
        self._link: Link | None = None
        self._script: Script | None = None
        self._buffer: list[str] = []
        self._in: str = ""
        """"script", "style" or "title" while inside one (their text is collected)."""
        self._noscript = 0
        self._seen_html = False
        self._closed_html = False
        self._text_room = TEXT_CAP
        self._tag_room = TAG_CAP

    def _top(self) -> Block | None:
        return self._stack[-1] if self._stack else None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self._tag_room -= 1
        if self._tag_room < 0:
            raise _Enough
        values: dict[str, str] = {k: v or "" for k, v in attrs} if attrs else {}
        if values and ("onload" in values or "onerror" in values or "onpageshow" in values):
            self.scan.handlers.extend(values[n] for n in _ON_LOAD if values.get(n))
        block = None
        if tag not in _VOID:
            if (
                values
                and ("class" in values or "style" in values or "id" in values)
                or (tag in _BLOCK_TAGS or "hidden" in values)
            ):
                block = self._block(tag, values)
            if len(self._tags) < MAX_DEPTH:
                self._tags.append(tag)
                self._stack.append(block or self._top())
        if tag in _SPECIAL:
            self._special(tag, values, block)

    def _block(self, tag: str, values: dict[str, str]) -> Block:
        reason = "hidden attribute" if "hidden" in values else ""
        if tag == "marquee" and not reason:
            reason = _tiny_box(values, "marquee")
        elif tag == "noscript":
            reason = "inside <noscript>"
        ident = values.get("id", "").strip()
        style = values.get("style", "")
        if tag == "font" and values.get("color"):
            style = f"color:{values['color']};{style}"
        block = Block(tag, self._top(), ident, values.get("class", ""), style, reason)
        if tag == "body":
            background = block.own_facts()[2]
            self.scan.background = _colour(values.get("bgcolor", "")) or background or "#ffffff"
        return block

    def _special(self, tag: str, values: dict[str, str], block: Block | None) -> None:
        if tag == "html":
            self._seen_html = True
            for script in self.scan.scripts:
                script.outside = True
        elif tag == "a":
            href = values.get("href", "")
            if href and block is not None:
                self._link = Link(href, block, values.get("title", ""))
                self.scan.links.append(self._link)
        elif tag == "img" and self._link is not None:
            self._link.text += " " + values.get("alt", "")
        elif tag == "meta":
            self._meta(values)
        elif tag == "base" or (tag == "link" and values.get("rel", "").lower() == "canonical"):
            self.scan.self_urls.append(values.get("href", ""))
        elif tag in ("iframe", "frame"):
            self._frame(values)
        elif tag == "script":
            self._script = Script(
                values.get("src", ""),
                "",
                self._top(),
                self._closed_html,
                values.get("type", "").lower(),
            )
            self.scan.scripts.append(self._script)
            self._in, self._buffer = "script", []
        elif tag in ("style", "title"):
            self._in, self._buffer = tag, []
        elif tag == "noscript":
            self._noscript += 1

    def _meta(self, values: dict[str, str]) -> None:
        name = values.get("name", "").lower()
        if name in ("keywords", "description") and name not in self.scan.metas:
            self.scan.metas[name] = values.get("content", "")
        if values.get("property", "").lower() == "og:url":
            self.scan.self_urls.append(values.get("content", ""))
        if values.get("http-equiv", "").lower() == "refresh" and not self._noscript:
            self.scan.refreshes.append(values.get("content", ""))

    def _frame(self, values: dict[str, str]) -> None:
        reason = style_facts(values.get("style", ""))[0] or _tiny_box(values, "frame")
        style = re.sub(r"\s+", "", values.get("style", "").lower())
        full = (values.get("width", "") == "100%" and values.get("height", "") == "100%") or (
            "width:100%" in style and "height:100%" in style
        )
        self.scan.frames.append(Frame(values.get("src", ""), self._top(), reason, full))

    def handle_endtag(self, tag: str) -> None:
        if tag == self._in:
            self._close_cdata()
        if tag == "a":
            self._link = None
        elif tag == "noscript":
            self._noscript = max(0, self._noscript - 1)
        elif tag == "html":
            self._closed_html = True
        tags = self._tags
        for index in range(len(tags) - 1, max(-1, len(tags) - 65), -1):
            if tags[index] == tag:
                del tags[index:]
                del self._stack[index:]
                break

    def _close_cdata(self) -> None:
        text = "".join(self._buffer)
        if self._in == "script" and self._script is not None:
            self._script.code = text
            self._script = None
        elif self._in == "style":
            self.scan.styles.append(text)
        elif self._in == "title" and not self.scan.title:
            self.scan.title = text
        self._in, self._buffer = "", []

    def handle_data(self, data: str) -> None:
        if self._in:
            self._buffer.append(data)
            return
        if self._link is not None:
            self._link.text += data  # a link's text is read with the link, not again here
        elif self._text_room > 0 and self._stack and not data.isspace():
            self.scan.texts.append((self._stack[-1], data))
            self._text_room -= len(data)


def _tiny_box(values: dict[str, str], what: str) -> str:
    sizes = [values.get("width", "").strip().rstrip("px"), values.get("height", "").strip()]
    sizes[1] = sizes[1].rstrip("px")
    if any(s.isdigit() and int(s) <= 2 for s in sizes):
        return f"{'x'.join(s or '?' for s in sizes)}-pixel {what}"
    return ""


_COMMENT = re.compile(r"/\*.*?\*/", re.DOTALL)
_AT_BLOCK = re.compile(r"@[\w-]+[^{;]*\{(?:[^{}]*\{[^{}]*\})*[^{}]*\}")
_RULE = re.compile(r"([^{}]+)\{([^{}]*)\}")
_SIMPLE = re.compile(
    r"(?:^|[\s>+~])(?:[a-z][a-z0-9]*)?([.#][\w-]+)(?:\s*>?\s*(?:a|\*))?$", re.IGNORECASE
)
"""The class or id a selector's last compound names (`.x`, `div.x`, `.box .x`, `#x a`)."""


def _css(scan: PageScan) -> str:
    css = _COMMENT.sub(" ", "\n".join(scan.styles)[:STYLE_CAP])
    for marker in ("<!--", "-->", "<![CDATA[", "]]>"):
        css = css.replace(marker, " ")
    return _AT_BLOCK.sub(" ", css)


def _rule_keys(selectors: str) -> list[str]:
    # what precedes the selector in the same run of text: @import ...; @charset ...;
    selectors = selectors.rsplit(";", 1)[-1]
    return [m.group(1) for s in selectors.split(",") if (m := _SIMPLE.search(s.strip()))]


_HIDING_WORDS = ("none", "hidden", "opacity", "font-size", ":-", ": -", "height", "clip", "scale")


def _resolve_styles(scan: PageScan) -> None:
    for match in _RULE.finditer(scan.css()):
        body = match.group(2)
        if any(word in body for word in _HIDING_WORDS) and (reason := hiding(body)):
            for key in _rule_keys(match.group(1)):
                scan.hiders.setdefault(key, reason)


def _resolve_tints(scan: PageScan) -> dict[str, tuple[str, str]]:
    tints: dict[str, tuple[str, str]] = {}
    for match in _RULE.finditer(scan.css()):
        body = match.group(2)
        if "color" in body or "background" in body:
            _, colour, background = style_facts(body)
            for key in _rule_keys(match.group(1)):
                tints.setdefault(key, (colour, background))
    return tints


_BY_ID = r"getElementById\(\s*['\"]([\w-]+)['\"]\s*\)"
_HIDE_VALUE = r"\.style\.(?:display|visibility)\s*=\s*['\"](?:none|hidden)['\"]"
_SCRIPT_HIDES = (
    re.compile(_BY_ID + _HIDE_VALUE),
    re.compile(r"querySelector\(\s*['\"]([#.][\w-]+)['\"]\s*\)" + _HIDE_VALUE),
    re.compile(
        r"\$\(\s*['\"]([#.][\w-]+)['\"]\s*\)\s*\.\s*(?:hide\(\s*\)|css\(\s*['\"]"
        r"(?:display|visibility)['\"]\s*,\s*['\"](?:none|hidden))"
    ),
    re.compile(r"getElementsByClassName\(\s*['\"]([\w-]+)['\"]\s*\)\s*\[\s*\d+\s*\]" + _HIDE_VALUE),
)
_CSS_TEXT = re.compile(
    _BY_ID + r"\.(?:style\.cssText\s*=|setAttribute\(\s*['\"]style['\"]\s*,)\s*['\"][^'\"]*"
    r"(?:display\s*:\s*none|visibility\s*:\s*hidden)"
)
_VAR_BY_ID = re.compile(r"document\." + _BY_ID)
_VAR_NAME = re.compile(r"([\w$]+)\s*=\s*$")


def _resolve_scripts(scan: PageScan, codes: list[str]) -> None:
    for code in codes:
        if "style" not in code and ".hide(" not in code and ".css(" not in code:
            continue
        for match in _CSS_TEXT.finditer(code):
            scan.hiders.setdefault("#" + match.group(1), "hidden by a script after load")
        for number, pattern in enumerate(_SCRIPT_HIDES):
            for match in pattern.finditer(code):
                key = match.group(1)
                if number == 0:
                    key = "#" + key
                elif number == 3:
                    key = "." + key
                scan.hiders.setdefault(key, "hidden by a script after load")
        for match in _VAR_BY_ID.finditer(code):
            assigned = _VAR_NAME.search(code, max(0, match.start() - 40), match.start())
            if assigned is None:
                continue
            name = re.escape(assigned.group(1))
            if re.search(rf"(?<![\w$.]){name}{_HIDE_VALUE}", code):
                scan.hiders.setdefault("#" + match.group(1), "hidden by a script after load")


class _Enough(Exception):
    """Raised inside the parser when a page has more tags than any real page needs."""


_STRAY_LT = re.compile(r"<(?![a-zA-Z/!?])")


def parse(text: str) -> PageScan:
    """Parse HTML leniently (broken markup yields what could be read); no caching.

    Bounded: `PAGE_CAP` characters, `TAG_CAP` tags; a page made of stray "<" (which
    html.parser handles at 2 µs each) has them blanked first.
    """
    text = text[:PAGE_CAP]
    if text.count("<") > STRAY_LT_MAX:
        text = _STRAY_LT.sub(" ", text)
    scanner = _Scanner()
    try:
        scanner.feed(text)
        scanner.close()
    except (AssertionError, ValueError, _Enough):
        pass
    if scanner._in:
        scanner._close_cdata()
    return scanner.scan


@lru_cache(maxsize=32)
def scan_page(text: str) -> PageScan:
    """`parse`, cached: several checks read the same page in one evaluation. Read-only."""
    return parse(text)
