"""What alerts cost: recording probes with the outbox, composing digests, delivering them.

    python bench/alerts.py [--assets 2000] [--findings 5] [--channels 4] [--events 500]

1. `Probes.record` of N assets × F findings, a first sweep (every finding opened) and a second
   (every finding seen again), with no channel (nothing goes to the outbox) and with C channels
   (an event and C deliveries per opened finding): the outbox's share of a sweep's writes.
2. Composing one digest of E events for each channel kind, beside a bare json.dumps of the
   same events (the floor of any serialisation).
3. One delivery pass of a digest to C lab robots over loopback (signing included), beside a bare
   httpx POST of the same body to the same robot.

Figures, not a timed test; the machine is shared, so run it twice.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("ASSETWATCH_EVENT_LOOP", "asyncio")

import httpx  # noqa: E402

from checks.alerting import Channel, ChannelKind, Rules  # noqa: E402
from checks.lab.robots import RobotLab  # noqa: E402
from checks.model import (  # noqa: E402
    Asset,
    DnsAnswer,
    DnsStatus,
    Finding,
    ProbeOutcome,
    Severity,
    utcnow,
)
from checks.report import alerts as compose  # noqa: E402
from checks.service import alerts  # noqa: E402
from checks.store import Store  # noqa: E402
from checks.workflow.events import worst_first  # noqa: E402

CHECKS = ["tls-expired", "http-down", "missing-security-headers", "insecure-cookie", "seo-spam"]
SEVERITIES = [Severity.HIGH, Severity.MEDIUM, Severity.LOW, Severity.MEDIUM, Severity.CRITICAL]


def batch(assets: list[Asset], findings: int) -> list[tuple[ProbeOutcome, list[Finding]]]:
    now = utcnow()
    out = []
    for a in assets:
        outcome = ProbeOutcome(a, now, now, DnsAnswer(a.name, DnsStatus.ANSWER, ("127.0.0.1",)))
        found = [
            Finding(a.name, CHECKS[i % 5], SEVERITIES[i % 5], "t", "标题", "e", str(i))
            for i in range(findings)
        ]
        out.append((outcome, found))
    return out


def record_s(n: int, findings: int, channels: int) -> tuple[float, float, int]:
    """(first sweep s, second sweep s, outbox events) for n assets."""
    with tempfile.TemporaryDirectory() as folder:
        store = Store(Path(folder) / "aw.db")
        for i in range(channels):
            rules = Rules(min_severity=Severity.INFO)
            store.channels.save(
                Channel(f"c{i}", ChannelKind.WEBHOOK, "http://127.0.0.1:9/", rules=rules)
            )
        store.assets.save_many([(Asset(f"h{i}.example.test"), None) for i in range(n)])
        assets = store.assets.all()
        times = []
        for _ in range(2):
            work = batch(assets, findings)
            start = time.perf_counter()
            for chunk in range(0, len(work), 200):
                store.probes.record(work[chunk : chunk + 200])
            times.append(time.perf_counter() - start)
        events = len(store.outbox.events())
        store.close()
    return times[0], times[1], events


def compose_ms(events: int) -> dict[str, float]:
    with tempfile.TemporaryDirectory() as folder:
        store = Store(Path(folder) / "aw.db")
        store.channels.save(
            Channel(
                "c",
                ChannelKind.WEBHOOK,
                "http://127.0.0.1:9/",
                rules=Rules(min_severity=Severity.INFO),
            )
        )
        store.assets.save_many([(Asset(f"h{i}.example.test"), None) for i in range(events)])
        store.probes.record(batch(store.assets.all(), 1))
        evs = worst_first(store.outbox.events())
        store.close()
    digest = compose.Digest(evs, "zh")
    shapes = {
        "dingtalk": lambda: compose.dingtalk(digest),
        "wecom": lambda: compose.wecom(digest),
        "feishu": lambda: compose.feishu(digest),
        "email": lambda: compose.email(digest),
        "webhook": lambda: compose.webhook(digest, "id", "c"),
        "bare json.dumps": lambda: json.dumps([e.__repr__() for e in evs]),
    }
    result = {}
    for name, fn in shapes.items():
        runs = []
        for _ in range(5):
            start = time.perf_counter()
            fn()
            runs.append((time.perf_counter() - start) * 1000)
        result[name] = statistics.median(runs)
    return result


def deliver_ms(channels: int, events: int) -> tuple[float, float]:
    """(ms of one delivery pass to `channels` robots, ms of bare POSTs of the same bodies)."""
    with RobotLab() as robots, tempfile.TemporaryDirectory() as folder:
        store = Store(Path(folder) / "aw.db")
        made = []
        kinds = ["dingtalk", "feishu", "webhook", "wecom"]
        for i in range(channels):
            kind = kinds[i % 4]
            robot = robots.add(kind, "" if kind == "wecom" else f"secret-{i}-0123456789")
            made.append(robot)
            store.channels.save(
                Channel(
                    f"c{i}",
                    ChannelKind(kind),
                    robot.url,
                    robot.secret,
                    Rules(min_severity=Severity.INFO),
                )
            )
        store.assets.save_many([(Asset(f"h{i}.example.test"), None) for i in range(events)])
        store.probes.record(batch(store.assets.all(), 1))
        start = time.perf_counter()
        report = asyncio.run(alerts.deliver(store))
        pass_ms = (time.perf_counter() - start) * 1000
        assert report.sent == channels, report
        bodies = [(r.url, json.dumps(r.received[0].body).encode()) for r in made]

        async def bare() -> float:
            async with httpx.AsyncClient() as client:
                t = time.perf_counter()
                for url, body in bodies:
                    await client.post(url, content=body)
                return (time.perf_counter() - t) * 1000

        bare_ms = asyncio.run(bare())
        store.close()
    return pass_ms, bare_ms


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--assets", type=int, default=2000)
    parser.add_argument("--findings", type=int, default=5)
    parser.add_argument("--channels", type=int, default=4)
    parser.add_argument("--events", type=int, default=500)
    args = parser.parse_args()
    print(f"record {args.assets} assets × {args.findings} findings (batches of 200):")
    for channels in (0, args.channels):
        first, second, events = record_s(args.assets, args.findings, channels)
        print(
            f"  {channels} channel(s): first sweep {first:.2f} s, second {second:.2f} s, "
            f"{events} outbox events"
        )
    print(f"compose one digest of {args.events} events (median of 5, ms):")
    for name, ms in compose_ms(args.events).items():
        print(f"  {name:16} {ms:7.2f}")
    pass_ms, bare = deliver_ms(args.channels, args.events)
    print(
        f"deliver that digest to {args.channels} lab robots: one pass {pass_ms:.0f} ms "
        f"(bare httpx POSTs of the same bodies: {bare:.0f} ms)"
    )


if __name__ == "__main__":
    main()
