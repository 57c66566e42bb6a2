"""The parts of the compromise checks: static decoders, word matching, hosts, data, check-page."""

from __future__ import annotations

import subprocess
import sys
from datetime import UTC, datetime

import pytest

from checks.errors import UserError
from checks.knowledge.compromise import lexicon, script_hosts
from checks.names import registrable_domain, same_site
from checks.rules.compromise import deobfuscate as d
from checks.rules.compromise.hosts import place, traits
from checks.rules.compromise.js import actions, normalize
from checks.rules.compromise.words import fold, reports_on_vice, spam_terms, zero_width_terms
from checks.service.pages import check_page
from tests.tampering.encode import b64, char_codes, escape, hex_escaped, pack

NOW = datetime(2026, 11, 29, tzinfo=UTC)
PAYLOAD = 'window.location.href="http://www.am8899.com/";'


@pytest.mark.parametrize(
    "script",
    [
        f"eval(unescape('{escape(PAYLOAD)}'))",
        f'eval(atob("{b64(PAYLOAD)}"))',
        f"eval(String.fromCharCode({char_codes(PAYLOAD)}))",
        f'eval("{hex_escaped(PAYLOAD)}")',
        pack(PAYLOAD),
    ],
    ids=["unescape", "atob", "fromCharCode", "hex", "packer"],
)
def test_each_decoder_recovers_the_payload(script):
    assert PAYLOAD in [item.text for item in d.decode_layers(script)]


def test_decoding_is_bounded():
    nested = PAYLOAD
    for _ in range(6):
        nested = f"eval(atob('{b64(nested)}'))"
    assert PAYLOAD not in [i.text for i in d.decode_layers(nested)]  # deeper than DEPTH
    many = "unescape('%41%42');" * 10_000
    assert len(d.decode_layers(many)) <= d.CALL_CAP
    assert d.atob("not base64 at all!") is None


def test_normalize_undoes_escapes_brackets_and_concatenation():
    code, undone = normalize('window["lo"+"cation"]["\\x68ref"]="http://a.example/"')
    assert code == 'window.location.href="http://a.example/"'
    assert undone == ("\\x escapes", "bracket notation")
    (action,) = actions(code)
    assert (action.kind, action.target, action.context) == ("redirect", "http://a.example/", "load")


def test_contexts_of_actions():
    click = "$('.btn').click(function(){location.href='http://a.example/'})"
    assert actions(click)[0].context == "handler"
    spider = "if(/baiduspider/i.test(navigator.userAgent)){location.href='http://a.example/'}"
    assert actions(spider)[0].context == "spider"
    mobile = "if(/iphone|android/i.test(navigator.userAgent)){location.href='http://m.a.example/'}"
    assert actions(mobile)[0].context == "mobile"
    called = "function go(){location.href='http://a.example/'}go();"
    assert actions(called)[0].context == "load"


def test_words_fold_entities_zero_width_and_full_width():
    assert fold("&#x767e;&#x5bb6;&#x4e50;") == "百家乐"
    assert spam_terms("百\u200b家\u200b乐 ｓｌｏｔ　ｇａｃｏｒ") == {"百家乐", "slot gacor"}
    assert zero_width_terms("百\u200b家乐") == {"百家乐"}
    assert zero_width_terms("百家乐") == set()
    assert spam_terms("timeslot") == set() and spam_terms("Judi Dench") == set()
    assert spam_terms("体育彩票 澳门 威尼斯人度假村 新葡京") == set()  # weak words only
    assert spam_terms("威尼斯人官网") == {"威尼斯人官网"}  # a brand compound is strong
    assert reports_on_vice("警方破获网络赌博案") and not reports_on_vice("百家乐平台")


def test_strong_and_weak_words_do_not_overlap():
    words = lexicon()
    assert not set(words.strong) & words.weak


def test_hosts_and_their_traits():
    assert place("//cdn.example.com:8080/a.js").port == 8080
    assert place("/local.js") is None and place("javascript:void(0)") is None
    assert traits(place("http://154.23.11.5/a.js")) == ["an IP address"]
    assert "the .xyz TLD" in traits(place("https://cdn.tj123.xyz/a.js"))
    assert "a random-looking name" in traits(place("https://m5j4j5x6.cn/a.js"))
    assert any("look-alike" in t for t in traits(place("https://code-jquery.net/a.js")))
    for legit in (
        "https://hnzwfw.gov.cn/a.js",
        "https://s.51job.com/a.js",
        "//x7k2.cloudfront.net/",
    ):
        assert traits(place(legit)) == [], legit
    assert script_hosts().known_host("s4.cnzz.com") is not None


def test_registrable_domains_come_from_the_public_suffix_list():
    assert registrable_domain("www.example.com.cn") == "example.com.cn"
    assert registrable_domain("a.b.github.io") == "b.github.io"
    assert registrable_domain("a.b.github.io", private=False) == "github.io"
    assert registrable_domain("127.0.0.1") == "127.0.0.1"
    assert same_site("www.zhengzhou.gov.cn", "m.zhengzhou.gov.cn")
    assert not same_site("www.zhengzhou.gov.cn", "www.luoyang.gov.cn")  # gov.cn is a suffix


def test_the_suffix_list_works_without_network():
    # publicsuffixlist ships the list: a process with no network namespace still resolves it
    code = "from checks.names import registrable_domain as r; print(r('www.example.com.cn'))"
    try:
        out = subprocess.run(
            ["unshare", "-n", sys.executable, "-c", code],
            capture_output=True,
            text=True,
            check=True,
        )
    except (OSError, subprocess.CalledProcessError):
        pytest.skip("unshare -n is not available here")
    assert out.stdout.strip() == "example.com.cn"


def test_every_data_entry_names_its_source():
    from checks.knowledge import load_data

    spam = load_data("spam.json")
    sources = spam["sources"]
    for block in [*spam["strong"].values(), spam["brands"], spam["weak"], spam["reporting"]]:
        assert block["source"] and all(s.strip(" ,") for s in block["source"].split(","))
    assert all(key in str(spam) for key in sources)
    hosts = load_data("script_hosts.json")
    assert all(h["source"].startswith("http") and h["what"] for h in hosts["hosts"])
    assert hosts["spam_tlds"]["source"] and hosts["lookalike"]["source"]


def test_check_page_reads_a_saved_page_like_scan_reports():
    page = (
        '<html><head><meta charset="gbk"><title>x</title></head><body><div style="display:none">'
        '<a href="http://a.example/">百家乐</a><a href="http://b.example/">六合彩</a></div></body></html>'
    )
    (record,) = check_page(page.encode("gb18030"), now=NOW)
    assert record.finding.check == "seo-spam" and record.finding.asset == "localhost"
    assert record.first_seen == record.last_seen == NOW and str(record.status) == "open"
    assert check_page(b"<p>hello</p>", "https://www.example.com/", now=NOW) == []
    with pytest.raises(UserError):
        check_page(b"", "ftp://example.com/")


def test_check_page_compares_what_baiduspider_got():
    people = "<html><head><title>示例科技</title></head><body>hi</body></html>".encode()
    spider = "<html><head><title>澳门新葡京娱乐-百家乐平台</title></head></html>".encode()
    checks = {r.finding.check for r in check_page(people, spider=spider, now=NOW)}
    assert checks == {"seo-spam", "injected-script"}
    assert check_page(people, spider=people, now=NOW) == []


def test_saved_pages_are_read_bounded(tmp_path):
    from checks.service.pages import BODY_CAP, read_saved

    big = tmp_path / "big.html"
    big.write_bytes(b"<p>x</p>" * (BODY_CAP // 4))
    assert len(read_saved(big)) == BODY_CAP
    with pytest.raises(UserError):
        read_saved(tmp_path / "missing.html")
