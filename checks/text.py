"""Text from the network: decoding pages (charset, title) and making any text inert for display."""

from __future__ import annotations

import codecs
import html
import json
import re
from typing import Any

_META_CHARSET = re.compile(
    rb"""<meta[^>]+charset\s*=\s*["']?\s*([a-zA-Z0-9_.:-]+)""", re.IGNORECASE
)
_HEADER_CHARSET = re.compile(r"""charset\s*=\s*["']?\s*([a-zA-Z0-9_.:-]+)""", re.IGNORECASE)
_TITLE = re.compile(r"<title[^>]*>(.*?)</title\s*>", re.IGNORECASE | re.DOTALL)
_SPACE = re.compile(r"\s+")
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]")
_BIDI = re.compile("[\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]")
"""Directional marks and overrides (they reorder what a reader sees) and line separators."""

_CHINESE = {"gbk", "gb2312", "gb_2312-80", "x-gbk", "cp936", "gb18030", "euc-cn", "hz-gb-2312"}
"""Labels browsers decode as GB18030 (the WHATWG Encoding Standard maps GBK and GB2312 to it)."""

TITLE_MAX = 300
"""Characters of a title we keep; a longer one is cut with an ellipsis."""


def _codec(label: str) -> str | None:
    label = label.strip().lower()
    if label in _CHINESE:
        return "gb18030"
    try:
        return codecs.lookup(label).name
    except LookupError:
        return None


def _is_utf8(body: bytes) -> bool:
    try:
        body[:65536].decode("utf-8")
    except UnicodeDecodeError as exc:
        return exc.start >= min(len(body), 65536) - 6  # a sequence cut by the slice
    return True


def sniff_charset(content_type: str | None, body: bytes) -> str:
    """The codec for `body`: Content-Type's charset, else <meta>, else UTF-8 or GB18030."""
    if content_type:
        match = _HEADER_CHARSET.search(content_type)
        if match and (codec := _codec(match.group(1))):
            return codec
    meta = _META_CHARSET.search(body[:4096])
    if meta and (codec := _codec(meta.group(1).decode("ascii", "replace"))):
        # A page saved as UTF-8 that kept its old gb2312 label (common in copies of sites):
        # Chinese text in GBK is essentially never valid UTF-8, so valid UTF-8 wins.
        if codec == "gb18030" and not body.isascii() and _is_utf8(body):
            return "utf-8"
        return codec
    try:
        body[:65536].decode("utf-8")
    except UnicodeDecodeError as exc:
        # A cut multi-byte sequence at the end of the slice is not evidence against UTF-8.
        if exc.start < 65530:
            return "gb18030"
    return "utf-8"


def decode_body(content_type: str | None, body: bytes) -> str:
    """The body as text, undecodable bytes replaced."""
    return body.decode(sniff_charset(content_type, body), errors="replace")


def extract_title(text: str) -> str:
    """The page's <title>, entities decoded and whitespace collapsed; "" when there is none."""
    match = _TITLE.search(text)
    if not match:
        return ""
    title = _SPACE.sub(" ", html.unescape(match.group(1))).strip()
    return title if len(title) <= TITLE_MAX else title[: TITLE_MAX - 1] + "…"


def inert(text: str) -> str:
    """Text made harmless for a terminal or a document: control characters become `\\xNN`,
    directional overrides `\\u202e`.

    Network and people's text is data: an ESC, a C1 control or a right-to-left override must
    never reach a terminal, a report or a log as anything but visible escapes.
    """
    text = _CONTROL.sub(lambda m: f"\\x{ord(m.group()):02x}", text)
    return _BIDI.sub(lambda m: f"\\u{ord(m.group()):04x}", text)


def has_controls(text: str) -> bool:
    """True when `text` holds a control character or a directional override."""
    return bool(_CONTROL.search(text) or _BIDI.search(text))


EXCERPT = 60
"""Characters of someone's input an error message quotes at most."""


def excerpt(text: str, limit: int = EXCERPT) -> str:
    """A short, inert, quoted excerpt of input for an error message (never megabytes of it)."""
    cut = text if len(text) <= limit else text[: limit - 1] + "…"
    return "'" + inert(cut) + "'"


_UNSAFE_IN_JSON = re.compile("[\x7f-\x9f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]")


def json_text(data: Any, indent: int | None = None) -> str:
    """JSON with C1 controls and direction characters escaped as `\\uXXXX`.

    They are legal in JSON, but a terminal acts on C1 controls and a right-to-left override
    reorders what a person reads; json itself escapes only C0. Parsers read the same data.
    """
    text = json.dumps(data, ensure_ascii=False, indent=indent)
    return _UNSAFE_IN_JSON.sub(lambda m: f"\\u{ord(m.group()):04x}", text)
