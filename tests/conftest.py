"""Shared fixtures: the loopback lab (the one `assetwatch demo` runs), stores, a fixed clock."""

from __future__ import annotations

import itertools
import os
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from checks.lab.postgres import LabPostgres, missing_reason
from checks.lab.remote import RemoteLab
from checks.store import Store

# uvloop connects below the socket module, out of pytest-socket's sight (see run_async).
os.environ["ASSETWATCH_EVENT_LOOP"] = "asyncio"


@pytest.fixture(scope="session")
def lab() -> Iterator[RemoteLab]:
    """The demo lab plus the edge-case sites, on loopback, in a process of its own.

    Its own process keeps the lab's CPU off the GIL of the prober and the dashboard under test.
    """
    with RemoteLab() as running:
        yield running


@pytest.fixture(scope="session")
def pg() -> Iterator[LabPostgres]:
    """A PostgreSQL server of the suite's own on loopback (one per test process).

    Where none is installed the tests that need it are skipped, and the run's summary says so.
    """
    reason = missing_reason()
    if reason:
        pytest.skip(f"PostgreSQL: {reason}")
    with LabPostgres() as server:
        yield server


_databases = itertools.count()


@pytest.fixture(params=["sqlite", "postgresql"])
def db_target(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """A fresh, empty database on each backend: a SQLite file, or a PostgreSQL database."""
    if request.param == "sqlite":
        return str(tmp_path / "aw.db")
    server: LabPostgres = request.getfixturevalue("pg")
    return server.fresh_database(f"t{os.getpid()}_{next(_databases)}")


@pytest.fixture
def store(db_target: str) -> Iterator[Store]:
    """A fresh database, on each backend."""
    s = Store(db_target)
    yield s
    s.close()


def pytest_terminal_summary(terminalreporter: Any) -> None:
    """Say plainly when the PostgreSQL half of the suite did not run, and why."""
    skipped = [
        r
        for r in terminalreporter.stats.get("skipped", [])
        if "PostgreSQL" in str(getattr(r, "longrepr", ""))
    ]
    if skipped:
        reason = missing_reason() or "see the skip reasons (pytest -rs)"
        terminalreporter.write_line(
            f"PostgreSQL: {len(skipped)} tests skipped: {reason}", yellow=True, bold=True
        )


FIXED_NOW = datetime(2026, 11, 29, 8, 0, tzinfo=UTC)


@pytest.fixture
def clock() -> FixedClock:
    """A clock that stands still until moved."""
    return FixedClock(FIXED_NOW)


class FixedClock:
    """Callable returning a settable time."""

    def __init__(self, now: datetime) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return self.now


# Snapshot baselines live in screenshots/snapshots/<test module>/ (see STYLE.md).
from pytest_textual_snapshot import SVGImageExtension  # noqa: E402

SNAPSHOTS = Path(__file__).resolve().parent.parent / "screenshots" / "snapshots"
SVGImageExtension.dirname = classmethod(  # type: ignore[method-assign]
    lambda cls, *, test_location: str(SNAPSHOTS / test_location.basename)
)

RECORDED_SWEEP = Path(__file__).resolve().parent / "data" / "lab-sweep.sql"


@pytest.fixture
def recorded_store(tmp_path: Path) -> Iterator[Store]:
    """A store holding one recorded sweep of the demo lab (see record_lab_sweep.py), clock fixed."""
    import sqlite3

    path = tmp_path / "recorded.db"
    conn = sqlite3.connect(path)
    conn.executescript(RECORDED_SWEEP.read_text(encoding="utf-8"))
    conn.close()
    s = Store(path, clock=FixedClock(FIXED_NOW + timedelta(minutes=3)))
    yield s
    s.close()
