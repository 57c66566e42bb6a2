"""Shared fixtures: the loopback lab (the one `assetwatch demo` runs), stores, a fixed clock."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest

from checks.lab import Lab
from checks.store import Store


@pytest.fixture(scope="session")
def lab() -> Iterator[Lab]:
    """The demo lab plus the edge-case sites, on loopback, for the whole test session."""
    with Lab() as running:
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
