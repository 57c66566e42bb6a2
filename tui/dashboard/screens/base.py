"""What every full screen of the dashboard shares: its app, its own keys in help and the palette,
and the keys that act on one asset (the grid's row or the asset screen's asset)."""

from __future__ import annotations

from collections.abc import Iterable
from functools import partial
from typing import TYPE_CHECKING, ClassVar, cast

from textual import events, on
from textual.app import SystemCommand
from textual.binding import Binding
from textual.dom import DOMNode
from textual.screen import Screen

from checks.model import Asset, Lifecycle
from checks.service import inventory, remediation
from checks.service.inventory import Saved
from checks.text import inert
from tui.dashboard.bindings import localize
from tui.dashboard.dialogs.asset_form import AssetForm
from tui.dashboard.dialogs.retire import Confirm, ConfirmRetire
from tui.dashboard.screens.help import HelpScreen
from tui.dashboard.widgets.key_bar import KeyBar, KeyHint
from tui.i18n import STRINGS, tr

if TYPE_CHECKING:
    from tui.dashboard.app import AssetWatchApp


KEY_NAMES = {
    "escape": "esc",
    "question_mark": "?",
    "slash": "/",
    "delete": "del",
    "ctrl+s": "^s",
    "ctrl+p": "^p",
}
"""How a key reads in the key bar and in help."""

TAIL = ("help", "quit")
"""Binding ids the key bar never drops (after the palette's ^p)."""


def key_name(binding: Binding) -> str:
    """The key of `binding` as the admin reads it (`esc`, `?`, `space`)."""
    key = binding.key_display or binding.key.split(",")[0]
    return KEY_NAMES.get(key, key)


class DashboardScreen(Screen[None]):
    """A screen of the dashboard. Its keys are its own: another screen's do nothing here.

    Its bottom line (`KeyBar`) shows its keys with `show=True` in BINDINGS order, most
    important first, then the palette, help and quit, which never give way.
    """

    HELP_ALSO: ClassVar[tuple[type[DOMNode], ...]] = ()
    """Widgets of this screen whose keys its help lists too (the asset screen's checklist)."""

    def __init__(self, lang: str) -> None:
        super().__init__()
        self.lang = lang
        localize(self, lang)

    @property
    def dash(self) -> AssetWatchApp:
        """The app, typed: its store, clock, language, probe workers."""
        return cast("AssetWatchApp", self.app)

    def data_changed(self, changed: set[int]) -> None:
        """These assets have new probes or changes in the store; redraw what shows them."""

    def available(self, action: str) -> bool:
        """Whether this screen offers `action` at all (the grid drops the lab outside the demo)."""
        return True

    def applies(self, action: str) -> bool:
        """Whether `action` means something right now (esc: only while a filter is applied)."""
        return True

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """This screen's keys work only while no dialog covers it (they wait)."""
        return self.is_active and self.available(action) and self.applies(action)

    def own_bindings(self) -> list[Binding]:
        """This screen's bindings that it offers (in BINDINGS order), for help and the palette."""
        return [
            b for b in self.BINDINGS if isinstance(b, Binding) and b.id and self.available(b.action)
        ]

    def help_keys(self) -> list[tuple[str, str]]:
        """(key as shown, binding id) of every key of this screen, plus the palette."""
        widgets = [b for w in self.HELP_ALSO for b in w.BINDINGS if isinstance(b, Binding)]
        keys = [(key_name(b), b.id or "") for b in [*self.own_bindings(), *widgets]]
        return [*keys, *self.HELP_EXTRA, ("^p", "palette")]

    HELP_EXTRA: ClassVar[tuple[tuple[str, str], ...]] = (("PgUp PgDn", "move"),)
    """Keys of this screen's widgets that help lists besides its bindings: (keys, help id)."""

    def shown_bindings(self) -> list[Binding]:
        """The bindings the key bar offers now, most important first (help and quit apart)."""
        return [
            b for b in self.own_bindings() if b.show and b.id not in TAIL and self.applies(b.action)
        ]

    def refresh_keys(self) -> None:
        """Redraw the key bar (after a language change, a tab change, a mode change)."""
        t = self.lang
        keys: list[KeyHint] = [
            (key_name(b), tr(t, f"key.{b.id}") if f"key.{b.id}" in STRINGS else b.description)
            for b in self.shown_bindings()
        ]
        tail: list[KeyHint] = [("^p", tr(t, "key.palette"))]
        tail += [(key_name(b), tr(t, f"key.{b.id}")) for b in self.own_bindings() if b.id in TAIL]
        for bar in self.query(KeyBar):
            bar.show(keys, tail)

    @on(events.Mount)
    def _keys_on_mount(self) -> None:
        self.refresh_keys()

    def action_back(self) -> None:
        """Back to the screen this one was opened from."""
        self.app.pop_screen()

    def action_pause(self) -> None:
        """Pause or resume background probing."""
        self.dash.action_pause()

    def action_sweep_all(self) -> None:
        """Sweep every asset now."""
        self.dash.action_sweep_all()

    async def action_quit(self) -> None:
        """Quit the dashboard."""
        await self.app.action_quit()

    def action_help(self) -> None:
        """Show every key of this screen."""
        self.app.push_screen(HelpScreen(self.lang, self.help_keys()))

    def commands(self) -> Iterable[SystemCommand]:
        """This screen's actions for the command palette, in the user's language."""
        t = self.lang
        for binding in self.own_bindings():
            if f"help.{binding.id}" in STRINGS and f"key.{binding.id}" in STRINGS:
                yield SystemCommand(
                    tr(t, f"key.{binding.id}"),
                    f"{key_name(binding)}  {tr(t, f'help.{binding.id}')}",
                    partial(self.run_action, binding.action),
                )


class AssetActions(DashboardScreen):
    """Keys that act on one asset: probe, edit, retire, accept its baseline.

    Each screen that has them binds them itself (r, e, x, b) and says which asset is meant.
    """

    def selected_asset(self) -> Asset | None:
        """The asset the keys act on, or None."""
        raise NotImplementedError

    def _selected(self) -> Asset | None:
        asset = self.selected_asset()
        if asset is None:
            self.notify(tr(self.lang, "notify.no_selection"), severity="warning", markup=False)
        return asset

    def action_reprobe(self) -> None:
        """Re-probe the selected asset now."""
        if asset := self._selected():
            self.dash.reprobe(asset, tell=True)

    def action_edit(self) -> None:
        """Edit the selected asset."""
        if asset := self._selected():
            self.app.push_screen(AssetForm(self.lang, asset), self._edited)

    def _edited(self, asset: Asset | None) -> None:
        if asset is None:
            return
        with self.dash.user_errors():
            self.saved(inventory.save(self.dash.store, asset))

    def saved(self, saved: Saved) -> None:
        """Tell the admin what a save did, and re-probe an asset that began decommissioning."""
        t, name = self.lang, saved.asset.display
        self.notify(tr(t, "notify.saved", name=name), markup=False)
        step = saved.transition
        if step.held:
            life = tr(t, f"life.{saved.asset.lifecycle}")
            held = tr(t, "notify.held", name=name, life=life)
            self.notify(held, severity="warning", markup=False)
        self.dash.sync()
        if step.starts_decommission:
            self.notify(tr(t, "retire.done", name=name), markup=False)
            self.dash.reprobe(saved.asset)

    def action_retire(self) -> None:
        """Retire the selected asset, after confirmation; then verify it went dark."""
        asset = self._selected()
        if asset is None:
            return
        if asset.lifecycle != Lifecycle.ACTIVE:
            life = tr(self.lang, f"life.{asset.lifecycle}")
            text = tr(self.lang, "retire.not_active", name=asset.display, life=life)
            self.notify(text, severity="warning", markup=False)
            return
        self.app.push_screen(ConfirmRetire(self.lang, asset), partial(self._retire, asset))

    def _retire(self, asset: Asset, confirmed: bool | None) -> None:
        if not confirmed:
            return
        with self.dash.user_errors():
            retired = inventory.retire(self.dash.store, asset)
            self.notify(tr(self.lang, "retire.done", name=retired.display), markup=False)
            self.dash.sync()
            self.dash.reprobe(retired)

    def action_accept_baseline(self) -> None:
        """Accept the selected asset's current home page as its baseline, after confirmation.

        It silences `content-changed`, the defacement detector: one key must not do that.
        """
        asset = self._selected()
        if asset is None:
            return
        t = self.lang
        title = tr(t, "baseline.title", name=inert(asset.display))
        ask = Confirm(t, title, tr(t, "baseline.body"), tr(t, "baseline.yes"))
        self.app.push_screen(ask, partial(self._accept_baseline, asset))

    def _accept_baseline(self, asset: Asset, confirmed: bool | None) -> None:
        if not confirmed:
            return
        with self.dash.user_errors():
            remediation.accept_baseline(self.dash.store, asset)
            self.notify(tr(self.lang, "notify.baseline", name=asset.display), markup=False)
            self.dash.sync()
            self.dash.reprobe(asset)
