"""Signs of compromise: hidden spam, injected or cloaking scripts, a changed home page.

Pure functions over page text, no network and no JavaScript engine. Modules by concern:
`scan` parses HTML (html.parser, bounded), `elements` holds what it found and says what is
visible, `css` reads declarations and <style> rules, `deobfuscate` decodes single layers
statically, `js` reads what code does, `words` matches spam words, `hosts` judges hosts,
`page` assembles one page's reading, `reading` picks an outcome's pages, and `spam`,
`scripts` and `baseline` are the three checks. Tuned to stay silent on
shared/corpus/clean/ (real pages full of analytics, CDN scripts, hidden menus and news about
gambling crackdowns).
"""

from __future__ import annotations

from checks.rules.compromise.baseline import (
    baseline_from,
    content_changed,
    page_baseline,
    similarity,
    visible_text,
)
from checks.rules.compromise.scripts import injected_script
from checks.rules.compromise.spam import seo_spam

__all__ = [
    "baseline_from",
    "content_changed",
    "injected_script",
    "page_baseline",
    "seo_spam",
    "similarity",
    "visible_text",
]
