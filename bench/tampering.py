"""Precision and recall of seo-spam and injected-script on the tampering corpus, and their CPU.

    python bench/tampering.py [--seed 10] [--per-technique 60] [--runs 3]

The corpus (tests/tampering/) applies every technique and every hard negative to clean pages
of shared/corpus/clean/; the 82 clean pages are evaluated too. Prints recall per technique,
false positives per hard negative, precision and recall per check, the misses, and CPU time
per page evaluation (both checks, caches cleared) beside a bare html.parser pass over the
same page, as median, p95 and max, and for the largest page. Figures, not a timed test.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from collections import defaultdict
from html.parser import HTMLParser
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from checks.model import utcnow  # noqa: E402
from checks.rules import RuleContext  # noqa: E402
from checks.rules.compromise import injected_script, seo_spam  # noqa: E402
from checks.rules.compromise.page import page_view  # noqa: E402
from checks.rules.compromise.scan import scan_page  # noqa: E402
from checks.service.pages import page_outcome  # noqa: E402
from tests.tampering import CHECKS, Sample, build, clean_pages  # noqa: E402

NOW = utcnow()


def fired(sample: Sample) -> set[str]:
    """The compromise checks that fire on a sample."""
    outcome = page_outcome(sample.page.encode("utf-8"), sample.url, now=NOW)
    ctx = RuleContext(NOW)
    return {f.check for rule in (seo_spam, injected_script) for f in rule(outcome, ctx)}


def cpu_ms(sample: Sample) -> tuple[float, float]:
    """(CPU ms of both checks on the page with cold caches, CPU ms of a bare html.parser pass)."""
    outcome = page_outcome(sample.page.encode("utf-8"), sample.url, now=NOW)
    ctx = RuleContext(NOW)
    scan_page.cache_clear()
    page_view.cache_clear()
    start = time.process_time()
    seo_spam(outcome, ctx)
    injected_script(outcome, ctx)
    checks = time.process_time() - start
    start = time.process_time()
    parser = HTMLParser()
    parser.feed(outcome.http[0].body.decode("utf-8", "replace"))
    parser.close()
    return checks * 1000, (time.process_time() - start) * 1000


def _ratio(a: int, b: int) -> str:
    return f"{a / b:.3f}" if b else "  -  "


def report_quality(samples: list[Sample]) -> None:
    """Recall per technique, false positives per negative, precision/recall per check."""
    by_name: dict[str, list[tuple[Sample, set[str]]]] = defaultdict(list)
    for sample in samples:
        by_name[sample.technique].append((sample, fired(sample)))
    tp = dict.fromkeys(CHECKS, 0)
    fp = dict.fromkeys(CHECKS, 0)
    fn = dict.fromkeys(CHECKS, 0)
    misses = []
    print(f"{'technique / negative':32} {'n':>4} {'check':26} {'recall':>7} {'other fired':>12}")
    for name, results in by_name.items():
        wanted = results[0][0].expected
        expected = " + ".join(sorted(wanted))
        hits = sum(1 for s, f in results if wanted and wanted <= f)
        others = sum(1 for s, f in results if f - s.expected)
        for sample, found in results:
            for check in CHECKS:
                tp[check] += check in found and check in sample.expected
                fp[check] += check in found and check not in sample.expected
                fn[check] += check not in found and check in sample.expected
            if sample.expected - found:
                misses.append(f"{name} on {sample.base}")
        recall = _ratio(hits, len(results)) if expected else "  -  "
        print(
            f"{name:32} {len(results):4} {expected or '(none may fire)':26} {recall:>7} {others:12}"
        )
    print()
    for check in CHECKS:
        print(
            f"{check:16} precision {_ratio(tp[check], tp[check] + fp[check])}"
            f"  recall {_ratio(tp[check], tp[check] + fn[check])}"
            f"  (tp {tp[check]}, fp {fp[check]}, fn {fn[check]})"
        )
    if misses:
        print(f"\nmissed ({len(misses)}): " + "; ".join(misses[:40]))


def report_cpu(samples: list[Sample], runs: int) -> None:
    """CPU per page evaluation, median of `runs`, beside a bare parse."""
    cpu_ms(samples[0])  # load the Public Suffix List and compile the matchers first
    rows = []
    for sample in samples:
        times = [cpu_ms(sample) for _ in range(runs)]
        rows.append(
            (
                statistics.median(t[0] for t in times),
                statistics.median(t[1] for t in times),
                len(sample.page),
                sample,
            )
        )
    checks = sorted(r[0] for r in rows)
    bare = sorted(r[1] for r in rows)

    def line(label: str, values: list[float]) -> str:
        p95 = values[min(len(values) - 1, int(len(values) * 0.95))]
        return (
            f"{label:28} median {statistics.median(values):6.2f}  p95 {p95:6.2f}"
            f"  max {values[-1]:6.2f} ms"
        )

    print(f"\nCPU per page evaluation over {len(rows)} pages ({runs} runs each, median kept):")
    print(line("seo-spam + injected-script", checks))
    print(line("bare html.parser pass", bare))
    largest = max(rows, key=lambda r: r[2])
    print(
        f"largest page ({largest[3].base}, {largest[2] // 1024} KiB, {largest[3].technique}):"
        f" checks {largest[0]:.2f} ms, bare parse {largest[1]:.2f} ms"
    )
    slowest = max(rows, key=lambda r: r[0])
    print(f"slowest page: {slowest[3].base} ({slowest[3].technique}) {slowest[0]:.2f} ms")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--seed", type=int, default=10)
    parser.add_argument("--per-technique", type=int, default=60)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    print(
        f"load average {os.getloadavg()[0]:.2f} {os.getloadavg()[1]:.2f} on {os.cpu_count()} cores"
    )
    clean = [Sample("clean-corpus-page", stem, frozenset(), text) for stem, text in clean_pages()]
    samples = build(args.seed, args.per_technique) + clean
    report_quality(samples)
    report_cpu(samples, args.runs)


if __name__ == "__main__":
    main()
