"""The dictionary stored outcomes are compressed with, and what it saves.

    python bench/zdict.py            # figures: plain zlib against zlib with the dictionary
    python bench/zdict.py --write    # (re)build checks/data/outcome-1.zdict -- never for a
                                     # shipped one: rows written with it need it to be read

zlib's preset dictionary holds what every stored outcome repeats (keys, header names,
well-known paths, certificate fields), so a row of one asset compresses about as well as
if many rows were compressed together. The dictionary is built from the demo lab's recorded
outcomes with the lab's names replaced by example.com; rows carry its Adler-32, so a later
dictionary can sit beside this one.
"""

from __future__ import annotations

import argparse
import re
import sqlite3
import statistics
import zlib
from dataclasses import replace
from pathlib import Path

from checks.model import Asset
from checks.probe.prober import LIGHT_SKIPS
from checks.store.codec import ZDICT_PATH, outcome_from_json, outcome_to_json, pack

RECORDED = Path(__file__).resolve().parent.parent / "tests" / "data" / "lab-sweep.sql"
LAB_NAMES = re.compile(r"[a-z0-9.-]*(shili-tech|yuanqu-park|renli-hr|wuye-pm|lab-edge)\.test")


def recorded() -> dict[str, str]:
    """The lab's recorded outcomes in today's stored form, by asset name."""
    conn = sqlite3.connect(":memory:")
    conn.executescript(RECORDED.read_text(encoding="utf-8"))
    rows = conn.execute("SELECT a.name, p.data FROM probes p JOIN assets a ON a.id = p.asset_id")
    return {name: outcome_to_json(outcome_from_json(Asset(name), data)) for name, data in rows}


def build(outcomes: dict[str, str]) -> bytes:
    """A server, a domain, a full website probe, then a light one (zlib prefers what is last)."""
    full = outcome_from_json(Asset("www"), outcomes["www.shili-tech.test"])
    light = replace(full, paths=(), spider=None, scripts=(), skipped=LIGHT_SKIPS)
    parts = [
        outcomes["db.yuanqu-park.test"],
        outcomes["shili-tech.test"],
        outcome_to_json(full),
        outcome_to_json(light),
    ]
    text = "\n".join(parts)
    text = LAB_NAMES.sub(lambda m: m.group(0).split(m.group(1))[0] + "example.com", text)
    return text.encode()[-32768:]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--write", action="store_true", help="rebuild the shipped dictionary")
    args = parser.parse_args()
    outcomes = recorded()
    if args.write:
        ZDICT_PATH.write_bytes(build(outcomes))
        print(f"wrote {ZDICT_PATH} ({ZDICT_PATH.stat().st_size:,} bytes)")
    texts = list(outcomes.values())
    plain = [len(zlib.compress(t.encode(), 6)) for t in texts]
    packed = [len(pack(t)) for t in texts]
    print(f"{len(texts)} recorded outcomes, JSON {statistics.mean(len(t) for t in texts):,.0f} B")
    print(f"zlib alone       {statistics.mean(plain):7,.0f} B a row")
    print(f"with dictionary  {statistics.mean(packed):7,.0f} B a row")


if __name__ == "__main__":
    main()
