"""Key bindings in the user's language: descriptions come from `tui.strings` by binding id."""

from __future__ import annotations

from dataclasses import replace

from textual.dom import DOMNode

from tui.strings import STRINGS, tr


def localize(node: DOMNode, lang: str) -> None:
    """Rewrite the descriptions of `node`'s bindings in `lang`, looked up as `key.<id>`.

    Textual reads descriptions from the node's own copy of its bindings, so this
    changes what the footer, the help and the palette show for this node only.
    """
    bindings = node._bindings.key_to_bindings
    for key, entries in bindings.items():
        bindings[key] = [
            replace(b, description=tr(lang, f"key.{b.id}"))
            if b.id and f"key.{b.id}" in STRINGS
            else b
            for b in entries
        ]
