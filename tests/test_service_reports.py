"""The organisation checklist and the rectification report in every format and both languages."""

from __future__ import annotations

import json
from datetime import timedelta
from html.parser import HTMLParser
from pathlib import Path

import jsonschema
import pytest

from checks.knowledge.org_items import ItemMode, demands, items
from checks.report.html import to_html
from checks.report.markdown import to_markdown
from checks.service.org import states as org_states
from checks.service.reports import build_report
from checks.workflow.org import progress

SCHEMA = json.loads(
    (Path(__file__).resolve().parents[1] / "checks" / "data" / "report.schema.json").read_text()
)


def test_seven_demands_with_auto_items_computed(recorded_store):
    assert [d.id for d in demands()] == [
        "investigate-fix",
        "inventory",
        "policy",
        "tech",
        "assessment",
        "training",
        "incident-response",
    ]
    states = {s.item.id: s for s in org_states(recorded_store)}
    assert states["retired-assets-dark"].computed is False  # the HR site and the OA are alive
    assert states["every-asset-owned"].computed is False and "files.shili-tech.test" in (
        states["every-asset-owned"].detail
    )
    assert states["sweep-recent"].computed is True
    assert states["logs-6-months"].computed is True and not states["logs-6-months"].done  # semi
    assert all(s.computed is None for s in states.values() if s.item.mode == ItemMode.MANUAL)


def test_attesting_an_org_item_is_logged_and_counts(recorded_store):
    before = progress(org_states(recorded_store), "policy")
    recorded_store.attestations.attest_org(
        "security-officer", note="王磊 appointed", evidence="任命文件.pdf", who="admin"
    )
    after = progress(org_states(recorded_store), "policy")
    assert after == (before[0] + 1, before[1])
    assert recorded_store.audit.events()[-1].action == "org.attest"
    assert {i.id for i in items()} >= {"security-officer", "ir-drill", "law-study"}


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_report_json_validates_and_holds_the_history(recorded_store, lang):
    now = recorded_store.clock()
    report = build_report(recorded_store, now - timedelta(days=30), now, lang)
    jsonschema.validate(report, SCHEMA)
    assert report["inventory"]["by_lifecycle"]["retired"] == 3  # with the released renli-hr.cn
    assert report["discovery"]["filings"] == 4 and report["discovery"]["total"] >= 2
    checks = {(f["asset"], f["check"]) for f in report["findings_raised"]}
    assert ("www.renli-hr.test", "retired-still-serving") in checks
    assert len(report["demands"]) == 7
    assert report["sweeps"]
    title = {"zh": "已下线资产仍在提供网页服务", "en": "Retired asset still serves web pages"}[lang]
    assert any(f["title"] == title for f in report["open_items"])


class _Tags(HTMLParser):
    def __init__(self):
        super().__init__()
        self.tags = []
        self.text = []

    def handle_starttag(self, tag, attrs):
        self.tags.append(tag)

    def handle_data(self, data):
        self.text.append(data)


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_report_html_and_markdown(recorded_store, lang):
    now = recorded_store.clock()
    report = build_report(recorded_store, now - timedelta(days=30), now, lang)
    page = to_html(report)
    parser = _Tags()
    parser.feed(page)
    assert parser.tags.count("table") >= 3 and "script" not in parser.tags
    assert "@media print" in page
    heading = {
        "zh": "关于网络安全问题整改情况的报告",
        "en": "Report on the rectification of network security problems",
    }[lang]
    assert heading in "".join(parser.text)
    markdown = to_markdown(report)
    assert markdown.startswith(f"# {heading}") and "| www.renli-hr.test |" in markdown


def test_network_text_is_escaped_in_html(recorded_store):
    now = recorded_store.clock()
    report = build_report(recorded_store, now - timedelta(days=30), now, "en")
    report["problems"][0]["evidence"] = "<script>alert(1)</script>"
    page = to_html(report)
    assert "<script>alert" not in page and "&lt;script&gt;" in page


def test_network_text_is_inert_in_markdown(recorded_store):
    now = recorded_store.clock()
    report = build_report(recorded_store, now - timedelta(days=30), now, "en")
    report["problems"][0]["evidence"] = "[click](http://evil.example) **x** \x1b[31m"
    markdown = to_markdown(report)
    assert "[click](http" not in markdown and "\\[click\\]" in markdown
    assert "\x1b" not in markdown and "\\x1b" in markdown


def test_control_and_direction_characters_never_reach_any_report_format(recorded_store):
    now = recorded_store.clock()
    report = build_report(recorded_store, now - timedelta(days=30), now, "en")
    report["problems"][0]["evidence"] = "\x1b]0;owned\x07 admin\u202egpj.exe"
    for text in (to_html(report), to_markdown(report)):
        assert "\x1b" not in text and "\u202e" not in text and "\\u202e" in text
