"""Make the README's screenshots from the demo lab: python screenshots/make_screenshots.py [NAME…]

Starts the loopback lab, fills a temporary database with its inventory, lets the
dashboard sweep it, then saves SVGs of the main screens at 80×24 (and one at 120×40).
With names (`org-zh help`), only those are made again.
"""

from __future__ import annotations

import asyncio
import os
import sys
import tempfile
from collections.abc import Sequence
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))

from checks.lab import Lab  # noqa: E402
from checks.store import Store  # noqa: E402
from tui.dashboard import make_app  # noqa: E402

SHOTS: list[tuple[str, str, tuple[int, int], Sequence[str]]] = [
    ("main", "en", (80, 24), ()),
    ("main-zh", "zh", (80, 24), ()),
    ("main-wide", "en", (120, 40), ()),
    ("asset", "en", (80, 24), ("enter",)),
    ("asset-findings-zh", "zh", (80, 24), ("enter", "right")),
    ("checklist", "en", (80, 24), ("enter", "right", "right")),
    ("todo", "en", (80, 24), ("t",)),
    ("todo-zh", "zh", (120, 40), ("t",)),
    ("main-nocolor", "en", (80, 24), ()),
    ("org-zh", "zh", (80, 24), ("g",)),
    ("report-zh", "zh", (120, 40), ("w",)),
    ("form", "en", (80, 24), ("a",)),
    ("help", "zh", (80, 24), ("question_mark",)),
]


async def shoot(
    lab: Lab, folder: Path, name: str, lang: str, size: tuple[int, int], keys: Sequence[str]
) -> None:
    store = Store(folder / f"{name}.db")
    lab.seed(store)
    store.settings.set(
        "org_name", "示例科技（演示环境）" if lang == "zh" else "Shili Tech (demo lab)"
    )
    if name.endswith("-nocolor"):
        os.environ["NO_COLOR"] = "1"  # the app reads (and removes) it when it starts
    app = make_app(store, lab.overrides(), lang=lang)
    async with app.run_test(size=size) as pilot:
        await app.workers.wait_for_complete()  # the first sweep; its results are on screen
        await pilot.pause()
        await pilot.press(*keys)
        await app.workers.wait_for_complete()  # the report builds on a worker
        await pilot.pause()
        app.save_screenshot(f"{name}.svg", path=str(HERE))
    store.close()


def main() -> None:
    wanted = set(sys.argv[1:]) or {name for name, *_ in SHOTS}
    with Lab() as lab, tempfile.TemporaryDirectory() as folder:
        for name, lang, size, keys in SHOTS:
            if name not in wanted:
                continue
            asyncio.run(shoot(lab, Path(folder), name, lang, size, keys))
            print(f"screenshots/{name}.svg")


if __name__ == "__main__":
    main()
