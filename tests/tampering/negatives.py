"""Hard negatives: what legitimate Chinese sites really carry that naive rules flag."""

from __future__ import annotations

import random

from tests.tampering.inject import insert, insert_somewhere

HOST = "www.example-company.test"
"""The host tampered and negative pages are evaluated as (same-site things point here)."""


def baidu_tongji(page: str, rng: random.Random) -> str:
    key = "".join(rng.choice("0123456789abcdef") for _ in range(32))
    code = (
        'var _hmt = _hmt || [];(function() {var hm = document.createElement("script");'
        f'hm.src = "https://hm.baidu.com/hm.js?{key}";'
        'var s = document.getElementsByTagName("script")[0];s.parentNode.insertBefore(hm, s);})();'
    )
    return insert(page, f"<script>{code}</script>", "head")


def cnzz_hidden(page: str, rng: random.Random) -> str:
    site = rng.randint(1000000000, 1999999999)
    if rng.random() < 0.5:
        block = (
            f'<div style="display:none"><script src="https://s4.cnzz.com/z_stat.php?id={site}'
            f'&web_id={site}" language="JavaScript"></script></div>'
        )
    else:
        block = (
            '<div style="display:none"><script type="text/javascript">var cnzz_protocol = '
            '(("https:" == document.location.protocol) ? "https://" : "http://");'
            f"document.write(unescape(\"%3Cspan id='cnzz_stat_icon_{site}'%3E%3C/span%3E%3Cscript "
            f"src='\" + cnzz_protocol + \"s9.cnzz.com/z_stat.php%3Fid%3D{site}%26show%3Dpic' "
            "type='text/javascript'%3E%3C/script%3E\"));</script></div>"
        )
    return insert(page, block, "body-end")


def la51(page: str, rng: random.Random) -> str:
    ident = "".join(rng.choice("ABCDEFGHJKLMNPQRSTUVWXYZ0123456789") for _ in range(16))
    if rng.random() < 0.5:
        block = (
            '<script charset="UTF-8" id="LA_COLLECT" src="//sdk.51.la/js-sdk-pro.min.js"></script>'
            f'<script>LA.init({{id:"{ident}",ck:"{ident}"}})</script>'
        )
    else:
        number = rng.randint(10**7, 10**8)
        block = f'<script type="text/javascript" src="//js.users.51.la/{number}.js"></script>'
    return insert_somewhere(page, block, rng)


CDN_LIBS = [
    "https://cdn.bootcdn.net/ajax/libs/jquery/3.6.0/jquery.min.js",
    "https://cdn.bootcss.com/bootstrap/3.3.7/js/bootstrap.min.js",
    "https://cdn.staticfile.org/vue/2.6.14/vue.min.js",
    "https://cdn.staticfile.net/layui/2.9.0/layui.js",
    "https://cdn.jsdelivr.net/npm/swiper@8/swiper-bundle.min.js",
    "https://unpkg.com/axios/dist/axios.min.js",
    "https://cdnjs.cloudflare.com/ajax/libs/echarts/5.4.3/echarts.min.js",
    "https://lib.baomitu.com/jquery/3.6.0/jquery.min.js",
]


def cdn_libraries(page: str, rng: random.Random) -> str:
    tags = "".join(
        f'<script src="{src}"></script>' for src in rng.sample(CDN_LIBS, rng.randint(1, 4))
    )
    return insert(page, tags, rng.choice(["head", "body-end"]))


def hidden_menu(page: str, rng: random.Random) -> str:
    items = ["首页", "关于我们", "新闻中心", "产品中心", "联系我们", "人才招聘", "体育频道", "彩票"]
    links = "".join(f'<li><a href="/{i}.html">{name}</a></li>' for i, name in enumerate(items))
    partners = '<li><a href="https://www.gov.cn/">中国政府网</a></li><li><a href="https://www.12377.cn/">举报中心</a></li>'
    style = rng.choice(['style="display:none"', 'class="mobile-nav hidden"', "hidden"])
    css = "<style>.hidden{display:none}</style>" if 'hidden"' in style else ""
    return insert(page, f"{css}<nav {style}><ul>{links}{partners}</ul></nav>", "body-start")


def sr_only(page: str, rng: random.Random) -> str:
    css = (
        "<style>.sr-only{position:absolute;width:1px;height:1px;padding:0;margin:-1px;"
        "overflow:hidden;clip:rect(0,0,0,0);border:0}</style>"
    )
    text = rng.choice(["跳到主要内容", "无障碍阅读", "Skip to main content", "打开导航菜单"])
    return insert(
        insert(page, css, "head"), f'<a class="sr-only" href="#main">{text}</a>', "body-start"
    )


def mobile_redirect(page: str, rng: random.Random) -> str:
    target = rng.choice(
        [f"https://m.{HOST.removeprefix('www.')}/", "/m/index.html", f"https://{HOST}/mobile/"]
    )
    code = rng.choice(
        [
            f'if(/Android|webOS|iPhone|iPad|iPod|BlackBerry/i.test(navigator.userAgent)){{window.location.href="{target}";}}',
            "var ua=navigator.userAgent.toLowerCase();if(ua.match(/iphone|android|mobile/)){"
            f'location.replace("{target}");}}',
        ]
    )
    return insert(page, f"<script>{code}</script>", "head")


def noscript_refresh(page: str, rng: random.Random) -> str:
    url = rng.choice(["https://www.gov.cn/nojs.html", "https://browsehappy.com/", "/nojs.html"])
    return insert(
        page, f'<noscript><meta http-equiv="refresh" content="0;url={url}"></noscript>', "head"
    )


def macau_trip(page: str, rng: random.Random) -> str:
    item = rng.choice(
        [
            "工会组织职工赴澳门开展交流学习活动，参观了大三巴牌坊、澳门旅游塔和威尼斯人度假村",
            "公司工会组织优秀员工港澳七日游，游览澳门新葡京、金沙城中心周边街区",
            "区总工会开展“粤港澳大湾区”主题疗休养活动，走进澳门博物馆",
        ]
    )
    news = f'<ul class="news"><li><a href="https://www.xinhuanet.com/gangao/">{item}</a></li></ul>'
    return insert_somewhere(page, news, rng)


def lottery_fund(page: str, rng: random.Random) -> str:
    item = rng.choice(
        [
            "关于2024年度体育彩票公益金使用情况的公告",
            "市体育局2023年度本级彩票公益金使用情况公示",
            "中国福利彩票发行管理中心：双色球第2024120期开奖公告",
        ]
    )
    links = (
        f'<a href="https://www.lottery.gov.cn/">{item}</a>'
        '<a href="https://www.cwl.gov.cn/">中国福彩网</a><a href="https://www.sport.gov.cn/">国家体育总局</a>'
    )
    return insert_somewhere(page, f'<div class="notice">{links}</div>', rng)


def police_news(page: str, rng: random.Random) -> str:
    item = rng.choice(
        [
            "市公安局破获特大网络赌博案，涉案“百家乐”“时时彩”赌博平台被捣毁",
            "警方提醒：谨防“六合彩”“网络赌场”诈骗陷阱",
            "Police crackdown on illegal online casino operators in Macau",
        ]
    )
    return insert_somewhere(page, f'<p><a href="https://www.mps.gov.cn/">{item}</a></p>', rng)


def search_box(page: str, rng: random.Random) -> str:
    code = (
        'function doSearch(){var q=document.getElementById("kw").value;'
        'window.location.href="https://www.baidu.com/s?wd="+encodeURIComponent(q)+"&si=example.com";}'
    )
    return insert(
        page,
        f'<input id="kw"><button onclick="doSearch()">搜索</button><script>{code}</script>',
        "body-end",
    )


NEGATIVES = {
    "baidu-tongji": baidu_tongji,
    "cnzz-in-hidden-div": cnzz_hidden,
    "51la": la51,
    "cdn-libraries": cdn_libraries,
    "hidden-mobile-menu": hidden_menu,
    "sr-only-text": sr_only,
    "same-site-mobile-redirect": mobile_redirect,
    "noscript-meta-refresh": noscript_refresh,
    "macau-union-trip": macau_trip,
    "sports-lottery-fund": lottery_fund,
    "police-gambling-news": police_news,
    "search-box-redirect": search_box,
}
"""Hard negatives by name: no seo-spam and no injected-script may fire on them."""
