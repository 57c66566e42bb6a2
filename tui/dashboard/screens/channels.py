"""Alert channels and how their deliveries stand: waiting events, the last message sent, the
failures since and the service's last answer. Secrets are masked as in `notify list`."""

from __future__ import annotations

from datetime import datetime
from functools import partial

from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.widgets import OptionList, Static
from textual.widgets.option_list import Option

from checks.alerting import Channel
from checks.service import alerts, channels
from checks.service.channels import ChannelInput
from checks.service.sweeps import run_async
from checks.store.deliveries import ChannelState
from checks.text import inert
from tui.dashboard.dialogs.channel_form import ChannelForm, ConfirmRemoveChannel
from tui.dashboard.screens.base import DashboardScreen
from tui.dashboard.widgets.key_bar import KeyBar
from tui.i18n import tr


def _when(at: datetime | None) -> str:
    return at.astimezone().strftime("%m-%d %H:%M") if at else "-"


def state_lines(state: ChannelState, lang: str, now: datetime) -> Text:
    """Lines for one channel: name and kind; where; rules and delivery state; a failure."""
    ch, r = state.channel, state.channel.rules
    where = channels.mask_url(ch.url) if ch.mail is None else f"smtp {ch.mail.host}:{ch.mail.port}"
    mark = "✗" if state.failing else "✓" if state.last_sent else "·"
    line = Text(f"{mark} ", style="bold" if state.failing else "")
    line.append(inert(ch.name), style="bold")
    line.append(f"  {ch.kind}")
    if ch.secret:
        line.append(f"  {tr(lang, 'channels.secret')} {channels.mask(ch.secret)}", style="dim")
    line.append(f"\n    {inert(where)}")
    quiet = f" {tr(lang, 'channels.quiet')} {r.quiet}" if r.quiet else ""
    line.append(f"\n    ≥{r.min_severity} {r.lang}{quiet} · ")
    line.append(
        tr(lang, "channels.waiting", n=state.waiting), style="bold" if state.waiting else ""
    )
    line.append(" · " + tr(lang, "channels.last_sent", when=_when(state.last_sent)))
    if state.failing:
        failed = tr(lang, "channels.failing", n=state.failures, answer=inert(state.last_answer))
        line.append(f"\n    {failed}", style="bold reverse")
    if state.paused_until is not None and state.paused_until > now:
        line.append("\n    " + tr(lang, "channels.paused", until=_when(state.paused_until)))
    return line


class ChannelsScreen(DashboardScreen):
    """Every channel and its delivery state; add, remove and test channels here too."""

    BINDINGS = [
        Binding("escape", "back", "Back", id="back"),
        Binding("a", "add_channel", "Add", id="add-channel"),
        Binding("d", "remove_channel", "Remove", id="remove-channel"),
        Binding("t", "test_channel", "Test", id="test-channel"),
        Binding("question_mark", "help", "Help", id="help", key_display="?"),
        Binding("q", "quit", "Quit", id="quit"),
    ]
    """Keys of the channels screen."""

    def __init__(self, lang: str) -> None:
        super().__init__(lang)
        self.channel_ids: dict[str, Channel] = {}

    def compose(self) -> ComposeResult:
        yield Static(Text(tr(self.lang, "channels.title"), style="bold"), id="asset-title")
        yield Static(Text(tr(self.lang, "channels.hint")), id="channels-hint")
        yield OptionList(id="channels")
        yield KeyBar()

    def on_mount(self) -> None:
        self.show()
        self.query_one(OptionList).focus()

    def data_changed(self, changed: set[int]) -> None:
        """A sweep may have queued or delivered alerts."""
        self.show()

    def show(self) -> None:
        """Render every channel, keeping the highlighted one."""
        view = self.query_one(OptionList)
        keep = view.highlighted_option.id if view.highlighted_option else None
        states = self.dash.store.deliveries.states()
        self.channel_ids = {s.channel.name: s.channel for s in states}
        now = self.dash.clock()
        options = [Option(state_lines(s, self.lang, now), id=s.channel.name) for s in states]
        if not options:
            options = [Option(Text(tr(self.lang, "channels.none")), disabled=True)]
        view.clear_options()
        view.add_options(options)
        ids = [o.id for o in options]
        if keep in ids:
            view.highlighted = ids.index(keep)
        elif states:
            view.highlighted = 0

    def highlighted(self) -> Channel | None:
        """The channel under the cursor."""
        option = self.query_one(OptionList).highlighted_option
        return self.channel_ids.get(option.id or "") if option is not None else None

    def action_add_channel(self) -> None:
        """Add (or, with an existing name, change) a channel."""
        self.app.push_screen(ChannelForm(self.lang), self._added)

    def _added(self, given: ChannelInput | None) -> None:
        if given is None:
            return
        with self.dash.user_errors():
            saved, new = channels.save(self.dash.store, given)
            key = "channels.added" if new else "channels.updated"
            self.notify(tr(self.lang, key, name=saved.name), markup=False)
            self.show()

    def action_remove_channel(self) -> None:
        """Remove the highlighted channel, after confirmation."""
        channel = self.highlighted()
        if channel is None:
            return
        waiting = next(
            (
                s.waiting
                for s in self.dash.store.deliveries.states()
                if s.channel.name == channel.name
            ),
            0,
        )
        dialog = ConfirmRemoveChannel(self.lang, channel.name, waiting)
        self.app.push_screen(dialog, partial(self._removed, channel.name))

    def _removed(self, name: str, confirmed: bool | None) -> None:
        if not confirmed:
            return
        with self.dash.user_errors():
            self.dash.store.channels.remove(name)
            self.notify(tr(self.lang, "channels.removed", name=name), markup=False)
            self.show()

    def action_test_channel(self) -> None:
        """Send the highlighted channel a test message (in the background)."""
        channel = self.highlighted()
        if channel is not None:
            self.notify(tr(self.lang, "channels.testing", name=channel.name), markup=False)
            self.send_test(channel)

    @work(thread=True, group="channel-test", exit_on_error=False, description="Testing a channel")
    def send_test(self, channel: Channel) -> None:
        """Post the test message on a worker thread; the answer comes back as a notification."""
        answer = run_async(alerts.test(channel, self.dash.overrides.ca_bundle))
        key = "channels.test_ok" if answer.ok else "channels.test_failed"
        text = tr(self.lang, key, name=channel.name, answer=answer.text)
        severity = "information" if answer.ok else "error"
        self.app.call_from_thread(self.notify, text, severity=severity, markup=False)
