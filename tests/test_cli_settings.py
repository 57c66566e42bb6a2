"""`assetwatch scan` probes with the settings stored in the database, exactly as the dashboard.

The dashboard's settings form stores `nameservers` (HOST[:PORT], space-separated), `concurrency`
and `timeout` (seconds); a cron scan on that database must use them without being told, and a
command-line option still wins over a stored setting.
"""

from __future__ import annotations

import json

from checks.model import Settings
from checks.service.sweeps import DEFAULT_CONCURRENCY, DEFAULT_TIMEOUT, config_from
from checks.store import Store
from tui.cli import build_parser, main
from tui.cli.commands.scan import probe_overrides

RETIRED = "www.renli-hr.test"
"""Retired in the inventory, still resolving and serving in the lab: a critical finding."""
HANG = "hang.lab-edge.test"
"""Accepts connections and never answers: a probe of it lasts as long as the timeout."""


def _settle(db, **settings):
    store = Store(db)
    for key, value in settings.items():
        store.settings.set(key, value)
    store.close()


def _inventory(capsys, lab, db):
    for name, status in ((RETIRED, "retired"), (HANG, "active")):
        urls = ["--url", lab.ports.https_url(name), "--url", lab.ports.http_url(name)]
        assert main(["--db", db, "add", name, "--owner", "IT", "--status", status, *urls]) == 0
    capsys.readouterr()


def _scan(capsys, db, global_options=(), scan_options=()):
    code = main(["--db", db, *global_options, "scan", "--json", *scan_options])
    lines = [json.loads(line) for line in capsys.readouterr().out.splitlines() if line.strip()]
    found = {(f["asset"], f["check"]) for f in lines}
    store = Store(db)
    sweep = store.audit.last("sweep")
    store.close()
    assert sweep is not None
    return code, found, sweep.detail["seconds"]


def test_scan_probes_through_the_stored_settings_without_any_option(capsys, lab, tmp_path):
    db = str(tmp_path / "aw.db")
    _inventory(capsys, lab, db)
    _settle(db, nameservers=f"127.0.0.1:{lab.dns_port}", concurrency="4", timeout="1")
    asked = lab.dns_queries
    code, found, seconds = _scan(capsys, db)
    assert code == 1
    assert (RETIRED, "retired-still-resolves") in found
    assert (HANG, "http-down") in found
    assert lab.dns_queries > asked  # the lab's DNS server, not the system's, was asked
    # The stored 1 s timeout, not the default 10 s, bounded the site that never answers.
    assert seconds < DEFAULT_TIMEOUT - 2


def test_command_line_options_win_over_the_stored_settings(capsys, lab, tmp_path):
    db = str(tmp_path / "aw.db")
    _inventory(capsys, lab, db)
    # Stored: a DNS server where nothing listens, and a timeout far too long for a test.
    _settle(db, nameservers=f"127.0.0.1:{lab.ports.closed}", timeout="30")
    code, found, seconds = _scan(
        capsys, db, ["--nameserver", f"127.0.0.1:{lab.dns_port}"], ["--timeout", "1"]
    )
    assert code == 1 and (RETIRED, "retired-still-resolves") in found
    assert seconds < DEFAULT_TIMEOUT - 2  # the stored 30 s would have taken 30 s at least


def test_timeout_and_concurrency_are_not_said_unless_given():
    args = build_parser().parse_args(["scan"])
    overrides = probe_overrides(args)
    assert (overrides.timeout, overrides.concurrency, overrides.nameservers) == (None, None, ())
    stored = Settings(nameservers=("127.0.0.2:5353",), concurrency=4, timeout=2.5)
    config = config_from(stored, overrides)
    assert (config.nameservers, config.concurrency, config.timeout) == (
        (("127.0.0.2", 5353),),
        4,
        2.5,
    )
    given = build_parser().parse_args(
        ["--nameserver", "127.0.0.3", "scan", "--timeout", "7", "--concurrency", "9", "--light"]
    )
    config = config_from(stored, probe_overrides(given))
    assert (config.nameservers, config.concurrency, config.timeout, config.paths) == (
        (("127.0.0.3", 53),),
        9,
        7.0,
        False,
    )
    config = config_from(Settings(), overrides)
    assert (config.concurrency, config.timeout) == (DEFAULT_CONCURRENCY, DEFAULT_TIMEOUT)


def test_help_states_the_defaults():
    sub = next(a for a in build_parser()._actions if a.dest == "command")
    text = sub.choices["scan"].format_help()
    assert f"default {DEFAULT_TIMEOUT:g}" in text and f"default {DEFAULT_CONCURRENCY}" in text


def test_the_demo_wires_the_lab_and_keeps_the_users_options(lab):
    from tui.cli.commands.dashboard import demo_overrides

    plain = demo_overrides(lab, probe_overrides(build_parser().parse_args(["demo"])))
    assert plain.nameservers == (lab.nameserver,) and plain.ca_bundle == lab.ca_pem
    assert plain.timeout is None  # the stored setting, else the default: not the lab's test 3 s
    assert plain.lab["axfr_port"] == lab.dns_port and plain.lab["port_map"]
    argv = ["--nameserver", "127.0.0.9", "--ca-bundle", "mine.pem", "demo", "--timeout", "4"]
    mine = demo_overrides(lab, probe_overrides(build_parser().parse_args([*argv, "--light"])))
    assert mine.nameservers == (lab.nameserver, ("127.0.0.9", 53))
    assert (mine.ca_bundle, mine.timeout, mine.light) == ("mine.pem", 4.0, True)


def test_bad_numbers_and_a_bad_stored_nameserver_exit_2(capsys, tmp_path):
    db = str(tmp_path / "aw.db")
    assert main(["--db", db, "init"]) == 0
    for option in (["--timeout", "nan"], ["--timeout", "0"], ["--concurrency", "0"]):
        assert main(["--db", db, "--lang", "en", "scan", *option]) == 2
        assert f"{option[0]} must be a positive number" in capsys.readouterr().err
    _settle(db, nameservers="dns.example")
    assert main(["--db", db, "--lang", "en", "scan"]) == 2
    assert "nameserver must be an IP address" in capsys.readouterr().err
