"""The page-content checks on constructed responses: edges the lab does not cover."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from checks.knowledge.fingerprints import outdated, products
from checks.model import Asset, DnsAnswer, DnsStatus, Hop, HttpEntry, Kind, Lifecycle, ProbeOutcome
from checks.rules import RuleContext, evaluate

NOW = datetime(2026, 11, 29, tzinfo=UTC)


def outcome(body: str = "<html></html>", headers=(), url="https://www.example.test/", asset=None):
    asset = asset or Asset("www.example.test", Kind.WEBSITE, "IT")
    entry = HttpEntry(
        url,
        status=200,
        hops=(Hop(url, 200),),
        final_url=url,
        headers=tuple(headers),
        body=body.encode(),
        title="",
    )
    return ProbeOutcome(
        asset, NOW, NOW, DnsAnswer(asset.name, DnsStatus.ANSWER, ("127.0.0.1",)), (entry,)
    )


def checks_of(o):
    return {f.check for f in evaluate(o, RuleContext(NOW))}


@pytest.mark.parametrize(
    ("banner", "old"),
    [
        ("Apache/2.2.15 (CentOS)", True),
        ("Apache/2.4.62 (Debian)", False),
        ("Apache/2.4.58", True),
        ("nginx/1.18.0", True),
        ("nginx/1.26.2", False),
        ("nginx", False),
        ("PHP/5.3.3", True),
        ("PHP/8.3.1", False),
        ("Microsoft-IIS/7.5", True),
        ("Microsoft-IIS/10.0", False),
        ("Apache-Tomcat/10.0.2", True),
        ("Apache-Tomcat/10.1.30", False),
        ("OpenSSL/1.0.2k", True),
    ],
)
def test_version_table(banner, old):
    assert bool(outdated(banner)) is old


def test_every_fingerprint_names_its_source():
    assert all(p.source and (p.signals or p.favicons) for p in products())


def test_generator_meta_counts_as_a_banner():
    o = outcome('<meta name="generator" content="WordPress 5.2.1">')
    assert {"outdated-software", "version-disclosure"} <= checks_of(o)


def test_banner_without_version_discloses_nothing():
    assert "version-disclosure" not in checks_of(outcome(headers=[("server", "nginx")]))


def test_cookie_flags_and_names():
    weak = outcome(headers=[("set-cookie", "JSESSIONID=1; Path=/")])
    assert "insecure-cookie" in checks_of(weak)
    strong = outcome(
        headers=[("set-cookie", "JSESSIONID=1; Path=/; Secure; HttpOnly; SameSite=Lax")]
    )
    assert "insecure-cookie" not in checks_of(strong)
    preference = outcome(headers=[("set-cookie", "lang=zh; Path=/")])
    assert "insecure-cookie" not in checks_of(preference)


def test_cookie_value_never_reaches_the_evidence():
    o = outcome(headers=[("set-cookie", "PHPSESSID=s3cr3tvalue; Path=/")])
    evidence = next(
        f.evidence for f in evaluate(o, RuleContext(NOW)) if f.check == "insecure-cookie"
    )
    assert "s3cr3tvalue" not in evidence and "PHPSESSID" in evidence


def test_icp_number_compares_province_and_number():
    asset = Asset("www.example.test", Kind.WEBSITE, "IT", icp="京ICP备12345678号-1")
    shown = outcome("<footer>京ICP备 12345678 号-2</footer>", asset=asset)
    assert "icp-number-missing" not in checks_of(shown)
    other = outcome("<footer>沪ICP备12345678号</footer>", asset=asset)
    assert "icp-number-missing" in checks_of(other)
    no_record = outcome("<footer>nothing</footer>")
    assert "icp-number-missing" not in checks_of(no_record)


def test_hygiene_checks_skip_retired_assets():
    asset = Asset("www.example.test", Kind.WEBSITE, "IT", lifecycle=Lifecycle.RETIRED)
    o = outcome(headers=[("set-cookie", "sid=1")], asset=asset)
    assert not {"missing-security-headers", "insecure-cookie"} & checks_of(o)


def test_csp_frame_ancestors_replaces_x_frame_options():
    headers = [
        ("strict-transport-security", "max-age=31536000"),
        ("content-security-policy", "default-src 'self'; frame-ancestors 'self'"),
        ("x-content-type-options", "nosniff"),
        ("referrer-policy", "no-referrer"),
    ]
    assert "missing-security-headers" not in checks_of(outcome(headers=headers))


def test_https_login_posting_to_http_is_flagged():
    body = '<form action="http://login.example.test/do"><input type="password" name="p"></form>'
    assert {"login-exposed", "login-over-http"} <= checks_of(outcome(body))
    safe = '<form action="/do"><input type="password" name="p"></form>'
    assert "login-over-http" not in checks_of(outcome(safe))


def test_oa_header_fingerprint():
    o = outcome(headers=[("set-cookie", "ecology_JSessionid=abc; path=/")])
    found = [f for f in evaluate(o, RuleContext(NOW)) if f.check == "oa-exposed"]
    assert found and "Weaver e-cology" in found[0].evidence


def test_takeover_by_nxdomain_for_services_that_say_so():
    asset = Asset("app.example.test", Kind.WEBSITE, "IT")
    dns = DnsAnswer(asset.name, DnsStatus.NXDOMAIN, cname_chain=("old-app.azurewebsites.net",))
    o = ProbeOutcome(asset, NOW, NOW, dns)
    assert {"takeover-possible", "dangling-cname"} <= checks_of(o)
    elsewhere = ProbeOutcome(
        asset,
        NOW,
        NOW,
        DnsAnswer(asset.name, DnsStatus.NXDOMAIN, cname_chain=("gone.example.net",)),
    )
    assert "takeover-possible" not in checks_of(elsewhere)


def test_takeover_fingerprint_needs_the_cname():
    body = "<Error><Code>NoSuchBucket</Code></Error>"
    assert "takeover-possible" not in checks_of(outcome(body))


def test_murmur3_matches_the_published_vectors():
    from checks.rules.exposure import favicon_hash, murmur3_32

    # the values mmh3.hash gives (the library Shodan and FOFA use)
    assert murmur3_32(b"foo") == -156908512
    assert murmur3_32(b"") == 0
    assert murmur3_32(b"hello world") == 1586663183
    assert favicon_hash(b"\x00" * 100) == -1140816753


def test_products_are_recognised_by_favicon_hash():
    from checks.knowledge.fingerprints import Product, ProductKind
    from checks.model import PathProbe
    from checks.rules.exposure import exposed_products, favicon_hash

    icon = b"\x00\x00\x01\x00 an icon"
    product = Product(
        "x-oa", "X OA", "某 OA", ProductKind.OA, (), "test", favicons=(favicon_hash(icon),)
    )
    o = outcome()
    with_icon = ProbeOutcome(
        o.asset,
        NOW,
        NOW,
        o.dns,
        o.http,
        paths=(PathProbe("https://www.example.test/favicon.ico", 200, head=icon),),
    )
    found = exposed_products(with_icon, RuleContext(NOW), (product,))
    assert [f.check for f in found] == ["oa-exposed"] and "favicon hash" in found[0].evidence
    other = ProbeOutcome(
        o.asset,
        NOW,
        NOW,
        o.dns,
        o.http,
        paths=(PathProbe("https://www.example.test/favicon.ico", 200, head=b"x"),),
    )
    assert exposed_products(other, RuleContext(NOW), (product,)) == []


def test_the_fingerprint_data_has_favicons_and_paths():
    assert any(p.favicons for p in products()) and any(p.paths for p in products())
