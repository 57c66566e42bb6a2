"""What to ask of an asset: its URLs on both schemes, and the well-known paths of a full sweep."""

from __future__ import annotations

from collections.abc import Sequence
from urllib.parse import urlsplit

from checks.knowledge.fingerprints import exposures, products
from checks.model import Asset, HttpEntry, Kind, Lifecycle


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
