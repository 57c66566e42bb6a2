"""Registration, CT and filing-list parsers, and the domain checks, on text and constructed
outcomes (no network)."""

from __future__ import annotations

import io
from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest

from checks.errors import UserError
from checks.model import (
    Asset,
    DnsAnswer,
    DnsStatus,
    Filing,
    HttpEntry,
    Kind,
    Lifecycle,
    ProbeOutcome,
    Registration,
    Severity,
)
from checks.names import normalize_name
from checks.registry.bootstrap import parse_bootstrap, shipped
from checks.registry.ct import ct_names
from checks.registry.icp import parse_csv, parse_filings, parse_xlsx
from checks.registry.lookup import parse_whois_server
from checks.registry.rdap_parse import epp_status, parse_rdap
from checks.registry.whois_parse import parse_cnnic, parse_icann
from checks.rules import RuleContext, evaluate, unobserved
from checks.rules.filings import reconcile

NOW = datetime(2026, 11, 29, 8, 0, tzinfo=UTC)

CNNIC = """Domain Name: {name}
ROID: 20030311s10001s00033735-cn
Domain Status: clientDeleteProhibited
Domain Status: {status}
Registrant: 示例科技有限公司
Sponsoring Registrar: 阿里云计算有限公司（万网）
Name Server: ns1.example.cn
Name Server: ns2.example.cn
Registration Time: 2003-03-17 12:20:05
Expiration Time: {expires}
DNSSEC: unsigned
"""


def cnnic(name="example.cn", status="ok", expires="2026-12-10 09:30:00"):
    return CNNIC.format(name=name, status=status, expires=expires)


# -- WHOIS -----------------------------------------------------------------------------


def test_cnnic_times_are_beijing_time_turned_to_utc():
    reg = parse_cnnic(cnnic(), "example.cn", NOW, "whois whois.cnnic.cn")
    assert reg.known and reg.registered
    assert reg.expires == datetime(2026, 12, 10, 1, 30, tzinfo=UTC)
    assert reg.created == datetime(2003, 3, 17, 4, 20, 5, tzinfo=UTC)
    assert reg.statuses == ("clientDeleteProhibited", "ok")
    assert reg.registrar.startswith("阿里云")
    assert reg.nameservers == ("ns1.example.cn", "ns2.example.cn")


@pytest.mark.parametrize("typed", ["示例.中国", "xn--fsq092h.xn--fiqs8s"])
def test_zhongguo_expiry_is_read_whether_typed_in_unicode_or_punycode(typed):
    # CNNIC prints the Unicode name; python-whois and asyncwhois lose the expiry here.
    domain = normalize_name(typed)
    assert domain == "xn--fsq092h.xn--fiqs8s"
    reg = parse_cnnic(cnnic(name="示例.中国"), domain, NOW, "whois cwhois.cnnic.cn")
    assert reg.expires is not None and reg.expires.year == 2026


def test_cnnic_no_matching_record_is_not_registered():
    reg = parse_cnnic("No matching record.\r\n", "gone.cn", NOW, "whois")
    assert reg.known and not reg.registered


def test_cnnic_answer_without_times_is_unknown():
    reg = parse_cnnic("Rate limit exceeded. Try again later.\n", "x.cn", NOW, "whois")
    assert not reg.known and reg.lookup_failed


def test_icann_format_reads_expiry_and_hold():
    text = (
        "   Domain Name: EXAMPLE.TOP\n   Registrar: Lab Registrar\n"
        "   Creation Date: 2020-01-02T03:04:05Z\n   Registry Expiry Date: 2027-01-02T03:04:05Z\n"
        "   Domain Status: clientHold https://icann.org/epp#clientHold\n"
        "   Name Server: NS1.EXAMPLE.TOP\n"
    )
    reg = parse_icann(text, "example.top", NOW, "whois")
    assert reg.expires == datetime(2027, 1, 2, 3, 4, 5, tzinfo=UTC)
    assert reg.statuses == ("clientHold",)
    assert reg.nameservers == ("ns1.example.top",)
    assert not parse_icann('No match for "NOPE.TOP".', "nope.top", NOW, "w").registered


# -- RDAP ------------------------------------------------------------------------------

RDAP = (
    '{"objectClassName": "domain", "ldhName": "EXAMPLE.COM", "status": ["client hold", '
    '"active"], "events": [{"eventAction": "registration", "eventDate": "1995-08-14T04:00:00Z"},'
    '{"eventAction": "expiration", "eventDate": "2026-12-01T04:00:00Z"},'
    '{"eventAction": "last changed", "eventDate": "2026-08-14T07:01:44Z"}],'
    '"entities": [{"roles": ["registrar"], "vcardArray": ["vcard", [["fn", {}, "text", '
    '"RESERVED-Internet Assigned Numbers Authority"]]]}],'
    '"nameservers": [{"ldhName": "A.IANA-SERVERS.NET"}]}'
)


def test_rdap_events_statuses_registrar_nameservers():
    reg = parse_rdap(RDAP, "example.com", NOW, "rdap x")
    assert reg.expires == datetime(2026, 12, 1, 4, tzinfo=UTC)
    assert reg.created == datetime(1995, 8, 14, 4, tzinfo=UTC)
    assert reg.changed is not None
    assert reg.statuses == ("clientHold", "ok")
    assert reg.registrar.startswith("RESERVED")
    assert reg.nameservers == ("a.iana-servers.net",)


@pytest.mark.parametrize(
    "text", ['{"objectClassName": "domain", "events": [', "[]", '{"objectClassName": "entity"}']
)
def test_malformed_rdap_is_unknown_never_fine(text):
    reg = parse_rdap(text, "example.com", NOW, "rdap")
    assert not reg.known and reg.lookup_failed


def test_epp_names_of_rdap_statuses():
    assert epp_status("server hold") == "serverHold"
    assert epp_status("client transfer prohibited") == "clientTransferProhibited"
    assert epp_status("active") == "ok"
    assert epp_status("clientHold") == "clientHold"


def test_shipped_bootstrap_is_ianas_and_has_no_cnnic_server():
    table = shipped()
    assert table["com"] == ("https://rdap.verisign.com/com/v1/",)
    assert "cn" not in table and "xn--fiqs8s" not in table
    with pytest.raises(UserError):
        parse_bootstrap('{"services": 3}')


def test_whois_server_option():
    assert parse_whois_server("cn=127.0.0.1:4343") == ("cn", "127.0.0.1", 4343)
    assert parse_whois_server("中国=whois.example") == ("xn--fiqs8s", "whois.example", 43)
    for bad in ("cn", "=host", "cn=host:0", "cn=host:x"):
        with pytest.raises(UserError):
            parse_whois_server(bad)


# -- CT --------------------------------------------------------------------------------


def test_ct_names_deduplicated_wildcards_folded_other_domains_dropped():
    text = (
        '[{"common_name": "www.example.cn", "name_value": "www.example.cn\\n*.oa.example.cn"},'
        ' {"common_name": "oa.example.cn",'
        ' "name_value": "OA.example.cn\\nevil.test\\nx@example.cn"},'
        ' {"name_value": "例子.example.cn"}]'
    )
    found = ct_names(text, "example.cn")
    wanted = {"oa.example.cn", "www.example.cn", normalize_name("例子.example.cn")}
    assert found.names == tuple(sorted(wanted))
    assert found.entries == 3 and not found.truncated


def test_ct_answer_of_50000_entries_is_bounded():
    entries = ",".join(
        f'{{"name_value": "h{i}.big.test\\n*.h{i}.big.test", "id": {i}}}' for i in range(50_000)
    )
    found = ct_names(f"[{entries}]", "big.test", max_names=5_000)
    assert len(found.names) == 5_000 and found.truncated


def test_ct_answer_that_is_not_an_array_is_refused():
    with pytest.raises(ValueError):
        ct_names('{"error": "busy"}', "example.cn")


# -- the filing list -------------------------------------------------------------------

FILINGS = (
    "主体备案号,网站备案号,网站名称,网站域名\n"
    "豫ICP备13000001号,豫ICP备13000001号-1,仁力人力资源,www.renli-hr.test\n"
    "豫ICP备13000001号,豫ICP备13000001号-2,仁力招聘,renli-zhaopin.test；例子.中国\n"
    ",,坏行,not a domain!\n"
)


def test_gbk_filing_list_reads_with_chinese_columns():
    parsed = parse_csv(FILINGS.encode("gbk"))
    domains = [f.domain for f in parsed.filings]
    assert domains == ["renli-hr.test", "renli-zhaopin.test", normalize_name("例子.中国")]
    assert parsed.filings[0].site_no == "豫ICP备13000001号-1"
    assert parsed.filings[0].entity_no == "豫ICP备13000001号"
    assert parsed.filings[1].site_name == "仁力招聘"
    [(line, error)] = parsed.errors
    assert line == 4 and "not a domain" in error.text("en")


def test_utf8_filing_list_with_english_aliases():
    text = (
        "\ufeffdomain,site_no,entity_no,site_name\nhttps://shop.example.cn/x,豫ICP备1号-3,,Shop\n"
    )
    [filing] = parse_csv(text.encode("utf-8")).filings
    assert filing == Filing("shop.example.cn", "豫ICP备1号-3", "", "Shop")


def test_filing_list_without_domain_column_is_refused():
    with pytest.raises(UserError, match="网站域名"):
        parse_csv("名称,备案号\na,b\n".encode())


def test_xlsx_filing_list():
    openpyxl = pytest.importorskip("openpyxl")
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["导出时间：2026-11-01"])
    sheet.append(["主体备案号", "网站备案号", "网站名称", "网站域名"])
    sheet.append(["豫ICP备20000003号", "豫ICP备20000003号-1", "示例科技", "shili-tech.test"])
    out = io.BytesIO()
    book.save(out)
    parsed = parse_filings("备案.xlsx", out.getvalue())
    assert [f.domain for f in parsed.filings] == ["shili-tech.test"]
    with pytest.raises(UserError):
        parse_xlsx(b"PK\x03\x04 not really a zip")


def test_reconcile_finds_unlisted_and_retired_filings():
    hr = Asset("www.renli-hr.test", lifecycle=Lifecycle.RETIRED, icp="豫ICP备13000001号-1", id=1)
    www = Asset("www.shili-tech.test", icp="豫ICP备20000003号-1", id=2)
    old = Asset("old.shili-tech.test", lifecycle=Lifecycle.RETIRED, id=3)
    filings = parse_csv(FILINGS.encode()).filings + [
        Filing("shili-tech.test", "豫ICP备20000003号-1")
    ]
    plan = reconcile(filings, [hr, www, old])
    assert [f.domain for f in plan.retired["www.renli-hr.test"]] == ["renli-hr.test"]
    # a filing that also covers a live site is not "filed but retired"
    assert "old.shili-tech.test" not in plan.retired
    # unlisted filings go to the asset of the same entity
    assert {f.domain for f in plan.unlisted["www.renli-hr.test"]} == {
        "renli-zhaopin.test",
        normalize_name("例子.中国"),
    }


# -- the checks, on constructed outcomes ------------------------------------------------


def outcome(asset, reg=None, resolves=False, http=()):
    dns = DnsAnswer(
        asset.host,
        DnsStatus.ANSWER if resolves else DnsStatus.NXDOMAIN,
        ("127.0.0.1",) if resolves else (),
    )
    return ProbeOutcome(asset, NOW, NOW, dns, tuple(http), registration=reg)


def checks(o, ctx=None):
    ctx = ctx or RuleContext(NOW)
    blind, _ = unobserved(o)
    return {(f.check, f.severity) for f in evaluate(replace(o, skipped=blind), ctx)} - {
        ("dns-unresolvable", Severity.MEDIUM)
    }


DOMAIN = Asset("example.cn", Kind.DOMAIN, "IT", id=1)


def reg(**changes):
    return Registration("example.cn", NOW, "whois", **changes)


@pytest.mark.parametrize(
    ("days", "expected"),
    [
        (45, set()),
        (20, {("domain-expiring", Severity.MEDIUM)}),
        (5, {("domain-expiring", Severity.HIGH)}),
        (-2, {("domain-expired", Severity.HIGH)}),
    ],
)
def test_domain_expiring_and_expired(days, expected):
    assert checks(outcome(DOMAIN, reg(expires=NOW + timedelta(days=days)))) == expected


def test_free_domain_is_expired_and_unknown_is_neither():
    assert checks(outcome(DOMAIN, reg(registered=False))) == {("domain-expired", Severity.HIGH)}
    unknown = outcome(
        DOMAIN, Registration("example.cn", NOW, unknown="timeout", lookup_failed=True)
    )
    assert checks(unknown) == {("probe-incomplete", Severity.LOW)}
    blind, why = unobserved(unknown)
    assert {"domain-expiring", "domain-expired", "domain-on-hold"} <= blind
    assert "registration of example.cn: timeout" in why[0]


def test_no_server_known_waits_without_making_the_sweep_incomplete():
    waiting = outcome(DOMAIN, Registration("example.cn", NOW, unknown="no server"))
    blind, why = unobserved(waiting)
    assert "domain-expiring" in blind
    assert not any("registration" in w for w in why)


def test_domain_on_hold_both_ways():
    held = reg(expires=NOW + timedelta(days=300), statuses=("serverHold",))
    assert checks(outcome(DOMAIN, held)) == {("domain-on-hold", Severity.HIGH)}
    fine = reg(expires=NOW + timedelta(days=300), statuses=("clientTransferProhibited",))
    assert checks(outcome(DOMAIN, fine)) == set()


def test_retired_domain_still_filed_both_ways():
    retired = Asset("www.renli-hr.test", lifecycle=Lifecycle.RETIRED, owner="HR", id=2)
    lapsing = Registration("renli-hr.test", NOW, "rdap", expires=NOW + timedelta(days=10))
    filed = RuleContext(NOW, filings=(Filing("renli-hr.test", "豫ICP备13000001号-1"),))
    assert ("retired-domain-still-filed", Severity.HIGH) in checks(outcome(retired, lapsing), filed)
    assert not {c for c, _ in checks(outcome(retired, lapsing))} & {"retired-domain-still-filed"}
    far = replace(lapsing, expires=NOW + timedelta(days=200))
    assert "retired-domain-still-filed" not in {c for c, _ in checks(outcome(retired, far), filed)}


def test_released_domain_reused_both_ways():
    released = Asset("old.cn", Kind.DOMAIN, "HR", Lifecycle.RETIRED, id=3)
    ctx = RuleContext(NOW, released_at=NOW - timedelta(days=60))
    again = Registration("old.cn", NOW, "whois", created=NOW - timedelta(days=20))
    assert ("released-domain-reused", Severity.HIGH) in checks(outcome(released, again), ctx)
    ours = Registration("old.cn", NOW, "whois", created=NOW - timedelta(days=900))
    assert checks(outcome(released, ours), ctx) == set()
    free = Registration("old.cn", NOW, "whois", registered=False)
    assert checks(outcome(released, free), ctx) == set()
    served = outcome(released, free, resolves=True, http=[HttpEntry("http://old.cn/", 200)])
    assert ("released-domain-reused", Severity.HIGH) in checks(served, ctx)


def test_icp_checks_both_ways():
    hr = Asset("www.renli-hr.test", owner="HR", lifecycle=Lifecycle.RETIRED, id=1)
    filing = Filing("renli-zhaopin.test", "豫ICP备13000001号-2")
    ctx = RuleContext(NOW, unlisted_filings=(filing,), retired_filings=(filing,))
    found = checks(outcome(hr), ctx)
    assert {
        ("icp-filed-not-inventoried", Severity.HIGH),
        ("icp-filed-but-retired", Severity.HIGH),
    } <= found
    assert not {c for c, _ in checks(outcome(hr))} & {
        "icp-filed-not-inventoried",
        "icp-filed-but-retired",
    }
    # not judged on an active asset, whatever the context says
    active = replace(hr, lifecycle=Lifecycle.ACTIVE)
    assert "icp-filed-but-retired" not in {c for c, _ in checks(outcome(active), ctx)}


def test_icp_number_missing_compares_with_the_filing_list():
    page = "<html><body><footer>豫ICP备20000003号-1</footer></body></html>".encode()
    entry = HttpEntry(
        "https://www.x.test/",
        200,
        final_url="https://www.x.test/",
        body=page,
        headers=(("content-type", "text/html; charset=utf-8"),),
    )
    site = Asset("www.x.test", owner="IT", urls=("https://www.x.test/",), id=1)
    filed = RuleContext(NOW, filings=(Filing("x.test", "豫ICP备20000003号-1"),))
    o = outcome(site, resolves=True, http=[entry])
    assert "icp-number-missing" not in {c for c, _ in checks(o, filed)}
    other = RuleContext(NOW, filings=(Filing("x.test", "豫ICP备99999999号-1"),))
    assert "icp-number-missing" in {c for c, _ in checks(o, other)}
    # recorded in the inventory, but the filing list says another number
    recorded = replace(o, asset=replace(site, icp="豫ICP备20000003号-1"))
    assert "icp-number-missing" in {c for c, _ in checks(recorded, other)}


def test_every_domain_string_is_bilingual_with_the_same_placeholders():
    from string import Formatter

    from tui.i18n import tr
    from tui.i18n.cli import CLI
    from tui.i18n.dashboard import DASHBOARD
    from tui.i18n.domains import DOMAINS

    def fields(text):
        return {name for _, name, _, _ in Formatter().parse(text) if name}

    assert not set(DOMAINS) & (set(CLI) | set(DASHBOARD))
    for key, (en, zh) in DOMAINS.items():
        assert en.strip() and zh.strip() and fields(en) == fields(zh), key
        for lang in ("en", "zh"):
            tr(lang, key, **dict.fromkeys(fields(en), 1))


def test_every_new_check_has_a_playbook_and_the_icp_one_walks_the_cancellation():
    from checks.knowledge.playbooks import playbook_for

    for check in (
        "domain-expiring",
        "domain-expired",
        "domain-on-hold",
        "retired-domain-still-filed",
        "released-domain-reused",
        "icp-filed-not-inventoried",
        "icp-filed-but-retired",
        "unknown-asset",
    ):
        assert playbook_for(check) is not None, check
    steps = " ".join(s.text.zh for s in playbook_for("icp-filed-but-retired").steps)
    assert "注销网站" in steps and "取消接入" in steps and "注销主体" in steps


def test_one_asset_speaks_for_each_registrable_domain():
    from checks.service.domains import representatives

    assets = [
        Asset("www.example.cn", id=1),
        Asset("example.cn", Kind.DOMAIN, id=2),
        Asset("oa.example.cn", Kind.OA, id=3),
        Asset("shop.example.com.cn", id=4),
        Asset("docs.github.io", id=5),
        Asset("192.0.2.1", Kind.SERVER, id=6),
    ]
    chosen = {d: a.id for d, a in representatives(assets).items()}
    assert chosen == {"example.cn": 2, "example.com.cn": 4}


def test_a_script_that_was_not_fetched_leaves_injected_script_unverified():
    from checks.model import ScriptFile

    site = Asset("www.shili-tech.test", Kind.WEBSITE)
    page = HttpEntry("https://www.shili-tech.test/", status=200, body=b"<html></html>")
    fetched = replace(
        outcome(site, resolves=True, http=[page]),
        scripts=(ScriptFile("https://www.shili-tech.test/a.js", 200, b"var a;"),),
    )
    unfetched = replace(fetched, scripts=(ScriptFile("https://www.shili-tech.test/a.js", None),))
    assert "injected-script" not in unobserved(fetched)[0]
    blind, why = unobserved(unfetched)
    assert "injected-script" in blind and any("scripts not fetched" in w for w in why)
