"""The Discovered screen: names found outside the inventory, adopted or dismissed by keys."""

from __future__ import annotations

from textual.widgets import Input, OptionList

from checks.model import Lifecycle
from checks.store.domains import Triage
from tests.tui_support import recorded_app
from tui.dashboard.dialogs.asset_form import AssetForm
from tui.dashboard.dialogs.reason import ReasonForm
from tui.dashboard.screens.discovered import DiscoveredScreen
from tui.dashboard.screens.grid import GridScreen


def states(store):
    return {r.name: r.state for r in store.discovered.rows()}


async def highlight(app, pilot, name):
    view = app.screen.query_one(OptionList)
    ids = [view.get_option_at_index(i).id for i in range(view.option_count)]
    view.highlighted = ids.index(name)
    await pilot.pause()


async def test_d_lists_waiting_names_and_each_key_decides(recorded_store, lab):
    store = recorded_store
    assert states(store)["crm.shili-tech.test"] == Triage.NEW
    app = recorded_app(store, lab)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("d")
        assert isinstance(app.screen, DiscoveredScreen)
        # not ours: asks for a reason; an empty one is refused
        await highlight(app, pilot, "test.yuanqu-park.test")
        await pilot.press("n")
        assert isinstance(app.screen, ReasonForm)
        await pilot.press("ctrl+s")
        assert isinstance(app.screen, ReasonForm)  # still open: no reason
        app.screen.query_one(Input).value = "the park's landlord runs it"
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert isinstance(app.screen, DiscoveredScreen)
        assert states(store)["test.yuanqu-park.test"] == Triage.NOT_OURS
        # adopt: the add form, filled in with the name
        await highlight(app, pilot, "crm.shili-tech.test")
        await pilot.press("a")
        assert isinstance(app.screen, AssetForm)
        assert app.screen.query_one("#name", Input).value == "crm.shili-tech.test"
        app.screen.query_one("#owner", Input).value = "销售部 周敏"
        await pilot.press("ctrl+s")
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert store.assets.get("crm.shili-tech.test").owner == "销售部 周敏"
        assert states(store)["crm.shili-tech.test"] == Triage.ADOPTED
        # adopt and retire: retiring, with its decommission checklist
        await highlight(app, pilot, "vpn.shili-tech.test")
        await pilot.press("x")
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert store.assets.get("vpn.shili-tech.test").lifecycle == Lifecycle.RETIRING
        assert states(store)["vpn.shili-tech.test"] == Triage.RETIRED
        # a decided name is not decided again
        await highlight(app, pilot, "test.yuanqu-park.test")
        await pilot.press("i")
        assert isinstance(app.screen, DiscoveredScreen)
        await pilot.press("escape")
        assert isinstance(app.screen, GridScreen)
    decided = [e for e in store.audit.events() if e.action == "discovery.decide"]
    assert [e.detail["state"] for e in decided] == ["not-ours", "adopted", "retired"]
    assert decided[0].detail["reason"] == "the park's landlord runs it"


async def test_names_from_the_network_are_shown_as_text(recorded_store, lab):
    store = recorded_store
    store.discovered.record([(1, "x.shili-tech.test", "linked from [bold]http://x/\x1b[31m")])
    app = recorded_app(store, lab)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("d")
        view = app.screen.query_one(OptionList)
        texts = [str(view.get_option_at_index(i).prompt) for i in range(view.option_count)]
        line = next(t for t in texts if "x.shili-tech.test" in t)
        assert "[bold]" in line and "\x1b" not in line
