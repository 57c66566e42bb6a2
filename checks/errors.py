"""Errors a user can fix, worded in both languages."""

from __future__ import annotations

from checks.lang import Bilingual


class UserError(Exception):
    """A problem the user can fix (a bad name, a missing file, a locked database...).

    Front ends print `text(lang)` and exit 2; everything else is a bug.
    """

    def __init__(self, en: str, zh: str) -> None:
        super().__init__(en)
        self.message = Bilingual(en, zh)

    @property
    def en(self) -> str:
        """The message in English."""
        return self.message.en

    @property
    def zh(self) -> str:
        """The message in Chinese."""
        return self.message.zh

    def text(self, lang: str) -> str:
        """The message in "zh" or "en"."""
        return self.message.text(lang)
