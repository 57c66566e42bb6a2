"""The two languages every user-facing string comes in, and a text that carries both."""

from __future__ import annotations

import enum
from dataclasses import dataclass


class Lang(enum.StrEnum):
    """Chinese or English."""

    ZH = "zh"
    EN = "en"


@dataclass(frozen=True, slots=True)
class Bilingual:
    """A text in English and Chinese; `text(lang)` is the one place the choice is made."""

    en: str
    zh: str

    def text(self, lang: str) -> str:
        """The text in `lang` ("zh" or "en"; anything else reads as English)."""
        return self.zh if lang == Lang.ZH else self.en
