"""seo-spam: gambling, adult and pharma words planted for search engines.

Signals, each named in the evidence:
- hidden links or text (inline style, a <style> class or id rule, opacity:0, text coloured
  like its background, a 1-pixel <marquee> or box, a script that hides the block on load)
  with at least `HIDDEN_MIN` distinct strong words;
- links to other sites with at least `BULK_MIN` distinct strong words anywhere;
- links or text written by document.write / innerHTML, or recovered by a static decoder,
  with at least `WRITTEN_MIN` distinct strong words;
- a title and meta keywords/description with at least `HEAD_MIN` strong words (one is
  enough when the title is written as &#x…; entities, split by zero-width characters, or
  restored for browsers by document.title=), unless the title reports on vice (police news);
- any strong word split by zero-width characters.
Every page browsers get is read, and the one Baiduspider got.
"""

from __future__ import annotations

import re
from collections import defaultdict

from checks.model import Finding, ProbeOutcome
from checks.names import registrable_domain
from checks.rules._kit import RuleContext, finding, page_text
from checks.rules.compromise.elements import PageScan
from checks.rules.compromise.hosts import Sites, foreign_place
from checks.rules.compromise.page import PageView
from checks.rules.compromise.reading import entries, view_of
from checks.rules.compromise.words import (
    ZERO_WIDTH,
    quote,
    reports_on_vice,
    spam_terms,
    zero_width_terms,
)

HIDDEN_MIN = 2
BULK_MIN = 4
"""Distinct words in links to other sites anywhere; one fewer is enough when the spam links
go to that many different sites and none reads as news about vice."""
WRITTEN_MIN = 2
HEAD_MIN = 2
NEWS_CHECKS = 256
_RAW_TITLE = re.compile(r"<title[^>]*>([^<]{0,3000})", re.IGNORECASE)
_ZW = re.compile(f"[{ZERO_WIDTH}]")


def _hidden_terms(scan: PageScan, inherited: str, own: Sites) -> dict[str, set[str]]:
    """Spam words of hidden links to other sites and of hidden text, by why they are hidden.

    Links to the page's own site are left out: their words are the site's own business.
    Only elements with spam words are asked whether they are hidden.
    """
    link_terms, text_terms = scan.terms()
    found: dict[str, set[str]] = defaultdict(set)
    own_links = set()
    news = _News()
    for link, terms in zip(scan.links, link_terms, strict=True):
        if not terms:
            continue
        if foreign_place(link.href, own) is None:
            own_links.add(id(link.block))
        elif (reason := scan.hidden(link.block) or inherited) and not news(link.text):
            found[reason] |= terms
    for (block, text), terms in zip(scan.texts, text_terms, strict=True):
        if not terms or id(block) in own_links:
            continue
        if (reason := scan.hidden(block) or inherited) and not news(text):
            found[reason] |= terms
    return found


class _News:
    """Whether a link's or a text's words report on vice (police news in a hidden tab pane).

    Asked only of items with spam words, at most `NEWS_CHECKS` times a page: past that
    (a planted block of thousands of links) every item counts.
    """

    def __init__(self) -> None:
        self.room = NEWS_CHECKS

    def __call__(self, text: str) -> bool:
        self.room -= 1
        return self.room >= 0 and reports_on_vice(text)


def _hidden_signal(scan: PageScan, view: PageView, inherited: str, what: str) -> str | None:
    groups = _hidden_terms(scan, inherited, view.own)
    terms = set().union(*groups.values()) if groups else set()
    if len(terms) < HIDDEN_MIN:
        return None
    how = ", ".join(sorted(groups)[:4])
    return f"hidden {what} ({how}) with {', '.join(sorted(terms))}"


def _foreign_link_terms(scan: PageScan, view: PageView) -> tuple[set[str], str, int]:
    """Spam words in links to other sites that do not report on vice, a sample link, and
    how many sites those links go to."""
    terms: set[str] = set()
    sample = ""
    sites = set()
    news = _News()
    for link, found in zip(scan.links, scan.terms()[0], strict=True):
        if found and (where := foreign_place(link.href, view.own)) is not None:
            if news(link.text):
                continue  # a headline about a gambling case is not a spam link
            terms |= found
            sample = sample or f"{link.text} {link.href}"
            sites.add(registrable_domain(where.host))
    return terms, sample, len(sites)


def _head_signal(scan: PageScan, raw: str, view: PageView) -> str | None:
    title = scan.title
    head = " ".join([title, scan.metas.get("keywords", ""), scan.metas.get("description", "")])
    terms = spam_terms(head)
    if not terms or _reporting(title) or _reporting(scan.metas.get("description", "")):
        return None
    evasions = []
    raw_title = _RAW_TITLE.search(raw[:65536]) if raw else None
    if raw_title and "&#" in raw_title.group(1) and spam_terms(raw_title.group(1)):
        evasions.append("written as &#x…; entities")
    if _ZW.search(head):
        evasions.append("split by zero-width characters")
    restores = [a.target for c in view.codes for a in c.actions if a.kind == "title" and a.target]
    if any(not spam_terms(t) for t in restores):
        evasions.append("document.title= shows browsers another title")
    if len(terms) < HEAD_MIN and not evasions:
        return None
    how = f" ({'; '.join(evasions)})" if evasions else ""
    words = ", ".join(sorted(terms))
    return f"title/keywords/description hijacked{how}: {words} in title {quote(title, 120)}"


_SEGMENT = re.compile(r"[-_|｜—–,，、;；:：/]+")


def _reporting(text: str) -> bool:
    """True when a part of `text` with spam words also reads as reporting on vice.

    Titles are parts joined by separators; a hijacked one keeps the site's own name after
    the spam (…-互联网违法和不良信息举报中心), so a reporting word elsewhere does not count.
    """
    return any(spam_terms(part) and reports_on_vice(part) for part in _SEGMENT.split(text))


def _zero_width_signal(scan: PageScan) -> str | None:
    texts = [link.text for link in scan.links if _ZW.search(link.text)]
    texts += [text for _, text in scan.texts if _ZW.search(text)]
    if not texts:
        return None
    joined = "\n".join(texts)
    terms = zero_width_terms(joined)
    return f"keywords split by zero-width characters: {', '.join(sorted(terms))}" if terms else None


def _written_signals(view: PageView) -> list[str]:
    signals = []
    for written in view.written:
        if written.context in ("spider", "referrer") or "packer" in written.technique:
            # cloaking, and the packer (which hides any payload): injected-script reports
            # them, quoting what is written
            continue
        scan = written.scan
        inherited = view.scan.concealed(written.block) if written.block is not None else ""
        what = f"links written by {written.technique}"
        if (signal := _hidden_signal(scan, view, inherited, what)) is not None:
            signals.append(signal)
            continue
        terms, _, _ = _foreign_link_terms(scan, view)
        if len(terms) >= WRITTEN_MIN:
            signals.append(f"{what} with {', '.join(sorted(terms))}: {quote(written.html)}")
        elif len(spam_terms(scan.title)) >= HEAD_MIN:
            signals.append(f"title written by {written.technique}: {quote(scan.title, 120)}")
    return signals


def page_signals(view: PageView, raw: str) -> list[str]:
    """Every seo-spam signal of one page (`raw` is its HTML, for the entity check)."""
    scan = view.scan
    signals = []
    if (hidden := _hidden_signal(scan, view, "", "links or text")) is not None:
        signals.append(hidden)
    terms, sample, sites = _foreign_link_terms(scan, view)
    if len(terms) >= BULK_MIN or (len(terms) >= BULK_MIN - 1 and sites >= BULK_MIN - 1):
        signals.append(
            f"links to other sites with {', '.join(sorted(terms))}: {quote(sample, 100)}"
        )
    if (head := _head_signal(scan, raw, view)) is not None:
        signals.append(head)
    if (zero := _zero_width_signal(scan)) is not None:
        signals.append(zero)
    signals += _written_signals(view)
    return list(dict.fromkeys(signals))


def seo_spam(outcome: ProbeOutcome, ctx: RuleContext) -> list[Finding]:
    """seo-spam: spam words hidden, in bulk, written by scripts or in a hijacked title."""
    signals: list[str] = []
    for entry in entries(outcome):
        view = view_of(outcome, entry, ctx)
        signals += [f"{entry.final_url}: {s}" for s in page_signals(view, page_text(entry))]
    if not signals:
        return []
    return [finding(outcome, "seo-spam", "; ".join(dict.fromkeys(signals)))]
