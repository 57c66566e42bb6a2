"""Registrations, filings and discovery on the loopback lab: its RDAP, WHOIS and CT servers
and its DNS, over real sockets; each new check both ways through real sweeps."""

from __future__ import annotations

import asyncio
import json
import time
from dataclasses import replace

import pytest

from checks.model import Asset, Filing, FindingStatus, Kind, Lifecycle
from checks.names import normalize_name
from checks.registry import Registry, RegistryConfig
from checks.service import domains, inventory
from checks.service.sweeps import config_from, run_async, run_sweep
from checks.store import Store
from checks.store.domains import Triage, released_step
from tui.cli import main


def registry_config(lab, timeout=2.0):
    return RegistryConfig(bootstrap=lab.rdap_bootstrap, whois=lab.whois_servers, timeout=timeout)


def lookup(lab, *names, timeout=2.0):
    async def run():
        async with Registry(registry_config(lab, timeout)) as registry:
            return await registry.lookup_many(names)

    return asyncio.run(run())


def sweep(store, lab, **changes):
    config = replace(config_from(store.settings.read(), lab.overrides()), **changes)
    return run_async(run_sweep(store, config))


def firing(store, check):
    return {
        (r.finding.asset, r.finding.subject)
        for r in store.findings.query()
        if r.finding.check == check
    }


@pytest.fixture
def store(tmp_path, clock):
    s = Store(tmp_path / "aw.db")
    yield s
    s.close()


# -- the wire ------------------------------------------------------------------------------


def test_rdap_and_cnnic_whois_answers_from_the_lab(lab):
    zhongguo = normalize_name("示例.中国")
    found = lookup(lab, "shili-tech.test", "yuanqu-park.test", "renli-hr.cn", zhongguo)
    assert found["shili-tech.test"].source.startswith("rdap http://127.0.0.1")
    assert found["yuanqu-park.test"].statuses == ("serverHold", "clientTransferProhibited")
    cn = found["renli-hr.cn"]
    assert cn.source == "whois 127.0.0.1" and cn.registrar == "某某网络科技有限公司"
    assert found[zhongguo].expires is not None and found[zhongguo].known


def test_a_whois_server_that_never_answers_is_unknown_within_the_timeout(lab):
    started = time.perf_counter()
    [reg] = lookup(lab, "whois-hang.cn", timeout=1.0).values()
    assert time.perf_counter() - started < 3
    assert not reg.known and reg.lookup_failed and "no answer" in reg.unknown


def test_malformed_rdap_and_missing_domains(lab):
    found = lookup(lab, "rdap-broken.test", "unregistered.test", "gone.cn", "nothing.xyz")
    assert found["rdap-broken.test"].lookup_failed
    assert found["unregistered.test"].known and not found["unregistered.test"].registered
    assert found["gone.cn"].known and not found["gone.cn"].registered
    assert not found["nothing.xyz"].known and not found["nothing.xyz"].lookup_failed


def test_a_ct_answer_of_50000_certificates_is_bounded(lab):
    from checks.registry.clients import CT_CAP, http_get_new
    from checks.registry.ct import MAX_NAMES, ct_names

    answer = asyncio.run(http_get_new(f"{lab.ct_url}?q=%25.big.test&output=json", CT_CAP, 30))
    assert answer.status == 200 and not answer.truncated
    found = ct_names(answer.text, "big.test")
    assert found.entries == 50_000 and found.truncated and len(found.names) == MAX_NAMES


def test_brute_force_asks_our_dns_only_and_a_wildcard_yields_nothing_false(lab):
    from checks.probe.brute import brute_force

    words = ["oa", "www", "hr", "nothing-here", "vpn"]
    wild = asyncio.run(brute_force("wildcard.test", words, [lab.nameserver]))
    assert wild.wildcard == ("127.0.0.1",)
    assert wild.names == ("oa.wildcard.test",)  # the only name not on the wildcard's address
    plain = asyncio.run(brute_force("shili-tech.test", words, [lab.nameserver]))
    assert plain.wildcard == () and "hr.shili-tech.test" in plain.names
    assert "nothing-here.shili-tech.test" not in plain.names


# -- the checks in sweeps, both ways --------------------------------------------------------


def seeded(store, lab):
    lab.seed(store)
    return store


def test_the_demo_sweep_raises_each_domain_check_where_expected(store, lab):
    sweep(seeded(store, lab), lab)
    assert firing(store, "domain-expiring") == {("shili-tech.test", "shili-tech.test")}
    assert firing(store, "domain-on-hold") == {("yuanqu-park.test", "yuanqu-park.test")}
    assert firing(store, "released-domain-reused") == {("renli-hr.cn", "")}
    assert firing(store, "icp-filed-but-retired") == {("www.renli-hr.test", "renli-hr.test")}
    assert firing(store, "icp-filed-not-inventoried") == {
        ("www.renli-hr.test", "renli-zhaopin.test")
    }
    # negatives: healthy registrations, the healthy .中国, filings that cover a live site
    assert firing(store, "domain-expired") == set()
    held = {a for a, _ in firing(store, "domain-on-hold") | firing(store, "domain-expiring")}
    assert normalize_name("示例.中国") not in held and "wuye-pm.test" not in held
    assert not {a for a, _ in firing(store, "icp-filed-but-retired")} & {"www.shili-tech.test"}


def test_expired_and_lapsing_while_filed(store, lab):
    lapsed = Asset("www.lapsed.test", Kind.WEBSITE, "IT")
    filed = Asset("www.lapsing.test", Kind.WEBSITE, "HR", Lifecycle.RETIRED, icp="豫ICP备1号-1")
    unfiled = Asset("old.lab-edge.test", Kind.WEBSITE, "HR", Lifecycle.RETIRED, icp="豫ICP备2号-1")
    for asset in (lapsed, filed, unfiled):
        inventory.add(store, asset)
    sweep(store, lab)
    assert firing(store, "domain-expired") == {("www.lapsed.test", "lapsed.test")}
    assert firing(store, "retired-domain-still-filed") == {("www.lapsing.test", "lapsing.test")}


def test_an_unanswered_lookup_keeps_the_finding_and_makes_the_sweep_incomplete(store, lab):
    seeded(store, lab)
    sweep(store, lab)
    before = store.findings.one("shili-tech.test", "domain-expiring", "shili-tech.test")
    assert before is not None and before.firing
    # the registry goes deaf, and the day's cache is gone
    store.db.execute("DELETE FROM registrations")
    store.db.conn.commit()
    deaf = tuple((tld, "127.0.0.1", lab.ports.closed) for tld, _, _ in lab.whois_servers)
    progress = sweep(store, lab, rdap_bootstrap=None, whois_servers=deaf)
    after = store.findings.one("shili-tech.test", "domain-expiring", "shili-tech.test")
    assert after.firing and after.status == FindingStatus.OPEN  # unknown never clears
    # .cn had a server that refused: the renli-hr.cn asset was not fully observed
    assert any(name == "renli-hr.cn" and "registration" in why for name, why in progress.unobserved)
    # no server at all for .test now (the shipped bootstrap has none): waiting, not incomplete
    assert not any(name == "shili-tech.test" for name, _ in progress.unobserved)


def test_registrations_are_looked_up_once_a_day(store, lab):
    seeded(store, lab)
    sweep(store, lab)
    cached = store.registrations.fresh(["shili-tech.test", "renli-hr.cn"])
    assert set(cached) == {"shili-tech.test", "renli-hr.cn"}
    asked = lab.registry_queries
    sweep(store, lab)
    assert lab.registry_queries == asked  # the second sweep asked no registry
    # a light sweep judges what the cache holds, and asks nothing
    sweep(store, lab, registration=False)
    assert firing(store, "domain-expiring")


def test_released_domain_reused_needs_the_release_step(store, lab):
    seeded(store, lab)
    cn = store.assets.get("renli-hr.cn")
    sweep(store, lab)
    assert firing(store, "released-domain-reused")
    store.db.execute(
        "DELETE FROM decommission_steps WHERE asset_id = ? AND step = ?", [cn.id, released_step()]
    )
    store.db.conn.commit()
    sweep(store, lab)
    assert firing(store, "released-domain-reused") == set()


# -- discovery and triage --------------------------------------------------------------------


def test_discover_ct_and_brute_then_triage(store, lab):
    seeded(store, lab)
    config = config_from(store.settings.read(), lab.overrides())
    found = run_async(
        domains.discover(store, "shili-tech.test", config, ct_url=lab.ct_url, brute=True)
    )
    names = dict(found.found)
    assert found.anchor.name == "shili-tech.test" and not found.errors
    assert names["hr.shili-tech.test"].startswith("CT log")  # *.hr folded
    assert "vpn.shili-tech.test" in names and "oa.shili-tech.test" not in names  # inventoried
    sweep(store, lab)
    waiting = firing(store, "unknown-asset")
    assert ("shili-tech.test", "hr.shili-tech.test") in waiting
    # one finding per name, however many probes show it
    assert len([s for _, s in waiting if s == "vpn.shili-tech.test"]) == 1
    domains.mark(store, "hr.shili-tech.test", Triage.NOT_OURS, "the landlord's HR system")
    domains.adopt(store, Asset("erp.shili-tech.test", Kind.WEBSITE, "IT"))
    domains.adopt_and_retire(store, "crm.shili-tech.test")
    sweep(store, lab)
    waiting = {s for _, s in firing(store, "unknown-asset")}
    assert not waiting & {"hr.shili-tech.test", "erp.shili-tech.test", "crm.shili-tech.test"}
    record = store.findings.one("shili-tech.test", "unknown-asset", "hr.shili-tech.test")
    assert record.status == FindingStatus.RESOLVED  # a decision resolves it
    assert store.assets.get("crm.shili-tech.test").lifecycle == Lifecycle.RETIRING
    # found again, a name marked not ours stays quiet
    run_async(domains.discover(store, "shili-tech.test", config, ct_url=lab.ct_url))
    sweep(store, lab)
    assert "hr.shili-tech.test" not in {s for _, s in firing(store, "unknown-asset")}
    decided = [e for e in store.audit.events() if e.action == "discovery.decide"]
    assert {e.detail["name"] for e in decided} == {
        "hr.shili-tech.test",
        "erp.shili-tech.test",
        "crm.shili-tech.test",
    }


def test_a_ct_endpoint_that_fails_is_reported_not_concluded(store, lab):
    seeded(store, lab)
    config = config_from(store.settings.read(), lab.overrides())
    dead = f"http://127.0.0.1:{lab.ports.closed}/"
    found = run_async(domains.discover(store, "shili-tech.test", config, ct_url=dead, ct_timeout=2))
    assert found.errors and found.found == ()


def test_discover_refuses_a_domain_outside_the_inventory(store, lab):
    from checks.errors import UserError

    config = config_from(store.settings.read(), lab.overrides())
    with pytest.raises(UserError, match="inventory"):
        run_async(domains.discover(store, "wildcard.test", config, brute=True))


# -- the command line ----------------------------------------------------------------------


def run(capsys, *argv):
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def lab_args(lab, db):
    args = ["--db", db, "--nameserver", f"127.0.0.1:{lab.dns_port}", "--ca-bundle", lab.ca_pem]
    args += ["--rdap-bootstrap", lab.rdap_bootstrap, "--lang", "en"]
    for tld, host, port in lab.whois_servers:
        args += ["--whois-server", f"{tld}={host}:{port}"]
    return args


def test_icp_import_gbk_and_list(capsys, tmp_path):
    db = str(tmp_path / "aw.db")
    run(
        capsys,
        "--db",
        db,
        "add",
        "www.renli-hr.test",
        "--status",
        "retired",
        "--icp",
        "豫ICP备13000001号-1",
    )
    csv = tmp_path / "备案.csv"
    csv.write_bytes(
        "主体备案号,网站备案号,网站名称,网站域名\n"
        "豫ICP备13000001号,豫ICP备13000001号-1,仁力人力资源,renli-hr.test\n"
        "豫ICP备13000001号,豫ICP备13000001号-2,仁力招聘,renli-zhaopin.test\n"
        ",,坏行,bad_domain!\n".encode("gbk")
    )
    code, out, err = run(capsys, "--db", db, "--lang", "en", "icp", "import", str(csv))
    assert code == 1 and "line 4" in err
    assert "imported 2 filings" in out and "1 filed domains no asset covers" in out
    assert "1 retired assets still filed" in out
    code, out, _ = run(capsys, "--db", db, "icp", "list", "--json")
    rows = [json.loads(line) for line in out.splitlines()]
    assert [r["domain"] for r in rows] == ["renli-hr.test", "renli-zhaopin.test"]
    code, out, err = run(capsys, "--db", db, "--lang", "zh", "icp", "list")
    assert "仁力招聘" in out and "未在线查询" in err


def test_discover_command_and_discovered_list(capsys, tmp_path, lab):
    db = str(tmp_path / "aw.db")
    run(capsys, "--db", db, "add", "shili-tech.test", "--kind", "domain", "--owner", "IT")
    code, out, err = run(
        capsys,
        *lab_args(lab, db),
        "discover",
        "shili-tech.test",
        "--ct",
        "--ct-url",
        lab.ct_url,
        "--brute",
        "--json",
    )
    assert code == 0, err
    found = {json.loads(line)["name"] for line in out.splitlines()}
    assert {"hr.shili-tech.test", "vpn.shili-tech.test", "www.shili-tech.test"} <= found
    assert "CT: 6 certificates" in err
    code, out, _ = run(capsys, "--db", db, "findings", "--json")
    assert "hr.shili-tech.test" in out  # the anchor was probed: findings at once
    code, _, err = run(
        capsys, "--db", db, "--lang", "en", "discovered", "--ignore", "vpn.shili-tech.test"
    )
    assert code == 2 and "reason" in err
    code, out, _ = run(
        capsys,
        "--db",
        db,
        "discovered",
        "--ignore",
        "vpn.shili-tech.test",
        "--reason",
        "test VPN",
        "--json",
    )
    states = {json.loads(line)["name"]: json.loads(line)["state"] for line in out.splitlines()}
    assert states["vpn.shili-tech.test"] == "ignored" and states["hr.shili-tech.test"] == "new"


def test_old_database_migrates_forward(tmp_path):
    import sqlite3

    from checks.store.schema import KNOWN

    path = tmp_path / "old.db"
    Store(path).close()
    conn = sqlite3.connect(path)
    for table in ("registrations", "icp_filings", "discovered"):
        conn.execute(f"DROP TABLE {table}")
    conn.execute("DELETE FROM _sqlite_migrations WHERE name = 'm008_domains'")
    conn.commit()
    conn.close()
    store = Store(path)
    assert store.schema_version == len(KNOWN)
    store.filings.replace([Filing("x.test", "豫ICP备1号-1")], "f.csv")
    assert store.filings.all() == [Filing("x.test", "豫ICP备1号-1")]
    store.close()
