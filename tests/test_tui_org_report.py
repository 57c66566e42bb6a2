"""The organisation checklist and the rectification report, driven with Pilot."""

from __future__ import annotations

from checks.knowledge.org_items import demands
from tests.tui_support import notices, recorded_app
from tui.dashboard.dialogs.note import NoteForm
from tui.dashboard.screens.grid import GridScreen
from tui.dashboard.screens.org import OrgScreen
from tui.dashboard.screens.report import ReportScreen


def option_of(view, option_id):
    return next(i for i in range(view.option_count) if view.get_option_at_index(i).id == option_id)


async def test_org_checklist_screen_attests_manual_items(recorded_store, lab):
    store = recorded_store
    app = recorded_app(store, lab)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("g")
        screen = app.screen
        assert isinstance(screen, OrgScreen)
        view = screen.query_one("#org-items")
        headings = [view.get_option_at_index(i) for i in range(view.option_count)]
        assert sum(1 for o in headings if o.disabled) == len(demands()) == 7
        view.highlighted = option_of(view, "security-officer")
        await pilot.press("space")
        await pilot.pause()
        assert "security-officer" in store.attestations.org()
        assert str(view.highlighted_option.prompt).lstrip().startswith("☑")
        view.highlighted = option_of(view, "ir-plan")
        await pilot.press("n")
        assert isinstance(app.screen, NoteForm)
        app.screen.query_one("#note").value = "plan v2 approved"
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert store.attestations.org()["ir-plan"].note == "plan v2 approved"
        assert "plan v2 approved" in str(view.highlighted_option.prompt)


async def test_an_auto_item_of_the_org_checklist_is_not_attested(recorded_store, lab):
    store = recorded_store
    messages = []
    app = recorded_app(store, lab)
    async with app.run_test(size=(120, 40), message_hook=messages.append) as pilot:
        await pilot.press("g")
        screen = app.screen
        view = screen.query_one("#org-items")
        auto = next(i for i, item in screen.items.items() if item.mode == "auto")
        view.highlighted = option_of(view, auto)
        await pilot.press("space", "n")
        await pilot.pause()
        assert isinstance(app.screen, OrgScreen)
        assert store.attestations.org() == {}
        assert "assetwatch verifies this step itself at the next probe" in notices(messages)


async def test_report_screen_reads_and_writes_the_report(recorded_store, lab):
    app = recorded_app(recorded_store, lab, "zh")
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("w")
        assert isinstance(app.screen, ReportScreen)
        await app.workers.wait_for_complete()  # built on a worker thread
        await pilot.pause()
        assert app.screen.markdown.startswith("# 关于网络安全问题整改情况的报告")
        assert not app.screen.query_one("#report-state").display
        await pilot.press("w")
        await pilot.pause()
        written = sorted(recorded_store.path.parent.glob("assetwatch-report-*"))
        assert [p.suffix for p in written] == [".html", ".json", ".md"]
        assert written[2].read_text(encoding="utf-8") == app.screen.markdown
        assert all(p.stat().st_mode & 0o777 == 0o600 for p in written)  # private files


async def test_an_item_that_cannot_be_verified_shows_a_question_mark_and_why(recorded_store, lab):
    from checks.service import checks_admin

    checks_admin.disable(recorded_store, "sensitive-file-exposed", "noise")
    app = recorded_app(recorded_store, lab)
    async with app.run_test(size=(160, 40)) as pilot:
        await pilot.press("g")
        view = app.screen.query_one("#org-items")
        prompt = str(view.get_option_at_index(option_of(view, "no-sensitive-exposure")).prompt)
        assert prompt.lstrip().startswith("?") and "not verified: checks_off=" in prompt


async def test_the_report_builds_in_a_worker_and_keys_stay_answered(recorded_store, lab):
    from textual.worker import Worker

    messages = []
    app = recorded_app(recorded_store, lab)
    async with app.run_test(size=(80, 24), message_hook=messages.append) as pilot:
        await pilot.press("w")
        screen = app.screen
        assert isinstance(screen, ReportScreen)
        assert "Building the report" in str(screen.query_one("#report-state").content)
        builds = [m.worker for m in messages if isinstance(m, Worker.StateChanged)]
        assert any(w.name == "report" and w._thread_worker for w in builds)  # off the UI loop
        await pilot.press("escape")  # answered while it builds (or just after)
        assert isinstance(app.screen, GridScreen)
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert isinstance(app.screen, GridScreen)  # a late result changes nothing
