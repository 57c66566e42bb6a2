"""Workers on one PostgreSQL queue, for real: processes that probe the loopback lab, one killed."""

from __future__ import annotations

import json
import signal
import subprocess
import sys
import time

import psycopg
import pytest

from checks.service.workers import due_slot
from checks.store import Store
from tui.cli import main

WORKER = """
import json, sys
from checks.service import workers
from checks.service.sweeps import ProbeOverrides, run_async
spec = json.loads(sys.argv[2])
overrides = ProbeOverrides(
    nameservers=tuple(tuple(n) for n in spec["nameservers"]), ca_bundle=spec["ca_bundle"],
    timeout=spec["timeout"], light=True, location=spec["location"],
    lab={"port_map": tuple(tuple(p) for p in spec["port_map"]),
         "axfr_port": spec["axfr_port"]},
)
run_async(workers.run_worker(workers.WorkerOptions(
    url=sys.argv[1], location=spec["location"], overrides=overrides, concurrency=2,
    until_idle=True, schedule_s=0.5, heartbeat_s=0.5, stalled_s=3.0,
)))
"""


def _worker(url, lab, location=""):
    overrides = lab.overrides()
    spec = {
        "nameservers": overrides.nameservers,
        "ca_bundle": overrides.ca_bundle,
        "timeout": 5,
        "port_map": overrides.lab["port_map"],
        "axfr_port": overrides.lab["axfr_port"],
        "location": location,
    }
    return subprocess.Popen(
        [sys.executable, "-c", WORKER, url, json.dumps(spec)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def _runs(store):
    return store.db.execute(
        "SELECT asset_id, due_at, location, count(*) FROM probe_runs "
        "GROUP BY asset_id, due_at, location"
    ).fetchall()


@pytest.fixture
def seeded(pg, lab):
    url = pg.fresh_database(f"w{time.monotonic_ns()}")
    store = Store(url)
    lab.seed(store)
    store.settings.set("interval_min", "1440")  # one due time per day: the test never spans two
    return url, store


def _doing(store, worker_id=None):
    try:
        return store.db.execute(
            "SELECT worker_id, count(*) FROM procrastinate_jobs WHERE status = 'doing' "
            "AND (CAST(? AS bigint) IS NULL OR worker_id = ?) GROUP BY worker_id",
            [worker_id, worker_id],
        ).fetchall()
    except psycopg.errors.UndefinedTable:  # the first worker has not made the queue yet
        return []


def test_three_workers_one_killed_every_asset_probed_once(seeded, lab):
    url, store = seeded
    assets = {a.id for a in store.assets.all()}
    victim = _worker(url, lab)
    deadline = time.monotonic() + 180
    while not (held := _doing(store)):
        assert time.monotonic() < deadline, "the first worker never took a job"
        time.sleep(0.02)
    victim_id = held[0][0]
    # Frozen while it holds an asset (its heartbeats stop), killed once the other two run.
    while True:
        victim.send_signal(signal.SIGSTOP)
        cut = store.db.execute(
            "SELECT id FROM procrastinate_jobs WHERE status = 'doing' AND worker_id = ?",
            [victim_id],
        ).fetchall()
        if cut:
            break
        victim.send_signal(signal.SIGCONT)
        assert time.monotonic() < deadline, "the first worker never held an asset"
        time.sleep(0.01)
    others = [_worker(url, lab) for _ in range(2)]
    deadline = time.monotonic() + 180  # process start-up is slow on a loaded CI machine
    while (
        store.db.execute(
            "SELECT count(*) FROM procrastinate_workers WHERE id <> ?", [victim_id]
        ).fetchone()[0]
        < 2
    ):
        assert time.monotonic() < deadline, "the other workers never started"
        time.sleep(0.05)
    victim.send_signal(signal.SIGKILL)
    victim.wait(10)
    for w in others:
        assert w.wait(120) == 0, w.stderr.read() if w.stderr else ""
    # Its lease ended with its heartbeats: its jobs are doing no more, their assets are done.
    statuses = {
        r[0]
        for r in store.db.execute(
            "SELECT status FROM procrastinate_jobs WHERE id = ANY(?)", [[c[0] for c in cut]]
        ).fetchall()
    }
    assert "doing" not in statuses
    runs = _runs(store)
    slot = due_slot(store.clock(), __import__("datetime").timedelta(days=1))
    assert {r[0] for r in runs} == assets  # nothing lost
    assert all(r[1] == slot and r[3] == 1 for r in runs)  # once per due time
    full = store.db.execute("SELECT count(*) FROM probes").fetchone()[0]
    ticks = store.db.execute("SELECT count(*) FROM probe_ticks").fetchone()[0]
    assert full + ticks == len(assets)  # no asset's result stored twice
    store.close()


def test_a_second_place_probes_the_same_assets_and_both_are_kept(seeded, lab):
    url, store = seeded
    for place in ("inside", "outside"):
        assert _worker(url, lab, place).wait(120) == 0
    places = {(r[0], r[2]) for r in _runs(store)}
    ids = {a.id for a in store.assets.all()}
    assert places == {(i, p) for i in ids for p in ("inside", "outside")}
    seen = {p[1] for p in store.findings.places()}
    assert seen == {"inside", "outside"}
    # Each place's finished round is a sweep in the audit log, as `scan` logs one: the
    # roll-up's last sweep and the organisation checklist read it.
    sweeps = [
        e.detail for e in store.audit.events() if e.action == "sweep" and e.detail.get("workers")
    ]
    assert sorted(d["location"] for d in sweeps) == ["inside", "outside"]
    assert all(d["assets"] == len(ids) and d["light"] for d in sweeps)
    from checks.service.orgs import rollup

    (state,) = rollup(store)
    assert state.last_sweep is not None
    assert {loc.name for loc in store.runs.locations()} == {"inside", "outside"}
    # A rerun for the same due time probes nothing.
    before = store.db.execute("SELECT count(*) FROM probe_runs").fetchone()[0]
    assert _worker(url, lab, "inside").wait(60) == 0
    assert store.db.execute("SELECT count(*) FROM probe_runs").fetchone()[0] == before
    store.close()


def test_a_worker_on_sqlite_is_refused(capsys, tmp_path):
    db = str(tmp_path / "aw.db")
    assert main(["--db", db, "init"]) == 0
    code = main(["--db", db, "--lang", "en", "worker"])
    _, err = capsys.readouterr()
    assert code == 2 and "PostgreSQL" in err
