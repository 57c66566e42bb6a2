"""Databases written before m010 (a plain-JSON outcome per probe) migrate forward and shrink."""

from __future__ import annotations

import hashlib
import sqlite3
from dataclasses import replace
from datetime import timedelta

from sqlite_utils import Database

from checks.model import Asset, DnsAnswer, DnsStatus, HttpEntry, HttpError, ProbeOutcome
from checks.service import evidence
from checks.store import Store, history
from checks.store.codec import outcome_to_json, ts
from checks.store.schema import MIGRATIONS

ASSETS = ("static.example.test", "daily.example.test", "flappy.example.test")
PROBES = 8 * 96  # eight days, every 15 minutes: older than a week is rolled up


def _outcome(asset: Asset, when, i: int) -> ProbeOutcome:
    """The i-th probe of an asset: a visit counter always (not a change), a new page once a
    day (daily), and down one probe in seven (flappy)."""
    down = asset.name.startswith("flappy") and i % 7 == 0
    page = f"<h1>{asset.name}</h1><p>news {i // 96 if asset.name.startswith('daily') else 0}"
    body = b"" if down else (page + f"</p><p>visits {i}</p>").encode()
    entry = HttpEntry(
        f"https://{asset.name}/",
        status=None if down else 200,
        error=HttpError.CONNECT if down else None,
        headers=() if down else (("date", f"day {i}"), ("server", "nginx")),
        elapsed_ms=40.0 + i % 9,
        title="" if down else asset.name,
        body=body,
        body_sha256=hashlib.sha256(body).hexdigest() if body else "",
    )
    return ProbeOutcome(
        asset, when, when, DnsAnswer(asset.name, DnsStatus.ANSWER, ("127.0.0.1",)), (entry,)
    )


def _write_old(path, clock) -> list[list[ProbeOutcome]]:
    """A database as assetwatch wrote it before m010: every probe a row of plain JSON."""
    db = Database(path)
    MIGRATIONS.apply(db, stop_before="m010_history")
    start = clock.now
    when = ts(start)
    for name in ASSETS:
        db.execute(
            "INSERT INTO assets (name, kind, created_at, updated_at) VALUES (?, 'website', ?, ?)",
            [name, when, when],
        )
    assets = [Asset(n, id=i + 1) for i, n in enumerate(ASSETS)]
    db.execute("BEGIN")
    written: list[list[ProbeOutcome]] = [[] for _ in assets]
    for i in range(PROBES):
        at = start + timedelta(minutes=15 * i)
        for k, asset in enumerate(assets):
            outcome = _outcome(asset, at, i)
            written[k].append(outcome)
            entry = outcome.http[0]
            if entry.body_sha256:
                db.execute(
                    "INSERT INTO pages VALUES (?, ?, ?, ?) ON CONFLICT(sha256) DO UPDATE SET "
                    "last_seen = excluded.last_seen",
                    [entry.body_sha256, entry.body, ts(at), ts(at)],
                )
            probe_id = db.execute(
                "INSERT INTO probes (asset_id, started_at, at, dns_status, addresses, cname, "
                "http_status, http_error, response_ms, open_findings, data) "
                "VALUES (?, ?, ?, 'answer', '127.0.0.1', '', ?, ?, ?, 0, ?)",
                [
                    asset.id,
                    ts(at),
                    ts(at),
                    entry.status,
                    str(entry.error) if entry.error else None,
                    outcome.response_ms,
                    outcome_to_json(outcome),
                ],
            ).lastrowid
            db.execute(
                "UPDATE assets SET last_probe_id = ?, last_checked = ? WHERE id = ?",
                [probe_id, ts(at), asset.id],
            )
    db.conn.commit()
    db.close()
    clock.now = start + timedelta(minutes=15 * PROBES)
    return written


def _size(store: Store) -> int:
    store.db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    assert store.path is not None
    return store.path.stat().st_size


def _figures(store: Store, since):
    out = {}
    for asset in store.assets.all():
        uptime = store.probes.trend.uptime(asset.id, since)
        day = store.probes.trend.uptime(asset.id, store.clock() - timedelta(days=1))
        out[asset.name] = (store.probes.trend.points(asset.id), uptime, day)
    return out


def _exported(store: Store, folder) -> dict[str, dict[str, bytes]]:
    files = {}
    for asset in store.assets.all():
        paths = evidence.export(store, asset, folder / asset.name, who="test")
        files[asset.name] = {p.name: p.read_bytes() for p in paths}
    return files


def test_an_old_database_converts_as_todays_writer_would_and_shrinks(tmp_path, clock, monkeypatch):
    path = tmp_path / "old.db"
    start = clock.now
    written = _write_old(path, clock)
    store = Store(path, clock=clock)
    assert store.probes.trend.legacy_left()
    size = _size(store)
    figures = _figures(store, start)
    exported = _exported(store, tmp_path / "before")
    store.probes.trend.upkeep(180)  # as a digesting version's prune would have, meanwhile

    # Small batches: every asset is cut across transactions, and each goes on where it was.
    monkeypatch.setattr(history, "_LEGACY_ROWS", 50)
    monkeypatch.setattr(history, "LEGACY_BATCH_S", 0.0)
    batches = 0
    while store.probes.trend.legacy_left():
        with store.atomic():
            store.probes.trend._legacy_batch()
        batches += 1
    assert batches > PROBES * len(ASSETS) // 50
    assert store.db.execute("SELECT count(*) FROM probes WHERE digest IS NULL").fetchone()[0] == 0
    store.probes.prune(180)

    # What today's writer makes of the same probes: the same full rows, the same ticks.
    fresh = Store(tmp_path / "new.db", clock=clock)
    for name in ASSETS:
        fresh.assets.add(Asset(name))
    for i in range(PROBES):
        fresh.probes.record([(w[i], []) for w in written])
    fresh.probes.prune(180)

    def rows(db, sql):
        return db.execute(sql).fetchall()

    full = "SELECT asset_id, at, digest, bodies FROM probes ORDER BY 1, 2"
    ticks = "SELECT asset_id, at, http_status, response_ms FROM probe_ticks ORDER BY 1, 2"
    rolled = "SELECT * FROM probe_rollups ORDER BY 1, 2, 3"
    # One difference: each asset's newest probe stays whole (the evidence export and the
    # grid read it), where today's writer made it a tick of the change before.
    newest = {(k + 1, ts(w[-1].finished_at)) for k, w in enumerate(written)}
    kept = {r[:2]: r for r in rows(store.db, full)}
    made = {r[:2]: r for r in rows(fresh.db, full)}
    assert set(kept) == set(made) | newest
    assert all(kept[k] == made[k] for k in made)
    assert [r for r in rows(fresh.db, ticks) if r[:2] not in newest] == rows(store.db, ticks)
    assert rows(store.db, rolled) == rows(fresh.db, rolled)
    fresh.close()

    assert _figures(store, start) == figures  # sparkline, uptime over eight days and over one
    assert _exported(store, tmp_path / "after") == exported
    assert store.db.execute("PRAGMA freelist_count").fetchone()[0] > 0
    store.probes.vacuum()  # the file shrinks once (then gives pages back as it goes)
    assert _size(store) < size / 3
    assert store.db.execute("PRAGMA auto_vacuum").fetchone()[0] == 2
    assert _figures(store, start) == figures
    store.close()


def test_a_page_no_longer_stored_never_hides_a_change(tmp_path, clock):
    path = tmp_path / "old.db"
    _write_old(path, clock)
    conn = sqlite3.connect(path)
    conn.execute("DELETE FROM pages")  # pruned long ago: the bodies are gone
    conn.commit()
    conn.close()
    store = Store(path, clock=clock)
    store.probes.prune(180)
    daily = store.assets.get("daily.example.test")
    # every page had its own hash (a counter): each probe stays a full row
    assert len(list(store.probes.history(daily.id, limit=10_000))) == PROBES
    store.close()


def test_a_new_database_has_nothing_to_convert_and_gives_pages_back(tmp_path, clock):
    store = Store(tmp_path / "new.db", clock=clock)
    assert not store.probes.trend.legacy_left()
    assert store.db.execute("PRAGMA auto_vacuum").fetchone()[0] == 2  # incremental
    asset = store.assets.add(Asset("www.example.test"))
    for i in range(300):  # every probe a change: a full row each
        outcome = _outcome(asset, clock(), 0)
        http = (replace(outcome.http[0], title=f"version {i}"),)
        store.probes.record([(replace(outcome, http=http), [])])
        clock.now += timedelta(days=1)
    store.db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    assert store.probes.prune(30) > 0
    assert store.db.execute("PRAGMA freelist_count").fetchone()[0] == 0
    store.close()


def test_vacuum_converts_everything_left_and_gives_the_space_back(tmp_path, clock, capsys):
    from tui.cli import main

    path = tmp_path / "old.db"
    _write_old(path, clock)
    store = Store(path, clock=clock)
    before = _size(store)
    figures = _figures(store, clock.now - timedelta(days=30))
    store.close()

    assert main(["--db", str(path), "vacuum"]) == 0
    assert "database compacted" in capsys.readouterr().out

    store = Store(path, clock=clock)
    assert not store.probes.trend.legacy_left()
    assert _size(store) * 3 < before
    assert _figures(store, clock.now - timedelta(days=30)) == figures
    event = store.audit.last("vacuum")
    assert event is not None and event.detail["converted"] > 0
    store.close()
