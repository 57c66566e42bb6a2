"""Compromise checks: silent on 82 real legitimate pages, loud on planted content."""

from __future__ import annotations

import os
from datetime import UTC, datetime
from pathlib import Path

import pytest

from checks.model import Asset, DnsAnswer, DnsStatus, Hop, HttpEntry, Kind, ProbeOutcome
from checks.rules import RuleContext, evaluate
from checks.rules.compromise import page_baseline, similarity, visible_text
from checks.text import decode_body, extract_title

NOW = datetime(2026, 11, 29, tzinfo=UTC)
CORPUS = Path(__file__).resolve().parents[2] / "shared" / "corpus" / "clean"
PAGES = sorted(CORPUS.glob("*.html"))


def outcome(body: bytes, host="www.example-company.test", spider: bytes | None = None):
    asset = Asset(host, Kind.WEBSITE, "IT")
    url = f"https://{host}/"

    def entry(data: bytes) -> HttpEntry:
        return HttpEntry(
            url,
            status=200,
            hops=(Hop(url, 200),),
            final_url=url,
            headers=(("content-type", "text/html"),),
            body=data,
            title=extract_title(decode_body(None, data)),
        )

    return ProbeOutcome(
        asset,
        NOW,
        NOW,
        DnsAnswer(host, DnsStatus.ANSWER, ("127.0.0.1",)),
        (entry(body),),
        spider=entry(spider) if spider is not None else None,
    )


def compromise(o, baseline=None):
    return {f.check for f in evaluate(o, RuleContext(NOW, baseline=baseline))} & {
        "seo-spam",
        "injected-script",
    }


def test_the_corpus_is_there():
    # shared/corpus/ sits beside the checkout on the developers' machines and in CI.
    if not CORPUS.exists() and not os.environ.get("CI"):
        pytest.skip(f"no corpus at {CORPUS}")
    assert len(PAGES) >= 80


@pytest.mark.parametrize("page", PAGES, ids=[p.stem for p in PAGES])
def test_legitimate_pages_raise_no_compromise_finding(page):
    body = page.read_bytes()
    assert compromise(outcome(body)) == set()
    # the page against its own baseline: nothing new either
    assert (
        compromise(
            outcome(body),
            page_baseline(Asset("www.example-company.test"), body.decode("utf-8", "replace")),
        )
        == set()
    )


def test_hidden_gambling_links_are_spam():
    body = (
        '<p>About us</p><div style="display:none"><a href="http://a.example.net/">百家乐</a>'
        '<a href="http://b.example.net/">澳门新葡京</a></div>'
    ).encode()
    assert "seo-spam" in compromise(outcome(body))


def test_one_word_or_own_links_are_not_spam():
    one = '<div style="display:none"><a href="http://a.example.net/">百家乐</a></div>'.encode()
    assert compromise(outcome(one)) == set()
    own = (
        '<div style="display:none"><a href="https://www.example-company.test/a">百家乐</a>'
        '<a href="/b">澳门新葡京</a></div>'
    ).encode()
    assert compromise(outcome(own)) == set()


def test_visible_bulk_spam_links_are_spam():
    words = ["百家乐", "真人娱乐", "时时彩", "六合彩"]
    body = "".join(
        f'<a href="http://x{i}.example.net/">{w}</a>' for i, w in enumerate(words)
    ).encode()
    assert "seo-spam" in compromise(outcome(body))


def test_search_engine_redirect_is_an_injected_script():
    js = (
        "<script>if(document.referrer.indexOf('baidu')>-1){location.href='http://bad.example.net/'}"
        "</script>"
    )
    assert "injected-script" in compromise(outcome(js.encode()))
    mobile = (
        "<script>if(/iPhone|Android/.test(navigator.userAgent)){location.href='https://m.example-"
        "company.test/'}</script>"
    )
    assert compromise(outcome(mobile.encode())) == set()


def test_cloaking_for_baiduspider():
    people = b"<title>Example Company</title><p>hello</p>"
    spider = "<title>澳门新葡京娱乐城</title>".encode()
    assert "injected-script" in compromise(outcome(people, spider=spider))
    assert compromise(outcome(people, spider=people)) == set()


def test_new_script_host_against_the_baseline():
    before = '<script src="https://hm.baidu.com/hm.js"></script><p>hi</p>'
    after = before + '<script src="https://cdn.evil-stats.example.net/x.js"></script>'
    baseline = page_baseline(Asset("www.example-company.test"), before)
    assert "injected-script" in compromise(outcome(after.encode()), baseline)
    assert compromise(outcome(before.encode()), baseline) == set()


def test_text_similarity():
    a = visible_text("<p>示例科技发布工业数据平台 3.0 版本，支持边缘设备接入。</p>")
    assert similarity(a, a) == 1.0
    assert similarity(a, visible_text("<p>Hacked by nobody</p>")) < 0.1
    assert similarity(a, a + " 新增一行") > 0.5
