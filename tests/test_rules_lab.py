"""Every check, positive and negative, on real probes of the lab's sites."""

from __future__ import annotations

import asyncio
from dataclasses import replace
from datetime import timedelta

import pytest

from checks.knowledge.catalog import CATALOG
from checks.model import Lifecycle, utcnow
from checks.names import normalize_name
from checks.probe import Prober, probe_urls, sweep
from checks.probe.plan import well_known_paths
from checks.rules import RuleContext, evaluate


@pytest.fixture(scope="module")
def outcomes(lab):
    async def run():
        async with Prober(lab.probe_config()) as prober:
            return {o.asset.name: o async for o in sweep(lab.inventory, prober)}

    return asyncio.run(run())


def fired(outcome, now=None):
    return {f.check for f in evaluate(outcome, RuleContext(now or utcnow()))}


# (check, an asset where it must fire, an asset where it must not)
CASES = [
    ("retired-still-resolves", "www.renli-hr.test", "www.shili-tech.test"),
    ("retired-still-resolves", "oa.wuye-pm.test", "old-promo.shili-tech.test"),
    ("retired-still-serving", "www.renli-hr.test", "www.shili-tech.test"),
    ("retired-still-serving", "oa.wuye-pm.test", "backup.shili-tech.test"),
    ("dangling-cname", "cdn.shili-tech.test", "old-promo.shili-tech.test"),
    ("dns-unresolvable", "old-promo.shili-tech.test", "cdn.shili-tech.test"),
    ("http-down", "backup.shili-tech.test", "www.shili-tech.test"),
    ("tls-expired", "expired.shili-tech.test", "www.shili-tech.test"),
    ("tls-expiring", "expiring.shili-tech.test", "expired.shili-tech.test"),
    ("tls-self-signed", "selfsigned.shili-tech.test", "www.shili-tech.test"),
    ("tls-hostname-mismatch", "wrongname.shili-tech.test", "expired.shili-tech.test"),
    ("no-https", "portal.yuanqu-park.test", "news.shili-tech.test"),
    ("https-not-enforced", "news.shili-tech.test", "www.shili-tech.test"),
    ("unowned-asset", "files.shili-tech.test", "www.shili-tech.test"),
    ("login-exposed", "panel.yuanqu-park.test", "www.shili-tech.test"),
    ("login-exposed", "oa.wuye-pm.test", "portal.yuanqu-park.test"),
    ("login-over-http", "oa.wuye-pm.test", "panel.yuanqu-park.test"),
    ("login-over-http", "oa.shili-tech.test", "panel.yuanqu-park.test"),
    ("oa-exposed", "oa.wuye-pm.test", "panel.yuanqu-park.test"),
    ("oa-exposed", "oa.shili-tech.test", "www.shili-tech.test"),
    ("admin-panel-exposed", "panel.yuanqu-park.test", "oa.shili-tech.test"),
    ("outdated-software", "portal.yuanqu-park.test", "www.shili-tech.test"),
    ("version-disclosure", "portal.yuanqu-park.test", "shop.shili-tech.test"),
    ("missing-security-headers", "shop.shili-tech.test", "www.shili-tech.test"),
    ("missing-security-headers", "portal.yuanqu-park.test", "oa.shili-tech.test"),
    ("insecure-cookie", "shop.shili-tech.test", "oa.wuye-pm.test"),
    ("icp-number-missing", "shop.shili-tech.test", "www.shili-tech.test"),
    # the HR site answers 200 with its page to every path: content, not status, proves a file
    ("sensitive-file-exposed", "portal.yuanqu-park.test", "www.renli-hr.test"),
    ("risky-port-open", "db.yuanqu-park.test", "panel.yuanqu-park.test"),
    ("takeover-possible", "static.shili-tech.test", "www.shili-tech.test"),
    ("takeover-possible", "docs.shili-tech.test", "cdn.shili-tech.test"),
    ("zone-transfer-allowed", "yuanqu-park.test", "shili-tech.test"),
    ("tls-untrusted", "untrusted.shili-tech.test", "expired.shili-tech.test"),
]

# Checks that need the baseline or the inventory: (check, positive, negative).
CONTEXT_CASES = [
    ("seo-spam", "www.renli-hr.test", "www.shili-tech.test"),
    ("injected-script", "portal.yuanqu-park.test", "www.shili-tech.test"),
    ("injected-script", "www.renli-hr.test", "oa.shili-tech.test"),
    ("content-changed", "news.shili-tech.test", "www.shili-tech.test"),
]


@pytest.mark.parametrize(("check", "positive", "negative"), CONTEXT_CASES)
def test_compromise_checks_fire_where_expected(outcomes, lab, check, positive, negative):
    from checks.rules.compromise import page_baseline

    def fired_with_baseline(name):
        asset = outcomes[name].asset
        html = lab.scenario.baselines.get(name)
        baseline = page_baseline(asset, html) if html else None
        return {f.check for f in evaluate(outcomes[name], RuleContext(utcnow(), baseline=baseline))}

    assert check in fired_with_baseline(positive)
    assert check not in fired_with_baseline(negative)


@pytest.mark.parametrize(("check", "positive", "negative"), CASES)
def test_check_fires_where_expected_and_not_elsewhere(outcomes, check, positive, negative):
    assert check in fired(outcomes[positive])
    assert check not in fired(outcomes[negative])


def test_every_catalog_check_has_a_lab_case():
    covered = {c for c, _, _ in [*CASES, *CONTEXT_CASES]}
    # unknown-asset needs the inventory, probe-incomplete a failing site: tests of their own;
    # the registration and filing checks need the sweep's registry lookups and filing list:
    # tests/test_domains_lab.py sweeps the lab for each, both ways
    domains = {
        "domain-expiring",
        "domain-expired",
        "domain-on-hold",
        "retired-domain-still-filed",
        "released-domain-reused",
        "icp-filed-not-inventoried",
        "icp-filed-but-retired",
    }
    assert covered | {"unknown-asset", "probe-incomplete"} | domains == {s.id for s in CATALOG}


def test_unknown_asset_lists_names_the_inventory_lacks(outcomes, lab):
    known = frozenset(a.host for a in lab.inventory)
    found = evaluate(outcomes["yuanqu-park.test"], RuleContext(utcnow(), known))
    assert sorted(f.subject for f in found if f.check == "unknown-asset") == [
        "test.yuanqu-park.test",
        "vpn.yuanqu-park.test",
    ]
    everything = known | {"test.yuanqu-park.test", "vpn.yuanqu-park.test"}
    assert not [
        f
        for f in evaluate(outcomes["yuanqu-park.test"], RuleContext(utcnow(), everything))
        if f.check == "unknown-asset"
    ]


def test_each_exposed_file_is_its_own_finding(outcomes):
    evidence = [
        f.evidence
        for f in evaluate(outcomes["portal.yuanqu-park.test"], RuleContext(utcnow()))
        if f.check == "sensitive-file-exposed"
    ]
    assert sorted(e.split(" ")[0].rsplit("/", 1)[-1] for e in evidence) == [
        ".env",
        "HEAD",
        "phpinfo.php",
    ]


def test_light_sweeps_skip_paths_and_keep_their_findings(lab, tmp_path):
    from checks.service.sweeps import run_sweep
    from checks.store import Store

    store = Store(tmp_path / "aw.db")
    store.assets.save(next(a for a in lab.inventory if a.name == "portal.yuanqu-park.test"))
    asyncio.run(run_sweep(store, lab.probe_config()))
    exposed = [r for r in store.findings.query() if r.finding.check == "sensitive-file-exposed"]
    assert len(exposed) == 3
    asyncio.run(run_sweep(store, lab.probe_config(paths=False)))
    exposed = [r for r in store.findings.query() if r.finding.check == "sensitive-file-exposed"]
    assert len(exposed) == 3
    assert "version-disclosure" in {r.finding.check for r in store.findings.query()}
    store.close()


def test_light_sweeps_ask_only_the_home_pages_and_never_clear_tampering(lab, tmp_path):
    from checks.service.sweeps import run_sweep
    from checks.store import Store

    store = Store(tmp_path / "aw.db")
    store.assets.save(next(a for a in lab.inventory if a.name == "www.renli-hr.test"))
    asyncio.run(run_sweep(store, lab.probe_config()))
    tampering = {"seo-spam", "injected-script"}
    open_now = {r.finding.check for r in store.findings.query()}
    assert tampering <= open_now
    before = lab.requests_for("www.renli-hr.test")
    asyncio.run(run_sweep(store, lab.probe_config(paths=False)))
    # HTTP and HTTPS home pages only: no paths, no scripts, no Baiduspider.
    assert lab.requests_for("www.renli-hr.test") - before == 2
    assert tampering <= {r.finding.check for r in store.findings.query()}
    store.close()


def test_a_site_that_answers_everything_with_its_home_page_is_asked_one_path(outcomes):
    hr = outcomes["www.renli-hr.test"]  # retired, hacked: its page for every path
    assert len(hr.paths) == 1 and hr.paths[0].status == 200
    assert "sensitive-file-exposed" not in fired(hr)
    # A site that answers 404 is asked every path.
    assert len(outcomes["www.shili-tech.test"].paths) == len(well_known_paths())


def test_healthy_sites_have_nothing_medium_or_above(outcomes):
    for name in (
        "www.shili-tech.test",
        "shili-tech.test",
        normalize_name("官网.示例.test"),
        "mail.shili-tech.test",
    ):
        findings = evaluate(outcomes[name], RuleContext(utcnow()))
        assert [f.check for f in findings if f.severity.rank >= 2] == [], name


def test_untrusted_chain_fires_without_the_lab_ca(lab):
    async def run():
        async with Prober(lab.probe_config(ca_bundle=None)) as prober:
            asset = next(a for a in lab.inventory if a.name == "www.shili-tech.test")
            return await prober.probe(asset)

    outcome = asyncio.run(run())
    assert "tls-untrusted" in fired(outcome)
    assert "tls-self-signed" not in fired(outcome)


def test_retiring_the_healthy_site_raises_both_critical_checks(outcomes):
    outcome = outcomes["www.shili-tech.test"]
    retired = replace(outcome, asset=replace(outcome.asset, lifecycle=Lifecycle.RETIRED))
    assert {"retired-still-resolves", "retired-still-serving"} <= fired(retired)


def test_retired_assets_get_no_availability_tls_or_hygiene_noise(outcomes):
    hr = fired(outcomes["www.renli-hr.test"])
    assert hr == {"retired-still-resolves", "retired-still-serving", "seo-spam", "injected-script"}
    oa = fired(outcomes["oa.wuye-pm.test"])
    assert oa == {
        "retired-still-resolves",
        "retired-still-serving",
        "login-exposed",
        "login-over-http",
        "oa-exposed",
    }


def test_expiry_boundary_is_21_days(outcomes):
    outcome = outcomes["www.shili-tech.test"]
    not_after = next(e.tls for e in outcome.http if e.tls).not_after
    assert "tls-expiring" in fired(outcome, not_after - timedelta(days=20))
    assert "tls-expiring" not in fired(outcome, not_after - timedelta(days=22))
    assert "tls-expired" in fired(outcome, not_after + timedelta(seconds=1))


def test_probe_urls_cover_both_schemes(lab):
    oa = next(a for a in lab.inventory if a.name == "oa.wuye-pm.test")
    assert [u.split(":")[0] for u in probe_urls(oa)] == ["http", "https"]
    bare = replace(oa, urls=())
    assert probe_urls(bare) == ["https://oa.wuye-pm.test/", "http://oa.wuye-pm.test/"]
    given = replace(oa, urls=("http://oa.wuye-pm.test:8080/seeyon/",))
    assert probe_urls(given) == ["http://oa.wuye-pm.test:8080/seeyon/", "https://oa.wuye-pm.test/"]
    mail = next(a for a in lab.inventory if a.name == "mail.shili-tech.test")
    assert probe_urls(mail) == []


def test_a_failing_asset_does_not_stop_the_sweep(lab):
    hang = replace(
        lab.inventory[0],
        name="hang.lab-edge.test",
        urls=(lab.ports.http_url("hang.lab-edge.test"),),
        lifecycle=Lifecycle.ACTIVE,
    )
    broken = replace(
        lab.inventory[0], name="servfail.lab-edge.test", urls=(), lifecycle=Lifecycle.ACTIVE
    )

    async def run():
        async with Prober(lab.probe_config(timeout=1.0)) as prober:
            return [o async for o in sweep([hang, broken, *lab.inventory], prober)]

    results = asyncio.run(run())
    assert len(results) == len(lab.inventory) + 2
    by_name = {o.asset.name: o for o in results}
    assert "http-down" in fired(by_name["hang.lab-edge.test"])
    # SERVFAIL says nothing about the name: not "unresolvable" but not observed
    servfail = fired(by_name["servfail.lab-edge.test"])
    assert "probe-incomplete" in servfail and "dns-unresolvable" not in servfail
