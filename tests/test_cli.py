"""The command line as cron jobs and admins use it: output contracts and exit codes."""

from __future__ import annotations

import json

import pytest

from checks.names import normalize_name
from tui.cli import main
from tui.cli.output import width

CONTRACT = {"asset", "check", "severity", "title", "evidence", "first_seen", "last_seen"}


@pytest.fixture
def db(db_target):
    """A fresh database on each backend: every command behaves the same on both."""
    return db_target


def run(capsys, *argv):
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def lab_args(lab, db):
    return [
        "--db",
        db,
        "--nameserver",
        f"127.0.0.1:{lab.dns_port}",
        "--ca-bundle",
        lab.ca_pem,
        "--lang",
        "en",
    ]


def add_lab_sites(capsys, lab, db, *names):
    for name in names:
        urls = ["--url", lab.ports.https_url(name), "--url", lab.ports.http_url(name)]
        run(capsys, "--db", db, "add", name, "--owner", "IT", *urls)


def json_lines(out):
    return [json.loads(line) for line in out.splitlines() if line.strip()]


def test_add_list_retire(capsys, db):
    assert (
        run(capsys, "--db", db, "add", "例子.中国", "--owner", "信息中心", "--icp", "京ICP备1号")[0]
        == 0
    )
    code, out, _ = run(capsys, "--db", db, "list", "--json")
    [row] = json_lines(out)
    assert row["name"] == "例子.中国" and row["name_ascii"] == "xn--fsqu00a.xn--fiqs8s"
    assert row["kind"] == "website" and row["status"] == "active" and row["icp"] == "京ICP备1号"
    assert run(capsys, "--db", db, "retire", "例子.中国")[0] == 0
    code, out, _ = run(capsys, "--db", db, "list", "--json")
    assert json_lines(out)[0]["status"] == "retiring"
    assert json_lines(out)[0]["retiring_at"]


def test_table_output_aligns_chinese_owners(capsys, db):
    run(capsys, "--db", db, "add", "a.example.test", "--owner", "信息中心")
    run(capsys, "--db", db, "add", "b.example.test", "--owner", "IT")
    _, out, _ = run(capsys, "--db", db, "--lang", "en", "list")
    lines = out.splitlines()
    # The status column starts at the same terminal column whatever the owner's script.
    columns = {width(line[: line.index("active")]) for line in lines[1:]}
    assert len(columns) == 1
    assert lines[1].index("active") == lines[2].index("active") - 4  # 4 CJK chars are 8 columns


def test_errors_exit_2_with_a_message(capsys, db):
    run(capsys, "--db", db, "init")
    code, _, err = run(capsys, "--db", db, "--lang", "en", "retire", "nowhere.example.test")
    assert code == 2 and "no asset named" in err
    code, _, err = run(capsys, "--db", db, "--lang", "zh", "add", "bad_name.test")
    assert code == 2 and "无效的主机名" in err
    code, _, err = run(capsys, "--db", db, "--nameserver", "dns.example", "scan")
    assert code == 2 and "nameserver" in err
    code, _, err = run(capsys, "--db", db, "--lang", "en", "add", "x.example.test", "--kind", "fax")
    assert code == 2 and "unknown kind" in err


def test_import_reports_bad_lines_and_updates_on_reimport(capsys, db, tmp_path):
    csv = tmp_path / "assets.csv"
    csv.write_bytes(
        "name,kind,owner,status,url,icp\n"
        "www.renli-hr.test,website,人事部,retired,,\n"
        "printer.example.test,printer,IT,active,,\n"
        "oa.wuye-pm.test,oa,,active,,\n".encode("gbk")
    )
    code, out, err = run(capsys, "--db", db, "--lang", "en", "import", str(csv))
    assert code == 1
    assert "line 3: unknown kind 'printer'" in err
    assert "2 new" in out
    csv.write_bytes(csv.read_bytes().replace("oa,,".encode("gbk"), "oa,行政部,".encode("gbk")))
    code, out, _ = run(capsys, "--db", db, "--lang", "en", "import", str(csv))
    assert "0 new, 2 existing" in out
    _, out, _ = run(capsys, "--db", db, "list", "--json")
    rows = json_lines(out)
    assert len(rows) == 2
    assert {r["name"]: r["owner"] for r in rows}["oa.wuye-pm.test"] == "行政部"


def test_scan_json_contract_and_exit_codes(capsys, lab, db, tmp_path):
    add_lab_sites(capsys, lab, db, "www.shili-tech.test", "news.shili-tech.test")
    code, out, _ = run(capsys, *lab_args(lab, db), "scan", "--json")
    assert code == 0  # only a low finding: https-not-enforced on news
    [finding] = json_lines(out)
    assert set(finding) >= CONTRACT
    assert (finding["asset"], finding["check"], finding["severity"]) == (
        "news.shili-tech.test",
        "https-not-enforced",
        "low",
    )
    code, _, _ = run(capsys, *lab_args(lab, db), "scan", "--json", "--fail-on", "low")
    assert code == 1
    code, out, _ = run(capsys, *lab_args(lab, db), "findings", "--json", "--severity", "medium")
    assert json_lines(out) == []


def test_demo_scan_reports_each_incident_where_expected(capsys, db):
    code, out, _ = run(capsys, "--lang", "en", "demo", "--db", db, "--scan", "--json")
    assert code == 1
    found = {(f["asset"], f["check"]) for f in json_lines(out)}
    expected = {
        ("www.renli-hr.test", "retired-still-resolves"),
        ("www.renli-hr.test", "retired-still-serving"),
        ("oa.wuye-pm.test", "retired-still-resolves"),
        ("oa.wuye-pm.test", "retired-still-serving"),
        ("expired.shili-tech.test", "tls-expired"),
        ("selfsigned.shili-tech.test", "tls-self-signed"),
        ("wrongname.shili-tech.test", "tls-hostname-mismatch"),
        ("cdn.shili-tech.test", "dangling-cname"),
        ("old-promo.shili-tech.test", "dns-unresolvable"),
        ("files.shili-tech.test", "unowned-asset"),
        ("expiring.shili-tech.test", "tls-expiring"),
        ("portal.yuanqu-park.test", "no-https"),
        ("news.shili-tech.test", "https-not-enforced"),
        ("backup.shili-tech.test", "http-down"),
        ("oa.wuye-pm.test", "login-exposed"),
        ("oa.wuye-pm.test", "login-over-http"),
        ("oa.wuye-pm.test", "oa-exposed"),
        ("portal.yuanqu-park.test", "outdated-software"),
        ("portal.yuanqu-park.test", "version-disclosure"),
        ("portal.yuanqu-park.test", "missing-security-headers"),
        ("shop.shili-tech.test", "missing-security-headers"),
        ("shop.shili-tech.test", "insecure-cookie"),
        ("shop.shili-tech.test", "icp-number-missing"),
        ("panel.yuanqu-park.test", "admin-panel-exposed"),
        ("panel.yuanqu-park.test", "login-exposed"),
        ("oa.shili-tech.test", "oa-exposed"),
        ("oa.shili-tech.test", "login-exposed"),
        ("oa.shili-tech.test", "login-over-http"),
        ("portal.yuanqu-park.test", "sensitive-file-exposed"),
        ("db.yuanqu-park.test", "risky-port-open"),
        ("static.shili-tech.test", "takeover-possible"),
        ("docs.shili-tech.test", "takeover-possible"),
        ("yuanqu-park.test", "zone-transfer-allowed"),
        ("yuanqu-park.test", "unknown-asset"),
        ("www.renli-hr.test", "seo-spam"),
        ("www.renli-hr.test", "injected-script"),
        ("portal.yuanqu-park.test", "injected-script"),
        ("news.shili-tech.test", "content-changed"),
        ("untrusted.shili-tech.test", "tls-untrusted"),
        # issue 12: registrations, the filing list, discovery
        ("shili-tech.test", "domain-expiring"),
        ("yuanqu-park.test", "domain-on-hold"),
        ("www.renli-hr.test", "icp-filed-but-retired"),
        ("www.renli-hr.test", "icp-filed-not-inventoried"),
        ("renli-hr.cn", "released-domain-reused"),
        ("shili-tech.test", "unknown-asset"),
        ("news.shili-tech.test", "icp-number-missing"),
    }
    assert found == expected
    healthy = {
        f["check"]
        for f in json_lines(out)
        if f["asset"] in ("www.shili-tech.test", "官网.示例.test")
    }
    assert healthy == set()


def test_demo_speaks_chinese(capsys, db):
    _, out, _ = run(capsys, "--lang", "zh", "demo", "--db", db, "--scan")
    assert "已下线资产仍在提供网页服务" in out
    assert normalize_name("官网.示例.test") not in out


def test_database_location_from_the_environment(capsys, tmp_path, monkeypatch):
    monkeypatch.setenv("ASSETWATCH_DB", str(tmp_path / "env.db"))
    run(capsys, "add", "env.example.test")
    assert (tmp_path / "env.db").exists()


def test_checks_can_be_switched_off_with_a_reason(capsys, lab, db):
    add_lab_sites(capsys, lab, db, "news.shili-tech.test", "shop.shili-tech.test")
    code, _, err = run(
        capsys, "--db", db, "--lang", "en", "checks", "--disable", "https-not-enforced"
    )
    assert code == 2 and "--reason" in err
    run(capsys, "--db", db, "checks", "--disable", "https-not-enforced", "--reason", "legacy app")
    run(
        capsys,
        "--db",
        db,
        "checks",
        "--disable",
        "insecure-cookie",
        "--asset",
        "shop.shili-tech.test",
        "--reason",
        "vendor fix due in March",
    )
    _, out, _ = run(capsys, *lab_args(lab, db), "scan", "--json")
    checks = {(f["asset"], f["check"]) for f in json_lines(out)}
    assert not any(c in ("https-not-enforced", "insecure-cookie") for _, c in checks)
    assert ("shop.shili-tech.test", "missing-security-headers") in checks
    _, out, _ = run(capsys, "--db", db, "checks", "--json")
    states = {r["check"]: r for r in json_lines(out)}
    assert states["https-not-enforced"]["state"] == "off"
    assert states["https-not-enforced"]["reason"] == "legacy app"
    assert states["insecure-cookie"]["state"] == "off for shop.shili-tech.test"
    run(capsys, "--db", db, "checks", "--enable", "https-not-enforced")
    _, out, _ = run(capsys, *lab_args(lab, db), "scan", "--json")
    assert ("news.shili-tech.test", "https-not-enforced") in {
        (f["asset"], f["check"]) for f in json_lines(out)
    }
    from checks.store import Store

    store = Store(db)
    actions = [
        (e.action, e.detail.get("reason"))
        for e in store.audit.events()
        if e.action.startswith("check.")
    ]
    store.close()
    assert ("check.disable", "legacy app") in actions and ("check.enable", None) in actions


def test_checklist_attest_and_accept_risk(capsys, lab, db):
    add_lab_sites(capsys, lab, db, "news.shili-tech.test", "expiring.shili-tech.test")
    run(capsys, *lab_args(lab, db), "scan")
    code, out, _ = run(capsys, "--db", db, "--lang", "en", "checklist", "news.shili-tech.test")
    assert code == 0 and "https-not-enforced  [open]" in out and "(manual)" in out
    code, out, _ = run(
        capsys,
        "--db",
        db,
        "--lang",
        "en",
        "attest",
        "news.shili-tech.test",
        "https-not-enforced",
        "2",
        "--note",
        "cert ordered",
        "--who",
        "alice",
    )
    assert code == 0 and "https-not-enforced: in progress" in out
    _, out, _ = run(capsys, "--db", db, "findings", "--json")
    statuses = {
        f["check"]: f["status"] for f in json_lines(out) if f["asset"] == "news.shili-tech.test"
    }
    assert statuses["https-not-enforced"] == "in-progress"
    code, _, err = run(
        capsys,
        "--db",
        db,
        "--lang",
        "en",
        "accept-risk",
        "expiring.shili-tech.test",
        "tls-expiring",
        "--reason",
        "renewal booked",
        "--until",
        "2099-01-01",
    )
    assert code == 0
    _, out, _ = run(capsys, "--db", db, "findings", "--json")
    assert "tls-expiring" not in {f["check"] for f in json_lines(out)}
    code, _, err = run(
        capsys,
        "--db",
        db,
        "--lang",
        "en",
        "accept-risk",
        "expiring.shili-tech.test",
        "tls-expiring",
        "--reason",
        "x",
        "--until",
        "soon",
    )
    assert code == 2 and "YYYY-MM-DD" in err


def test_report_command_writes_every_format(capsys, lab, db, tmp_path):
    add_lab_sites(capsys, lab, db, "news.shili-tech.test")
    run(capsys, *lab_args(lab, db), "scan")
    for fmt in ("md", "html", "json"):
        out_file = tmp_path / f"report.{fmt}"
        code, _, err = run(
            capsys, "--db", db, "report", "--format", fmt, "--lang", "zh", "-o", str(out_file)
        )
        assert code == 0 and out_file.read_text(encoding="utf-8")
    assert json.loads((tmp_path / "report.json").read_text())["language"] == "zh"
    code, out, _ = run(
        capsys, "--db", db, "--lang", "en", "org", "--attest", "ir-plan", "--note", "v1"
    )
    assert code == 0 and "[x] ir-plan" in out
    code, _, err = run(capsys, "--db", db, "--lang", "en", "org", "--attest", "nope")
    assert code == 2


def test_decommission_goes_from_retiring_to_retired_when_verified(capsys, tmp_path):
    from checks.knowledge.playbooks import decommission
    from checks.lab.remote import RemoteLab

    db = str(tmp_path / "aw.db")
    with RemoteLab() as own_lab:
        args = lab_args(own_lab, db)
        add_lab_sites(capsys, own_lab, db, "cdn.shili-tech.test")
        assert run(capsys, "--db", db, "retire", "cdn.shili-tech.test")[0] == 0
        manual = [i for i, s in enumerate(decommission().steps) if s.kind == "manual"]
        for index in manual:
            code, out, _ = run(
                capsys,
                "--db",
                db,
                "--lang",
                "en",
                "decommission",
                "cdn.shili-tech.test",
                "--attest",
                str(index + 1),
                "--note",
                "done",
            )
            assert code == 0
        assert "[retiring]" in out  # verified only by a probe
        own_lab.apply("cdn-dns")
        run(capsys, *args, "scan")
        _, out, _ = run(capsys, "--db", db, "list", "--json")
        assert json_lines(out)[0]["status"] == "retired"
        code, _, err = run(
            capsys,
            "--db",
            db,
            "--lang",
            "en",
            "decommission",
            "cdn.shili-tech.test",
            "--attest",
            "3",
        )
        assert code == 2 and "not being retired" in err


def test_evidence_files_with_hashes(capsys, lab, db, tmp_path):
    import hashlib

    run(
        capsys,
        "--db",
        db,
        "add",
        "www.renli-hr.test",
        "--owner",
        "HR",
        "--status",
        "retired",
        "--url",
        lab.ports.https_url("www.renli-hr.test"),
        "--url",
        lab.ports.http_url("www.renli-hr.test"),
    )
    run(capsys, *lab_args(lab, db), "scan")
    folder = tmp_path / "evidence"
    code, out, _ = run(capsys, "--db", db, "evidence", "www.renli-hr.test", "-o", str(folder))
    assert code == 0
    names = {p.name for p in folder.iterdir()}
    assert {
        "page-baiduspider.html",
        "responses.json",
        "dns.json",
        "findings.json",
        "SHA256SUMS",
    } <= names
    assert "澳门新葡京娱乐城".encode() in (folder / "page-baiduspider.html").read_bytes()
    for line in (folder / "SHA256SUMS").read_text().splitlines():
        digest, name = line.split("  ")
        assert hashlib.sha256((folder / name).read_bytes()).hexdigest() == digest


def test_text_from_the_network_and_from_people_is_inert(capsys, lab, db):
    from checks.lab.scenarios import EDGE_TITLE
    from checks.model import Asset
    from checks.store import Store

    site = "markup.lab-edge.test"  # serves EDGE_TITLE: markup, a colour and a window-title escape
    hostile = "\x1b]0;x\x07IT"
    urls = ["--url", lab.ports.http_url(site)]
    code, _, err = run(capsys, "--db", db, "add", site, "--owner", hostile, *urls)
    assert code == 2 and "\x1b" not in err and "\\x1b" in err  # refused, quoted escaped
    run(capsys, "--db", db, "add", site, "--owner", "IT", "--status", "retired", *urls)
    code, out, _ = run(capsys, *lab_args(lab, db), "scan")
    assert code == 1 and "retired-still-serving" in out
    assert "\x1b" not in out and "\x07" not in out
    assert "\\x1b[31mred" in out  # the title is shown, escaped
    _, out, _ = run(capsys, "--db", db, "findings", "--json")
    evidence = {f["check"]: f["evidence"] for f in json_lines(out)}
    assert EDGE_TITLE.split(" ")[0] in evidence["retired-still-serving"]  # JSON keeps it exact
    assert "\x1b" not in out  # ...escaped by JSON
    store = Store(db)  # a database written before owners were checked still prints inert
    store.assets.save(Asset("old.example.test", owner=hostile))
    store.close()
    _, out, _ = run(capsys, "--db", db, "--lang", "en", "list")
    assert "\x1b" not in out and "\\x1b]0;x\\x07IT" in out
    code, _, err = run(
        capsys, "--db", db, "attest", site, "retired-still-serving", "1", "--who", "\x1b[2Jeve"
    )
    assert code == 2 and "\x1b" not in err
    _, out, _ = run(capsys, "--db", db, "--lang", "en", "checklist", site)
    assert "\x1b" not in out


def test_json_lines_escape_c1_controls():
    import io

    from tui.cli.output import json_line

    out = io.StringIO()
    json_line({"title": "a\x9b31mb\u00e9中"}, out)
    assert out.getvalue() == '{"title": "a\\u009b31mb\u00e9中"}\n'
    assert json.loads(out.getvalue())["title"] == "a\x9b31mb\u00e9中"


def test_every_cli_string_is_bilingual_with_the_same_placeholders():
    from string import Formatter

    from tui.i18n import tr
    from tui.i18n.cli import CLI
    from tui.i18n.dashboard import DASHBOARD

    def fields(text):
        return {name for _, name, _, _ in Formatter().parse(text) if name}

    assert not set(CLI) & set(DASHBOARD)
    for key, (en, zh) in CLI.items():
        assert key.startswith("cli.") and en.strip() and zh.strip(), key
        assert fields(en) == fields(zh), key
        for lang in ("en", "zh"):
            tr(lang, key, **dict.fromkeys(fields(en), 1))  # every placeholder fills


def test_help_speaks_both_languages_for_every_command():
    from tui.cli import build_parser

    for lang, marker in (("zh", "资产"), ("en", "asset")):
        parser = build_parser(lang)
        sub = next(a for a in parser._actions if a.dest == "command")
        assert marker in parser.format_help()
        for name, command in sub.choices.items():
            text = command.format_help()
            assert "cli.help" not in text, (lang, name)
        helps = [a.help for a in sub._choices_actions]
        assert all(helps) and len(helps) == len(sub.choices)


def test_retire_twice_and_decommission_of_an_active_asset(capsys, db):
    run(capsys, "--db", db, "add", "old.example.test")
    code, out, err = run(capsys, "--db", db, "--lang", "en", "decommission", "old.example.test")
    assert code == 2 and "is active; `assetwatch retire` starts the checklist" in err
    assert run(capsys, "--db", db, "--lang", "en", "retire", "old.example.test")[1].startswith(
        "old.example.test is retiring"
    )
    code, out, _ = run(capsys, "--db", db, "--lang", "zh", "retire", "old.example.test")
    assert code == 0 and "已处于 retiring 状态" in out
    code, out, _ = run(capsys, "--db", db, "--lang", "en", "decommission", "old.example.test")
    assert code == 0 and "[retiring]" in out and "(manual)" in out and "(auto)" in out


def test_importing_retired_for_an_active_asset_starts_the_checklist(capsys, db, tmp_path):
    run(capsys, "--db", db, "add", "old.example.test")
    csv = tmp_path / "assets.csv"
    csv.write_text("name,status\nold.example.test,retired\n", encoding="utf-8")
    code, out, err = run(capsys, "--db", db, "--lang", "en", "import", str(csv))
    assert code == 0 and "0 new, 1 existing" in out
    assert "assets asked to be retired: 1; they stay retiring" in err
    _, out, _ = run(capsys, "--db", db, "list", "--json")
    assert json_lines(out)[0]["status"] == "retiring"


def test_a_missing_database_is_refused_not_created(capsys, tmp_path):
    typo = tmp_path / "no" / "such" / "file.db"
    for command in (["scan"], ["list"], ["report"], ["findings"], ["org"]):
        code, out, err = run(capsys, "--db", str(typo), "--lang", "en", *command)
        assert code == 2 and "no database at" in err and out == "", command
    assert not typo.exists() and not typo.parent.exists()
    code, _, err = run(capsys, "--db", str(typo), "--lang", "zh", "scan")
    assert code == 2 and "没有数据库" in err
    code, out, _ = run(capsys, "--db", str(typo), "--lang", "en", "init")
    assert code == 0 and typo.exists() and str(typo) in out
    assert run(capsys, "--db", str(typo), "scan")[0] == 0


def test_scan_exits_3_when_the_sweep_was_incomplete(capsys, lab, db, tmp_path):
    import socket

    run(capsys, "--db", db, "add", "www.shili-tech.test", "--owner", "IT")
    deaf = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    deaf.bind(("127.0.0.1", 0))  # receives the questions, never answers
    host, port = deaf.getsockname()
    try:
        code, out, err = run(
            capsys, "--db", db, "--nameserver", f"{host}:{port}", "scan", "--json", "--timeout", "1"
        )
    finally:
        deaf.close()
    assert code == 3, err
    found = json_lines(out)
    assert [(f["check"], f["severity"]) for f in found] == [("probe-incomplete", "low")]
    assert "dns=timeout" in found[0]["evidence"]
    assert err.strip().splitlines()[-1].startswith("coverage: 0 observed, 1 not observed, 1")
    code, _, err = run(capsys, *lab_args(lab, db), "scan", "--json")
    assert code == 0 and "coverage: 1 observed, 0 not observed" in err


def test_org_on_an_empty_inventory_ticks_no_computed_item(capsys, db):
    run(capsys, "--db", db, "init")
    code, out, _ = run(capsys, "--db", db, "--lang", "en", "org", "--json")
    computed = [i for i in json_lines(out) if i["mode"] == "auto"]
    assert code == 0 and computed
    assert not any(i["done"] for i in computed)
    assert all(
        i["computed"] is not True and i["not_verified"] for i in computed if i["computed"] is None
    )
    _, out, _ = run(capsys, "--db", db, "--lang", "en", "org")
    assert "[?] retired-assets-dark" in out and "not verified: inventory=empty" in out


def test_check_page_reads_a_saved_page_like_a_scan(capsys, tmp_path):
    page = tmp_path / "index.html"
    page.write_text(
        '<html><head><title>仁力人力资源</title></head><body><p>欢迎</p><div style="display:none">'
        '<a href="http://www.xpj-casino.test/">澳门新葡京娱乐城</a> '
        '<a href="http://bet365-cn.test/">真人百家乐 体育投注</a></div></body></html>',
        encoding="utf-8",
    )
    code, out, _ = run(
        capsys, "check-page", str(page), "--url", "https://www.renli-hr.test/", "--json"
    )
    found = json_lines(out)
    assert code == 1 and [f["check"] for f in found] == ["seo-spam"]
    assert set(found[0]) >= {"asset", "check", "severity", "title", "evidence", "status"}
    clean = tmp_path / "clean.html"
    clean.write_text("<html><head><title>示例</title></head><body>你好</body></html>")
    assert run(capsys, "check-page", str(clean))[0] == 0
    code, _, err = run(capsys, "check-page", str(tmp_path / "missing.html"))
    assert code == 2 and "missing.html" in err
