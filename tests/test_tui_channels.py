"""The dashboard's alert channels screen: delivery state, add, remove, test; the header's
count of failing channels; snapshots in both languages."""

from __future__ import annotations

import pytest

from checks.alerting import Channel, ChannelKind
from checks.lab.robots import RobotLab
from checks.notify import Outcome
from checks.store import Store
from tests.tui_support import notices, press, recorded_app
from tui.dashboard.dialogs.channel_form import ChannelForm, ConfirmRemoveChannel
from tui.dashboard.screens.channels import ChannelsScreen

DING = "https://oapi.dingtalk.com/robot/send?access_token=0123456789abcdef0123456789abcdef"
FEISHU = "https://open.feishu.cn/open-apis/bot/v2/hook/0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0"


def with_channels(store: Store) -> Store:
    """Two channels with a history: one delivered, one failing (nothing is contacted)."""
    ok, _ = store.channels.save(
        Channel("it-dingtalk", ChannelKind.DINGTALK, DING, "SEC" + "7a" * 16)
    )
    bad, _ = store.channels.save(
        Channel("ops-feishu", ChannelKind.FEISHU, FEISHU, "wrong-secret-9")
    )
    for channel, outcome, answer in (
        (ok, Outcome.OK, "errcode 0 ok"),
        (bad, Outcome.REJECTED, "code 19021 sign match fail or timestamp is not within one hour"),
    ):
        assert channel.id is not None
        message = store.deliveries.bundle(channel.id, [], f"uuid-{channel.name}")
        store.deliveries.start(message)
        store.deliveries.finish(message, outcome == Outcome.OK, str(outcome), answer, None)
    return store


async def test_the_screen_shows_delivery_state_with_secrets_masked(recorded_store, lab):
    app = recorded_app(with_channels(recorded_store), lab)
    async with app.run_test(size=(120, 40)) as pilot:
        summary = str(app.grid.query_one("#summary").render())
        assert "ALERTS FAILING 1" in summary
        await pilot.press("c")
        screen = app.screen
        assert isinstance(screen, ChannelsScreen)
        view = screen.query_one("#channels")
        texts = [str(view.get_option_at_index(i).prompt) for i in range(view.option_count)]
        assert "it-dingtalk" in texts[0] and "last sent" in texts[0]
        assert "FAILING ×1: code 19021" in texts[1]
        for text in texts:
            assert "0123456789abcdef0123456789abcdef" not in text and "wrong-secret-9" not in text
            assert "0f1e2d3c-4b5a-6978" not in text
        await pilot.press("escape")
        assert app.screen is app.grid


async def test_adding_and_removing_a_channel(recorded_store, lab):
    store = recorded_store
    messages = []
    app = recorded_app(store, lab)
    async with app.run_test(size=(120, 40), message_hook=messages.append) as pilot:
        await pilot.press("c", "a")
        form = app.screen
        assert isinstance(form, ChannelForm)
        form.query_one("#name").value = "new hook"
        form.query_one("#url").value = "http://127.0.0.1:9/hook"
        await pilot.press("ctrl+s")
        assert isinstance(app.screen, ChannelForm)  # the name has a space: refused, said why
        assert "channel name" in str(form.query_one("#error").render())
        form.query_one("#name").value = "new-hook"
        form.query_one("#kind").value = "webhook"
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert isinstance(app.screen, ChannelsScreen)
        assert store.channels.get("new-hook").kind == ChannelKind.WEBHOOK
        assert "added channel new-hook" in notices(messages)
        await pilot.press("d")
        assert isinstance(app.screen, ConfirmRemoveChannel)
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert store.channels.get("new-hook") is None


async def test_a_test_message_from_the_dashboard(recorded_store, lab):
    messages = []
    with RobotLab() as robots:
        robot = robots.add("wecom")
        recorded_store.channels.save(Channel("wc", ChannelKind.WECOM, robot.url))
        app = recorded_app(recorded_store, lab, "zh")
        async with app.run_test(size=(120, 40), message_hook=messages.append) as pilot:
            await pilot.press("c", "t")
            await app.workers.wait_for_complete()
            await pilot.pause()
        assert len(robot.received) == 1
        assert "wc：已发送（errcode 0 ok）" in notices(messages)


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_channels_screen(snap_compare, recorded_store, lab, lang):
    app = recorded_app(with_channels(recorded_store), lab, lang)
    assert snap_compare(app, run_before=press("c"), terminal_size=(80, 24))
