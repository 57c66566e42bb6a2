"""What planted content is made of: spam phrases, spam hosts, loaders, written from public reports.

Phrases follow the public descriptions named in checks/data/spam.json (gambling brand
compounds, lottery "tips", adult and pharma spam, Indonesian slot/judi spam); hosts follow
the shapes reports describe (digits-heavy .com/.cc names, spam TLDs, IP addresses, odd ports).
"""

from __future__ import annotations

import random

ZH_SPAM = [
    "澳门新葡京娱乐场",
    "威尼斯人官网",
    "百家乐平台",
    "开云体育app下载",
    "bet365体育在线投注",
    "皇冠体育官网",
    "六合彩开奖结果",
    "新澳门天天开好彩",
    "pg电子麻将胡了",
    "真人娱乐平台",
    "澳门金沙娱乐",
    "永利娱乐官网",
    "半岛体育官方网站",
    "华体会体育",
    "九游会官网",
    "时时彩计划",
    "一肖一码100%准确",
    "澳门六合彩资料",
    "线上赌场推荐",
    "娱乐城注册送彩金",
    "亚博体育官网入口",
    "乐鱼体育",
    "必威体育",
    "老虎机游戏",
    "体育投注网站",
]
ZH_ADULT = ["成人视频在线观看", "亚洲精品一区二区", "国产精品久久", "日本av在线", "黄色网站大全"]
EN_SPAM = [
    "slot gacor hari ini",
    "situs judi online terpercaya",
    "togel hongkong",
    "casino online",
    "judi bola",
    "slot88",
    "live casino bonus",
    "sbobet",
    "online casino real money",
    "poker online",
    "bandar togel",
    "maxwin",
]
PHARMA = ["buy viagra online", "cheap cialis", "levitra no prescription", "kamagra", "tadalafil"]
TITLES = [
    "澳门新葡京-百家乐-真人娱乐平台",
    "开云体育(中国)官方网站-kaiyun sports",
    "威尼斯人官网_澳门威尼斯人娱乐城",
    "bet365体育在线投注-皇冠体育官网",
    "新澳门天天开好彩大全-一肖一码",
    "亚洲精品一区二区_国产精品久久",
    "Slot Gacor Hari Ini | Situs Judi Online Terpercaya",
    "Online Casino | Togel | Judi Bola",
]
KEYWORDS = [
    "百家乐,真人娱乐,时时彩,澳门新葡京",
    "开云体育,半岛体育,华体会",
    "slot gacor,judi online,togel",
]
TLDS_PLAIN = ["com", "net", "cc", "com.cn"]
TLDS_SPAM = ["xyz", "top", "vip", "bet", "pw", "icu", "buzz", "cyou"]
SPIDERS = ["Baiduspider", "Sogou", "360Spider", "Bytespider", "YisouSpider", "Googlebot", "bingbot"]
ENGINES = ["baidu", "sogou", "so.com", "sm.cn", "google", "bing", "toutiao"]


def spam_phrases(rng: random.Random, count: int, english: bool = False) -> list[str]:
    """`count` distinct spam phrases (English ones when asked)."""
    pool = EN_SPAM + PHARMA if english else ZH_SPAM + ZH_ADULT
    return rng.sample(pool, min(count, len(pool)))


def spam_host(rng: random.Random, suspicious: bool = False) -> str:
    """A host of the kind spam links and planted scripts point at."""
    stem = rng.choice(["js", "am", "hg", "bet", "yl", "xpj", "wns", "cp", "tyc", "ag"])
    name = f"{stem}{rng.randint(100, 99999)}"
    if suspicious:
        return f"{rng.choice(['www.', 'cdn.', 's.', ''])}{name}.{rng.choice(TLDS_SPAM)}"
    return f"www.{name}.{rng.choice(TLDS_PLAIN)}"


def script_host(rng: random.Random) -> str:
    """A planted script's host with a trait knowable offline.

    An IP address, an odd port, a spam TLD, a random-looking name or a look-alike of a CDN.
    """
    kind = rng.randrange(5)
    if kind == 0:
        first = rng.choice([23, 36, 45, 47, 58, 103, 104, 107, 118, 121, 139, 154, 156, 183, 202])
        return ".".join(str(n) for n in (first, *(rng.randint(1, 254) for _ in range(3))))
    if kind == 1:
        return f"{spam_host(rng)}:{rng.choice([8080, 8888, 81, 9090, 6688])}"
    if kind == 2:
        return spam_host(rng, suspicious=True)
    if kind == 3:
        letters = "abcdefghjkmnpqrstuvwxyz"
        label = "".join(
            rng.choice(letters) + str(rng.randint(0, 9)) for _ in range(rng.randint(3, 5))
        )
        return f"{rng.choice(['', 'js.', 'cdn.'])}{label}.{rng.choice(['com', 'net', 'cn'])}"
    return rng.choice(
        ["cdn-jquery", "jquery-min", "cnzz-stat", "hm-baidustatic", "jsdelivr-cdn"]
    ) + (f"{rng.randint(1, 99)}.{rng.choice(['com', 'net', 'cn', 'top'])}")


def spam_links(rng: random.Random, count: int, english: bool = False) -> str:
    """`count` links to spam hosts, each with a spam phrase."""
    return "".join(
        f'<a href="http://{spam_host(rng)}/" target="_blank">{phrase}</a>'
        for phrase in spam_phrases(rng, count, english)
    )
