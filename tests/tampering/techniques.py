"""Tampering techniques, each applied to a clean page: what attackers plant on Chinese sites.

Every technique returns the tampered page; `TECHNIQUES` maps its name to the check that
should fire. Written from the public descriptions in issue 10 and SIGNALS.md, by us.
"""

from __future__ import annotations

import random
from collections.abc import Callable

from tests.tampering import vocab
from tests.tampering.inject import entities, insert, insert_somewhere, replace_head, title_of

Technique = Callable[[str, random.Random], str]

INLINE_HIDING = [
    "display:none",
    "visibility:hidden",
    "font-size:0px",
    "text-indent:-9999px",
    "position:absolute;left:-9999px",
    "position:absolute;top:-5000px;left:0",
    "height:0;overflow:hidden",
    "display: none !important",
    "font-size:0;line-height:0",
]


def _cls(rng: random.Random) -> str:
    return rng.choice(["a", "lnk", "yqlj", "ft", "x"]) + str(rng.randint(1, 999))


def hidden_inline(page: str, rng: random.Random) -> str:
    block = (
        f'<div style="{rng.choice(INLINE_HIDING)}">{vocab.spam_links(rng, rng.randint(2, 8))}</div>'
    )
    return insert_somewhere(page, block, rng)


def hidden_class(page: str, rng: random.Random) -> str:
    name = _cls(rng)
    rule = rng.choice(["display:none", "visibility:hidden", "position:absolute;left:-8000px"])
    if rng.random() < 0.5:
        css, attr = f".{name}{{{rule}}}", f'class="{name}"'
    else:
        css, attr = f"#{name} {{ {rule}; }}", f'id="{name}"'
    page = insert(page, f"<style>{css}</style>", "head")
    return insert_somewhere(
        page, f"<div {attr}>{vocab.spam_links(rng, rng.randint(2, 8))}</div>", rng
    )


def hidden_opacity(page: str, rng: random.Random) -> str:
    links = vocab.spam_links(rng, rng.randint(2, 6))
    if rng.random() < 0.5:
        return insert_somewhere(
            page, f'<div style="opacity:0;position:absolute">{links}</div>', rng
        )
    name = _cls(rng)
    page = insert(page, f"<style>.{name}{{opacity:0}}</style>", "head")
    return insert_somewhere(page, f'<p class="{name}">{links}</p>', rng)


def hidden_colour(page: str, rng: random.Random) -> str:
    links = vocab.spam_links(rng, rng.randint(2, 6))
    colour = rng.choice(["#fff", "#ffffff", "white"])
    if rng.random() < 0.5:
        block = f'<div style="color:{colour};background-color:{colour}">{links}</div>'
    else:
        block = f'<div style="background:#f5f5f5"><span style="color:#f5f5f5">{links}</span></div>'
    return insert_somewhere(page, block, rng)


def hidden_marquee(page: str, rng: random.Random) -> str:
    links = vocab.spam_links(rng, rng.randint(2, 6))
    if rng.random() < 0.5:
        block = f'<marquee height="1" width="1" scrollamount="3000">{links}</marquee>'
    else:
        block = f'<marquee style="width:1px;height:1px;overflow:hidden">{links}</marquee>'
    return insert_somewhere(page, block, rng)


def hidden_by_script(page: str, rng: random.Random) -> str:
    name = _cls(rng)
    hide = rng.choice(
        [
            f'document.getElementById("{name}").style.display="none";',
            f"document.getElementById('{name}').style.visibility='hidden';",
            f'var d=document.getElementById("{name}");d.style.display="none";',
            f'$("#{name}").hide();',
        ]
    )
    block = (
        f'<div id="{name}">{vocab.spam_links(rng, rng.randint(2, 6))}</div><script>{hide}</script>'
    )
    return insert(page, block, "body-end")


def document_write_links(page: str, rng: random.Random) -> str:
    links = vocab.spam_links(rng, rng.randint(2, 6)).replace("'", "\\'")
    style = rng.choice(INLINE_HIDING[:4] + [""])
    html = f'<div style="{style}">{links}</div>' if style else links
    writer = rng.choice(["document.write", "document.writeln"])
    return insert_somewhere(page, f"<script>{writer}('{html}');</script>", rng)


def title_hijack(page: str, rng: random.Random) -> str:
    spam = rng.choice(vocab.TITLES)
    real = title_of(page).strip()
    variant = rng.randrange(4)
    title = spam + (f"-{real}" if variant == 2 and real else "")
    written = entities(title) if variant == 1 else title
    page = replace_head(page, written, rng.choice(vocab.KEYWORDS), spam)
    if variant == 3:
        shown = (real or "首页").replace('"', "")
        page = insert(page, f'<script>document.title="{shown}";</script>', "head")
    return page


def _split(word: str, rng: random.Random) -> str:
    mark = rng.choice(["\u200b", "\u200c", "\u200d", "\ufeff"])
    return mark.join(word)


def zero_width(page: str, rng: random.Random) -> str:
    phrases = vocab.spam_phrases(rng, rng.randint(1, 4))
    links = "".join(
        f'<a href="http://{vocab.spam_host(rng)}/">{_split(p, rng)}</a>' for p in phrases
    )
    return insert_somewhere(page, f"<div>{links}</div>", rng)


def english_spam(page: str, rng: random.Random) -> str:
    links = vocab.spam_links(rng, rng.randint(2, 6), english=True)
    return insert_somewhere(page, f'<div style="{rng.choice(INLINE_HIDING)}">{links}</div>', rng)


def bulk_links(page: str, rng: random.Random) -> str:
    links = vocab.spam_links(rng, rng.randint(5, 9))
    return insert(page, f'<div class="friend-links">友情链接：{links}</div>', "body-end")
