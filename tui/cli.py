"""The `assetwatch` command line. Headless commands never import Textual."""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
import traceback
from collections.abc import Callable, Sequence
from contextlib import ExitStack
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any, TextIO

from checks.baseline import baseline_from
from checks.catalog import BY_ID, CATALOG
from checks.decommission import attest as attest_decommission
from checks.decommission import start as start_decommission
from checks.decommission import steps as decommission_steps
from checks.evidence import export as export_evidence
from checks.i18n import LANGS, UserError, detect_lang
from checks.inventory import build_asset, merge, parse_file
from checks.lab import Lab
from checks.laws import cite
from checks.models import Asset, FindingRecord, FindingStatus, Lifecycle, ProbeOutcome, Severity
from checks.names import display_name, normalize_name
from checks.org_checklist import evaluate as org_evaluate
from checks.org_checklist import groups as org_groups
from checks.org_checklist import items as org_items
from checks.playbooks import auto_step_done, playbook_for
from checks.report import build_report, to_html, to_markdown
from checks.resolver import parse_nameserver
from checks.runner import Progress, run_async, run_sweep
from checks.store import Store, ts
from checks.sweep import ProbeConfig
from tui.render import safe, table

EXIT_OK, EXIT_FINDINGS, EXIT_ERROR = 0, 1, 2
SEVERITIES = [s.value for s in Severity]


def _t(lang: str, en: str, zh: str) -> str:
    return zh if lang == "zh" else en


def build_parser(lang: str = "en") -> argparse.ArgumentParser:
    """The argument parser, its help in `lang`; global options come before the command."""

    def t(en: str, zh: str) -> str:
        return _t(lang, en, zh)

    parser = argparse.ArgumentParser(
        prog="assetwatch",
        description=t(
            "Inventory, probe and fix your organisation's internet-facing assets.",
            "盘点、探测并整改本单位的互联网资产。",
        ),
    )
    parser.add_argument(
        "--db",
        help=t(
            "database file (default: $ASSETWATCH_DB or the user data dir)",
            "数据库文件（默认：$ASSETWATCH_DB 或用户数据目录）",
        ),
    )
    parser.add_argument(
        "--nameserver",
        action="append",
        default=[],
        metavar="HOST[:PORT]",
        help=t(
            "DNS server to ask (repeatable; default: the system's)",
            "使用的 DNS 服务器（可重复；默认：系统配置）",
        ),
    )
    parser.add_argument(
        "--ca-bundle",
        metavar="PEM",
        help=t("verify TLS against these CAs", "用这些 CA 证书校验 TLS"),
    )
    parser.add_argument(
        "--lang",
        choices=LANGS,
        help=t("zh or en (default: from the locale)", "zh 或 en（默认：随系统语言）"),
    )
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")

    add = sub.add_parser("add", help=t("add an asset", "添加资产"))
    add.add_argument("name", help=t("hostname, IP address or URL", "主机名、IP 地址或网址"))
    add.add_argument("--kind", default="", help="website, domain, oa, server, mail, other")
    add.add_argument("--owner", default="", help=t("who is responsible", "责任人"))
    add.add_argument("--status", default="active", help="active, retiring, retired")
    add.add_argument(
        "--url",
        action="append",
        default=[],
        help=t("URL to probe (repeatable)", "探测网址（可重复）"),
    )
    add.add_argument("--icp", default="", help=t("ICP filing number", "ICP 备案号"))
    add.add_argument(
        "--tag", action="append", default=[], help=t("tag (repeatable)", "标签（可重复）")
    )
    add.add_argument("--notes", default="", help=t("free text", "备注"))

    retire = sub.add_parser(
        "retire", help=t("start decommissioning an asset (retiring)", "开始资产下线流程")
    )
    retire.add_argument("name")

    dec = sub.add_parser(
        "decommission", help=t("an asset's decommission checklist", "查看资产下线清单")
    )
    dec.add_argument("name")
    dec.add_argument(
        "--attest", type=int, metavar="STEP", help=t("attest a manual step", "确认人工步骤")
    )
    dec.add_argument("--note", default="")
    dec.add_argument("--evidence", default="")

    lst = sub.add_parser("list", help=t("list the inventory", "列出资产清单"))
    lst.add_argument(
        "--json", action="store_true", help=t("one JSON object per line", "每行一个 JSON 对象")
    )

    imp = sub.add_parser(
        "import", help=t("import assets from CSV or JSON", "从 CSV 或 JSON 导入资产")
    )
    imp.add_argument("file", type=Path)

    scan = sub.add_parser(
        "scan",
        help=t("probe every asset once and report open findings", "探测全部资产一次并报告问题"),
    )
    _scan_options(scan, t)

    findings = sub.add_parser("findings", help=t("show stored findings", "查看已记录的问题"))
    findings.add_argument(
        "--json", action="store_true", help=t("one JSON object per line", "每行一个 JSON 对象")
    )
    findings.add_argument(
        "--severity", choices=SEVERITIES, default="info", help=t("minimum severity", "最低严重程度")
    )
    findings.add_argument(
        "--all", action="store_true", help=t("include resolved findings", "包括已解决的问题")
    )

    chk = sub.add_parser(
        "checks", help=t("list the checks; switch one off or on", "列出检查项；关闭或开启某项")
    )
    chk.add_argument(
        "--json", action="store_true", help=t("one JSON object per line", "每行一个 JSON 对象")
    )
    chk.add_argument("--disable", metavar="ID", help=t("switch this check off", "关闭此检查"))
    chk.add_argument(
        "--enable", metavar="ID", help=t("switch this check back on", "重新开启此检查")
    )
    chk.add_argument("--asset", metavar="NAME", help=t("only for this asset", "仅针对此资产"))
    chk.add_argument(
        "--reason", default="", help=t("why (required to disable)", "原因（关闭时必填）")
    )

    base = sub.add_parser(
        "baseline",
        help=t("accept an asset's current home page as its baseline", "将资产当前首页设为基线"),
    )
    base.add_argument("name")

    plan = sub.add_parser(
        "checklist", help=t("an asset's remediation checklists", "查看资产的整改清单")
    )
    plan.add_argument("name")

    att = sub.add_parser("attest", help=t("attest a manual step as done", "确认人工步骤已完成"))
    att.add_argument("name")
    att.add_argument("check", help=t("check id of the finding", "问题的检查项 id"))
    att.add_argument("step", type=int, help=t("step number, as `checklist` shows", "步骤编号"))
    att.add_argument("--note", default="", help=t("what was done", "处理说明"))
    att.add_argument("--evidence", default="", help=t("a file path or link", "证据文件路径或链接"))
    att.add_argument(
        "--who", default=None, help=t("who did it (default: you)", "执行人（默认当前用户）")
    )
    att.add_argument(
        "--subject",
        default="",
        help=t("for checks that fire per URL or port", "按网址或端口区分时使用"),
    )

    acc = sub.add_parser(
        "accept-risk", help=t("accept a finding's risk until a date", "在期限内接受某问题的风险")
    )
    acc.add_argument("name")
    acc.add_argument("check")
    acc.add_argument("--reason", required=True)
    acc.add_argument("--until", required=True, metavar="YYYY-MM-DD")
    acc.add_argument("--subject", default="")

    org = sub.add_parser(
        "org",
        help=t(
            "the organisation checklist (the regulator's seven demands)",
            "组织级整改清单（七项要求）",
        ),
    )
    org.add_argument(
        "--json", action="store_true", help=t("one JSON object per line", "每行一个 JSON 对象")
    )
    org.add_argument(
        "--attest", metavar="ITEM", help=t("attest an item as done", "确认某事项已完成")
    )
    org.add_argument("--note", default="")
    org.add_argument("--evidence", default="")

    rep = sub.add_parser("report", help=t("the rectification report", "生成整改报告"))
    rep.add_argument("--format", choices=("md", "html", "json"), default="md")
    rep.add_argument(
        "--lang", dest="report_lang", choices=LANGS, help=t("report language", "报告语言")
    )
    rep.add_argument(
        "--since",
        metavar="YYYY-MM-DD",
        help=t("start of the period (default: 30 days ago)", "报告期起始（默认 30 天前）"),
    )
    rep.add_argument("-o", "--output", type=Path, help=t("write to this file", "写入此文件"))

    evi = sub.add_parser(
        "evidence",
        help=t("save what the latest probe captured, with hashes", "保存最近一次探测的证据及哈希"),
    )
    evi.add_argument("name")
    evi.add_argument("-o", "--output", type=Path, required=True, help=t("folder", "目录"))

    demo = sub.add_parser(
        "demo",
        help=t(
            "start the loopback lab and try assetwatch on it", "启动本机实验环境并试用 assetwatch"
        ),
    )
    demo.add_argument(
        "--scan",
        action="store_true",
        help=t("sweep the lab headless and print findings", "无界面扫描实验环境并输出问题"),
    )
    _scan_options(demo, t)
    return parser


def _scan_options(p: argparse.ArgumentParser, t: Callable[[str, str], str]) -> None:
    p.add_argument(
        "--json",
        action="store_true",
        help=t("one JSON object per open finding per line", "每个未处理问题输出一行 JSON"),
    )
    p.add_argument(
        "--fail-on",
        choices=SEVERITIES,
        default="high",
        help=t(
            "exit 1 when an open finding is at or above this severity (default high)",
            "存在不低于此严重程度的未处理问题时退出码为 1（默认 high）",
        ),
    )
    p.add_argument(
        "--concurrency",
        type=int,
        default=64,
        help=t("assets probed at once (default 64)", "同时探测的资产数（默认 64）"),
    )
    p.add_argument(
        "--light",
        action="store_true",
        help=t(
            "skip the well-known sensitive paths (faster; their findings stay as they were)",
            "跳过敏感路径探测（更快；相关问题保持原状）",
        ),
    )
    p.add_argument(
        "--timeout",
        type=float,
        default=10.0,
        help=t("seconds per URL (default 10)", "每个网址的超时秒数（默认 10）"),
    )


def _lang_from_argv(argv: Sequence[str]) -> str:
    for i, arg in enumerate(argv):
        if arg == "--lang" and i + 1 < len(argv) and argv[i + 1] in LANGS:
            return argv[i + 1]
        if arg.startswith("--lang=") and arg[7:] in LANGS:
            return arg[7:]
    return detect_lang()


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point: parse, run the command, map errors to exit code 2."""
    argv = list(sys.argv[1:] if argv is None else argv)
    parser = build_parser(_lang_from_argv(argv))
    args = parser.parse_args(argv)
    args.lang = args.lang or detect_lang()
    try:
        return _dispatch(args)
    except UserError as exc:
        print(f"assetwatch: {exc.text(args.lang)}", file=sys.stderr)
        return EXIT_ERROR
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        # The reader went away (`| head`): stop quietly, as Unix tools do.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return EXIT_OK
    except Exception:
        # A bug must not look like "findings" (exit 1) to a cron job.
        traceback.print_exc()
        print(
            _t(
                args.lang,
                "assetwatch: internal error; please report it with the trace above",
                "assetwatch：内部错误，请附上面的错误信息报告",
            ),
            file=sys.stderr,
        )
        return EXIT_ERROR


def _dispatch(args: argparse.Namespace) -> int:
    if args.command is None:
        store = Store(args.db)
        try:
            _dashboard(args, store, probe_config(args))
        finally:
            store.close()
        return EXIT_OK
    if args.command == "demo":
        return _demo(args)
    commands: dict[str, Callable[[argparse.Namespace, Store], int]] = {
        "add": _add,
        "retire": _retire,
        "list": _list,
        "import": _import,
        "scan": _scan,
        "findings": _findings,
        "checks": _checks,
        "baseline": _baseline,
        "checklist": _checklist,
        "decommission": _decommission,
        "attest": _attest,
        "accept-risk": _accept_risk,
        "org": _org,
        "report": _report,
        "evidence": _evidence,
    }
    store = Store(args.db)
    try:
        return commands[args.command](args, store)
    finally:
        store.close()


def probe_config(
    args: argparse.Namespace, extra_nameservers: Sequence[tuple[str, int]] = ()
) -> ProbeConfig:
    """The ProbeConfig the global and scan options describe."""
    concurrency = getattr(args, "concurrency", 64)
    timeout = getattr(args, "timeout", 10.0)
    if concurrency < 1 or timeout <= 0:
        raise UserError(
            "--concurrency and --timeout must be positive", "--concurrency 和 --timeout 必须为正数"
        )
    return ProbeConfig(
        nameservers=(*extra_nameservers, *(parse_nameserver(n) for n in args.nameserver)),
        ca_bundle=args.ca_bundle,
        timeout=timeout,
        concurrency=concurrency,
        paths=not getattr(args, "light", False),
    )


def _dashboard(
    args: argparse.Namespace, store: Store, config: ProbeConfig, lab: Lab | None = None
) -> None:
    from tui.app import make_app  # only the dashboard pays for importing Textual

    explicit_lang = _lang_from_argv(sys.argv[1:]) if "--lang" in " ".join(sys.argv) else None
    make_app(store, config, lang=explicit_lang, lab=lab).run()


# -- inventory commands ---------------------------------------------------------------


def _add(args: argparse.Namespace, store: Store) -> int:
    name = normalize_name(args.name)
    asset = build_asset(
        {
            "name": name,
            "kind": args.kind,
            "owner": args.owner,
            "status": args.status,
            "url": list(args.url),
            "icp": args.icp,
            "tags": list(args.tag),
            "notes": args.notes,
        }
    )
    stored = store.add(asset)
    print(
        _t(
            args.lang,
            f"added {stored.display} ({stored.kind}, {stored.lifecycle})",
            f"已添加 {stored.display}（{stored.kind}，{stored.lifecycle}）",
        )
    )
    return EXIT_OK


def _retire(args: argparse.Namespace, store: Store) -> int:
    before = _asset_named(store, args.name)
    if before.lifecycle != Lifecycle.ACTIVE:
        print(
            _t(
                args.lang,
                f"{before.display} is already {before.lifecycle}",
                f"{before.display} 已处于 {before.lifecycle} 状态",
            )
        )
        return EXIT_OK
    asset = start_decommission(store, before)
    print(
        _t(
            args.lang,
            f"{asset.display} is retiring: work through `assetwatch decommission {args.name}`; "
            "it becomes retired once every step is done and verified",
            f"{asset.display} 进入下线流程：请按 `assetwatch decommission {args.name}` 逐项完成；"
            "全部完成并验证后转为已下线",
        )
    )
    return EXIT_OK


def _decommission(args: argparse.Namespace, store: Store) -> int:
    asset = _asset_named(store, args.name)
    if args.attest is not None:
        asset = attest_decommission(store, asset, args.attest - 1, args.note, args.evidence)
    if asset.lifecycle == Lifecycle.ACTIVE:
        raise UserError(
            f"{asset.display} is active; `assetwatch retire` starts the checklist",
            f"{asset.display} 在用；`assetwatch retire` 开始下线清单",
        )
    print(f"{asset.display}  [{asset.lifecycle}]")
    for s in decommission_steps(store, asset, store.clock()):
        kind = _t(args.lang, s.step.kind, "自动" if s.step.kind == "auto" else "人工")
        who = f"  {s.attestation['actor']} {s.attestation['at'][:10]}" if s.attestation else ""
        print(
            f"  {s.index + 1:>2}. [{'x' if s.done else ' '}] ({kind}) {s.step.text(args.lang)}{who}"
        )
    return EXIT_OK


def asset_json(asset: Asset) -> dict[str, Any]:
    """An asset as the `list --json` contract shows it."""
    return {
        "name": asset.display,
        "name_ascii": asset.name,
        "kind": str(asset.kind),
        "owner": asset.owner,
        "status": str(asset.lifecycle),
        "urls": list(asset.urls),
        "icp": asset.icp,
        "tags": list(asset.tags),
        "notes": asset.notes,
        "created_at": ts(asset.created_at) if asset.created_at else None,
        "retiring_at": ts(asset.retiring_at) if asset.retiring_at else None,
        "retired_at": ts(asset.retired_at) if asset.retired_at else None,
    }


def _json_line(data: dict[str, Any], out: TextIO) -> None:
    # C1 controls are legal in JSON but some terminals act on them: escape them too.
    text = json.dumps(data, ensure_ascii=False)
    out.write("".join(f"\\u{ord(c):04x}" if 0x7F <= ord(c) <= 0x9F else c for c in text) + "\n")


def _list(args: argparse.Namespace, store: Store) -> int:
    assets = store.assets()
    if args.json:
        for asset in assets:
            _json_line(asset_json(asset), sys.stdout)
        return EXIT_OK
    if not assets:
        print(
            _t(
                args.lang,
                "The inventory is empty: add assets with `assetwatch add` or `import`.",
                "资产清单为空：请用 `assetwatch add` 或 `import` 添加。",
            )
        )
        return EXIT_OK
    headers = [
        _t(args.lang, h, z)
        for h, z in [
            ("NAME", "名称"),
            ("KIND", "类型"),
            ("OWNER", "负责人"),
            ("STATUS", "状态"),
            ("ICP", "备案号"),
            ("URLS", "网址"),
        ]
    ]
    rows = [
        [a.display, a.kind, a.owner or "-", a.lifecycle, a.icp or "-", " ".join(a.urls) or "-"]
        for a in assets
    ]
    print(table(headers, rows, [40, 8, 16, 9, 22, 200]))
    return EXIT_OK


def _import(args: argparse.Namespace, store: Store) -> int:
    parsed = parse_file(args.file)
    new = 0
    for _line, asset, present in parsed.assets:
        _stored, created = store.save(
            merge(store.asset(asset.name), asset, present), source="import"
        )
        new += created
    for err in parsed.errors:
        print(
            _t(
                args.lang,
                f"{args.file}: line {err.line}: {err.error.en} (skipped)",
                f"{args.file}：第 {err.line} 行：{err.error.zh}（已跳过）",
            ),
            file=sys.stderr,
        )
    print(
        _t(
            args.lang,
            f"imported {len(parsed.assets)} rows: {new} new, {len(parsed.assets) - new} existing; "
            f"{len(parsed.errors)} skipped",
            f"已导入 {len(parsed.assets)} 行：新增 {new}，已有 {len(parsed.assets) - new}；"
            f"跳过 {len(parsed.errors)} 行",
        )
    )
    print(
        _t(
            args.lang,
            "Probe only assets your organisation owns or is authorised to test.",
            "请只探测本单位拥有或已获授权测试的资产。",
        ),
        file=sys.stderr,
    )
    return EXIT_FINDINGS if parsed.errors else EXIT_OK


# -- scanning and findings --------------------------------------------------------------


def finding_json(record: FindingRecord, lang: str) -> dict[str, Any]:
    """A finding as the `--json` contract shows it."""
    f = record.finding
    return {
        "asset": display_name(f.asset),
        "check": f.check,
        "severity": str(f.severity),
        "title": f.title(lang),
        "evidence": f.evidence,
        "first_seen": ts(record.first_seen),
        "last_seen": ts(record.last_seen),
        "status": str(record.status),
    }


def print_findings(records: list[FindingRecord], lang: str, as_json: bool, out: TextIO) -> None:
    """Findings as JSON lines, or as a table with the evidence under each row."""
    if as_json:
        for r in records:
            _json_line(finding_json(r, lang), out)
        return
    if not records:
        out.write(_t(lang, "No open findings.\n", "没有未处理的问题。\n"))
        return
    rows = [
        [
            r.finding.severity.upper(),
            display_name(r.finding.asset),
            r.finding.check,
            r.finding.title(lang),
        ]
        for r in records
    ]
    lines = []
    for row, r in zip(
        table(["", "", "", ""], rows, [8, 30, 26, 200]).splitlines()[1:], records, strict=True
    ):
        lines += [row, "    " + safe(r.finding.evidence)[:400]]
    out.write("\n".join(lines) + "\n")
    counts = {s: sum(1 for r in records if r.finding.severity == s) for s in Severity}
    summary = ", ".join(f"{n} {s}" for s, n in counts.items() if n)
    out.write(
        _t(
            lang,
            f"\n{len(records)} open findings: {summary}\n",
            f"\n共 {len(records)} 个未处理问题：{summary}\n",
        )
    )


def _progress_printer(
    lang: str,
) -> Callable[[list[tuple[ProbeOutcome, Any]], Progress], None] | None:
    if not sys.stderr.isatty():
        return None

    def show(_batch: list[tuple[ProbeOutcome, Any]], p: Progress) -> None:
        label = _t(lang, "probed", "已探测")
        sys.stderr.write(f"\r{label} {p.done}/{p.total}  {p.rate:.0f}/s ")
        sys.stderr.flush()

    return show


def _scan(args: argparse.Namespace, store: Store, config: ProbeConfig | None = None) -> int:
    config = config or probe_config(args)
    if not store.assets():
        print(
            _t(args.lang, "The inventory is empty: nothing to scan.", "资产清单为空，无可扫描。"),
            file=sys.stderr,
        )
    show = _progress_printer(args.lang)
    progress = run_async(run_sweep(store, config, on_batch=show))
    if show is not None:
        sys.stderr.write("\n")
    records = store.findings()
    print_findings(records, args.lang, args.json, sys.stdout)
    if not args.json:
        print(
            _t(
                args.lang,
                f"{progress.done} assets probed in {progress.elapsed_s:.1f} s",
                f"{progress.elapsed_s:.1f} 秒内探测了 {progress.done} 个资产",
            ),
            file=sys.stderr,
        )
    fail_on = Severity(args.fail_on)
    worst = max((r.finding.severity.rank for r in records), default=-1)
    return EXIT_FINDINGS if worst >= fail_on.rank else EXIT_OK


def _findings(args: argparse.Namespace, store: Store) -> int:
    records = store.findings(min_severity=Severity(args.severity), active_only=not args.all)
    print_findings(records, args.lang, args.json, sys.stdout)
    return EXIT_OK


def _asset_named(store: Store, name: str) -> Asset:
    asset = store.asset(normalize_name(name))
    if asset is None:
        raise UserError(f"no asset named {name}", f"没有名为 {name} 的资产")
    return asset


def _finding_of(store: Store, args: argparse.Namespace) -> FindingRecord:
    asset = _asset_named(store, args.name)
    record = store.finding(asset.name, args.check, args.subject)
    if record is None or record.id is None:
        raise UserError(
            f"{asset.display} has no {args.check} finding",
            f"{asset.display} 没有 {args.check} 问题",
        )
    return record


def _checklist(args: argparse.Namespace, store: Store) -> int:
    asset = _asset_named(store, args.name)
    outcome = store.latest_outcome(asset)
    records = [
        r
        for r in store.findings(asset_id=asset.id, active_only=False)
        if r.status != FindingStatus.RESOLVED
    ]
    if not records:
        print(_t(args.lang, "Nothing to fix.", "无需整改。"))
        return EXIT_OK
    firing = {r.finding.check for r in records if r.firing}
    for record in records:
        book = playbook_for(record.finding.check)
        assert record.id is not None
        done = store.attestations(record.id)
        print(f"{record.finding.check}  [{record.status}]  {record.finding.title(args.lang)}")
        for index, step in enumerate(book.steps if book else ()):
            if step.kind == "auto":
                ok = auto_step_done(step, record.finding.check, firing, outcome, store.clock())
                who = _t(args.lang, "verified" if ok else "not yet", "已验证" if ok else "未通过")
            else:
                ok = index in done
                who = f"{done[index]['actor']} {done[index]['at'][:10]}" if ok else ""
            kind = _t(args.lang, step.kind, "自动" if step.kind == "auto" else "人工")
            law = f" ({cite(step.law, args.lang)})" if step.law else ""
            mark = "x" if ok else " "
            print(f"  {index + 1:>2}. [{mark}] ({kind}) {step.text(args.lang)}{law}  {who}")
        print()
    return EXIT_OK


def _attest(args: argparse.Namespace, store: Store) -> int:
    record = _finding_of(store, args)
    assert record.id is not None
    status = store.attest(record.id, args.step - 1, args.note, args.evidence, args.who)
    print(
        _t(
            args.lang,
            f"step {args.step} attested; the finding is {status}",
            f"第 {args.step} 步已确认；该问题状态：{status}",
        )
    )
    return EXIT_OK


def _accept_risk(args: argparse.Namespace, store: Store) -> int:
    record = _finding_of(store, args)
    assert record.id is not None
    until = _date(args.until)
    status = store.accept_risk(record.id, args.reason, until)
    print(
        _t(
            args.lang,
            f"risk accepted until {args.until}; the finding is {status}",
            f"已接受风险至 {args.until}；该问题状态：{status}",
        )
    )
    return EXIT_OK


def _date(text: str) -> datetime:
    try:
        return datetime.fromisoformat(text).replace(tzinfo=UTC)
    except ValueError:
        raise UserError(
            f"bad date {text!r}; use YYYY-MM-DD", f"日期无效 {text!r}；请用 YYYY-MM-DD"
        ) from None


def _org(args: argparse.Namespace, store: Store) -> int:
    if args.attest:
        if args.attest not in {i.id for i in org_items()}:
            raise UserError(f"no checklist item {args.attest!r}", f"没有清单事项 {args.attest!r}")
        store.attest_org(args.attest, args.note, args.evidence)
    states = org_evaluate(store, store.clock())
    if args.json:
        for s in states:
            _json_line(
                {
                    "group": s.item.group,
                    "item": s.item.id,
                    "mode": s.item.mode,
                    "done": s.done,
                    "computed": s.computed,
                    "detail": s.detail,
                    "text": s.item.text(args.lang),
                    "attestation": s.attestation,
                },
                sys.stdout,
            )
        return EXIT_OK
    for gid, en, zh in org_groups():
        mine = [s for s in states if s.item.group == gid]
        print(f"{_t(args.lang, en, zh)}  {sum(s.done for s in mine)}/{len(mine)}")
        for s in mine:
            mode = _t(
                args.lang,
                s.item.mode,
                {"auto": "自动", "semi": "半自动", "manual": "人工"}[s.item.mode],
            )
            extra = s.detail or (
                f"{s.attestation['actor']} {s.attestation['at'][:10]}" if s.attestation else ""
            )
            mark = "x" if s.done else " "
            print(f"  [{mark}] {s.item.id} ({mode}) {s.item.text(args.lang)}  {extra}")
    return EXIT_OK


def _evidence(args: argparse.Namespace, store: Store) -> int:
    files = export_evidence(store, _asset_named(store, args.name), args.output)
    for path in files:
        print(path)
    return EXIT_OK


def _report(args: argparse.Namespace, store: Store) -> int:
    lang = args.report_lang or args.lang
    now = store.clock()
    since = _date(args.since) if args.since else now - timedelta(days=30)
    data = build_report(store, since, now, lang)
    if args.format == "json":
        text = json.dumps(data, ensure_ascii=False, indent=1) + "\n"
    elif args.format == "html":
        text = to_html(data)
    else:
        text = to_markdown(data)
    if args.output:
        try:
            args.output.write_text(text, encoding="utf-8")
        except OSError as exc:
            raise UserError(
                f"cannot write {args.output}: {exc.strerror}",
                f"无法写入 {args.output}：{exc.strerror}",
            ) from None
        print(
            _t(lang, f"report written to {args.output}", f"报告已写入 {args.output}"),
            file=sys.stderr,
        )
    else:
        sys.stdout.write(text)
    return EXIT_OK


def _baseline(args: argparse.Namespace, store: Store) -> int:
    asset = _asset_named(store, args.name)
    assert asset.id is not None
    outcome = store.latest_outcome(asset)
    page = baseline_from(outcome) if outcome else None
    if page is None:
        raise UserError(
            f"{asset.display} has no probed home page yet; run `assetwatch scan` first",
            f"{asset.display} 尚无已探测的首页；请先运行 `assetwatch scan`",
        )
    store.accept_baseline(asset.id, page)
    print(
        _t(
            args.lang,
            f"baseline of {asset.display} is now {page.url} «{safe(page.title)}»",
            f"{asset.display} 的基线已更新为 {page.url} «{safe(page.title)}»",
        )
    )
    return EXIT_OK


def _checks(args: argparse.Namespace, store: Store) -> int:
    asset_id = 0
    if args.asset:
        asset_id = _asset_named(store, args.asset).id or 0
    for check_id in filter(None, (args.disable, args.enable)):
        if check_id not in BY_ID:
            raise UserError(
                f"unknown check {check_id!r}; see `assetwatch checks`",
                f"未知检查项 {check_id!r}；请查看 `assetwatch checks`",
            )
    if args.disable:
        store.disable_check(args.disable, args.reason, asset_id or None)
    if args.enable:
        store.enable_check(args.enable, asset_id or None)
    off = store.disabled_checks()
    names = {a.id: a.display for a in store.assets()}
    rows = []
    for spec in CATALOG:
        where = sorted(names.get(a, str(a)) for (c, a) in off if c == spec.id and a)
        state = "off" if (spec.id, 0) in off else (f"off for {', '.join(where)}" if where else "on")
        if args.json:
            _json_line(
                {
                    "check": spec.id,
                    "severity": str(spec.severity),
                    "title": spec.title(args.lang),
                    "state": state,
                    "reason": off.get((spec.id, 0), ""),
                },
                sys.stdout,
            )
        rows.append([spec.id, str(spec.severity), state, spec.title(args.lang)])
    if not args.json:
        headers = [
            _t(args.lang, h, z)
            for h, z in [
                ("CHECK", "检查项"),
                ("SEVERITY", "级别"),
                ("STATE", "状态"),
                ("TITLE", "标题"),
            ]
        ]
        print(table(headers, rows, [26, 8, 24, 200]))
    return EXIT_OK


def _demo(args: argparse.Namespace) -> int:
    with ExitStack() as stack:
        lab = stack.enter_context(Lab())
        folder = stack.enter_context(tempfile.TemporaryDirectory(prefix="assetwatch-demo-"))
        store = Store(args.db or Path(folder) / "demo.db")
        stack.callback(store.close)
        lab.seed(store)
        args.ca_bundle = args.ca_bundle or lab.ca_pem
        config = replace(
            probe_config(args, [lab.nameserver]), port_map=lab.port_map(), axfr_port=lab.dns_port
        )
        if args.scan or args.json:
            return _scan(args, store, config)
        store.set_setting(
            "org_name", _t(args.lang, "Shili Tech (demo lab)", "示例科技（演示环境）")
        )
        _dashboard(args, store, config, lab)
        return EXIT_OK
    return EXIT_ERROR


if __name__ == "__main__":
    sys.exit(main())
