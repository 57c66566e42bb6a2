"""What the compromise checks know: spam words (checks/data/spam.json) and script hosts.

Typed views of two data files; every entry there names its public source.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from typing import Any

from checks.knowledge import load_data


@dataclass(frozen=True, slots=True)
class Lexicon:
    """Spam vocabulary, lower case."""

    strong: dict[str, str]
    """Word -> category (gambling_zh, pharma_en ...): words that count towards seo-spam."""
    weak: frozenset[str]
    """Words legitimate pages use too: never counted, listed so they stay out of `strong`."""
    reporting: tuple[str, ...]
    """Words of pages that report on gambling or pornography (police, courts, warnings)."""
    pairs: tuple[tuple[str, str], ...] = ()
    """Weak words that, both in one piece of text, count as one strong word."""


@dataclass(frozen=True, slots=True)
class KnownHost:
    """A well-known public script host (a CDN, analytics, a site badge)."""

    domain: str
    """A registrable domain (cnzz.com) or a host (cdnjs.cloudflare.com); subdomains included."""
    what: str
    source: str


@dataclass(frozen=True, slots=True)
class ScriptHosts:
    """What is knowable offline about the host of a script."""

    known: dict[str, KnownHost]
    spam_tlds: frozenset[str]
    """Top-level domains public reports associate with spam and gambling."""
    lookalike_labels: tuple[str, ...]
    """Names of known hosts that, inside another registrable domain, mark a typosquat."""

    def known_host(self, host: str) -> KnownHost | None:
        """The entry covering `host` (itself or a parent domain), or None."""
        labels = host.lower().rstrip(".").split(".")
        for i in range(len(labels) - 1):
            entry = self.known.get(".".join(labels[i:]))
            if entry is not None:
                return entry
        return None


def _words(block: dict[str, Any]) -> list[str]:
    return [str(w).lower() for w in block["words"]]


@cache
def lexicon() -> Lexicon:
    """The spam vocabulary of checks/data/spam.json."""
    data = load_data("spam.json")
    strong = {w: category for category, block in data["strong"].items() for w in _words(block)}
    brands = data["brands"]
    for brand in _words(brands):
        for suffix in (str(s).lower() for s in brands["suffixes"]):
            strong.setdefault(brand + suffix, "gambling_zh")
    weak = frozenset(_words(data["weak"]))
    pairs = tuple((str(a).lower(), str(b).lower()) for a, b in data["pairs"]["words"])
    return Lexicon(strong, weak, tuple(_words(data["reporting"])), pairs)


@cache
def script_hosts() -> ScriptHosts:
    """The script-host knowledge of checks/data/script_hosts.json."""
    data = load_data("script_hosts.json")
    known = {
        e["domain"].lower(): KnownHost(e["domain"].lower(), e["what"], e["source"])
        for e in data["hosts"]
    }
    return ScriptHosts(
        known,
        frozenset(t.lower() for t in data["spam_tlds"]["tlds"]),
        tuple(label.lower() for label in data["lookalike"]["labels"]),
    )
