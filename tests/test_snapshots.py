"""Snapshots of the main screens at 80×24 and 120×40, from a recorded lab sweep (fixed clock).

Inputs are shown with a steady cursor (`tui_support.press`), so no snapshot depends on when the
cursor blinked.
"""

from __future__ import annotations

import pytest

from tests.tui_support import press, recorded_app


@pytest.mark.parametrize("size", [(80, 24), (120, 40)], ids=["80x24", "120x40"])
@pytest.mark.parametrize("lang", ["en", "zh"])
def test_grid(snap_compare, recorded_store, lab, size, lang):
    app = recorded_app(recorded_store, lab, lang)
    assert snap_compare(app, run_before=press(), terminal_size=size)


@pytest.mark.parametrize("size", [(80, 24), (120, 40)], ids=["80x24", "120x40"])
def test_asset_screen(snap_compare, recorded_store, lab, size):
    app = recorded_app(recorded_store, lab)
    assert snap_compare(app, run_before=press("enter"), terminal_size=size)


def test_asset_findings_tab(snap_compare, recorded_store, lab):
    app = recorded_app(recorded_store, lab, "zh")
    assert snap_compare(app, run_before=press("enter", "right"), terminal_size=(80, 24))


def test_asset_checklist_tab(snap_compare, recorded_store, lab):
    app = recorded_app(recorded_store, lab)
    assert snap_compare(app, run_before=press("enter", "right", "right"), terminal_size=(80, 24))


def test_add_form(snap_compare, recorded_store, lab):
    app = recorded_app(recorded_store, lab)
    assert snap_compare(app, run_before=press("a"), terminal_size=(80, 24))


def test_retire_confirmation(snap_compare, recorded_store, lab):
    app = recorded_app(recorded_store, lab, "zh")
    assert snap_compare(app, run_before=press("down", "down", "x"), terminal_size=(80, 24))


def test_help(snap_compare, recorded_store, lab):
    app = recorded_app(recorded_store, lab)
    assert snap_compare(app, run_before=press("question_mark"), terminal_size=(80, 24))


def test_filtered_grid(snap_compare, recorded_store, lab):
    app = recorded_app(recorded_store, lab)
    keys = press("slash", *"shili", "enter", "f", "f")
    assert snap_compare(app, run_before=keys, terminal_size=(80, 24))


def test_org_checklist(snap_compare, recorded_store, lab):
    app = recorded_app(recorded_store, lab, "zh")
    assert snap_compare(app, run_before=press("g"), terminal_size=(80, 24))


def test_report(snap_compare, recorded_store, lab):
    app = recorded_app(recorded_store, lab, "zh")
    assert snap_compare(app, run_before=press("w"), terminal_size=(80, 24))


def test_palette(snap_compare, recorded_store, lab):
    # The palette searches in a worker; wait for its results before the screenshot.
    app = recorded_app(recorded_store, lab)
    assert snap_compare(app, run_before=press("ctrl+p", *"sweep", wait=0.3), terminal_size=(80, 24))


def test_discovered(snap_compare, recorded_store, lab):
    app = recorded_app(recorded_store, lab, "zh")
    assert snap_compare(app, run_before=press("d"), terminal_size=(80, 24))


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_fix_first(snap_compare, recorded_store, lab, lang):
    app = recorded_app(recorded_store, lab, lang)
    assert snap_compare(app, run_before=press("t"), terminal_size=(80, 24))


def test_fix_first_filtered_by_owner(snap_compare, recorded_store, lab):
    app = recorded_app(recorded_store, lab)
    assert snap_compare(app, run_before=press("t", "o"), terminal_size=(80, 24))


# The key bar of every screen at 80×24: the grid, the asset screen, the checklist tab, the
# organisation checklist, the report, the Discovered list and the alert channels are above
# (test_grid, test_asset_screen, test_asset_checklist_tab, test_org_checklist, test_report,
# test_discovered, test_tui_channels); fix first here; the grid with a filter applied (esc Clear).
def test_key_bar_with_a_filter_applied(snap_compare, recorded_store, lab):
    app = recorded_app(recorded_store, lab, "zh")
    assert snap_compare(app, run_before=press("f"), terminal_size=(80, 24))


@pytest.mark.parametrize(
    "keys", [(), ("enter", "right"), ("t",)], ids=["grid", "findings", "fix-first"]
)
def test_no_color(snap_compare, recorded_store, lab, monkeypatch, keys):
    """NO_COLOR: severities in bold and reverse, never grey on grey."""
    monkeypatch.setenv("NO_COLOR", "1")
    app = recorded_app(recorded_store, lab)
    assert snap_compare(app, run_before=press(*keys), terminal_size=(80, 24))


def _with_org(store):
    from checks.model import Asset

    store.orgs.add("city-a", title="A 市")
    other = store.reopen(org="city-a")
    other.assets.save(Asset("www.a.example.test"))
    other.close()
    return store


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_orgs_rollup(snap_compare, recorded_store, lab, lang):
    app = recorded_app(_with_org(recorded_store), lab, lang)
    assert snap_compare(app, run_before=press("O"), terminal_size=(80, 24))


def test_orgs_all_read_only(snap_compare, recorded_store, lab):
    """`assetwatch --org all`: the roll-up is the first screen; no ▸, no esc."""
    from tests.tui_support import quiet
    from tui.dashboard import make_app

    store = _with_org(recorded_store)
    app = make_app(store, lab.overrides(), clock=store.clock, lang="en", everyone=True)
    quiet(app)
    assert snap_compare(app, terminal_size=(80, 24))
