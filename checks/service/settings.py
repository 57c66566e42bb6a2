"""The stored settings as both front ends change them (the dashboard's form, `assetwatch
settings --set`): only known keys, only values that read back as they were meant."""

from __future__ import annotations

from dataclasses import fields

from checks.errors import UserError
from checks.model import Settings
from checks.store import Store
from checks.store.settings import typed

KEYS = tuple(f.name for f in fields(Settings))
"""Every setting's key, in the order of `checks.model.Settings`."""


def change(store: Store, key: str, value: str, who: str | None = None) -> Settings:
    """Store one setting (logged); returns the settings after the change.

    An empty value unsets it (its default applies again).

    Raises:
        UserError: an unknown key, or a value that is not valid for it.
    """
    if key not in KEYS:
        raise UserError(
            f"no setting {key!r} (there are: {', '.join(KEYS)})",
            f"没有设置项 {key!r}（可用：{', '.join(KEYS)}）",
        )
    value = value.strip()
    if value and typed(key, value) is None:
        raise UserError(
            f"{key}: {value!r} is not a valid value",
            f"{key}：{value!r} 不是有效的值",
        )
    store.settings.set(key, value, who)
    return store.settings.read()
