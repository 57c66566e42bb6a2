"""The asset screen and its checklist, driven with Pilot on the recorded sweep."""

from __future__ import annotations

from checks.lab.scenarios import EDGE_TITLE
from checks.model import (
    Asset,
    DnsAnswer,
    DnsStatus,
    Finding,
    FindingStatus,
    HttpEntry,
    Kind,
    Lifecycle,
    ProbeOutcome,
    Severity,
)
from checks.service import inventory
from tests.tui_support import cell, notices, plain, recorded_app, select, texts
from tui.dashboard.dialogs.note import AcceptRiskForm, NoteForm
from tui.dashboard.dialogs.retire import Confirm, ConfirmRetire
from tui.dashboard.screens.asset import AssetScreen
from tui.dashboard.screens.help import HelpScreen
from tui.dashboard.widgets.checklist import ChecklistView


def open_checklist(app):
    view = app.screen.query_one(ChecklistView)
    view.focus()
    return view


def first(view, wanted):
    """Index of the first option whose step matches `wanted(ref)`."""
    return next(
        i for i in range(view.option_count) if (r := view.ref_at(i)) is not None and wanted(r)
    )


async def test_markup_and_escapes_from_the_network_stay_literal(recorded_store, lab):
    store = recorded_store
    asset = inventory.add(store, Asset("markup.lab-edge.test", Kind.WEBSITE, "IT")).asset
    url = "http://markup.lab-edge.test/"
    outcome = ProbeOutcome(
        asset,
        store.clock(),
        store.clock(),
        DnsAnswer(asset.name, DnsStatus.ANSWER, ("127.0.0.1",)),
        (HttpEntry(url, status=200, title=EDGE_TITLE, headers=(("server", EDGE_TITLE),)),),
    )
    finding = Finding(
        asset.name, "login-exposed", Severity.HIGH, "t", "标题", f"title={EDGE_TITLE}"
    )
    store.probes.record([(outcome, [finding])])
    app = recorded_app(store, lab)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("slash", *"markup", "enter", "enter")
        assert isinstance(app.screen, AssetScreen)
        for body in ("#overview-body", "#findings-body"):
            content = app.screen.query_one(body).content
            shown = plain(content)
            assert "[bold red]pwned[/]" in shown
            assert "\\x1b[31m" in shown and "\x1b" not in shown
            assert not any("red" in str(s.style) for t in texts(content) for s in t.spans)


async def test_checklist_attests_manual_steps_with_space_and_notes(recorded_store, lab, tmp_path):
    signoff = tmp_path / "signoff.pdf"
    signoff.write_bytes(b"%PDF-1.4 signed")
    app = recorded_app(recorded_store, lab)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("enter", "right", "right")
        view = open_checklist(app)
        view.highlighted = at = first(view, lambda r: r.manual and not r.done)
        ref = view.highlighted_ref
        finding_id, key = ref.finding_id, ref.key
        index = next(s.index for s in ref_steps(app, finding_id) if s.key == key)

        def attested():
            return recorded_store.findings.attestations(finding_id)

        await pilot.press("space")
        await pilot.pause()
        assert index in attested()
        # the cursor moved on to the next manual step to attest; the step shows as attested
        assert view.highlighted > at
        assert view.ref_at(at).done and view.ref_at(at).key == key
        view.highlighted = at
        # a second space asks first; Enter alone (Cancel has the focus) keeps the attestation
        await pilot.press("space")
        assert isinstance(app.screen, Confirm)
        await pilot.press("enter")
        await pilot.pause()
        assert index in attested()
        await pilot.press("space", "ctrl+s")
        await pilot.pause()
        assert index not in attested()
        await pilot.press("n")
        assert isinstance(app.screen, NoteForm)
        app.screen.query_one("#note").value = "owner signed the form"
        app.screen.query_one("#evidence").value = "/srv/evidence/no-such-file.pdf"
        await pilot.press("ctrl+s")  # evidence that is not there: refused, what was typed kept
        assert isinstance(app.screen, NoteForm)
        assert app.screen.query_one("#note").value == "owner signed the form"
        assert "no-such-file.pdf" in str(app.screen.query_one("#error").content)
        app.screen.query_one("#evidence").value = str(signoff)
        await pilot.press("ctrl+s")
        await pilot.pause()
        attestation = attested()[index]
        assert attestation.note == "owner signed the form"
        assert attestation.evidence == str(signoff) and attestation.evidence_sha256
        assert recorded_store.audit.events()[-1].action == "step.attest"
        assert "owner signed the form" in view.plain_at(at)


def ref_steps(app, finding_id):
    """The worklist keys and playbook indexes of one finding's steps."""
    from types import SimpleNamespace

    from checks.workflow.checklists import step_key

    detail = app.screen.detail
    checklist = next(c for c in detail.checklists if c.record.id == finding_id)
    return [
        SimpleNamespace(index=s.index, key=step_key(checklist.book, s.index))
        for s in checklist.steps
    ]


async def test_an_auto_step_is_not_attested_by_hand(recorded_store, lab):
    messages = []
    app = recorded_app(recorded_store, lab)
    async with app.run_test(size=(120, 40), message_hook=messages.append) as pilot:
        await pilot.press("enter", "right", "right")
        view = open_checklist(app)
        view.highlighted = first(view, lambda r: not r.manual)
        before = len(recorded_store.audit.events())
        await pilot.press("space", "n")
        await pilot.pause()
        assert isinstance(app.screen, AssetScreen)
        assert len(recorded_store.audit.events()) == before
        assert "assetwatch verifies this step itself at the next probe" in notices(messages)


async def test_accepting_a_risk_from_the_checklist(recorded_store, lab):
    app = recorded_app(recorded_store, lab)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("enter", "right", "right")
        view = open_checklist(app)
        view.highlighted = 1
        finding_id = view.highlighted_ref.finding_id
        await pilot.press("k")
        assert isinstance(app.screen, AcceptRiskForm)
        app.screen.query_one("#reason").value = "vendor patch due in March"
        app.screen.query_one("#until").value = "next week"
        await pilot.press("ctrl+s")
        assert "YYYY-MM-DD" in str(app.screen.query_one("#error").content)
        app.screen.query_one("#until").value = "2020-01-01"  # the past: refused, nothing lost
        await pilot.press("ctrl+s")
        assert isinstance(app.screen, AcceptRiskForm)
        assert "after today" in str(app.screen.query_one("#error").content)
        assert app.screen.query_one("#reason").value == "vendor patch due in March"
        app.screen.query_one("#until").value = "2099-03-31"
        await pilot.press("ctrl+s")
        await pilot.pause()
        records = recorded_store.findings.query(active_only=False)
        record = next(r for r in records if r.id == finding_id)
        assert record.status == FindingStatus.ACCEPTED
        assert record.accepted_reason == "vendor patch due in March"
        heading = view.plain_at(0)
        assert "[accepted risk]" in heading  # the screen redrew from the store


async def retire_www_shili(app, pilot, store):
    select(app, "www.shili-tech.test")
    await pilot.press("x")
    assert isinstance(app.screen, ConfirmRetire)
    await pilot.press("ctrl+s")
    await app.workers.wait_for_complete()  # the re-probe that proves it went dark
    await pilot.pause()
    return store.assets.get("www.shili-tech.test")


async def test_retiring_starts_the_decommission_checklist_and_is_logged(recorded_store, lab):
    store = recorded_store
    app = recorded_app(store, lab)
    async with app.run_test(size=(120, 40)) as pilot:
        asset = await retire_www_shili(app, pilot, store)
        assert asset.lifecycle == Lifecycle.RETIRING
        updates = [e for e in store.audit.events(asset.id) if e.action == "asset.update"]
        assert updates[-1].detail["changes"]["lifecycle"] == ["active", "retiring"]
        assert cell(app, "www.shili-tech.test", "lifecycle") == "retiring"
        await pilot.press("enter", "right", "right")
        view = open_checklist(app)
        assert view.get_option_at_index(0).id == "decommission"
        view.highlighted = 1  # the owner's sign-off
        assert view.highlighted_ref.finding_id is None and view.highlighted_ref.manual
        await pilot.press("space")
        await pilot.pause()
        assert 0 in store.attestations.decommission(asset.id)


async def test_n_on_a_decommission_step_asks_for_the_note_first(recorded_store, lab, tmp_path):
    """Bug B2: `n` attested the step with no note, as a side effect of reading it."""
    store = recorded_store
    shutdown = tmp_path / "shutdown.pdf"  # evidence given as a path must exist (issue 13)
    shutdown.write_bytes(b"%PDF-1.4 signed")
    app = recorded_app(store, lab)
    async with app.run_test(size=(120, 40)) as pilot:
        asset = await retire_www_shili(app, pilot, store)
        await pilot.press("enter", "right", "right")
        view = open_checklist(app)
        view.highlighted = first(view, lambda r: r.finding_id is None and r.manual)
        index = view.highlighted_ref.index
        await pilot.press("n")
        assert isinstance(app.screen, NoteForm)
        assert store.attestations.decommission(asset.id) == {}
        app.screen.query_one("#note").value = "CEO signed the shutdown"
        app.screen.query_one("#evidence").value = str(shutdown)
        await pilot.press("ctrl+s")
        await pilot.pause()
        attested = store.attestations.decommission(asset.id)[index]
        assert (attested.note, attested.evidence) == ("CEO signed the shutdown", str(shutdown))
        assert attested.evidence_sha256
        assert "CEO signed the shutdown" in view.plain_at(view.highlighted)


async def test_cancelling_the_note_attests_nothing(recorded_store, lab):
    store = recorded_store
    app = recorded_app(store, lab)
    async with app.run_test(size=(120, 40)) as pilot:
        asset = await retire_www_shili(app, pilot, store)
        await pilot.press("enter", "right", "right")
        view = open_checklist(app)
        view.highlighted = first(view, lambda r: r.finding_id is None and r.manual)
        await pilot.press("n", "escape")
        assert isinstance(app.screen, AssetScreen)
        assert store.attestations.decommission(asset.id) == {}


async def test_help_on_the_asset_screen_lists_its_keys_and_the_checklists(recorded_store, lab):
    app = recorded_app(recorded_store, lab)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("enter", "question_mark")
        assert isinstance(app.screen, HelpScreen)
        ids = [binding_id for _, binding_id in app.screen.keys]
        assert ids == [
            *(b.id for b in AssetScreen.BINDINGS),
            *(b.id for b in ChecklistView.BINDINGS),
            "tabs",
            "move",
            "palette",
        ]
        assert "add" not in ids and "filter" not in ids
        await pilot.press("escape")
        assert isinstance(app.screen, AssetScreen)
