"""Record one sweep of the demo lab into tests/data/lab-sweep.sql, for deterministic screens.

    python tests/record_lab_sweep.py

The lab listens on random ports and answers in varying time; the recording replaces
the ports with 8080 (HTTP), 8443 (HTTPS), 9 (closed) and 8090 (RDAP) and response times with fixed
numbers, and stamps every time with the tests' fixed clock. Rerun it when the schema,
the checks or the lab's sites change.
"""

from __future__ import annotations

import asyncio
import re
import sqlite3
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from checks.lab import Lab  # noqa: E402
from checks.service.sweeps import run_sweep  # noqa: E402
from checks.store import Store  # noqa: E402
from tests.conftest import FIXED_NOW, FixedClock  # noqa: E402

OUT = ROOT / "tests" / "data" / "lab-sweep.sql"


def main() -> None:
    with Lab() as lab, tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "rec.db"
        store = Store(path, clock=FixedClock(FIXED_NOW))
        lab.seed(store)
        store.settings.set("org_name", "示例科技", who="admin")
        asyncio.run(run_sweep(store, lab.probe_config()))
        store.close()
        conn = sqlite3.connect(path)
        ports = {lab.ports.http: 8080, lab.ports.https: 8443, lab.ports.closed: 9}
        ports[lab.ports.registry] = 8090  # the lab's RDAP server, in registration sources
        for table, column in (
            ("assets", "urls"),
            ("probes", "data"),
            ("findings", "evidence"),
            ("registrations", "data"),
            ("discovered", "how"),
        ):
            for old, new in ports.items():
                conn.execute(
                    f"UPDATE {table} SET {column} = replace({column}, ':{old}/', ':{new}/')"
                )
        conn.execute(
            "UPDATE probes SET response_ms = 20 + (asset_id * 7) % 90 WHERE response_ms IS NOT NULL"
        )
        conn.execute("UPDATE events SET at = ?", [FIXED_NOW.isoformat(timespec="seconds")])
        conn.execute("UPDATE _sqlite_migrations SET applied_at = ?", [str(FIXED_NOW)])
        conn.commit()
        dump = "\n".join(conn.iterdump()) + "\n"
        dump = re.sub(r'"elapsed_ms": [0-9.]+', '"elapsed_ms": 42.0', dump)
        OUT.write_text(dump, encoding="utf-8")
        conn.close()
    print(f"wrote {OUT}")


if __name__ == "__main__":
    main()
