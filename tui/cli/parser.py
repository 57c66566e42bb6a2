"""The argument parser: global options, then one `add_*_parsers` per group of commands.

Help texts come from the one bilingual table (`tui/i18n/cli.py`, keys `cli.help.*`).
"""

from __future__ import annotations

import argparse
from collections.abc import Callable
from pathlib import Path
from typing import TypeAlias

import platformdirs

from checks.model import Kind, Lifecycle, Severity
from checks.service.pages import DEFAULT_URL
from checks.service.sweeps import DEFAULT_CONCURRENCY, DEFAULT_TIMEOUT
from tui.cli.parser_alerts import add_alert_parsers
from tui.i18n import LANGS, tr

SEVERITIES = [str(s) for s in Severity]
"""`--fail-on` and `--severity` choices, lowest first."""
REPORT_FORMATS = ("md", "html", "json", "docx", "xlsx")

Subparsers: TypeAlias = "argparse._SubParsersAction[argparse.ArgumentParser]"
Help: TypeAlias = Callable[..., str]
"""`h("key", **values)`: a help text in the parser's language."""


def _help(lang: str) -> Help:
    """`h("key", **values)` is the help text `cli.help.key` in `lang`."""

    def h(key: str, **values: object) -> str:
        return tr(lang, f"cli.help.{key}", **values)

    return h


def build_parser(lang: str = "en") -> argparse.ArgumentParser:
    """The argument parser, its help in `lang`; global options come before the command."""
    h = _help(lang)
    parser = argparse.ArgumentParser(prog="assetwatch", description=h("description"))
    parser.add_argument("--db", help=h("db"))
    parser.add_argument("--org", help=h("org_option"))
    parser.add_argument(
        "--nameserver", action="append", default=[], metavar="HOST[:PORT]", help=h("nameserver")
    )
    parser.add_argument("--ca-bundle", metavar="PEM", help=h("ca_bundle"))
    parser.add_argument("--lang", choices=LANGS, help=h("lang"))
    parser.add_argument("--rdap-bootstrap", metavar="FILE", help=h("rdap_bootstrap"))
    parser.add_argument(
        "--whois-server",
        action="append",
        default=[],
        metavar="TLD=HOST[:PORT]",
        help=h("whois_server"),
    )
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    add_inventory_parsers(sub, lang)
    add_import_parsers(sub, lang)
    add_scan_parsers(sub, lang)
    add_remediation_parsers(sub, lang)
    add_report_parsers(sub, lang)
    add_domain_parsers(sub, lang)
    add_alert_parsers(sub, lang)
    return parser


def add_inventory_parsers(sub: Subparsers, lang: str) -> None:
    """`add`, `retire` and `decommission`: an asset's life."""
    h = _help(lang)
    sub.add_parser("init", help=h("init"))
    add = sub.add_parser("add", help=h("add"))
    add.add_argument("name", help=h("add_name"))
    add.add_argument("--kind", default="", help=h("kind", kinds=", ".join(Kind)))
    add.add_argument("--owner", default="", help=h("owner"))
    add.add_argument("--status", default="active", help=h("status", statuses=", ".join(Lifecycle)))
    add.add_argument("--url", action="append", default=[], help=h("url"))
    add.add_argument("--icp", default="", help=h("icp"))
    add.add_argument("--tag", action="append", default=[], help=h("tag"))
    add.add_argument("--notes", default="", help=h("notes"))

    delete = sub.add_parser("delete", help=h("delete"))
    delete.add_argument("name", help=h("asset"))
    delete.add_argument("--yes", action="store_true", help=h("yes"))

    sub.add_parser("vacuum", help=h("vacuum"))

    retire = sub.add_parser("retire", help=h("retire"))
    retire.add_argument("name", help=h("asset"))

    dec = sub.add_parser("decommission", help=h("decommission"))
    dec.add_argument("name", help=h("asset"))
    dec.add_argument("--attest", type=int, metavar="STEP", help=h("decommission_attest"))
    dec.add_argument("--note", default="", help=h("note"))
    dec.add_argument("--evidence", default="", help=h("evidence_path"))


def add_import_parsers(sub: Subparsers, lang: str) -> None:
    """`list` and `import`: the inventory as a whole."""
    h = _help(lang)
    lst = sub.add_parser("list", help=h("list"))
    lst.add_argument("--json", action="store_true", help=h("json"))

    imp = sub.add_parser("import", help=h("import"))
    imp.add_argument("file", type=Path, help=h("import_file"))


def add_scan_parsers(sub: Subparsers, lang: str) -> None:
    """`scan`, `findings`, `checks` and `demo`: probing and what it found."""
    h = _help(lang)
    scan = sub.add_parser("scan", help=h("scan"))
    add_sweep_options(scan, h)

    findings = sub.add_parser("findings", help=h("findings"))
    findings.add_argument("--json", action="store_true", help=h("json"))
    findings.add_argument("--severity", choices=SEVERITIES, default="info", help=h("severity"))
    findings.add_argument("--all", action="store_true", help=h("all"))

    chk = sub.add_parser("checks", help=h("checks"))
    chk.add_argument("--json", action="store_true", help=h("json"))
    chk.add_argument("--disable", metavar="ID", help=h("disable"))
    chk.add_argument("--enable", metavar="ID", help=h("enable"))
    chk.add_argument("--asset", metavar="NAME", help=h("check_asset"))
    chk.add_argument("--reason", default="", help=h("disable_reason"))

    page = sub.add_parser("check-page", help=h("check_page"))
    page.add_argument("file", type=Path, help=h("check_page_file"))
    page.add_argument("--url", default=DEFAULT_URL, help=h("check_page_url", default=DEFAULT_URL))
    page.add_argument("--spider-file", type=Path, metavar="FILE", help=h("spider_file"))
    page.add_argument("--json", action="store_true", help=h("json"))
    page.add_argument("--fail-on", choices=SEVERITIES, default="high", help=h("fail_on"))

    demo = sub.add_parser("demo", help=h("demo"))
    demo.add_argument("--scan", action="store_true", help=h("demo_scan"))
    # dest of its own: a subcommand's default would overwrite the global --db given before it
    folder = str(Path(platformdirs.user_data_dir("assetwatch", appauthor=False)) / "demo")
    demo.add_argument("--db", dest="demo_db", metavar="PATH", help=h("demo_db", folder=folder))
    demo.add_argument("--clean", action="store_true", help=h("demo_clean", folder=folder))
    demo.add_argument(
        "--play",
        action="append",
        default=[],
        metavar="CONTROL",
        help=h("demo_play"),
    )
    add_sweep_options(demo, h)


def add_sweep_options(p: argparse.ArgumentParser, h: Help) -> None:
    """The options of a headless sweep (`scan`, `demo --scan`).

    `--timeout` and `--concurrency` default to None, "not said": the stored settings (the
    dashboard's settings form) apply then, and the defaults after them.
    """
    p.add_argument("--json", action="store_true", help=h("json_open"))
    p.add_argument("--fail-on", choices=SEVERITIES, default="high", help=h("fail_on"))
    p.add_argument("--processes", type=int, metavar="N", help=h("processes"))
    p.add_argument("--concurrency", type=int, help=h("concurrency", default=DEFAULT_CONCURRENCY))
    p.add_argument("--light", action="store_true", help=h("light"))
    p.add_argument("--location", metavar="NAME", help=h("location"))
    p.add_argument("--timeout", type=float, help=h("timeout", default=f"{DEFAULT_TIMEOUT:g}"))


def add_remediation_parsers(sub: Subparsers, lang: str) -> None:
    """`baseline`, `checklist`, `attest` and `accept-risk`: from finding to fixed."""
    h = _help(lang)
    base = sub.add_parser("baseline", help=h("baseline"))
    base.add_argument("name", help=h("asset"))

    plan = sub.add_parser("checklist", help=h("checklist"))
    plan.add_argument("name", help=h("asset"))

    todo = sub.add_parser("todo", help=h("todo"))
    todo.add_argument("--owner", help=h("todo_owner"))
    todo.add_argument("--json", action="store_true", help=h("json"))

    att = sub.add_parser("attest", help=h("attest"))
    att.add_argument("name", help=h("asset"))
    att.add_argument("check", nargs="?", help=h("check"))
    att.add_argument("step", nargs="?", type=int, help=h("step"))
    att.add_argument(
        "--step", dest="keys", action="append", default=[], metavar="KEY", help=h("step_key")
    )
    att.add_argument("--note", default="", help=h("note"))
    att.add_argument("--evidence", default="", help=h("evidence_path"))
    att.add_argument("--who", default=None, help=h("who"))
    att.add_argument("--subject", default="", help=h("subject"))

    acc = sub.add_parser("accept-risk", help=h("accept_risk"))
    acc.add_argument("name", help=h("asset"))
    acc.add_argument("check", help=h("check"))
    acc.add_argument("--reason", required=True, help=h("accept_reason"))
    acc.add_argument("--until", required=True, metavar="YYYY-MM-DD", help=h("until"))
    acc.add_argument("--subject", default="", help=h("subject"))


def add_report_parsers(sub: Subparsers, lang: str) -> None:
    """`org`, `report` and `evidence`: what goes to the regulator."""
    h = _help(lang)
    org = sub.add_parser("org", help=h("org"))
    org.add_argument("--json", action="store_true", help=h("json"))
    org.add_argument("--attest", metavar="ITEM", help=h("org_attest"))
    org.add_argument("--note", default="", help=h("note"))
    org.add_argument("--evidence", default="", help=h("evidence_path"))

    orgs = sub.add_parser("orgs", help=h("orgs"))
    orgs.add_argument("action", nargs="?", choices=("list", "add", "rollup"), default="list")
    orgs.add_argument("name", nargs="?", default="", help=h("orgs_name"))
    orgs.add_argument("--parent", default="default", help=h("orgs_parent"))
    orgs.add_argument("--title", default="", help=h("orgs_title"))
    orgs.add_argument("--json", action="store_true", help=h("json"))

    wk = sub.add_parser("worker", help=h("worker"))
    wk.add_argument("--location", metavar="NAME", help=h("location"))
    wk.add_argument("--jobs", type=int, default=16, metavar="N", help=h("worker_jobs"))
    wk.add_argument("--stalled", type=float, default=90.0, metavar="S", help=h("worker_stalled"))
    wk.add_argument("--until-idle", action="store_true", help=h("worker_until_idle"))
    wk.add_argument("--timeout", type=float, help=h("timeout", default="10"))
    wk.add_argument("--light", action="store_true", help=h("light"))

    exp = sub.add_parser("exposure", help=h("exposure"))
    exp.add_argument("--json", action="store_true", help=h("json"))

    rep = sub.add_parser("report", help=h("report"))
    rep.add_argument("--format", choices=REPORT_FORMATS, default="md", help=h("format"))
    rep.add_argument("--lang", dest="report_lang", choices=LANGS, help=h("report_lang"))
    rep.add_argument("--since", metavar="YYYY-MM-DD", help=h("since"))
    rep.add_argument("-o", "--output", type=Path, help=h("output"))
    rep.add_argument("--prepared-by", metavar="NAME", help=h("prepared_by"))
    rep.add_argument("--reviewed-by", metavar="NAME", help=h("reviewed_by"))

    conf = sub.add_parser("settings", help=h("settings"))
    conf.add_argument(
        "--set", dest="changes", action="append", default=[], metavar="KEY=VALUE", help=h("set")
    )
    conf.add_argument("--json", action="store_true", help=h("json"))

    evi = sub.add_parser("evidence", help=h("evidence"))
    evi.add_argument("name", help=h("asset"))
    evi.add_argument("-o", "--output", type=Path, required=True, help=h("folder"))


def add_domain_parsers(sub: Subparsers, lang: str) -> None:
    """`icp`, `discover` and `discovered`: filings and names outside the inventory."""
    from checks.service.domains import DEFAULT_CT_URL

    h = _help(lang)
    icp = sub.add_parser("icp", help=h("icp_group"))
    icp_sub = icp.add_subparsers(dest="icp_command", metavar="import|list", required=True)
    imp = icp_sub.add_parser("import", help=h("icp_import"))
    imp.add_argument("file", type=Path, help=h("icp_file"))
    lst = icp_sub.add_parser("list", help=h("icp_list"))
    lst.add_argument("--json", action="store_true", help=h("json"))

    disc = sub.add_parser("discover", help=h("discover"))
    disc.add_argument("domain", help=h("discover_domain"))
    disc.add_argument("--ct", action="store_true", help=h("ct"))
    disc.add_argument("--ct-url", default=DEFAULT_CT_URL, help=h("ct_url", default=DEFAULT_CT_URL))
    disc.add_argument("--brute", action="store_true", help=h("brute"))
    disc.add_argument("--wordlist", type=Path, metavar="FILE", help=h("wordlist"))
    disc.add_argument("--json", action="store_true", help=h("json"))
    disc.add_argument("--timeout", type=float, help=h("timeout", default=f"{DEFAULT_TIMEOUT:g}"))

    found = sub.add_parser("discovered", help=h("discovered"))
    found.add_argument("--json", action="store_true", help=h("json"))
    found.add_argument("--not-ours", metavar="NAME", help=h("not_ours"))
    found.add_argument("--ignore", metavar="NAME", help=h("ignore"))
    found.add_argument("--reason", default="", help=h("triage_reason"))
