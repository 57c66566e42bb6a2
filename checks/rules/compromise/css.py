"""Reading CSS enough to know what hides: declarations, <style> rules, hiding scripts.

String-level and pure; the scan asks these when it needs to know whether a block is
visible (most pages never do).
"""

from __future__ import annotations

import re

STYLE_CAP = 256 * 1024
"""Characters of <style> text that are read."""
RULE_HITS_CAP = 500
"""Hits of one hiding pattern read in a page's <style> text."""

_HIDING = tuple(
    (hints, re.compile(pattern))
    for hints, pattern in (
        (("display",), r"display\s*:\s*none"),
        (("visibility",), r"visibility\s*:\s*hidden"),
        (("opacity",), r"opacity\s*:\s*0(?:\.0+)?\s*(?:;|$|!|\})"),
        (("font-size",), r"font-size\s*:\s*(?:0|1|0?\.\d+)(?:px|pt|em|rem)?\s*(?:;|$|!|\})"),
        ((":-", ": -"), r"(?:left|top|right|text-indent|margin-left|margin-top)\s*:\s*-\d{3,}"),
        (("height:0", "height: 0"), r"(?<![-\w])(?:max-)?height\s*:\s*0(?:px)?\s*(?:;|$|!|\})"),
        (("clip",), r"clip\s*:\s*rect\(\s*0[^)]*\)"),
        (("scale",), r"transform\s*:\s*scale\(\s*0\s*\)"),
    )
)
"""(substrings, pattern) pairs: a pattern runs only when one of its substrings is there."""
_TINY_HINTS = ("width:0", "width:1", "width:2", "width: 0", "width: 1", "width: 2")
_TINY = re.compile(r"(?<![-\w])(width|height)\s*:\s*([0-2])(?:px)?\s*(?:;|$|!|\})", re.I)
_COLOR = re.compile(r"(?<![-\w])(color|background-color|background)\s*:\s*([^;!]+)", re.I)
_NAMED = {"white": "#ffffff", "black": "#000000", "#fff": "#ffffff", "#000": "#000000"}
FRAMEWORK_HIDERS = frozenset(
    (".hidden", ".hide", ".d-none", ".invisible", ".sr-only", ".visually-hidden")
    + (".screen-reader-text", ".element-invisible", ".layui-hide", ".is-hidden", ".u-hide")
)
"""Classes CSS frameworks (Bootstrap, WordPress, Drupal, layui, Bulma) define as hidden: a
block using one is hidden even when the rule sits in an external stylesheet."""


def colour(value: str) -> str:
    """A CSS colour in one spelling (#fff, white -> #ffffff) for comparison."""
    value = value.strip().lower().split()[0] if value.strip() else ""
    if re.fullmatch(r"#[0-9a-f]{3}", value):
        value = "#" + "".join(c * 2 for c in value[1:])
    return _NAMED.get(value, value)


def hiding(style: str) -> str:
    """Why a declaration block hides its element ("display:none", "1-pixel box"), or ""."""
    lower = style.lower()
    for hints, pattern in _HIDING:
        if any(hint in lower for hint in hints) and (match := pattern.search(lower)):
            return re.sub(r"\s+", "", match.group()).rstrip(";!}")
    if "height" in lower and any(hint in lower for hint in _TINY_HINTS):
        tiny = {m.group(1) for m in _TINY.finditer(lower)}
        if tiny == {"width", "height"}:
            return "1-pixel box"
    return ""


def style_facts(style: str) -> tuple[str, str, str]:
    """(hiding reason or "", text colour, background colour) of a declaration block."""
    reason = hiding(style)
    lower = style.lower()
    text = background = ""
    if "color" in lower or "background" in lower:
        for m in _COLOR.finditer(lower):
            value = colour(m.group(2))
            if m.group(1) == "color":
                text = value
            elif value.startswith("#") or value.isalpha():
                background = value
    return reason, text, background


_COMMENT = re.compile(r"/\*.*?\*/", re.DOTALL)
_AT_BLOCK = re.compile(r"@[\w-]+[^{;]*\{(?:[^{}]*\{[^{}]*\})*[^{}]*\}")
_RULE = re.compile(r"([^{}]+)\{([^{}]*)\}")
_SIMPLE = re.compile(
    r"(?:^|[\s>+~])(?:[a-z][a-z0-9]*)?([.#][\w-]+)(?:\s*>?\s*(?:a|\*))?$", re.IGNORECASE
)
"""The class or id a selector's last compound names (`.x`, `div.x`, `.box .x`, `#x a`)."""


def css_text(styles: list[str]) -> str:
    """The text of <style> elements, comments, HTML comment markers and @-blocks removed."""
    css = _COMMENT.sub(" ", "\n".join(styles)[:STYLE_CAP])
    for marker in ("<!--", "-->", "<![CDATA[", "]]>"):
        css = css.replace(marker, " ")
    return _AT_BLOCK.sub(" ", css)


def _rule_keys(selectors: str) -> list[str]:
    # what precedes the selector in the same run of text: @import ...; @charset ...;
    selectors = selectors.rsplit(";", 1)[-1]
    return [m.group(1) for s in selectors.split(",") if (m := _SIMPLE.search(s.strip()))]


_TINY_WIDTH = re.compile(r"width\s*:\s*[0-2](?:px)?\s*(?:;|!|\})")


def hiding_rules(css: str) -> dict[str, str]:
    """'.class' or '#id' -> why its <style> rule hides it.

    Each hiding pattern (each starting with a literal) is searched over the whole text, and
    the rule around a hit is read: a page with 700 rules, most with `border:none` or
    `overflow:hidden`, costs a few searches instead of 700 small ones.
    """
    lower = css.lower()
    rules: dict[int, str] = {}
    for _, pattern in _HIDING:
        for number, match in enumerate(pattern.finditer(lower)):
            if number >= RULE_HITS_CAP:
                break
            open_at = lower.rfind("{", 0, match.start())
            if open_at >= 0 and lower.find("}", open_at, match.start()) < 0:
                rules.setdefault(open_at, re.sub(r"\s+", "", match.group()).rstrip(";!}"))
    for number, match in enumerate(_TINY_WIDTH.finditer(lower)):
        if number >= RULE_HITS_CAP:
            break
        open_at = lower.rfind("{", 0, match.start())
        close_at = lower.find("}", match.start())
        if open_at >= 0 and hiding(lower[open_at + 1 : close_at]) == "1-pixel box":
            rules.setdefault(open_at, "1-pixel box")
    found: dict[str, str] = {}
    for open_at, reason in sorted(rules.items()):
        start = max(lower.rfind("}", 0, open_at), lower.rfind("{", 0, open_at)) + 1
        for key in _rule_keys(css[start:open_at]):
            found.setdefault(key, reason)
    return found


def tint_rules(css: str) -> dict[str, tuple[str, str]]:
    """'.class' or '#id' -> (text colour, background colour) of its <style> rule."""
    tints: dict[str, tuple[str, str]] = {}
    for match in _RULE.finditer(css):
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


def script_hiders(codes: list[str]) -> dict[str, str]:
    """'#id' or '.class' -> "hidden by a script after load", for blocks scripts hide."""
    hiders: dict[str, str] = {}
    why = "hidden by a script after load"
    for code in codes:
        if "style" not in code and ".hide(" not in code and ".css(" not in code:
            continue
        for match in _CSS_TEXT.finditer(code):
            hiders.setdefault("#" + match.group(1), why)
        for number, pattern in enumerate(_SCRIPT_HIDES):
            for match in pattern.finditer(code):
                key = match.group(1)
                if number == 0:
                    key = "#" + key
                elif number == 3:
                    key = "." + key
                hiders.setdefault(key, why)
        for match in _VAR_BY_ID.finditer(code):
            assigned = _VAR_NAME.search(code, max(0, match.start() - 40), match.start())
            if assigned is None:
                continue
            name = re.escape(assigned.group(1))
            if re.search(rf"(?<![\w$.]){name}{_HIDE_VALUE}", code):
                hiders.setdefault("#" + match.group(1), why)
    return hiders
