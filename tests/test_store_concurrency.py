"""One database, many processes, for real: writers wait their turn, a kill -9 loses nothing."""

from __future__ import annotations

import signal
import sqlite3
import subprocess
import sys
import textwrap

from checks.store import Store


def _spawn(code: str, *args: str) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-c", textwrap.dedent(code), *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def _sound(store: Store) -> bool:
    """SQLite: the file passes its integrity check. PostgreSQL: no transaction is left open
    or waiting on the writers' lock (the server itself recovers a killed client's work)."""
    if store.backend == "sqlite":
        return bool(store.db.execute("PRAGMA integrity_check").fetchone()[0] == "ok")
    row = store.db.execute(
        "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND pid <> pg_backend_pid()"
    ).fetchone()
    return bool(row[0] == 0)


def _kill_and_check(victim: subprocess.Popen[str], path: str) -> None:
    """SIGKILL the process, then prove the database it wrote is sound."""
    victim.send_signal(signal.SIGKILL)
    victim.wait(30)
    if path.startswith("postgresql"):
        return  # the server sees the connection drop and rolls its transaction back
    conn = sqlite3.connect(path)
    assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    conn.close()


WRITER = """
    import sys
    from checks.model import Asset
    from checks.store import Store
    store = Store(sys.argv[1])
    for i in range(40):
        store.assets.save(Asset(f"w{sys.argv[2]}-{i}.example.test", owner="IT"))
        store.settings.set(f"k{sys.argv[2]}", str(i))
    store.close()
"""


def test_processes_sharing_a_fresh_database_all_succeed(db_target):
    path = db_target
    workers = [_spawn(WRITER, path, str(n)) for n in range(6)]
    results = [(w.wait(120), w.stderr.read() if w.stderr else "") for w in workers]
    assert [rc for rc, _ in results] == [0] * 6, [err for _, err in results if err]
    store = Store(path)
    assert len(store.assets.all()) == 240
    assert _sound(store)
    store.close()


def test_a_write_waits_for_a_long_transaction_instead_of_failing(db_target):
    path = db_target
    Store(path).close()
    holder = _spawn(
        """
        import sys, time
        from checks.model import Asset
        from checks.store import Store
        store = Store(sys.argv[1])
        with store.atomic():
            store.assets.save(Asset("slow.example.test"))
            print("holding", flush=True)
            time.sleep(2)
        """,
        path,
    )
    assert holder.stdout is not None and holder.stdout.readline().strip() == "holding"
    writer = _spawn(WRITER, path, "late")
    assert writer.wait(120) == 0, writer.stderr.read() if writer.stderr else ""
    assert holder.wait(60) == 0
    store = Store(path)
    assert store.assets.get("slow.example.test") is not None
    assert len(store.assets.all()) == 41
    store.close()


def test_kill_9_in_the_middle_of_an_import_loses_nothing_written_before(db_target):
    path = db_target
    victim = _spawn(
        """
        import sys, time
        from checks.intake import ParsedFile
        from checks.model import Asset
        from checks.service import inventory
        from checks.store import Store
        store = Store(sys.argv[1])
        kept = store.assets.save(Asset("kept.example.test"))[0]
        store.attestations.attest_org("security-officer", note="appointed", who="admin")
        store.audit.log("note", kept.id, who="admin", text="before the crash")
        print("written", flush=True)
        parsed = ParsedFile()
        for i in range(100000):
            parsed.assets.append((i + 2, Asset(f"bulk{i}.example.test"), frozenset()))
        print("importing", flush=True)
        inventory.import_parsed(store, parsed)
        print("finished", flush=True)
        """,
        path,
    )
    assert victim.stdout is not None
    assert victim.stdout.readline().strip() == "written"
    assert victim.stdout.readline().strip() == "importing"
    _kill_and_check(victim, path)
    store = Store(path)
    assert store.assets.get("kept.example.test") is not None
    assert "security-officer" in store.attestations.org()
    assert any(e.action == "note" for e in store.audit.events())
    # the import is one transaction: none of it, or all of it
    assert len(store.assets.all()) in (1, 100001)
    store.assets.save(store.assets.get("kept.example.test"))  # and the next run works
    store.close()


def test_kill_9_in_the_middle_of_a_sweep_loses_nothing_and_the_next_sweep_works(db_target, lab):
    from checks.service.sweeps import config_from, run_async, run_sweep

    path = db_target
    store = Store(path)
    lab.seed(store)
    store.attestations.attest_org("ir-plan", note="v2 approved", who="admin")
    store.close()
    victim = _spawn(
        """
        import sys
        from checks.service.sweeps import ProbeOverrides, config_from, run_async, run_sweep
        from checks.store import Store
        store = Store(sys.argv[1])
        dns, ca = sys.argv[2].split(":"), sys.argv[3]
        overrides = ProbeOverrides(nameservers=((dns[0], int(dns[1])),), ca_bundle=ca, timeout=5)
        def batch(done, progress):
            print("batch", progress.done, flush=True)
        config = config_from(store.settings.read(), overrides)
        run_async(run_sweep(store, config, on_batch=batch, batch_size=1))
        """,
        path,
        f"127.0.0.1:{lab.dns_port}",
        lab.ca_pem,
    )
    assert victim.stdout is not None
    assert victim.stdout.readline().startswith("batch")
    _kill_and_check(victim, path)
    store = Store(path)
    assert store.attestations.org()["ir-plan"].note == "v2 approved"
    done = run_async(run_sweep(store, config_from(store.settings.read(), lab.overrides())))
    assert done.done == len(lab.inventory)
    assert _sound(store)
    store.close()


def test_a_write_held_off_too_long_is_a_clear_error_not_a_traceback(db_target, monkeypatch):
    import pytest

    import checks.store
    from checks.errors import UserError
    from checks.model import Asset

    path = db_target
    Store(path).close()
    holder = _spawn(
        """
        import sys, time
        from checks.store import Store
        store = Store(sys.argv[1])
        with store.atomic():
            print("holding", flush=True)
            time.sleep(3)
        """,
        path,
    )
    assert holder.stdout is not None and holder.stdout.readline().strip() == "holding"
    monkeypatch.setattr(checks.store, "BUSY_TIMEOUT_S", 0.3)
    store = Store(path)
    with pytest.raises(UserError, match="busy"):
        store.assets.save(Asset("late.example.test"))
    assert holder.wait(30) == 0
    store.assets.save(Asset("late.example.test"))  # once it is free, the write goes through
    store.close()
