"""Spam words in page text, after undoing what spammers do to dodge keyword filters.

Entities are decoded, zero-width characters removed and full-width forms folded (NFKC)
before matching, so 百&#x5bb6;乐, 百\u200b家\u200b乐 and ｃａｓｉｎｏ read as the words they are.
"""

from __future__ import annotations

import html
import re
import unicodedata
from bisect import bisect_right
from functools import cache

from checks.knowledge.compromise import lexicon

ZERO_WIDTH = "\u200b\u200c\u200d\u2060\ufeff\u00ad\u180e\u200e\u200f\u2061\u2062\u2063\u2064\u034f"
"""Characters that render as nothing: spammers put them inside keywords."""
_HAS_ZERO_WIDTH = re.compile(f"[{ZERO_WIDTH}]")
_COMPAT = re.compile(
    "[\u3000\uff01-\uff5e\u2460-\u24ff\u3200-\u32ff\U0001d400-\U0001d7ff\U0001f130-\U0001f189]+"
)
"""Compatibility forms spammers write words in: full-width ＡＢＣ, ideographic spaces, circled
and mathematical letters (𝐬𝐥𝐨𝐭). NFKC runs on these runs only: on a whole Chinese page it
costs 4 ms and changes nothing the matcher needs."""
_SPACE = re.compile(r"\s+")


def fold(text: str, *, keep_zero_width: bool = False) -> str:
    """Text as the matcher compares it: entities decoded, invisible characters gone, NFKC, lower."""
    if "&" in text:
        text = html.unescape(text)
    if not keep_zero_width and _HAS_ZERO_WIDTH.search(text):
        # str.translate with a table costs a dict lookup per character: 2.6 µs per link
        text = _HAS_ZERO_WIDTH.sub("", text)
    if not text.isascii() and _COMPAT.search(text):
        text = _COMPAT.sub(lambda m: unicodedata.normalize("NFKC", m.group()), text)
    return text.lower()


def trie_pattern(words: list[str]) -> re.Pattern[str]:
    """One regex for many words, shaped as a trie: a page costs one pass, not one per word.

    An alternation of 400 literals costs a try per word at every position (84 ms on a news
    portal's links); the trie tries one branch per character (under 1 ms). Spaces in a
    word match runs of spaces, "_" or "-" (slot-gacor).
    """
    root: dict[str, dict[str, object]] = {}
    for word in words:
        node = root
        for char in word:
            node = node.setdefault(char, {})  # type: ignore[assignment]
        node[""] = {}

    def branch(node: dict[str, dict[str, object]]) -> str:
        alternatives = [
            (r"[\s_-]+" if char == " " else re.escape(char)) + branch(child)  # type: ignore[arg-type]
            for char, child in sorted(node.items())
            if char
        ]
        if not alternatives:
            return ""
        body = alternatives[0] if len(alternatives) == 1 else "(?:" + "|".join(alternatives) + ")"
        return f"(?:{body})?" if "" in node else body

    return re.compile(branch(root))


def _word_char(char: str) -> bool:
    return char.isascii() and char.isalnum()


def _matches_at(pattern: re.Pattern[str], folded: str) -> list[tuple[str, int]]:
    # ASCII words count as whole words only ("slot" is not in "timeslot"); Chinese anywhere.
    found = []
    end = len(folded)
    for match in pattern.finditer(folded):
        start, stop = match.span()
        word = match.group()
        if _word_char(word[0]) and start > 0 and _word_char(folded[start - 1]):
            continue
        if _word_char(word[-1]) and stop < end and _word_char(folded[stop]):
            continue
        found.append((_canonical(word), start))
    return found


def _matches(pattern: re.Pattern[str], folded: str) -> set[str]:
    return {term for term, _ in _matches_at(pattern, folded)}


@cache
def _matcher() -> re.Pattern[str]:
    words = lexicon()
    return trie_pattern(list({*words.strong, *_pair_parts()}))


@cache
def _pair_parts() -> frozenset[str]:
    return frozenset(part for pair in lexicon().pairs for part in pair)


def _counted(found: set[str]) -> set[str]:
    """Strong words as they are; pair parts only as the pairs they complete ("体育+入口")."""
    parts = found & _pair_parts()
    if not parts:
        return found
    pairs = {f"{a}+{b}" for a, b in lexicon().pairs if a in parts and b in parts}
    return (found - parts) | pairs


@cache
def _reporting() -> re.Pattern[str]:
    return trie_pattern(list(lexicon().reporting))


def _canonical(found: str) -> str:
    return _SPACE.sub(" ", found.replace("_", " ").replace("-", " "))


def spam_terms(text: str) -> set[str]:
    """Distinct strong spam words in `text`."""
    if not text:
        return set()
    return _counted(_matches(_matcher(), fold(text)))


def terms_per_item(items: list[str]) -> list[set[str]]:
    """spam_terms of every item, in one pass of the matcher over all of them."""
    found: list[set[str]] = [set() for _ in items]
    if not items:
        return found
    # One fold of everything: newlines survive folding, so they still separate the items.
    joined = fold("\n".join(item.replace("\n", " ") for item in items))
    starts = []
    offset = 0
    for item in joined.split("\n"):
        starts.append(offset)
        offset += len(item) + 1
    for term, start in _matches_at(_matcher(), joined):
        found[bisect_right(starts, start) - 1].add(term)
    return [_counted(terms) if terms else terms for terms in found]


def zero_width_terms(text: str) -> set[str]:
    """Spam words that only appear once zero-width characters are removed: a filter dodge."""
    if not _HAS_ZERO_WIDTH.search(text):
        return set()
    plain = _counted(_matches(_matcher(), fold(text, keep_zero_width=True)))
    return spam_terms(text) - plain


def reports_on_vice(text: str) -> bool:
    """True when `text` reads as reporting on gambling or porn (police, courts, warnings)."""
    return bool(text) and bool(_matches(_reporting(), fold(text)))


def quote(text: str, limit: int = 160) -> str:
    """A short, single-line quotation of network text for evidence (shown literally)."""
    text = _SPACE.sub(" ", text).strip()
    if len(text) > limit:
        text = text[: limit - 1] + "…"
    return repr(text)
