"""Shared fixtures: the loopback lab (the one `assetwatch demo` runs), stores, a fixed clock."""

from __future__ import annotations

import os
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

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


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Store]:
    """A fresh database file."""
    s = Store(tmp_path / "aw.db")
    yield s
    s.close()


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
