"""A seeded corpus of tampered pages and hard negatives, built on shared/corpus/clean/.

`build(seed, per_technique)` applies every technique (techniques.py, scripts.py) and every
hard negative (negatives.py) to randomly chosen clean pages; each `Sample` says which
compromise checks should fire. Used by tests/test_rules_compromise.py and bench/tampering.py.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from pathlib import Path

from tests.tampering import scripts, techniques
from tests.tampering.negatives import HOST, NEGATIVES

CORPUS = Path(__file__).resolve().parents[3] / "shared" / "corpus" / "clean"

TECHNIQUES = {
    "hidden-inline-style": ("seo-spam", techniques.hidden_inline),
    "hidden-style-class": ("seo-spam", techniques.hidden_class),
    "hidden-opacity": ("seo-spam", techniques.hidden_opacity),
    "hidden-same-colour": ("seo-spam", techniques.hidden_colour),
    "hidden-1px-marquee": ("seo-spam", techniques.hidden_marquee),
    "hidden-by-script": ("seo-spam", techniques.hidden_by_script),
    "document-write-links": ("seo-spam", techniques.document_write_links),
    "title-meta-hijack": ("seo-spam", techniques.title_hijack),
    "zero-width-split": ("seo-spam", techniques.zero_width),
    "english-spam": ("seo-spam", techniques.english_spam),
    "bulk-links": ("seo-spam", techniques.bulk_links),
    "obfuscated-spam-links": ("seo-spam", scripts.obfuscated_spam_links),
    "obfuscated-payload": ("injected-script", scripts.obfuscated),
    "packed-spam-links": ("injected-script", scripts.packed_spam_links),
    "unescape-loader": ("injected-script", scripts.unescape_loader),
    "hex-escaped-names": ("injected-script", scripts.hex_names),
    "referrer-cloak": ("injected-script", scripts.referrer_cloak),
    "crawler-cloak": ("injected-script", scripts.ua_cloak),
    "unconditional-redirect": ("injected-script", scripts.unconditional_redirect),
    "foreign-script": ("injected-script", scripts.foreign_script),
}
"""Technique name -> (the checks that must fire, space-separated; how to apply it)."""
CHECKS = ("seo-spam", "injected-script")


@dataclass(frozen=True, slots=True)
class Sample:
    """One page of the corpus."""

    technique: str
    base: str
    """The clean page it was made from (file stem)."""
    expected: frozenset[str]
    """Compromise checks that should fire (empty for hard negatives)."""
    page: str
    url: str = f"https://{HOST}/"


def clean_pages() -> list[tuple[str, str]]:
    """(stem, text) of every clean page."""
    return [
        (p.stem, p.read_text(encoding="utf-8", errors="replace"))
        for p in sorted(CORPUS.glob("*.html"))
    ]


def build(seed: int = 10, per_technique: int = 40) -> list[Sample]:
    """The corpus: `per_technique` pages per technique and per hard negative."""
    rng = random.Random(seed)
    pages = clean_pages()
    samples = []
    for name, (check, apply) in TECHNIQUES.items():
        for stem, text in [rng.choice(pages) for _ in range(per_technique)]:
            samples.append(Sample(name, stem, frozenset(check.split()), apply(text, rng)))
    for name, apply in NEGATIVES.items():
        for stem, text in [rng.choice(pages) for _ in range(per_technique)]:
            samples.append(Sample(name, stem, frozenset(), apply(text, rng)))
    return samples
