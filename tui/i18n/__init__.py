"""The one bilingual string table of both front ends, and the language choice.

Every user-facing string of the command line and the dashboard is looked up here by key
(`tr(lang, "key", **values)`); the table is kept in one file per front end so that each
reads as a list, but there is one table and one lookup. The headless core words its own
messages (`checks.errors.UserError`, catalog titles, playbooks) in both languages itself.
"""

from __future__ import annotations

import os
from collections.abc import Mapping

import humanize

from checks.model import Bilingual, Lang
from tui.i18n.alerts import ALERTS
from tui.i18n.cli import CLI
from tui.i18n.dashboard import DASHBOARD
from tui.i18n.domains import DOMAINS

STRINGS: dict[str, tuple[str, str]] = {**DASHBOARD, **CLI, **DOMAINS, **ALERTS}
"""key -> (English, Chinese)."""

LANGS = tuple(str(lang) for lang in Lang)


def detect_lang(environ: Mapping[str, str] | None = None) -> Lang:
    """Chinese when ASSETWATCH_LANG or the locale (LC_ALL, LC_MESSAGES, LANG, LANGUAGE) says so."""
    env = os.environ if environ is None else environ
    for var in ("ASSETWATCH_LANG", "LC_ALL", "LC_MESSAGES", "LANG", "LANGUAGE"):
        value = env.get(var, "")
        if value:
            return Lang.ZH if value.lower().startswith("zh") else Lang.EN
    return Lang.EN


def tr(lang: str, key: str, /, **values: object) -> str:
    """The string `key` in `lang` ("zh" or "en"), with `{placeholders}` filled."""
    en, zh = STRINGS[key]
    text = Bilingual(en, zh).text(lang)
    return text.format(**values) if values else text


def use_language(lang: str) -> None:
    """Make humanize ("3 minutes ago") speak `lang` too."""
    if lang == Lang.ZH:
        humanize.i18n.activate("zh_CN")
    else:
        humanize.i18n.deactivate()
