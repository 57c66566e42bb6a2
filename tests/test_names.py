"""Asset names: punycode storage, Unicode display, URLs, IPs, and clear errors."""

from __future__ import annotations

import pytest

from checks.errors import UserError
from checks.names import display_name, host_of, normalize_name, normalize_url
from tui.i18n import detect_lang


def test_idn_is_stored_as_punycode_and_shown_in_unicode():
    stored = normalize_name("例子.中国")
    assert stored == "xn--fsqu00a.xn--fiqs8s"
    assert display_name(stored) == "例子.中国"


def test_hostnames_are_lowercased_without_trailing_dot():
    assert normalize_name(" WWW.Example.COM. ") == "www.example.com"


def test_url_name_gets_punycode_host_and_path():
    url = normalize_name("HTTP://例子.中国:8080")
    assert url == "http://xn--fsqu00a.xn--fiqs8s:8080/"
    assert host_of(url) == "xn--fsqu00a.xn--fiqs8s"
    assert display_name(url) == "http://例子.中国:8080/"


def test_ip_addresses_are_compressed():
    assert normalize_name("2001:DB8:0:0::1") == "2001:db8::1"
    assert normalize_name("192.0.2.10") == "192.0.2.10"


@pytest.mark.parametrize("bad", ["", "bad_label.example", "-x.example", "a..b", "x" * 64 + ".com"])
def test_invalid_hostnames_are_refused_in_both_languages(bad):
    with pytest.raises(UserError) as info:
        normalize_name(bad)
    assert info.value.en and info.value.zh


def test_only_http_urls_are_accepted():
    with pytest.raises(UserError, match="not an http"):
        normalize_url("ftp://files.example/")
    with pytest.raises(UserError, match="port"):
        normalize_url("http://example.com:99999/")


def test_language_comes_from_the_locale():
    assert detect_lang({"LANG": "zh_CN.UTF-8"}) == "zh"
    assert detect_lang({"LC_ALL": "en_US.UTF-8", "LANG": "zh_CN.UTF-8"}) == "en"
    assert detect_lang({}) == "en"


def test_credentials_in_a_url_never_reach_an_error_message():
    with pytest.raises(UserError) as caught:
        normalize_url("ftp://admin:s3cret@files.example.test/")
    assert "s3cret" not in caught.value.en and "s3cret" not in caught.value.zh
    assert normalize_url("http://admin:s3cret@oa.example.test/") == "http://oa.example.test/"


def test_the_fast_path_for_plain_urls_gives_what_the_full_parse_gives():
    from urllib.parse import urlsplit, urlunsplit

    from checks.names import normalize_name, normalize_url

    def full(raw):
        parts = urlsplit(raw.strip())
        host = normalize_name(parts.hostname)
        netloc = host + (f":{parts.port}" if parts.port is not None else "")
        return urlunsplit((parts.scheme.lower(), netloc, parts.path or "/", parts.query, ""))

    for url in [
        "http://a.example.com",
        "http://a.example.com:080/x/y?q=1",
        "https://a.b.c/path?",
        "http://x.test?q",
        "http://192.0.2.4:80/a",
        "https://a-b.c/d#frag",
        "http://a.b:65535",
        "http://a.b/%20x",
        "HTTP://A.Example.COM/Path",
        "http://例子.中国/",
    ]:
        assert normalize_url(url) == full(url), url
    for bad in ("http://a..b/", "http://-a.b/", "http://a.b:65536/"):
        with pytest.raises(UserError):
            normalize_url(bad)
