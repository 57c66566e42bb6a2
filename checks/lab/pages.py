"""The pages the lab serves: the incidents' sites, healthy and defaced pages, products' logins."""

from __future__ import annotations

GOOD_HEADERS = [
    ("Strict-Transport-Security", "max-age=31536000; includeSubDomains"),
    ("Content-Security-Policy", "default-src 'self'; frame-ancestors 'none'"),
    ("X-Frame-Options", "DENY"),
    ("X-Content-Type-Options", "nosniff"),
    ("Referrer-Policy", "strict-origin-when-cross-origin"),
    ("Server", "nginx"),
]


def page(title: str, body: str, charset: str = "utf-8") -> str:
    return (
        f'<!DOCTYPE html><html lang="zh-CN"><head><meta charset="{charset}"><title>{title}</title>'
        f"</head><body>{body}</body></html>"
    )


HR_PAGE = page(
    "仁力人力资源 - 专业人才派遣与招聘服务",
    "<h1>仁力人力资源</h1><p>为企业提供人才派遣、招聘外包与薪酬服务。</p>"
    '<div style="display:none">'
    '<a href="http://www.xpj-casino.test/">澳门新葡京娱乐城</a> '
    '<a href="http://bet365-cn.test/">体育投注 真人百家乐</a> '
    '<a href="http://www.lottery-pk10.test/">北京赛车pk10 开奖直播</a>'
    "</div>"
    "<footer>豫ICP备13000001号-1</footer>",
)

OA_PAGE = page(
    "致远A8+协同管理软件 V7.0SP1",
    '<form method="post" action="/seeyon/main.do?method=login">'
    '<input name="login_username" placeholder="用户名">'
    '<input type="password" name="login_password">'
    "<button>登录</button></form><p>Copyright © 2015 北京致远互联软件股份有限公司</p>",
)

PARK_TROJAN = (
    "<script>var r=document.referrer;"
    "if(/baidu|sogou|so\\.com|sm\\.cn/.test(r)){window.location.href='http://www.xpj-casino.test/?from=park';}"
    "</script>"
)
"""A planted script: visitors arriving from a search engine are sent to a gambling site."""

PARK_PAGE = page(
    "科创产业园 - 园区服务平台",
    "<h1>科创产业园</h1><p>入驻企业服务、物业报修、园区新闻。</p><footer>豫ICP备17000002号</footer>"
    + PARK_TROJAN,
)

SHOP_PAGE = page(
    "示例科技 - 在线商城",
    "<h1>商城</h1><p>工业软件许可证在线购买。</p><footer>豫ICP备20000003号-1</footer>",
)

PHPMYADMIN_PAGE = page(
    "phpMyAdmin",
    '<form method="post" action="index.php"><input name="pma_username">'
    '<input type="password" name="pma_password"></form>',
)

PANEL_PAGE = page(
    "宝塔Linux面板",
    '<form method="post" action="/login"><input name="username">'
    '<input type="password" name="password"><button>登录</button></form>',
)

TONGDA_PAGE = page(
    "通达OA网络智能办公系统",
    '<link rel="shortcut icon" href="/static/images/tongda.ico">'
    '<form name="form1" method="post" action="http://oa.shili-tech.test/logincheck.php">'
    '<input name="UNAME"><input type="password" name="PASSWORD"></form>'
    "<p>Office Anywhere 2019</p>",
)

HR_SPIDER_PAGE = page(
    "澳门新葡京娱乐城-百家乐-体育投注官方网站",
    '<a href="http://www.xpj-casino.test/">澳门新葡京</a> <a href="http://bet365-cn.test/">真人百家乐</a>',
)


NEWS_BEFORE = page(
    "示例科技 - 新闻中心",
    "<h1>新闻中心</h1><ul><li>示例科技发布工业数据平台 3.0 版本，支持边缘设备接入与实时告警。</li>"
    "<li>公司荣获省级专精特新中小企业称号，研发投入持续增长。</li>"
    "<li>示例科技与郑州大学共建工业软件联合实验室，培养复合型人才。</li></ul>",
)
NEWS_DEFACED = page(
    "Hacked by Dark Lotus Team",
    "<h1>Hacked by Dark Lotus Team</h1><p>Your security is zero. We were here. 安全意识为零。</p>",
)

HEALTHY_PAGE = page(
    "示例科技 - 官方网站",
    "<h1>示例科技有限公司</h1><p>工业软件与数据服务。</p>"
    '<footer><a href="https://beian.miit.gov.cn/">豫ICP备20000003号-1</a></footer>',
)


EDGE_TITLE = "[bold red]pwned[/] \x1b[31mred\x1b[0m \x1b]0;owned\x07 <b>x</b>"
"""A hostile page title: Rich markup, a colour escape and a window-title escape."""
