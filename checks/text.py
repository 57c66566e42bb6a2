"""Text from the network: decoding pages (charset, title) and making any text inert for display."""

from __future__ import annotations

import codecs
import html
import re

_META_CHARSET = re.compile(
    rb"""<meta[^>]+charset\s*=\s*["']?\s*([a-zA-Z0-9_.:-]+)""", re.IGNORECASE
)
_HEADER_CHARSET = re.compile(r"""charset\s*=\s*["']?\s*([a-zA-Z0-9_.:-]+)""", re.IGNORECASE)
_TITLE = re.compile(r"<title[^>]*>(.*?)</title\s*>", re.IGNORECASE | re.DOTALL)
_SPACE = re.compile(r"\s+")
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]")

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
    """Text made harmless for a terminal or a document: control characters become `\\xNN`.

    Network and people's text is data: an ESC or a C1 control must never reach a terminal.
    """
    return _CONTROL.sub(lambda m: f"\\x{ord(m.group()):02x}", text)
