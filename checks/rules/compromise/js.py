"""What a piece of JavaScript does to the page, read statically from its text.

`normalize` undoes the cheap disguises (`\\x..` escapes, `window["location"]["href"]`,
`"loc"+"ation"`); `actions` then lists redirects, script and frame loaders, title rewrites
and `document.write`s, each with the condition it runs under (on load, in a click handler,
for mobile browsers, for crawlers, for visitors from a search engine).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from checks.rules.compromise.deobfuscate import STRING, decode_call, fold_concat, unquote_js

_HEX = re.compile(r"\\x([0-9a-fA-F]{2})|\\u([0-9a-fA-F]{4})")
_BRACKET = re.compile(r"\[\s*(['\"])([A-Za-z_$][\w$]*)\1\s*\]")
_JOIN = re.compile(r"\"\s*\+\s*\"|'\s*\+\s*'")


def normalize(code: str) -> tuple[str, tuple[str, ...]]:
    """`code` with escapes decoded, literal concatenations joined and brackets as dots.

    Returns the text and the names of the disguises that were undone.
    """
    undone = []
    if "\\x" in code or "\\u" in code:
        decoded = _HEX.sub(lambda m: chr(int(m.group(1) or m.group(2), 16)), code)
        if decoded != code:
            undone.append("\\x escapes")
            code = decoded
    if "+" in code:
        code = _JOIN.sub("", code)
    if "[" in code:
        dotted = _BRACKET.sub(r".\2", code)
        if dotted != code:
            undone.append("bracket notation")
            code = dotted
    return code, tuple(undone)


@dataclass(frozen=True, slots=True)
class Action:
    """Something a script does that matters: where it sends, loads or writes."""

    kind: str
    """redirect, loader, frame, title or write."""
    target: str
    """The URL or text, from literals ("" when the code computes it)."""
    context: str
    """load, handler, spider, referrer, mobile or domain (see `context`)."""
    hidden_by: str = ""
    """The decoder the target was written with (atob, unescape ...), or ""."""


_EXPR = rf"((?:{STRING}|[\w$.]+)(?:\s*\+\s*(?:{STRING}|[\w$.()]+))*)"
# Every pattern starts with a literal, so the regex engine skips ahead to it: one
# alternation with a leading \b costs 40 ns per character of code (4 ms on a news portal).
_REDIRECTS = tuple(
    re.compile(head + r"\s*" + _EXPR)
    for head in (
        r"location(?:\s*\.\s*href)?\s*=(?!=)",
        r"location\s*\.\s*(?:replace|assign)\s*\(",
        r"window\s*\.\s*(?:open|navigate)\s*\(",
    )
)
_TITLES = (re.compile(r"document\s*\.\s*title\s*=(?!=)\s*" + _EXPR),)
_WRITES = tuple(
    re.compile(head + r"\s*" + _EXPR)
    for head in (
        r"document\s*\.\s*write(?:ln)?\s*\(",
        r"innerHTML\s*\+?=(?!=)",
        r"outerHTML\s*\+?=(?!=)",
        r"insertAdjacentHTML\s*\(\s*" + STRING + r"\s*,",
        r"\.html\s*\(",
        r"\.append\s*\(",
        r"\.prepend\s*\(",
    )
)
_GET_SCRIPT = re.compile(r"getScript\s*\(\s*" + _EXPR)
"""jQuery's $.getScript(url): a loader in one call."""
_CREATE = re.compile(r"createElement\s*\(\s*['\"](script|iframe)['\"]\s*\)", re.IGNORECASE)
_SRC = re.compile(
    r"\.\s*src\s*=(?!=)\s*" + _EXPR + r"|setAttribute\s*\(\s*['\"]src['\"]\s*,\s*" + _EXPR
)

SPIDERS = re.compile(
    r"spider|bot\b|bot/|bot[|)'\"]|crawler|slurp",
    re.IGNORECASE,
)
"""Crawler names in user-agent tests (Baiduspider, Sogou web spider, 360Spider, Bytespider,
YisouSpider, Googlebot, bingbot ...), from XingZhou2024/WebsiteTamperingDetector's cloaking
patterns. A bare "sogou" is left out: it also names the Sogou browser (SE 2.X MetaSr)."""
SEARCH_ENGINES = re.compile(
    r"baidu|sogou|so\.com|360|google|bing|sm\.cn|yahoo|toutiao|haosou|soso|youdao|yandex",
    re.IGNORECASE,
)
_UA = re.compile(r"useragent|user-agent|navigator\.platform|appversion", re.IGNORECASE)
_MOBILE = re.compile(
    r"mobile|android|iphone|ipad|ipod|symbian|windows\s*phone|ucweb|midp|blackberry|webos|"
    r"opera\s*mini|ismobile|browser\.versions|wap",
    re.IGNORECASE,
)
_DOMAIN = re.compile(r"location\.host|location\.hostname|document\.domain", re.IGNORECASE)
_HANDLER = re.compile(
    r"(?:click|submit|change|key\w*|mouse\w*|touch\w*|focus|blur|scroll|resize|hover|"
    r"\bon(?!load)\w+\s*=|addEventListener\(\s*['\"](?!load|DOMContentLoaded|pageshow)\w+['\"])"
    r"[^;{}]{0,40}$",
    re.IGNORECASE,
)
_TOKENS = re.compile(
    STRING + r"|/\*.*?\*/|//[^\n]*|\bfunction\b\s*([\w$]*)\s*\([^)]*\)\s*\{|=>\s*\{|[{}]",
    re.DOTALL,
)
WINDOW = 1200
"""Characters before an action where its condition is looked for."""


def _function_at(code: str, position: int) -> tuple[str, str] | None:
    """(name, the text before its `function`) of the innermost function around `position`."""
    stack: list[tuple[str, str] | None] = []
    for token in _TOKENS.finditer(code, 0, position):
        text = token.group()
        if text == "{":
            stack.append(None)
        elif text == "}":
            if stack:
                stack.pop()
        elif text.endswith("{"):
            start = token.start()
            stack.append((token.group(1) or "", code[max(0, start - 80) : start]))
    return next((frame for frame in reversed(stack) if frame is not None), None)


def _condition(code: str, position: int) -> str:
    window = code[max(0, position - WINDOW) : position]
    has_ua = _UA.search(window) is not None
    if has_ua and SPIDERS.search(window):
        return "spider"
    if "referrer" in window.lower() and SEARCH_ENGINES.search(window):
        return "referrer"
    if has_ua and _MOBILE.search(window):
        return "mobile"
    if _DOMAIN.search(window):
        return "domain"
    return "load"


def _in_handler(code: str, position: int) -> bool:
    function = _function_at(code, position)
    if function is None:
        return False
    name, before = function
    called = name and len(re.findall(rf"(?<![\w$.]){re.escape(name)}\s*\(", code)) > 1
    return bool(_HANDLER.search(before) or (name and not called))


def context(code: str, position: int, *, handlers: bool = True) -> str:
    """The condition the code at `position` runs under.

    handler: inside a click/submit/... handler or a named function never called here;
    spider: after a user-agent test for crawlers; referrer: after a document.referrer test
    against search engines; mobile: after a user-agent test for phones; domain: after a
    test of the page's own host (anti-mirroring); load: anything else, run on load.
    `handlers=False` skips the (costlier) handler test.
    """
    if handlers and _in_handler(code, position):
        return "handler"
    return _condition(code, position)


@lru_cache(maxsize=256)
def _assignment(name: str) -> re.Pattern[str]:
    return re.compile(re.escape(name) + rf"\s*=\s*({STRING})")


def _assigned(code: str, name: str) -> str | None:
    for match in _assignment(name).finditer(code):
        start = match.start()
        if not start or not (code[start - 1].isalnum() or code[start - 1] in "_$."):
            return unquote_js(match.group(1))
    return None


def _value(expression: str, code: str) -> str:
    """The value of an expression from literals, a variable assigned a literal leading it."""
    if expression[:1] in "'\"":
        return fold_concat(expression)
    first = re.match(r"\s*([\w$]+)\s*(?:\+|$)", expression)
    if first and (known := _assigned(code, first.group(1))) is not None:
        return known + fold_concat(expression[first.end() :])
    return fold_concat(expression)


_HINTS = (
    (("location", "open", "navigate"), "redirect"),
    (("title",), "title"),
    (("write", "HTML", ".html", "append", "prepend"), "write"),
)
_PATTERNS = {"redirect": _REDIRECTS, "title": _TITLES, "write": _WRITES}
ACTIONS_CAP = 24
"""Actions of one kind read per piece of code (a minified bundle may hold hundreds)."""


def _handler_matters(kind: str, target: str) -> bool:
    return kind in ("redirect", "loader", "frame") and ("//" in target or not target)


def actions(code: str) -> list[Action]:
    """Every redirect, loader, title rewrite and write in normalized `code`, with its context."""
    found: list[Action] = []
    for hints, kind in _HINTS:
        if not any(hint in code for hint in hints):
            continue
        for pattern in _PATTERNS[kind]:
            for number, match in enumerate(pattern.finditer(code)):
                if number >= ACTIONS_CAP:
                    break
                start = match.start()
                if start and (code[start - 1].isalnum() or code[start - 1] in "_$"):
                    continue  # xlocation=, mylocation.href=: another name
                decoded = decode_call(code, match.start(1))
                target = decoded.text if decoded else _value(match.group(1), code)
                where = context(code, start, handlers=_handler_matters(kind, target))
                found.append(Action(kind, target, where, decoded.technique if decoded else ""))
    if "getScript" in code:
        for match in _GET_SCRIPT.finditer(code):
            target = _value(match.group(1), code)
            where = context(code, match.start(), handlers=_handler_matters("loader", target))
            found.append(Action("loader", target, where))
    if "createElement" in code:
        for create in _CREATE.finditer(code):
            kind = "loader" if create.group(1).lower() == "script" else "frame"
            for match in _SRC.finditer(code, create.end(), create.end() + 2000):
                target = _value(match.group(1) or match.group(2), code)
                where = context(code, create.start(), handlers=_handler_matters(kind, target))
                found.append(Action(kind, target, where))
    return found
