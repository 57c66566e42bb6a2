"""Key bindings in the user's language: descriptions come from `tui.i18n` by binding id."""

from __future__ import annotations

from dataclasses import replace

from textual.dom import DOMNode

from tui.i18n import STRINGS, tr


def localize(node: DOMNode, lang: str) -> None:
    """Rewrite the descriptions of `node`'s bindings in `lang`, looked up as `key.<id>`.

    Textual 8 has no public API for a binding's description at run time: `Binding` is frozen,
    `BINDINGS` is merged per class, and the footer, the key panel and the palette read each
    node's own copy, the private `node._bindings` (a `BindingsMap`). `App.bind` only adds
    bindings to the app. So this replaces the entries of that copy, for this node only.
    """
    bindings = node._bindings.key_to_bindings
    for key, entries in bindings.items():
        bindings[key] = [
            replace(b, description=tr(lang, f"key.{b.id}"))
            if b.id and f"key.{b.id}" in STRINGS
            else b
            for b in entries
        ]
