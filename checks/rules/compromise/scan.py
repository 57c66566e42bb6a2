"""Reading a page for the compromise checks: links, scripts, frames, head, and what is hidden.

One lenient html.parser pass records every element as a `Block` (its inline style, id and
classes); after it, `<style>` rules and scripts that hide elements on load are resolved, so
a block is hidden by an inline style, a class or id rule, or a script. Input and work are
bounded: the first `PAGE_CAP` characters, at most `MAX_DEPTH` open elements.
"""

from __future__ import annotations

import re
from functools import lru_cache
from html.parser import HTMLParser

from checks.rules.compromise.css import colour, style_facts
from checks.rules.compromise.elements import Block, Frame, Link, PageScan, Script

PAGE_CAP = 512 * 1024
"""Characters of a page that are read (the prober keeps 512 KiB of body too)."""
MAX_DEPTH = 256
TAG_CAP = 10000
"""Start tags read per page (the busiest page of the clean corpus has 2,600)."""
STRAY_LT_MAX = 100_000
"""More "<" than this and those that open no tag are blanked before parsing."""
TEXT_CAP = 256 * 1024
"""Characters of element text kept for hidden-text checks."""

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
_BLOCK_TAGS = frozenset({"a", "body", "marquee", "noscript", "font"})
"""Tags that get a Block even without id, class or style (links, the page, marquees)."""
_ON_LOAD = ("onload", "onerror", "onpageshow")
"""Event attributes that run without the visitor doing anything (onclick and kin do not)."""
_VOID = frozenset(
    ("area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source")
    + ("track", "wbr", "param", "keygen")
)


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
            self.scan.background = colour(values.get("bgcolor", "")) or background or "#ffffff"
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
