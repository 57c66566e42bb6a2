"""What to ask of an asset: its URLs on both schemes, and the well-known paths of a full sweep."""

from __future__ import annotations

import re
from collections.abc import Collection, Sequence
from urllib.parse import urljoin, urlsplit

from checks.knowledge.fingerprints import exposures, products
from checks.model import Asset, HttpEntry, Kind, Lifecycle, PathProbe
from checks.text import decode_body

_SCRIPT_SRC = re.compile(r"""<script\b[^>]*?\ssrc\s*=\s*["']?([^"'\s>]+)""", re.IGNORECASE)


def probe_urls(asset: Asset) -> list[str]:
    """The URLs to fetch for an asset, always covering both http:// and https://.

    The URLs the admin gave come first and decide the path and port of the main
    entry; the other scheme is added on its default port. Websites and OA systems
    without URLs get https://NAME/ and http://NAME/. Other kinds without URLs get none
    while they are active; retiring and retired assets of every kind are fetched, to prove
    that nothing serves any more.
    """
    urls = list(asset.urls)
    if not urls and "://" in asset.name:
        urls = [asset.name]
    if (
        not urls
        and asset.kind not in (Kind.WEBSITE, Kind.OA)
        and asset.lifecycle == Lifecycle.ACTIVE
    ):
        return []
    host = asset.host
    netloc = f"[{host}]" if ":" in host else host
    schemes = {urlsplit(u).scheme for u in urls}
    for scheme in ("https", "http"):
        if scheme not in schemes:
            urls.append(f"{scheme}://{netloc}/")
    return list(dict.fromkeys(urls))


def well_known_paths() -> list[str]:
    """Sensitive files, products' login pages and /favicon.ico: what a full sweep asks for."""
    paths = [e.path for e in exposures()] + [p for prod in products() for p in prod.paths]
    return list(dict.fromkeys([*paths, "/favicon.ico"]))


def served_origin(entries: Sequence[HttpEntry]) -> str:
    """scheme://host[:port] of the first URL that served a page itself (HTTPS first), or ""."""
    direct = [e for e in entries if e.hops and e.hops[0].status < 300]
    direct.sort(key=lambda e: e.scheme != "https")
    if not direct:
        return ""
    parts = urlsplit(direct[0].url)
    return f"{parts.scheme}://{parts.netloc}"


def catch_all(probe: PathProbe, entries: Sequence[HttpEntry], origin: str) -> bool:
    """Whether a well-known path answered 200 with the home page the origin served."""
    if probe.status != 200 or not probe.head:
        return False
    return any(
        e.status == 200 and e.body and e.body[: len(probe.head)] == probe.head
        for e in entries
        if (e.final_url or e.url).startswith(origin + "/")
    )


def own_script_urls(
    entries: Sequence[HttpEntry], asset: Asset, inventory: Collection[str], limit: int
) -> list[str]:
    """Scripts the home page loads from the asset's own host or another inventoried host.

    Read from the first page served with a body (HTTPS first), at most `limit` of them.
    `inventory` holds lower-case hosts (the sweep's set, not copied for each asset).
    Scripts on any other host are foreign: they are never fetched.
    """
    pages = [e for e in entries if e.status is not None and e.status < 300 and e.body]
    pages.sort(key=lambda e: e.scheme != "https")
    if not pages or limit <= 0:
        return []
    page = pages[0]
    own = asset.host.lower()
    found: list[str] = []
    for match in _SCRIPT_SRC.finditer(decode_body(page.header("content-type"), page.body)):
        url = urljoin(page.final_url or page.url, match.group(1).strip())
        parts = urlsplit(url)
        host = (parts.hostname or "").lower()
        if parts.scheme not in ("http", "https") or not host:
            continue
        if host == own or host in inventory:  # the policy would refuse any other host anyway
            found.append(parts._replace(fragment="").geturl())
    return list(dict.fromkeys(found))[:limit]
