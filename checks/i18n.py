"""The two user languages: picking one, and errors that speak both."""

from __future__ import annotations

import os
from collections.abc import Mapping

LANGS = ("zh", "en")


def detect_lang(environ: Mapping[str, str] | None = None) -> str:
    """Return "zh" when the locale (LC_ALL, LC_MESSAGES, LANG, LANGUAGE) is Chinese, else "en"."""
    env = os.environ if environ is None else environ
    for var in ("ASSETWATCH_LANG", "LC_ALL", "LC_MESSAGES", "LANG", "LANGUAGE"):
        value = env.get(var, "")
        if value:
            return "zh" if value.lower().startswith("zh") else "en"
    return "en"


class UserError(Exception):
    """A problem the user can fix, worded in both languages."""

    def __init__(self, en: str, zh: str) -> None:
        super().__init__(en)
        self.en = en
        self.zh = zh

    def text(self, lang: str) -> str:
        """The message in "zh" or "en"."""
        return self.zh if lang == "zh" else self.en
