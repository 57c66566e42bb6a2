"""Advisory file locks beside the database: one watcher per database, one sender at a time.

`flock` locks belong to the open file: the kernel releases them when the process dies, even by
`kill -9`, so a crashed watcher never leaves a stale lock behind.
"""

from __future__ import annotations

import asyncio
import fcntl
import os
import time
from pathlib import Path
from types import TracebackType

from checks.store import Store
from checks.store.postgres import SessionLock


def lock_path(store: Store, name: str) -> Path | None:
    """`<database>.<name>.lock`; None for an in-memory store (one process: nothing to share)."""
    return None if store.path is None else Path(f"{store.path}.{name}.lock")


def lock_for(store: Store, name: str) -> FileLock:
    """The lock `name` of this database: a file beside a SQLite database, an advisory lock
    the server holds on PostgreSQL (watchers on several machines share one database)."""
    return FileLock(lock_path(store, name), store.server_lock(name))


class FileLock:
    """An exclusive lock on a file (or held by the database server), taken without blocking
    or waited for."""

    def __init__(self, path: Path | None, server: SessionLock | None = None) -> None:
        self.path = path
        self._server = server
        self._fd: int | None = None

    @property
    def held(self) -> bool:
        """We hold it."""
        if self._server is not None:
            return self._server.held
        return self._fd is not None or self.path is None

    def try_acquire(self) -> bool:
        """Take the lock if nobody holds it; False when another process does."""
        if self._server is not None:
            return self._server.try_acquire()
        if self.path is None or self._fd is not None:
            return True
        fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o600)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            os.close(fd)
            return False
        os.ftruncate(fd, 0)
        os.write(fd, f"{os.getpid()}\n".encode())
        self._fd = fd
        return True

    async def acquire(self, wait_s: float) -> bool:
        """Wait (without blocking the event loop) for the lock; False after `wait_s` seconds."""
        deadline = time.monotonic() + wait_s
        while not self.try_acquire():
            if time.monotonic() > deadline:
                return False
            await asyncio.sleep(0.1)
        return True

    def release(self) -> None:
        """Let go of the lock."""
        if self._server is not None:
            self._server.release()
        if self._fd is not None:
            fcntl.flock(self._fd, fcntl.LOCK_UN)
            os.close(self._fd)
            self._fd = None

    def __enter__(self) -> FileLock:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.release()
