"""Where planted content goes in a page: head, start or end of body, outside <html>."""

from __future__ import annotations

import random
import re

_HEAD_END = re.compile(r"</head\s*>", re.I)
_BODY_START = re.compile(r"<body\b[^>]*>", re.I)
_BODY_END = re.compile(r"</body\s*>", re.I)
_HTML_START = re.compile(r"<html\b", re.I)
_HTML_END = re.compile(r"</html\s*>", re.I)
_TITLE = re.compile(r"<title[^>]*>.*?</title\s*>", re.I | re.S)
_META = re.compile(r"""<meta[^>]+name\s*=\s*["']?(keywords|description)["']?[^>]*>""", re.I)


def insert(page: str, snippet: str, where: str) -> str:
    """`page` with `snippet` at `where` (head, body-start, body-end, before-html, after-html)."""
    pattern, after = {
        "head": (_HEAD_END, False),
        "body-start": (_BODY_START, True),
        "body-end": (_BODY_END, False),
        "before-html": (_HTML_START, False),
        "after-html": (_HTML_END, True),
    }[where]
    matches = [m for m in pattern.finditer(page) if not _in_comment(page, m.start())]
    # the first <head>/<body>/<html>, the last </body> and </html> (an attribute may hold one)
    match = (
        (matches[-1] if where in ("body-end", "after-html") else matches[0]) if matches else None
    )
    if match is None:
        return snippet + page if where in ("head", "body-start", "before-html") else page + snippet
    at = match.end() if after else match.start()
    return page[:at] + snippet + page[at:]


def _in_comment(page: str, at: int) -> bool:
    # inside <!-- ... --> (IE conditional comments hold <html> tags): a browser ignores it
    return page.rfind("<!--", 0, at) > page.rfind("-->", 0, at)


def insert_somewhere(page: str, snippet: str, rng: random.Random) -> str:
    """`page` with `snippet` at the start or the end of its body."""
    return insert(page, snippet, rng.choice(["body-start", "body-end"]))


def title_of(page: str) -> str:
    """The page's <title> text, as written."""
    match = _TITLE.search(page)
    if match is None:
        return ""
    return re.sub(r"<[^>]+>", "", match.group())


def replace_head(page: str, title: str, keywords: str, description: str) -> str:
    """`page` with its title and keyword/description metas replaced (added when missing)."""
    page = _META.sub("", page)
    metas = (
        f'<meta name="keywords" content="{keywords}">'
        f'<meta name="description" content="{description}">'
    )
    if _TITLE.search(page):
        page = _TITLE.sub(lambda m: f"<title>{title}</title>" + metas, page, count=1)
    else:
        page = insert(page, f"<title>{title}</title>{metas}", "head")
    return page


def entities(text: str) -> str:
    """Every non-ASCII character as a &#x…; reference (how hijacked titles are often written)."""
    return "".join(f"&#x{ord(c):x};" if ord(c) > 127 else c for c in text)
