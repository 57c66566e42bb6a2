"""How long and how much memory reading a large certificate-transparency answer takes.

    .venv/bin/python bench/ct.py [--entries 50000]

Builds a crt.sh-style JSON answer of N certificates (two names each) and reads it with
`checks.registry.ct.ct_names` (one object at a time, names capped), beside the bare baseline
`json.loads` of the same text (every certificate decoded into a list at once). Prints wall
time (a plain run) and peak Python memory (a second run under tracemalloc) of each.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
import tracemalloc
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from checks.registry.ct import ct_names  # noqa: E402


def answer(count: int) -> str:
    return json.dumps(
        [
            {
                "issuer_ca_id": 1,
                "issuer_name": "C=US, O=Let's Encrypt, CN=R11",
                "common_name": f"h{i}.big.example.cn",
                "name_value": f"h{i}.big.example.cn\n*.h{i}.big.example.cn",
                "id": 10_000_000 + i,
                "entry_timestamp": "2026-01-01T00:00:00.123",
                "not_before": "2026-01-01T00:00:00",
                "not_after": "2026-04-01T00:00:00",
                "serial_number": f"{i:032x}",
            }
            for i in range(count)
        ]
    )


def measure(label: str, work) -> None:  # type: ignore[no-untyped-def]
    """Wall time of a plain run, then peak memory of a run under tracemalloc (which is slower)."""
    started = time.perf_counter()
    result = work()
    elapsed = time.perf_counter() - started
    tracemalloc.start()
    work()
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    print(f"{label:<34} {elapsed:6.2f} s  peak {peak / 2**20:6.1f} MiB  {result}")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--entries", type=int, default=50_000)
    args = parser.parse_args()
    text = answer(args.entries)
    print(f"answer: {args.entries} certificates, {len(text) / 2**20:.1f} MiB of JSON")
    measure("baseline: json.loads", lambda: f"{len(json.loads(text))} objects")
    measure(
        "ct_names (capped at 5,000 names)",
        lambda: (lambda r: f"{r.entries} read, {len(r.names)} names, truncated={r.truncated}")(
            ct_names(text, "example.cn")
        ),
    )
    measure(
        "ct_names (uncapped)",
        lambda: (lambda r: f"{r.entries} read, {len(r.names)} names")(
            ct_names(text, "example.cn", max_names=10**9)
        ),
    )


if __name__ == "__main__":
    main()
