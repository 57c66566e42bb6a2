"""The 整改报告 over 10,000 assets and 180 days of history, beside a bare read of the same rows.

    python bench/report.py [--assets 10000] [--days 180] [--formats md,html,json]

The database is built through the store's own code: assets saved with `save_many`, findings
raised by recorded probes (`probes.record`, reconciliation as a sweep does it), manual steps
attested and risks accepted with the store's methods, a sweep logged every 15 minutes for the
whole period (17,280 audit events for 180 days). What the report reads is all there: the audit
log of the period, every finding with its history, each asset's latest probe. (Probe history
itself is not read by the report; bench/history.py measures writing it.)

Prints the time and peak memory (tracemalloc) of `build_report` and of each renderer, beside a
baseline that only SELECTs the same findings, assets and events. The goal: under 5 s.
"""

from __future__ import annotations

import argparse
import random
import sqlite3
import sys
import tempfile
import time
import tracemalloc
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from checks.knowledge.playbooks import playbook_for  # noqa: E402
from checks.model import (  # noqa: E402
    Asset,
    DnsAnswer,
    DnsStatus,
    Finding,
    Kind,
    Lifecycle,
    ProbeOutcome,
    Severity,
)
from checks.store import Store  # noqa: E402

OWNERS = [f"部门{i} 员工{i}" for i in range(20)] + [""]
CHECKS = [
    ("tls-expiring", Severity.MEDIUM, "TLS certificate expires soon", "TLS 证书即将过期", ""),
    ("outdated-software", Severity.HIGH, "Outdated software", "软件版本过旧", ""),
    ("missing-security-headers", Severity.LOW, "Security headers missing", "缺少安全响应头", ""),
    (
        "sensitive-file-exposed",
        Severity.HIGH,
        "Sensitive file exposed",
        "敏感文件可被下载",
        "/.env",
    ),
]
RETIRED = (
    "retired-still-serving",
    Severity.CRITICAL,
    "Retired asset still serves",
    "已下线资产仍在提供网页服务",
    "",
)


class Clock:
    """A clock the bench moves."""

    def __init__(self, now: datetime) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return self.now


def _fired(asset: Asset, rng: random.Random) -> list[Finding]:
    if asset.lifecycle == Lifecycle.RETIRED:
        picks = [RETIRED]
    else:
        picks = rng.sample(CHECKS, rng.choice((0, 1, 2, 2, 3)))
    return [
        Finding(asset.name, c, s, en, zh, f"url=https://{asset.name}/ seen=1", subject)
        for c, s, en, zh, subject in picks
    ]


def _outcome(asset: Asset, at: datetime) -> ProbeOutcome:
    return ProbeOutcome(asset, at, at, DnsAnswer(asset.name, DnsStatus.ANSWER, ("192.0.2.1",)))


def build(path: Path, n_assets: int, days: int, now: datetime) -> Store:
    """The database: assets, findings raised over the period, fixes attested, sweeps logged."""
    rng = random.Random(13)
    start = now - timedelta(days=days)
    clock = Clock(start)
    store = Store(path, clock=clock)
    kinds = [Kind.WEBSITE] * 6 + [Kind.DOMAIN, Kind.OA, Kind.SERVER, Kind.MAIL]
    wanted = [
        Asset(
            f"site{i}.example{i % 97}.test",
            kind=rng.choice(kinds),
            owner=rng.choice(OWNERS),
            lifecycle=Lifecycle.RETIRED if i % 20 == 0 else Lifecycle.ACTIVE,
        )
        for i in range(n_assets)
    ]
    store.assets.save_many([(a, None) for a in wanted], who="bench", source="bench")
    assets = store.assets.all()
    fired = {a.name: _fired(a, rng) for a in assets}
    # Findings first seen over the period: a slice of the inventory each day.
    order = list(assets)
    rng.shuffle(order)
    per_day = max(1, len(order) // days)
    for day in range(days):
        clock.now = start + timedelta(days=day, hours=1)
        batch = [(_outcome(a, clock.now), fired[a.name]) for a in order[day * per_day :][:per_day]]
        if day == days - 1:
            batch = [(_outcome(a, clock.now), fired[a.name]) for a in order[day * per_day :]]
        for chunk in range(0, len(batch), 500):
            store.probes.record(batch[chunk : chunk + 500])
    # One asset in ten fixed: manual steps attested, then a probe where nothing fires.
    clock.now = now - timedelta(days=10)
    fixed = [a for a in order[: len(order) // 10] if fired[a.name]]
    for asset in fixed:
        for record in store.findings.query(asset_id=asset.id, active_only=False):
            book = playbook_for(record.finding.check)
            for step in book.manual if book else []:
                assert record.id is not None
                store.findings.attest(record.id, step, note="已处理", evidence="https://wiki/x")
    clock.now = now - timedelta(days=9)
    for chunk in range(0, len(fixed), 500):
        store.probes.record([(_outcome(a, clock.now), []) for a in fixed[chunk : chunk + 500]])
    # Some risks accepted, and a sweep every 15 minutes for the whole period.
    clock.now = now - timedelta(days=5)
    headers = [r for r in store.findings.query() if r.finding.check == "missing-security-headers"]
    for record in headers[:200]:
        assert record.id is not None
        store.findings.accept_risk(record.id, "vendor", now + timedelta(days=90), who="bench")
    with store.atomic():
        for slot in range(days * 96):
            clock.now = start + timedelta(minutes=15 * slot)
            full = slot % 96 == 0
            store.audit.log(
                "sweep", None, assets=len(assets), seconds=60.0, light=not full, unobserved=0
            )
    clock.now = now
    return store


def measure(label: str, fn: Callable[[], Any], baseline: float | None = None) -> Any:
    """Run `fn` twice (timed, then traced), print its time and peak memory; returns its result."""
    started = time.perf_counter()
    result = fn()
    spent = time.perf_counter() - started
    del result
    tracemalloc.start()  # a second run for memory: tracing slows Python down several times
    result = fn()
    peak = tracemalloc.get_traced_memory()[1] / 2**20
    tracemalloc.stop()
    ratio = f"  ({spent / baseline:.1f}× the bare read)" if baseline else ""
    print(f"{label:<34} {spent:7.2f} s  peak {peak:7.1f} MiB{ratio}", flush=True)
    return result, spent


def bare(path: Path) -> int:
    """The baseline: the same findings, assets and events read by plain SELECTs."""
    conn = sqlite3.connect(path)
    rows = conn.execute(
        "SELECT f.*, a.name, a.owner, a.kind, a.lifecycle FROM findings f "
        "JOIN assets a ON a.id = f.asset_id"
    ).fetchall()
    rows += conn.execute("SELECT * FROM events").fetchall()
    rows += conn.execute("SELECT * FROM assets").fetchall()
    conn.close()
    return len(rows)


def main() -> None:
    """Build, then measure the bare read, the report and its renderers."""
    parser = argparse.ArgumentParser()
    parser.add_argument("--assets", type=int, default=10000)
    parser.add_argument("--days", type=int, default=180)
    parser.add_argument("--formats", default="md,html,json", help="also docx,xlsx")
    args = parser.parse_args()
    from checks.report.html import to_html
    from checks.report.markdown import to_markdown
    from checks.service.reports import build_report
    from checks.text import json_text

    now = datetime(2026, 12, 1, 8, 0, tzinfo=UTC)
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "report.db"
        started = time.perf_counter()
        store = build(path, args.assets, args.days, now)
        conn = sqlite3.connect(path)
        counts = {
            t: conn.execute(f"SELECT count(*) FROM {t}").fetchone()[0]
            for t in ("assets", "findings", "attestations", "events")
        }
        conn.close()
        print(f"built in {time.perf_counter() - started:.0f} s: {counts}", flush=True)
        _, base = measure("bare SELECT of the same rows", lambda: bare(path))
        since = now - timedelta(days=args.days)
        report, _ = measure(
            "build_report (zh, 180 days)",
            lambda: build_report(store, since, now, "zh"),
            base,
        )
        print(f"  {len(report['problems']):,} problems, {len(report['attestations']):,} records")
        renderers: dict[str, Callable[[], Any]] = {
            "md": lambda: to_markdown(report),
            "html": lambda: to_html(report),
            "json": lambda: json_text(report, indent=1),
        }
        if "docx" in args.formats:
            from checks.report.docx_doc import to_docx

            renderers["docx"] = lambda: to_docx(report)
        if "xlsx" in args.formats:
            from checks.report.xlsx_sheet import to_xlsx

            renderers["xlsx"] = lambda: to_xlsx(report)
        for fmt in args.formats.split(","):
            if fmt in renderers:
                out, _ = measure(f"render {fmt}", renderers[fmt])
                print(f"  {len(out) / 2**20:,.1f} MiB")
        store.close()


if __name__ == "__main__":
    main()
